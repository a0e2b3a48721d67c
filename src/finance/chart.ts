import { ACCOUNT_ROLES, type AccountRole } from "../kernel/events/account-roles.js";
import { StorekeepError } from "../kernel/errors.js";
import { type AccountInput, type Chart, createChart } from "./accounts.js";

/*
 * The default chart of an online shop and the account map (role → account code) the
 * posting rules read. A shop may extend or replace both.
 */

/**
 * The declarations of the default chart: every account the posting table names, grouped
 * under one header per type.
 *
 * @example
 * ```ts
 * DEFAULT_ACCOUNTS.find((a) => a.code === "1300")?.name; // "Inventory"
 * ```
 */
export const DEFAULT_ACCOUNTS: readonly AccountInput[] = Object.freeze([
  { code: "1000", name: "Assets", type: "asset", header: true },
  { code: "1100", name: "Bank", type: "asset", parent: "1000" },
  { code: "1150", name: "Payment provider clearing", type: "asset", parent: "1000" },
  { code: "1200", name: "Receivables", type: "asset", parent: "1000" },
  { code: "1300", name: "Inventory", type: "asset", parent: "1000" },
  { code: "1310", name: "Inventory in transit", type: "asset", parent: "1000" },
  { code: "1400", name: "Input tax", type: "asset", parent: "1000" },
  { code: "1410", name: "Output tax on customer advances", type: "asset", parent: "1000" },
  { code: "1450", name: "Landed cost clearing", type: "asset", parent: "1000" },
  { code: "2000", name: "Liabilities", type: "liability", header: true },
  { code: "2100", name: "Payables", type: "liability", parent: "2000" },
  { code: "2150", name: "Goods received not invoiced", type: "liability", parent: "2000" },
  { code: "2200", name: "Customer prepayments", type: "liability", parent: "2000" },
  { code: "2300", name: "Output tax", type: "liability", parent: "2000" },
  { code: "3000", name: "Equity", type: "equity", header: true },
  { code: "3100", name: "Share capital", type: "equity", parent: "3000" },
  { code: "3200", name: "Retained earnings", type: "equity", parent: "3000" },
  { code: "3300", name: "Opening balance equity", type: "equity", parent: "3000" },
  { code: "4000", name: "Revenue", type: "revenue", header: true },
  { code: "4100", name: "Sales revenue", type: "revenue", parent: "4000" },
  { code: "4200", name: "Shipping revenue", type: "revenue", parent: "4000" },
  { code: "4300", name: "Sales returns", type: "revenue", contra: true, parent: "4000" },
  { code: "5000", name: "Cost of sales", type: "expense", header: true },
  { code: "5100", name: "Cost of goods sold", type: "expense", parent: "5000" },
  { code: "5200", name: "Purchase price difference", type: "expense", parent: "5000" },
  { code: "5210", name: "Purchase price variance", type: "expense", parent: "5000" },
  { code: "5300", name: "Inventory shrinkage", type: "expense", parent: "5000" },
  { code: "5310", name: "Inventory write-off", type: "expense", parent: "5000" },
  { code: "6000", name: "Operating expenses", type: "expense", header: true },
  { code: "6100", name: "Payment fees", type: "expense", parent: "6000" },
  { code: "6300", name: "Bad debts", type: "expense", parent: "6000" },
  { code: "6800", name: "Exchange gain/loss", type: "expense", parent: "6000" },
  { code: "6900", name: "Rounding differences", type: "expense", parent: "6000" },
] satisfies AccountInput[]);

/**
 * The default chart of accounts for an online shop (a fresh chart each call).
 *
 * @example
 * ```ts
 * defaultChart().byCode.get("2150")?.name; // "Goods received not invoiced"
 * ```
 */
export function defaultChart(): Chart {
  return createChart(DEFAULT_ACCOUNTS);
}

/**
 * Which account each role posts to.
 *
 * @example
 * ```ts
 * const map: AccountMap = { ...DEFAULT_ACCOUNT_MAP, "payment-fees": "6150" };
 * ```
 */
export type AccountMap = Readonly<Record<AccountRole, string>>;

/**
 * The default account map over {@link DEFAULT_ACCOUNTS}.
 *
 * @example
 * ```ts
 * DEFAULT_ACCOUNT_MAP.cogs; // "5100"
 * ```
 */
export const DEFAULT_ACCOUNT_MAP: AccountMap = Object.freeze({
  inventory: "1300",
  "inventory-in-transit": "1310",
  cogs: "5100",
  grni: "2150",
  "purchase-price-difference": "5200",
  "purchase-price-variance": "5210",
  "landed-cost-clearing": "1450",
  shrinkage: "5300",
  "write-off": "5310",
  "opening-balance-equity": "3300",
  "sales-revenue": "4100",
  "shipping-revenue": "4200",
  "sales-returns": "4300",
  "output-tax": "2300",
  "advance-tax": "1410",
  receivables: "1200",
  "customer-prepayments": "2200",
  "psp-clearing": "1150",
  "payment-fees": "6100",
  "input-tax": "1400",
  payables: "2100",
  // Cash discounts received reduce the purchase price (IAS 2), so by default they go where
  // price differences go; a shop that keeps them apart maps the role to its own account.
  "purchase-discounts": "5200",
  bank: "1100",
  "exchange-gain-loss": "6800",
  "rounding-difference": "6900",
  "retained-earnings": "3200",
});

/**
 * The account map with a shop's overrides applied, checked against the chart: every role
 * must name an account of the chart that takes postings. Throws `VALIDATION_FAILED`
 * naming each bad role.
 *
 * @example
 * ```ts
 * const map = resolveAccountMap(chart, { "payment-fees": "6150" });
 * ```
 */
export function resolveAccountMap(chart: Chart, overrides: Partial<Record<AccountRole, string>> = {}): AccountMap {
  const map: Record<string, string> = { ...DEFAULT_ACCOUNT_MAP };
  for (const [role, code] of Object.entries(overrides)) {
    if (!(ACCOUNT_ROLES as readonly string[]).includes(role)) {
      throw new StorekeepError("VALIDATION_FAILED", `The account map names an unknown role "${role}"; roles are ${ACCOUNT_ROLES.join(", ")}.`, {
        issues: [{ path: `accountMap.${role}`, message: "unknown role", code: "custom" }],
      });
    }
    if (code !== undefined) map[role] = code;
  }
  const issues: { path: string; message: string; code: string }[] = [];
  for (const role of ACCOUNT_ROLES) {
    const account = chart.byCode.get(map[role]!);
    if (account === undefined) issues.push({ path: `accountMap.${role}`, message: `account ${map[role]} is not in the chart`, code: "custom" });
    else if (account.header) issues.push({ path: `accountMap.${role}`, message: `account ${account.code} is a header account and takes no postings`, code: "custom" });
  }
  if (issues.length > 0) {
    throw new StorekeepError("VALIDATION_FAILED", `The account map does not fit the chart: ${issues.map((i) => `${i.path}: ${i.message}`).join("; ")}. Add the accounts to the chart or map the roles to existing ones.`, { issues });
  }
  return Object.freeze(map) as AccountMap;
}
