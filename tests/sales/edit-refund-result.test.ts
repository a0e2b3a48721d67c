import { describe, expect, it } from "vitest";
import { Decimal } from "../../src/kernel/decimal.js";
import type { Storekeep } from "../../src/storekeep.js";
import { VAT, sharedPglite, shop, stock, storeOf } from "./setup.js";

/*
 * editOrder's result says how its surplus refund was paid back, as refundPayment's result
 * says it for a refund: `refund: { refundId, amount, invoiced, fromPrepayments? }`. Before, the
 * edit returned only `refundId`, so a host could not tell how much of a split refund came out
 * of prepayments and how much settled the correction's credit without reading the events.
 *
 * The order: MUG ×2 and TEE ×2 at 10.00 + 19% for cus_1, captured in full on 2 March.
 */

const db = sharedPglite();

type Kind = "memory" | "pglite";

/** The order placed (with an optional fixed order discount) and captured in full; `shipMugs` MUGs ship on 5 March. */
async function placed(kind: Kind, o: { invoicing: "on-order" | "on-shipment"; discount?: string; shipMugs: 0 | 1 | 2 }): Promise<Storekeep> {
  const { sk, clock } = shop(storeOf(kind, db), { invoicing: o.invoicing, tax: { codes: VAT, seller: { country: "DE" } } });
  await stock(sk, ["MUG", "TEE"]);
  await sk.crm.createCustomer({ customerId: "cus_1" });
  await sk.sales.placeOrder({ orderId: "ord_1", customerId: "cus_1", currency: "EUR", warehouseId: "wh", shipTo: { country: "DE" }, ...(o.discount === undefined ? {} : { discounts: [{ kind: "fixed" as const, amount: o.discount }] }), lines: [{ sku: "MUG", quantity: 2, unitPrice: "10" }, { sku: "TEE", quantity: 2, unitPrice: "10" }] });
  await sk.sales.capturePayment({ orderId: "ord_1", paymentId: "ch1" });
  if (o.shipMugs > 0) {
    clock.set("2026-03-05T10:00:00.000Z");
    await sk.sales.shipOrder({ orderId: "ord_1", shipmentId: "s1", lines: [{ lineId: "1", quantity: String(o.shipMugs) }] });
  }
  clock.set("2026-03-10T10:00:00.000Z");
  return sk;
}

/** The edit's RefundIssued payload: whole amount, invoiced, the prepayment part. */
async function issued(sk: Storekeep): Promise<{ amount: string; invoiced: boolean; fromPrepayments: string | undefined }[]> {
  return (await sk.events.read(null, 10_000))
    .filter((e) => e.type === "RefundIssued")
    .map((e) => {
      const p = e.payload as { amount: { amount: string }; invoiced: boolean; fromPrepayments?: { amount: { amount: string } } };
      return { amount: p.amount.amount, invoiced: p.invoiced, fromPrepayments: p.fromPrepayments?.amount.amount };
    });
}

const removeTees = { orderId: "ord_1", changes: [{ lineId: "2", quantity: "0" }], refund: { refundId: "rf" } };

