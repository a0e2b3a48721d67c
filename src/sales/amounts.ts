import { minorUnits } from "../kernel/currencies.js";
import { InvariantError, StorekeepError } from "../kernel/errors.js";

/*
 * Scaled-integer money for the sales hot path: amounts as bigint minor units, quantities
 * as bigint millionths; decimal strings only at the edges.
 */

/** Quantities carry 6 decimals (kernel bounds). */
export const QUANTITY_SCALE = 6;
const PLAIN = /^(-?)(\d+)(?:\.(\d+))?$/;
const POW10: bigint[] = Array.from({ length: 40 }, (_, i) => 10n ** BigInt(i));
const POW10_NUMBER: number[] = Array.from({ length: 16 }, (_, i) => 10 ** i);
const SAFE = BigInt(Number.MAX_SAFE_INTEGER) + 1n;

/** `10^n` as a bigint. */
export function pow10(n: number): bigint {
  return POW10[n] ?? 10n ** BigInt(n);
}

/** A plain decimal string as units of 10^-scale; decimals beyond `scale` must be zeros. */
export function parseScaled(text: string, scale: number): bigint {
  // Fast path: unsigned digits with at most `scale` decimals and no trailing zeros to drop
  // (what the module writes: "2", "12.95"), without a regular expression.
  const length = text.length;
  if (length > 0 && length <= 15) {
    // At most 15 digits: their value is exact in a double (below 2^53), built as it is read.
    let dot = -1;
    let plain = true;
    let digits = 0;
    for (let i = 0; i < length; i++) {
      const c = text.charCodeAt(i);
      if (c === 46 && dot < 0 && i > 0 && i < length - 1) dot = i;
      else if (c < 48 || c > 57) {
        plain = false;
        break;
      } else digits = digits * 10 + (c - 48);
    }
    if (plain) {
      const decimals = dot < 0 ? 0 : length - dot - 1;
      if (decimals <= scale) return digits === 0 ? 0n : BigInt(digits) * pow10(scale - decimals);
    }
  }
  const m = PLAIN.exec(text);
  if (m === null) throw new InvariantError(`not a plain decimal: ${text}`);
  const fraction = (m[3] ?? "").replace(/0+$/, "");
  if (fraction.length > scale) throw new InvariantError(`${text} has more than ${scale} decimals`);
  const units = BigInt(m[2]! + fraction.padEnd(scale, "0"));
  return m[1] === "-" ? -units : units;
}

/** Units of 10^-scale as a canonical decimal string ("12.5", "0", "-3"). */
export function formatScaled(units: bigint, scale: number): string {
  if (units === 0n) return "0";
  // Below 2^53 in magnitude the digits come from a double exactly (remainder and quotient of integers).
  if (units < SAFE && units > -SAFE && scale < POW10_NUMBER.length) {
    const negative = units < 0n;
    const n = Number(negative ? -units : units);
    if (scale === 0) return negative ? `-${n}` : `${n}`;
    const p = POW10_NUMBER[scale]!;
    const fraction = n % p;
    const integer = (n - fraction) / p;
    if (fraction === 0) return negative ? `-${integer}` : `${integer}`;
    let text = `${fraction}`;
    if (text.length < scale) text = "0".repeat(scale - text.length) + text;
    let end = text.length;
    while (text.charCodeAt(end - 1) === 48) end--;
    return `${negative ? "-" : ""}${integer}.${end === text.length ? text : text.slice(0, end)}`;
  }
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(scale + 1, "0");
  const integer = digits.slice(0, digits.length - scale);
  const fraction = scale === 0 ? "" : digits.slice(digits.length - scale).replace(/0+$/, "");
  return `${negative ? "-" : ""}${integer}${fraction === "" ? "" : `.${fraction}`}`;
}

/** n / d rounded half away from zero (d > 0). */
export function divideHalfUp(n: bigint, d: bigint): bigint {
  if (d <= 0n) throw new InvariantError("divisor must be positive");
  const negative = n < 0n;
  const a = negative ? -n : n;
  const q = (a * 2n + d) / (2n * d);
  return negative ? -q : q;
}

