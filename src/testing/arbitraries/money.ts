import fc from "fast-check";
import { BOUNDS, type DigitLimits } from "../../kernel/bounds.js";
import { CURRENCY_CODES, type CurrencyCode, minorUnits } from "../../kernel/currencies.js";
import { Decimal, canonicalDecimal } from "../../kernel/decimal.js";
import { InvariantError } from "../../kernel/errors.js";
import { Money } from "../../kernel/money.js";

/**
 * Options of the decimal arbitraries.
 *
 * @example
 * ```ts
 * const options: DecimalArbitraryOptions = { limits: BOUNDS.quantity, sign: "positive", maxFractionDigits: 3 };
 * ```
 */
export interface DecimalArbitraryOptions {
  /** Digit limits (default `BOUNDS.amount`: 15 integer and 6 fraction digits). */
  readonly limits?: DigitLimits;
  /** At most this many decimals (default: the limits' fraction digits). */
  readonly maxFractionDigits?: number;
  /** `"any"` (default), `"nonnegative"` or `"positive"`. */
  readonly sign?: "any" | "nonnegative" | "positive";
}

/**
 * One of a few edge values (zero, ±1, the bounds), shrinking like the integers around them:
 * `fc.constantFrom` could only shrink a bound towards an earlier constant, so a failing
 * bound stayed at 999999999999999.99 whenever that constant passed.
 */
class EdgeArbitrary extends fc.Arbitrary<bigint> {
  constructor(
    private readonly edges: readonly bigint[],
    private readonly integers: fc.Arbitrary<bigint>,
  ) {
    super();
  }
  generate(mrng: fc.Random): fc.Value<bigint> {
    return new fc.Value(this.edges[mrng.nextInt(0, this.edges.length - 1)]!, undefined);
  }
  canShrinkWithoutContext(value: unknown): value is bigint {
    return this.integers.canShrinkWithoutContext(value);
  }
  shrink(value: bigint): fc.Stream<fc.Value<bigint>> {
    return this.integers.shrink(value, undefined);
  }
}

/**
 * Canonical decimal strings within digit limits (`"12.5"`, `"-0.000001"`, `"999999999999999.999999"`),
 * biased towards small values, zero and the bounds so shrinking finds readable cases.
 * Every value parses with the matching boundary schema.
 *
 * @example
 * ```ts
 * fc.assert(fc.property(amountStringArbitrary(), (s) => amountSchema.safeParse(s).success));
 * ```
 */
export function amountStringArbitrary(options: DecimalArbitraryOptions = {}): fc.Arbitrary<string> {
  const limits = options.limits ?? BOUNDS.amount;
  const maxScale = Math.min(options.maxFractionDigits ?? limits.fractionDigits, limits.fractionDigits);
  if (!Number.isInteger(maxScale) || maxScale < 0) throw new InvariantError(`maxFractionDigits must be a whole number, got ${maxScale}`);
  const sign = options.sign ?? "any";
  // Units at the finest scale and a scale drawn independently (no chain, so both shrink: a
  // counterexample shrinks to few digits and few decimals); the units are cut to the scale.
  const max = 10n ** BigInt(limits.integerDigits + maxScale) - 1n;
  const min = sign === "any" ? -max : sign === "positive" ? 1n : 0n;
  const edges = sign === "any" ? [0n, 1n, -1n, max, -max] : sign === "positive" ? [1n, max] : [0n, 1n, max];
  const integers = fc.bigInt({ min, max });
  const fine = fc.oneof({ weight: 8, arbitrary: integers }, { weight: 1, arbitrary: new EdgeArbitrary(edges, integers) });
  const scaled = fc.tuple(fine, fc.integer({ min: 0, max: maxScale })).map(([units, scale]) => {
    let cut = units / 10n ** BigInt(maxScale - scale);
    // A positive value cut to zero at a coarse scale becomes the smallest positive one there.
    if (sign === "positive" && cut === 0n) cut = 1n;
    return { units: cut, scale };
  });
  return scaled.map(({ units, scale }) => canonicalDecimal(new Decimal(units.toString()).dividedBy(new Decimal(10).pow(scale))));
}

/**
 * Decimals of storekeep's clone within digit limits (see {@link amountStringArbitrary}).
 *
 * @example
 * ```ts
 * fc.assert(fc.property(decimalArbitrary(), decimalArbitrary(), (a, b) => a.plus(b).minus(b).equals(a)));
 * ```
 */
export function decimalArbitrary(options: DecimalArbitraryOptions = {}): fc.Arbitrary<Decimal> {
  return amountStringArbitrary(options).map((s) => new Decimal(s));
}

/**
 * ISO 4217 currency codes storekeep knows, or a chosen subset.
 *
 * @example
 * ```ts
 * currencyArbitrary(["EUR", "JPY", "KWD"]); // 2, 0 and 3 decimals
 * ```
 */
export function currencyArbitrary(codes: readonly CurrencyCode[] = CURRENCY_CODES): fc.Arbitrary<CurrencyCode> {
  if (codes.length === 0) throw new InvariantError("currencyArbitrary needs at least one currency");
  for (const code of codes) minorUnits(code);
  return fc.constantFrom(...codes);
}

/**
 * Options of {@link moneyArbitrary}.
 *
 * @example
 * ```ts
 * const options: MoneyArbitraryOptions = { currency: "EUR", sign: "nonnegative" };
 * ```
 */
export interface MoneyArbitraryOptions {
  /** One currency, or an arbitrary of currencies (default: every known currency). */
  readonly currency?: CurrencyCode | fc.Arbitrary<CurrencyCode>;
  /** Round to the currency's minor unit (default true); false allows up to 6 decimals. */
  readonly minorUnitsOnly?: boolean;
  readonly sign?: "any" | "nonnegative" | "positive";
}

/**
 * Money within the amount bounds, in one currency or in arbitrary ones; by default at the
 * currency's minor unit (cents for EUR, whole yen for JPY).
 *
 * @example
 * ```ts
 * fc.assert(fc.property(moneyArbitrary({ currency: "EUR" }), (m) => m.round("half-even").equals(m)));
 * ```
 */
export function moneyArbitrary(options: MoneyArbitraryOptions = {}): fc.Arbitrary<Money> {
  const currency = options.currency === undefined ? currencyArbitrary() : typeof options.currency === "string" ? fc.constant(minorUnitsChecked(options.currency)) : options.currency;
  const minorOnly = options.minorUnitsOnly ?? true;
  return currency.chain((code) =>
    amountStringArbitrary({ sign: options.sign ?? "any", ...(minorOnly ? { maxFractionDigits: minorUnits(code) } : {}) }).map((amount) => Money.of(amount, code)),
  );
}

function minorUnitsChecked(code: CurrencyCode): CurrencyCode {
  minorUnits(code);
  return code;
}

/**
 * The arbitraries for amounts and money, grouped.
 *
 * @example
 * ```ts
 * import { arbitraries } from "storekeep/testing/arbitraries";
 * fc.assert(fc.property(arbitraries.money({ currency: "EUR" }), (m) => m.currency === "EUR"));
 * ```
 */
export const arbitraries = {
  amountString: amountStringArbitrary,
  quantityString: (options: Omit<DecimalArbitraryOptions, "limits"> = {}) => amountStringArbitrary({ ...options, limits: BOUNDS.quantity }),
  rateString: (options: Omit<DecimalArbitraryOptions, "limits" | "sign"> = {}) => amountStringArbitrary({ ...options, limits: BOUNDS.rate, sign: "positive" }),
  decimal: decimalArbitrary,
  currency: currencyArbitrary,
  money: moneyArbitrary,
} as const;
