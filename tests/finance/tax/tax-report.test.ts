import { PGlite } from "@electric-sql/pglite";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postgresStore } from "../../../src/adapters/postgres/index.js";
import { type TaxCalculation, type TaxContext, calculateTax, eventTaxLines } from "../../../src/finance/tax/index.js";
import { Decimal } from "../../../src/kernel/decimal.js";
import { isStorekeepError } from "../../../src/kernel/errors.js";
import { type Books, eur, makeBooks, tbBalance, usd } from "../helpers.js";
import { DE, taxCodes } from "./fixtures.js";

/*
 * Tax per code on posted documents, and the tax report (the VAT return figures) that sums
 * them per jurisdiction, code, rate and direction and reconciles with the tax accounts
 * (2300 output tax, 1400 input tax), on the memory store and on PGlite.
 */

let db: PGlite;
let schemas = 0;
beforeAll(async () => {
  db = new PGlite();
  await db.waitReady;
}, 60_000);
afterAll(async () => {
  await db.close();
});

const adapters: [string, () => Books][] = [
  // 2300 takes a manual entry in the worked example (a control account otherwise).
  ["memory", () => makeBooks({ start: "2026-04-02T10:00:00.000Z", finance: { allowManualEntries: ["2300"] } })],
  ["postgres", () => makeBooks({ start: "2026-04-02T10:00:00.000Z", finance: { allowManualEntries: ["2300"] }, store: postgresStore({ client: db, schema: `tax_report_${++schemas}` }) })],
];

const sale: TaxContext = { date: "2026-03-01", currency: "EUR", taxCodes, seller: DE, buyer: DE };
const money = (amount: string, currency = "EUR") => ({ amount, currency });

/** An OrderInvoiced payload from a tax calculation (goods only), converted at `rate`. */
function invoice(id: string, calc: TaxCalculation, rate = "1") {
  const c = calc.currency;
  const { taxLines, functionalTax } = eventTaxLines(calc, { functionalCurrency: "EUR", rate });
  const fNet = new Decimal(calc.net).times(rate).toDecimalPlaces(2).toFixed();
  const fGross = new Decimal(fNet).plus(functionalTax).toFixed();
  return {
    invoiceId: id,
    orderId: `ord_${id}`,
    currency: c,
    functionalCurrency: "EUR",
    rate,
    net: money(calc.net, c),
    shipping: money("0", c),
    tax: money(calc.tax, c),
    gross: money(calc.gross, c),
    prepaymentApplied: money("0", c),
    functional: { net: eur(fNet), shipping: eur("0"), tax: eur(functionalTax), gross: eur(fGross), prepaymentApplied: eur("0") },
    taxLines,
  };
}

function creditNote(id: string, invoiceId: string, calc: TaxCalculation) {
  const { taxLines } = eventTaxLines(calc, { functionalCurrency: "EUR" });
  const amounts = { net: eur(calc.net), shipping: eur("0"), tax: eur(calc.tax), gross: eur(calc.gross) };
  return { creditNoteId: id, orderId: `ord_${invoiceId}`, invoiceId, reason: "return", currency: "EUR", functionalCurrency: "EUR", rate: "1", ...amounts, functional: amounts, taxLines };
}

function bill(id: string, calc: TaxCalculation) {
  const { taxLines } = eventTaxLines(calc, { functionalCurrency: "EUR" });
  const amounts = { net: eur(calc.net), tax: eur(calc.tax), gross: eur(calc.gross) };
  return {
    billId: id,
    supplierId: "sup_1",
    currency: "EUR",
    functionalCurrency: "EUR",
    rate: "1",
    lines: [{ sku: "MUG-RED", quantity: "1", unitPrice: eur(calc.net), receivedValue: eur(calc.net), billedValue: eur(calc.net) }],
    ...amounts,
    functional: amounts,
    taxLines,
  };
}

async function record(books: Books, date: string, type: string, payload: Record<string, unknown>) {
  await books.sk.recordEvents([{ type, aggregateType: "doc", aggregateId: String(payload.invoiceId ?? payload.creditNoteId ?? payload.billId ?? "x"), effectiveDate: date, payload }]);
}

