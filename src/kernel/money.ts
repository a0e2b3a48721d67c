import { Decimal, type DecimalInput, type RoundingMode, canonicalDecimal, roundingOf, toDecimal } from "./decimal.js";
import { type CurrencyCode, isCurrencyCode, minorUnits } from "./currencies.js";
import { StorekeepError, invariant } from "./errors.js";
import { BOUNDS, readBoundedDecimal } from "./decimal-text.js";

const MONEY_BRAND = Symbol.for("storekeep.money");

/**
 * The JSON and event form of money: a canonical decimal string and a currency code.
 *
 * @example
 * ```ts
 * const json: MoneyJson = { amount: "12.34", currency: "EUR" };
 * ```
 */
export interface MoneyJson {
  readonly amount: string;
  readonly currency: CurrencyCode;
}

/**
 * An immutable amount in one currency. Arithmetic is exact; only {@link Money.round}
 * rounds, to the currency's minor unit under an explicit mode. Mixing currencies throws
 * `CURRENCY_MISMATCH`.
 *
 * @example
 * ```ts
 * const price = Money.of("19.99", "EUR");
 * const total = price.multiply(3).add(Money.of("4.90", "EUR")); // 64.87 EUR
 * total.round("half-even").toJSON(); // { amount: "64.87", currency: "EUR" }
 * ```
 */
export class Money {
  /** The exact amount. */
  readonly amount: Decimal;
  /** The ISO 4217 currency code. */
  readonly currency: CurrencyCode;
  declare readonly [MONEY_BRAND]: true;

  private constructor(amount: Decimal, currency: CurrencyCode) {
    this.amount = amount;
    this.currency = currency;
    Object.freeze(this);
  }

  /**
   * Money from a validated amount (a decimal string, number or Decimal). The amount is
   * checked against the amount bounds; the currency against ISO 4217.
   *
   * @example
   * ```ts
   * Money.of("12.34", "EUR");
   * ```
   */
  static of(amount: string | number | Decimal, currency: CurrencyCode): Money {
    minorUnits(currency);
    const value = amount instanceof Decimal ? amount : readBoundedDecimal(amount, BOUNDS.amount, "amount", "any", "amount");
    if (!value.isFinite()) {
      throw new StorekeepError("VALIDATION_FAILED", `Invalid amount: ${value.toString()} is not a finite number.`, { issues: [{ path: "", message: "must be finite", code: "custom" }] });
    }
    return new Money(value.isZero() ? ZERO : value, currency);
  }

  /**
   * Money from an exact Decimal already computed inside storekeep (no bounds check).
   *
   * @example
   * ```ts
   * Money.fromDecimal(new Decimal("0.125"), "EUR");
   * ```
   */
  static fromDecimal(amount: DecimalInput, currency: CurrencyCode): Money {
    invariant(isCurrencyCode(currency), `unknown currency ${String(currency)}`);
    const value = toDecimal(amount);
    return new Money(value.isZero() ? ZERO : value, currency);
  }

  /**
   * Zero in a currency.
   *
   * @example
   * ```ts
   * Money.zero("USD").isZero(); // true
   * ```
   */
  static zero(currency: CurrencyCode): Money {
    minorUnits(currency);
    return new Money(ZERO, currency);
  }

  /**
   * Money from an integer count of minor units (cents for EUR).
   *
   * @example
   * ```ts
   * Money.fromMinor(1234n, "EUR").toString(); // "12.34 EUR"
   * ```
   */
  static fromMinor(units: bigint | number, currency: CurrencyCode): Money {
    const digits = minorUnits(currency);
    return new Money(new Decimal(units.toString()).dividedBy(TEN.pow(digits)), currency);
  }

  /**
   * Money from its JSON form; validates both fields.
   *
   * @example
   * ```ts
   * Money.fromJSON({ amount: "1.50", currency: "GBP" });
   * ```
   */
  static fromJSON(json: unknown): Money {
    return readMoneyJson(json);
  }

