import { PGlite } from "@electric-sql/pglite";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postgresStore } from "../../src/adapters/postgres/index.js";
import { type JournalEntry, agingOf, relievedValue } from "../../src/finance/index.js";
import { type Books, eur, makeBooks, usd } from "./helpers.js";

/*
 * Open items (issue 9): receivables and payables per party and document, settlements
 * with the realised exchange difference computed by finance from the items' booked
 * values, over-payments kept as credit, aging as of any date, statements of account, and
 * each subledger equal to its control account — worked examples line by line, a property,
 * and the same on PostgreSQL (PGlite).
 */

type Line = [side: "Dr" | "Cr", account: string, functional: string, transaction?: string];

function linesOf(entry: JournalEntry): Line[] {
  return entry.lines.map((l) => {
    const side = l.functional.startsWith("-") ? "Cr" : "Dr";
    const functional = l.functional.replace("-", "");
    return l.currency === entry.functionalCurrency ? [side, l.account, functional] : [side, l.account, functional, `${l.amount.replace("-", "")} ${l.currency}`];
  });
}

async function record(books: Books, type: string, date: string, payload: Record<string, unknown>): Promise<JournalEntry[]> {
  const before = new Set((await books.finance.journal()).map((e) => e.entryId));
  await books.sk.recordEvents([{ type, aggregateType: "doc", aggregateId: "agg_1", effectiveDate: date, payload: payload as never }]);
  return (await books.finance.journal()).filter((e) => !before.has(e.entryId)).sort((a, b) => (a.entryId < b.entryId ? -1 : 1));
}

const money = (currency: string) => (amount: string) => ({ amount, currency });

function invoice(id: string, customerId: string, currency: string, rate: string, gross: string, functionalGross: string, dueDate?: string) {
  const m = money(currency);
  return {
    invoiceId: id, orderId: `ord_${id}`, customerId, ...(dueDate === undefined ? {} : { dueDate }), currency, functionalCurrency: "EUR", rate,
    net: m(gross), shipping: m("0"), tax: m("0"), gross: m(gross), prepaymentApplied: m("0"),
    functional: { net: eur(functionalGross), shipping: eur("0"), tax: eur("0"), gross: eur(functionalGross), prepaymentApplied: eur("0") },
  };
}

function capture(id: string, invoiceId: string | undefined, currency: string, rate: string, amount: string, functional: string, extra: Record<string, unknown> = {}) {
  return { paymentId: id, orderId: `ord_${invoiceId ?? id}`, ...(invoiceId === undefined ? {} : { invoiceId }), invoiced: true, currency, functionalCurrency: "EUR", rate, amount: money(currency)(amount), functionalAmount: eur(functional), ...extra };
}

