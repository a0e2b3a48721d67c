import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultChart } from "../../src/finance/chart.js";
import { hledgerAccountName } from "../../src/finance/export.js";
import { toUnits, unitsToString } from "../../src/finance/posting-kernel.js";
import { balancedEntryArbitrary, postableAccounts } from "../../src/testing/finance/arbitraries.js";
import { type Books, makeBooks } from "./helpers.js";
import { asText, hledgerBalances, hledgerStatement, nextDay, requireHledger } from "./hledger-helpers.js";

/*
 * hledger as a trusted peer: storekeep exports a random journal of thousands of postings in
 * several currencies with total costs, and hledger's trial balance (per commodity, and at
 * cost in EUR), balance sheet and income statement must equal storekeep's exactly. hledger's
 * CSV rounds to display precision, so everything is compared through `-O json`, whose
 * decimal mantissas are read as exact integers.
 */

const chart = defaultChart();
const dir = mkdtempSync(join(tmpdir(), "storekeep-hledger-"));
const journalPath = join(dir, "books.journal");
let books: Books;
let postings = 0;

describe("hledger agrees with storekeep's books exactly", () => {
  beforeAll(async () => {
    requireHledger();
    books = makeBooks({ finance: { allowManualEntries: true } });
    const entries = fc.sample(
      balancedEntryArbitrary({ accounts: postableAccounts(chart), functionalCurrency: "EUR", foreignCurrencies: ["USD", "GBP", "JPY", "CHF"], from: "2025-01-01", to: "2026-12-31", maxLines: 5 }),
      { seed: 20261127, numRuns: 1500 },
    );
    for (const entry of entries) {
      const posted = await books.finance.postEntry(entry);
      postings += posted.lines.length;
    }
    // A few reversals and a year-end close of 2025 (which also soft-locks 2025).
    const journal = await books.finance.journal();
    for (const e of journal.filter((_, i) => i % 97 === 0)) await books.finance.reverseEntry({ entryId: e.entryId, date: "2026-06-30" });
    await books.finance.closeYear({ year: 2025 });
    writeFileSync(journalPath, await books.finance.exportHledger());
  });

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it("exports thousands of postings in several currencies with costs", async () => {
    expect(postings).toBeGreaterThan(3000);
    const lines = (await books.finance.journal()).flatMap((e) => e.lines);
    expect(new Set(lines.map((l) => l.currency))).toEqual(new Set(["EUR", "USD", "GBP", "JPY", "CHF"]));
    // hledger parses and balances every transaction (it fails on an unbalanced one).
    expect(() => execFileSync("hledger", ["-f", journalPath, "check"], { encoding: "utf8" })).not.toThrow();
  });

  for (const asOf of ["2025-06-15", "2025-12-31", "2026-03-31", "2026-12-31"]) {
    it(`the trial balance per commodity and at cost in EUR as of ${asOf}`, async () => {
      const tb = await books.finance.trialBalance({ asOf });
      const ours = new Map<string, Map<string, bigint>>();
      const oursAtCost = new Map<string, Map<string, bigint>>();
      for (const row of tb.rows) {
        if (row.header) continue;
        const name = hledgerAccountName(chart, row.account);
        ours.set(name, new Map(row.byCurrency.map((c) => [c.currency, toUnits(c.amount)] as const)));
        oursAtCost.set(name, new Map([["EUR", toUnits(row.debit) - toUnits(row.credit)]]));
      }
      expect(asText(hledgerBalances(journalPath, ["-e", nextDay(asOf)]))).toEqual(asText(ours));
      expect(asText(hledgerBalances(journalPath, ["-B", "-e", nextDay(asOf)]))).toEqual(asText(oursAtCost));
    });
  }

  for (const asOf of ["2025-12-31", "2026-06-30", "2026-12-31"]) {
    it(`the balance sheet as of ${asOf}`, async () => {
      const bs = await books.finance.balanceSheet({ asOf });
      const theirs = hledgerStatement(journalPath, "bse", ["-e", nextDay(asOf)]);
      const section = (lines: readonly { account: string; header: boolean; amount: string }[]) =>
        asText(new Map(lines.filter((l) => !l.header).map((l) => [hledgerAccountName(chart, l.account), new Map([["EUR", toUnits(l.amount)]])] as const)));
      const their = (title: string) => asText(new Map([...theirs.get(title)!.rows].map(([name, v]) => [name, new Map([["EUR", v]])] as const)));
      expect(their("Assets")).toEqual(section(bs.assets.lines));
      expect(their("Liabilities")).toEqual(section(bs.liabilities.lines));
      expect(their("Equity")).toEqual(section(bs.equity.lines));
      expect(unitsToString(theirs.get("Assets")!.total)).toBe(bs.assets.total);
      expect(unitsToString(theirs.get("Liabilities")!.total)).toBe(bs.liabilities.total);
      expect(unitsToString(theirs.get("Equity")!.total)).toBe(bs.equity.total);
    });
  }

  for (const [from, to] of [["2025-01-01", "2025-12-31"], ["2026-01-01", "2026-12-31"], ["2026-02-10", "2026-05-20"]] as const) {
    it(`the income statement for ${from} to ${to} (closing entries left out, as storekeep does)`, async () => {
      const is = await books.finance.incomeStatement({ from, to });
      const theirs = hledgerStatement(journalPath, "is", ["-b", from, "-e", nextDay(to), "not:tag:kind=closing"]);
      const section = (lines: readonly { account: string; header: boolean; amount: string }[]) =>
        asText(new Map(lines.filter((l) => !l.header).map((l) => [hledgerAccountName(chart, l.account), new Map([["EUR", toUnits(l.amount)]])] as const)));
      const their = (title: string) => asText(new Map([...theirs.get(title)!.rows].map(([name, v]) => [name, new Map([["EUR", v]])] as const)));
      expect(their("Revenues")).toEqual(section(is.revenue.lines));
      expect(their("Expenses")).toEqual(section(is.expenses.lines));
      expect(unitsToString(theirs.get("Revenues")!.total - theirs.get("Expenses")!.total)).toBe(is.netIncome);
    });
  }
});