  /** The sum of a list of money in one currency (zero of `currency` when empty).
   *
   * @example
   * ```ts
   * Money.sum([Money.of(1, "EUR"), Money.of(2, "EUR")], "EUR"); // 3 EUR
   * ```
   */
  static sum(items: readonly Money[], currency: CurrencyCode): Money {
    let total = ZERO;
    for (const item of items) {
      if (item.currency !== currency) throw mismatch(currency, item.currency);
      total = total.plus(item.amount);
    }
    return Money.fromDecimal(total, currency);
  }

  /** `this + other`.
   *
   * @example
   * ```ts
   * Money.of(1, "EUR").add(Money.of("0.5", "EUR")); // 1.5 EUR
   * ```
   */
  add(other: Money): Money {
    if (other.currency !== this.currency) throw mismatch(this.currency, other.currency);
    return new Money(this.amount.plus(other.amount), this.currency);
  }

  /** `this - other`.
   *
   * @example
   * ```ts
   * Money.of(2, "EUR").subtract(Money.of(1, "EUR")); // 1 EUR
   * ```
   */
  subtract(other: Money): Money {
    if (other.currency !== this.currency) throw mismatch(this.currency, other.currency);
    return new Money(this.amount.minus(other.amount), this.currency);
  }

  /** `this × factor` exactly (a quantity, a ratio, a rate). No rounding.
   *
   * @example
   * ```ts
   * Money.of("2.50", "EUR").multiply("0.2"); // 0.5 EUR
   * ```
   */
  multiply(factor: DecimalInput): Money {
    return new Money(this.amount.times(toDecimal(factor)), this.currency);
  }

  /** `-this`.
   *
   * @example
   * ```ts
   * Money.of(3, "EUR").negate(); // -3 EUR
   * ```
   */
  negate(): Money {
    return this.amount.isZero() ? this : new Money(this.amount.negated(), this.currency);
  }

  /** The absolute value.
   *
   * @example
   * ```ts
   * Money.of(-3, "EUR").abs(); // 3 EUR
   * ```
   */
  abs(): Money {
    return this.amount.isNegative() ? this.negate() : this;
  }

  /**
   * Rounds to the currency's minor unit (or `decimals` places) under an explicit mode.
   *
   * @example
   * ```ts
   * Money.of("0.125", "EUR").round("half-even").toString(); // "0.12 EUR"
   * Money.of("0.125", "EUR").round("half-up").toString();   // "0.13 EUR"
   * ```
   */
  round(mode: RoundingMode, decimals: number = minorUnits(this.currency)): Money {
    // Already on the grid: no new object (decimalPlaces() is cheaper than rounding and comparing).
    if (this.amount.decimalPlaces() <= decimals) return this;
    const rounded = this.amount.toDecimalPlaces(decimals, roundingOf(mode));
    return new Money(rounded.isZero() ? ZERO : rounded, this.currency);
  }

  /** True when the amount has no more decimals than the currency's minor unit.
   *
   * @example
   * ```ts
   * Money.of("1.005", "EUR").isRounded(); // false
   * ```
   */
  isRounded(): boolean {
    return this.amount.decimalPlaces() <= minorUnits(this.currency);
  }

  /**
   * Splits the money into shares proportional to `ratios`, losing no minor unit: each share
   * is rounded down to the minor unit and the leftover units go to the largest remainders
   * (ties to the earliest ratio). Requires an amount already rounded to the minor unit.
   *
   * @example
   * ```ts
   * Money.of("10.00", "EUR").allocate([1, 1, 1]).map(String); // ["3.34 EUR", "3.33 EUR", "3.33 EUR"]
   * ```
   */
  allocate(ratios: readonly DecimalInput[]): Money[] {
    if (ratios.length === 0) throw new StorekeepError("VALIDATION_FAILED", "allocate needs at least one ratio.", { issues: [{ path: "ratios", message: "empty", code: "too_small" }] });
    const weights = ratios.map((r, index) => allocationWeight(r, index));
    const digits = minorUnits(this.currency);
    const unitsDecimal = this.amount.times(TEN.pow(digits));
    if (!unitsDecimal.isInteger()) {
      throw new StorekeepError("VALIDATION_FAILED", `allocate needs an amount rounded to the minor unit; round ${this.toString()} first.`, { amount: this.amount.toFixed(), currency: this.currency });
    }
    // Exact integer arithmetic: weights scaled to integers by a common power of ten, so
    // every share is floor(units × w / total) with an exact remainder (no rounded quotient).
    const scale = weights.reduce((max, w) => Math.max(max, w.decimalPlaces()), 0);
    const scaled = weights.map((w) => BigInt(w.times(TEN.pow(scale)).toFixed(0)));
    const total = scaled.reduce((a, b) => a + b, 0n);
    if (total === 0n) throw new StorekeepError("VALIDATION_FAILED", "allocate ratios must not all be zero.", { issues: [{ path: "ratios", message: "all zero", code: "custom" }] });
    return splitUnits(BigInt(unitsDecimal.toFixed(0)), scaled).map((share) => Money.fromMinor(share, this.currency));
  }

