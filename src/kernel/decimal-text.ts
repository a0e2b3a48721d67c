import { Decimal } from "./decimal.js";
import { StorekeepError } from "./errors.js";

/**
 * Digit limits at the boundary. Chosen together with the Decimal clone's precision so that
 * products of bounded inputs are exact.
 *
 * @example
 * ```ts
 * BOUNDS.amount.integerDigits; // 15
 * ```
 */
export const BOUNDS = {
  amount: { integerDigits: 15, fractionDigits: 6 },
  quantity: { integerDigits: 12, fractionDigits: 6 },
  rate: { integerDigits: 6, fractionDigits: 12 },
  /** The most lines an order, entry or document may carry. */
  lines: 1000,
} as const;

/**
 * Digit limits of one kind of decimal input.
 *
 * @example
 * ```ts
 * const cents: DigitLimits = { integerDigits: 9, fractionDigits: 2 };
 * ```
 */
export interface DigitLimits {
  readonly integerDigits: number;
  readonly fractionDigits: number;
}

const PLAIN_DECIMAL = /^([+-]?)([0-9]+)(?:\.([0-9]+))?$/;

/**
 * Why a decimal text was refused, or the parsed value.
 *
 * @example
 * ```ts
 * const r: DecimalParse = parseBoundedDecimal("1e3", BOUNDS.amount); // { ok: false, reason: "..." }
 * ```
 */
export type DecimalParse = { ok: true; value: Decimal } | { ok: false; reason: string };

/**
 * Parses a plain decimal (string or finite number) under digit limits.
 *
 * Accepted: ASCII digits, an optional sign (`+5` reads as `5`), an optional `.` with digits
 * on both sides. Numbers are read through their shortest JavaScript string form.
 * Refused: exponent notation (`1e3`, and numbers such as `1e21` whose string form needs
 * one), `NaN`, `Infinity`, hexadecimal (`0x10`), commas (`12,00`), spaces (` 12`), the empty
 * string, a bare point (`1.`, `.5`), non-ASCII digits (`１２`), texts over 64 characters,
 * and more than the allowed integer or fraction digits (a 40-digit number). Leading zeros
 * of the integer part and trailing zeros of the fraction do not count against the limits;
 * `-0` (and `-0.00`) becomes `0`.
 *
 * @example
 * ```ts
 * parseBoundedDecimal("12.50", BOUNDS.amount); // { ok: true, value: 12.5 }
 * parseBoundedDecimal("1e3", BOUNDS.amount);   // { ok: false, reason: "..." }
 * ```
 */
export function parseBoundedDecimal(input: unknown, limits: DigitLimits): DecimalParse {
  let text: string;
  if (typeof input === "number") {
    if (!Number.isFinite(input)) return { ok: false, reason: "must be a finite number, not NaN or Infinity" };
    text = String(input);
    if (/e/i.test(text)) return { ok: false, reason: `the number ${text} needs exponent notation; pass it as a decimal string` };
  } else if (typeof input === "string") {
    text = input;
  } else {
    return { ok: false, reason: "must be a decimal string like \"12.34\" or a number" };
  }
  if (text.length > 64) return { ok: false, reason: "is too long for a decimal" };
  const match = PLAIN_DECIMAL.exec(text);
  if (!match) return { ok: false, reason: `"${text.slice(0, 40)}" is not a plain decimal; write it like "1234.56" (no exponent, commas, spaces or other digits)` };
  const integerPart = (match[2] ?? "").replace(/^0+(?=\d)/, "");
  const fractionPart = (match[3] ?? "").replace(/0+$/, "");
  const integerDigits = integerPart === "0" ? 0 : integerPart.length;
  if (integerDigits > limits.integerDigits) return { ok: false, reason: `has ${integerDigits} integer digits; at most ${limits.integerDigits} are allowed` };
  if (fractionPart.length > limits.fractionDigits) return { ok: false, reason: `has ${fractionPart.length} decimals; at most ${limits.fractionDigits} are allowed` };
  const value = new Decimal(`${match[1] === "-" ? "-" : ""}${integerPart}.${fractionPart || "0"}`);
  return { ok: true, value: value.isZero() ? new Decimal(0) : value };
}

/**
 * Which signs a bounded decimal may have.
 *
 * @example
 * ```ts
 * const sign: BoundSign = "nonnegative";
 * ```
 */
export type BoundSign = "any" | "nonnegative" | "positive";

/**
 * Checks a plain decimal under digit limits and a sign rule; the reason names the field.
 *
 * @example
 * ```ts
 * checkBoundedDecimal("-1", BOUNDS.amount, "amount", "nonnegative"); // { ok: false, reason: "amount must not be negative" }
 * ```
 */
export function checkBoundedDecimal(input: unknown, limits: DigitLimits, what: string, sign: BoundSign): DecimalParse {
  const parsed = parseBoundedDecimal(input, limits);
  if (!parsed.ok) return { ok: false, reason: `${what} ${parsed.reason}` };
  if (sign === "nonnegative" && parsed.value.isNegative()) return { ok: false, reason: `${what} must not be negative` };
  if (sign === "positive" && !parsed.value.gt(0)) return { ok: false, reason: `${what} must be greater than zero` };
  return parsed;
}

/**
 * Reads a bounded decimal or throws `VALIDATION_FAILED` worded like every other boundary
 * error (`Invalid <subject>: <path>: <reason>. Fix these fields and retry.`). The zod-free
 * path that `Money.of` and `Quantity.of` take, so the money types carry no schema library.
 *
 * @example
 * ```ts
 * readBoundedDecimal("12.30", BOUNDS.amount, "amount", "any", "amount"); // Decimal 12.3
 * ```
 */
export function readBoundedDecimal(input: unknown, limits: DigitLimits, what: string, sign: BoundSign, subject: string, path = ""): Decimal {
  const checked = checkBoundedDecimal(input, limits, what, sign);
  if (checked.ok) return checked.value;
  throw new StorekeepError("VALIDATION_FAILED", `Invalid ${subject}: ${path || "(root)"}: ${checked.reason}. Fix these fields and retry.`, {
    issues: [{ path, message: checked.reason, code: "custom" }],
  });
}
