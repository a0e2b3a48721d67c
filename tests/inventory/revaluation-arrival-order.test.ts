import { PGlite } from "@electric-sql/pglite";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { memoryRates, memoryStore } from "../../src/adapters/memory/index.js";
import { postgresStore } from "../../src/adapters/postgres/index.js";
import { Decimal } from "../../src/kernel/decimal.js";
import type { Store } from "../../src/ports/storage.js";
import { type Storekeep, createStorekeep } from "../../src/storekeep.js";
import { ManualClock, sequentialIds } from "../../src/testing/index.js";
import { movingAverageKernel } from "../../src/inventory/moving-average.js";
import { rederive } from "../../src/inventory/rederive.js";
import { type ValuationInput, valueMovement } from "../../src/inventory/valuation.js";
import { cloneCostState, emptyCostState, roundingCode } from "../../src/inventory/valuation-kernel.js";

/*
 * Moving average: a late price difference or landed cost on a receipt goes to the receipt's
 * units still on hand (the pool) and to those sold (COGS), the pool's units leaving in
 * arrival order — stock before the receipt first, as Odoo's remaining_qty on average-cost
 * layers, as FIFO. Before, "on hand" was min(receipt, pool now), so a receipt sold out before
 * a restock still counted as on hand and its difference raised the restock's cost.
 */

interface Shop {
  readonly sk: Storekeep;
  readonly clock: ManualClock;
}

function shop(store: Store = memoryStore()): Shop {
  const clock = new ManualClock("2026-03-31T12:00:00.000Z");
  const sk = createStorekeep({ store, clock, ids: sequentialIds(), rates: memoryRates([]), config: { functionalCurrency: "EUR", timeZone: "UTC" } });
  return { sk, clock };
}

/** The functional balance (debit positive) of an account. */
async function account(sk: Storekeep, code: string): Promise<string> {
  const tb = await sk.finance.trialBalance({ asOf: "2026-12-31" });
  expect(tb.totals.debit).toBe(tb.totals.credit);
  const row = tb.rows.find((r) => r.account === code);
  return row === undefined ? "0" : new Decimal(row.debit).minus(row.credit).toString();
}

/** Stock value (the valuation report), the Inventory account (1300), COGS (5100), and whether the audit passes. */
async function books(sk: Storekeep): Promise<{ stock: string; inventory: string; cogs: string; audit: boolean }> {
  let stock = new Decimal(0);
  for (const r of await sk.inventory.valuation()) stock = stock.plus(r.value);
  return { stock: stock.toString(), inventory: await account(sk, "1300"), cogs: await account(sk, "5100"), audit: (await sk.inventory.audit()).ok };
}

async function mug(sk: Storekeep, allowNegativeStock = false): Promise<void> {
  await sk.inventory.defineWarehouse({ warehouseId: "wh" });
  await sk.inventory.defineProduct({ sku: "MUG", costingMethod: "moving-average", allowNegativeStock });
}

const receive = (sk: Storekeep, quantity: string, unitCost: string, effectiveDate: string) => sk.inventory.receive({ sku: "MUG", warehouseId: "wh", quantity, unitCost, effectiveDate });
const issue = (sk: Storekeep, quantity: string, effectiveDate: string) => sk.inventory.issue({ sku: "MUG", warehouseId: "wh", quantity, effectiveDate });

/** The revaluation's inventory share as booked now (after any re-derivation). */
async function onHandShare(sk: Storekeep, movementId: string): Promise<string> {
  const line = (await sk.inventory.history({ sku: "MUG" })).find((l) => l.movementId === movementId);
  return line!.inventory;
}

