import { describe, expect, it } from "vitest";
import { memoryStore } from "../../src/adapters/memory/index.js";
import { balance, shop } from "./setup.js";

const RATES = [
  { base: "USD", quote: "EUR", date: "2026-03-01", rate: "0.9" },
  { base: "USD", quote: "EUR", date: "2026-03-05", rate: "0.92" },
  { base: "USD", quote: "EUR", date: "2026-03-10", rate: "0.95" },
];

describe("on-shipment invoicing in USD with EUR books: prepayments applied to the invoice (IFRIC 22)", () => {
  it("receivables clear to zero: the prepaid part of revenue at the advance's rate, the rest at the invoice's, the later capture's exchange difference on what was left", async () => {
    const { sk, clock } = shop(memoryStore(), { invoicing: "on-shipment" }, RATES);
    await sk.inventory.defineWarehouse({ warehouseId: "wh" });
    await sk.inventory.defineProduct({ sku: "MUG", costingMethod: "fifo" });
    await sk.inventory.receive({ sku: "MUG", warehouseId: "wh", quantity: "5", unitCost: "3" });
    // 2 × 10.00 USD + 19% = 23.80 USD.
    await sk.sales.placeOrder({ orderId: "ord_us", customerId: "cus_us", currency: "USD", warehouseId: "wh", lines: [{ sku: "MUG", quantity: 2, unitPrice: "10" }], shipTo: { country: "DE" } });
    // 10.00 USD in advance at 0.9: 9.00 EUR of customer prepayments.
    await sk.sales.capturePayment({ orderId: "ord_us", paymentId: "ch_1", amount: "10" });
    expect(await balance(sk, "2200")).toBe("-9.00");
    expect(await balance(sk, "1200")).toBe("0"); // nothing invoiced yet

    clock.set("2026-03-05T10:00:00.000Z");
    // Invoiced at 0.92: 23.80 USD = 21.90 EUR; the 10.00 USD applied is worth 9.20 at the invoice's rate but was booked at 9.00,
    // so revenue takes 0.20 less (IFRIC 22) and the receivable is the 13.80 USD left at the invoice's rate: 12.70 EUR.
    await sk.sales.shipOrder({ orderId: "ord_us", shipmentId: "shp_1" });
    expect(await balance(sk, "2200")).toBe("0.00");
    expect(await balance(sk, "1200")).toBe("12.70");
    expect(await balance(sk, "4100")).toBe("-18.20");
    expect(await balance(sk, "2300")).toBe("-3.50");
    expect((await sk.sales.order("ord_us"))!.order.receivable).toEqual({ amount: "13.8", functional: "12.7" });

    clock.set("2026-03-10T10:00:00.000Z");
    // 13.80 USD at 0.95 = 13.11 EUR for a receivable of 12.70: a 0.41 gain, and nothing left in receivables.
    await sk.sales.capturePayment({ orderId: "ord_us", paymentId: "ch_2" });
    expect(await balance(sk, "1200")).toBe("0.00");
    expect(await balance(sk, "6800")).toBe("-0.41");
    expect((await sk.sales.order("ord_us"))!.order.receivable).toEqual({ amount: "0", functional: "0" });
    const captured = (await sk.events.read(null, 10_000)).filter((e) => e.type === "PaymentCaptured" && (e.payload as { paymentId: string }).paymentId === "ch_2");
    expect((captured[0]!.payload as { exchangeDifference?: { amount: string } }).exchangeDifference?.amount).toBe("-0.41");
    const tb = await sk.finance.trialBalance({ asOf: "2026-12-31" });
    expect(tb.totals.debit).toBe(tb.totals.credit);
  }, 60_000);
});