  /** Compares amounts: -1, 0 or 1.
   *
   * @example
   * ```ts
   * Money.of(1, "EUR").compare(Money.of(2, "EUR")); // -1
   * ```
   */
  compare(other: Money): -1 | 0 | 1 {
    if (other.currency !== this.currency) throw mismatch(this.currency, other.currency);
    return this.amount.comparedTo(other.amount) as -1 | 0 | 1;
  }

  /** Equal amount and currency.
   *
   * @example
   * ```ts
   * Money.of("1.0", "EUR").equals(Money.of(1, "EUR")); // true
   * ```
   */
  equals(other: Money): boolean {
    return other.currency === this.currency && this.amount.eq(other.amount);
  }

  /** @example `Money.of(1, "EUR").greaterThan(Money.zero("EUR")) // true` */
  greaterThan(other: Money): boolean {
    return this.compare(other) > 0;
  }

  /** @example `Money.of(1, "EUR").lessThan(Money.zero("EUR")) // false` */
  lessThan(other: Money): boolean {
    return this.compare(other) < 0;
  }

  /** @example `Money.zero("EUR").isZero() // true` */
  isZero(): boolean {
    return this.amount.isZero();
  }

  /** @example `Money.of(-1, "EUR").isNegative() // true` */
  isNegative(): boolean {
    return this.amount.isNegative() && !this.amount.isZero();
  }

  /** @example `Money.of(1, "EUR").isPositive() // true` */
  isPositive(): boolean {
    return this.amount.isPositive() && !this.amount.isZero();
  }

  /**
   * The amount as an integer count of minor units; throws if it is not rounded.
   *
   * @example
   * ```ts
   * Money.of("12.34", "EUR").toMinor(); // 1234n
   * ```
   */
  toMinor(): bigint {
    const units = this.amount.times(TEN.pow(minorUnits(this.currency)));
    if (!units.isInteger()) throw new StorekeepError("VALIDATION_FAILED", `${this.toString()} is not a whole number of minor units; round it first.`, { amount: this.amount.toFixed() });
    return BigInt(units.toFixed(0));
  }

  /**
   * Formats for people with `Intl.NumberFormat` (default: at least the minor-unit decimals,
   * and every exact decimal beyond).
   *
   * @example
   * ```ts
   * Money.of("1234.5", "EUR").format("de-DE"); // "1.234,50 €"
   * ```
   */
  format(locale = "en-US", options: Intl.NumberFormatOptions = {}): string {
    const digits = minorUnits(this.currency);
    const places = Math.max(digits, this.amount.decimalPlaces());
    const formatter = new Intl.NumberFormat(locale, {
      style: "currency",
      currency: this.currency,
      minimumFractionDigits: digits,
      maximumFractionDigits: Math.min(places, 20),
      ...options,
    });
    // Intl accepts decimal strings exactly (no float conversion) for formatting.
    return formatter.format(canonicalDecimal(this.amount) as unknown as number);
  }

  /** `"12.34 EUR"`: the canonical amount and the code.
   *
   * @example
   * ```ts
   * String(Money.of("12.30", "EUR")); // "12.3 EUR"
   * ```
   */
  toString(): string {
    return `${canonicalDecimal(this.amount)} ${this.currency}`;
  }

  /** The JSON form `{ amount: "12.34", currency: "EUR" }`.
   *
   * @example
   * ```ts
   * JSON.stringify(Money.of("12.34", "EUR")); // {"amount":"12.34","currency":"EUR"}
   * ```
   */
  toJSON(): MoneyJson {
    return { amount: canonicalDecimal(this.amount), currency: this.currency };
  }
}

