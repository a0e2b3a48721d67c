import { describe, expect, it } from "vitest";
import type { JournalEntry } from "../../src/finance/index.js";
import { type Books, eur, makeBooks } from "./helpers.js";

/*
 * Write-offs of open items (issue 9): small differences within a tolerance, either way, and
 * bad debts; relieved at the booked value (no exchange difference), control account and
 * subledger moving together — worked examples line by line.
 */

type Line = [side: "Dr" | "Cr", account: string, functional: string, transaction?: string];
const linesOf = (entry: JournalEntry): Line[] =>
  entry.lines.map((l) => {
    const side = l.functional.startsWith("-") ? "Cr" : "Dr";
    const functional = l.functional.replace("-", "");
    return l.currency === entry.functionalCurrency ? [side, l.account, functional] : [side, l.account, functional, `${l.amount.replace("-", "")} ${l.currency}`];
  });

const money = (currency: string) => (amount: string) => ({ amount, currency });
function invoice(id: string, currency: string, rate: string, gross: string, functionalGross: string) {
  const m = money(currency);
  return {
    invoiceId: id, orderId: `ord_${id}`, customerId: "cus_1", currency, functionalCurrency: "EUR", rate,
    net: m(gross), shipping: m("0"), tax: m("0"), gross: m(gross), prepaymentApplied: m("0"),
    functional: { net: eur(functionalGross), shipping: eur("0"), tax: eur("0"), gross: eur(functionalGross), prepaymentApplied: eur("0") },
  };
}
const capture = (id: string, invoiceId: string, amount: string) => ({ paymentId: id, orderId: `ord_${invoiceId}`, invoiceId, invoiced: true, currency: "EUR", functionalCurrency: "EUR", rate: "1", amount: eur(amount), functionalAmount: eur(amount) });

/** Books with a supplier bill of 100 (bill_1, 2026-03-02) paid 99.98 on 2026-03-30. */
async function shortPaidBill(): Promise<Books> {
  const books = makeBooks();
  await record(books, "SupplierBillRecorded", "2026-03-02", {
    billId: "bill_1", supplierId: "sup_1", dueDate: "2026-04-01", currency: "EUR", functionalCurrency: "EUR", rate: "1",
    lines: [{ receiptId: "grn_1", sku: "MUG", quantity: "10", unitPrice: eur("10"), receivedValue: eur("100"), billedValue: eur("100") }],
    net: eur("100"), tax: eur("0"), gross: eur("100"), functional: { net: eur("100"), tax: eur("0"), gross: eur("100") },
  });
  await record(books, "SupplierPaid", "2026-03-30", { paymentId: "sp_1", supplierId: "sup_1", billIds: ["bill_1"], currency: "EUR", functionalCurrency: "EUR", rate: "1", amount: eur("99.98"), functionalAmount: eur("99.98") });
  return books;
}

async function record(books: Books, type: string, date: string, payload: Record<string, unknown>): Promise<void> {
  await books.sk.recordEvents([{ type, aggregateType: "doc", aggregateId: "agg_1", effectiveDate: date, payload }]);
}

