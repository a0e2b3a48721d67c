import { describe, expect, it } from "vitest";
import { memoryStore } from "../../src/adapters/memory/index.js";
import { createChart } from "../../src/finance/accounts.js";
import { DEFAULT_ACCOUNTS } from "../../src/finance/chart.js";
import type { JournalEntry } from "../../src/finance/journal-entry.js";
import { writeEntry } from "../../src/finance/ledger-store.js";
import { comparisonRange } from "../../src/finance/reports.js";
import type { PostingLine } from "../../src/finance/posting-kernel.js";
import { countingStore } from "../../src/testing/wrappers.js";
import { makeBooks, tbBalance } from "./helpers.js";

async function seedYear(finance: ReturnType<typeof makeBooks>["finance"]) {
  await finance.postEntry({ date: "2025-03-10", lines: [{ account: "1100", debit: "1000" }, { account: "3100", credit: "1000" }] });
  await finance.postEntry({ date: "2025-03-15", lines: [{ account: "1100", debit: "200" }, { account: "4100", credit: "200" }] });
  await finance.postEntry({ date: "2026-02-10", lines: [{ account: "1100", debit: "300" }, { account: "4100", credit: "300" }] });
  await finance.postEntry({ date: "2026-03-05", lines: [{ account: "1100", debit: "500" }, { account: "4100", credit: "500" }] });
  await finance.postEntry({ date: "2026-03-20", lines: [{ account: "6100", debit: "45.5" }, { account: "1100", credit: "45.5" }] });
  await finance.postEntry({ date: "2026-03-31", lines: [{ account: "4300", debit: "20" }, { account: "1100", credit: "20" }] });
  await finance.postEntry({ date: "2026-04-02", lines: [{ account: "1100", debit: "7" }, { account: "4200", credit: "7" }] });
}

