import { isStorekeepError } from "../kernel/errors.js";
import type { Transaction } from "../ports/storage.js";
import { PERIOD_LOCKS_COLLECTION, assertPeriodOpen } from "../finance/periods.js";

/**
 * Refuses (throws `PERIOD_LOCKED`) a stock movement or revaluation dated `date` into a
 * locked stock period. Locks run "through a date", so inventory asks once per command
 * for the earliest date it would write.
 *
 * @example
 * ```ts
 * const guard: StockPeriodGuard = async (_tx, date) => { if (date <= "2026-03-31") throw new StorekeepError("PERIOD_LOCKED", "closed"); };
 * ```
 */
export type StockPeriodGuard = (tx: Transaction, date: string) => Promise<void>;

/**
 * The default guard: finance's stock lock (`finance.period-locks`), read inside the
 * command's transaction. When the finance module is not registered in the store there are
 * no locks, and every date is open.
 *
 * @example
 * ```ts
 * await financeStockPeriodGuard(tx, "2026-03-15");
 * ```
 */
export const financeStockPeriodGuard: StockPeriodGuard = async (tx, date) => {
  try {
    await assertPeriodOpen(tx, "stock", date);
  } catch (error) {
    // Both adapters refuse an undeclared collection before touching the database.
    if (isStorekeepError(error) && error.code === "NOT_FOUND" && error.details["name"] === PERIOD_LOCKS_COLLECTION) return;
    throw error;
  }
};

/**
 * A guard that never refuses (hosts that keep no stock periods).
 *
 * @example
 * ```ts
 * inventoryModule({ periodGuard: openStockPeriods });
 * ```
 */
export const openStockPeriods: StockPeriodGuard = async () => {};
