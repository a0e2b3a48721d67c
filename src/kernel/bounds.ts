import { z } from "zod";
import { Decimal, canonicalDecimal } from "./decimal.js";
import { type BoundSign, type DigitLimits, BOUNDS, checkBoundedDecimal } from "./decimal-text.js";

export { BOUNDS, checkBoundedDecimal, parseBoundedDecimal, readBoundedDecimal } from "./decimal-text.js";
export type { DecimalParse, BoundSign, DigitLimits } from "./decimal-text.js";

function boundedDecimalSchema(limits: DigitLimits, what: string, sign: BoundSign) {
  return z.union([z.string(), z.number()]).transform((input, ctx): Decimal => {
    const parsed = checkBoundedDecimal(input, limits, what, sign);
    if (!parsed.ok) {
      ctx.addIssue({ code: "custom", message: parsed.reason, input });
      return z.NEVER;
    }
    return parsed.value;
  });
}

/**
 * An amount of money: at most 15 integer digits and 6 decimals, signed. Parses to a Decimal.
 *
 * @example
 * ```ts
 * amountSchema.parse("19.99"); // Decimal 19.99
 * ```
 */
export const amountSchema = boundedDecimalSchema(BOUNDS.amount, "amount", "any");
/**
 * A non-negative amount (a price, a cost).
 *
 * @example
 * ```ts
 * unitPriceSchema.parse("0.0125");
 * ```
 */
export const nonNegativeAmountSchema = boundedDecimalSchema(BOUNDS.amount, "amount", "nonnegative");
/** Alias of {@link nonNegativeAmountSchema} for unit prices and unit costs.
 *
 * @example
 * ```ts
 * unitPriceSchema.parse("4.25");
 * ```
 */
export const unitPriceSchema = nonNegativeAmountSchema;
/**
 * A quantity: at most 12 integer digits and 6 decimals, signed.
 *
 * @example
 * ```ts
 * quantitySchema.parse(3); // Decimal 3
 * ```
 */
export const quantitySchema = boundedDecimalSchema(BOUNDS.quantity, "quantity", "any");
/**
 * A quantity greater than zero.
 *
 * @example
 * ```ts
 * positiveQuantitySchema.parse("0.5");
 * ```
 */
export const positiveQuantitySchema = boundedDecimalSchema(BOUNDS.quantity, "quantity", "positive");
/**
 * An exchange rate greater than zero: at most 6 integer digits and 12 decimals.
 *
 * @example
 * ```ts
 * rateSchema.parse("1.0845");
 * ```
 */
export const rateSchema = boundedDecimalSchema(BOUNDS.rate, "rate", "positive");
/**
 * A ratio (a share, a discount fraction) with the precision of a rate, not negative.
 *
 * @example
 * ```ts
 * ratioSchema.parse("0.25");
 * ```
 */
export const ratioSchema = boundedDecimalSchema(BOUNDS.rate, "ratio", "nonnegative");

/**
 * The canonical string of a decimal for events, JSON and hashes.
 *
 * @example
 * ```ts
 * decimalString(new Decimal("1.50")); // "1.5"
 * ```
 */
export const decimalString = canonicalDecimal;
