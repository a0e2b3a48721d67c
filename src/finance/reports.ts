import { z } from "zod";
import { StorekeepError, parseWith } from "../kernel/errors.js";
import { addDays, daysBetween, localDateSchema, type LocalDate } from "../kernel/local-date.js";
import type { Transaction } from "../ports/storage.js";
import { loadChart } from "./account-registry.js";
import type { Account, AccountType, Chart } from "./accounts.js";
import { FINANCE_STORE, type BalanceTotals, type LedgerLine, readBalances } from "./ledger-store.js";
import { addMonths, periodRange } from "./periods.js";
import { decimalToUnits, toUnits, unitsToString } from "./posting-kernel.js";
import type { FinanceSettings } from "./settings.js";

/*
 * Reports: trial balance, balance sheet, income statement and general ledger, as of a date
 * or for a period, with comparison columns. They read balance sums (at most a few rows per
 * account, whatever the history) and, for the general ledger, one account's lines in range.
 */

/**
 * What a report covers: everything up to and including `asOf`, or the dates `from`..`to`.
 *
 * @example
 * ```ts
 * const asOf: ReportRange = { asOf: "2026-03-31" };
 * const march: ReportRange = { from: "2026-03-01", to: "2026-03-31" };
 * ```
 */
export type ReportRange = { readonly asOf: string } | { readonly from: string; readonly to: string };

/**
 * A comparison column: the previous period (the same number of whole months, or days,
 * just before; for an as-of report the end of the previous month) or the same range a
 * year earlier.
 *
 * @example
 * ```ts
 * const columns: Comparison[] = ["previous-period", "previous-year"];
 * ```
 */
export type Comparison = "previous-period" | "previous-year";

/**
 * Options shared by the reports.
 *
 * @example
 * ```ts
 * await sk.finance.trialBalance({ asOf: "2026-03-31", compare: ["previous-year"] });
 * ```
 */
export type ReportOptions = ReportRange & { readonly compare?: readonly Comparison[]; readonly includeZero?: boolean };

const periodRangeSchema = z
  .object({ from: localDateSchema, to: localDateSchema, compare: z.array(z.enum(["previous-period", "previous-year"])).max(2).optional(), includeZero: z.boolean().optional() })
  .refine((r) => r.from <= r.to, { message: "from must not be after to", path: ["from"] });

/** Reads a report range: `{ asOf }` or `{ from, to }`, with a message that says which to give. */
function parseRange(options: unknown, subject: string): ReportOptions {
  const fields = options !== null && typeof options === "object" ? (options as Record<string, unknown>) : undefined;
  if (fields && "asOf" in fields) return parseWith(asOfSchema, options, subject) as ReportOptions;
  if (fields && ("from" in fields || "to" in fields)) return parseWith(periodRangeSchema, options, subject) as ReportOptions;
  throw new StorekeepError("VALIDATION_FAILED", `Invalid ${subject}: give either { asOf: "2026-03-31" } (balances at the end of that day) or { from: "2026-03-01", to: "2026-03-31" } (a period).`, {
    issues: [{ path: "", message: "needs asOf, or from and to", code: "custom" }],
  });
}

interface Resolved {
  readonly from?: string;
  readonly to: string;
}

function resolveRange(range: ReportRange): Resolved {
  return "asOf" in range ? { to: range.asOf } : { from: range.from, to: range.to };
}

function isMonthEnd(date: string): boolean {
  return addDays(date as LocalDate, 1).endsWith("-01");
}

/**
 * The range a comparison column covers.
 *
 * @example
 * ```ts
 * comparisonRange({ from: "2026-03-01", to: "2026-03-31" }, "previous-period"); // { from: "2026-02-01", to: "2026-02-28" }
 * ```
 */
