import { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postgresStore } from "../../src/adapters/postgres/index.js";
import type { JournalEntry } from "../../src/finance/index.js";
import { type Books, eur, makeBooks } from "./helpers.js";

/*
 * Allocating a credit after the fact (issue 9): a payment recorded before its invoice, an
 * over-payment spread over several invoices, a supplier advance applied to a bill — the
 * credit relieved at its booked value, the documents at theirs, the difference realised.
 */

type Line = [side: "Dr" | "Cr", account: string, functional: string];
const linesOf = (entry: JournalEntry): Line[] => entry.lines.map((l) => [l.functional.startsWith("-") ? "Cr" : "Dr", l.account, l.functional.replace("-", "")]);
const money = (currency: string) => (amount: string) => ({ amount, currency });

function invoice(id: string, customerId: string, currency: string, rate: string, gross: string, functionalGross: string) {
  const m = money(currency);
  return {
    invoiceId: id, orderId: `ord_${id}`, customerId, currency, functionalCurrency: "EUR", rate,
    net: m(gross), shipping: m("0"), tax: m("0"), gross: m(gross), prepaymentApplied: m("0"),
    functional: { net: eur(functionalGross), shipping: eur("0"), tax: eur("0"), gross: eur(functionalGross), prepaymentApplied: eur("0") },
  };
}
function capture(id: string, customerId: string, currency: string, rate: string, amount: string, functional: string) {
  return { paymentId: id, orderId: `ord_${id}`, customerId, invoiced: true, currency, functionalCurrency: "EUR", rate, amount: money(currency)(amount), functionalAmount: eur(functional) };
}
async function record(books: Books, type: string, date: string, payload: Record<string, unknown>): Promise<void> {
  await books.sk.recordEvents([{ type, aggregateType: "doc", aggregateId: "agg_1", effectiveDate: date, payload }]);
}

