import { StorekeepError } from "../../kernel/errors.js";
import { checkArg } from "../../kernel/boundary.js";
import { Decimal } from "../../kernel/decimal.js";
import { rateSchema } from "../../kernel/bounds.js";
import { minorUnits } from "../../kernel/currencies.js";
import type { CurrencyCode } from "../../kernel/currencies.js";
import { parseWith } from "../../kernel/errors.js";
import { type LocalDate, localDate } from "../../kernel/local-date.js";
import type { RateProvider } from "../../ports/rates.js";
import { lowerBound } from "./sorted-list.js";

/**
 * One known exchange rate: one unit of `base` buys `rate` units of `quote` from `date` on.
 *
 * @example
 * ```ts
 * const r: RateEntry = { base: "USD", quote: "EUR", date: "2026-11-27", rate: "0.92" };
 * ```
 */
export interface RateEntry {
  readonly base: CurrencyCode;
  readonly quote: CurrencyCode;
  readonly date: string;
  readonly rate: string | number | Decimal;
}

/**
 * A {@link RateProvider} over a table held in memory, with `set` to add rates later.
 *
 * @example
 * ```ts
 * const rates: MemoryRates = memoryRates([]);
 * rates.set({ base: "USD", quote: "EUR", date: "2026-01-01", rate: "0.91" });
 * ```
 */
export interface MemoryRates extends RateProvider {
  /** Adds or replaces the rate of a pair on a date. */
  set(entry: RateEntry): void;
}

interface PairTable {
  readonly dates: string[];
  readonly rates: Decimal[];
}

/**
 * Exchange rates from an in-memory table. `rate(base, quote, date)` is the latest rate of
 * that pair on or before `date`; a currency against itself is 1; an unknown pair or a date
 * before the first rate is `undefined`. Rates are not inverted: add both directions when
 * both are needed (an inverse would need rounding, and the rule for it is the caller's).
 * Every entry is validated: known currencies, a calendar date, a positive rate within the
 * rate bounds (`VALIDATION_FAILED` or `UNKNOWN_CURRENCY` otherwise).
 *
 * @example
 * ```ts
 * const rates = memoryRates([{ base: "USD", quote: "EUR", date: "2026-11-01", rate: "0.92" }]);
 * await rates.rate("USD", "EUR", localDate("2026-11-27")); // Decimal 0.92
 * ```
 */
export function memoryRates(untrustedEntries: readonly RateEntry[] = []): MemoryRates {
  const entries = checkArg(untrustedEntries, "any", "memoryRates entries") as RateEntry[];
  if (!Array.isArray(entries) || entries.some((e) => e === null || typeof e !== "object" || Array.isArray(e))) {
    throw new StorekeepError("VALIDATION_FAILED", "memoryRates needs an array of rate entries ({ base, quote, date, rate }).", { issues: [{ path: "entries", message: "an array of objects", code: "custom" }] });
  }
  const pairs = new Map<string, PairTable>();
  const one = new Decimal(1);

  function set(entry: RateEntry): void {
    minorUnits(entry.base);
    minorUnits(entry.quote);
    const date = localDate(entry.date);
    const rate = entry.rate instanceof Decimal ? parseWith(rateSchema, entry.rate.toFixed(), "rate") : parseWith(rateSchema, entry.rate, "rate");
    const pairKey = `${entry.base}/${entry.quote}`;
    let table = pairs.get(pairKey);
    if (!table) {
      table = { dates: [], rates: [] };
      pairs.set(pairKey, table);
    }
    const i = lowerBound(table.dates, date, (a, b) => (a < b ? -1 : a > b ? 1 : 0));
    if (table.dates[i] === date) table.rates[i] = rate;
    else {
      table.dates.splice(i, 0, date);
      table.rates.splice(i, 0, rate);
    }
  }

  for (const entry of entries) set(entry);

  return {
    set,
    async rate(base: CurrencyCode, quote: CurrencyCode, date: LocalDate): Promise<Decimal | undefined> {
      if (base === quote) return one;
      const table = pairs.get(`${base}/${quote}`);
      if (!table) return undefined;
      const i = lowerBound(table.dates, date, (a, b) => (a <= b ? -1 : 1));
      return i === 0 ? undefined : table.rates[i - 1];
    },
  };
}