export function comparisonRange(range: ReportRange, comparison: Comparison): ReportRange {
  const shiftEnd = (date: string, months: number): string => (isMonthEnd(date) ? periodRange(addMonths(date, months).slice(0, 7)).end : addMonths(date, months));
  if ("asOf" in range) {
    if (comparison === "previous-year") return { asOf: shiftEnd(range.asOf, -12) };
    return { asOf: isMonthEnd(range.asOf) ? addDays(`${range.asOf.slice(0, 7)}-01` as LocalDate, -1) : addMonths(range.asOf, -1) };
  }
  if (comparison === "previous-year") return { from: addMonths(range.from, -12), to: shiftEnd(range.to, -12) };
  if (range.from.endsWith("-01") && isMonthEnd(range.to)) {
    const months = (Number(range.to.slice(0, 4)) - Number(range.from.slice(0, 4))) * 12 + Number(range.to.slice(5, 7)) - Number(range.from.slice(5, 7)) + 1;
    return { from: addMonths(range.from, -months), to: addDays(range.from as LocalDate, -1) };
  }
  const days = daysBetween(range.from as LocalDate, range.to as LocalDate) + 1;
  const to = addDays(range.from as LocalDate, -1);
  return { from: addDays(to, -(days - 1)), to };
}

/** Net functional balance (debit positive) per account, its year-end closing part, and transaction amounts per currency. */
export interface AccountNets {
  readonly net: Map<string, bigint>;
  /** Only accounts with a closing part. */
  readonly closing: Map<string, bigint>;
  readonly byCurrency: Map<string, Map<string, bigint>>;
}

/**
 * Per-account nets from balances per `account|currency` key: one pass, three decimals
 * converted per key (the closing part only when there is one).
 *
 * @example
 * ```ts
 * const nets = netsOf(await readBalances(tx, { to: "2026-03-31" }));
 * nets.net.get("1100"); // the account's net in kernel units, debit positive
 * ```
 */
export function netsOf(balances: Map<string, BalanceTotals>): AccountNets {
  const net = new Map<string, bigint>();
  const closing = new Map<string, bigint>();
  const byCurrency = new Map<string, Map<string, bigint>>();
  for (const [key, totals] of balances) {
    const bar = key.lastIndexOf("|");
    const account = key.slice(0, bar);
    net.set(account, (net.get(account) ?? 0n) + decimalToUnits(totals.debit) - decimalToUnits(totals.credit));
    if (!totals.closing.isZero()) closing.set(account, (closing.get(account) ?? 0n) + decimalToUnits(totals.closing));
    let currencies = byCurrency.get(account);
    if (currencies === undefined) {
      currencies = new Map();
      byCurrency.set(account, currencies);
    }
    const currency = key.slice(bar + 1);
    currencies.set(currency, (currencies.get(currency) ?? 0n) + decimalToUnits(totals.amount));
  }
  return { net, closing, byCurrency };
}

/**
 * A chart's hierarchy, worked out once per chart object (the configured chart is one object
 * for the life of the facade): the accounts in report order, each one's depth, and the codes
 * each account's balance rolls up into (itself, then its parents). Reports then walk no
 * parent chains and sort no children per report.
 */
interface ChartLayout {
  readonly ordered: readonly Account[];
  readonly depth: ReadonlyMap<string, number>;
  readonly rollsInto: ReadonlyMap<string, readonly string[]>;
}

const layouts = new WeakMap<Chart, ChartLayout>();

function layoutOf(chart: Chart): ChartLayout {
  let layout = layouts.get(chart);
  if (layout === undefined) {
    const depth = new Map<string, number>();
    const rollsInto = new Map<string, readonly string[]>();
    for (const account of chart.accounts) {
      depth.set(account.code, depthOf(chart, account));
      rollsInto.set(account.code, chainOf(chart, account.code));
    }
    layout = { ordered: orderedAccounts(chart), depth, rollsInto };
    layouts.set(chart, layout);
  }
  return layout;
}

/** The codes a balance on `code` rolls up into: itself, then each parent (a parent missing from the chart ends the chain). */
function chainOf(chart: Chart, code: string): string[] {
  const chain: string[] = [];
  let account: Account | undefined = chart.byCode.get(code);
  let current = code;
  for (;;) {
    chain.push(current);
    if (account?.parent === undefined) break;
    current = account.parent;
    account = chart.byCode.get(current);
  }
  return chain;
}

