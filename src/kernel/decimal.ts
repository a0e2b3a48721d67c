import { Decimal as DecimalJs } from "decimal.js";

/**
 * storekeep's private clone of decimal.js. The host's global decimal.js configuration is
 * never read or changed.
 *
 * Precision is 80 significant digits: amounts are bounded to 15 integer and 6 decimal
 * digits, quantities to 12 + 6 and rates to 6 + 12, so any product of an amount, a
 * quantity and a rate (at most 57 digits) is exact. Quotients are carried at 80 digits
 * and rounded only by the rule that uses them (for example `Money.round`).
 *
 * @example
 * ```ts
 * import { Decimal } from "storekeep";
 * new Decimal("0.1").plus("0.2").toString(); // "0.3"
 * ```
 */
export const Decimal = DecimalJs.clone({
  precision: 80,
  rounding: DecimalJs.ROUND_HALF_EVEN,
  toExpNeg: -100,
  toExpPos: 100,
  minE: -9e15,
  maxE: 9e15,
  modulo: DecimalJs.ROUND_DOWN,
  crypto: false,
});

/**
 * A decimal value of storekeep's private clone.
 *
 * @example
 * ```ts
 * const d: Decimal = new Decimal("1.5");
 * ```
 */
export type Decimal = InstanceType<typeof Decimal>;

/**
 * Values accepted where a decimal is expected internally (already validated).
 *
 * @example
 * ```ts
 * const inputs: DecimalInput[] = [new Decimal(1), "2.5", 3, 4n];
 * ```
 */
export type DecimalInput = Decimal | string | number | bigint;

/**
 * Rounding modes for money rules, by name.
 *
 * @example
 * ```ts
 * money.round("half-even");
 * ```
 */
export type RoundingMode = "half-up" | "half-even" | "half-down" | "up" | "down" | "ceil" | "floor";

const ROUNDING: Record<RoundingMode, DecimalJs.Rounding> = {
  "half-up": DecimalJs.ROUND_HALF_UP,
  "half-even": DecimalJs.ROUND_HALF_EVEN,
  "half-down": DecimalJs.ROUND_HALF_DOWN,
  up: DecimalJs.ROUND_UP,
  down: DecimalJs.ROUND_DOWN,
  ceil: DecimalJs.ROUND_CEIL,
  floor: DecimalJs.ROUND_FLOOR,
};

/**
 * The decimal.js rounding constant for a named mode.
 *
 * @example
 * ```ts
 * new Decimal("2.5").toDecimalPlaces(0, roundingOf("half-even")); // 2
 * ```
 */
export function roundingOf(mode: RoundingMode): DecimalJs.Rounding {
  return ROUNDING[mode];
}

/**
 * True when `x` is a Decimal of storekeep's clone or of any decimal.js copy.
 *
 * @example
 * ```ts
 * isDecimal(new Decimal(1)); // true
 * ```
 */
export function isDecimal(x: unknown): x is Decimal {
  return DecimalJs.isDecimal(x);
}

/**
 * Converts a trusted value into a Decimal of the private clone.
 *
 * @example
 * ```ts
 * toDecimal(12n).toString(); // "12"
 * ```
 */
export function toDecimal(x: DecimalInput): Decimal {
  if (typeof x === "bigint") return new Decimal(x.toString());
  if (x instanceof Decimal) return x;
  return new Decimal(x as string | number);
}

/**
 * Canonical decimal string: no exponent, no trailing fractional zeros, `-0` as `0`.
 *
 * @example
 * ```ts
 * canonicalDecimal(new Decimal("12.500")); // "12.5"
 * ```
 */
export function canonicalDecimal(x: Decimal): string {
  if (x.isZero()) return "0";
  return x.toFixed();
}

/**
 * Scales a decimal to an integer count of 10^-scale units, exactly (throws when not exact).
 *
 * @example
 * ```ts
 * toScaledBigInt(new Decimal("12.34"), 2); // 1234n
 * ```
 */
export function toScaledBigInt(x: Decimal, scale: number): bigint {
  const scaled = x.times(new Decimal(10).pow(scale));
  if (!scaled.isInteger()) throw new RangeError(`${x.toFixed()} has more than ${scale} decimals`);
  return BigInt(scaled.toFixed(0));
}

/**
 * The decimal value of an integer count of 10^-scale units.
 *
 * @example
 * ```ts
 * fromScaledBigInt(1234n, 2).toString(); // "12.34"
 * ```
 */
export function fromScaledBigInt(units: bigint, scale: number): Decimal {
  return new Decimal(units.toString()).dividedBy(new Decimal(10).pow(scale));
}
