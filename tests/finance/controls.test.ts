import { describe, expect, it } from "vitest";
import { memoryRates } from "../../src/adapters/memory/index.js";
import { Decimal } from "../../src/kernel/decimal.js";
import { type JournalEntry, checkPeriodOpen, conversionRounding, extendChart, defaultChart } from "../../src/finance/index.js";
import { type Books, eur, makeBooks, tbBalance, usd } from "./helpers.js";

/*
 * Issue 9, quick correctness fixes, as worked examples: the conversion rounding line,
 * control accounts, automatic entries and reversals, the locked domain named, several
 * bank and provider accounts, payouts with a negative gross.
 */

async function failure(promise: Promise<unknown>): Promise<{ code: string; details: Record<string, unknown>; message: string }> {
  try {
    await promise;
  } catch (e) {
    return e as never;
  }
  throw new Error("expected a failure");
}

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

describe("conversion rounding line", () => {
  it("a USD entry balanced in USD posts with a 0.01 rounding line to 6900 when the rate table's conversions do not add up", async () => {
    const rates = memoryRates([{ base: "USD", quote: "EUR", date: "2026-01-01", rate: new Decimal("0.915") } as never]);
    const { finance } = makeBooks({ rates });
    // 99.99 × 0.915 = 91.49085 → 91.49; 33.33 × 0.915 = 30.49695 → 30.50, three times 91.50.
    const entry = await finance.postEntry({
      date: "2026-01-10",
      lines: [{ account: "1100", debit: "99.99", currency: "USD" }, { account: "4100", credit: "33.33", currency: "USD" }, { account: "4100", credit: "33.33", currency: "USD" }, { account: "4200", credit: "33.33", currency: "USD" }],
    });
    expect(linesOf(entry)).toEqual([
      ["Dr", "1100", "91.49", "99.99 USD"],
      ["Cr", "4100", "30.5", "33.33 USD"],
      ["Cr", "4100", "30.5", "33.33 USD"],
      ["Cr", "4200", "30.5", "33.33 USD"],
      ["Dr", "6900", "0.01"],
    ]);
    expect(entry.lines[4]!.memo).toMatch(/rounding/i);
  });

  it("the rounding account is configurable through the account map; an entry unbalanced in USD is still refused", async () => {
    const chart = extendChart(defaultChart(), [{ code: "6910", name: "FX rounding", type: "expense", parent: "6000" }]);
    const rates = memoryRates([{ base: "USD", quote: "EUR", date: "2026-01-01", rate: new Decimal("0.915") } as never]);
    const { finance } = makeBooks({ rates, finance: { chart, accountMap: { "rounding-difference": "6910" } } });
    const entry = await finance.postEntry({ date: "2026-01-10", lines: [{ account: "1100", credit: "99.99", currency: "USD" }, { account: "4300", debit: "33.33", currency: "USD" }, { account: "4300", debit: "66.66", currency: "USD" }] });
    // 33.33 → 30.50, 66.66 → 60.99 (60.9939): 91.49 both sides, no rounding line.
    expect(entry.lines).toHaveLength(3);
    const rounded = await finance.postEntry({ date: "2026-01-10", lines: [{ account: "1100", credit: "99.99", currency: "USD" }, { account: "4300", debit: "33.33", currency: "USD" }, { account: "4300", debit: "33.33", currency: "USD" }, { account: "4300", debit: "33.33", currency: "USD" }] });
    expect(linesOf(rounded).at(-1)).toEqual(["Cr", "6910", "0.01"]);
    const unbalanced = await failure(finance.postEntry({ date: "2026-01-10", lines: [{ account: "1100", debit: "100", currency: "USD" }, { account: "4100", credit: "99.99", currency: "USD" }] }));
    expect(unbalanced.code).toBe("UNBALANCED_ENTRY");
  });

  it("conversionRounding leaves given functional amounts and mixed-currency entries alone", () => {
    const line = (account: string, currency: string, amount: bigint, functional: bigint) => ({ account, currency, amount, functional });
    // Balanced in USD, converted: rounding.
    expect(conversionRounding([line("1100", "USD", 99_990000n, 91_490000n), line("4100", "USD", -99_990000n, -91_500000n)], [true, true], "EUR")).toBe(10000n);
    // The functional amounts were given: no rounding line, the caller's numbers must balance.
    expect(conversionRounding([line("1100", "USD", 99_990000n, 91_490000n), line("4100", "USD", -99_990000n, -91_500000n)], [false, false], "EUR")).toBeUndefined();
    // Not balanced in USD (a settlement against EUR): not rounding.
    expect(conversionRounding([line("1100", "EUR", 91_000000n, 91_000000n), line("1200", "USD", -99_990000n, -91_010000n)], [false, true], "EUR")).toBeUndefined();
    // More than half a cent per converted line: not rounding.
    expect(conversionRounding([line("1100", "USD", 10_000000n, 9_000000n), line("4100", "USD", -10_000000n, -9_020000n)], [true, true], "EUR")).toBeUndefined();
  });
});