/** Adds each account's value to its ancestors (parents roll up their children). */
function rollUp(chart: Chart, values: Map<string, bigint>): Map<string, bigint> {
  const { rollsInto } = layoutOf(chart);
  const out = new Map<string, bigint>();
  for (const [code, value] of values) {
    for (const current of rollsInto.get(code) ?? chainOf(chart, code)) out.set(current, (out.get(current) ?? 0n) + value);
  }
  return out;
}

function depthOf(chart: Chart, account: Account): number {
  let depth = 0;
  let current = account;
  while (current.parent !== undefined) {
    const parent = chart.byCode.get(current.parent);
    if (parent === undefined) break;
    depth++;
    current = parent;
  }
  return depth;
}

/** Accounts in hierarchy order: each parent followed by its children, by code. */
function orderedAccounts(chart: Chart): Account[] {
  const children = new Map<string | undefined, Account[]>();
  for (const account of chart.accounts) {
    const parent = account.parent !== undefined && chart.byCode.has(account.parent) ? account.parent : undefined;
    const list = children.get(parent) ?? [];
    list.push(account);
    children.set(parent, list);
  }
  const out: Account[] = [];
  const visit = (parent: string | undefined): void => {
    for (const account of (children.get(parent) ?? []).sort((a, b) => (a.code < b.code ? -1 : 1))) {
      out.push(account);
      visit(account.code);
    }
  };
  visit(undefined);
  return out;
}

const normalSign = (account: Pick<Account, "normalBalance">): bigint => (account.normalBalance === "debit" ? 1n : -1n);

/**
 * One account's row of a trial balance: its net debit or credit (functional), its balance
 * on its normal side (negative when it sits on the other side), and its transaction-currency
 * balances. Header rows roll up their children and are left out of the totals.
 *
 * @example
 * ```ts
 * const row = tb.rows.find((r) => r.account === "1100");
 * row?.debit; // "1250.5"
 * ```
 */
export interface TrialBalanceRow {
  readonly account: string;
  readonly name: string;
  readonly type: AccountType;
  readonly normalBalance: "debit" | "credit";
  readonly header: boolean;
  readonly depth: number;
  readonly debit: string;
  readonly credit: string;
  readonly balance: string;
  readonly byCurrency: readonly { readonly currency: string; readonly amount: string }[];
  readonly comparisons: Readonly<Partial<Record<Comparison, string>>>;
}

/**
 * A trial balance: one row per account with a balance (or every account with
 * `includeZero`), and the totals of debits and credits, which are equal.
 *
 * @example
 * ```ts
 * const tb = await sk.finance.trialBalance({ asOf: "2026-03-31" });
 * tb.totals.debit === tb.totals.credit; // true
 * ```
 */
export interface TrialBalance {
  readonly range: ReportRange;
  readonly functionalCurrency: string;
  readonly rows: readonly TrialBalanceRow[];
  readonly totals: { readonly debit: string; readonly credit: string };
  readonly comparisons: readonly { readonly comparison: Comparison; readonly range: ReportRange }[];
}

/** An account's non-zero transaction-currency balances, by currency code (most accounts hold one). */
function currencyRows(currencies: Map<string, bigint>): { currency: string; amount: string }[] {
  const rows: { currency: string; amount: string }[] = [];
  for (const [currency, amount] of currencies) if (amount !== 0n) rows.push({ currency, amount: unitsToString(amount) });
  if (rows.length > 1) rows.sort((a, b) => (a.currency < b.currency ? -1 : 1));
  return rows;
}

/**
 * Computes a trial balance inside a transaction.
 *
 * @example
 * ```ts
 * const tb = await runtime.read((tx) => trialBalance(tx, settings, "EUR", { asOf: "2026-03-31" }));
 * ```
 */
