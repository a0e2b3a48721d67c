import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { postgresStore } from "../../../src/adapters/postgres/index.js";
import { memoryStore } from "../../../src/adapters/memory/index.js";
import type { Store } from "../../../src/ports/storage.js";
import { defineTaxCodes } from "../../../src/finance/tax/tax-codes.js";
import { type Storekeep, createStorekeep } from "../../../src/storekeep.js";
import { ManualClock, sequentialIds } from "../../../src/testing/index.js";
import type { BenchWorkload } from "../harness.js";

/*
 * sales.order-lifecycle: the whole life of a 10-line order through sk.sales on the memory
 * store — place (priced with a 5% order discount, shipping and 19% VAT, reserved, invoiced
 * on order with a legal number), capture, ship (10 stock issues at FIFO / moving-average
 * cost, COGS posted), payout — value: orders per second; `extra` holds the p50/p99
 * latency of each command. Baseline: the same bookkeeping on plain objects in the same
 * process (bigint minor units): pricing and tax per line, a reservation counter per SKU,
 * FIFO layers, journal balances per account, an invoice counter.
 * sales.order-lifecycle-pglite: the same through the PostgreSQL adapter on PGlite.
 * sales.order-lifecycle-server (STOREKEEP_PG_URL only): the same on a PostgreSQL server, where
 * every statement is a network round trip (one connection at a time, as one checkout would);
 * `-server-prepared` with the store's `preparedStatements` option.
 */

const SKUS = Array.from({ length: 20 }, (_, i) => `SKU${String(i).padStart(2, "0")}`);
const vat = defineTaxCodes([{ code: "DE-STD", jurisdiction: { country: "DE" }, category: "standard", kind: "standard", rates: [{ rate: "0.19", validFrom: "2007-01-01" }] }]);

interface Ctx {
  sk: Storekeep;
  n: number;
  close(): Promise<void>;
}

async function shopOn(store: Store, close: () => Promise<void>): Promise<Ctx> {
  const clock = new ManualClock("2026-03-02T10:00:00.000Z");
  const sk = createStorekeep({ store, clock, ids: sequentialIds(), config: { functionalCurrency: "EUR", timeZone: "UTC" }, sales: { tax: { codes: vat, seller: { country: "DE" } } } });
  await sk.inventory.defineWarehouse({ warehouseId: "wh" });
  for (const [i, sku] of SKUS.entries()) {
    await sk.inventory.defineProduct({ sku, costingMethod: i % 2 === 0 ? "fifo" : "moving-average" });
    for (let r = 0; r < 5; r++) await sk.inventory.receive({ sku, warehouseId: "wh", quantity: "100000", unitCost: `${2 + r / 4}` });
  }
  return { sk, n: 0, close };
}

const linesOf = (n: number) => Array.from({ length: 10 }, (_, i) => ({ sku: SKUS[(n + i) % SKUS.length]!, quantity: 1 + (i % 3), unitPrice: `${9 + i}.95` }));

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

async function lifecycle(ctx: Ctx, orders: number): Promise<{ extra: Record<string, number> }> {
  const times: Record<string, number[]> = { place: [], capture: [], ship: [], payout: [] };
  const timed = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    const out = await work();
    times[name]!.push(performance.now() - t0);
    return out;
  };
  for (let k = 0; k < orders; k++) {
    const n = ctx.n++;
    const orderId = `o${n}`;
    const placed = await timed("place", () => ctx.sk.sales.placeOrder({ orderId, currency: "EUR", warehouseId: "wh", lines: linesOf(n), discounts: [{ kind: "percent", percent: "5" }], shipping: { amount: "4.90" }, shipTo: { country: "DE" } }));
    await timed("capture", () => ctx.sk.sales.capturePayment({ orderId, paymentId: `ch${n}`, amount: placed.total }));
    await timed("ship", () => ctx.sk.sales.shipOrder({ orderId, shipmentId: `s${n}` }));
    await timed("payout", () => ctx.sk.sales.settlePayout({ payoutId: `po${n}`, currency: "EUR", gross: placed.total, fees: "0.35", paymentIds: [`ch${n}`] }));
  }
  const extra: Record<string, number> = {};
  for (const [name, list] of Object.entries(times)) {
    const sorted = [...list].sort((a, b) => a - b);
    extra[`${name}P50Ms`] = Number(percentile(sorted, 50).toFixed(3));
    extra[`${name}P99Ms`] = Number(percentile(sorted, 99).toFixed(3));
  }
  return { extra };
}

