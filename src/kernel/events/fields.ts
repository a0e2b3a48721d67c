import { z } from "zod";
import { BOUNDS, type DigitLimits, parseBoundedDecimal } from "../bounds.js";
import { type CurrencyCode, isCurrencyCode, minorUnits } from "../currencies.js";
import { Decimal, canonicalDecimal } from "../decimal.js";
import { idSchema } from "../ids.js";
import { refined } from "./checks.js";
import type { MoneyJson } from "../money.js";

/*
 * Field schemas shared by every event payload. Payloads are JSON: decimals are stored as
 * canonical strings (`"12.5"`, never `"12.50"`, `12.5` or a Decimal; a number given as input is
 * normalised to its string), instants are ISO-8601 UTC
 * strings with milliseconds (`Date.prototype.toISOString()`), business dates `YYYY-MM-DD`.
 * Parsing an event normalises decimals to their canonical string; it never builds objects.
 */

/**
 * Which signs a decimal field accepts.
 *
 * @example
 * ```ts
 * const sign: DecimalSign = "positive";
 * ```
 */
export type DecimalSign = "any" | "nonzero" | "nonnegative" | "positive";

function signReason(value: Decimal, sign: DecimalSign): string | undefined {
  if (sign === "nonnegative" && value.isNegative()) return "must not be negative";
  if (sign === "positive" && !value.isPositive()) return "must be greater than zero";
  if ((sign === "positive" || sign === "nonzero") && value.isZero()) return "must not be zero";
  return undefined;
}

const CANONICAL_DECIMAL = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]*[1-9])?$/;

/**
 * True when `text` is already the canonical string of a decimal within `limits` whose sign
 * `sign` accepts — exactly the texts `decimalStringSchema` would return unchanged (`"-0"`
 * is not canonical; `"0"` is). Anything else takes the general path, which also words the
 * refusal. @internal
 */
export function isCanonicalWithin(text: string, limits: DigitLimits, sign: DecimalSign): boolean {
  if (text.length > 64 || !CANONICAL_DECIMAL.test(text)) return false;
  const negative = text.charCodeAt(0) === 45;
  const zero = text === "0" || text === "-0";
  if (zero && negative) return false;
  if (negative && (sign === "nonnegative" || sign === "positive")) return false;
  if (zero && (sign === "positive" || sign === "nonzero")) return false;
  const start = negative ? 1 : 0;
  const dot = text.indexOf(".");
  const integerEnd = dot < 0 ? text.length : dot;
  const integerDigits = integerEnd - start === 1 && text.charCodeAt(start) === 48 ? 0 : integerEnd - start;
  const fractionDigits = dot < 0 ? 0 : text.length - dot - 1;
  return integerDigits <= limits.integerDigits && fractionDigits <= limits.fractionDigits;
}

/**
 * A bounded decimal carried as a canonical string: the input is a plain decimal string (or a
 * finite number, read through its shortest form) within `limits`; the output is its canonical
 * string (`"1.50"` → `"1.5"`, `1.5` → `"1.5"`, `"-0"` → `"0"`).
 *
 * @example
 * ```ts
 * decimalStringSchema(BOUNDS.quantity, "quantity", "positive").parse("2.50"); // "2.5"
 * ```
 */
export function decimalStringSchema(limits: DigitLimits, what: string, sign: DecimalSign = "any") {
  // One input rule everywhere: a decimal string or a finite number whose shortest form is a
  // plain decimal (exponent forms such as 1e21 are refused); the output is always a string.
  return z.union([z.string(), z.number()]).transform((input, ctx): string => {
    // Most payloads the library builds carry canonical strings already: they pass unchanged
    // without a Decimal being built (the same result as the general path below).
    if (typeof input === "string" && isCanonicalWithin(input, limits, sign)) return input;
    const parsed = parseBoundedDecimal(input, limits);
    if (!parsed.ok) {
      ctx.addIssue({ code: "custom", message: `${what} ${parsed.reason}`, input });
      return z.NEVER;
    }
    const reason = signReason(parsed.value, sign);
    if (reason !== undefined) {
      ctx.addIssue({ code: "custom", message: `${what} ${reason}`, input });
      return z.NEVER;
    }
    return canonicalDecimal(parsed.value);
  });
}