describe("write-offs", () => {
  it("a 0.03 short payment is written off as a small difference: Dr 6900 / Cr 1200, the item closed, subledger = control", async () => {
    const books = makeBooks();
    await record(books, "OrderInvoiced", "2026-03-02", invoice("inv_1", "EUR", "1", "119", "119"));
    await record(books, "PaymentCaptured", "2026-03-10", capture("pay_1", "inv_1", "118.97"));
    const w = await books.finance.writeOff({ ledger: "receivables", documentId: "inv_1", reason: "small-difference", date: "2026-03-31" }, { idempotencyKey: "wo-inv_1" });
    expect(w).toMatchObject({ reason: "small-difference", amount: "0.03", currency: "EUR", functional: "0.03", account: "6900" });
    expect(w.item).toMatchObject({ openAmount: "0", openFunctional: "0" });
    expect(w.item.settlements.at(-1)).toMatchObject({ kind: "write-off", documentId: w.writeOffId, amount: "0.03", booked: "0.03", settled: "0.03" });
    expect(linesOf((await books.finance.entry(w.entryId))!)).toEqual([["Cr", "1200", "0.03"], ["Dr", "6900", "0.03"]]);
    expect((await books.finance.auditSubledgers({ asOf: "2026-03-31" }))[0]).toMatchObject({ subledger: "0", control: "0", ok: true });
    // Replayed under its key: the same write-off, nothing posted twice.
    const journal = (await books.finance.journal()).length;
    expect(await books.finance.writeOff({ ledger: "receivables", documentId: "inv_1", reason: "small-difference", date: "2026-03-31" }, { idempotencyKey: "wo-inv_1" })).toEqual(w);
    expect((await books.finance.journal()).length).toBe(journal);
    // Without the key it is settled now: nothing left.
    await expect(books.finance.writeOff({ ledger: "receivables", documentId: "inv_1", reason: "small-difference", date: "2026-03-31" })).rejects.toMatchObject({ code: "INVALID_TRANSITION" });
  });

  it("above the tolerance a small-difference write-off is refused (naming the tolerance); a bad debt is not, and a wider tolerance is an option", async () => {
    const books = makeBooks();
    await record(books, "OrderInvoiced", "2026-03-02", invoice("inv_1", "EUR", "1", "119", "119"));
    await record(books, "PaymentCaptured", "2026-03-10", capture("pay_1", "inv_1", "114"));
    await expect(books.finance.writeOff({ ledger: "receivables", documentId: "inv_1", reason: "small-difference", date: "2026-03-31" })).rejects.toMatchObject({
      code: "VALIDATION_FAILED",
      message: expect.stringContaining("tolerance of 1"),
    });
    const bad = await books.finance.writeOff({ ledger: "receivables", documentId: "inv_1", reason: "bad-debt", date: "2026-06-30" });
    expect(linesOf((await books.finance.entry(bad.entryId))!)).toEqual([["Cr", "1200", "5"], ["Dr", "6300", "5"]]);

    const lenient = makeBooks({ finance: { writeOffs: { tolerance: "10" } } });
    await record(lenient, "OrderInvoiced", "2026-03-02", invoice("inv_1", "EUR", "1", "119", "119"));
    await record(lenient, "PaymentCaptured", "2026-03-10", capture("pay_1", "inv_1", "114"));
    expect((await lenient.finance.writeOff({ ledger: "receivables", documentId: "inv_1", reason: "small-difference", date: "2026-03-31" })).functional).toBe("5");
    expect(() => makeBooks({ finance: { writeOffs: { badDebtAccount: "9999" } } })).toThrow(/badDebtAccount names 9999/);
  });

  it("a partial bad debt of a USD invoice is relieved at its booked share: no exchange difference", async () => {
    const books = makeBooks();
    await record(books, "OrderInvoiced", "2026-03-02", invoice("inv_1", "USD", "0.92", "110", "101.2"));
    const w = await books.finance.writeOff({ ledger: "receivables", documentId: "inv_1", reason: "bad-debt", date: "2026-06-30", amount: "55" });
    expect(w).toMatchObject({ amount: "55", currency: "USD", functional: "50.6", account: "6300" });
    expect(w.item).toMatchObject({ openAmount: "55", openFunctional: "50.6" });
    expect(linesOf((await books.finance.entry(w.entryId))!)).toEqual([["Cr", "1200", "50.6", "55 USD"], ["Dr", "6300", "50.6"]]);
    expect((await books.finance.auditSubledgers({ asOf: "2026-06-30" }))[0]).toMatchObject({ subledger: "50.6", control: "50.6", ok: true });
    await expect(books.finance.writeOff({ ledger: "receivables", documentId: "inv_1", reason: "bad-debt", date: "2026-06-30", amount: "60" })).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
    await expect(books.finance.writeOff({ ledger: "receivables", documentId: "inv_1", reason: "bad-debt", date: "2026-06-30", amount: "0.001" })).rejects.toMatchObject({ code: "VALIDATION_FAILED", message: expect.stringContaining("decimals") });
    await expect(books.finance.writeOff({ ledger: "receivables", documentId: "inv_1", reason: "bad-debt", date: "2026-03-01" })).rejects.toMatchObject({ code: "VALIDATION_FAILED", message: expect.stringContaining("dated 2026-03-02") });
  });

  it("a supplier bill paid 0.02 short is written off as a gain; a payable cannot be a bad debt; unknown items are NOT_FOUND", async () => {
    const books = await shortPaidBill();
    await expect(books.finance.writeOff({ ledger: "payables", documentId: "bill_1", reason: "bad-debt", date: "2026-03-31" })).rejects.toMatchObject({ code: "INVALID_TRANSITION", details: { allowed: ["small-difference"] } });
    const w = await books.finance.writeOff({ ledger: "payables", documentId: "bill_1", reason: "small-difference", date: "2026-03-31" });
    expect(w).toMatchObject({ amount: "-0.02", functional: "-0.02" });
    expect(linesOf((await books.finance.entry(w.entryId))!)).toEqual([["Dr", "2100", "0.02"], ["Cr", "6900", "0.02"]]);
    expect((await books.finance.auditSubledgers({ asOf: "2026-03-31" }))[1]).toMatchObject({ ledger: "payables", subledger: "0", control: "0", ok: true });
    await expect(books.finance.writeOff({ ledger: "payables", documentId: "bill_9", reason: "small-difference", date: "2026-03-31" })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("reversing a supplier bill's small-difference write-off reopens the payable; a customer's credit written off reopens too; neither twice", async () => {
    const books = await shortPaidBill();
    const w = await books.finance.writeOff({ ledger: "payables", documentId: "bill_1", reason: "small-difference", date: "2026-03-31" });
    const reversal = await books.finance.reverseEntry({ entryId: w.entryId, date: "2026-04-02" });
    expect(linesOf(reversal)).toEqual([["Cr", "2100", "0.02"], ["Dr", "6900", "0.02"]]);
    const bill = (await books.finance.openItems({ ledger: "payables" })).find((i) => i.documentId === "bill_1")!;
    expect(bill).toMatchObject({ openAmount: "-0.02", openFunctional: "-0.02" });
    expect(bill.settlements.at(-1)).toMatchObject({ kind: "write-back", reverses: w.writeOffId, amount: "0.02" });
    expect((await books.finance.auditSubledgers({ asOf: "2026-04-30" }))[1]).toMatchObject({ ledger: "payables", subledger: "-0.02", control: "-0.02", ok: true });
    const undone = (await books.sk.store.readEvents(null, 10_000)).filter((e) => e.type === "OpenItemWriteOffUndone").map((e) => e.payload);
    expect(undone).toEqual([{ writeOffId: w.writeOffId, entryId: reversal.entryId, ledger: "payables", party: "sup_1", currency: "EUR", reason: "small-difference", side: "document", document: expect.objectContaining({ documentId: "bill_1" }), amount: { amount: "0.02", currency: "EUR" } }]);
    await expect(books.finance.reverseEntry({ entryId: w.entryId, date: "2026-04-03" })).rejects.toMatchObject({ code: "ALREADY_REVERSED" });
    // Written off again, it closes again: the undoing left nothing behind.
    await books.finance.writeOff({ ledger: "payables", documentId: "bill_1", reason: "small-difference", date: "2026-04-05" });
    expect((await books.finance.openItems({ ledger: "payables", openOnly: true })).filter((i) => i.documentId === "bill_1")).toEqual([]);

    // A customer's over-payment rest written off (the credit side) reopens as a credit.
    await record(books, "OrderInvoiced", "2026-03-02", invoice("inv_2", "EUR", "1", "10", "10"));
    await record(books, "PaymentCaptured", "2026-03-10", capture("pay_2", "inv_2", "10.04"));
    const over = (await books.finance.openItems({ ledger: "receivables", openOnly: true })).find((i) => i.openAmount === "-0.04")!;
    const c = await books.finance.writeOff({ ledger: "receivables", documentId: over.documentId, reason: "small-difference", date: "2026-06-30" });
    await books.finance.reverseEntry({ entryId: c.entryId, date: "2026-07-01" });
    expect((await books.finance.openItems({ ledger: "receivables", openOnly: true })).find((i) => i.documentId === over.documentId)).toMatchObject({ openAmount: "-0.04" });
    expect((await books.finance.auditSubledgers({ asOf: "2026-07-31" }))[0]).toMatchObject({ ok: true });
    const last = (await books.sk.store.readEvents(null, 10_000)).filter((e) => e.type === "OpenItemWriteOffUndone").at(-1)!.payload;
    expect(last).toMatchObject({ side: "credit", amount: { amount: "0.04", currency: "EUR" } });
  });

  it("a write-off is announced (OpenItemWrittenOff: the document, which side, how much), and reversing its entry announces it undone", async () => {
    const books = makeBooks();
    await record(books, "OrderInvoiced", "2026-03-02", invoice("inv_1", "EUR", "1", "119", "119"));
    await record(books, "PaymentCaptured", "2026-03-10", capture("pay_1", "inv_1", "19"));
    const bad = await books.finance.writeOff({ ledger: "receivables", documentId: "inv_1", reason: "bad-debt", date: "2026-06-30" });
    const announced = async (type: string) => (await books.sk.store.readEvents(null, 10_000)).filter((e) => e.type === type).map((e) => e.payload);
    expect(await announced("OpenItemWrittenOff")).toEqual([
      { writeOffId: bad.writeOffId, entryId: bad.entryId, ledger: "receivables", party: "cus_1", currency: "EUR", reason: "bad-debt", side: "document", document: { documentId: "inv_1", documentType: "invoice", orderId: "ord_inv_1" }, amount: { amount: "100", currency: "EUR" } },
    ]);
    const reversal = await books.finance.reverseEntry({ entryId: bad.entryId, date: "2026-07-15" });
    expect(await announced("OpenItemWriteOffUndone")).toEqual([
      { writeOffId: bad.writeOffId, entryId: reversal.entryId, ledger: "receivables", party: "cus_1", currency: "EUR", reason: "bad-debt", side: "document", document: { documentId: "inv_1", documentType: "invoice", orderId: "ord_inv_1" }, amount: { amount: "100", currency: "EUR" } },
    ]);
    // A credit written off (an over-payment's small rest) is the credit side.
    await record(books, "OrderInvoiced", "2026-03-02", invoice("inv_2", "EUR", "1", "10", "10"));
    await record(books, "PaymentCaptured", "2026-03-10", capture("pay_2", "inv_2", "10.04"));
    const over = (await books.finance.openItems({ ledger: "receivables", openOnly: true })).find((i) => i.openAmount === "-0.04")!;
    await books.finance.writeOff({ ledger: "receivables", documentId: over.documentId, reason: "small-difference", date: "2026-06-30" });
    expect((await announced("OpenItemWrittenOff")).at(-1)).toMatchObject({ side: "credit", reason: "small-difference", amount: { amount: "0.04", currency: "EUR" } });
  });
});