for (const kind of ["memory", "pglite"] as const) {
  describe(`${kind}: editOrder's result splits its surplus refund as refundPayment's result does`, () => {
    it("split: 35.70 captured on an on-shipment order (fixed 10.00 off), the MUGs shipped, the TEEs removed — refund 23.80 is 5.95 of the correction credit and 17.85 out of prepayments, as RefundIssued says; a replay under the idempotency key returns it again", async () => {
      const sk = await placed(kind, { invoicing: "on-shipment", discount: "10", shipMugs: 2 });
      expect((await sk.sales.order("ord_1"))!.order.paid.captured).toBe("35.7");
      const edited = await sk.sales.editOrder(removeTees, { idempotencyKey: "edit-1" });
      expect(edited).toEqual({ orderId: "ord_1", version: 2, total: "11.9", tax: "1.9", previousTotal: "35.7", balanceDue: "0", creditNoteId: "CN2026-000001", creditNoteIds: ["CN2026-000001"], invoiceId: "INV2026-000002", refundId: "rf", refund: { refundId: "rf", amount: "23.8", invoiced: true, fromPrepayments: "17.85" } });
      expect(await issued(sk)).toEqual([{ amount: "23.8", invoiced: true, fromPrepayments: "17.85" }]);
      // The credit part is the rest.
      expect(new Decimal(edited.refund!.amount).minus(edited.refund!.fromPrepayments!).toFixed()).toBe("5.95");
      expect(await sk.sales.editOrder(removeTees, { idempotencyKey: "edit-1" })).toEqual(edited);
      expect(await issued(sk)).toHaveLength(1);
    });

    it("all out of prepayments: 47.60 captured on an on-shipment order, one MUG shipped (11.90 invoiced, 35.70 prepaid), the TEEs removed — refund 23.80 with invoiced: false and no fromPrepayments (the new invoice took the correction credit)", async () => {
      const sk = await placed(kind, { invoicing: "on-shipment", shipMugs: 1 });
      const edited = await sk.sales.editOrder(removeTees);
      expect(edited).toMatchObject({ total: "23.8", previousTotal: "47.6", balanceDue: "0", refundId: "rf" });
      expect(edited.refund).toEqual({ refundId: "rf", amount: "23.8", invoiced: false });
      expect(await issued(sk)).toEqual([{ amount: "23.8", invoiced: false, fromPrepayments: undefined }]);
      expect((await sk.sales.order("ord_1"))!.order.prepayment.amount).toBe("11.9");
    });

    it("all from the credit on an on-shipment order: 47.60 captured, both MUGs shipped (23.80 invoiced, 23.80 prepaid), the TEEs removed — the prepayment pays the new invoice and refund 23.80 settles the correction credit: invoiced: true, no fromPrepayments", async () => {
      const sk = await placed(kind, { invoicing: "on-shipment", shipMugs: 2 });
      const edited = await sk.sales.editOrder(removeTees);
      expect(edited).toMatchObject({ total: "23.8", previousTotal: "47.6", balanceDue: "0", refundId: "rf" });
      expect(edited.refund).toEqual({ refundId: "rf", amount: "23.8", invoiced: true });
      expect(await issued(sk)).toEqual([{ amount: "23.8", invoiced: true, fromPrepayments: undefined }]);
    });

    it("all out of prepayments before any invoice: nothing shipped on an on-shipment order — invoiced: false", async () => {
      const sk = await placed(kind, { invoicing: "on-shipment", shipMugs: 0 });
      const edited = await sk.sales.editOrder(removeTees);
      expect([edited.invoiceId, edited.refund]).toEqual([null, { refundId: "rf", amount: "23.8", invoiced: false }]);
      expect(await issued(sk)).toEqual([{ amount: "23.8", invoiced: false, fromPrepayments: undefined }]);
    });

    it("all from the credit on an on-order shop invoiced and paid in full, the TEEs removed — refund 23.80 with invoiced: true and no fromPrepayments", async () => {
      const sk = await placed(kind, { invoicing: "on-order", shipMugs: 0 });
      const edited = await sk.sales.editOrder(removeTees);
      expect(edited).toMatchObject({ total: "23.8", previousTotal: "47.6", balanceDue: "0", refundId: "rf" });
      expect(edited.refund).toEqual({ refundId: "rf", amount: "23.8", invoiced: true });
      expect(await issued(sk)).toEqual([{ amount: "23.8", invoiced: true, fromPrepayments: undefined }]);
    });

    it("no refund: an edit that raises the total returns refund: null (and refundId: null, as before)", async () => {
      const sk = await placed(kind, { invoicing: "on-order", shipMugs: 0 });
      const edited = await sk.sales.editOrder({ orderId: "ord_1", changes: [{ lineId: "2", quantity: "3" }] });
      expect(edited).toMatchObject({ total: "59.5", balanceDue: "11.9", refundId: null, refund: null });
      expect(await issued(sk)).toEqual([]);
    });
  });
}
