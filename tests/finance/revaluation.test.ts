import { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { memoryRates } from "../../src/adapters/memory/index.js";
import { postgresStore } from "../../src/adapters/postgres/index.js";
import type { JournalEntry } from "../../src/finance/index.js";
import { Decimal } from "../../src/kernel/decimal.js";
import type { Store } from "../../src/ports/storage.js";
import { type Books, eur, makeBooks, tbBalance, usd } from "./helpers.js";

/*
 * Unrealised exchange differences at a period end (issue 9): open foreign receivables,
 * payables and foreign bank balances restated at the closing rate, reversed the next day,
 * never counted twice — worked example line by line, then on PGlite.
 */

type Line = [side: "Dr" | "Cr", account: string, functional: string];
const linesOf = (entry: JournalEntry): Line[] => entry.lines.map((l) => [l.functional.startsWith("-") ? "Cr" : "Dr", l.account, l.functional.replace("-", "")]);

const rate = (date: string, value: string) => ({ base: "USD", quote: "EUR", date, rate: new Decimal(value) }) as never;

async function shop(store?: Store): Promise<Books> {
  const books = makeBooks({
    ...(store === undefined ? {} : { store }),
    rates: memoryRates([rate("2026-03-31", "0.95"), rate("2026-04-10", "0.96"), rate("2026-04-30", "0.97")]),
    finance: { allowManualEntries: ["1100"] },
  });
  const record = (type: string, date: string, payload: Record<string, unknown>) => books.sk.recordEvents([{ type, aggregateType: "doc", aggregateId: "agg_1", effectiveDate: date, payload }]);
  // A USD invoice of 110 booked at 0.92 (101.20), a USD bill of 250 at 0.92 (230), 1,000 USD in the bank at 0.90 (900).
  await record("OrderInvoiced", "2026-03-02", {
    invoiceId: "inv_1", orderId: "ord_1", customerId: "cus_1", currency: "USD", functionalCurrency: "EUR", rate: "0.92",
    net: usd("110"), shipping: usd("0"), tax: usd("0"), gross: usd("110"), prepaymentApplied: usd("0"),
    functional: { net: eur("101.2"), shipping: eur("0"), tax: eur("0"), gross: eur("101.2"), prepaymentApplied: eur("0") },
  });
  await record("SupplierBillRecorded", "2026-03-02", {
    billId: "bill_1", supplierId: "sup_1", dueDate: "2026-05-01", currency: "USD", functionalCurrency: "EUR", rate: "0.92",
    lines: [{ receiptId: "grn_1", sku: "MUG", quantity: "100", unitPrice: usd("2.5"), receivedValue: eur("230"), billedValue: eur("230") }],
    net: usd("250"), tax: usd("0"), gross: usd("250"), functional: { net: eur("230"), tax: eur("0"), gross: eur("230") },
  });
  await books.finance.postEntry({ date: "2026-03-05", lines: [{ account: "1100", debit: "1000", currency: "USD", rate: "0.9" }, { account: "3100", credit: "900" }] });
  return books;
}

describe("unrealised exchange differences (revalue)", () => {
  it("restates open USD items and the USD bank balance at the month-end rate, reverses on the next day, replays a second run", async () => {
    const books = await shop();
    const r = await books.finance.revalue({ date: "2026-03-31" });
    // Receivables 110 × 0.95 = 104.50 (+3.30), payables −250 × 0.95 = −237.50 (−7.50), bank 1,000 × 0.95 = 950 (+50).
    expect(r.rows.map((x) => [x.account, x.ledger, x.amount, x.booked, x.rate, x.revalued, x.difference])).toEqual([
      ["1100", "cash", "1000", "900", "0.95", "950", "50"],
      ["1200", "receivables", "110", "101.2", "0.95", "104.5", "3.3"],
      ["2100", "payables", "-250", "-230", "0.95", "-237.5", "-7.5"],
    ]);
    expect(r).toMatchObject({ date: "2026-03-31", reversalDate: "2026-04-01", netGain: "45.8", replayed: false });
    const entry = (await books.finance.entry(r.entryId!))!;
    const reversal = (await books.finance.entry(r.reversalEntryId!))!;
    expect(linesOf(entry)).toEqual([["Dr", "1100", "50"], ["Dr", "1200", "3.3"], ["Cr", "2100", "7.5"], ["Cr", "6800", "45.8"]]);
    expect(reversal).toMatchObject({ date: "2026-04-01", kind: "reversal", reversalOf: entry.entryId });
    expect(linesOf(reversal)).toEqual([["Cr", "1100", "50"], ["Cr", "1200", "3.3"], ["Dr", "2100", "7.5"], ["Dr", "6800", "45.8"]]);

    const march = await books.finance.trialBalance({ asOf: "2026-03-31" });
    expect([tbBalance(march, "1200"), tbBalance(march, "2100"), tbBalance(march, "1100"), tbBalance(march, "6800")]).toEqual(["104.5", "-237.5", "950", "-45.8"]);
    const april = await books.finance.trialBalance({ asOf: "2026-04-01" });
    expect([tbBalance(april, "1200"), tbBalance(april, "2100"), tbBalance(april, "1100"), tbBalance(april, "6800")]).toEqual(["101.2", "-230", "900", "0"]);
    // The foreign amount did not move: the difference is a functional-only line (like a realised difference).
    expect(march.rows.find((x) => x.account === "1200")!.byCurrency).toEqual([{ currency: "EUR", amount: "3.3" }, { currency: "USD", amount: "110" }]);

    // The subledgers still hold the booked values; the check explains the difference on that day.
    expect(await books.finance.auditSubledgers({ asOf: "2026-03-31" })).toEqual([
      expect.objectContaining({ ledger: "receivables", subledger: "101.2", control: "104.5", revaluation: "3.3", difference: "0", ok: true }),
      expect.objectContaining({ ledger: "payables", subledger: "-230", control: "-237.5", revaluation: "-7.5", difference: "0", ok: true }),
    ]);
    expect((await books.finance.auditSubledgers({ asOf: "2026-04-01" })).every((c) => c.ok && c.revaluation === "0")).toBe(true);

    const entries = (await books.finance.journal()).length;
    const again = await books.finance.revalue({ date: "2026-03-31" });
    expect(again).toEqual({ ...r, replayed: true });
    expect((await books.finance.journal()).length).toBe(entries);
  });

  it("differences that cancel out (a gain on receivables equal to the loss on payables) post both restatements and no gain/loss line", async () => {
    // Found by the whole-shop simulator (seed 25): the entry carried a zero 6800 line and was refused.
    const books = makeBooks({ rates: memoryRates([rate("2026-03-31", "0.95")]) });
    const record = (type: string, payload: Record<string, unknown>) => books.sk.recordEvents([{ type, aggregateType: "doc", aggregateId: "agg_1", effectiveDate: "2026-03-02", payload }]);
    await record("OrderInvoiced", {
      invoiceId: "inv_1", orderId: "ord_1", customerId: "cus_1", currency: "USD", functionalCurrency: "EUR", rate: "0.92",
      net: usd("250"), shipping: usd("0"), tax: usd("0"), gross: usd("250"), prepaymentApplied: usd("0"),
      functional: { net: eur("230"), shipping: eur("0"), tax: eur("0"), gross: eur("230"), prepaymentApplied: eur("0") },
    });
    await record("SupplierBillRecorded", {
      billId: "bill_1", supplierId: "sup_1", dueDate: "2026-05-01", currency: "USD", functionalCurrency: "EUR", rate: "0.92",
      lines: [{ receiptId: "grn_1", sku: "MUG", quantity: "100", unitPrice: usd("2.5"), receivedValue: eur("230"), billedValue: eur("230") }],
      net: usd("250"), tax: usd("0"), gross: usd("250"), functional: { net: eur("230"), tax: eur("0"), gross: eur("230") },
    });
    const r = await books.finance.revalue({ date: "2026-03-31" });
    expect(r.netGain).toBe("0");
    expect(linesOf((await books.finance.entry(r.entryId!))!)).toEqual([["Dr", "1200", "7.5"], ["Cr", "2100", "7.5"]]);
    expect(linesOf((await books.finance.entry(r.reversalEntryId!))!)).toEqual([["Cr", "1200", "7.5"], ["Dr", "2100", "7.5"]]);
  });

  it("never counts twice: a settlement after the month end realises its difference from the booked value, and April revalues from booked too", async () => {
    const books = await shop();
    await books.finance.revalue({ date: "2026-03-31" });
    // Paid on 10 April at 0.96: 110 USD = 105.60, a realised gain of 4.40 against the booked 101.20.
    await books.sk.recordEvents([{ type: "PaymentCaptured", aggregateType: "doc", aggregateId: "agg_1", effectiveDate: "2026-04-10", payload: {
      paymentId: "pay_1", orderId: "ord_1", invoiceId: "inv_1", invoiced: true, currency: "USD", functionalCurrency: "EUR", rate: "0.96", amount: usd("110"), functionalAmount: eur("105.6"),
    } }]);
    const april = await books.finance.revalue({ date: "2026-04-30" });
    // Left: the bank (1,000 × 0.97 = 970: +70), the 110 USD captured into the provider's clearing
    // account (× 0.97 = 106.70 against 105.60: +1.10) and the bill (−250 × 0.97 = −242.50: −12.50).
    expect(april.rows.map((x) => [x.account, x.difference])).toEqual([["1100", "70"], ["1150", "1.1"], ["2100", "-12.5"]]);
    // Over March and April the exchange account holds exactly the realised 4.40 and April's 58.60
    // (March's 45.80 came and went).
    const is = await books.finance.incomeStatement({ from: "2026-03-01", to: "2026-04-30" });
    const fx = is.expenses.lines.find((l) => l.account === "6800")!;
    expect(fx.amount).toBe("-63");
    const tb = await books.finance.trialBalance({ asOf: "2026-04-30" });
    expect(tbBalance(tb, "1200")).toBe("0");
    expect((await books.finance.auditSubledgers({ asOf: "2026-04-30" })).every((c) => c.ok)).toBe(true);
  });

  it("a currency without a rate on the date is refused, naming it, and nothing is posted; nothing foreign open posts nothing", async () => {
    const books = await shop();
    const before = (await books.finance.journal()).length;
    await expect(books.finance.revalue({ date: "2026-03-20" })).rejects.toMatchObject({ code: "VALIDATION_FAILED", message: expect.stringContaining("USD") });
    expect((await books.finance.journal()).length).toBe(before);
    const empty = makeBooks();
    expect(await empty.finance.revalue({ date: "2026-03-31" })).toMatchObject({ entryId: null, reversalEntryId: null, rows: [], netGain: "0" });
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

  it("posts the same revaluation as the in-memory store", async () => {
    const pg = await shop(postgresStore({ client: db, schema: "revaluation" }));
    const memory = await shop();
    const [a, b] = [await pg.finance.revalue({ date: "2026-03-31" }), await memory.finance.revalue({ date: "2026-03-31" })];
    expect(a.rows).toEqual(b.rows);
    expect(linesOf((await pg.finance.entry(a.entryId!))!)).toEqual(linesOf((await memory.finance.entry(b.entryId!))!));
    expect((await pg.finance.revalue({ date: "2026-03-31" })).replayed).toBe(true);
    expect((await pg.finance.auditSubledgers({ asOf: "2026-03-31" })).every((c) => c.ok)).toBe(true);
  }, 60_000);

  it("writes off a partial bad debt and a cash flow statement the same as the in-memory store (write-offs and cash flow on PostgreSQL)", async () => {
    const pg = await shop(postgresStore({ client: db, schema: "write_offs" }));
    const memory = await shop();
    const results = [];
    for (const books of [pg, memory]) {
      const w = await books.finance.writeOff({ ledger: "receivables", documentId: "inv_1", reason: "bad-debt", date: "2026-06-30", amount: "10" });
      results.push({ w: { ...w, entryId: undefined, writeOffId: undefined, item: { ...w.item, settlements: w.item.settlements.map((x) => ({ ...x, documentId: undefined })) } }, lines: linesOf((await books.finance.entry(w.entryId))!), cf: await books.finance.cashFlow({ from: "2026-03-01", to: "2026-06-30" }) });
    }
    expect(results[0]).toEqual(results[1]);
    expect(results[0]!.lines).toEqual([["Cr", "1200", "9.2"], ["Dr", "6300", "9.2"]]);
    expect(results[0]!.cf.ties).toBe(true);
  }, 60_000);
});