describe("control accounts", () => {
  it("refuse manual entries (CONTROL_ACCOUNT naming them) unless allowed; posting rules still post to them", async () => {
    const books = makeBooks();
    for (const account of ["1200", "1300", "2100", "2300", "1400", "1150"]) {
      const e = await failure(books.finance.postEntry({ date: "2026-01-10", lines: [{ account, debit: "10" }, { account: "3100", credit: "10" }] }));
      expect(e.code).toBe("CONTROL_ACCOUNT");
      expect(e.details.accounts).toEqual([account]);
    }
    expect(await books.finance.journal()).toHaveLength(0);
    const [invoice] = await record(books, "OrderInvoiced", "2026-01-10", {
      invoiceId: "inv_1", orderId: "ord_1", currency: "EUR", functionalCurrency: "EUR", rate: "1",
      net: eur("100"), shipping: eur("0"), tax: eur("19"), gross: eur("119"), prepaymentApplied: eur("0"),
      functional: { net: eur("100"), shipping: eur("0"), tax: eur("19"), gross: eur("119"), prepaymentApplied: eur("0") },
    });
    expect(linesOf(invoice!)).toEqual([["Dr", "1200", "119"], ["Cr", "4100", "100"], ["Cr", "2300", "19"]]);

    const allowed = makeBooks({ finance: { allowManualEntries: ["1200"] } });
    await allowed.finance.postEntry({ date: "2026-01-10", lines: [{ account: "1200", debit: "10" }, { account: "3100", credit: "10" }] });
    expect((await failure(allowed.finance.postEntry({ date: "2026-01-10", lines: [{ account: "1300", debit: "10" }, { account: "3100", credit: "10" }] }))).code).toBe("CONTROL_ACCOUNT");
    const all = makeBooks({ finance: { allowManualEntries: true } });
    await all.finance.postEntry({ date: "2026-01-10", lines: [{ account: "1300", debit: "10" }, { account: "3100", credit: "10" }] });
    // false (a config file's natural value) is none allowed; a bare string or an unknown code is refused, naming it (was: a TypeError, and "1200" allowed nothing silently).
    const none = makeBooks({ finance: { allowManualEntries: false } });
    expect((await failure(none.finance.postEntry({ date: "2026-01-10", lines: [{ account: "1200", debit: "10" }, { account: "3100", credit: "10" }] }))).code).toBe("CONTROL_ACCOUNT");
    expect(() => makeBooks({ finance: { allowManualEntries: "1200" as never } })).toThrow(expect.objectContaining({ code: "VALIDATION_FAILED", message: expect.stringContaining('write ["1200"]') }));
    expect(() => makeBooks({ finance: { allowManualEntries: ["12OO"] } })).toThrow(expect.objectContaining({ code: "VALIDATION_FAILED", message: expect.stringContaining("no account 12OO") }));
  });

  it("an automatic entry cannot be reversed by hand; a reversal cannot be reversed", async () => {
    const books = makeBooks();
    const [issue] = await record(books, "StockIssued", "2026-01-10", {
      movementId: "mv_1", sku: "MUG", warehouseId: "wh", locationId: "wh/A1", quantity: "2", cost: eur("8"), counterAccountRole: "cogs",
      effectiveAt: "2026-01-10T10:00:00.000Z", source: { type: "shipment", id: "shp_1", lineId: "l1" },
    });
    const automatic = await failure(books.finance.reverseEntry({ entryId: issue!.entryId }));
    expect(automatic).toMatchObject({ code: "INVALID_TRANSITION", details: { eventType: "StockIssued" } });
    expect(automatic.message).toMatch(/source document/);

    const entry = await books.finance.postEntry({ date: "2026-01-10", lines: [{ account: "1100", debit: "50" }, { account: "3100", credit: "50" }] });
    const reversal = await books.finance.reverseEntry({ entryId: entry.entryId, date: "2026-01-11" });
    const again = await failure(books.finance.reverseEntry({ entryId: reversal.entryId, date: "2026-01-12" }));
    expect(again).toMatchObject({ code: "INVALID_TRANSITION", details: { kind: "reversal", reversalOf: entry.entryId } });
    expect(tbBalance(await books.finance.trialBalance({ asOf: "2026-01-31" }), "1100")).toBe("0");
  });
});

