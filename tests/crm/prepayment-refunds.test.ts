import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Decimal } from "../../src/kernel/decimal.js";
import type { Storekeep } from "../../src/storekeep.js";
import type { ManualClock } from "../../src/testing/index.js";
import { VAT, sharedPglite, shop, stock, storeOf } from "../sales/setup.js";

/*
 * A prepayment paid back (`refundPayment` before the goods are invoiced) and an edit that then
 * lowers the order to what the customer kept. CRM subtracted the refund, and the edit's lower
 * total took the same money off again: the customer who paid 47.60, got 23.80 back and kept the
 * MUGs (23.80) counted 0 and fell out of the segments. An order now counts its total net of
 * return and cancellation credit notes, less what was paid back out of prepayments only while
 * the customer still owes it: a later edit removing those goods, or the money paid again, ends
 * that (docs/crm.md, "RFM: the convention").
 *
 * The order: MUG ×2 and TEE ×2 at 10.00 + 19% = 47.60 for cus_1 on an on-shipment shop, all of
 * it captured on 2 March; the MUGs ship on 5 March (invoice 23.80, paid from the prepayment:
 * 23.80 stays prepaid for the TEEs); refunds and edits on 10 March.
 */

const db = sharedPglite();

type Kind = "memory" | "pglite";

/** The MUGs shipped and invoiced, 23.80 prepaid for the TEEs; 10 March. */
async function shipped(kind: Kind): Promise<{ sk: Storekeep; clock: ManualClock }> {
  const { sk, clock } = shop(storeOf(kind, db), { invoicing: "on-shipment", tax: { codes: VAT, seller: { country: "DE" } } });
  await stock(sk, ["MUG", "TEE"]);
  await sk.crm.createCustomer({ customerId: "cus_1" });
  await sk.crm.createCustomer({ customerId: "cus_2" });
  await sk.sales.placeOrder({ orderId: "ord_1", customerId: "cus_1", currency: "EUR", warehouseId: "wh", shipTo: { country: "DE" }, lines: [{ sku: "MUG", quantity: 2, unitPrice: "10" }, { sku: "TEE", quantity: 2, unitPrice: "10" }] });
  await sk.sales.capturePayment({ orderId: "ord_1", paymentId: "ch1" });
  // Another customer's 10.00 order, so the segments rank more than one customer.
  await sk.sales.placeOrder({ orderId: "ord_2", customerId: "cus_2", currency: "EUR", warehouseId: "wh", shipTo: { country: "DE" }, lines: [{ sku: "MUG", quantity: 1, unitPrice: "8.40" }] });
  clock.set("2026-03-05T10:00:00.000Z");
  await sk.sales.shipOrder({ orderId: "ord_1", shipmentId: "s1", lines: [{ lineId: "1", quantity: "2" }] });
  clock.set("2026-03-10T10:00:00.000Z");
  const view = (await sk.sales.order("ord_1"))!;
  expect([view.order.totals.gross, view.order.prepayment.amount, view.refundDue, view.leftToPay]).toEqual(["47.6", "23.8", "0", "0"]);
  return { sk, clock };
}

/** What CRM says cus_1 is worth as of 31 March, through each report a user calls: RFM monetary, lifetime value's customers, the segment refreshSegments stores (its latest CustomerSegmentChanged). */
async function crmValue(sk: Storekeep): Promise<{ monetary: number | undefined; inCustomerValue: boolean; segment: string | null }> {
  await sk.crm.syncTimeline();
  const monetary = (await sk.crm.segments("2026-03-31")).find((s) => s.customerId === "cus_1")?.monetary;
  const inCustomerValue = (await sk.crm.customerValue("2026-03-31")).customers.some((c) => c.customerId === "cus_1");
  await sk.crm.refreshSegments({ asOf: "2026-03-31" });
  const changes = (await sk.events.read(null, 10_000)).filter((e) => e.type === "CustomerSegmentChanged" && (e.payload as { customerId: string }).customerId === "cus_1");
  const segment = (changes.at(-1)?.payload as { to: string | null } | undefined)?.to ?? null;
  return { monetary, inCustomerValue, segment };
}

/** What the customer paid and kept on ord_1: captured less refunded. */
async function paidAndKept(sk: Storekeep): Promise<number> {
  const paid = (await sk.sales.order("ord_1"))!.order.paid;
  return new Decimal(paid.captured).minus(paid.refunded).toNumber();
}

const removeTees = { orderId: "ord_1", changes: [{ lineId: "2", quantity: "0" }] };