/** The scenarios, each returning what the books say (compared on both stores). */
const scenarios = {
  /** 10 at 3.00 sold, 10 more at 5.00, then +10.00 on the first receipt: all of it to COGS. */
  async soldOut(s: Shop) {
    await mug(s.sk);
    const first = await receive(s.sk, "10", "3", "2026-03-01");
    await issue(s.sk, "10", "2026-03-02");
    await receive(s.sk, "10", "5", "2026-03-03");
    const bill = await s.sk.inventory.revalueReceipt({ receiptMovementId: first.movementId, amount: "10", effectiveDate: "2026-03-04" });
    return { postings: bill.postings, ...(await books(s.sk)) };
  },
  /** 5 of 10 sold before the restock: half of the difference is on hand, half sold. */
  async halfSold(s: Shop) {
    await mug(s.sk);
    const first = await receive(s.sk, "10", "3", "2026-03-01");
    await issue(s.sk, "5", "2026-03-02");
    await receive(s.sk, "10", "5", "2026-03-03");
    const bill = await s.sk.inventory.revalueReceipt({ receiptMovementId: first.movementId, amount: "10", effectiveDate: "2026-03-04" });
    return { postings: bill.postings, ...(await books(s.sk)) };
  },
  /** Freight on a sold-out receipt: to COGS, the landed-cost clearing credited. */
  async landedCost(s: Shop) {
    await mug(s.sk);
    const first = await receive(s.sk, "10", "3", "2026-03-01");
    await issue(s.sk, "10", "2026-03-02");
    await receive(s.sk, "10", "5", "2026-03-03");
    const freight = await s.sk.inventory.revalueReceipt({ receiptMovementId: first.movementId, amount: "7", reason: "landed-cost", effectiveDate: "2026-03-04" });
    return { postings: freight.postings, ...(await books(s.sk)) };
  },
  /** The bill is booked with the receipt on hand; a sale dated before it, learnt of later, moves it to COGS. */
  async backdatedSale(s: Shop) {
    await mug(s.sk);
    const first = await receive(s.sk, "10", "3", "2026-03-01");
    await receive(s.sk, "10", "5", "2026-03-03");
    const bill = await s.sk.inventory.revalueReceipt({ receiptMovementId: first.movementId, amount: "10", effectiveDate: "2026-03-05" });
    const before = await books(s.sk);
    await issue(s.sk, "10", "2026-03-02");
    return { before, share: await onHandShare(s.sk, bill.movementId), ...(await books(s.sk)) };
  },
  /** A sale and a restock both dated before the bill and learnt of after it: re-derivation counts the restock as arrived after the receipt. */
  async backdatedRestock(s: Shop) {
    await mug(s.sk);
    const first = await receive(s.sk, "10", "3", "2026-03-01");
    const bill = await s.sk.inventory.revalueReceipt({ receiptMovementId: first.movementId, amount: "10", effectiveDate: "2026-03-05" });
    await issue(s.sk, "10", "2026-03-02");
    await receive(s.sk, "10", "5", "2026-03-03");
    return { share: await onHandShare(s.sk, bill.movementId), ...(await books(s.sk)) };
  },
  /** A bill dated before later movements: valued at its date, with what had arrived by then. */
  async backdatedBill(s: Shop) {
    await mug(s.sk);
    const first = await receive(s.sk, "10", "3", "2026-03-01");
    await issue(s.sk, "6", "2026-03-02");
    await receive(s.sk, "10", "5", "2026-03-03");
    await issue(s.sk, "4", "2026-03-06");
    // On 03-04: 4 of the first receipt on hand (the 6 sold took its oldest), so 4.00 to stock, 6.00 to COGS.
    const bill = await s.sk.inventory.revalueReceipt({ receiptMovementId: first.movementId, amount: "10", effectiveDate: "2026-03-04" });
    return { postings: bill.postings, ...(await books(s.sk)) };
  },
  /** Negative stock: 15 issued from 10, the restock fills the 5 short first; the first receipt has nothing left. */
  async negativeStock(s: Shop) {
    await mug(s.sk, true);
    const first = await receive(s.sk, "10", "3", "2026-03-01");
    await issue(s.sk, "15", "2026-03-02");
    await receive(s.sk, "10", "5", "2026-03-03");
    const bill = await s.sk.inventory.revalueReceipt({ receiptMovementId: first.movementId, amount: "10", effectiveDate: "2026-03-04" });
    return { postings: bill.postings, ...(await books(s.sk)) };
  },
  /** Units a customer brought back arrive after the receipt: they are not the receipt's. */
  async customerReturn(s: Shop) {
    await mug(s.sk);
    const first = await receive(s.sk, "10", "3", "2026-03-01");
    await issue(s.sk, "10", "2026-03-02");
    await s.sk.inventory.returnFromCustomer({ sku: "MUG", warehouseId: "wh", quantity: "4", unitCost: "3", effectiveDate: "2026-03-03" });
    const bill = await s.sk.inventory.revalueReceipt({ receiptMovementId: first.movementId, amount: "10", effectiveDate: "2026-03-04" });
    return { postings: bill.postings, ...(await books(s.sk)) };
  },
};

