/*
 * Exact money arithmetic purchasing needs: rounding to a currency's minor unit, converting
 * to the functional currency, and proportional shares that lose nothing (the last share
 * takes what is left).
 */
import { Decimal, canonicalDecimal } from "../kernel/decimal.js";
import { minorUnits } from "../kernel/currencies.js";

/**
 * An amount rounded half-up to the currency's minor unit.
 *
 * @example
 * ```ts
 * roundMinor(new Decimal("2.345"), "EUR").toString(); // "2.35"
 * ```
 */
export function roundMinor(amount: Decimal, currency: string): Decimal {
  return amount.toDecimalPlaces(minorUnits(currency), Decimal.ROUND_HALF_UP);
}

/** `amount × rate` rounded to the functional currency's minor unit. */
export function toFunctional(amount: Decimal, rate: Decimal, functionalCurrency: string): Decimal {
  return roundMinor(amount.times(rate), functionalCurrency);
}

/**
 * The share of `total` that `part` of `whole` carries, rounded to the minor unit; the part
 * that takes the whole takes all of the total, so repeated shares never leave a residue.
 *
 * @example
 * ```ts
 * shareOf(new Decimal("10"), new Decimal("1"), new Decimal("3"), "EUR").toString(); // "3.33"
 * ```
 */
export function shareOf(total: Decimal, part: Decimal, whole: Decimal, currency: string): Decimal {
  if (part.gte(whole)) return total;
  if (whole.isZero()) return new Decimal(0);
  return roundMinor(total.times(part).dividedBy(whole), currency);
}

/** Money JSON of a decimal. */
export function moneyJson(amount: Decimal, currency: string): { amount: string; currency: string } {
  return { amount: canonicalDecimal(amount), currency };
}

/** A decimal's canonical string. */
export const text = canonicalDecimal;

/** Sum of decimal strings. */
export function sum(values: readonly (string | Decimal)[]): Decimal {
  let total = new Decimal(0);
  for (const v of values) total = total.plus(v);
  return total;
}

/**
 * Transaction-currency amounts converted at `rate` as one total (rounded once to the functional
 * minor unit) and shared over the parts in their order, the last share taking what is left: the
 * parts add up to the converted total, which per-part roundings would not.
 *
 * @example
 * ```ts
 * shareConverted([["1", new Decimal("1.15")], ["2", new Decimal("1.15")], ["3", new Decimal("1.15")]], new Decimal("0.9"), "EUR"); // 1.04, 1.04, 1.03
 * ```
 */
export function shareConverted<K>(parts: readonly (readonly [K, Decimal])[], rate: Decimal, functionalCurrency: string): Map<K, Decimal> {
  const amounts = parts.map(([, amount]) => amount);
  const shares = spread(toFunctional(sum(amounts), rate, functionalCurrency), amounts, functionalCurrency);
  return new Map(parts.map(([key], i) => [key, shares[i]!]));
}

/**
 * `total` shared over `weights` in order, each share on what is left (rounded to the
 * currency's minor unit), so the shares add up to it.
 *
 * @example
 * ```ts
 * spread(new Decimal("10"), [new Decimal(1), new Decimal(1), new Decimal(1)], "EUR"); // 3.33, 3.33, 3.34
 * ```
 */
export function spread(total: Decimal, weights: readonly Decimal[], currency: string): Decimal[] {
  let left = total;
  let wholeLeft = weights.reduce((a, w) => a.plus(w), new Decimal(0));
  return weights.map((w) => {
    const share = wholeLeft.isZero() ? new Decimal(0) : shareOf(left, w, wholeLeft, currency);
    left = left.minus(share);
    wholeLeft = wholeLeft.minus(w);
    return share;
  });
}
