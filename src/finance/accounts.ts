import { z } from "zod";
import { StorekeepError, parseWith } from "../kernel/errors.js";
import { isCurrencyCode, type CurrencyCode } from "../kernel/currencies.js";
import { strictInput } from "../kernel/strict-input.js";

/*
 * Accounts and charts: what an account is (type, normal balance, contra, hierarchy,
 * optional currency) and how a chart of them is validated and looked up.
 */

/**
 * The five account types of double-entry bookkeeping.
 *
 * @example
 * ```ts
 * const t: AccountType = "asset";
 * ```
 */
export type AccountType = "asset" | "liability" | "equity" | "revenue" | "expense";

/**
 * Every account type, in statement order.
 *
 * @example
 * ```ts
 * ACCOUNT_TYPES.includes("revenue"); // true
 * ```
 */
export const ACCOUNT_TYPES: readonly AccountType[] = ["asset", "liability", "equity", "revenue", "expense"];

/**
 * The side on which an account's balance normally sits.
 *
 * @example
 * ```ts
 * const side: NormalBalance = "credit";
 * ```
 */
export type NormalBalance = "debit" | "credit";

/**
 * An account of the chart. A contra account (accumulated depreciation, sales returns) is
 * an account of its type whose normal balance is the opposite of the type's. `parent`
 * places it in the hierarchy (parents roll up their children in reports); a `header`
 * account only groups others and takes no postings; `currency` restricts the account's
 * lines to one transaction currency.
 *
 * @example
 * ```ts
 * const returns: Account = { code: "4300", name: "Sales returns", type: "revenue", normalBalance: "debit", contra: true, parent: "4000", header: false };
 * ```
 */
export interface Account {
  readonly code: string;
  readonly name: string;
  readonly type: AccountType;
  readonly normalBalance: NormalBalance;
  readonly contra: boolean;
  readonly header: boolean;
  readonly parent?: string;
  readonly currency?: CurrencyCode;
}

/** What an account code may be: 1–32 letters, digits, '.', '_' or '-', starting with a letter or digit. @internal */
export const ACCOUNT_CODE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/;

/**
 * An account code: 1–32 letters, digits, `.`, `_` or `-`, starting with a letter or digit
 * (no `|` or `:`, which the ledger uses in keys and hledger in account paths).
 *
 * @example
 * ```ts
 * accountCodeSchema.parse("1200");
 * ```
 */
export const accountCodeSchema = z.string().regex(ACCOUNT_CODE, {
  message: "must be 1-32 letters, digits, '.', '_' or '-' starting with a letter or digit",
});

/**
 * How an account is declared: the normal balance follows from the type (debit for
 * assets and expenses, credit for the others) and `contra` flips it.
 *
 * @example
 * ```ts
 * const input: AccountInput = { code: "1510", name: "Accumulated depreciation", type: "asset", contra: true, parent: "1500" };
 * ```
 */
export interface AccountInput {
  readonly code: string;
  readonly name: string;
  readonly type: AccountType;
  readonly contra?: boolean;
  readonly header?: boolean;
  readonly parent?: string;
  readonly currency?: CurrencyCode;
  /** Follows from `type` and `contra`; accepted (an account read back from `accounts()`) when it agrees. */
  readonly normalBalance?: NormalBalance;
}

/**
 * The boundary schema of an {@link AccountInput}.
 *
 * @example
 * ```ts
 * accountInputSchema.parse({ code: "6500", name: "Marketing", type: "expense" });
 * ```
 */
export const accountInputSchema = strictInput({
  code: accountCodeSchema,
  name: z.string().min(1).max(200),
  type: z.enum(["asset", "liability", "equity", "revenue", "expense"]),
  contra: z.boolean().optional(),
  header: z.boolean().optional(),
  parent: accountCodeSchema.optional(),
  currency: z.string().refine(isCurrencyCode, { message: "must be an ISO 4217 currency code such as \"EUR\"" }).optional(),
  // An account read back (accounts(), DEFAULT_CHART) carries its derived normal balance: it may come
  // along, and must agree with the type. Any other unknown key is refused (a misspelled field).
  normalBalance: z.enum(["debit", "credit"]).optional(),
}).superRefine((a, ctx) => {
  const normal = normalBalanceOf(a.type, a.contra ?? false);
  if (a.normalBalance !== undefined && a.normalBalance !== normal) {
    ctx.addIssue({ code: "custom", path: ["normalBalance"], message: `the normal balance is ${normal} for type ${a.type}${a.contra === true ? " (contra)" : ""}; leave normalBalance out (it follows from type and contra)` });
  }
});

/**
 * The normal balance of an account type, flipped for a contra account.
 *
 * @example
 * ```ts
 * normalBalanceOf("revenue", true); // "debit" (sales returns)
 * ```
 */