describe("moving average: a revaluation goes where the receipt's units went, in arrival order (memory store)", () => {
  it("10 at 3.00 sold, 10 more at 5.00, then +10.00 on the first receipt: stock 50.00, COGS 40.00, the Inventory account equal to the stock", async () => {
    const r = await scenarios.soldOut(shop());
    expect(r.postings).toEqual({ cogs: "10", "purchase-price-difference": "-10" });
    expect(r).toMatchObject({ stock: "50", inventory: "50", cogs: "40", audit: true });
  });

  it("half of the receipt sold before the restock: half of the difference to stock, half to COGS", async () => {
    const r = await scenarios.halfSold(shop());
    expect(r.postings).toEqual({ inventory: "5", cogs: "5", "purchase-price-difference": "-10" });
    // 5 at 3.00 + 10 at 5.00 + 5.00; COGS 5 at 3.00 + 5.00.
    expect(r).toMatchObject({ stock: "70", inventory: "70", cogs: "20", audit: true });
  });

  it("a landed cost on a sold-out receipt goes to COGS the same way", async () => {
    const r = await scenarios.landedCost(shop());
    expect(r.postings).toEqual({ cogs: "7", "landed-cost-clearing": "-7" });
    expect(r).toMatchObject({ stock: "50", inventory: "50", cogs: "37", audit: true });
  });

  it("a sale back-dated before the bill moves the difference from stock to COGS on re-derivation", async () => {
    const r = await scenarios.backdatedSale(shop());
    expect(r.before).toMatchObject({ stock: "90", inventory: "90", cogs: "0", audit: true });
    expect(r.share).toBe("0");
    expect(r).toMatchObject({ stock: "50", inventory: "50", cogs: "40", audit: true });
  });

  it("a restock back-dated between the receipt and the bill is not the receipt's: the difference leaves the stock", async () => {
    const r = await scenarios.backdatedRestock(shop());
    expect(r.share).toBe("0");
    expect(r).toMatchObject({ stock: "50", inventory: "50", cogs: "40", audit: true });
  });

  it("a bill dated before later movements splits by what had arrived and left by its date", async () => {
    const r = await scenarios.backdatedBill(shop());
    expect(r.postings).toEqual({ inventory: "4", cogs: "6", "purchase-price-difference": "-10" });
    expect(r).toMatchObject({ inventory: r.stock, audit: true });
  });

  it("negative stock: the restock fills what was issued short first, the first receipt has none left", async () => {
    const r = await scenarios.negativeStock(shop());
    expect(r.postings).toEqual({ cogs: "10", "purchase-price-difference": "-10" });
    // The 5 issued short at 3.00 trued up to 5.00 (+10.00 COGS); 5 left at 5.00.
    expect(r).toMatchObject({ stock: "25", inventory: "25", cogs: "65", audit: true });
  });

  it("units returned by a customer after the receipt sold out are not the receipt's", async () => {
    const r = await scenarios.customerReturn(shop());
    expect(r.postings).toEqual({ cogs: "10", "purchase-price-difference": "-10" });
    expect(r).toMatchObject({ stock: "12", inventory: "12", cogs: "28", audit: true });
  });
});

describe("on PostgreSQL (PGlite)", () => {
  let db: PGlite;
  let n = 0;
  beforeAll(async () => {
    db = new PGlite();
    await db.waitReady;
  }, 60_000);
  afterAll(async () => {
    await db.close();
  });

  // Stock value and COGS after each scenario (the Inventory account equals the stock value).
  const expected: Record<keyof typeof scenarios, { stock: string; cogs: string }> = {
    soldOut: { stock: "50", cogs: "40" },
    halfSold: { stock: "70", cogs: "20" },
    landedCost: { stock: "50", cogs: "37" },
    backdatedSale: { stock: "50", cogs: "40" },
    backdatedRestock: { stock: "50", cogs: "40" },
    // 4 of the first receipt and 10 at 5.00 (66.00) on 03-04; 4 of 14 issued on 03-06 at 18.86.
    backdatedBill: { stock: "47.14", cogs: "42.86" },
    negativeStock: { stock: "25", cogs: "65" },
    customerReturn: { stock: "12", cogs: "28" },
  };

  it.each(Object.keys(scenarios) as (keyof typeof scenarios)[])("%s: the books in arrival order, the same as on the memory store", async (name) => {
    const onPg = await scenarios[name](shop(postgresStore({ client: db, schema: `arrival_order_${++n}` })));
    expect(onPg).toMatchObject({ ...expected[name], inventory: expected[name].stock, audit: true });
    expect(onPg).toEqual(await scenarios[name](shop()));
  }, 60_000);
});

