import type { Transaction } from "./storage.js";

/**
 * A lockable domain: the domain of a stock movement, a sale or a purchase, a tax posting,
 * or `general` (refused when ANY domain is locked for the date).
 *
 * @example
 * ```ts
 * const domain: PeriodLockDomain = "stock";
 * ```
 */
export type PeriodLockDomain = "sales" | "purchases" | "stock" | "tax" | "general";

/**
 * The period-lock seam: how a module checks that a date is open for its domain without
 * knowing which module keeps the locks. The module that keeps the books declares it
 * (`ModuleDefinition.periodLocks`; finance does), the runtime wires it into every
 * command's context as `ctx.periodLocks`, and inventory, sales and purchasing call it
 * before they write anything dated. `assertOpen` reads inside the command's transaction
 * and throws `PERIOD_LOCKED` when `date` is on or before the domain's lock.
 *
 * @example
 * ```ts
 * await ctx.periodLocks.assertOpen(ctx.tx, "stock", "2026-03-15");
 * ```
 */
export interface PeriodLocks {
  assertOpen(tx: Transaction, domain: PeriodLockDomain, date: string): Promise<void>;
}

/**
 * The seam when no module keeps period locks: every date is open.
 *
 * @example
 * ```ts
 * await noPeriodLocks.assertOpen(tx, "sales", "2020-01-01"); // never throws
 * ```
 */
export const noPeriodLocks: PeriodLocks = Object.freeze({
  assertOpen: async (): Promise<void> => {},
});