describe("PERIOD_LOCKED names the locked domain", () => {
  it("with only tax locked, a sales entry touching output tax is refused for tax", async () => {
    const { finance } = makeBooks({ finance: { allowManualEntries: ["1200", "2300"] } });
    await finance.lockPeriod({ period: "2026-01", domains: ["tax"] });
    const e = await failure(finance.postEntry({ date: "2026-01-20", domain: "sales", lines: [{ account: "1200", debit: "119" }, { account: "4100", credit: "100" }, { account: "2300", credit: "19" }] }));
    expect(e).toMatchObject({ code: "PERIOD_LOCKED", details: { domain: "tax", postingDomain: "sales", lockedThrough: "2026-01-31" } });
    expect(e.message).toMatch(/locked for tax/);
    expect(e.message).not.toMatch(/locked for sales/);
    // Without a tax account the sales posting is open.
    await finance.postEntry({ date: "2026-01-20", domain: "sales", lines: [{ account: "1200", debit: "100" }, { account: "4100", credit: "100" }] });
  });

  it("a general entry names the domain whose lock refuses it", () => {
    const state = { soft: { sales: null, purchases: "2026-02-28", stock: "2026-01-31", tax: null }, hard: null };
    expect(() => checkPeriodOpen(state, "general", "2026-02-10")).toThrow(/locked for purchases/);
    try {
      checkPeriodOpen(state, "general", "2026-01-10");
    } catch (e) {
      expect((e as { details: unknown }).details).toMatchObject({ domain: "purchases", postingDomain: "general" });
    }
    expect(() => checkPeriodOpen(state, "stock", "2026-01-10")).toThrow(/locked for stock/);
  });

  it("details.lockedThrough is the lock the message names: the hard lock when it refuses, else the domain's", () => {
    const state = { soft: { sales: "2026-03-31", purchases: "2026-03-31", stock: "2026-03-31", tax: "2026-03-31" }, hard: "2026-01-31" };
    expect(() => checkPeriodOpen(state, "general", "2026-01-15")).toThrow(expect.objectContaining({ message: expect.stringContaining("through 2026-01-31"), details: expect.objectContaining({ lockedThrough: "2026-01-31", hard: true }) }));
    const soft = { soft: { sales: "2026-02-28", purchases: null, stock: null, tax: "2026-03-31" }, hard: null };
    expect(() => checkPeriodOpen(soft, "sales", "2026-02-10")).toThrow(expect.objectContaining({ details: expect.objectContaining({ domain: "sales", lockedThrough: "2026-02-28" }) }));
  });

  it("revaluing a locked date is refused even with nothing to revalue, and leaves the date to revalue once reopened", async () => {
    const books = makeBooks({ start: "2026-04-10T10:00:00.000Z", rates: memoryRates([{ base: "USD", quote: "EUR", date: "2026-03-31", rate: "0.95" }]) });
    const f = books.finance;
    await f.closePeriod("2026-03");
    await expect(f.revalue({ date: "2026-03-31" })).rejects.toMatchObject({ code: "PERIOD_LOCKED" });
    for (const domain of ["sales", "purchases", "stock", "tax"] as const) await f.unlock({ domain, through: null });
    await books.sk.recordEvents([
      {
        type: "OrderInvoiced", aggregateType: "order", aggregateId: "ord_1", effectiveDate: "2026-03-20",
        payload: {
          invoiceId: "inv_1", orderId: "ord_1", customerId: "cus_1", currency: "USD", functionalCurrency: "EUR", rate: "0.92",
          net: usd("110"), shipping: usd("0"), tax: usd("0"), gross: usd("110"), prepaymentApplied: usd("0"),
          functional: { net: eur("101.2"), shipping: eur("0"), tax: eur("0"), gross: eur("101.2"), prepaymentApplied: eur("0") },
        },
      },
    ]);
    const r = await f.revalue({ date: "2026-03-31" });
    expect(r).toMatchObject({ replayed: false, netGain: "3.3" });
  });
});