export async function trialBalance(tx: Transaction, settings: FinanceSettings, functionalCurrency: string, options: ReportOptions): Promise<TrialBalance> {
  const parsed = parseRange(options, "trial balance range");
  const chart = await loadChart(tx, settings);
  const nets = netsOf(await readBalances(tx, resolveRange(parsed)));
  const rolled = rollUp(chart, nets.net);
  const compare = parsed.compare ?? [];
  const comparisonNets = new Map<Comparison, Map<string, bigint>>();
  for (const c of compare) comparisonNets.set(c, rollUp(chart, netsOf(await readBalances(tx, resolveRange(comparisonRange(parsed, c)))).net));
  const rows: TrialBalanceRow[] = [];
  let totalDebit = 0n;
  let totalCredit = 0n;
  const layout = layoutOf(chart);
  for (const account of layout.ordered) {
    const net = rolled.get(account.code);
    let hasComparison = false;
    for (const m of comparisonNets.values()) if ((m.get(account.code) ?? 0n) !== 0n) hasComparison = true;
    if (net === undefined && !hasComparison && !parsed.includeZero) continue;
    const value = net ?? 0n;
    const currencies = nets.byCurrency.get(account.code);
    if (value === 0n && !hasComparison && !parsed.includeZero && currencies === undefined) continue;
    const debit = value > 0n ? value : 0n;
    const credit = value < 0n ? -value : 0n;
    if (!account.header) {
      totalDebit += debit;
      totalCredit += credit;
    }
    const comparisons: Partial<Record<Comparison, string>> = {};
    for (const [c, m] of comparisonNets) comparisons[c] = unitsToString((m.get(account.code) ?? 0n) * normalSign(account));
    rows.push({
      account: account.code,
      name: account.name,
      type: account.type,
      normalBalance: account.normalBalance,
      header: account.header,
      depth: layout.depth.get(account.code) ?? 0,
      debit: unitsToString(debit),
      credit: unitsToString(credit),
      balance: unitsToString(value * normalSign(account)),
      byCurrency: currencies === undefined ? [] : currencyRows(currencies),
      comparisons,
    });
  }
  return {
    range: "asOf" in parsed ? { asOf: parsed.asOf } : { from: parsed.from, to: parsed.to },
    functionalCurrency,
    rows,
    totals: { debit: unitsToString(totalDebit), credit: unitsToString(totalCredit) },
    comparisons: compare.map((c) => ({ comparison: c, range: comparisonRange(parsed, c) })),
  };
}

/**
 * A line of a statement: an account (or a header rolling up its children) and its amount
 * presented on the section's side (assets and expenses debit-positive, the others
 * credit-positive; contra accounts therefore show negative).
 *
 * @example
 * ```ts
 * const line: StatementLine = { account: "1100", name: "Bank", header: false, depth: 1, amount: "1000", comparisons: {} };
 * ```
 */
export interface StatementLine {
  readonly account: string;
  readonly name: string;
  readonly header: boolean;
  readonly depth: number;
  readonly amount: string;
  readonly comparisons: Readonly<Partial<Record<Comparison, string>>>;
}

/**
 * A section of a statement with its total.
 *
 * @example
 * ```ts
 * bs.assets.total; // "1250.5"
 * ```
 */
export interface StatementSection {
  readonly lines: readonly StatementLine[];
  readonly total: string;
  readonly comparisons: Readonly<Partial<Record<Comparison, string>>>;
}

/**
 * A balance sheet as of a date: assets = liabilities + equity, where equity includes the
 * current earnings (the result not yet closed to retained earnings).
 *
 * @example
 * ```ts
 * const bs = await sk.finance.balanceSheet({ asOf: "2026-12-31" });
 * bs.balanced; // true
 * ```
 */
export interface BalanceSheet {
  readonly asOf: string;
  readonly functionalCurrency: string;
  readonly assets: StatementSection;
  readonly liabilities: StatementSection;
  readonly equity: StatementSection;
  readonly currentEarnings: { readonly amount: string; readonly comparisons: Readonly<Partial<Record<Comparison, string>>> };
  readonly liabilitiesAndEquity: string;
  readonly balanced: boolean;
  readonly comparisons: readonly { readonly comparison: Comparison; readonly range: ReportRange }[];
}

/**
 * An income statement for a period: revenue (credit-positive; contra revenue such as
 * sales returns shows negative), expenses (debit-positive) and the net income. Year-end
 * closing entries are left out, so a closed year still shows its result.
 *
 * @example
 * ```ts
 * const is = await sk.finance.incomeStatement({ from: "2026-01-01", to: "2026-12-31" });
 * is.netIncome; // "1234.5"
 * ```
 */