describe.each(adapters)("tax report (%s)", (_name, make) => {
  it("worked example: a month of documents gives the VAT return per jurisdiction, code and rate, and it reconciles with 2300 and 1400", async () => {
    const books = make();
    await books.sk.ready();
    // 1. Domestic invoice, tax-inclusive: 3 × 9.99 standard + 2 × 4.28 food.
    const domestic = calculateTax(
      [
        { id: "1", category: "standard", quantity: 3, unitPrice: "9.99" },
        { id: "2", category: "food", quantity: 2, unitPrice: "4.28" },
      ],
      { ...sale, pricesIncludeTax: true },
    );
    expect([domestic.net, domestic.tax, domestic.gross]).toEqual(["33.18", "5.35", "38.53"]);
    await record(books, "2026-03-02", "OrderInvoiced", invoice("inv_1", domestic));
    // 2. OSS distance sale to France above the threshold: French VAT.
    const oss = calculateTax([{ id: "1", category: "standard", amount: "50" }], { ...sale, buyer: { country: "FR" }, distanceSales: { currentYear: "15000", previousYear: "0" } });
    await record(books, "2026-03-05", "OrderInvoiced", invoice("inv_2", oss));
    // 3. B2B to Austria: reverse charge, no tax.
    const b2b = calculateTax([{ id: "1", category: "standard", amount: "400" }], { ...sale, buyer: { country: "AT", vatId: "ATU12345678" } });
    await record(books, "2026-03-06", "OrderInvoiced", invoice("inv_3", b2b));
    // 4. A USD invoice to a German customer at 0.9: functional amounts converted.
    const dollars = calculateTax([{ id: "1", category: "standard", amount: "100" }], { ...sale, currency: "USD" });
    await record(books, "2026-03-07", "OrderInvoiced", invoice("inv_4", dollars, "0.9"));
    // 5. Credit note for one 9.99 mug of invoice 1.
    const credit = calculateTax([{ id: "1", category: "standard", amount: "9.99" }], { ...sale, pricesIncludeTax: true });
    await record(books, "2026-03-10", "CreditNoteIssued", creditNote("cn_1", "inv_1", credit));
    // 6. A domestic bill at 19%, and a reverse-charged bill from Austria (self-assessed).
    const purchase = { ...sale, direction: "purchase" as const, seller: { country: "DE", vatId: "DE999" }, buyer: { country: "DE", vatId: "DE123" } };
    await record(books, "2026-03-12", "SupplierBillRecorded", bill("bill_1", calculateTax([{ id: "1", category: "standard", amount: "200" }], purchase)));
    await record(books, "2026-03-13", "SupplierBillRecorded", bill("bill_2", calculateTax([{ id: "1", category: "standard", amount: "1000" }], { ...purchase, seller: { country: "AT", vatId: "ATU1" } })));
    // 7. An invoice posted without taxLines: reported untagged. And one in April: outside the period.
    const { taxLines: _dropped, ...untagged } = invoice("inv_5", domestic);
    await record(books, "2026-03-20", "OrderInvoiced", untagged);
    await record(books, "2026-04-01", "OrderInvoiced", invoice("inv_6", domestic));

    const report = await books.finance.taxReport({ from: "2026-03-01", to: "2026-03-31" });
    const rows = report.rows.map((r) => [r.country, r.code, r.rate, r.direction, r.selfAssessed, r.base, r.tax, r.documents]);
    expect(rows).toEqual([
      ["DE", "DE-RC", "0", "output", false, "400", "0", 1],
      ["DE", "DE-RC", "0.19", "output", true, "1000", "190", 1],
      ["DE", "DE-RED", "0.07", "output", false, "8", "0.56", 1],
      // inv_1 25.18 / 4.79, inv_4 USD 100 / 19 at 0.9 = 90 / 17.1, cn_1 −8.39 / −1.60
      ["DE", "DE-STD", "0.19", "output", false, "106.79", "20.29", 3],
      ["DE", "DE-RC", "0.19", "input", true, "1000", "190", 1],
      ["DE", "DE-STD", "0.19", "input", false, "200", "38", 1],
      ["FR", "FR-STD", "0.2", "output", false, "50", "10", 1],
      [null, null, null, "output", false, "33.18", "5.35", 1],
    ]);
    expect(report.outputTax).toBe("226.2");
    expect(report.inputTax).toBe("228");
    expect(report.payable).toBe("-1.8");
    expect(report.accounts).toEqual([
      { account: "1400", fromDocuments: "-228", ledger: "-228", difference: "0" },
      { account: "2300", fromDocuments: "226.2", ledger: "226.2", difference: "0" },
    ]);
    expect(report.reconciles).toBe(true);
    const tb = await books.finance.trialBalance({ from: "2026-03-01", to: "2026-03-31" });
    expect(tbBalance(tb, "2300")).toBe("-226.2");
    expect(tbBalance(tb, "1400")).toBe("228");

    // A manual entry on the output-tax account shows up as a difference.
    await books.finance.postEntry({ date: "2026-03-31", lines: [{ account: "2300", debit: "1" }, { account: "1100", credit: "1" }] });
    const after = await books.finance.taxReport({ from: "2026-03-01", to: "2026-03-31" });
    expect(after.reconciles).toBe(false);
    expect(after.accounts.find((a) => a.account === "2300")).toEqual({ account: "2300", fromDocuments: "226.2", ledger: "225.2", difference: "-1" });
  }, 60_000);
});

