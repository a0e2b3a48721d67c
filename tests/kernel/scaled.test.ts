import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Decimal } from "../../src/kernel/decimal.js";
import { decimalOfScaled, scaledOf, scaledText } from "../../src/kernel/scaled.js";

/** decimal.js's own figures of a value: sign, exponent of the leading digit, base-10^7 words. */
const figures = (d: Decimal) => {
  const raw = d as unknown as { s: number; e: number; d: number[] };
  return { s: raw.s, e: raw.e, d: [...raw.d] };
};

describe("scaled integers as Decimals", () => {
  it("property: a Decimal built from units has exactly the figures decimal.js parses from the same text, and reads back as the same units", () => {
    const units = fc.oneof(
      fc.bigInt({ min: 1n - 2n ** 53n, max: 2n ** 53n - 1n }),
      fc.bigInt({ min: -(10n ** 8n), max: 10n ** 8n }),
      // Round figures: whole words of zeros inside and at the end.
      fc.tuple(fc.bigInt({ min: -999n, max: 999n }), fc.integer({ min: 0, max: 13 })).map(([m, k]) => m * 10n ** BigInt(k)),
      // Beyond safe integers: the text path.
      fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }),
    );
    fc.assert(
      fc.property(units, fc.integer({ min: 0, max: 9 }), (u, scale) => {
        const built = decimalOfScaled(u, scale);
        const parsed = new Decimal(scaledText(u, scale));
        expect(figures(built)).toEqual(figures(parsed));
        expect(built.toString()).toBe(parsed.toString());
        expect(built.plus(1).minus(1).equals(parsed)).toBe(true);
        expect(scaledOf(built, scale)).toBe(u);
      }),
      { numRuns: 3000 },
    );
  });

  it("zero is zero, at any scale", () => {
    expect(decimalOfScaled(0n, 6).isZero()).toBe(true);
    expect(decimalOfScaled(-1n, 6).toString()).toBe("-0.000001");
    expect(decimalOfScaled(10_000_000n, 0).toString()).toBe("10000000");
  });
});
