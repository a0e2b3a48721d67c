import { describe, expect, it } from "vitest";
import type { Storekeep } from "../../src/storekeep.js";
import { balance, booksAgree, sharedPglite, shop, storeOf } from "./setup.js";

/*
 * An order in USD invoiced per shipment, at two rates (0.90 and 1.00), is paid and refunded
 * at a third (0.95). Finance relieves the invoices one by one, oldest first, each at its own
 * booked value, and so realises an exchange difference on the first capture although the
 * capture pays exactly half of the receivable. The PaymentCaptured and RefundIssued events
 * carry the difference finance posts, and the order's receivable keeps the value finance's
 * open items keep. Before, sales estimated the difference on the whole receivable: the first
 * capture's event said none while finance booked a 5.95 EUR gain, and the order's receivable
 * said 113.05 EUR where finance had 119.00 open.
 */

const db = sharedPglite();

const RATES = [
  { base: "USD", quote: "EUR", date: "2026-03-01", rate: "0.9" },
  { base: "USD", quote: "EUR", date: "2026-03-05", rate: "1.0" },
  { base: "USD", quote: "EUR", date: "2026-03-08", rate: "0.95" },
];

/** The exchange differences the order's payment events carry, summed (EUR). */
async function eventDifferences(sk: Storekeep): Promise<string[]> {
  const events = await sk.events.read(null, 1000);
  return events.filter((e) => e.type === "PaymentCaptured" || e.type === "RefundIssued").map((e) => (e.payload["exchangeDifference"] as { amount: string } | undefined)?.amount ?? "0");
}

/** What finance keeps open on the order's receivables items, summed: [USD, EUR]. */
async function openInFinance(sk: Storekeep): Promise<[string, string]> {
  const items = await sk.finance.openItems({ ledger: "receivables" });
  const sum = (f: (i: (typeof items)[number]) => string) => items.reduce((s, i) => s + Math.round(Number(f(i)) * 100), 0) / 100;
  return [String(sum((i) => i.openAmount)), String(sum((i) => i.openFunctional))];
}

describe("captures and refunds of an order invoiced at several rates", () => {
  it.each(["memory", "pglite"] as const)("on %s: each event carries the exchange difference finance posts, and the order's receivable is finance's", async (kind) => {
    const { sk, clock } = shop(storeOf(kind, db), { invoicing: "on-shipment" }, RATES);
    await sk.inventory.defineWarehouse({ warehouseId: "wh" });
    await sk.inventory.defineProduct({ sku: "MUG", costingMethod: "fifo" });
    await sk.inventory.receive({ sku: "MUG", warehouseId: "wh", quantity: "5", unitCost: "3" });
    // 2 × 100.00 USD + 19%: 119.00 USD per mug, invoiced at 0.90 (107.10 EUR) and at 1.00 (119.00 EUR).
    await sk.sales.placeOrder({ orderId: "ord_us", customerId: "cus_us", currency: "USD", warehouseId: "wh", lines: [{ sku: "MUG", quantity: 2, unitPrice: "100" }], shipTo: { country: "DE" } });
    await sk.sales.shipOrder({ orderId: "ord_us", shipmentId: "shp_1", lines: [{ lineId: "1", quantity: "1" }] });
    clock.set("2026-03-05T10:00:00.000Z");
    await sk.sales.shipOrder({ orderId: "ord_us", shipmentId: "shp_2", lines: [{ lineId: "1", quantity: "1" }] });
    expect(await balance(sk, "1200")).toBe("226.10");

    clock.set("2026-03-08T10:00:00.000Z");
    // 119.00 USD at 0.95 = 113.05 EUR settles the first invoice, booked at 107.10: a 5.95 gain.
    await sk.sales.capturePayment({ orderId: "ord_us", paymentId: "ch_1", amount: "119" });
    expect(await balance(sk, "6800")).toBe("-5.95");
    expect(await eventDifferences(sk)).toEqual(["-5.95"]);
    expect((await sk.sales.order("ord_us"))!.order.receivable).toEqual({ amount: "119", functional: "119" });
    expect(await openInFinance(sk)).toEqual(["119", "119"]);

    // The second invoice, booked at 119.00, paid with 113.05: a 5.95 loss.
    await sk.sales.capturePayment({ orderId: "ord_us", paymentId: "ch_2", amount: "119" });
    expect(await balance(sk, "6800")).toBe("0.00");
    expect(await eventDifferences(sk)).toEqual(["-5.95", "5.95"]);
    expect((await sk.sales.order("ord_us"))!.order.receivable).toEqual({ amount: "0", functional: "0" });

    // Both mugs come back: a credit note per invoice, at each invoice's rate (107.10 and 119.00 EUR).
    await sk.sales.requestReturn({ orderId: "ord_us", returnId: "ret_1", lines: [{ lineId: "1", quantity: "2" }] });
    await sk.sales.receiveReturn({ returnId: "ret_1" });
    expect((await sk.sales.order("ord_us"))!.order.receivable).toEqual({ amount: "-238", functional: "-226.1" });
    expect(await openInFinance(sk)).toEqual(["-238", "-226.1"]);
    // Half of it paid back at 0.95 (113.05 EUR): finance settles the credits one by one; the event says what it posts.
    await sk.sales.refundPayment({ orderId: "ord_us", refundId: "re_1", amount: "119", returnId: "ret_1" });
    const afterFirst = await balance(sk, "6800");
    const diffs = await eventDifferences(sk);
    expect(diffs.reduce((s, d) => s + Math.round(Number(d) * 100), 0) / 100).toBe(Number(afterFirst));
    const [openUsd, openEur] = await openInFinance(sk);
    expect((await sk.sales.order("ord_us"))!.order.receivable).toEqual({ amount: openUsd, functional: openEur });
    await sk.sales.refundPayment({ orderId: "ord_us", refundId: "re_2", amount: "119", returnId: "ret_1" });
    const all = await eventDifferences(sk);
    expect(all.reduce((s, d) => s + Math.round(Number(d) * 100), 0) / 100).toBe(Number(await balance(sk, "6800")));
    expect((await sk.sales.order("ord_us"))!.order.receivable).toEqual({ amount: "0", functional: "0" });
    expect(await openInFinance(sk)).toEqual(["0", "0"]);
    await booksAgree(sk);
  }, 60_000);
});
