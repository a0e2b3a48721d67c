import { Decimal } from "./decimal.js";

/*
 * Decimals as scaled integers (a bigint count of 10^-scale units) and back, without
 * formatting and parsing where decimal.js's own digits allow: the ledger's kernel units
 * (finance, scale 6) and the memory store's balance sums (a family's scale) use them.
 */

const WORD_ZEROS = "0000000";
const POW10 = Array.from({ length: 16 }, (_, i) => 10 ** i);
const BIG_POW10: bigint[] = Array.from({ length: 40 }, (_, i) => 10n ** BigInt(i));

/**
 * 10^n as a bigint.
 *
 * @example
 * ```ts
 * pow10(3); // 1000n
 * ```
 */
export function pow10(n: number): bigint {
  return BIG_POW10[n] ?? 10n ** BigInt(n);
}

/**
 * A finite Decimal as a count of 10^-scale units; undefined when it has more than `scale`
 * decimals (the caller raises its scale first).
 *
 * @example
 * ```ts
 * scaledOf(new Decimal("-1.5"), 2); // -150n
 * scaledOf(new Decimal("0.125"), 2); // undefined
 * ```
 */
export function scaledOf(value: Decimal, scale: number): bigint | undefined {
  // From decimal.js's own digits (base-10^7 words, the first without leading zeros, and the
  // exponent of the leading digit): no formatting to text and parsing back.
  const words = (value as unknown as { readonly d: readonly number[] }).d;
  if (words.length === 1 && words[0] === 0) return 0n;
  const small = smallScaled(words, value.e, scale);
  if (small === null) return undefined;
  if (small !== undefined) return value.s < 0 ? -small : small;
  let digits = String(words[0]);
  for (let i = 1; i < words.length; i++) {
    const word = String(words[i]);
    digits += WORD_ZEROS.slice(word.length) + word;
  }
  // value = digits × 10^(e + 1 - digits.length); in units shift by `scale` more.
  const shift = value.e + 1 - digits.length + scale;
  let units: bigint;
  if (shift >= 0) units = BigInt(digits) * pow10(shift);
  else {
    const cut = digits.length + shift;
    for (let i = Math.max(cut, 0); i < digits.length; i++) if (digits.charCodeAt(i) !== 48) return undefined;
    units = cut > 0 ? BigInt(digits.slice(0, cut)) : 0n;
  }
  return value.s < 0 ? -units : units;
}

/**
 * The magnitude in units when every step stays an exact float (< 2^53): a bigint; `null`
 * when it has more than `scale` decimals; undefined when the digits are too many for floats.
 */
function smallScaled(words: readonly number[], exponent: number, scale: number): bigint | null | undefined {
  if (words.length > 2) return undefined;
  const first = words[0]!;
  const firstDigits = first < 10 ? 1 : first < 100 ? 2 : first < 1000 ? 3 : first < 10_000 ? 4 : first < 100_000 ? 5 : first < 1_000_000 ? 6 : 7;
  const n = words.length === 1 ? first : first * 1e7 + words[1]!;
  const digitCount = words.length === 1 ? firstDigits : firstDigits + 7;
  const shift = exponent + 1 - digitCount + scale;
  if (shift >= 0) {
    if (digitCount + shift > 15) return undefined;
    return BigInt(n * POW10[shift]!);
  }
  if (-shift > 15) return undefined;
  const divisor = POW10[-shift]!;
  if (n % divisor !== 0) return null;
  return BigInt(n / divisor);
}

/**
 * A count of 10^-scale units as a canonical decimal string (no trailing zeros, `0` for zero).
 *
 * @example
 * ```ts
 * scaledText(-150n, 2); // "-1.5"
 * ```
 */
export function scaledText(units: bigint, scale: number): string {
  // Zero is half of every debit/credit column of a report.
  if (units === 0n) return "0";
  if (scale === 0) return units.toString();
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(scale + 1, "0");
  const point = digits.length - scale;
  // Trailing zeros of the fraction dropped by hand (a regular expression per amount showed in report profiles).
  let end = digits.length;
  while (end > point && digits.charCodeAt(end - 1) === 48) end--;
  const text = end === point ? digits.slice(0, point) : `${digits.slice(0, point)}.${digits.slice(point, end)}`;
  return negative ? `-${text}` : text;
}

const ZERO = new Decimal(0);

/**
 * The Decimal of a count of 10^-scale units.
 *
 * @example
 * ```ts
 * decimalOfScaled(-150n, 2).toString(); // "-1.5"
 * ```
 */
export function decimalOfScaled(units: bigint, scale: number): Decimal {
  if (units === 0n) return ZERO;
  if (scale <= WORD && units <= MAX_SAFE && units >= -MAX_SAFE) return fromWords(Number(units), scale);
  return new Decimal(scaledText(units, scale));
}

const WORD = 7;
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/*
 * decimal.js keeps a value as sign `s`, the exponent `e` of its leading digit, and `d`: its
 * digits in base-10^7 words aligned on the decimal point (the first word without leading
 * zeros, no trailing zero words). For a safe integer count of 10^-scale units with scale ≤ 7
 * the words come straight from the integer and fraction parts — no text formatted and
 * parsed again (a third of a ledger write's conversions). A copy of a template Decimal gives
 * the instance decimal.js's own shape; its figures are then set. A property test checks
 * `s`, `e` and `d` against decimal.js's parse of the same text.
 */
function fromWords(units: number, scale: number): Decimal {
  const negative = units < 0;
  const magnitude = negative ? -units : units;
  const unit = POW10[scale]!;
  const whole = Math.floor(magnitude / unit);
  const fraction = magnitude - whole * unit;
  const words: number[] = [];
  let exponent: number;
  if (whole > 0) {
    // The whole part's base-10^7 words, most significant first.
    if (whole >= 1e14) words.push(Math.floor(whole / 1e14), Math.floor(whole / 1e7) % 1e7, whole % 1e7);
    else if (whole >= 1e7) words.push(Math.floor(whole / 1e7), whole % 1e7);
    else words.push(whole);
    exponent = (words.length - 1) * WORD + digitCount(words[0]!) - 1;
    if (fraction > 0) words.push(fraction * POW10[WORD - scale]!);
    else while (words[words.length - 1] === 0) words.pop();
  } else {
    // Below one: one word of fraction, its leading zeros in the exponent.
    words.push(fraction * POW10[WORD - scale]!);
    exponent = digitCount(fraction) - 1 - scale;
  }
  const out = new Decimal(ZERO);
  (out as unknown as { s: number }).s = negative ? -1 : 1;
  (out as unknown as { e: number }).e = exponent;
  (out as unknown as { d: number[] }).d = words;
  return out;
}

function digitCount(n: number): number {
  let count = 1;
  while (n >= POW10[count]!) count++;
  return count;
}
