import { PGlite } from "@electric-sql/pglite";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { memoryRates, memoryStore } from "../../src/adapters/memory/index.js";
import { postgresStore } from "../../src/adapters/postgres/index.js";
import { Decimal } from "../../src/kernel/decimal.js";
import { isStorekeepError } from "../../src/kernel/errors.js";
import type { Store } from "../../src/ports/storage.js";
import { type Storekeep, createStorekeep } from "../../src/storekeep.js";
import { ManualClock, sequentialIds } from "../../src/testing/index.js";

/*
 * Moving-average revaluations in arrival order, on the paths the scenarios in
 * revaluation-arrival-order.test.ts do not take: a command revaluing several SKUs at once (a
 * landed cost over two receipts of one SKU and a receipt of another: recordMovements reads
 * every SKU's movements since its receipts in one call), and histories mixing customer
 * returns, transfers between warehouses, several revaluations of the same receipt (either
 * sign) and checkpoints every few movements.
 */

/** Stock value, the Inventory and in-transit accounts together, the audit; the trial balance checked to balance. */
async function books(sk: Storekeep): Promise<{ stock: string; accounts: string; audit: boolean }> {
  const tb = await sk.finance.trialBalance({ asOf: "2026-12-31" });
  expect(tb.totals.debit).toBe(tb.totals.credit);
  let accounts = new Decimal(0);
  for (const r of tb.rows) if (r.account === "1300" || r.account === "1310") accounts = accounts.plus(new Decimal(r.debit).minus(r.credit));
  let stock = new Decimal(0);
  for (const r of await sk.inventory.valuation()) stock = stock.plus(r.value);
  return { stock: stock.toString(), accounts: accounts.toString(), audit: (await sk.inventory.audit()).ok };
}

/**
 * MUG: 10 received on g1 (with 10 CUP), 8 sold, 10 more on g2, 6 sold (g1's last 2, then 4 of
 * g2), 5 restocked at 9.00; then 30.00 of freight over g1 and g2 by quantity (1.00 a unit) in
 * one command, and optionally a sale of 3 back-dated before the freight.
 */
async function freightOverTwoReceipts(store: Store, backdatedSale: boolean) {
  const clock = new ManualClock("2026-03-01T09:00:00.000Z");
  const sk = createStorekeep({ store, clock, ids: sequentialIds(), rates: memoryRates([]), config: { functionalCurrency: "EUR", timeZone: "UTC" }, purchasing: { approvalLimit: "100000", priceTolerance: "1" }, inventory: { snapshotEvery: 1 } });
  await sk.inventory.defineWarehouse({ warehouseId: "wh" });
  for (const sku of ["MUG", "CUP"]) await sk.inventory.defineProduct({ sku, costingMethod: "moving-average" });
  await sk.purchasing.defineSupplier({ supplierId: "s1", currency: "EUR", leadTimeDays: 5, taxTreatment: "none" });
  await sk.purchasing.defineSupplier({ supplierId: "dhl", currency: "EUR", leadTimeDays: 1, taxTreatment: "none" });
  await sk.purchasing.createOrder({ purchaseOrderId: "po", supplierId: "s1", warehouseId: "wh", lines: [{ sku: "MUG", quantity: 20, unitPrice: "3" }, { sku: "CUP", quantity: 10, unitPrice: "3" }] });
  await sk.purchasing.sendOrder({ purchaseOrderId: "po" });
  await sk.purchasing.receiveGoods({ receiptId: "g1", purchaseOrderId: "po", lines: [{ lineId: "1", quantity: 10 }, { lineId: "2", quantity: 10 }] });
  clock.set(new Date("2026-03-02T09:00:00Z"));
  await sk.inventory.issue({ sku: "MUG", warehouseId: "wh", quantity: "8" });
  clock.set(new Date("2026-03-03T09:00:00Z"));
  await sk.purchasing.receiveGoods({ receiptId: "g2", purchaseOrderId: "po", lines: [{ lineId: "1", quantity: 10 }] });
  clock.set(new Date("2026-03-04T09:00:00Z"));
  await sk.inventory.issue({ sku: "MUG", warehouseId: "wh", quantity: "6" });
  await sk.inventory.receive({ sku: "MUG", warehouseId: "wh", quantity: "5", unitCost: "9" });
  clock.set(new Date("2026-03-06T09:00:00Z"));
  await sk.purchasing.recordLandedCost({ landedCostId: "lc1", supplierId: "dhl", receiptIds: ["g1", "g2"], basis: "quantity", net: "30" });
  if (backdatedSale) await sk.inventory.issue({ sku: "MUG", warehouseId: "wh", quantity: "3", effectiveDate: "2026-03-05" });
  const shares = (await sk.inventory.history({ sku: "MUG" })).filter((l) => l.kind === "revaluation").map((l) => l.inventory);
  const valuation = (await sk.inventory.valuation()).map((r) => [r.sku, r.quantity, r.value]);
  return { shares, valuation, ...(await books(sk)) };
}