describe("receivables: settlement computes the exchange difference", () => {
  it("a USD invoice booked at 0.92 paid at 0.90: finance books the 2.20 loss (the host gives none)", async () => {
    const books = makeBooks();
    await record(books, "OrderInvoiced", "2026-03-02", invoice("inv_1", "cus_1", "USD", "0.92", "110", "101.2"));
    const [payment] = await record(books, "PaymentCaptured", "2026-03-20", capture("pay_1", "inv_1", "USD", "0.9", "110", "99"));
    expect(linesOf(payment!)).toEqual([["Dr", "1150", "99", "110 USD"], ["Dr", "6800", "2.2"], ["Cr", "1200", "101.2", "110 USD"]]);
    const [item] = await books.finance.openItems({ ledger: "receivables", party: "cus_1" });
    expect(item).toMatchObject({ documentId: "inv_1", openAmount: "0", openFunctional: "0", settlements: [{ documentId: "pay_1", amount: "110", booked: "101.2", settled: "99" }] });
    // The host's old exchangeDifference is replaced by the computed one when the item is known.
    const books2 = makeBooks();
    await record(books2, "OrderInvoiced", "2026-03-02", invoice("inv_1", "cus_1", "USD", "0.92", "110", "101.2"));
    const [p2] = await record(books2, "PaymentCaptured", "2026-03-20", capture("pay_1", "inv_1", "USD", "0.9", "110", "99", { exchangeDifference: eur("5") }));
    expect(linesOf(p2!)).toContainEqual(["Dr", "6800", "2.2"]);
  });

  it("partial payment at a gain, an over-payment kept as credit, refunded at a loss: every item ends at zero in both currencies and the subledger equals Receivables", async () => {
    const books = makeBooks();
    await record(books, "OrderInvoiced", "2026-03-02", invoice("inv_2", "cus_2", "USD", "0.9", "200", "180", "2026-04-01"));
    // 50 USD at 0.95 = 47.50 relieves 50/200 of 180 = 45.00: a gain of 2.50.
    const [first] = await record(books, "PaymentCaptured", "2026-03-10", capture("pay_2", "inv_2", "USD", "0.95", "50", "47.5"));
    expect(linesOf(first!)).toEqual([["Dr", "1150", "47.5", "50 USD"], ["Cr", "6800", "2.5"], ["Cr", "1200", "45", "50 USD"]]);
    // 170 USD at 0.80 = 136: 150 settle the rest (worth 120, booked 135: a loss of 15), 20 USD (16.00) stay as credit.
    const [second] = await record(books, "PaymentCaptured", "2026-04-15", capture("pay_3", "inv_2", "USD", "0.8", "170", "136"));
    expect(linesOf(second!)).toEqual([["Dr", "1150", "136", "170 USD"], ["Dr", "6800", "15"], ["Cr", "1200", "151", "170 USD"]]);
    const credit = (await books.finance.openItems({ ledger: "receivables", party: "cus_2", openOnly: true }));
    expect(credit.map((i) => [i.documentId, i.documentType, i.openAmount, i.openFunctional])).toEqual([["pay_3", "payment", "-20", "-16"]]);
    // The credit refunded: 20 USD at 0.85 = 17.00 against 16.00 booked, a loss of 1.00.
    const [refund] = await record(books, "RefundIssued", "2026-04-20", {
      refundId: "ref_1", orderId: "ord_inv_2", paymentId: "pay_3", invoiced: true, currency: "USD", functionalCurrency: "EUR", rate: "0.85", amount: usd("20"), functionalAmount: eur("17"),
    });
    expect(linesOf(refund!)).toEqual([["Dr", "1200", "16", "20 USD"], ["Dr", "6800", "1"], ["Cr", "1150", "17", "20 USD"]]);
    expect(await books.finance.openItems({ ledger: "receivables", openOnly: true })).toEqual([]);
    const audit = await books.finance.auditSubledgers({ asOf: "2026-04-30" });
    expect(audit.map((c) => [c.ledger, c.subledger, c.control, c.ok])).toEqual([["receivables", "0", "0", true], ["payables", "0", "0", true]]);
    // As of the end of March the first payment had been made: 135 open.
    expect((await books.finance.auditSubledgers({ asOf: "2026-03-31" }))[0]).toMatchObject({ subledger: "135", control: "135", ok: true });
    const trial = await books.finance.trialBalance({ asOf: "2026-04-30" });
    const receivables = trial.rows.find((r) => r.account === "1200")!;
    expect(receivables.byCurrency.every((c) => c.amount === "0")).toBe(true);
  });

  it("money dated before the invoice it names does not settle it: it stays a credit until allocated, and the subledger equals Receivables at every date", async () => {
    const books = makeBooks();
    await record(books, "OrderInvoiced", "2026-03-20", invoice("inv_1", "cus_1", "EUR", "1", "100", "100"));
    await record(books, "PaymentCaptured", "2026-03-10", capture("pay_1", "inv_1", "EUR", "1", "100", "100", { customerId: "cus_1" }));
    for (const asOf of ["2026-03-15", "2026-03-20", "2026-03-31"]) {
      const [audit] = await books.finance.auditSubledgers({ asOf });
      expect(audit).toMatchObject({ ok: true });
    }
    const items = await books.finance.openItems({ ledger: "receivables", party: "cus_1" });
    expect(new Map(items.map((i) => [i.documentId, i.openAmount]))).toEqual(new Map([["inv_1", "100"], ["pay_1", "-100"]]));
    // Allocated on the invoice's date, both close.
    await books.finance.allocate({ ledger: "receivables", creditId: "pay_1", documentIds: ["inv_1"], date: "2026-03-20" });
    expect((await books.finance.openItems({ ledger: "receivables", party: "cus_1" })).map((i) => i.openAmount)).toEqual(["0", "0"]);
  });

  it("a credit note is a credit item; its refund settles it at the value it was booked", async () => {
    const books = makeBooks();
    await record(books, "OrderInvoiced", "2026-03-02", invoice("inv_3", "cus_3", "EUR", "1", "119", "119"));
    await record(books, "CreditNoteIssued", "2026-03-05", {
      creditNoteId: "cn_1", orderId: "ord_inv_3", invoiceId: "inv_3", reason: "allowance", currency: "EUR", functionalCurrency: "EUR", rate: "1",
      net: eur("10"), shipping: eur("0"), tax: eur("0"), gross: eur("10"), functional: { net: eur("10"), shipping: eur("0"), tax: eur("0"), gross: eur("10") },
    });
    const items = await books.finance.openItems({ ledger: "receivables", party: "cus_3" });
    expect(items.map((i) => [i.documentId, i.openAmount])).toEqual([["inv_3", "119"], ["cn_1", "-10"]]);
    await record(books, "RefundIssued", "2026-03-06", { refundId: "ref_2", orderId: "ord_inv_3", creditNoteId: "cn_1", invoiced: true, currency: "EUR", functionalCurrency: "EUR", rate: "1", amount: eur("10"), functionalAmount: eur("10") });
    expect((await books.finance.openItems({ ledger: "receivables", openOnly: true })).map((i) => i.documentId)).toEqual(["inv_3"]);
    expect((await books.finance.auditSubledgers({ asOf: "2026-03-31" }))[0]).toMatchObject({ subledger: "119", control: "119", ok: true });
  });
});