/*
 * Property: for random receipts and issues (negative stock allowed) at distinct instants,
 * recorded in a random order (so most are back-dated), and one revaluation of a random
 * receipt, the revaluation's inventory share equals what a model that takes units in arrival
 * order leaves of the receipt on hand at the revaluation's instant; and the stock value
 * always equals the Inventory account (and the audit passes).
 */

type Op = { readonly kind: "in"; readonly qty: number; readonly unitCost: number } | { readonly kind: "out"; readonly qty: number };

/** Units of receipt `r` still on hand at the end of `ops` (in time order), units leaving oldest first and receipts filling what was issued short first. */
function arrivalOrderOnHand(ops: readonly Op[], r: number): number {
  const left: number[] = []; // per op: its units still on hand (receipts)
  let short = 0;
  for (const [i, op] of ops.entries()) {
    if (op.kind === "in") {
      const fill = Math.min(short, op.qty);
      short -= fill;
      left[i] = op.qty - fill;
      continue;
    }
    let want = op.qty;
    for (let k = 0; k < i && want > 0; k++) {
      const take = Math.min(left[k] ?? 0, want);
      if (take > 0) left[k]! -= take;
      want -= take;
    }
    short += want;
  }
  return left[r] ?? 0;
}

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant("in" as const), qty: fc.integer({ min: 1, max: 6 }), unitCost: fc.integer({ min: 1, max: 9 }) }),
  fc.record({ kind: fc.constant("out" as const), qty: fc.integer({ min: 1, max: 6 }) }),
);

describe("moving average in arrival order (property)", () => {
  it("a revaluation's inventory share equals what an arrival-order (FIFO) depletion model leaves of its receipt; the stock value always equals the Inventory account", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(opArb, { minLength: 1, maxLength: 8 }).filter((ops) => ops.some((o) => o.kind === "in")),
        fc.nat(),
        fc.nat(),
        fc.nat(),
        fc.infiniteStream(fc.nat()),
        async (ops, receiptPick, revaluePick, recordPick, shuffle) => {
          const receipts = ops.flatMap((o, i) => (o.kind === "in" ? [i] : []));
          const r = receipts[receiptPick % receipts.length]!;
          // The revaluation's slot: after the receipt, anywhere up to after the last movement.
          const revalueAfter = r + (revaluePick % (ops.length - r));
          // Effective instants: op i at hour i + 1 (the revaluation at half past the op it follows).
          const at = (i: number) => new Date(Date.UTC(2026, 2, 2, i + 1)).toISOString();
          const revalueAt = new Date(Date.UTC(2026, 2, 2, revalueAfter + 1, 30)).toISOString();
          // A random recording order (the receipt before its revaluation).
          const order = ops.map((_, i) => i);
          const it = shuffle[Symbol.iterator]();
          for (let i = order.length - 1; i > 0; i--) {
            const j = it.next().value! % (i + 1);
            [order[i], order[j]] = [order[j]!, order[i]!];
          }
          const { sk } = shop();
          await mug(sk, true);
          const ids = new Map<number, string>();
          let revaluationId: string | undefined;
          const revalueNow = async () => {
            const q = ops[r]!.qty;
            revaluationId = (await sk.inventory.revalueReceipt({ receiptMovementId: ids.get(r)!, amount: String(q), effectiveAt: revalueAt })).movementId;
          };
          let recorded = 0;
          const revalueAfterRecording = Math.max(order.indexOf(r), recordPick % order.length);
          for (const i of order) {
            const op = ops[i]!;
            const m =
              op.kind === "in"
                ? await sk.inventory.receive({ sku: "MUG", warehouseId: "wh", quantity: String(op.qty), unitCost: String(op.unitCost), effectiveAt: at(i) })
                : await sk.inventory.issue({ sku: "MUG", warehouseId: "wh", quantity: String(op.qty), effectiveAt: at(i) });
            ids.set(i, m.movementId);
            if (recorded++ === revalueAfterRecording) await revalueNow();
            const b = await books(sk);
            expect(b.inventory).toBe(b.stock);
          }
          // A revaluation of 1.00 a unit: its inventory share is the receipt's units on hand.
          const expected = arrivalOrderOnHand(ops.slice(0, revalueAfter + 1), r);
          expect(await onHandShare(sk, revaluationId!)).toBe(String(expected));
          const b = await books(sk);
          expect(b.inventory).toBe(b.stock);
          expect(b.audit).toBe(true);
        },
      ),
      { numRuns: 40 },
    );
  }, 120_000);
});

