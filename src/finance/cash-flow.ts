import { z } from "zod";
import { StorekeepError, parseWith } from "../kernel/errors.js";
import { strictInput } from "../kernel/strict-input.js";
import { addDays, localDateSchema } from "../kernel/local-date.js";
import type { AccountRole } from "../kernel/events/account-roles.js";
import type { Transaction } from "../ports/storage.js";
import { loadChart } from "./account-registry.js";
import type { Account } from "./accounts.js";
import { cashAccountCodes } from "./cash-accounts.js";
import { entriesInRange } from "./export.js";
import { readBalances } from "./ledger-store.js";
import { toUnits, unitsToString } from "./posting-kernel.js";
import { netsOf } from "./reports.js";
import type { FinanceSettings } from "./settings.js";

/*
 * The cash flow statement for a period, both ways:
 * - indirect: net income, plus the change of every non-cash balance-sheet account
 *   (a rise in receivables or inventory used cash, a rise in payables or prepayments
 *   kept it), read from balance sums like every other report;
 * - direct: each journal entry that touches a cash account, its cash movement attributed
 *   to the entry's other accounts (so a payout's fee is a fee paid, a capture against
 *   receivables is cash from customers), read entry by entry.
 * Every entry balances in the functional currency, so both methods' net change equals
 * the change in cash, to the minor unit: `ties` says so, and the tests check it.
 */

/**
 * Which section of a cash flow statement an account's movements belong to.
 *
 * @example
 * ```ts
 * const section: CashFlowActivity = "financing";
 * ```
 */
export type CashFlowActivity = "operating" | "investing" | "financing";

/**
 * One line of a cash flow statement: what it is, the accounts behind it, the cash it
 * brought in (positive) or used (negative), in the functional currency.
 *
 * @example
 * ```ts
 * const line: CashFlowLine = { label: "Change in Receivables", accounts: ["1200"], amount: "-119" };
 * ```
 */
export interface CashFlowLine {
  readonly label: string;
  readonly accounts: readonly string[];
  readonly amount: string;
}

/**
 * A section of a cash flow statement: its lines and their total.
 *
 * @example
 * ```ts
 * statement.direct.operating.total; // "95"
 * ```
 */
export interface CashFlowSection {
  readonly lines: readonly CashFlowLine[];
  readonly total: string;
}

/**
 * A cash flow statement for `from`..`to`: cash at both ends, and the change explained by
 * the indirect method (from net income) and by the direct method (from the cash
 * accounts' entries). `ties` is true when both methods equal `closingCash - openingCash`.
 *
 * @example
 * ```ts
 * const cf = await sk.finance.cashFlow({ from: "2026-01-01", to: "2026-12-31" });
 * cf.indirect.netChange === cf.netChange; // true
 * ```
 */
export interface CashFlowStatement {
  readonly from: string;
  readonly to: string;
  readonly functionalCurrency: string;
  /** The accounts counted as cash: the `bank` and `psp-clearing` roles, the cash account rules, or the `cashAccounts` option. */
  readonly cashAccounts: readonly string[];
  readonly openingCash: string;
  readonly closingCash: string;
  readonly netChange: string;
  readonly indirect: {
    readonly netIncome: string;
    /** Net income plus the changes of working capital (and other operating accounts). */
    readonly operating: CashFlowSection;
    readonly investing: CashFlowSection;
    readonly financing: CashFlowSection;
    readonly netChange: string;
  };
  readonly direct: {
    readonly operating: CashFlowSection;
    readonly investing: CashFlowSection;
    readonly financing: CashFlowSection;
    readonly netChange: string;
  };
  readonly ties: boolean;
}

/**
 * Options of a cash flow statement. By default equity accounts are financing and every
 * other account operating; name investing accounts (fixed assets) and further financing
 * accounts (loans) here. `cashAccounts` replaces the default cash accounts.
 *
 * @example
 * ```ts
 * const options: CashFlowOptions = { from: "2026-01-01", to: "2026-03-31", investing: ["1500"], financing: ["2500"] };
 * ```
 */