export interface IncomeStatement {
  readonly from: string;
  readonly to: string;
  readonly functionalCurrency: string;
  readonly revenue: StatementSection;
  readonly expenses: StatementSection;
  readonly netIncome: string;
  readonly comparisons: readonly { readonly comparison: Comparison; readonly range: ReportRange; readonly netIncome: string }[];
}

function section(chart: Chart, types: readonly AccountType[], sign: bigint, values: Map<string, bigint>, comparisonValues: Map<Comparison, Map<string, bigint>>, includeZero: boolean): StatementSection {
  const rolled = rollUp(chart, values);
  const rolledComparisons = new Map([...comparisonValues].map(([c, m]) => [c, rollUp(chart, m)] as const));
  const lines: StatementLine[] = [];
  let total = 0n;
  const totals = new Map<Comparison, bigint>();
  const layout = layoutOf(chart);
  for (const account of layout.ordered) {
    if (!types.includes(account.type)) continue;
    const value = rolled.get(account.code);
    const any = value !== undefined || [...rolledComparisons.values()].some((m) => m.has(account.code));
    if (!any && !includeZero) continue;
    const comparisons: Partial<Record<Comparison, string>> = {};
    for (const [c, m] of rolledComparisons) {
      const v = (m.get(account.code) ?? 0n) * sign;
      comparisons[c] = unitsToString(v);
      if (!account.header) totals.set(c, (totals.get(c) ?? 0n) + v);
    }
    const amount = (value ?? 0n) * sign;
    if (!account.header) total += amount;
    lines.push({ account: account.code, name: account.name, header: account.header, depth: layout.depth.get(account.code) ?? 0, amount: unitsToString(amount), comparisons });
  }
  const comparisons: Partial<Record<Comparison, string>> = {};
  for (const c of comparisonValues.keys()) comparisons[c] = unitsToString(totals.get(c) ?? 0n);
  return { lines, total: unitsToString(total), comparisons };
}

function netsByType(chart: Chart, nets: Map<string, bigint>, types: readonly AccountType[]): bigint {
  let sum = 0n;
  for (const [code, value] of nets) {
    const type = chart.byCode.get(code)?.type;
    if (type !== undefined && types.includes(type)) sum += value;
  }
  return sum;
}

const asOfSchema = z.object({ asOf: localDateSchema, compare: z.array(z.enum(["previous-period", "previous-year"])).max(2).optional(), includeZero: z.boolean().optional() });

/**
 * Computes a balance sheet inside a transaction.
 *
 * @example
 * ```ts
 * const bs = await runtime.read((tx) => balanceSheet(tx, settings, "EUR", { asOf: "2026-12-31" }));
 * ```
 */
export async function balanceSheet(
  tx: Transaction,
  settings: FinanceSettings,
  functionalCurrency: string,
  options: { readonly asOf: string; readonly compare?: readonly Comparison[]; readonly includeZero?: boolean },
): Promise<BalanceSheet> {
  const parsed = parseWith(asOfSchema, options, "balance sheet date");
  const chart = await loadChart(tx, settings);
  const nets = netsOf(await readBalances(tx, { to: parsed.asOf })).net;
  const compare = parsed.compare ?? [];
  const comparisonNets = new Map<Comparison, Map<string, bigint>>();
  for (const c of compare) {
    const range = comparisonRange({ asOf: parsed.asOf }, c) as { asOf: string };
    comparisonNets.set(c, netsOf(await readBalances(tx, { to: range.asOf })).net);
  }
  const includeZero = parsed.includeZero ?? false;
  const assets = section(chart, ["asset"], 1n, nets, comparisonNets, includeZero);
  const liabilities = section(chart, ["liability"], -1n, nets, comparisonNets, includeZero);
  const equity = section(chart, ["equity"], -1n, nets, comparisonNets, includeZero);
  const earnings = -netsByType(chart, nets, ["revenue", "expense"]);
  const earningsComparisons: Partial<Record<Comparison, string>> = {};
  for (const [c, m] of comparisonNets) earningsComparisons[c] = unitsToString(-netsByType(chart, m, ["revenue", "expense"]));
  const liabilitiesAndEquity = toUnits(liabilities.total) + toUnits(equity.total) + earnings;
  return {
    asOf: parsed.asOf,
    functionalCurrency,
    assets,
    liabilities,
    equity,
    currentEarnings: { amount: unitsToString(earnings), comparisons: earningsComparisons },
    liabilitiesAndEquity: unitsToString(liabilitiesAndEquity),
    balanced: toUnits(assets.total) === liabilitiesAndEquity,
    comparisons: compare.map((c) => ({ comparison: c, range: comparisonRange({ asOf: parsed.asOf }, c) })),
  };
}