describe("a landed cost over two receipts of a moving-average SKU and another SKU's, in one command", () => {
  let db: PGlite;
  let n = 0;
  beforeAll(async () => {
    db = new PGlite();
    await db.waitReady;
  }, 60_000);
  afterAll(async () => {
    await db.close();
  });

  it.each([false, true])("each receipt's share is its units still on hand in arrival order (g1 none, g2 6; 3 after a sale back-dated before the freight: %s), the accounts equal the stock, the same on PGlite", async (backdatedSale) => {
    const memory = await freightOverTwoReceipts(memoryStore(), backdatedSale);
    expect(memory).toEqual(
      backdatedSale
        ? { shares: ["0", "3"], valuation: [["CUP", "10", "40"], ["MUG", "8", "48.82"]], stock: "88.82", accounts: "88.82", audit: true }
        : { shares: ["0", "6"], valuation: [["CUP", "10", "40"], ["MUG", "11", "69"]], stock: "109", accounts: "109", audit: true },
    );
    expect(await freightOverTwoReceipts(postgresStore({ client: db, schema: `arrival_paths_${++n}` }), backdatedSale)).toEqual(memory);
  }, 60_000);
});

type Op =
  | { readonly kind: "in"; readonly qty: number; readonly unitCost: number }
  | { readonly kind: "out"; readonly qty: number }
  | { readonly kind: "return"; readonly qty: number; readonly issue: number }
  | { readonly kind: "transfer"; readonly qty: number }
  | { readonly kind: "revalue"; readonly receipt: number; readonly amount: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant("in" as const), qty: fc.integer({ min: 1, max: 6 }), unitCost: fc.integer({ min: 1, max: 9 }) }), weight: 3 },
  { arbitrary: fc.record({ kind: fc.constant("out" as const), qty: fc.integer({ min: 1, max: 6 }) }), weight: 3 },
  { arbitrary: fc.record({ kind: fc.constant("return" as const), qty: fc.integer({ min: 1, max: 3 }), issue: fc.nat() }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant("transfer" as const), qty: fc.integer({ min: 1, max: 3 }) }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant("revalue" as const), receipt: fc.nat(), amount: fc.integer({ min: -3, max: 6 }) }), weight: 3 },
);

/** Units of the movement at `r` still on hand before op `at`, units leaving oldest first (customer returns arrive, transfers stay in the pool), arrivals filling what was issued short first. */
function arrivalOrderOnHand(ops: readonly Op[], recorded: ReadonlyMap<number, number>, r: number, at: number): number {
  const left = new Map<number, number>();
  let short = 0;
  for (let i = 0; i < at; i++) {
    const op = ops[i]!;
    const qty = recorded.get(i);
    if (qty === undefined) continue;
    if (op.kind === "in" || op.kind === "return") {
      const fill = Math.min(short, qty);
      short -= fill;
      left.set(i, qty - fill);
    } else if (op.kind === "out") {
      let want = qty;
      for (const [k, units] of left) {
        const take = Math.min(units, want);
        left.set(k, units - take);
        want -= take;
      }
      short += want;
    }
  }
  return left.get(r) ?? 0;
}