describe("reports", () => {
  it("trial balance as of a date and for a period, with parents rolling up and normal-side balances", async () => {
    const { finance } = makeBooks();
    await seedYear(finance);
    const asOf = await finance.trialBalance({ asOf: "2026-03-31" });
    expect(tbBalance(asOf, "1100")).toBe("1934.5");
    expect(asOf.totals).toEqual({ debit: "2000", credit: "2000" });
    const revenue = asOf.rows.find((r) => r.account === "4000")!;
    expect(revenue).toMatchObject({ header: true, credit: "980", balance: "980", depth: 0 }); // 200 + 300 + 500 - 20
    expect(asOf.rows.find((r) => r.account === "4300")).toMatchObject({ normalBalance: "debit", debit: "20", balance: "20", depth: 1 });
    const march = await finance.trialBalance({ from: "2026-03-01", to: "2026-03-31" });
    expect(tbBalance(march, "1100")).toBe("434.5");
    expect(tbBalance(march, "4100")).toBe("-500");
    // mid-month ranges read days
    const mid = await finance.trialBalance({ from: "2026-03-06", to: "2026-04-01" });
    expect(tbBalance(mid, "1100")).toBe("-65.5");
  });

  it("a trial balance without a range says to give asOf or from and to; a bad date names the field", async () => {
    const { finance } = makeBooks();
    await expect(finance.trialBalance({} as never)).rejects.toMatchObject({ code: "VALIDATION_FAILED", message: expect.stringContaining('give either { asOf: "2026-03-31" }') });
    await expect(finance.trialBalance({ asOf: "2026-02-30" })).rejects.toMatchObject({ code: "VALIDATION_FAILED", message: expect.stringContaining("asOf") });
    await expect(finance.trialBalance({ from: "2026-03-31", to: "2026-03-01" })).rejects.toMatchObject({ code: "VALIDATION_FAILED", message: expect.stringContaining("from must not be after to") });
  });

  it("comparison columns: previous period and same period last year", async () => {
    const { finance } = makeBooks();
    await seedYear(finance);
    const march = await finance.trialBalance({ from: "2026-03-01", to: "2026-03-31", compare: ["previous-period", "previous-year"] });
    const sales = march.rows.find((r) => r.account === "4100")!;
    expect(sales.balance).toBe("500");
    expect(sales.comparisons).toEqual({ "previous-period": "300", "previous-year": "200" });
    expect(march.comparisons).toEqual([
      { comparison: "previous-period", range: { from: "2026-02-01", to: "2026-02-28" } },
      { comparison: "previous-year", range: { from: "2025-03-01", to: "2025-03-31" } },
    ]);
    const is = await finance.incomeStatement({ from: "2026-03-01", to: "2026-03-31", compare: ["previous-period", "previous-year"] });
    expect(is.netIncome).toBe("434.5");
    expect(is.comparisons.map((c) => c.netIncome)).toEqual(["300", "200"]);
    const bs = await finance.balanceSheet({ asOf: "2026-03-31", compare: ["previous-period", "previous-year"] });
    expect(bs.assets.total).toBe("1934.5");
    expect(bs.assets.comparisons).toEqual({ "previous-period": "1500", "previous-year": "1200" });
    expect(bs.balanced).toBe(true);
  });

  it("comparison ranges for partial months and as-of dates", () => {
    expect(comparisonRange({ from: "2026-03-10", to: "2026-03-19" }, "previous-period")).toEqual({ from: "2026-02-28", to: "2026-03-09" });
    expect(comparisonRange({ from: "2026-01-01", to: "2026-03-31" }, "previous-period")).toEqual({ from: "2025-10-01", to: "2025-12-31" });
    expect(comparisonRange({ asOf: "2026-03-31" }, "previous-period")).toEqual({ asOf: "2026-02-28" });
    expect(comparisonRange({ asOf: "2024-02-29" }, "previous-year")).toEqual({ asOf: "2023-02-28" });
    expect(comparisonRange({ from: "2024-02-01", to: "2024-02-29" }, "previous-year")).toEqual({ from: "2023-02-01", to: "2023-02-28" });
  });

  it("balance sheet: assets = liabilities + equity + current earnings; income statement shows contra revenue negative", async () => {
    const { finance } = makeBooks();
    await seedYear(finance);
    const bs = await finance.balanceSheet({ asOf: "2026-04-30" });
    expect(bs.assets.total).toBe("1941.5");
    expect(bs.equity.total).toBe("1000");
    expect(bs.currentEarnings.amount).toBe("941.5");
    expect(bs.liabilitiesAndEquity).toBe("1941.5");
    const is = await finance.incomeStatement({ from: "2026-01-01", to: "2026-12-31" });
    expect(is.revenue.lines.find((l) => l.account === "4300")!.amount).toBe("-20");
    expect(is.revenue.total).toBe("787");
    expect(is.expenses.total).toBe("45.5");
    expect(is.netIncome).toBe("741.5");
  });

  it("general ledger of an account with opening, running and closing balances", async () => {
    const { finance } = makeBooks();
    await seedYear(finance);
    const gl = await finance.generalLedger({ account: "1100", from: "2026-03-01", to: "2026-03-31" });
    expect(gl.openingBalance).toBe("1500");
    expect(gl.lines.map((l) => [l.date, l.debit, l.credit, l.runningBalance])).toEqual([
      ["2026-03-05", "500", "0", "2000"],
      ["2026-03-20", "0", "45.5", "1954.5"],
      ["2026-03-31", "0", "20", "1934.5"],
    ]);
    expect(gl.closingBalance).toBe("1934.5");
    const sales = await finance.generalLedger({ account: "4100", from: "2026-01-01", to: "2026-12-31" });
    expect(sales.lines.map((l) => l.runningBalance)).toEqual(["500", "1000"]); // credit-normal: positive
    expect(sales.openingBalance).toBe("200");
    expect(gl.truncated).toBe(false);
  });

  it("a general ledger cut short by limit still gives the range's closing balance and totals, and says it was cut", async () => {
    const { finance } = makeBooks();
    await seedYear(finance);
    const whole = await finance.generalLedger({ account: "1100", from: "2026-03-01", to: "2026-03-31" });
    for (const limit of [1, 2]) {
      const cut = await finance.generalLedger({ account: "1100", from: "2026-03-01", to: "2026-03-31", limit });
      expect(cut.lines).toEqual(whole.lines.slice(0, limit));
      expect(cut).toMatchObject({ truncated: true, openingBalance: whole.openingBalance, closingBalance: "1934.5", totals: whole.totals });
    }
    expect(await finance.generalLedger({ account: "1100", from: "2026-03-01", to: "2026-03-31", limit: 3 })).toEqual(whole);
  });

  it("a user chart: extend the default or replace it, with the account map following", async () => {
    const chart = createChart([...DEFAULT_ACCOUNTS, { code: "6150", name: "PayPal fees", type: "expense", parent: "6000" }]);
    const { finance, sk } = makeBooks({ finance: { chart, accountMap: { "payment-fees": "6150" } } });
    await sk.recordEvents([
      {
        type: "PayoutSettled", aggregateType: "payout", aggregateId: "po_1", effectiveDate: "2026-02-01",
        payload: { payoutId: "po_1", currency: "EUR", functionalCurrency: "EUR", rate: "1", gross: { amount: "100", currency: "EUR" }, fees: { amount: "3", currency: "EUR" }, net: { amount: "97", currency: "EUR" }, functional: { gross: { amount: "100", currency: "EUR" }, fees: { amount: "3", currency: "EUR" }, net: { amount: "97", currency: "EUR" } } },
      },
    ]);
    const tb = await finance.trialBalance({ asOf: "2026-02-28" });
    expect(tbBalance(tb, "6150")).toBe("3");
    expect(tbBalance(tb, "6100")).toBe("0");
    expect(() => makeBooks({ finance: { accountMap: { bank: "9999" } } })).toThrow(/account map/);
  });
});

