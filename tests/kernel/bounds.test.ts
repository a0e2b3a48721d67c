import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { z } from "zod";
import {
  BOUNDS,
  Decimal,
  type DigitLimits,
  StorekeepError,
  amountSchema,
  decimalString,
  idSchema,
  localDateSchema,
  moneySchema,
  nonNegativeAmountSchema,
  parseBoundedDecimal,
  parseWith,
  positiveQuantitySchema,
  quantitySchema,
  rateSchema,
  ratioSchema,
  toScaledBigInt,
  unitPriceSchema,
} from "../../src/kernel/index.js";
import { boundedDecimalText, scaledToText } from "./arbitraries.js";

const decimalSchemas = {
  amountSchema,
  nonNegativeAmountSchema,
  unitPriceSchema,
  quantitySchema,
  positiveQuantitySchema,
  rateSchema,
  ratioSchema,
} as const;
const allSchemas: Record<string, z.ZodType> = { ...decimalSchemas, moneySchema, localDateSchema, idSchema: idSchema() };

/** Runs parseWith and returns the value or the error; anything but a StorekeepError fails the test. */
function outcome(schema: z.ZodType, input: unknown): { ok: true; value: unknown } | { ok: false; error: StorekeepError } {
  try {
    return { ok: true, value: parseWith(schema, input, "input") };
  } catch (e) {
    if (!(e instanceof StorekeepError)) throw new Error(`threw a non-StorekeepError: ${String(e)}`);
    expect(e.code).toBe("VALIDATION_FAILED");
    return { ok: false, error: e };
  }
}

describe("boundary schemas fuzzed", () => {
  for (const [name, schema] of Object.entries(allSchemas)) {
    it(`${name} never throws anything but StorekeepError on arbitrary values`, () => {
      fc.assert(
        fc.property(fc.anything({ withBigInt: true, withBoxedValues: true, withMap: true, withSet: true, withNullPrototype: true, withSparseArray: true, withTypedArray: true, withDate: true }), (input) => {
          outcome(schema, input);
        }),
        { numRuns: 300 },
      );
    });

    it(`${name} never throws anything but StorekeepError on arbitrary strings`, () => {
      fc.assert(
        fc.property(fc.oneof(fc.string(), fc.string({ unit: "binary" }), fc.stringMatching(/^[-+]?[0-9０-９.,eE x]{0,30}$/)), (input) => {
          outcome(schema, input);
        }),
        { numRuns: 300 },
      );
    });
  }

  it("a decimal schema accepts exactly the canonical plain decimals it can round-trip", () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom("0", "1", "9", ".", "-", "+", "e", " ") }), (input) => {
        const parsed = outcome(amountSchema, input);
        if (parsed.ok) {
          expect(input).toMatch(/^[+-]?[0-9]+(\.[0-9]+)?$/);
          expect(new Decimal(input).eq(parsed.value as Decimal)).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });

  it("every issue path reaches the error: money with two bad fields lists both", () => {
    const result = outcome(moneySchema, { amount: "1e3", currency: "eur" });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      const paths = (result.error.details.issues as { path: string }[]).map((i) => i.path).sort();
      expect(paths).toEqual(["amount", "currency"]);
    }
  });
});