describe("tax report: properties and refusals", () => {
  const lineArb = fc.record({ category: fc.constantFrom("standard", "food", "insurance"), quantity: fc.integer({ min: 1, max: 9 }), cents: fc.integer({ min: 1, max: 100_000 }) });
  const docArb = fc.record({
    type: fc.constantFrom("invoice", "credit", "bill", "rc-bill"),
    day: fc.integer({ min: 1, max: 28 }),
    inclusive: fc.boolean(),
    rounding: fc.constantFrom("line" as const, "document" as const),
    buyer: fc.constantFrom("DE", "FR", "AT-B2B"),
    lines: fc.array(lineArb, { minLength: 1, maxLength: 5 }),
  });

  it("the tax report equals the tax accounts: output tax = movement on 2300, input tax = movement on 1400, whatever documents were posted", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(docArb, { minLength: 1, maxLength: 12 }), async (docs) => {
        const books = makeBooks({ start: "2026-04-02T10:00:00.000Z" });
        await books.sk.ready();
        let n = 0;
        for (const d of docs) {
          n += 1;
          const date = `2026-03-${String(d.day).padStart(2, "0")}`;
          // France has no exempt insurance code in the fixtures: such lines are food there.
          const lines = d.lines.map((l, i) => ({ id: String(i), category: d.buyer === "FR" && l.category === "insurance" ? "food" : l.category, quantity: l.quantity, unitPrice: (l.cents / 100).toFixed(2) }));
          const buyer = d.buyer === "AT-B2B" ? { country: "AT", vatId: "ATU1" } : { country: d.buyer };
          const context = { ...sale, date, pricesIncludeTax: d.inclusive, rounding: d.rounding };
          if (d.type === "invoice" || d.type === "credit") {
            const calc = calculateTax(lines, { ...context, buyer, distanceSales: { currentYear: "20000", previousYear: "0" } });
            if (d.type === "invoice") await record(books, date, "OrderInvoiced", invoice(`inv_${n}`, calc));
            else await record(books, date, "CreditNoteIssued", creditNote(`cn_${n}`, `inv_${n}`, calc));
          } else {
            const seller = d.type === "rc-bill" ? { country: "AT", vatId: "ATU1" } : { country: "DE", vatId: "DE9" };
            const calc = calculateTax(lines, { ...context, direction: "purchase", seller, buyer: { country: "DE", vatId: "DE1" } });
            await record(books, date, "SupplierBillRecorded", bill(`bill_${n}`, calc));
          }
        }
        const report = await books.finance.taxReport({ from: "2026-03-01", to: "2026-03-31" });
        const tb = await books.finance.trialBalance({ from: "2026-03-01", to: "2026-03-31" });
        expect(report.reconciles).toBe(true);
        expect(new Decimal(tbBalance(tb, "2300")).negated().toFixed()).toBe(new Decimal(report.outputTax).toFixed());
        expect(new Decimal(tbBalance(tb, "1400")).toFixed()).toBe(new Decimal(report.inputTax).toFixed());
        const rowSum = report.rows.reduce((acc, r) => (r.direction === "output" ? acc.plus(r.tax) : acc.minus(r.tax)), new Decimal(0));
        expect(rowSum.toFixed()).toBe(new Decimal(report.payable).toFixed());
      }),
      { numRuns: 20 },
    );
  }, 120_000);

  it("a document whose taxLines disagree with its tax, repeat a code, or self-assess on a sale is refused", async () => {
    const books = makeBooks({ start: "2026-04-02T10:00:00.000Z" });
    await books.sk.ready();
    const calc = calculateTax([{ id: "1", category: "standard", amount: "100" }], sale);
    const good = invoice("inv_1", calc);
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ ...good, tax: eur("18"), gross: eur("118"), functional: { ...good.functional, tax: eur("18"), gross: eur("118") } }, /taxLines' tax/],
      [{ ...good, taxLines: [...good.taxLines, good.taxLines[0]] }, /repeats tax code DE-STD/],
      [{ ...good, taxLines: [{ ...good.taxLines[0], selfAssessed: true }] }, /self-assessed/],
      [{ ...good, taxLines: [{ ...good.taxLines[0], tax: usd("19") }] }, /must be EUR/],
    ];
    for (const [payload, message] of cases) {
      let error: unknown;
      try {
        await record(books, "2026-03-02", "OrderInvoiced", payload);
      } catch (e) {
        error = e;
      }
      expect(isStorekeepError(error) && error.code, String(message)).toBe("VALIDATION_FAILED");
      expect((error as Error).message).toMatch(message);
    }
    expect((await books.finance.taxReport({ from: "2026-03-01", to: "2026-03-31" })).rows).toEqual([]);
  });

  it("refuses a range that ends before it starts", async () => {
    const books = makeBooks();
    await expect(books.finance.taxReport({ from: "2026-03-31", to: "2026-03-01" })).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
  });
});
