import { describe, expect, it } from "vitest";
import { balance, booksAgree, sharedPglite, shop, stock, storeOf } from "./setup.js";

/*
 * A credit finance's `allocate` moves from one order to another is money paid on the first
 * order paying the second. Sales reads it from finance's open items, as it reads write-offs:
 * the credit's order no longer owes it back (refundDue), so the customer cannot be paid it a
 * second time, and the receiving order no longer owes what the credit paid (leftToPay, payment
 * status). Before, after A's 23.80 return credit note paid B's invoice, A still showed 23.80
 * refundDue and refundPayment paid it out again, and B stayed unpaid with 23.80 left to pay.
 */

const db = sharedPglite();

/** A: 2 MUGs, 23.80, paid, shipped and returned whole (a 23.80 credit note owed back); B: 2 MUGs, 23.80, invoiced, not paid. Same customer. */
async function creditAndInvoice(kind: "memory" | "pglite") {
  const { sk, clock } = shop(storeOf(kind, db));
  await stock(sk);
  await sk.sales.placeOrder({ orderId: "ord_a", customerId: "cus_1", currency: "EUR", warehouseId: "wh", lines: [{ sku: "MUG", quantity: 2, unitPrice: "10" }] });
  await sk.sales.capturePayment({ orderId: "ord_a", paymentId: "ch_a" });
  await sk.sales.shipOrder({ orderId: "ord_a", shipmentId: "shp_a" });
  await sk.sales.requestReturn({ orderId: "ord_a", returnId: "ret_a", lines: [{ lineId: "1", quantity: "2" }] });
  await sk.sales.receiveReturn({ returnId: "ret_a" });
  await sk.sales.placeOrder({ orderId: "ord_b", customerId: "cus_1", currency: "EUR", warehouseId: "wh", lines: [{ sku: "MUG", quantity: 2, unitPrice: "10" }] });
  const a = (await sk.sales.order("ord_a"))!;
  const b = (await sk.sales.order("ord_b"))!;
  return { sk, clock, a, b, creditId: a.order.creditNotes[0]!.creditNoteId, invoiceId: b.order.invoices[0]!.invoiceId };
}

describe("a credit allocated to another order's invoice", () => {
  it.each(["memory", "pglite"] as const)("on %s: the credit's order owes nothing back, the receiving order is paid by it", async (kind) => {
    const { sk, clock, a, b, creditId, invoiceId } = await creditAndInvoice(kind);
    expect([a.refundDue, b.leftToPay, b.statuses.payment]).toEqual(["23.8", "23.8", "unpaid"]);
    clock.set("2026-03-10T10:00:00.000Z");
    // The shop's accountant lets A's credit pay B's invoice.
    await sk.finance.allocate({ ledger: "receivables", creditId, documentIds: [invoiceId], date: "2026-03-10" });
    const a2 = (await sk.sales.order("ord_a"))!;
    const b2 = (await sk.sales.order("ord_b"))!;
    expect([a2.refundDue, b2.leftToPay, b2.statuses.payment]).toEqual(["0", "0", "paid"]);
    // The credit is spent: paying it back again is refused, and nothing is paid out.
    await expect(sk.sales.refundPayment({ orderId: "ord_a", refundId: "re_a", amount: "23.8", returnId: "ret_a" })).rejects.toMatchObject({ code: "VALIDATION_FAILED", message: expect.stringMatching(/23.8 EUR of the credit was written off in finance, or allocated to another order's documents/) });
    expect(await balance(sk, "1200")).toBe("0.00");
    await booksAgree(sk);
  }, 60_000);

  it("a credit allocated in part leaves the rest owed back, and the receiving order the rest to pay", async () => {
    const { sk, creditId, invoiceId } = await creditAndInvoice("memory");
    await sk.finance.allocate({ ledger: "receivables", creditId, documentIds: [invoiceId], date: "2026-03-02", amount: "10" });
    const a2 = (await sk.sales.order("ord_a"))!;
    const b2 = (await sk.sales.order("ord_b"))!;
    expect([a2.refundDue, b2.leftToPay, b2.statuses.payment]).toEqual(["13.8", "13.8", "partially-paid"]);
    await expect(sk.sales.refundPayment({ orderId: "ord_a", refundId: "re_x", amount: "23.8", returnId: "ret_a" })).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
    await sk.sales.refundPayment({ orderId: "ord_a", refundId: "re_a", amount: "13.8", returnId: "ret_a" });
    await sk.sales.capturePayment({ orderId: "ord_b", paymentId: "ch_b", amount: "13.8" });
    const [a3, b3] = [(await sk.sales.order("ord_a"))!, (await sk.sales.order("ord_b"))!];
    expect([a3.refundDue, b3.leftToPay, b3.statuses.payment]).toEqual(["0", "0", "paid"]);
    expect(await balance(sk, "1200")).toBe("0.00");
    await booksAgree(sk);
  });
});
