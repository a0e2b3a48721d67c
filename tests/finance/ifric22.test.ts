import { describe, expect, it } from "vitest";
import type { JournalEntry } from "../../src/finance/index.js";
import { type Books, eur, makeBooks, tbBalance, usd } from "./helpers.js";

/*
 * IFRIC 22 (issue 9): revenue paid in advance in a foreign currency is measured at the
 * advance's rate. Finance tracks each order's advances at their booked value; an invoice that
 * applies them books the prepaid part of the revenue at that value and the rest at its own rate.
 */

type Line = [side: "Dr" | "Cr", account: string, functional: string, transaction?: string];
const linesOf = (entry: JournalEntry): Line[] =>
  entry.lines.map((l) => {
    const side = l.functional.startsWith("-") ? "Cr" : "Dr";
    const functional = l.functional.replace("-", "");
    return l.currency === entry.functionalCurrency ? [side, l.account, functional] : [side, l.account, functional, `${l.amount.replace("-", "")} ${l.currency}`];
  });

async function record(books: Books, type: string, date: string, payload: Record<string, unknown>): Promise<JournalEntry[]> {
  const before = new Set((await books.finance.journal()).map((e) => e.entryId));
  await books.sk.recordEvents([{ type, aggregateType: "doc", aggregateId: "agg_1", effectiveDate: date, payload }]);
  return (await books.finance.journal()).filter((e) => !before.has(e.entryId));
}
const advance = (id: string, amount: string, rate: string, functional: string) => ({ paymentId: id, orderId: "ord_1", customerId: "cus_1", invoiced: false, currency: "USD", functionalCurrency: "EUR", rate, amount: usd(amount), functionalAmount: eur(functional) });
const invoice = (prepaid: string, hostPrepaid: string) => ({
  invoiceId: "inv_1", orderId: "ord_1", customerId: "cus_1", currency: "USD", functionalCurrency: "EUR", rate: "0.93",
  net: usd("110"), shipping: usd("0"), tax: usd("0"), gross: usd("110"), prepaymentApplied: usd(prepaid),
  functional: { net: eur("102.3"), shipping: eur("0"), tax: eur("0"), gross: eur("102.3"), prepaymentApplied: eur(hostPrepaid) },
});

describe("IFRIC 22: advances in a foreign currency", () => {
  it("fully prepaid at 0.92, invoiced at 0.93: revenue 101.20 (the advance's rate), nothing left on receivables or prepayments", async () => {
    const books = makeBooks();
    await record(books, "PaymentCaptured", "2026-03-01", advance("pay_1", "110", "0.92", "101.2"));
    // The host gives the prepayment at the invoice rate (102.30); finance uses the advance's booked 101.20.
    const [entry] = await record(books, "OrderInvoiced", "2026-03-05", invoice("110", "102.3"));
    expect(linesOf(entry!)).toEqual([
      ["Dr", "1200", "101.2", "110 USD"],
      ["Cr", "4100", "101.2", "110 USD"],
      ["Dr", "2200", "101.2", "110 USD"],
      ["Cr", "1200", "101.2", "110 USD"],
    ]);
    const tb = await books.finance.trialBalance({ asOf: "2026-03-31" });
    expect([tbBalance(tb, "1200"), tbBalance(tb, "2200"), tbBalance(tb, "4100")]).toEqual(["0", "0", "-101.2"]);
    expect((await books.finance.auditSubledgers({ asOf: "2026-03-31" }))[0]).toMatchObject({ subledger: "0", control: "0", ok: true });
  });

  it("half prepaid (50 USD at 0.92 = 46.00): revenue 46.00 + 60 × 0.93 = 101.80; the open 60 USD receivable at 55.80", async () => {
    const books = makeBooks();
    await record(books, "PaymentCaptured", "2026-03-01", advance("pay_1", "50", "0.92", "46"));
    const [entry] = await record(books, "OrderInvoiced", "2026-03-05", invoice("50", "46"));
    expect(linesOf(entry!)).toEqual([
      ["Dr", "1200", "101.8", "110 USD"],
      ["Cr", "4100", "101.8", "110 USD"],
      ["Dr", "2200", "46", "50 USD"],
      ["Cr", "1200", "46", "50 USD"],
    ]);
    const [item] = await books.finance.openItems({ ledger: "receivables", party: "cus_1" });
    expect(item).toMatchObject({ documentId: "inv_1", openAmount: "60", openFunctional: "55.8" });
    expect((await books.finance.auditSubledgers({ asOf: "2026-03-31" }))[0]).toMatchObject({ subledger: "55.8", control: "55.8", ok: true });
    // Paid at 0.95: 57.00 against the booked 55.80, a 1.20 gain; the books end with revenue 101.80.
    await record(books, "PaymentCaptured", "2026-03-20", { paymentId: "pay_2", orderId: "ord_1", invoiceId: "inv_1", invoiced: true, currency: "USD", functionalCurrency: "EUR", rate: "0.95", amount: usd("60"), functionalAmount: eur("57") });
    const tb = await books.finance.trialBalance({ asOf: "2026-03-31" });
    expect([tbBalance(tb, "1200"), tbBalance(tb, "2200"), tbBalance(tb, "4100"), tbBalance(tb, "6800")]).toEqual(["0", "0", "-101.8", "-1.2"]);
  });

  it("advances from two captures at different rates and a partial refund: the invoice relieves the rest at its booked average", async () => {
    const books = makeBooks();
    await record(books, "PaymentCaptured", "2026-03-01", advance("pay_1", "60", "0.9", "54"));
    await record(books, "PaymentCaptured", "2026-03-02", advance("pay_2", "60", "0.94", "56.4"));
    // 10 USD refunded: relieved at the average booked value 110.40 / 120 → 9.20.
    const [refund] = await record(books, "RefundIssued", "2026-03-03", { refundId: "ref_1", orderId: "ord_1", paymentId: "pay_2", invoiced: false, currency: "USD", functionalCurrency: "EUR", rate: "0.94", amount: usd("10"), functionalAmount: eur("9.4") });
    // Paid back at 0.94 (9.40) what was booked at 9.20: a 0.20 exchange loss.
    expect(linesOf(refund!)).toEqual([["Dr", "2200", "9.2", "10 USD"], ["Dr", "6800", "0.2"], ["Cr", "1150", "9.4", "10 USD"]]);
    const [entry] = await record(books, "OrderInvoiced", "2026-03-05", invoice("110", "102.3"));
    // 110 USD left booked at 110.40 − 9.20 = 101.20.
    expect(linesOf(entry!).find((l) => l[1] === "4100")).toEqual(["Cr", "4100", "101.2", "110 USD"]);
    const tb = await books.finance.trialBalance({ asOf: "2026-03-31" });
    expect(tb.rows.find((r) => r.account === "2200")).toMatchObject({ balance: "0", byCurrency: [] });
  });

  it("in the functional currency, or without a tracked advance, the host's values post unchanged", async () => {
    const books = makeBooks();
    const [entry] = await record(books, "OrderInvoiced", "2026-03-05", invoice("110", "102.3"));
    expect(linesOf(entry!).find((l) => l[1] === "4100")).toEqual(["Cr", "4100", "102.3", "110 USD"]);
  });
});