describe("payables", () => {
  it("a USD bill booked at 0.92 paid at 0.93: finance books the 2.50 loss; paying beyond the bills leaves an advance", async () => {
    const books = makeBooks();
    await record(books, "SupplierBillRecorded", "2026-03-02", {
      billId: "bill_1", supplierId: "sup_1", dueDate: "2026-04-01", currency: "USD", functionalCurrency: "EUR", rate: "0.92",
      lines: [{ receiptId: "grn_1", sku: "MUG", quantity: "100", unitPrice: usd("2.5"), receivedValue: eur("230"), billedValue: eur("230") }],
      net: usd("250"), tax: usd("0"), gross: usd("250"), functional: { net: eur("230"), tax: eur("0"), gross: eur("230") },
    });
    const [paid] = await record(books, "SupplierPaid", "2026-03-30", {
      paymentId: "sp_1", supplierId: "sup_1", billIds: ["bill_1"], currency: "USD", functionalCurrency: "EUR", rate: "0.93", amount: usd("260"), functionalAmount: eur("241.8"),
    });
    // 250 of 260 USD settle the bill (worth 232.50 against 230 booked: a loss of 2.50); 10 USD (9.30) is an advance.
    expect(linesOf(paid!)).toEqual([["Dr", "2100", "239.3", "260 USD"], ["Dr", "6800", "2.5"], ["Cr", "1100", "241.8", "260 USD"]]);
    const items = await books.finance.openItems({ ledger: "payables", party: "sup_1" });
    expect(items.map((i) => [i.documentId, i.documentType, i.openAmount, i.openFunctional])).toEqual([["bill_1", "bill", "0", "0"], ["sp_1", "advance", "10", "9.3"]]);
    expect((await books.finance.auditSubledgers({ asOf: "2026-03-31" }))[1]).toMatchObject({ ledger: "payables", subledger: "9.3", control: "9.3", ok: true });
  });
});

