import type { Decimal } from "../kernel/decimal.js";
import type { CurrencyCode } from "../kernel/currencies.js";
import type { LocalDate } from "../kernel/local-date.js";

/**
 * Exchange rates: how many units of `quote` one unit of `base` buys on a date.
 *
 * @example
 * ```ts
 * const rate = await rates.rate("USD", "EUR", localDate("2026-11-27")); // Decimal 0.92
 * ```
 */
export interface RateProvider {
  /** The rate on `date` (the latest one on or before it), or `undefined` when none is known. */
  rate(base: CurrencyCode, quote: CurrencyCode, date: LocalDate): Promise<Decimal | undefined>;
}
