import type { Decimal } from "../kernel/decimal.js";
import type { AccountRole } from "../kernel/events/account-roles.js";
import type { Transaction } from "../ports/storage.js";

/**
 * Debit and credit turnover of one account role over a date range, in the functional
 * currency; `closing` is the signed net (debit − credit) of year-end closing lines within
 * it, which profit-and-loss figures leave out.
 *
 * @example
 * ```ts
 * const t: Turnover = { debit: new Decimal("100"), credit: new Decimal("20"), closing: new Decimal(0) };
 * ```
 */
export interface Turnover {
  readonly debit: Decimal;
  readonly credit: Decimal;
  readonly closing: Decimal;
}

/**
 * What analytics reads from the books and the stock ledger, wired by the facade (analytics
 * imports neither finance nor inventory). Every read is a sum over balance families: a
 * year costs a few rows per key, not a row per entry or movement.
 *
 * @example
 * ```ts
 * const sources: AnalyticsSources = {
 *   accountTotals: async () => ({}),
 *   cashPosition: async () => new Decimal(0),
 *   stockBySku: async () => new Map(),
 * };
 * ```
 */
export interface AnalyticsSources {
  /**
   * Functional debit and credit turnover per role over `from`..`to` (inclusive; `from`
   * omitted: since the beginning, i.e. the balance as of `to`). Roles the books lack read
   * as zero.
   */
  accountTotals(tx: Transaction, roles: readonly AccountRole[], range: { readonly from?: string; readonly to: string }): Promise<Partial<Record<AccountRole, Turnover>>>;
  /** Money in the bank, in payment-provider clearing and in every cash account, as of a date (functional). */
  cashPosition(tx: Transaction, asOf: string): Promise<Decimal>;
  /** Quantity on hand and value per SKU as of a date (every SKU that ever had stock). */
  stockBySku(tx: Transaction, asOf: string): Promise<Map<string, { readonly quantity: Decimal; readonly value: Decimal }>>;
  /** Units and value per warehouse as of a date (`in-transit` for stock travelling between warehouses); see `splitStockByWarehouse`. */
  stockByWarehouse?(tx: Transaction, asOf: string): Promise<Map<string, { readonly quantity: Decimal; readonly value: Decimal }>>;
  /**
   * Optional: the change of quantity and value per SKU after `after` (exclusive) up to `asOf`
   * (inclusive), only the SKUs that moved. A series then reads the stock in full at its first
   * point and only each later point's change, instead of every SKU at every point.
   */
  stockChangesBySku?(tx: Transaction, after: string, asOf: string): Promise<Map<string, { readonly quantity: Decimal; readonly value: Decimal }>>;
}
