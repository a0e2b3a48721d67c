import type { JournalEntry } from "../../finance/journal-entry.js";
import { toUnits, unitsToString } from "../../finance/posting-kernel.js";
import type { BalanceSheet, ReportRange, TrialBalance } from "../../finance/reports.js";

/*
 * Invariant checkers for the ledger. Each throws an Error describing the first violation
 * (so they work under any test runner); `ledgerInvariantViolations` collects them all.
 */

function fail(message: string): never {
  throw new Error(`ledger invariant violated: ${message}`);
}

/**
 * Every journal entry balances: functional amounts sum to exactly zero; a single-currency
 * entry sums to zero in its currency; no line is zero in both amounts; lines in the
 * functional currency carry equal amounts.
 *
 * @example
 * ```ts
 * for (const entry of await sk.finance.journal()) assertEntryBalances(entry);
 * ```
 */
export function assertEntryBalances(entry: JournalEntry): void {
  let functional = 0n;
  let amount = 0n;
  const currencies = new Set<string>();
  if (entry.lines.length < 2) fail(`entry ${entry.entryId} has ${entry.lines.length} line(s)`);
  for (const line of entry.lines) {
    const f = toUnits(line.functional);
    const a = toUnits(line.amount);
    if (f === 0n && a === 0n) fail(`entry ${entry.entryId} has a line zero in both amounts on ${line.account}`);
    if (line.currency === entry.functionalCurrency && f !== a) fail(`entry ${entry.entryId} has a functional-currency line with two amounts on ${line.account}`);
    functional += f;
    amount += a;
    currencies.add(line.currency);
  }
  if (functional !== 0n) fail(`entry ${entry.entryId} is off by ${unitsToString(functional)} ${entry.functionalCurrency}`);
  if (currencies.size === 1 && amount !== 0n) fail(`entry ${entry.entryId} is off by ${unitsToString(amount)} ${[...currencies][0]}`);
}

/**
 * The trial balance sums to zero: total debits equal total credits, and equal the sum of
 * the rows.
 *
 * @example
 * ```ts
 * assertTrialBalanceSumsToZero(await sk.finance.trialBalance({ asOf: "2026-12-31" }));
 * ```
 */
export function assertTrialBalanceSumsToZero(tb: TrialBalance): void {
  let net = 0n;
  for (const row of tb.rows) if (!row.header) net += toUnits(row.debit) - toUnits(row.credit);
  if (net !== 0n) fail(`trial balance rows sum to ${unitsToString(net)}, not zero`);
  if (tb.totals.debit !== tb.totals.credit) fail(`trial balance debits ${tb.totals.debit} differ from credits ${tb.totals.credit}`);
}

/**
 * Assets = liabilities + equity + current earnings.
 *
 * @example
 * ```ts
 * assertAccountingEquation(await sk.finance.balanceSheet({ asOf: "2026-06-30" }));
 * ```
 */
export function assertAccountingEquation(bs: BalanceSheet): void {
  const right = toUnits(bs.liabilities.total) + toUnits(bs.equity.total) + toUnits(bs.currentEarnings.amount);
  if (toUnits(bs.assets.total) !== right || !bs.balanced) {
    fail(`as of ${bs.asOf} assets ${bs.assets.total} ≠ liabilities ${bs.liabilities.total} + equity ${bs.equity.total} + current earnings ${bs.currentEarnings.amount}`);
  }
}

/**
 * Balances recomputed from entries' lines: per account, the functional net (debit
 * positive) and the transaction amount per currency, for a range.
 *
 * @example
 * ```ts
 * const balances = recomputeBalances(await sk.finance.journal(), { asOf: "2026-12-31" });
 * ```
 */