/**
 * A quantity as a canonical decimal string, signed (stock adjustments).
 *
 * @example
 * ```ts
 * quantityString.parse("-3"); // "-3"
 * ```
 */
export const quantityString = decimalStringSchema(BOUNDS.quantity, "quantity", "nonzero");

/**
 * A quantity greater than zero as a canonical decimal string.
 *
 * @example
 * ```ts
 * positiveQuantityString.parse("2.000"); // "2"
 * ```
 */
export const positiveQuantityString = decimalStringSchema(BOUNDS.quantity, "quantity", "positive");

/**
 * An exchange rate (greater than zero, `BOUNDS.rate`) as a canonical decimal string.
 * Storekeep's rates convert a transaction amount into the functional currency:
 * `functional = transaction × rate`.
 *
 * @example
 * ```ts
 * rateString.parse("1.084500"); // "1.0845"
 * ```
 */
export const rateString = decimalStringSchema(BOUNDS.rate, "rate", "positive");

/**
 * A currency code (ISO 4217).
 *
 * @example
 * ```ts
 * currencyCode.parse("EUR");
 * ```
 */
export const currencyCode = z
  .string()
  .refine(isCurrencyCode, { message: "must be an ISO 4217 currency code such as \"EUR\"" })
  .transform((s) => s as CurrencyCode);

/**
 * Money as event payloads carry it: the same shape as {@link MoneyJson}, written as a type
 * alias so that payload types are assignable to JSON object types (an interface is not).
 *
 * @example
 * ```ts
 * const fee: EventMoney = { amount: "1.65", currency: "EUR" };
 * const json: MoneyJson = fee;
 * ```
 */
export type EventMoney = { readonly amount: string; readonly currency: CurrencyCode };

/**
 * Options of `moneyJsonOf`.
 *
 * @example
 * ```ts
 * const options: MoneyJsonOptions = { sign: "nonnegative", rounded: true };
 * ```
 */
export interface MoneyJsonOptions {
  /** Which signs the amount may have. Default `"any"`. */
  readonly sign?: DecimalSign;
  /** Require a whole number of the currency's minor unit (every amount that is posted). Default false. */
  readonly rounded?: boolean;
}

/**
 * Money in its JSON form `{ amount, currency }`: the amount is a decimal string within
 * `BOUNDS.amount` and comes out canonical; the result stays JSON (a {@link MoneyJson}, not a
 * `Money`). With `rounded`, the amount must be a whole number of the currency's minor unit.
 *
 * @example
 * ```ts
 * moneyJsonOf({ sign: "positive", rounded: true }).parse({ amount: "12.30", currency: "EUR" });
 * // { amount: "12.3", currency: "EUR" }
 * ```
 */
export function moneyJsonOf(options: MoneyJsonOptions = {}) {
  const sign = options.sign ?? "any";
  const rounded = options.rounded ?? false;
  const shape = z.object({ amount: decimalStringSchema(BOUNDS.amount, "amount", sign), currency: currencyCode });
  // The minor-unit check runs only once amount and currency are both valid.
  return refined(shape, (money, ctx) => {
    if (!rounded) return;
    // amount is canonical here (no trailing zeros): its decimals are the digits after the point.
    const point = money.amount.indexOf(".");
    const places = point < 0 ? 0 : money.amount.length - point - 1;
    const allowed = minorUnits(money.currency);
    if (places > allowed) {
      ctx.addIssue({ code: "custom", path: ["amount"], message: `amount ${money.amount} has ${places} decimals; ${money.currency} allows ${allowed}: round it to the minor unit` });
    }
  }).transform((money): EventMoney => ({ amount: money.amount, currency: money.currency }));
}

/**
 * Signed money, any precision within the amount bounds.
 *
 * @example
 * ```ts
 * moneyJson.parse({ amount: "-0.125", currency: "EUR" });
 * ```
 */
export const moneyJson = moneyJsonOf();

/**
 * A unit price or unit cost: not negative, up to 6 decimals.
 *
 * @example
 * ```ts
 * unitPriceJson.parse({ amount: "0.0125", currency: "EUR" });
 * ```
 */
export const unitPriceJson = moneyJsonOf({ sign: "nonnegative" });

/**
 * An amount that is posted: not negative, a whole number of minor units.
 *
 * @example
 * ```ts
 * postedAmountJson.parse({ amount: "19.99", currency: "EUR" });
 * ```
 */
