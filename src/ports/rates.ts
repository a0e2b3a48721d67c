import type { Decimal } from "../kernel/decimal.js";
import type { CurrencyCode } from "../kernel/currencies.js";
import type { LocalDate } from "../kernel/local-date.js";
import { StorekeepError } from "../kernel/errors.js";

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

/**
 * The rate from `base` to `quote` on `date`, or `NOT_FOUND` naming the rate to add (and, with
 * `purpose`, what needed it).
 *
 * @example
 * ```ts
 * const rate = await requireRate(rates, "USD", "EUR", "2026-03-23", "a dunning notice's fee"); // Decimal 0.95
 * ```
 */
export async function requireRate(rates: RateProvider, base: string, quote: string, date: string, purpose?: string): Promise<Decimal> {
  const rate = await rates.rate(base as CurrencyCode, quote as CurrencyCode, date as LocalDate);
  if (rate === undefined) {
    throw new StorekeepError("NOT_FOUND", `No exchange rate from ${base} to ${quote} on or before ${date}${purpose === undefined ? "" : ` for ${purpose}`}; add one to the RateProvider.`, { from: base, to: quote, date });
  }
  return rate;
}
