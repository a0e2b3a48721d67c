import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { BOUNDS, Decimal, type DigitLimits, canonicalDecimal, parseBoundedDecimal } from "../../src/kernel/index.js";
import { type DecimalSign, decimalStringSchema, instantString, moneyJsonOf } from "../../src/kernel/events/index.js";
import { minorUnits } from "../../src/kernel/currencies.js";

/*
 * decimalStringSchema returns canonical strings within its limits unchanged without building a
 * Decimal; the general path (parse, sign check, canonical text) must give the same answer for
 * every input, canonical or not.
 */

function reference(input: unknown, limits: DigitLimits, sign: DecimalSign): string | undefined {
  const parsed = parseBoundedDecimal(input, limits);
  if (!parsed.ok) return undefined;
  const v = parsed.value;
  if (sign === "nonnegative" && v.isNegative()) return undefined;
  if (sign === "positive" && !v.isPositive()) return undefined;
  if ((sign === "positive" || sign === "nonzero") && v.isZero()) return undefined;
  return canonicalDecimal(v);
}

const digits = (min: number, max: number) => fc.string({ unit: fc.constantFrom(..."0123456789"), minLength: min, maxLength: max });
const decimalLike = fc.oneof(
  fc.tuple(fc.constantFrom("", "-", "+", "--"), digits(0, 18), fc.option(digits(0, 14), { nil: undefined })).map(([s, i, f]) => (f === undefined ? `${s}${i}` : `${s}${i}.${f}`)),
  fc.string({ unit: fc.constantFrom("0", "1", "9", ".", "-", "+", "e", " ") }),
  fc.constantFrom("0", "-0", "0.0", "-0.5", "0.5", "00", "1.0", "10", "-10.01", "999999999999999", "1000000000000000", "0.000001", "0.0000001", "1.", ".5"),
);
const limitsArb = fc.constantFrom<DigitLimits>(BOUNDS.amount, BOUNDS.quantity, BOUNDS.rate, { integerDigits: 2, fractionDigits: 1 });
const signArb = fc.constantFrom<DecimalSign>("any", "nonzero", "nonnegative", "positive");

describe("decimalStringSchema's canonical fast path", () => {
  it("gives the same result as parse-check-canonicalise for every decimal-like text, limit and sign", () => {
    fc.assert(
      fc.property(decimalLike, limitsArb, signArb, (input, limits, sign) => {
        const got = decimalStringSchema(limits, "x", sign).safeParse(input);
        const want = reference(input, limits, sign);
        expect(got.success ? got.data : undefined).toBe(want);
      }),
      { numRuns: 3000 },
    );
  });

  it("returns canonical texts unchanged and refuses '-0'-like and out-of-limit canonical-looking texts with the general path's message", () => {
    const quantity = decimalStringSchema(BOUNDS.quantity, "quantity", "positive");
    expect(quantity.parse("2.5")).toBe("2.5");
    expect(quantity.parse("2.50")).toBe("2.5");
    expect(decimalStringSchema(BOUNDS.quantity, "quantity", "any").parse("-0")).toBe("0");
    const zero = quantity.safeParse("0");
    expect(zero.success).toBe(false);
    expect(zero.error?.issues[0]?.message).toBe("quantity must not be zero");
    const tooLong = quantity.safeParse("1234567890123");
    expect(tooLong.success).toBe(false);
    expect(tooLong.error?.issues[0]?.message).toContain("13 integer digits");
  });

  it("the rounded money check counts the same decimals as Decimal#decimalPlaces for every amount and currency", () => {
    const rounded = moneyJsonOf({ rounded: true });
    fc.assert(
      fc.property(decimalLike, fc.constantFrom("EUR", "JPY", "KWD", "USD"), (amount, currency) => {
        const got = rounded.safeParse({ amount, currency });
        const canonical = reference(amount, BOUNDS.amount, "any");
        const want = canonical !== undefined && new Decimal(canonical).decimalPlaces() <= minorUnits(currency as "EUR") ? { amount: canonical, currency } : undefined;
        expect(got.success ? got.data : undefined).toEqual(want);
      }),
      { numRuns: 2000 },
    );
  });
});

describe("instantString", () => {
  const definition = (s: string) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(s) && Number.isFinite(Date.parse(s)) && new Date(Date.parse(s)).toISOString() === s;
  const instantLike = fc.oneof(
    fc.date({ min: new Date(0), max: new Date(Date.UTC(9999, 11, 31)), noInvalidDate: true }).map((d) => d.toISOString()),
    fc.tuple(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 }), fc.integer({ min: 0, max: 25 }), fc.integer({ min: 0, max: 61 }), fc.integer({ min: 0, max: 61 })).map(
      ([y, mo, d, h, mi, s]) => `${String(y).padStart(4, "0")}-${String(mo).padStart(2, "0")}-${String(d).padStart(2, "0")}T${String(h).padStart(2, "0")}:${String(mi).padStart(2, "0")}:${String(s).padStart(2, "0")}.000Z`,
    ),
    // Leap days around the century rules.
    fc.constantFrom(1900, 2000, 2024, 2100, 2400, 1600, 1, 4).map((y) => `${String(y).padStart(4, "0")}-02-29T00:00:00.000Z`),
  );
  it("accepts exactly the texts Date#toISOString writes, checked again right after or after another (any year 0000-9999, month, day, hour, minute, second)", () => {
    fc.assert(
      fc.property(fc.array(instantLike, { minLength: 1, maxLength: 6 }), (texts) => {
        for (const text of [...texts, ...texts.slice().reverse()]) {
          expect(instantString.safeParse(text).success).toBe(definition(text));
          expect(instantString.safeParse(text).success).toBe(definition(text));
        }
      }),
      { numRuns: 3000 },
    );
  });
});