describe("several bank and provider accounts", () => {
  const chart = extendChart(defaultChart(), [
    { code: "1110", name: "Bank USD", type: "asset", parent: "1000", currency: "USD" },
    { code: "1160", name: "PayPal clearing", type: "asset", parent: "1000" },
    { code: "1161", name: "PayPal clearing USD", type: "asset", parent: "1000", currency: "USD" },
  ]);
  const finance = {
    chart,
    cashAccounts: [
      { role: "bank", currency: "USD", account: "1110" },
      { role: "psp-clearing", provider: "paypal", account: "1160" },
      { role: "psp-clearing", provider: "paypal", currency: "USD", account: "1161" },
    ],
  } as const;

  it("EUR payouts go to the EUR bank while USD ones go to the USD bank; captures land in the provider's clearing account", async () => {
    const books = makeBooks({ finance });
    const [eurPayout] = await record(books, "PayoutSettled", "2026-01-10", {
      payoutId: "po_1", provider: "stripe", currency: "EUR", functionalCurrency: "EUR", rate: "1",
      gross: eur("100"), fees: eur("2"), net: eur("98"), functional: { gross: eur("100"), fees: eur("2"), net: eur("98") },
    });
    expect(linesOf(eurPayout!)).toEqual([["Dr", "1100", "98"], ["Dr", "6100", "2"], ["Cr", "1150", "100"]]);
    const [usdPayout] = await record(books, "PayoutSettled", "2026-01-10", {
      payoutId: "po_2", provider: "paypal", currency: "USD", functionalCurrency: "EUR", rate: "0.9",
      gross: usd("100"), fees: usd("2"), net: usd("98"), functional: { gross: eur("90"), fees: eur("1.8"), net: eur("88.2") },
    });
    expect(linesOf(usdPayout!)).toEqual([["Dr", "1110", "88.2", "98 USD"], ["Dr", "6100", "1.8", "2 USD"], ["Cr", "1161", "90", "100 USD"]]);
    const [capture] = await record(books, "PaymentCaptured", "2026-01-11", {
      paymentId: "pay_1", orderId: "ord_1", provider: "paypal", invoiced: false, currency: "EUR", functionalCurrency: "EUR", rate: "1", amount: eur("50"), functionalAmount: eur("50"),
    });
    expect(linesOf(capture!)).toEqual([["Dr", "1160", "50"], ["Cr", "2200", "50"]]);
    const [paid] = await record(books, "SupplierPaid", "2026-01-12", {
      paymentId: "sp_1", supplierId: "sup_1", billIds: ["bill_1"], currency: "USD", functionalCurrency: "EUR", rate: "0.9", amount: usd("10"), functionalAmount: eur("9"),
    });
    expect(linesOf(paid!)).toEqual([["Dr", "2100", "9", "10 USD"], ["Cr", "1110", "9", "10 USD"]]);
  });

  it("provider clearing accounts are control accounts; rules that do not fit the chart are refused", async () => {
    const books = makeBooks({ finance });
    expect((await failure(books.finance.postEntry({ date: "2026-01-10", lines: [{ account: "1160", debit: "10" }, { account: "3100", credit: "10" }] }))).code).toBe("CONTROL_ACCOUNT");
    expect(() => makeBooks({ finance: { chart, cashAccounts: [{ role: "bank", currency: "EUR", account: "1110" }] } })).toThrow(/kept in USD/);
    expect(() => makeBooks({ finance: { cashAccounts: [{ role: "bank", account: "9999" }] } })).toThrow(/not in the chart/);
  });
});

describe("payouts with a negative gross", () => {
  it("refunds exceeding captures: the provider debits the bank, clearing is credited back", async () => {
    const books = makeBooks();
    const [payout] = await record(books, "PayoutSettled", "2026-01-10", {
      payoutId: "po_neg", currency: "EUR", functionalCurrency: "EUR", rate: "1",
      gross: eur("-20"), fees: eur("1.5"), net: eur("-21.5"), functional: { gross: eur("-20"), fees: eur("1.5"), net: eur("-21.5") },
    });
    expect(linesOf(payout!)).toEqual([["Cr", "1100", "21.5"], ["Dr", "6100", "1.5"], ["Dr", "1150", "20"]]);
  });

  it("a foreign negative payout posts in USD and functional", async () => {
    const books = makeBooks();
    const [payout] = await record(books, "PayoutSettled", "2026-01-10", {
      payoutId: "po_neg_usd", currency: "USD", functionalCurrency: "EUR", rate: "0.9",
      gross: usd("-10"), fees: usd("0"), net: usd("-10"), functional: { gross: eur("-9"), fees: eur("0"), net: eur("-9") },
    });
    expect(linesOf(payout!)).toEqual([["Cr", "1100", "9", "10 USD"], ["Dr", "1150", "9", "10 USD"]]);
  });
});