for (const kind of ["memory", "pglite"] as const) {
  describe(`${kind}: CRM's order value after a prepayment paid back`, () => {
    it("the reported case: 23.80 paid back out of prepayments, then an edit removing the TEEs (nothing left to refund) — the customer is worth the 23.80 paid and kept, not 0", async () => {
      const { sk } = await shipped(kind);
      expect(await sk.sales.refundPayment({ orderId: "ord_1", refundId: "rf0", amount: "23.80" })).toEqual({ refundId: "rf0", amount: "23.8", invoiced: false });
      const edited = await sk.sales.editOrder(removeTees);
      expect([edited.total, edited.refundId]).toEqual(["23.8", null]);
      expect(await paidAndKept(sk)).toBe(23.8);
      const value = await crmValue(sk);
      expect(value.monetary).toBe(23.8);
      expect(value.inCustomerValue).toBe(true);
      expect(value.segment).not.toBeNull();
    });

    it("the edit first (its own surplus refund of 23.80 is part of the new total): 23.80, as the refund first", async () => {
      const { sk } = await shipped(kind);
      expect(await sk.sales.editOrder({ ...removeTees, refund: { refundId: "rf" } })).toMatchObject({ total: "23.8", refundId: "rf" });
      expect(await paidAndKept(sk)).toBe(23.8);
      expect((await crmValue(sk)).monetary).toBe(23.8);
    });

    it("a prepayment paid back and no edit: the TEEs are owed again and count off the order (23.80) while owed; paid again, the order counts its whole 47.60", async () => {
      const { sk } = await shipped(kind);
      await sk.sales.refundPayment({ orderId: "ord_1", refundId: "rf0", amount: "23.80" });
      expect((await sk.sales.order("ord_1"))!.leftToPay).toBe("23.8");
      expect((await crmValue(sk)).monetary).toBe(23.8);
      await sk.sales.capturePayment({ orderId: "ord_1", paymentId: "ch2", amount: "23.80" });
      expect(await paidAndKept(sk)).toBe(47.6);
      expect((await crmValue(sk)).monetary).toBe(47.6);
    });

    it("part of the prepayment paid back (11.90), then an edit removing one TEE: nothing owed, the order counts its new total 35.70, as the edit alone refunding its 11.90 surplus", async () => {
      const refundFirst = (await shipped(kind)).sk;
      await refundFirst.sales.refundPayment({ orderId: "ord_1", refundId: "rf0", amount: "11.90" });
      expect((await crmValue(refundFirst)).monetary).toBe(35.7);
      expect(await refundFirst.sales.editOrder({ orderId: "ord_1", changes: [{ lineId: "2", quantity: "1" }] })).toMatchObject({ total: "35.7", refundId: null });
      expect((await refundFirst.sales.order("ord_1"))!.leftToPay).toBe("0");
      expect((await crmValue(refundFirst)).monetary).toBe(35.7);

      const editOnly = (await shipped(kind)).sk;
      expect(await editOnly.sales.editOrder({ orderId: "ord_1", changes: [{ lineId: "2", quantity: "1" }], refund: { refundId: "rf" } })).toMatchObject({ total: "35.7", refundId: "rf" });
      expect(await paidAndKept(editOnly)).toBe(35.7);
      expect((await crmValue(editOnly)).monetary).toBe(35.7);
    });

    it("a split refund (one MUG returned, 11.90 credit + 23.80 out of prepayments in one RefundIssued) counts 11.90, as the two refunds one after the other; the TEEs paid again, 35.70", async () => {
      const values: number[][] = [];
      for (const split of [true, false]) {
        const { sk } = await shipped(kind);
        await sk.sales.requestReturn({ orderId: "ord_1", returnId: "ret1", lines: [{ lineId: "1", quantity: "1" }] });
        await sk.sales.receiveReturn({ returnId: "ret1" });
        if (split) expect(await sk.sales.refundPayment({ orderId: "ord_1", refundId: "rf", amount: "35.70" })).toMatchObject({ invoiced: true, fromPrepayments: "23.8" });
        else {
          expect(await sk.sales.refundPayment({ orderId: "ord_1", refundId: "rf1", amount: "11.90", returnId: "ret1" })).toMatchObject({ invoiced: true });
          // The return refunded: the order counts its total less the credit note, 35.70.
          expect((await crmValue(sk)).monetary).toBe(35.7);
          expect(await sk.sales.refundPayment({ orderId: "ord_1", refundId: "rf2", amount: "23.80" })).toMatchObject({ invoiced: false });
        }
        const refunded = (await crmValue(sk)).monetary!;
        expect(await paidAndKept(sk)).toBe(11.9);
        await sk.sales.capturePayment({ orderId: "ord_1", paymentId: "ch2", amount: "23.80" });
        values.push([refunded, (await crmValue(sk)).monetary!]);
      }
      expect(values).toEqual([
        [11.9, 35.7],
        [11.9, 35.7],
      ]);
    });

    it("as of a date: a prepayment paid back on 10 March counts off from then; paid again on 12 March the order counts whole from then, and an edit on 12 March removing the goods leaves it at what was kept", async () => {
      const at = async (sk: Storekeep, asOf: string) => (await sk.crm.segments(asOf)).find((s) => s.customerId === "cus_1")?.monetary;
      const dates = ["2026-03-09", "2026-03-10", "2026-03-11", "2026-03-12"];
      for (const then of ["paid again", "edited"] as const) {
        const { sk, clock } = await shipped(kind);
        await sk.sales.refundPayment({ orderId: "ord_1", refundId: "rf0", amount: "23.80" });
        clock.set("2026-03-12T10:00:00.000Z");
        if (then === "paid again") await sk.sales.capturePayment({ orderId: "ord_1", paymentId: "ch2", amount: "23.80" });
        else await sk.sales.editOrder(removeTees);
        await sk.crm.syncTimeline();
        const values = await Promise.all(dates.map((d) => at(sk, d)));
        expect(values).toEqual(then === "paid again" ? [47.6, 23.8, 23.8, 47.6] : [47.6, 23.8, 23.8, 23.8]);
      }
    });
  });
}

