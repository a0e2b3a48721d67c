import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Decimal } from "../../src/kernel/decimal.js";
import { isStorekeepError } from "../../src/kernel/errors.js";
import type { Storekeep } from "../../src/storekeep.js";
import { KINDS, type Kind, balance, pgliteHolder, shop } from "./helpers.js";

/*
 * Model-based test of a purchase order's buckets: random receipts, bills (matched or held),
 * returns and payments against a two-line order. After every step: received ≤ ordered +
 * tolerance; billed ≤ received on lines whose bills were all matched (no bill approved over
 * a mismatch); returned ≤ billed and ≤ received; GRNI equals what the receipts booked and bills have not
 * cleared; the books balance and inventory agrees with the Inventory account.
 */

const pg = pgliteHolder();
beforeAll(() => pg.start(), 60_000);
afterAll(() => pg.stop());

type Step =
  | { kind: "receive"; line: 0 | 1; quantity: number }
  | { kind: "bill"; line: 0 | 1; quantity: number; priceCents: number }
  | { kind: "approveHeld" }
  | { kind: "return"; line: 0 | 1; quantity: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant("receive" as const), line: fc.constantFrom(0 as const, 1 as const), quantity: fc.integer({ min: 1, max: 8 }) }),
  fc.record({ kind: fc.constant("bill" as const), line: fc.constantFrom(0 as const, 1 as const), quantity: fc.integer({ min: 1, max: 8 }), priceCents: fc.constantFrom(200, 201, 210, 190) }),
  fc.record({ kind: fc.constant("approveHeld" as const) }),
  fc.record({ kind: fc.constant("return" as const), line: fc.constantFrom(0 as const, 1 as const), quantity: fc.integer({ min: 1, max: 3 }) }),
);

const TOLERANCE = new Decimal("0.1");

async function run(kind: Kind, steps: readonly Step[], approveOverrides: boolean): Promise<void> {
  const { sk } = shop(kind, pg.get, pg.schema, { receiptTolerance: "0.1", priceTolerance: "0.01" });
  await setUp(sk);
  let n = 0;
  const overridden = new Set<string>();
  for (const s of steps) {
    n += 1;
    const lineId = s.kind === "approveHeld" ? "" : String(s.line + 1);
    try {
      if (s.kind === "receive") await sk.purchasing.receiveGoods({ receiptId: `grn_${n}`, purchaseOrderId: "po", lines: [{ lineId, quantity: s.quantity }] });
      else if (s.kind === "bill") await sk.purchasing.recordBill({ billId: `b_${n}`, purchaseOrderId: "po", lines: [{ lineId, quantity: s.quantity, unitPrice: new Decimal(s.priceCents).dividedBy(100).toString() }] });
      else if (s.kind === "return") await sk.purchasing.returnToSupplier({ returnId: `r_${n}`, purchaseOrderId: "po", lines: [{ lineId, quantity: s.quantity }] });
      else if (approveOverrides) {
        for (const b of await sk.purchasing.heldBills()) {
          if (b.reasons.some((r) => r.kind !== "price")) for (const l of b.lines) overridden.add(l.lineId);
          await sk.purchasing.approveBill({ billId: b.billId, approver: "ann" });
        }
      }
    } catch (e) {
      if (!isStorekeepError(e) || !["VALIDATION_FAILED", "INVALID_TRANSITION"].includes(e.code)) throw e;
    }
    const order = (await sk.purchasing.order("po"))!;
    let uncleared = new Decimal(0);
    for (const l of order.lines) {
      expect(new Decimal(l.received).lte(new Decimal(l.quantity).times(TOLERANCE.plus(1))), `step ${n}: received ≤ ordered + tolerance`).toBe(true);
      if (!overridden.has(l.lineId)) expect(new Decimal(l.billed).lte(l.received), `step ${n}: billed ≤ received on matched line ${l.lineId}`).toBe(true);
      expect(new Decimal(l.returned).lte(l.billed) && new Decimal(l.returned).lte(l.received), `step ${n}: returned ≤ billed and ≤ received`).toBe(true);
      const slices = l.receipts.reduce((a, r) => a.plus(r.quantity), new Decimal(0));
      expect(slices.eq(l.received), `step ${n}: receipts add up to received`).toBe(true);
      for (const r of l.receipts) uncleared = uncleared.plus(r.value).minus(r.clearedValue);
      uncleared = uncleared.minus(l.ahead.value);
    }
    expect(await balance(sk, "2150"), `step ${n}: GRNI = receipts' value not yet cleared by bills`).toBe(uncleared.negated().toString());
  }
  const tb = await sk.finance.trialBalance({ asOf: "2026-12-31" });
  expect(tb.totals.debit).toBe(tb.totals.credit);
  expect((await sk.inventory.audit()).ok).toBe(true);
  await sk.close();
}

async function setUp(sk: Storekeep): Promise<void> {
  await sk.inventory.defineWarehouse({ warehouseId: "wh" });
  await sk.inventory.defineProduct({ sku: "A", costingMethod: "fifo" });
  await sk.inventory.defineProduct({ sku: "B", costingMethod: "moving-average" });
  await sk.purchasing.defineSupplier({ supplierId: "s", currency: "EUR", leadTimeDays: 3 });
  await sk.purchasing.createOrder({ purchaseOrderId: "po", supplierId: "s", warehouseId: "wh", lines: [{ sku: "A", quantity: 10, unitPrice: "2" }, { sku: "B", quantity: 10, unitPrice: "2" }] });
  await sk.purchasing.approveOrder({ purchaseOrderId: "po", approver: "ann" });
  await sk.purchasing.sendOrder({ purchaseOrderId: "po" });
}

describe("purchase order buckets (model-based)", () => {
  it("property: received ≤ ordered + tolerance, billed ≤ received for matched lines, returned ≤ billed and received, GRNI = uncleared receipts, on memory", async () => {
    await fc.assert(fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 14 }), fc.boolean(), (steps, approve) => run("memory", steps, approve)), { numRuns: 100 });
  }, 120_000);

  it.each(KINDS.filter((k) => k === "pglite"))("property: the same invariants hold on %s (a few runs)", async (kind) => {
    await fc.assert(fc.asyncProperty(fc.array(step, { minLength: 4, maxLength: 10 }), fc.boolean(), (steps, approve) => run(kind, steps, approve)), { numRuns: 4, seed: 11 });
  }, 120_000);
});