describe("allocating a credit to open documents", () => {
  it("a USD payment recorded before its invoice: allocated later, the 2.20 difference is realised", async () => {
    const books = makeBooks();
    await record(books, "PaymentCaptured", "2026-03-01", capture("pay_1", "cus_1", "USD", "0.9", "110", "99"));
    await record(books, "OrderInvoiced", "2026-03-02", invoice("inv_1", "cus_1", "USD", "0.92", "110", "101.2"));
    const a = await books.finance.allocate({ ledger: "receivables", creditId: "pay_1", documentIds: ["inv_1"], date: "2026-03-05" });
    expect(a).toMatchObject({ amount: "110", currency: "USD", exchangeDifference: "2.2", documents: [{ documentId: "inv_1", amount: "110", booked: "101.2" }] });
    expect(a.credit).toMatchObject({ openAmount: "0", openFunctional: "0" });
    expect(linesOf((await books.finance.entry(a.entryId!))!)).toEqual([["Cr", "1200", "2.2"], ["Dr", "6800", "2.2"]]);
    const items = await books.finance.openItems({ ledger: "receivables", party: "cus_1" });
    expect(items.map((i) => [i.documentId, i.openAmount, i.openFunctional])).toEqual([["pay_1", "0", "0"], ["inv_1", "0", "0"]]);
    expect((await books.finance.auditSubledgers({ asOf: "2026-03-05" }))[0]).toMatchObject({ subledger: "0", control: "0", ok: true });
    await expect(books.finance.allocate({ ledger: "receivables", creditId: "pay_1", documentIds: ["inv_1"], date: "2026-03-05" })).rejects.toMatchObject({ code: "INVALID_TRANSITION" });
    // Its exchange difference cannot be reversed alone: 1200 would part from the subledger.
    await expect(books.finance.reverseEntry({ entryId: a.entryId! })).rejects.toMatchObject({ code: "INVALID_TRANSITION", message: expect.stringMatching(/allocation realised/) });
    expect((await books.finance.auditSubledgers({ asOf: "2026-12-31" }))[0]).toMatchObject({ ok: true });
  });

  it("an over-payment of 150 pays 100 and 50 of two invoices in order; no entry without an exchange difference; a part by amount", async () => {
    const books = makeBooks();
    await record(books, "OrderInvoiced", "2026-03-02", invoice("inv_a", "cus_1", "EUR", "1", "100", "100"));
    await record(books, "OrderInvoiced", "2026-03-02", invoice("inv_b", "cus_1", "EUR", "1", "80", "80"));
    await record(books, "PaymentCaptured", "2026-03-03", capture("pay_1", "cus_1", "EUR", "1", "150", "150"));
    const part = await books.finance.allocate({ ledger: "receivables", creditId: "pay_1", documentIds: ["inv_a"], date: "2026-03-04", amount: "40" });
    expect(part).toMatchObject({ amount: "40", entryId: null, exchangeDifference: "0", credit: { openAmount: "-110" } });
    const rest = await books.finance.allocate({ ledger: "receivables", creditId: "pay_1", documentIds: ["inv_a", "inv_b"], date: "2026-03-05" });
    expect(rest.documents).toEqual([{ documentId: "inv_a", amount: "60", booked: "60" }, { documentId: "inv_b", amount: "50", booked: "50" }]);
    const items = await books.finance.openItems({ ledger: "receivables", party: "cus_1" });
    expect(items.map((i) => [i.documentId, i.openAmount])).toEqual([["inv_a", "0"], ["inv_b", "30"], ["pay_1", "0"]]);
    expect((await books.finance.auditSubledgers({ asOf: "2026-03-05" }))[0]).toMatchObject({ subledger: "30", control: "30", ok: true });
  });

  it("refuses another party's or currency's document, a credit that is not one, amounts beyond what fits, unknown credits", async () => {
    const books = makeBooks();
    await record(books, "OrderInvoiced", "2026-03-02", invoice("inv_1", "cus_1", "EUR", "1", "100", "100"));
    await record(books, "OrderInvoiced", "2026-03-02", invoice("inv_2", "cus_2", "EUR", "1", "100", "100"));
    await record(books, "OrderInvoiced", "2026-03-02", invoice("inv_3", "cus_1", "USD", "0.9", "100", "90"));
    await record(books, "PaymentCaptured", "2026-03-03", capture("pay_1", "cus_1", "EUR", "1", "50", "50"));
    const refused = (documentIds: string[], extra: Record<string, string> = {}) => books.finance.allocate({ ledger: "receivables", creditId: "pay_1", documentIds, date: "2026-03-05", ...extra });
    await expect(refused(["inv_2"])).rejects.toMatchObject({ code: "VALIDATION_FAILED", message: expect.stringContaining("belongs to cus_2") });
    await expect(refused(["inv_3"])).rejects.toMatchObject({ code: "VALIDATION_FAILED", message: expect.stringContaining("in USD") });
    await expect(refused(["inv_1"], { amount: "60" })).rejects.toMatchObject({ code: "VALIDATION_FAILED", message: expect.stringContaining("at most 50") });
    await expect(refused(["inv_1", "inv_1"])).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
    await expect(books.finance.allocate({ ledger: "receivables", creditId: "inv_1", documentIds: ["pay_1"], date: "2026-03-05" })).rejects.toMatchObject({ code: "INVALID_TRANSITION" });
    await expect(books.finance.allocate({ ledger: "receivables", creditId: "pay_9", documentIds: ["inv_1"], date: "2026-03-05" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect((await books.finance.openItems({ ledger: "receivables", party: "cus_1" })).find((i) => i.documentId === "pay_1")!.openAmount).toBe("-50");
  });

  it("a supplier advance paid at 0.93 applied to a bill booked at 0.92: the bill settled, a 2.50 loss, the rest of the advance kept", async () => {
    const books = makeBooks();
    await record(books, "SupplierPaid", "2026-03-01", { paymentId: "sp_1", supplierId: "sup_1", billIds: ["po_1"], currency: "USD", functionalCurrency: "EUR", rate: "0.93", amount: money("USD")("300"), functionalAmount: eur("279") });
    await record(books, "SupplierBillRecorded", "2026-03-02", {
      billId: "bill_1", supplierId: "sup_1", currency: "USD", functionalCurrency: "EUR", rate: "0.92",
      lines: [{ receiptId: "grn_1", sku: "MUG", quantity: "100", unitPrice: money("USD")("2.5"), receivedValue: eur("230"), billedValue: eur("230") }],
      net: money("USD")("250"), tax: money("USD")("0"), gross: money("USD")("250"), functional: { net: eur("230"), tax: eur("0"), gross: eur("230") },
    });
    const a = await books.finance.allocate({ ledger: "payables", creditId: "sp_1", documentIds: ["bill_1"], date: "2026-03-10" });
    // 250 of the 300 USD advance (booked 232.50) pay the bill booked at 230: a loss of 2.50.
    expect(a).toMatchObject({ amount: "250", exchangeDifference: "2.5", credit: { openAmount: "50", openFunctional: "46.5" } });
    expect(linesOf((await books.finance.entry(a.entryId!))!)).toEqual([["Cr", "2100", "2.5"], ["Dr", "6800", "2.5"]]);
    expect((await books.finance.auditSubledgers({ asOf: "2026-03-10" }))[1]).toMatchObject({ ledger: "payables", subledger: "46.5", control: "46.5", ok: true });
  });
});

describe("on PostgreSQL (PGlite)", () => {
  let db: PGlite;
  beforeAll(async () => {
    db = new PGlite();
    await db.waitReady;
  }, 60_000);
  afterAll(async () => {
    await db.close();
  });

  it("allocates like the in-memory store", async () => {
    const out = [];
    for (const books of [makeBooks({ store: postgresStore({ client: db, schema: "allocation" }) }), makeBooks()]) {
      await record(books, "PaymentCaptured", "2026-03-01", capture("pay_1", "cus_1", "USD", "0.9", "110", "99"));
      await record(books, "OrderInvoiced", "2026-03-02", invoice("inv_1", "cus_1", "USD", "0.92", "60", "55.2"));
      await record(books, "OrderInvoiced", "2026-03-02", invoice("inv_2", "cus_1", "USD", "0.92", "60", "55.2"));
      const a = await books.finance.allocate({ ledger: "receivables", creditId: "pay_1", documentIds: ["inv_1", "inv_2"], date: "2026-03-05" });
      out.push({ documents: a.documents, difference: a.exchangeDifference, credit: a.credit.openAmount, lines: linesOf((await books.finance.entry(a.entryId!))!), audit: await books.finance.auditSubledgers({ asOf: "2026-03-05" }) });
    }
    expect(out[0]).toEqual(out[1]);
    // 110 USD booked at 99 pay 60 (55.20) and 50 of 60 (46.00): relieved 101.20 against 99, a 2.20 loss.
    expect(out[0]!.difference).toBe("2.2");
    expect(out[0]!.audit.every((c) => c.ok)).toBe(true);
  }, 60_000);
});