describe("aging and statements", () => {
  async function agedBooks(): Promise<Books> {
    const books = makeBooks();
    await record(books, "OrderInvoiced", "2026-01-05", invoice("inv_a", "cus_a", "EUR", "1", "100", "100", "2026-01-20"));
    await record(books, "OrderInvoiced", "2026-02-10", invoice("inv_b", "cus_a", "EUR", "1", "50", "50", "2026-02-25"));
    await record(books, "OrderInvoiced", "2026-03-20", invoice("inv_c", "cus_b", "USD", "0.9", "40", "36", "2026-04-19"));
    await record(books, "PaymentCaptured", "2026-03-25", { ...capture("pay_a", "inv_a", "EUR", "1", "60", "60") });
    return books;
  }

  it("ages open amounts by days past due as of any date, in configurable buckets", async () => {
    const books = await agedBooks();
    const march = await books.finance.aging({ ledger: "receivables", asOf: "2026-03-31" });
    expect(march.labels).toEqual(["current", "1-30", "31-60", "61-90", "over 90"]);
    // inv_a: 40 open, 70 days past due; inv_b: 50, 34 days; inv_c: 40 USD (36), not due.
    expect(march.rows.map((r) => [r.party, r.currency, r.amounts])).toEqual([
      ["cus_a", "EUR", ["0", "0", "50", "40", "0"]],
      ["cus_b", "USD", ["40", "0", "0", "0", "0"]],
    ]);
    expect(march.totals).toEqual(["36", "0", "50", "40", "0"]);
    expect(march.total).toBe("126");
    // Before the payment (as of 2026-03-20), inv_a was open in full; buckets of 15 and 45 days.
    const earlier = await books.finance.aging({ ledger: "receivables", asOf: "2026-03-20", buckets: [15, 45] });
    expect(earlier.labels).toEqual(["current", "1-15", "16-45", "over 45"]);
    expect(earlier.rows[0]).toMatchObject({ party: "cus_a", amounts: ["0", "0", "50", "100"] });
    expect((await books.finance.aging({ ledger: "receivables", asOf: "2026-01-31", party: "cus_a" })).rows).toEqual([
      { party: "cus_a", currency: "EUR", amounts: ["0", "100", "0", "0", "0"], functional: ["0", "100", "0", "0", "0"], total: "100", totalFunctional: "100", items: 1 },
    ]);
    await expect(books.finance.aging({ ledger: "receivables", asOf: "2026-03-31", buckets: [30, 20] })).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
    await expect(books.finance.aging({ ledger: "nope" as never, asOf: "2026-03-31" })).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
  });

  it("a statement of account lists documents and settlements with a running balance and the balance brought forward", async () => {
    const books = await agedBooks();
    const statement = await books.finance.statement({ ledger: "receivables", party: "cus_a", currency: "EUR", from: "2026-02-01", to: "2026-03-31" });
    expect(statement.opening).toBe("100");
    expect(statement.lines.map((l) => [l.date, l.documentId, l.documentType, l.amount, l.balance])).toEqual([
      ["2026-02-10", "inv_b", "invoice", "50", "150"],
      ["2026-03-25", "pay_a", "payment", "-60", "90"],
    ]);
    expect(statement.closing).toBe("90");
  });

  it("agingOf puts an item due today in current and 1, 30, 31, 90, 91 days past due in their buckets", () => {
    const items = [0, 1, 30, 31, 90, 91].map((_days, i) => ({
      itemId: `receivables:i${i}`, ledger: "receivables" as const, party: "p", documentId: `i${i}`, documentType: "invoice" as const, date: "2026-01-01",
      dueDate: "2026-01-01", currency: "EUR", amount: "1", functional: "1", openAmount: "1", openFunctional: "1", settlements: [],
    }));
    const table = agingOf(items.map((i) => ({ ...i })), { ledger: "receivables", asOf: "2026-01-01" });
    expect(table.rows[0]!.amounts).toEqual(["6", "0", "0", "0", "0"]);
    const late = agingOf(items.map((i) => ({ ...i, dueDate: ["2026-01-01", "2025-12-31", "2025-12-02", "2025-12-01", "2025-10-03", "2025-10-02"][Number(i.documentId.slice(1))]! })), { ledger: "receivables", asOf: "2026-01-01" });
    expect(late.rows[0]!.amounts).toEqual(["1", "2", "1", "1", "1"]);
  });
});

