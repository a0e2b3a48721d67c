import { StorekeepError } from "../kernel/errors.js";
import type { Chart } from "./accounts.js";
import type { AccountMap } from "./chart.js";

/*
 * Several bank and payment-provider accounts: the account map names one account per role;
 * cash-account rules pick another one for a provider, a currency or both.
 */

/**
 * The roles that may have several accounts: banks and payment-provider clearing.
 *
 * @example
 * ```ts
 * const role: CashRole = "psp-clearing";
 * ```
 */
export type CashRole = "bank" | "psp-clearing";

/**
 * One cash-account rule: money of `role` for `provider` (a payment provider such as
 * `"stripe"`, or a bank name) and/or `currency` goes to `account`. The most specific rule
 * wins (provider and currency, then provider, then currency); with none, the account
 * map's account for the role.
 *
 * @example
 * ```ts
 * const rules: CashAccountRule[] = [
 *   { role: "bank", currency: "USD", account: "1110" },
 *   { role: "psp-clearing", provider: "paypal", account: "1160" },
 * ];
 * ```
 */
export interface CashAccountRule {
  readonly role: CashRole;
  readonly provider?: string;
  readonly currency?: string;
  readonly account: string;
}

/**
 * Every account that holds cash: the `bank` and `psp-clearing` roles' accounts and the
 * accounts of the cash account rules (read by the cash flow statement and revaluation).
 *
 * @example
 * ```ts
 * cashAccountCodes(DEFAULT_ACCOUNT_MAP, [{ role: "bank", currency: "USD", account: "1110" }]); // ["1100", "1150", "1110"]
 * ```
 */
export function cashAccountCodes(map: AccountMap, rules: readonly CashAccountRule[]): string[] {
  return [...new Set([map.bank, map["psp-clearing"], ...rules.map((r) => r.account)])];
}

/**
 * The account for money of `role`, `provider` and `currency` (see {@link CashAccountRule}).
 *
 * @example
 * ```ts
 * cashAccount(DEFAULT_ACCOUNT_MAP, [{ role: "bank", currency: "USD", account: "1110" }], "bank", undefined, "USD"); // "1110"
 * ```
 */
export function cashAccount(map: AccountMap, rules: readonly CashAccountRule[] | undefined, role: CashRole, provider: string | undefined, currency: string): string {
  if (rules === undefined || rules.length === 0) return map[role];
  let best: CashAccountRule | undefined;
  let bestScore = 0;
  for (const rule of rules) {
    if (rule.role !== role) continue;
    if (rule.provider !== undefined && rule.provider !== provider) continue;
    if (rule.currency !== undefined && rule.currency !== currency) continue;
    const score = (rule.provider !== undefined ? 2 : 0) + (rule.currency !== undefined ? 1 : 0) + 1;
    if (score > bestScore) {
      best = rule;
      bestScore = score;
    }
  }
  return best?.account ?? map[role];
}

/**
 * Checks cash-account rules against the chart: a known role, an account of the chart that
 * takes postings, kept in the rule's currency when the account has one, and no two rules
 * for the same role, provider and currency. Throws `VALIDATION_FAILED` naming each bad rule.
 *
 * @example
 * ```ts
 * checkCashAccounts(chart, [{ role: "bank", currency: "USD", account: "1110" }]);
 * ```
 */
export function checkCashAccounts(chart: Chart, rules: readonly CashAccountRule[]): void {
  const issues: { path: string; message: string; code: string }[] = [];
  const seen = new Set<string>();
  rules.forEach((rule, index) => {
    const path = `cashAccounts[${index}]`;
    if (rule.role !== "bank" && rule.role !== "psp-clearing") issues.push({ path: `${path}.role`, message: `role must be "bank" or "psp-clearing", not ${JSON.stringify(rule.role)}`, code: "custom" });
    const account = chart.byCode.get(rule.account);
    if (account === undefined) issues.push({ path: `${path}.account`, message: `account ${rule.account} is not in the chart`, code: "custom" });
    else if (account.header) issues.push({ path: `${path}.account`, message: `account ${rule.account} is a header account and takes no postings`, code: "custom" });
    else if (account.currency !== undefined && rule.currency !== undefined && account.currency !== rule.currency) {
      issues.push({ path: `${path}.account`, message: `account ${rule.account} is kept in ${account.currency}, not ${rule.currency}`, code: "custom" });
    } else if (account.currency !== undefined && rule.currency === undefined) {
      issues.push({ path: `${path}.currency`, message: `account ${rule.account} is kept in ${account.currency}: give currency "${account.currency}"`, code: "custom" });
    }
    const key = `${rule.role}|${rule.provider ?? ""}|${rule.currency ?? ""}`;
    if (seen.has(key)) issues.push({ path, message: "another rule has the same role, provider and currency", code: "custom" });
    seen.add(key);
  });
  if (issues.length > 0) {
    throw new StorekeepError("VALIDATION_FAILED", `The cash accounts do not fit the chart: ${issues.map((i) => `${i.path}: ${i.message}`).join("; ")}.`, { issues });
  }
}
