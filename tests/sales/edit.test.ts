import { describe, expect, it } from "vitest";
import { memoryStore } from "../../src/adapters/memory/index.js";
import { Decimal } from "../../src/kernel/decimal.js";
import type { Storekeep } from "../../src/storekeep.js";
import { balance, shop } from "./setup.js";

async function stock(sk: Storekeep): Promise<void> {
  await sk.inventory.defineWarehouse({ warehouseId: "wh" });
  await sk.inventory.defineProduct({ sku: "MUG", costingMethod: "fifo" });
  await sk.inventory.defineProduct({ sku: "TEE", costingMethod: "moving-average" });
  await sk.inventory.receive({ sku: "MUG", warehouseId: "wh", quantity: "10", unitCost: "3" });
  await sk.inventory.receive({ sku: "TEE", warehouseId: "wh", quantity: "5", unitCost: "8" });
}

async function trialBalanceIsZero(sk: Storekeep): Promise<boolean> {
  const tb = await sk.finance.trialBalance({ asOf: "2026-12-31" });
  return tb.rows.reduce((sum, r) => sum.plus(r.debit).minus(r.credit), new Decimal(0)).isZero();
}

describe("order edits after placement", () => {
  it("a quantity change and an added line make version 2: re-priced with the threshold discount, re-reserved, the invoice credited and re-issued, the balance due captured", async () => {
    const { sk } = shop(memoryStore());
    await stock(sk);
    // 2 × 10.00 = 20.00, "5 off every 30" gives nothing yet; 19% VAT: 23.80.
    await sk.sales.placeOrder({ orderId: "ord_1", customerId: "cus_1", currency: "EUR", warehouseId: "wh", lines: [{ sku: "MUG", quantity: 2, unitPrice: "10.00" }], discounts: [{ kind: "threshold", every: "30", off: "5" }] });
    await sk.sales.capturePayment({ orderId: "ord_1", paymentId: "ch_1" });
    expect(await balance(sk, "1200")).toBe("0.00");
    // 3 × 10.00 + 1 × 20.00 (10% off: 18.00) = 48.00; one 30 reached: 5.00 off → 43.00 net; 19% VAT: 51.17.
    const edited = await sk.sales.editOrder({ orderId: "ord_1", changes: [{ lineId: "1", quantity: "3" }], add: [{ sku: "TEE", quantity: 1, unitPrice: "20", discount: { kind: "percent", percent: "10" } }], expectedTotal: "51.17" });
    expect(edited).toEqual({ orderId: "ord_1", version: 2, total: "51.17", tax: "8.17", previousTotal: "23.8", balanceDue: "27.37", creditNoteId: "CN2026-000001", creditNoteIds: ["CN2026-000001"], invoiceId: "INV2026-000002", refundId: null, refund: null });
    const view = (await sk.sales.order("ord_1"))!;
    expect(view.order.lines.map((l) => [l.lineId, l.sku, l.quantity, l.orderDiscount, l.net, l.tax, l.gross, l.buckets.reserved, l.buckets.invoiced])).toEqual([
      ["1", "MUG", "3", "3.13", "26.87", "5.11", "31.98", "3", "3"],
      ["2", "TEE", "1", "1.87", "16.13", "3.06", "19.19", "1", "1"],
    ]);
    expect(view.statuses.payment).toBe("partially-paid");
    expect(view.leftToPay).toBe("27.37");
    expect(await sk.inventory.availability("MUG", "wh")).toMatchObject({ onHand: "10", reserved: "3" });
    expect(await sk.inventory.availability("TEE", "wh")).toMatchObject({ onHand: "5", reserved: "1" });
    // Old invoice 23.80 credited, new one 51.17 issued; 23.80 paid: 27.37 receivable. The
    // correction mirrors the old invoice on sales revenue (20.00 undone, 43.00 invoiced), not
    // on sales returns: nothing came back.
    expect(await balance(sk, "1200")).toBe("27.37");
    expect(await balance(sk, "4100")).toBe("-43.00");
    expect(await balance(sk, "4300")).toBe("0");
    expect(await balance(sk, "2300")).toBe("-8.17");
    const versions = await sk.sales.orderVersions("ord_1");
    expect(versions.map((v) => [v.version, v.order.totals.gross, v.supersededAt === null])).toEqual([
      [1, "23.8", false],
      [2, "51.17", true],
    ]);
    // The balance due is collected with an ordinary capture; the order is paid.
    await sk.sales.capturePayment({ orderId: "ord_1", paymentId: "ch_2" });
    expect((await sk.sales.order("ord_1"))!.statuses.payment).toBe("paid");
    expect(await balance(sk, "1200")).toBe("0.00");
    await sk.sales.shipOrder({ orderId: "ord_1", shipmentId: "shp_1" });
    expect(await sk.inventory.availability("MUG", "wh")).toMatchObject({ onHand: "7", reserved: "0" });
    expect(await trialBalanceIsZero(sk)).toBe(true);
    expect((await sk.inventory.audit()).ok).toBe(true);
  });

  it("lowering the total below what was captured refunds the surplus in the same command (refund id required), and the order stays paid", async () => {
    const { sk } = shop(memoryStore());
    await stock(sk);
    await sk.sales.placeOrder({ orderId: "ord_1", currency: "EUR", warehouseId: "wh", lines: [{ sku: "MUG", quantity: 4, unitPrice: "10" }, { sku: "TEE", quantity: 1, unitPrice: "20" }], shipping: { amount: "5" } });
    await sk.sales.capturePayment({ orderId: "ord_1", paymentId: "ch_1" });
    expect((await sk.sales.order("ord_1"))!.order.totals.gross).toBe("77.35");
    await expect(sk.sales.editOrder({ orderId: "ord_1", changes: [{ lineId: "2", quantity: "0" }] })).rejects.toMatchObject({ code: "VALIDATION_FAILED", details: { surplus: "23.8" } });
    const edited = await sk.sales.editOrder({ orderId: "ord_1", changes: [{ lineId: "2", quantity: "0" }], refund: { refundId: "re_1", provider: "stripe" } });
    expect(edited).toMatchObject({ version: 2, total: "53.55", balanceDue: "0", refundId: "re_1" });
    const view = (await sk.sales.order("ord_1"))!;
    expect(view.order.lines.map((l) => l.lineId)).toEqual(["1"]);
    expect(view.statuses.payment).toBe("paid");
    expect(view.order.paid).toEqual({ authorized: "0", capturedOnAuthorizations: "0", captured: "77.35", refunded: "23.8", refundedOnEdit: "23.8" });
    expect(await sk.inventory.availability("TEE", "wh")).toMatchObject({ reserved: "0", available: "5" });
    expect(await sk.inventory.availability("MUG", "wh")).toMatchObject({ reserved: "4" });
    expect(await balance(sk, "1200")).toBe("0.00");
    expect(await balance(sk, "1150")).toBe("53.55");
    // The refund id is a provider document: used once.
    await expect(sk.sales.editOrder({ orderId: "ord_1", changes: [{ lineId: "1", quantity: "1" }], refund: { refundId: "re_1" } })).rejects.toMatchObject({ code: "DUPLICATE_DOCUMENT" });
    expect(await trialBalanceIsZero(sk)).toBe(true);
  });

  it("money refunded before an edit is not paid any more: the edit settles the difference against captured less every refund (a full, a partial and a small prepayment refund)", async () => {
    // 77.35 captured in prepayments (invoiced on shipment); removing line 2 lowers the total to 53.55.
    for (const [refunded, balanceDue, surplus] of [["77.35", "53.55", null], ["30", "6.2", null], ["10", "0", "13.8"]] as const) {
      const { sk } = shop(memoryStore(), { invoicing: "on-shipment" });
      await stock(sk);
      await sk.sales.placeOrder({ orderId: "ord_1", currency: "EUR", warehouseId: "wh", lines: [{ sku: "MUG", quantity: 4, unitPrice: "10" }, { sku: "TEE", quantity: 1, unitPrice: "20" }], shipping: { amount: "5" } });
      await sk.sales.capturePayment({ orderId: "ord_1", paymentId: "ch_1" });
      await sk.sales.refundPayment({ orderId: "ord_1", refundId: "re_0", amount: refunded });
      const edited = await sk.sales.editOrder({ orderId: "ord_1", changes: [{ lineId: "2", quantity: "0" }], refund: { refundId: "re_1" } });
      expect(edited).toMatchObject({ version: 2, total: "53.55", balanceDue, refundId: surplus === null ? null : "re_1" });
      const view = (await sk.sales.order("ord_1"))!;
      const refundedAll = surplus === null ? refunded : new Decimal(refunded).plus(surplus).toString();
      expect(view.order.paid).toEqual({ authorized: "0", capturedOnAuthorizations: "0", captured: "77.35", refunded: refundedAll, refundedOnEdit: refundedAll });
      expect(view.statuses.payment).toBe(balanceDue === "53.55" ? "unpaid" : balanceDue === "0" ? "paid" : "partially-paid");
      // What the shop holds in prepayments is what was captured less every refund.
      expect(await balance(sk, "1150")).toBe(new Decimal("77.35").minus(refundedAll).toFixed(2));
      if (balanceDue !== "0") {
        await sk.sales.capturePayment({ orderId: "ord_1", paymentId: "ch_2", amount: balanceDue });
        expect((await sk.sales.order("ord_1"))!.statuses.payment).toBe("paid");
      }
      expect(await trialBalanceIsZero(sk)).toBe(true);
      expect((await sk.inventory.audit()).ok).toBe(true);
    }
  });

  it("a prepayment refunded without an edit is owed again: leftToPay shows it and the customer can pay it again", async () => {
    const { sk } = shop(memoryStore(), { invoicing: "on-shipment" });
    await stock(sk);
    await sk.sales.placeOrder({ orderId: "ord_1", currency: "EUR", warehouseId: "wh", lines: [{ sku: "MUG", quantity: 4, unitPrice: "10" }, { sku: "TEE", quantity: 1, unitPrice: "20" }], shipping: { amount: "5" } });
    await sk.sales.capturePayment({ orderId: "ord_1", paymentId: "ch_1" });
    await sk.sales.refundPayment({ orderId: "ord_1", refundId: "re_1", amount: "77.35" });
    expect((await sk.sales.order("ord_1"))!.leftToPay).toBe("77.35");
    // All of it owed again: the order is unpaid, not refunded (it is still to be paid).
    expect((await sk.sales.order("ord_1"))!.statuses.payment).toBe("unpaid");
    await sk.sales.capturePayment({ orderId: "ord_1", paymentId: "ch_2", amount: "30" });
    expect((await sk.sales.order("ord_1"))!.leftToPay).toBe("47.35");
    expect((await sk.sales.order("ord_1"))!.statuses.payment).toBe("partially-paid");
    await sk.sales.capturePayment({ orderId: "ord_1", paymentId: "ch_3" });
    const view = (await sk.sales.order("ord_1"))!;
    expect(view.leftToPay).toBe("0");
    expect(view.statuses.payment).toBe("paid");
    expect(view.order.paid).toMatchObject({ captured: "154.7", refunded: "77.35", refundedPrepaid: "77.35" });
    // Nothing more can be captured, and the books hold what the customer paid net.
    await expect(sk.sales.capturePayment({ orderId: "ord_1", paymentId: "ch_4", amount: "1" })).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
    expect(await balance(sk, "1150")).toBe("77.35");
    // An edit after it settles against captured less every refund, as before.
    const edited = await sk.sales.editOrder({ orderId: "ord_1", changes: [{ lineId: "2", quantity: "0" }], refund: { refundId: "re_3" } });
    expect(edited).toMatchObject({ total: "53.55", balanceDue: "0", refundId: "re_3" });
    expect((await sk.sales.order("ord_1"))!.order.paid).toEqual({ authorized: "0", capturedOnAuthorizations: "0", captured: "154.7", refunded: "101.15", refundedOnEdit: "101.15" });
    expect(await trialBalanceIsZero(sk)).toBe(true);
  });

  it("a shipped line cannot go below what shipped (INVALID_TRANSITION); the unshipped rest can change, and on-shipment invoicing re-invoices what shipped", async () => {
    const { sk } = shop(memoryStore(), { invoicing: "on-shipment" });
    await stock(sk);
    await sk.sales.placeOrder({ orderId: "ord_1", currency: "EUR", warehouseId: "wh", lines: [{ sku: "MUG", quantity: 2, unitPrice: "10" }, { sku: "TEE", quantity: 2, unitPrice: "20" }], discounts: [{ kind: "percent", percent: "10" }] });
    await sk.sales.shipOrder({ orderId: "ord_1", shipmentId: "shp_1", lines: [{ lineId: "1", quantity: "1" }] });
    await expect(sk.sales.editOrder({ orderId: "ord_1", changes: [{ lineId: "1", quantity: "0" }] })).rejects.toMatchObject({ code: "INVALID_TRANSITION", details: { lineId: "1", shipped: "1" } });
    const edited = await sk.sales.editOrder({ orderId: "ord_1", changes: [{ lineId: "2", quantity: "1" }] });
    expect(edited).toMatchObject({ version: 2, creditNoteId: "CN2026-000001", invoiceId: "INV2026-000002" });
    const view = (await sk.sales.order("ord_1"))!;
    expect(view.order.lines.map((l) => [l.lineId, l.buckets.ordered, l.buckets.shipped, l.buckets.reserved, l.buckets.invoiced])).toEqual([
      ["1", "2", "1", "1", "1"],
      ["2", "1", "0", "1", "0"],
    ]);
    expect(await sk.inventory.availability("MUG", "wh")).toMatchObject({ onHand: "9", reserved: "1" });
    expect(await sk.inventory.availability("TEE", "wh")).toMatchObject({ reserved: "1" });
    // The re-issued invoice bills the shipped MUG at the new figures: 10.00 − 10% = 9.00 + 19% = 10.71.
    expect(await balance(sk, "1200")).toBe("10.71");
    await sk.sales.shipOrder({ orderId: "ord_1", shipmentId: "shp_2" });
    const shipped = (await sk.sales.order("ord_1"))!;
    expect(shipped.statuses.fulfilment).toBe("shipped");
    expect(await balance(sk, "1200")).toBe(new Decimal(shipped.order.totals.gross).toFixed(2));
    await expect(sk.sales.editOrder({ orderId: "ord_1", add: [{ sku: "MUG", quantity: 1, unitPrice: "10" }] })).resolves.toMatchObject({ version: 3 });
    expect(await trialBalanceIsZero(sk)).toBe(true);
  });

  it("refuses an edit of a cancelled order, an unknown line, a repeated change, an edit removing every line, and asking for more stock than is available, leaving version 1 intact", async () => {
    const { sk } = shop(memoryStore());
    await stock(sk);
    await sk.sales.placeOrder({ orderId: "ord_1", currency: "EUR", warehouseId: "wh", lines: [{ sku: "MUG", quantity: 2, unitPrice: "10" }] });
    await expect(sk.sales.editOrder({ orderId: "ord_1", changes: [{ lineId: "9", quantity: "1" }] })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(sk.sales.editOrder({ orderId: "ord_1", changes: [{ lineId: "1", quantity: "1" }, { lineId: "1", quantity: "2" }] })).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
    await expect(sk.sales.editOrder({ orderId: "ord_1", changes: [{ lineId: "1", quantity: "0" }] })).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
    await expect(sk.sales.editOrder({ orderId: "ord_1", changes: [{ lineId: "1", quantity: "11" }] })).rejects.toMatchObject({ code: "INSUFFICIENT_STOCK" });
    await expect(sk.sales.editOrder({ orderId: "ord_1" })).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
    const view = (await sk.sales.order("ord_1"))!;
    expect(view.order.version).toBe(1);
    expect(await sk.inventory.availability("MUG", "wh")).toMatchObject({ reserved: "2" });
    expect(await sk.sales.orderVersions("ord_1")).toHaveLength(1);
    // Ten is all there is: 2 held by this order are freed first, so 10 fit.
    await expect(sk.sales.editOrder({ orderId: "ord_1", changes: [{ lineId: "1", quantity: "10" }] })).resolves.toMatchObject({ version: 2 });
    await sk.sales.cancelOrder({ orderId: "ord_1" });
    expect(await sk.inventory.availability("MUG", "wh")).toMatchObject({ reserved: "0" });
    await expect(sk.sales.editOrder({ orderId: "ord_1", changes: [{ lineId: "1", quantity: "1" }] })).rejects.toMatchObject({ code: "INVALID_TRANSITION", details: { state: "cancelled" } });
  });

  it("the same edit under the same idempotency key has one effect", async () => {
    const { sk } = shop(memoryStore());
    await stock(sk);
    await sk.sales.placeOrder({ orderId: "ord_1", currency: "EUR", warehouseId: "wh", lines: [{ sku: "MUG", quantity: 2, unitPrice: "10" }] });
    const first = await sk.sales.editOrder({ orderId: "ord_1", add: [{ sku: "TEE", quantity: 1, unitPrice: "20" }] }, { idempotencyKey: "edit-1" });
    const again = await sk.sales.editOrder({ orderId: "ord_1", add: [{ sku: "TEE", quantity: 1, unitPrice: "20" }] }, { idempotencyKey: "edit-1" });
    expect(again).toEqual(first);
    expect((await sk.sales.order("ord_1"))!.order.version).toBe(2);
    expect(await sk.inventory.availability("TEE", "wh")).toMatchObject({ reserved: "1" });
  });
});