export function normalBalanceOf(type: AccountType, contra = false): NormalBalance {
  const natural: NormalBalance = type === "asset" || type === "expense" ? "debit" : "credit";
  if (!contra) return natural;
  return natural === "debit" ? "credit" : "debit";
}

/**
 * Builds an {@link Account} from its declaration.
 *
 * @example
 * ```ts
 * toAccount({ code: "1100", name: "Bank", type: "asset" }).normalBalance; // "debit"
 * ```
 */
export function toAccount(input: AccountInput): Account {
  const contra = input.contra ?? false;
  return Object.freeze({
    code: input.code,
    name: input.name,
    type: input.type,
    normalBalance: normalBalanceOf(input.type, contra),
    contra,
    header: input.header ?? false,
    ...(input.parent === undefined ? {} : { parent: input.parent }),
    ...(input.currency === undefined ? {} : { currency: input.currency }),
  });
}

/**
 * A validated chart of accounts: the accounts in declaration order and a lookup by code.
 *
 * @example
 * ```ts
 * const chart = createChart([{ code: "1100", name: "Bank", type: "asset" }]);
 * chart.byCode.get("1100")?.name; // "Bank"
 * ```
 */
export interface Chart {
  readonly accounts: readonly Account[];
  readonly byCode: ReadonlyMap<string, Account>;
}

/**
 * Validates account declarations into a chart: codes are unique, parents exist, are
 * headers of the same type, and form no cycle. Throws `VALIDATION_FAILED` naming the
 * account to fix.
 *
 * @example
 * ```ts
 * const chart = createChart([
 *   { code: "1000", name: "Assets", type: "asset", header: true },
 *   { code: "1100", name: "Bank", type: "asset", parent: "1000" },
 * ]);
 * ```
 */
export function createChart(inputs: readonly AccountInput[]): Chart {
  const byCode = new Map<string, Account>();
  inputs.forEach((input, index) => {
    const parsed = parseWith(accountInputSchema, input, `account ${index} of the chart`) as AccountInput;
    if (byCode.has(parsed.code)) {
      throw chartError(`Account code ${parsed.code} is declared twice in the chart; give each account its own code.`, parsed.code);
    }
    byCode.set(parsed.code, toAccount(parsed));
  });
  for (const account of byCode.values()) checkParent(account, byCode);
  return Object.freeze({ accounts: Object.freeze([...byCode.values()]), byCode });
}

/**
 * A chart with more accounts (or accounts replaced by code: a later declaration of the
 * same code overrides the earlier one).
 *
 * @example
 * ```ts
 * const mine = extendChart(defaultChart(), [{ code: "6500", name: "Marketing", type: "expense", parent: "6000" }]);
 * ```
 */
export function extendChart(chart: Chart, inputs: readonly AccountInput[]): Chart {
  const merged = new Map<string, AccountInput>();
  for (const account of chart.accounts) merged.set(account.code, account);
  for (const input of inputs) merged.set(input.code, input);
  return createChart([...merged.values()]);
}

function checkParent(account: Account, byCode: ReadonlyMap<string, Account>): void {
  const seen = new Set<string>([account.code]);
  let current = account;
  while (current.parent !== undefined) {
    const parent = byCode.get(current.parent);
    if (parent === undefined) {
      throw chartError(`Account ${current.code} names parent ${current.parent}, which is not in the chart; declare the parent first.`, current.code);
    }
    if (!parent.header) {
      throw chartError(`Account ${current.code} names parent ${parent.code}, which takes postings; mark ${parent.code} as a header account.`, current.code);
    }
    if (parent.type !== current.type) {
      throw chartError(`Account ${current.code} (${current.type}) cannot sit under ${parent.code} (${parent.type}); a parent must have its children's type.`, current.code);
    }
    if (seen.has(parent.code)) throw chartError(`Accounts ${[...seen].join(", ")} form a cycle of parents; break it.`, account.code);
    seen.add(parent.code);
    current = parent;
  }
}

function chartError(message: string, code: string): StorekeepError {
  return new StorekeepError("VALIDATION_FAILED", message, { issues: [{ path: "chart", message, code: "custom" }], account: code });
}

/**
 * The codes from an account up to its root, the account first.
 *
 * @example
 * ```ts
 * ancestorsOf(chart, "1100"); // ["1100", "1000"]
 * ```
 */
export function ancestorsOf(chart: Chart, code: string): string[] {
  const out: string[] = [];
  let current = chart.byCode.get(code);
  while (current !== undefined) {
    out.push(current.code);
    current = current.parent === undefined ? undefined : chart.byCode.get(current.parent);
  }
  return out;
}

/**
 * True when a debit increases the account's reported balance.
 *
 * @example
 * ```ts
 * isDebitNormal(chart.byCode.get("1100")!); // true
 * ```
 */
export function isDebitNormal(account: Account): boolean {
  return account.normalBalance === "debit";
}