export interface CashFlowOptions {
  readonly from: string;
  readonly to: string;
  readonly cashAccounts?: readonly string[];
  readonly investing?: readonly string[];
  readonly financing?: readonly string[];
}

const accountList = z.array(z.string().min(1).max(64)).max(1000);
const optionsSchema = strictInput({ from: localDateSchema, to: localDateSchema, cashAccounts: accountList.min(1).optional(), investing: accountList.optional(), financing: accountList.optional() }).refine((o) => o.from <= o.to, { message: "from must not be after to", path: ["from"] });

/** Direct-method categories by the role of the entry's other account. */
const DIRECT_CATEGORIES: ReadonlyArray<readonly [string, readonly AccountRole[]]> = [
  ["Cash from customers", ["receivables", "psp-clearing", "customer-prepayments", "sales-revenue", "shipping-revenue", "sales-returns"]],
  ["Cash paid to suppliers", ["payables", "grni", "inventory", "inventory-in-transit", "landed-cost-clearing", "purchase-price-difference", "purchase-discounts", "purchase-price-variance", "cogs"]],
  ["Taxes paid and received", ["output-tax", "input-tax", "advance-tax"]],
  ["Payment fees", ["payment-fees"]],
  ["Exchange and rounding differences", ["exchange-gain-loss", "rounding-difference"]],
];

/**
 * Computes the cash flow statement for a period inside a transaction.
 *
 * @example
 * ```ts
 * const cf = await runtime.read((tx) => cashFlowStatement(tx, settings, "EUR", { from: "2026-01-01", to: "2026-03-31" }));
 * ```
 */