const periodSchema = z
  .object({ from: localDateSchema, to: localDateSchema, compare: z.array(z.enum(["previous-period", "previous-year"])).max(2).optional(), includeZero: z.boolean().optional() })
  .refine((r) => r.from <= r.to, { message: "from must not be after to", path: ["from"] });

/**
 * Computes an income statement inside a transaction.
 *
 * @example
 * ```ts
 * const is = await runtime.read((tx) => incomeStatement(tx, settings, "EUR", { from: "2026-01-01", to: "2026-12-31" }));
 * ```
 */
export async function incomeStatement(
  tx: Transaction,
  settings: FinanceSettings,
  functionalCurrency: string,
  options: { readonly from: string; readonly to: string; readonly compare?: readonly Comparison[]; readonly includeZero?: boolean },
): Promise<IncomeStatement> {
  const parsed = parseWith(periodSchema, options, "income statement period");
  const chart = await loadChart(tx, settings);
  const withoutClosing = async (from: string, to: string): Promise<Map<string, bigint>> => {
    const nets = netsOf(await readBalances(tx, { from, to }));
    const out = new Map<string, bigint>();
    for (const [code, net] of nets.net) {
      const type = chart.byCode.get(code)?.type;
      if (type !== "revenue" && type !== "expense") continue;
      out.set(code, net - (nets.closing.get(code) ?? 0n));
    }
    return out;
  };
  const nets = await withoutClosing(parsed.from, parsed.to);
  const compare = parsed.compare ?? [];
  const comparisonNets = new Map<Comparison, Map<string, bigint>>();
  const ranges = new Map<Comparison, { from: string; to: string }>();
  for (const c of compare) {
    const range = comparisonRange({ from: parsed.from, to: parsed.to }, c) as { from: string; to: string };
    ranges.set(c, range);
    comparisonNets.set(c, await withoutClosing(range.from, range.to));
  }
  const includeZero = parsed.includeZero ?? false;
  const revenue = section(chart, ["revenue"], -1n, nets, comparisonNets, includeZero);
  const expenses = section(chart, ["expense"], 1n, nets, comparisonNets, includeZero);
  return {
    from: parsed.from,
    to: parsed.to,
    functionalCurrency,
    revenue,
    expenses,
    netIncome: unitsToString(toUnits(revenue.total) - toUnits(expenses.total)),
    comparisons: compare.map((c) => ({
      comparison: c,
      range: ranges.get(c)!,
      netIncome: unitsToString(toUnits(revenue.comparisons[c] ?? "0") - toUnits(expenses.comparisons[c] ?? "0")),
    })),
  };
}

/**
 * A line of the general ledger with the running balance after it (functional, on the
 * account's normal side).
 *
 * @example
 * ```ts
 * gl.lines[0]?.runningBalance; // "100"
 * ```
 */
export interface GeneralLedgerLine {
  readonly entryId: string;
  readonly lineNo: number;
  readonly date: string;
  readonly memo: string | null;
  readonly kind: string;
  readonly currency: string;
  readonly amount: string;
  readonly rate: string | null;
  readonly debit: string;
  readonly credit: string;
  readonly runningBalance: string;
}

/**
 * The general ledger of one account for a period: the opening balance, every line in
 * date order with a running balance, and the closing balance (functional, on the
 * account's normal side).
 *
 * @example
 * ```ts
 * const gl = await sk.finance.generalLedger({ account: "1100", from: "2026-03-01", to: "2026-03-31" });
 * gl.closingBalance;
 * ```
 */