/*
 * Revaluations recorded before arrival order was kept carry no receipt position: they keep
 * the split they were booked with (as many of the receipt's units on hand as the pool held),
 * also when a back-dated movement re-derives them, so what re-derivation compares with is
 * what was booked.
 */
describe("revaluations recorded before arrival order was kept", () => {
  const rounding = roundingCode("half-even");
  const U = 1_000_000n;
  const input = (id: string, at: string, effect: ValuationInput["effect"], qty: bigint, extra: Partial<ValuationInput> = {}): ValuationInput => ({
    id,
    position: `${at}|${id}`,
    date: at.slice(0, 10),
    effect,
    qty,
    counterRole: effect === "out" ? "cogs" : effect === "in" ? "grni" : "purchase-price-difference",
    allowNegative: false,
    ...extra,
  });
  const receipt = input("mv_1", "2026-03-01T00:00:00.000Z", "in", 10n * U, { value: 3000n });
  const sale = input("mv_2", "2026-03-02T00:00:00.000Z", "out", 10n * U);
  const restock = input("mv_3", "2026-03-03T00:00:00.000Z", "in", 10n * U, { value: 5000n });
  const bill = (arrival: boolean) =>
    input("mv_4", "2026-03-04T00:00:00.000Z", "revalue", 0n, {
      revalue: { movementId: "mv_1", receiptQty: 10n * U, amount: 1000n, againstRole: "purchase-price-difference", ...(arrival ? { receiptPosition: receipt.position, arrivedAfter: 10n * U } : {}) },
    });

  it("a revaluation without a receipt position splits as before: the receipt's units the pool holds count as on hand", () => {
    const state = emptyCostState("moving-average");
    for (const m of [receipt, sale, restock]) valueMovement(movingAverageKernel, state, m, rounding, () => undefined, false);
    const old = valueMovement(movingAverageKernel, cloneCostState(state), bill(false), rounding, () => undefined, false);
    expect(old.split).toEqual({ onHand: 1000n, sold: 0n });
    const now = valueMovement(movingAverageKernel, cloneCostState(state), bill(true), rounding, () => undefined, false);
    expect(now.split).toEqual({ onHand: 0n, sold: 1000n });
  });

  it("a revaluation with a receipt position but no count of what arrived after is a programming error, not a silent old split", () => {
    const state = emptyCostState("moving-average");
    for (const m of [receipt, sale, restock]) valueMovement(movingAverageKernel, state, m, rounding, () => undefined, false);
    const { arrivedAfter: _, ...rv } = bill(true).revalue!;
    expect(() => valueMovement(movingAverageKernel, state, { ...bill(true), revalue: rv }, rounding, () => undefined, false)).toThrow(/arrival order/);
  });

  it("re-derivation values an old revaluation the old way on both sides, and a new one with the back-dated arrivals counted", () => {
    for (const arrival of [false, true]) {
      // Recorded: the receipt, the bill (on hand then), a later sale; back-dated: a sale and a restock before the bill.
      const recorded = [receipt, bill(arrival), input("mv_5", "2026-03-06T00:00:00.000Z", "out", 5n * U)].map((m) =>
        m.revalue?.receiptPosition === undefined ? m : { ...m, revalue: { ...m.revalue, arrivedAfter: 0n } },
      );
      const result = rederive(emptyCostState("moving-average"), recorded, [sale, restock], { kernel: movingAverageKernel, rounding });
      if ("negative" in result) throw new Error("negative");
      // Old: the pool holds 10 on the bill's date either way, so nothing changed; new: the restock's 10 are not the receipt's.
      const revalued = result.changed.find((c) => c.id === "mv_4")?.valuation;
      expect(revalued?.split).toEqual(arrival ? { onHand: 0n, sold: 1000n } : undefined);
      // What re-derivation posts moves the books from what was booked to the new figures: the
      // bill's share moves from inventory to COGS only in arrival order.
      const onBillDate = result.differences.get("2026-03-04");
      expect(onBillDate?.get("inventory")).toBe(arrival ? -1000n : undefined);
    }
  });
});