// The brand lives on the prototype: one property fewer to define and freeze per instance.
Object.defineProperty(Money.prototype, MONEY_BRAND, { value: true, enumerable: false, writable: false });

const ZERO = new Decimal(0);
const TEN = new Decimal(10);

/**
 * Splits `units` (minor units, any sign) over non-negative integer `weights` that are not all
 * zero, losing none: each share is rounded toward zero and the leftover units go to the
 * largest remainders (ties to the earliest weight). The exact integer core of
 * {@link Money.allocate}.
 *
 * @example
 * ```ts
 * splitUnits(1000n, [1n, 1n, 1n]); // [334n, 333n, 333n]
 * ```
 */
export function splitUnits(units: bigint, weights: readonly bigint[]): bigint[] {
  const total = weights.reduce((a, b) => a + b, 0n);
  invariant(total > 0n && weights.every((w) => w >= 0n), "splitUnits needs non-negative weights that are not all zero");
  const negative = units < 0n;
  const absUnits = negative ? -units : units;
  const shares = weights.map((w) => (absUnits * w) / total);
  const remainders = weights.map((w) => (absUnits * w) % total);
  let leftover = absUnits - shares.reduce((a, b) => a + b, 0n);
  invariant(leftover >= 0n && leftover < BigInt(shares.length), "allocation leftover out of range");
  const order = remainders
    .map((remainder, index) => ({ index, remainder }))
    .sort((a, b) => (a.remainder === b.remainder ? a.index - b.index : a.remainder > b.remainder ? -1 : 1));
  for (let i = 0; leftover > 0n; i++, leftover--) {
    const slot = order[i];
    invariant(slot !== undefined, "allocation order is empty");
    shares[slot.index] = (shares[slot.index] ?? 0n) + 1n;
  }
  return negative ? shares.map((share) => -share) : shares;
}

function allocationWeight(ratio: DecimalInput, index: number): Decimal {
  let weight: Decimal;
  try {
    weight = toDecimal(ratio);
  } catch {
    weight = new Decimal(NaN);
  }
  if (!weight.isFinite() || weight.lt(0)) {
    throw new StorekeepError("VALIDATION_FAILED", `allocate ratio ${index} (${String(ratio)}) must be a finite, non-negative number.`, {
      issues: [{ path: `ratios[${index}]`, message: "must be finite and not negative", code: "custom" }],
    });
  }
  return weight;
}

function mismatch(expected: CurrencyCode, actual: CurrencyCode): StorekeepError {
  return new StorekeepError("CURRENCY_MISMATCH", `Cannot combine ${expected} with ${actual}: convert one amount first.`, { expected, actual });
}

/**
 * True when `x` is a {@link Money} from any bundle of storekeep.
 *
 * @example
 * ```ts
 * isMoney(Money.of(1, "EUR")); // true
 * ```
 */
export function isMoney(x: unknown): x is Money {
  return typeof x === "object" && x !== null && (x as Record<symbol, unknown>)[MONEY_BRAND] === true;
}

function readMoneyJson(json: unknown): Money {
  const fields = typeof json === "object" && json !== null && !Array.isArray(json) ? (json as Record<string, unknown>) : undefined;
  if (!fields) {
    throw new StorekeepError("VALIDATION_FAILED", 'Invalid money: (root): must be an object { amount, currency }. Fix these fields and retry.', {
      issues: [{ path: "", message: "must be an object { amount, currency }", code: "invalid_type" }],
    });
  }
  const currency = fields["currency"];
  if (typeof currency !== "string" || !isCurrencyCode(currency)) {
    const message = 'must be an ISO 4217 currency code such as "EUR"';
    throw new StorekeepError("VALIDATION_FAILED", `Invalid money: currency: ${message}. Fix these fields and retry.`, { issues: [{ path: "currency", message, code: "custom" }] });
  }
  return Money.fromDecimal(readBoundedDecimal(fields["amount"], BOUNDS.amount, "amount", "any", "money", "amount"), currency);
}