describe("random refunds, edits and payments on an on-shipment order", () => {
  type Step = { kind: "refund"; share: number } | { kind: "edit"; tees: number } | { kind: "pay" } | { kind: "return" };
  const step: fc.Arbitrary<Step> = fc.oneof(
    fc.record({ kind: fc.constant("refund" as const), share: fc.integer({ min: 1, max: 100 }) }),
    fc.record({ kind: fc.constant("edit" as const), tees: fc.integer({ min: 0, max: 1 }) }),
    fc.record({ kind: fc.constant("pay" as const) }),
    fc.record({ kind: fc.constant("return" as const) }),
  );

  it("property: whenever nothing is owed either way on the order, CRM counts exactly what the customer paid and kept; while something is owed, CRM counts between that and the order's total net of credits — never less than what was paid and kept", async () => {
    let settledChecks = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 5 }), async (steps) => {
        const { sk } = await shipped("memory");
        let n = 0;
        for (const s of steps) {
          n += 1;
          const view = (await sk.sales.order("ord_1"))!;
          if (s.kind === "refund") {
            // Part of what is held for the TEEs paid back out of prepayments.
            const held = new Decimal(view.order.prepayment.amount);
            if (held.isZero() || view.refundDue !== "0") continue;
            const amount = Decimal.max(held.times(s.share).dividedBy(100).toDecimalPlaces(2), "0.01");
            await sk.sales.refundPayment({ orderId: "ord_1", refundId: `rf${n}`, amount: amount.toFixed(2) });
          } else if (s.kind === "edit") {
            // (An order with returns can no longer be edited.)
            const tee = view.order.lines.find((l) => l.lineId === "2");
            if (tee === undefined || new Decimal(tee.buckets.ordered).lte(s.tees) || view.order.lines.some((l) => !new Decimal(l.buckets.returned).plus(l.buckets.returnRequested).isZero())) continue;
            await sk.sales.editOrder({ orderId: "ord_1", changes: [{ lineId: "2", quantity: String(s.tees) }], refund: { refundId: `rf${n}` } });
          } else if (s.kind === "pay") {
            if (new Decimal(view.leftToPay).lte(0)) continue;
            await sk.sales.capturePayment({ orderId: "ord_1", paymentId: `ch${n}`, amount: view.leftToPay });
          } else {
            // One shipped MUG back, its credit refunded.
            const mug = view.order.lines.find((l) => l.lineId === "1")!.buckets;
            if (new Decimal(mug.shipped).minus(mug.returned).minus(mug.returnRequested).lt(1)) continue;
            await sk.sales.requestReturn({ orderId: "ord_1", returnId: `ret${n}`, lines: [{ lineId: "1", quantity: "1" }] });
            await sk.sales.receiveReturn({ returnId: `ret${n}` });
            const due = (await sk.sales.order("ord_1"))!.refundDue;
            if (due !== "0") await sk.sales.refundPayment({ orderId: "ord_1", refundId: `rf${n}`, amount: due, returnId: `ret${n}` });
          }
          const after = (await sk.sales.order("ord_1"))!;
          await sk.crm.syncTimeline();
          const counted = new Decimal((await sk.crm.segments("2026-03-31")).find((x) => x.customerId === "cus_1")?.monetary ?? 0);
          const kept = new Decimal(after.order.paid.captured).minus(after.order.paid.refunded);
          if (after.leftToPay === "0" && after.refundDue === "0") {
            settledChecks += 1;
            expect(counted.toNumber()).toBe(Decimal.max(kept, 0).toNumber());
          } else {
            expect(counted.gte(kept)).toBe(true);
            expect(counted.lte(after.order.totals.gross)).toBe(true);
          }
        }
      }),
      { numRuns: 40 },
    );
    expect(settledChecks).toBeGreaterThan(20);
  }, 240_000);
});
