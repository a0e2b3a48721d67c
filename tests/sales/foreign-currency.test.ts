import { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { balance, shop, storeOf } from "./setup.js";

let db: PGlite;
beforeAll(async () => {
  db = new PGlite();
  await db.waitReady;
}, 60_000);
afterAll(async () => {
  await db.close();
});

const RATES = [
  { base: "USD", quote: "EUR", date: "2026-03-01", rate: "0.9" },
  { base: "USD", quote: "EUR", date: "2026-03-05", rate: "0.92" },
];

for (const kind of ["memory", "pglite"] as const) {
  describe(`an order in USD with EUR books (${kind})`, () => {
    it("invoice at the placement rate, capture and refund at later rates with the exchange differences finance books, credit note at the invoice's rate", async () => {
      const { sk, clock } = shop(storeOf(kind, () => db), {}, RATES);
      await sk.inventory.defineWarehouse({ warehouseId: "wh" });
      await sk.inventory.defineProduct({ sku: "MUG", costingMethod: "fifo" });
      await sk.inventory.receive({ sku: "MUG", warehouseId: "wh", quantity: "5", unitCost: "3" });
      // 2 × 10.00 USD + 19% = 23.80 USD, invoiced at 0.9: 18.00 + 3.42 = 21.42 EUR.
      await sk.sales.placeOrder({ orderId: "ord_us", customerId: "cus_us", currency: "USD", warehouseId: "wh", lines: [{ sku: "MUG", quantity: 2, unitPrice: "10" }], shipTo: { country: "DE" } });
      expect(await balance(sk, "1200")).toBe("21.42");
      expect(await balance(sk, "4100")).toBe("-18.00");
      expect(await balance(sk, "2300")).toBe("-3.42");

      clock.set("2026-03-05T10:00:00.000Z");
      // 23.80 USD at 0.92 = 21.90 EUR for a receivable booked at 21.42: a 0.48 gain.
      await sk.sales.capturePayment({ orderId: "ord_us", paymentId: "ch_us" });
      expect(await balance(sk, "1200")).toBe("0.00");
      expect(await balance(sk, "1150")).toBe("21.90");
      expect(await balance(sk, "6800")).toBe("-0.48");
      expect((await sk.sales.order("ord_us"))!.order.receivable).toEqual({ amount: "0", functional: "0" });

      await sk.sales.shipOrder({ orderId: "ord_us", shipmentId: "shp_us" });
      expect(await balance(sk, "5100")).toBe("6.00");
      await sk.sales.deliverShipment({ shipmentId: "shp_us" });
      await sk.sales.requestReturn({ orderId: "ord_us", returnId: "ret_us", lines: [{ lineId: "1", quantity: "1" }] });
      await sk.sales.receiveReturn({ returnId: "ret_us" });
      // The credit note mirrors the invoice at 0.9: 9.00 + 1.71 = 10.71 EUR.
      expect(await balance(sk, "4300")).toBe("9.00");
      expect(await balance(sk, "1200")).toBe("-10.71");
      expect(await balance(sk, "5100")).toBe("3.00");
      // 11.90 USD paid back at 0.92 = 10.95 EUR for a credit booked at 10.71: a 0.24 loss.
      await sk.sales.refundPayment({ orderId: "ord_us", refundId: "re_us", amount: "11.90", returnId: "ret_us" });
      expect(await balance(sk, "1200")).toBe("0.00");
      expect(await balance(sk, "6800")).toBe("-0.24");
      expect(await balance(sk, "1150")).toBe("10.95");
      await sk.sales.settlePayout({ payoutId: "po_us", currency: "USD", gross: "11.90", fees: "0.30" });
      expect(await balance(sk, "1150")).toBe("0.00");
      expect(await balance(sk, "1100")).toBe("10.67");
      expect(await balance(sk, "6100")).toBe("0.28");
      expect((await sk.inventory.audit()).ok).toBe(true);
      const view = (await sk.sales.order("ord_us"))!;
      expect(view.statuses).toEqual({ order: "completed", payment: "partially-refunded", fulfilment: "delivered", returns: "partially-returned" });
    }, 60_000);
  });
}