describe("moving average in arrival order with returns, transfers and several revaluations (property)", () => {
  it("every revaluation's inventory share is its receipt's units on hand in arrival order (customer returns arrive, transfers do not), and the stock value always equals the Inventory and in-transit accounts, the audit passing", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 3, maxLength: 10 }), fc.infiniteStream(fc.nat()), fc.integer({ min: 1, max: 4 }), async (ops, shuffle, snapshotEvery) => {
        const clock = new ManualClock("2026-03-31T12:00:00.000Z");
        const sk = createStorekeep({ store: memoryStore(), clock, ids: sequentialIds(), rates: memoryRates([]), config: { functionalCurrency: "EUR", timeZone: "UTC" }, inventory: { snapshotEvery } });
        await sk.inventory.defineWarehouse({ warehouseId: "wh" });
        await sk.inventory.defineWarehouse({ warehouseId: "wh2" });
        await sk.inventory.defineProduct({ sku: "MUG", costingMethod: "moving-average", allowNegativeStock: true });
        // Op i at hour i + 1 on 2 March, recorded in a random order (a revaluation or a return waits for what it names).
        const at = (i: number) => new Date(Date.UTC(2026, 2, 2, i + 1)).toISOString();
        const pending = ops.map((_, i) => i);
        const it = shuffle[Symbol.iterator]();
        for (let i = pending.length - 1; i > 0; i--) {
          const j = it.next().value! % (i + 1);
          [pending[i], pending[j]] = [pending[j]!, pending[i]!];
        }
        const ids = new Map<number, string>();
        const recorded = new Map<number, number>();
        const revaluations: { id: string; receipt: number; at: number; amount: number; qty: number }[] = [];
        for (let guard = 0; pending.length > 0 && guard < 100; guard++) {
          const i = pending.shift()!;
          const op = ops[i]!;
          const before = (kind: Op["kind"]) => ops.flatMap((o, k) => (o.kind === kind && k < i ? [k] : []));
          try {
            if (op.kind === "in") ids.set(i, (await sk.inventory.receive({ sku: "MUG", warehouseId: "wh", quantity: String(op.qty), unitCost: String(op.unitCost), effectiveAt: at(i) })).movementId);
            else if (op.kind === "out") ids.set(i, (await sk.inventory.issue({ sku: "MUG", warehouseId: "wh", quantity: String(op.qty), effectiveAt: at(i) })).movementId);
            else if (op.kind === "transfer") await sk.inventory.transfer({ sku: "MUG", quantity: String(op.qty), from: { warehouseId: "wh" }, to: { warehouseId: "wh2" }, effectiveAt: at(i) });
            else {
              const named = before(op.kind === "return" ? "out" : "in");
              if (named.length === 0) continue;
              const k = named[(op.kind === "return" ? op.issue : op.receipt) % named.length]!;
              if (!ids.has(k)) {
                pending.push(i);
                continue;
              }
              const qty = (ops[k] as { qty: number }).qty;
              if (op.kind === "return") {
                const units = Math.min(op.qty, qty);
                ids.set(i, (await sk.inventory.returnFromCustomer({ sku: "MUG", warehouseId: "wh", quantity: String(units), issueMovementId: ids.get(k)!, effectiveAt: at(i) })).movementId);
                recorded.set(i, units);
              } else {
                const m = await sk.inventory.revalueReceipt({ receiptMovementId: ids.get(k)!, amount: String(op.amount), effectiveAt: at(i) });
                revaluations.push({ id: m.movementId, receipt: k, at: i, amount: op.amount, qty });
              }
            }
            if (op.kind === "in" || op.kind === "out") recorded.set(i, op.qty);
          } catch (e) {
            // A correction taking off more than the receipt cost, a transfer from nothing: refused, nothing written.
            if (isStorekeepError(e) && ["VALIDATION_FAILED", "INSUFFICIENT_STOCK"].includes(e.code)) continue;
            throw e;
          }
          const b = await books(sk);
          expect(b.accounts).toBe(b.stock);
        }
        expect((await sk.inventory.audit()).ok).toBe(true);
        const history = await sk.inventory.history({ sku: "MUG" });
        for (const rv of revaluations) {
          if (rv.amount <= 0) continue;
          const units = Math.min(arrivalOrderOnHand(ops, recorded, rv.receipt, rv.at), rv.qty);
          const share = new Decimal(rv.amount).times(units).dividedBy(rv.qty).toDecimalPlaces(2).toString();
          expect(history.find((l) => l.movementId === rv.id)!.inventory).toBe(share);
        }
      }),
      { numRuns: 200 },
    );
  }, 120_000);
});
