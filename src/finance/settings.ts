import type { AccountRole } from "../kernel/events/account-roles.js";
import { type DunningOptions, type DunningSettings, resolveDunning } from "./dunning.js";
import { StorekeepError } from "../kernel/errors.js";
import { refuseUnknownKeys } from "../kernel/strict-input.js";
import { type AccountInput, type Chart, createChart } from "./accounts.js";
import { type AccountMap, defaultChart, resolveAccountMap } from "./chart.js";
import { type CashAccountRule, checkCashAccounts } from "./cash-accounts.js";
import type { PostingRules } from "./posting-rules.js";

/*
 * The finance module's options and their resolved form.
 */

/**
 * Options of the finance module.
 *
 * @example
 * ```ts
 * const options: FinanceOptions = {
 *   chart: extendChart(defaultChart(), [{ code: "6150", name: "PayPal fees", type: "expense", parent: "6000" }]),
 *   accountMap: { "payment-fees": "6150" },
 *   fiscalYearStartMonth: 4,
 * };
 * ```
 */
export interface FinanceOptions {
  /** The chart of accounts (default: {@link defaultChart}); a chart or account declarations. */
  readonly chart?: Chart | readonly AccountInput[];
  /** Role → account code overrides of the default account map. */
  readonly accountMap?: Partial<Record<AccountRole, string>>;
  /** The month (1–12) fiscal years start in (default 1: calendar years). */
  readonly fiscalYearStartMonth?: number;
  /** Replacement posting rules by event type (a rule returns null to post nothing). */
  readonly rules?: Partial<PostingRules>;
  /** More bank and payment-provider accounts, per provider and/or currency (see {@link CashAccountRule}). */
  readonly cashAccounts?: readonly CashAccountRule[];
  /**
   * Control accounts (inventory, receivables, payables, tax, payment-provider clearing)
   * refuse manual entries (`CONTROL_ACCOUNT`): their balance belongs to the documents
   * behind them. List the account codes that may take manual entries anyway, or `true`
   * for all of them (default, or `false`: none).
   */
  readonly allowManualEntries?: readonly string[] | boolean;
  /**
   * Write-offs of open items (`sk.finance.writeOff`): the largest functional value a
   * `small-difference` write-off may clear (default "1"), and the accounts they post to
   * (default: the `rounding-difference` role's account for small differences, 6300 Bad
   * debts for bad debts), and whether a bad debt's write-off takes back the output tax it
   * contains by default (`badDebtTaxRelief`, default false: VAT relief on bad debts, as EU
   * VAT Directive art. 90 lets member states allow; `writeOff`'s `taxRelief` decides per
   * write-off).
   */
  readonly writeOffs?: { readonly tolerance?: string; readonly smallDifferenceAccount?: string; readonly badDebtAccount?: string; readonly badDebtTaxRelief?: boolean };
  /**
   * Dunning (`sk.finance.runDunning`): the reminder levels, each a number of days past an
   * invoice's due date, later level by level (default 7, 21 and 35 days), each with an optional
   * fee in the functional currency; `feeAccount` takes the fees (required when a level has one).
   */
  readonly dunning?: DunningOptions;
}

/**
 * Resolved options: a validated chart and account map.
 *
 * @example
 * ```ts
 * const settings = resolveFinanceOptions({});
 * settings.accountMap.bank; // "1100"
 * ```
 */
export interface FinanceSettings {
  readonly chart: Chart;
  readonly accountMap: AccountMap;
  readonly fiscalYearStartMonth: number;
  readonly rules: Partial<PostingRules>;
  /** Accounts mapped to tax roles: entries touching them also respect the tax lock. */
  readonly taxAccounts: ReadonlySet<string>;
  /** Bank and payment-provider accounts beyond the account map. */
  readonly cashAccounts: readonly CashAccountRule[];
  /** Control accounts that refuse manual entries (those allowed by `allowManualEntries` left out). */
  readonly controlAccounts: ReadonlySet<string>;
  /** Write-off policy: tolerance (functional) and accounts; `badDebtAccount` is null when the chart has no default one. */
  readonly writeOffs: { readonly tolerance: string; readonly smallDifferenceAccount: string; readonly badDebtAccount: string | null; readonly badDebtTaxRelief: boolean };
  /** Dunning: the levels (1 upwards, each later than the one before, with their fees) and the fee account. */
  readonly dunning: DunningSettings;
}

/**
 * The roles whose accounts are control accounts: their balance is the sum of documents
 * (stock, open items, tax, provider balances), so only those documents post to them.
 *
 * @example
 * ```ts
 * CONTROL_ROLES.includes("receivables"); // true
 * ```
 */
export const CONTROL_ROLES = Object.freeze(["inventory", "inventory-in-transit", "receivables", "payables", "input-tax", "output-tax", "advance-tax", "psp-clearing"] as const);

const cache = new WeakMap<object, FinanceSettings>();

/**
 * Validates finance options (`VALIDATION_FAILED` naming what to fix). Cached per options
 * object.
 *
 * @example
 * ```ts
 * resolveFinanceOptions({ fiscalYearStartMonth: 7 }).fiscalYearStartMonth; // 7
 * ```
 */