export async function cashFlowStatement(tx: Transaction, settings: FinanceSettings, functionalCurrency: string, options: CashFlowOptions): Promise<CashFlowStatement> {
  const parsed = parseWith(optionsSchema, options, "cash flow options");
  const chart = await loadChart(tx, settings);
  for (const [field, codes] of [["cashAccounts", parsed.cashAccounts], ["investing", parsed.investing], ["financing", parsed.financing]] as const) {
    for (const code of codes ?? []) {
      const account = chart.byCode.get(code);
      if (account === undefined || account.header) {
        throw new StorekeepError("VALIDATION_FAILED", `The cash flow option ${field} names ${code}, which is ${account === undefined ? "not in the chart" : "a header account"}; name posting accounts of the chart.`, {
          issues: [{ path: field, message: `${code} is not a posting account`, code: "custom" }],
        });
      }
    }
  }
  const cash = new Set<string>(parsed.cashAccounts ?? cashAccountCodes(settings.accountMap, settings.cashAccounts));
  const investing = new Set(parsed.investing ?? []);
  const financing = new Set(parsed.financing ?? []);
  const activityOf = (account: Account): CashFlowActivity =>
    investing.has(account.code) ? "investing" : financing.has(account.code) || (account.type === "equity" && account.code !== settings.accountMap["retained-earnings"]) ? "financing" : "operating";

  const opening = netsOf(await readBalances(tx, { to: addDays(parsed.from, -1) })).net;
  const period = netsOf(await readBalances(tx, { from: parsed.from, to: parsed.to }));
  const sumCash = (nets: Map<string, bigint>): bigint => [...cash].reduce((s, code) => s + (nets.get(code) ?? 0n), 0n);
  const openingCash = sumCash(opening);
  const netChange = sumCash(period.net);

  // Indirect: net income without year-end closing entries; retained earnings' own closing
  // part is that same income moved, so it is left out too.
  let netIncome = 0n;
  const indirect: Record<CashFlowActivity, CashFlowLine[]> = { operating: [], investing: [], financing: [] };
  for (const account of [...chart.byCode.values()].sort((a, b) => (a.code < b.code ? -1 : 1))) {
    if (account.header || cash.has(account.code)) continue;
    const change = (period.net.get(account.code) ?? 0n) - (period.closing.get(account.code) ?? 0n);
    if (account.type === "revenue" || account.type === "expense") {
      netIncome -= change;
      continue;
    }
    if (change === 0n) continue;
    indirect[activityOf(account)].push({ label: `Change in ${account.name}`, accounts: [account.code], amount: unitsToString(-change) });
  }
  const operatingIndirect = [{ label: "Net income", accounts: [], amount: unitsToString(netIncome) }, ...indirect.operating];

  // Direct: attribute each entry's cash movement to its other lines.
  const direct = new Map<string, { activity: CashFlowActivity; accounts: Set<string>; amount: bigint; order: number }>();
  const roleOf = new Map<string, AccountRole>();
  for (const [role, code] of Object.entries(settings.accountMap) as [AccountRole, string][]) if (!roleOf.has(code)) roleOf.set(code, role);
  const categoryOf = (account: Account): { label: string; activity: CashFlowActivity; order: number } => {
    const activity = activityOf(account);
    if (activity !== "operating") return { label: account.name, activity, order: 100 };
    const role = roleOf.get(account.code);
    const index = role === undefined ? -1 : DIRECT_CATEGORIES.findIndex(([, roles]) => roles.includes(role));
    if (index >= 0) return { label: DIRECT_CATEGORIES[index]![0], activity, order: index };
    return { label: `Other: ${account.name}`, activity, order: 50 };
  };
  for await (const entry of entriesInRange(tx, { from: parsed.from, to: parsed.to })) {
    if (entry.kind === "closing" || !entry.lines.some((l) => cash.has(l.account))) continue;
    for (const line of entry.lines) {
      if (cash.has(line.account)) continue;
      const account = chart.byCode.get(line.account);
      if (account === undefined) continue;
      const amount = -toUnits(line.functional);
      if (amount === 0n) continue;
      const category = categoryOf(account);
      const key = `${category.activity}\u0000${category.label}`;
      const row = direct.get(key) ?? { activity: category.activity, accounts: new Set<string>(), amount: 0n, order: category.order };
      row.accounts.add(account.code);
      row.amount += amount;
      direct.set(key, row);
    }
  }
  const directLines: Record<CashFlowActivity, CashFlowLine[]> = { operating: [], investing: [], financing: [] };
  for (const [key, row] of [...direct].sort(([ka, a], [kb, b]) => a.order - b.order || (ka < kb ? -1 : 1))) {
    if (row.amount === 0n) continue;
    directLines[row.activity].push({ label: key.split("\u0000")[1]!, accounts: [...row.accounts].sort(), amount: unitsToString(row.amount) });
  }

  const section = (lines: CashFlowLine[]): CashFlowSection => ({ lines, total: unitsToString(lines.reduce((s, l) => s + toUnits(l.amount), 0n)) });
  const indirectSections = { operating: section(operatingIndirect), investing: section(indirect.investing), financing: section(indirect.financing) };
  const directSections = { operating: section(directLines.operating), investing: section(directLines.investing), financing: section(directLines.financing) };
  const totalOf = (s: typeof indirectSections): bigint => toUnits(s.operating.total) + toUnits(s.investing.total) + toUnits(s.financing.total);
  const indirectChange = totalOf(indirectSections);
  const directChange = totalOf(directSections);
  return {
    from: parsed.from,
    to: parsed.to,
    functionalCurrency,
    cashAccounts: [...cash].sort(),
    openingCash: unitsToString(openingCash),
    closingCash: unitsToString(openingCash + netChange),
    netChange: unitsToString(netChange),
    indirect: { netIncome: unitsToString(netIncome), ...indirectSections, netChange: unitsToString(indirectChange) },
    direct: { ...directSections, netChange: unitsToString(directChange) },
    ties: indirectChange === netChange && directChange === netChange,
  };
}
