import { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { paymentCapturedSchema } from "../../src/kernel/events/sales.js";
import type { Storekeep } from "../../src/storekeep.js";
import { VAT, balance, shop, storeOf } from "./setup.js";

/*
 * VAT on advance payments (Finance II, issue 9): with `tax.taxOnAdvances`, money captured
 * before invoicing owes its output tax in the period it is received (Dr 1410 / Cr 2300);
 * the invoice that applies the advance, or its refund, releases it, so 1410 clears to zero
 * and the tax report of each period carries the tax where it fell due.
 */

let db: PGlite;
beforeAll(async () => {
  db = new PGlite();
  await db.waitReady;
}, 60_000);
afterAll(async () => {
  await db.close();
});

const ADVANCES = { invoicing: "on-shipment", tax: { codes: VAT, seller: { country: "DE" }, taxOnAdvances: true } } as const;

async function stocked(sk: Storekeep): Promise<void> {
  await sk.inventory.defineWarehouse({ warehouseId: "wh" });
  await sk.inventory.defineProduct({ sku: "MUG", costingMethod: "fifo" });
  await sk.inventory.defineProduct({ sku: "BOOK", costingMethod: "fifo" });
  await sk.inventory.receive({ sku: "MUG", warehouseId: "wh", quantity: "10", unitCost: "3" });
  await sk.inventory.receive({ sku: "BOOK", warehouseId: "wh", quantity: "10", unitCost: "4" });
}

async function month(sk: Storekeep, from: string, to: string) {
  const report = await sk.finance.taxReport({ from, to });
  expect(report.reconciles).toBe(true);
  return report;
}

for (const kind of ["memory", "pglite"] as const) {
  describe(`VAT on advance payments (${kind})`, () => {
    it("a capture before invoicing owes its VAT in its month; the invoice applying it next month releases it, so the VAT is counted once and 1410 clears", async () => {
      const { sk, clock } = shop(storeOf(kind, () => db), ADVANCES);
      await stocked(sk);
      // 2 × 10.00 at 19% (3.80) + 1 × 20.00 at 7% (1.40): gross 45.20.
      await sk.sales.placeOrder({
        orderId: "ord_1",
        customerId: "cus_1",
        currency: "EUR",
        warehouseId: "wh",
        lines: [
          { sku: "MUG", quantity: 2, unitPrice: "10" },
          { sku: "BOOK", quantity: 1, unitPrice: "20", taxCategory: "reduced" },
        ],
        shipTo: { country: "DE" },
      });
      await sk.sales.capturePayment({ orderId: "ord_1", paymentId: "ch_1" });
      expect(await balance(sk, "2200")).toBe("-45.20");
      expect(await balance(sk, "2300")).toBe("-5.20");
      expect(await balance(sk, "1410")).toBe("5.20");
      const march = await month(sk, "2026-03-01", "2026-03-31");
      expect(march.outputTax).toBe("5.2");
      expect(march.rows.map((r) => [r.code, r.base, r.tax])).toEqual(
        expect.arrayContaining([
          ["DE-STD", "20", "3.8"],
          ["DE-RED", "20", "1.4"],
        ]),
      );

      clock.set("2026-04-03T10:00:00.000Z");
      await sk.sales.shipOrder({ orderId: "ord_1", shipmentId: "shp_1", lines: [{ lineId: "1", quantity: "2" }] });
      // The first invoice (the mugs, 23.80) applies 23.80 of 45.20 prepaid: 23.80/45.20 of each code's advance VAT.
      const afterFirst = (await sk.sales.order("ord_1"))!.order;
      expect(afterFirst.advanceTax?.map((t) => [t.code, t.tax])).toEqual([
        ["DE-STD", "1.8"],
        ["DE-RED", "0.66"],
      ]);
      await sk.sales.shipOrder({ orderId: "ord_1", shipmentId: "shp_2" });
      expect(await balance(sk, "1410")).toBe("0.00");
      expect(await balance(sk, "2300")).toBe("-5.20");
      expect(await balance(sk, "2200")).toBe("0.00");
      expect(await balance(sk, "1200")).toBe("0.00");
      expect((await sk.sales.order("ord_1"))!.order.advanceTax).toEqual([]);
      const april = await month(sk, "2026-04-01", "2026-04-30");
      // Invoiced tax 5.20 less the 5.20 released: nothing more is due in April.
      expect(april.outputTax).toBe("0");
      const std = april.rows.find((r) => r.code === "DE-STD")!;
      expect([std.base, std.tax]).toEqual(["0", "0"]);
      expect((await sk.finance.auditSubledgers({ asOf: "2026-12-31" })).every((c) => c.ok)).toBe(true);
    }, 60_000);

    it("a refunded advance takes its VAT back with it; without taxOnAdvances no VAT is booked on the advance", async () => {
      const { sk } = shop(storeOf(kind, () => db), ADVANCES);
      await stocked(sk);
      await sk.sales.placeOrder({ orderId: "ord_2", customerId: "cus_1", currency: "EUR", warehouseId: "wh", lines: [{ sku: "MUG", quantity: 2, unitPrice: "10" }], shipTo: { country: "DE" } });
      await sk.sales.capturePayment({ orderId: "ord_2", paymentId: "ch_2", amount: "11.90" });
      expect(await balance(sk, "1410")).toBe("1.90");
      await sk.sales.refundPayment({ orderId: "ord_2", refundId: "re_2", amount: "5.95" });
      expect(await balance(sk, "1410")).toBe("0.95");
      await sk.sales.refundPayment({ orderId: "ord_2", refundId: "re_3", amount: "5.95" });
      expect(await balance(sk, "1410")).toBe("0.00");
      expect(await balance(sk, "2300")).toBe("0.00");
      expect((await month(sk, "2026-03-01", "2026-03-31")).outputTax).toBe("0");

      const plain = shop(storeOf(kind, () => db), { invoicing: "on-shipment" }).sk;
      await stocked(plain);
      await plain.sales.placeOrder({ orderId: "ord_3", customerId: "cus_1", currency: "EUR", warehouseId: "wh", lines: [{ sku: "MUG", quantity: 2, unitPrice: "10" }], shipTo: { country: "DE" } });
      await plain.sales.capturePayment({ orderId: "ord_3", paymentId: "ch_3" });
      expect(await balance(plain, "1410")).toBe("0");
      expect(await balance(plain, "2300")).toBe("0");
    }, 60_000);

    it("in a foreign currency the advance's VAT is booked at the capture's rate and released at that value, whatever the invoice's rate", async () => {
      const { sk, clock } = shop(storeOf(kind, () => db), ADVANCES, [
        { base: "USD", quote: "EUR", date: "2026-03-01", rate: "0.9" },
        { base: "USD", quote: "EUR", date: "2026-03-05", rate: "0.92" },
      ]);
      await stocked(sk);
      await sk.sales.placeOrder({ orderId: "ord_us", customerId: "cus_us", currency: "USD", warehouseId: "wh", lines: [{ sku: "MUG", quantity: 2, unitPrice: "10" }], shipTo: { country: "DE" } });
      // 23.80 USD at 0.9: 3.80 USD of VAT = 3.42 EUR.
      await sk.sales.capturePayment({ orderId: "ord_us", paymentId: "ch_us" });
      expect(await balance(sk, "1410")).toBe("3.42");
      expect(await balance(sk, "2300")).toBe("-3.42");
      clock.set("2026-03-05T10:00:00.000Z");
      await sk.sales.shipOrder({ orderId: "ord_us", shipmentId: "shp_us" });
      expect(await balance(sk, "1410")).toBe("0.00");
      expect(await balance(sk, "2200")).toBe("0.00");
      expect(await balance(sk, "1200")).toBe("0.00");
      const march = await month(sk, "2026-03-01", "2026-03-31");
      // What the invoice says is due at its rate; the advance's VAT nets out in the same month.
      const invoiceTax = (await sk.finance.trialBalance({ asOf: "2026-12-31" })).rows.find((r) => r.account === "2300")!;
      expect(march.outputTax).toBe(invoiceTax.credit.replace(/\.?0+$/, ""));
      expect((await sk.finance.auditSubledgers({ asOf: "2026-12-31" })).every((c) => c.ok)).toBe(true);
    }, 60_000);
  });
}

describe("PaymentCaptured.advanceTaxLines", () => {
  const eur = (amount: string) => ({ amount, currency: "EUR" });
  const line = { code: "DE-STD", jurisdiction: { country: "DE" }, kind: "standard", rate: "0.19", base: eur("100"), tax: eur("19"), functional: { base: eur("100"), tax: eur("19") } } as const;
  const capture = { paymentId: "pay_1", orderId: "ord_1", currency: "EUR", functionalCurrency: "EUR", rate: "1", amount: eur("119"), functionalAmount: eur("119") };

  it("is accepted on a capture before invoicing and refused on one settling an invoice or holding more tax than the money", () => {
    expect(paymentCapturedSchema.safeParse({ ...capture, invoiced: false, advanceTaxLines: [line] }).success).toBe(true);
    const invoiced = paymentCapturedSchema.safeParse({ ...capture, invoiced: true, advanceTaxLines: [line] });
    expect(invoiced.success).toBe(false);
    expect(JSON.stringify(invoiced.error?.issues)).toContain("before invoicing");
    const tooMuch = paymentCapturedSchema.safeParse({ ...capture, invoiced: false, amount: eur("10"), functionalAmount: eur("10"), advanceTaxLines: [line] });
    expect(tooMuch.success).toBe(false);
  });
});