describe("properties", () => {
  it("invariant: settlement never leaves a fully settled foreign open item with a functional residue, and the subledger equals the control account", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ cents: fc.integer({ min: 1, max: 500_000 }), rate: fc.integer({ min: 5000, max: 15000 }), parts: fc.array(fc.integer({ min: 1, max: 100 }), { minLength: 1, maxLength: 4 }), payRates: fc.array(fc.integer({ min: 5000, max: 15000 }), { minLength: 4, maxLength: 4 }) }), { minLength: 1, maxLength: 4 }),
        async (docs) => {
          const books = makeBooks();
          const functionalOf = (cents: number, rate: number) => (Number((BigInt(cents) * BigInt(rate) * 2n + 10000n) / 20000n) / 100).toFixed(2);
          for (const [d, doc] of docs.entries()) {
            const gross = (doc.cents / 100).toFixed(2);
            await record(books, "OrderInvoiced", "2026-03-01", invoice(`inv_${d}`, "cus", "USD", String(doc.rate / 10000), gross, functionalOf(doc.cents, doc.rate)));
            // Split the invoice into payments proportional to parts; the last one takes the rest.
            const total = doc.parts.reduce((a, b) => a + b, 0);
            let left = doc.cents;
            for (const [p, part] of doc.parts.entries()) {
              const cents = p === doc.parts.length - 1 ? left : Math.floor((doc.cents * part) / total);
              left -= cents;
              if (cents === 0) continue;
              const payRate = doc.payRates[p]!;
              await record(books, "PaymentCaptured", "2026-03-15", capture(`pay_${d}_${p}`, `inv_${d}`, "USD", String(payRate / 10000), (cents / 100).toFixed(2), functionalOf(cents, payRate)));
            }
          }
          const items = await books.finance.openItems({ ledger: "receivables" });
          for (const item of items) {
            expect(item.openAmount).toBe("0");
            expect(item.openFunctional).toBe("0");
          }
          const [receivables] = await books.finance.auditSubledgers({ asOf: "2026-03-31" });
          expect(receivables).toMatchObject({ subledger: "0", control: "0", ok: true });
        },
      ),
      { numRuns: 25 },
    );
  });

  it("relievedValue: the parts of a settlement in any order add up to the booked value exactly", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: 10n ** 12n }), fc.bigInt({ min: 1n, max: 10n ** 12n }), fc.array(fc.bigInt({ min: 1n, max: 10n ** 6n }), { minLength: 1, maxLength: 6 }), (amount, functional, weights) => {
        const open = amount * 10000n;
        let openAmount = open;
        let openFunctional = functional * 10000n;
        const total = weights.reduce((a, b) => a + b, 0n);
        let relieved = 0n;
        for (const [i, w] of weights.entries()) {
          const part = i === weights.length - 1 ? openAmount : (open * w) / total;
          if (part === 0n || part > openAmount) continue;
          const value = relievedValue(openAmount, openFunctional, part, 10000n);
          relieved += value;
          openAmount -= part;
          openFunctional -= value;
        }
        expect(openAmount).toBe(0n);
        expect(openFunctional).toBe(0n);
        expect(relieved).toBe(functional * 10000n);
      }),
    );
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

  it("open items, aging and the subledger check agree with the in-memory store", async () => {
    const pg = makeBooks({ store: postgresStore({ client: db, schema: "open_items" }) });
    const memory = makeBooks();
    for (const books of [pg, memory]) {
      await record(books, "OrderInvoiced", "2026-03-02", invoice("inv_1", "cus_1", "USD", "0.92", "110", "101.2", "2026-03-10"));
      await record(books, "PaymentCaptured", "2026-03-20", capture("pay_1", "inv_1", "USD", "0.9", "55", "49.5"));
    }
    expect(await pg.finance.openItems({ ledger: "receivables" })).toEqual(await memory.finance.openItems({ ledger: "receivables" }));
    const aging = await pg.finance.aging({ ledger: "receivables", asOf: "2026-03-31" });
    expect(aging).toEqual(await memory.finance.aging({ ledger: "receivables", asOf: "2026-03-31" }));
    expect(aging.rows[0]!.amounts).toEqual(["0", "55", "0", "0", "0"]);
    expect((await pg.finance.auditSubledgers({ asOf: "2026-03-31" }))[0]).toMatchObject({ subledger: "50.6", control: "50.6", ok: true });
  }, 60_000);
});