/** The same bookkeeping on plain objects: pricing, tax, reservation, FIFO issue, postings, numbering. */
function plainLifecycle(orders: number): void {
  const layers = new Map<string, { qty: bigint; cost: bigint }[]>(SKUS.map((s) => [s, Array.from({ length: 5 }, (_, r) => ({ qty: 100000n, cost: BigInt(200 + r * 25) }))]));
  const reserved = new Map<string, bigint>();
  const balances = new Map<string, bigint>();
  const post = (account: string, amount: bigint) => balances.set(account, (balances.get(account) ?? 0n) + amount);
  let invoiceNo = 0;
  for (let n = 0; n < orders; n++) {
    const lines = linesOf(n).map((l) => ({ sku: l.sku, q: BigInt(l.quantity), amount: BigInt(l.quantity) * BigInt(Math.round(Number(l.unitPrice) * 100)) }));
    const subtotal = lines.reduce((a, l) => a + l.amount, 0n);
    const discount = (subtotal * 5n + 50n) / 100n;
    let left = discount;
    const nets = lines.map((l, i) => {
      const share = i === lines.length - 1 ? left : (discount * l.amount) / subtotal;
      left -= share;
      return l.amount - share;
    });
    const taxes = nets.map((net) => (net * 19n + 50n) / 100n);
    const shipTax = (490n * 19n + 50n) / 100n;
    const net = nets.reduce((a, b) => a + b, 0n);
    const tax = taxes.reduce((a, b) => a + b, 0n) + shipTax;
    const gross = net + 490n + tax;
    for (const l of lines) reserved.set(l.sku, (reserved.get(l.sku) ?? 0n) + l.q);
    invoiceNo++;
    post("1200", gross), post("4100", -net), post("4200", -490n), post("2300", -tax);
    post("1150", gross), post("1200", -gross);
    let cogs = 0n;
    for (const l of lines) {
      let q = l.q;
      const ls = layers.get(l.sku)!;
      while (q > 0n) {
        const layer = ls.find((x) => x.qty > 0n)!;
        const take = layer.qty < q ? layer.qty : q;
        layer.qty -= take;
        cogs += take * layer.cost;
        q -= take;
      }
      reserved.set(l.sku, reserved.get(l.sku)! - l.q);
    }
    post("5100", cogs), post("1300", -cogs);
    post("1100", gross - 35n), post("6100", 35n), post("1150", -gross);
  }
  if (invoiceNo !== orders) throw new Error("lost an invoice");
}

const ORDERS = 100;
const PGLITE_ORDERS = 20;
const SERVER_ORDERS = 50;

export const workloads: BenchWorkload[] = [
  {
    name: "sales.order-lifecycle",
    unit: "orders/s",
    ops: ORDERS,
    rounds: 3,
    prepare: () => shopOn(memoryStore(), async () => {}),
    subject: (ctx: Ctx) => lifecycle(ctx, ORDERS),
    baseline: () => plainLifecycle(ORDERS),
  } as BenchWorkload<Ctx> as BenchWorkload,
  {
    name: "sales.order-lifecycle-pglite",
    unit: "orders/s",
    ops: PGLITE_ORDERS,
    rounds: 3,
    async prepare() {
      const db = new PGlite();
      await db.waitReady;
      return shopOn(postgresStore({ client: db, schema: "bench_sales" }), () => db.close());
    },
    subject: (ctx: Ctx) => lifecycle(ctx, PGLITE_ORDERS),
    baseline: () => plainLifecycle(PGLITE_ORDERS),
  } as BenchWorkload<Ctx> as BenchWorkload,
];

const serverUrl = process.env["STOREKEEP_PG_URL"];
if (serverUrl !== undefined && serverUrl !== "") {
  for (const preparedStatements of [false, true]) {
    workloads.push({
      name: preparedStatements ? "sales.order-lifecycle-server-prepared" : "sales.order-lifecycle-server",
      unit: "orders/s",
      ops: SERVER_ORDERS,
      rounds: 3,
      async prepare() {
        const pool = new pg.Pool({ connectionString: serverUrl, max: 2 });
        await pool.query("DROP SCHEMA IF EXISTS bench_sales CASCADE");
        return shopOn(postgresStore({ client: pool, schema: "bench_sales", preparedStatements }), async () => {
          await pool.query("DROP SCHEMA IF EXISTS bench_sales CASCADE");
          await pool.end();
        });
      },
      subject: (ctx: Ctx) => lifecycle(ctx, SERVER_ORDERS),
      baseline: () => plainLifecycle(SERVER_ORDERS),
    } as BenchWorkload<Ctx> as BenchWorkload);
  }
}
