import type { PeriodLocks } from "../ports/period-locks.js";
import type { Transaction } from "../ports/storage.js";

/**
 * Refuses (throws `PERIOD_LOCKED`) a stock movement or revaluation dated `date` into a
 * locked stock period. Locks run "through a date", so inventory asks once per command
 * for the earliest date it would write. `locks` is the period-lock seam the runtime wired
 * (finance's locks when the finance module is registered).
 *
 * @example
 * ```ts
 * const guard: StockPeriodGuard = async (_tx, date) => { if (date <= "2026-03-31") throw new StorekeepError("PERIOD_LOCKED", "closed"); };
 * ```
 */
export type StockPeriodGuard = (tx: Transaction, date: string, locks: PeriodLocks) => Promise<void>;

/**
 * The default guard: the stock domain of the period-lock seam (`ctx.periodLocks`), read
 * inside the command's transaction. With no module keeping locks, every date is open.
 *
 * @example
 * ```ts
 * inventoryModule({ periodGuard: sharedStockPeriodGuard });
 * ```
 */
export const sharedStockPeriodGuard: StockPeriodGuard = (tx, date, locks) => locks.assertOpen(tx, "stock", date);

/**
 * The default guard under its earlier name: it now reads the period-lock seam, which is
 * finance's stock lock whenever the finance module is registered.
 *
 * @deprecated Use {@link sharedStockPeriodGuard}.
 * @example
 * ```ts
 * inventoryModule({ periodGuard: financeStockPeriodGuard });
 * ```
 */
export const financeStockPeriodGuard: StockPeriodGuard = sharedStockPeriodGuard;

/**
 * A guard that never refuses (hosts that keep no stock periods).
 *
 * @example
 * ```ts
 * inventoryModule({ periodGuard: openStockPeriods });
 * ```
 */
export const openStockPeriods: StockPeriodGuard = async () => {};