describe("digit bounds", () => {
  const kinds: [string, z.ZodType, DigitLimits][] = [
    ["amount", amountSchema, BOUNDS.amount],
    ["quantity", quantitySchema, BOUNDS.quantity],
    ["rate", rateSchema, BOUNDS.rate],
  ];
  for (const [kind, schema, limits] of kinds) {
    const signed = kind !== "rate";
    it(`every ${kind} within ${limits.integerDigits}+${limits.fractionDigits} digits is accepted and parsed exactly`, () => {
      fc.assert(
        fc.property(boundedDecimalText(limits, signed), ({ text, units }) => {
          fc.pre(kind !== "rate" || units > 0n);
          const value = parseWith(schema, text) as Decimal;
          expect(decimalString(value)).toBe(text);
          expect(toScaledBigInt(value, limits.fractionDigits)).toBe(units);
        }),
        { numRuns: 300 },
      );
    });

    it(`a ${kind} with one integer digit too many is rejected`, () => {
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 9 }), fc.string({ unit: fc.constantFrom(..."0123456789"), minLength: limits.integerDigits, maxLength: limits.integerDigits }), (lead, rest) => {
          const result = outcome(schema, `${lead}${rest}`);
          expect(result.ok).toBe(false);
          if (!result.ok) expect(result.error.message).toContain(`at most ${limits.integerDigits} are allowed`);
        }),
        { numRuns: 100 },
      );
    });

    it(`a ${kind} with one decimal too many is rejected, trailing zeros are not counted`, () => {
      const maxInteger = "9".repeat(limits.integerDigits);
      const maxFraction = "9".repeat(limits.fractionDigits);
      expect(outcome(schema, `${maxInteger}.${maxFraction}`).ok).toBe(true);
      expect(outcome(schema, `${maxInteger}.${maxFraction}000`).ok).toBe(true);
      expect(outcome(schema, `000${maxInteger}.${maxFraction}`).ok).toBe(true);
      expect(outcome(schema, `1.${"0".repeat(limits.fractionDigits)}1`).ok).toBe(false);
      expect(outcome(schema, `1${maxInteger}`).ok).toBe(false);
    });
  }

  it("products of bounded inputs are exact: amount × quantity × rate equals the integer product", () => {
    fc.assert(
      fc.property(boundedDecimalText(BOUNDS.amount), boundedDecimalText(BOUNDS.quantity), boundedDecimalText(BOUNDS.rate, false), (a, q, r) => {
        fc.pre(r.units > 0n);
        const product = (parseWith(amountSchema, a.text) as Decimal).times(parseWith(quantitySchema, q.text) as Decimal).times(parseWith(rateSchema, r.text) as Decimal);
        expect(toScaledBigInt(product, 24)).toBe(a.units * q.units * r.units);
        expect(decimalString(product)).toBe(scaledToText(a.units * q.units * r.units, 24));
      }),
      { numRuns: 500 },
    );
  });

  it("products of bounded inputs divide back exactly: (a × q) / q = a and (a × r) / r = a", () => {
    fc.assert(
      fc.property(boundedDecimalText(BOUNDS.amount), boundedDecimalText(BOUNDS.quantity), boundedDecimalText(BOUNDS.rate, false), (a, q, r) => {
        const amount = new Decimal(a.text);
        if (q.units !== 0n) expect(amount.times(q.text).dividedBy(q.text).eq(amount)).toBe(true);
        if (r.units !== 0n) expect(amount.times(r.text).dividedBy(r.text).eq(amount)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it("signs: non-negative schemas reject negatives, positive schemas reject zero", () => {
    expect(outcome(nonNegativeAmountSchema, "0").ok).toBe(true);
    expect(outcome(nonNegativeAmountSchema, "-0.01").ok).toBe(false);
    expect(outcome(nonNegativeAmountSchema, "-0").ok).toBe(true);
    expect(outcome(positiveQuantitySchema, "0").ok).toBe(false);
    expect(outcome(positiveQuantitySchema, "0.000001").ok).toBe(true);
    expect(outcome(rateSchema, "0").ok).toBe(false);
    expect(outcome(rateSchema, "-1").ok).toBe(false);
    expect(outcome(ratioSchema, "0").ok).toBe(true);
    expect(outcome(ratioSchema, "-0.5").ok).toBe(false);
    expect(outcome(amountSchema, "-12.5").ok).toBe(true);
  });
});

describe("curated nasty inputs (as documented on parseBoundedDecimal)", () => {
  const rejected: [string, unknown][] = [
    ["exponent", "1e3"],
    ["capital exponent", "1E3"],
    ["NaN text", "NaN"],
    ["NaN number", Number.NaN],
    ["Infinity text", "Infinity"],
    ["-Infinity number", Number.NEGATIVE_INFINITY],
    ["Infinity number", Number.POSITIVE_INFINITY],
    ["hexadecimal", "0x10"],
    ["binary", "0b11"],
    ["full-width digits", "１２"],
    ["Arabic-Indic digits", "١٢"],
    ["decimal comma", "12,00"],
    ["thousands separator", "1,200.00"],
    ["40-digit number", "1234567890123456789012345678901234567890"],
    ["leading space", " 12"],
    ["trailing space", "12 "],
    ["inner space", "1 200"],
    ["empty", ""],
    ["trailing point", "1."],
    ["leading point", ".5"],
    ["bare point", "."],
    ["double sign", "--5"],
    ["sign only", "-"],
    ["currency symbol", "€12"],
    ["underscore separator", "1_000"],
    ["number needing an exponent", 1e21],
    ["tiny number needing an exponent", 1e-7],
    ["float with too many decimals", 0.1 + 0.2],
    ["over-long text", `0.${"0".repeat(70)}`],
    ["bigint", 12n],
    ["boolean", true],
    ["null", null],
    ["object", { valueOf: () => 12 }],
  ];
  for (const [label, input] of rejected) {
    it(`rejects ${label}`, () => {
      const result = outcome(amountSchema, input);
      expect(result.ok).toBe(false);
      if (!result.ok) {
        expect(result.error.message).toMatch(/^Invalid input: /);
        expect(result.error.message).toMatch(/Fix these fields and retry\.$/);
      }
    });
  }

  const normalised: [string, unknown, string][] = [
    ["-0 text", "-0", "0"],
    ["-0 number", -0, "0"],
    ["-0.000", "-0.000", "0"],
    ["+5", "+5", "5"],
    ["trailing zeros", "12.500", "12.5"],
    ["leading zeros", "0007.25", "7.25"],
    ["integer number", 42, "42"],
    ["fractional number", 19.99, "19.99"],
    ["largest amount", "999999999999999.999999", "999999999999999.999999"],
    ["negative largest amount", -999999999999999, "-999999999999999"],
  ];
  for (const [label, input, canonical] of normalised) {
    it(`normalises ${label} to "${canonical}"`, () => {
      const result = outcome(amountSchema, input);
      expect(result.ok).toBe(true);
      if (result.ok) {
        const value = result.value as Decimal;
        expect(decimalString(value)).toBe(canonical);
        expect(value.isNegative() && value.isZero()).toBe(false);
      }
    });
  }

  it("explains the fix in the reason", () => {
    const parsed = parseBoundedDecimal("12,00", BOUNDS.amount);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.reason).toContain("write it like \"1234.56\"");
    const tooLong = parseBoundedDecimal("1234567890123456", BOUNDS.amount);
    expect(!tooLong.ok && tooLong.reason).toBe("has 16 integer digits; at most 15 are allowed");
    const tooFine = parseBoundedDecimal("0.1234567", BOUNDS.amount);
    expect(!tooFine.ok && tooFine.reason).toBe("has 7 decimals; at most 6 are allowed");
    const exponent = parseBoundedDecimal(1e21, BOUNDS.amount);
    expect(!exponent.ok && exponent.reason).toContain("pass it as a decimal string");
  });
});