export function recomputeBalances(entries: readonly JournalEntry[], range: ReportRange): Map<string, { functional: bigint; byCurrency: Map<string, bigint> }> {
  const from = "asOf" in range ? undefined : range.from;
  const to = "asOf" in range ? range.asOf : range.to;
  const out = new Map<string, { functional: bigint; byCurrency: Map<string, bigint> }>();
  for (const entry of entries) {
    if (entry.date > to || (from !== undefined && entry.date < from)) continue;
    for (const line of entry.lines) {
      let cell = out.get(line.account);
      if (cell === undefined) {
        cell = { functional: 0n, byCurrency: new Map() };
        out.set(line.account, cell);
      }
      cell.functional += toUnits(line.functional);
      cell.byCurrency.set(line.currency, (cell.byCurrency.get(line.currency) ?? 0n) + toUnits(line.amount));
    }
  }
  return out;
}

/**
 * Balances equal a recomputation from lines: every non-header row of the trial balance
 * (functional net and per-currency amounts) equals the sum of the entries' lines in its
 * range, and no account with lines is missing.
 *
 * @example
 * ```ts
 * assertBalancesMatchLines(await sk.finance.trialBalance({ asOf: d }), await sk.finance.journal());
 * ```
 */
export function assertBalancesMatchLines(tb: TrialBalance, entries: readonly JournalEntry[]): void {
  const expected = recomputeBalances(entries, tb.range);
  const seen = new Set<string>();
  for (const row of tb.rows) {
    if (row.header) continue;
    seen.add(row.account);
    const cell = expected.get(row.account) ?? { functional: 0n, byCurrency: new Map<string, bigint>() };
    const net = toUnits(row.debit) - toUnits(row.credit);
    if (net !== cell.functional) fail(`account ${row.account}: balance ${unitsToString(net)} ≠ lines ${unitsToString(cell.functional)}`);
    const byCurrency = new Map(row.byCurrency.map((c) => [c.currency, toUnits(c.amount)] as const));
    for (const [currency, amount] of cell.byCurrency) {
      if ((byCurrency.get(currency) ?? 0n) !== amount) fail(`account ${row.account}: ${currency} balance ${unitsToString(byCurrency.get(currency) ?? 0n)} ≠ lines ${unitsToString(amount)}`);
    }
  }
  for (const [account, cell] of expected) {
    if (!seen.has(account) && (cell.functional !== 0n || [...cell.byCurrency.values()].some((a) => a !== 0n))) fail(`account ${account} has lines but no trial balance row`);
  }
}

/**
 * Anything with the finance reports and journal (the `sk.finance` namespace).
 *
 * @example
 * ```ts
 * const books: LedgerReader = sk.finance;
 * ```
 */
export interface LedgerReader {
  journal(options?: { from?: string; to?: string; limit?: number }): Promise<JournalEntry[]>;
  trialBalance(options: ReportRange): Promise<TrialBalance>;
  balanceSheet(options: { asOf: string }): Promise<BalanceSheet>;
}

/**
 * Runs every ledger invariant at each date (as of the date, and for the month up to it)
 * and returns the violations found (empty when the books are sound).
 *
 * @example
 * ```ts
 * expect(await ledgerInvariantViolations(sk.finance, ["2026-03-31", "2026-12-31"])).toEqual([]);
 * ```
 */
export async function ledgerInvariantViolations(books: LedgerReader, dates: readonly string[]): Promise<string[]> {
  const violations: string[] = [];
  const attempt = (check: () => void): void => {
    try {
      check();
    } catch (e) {
      violations.push((e as Error).message);
    }
  };
  const entries = await books.journal({ limit: 1_000_000 });
  for (const entry of entries) attempt(() => assertEntryBalances(entry));
  for (const date of dates) {
    const asOf = await books.trialBalance({ asOf: date });
    attempt(() => assertTrialBalanceSumsToZero(asOf));
    attempt(() => assertBalancesMatchLines(asOf, entries));
    const month = await books.trialBalance({ from: `${date.slice(0, 7)}-01`, to: date });
    attempt(() => assertTrialBalanceSumsToZero(month));
    attempt(() => assertBalancesMatchLines(month, entries));
    const bs = await books.balanceSheet({ asOf: date });
    attempt(() => assertAccountingEquation(bs));
  }
  return violations;
}
