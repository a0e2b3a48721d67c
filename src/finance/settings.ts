import type { AccountRole } from "../kernel/events/account-roles.js";
import { StorekeepError } from "../kernel/errors.js";
import { type AccountInput, type Chart, createChart } from "./accounts.js";
import { type AccountMap, defaultChart, resolveAccountMap } from "./chart.js";
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
}

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
  const settings: FinanceSettings = Object.freeze({
    chart,
    accountMap,
    fiscalYearStartMonth: start,
    rules: options.rules ?? {},
    taxAccounts: new Set([accountMap["input-tax"], accountMap["output-tax"]]),
  });
  cache.set(options, settings);
  return settings;
}

function isChart(x: Chart | readonly AccountInput[]): x is Chart {
  return !Array.isArray(x) && typeof (x as Chart).byCode === "object";
}