describe("reports read the same amount of data whatever the history", () => {
  async function seeded(entries: number) {
    const store = countingStore(memoryStore());
    const books = makeBooks({ store });
    await books.sk.ready();
    const accounts = Array.from({ length: 40 }, (_, i) => String(7000 + i));
    for (const code of accounts) await books.finance.defineAccount({ code, name: `Account ${code}`, type: Number(code) % 2 === 0 ? "asset" : "revenue" });
    const batch = 1000;
    for (let start = 0; start < entries; start += batch) {
      await store.transaction(async (tx) => {
        for (let i = start; i < Math.min(entries, start + batch); i++) {
          const day = 1 + (i % 28);
          const month = 1 + (Math.floor(i / 28) % 6);
          const date = `2026-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
          const a = accounts[i % accounts.length]!;
          const b = accounts[(i * 7 + 3) % accounts.length]!;
          const amount = BigInt(1 + (i % 997)) * 10_000n;
          const lines: PostingLine[] = [
            { account: a, currency: "EUR", amount, functional: amount },
            { account: b === a ? accounts[(i + 1) % accounts.length]! : b, currency: "EUR", amount: -amount, functional: -amount },
          ];
          const entry: JournalEntry = {
            entryId: `je_${String(i).padStart(7, "0")}`, key: null, date, recordedAt: "2026-07-01T00:00:00.000Z", domain: "general", kind: "standard", memo: null,
            source: { kind: "command", commandId: "seed", commandName: "seed" }, reversalOf: null, functionalCurrency: "EUR",
            lines: lines.map((l) => ({ account: l.account, currency: "EUR", amount: String(Number(l.amount) / 1e6), functional: String(Number(l.functional) / 1e6), rate: null })),
            // Seeded behind the chain (reports do not read it).
            sequence: String(i + 1).padStart(12, "0"), previousHash: "", hash: "",
          };
          await writeEntry(tx, entry, lines);
        }
      });
    }
    return { store, books };
  }

  it("a trial balance reads the same rows after 1k and after 100k entries", async () => {
    const counts = [];
    for (const n of [1_000, 100_000]) {
      const { store, books } = await seeded(n);
      const tb1 = await books.finance.trialBalance({ asOf: "2026-05-31" });
      store.reset();
      const tb2 = await books.finance.trialBalance({ asOf: "2026-05-17" });
      const mid = store.snapshot();
      store.reset();
      await books.finance.trialBalance({ from: "2026-02-10", to: "2026-05-17" });
      const period = store.snapshot();
      expect(tb1.totals.debit).toBe(tb1.totals.credit);
      expect(tb2.totals.debit).toBe(tb2.totals.credit);
      counts.push({ mid: { reads: mid.reads, methods: mid.methods }, period: { reads: period.reads, methods: period.methods } });
    }
    expect(counts[1]).toEqual(counts[0]);
    // and what is read is bounded by the accounts, not the entries: at most one row per key and sum
    expect(counts[1]!.mid.reads.balances.rows).toBeLessThanOrEqual(2 * 40);
    expect(counts[1]!.mid.reads.logs.calls).toBe(0);
  }, 300_000);
});
