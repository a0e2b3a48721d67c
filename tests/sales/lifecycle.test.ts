import { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Decimal } from "../../src/kernel/decimal.js";
import type { Storekeep } from "../../src/storekeep.js";
import { balance, shop, storeOf } from "./setup.js";

let db: PGlite;
beforeAll(async () => {
  db = new PGlite();
  await db.waitReady;
}, 60_000);
afterAll(async () => {
  await db.close();
});

async function stock(sk: Storekeep): Promise<void> {
  await sk.inventory.defineWarehouse({ warehouseId: "wh" });
  await sk.inventory.defineProduct({ sku: "MUG", costingMethod: "fifo" });
  await sk.inventory.defineProduct({ sku: "TEE", costingMethod: "moving-average" });
  await sk.inventory.receive({ sku: "MUG", warehouseId: "wh", quantity: "10", unitCost: "3" });
  await sk.inventory.receive({ sku: "TEE", warehouseId: "wh", quantity: "5", unitCost: "8" });
}

for (const kind of ["memory", "pglite"] as const) {
  describe(`an order's life in EUR with VAT (${kind})`, () => {
    it("placement, capture, partial shipment, shipment, delivery, partial return and refund, payout: statuses, stock and journal at every step", async () => {
      const { sk } = shop(storeOf(kind, () => db));
      await stock(sk);
      // 2 × 10.00 + (20.00 − 10%) = 38.00; 3.00 off the order: 1.58 to MUG, 1.42 to TEE; 5.00 shipping; 19% VAT per line.
      const placed = await sk.sales.placeOrder({
        orderId: "ord_1",
        customerId: "cus_1",
        currency: "EUR",
        warehouseId: "wh",
        lines: [
          { sku: "MUG", quantity: 2, unitPrice: "10.00" },
          { sku: "TEE", quantity: "1", unitPrice: "20", discount: { kind: "percent", percent: "10" } },
        ],
        discounts: [{ kind: "fixed", amount: "3" }],
        shipping: { amount: "5" },
        shipTo: { country: "DE" },
        expectedTotal: "47.60",
      });
      expect(placed).toMatchObject({ orderId: "ord_1", state: "placed", total: "47.6", tax: "7.6", invoiceId: "INV2026-000001" });
      let view = (await sk.sales.order("ord_1"))!;
      expect(view.order.lines.map((l) => [l.net, l.tax, l.gross, l.orderDiscount])).toEqual([
        ["18.42", "3.5", "21.92", "1.58"],
        ["16.58", "3.15", "19.73", "1.42"],
      ]);
      expect(view.statuses).toEqual({ order: "placed", payment: "unpaid", fulfilment: "unfulfilled", returns: "none" });
      expect((await sk.inventory.availability("MUG", "wh")).reserved).toBe("2");
      expect(await balance(sk, "1200")).toBe("47.60");
      expect(await balance(sk, "4100")).toBe("-35.00");
      expect(await balance(sk, "4200")).toBe("-5.00");
      expect(await balance(sk, "2300")).toBe("-7.60");

      await sk.sales.capturePayment({ orderId: "ord_1", paymentId: "ch_1", amount: "47.60", provider: "stripe" });
      // The provider's webhook again, under another key: one effect.
      await sk.sales.capturePayment({ orderId: "ord_1", paymentId: "ch_1", amount: "47.60", provider: "stripe" }, { idempotencyKey: "webhook-retry" });
      view = (await sk.sales.order("ord_1"))!;
      expect(view.statuses.payment).toBe("paid");
      expect(view.order.paid.captured).toBe("47.6");
      expect(await balance(sk, "1200")).toBe("0.00");
      expect(await balance(sk, "1150")).toBe("47.60");
      await expect(sk.sales.capturePayment({ orderId: "ord_1", paymentId: "ch_1", amount: "10" })).rejects.toMatchObject({ code: "DUPLICATE_DOCUMENT" });

      await sk.sales.shipOrder({ orderId: "ord_1", shipmentId: "shp_1", lines: [{ lineId: "1", quantity: "1" }] });
      view = (await sk.sales.order("ord_1"))!;
      expect(view.statuses.fulfilment).toBe("partially-shipped");
      expect(view.leftToShip).toEqual([{ lineId: "1", sku: "MUG", quantity: "1" }, { lineId: "2", sku: "TEE", quantity: "1" }]);
      expect(await balance(sk, "5100")).toBe("3.00");
      expect(await balance(sk, "1300")).toBe("67.00");
      expect(await sk.inventory.availability("MUG", "wh")).toMatchObject({ onHand: "9", reserved: "1" });

      await expect(sk.sales.shipOrder({ orderId: "ord_1", shipmentId: "shp_x", lines: [{ lineId: "1", quantity: "2" }] })).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
      await sk.sales.shipOrder({ orderId: "ord_1", shipmentId: "shp_2" });
      expect(await balance(sk, "5100")).toBe("14.00");
      expect(await balance(sk, "1300")).toBe("56.00");
      expect((await sk.sales.order("ord_1"))!.statuses.fulfilment).toBe("shipped");
      await sk.sales.deliverShipment({ shipmentId: "shp_1" });
      expect((await sk.sales.order("ord_1"))!.statuses.fulfilment).toBe("partially-delivered");
      await sk.sales.deliverShipment({ shipmentId: "shp_2" });
      view = (await sk.sales.order("ord_1"))!;
      expect(view.statuses).toEqual({ order: "completed", payment: "paid", fulfilment: "delivered", returns: "none" });
      // Delivered again (a carrier webhook replay): the first result, nothing changes.
      expect(await sk.sales.deliverShipment({ shipmentId: "shp_2" })).toEqual({ shipmentId: "shp_2", orderId: "ord_1", orderState: "completed" });

      await sk.sales.requestReturn({ orderId: "ord_1", returnId: "ret_1", lines: [{ lineId: "2", quantity: "1" }] });
      expect((await sk.sales.order("ord_1"))!.statuses.returns).toBe("requested");
      const received = await sk.sales.receiveReturn({ returnId: "ret_1" });
      expect(received).toEqual({ returnId: "ret_1", state: "received", creditNoteId: "CN2026-000001", creditNoteIds: ["CN2026-000001"] });
      // Back at the 8.00 it left with; the credit note mirrors the invoice's TEE line.
      expect(await balance(sk, "1300")).toBe("64.00");
      expect(await balance(sk, "5100")).toBe("6.00");
      expect(await balance(sk, "4300")).toBe("16.58");
      expect(await balance(sk, "2300")).toBe("-4.45");
      expect(await balance(sk, "1200")).toBe("-19.73");
      expect((await sk.sales.order("ord_1"))!.statuses.returns).toBe("partially-returned");

      await expect(sk.sales.refundPayment({ orderId: "ord_1", refundId: "re_1", amount: "20" })).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
      await sk.sales.refundPayment({ orderId: "ord_1", refundId: "re_1", amount: "19.73", returnId: "ret_1" });
      view = (await sk.sales.order("ord_1"))!;
      expect(view.statuses.payment).toBe("partially-refunded");
      expect(view.leftToRefund).toBe("27.87");
      expect(await balance(sk, "1200")).toBe("0.00");
      expect(await balance(sk, "1150")).toBe("27.87");

      await sk.sales.settlePayout({ payoutId: "po_1", currency: "EUR", gross: "27.87", fees: "0.50", paymentIds: ["ch_1"] });
      expect(await balance(sk, "1150")).toBe("0.00");
      expect(await balance(sk, "1100")).toBe("27.37");
      expect(await balance(sk, "6100")).toBe("0.50");
      const audit = await sk.inventory.audit();
      expect(audit.ok).toBe(true);
      const tb = await sk.finance.trialBalance({ asOf: "2026-12-31" });
      expect(tb.rows.reduce((sum, r) => sum.plus(r.debit).minus(r.credit), new Decimal(0)).isZero()).toBe(true);
      expect(view.order.history.map((h) => h.action)).toEqual(["place", "capture-payment", "ship", "ship", "deliver", "deliver", "request-return", "receive-return", "refund"]);
    }, 60_000);

    it("refuses unknown SKUs, wrong totals and invalid transitions (naming the allowed ones); cancel releases the reservation and credits the invoice", async () => {
      const { sk } = shop(storeOf(kind, () => db));
      await stock(sk);
      await expect(sk.sales.placeOrder({ currency: "EUR", warehouseId: "wh", lines: [{ sku: "NOPE", quantity: 1, unitPrice: "1" }] })).rejects.toMatchObject({ code: "NOT_FOUND" });
      await expect(sk.sales.placeOrder({ currency: "EUR", warehouseId: "wh", lines: [{ sku: "MUG", quantity: 1, unitPrice: "10" }], expectedTotal: "10" })).rejects.toMatchObject({ code: "VALIDATION_FAILED", details: { computed: "11.9" } });
      await expect(sk.sales.placeOrder({ currency: "EUR", warehouseId: "wh", lines: [{ sku: "MUG", quantity: 11, unitPrice: "10" }] })).rejects.toMatchObject({ code: "INSUFFICIENT_STOCK" });
      const { orderId } = await sk.sales.placeOrder({ currency: "EUR", warehouseId: "wh", lines: [{ sku: "MUG", quantity: 4, unitPrice: "10" }] });
      expect((await sk.inventory.availability("MUG", "wh")).available).toBe("6");
      await sk.sales.changeOrderState({ orderId, action: "hold" });
      await expect(sk.sales.shipOrder({ orderId, shipmentId: "s1" })).rejects.toMatchObject({ code: "INVALID_TRANSITION" });
      const cancelled = await sk.sales.cancelOrder({ orderId });
      expect(cancelled).toMatchObject({ state: "cancelled", creditNoteId: "CN2026-000001" });
      expect((await sk.inventory.availability("MUG", "wh")).available).toBe("10");
      expect(await balance(sk, "1200")).toBe("0.00");
      // The cancellation's credit note undoes the sale on sales revenue (no goods came back: sales returns untouched).
      expect(await balance(sk, "4100")).toBe("0.00");
      expect(await balance(sk, "4300")).toBe("0");
      const error = await sk.sales.changeOrderState({ orderId, action: "release-hold" }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: "INVALID_TRANSITION", details: { state: "cancelled", allowed: [] } });
      const onHold = await sk.sales.placeOrder({ currency: "EUR", warehouseId: "wh", lines: [{ sku: "MUG", quantity: 1, unitPrice: "10" }] });
      await sk.sales.changeOrderState({ orderId: onHold.orderId, action: "hold" });
      const e2 = await sk.sales.changeOrderState({ orderId: onHold.orderId, action: "hold" }).catch((e: unknown) => e);
      expect((e2 as Error).message).toMatch(/Allowed from on-hold: release-hold → placed, cancel → cancelled/);
    }, 60_000);
  });
}