export const postedAmountJson = moneyJsonOf({ sign: "nonnegative", rounded: true });

/**
 * A posted amount greater than zero (a payment, a refund).
 *
 * @example
 * ```ts
 * positiveAmountJson.parse({ amount: "5", currency: "EUR" });
 * ```
 */
export const positiveAmountJson = moneyJsonOf({ sign: "positive", rounded: true });

/**
 * A signed posted amount (a difference, a revaluation: debit positive).
 *
 * @example
 * ```ts
 * signedAmountJson.parse({ amount: "-1.5", currency: "EUR" });
 * ```
 */
export const signedAmountJson = moneyJsonOf({ sign: "any", rounded: true });

/**
 * A signed posted amount that is not zero (a posting line).
 *
 * @example
 * ```ts
 * nonZeroAmountJson.parse({ amount: "2.5", currency: "EUR" });
 * ```
 */
export const nonZeroAmountJson = moneyJsonOf({ sign: "nonzero", rounded: true });

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/**
 * An instant as `Date.prototype.toISOString()` writes it (`2026-11-27T10:00:00.000Z`):
 * UTC with milliseconds, so string order is time order.
 *
 * @example
 * ```ts
 * instantString.parse("2026-11-27T10:00:00.000Z");
 * ```
 */
export const instantString = z.string().refine((s) => ISO_INSTANT.test(s) && isRealInstant(s), {
  message: "must be an ISO-8601 UTC instant with milliseconds, like 2026-11-27T10:00:00.000Z (Date.toISOString())",
});

const digitsAt = (text: string, from: number, count: number): number => {
  let n = 0;
  for (let i = from; i < from + count; i++) n = n * 10 + (text.charCodeAt(i) - 48);
  return n;
};

/**
 * True when every field of a text of the ISO_INSTANT shape is in range (no 2026-02-30, no
 * 25:00, no second 60): the same answer as the `Date.parse` + `toISOString` round trip, from
 * the digits, without a Date (it was a few per cent of recording an event).
 */
function isRealInstant(text: string): boolean {
  const year = digitsAt(text, 0, 4);
  const month = digitsAt(text, 5, 2);
  const day = digitsAt(text, 8, 2);
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = month === 2 ? (leap ? 29 : 28) : month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
  return day <= days && digitsAt(text, 11, 2) < 24 && digitsAt(text, 14, 2) < 60 && digitsAt(text, 17, 2) < 60;
}

/**
 * An identifier: 1–128 letters, digits or `._:/-`, starting with a letter or digit.
 *
 * @example
 * ```ts
 * idString.parse("ord_01");
 * ```
 */
export const idString = idSchema<string>();

/**
 * A list of lines with at least one and at most `BOUNDS.lines` entries.
 *
 * @example
 * ```ts
 * lineList(z.object({ sku: idString })).parse([{ sku: "MUG" }]);
 * ```
 */
export function lineList<T extends z.ZodType>(line: T) {
  return z.array(line).min(1, { message: "needs at least one line" }).max(BOUNDS.lines, { message: `allows at most ${BOUNDS.lines} lines` });
}

/**
 * A list of ids with at least one and at most `BOUNDS.lines` entries, no duplicates.
 *
 * @example
 * ```ts
 * idList.parse(["bill_1", "bill_2"]);
 * ```
 */
export const idList = z
  .array(idString)
  .min(1, { message: "needs at least one id" })
  .max(BOUNDS.lines, { message: `allows at most ${BOUNDS.lines} ids` })
  .refine((ids) => new Set(ids).size === ids.length, { message: "must not repeat an id" });

/**
 * The fields of a single-amount settlement (a capture, a refund, a supplier payment): the
 * amount in the transaction currency, its functional value at `rate`, and an optional
 * realised exchange difference (functional, positive = loss). Spread into a `z.object`.
 *
 * @example
 * ```ts
 * const schema = z.object({ paymentId: idString, ...settlementFields });
 * ```
 */
export const settlementFields = {
  currency: currencyCode,
  functionalCurrency: currencyCode,
  rate: rateString,
  amount: positiveAmountJson,
  functionalAmount: positiveAmountJson,
  exchangeDifference: signedAmountJson.exactOptional(),
};