export function resolveFinanceOptions(options: FinanceOptions = {}): FinanceSettings {
  const cached = cache.get(options);
  if (cached !== undefined) return cached;
  const chart = options.chart === undefined ? defaultChart() : isChart(options.chart) ? options.chart : createChart(options.chart);
  const accountMap = resolveAccountMap(chart, options.accountMap);
  const start = options.fiscalYearStartMonth ?? 1;
  if (!Number.isInteger(start) || start < 1 || start > 12) {
    throw new StorekeepError("VALIDATION_FAILED", `fiscalYearStartMonth must be a month number 1-12, not ${String(start)}.`, {
      issues: [{ path: "fiscalYearStartMonth", message: "1 to 12", code: "custom" }],
    });
  }
  const cashAccounts = Object.freeze([...(options.cashAccounts ?? [])]);
  checkCashAccounts(chart, cashAccounts);
  const allowed = options.allowManualEntries;
  const control = new Set<string>([...CONTROL_ROLES.map((role) => accountMap[role]), ...cashAccounts.filter((r) => r.role === "psp-clearing").map((r) => r.account)]);
  if (allowed === true) control.clear();
  else if (allowed !== undefined && allowed !== false) for (const code of checkedAllowList(chart, allowed)) control.delete(code);
  const settings: FinanceSettings = Object.freeze({
    chart,
    accountMap,
    fiscalYearStartMonth: start,
    rules: options.rules ?? {},
    taxAccounts: new Set([accountMap["input-tax"], accountMap["output-tax"]]),
    cashAccounts,
    controlAccounts: control,
    writeOffs: resolveWriteOffs(chart, accountMap, options.writeOffs),
    dunning: resolveDunning(options.dunning, chart, new Set(CONTROL_ROLES.map((role) => accountMap[role]))),
  });
  cache.set(options, settings);
  return settings;
}

/** `allowManualEntries` as a list: account codes of the chart, else VALIDATION_FAILED naming the entry. */
function checkedAllowList(chart: Chart, allowed: unknown): readonly string[] {
  if (!Array.isArray(allowed)) {
    throw new StorekeepError("VALIDATION_FAILED", `finance.allowManualEntries must be true, false or a list of account codes, not ${typeof allowed === "string" ? `the string "${allowed}" (write ["${allowed}"])` : typeof allowed}.`, {
      issues: [{ path: "allowManualEntries", message: "true, false or a list of account codes", code: "custom" }],
    });
  }
  allowed.forEach((code: unknown, i) => {
    if (typeof code !== "string" || chart.byCode.get(code) === undefined) {
      throw new StorekeepError("VALIDATION_FAILED", `finance.allowManualEntries[${i}]: ${typeof code === "string" ? `the chart has no account ${code}` : "an account code is a string"}.`, {
        issues: [{ path: `allowManualEntries.${i}`, message: "an account code of the chart", code: "custom" }],
      });
    }
  });
  return allowed as readonly string[];
}

function isChart(x: Chart | readonly AccountInput[]): x is Chart {
  return !Array.isArray(x) && typeof (x as Chart).byCode === "object";
}

function resolveWriteOffs(chart: Chart, accountMap: AccountMap, options: FinanceOptions["writeOffs"] = {}): FinanceSettings["writeOffs"] {
  // A misspelled option must not leave a write-off posting as if it were absent.
  refuseUnknownKeys(options, ["tolerance", "smallDifferenceAccount", "badDebtAccount", "badDebtTaxRelief"], "finance option writeOffs");
  const tolerance = options.tolerance ?? "1";
  if (!/^\d{1,12}(\.\d{1,6})?$/.test(tolerance)) {
    throw new StorekeepError("VALIDATION_FAILED", `writeOffs.tolerance must be a non-negative decimal string, not ${JSON.stringify(tolerance)}.`, { issues: [{ path: "writeOffs.tolerance", message: "a non-negative decimal", code: "custom" }] });
  }
  for (const field of ["smallDifferenceAccount", "badDebtAccount"] as const) {
    const code = options[field];
    if (code === undefined) continue;
    const account = chart.byCode.get(code);
    if (account === undefined || account.header) {
      throw new StorekeepError("VALIDATION_FAILED", `writeOffs.${field} names ${code}, which is ${account === undefined ? "not in the chart" : "a header account"}.`, { issues: [{ path: `writeOffs.${field}`, message: "a posting account of the chart", code: "custom" }] });
    }
  }
  const relief = options.badDebtTaxRelief ?? false;
  if (typeof relief !== "boolean") {
    throw new StorekeepError("VALIDATION_FAILED", `writeOffs.badDebtTaxRelief must be true or false, not ${JSON.stringify(relief)}.`, { issues: [{ path: "writeOffs.badDebtTaxRelief", message: "true or false", code: "custom" }] });
  }
  const defaultBadDebt = chart.byCode.get("6300");
  return Object.freeze({
    badDebtTaxRelief: relief,
    tolerance,
    smallDifferenceAccount: options.smallDifferenceAccount ?? accountMap["rounding-difference"],
    badDebtAccount: options.badDebtAccount ?? (defaultBadDebt !== undefined && !defaultBadDebt.header && defaultBadDebt.type === "expense" ? "6300" : null),
  });
}