export interface GeneralLedger {
  readonly account: string;
  readonly name: string;
  readonly normalBalance: "debit" | "credit";
  readonly from: string;
  readonly to: string;
  readonly openingBalance: string;
  readonly lines: readonly GeneralLedgerLine[];
  /** The balance at `to`, from the books' balances: right even when `lines` stopped at `limit`. */
  readonly closingBalance: string;
  /** The debits and credits of the whole range, from the books' balances (not only the lines shown). */
  readonly totals: { readonly debit: string; readonly credit: string };
  /** Whether `lines` stopped at `limit` with more lines in the range (read a shorter range for the rest). */
  readonly truncated: boolean;
}

const ledgerSchema = z
  .object({ account: z.string().min(1).max(32), from: localDateSchema, to: localDateSchema, limit: z.number().int().min(1).max(100_000).optional() })
  .refine((r) => r.from <= r.to, { message: "from must not be after to", path: ["from"] });

/**
 * Computes one account's general ledger inside a transaction (at most `limit` lines,
 * default 100,000).
 *
 * @example
 * ```ts
 * const gl = await runtime.read((tx) => generalLedger(tx, settings, { account: "1100", from: "2026-03-01", to: "2026-03-31" }));
 * ```
 */
export async function generalLedger(
  tx: Transaction,
  settings: FinanceSettings,
  options: { readonly account: string; readonly from: string; readonly to: string; readonly limit?: number },
): Promise<GeneralLedger> {
  const parsed = parseWith(ledgerSchema, options, "general ledger");
  const chart = await loadChart(tx, settings);
  const account = chart.byCode.get(parsed.account);
  if (account === undefined) throw new StorekeepError("NOT_FOUND", `No account ${parsed.account} in the chart.`, { account: parsed.account });
  const sign = normalSign(account);
  const opening = netsOf(await readBalances(tx, { to: addDays(parsed.from as LocalDate, -1) }, { keyPrefix: `${account.code}|` })).net.get(account.code) ?? 0n;
  const limit = parsed.limit ?? 100_000;
  const lines: GeneralLedgerLine[] = [];
  let running = opening;
  let debit = 0n;
  let credit = 0n;
  let cursor: string | undefined;
  const end = addDays(parsed.to as LocalDate, 1);
  while (lines.length < limit) {
    const page = await tx.logs.read<LedgerLine & Record<string, never>>(FINANCE_STORE.lines, account.code, {
      ...(cursor === undefined ? { gte: parsed.from } : { gt: cursor }),
      lt: end,
      limit: Math.min(1000, limit - lines.length),
    });
    for (const entry of page) {
      const line = entry.data as unknown as LedgerLine;
      const functional = toUnits(line.functional);
      running += functional;
      if (functional >= 0n) debit += functional;
      else credit -= functional;
      lines.push({
        entryId: line.entryId,
        lineNo: line.lineNo,
        date: line.date,
        memo: line.memo,
        kind: line.kind,
        currency: line.currency,
        amount: line.amount,
        rate: line.rate,
        debit: unitsToString(functional > 0n ? functional : 0n),
        credit: unitsToString(functional < 0n ? -functional : 0n),
        runningBalance: unitsToString(running * sign),
      });
    }
    if (page.length < Math.min(1000, limit - lines.length + page.length)) break;
    cursor = page[page.length - 1]!.sortKey;
  }
  // More lines than `limit`? One more line past the last one shown says so.
  const truncated = lines.length >= limit && cursor !== undefined && (await tx.logs.read(FINANCE_STORE.lines, account.code, { gt: cursor, lt: end, limit: 1 })).length > 0;
  // The closing balance and the range's debits and credits come from the balances, whatever was shown.
  let closing = running;
  if (truncated) {
    const turnover = await readBalances(tx, { from: parsed.from, to: parsed.to }, { keyPrefix: `${account.code}|` });
    debit = 0n;
    credit = 0n;
    for (const totals of turnover.values()) {
      debit += decimalToUnits(totals.debit);
      credit += decimalToUnits(totals.credit);
    }
    closing = opening + debit - credit;
  }
  return {
    account: account.code,
    name: account.name,
    normalBalance: account.normalBalance,
    from: parsed.from,
    to: parsed.to,
    openingBalance: unitsToString(opening * sign),
    lines,
    closingBalance: unitsToString(closing * sign),
    totals: { debit: unitsToString(debit), credit: unitsToString(credit) },
    truncated,
  };
}
