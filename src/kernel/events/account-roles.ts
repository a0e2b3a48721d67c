import { z } from "zod";

/**
 * The account roles that events name and finance maps to account codes (the shop's
 * account map). Inventory and purchasing say *which role* a value belongs to; finance
 * alone knows the account code behind it.
 *
 * @example
 * ```ts
 * ACCOUNT_ROLES.includes("cogs"); // true
 * ```
 */
export const ACCOUNT_ROLES = [
  // stock
  "inventory",
  "inventory-in-transit",
  "cogs",
  "grni",
  "purchase-price-difference",
  "purchase-price-variance",
  "landed-cost-clearing",
  "shrinkage",
  "write-off",
  "opening-balance-equity",
  // sales
  "sales-revenue",
  "shipping-revenue",
  "sales-returns",
  "output-tax",
  "advance-tax",
  "receivables",
  "customer-prepayments",
  "psp-clearing",
  "payment-fees",
  // purchasing and cash
  "input-tax",
  "payables",
  "purchase-discounts",
  "bank",
  // general
  "exchange-gain-loss",
  "rounding-difference",
  "retained-earnings",
] as const;

/**
 * An account role (see {@link ACCOUNT_ROLES}).
 *
 * @example
 * ```ts
 * const role: AccountRole = "grni";
 * ```
 */
export type AccountRole = (typeof ACCOUNT_ROLES)[number];

/**
 * The schema of an {@link AccountRole}.
 *
 * @example
 * ```ts
 * accountRoleSchema.parse("shrinkage");
 * ```
 */
export const accountRoleSchema = z.enum(ACCOUNT_ROLES);

/**
 * The counter-account roles a stock-value event may name against `inventory`.
 *
 * @example
 * ```ts
 * stockCounterRoleSchema.parse("grni");
 * ```
 */
export const stockCounterRoleSchema = z.enum([
  "cogs",
  "grni",
  "purchase-price-difference",
  "purchase-price-variance",
  "landed-cost-clearing",
  "shrinkage",
  "write-off",
  "opening-balance-equity",
  "inventory-in-transit",
]);

/**
 * A counter-account role of a stock-value event.
 *
 * @example
 * ```ts
 * const role: StockCounterRole = "cogs";
 * ```
 */
export type StockCounterRole = z.output<typeof stockCounterRoleSchema>;