/** The minor-unit scale of a currency. */
export function scaleOf(currency: string): number {
  return minorUnits(currency);
}

/** Minor units of a currency amount string. */
export function minorOf(amount: string, currency: string): bigint {
  return parseScaled(amount, scaleOf(currency));
}

/**
 * Units of 10^-scale of an amount a caller sent (`path` names its field, `unit` what the scale
 * is: a currency code): more decimals than that is VALIDATION_FAILED saying so, not an
 * internal error.
 */
export function inputScaled(amount: string, scale: number, path: string, unit: string): bigint {
  try {
    return parseScaled(amount, scale);
  } catch {
    const message = `${path} ${amount} has more decimals than ${unit} has (${scale}); send it in ${unit}'s minor unit${scale === 0 ? " (no decimals)" : `, such as ${amount.slice(0, amount.indexOf(".") + 1 + scale)}`}.`;
    throw new StorekeepError("VALIDATION_FAILED", message, { issues: [{ path, message: `at most ${scale} decimals for ${unit}`, code: "custom" }] });
  }
}

/** Minor units of an amount a caller sent in `currency` (see {@link inputScaled}). */
export function inputMinorOf(amount: string, currency: string, path: string): bigint {
  return inputScaled(amount, scaleOf(currency), path, currency);
}

/** A currency amount string from minor units. */
export function amountOf(units: bigint, currency: string): string {
  return formatScaled(units, scaleOf(currency));
}

/** `{ amount, currency }` from minor units. */
export function moneyOf(units: bigint, currency: string): { amount: string; currency: string } {
  return { amount: formatScaled(units, scaleOf(currency)), currency };
}

/**
 * Converts minor units of one currency to minor units of another at `rate` (a decimal
 * string: one unit of `from` is worth `rate` units of `to`), rounded half away from zero.
 */
export function convertMinor(units: bigint, from: string, to: string, rate: string): bigint {
  if (from === to) return units;
  const rateScale = 12;
  const r = parseScaled(rate, rateScale);
  const fromScale = scaleOf(from);
  const toScale = scaleOf(to);
  // units × 10^-fromScale × r × 10^-12 in 10^-toScale units
  return divideHalfUp(units * r * pow10(toScale), pow10(fromScale + rateScale));
}

/**
 * `total × part / whole`, rounded half away from zero: the share of an amount for a part
 * of a quantity. Cumulative shares (`shareOf(t, q1+q2, w) − shareOf(t, q1, w)`) sum to
 * `total` exactly when the parts reach the whole.
 */
export function shareOf(total: bigint, part: bigint, whole: bigint): bigint {
  if (part === whole) return total;
  if (part === 0n) return 0n;
  return divideHalfUp(total * part, whole);
}

/**
 * Splits `total` by non-negative integer weights with the largest-remainder method:
 * the parts sum to `total` exactly, ties go to the earlier weight (deterministic). With
 * all weights zero, everything goes to the first part.
 */
export function allocateByWeights(total: bigint, weights: readonly bigint[]): bigint[] {
  if (weights.length === 0) {
    if (total !== 0n) throw new InvariantError("cannot allocate a non-zero total over no parts");
    return [];
  }
  const sum = weights.reduce((a, b) => a + b, 0n);
  if (sum === 0n) return weights.map((_, i) => (i === 0 ? total : 0n));
  const negative = total < 0n;
  const t = negative ? -total : total;
  const shares = weights.map((w) => (t * w) / sum);
  let left = t - shares.reduce((a, b) => a + b, 0n);
  const order = weights.map((w, i) => ({ i, r: t * w - shares[i]! * sum })).sort((a, b) => (a.r === b.r ? a.i - b.i : a.r > b.r ? -1 : 1));
  for (let k = 0; left > 0n; k++, left--) shares[order[k % order.length]!.i]! += 1n;
  return negative ? shares.map((s) => -s) : shares;
}
