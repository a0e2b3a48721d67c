import { StorekeepError } from "../kernel/errors.js";
import type { Transaction } from "../ports/storage.js";
import { type Account, type AccountInput, type Chart, toAccount } from "./accounts.js";
import { FINANCE_STORE } from "./ledger-store.js";
import type { FinanceSettings } from "./settings.js";

/*
 * Which accounts exist now: the configured chart plus accounts defined at run time
 * (stored in `finance.accounts`).
 */

/**
 * The accounts named by `codes` (configured or defined). Throws `NOT_FOUND` naming the
 * unknown codes.
 *
 * @example
 * ```ts
 * const accounts = await resolveAccounts(tx, settings, ["1100", "6500"]);
 * ```
 */
export async function resolveAccounts(tx: Transaction, settings: FinanceSettings, codes: Iterable<string>): Promise<Map<string, Account>> {
  const out = new Map<string, Account>();
  const missing: string[] = [];
  for (const code of new Set(codes)) {
    const account = settings.chart.byCode.get(code);
    if (account === undefined) missing.push(code);
    else out.set(code, account);
  }
  if (missing.length > 0) {
    const docs = await tx.documents.getMany(FINANCE_STORE.accounts, missing);
    for (const doc of docs) out.set(doc.id, doc.data as unknown as Account);
    const unknown = missing.filter((code) => !out.has(code));
    if (unknown.length > 0) {
      throw new StorekeepError("NOT_FOUND", `Unknown account${unknown.length > 1 ? "s" : ""} ${unknown.join(", ")}: add ${unknown.length > 1 ? "them" : "it"} to the chart or define ${unknown.length > 1 ? "them" : "it"} with defineAccount first.`, { accounts: unknown });
    }
  }
  return out;
}

/**
 * Every account: the configured chart followed by accounts defined at run time, as one
 * chart (parents resolved across both).
 *
 * @example
 * ```ts
 * const chart = await loadChart(tx, settings);
 * ```
 */
export async function loadChart(tx: Transaction, settings: FinanceSettings): Promise<Chart> {
  const defined: Account[] = [];
  let after: { values: string[]; id: string } | undefined;
  for (;;) {
    const page = await tx.documents.find(FINANCE_STORE.accounts, { index: "byCode", limit: 1000, ...(after === undefined ? {} : { after }) });
    for (const doc of page) defined.push(doc.data as unknown as Account);
    if (page.length < 1000) break;
    const last = page[page.length - 1]!;
    after = { values: [last.id], id: last.id };
  }
  if (defined.length === 0) return settings.chart;
  const byCode = new Map(settings.chart.byCode);
  for (const account of defined) byCode.set(account.code, account);
  return { accounts: [...settings.chart.accounts, ...defined], byCode };
}

/**
 * Checks a new account against the accounts that exist and returns it: the code is new,
 * the parent exists, is a header and has the same type.
 *
 * @example
 * ```ts
 * const account = await checkNewAccount(tx, settings, { code: "6500", name: "Marketing", type: "expense", parent: "6000" });
 * ```
 */
export async function checkNewAccount(tx: Transaction, settings: FinanceSettings, input: AccountInput): Promise<Account> {
  if (settings.chart.byCode.has(input.code) || (await tx.documents.get(FINANCE_STORE.accounts, input.code)) !== undefined) {
    throw new StorekeepError("ALREADY_EXISTS", `Account ${input.code} already exists; choose another code.`, { account: input.code });
  }
  const account = toAccount(input);
  if (account.parent !== undefined) {
    const parent = (await resolveAccounts(tx, settings, [account.parent])).get(account.parent)!;
    if (!parent.header || parent.type !== account.type) {
      throw new StorekeepError("VALIDATION_FAILED", `Account ${account.code} cannot sit under ${parent.code}: a parent must be a header account of the same type (${account.type}).`, {
        issues: [{ path: "parent", message: "must be a header account of the same type", code: "custom" }],
      });
    }
  }
  return account;
}
