import { createStorekeep, type Storekeep } from "../../../src/index.js";
import { ManualClock, sequentialIds } from "../../../src/testing/index.js";
import type { BenchWorkload } from "../harness.js";

/*
 * purchasing.receive-1k-lines: receiving a sent 1,000-line purchase order in full through
 * the command runner on the in-memory store — the receipt command (tolerance checks, values
 * at the order price, the order's buckets and incoming rows), GoodsReceived validated by the
 * catalog, inventory's reaction (1,000 FIFO receipts with their balances and availability
 * counters) and finance's posting (Dr Inventory / Cr GRNI) — beside a plain-object kernel
 * doing the same bookkeeping in one process: look up each order line, check the tolerance,
 * value it in integer cents, move the line's bucket and on-hand/layer maps, and add to an
 * Inventory/GRNI balance map.
 */

const LINES = 1000;
const ORDERS = 12;

interface Ctx {
  sk: Storekeep;
  next: number;
  plainOrders: { lines: { lineId: string; sku: string; quantity: number; priceMillis: bigint; received: number }[] }[];
}

async function prepare(): Promise<Ctx> {
  const sk = createStorekeep({ clock: new ManualClock("2026-03-02T10:00:00.000Z"), ids: sequentialIds(), config: { functionalCurrency: "EUR", timeZone: "UTC" }, purchasing: { approvalLimit: "1000000000" } });
  await sk.inventory.defineWarehouse({ warehouseId: "wh" });
  for (let i = 0; i < LINES; i++) await sk.inventory.defineProduct({ sku: `SKU-${i}`, costingMethod: "fifo" });
  await sk.purchasing.defineSupplier({ supplierId: "sup", currency: "EUR", leadTimeDays: 7, taxTreatment: "none" });
  const lines = Array.from({ length: LINES }, (_, i) => ({ sku: `SKU-${i}`, quantity: 10 + (i % 40), unitPrice: `${1 + (i % 17)}.${String(i % 100).padStart(2, "0")}` }));
  for (let o = 0; o < ORDERS; o++) {
    await sk.purchasing.createOrder({ purchaseOrderId: `po_${o}`, supplierId: "sup", warehouseId: "wh", lines });
    await sk.purchasing.sendOrder({ purchaseOrderId: `po_${o}` });
  }
  const plainOrders = Array.from({ length: ORDERS }, () => ({ lines: lines.map((l, i) => ({ lineId: String(i + 1), sku: l.sku, quantity: l.quantity, priceMillis: BigInt(Math.round(Number(l.unitPrice) * 1000)), received: 0 })) }));
  return { sk, next: 0, plainOrders };
}

let plainNext = 0;

export const workloads: BenchWorkload[] = [
  {
    name: "purchasing.receive-1k-lines",
    unit: "lines/s",
    ops: LINES,
    rounds: 5,
    // Each call receives one prepared order: warm-ups and rounds together take at most all of them.
    maxCalls: ORDERS,
    prepare,
    async subject(ctx: Ctx) {
      if (ctx.next >= ORDERS) throw new Error(`purchasing.receive-1k-lines prepared ${ORDERS} orders; run with --rounds ${ORDERS - 1} or fewer`);
      const order = (await ctx.sk.purchasing.order(`po_${ctx.next}`))!;
      await ctx.sk.purchasing.receiveGoods({ receiptId: `grn_${ctx.next}`, purchaseOrderId: order.purchaseOrderId, lines: order.lines.map((l) => ({ lineId: l.lineId, quantity: l.quantity })) });
      ctx.next += 1;
    },
    baseline(ctx: Ctx) {
      const order = ctx.plainOrders[plainNext++ % ORDERS]!;
      const byId = new Map(order.lines.map((l) => [l.lineId, l]));
      const onHand = new Map<string, number>();
      const layers = new Map<string, { quantity: number; valueCents: bigint }[]>();
      const balances = new Map<string, bigint>();
      const events: unknown[] = [];
      for (const line of order.lines) {
        const l = byId.get(line.lineId)!;
        const after = l.received + line.quantity;
        if (after > l.quantity) throw new Error("over");
        const valueCents = (BigInt(line.quantity) * l.priceMillis + 5n) / 10n;
        l.received = after;
        onHand.set(l.sku, (onHand.get(l.sku) ?? 0) + line.quantity);
        (layers.get(l.sku) ?? layers.set(l.sku, []).get(l.sku)!).push({ quantity: line.quantity, valueCents });
        balances.set("1300", (balances.get("1300") ?? 0n) + valueCents);
        balances.set("2150", (balances.get("2150") ?? 0n) - valueCents);
        events.push({ sku: l.sku, quantity: line.quantity, value: valueCents.toString() });
      }
      for (const l of order.lines) l.received = 0;
      return events.length;
    },
  } as BenchWorkload<Ctx> as BenchWorkload,
];
