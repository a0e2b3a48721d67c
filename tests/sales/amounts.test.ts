import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatScaled, parseScaled } from "../../src/sales/amounts.js";

/** The general reading (a regular expression), which the fast path must agree with. */
function reference(text: string, scale: number): bigint | "throws" {
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text);
  if (m === null) return "throws";
  const fraction = (m[3] ?? "").replace(/0+$/, "");
  if (fraction.length > scale) return "throws";
  const units = BigInt(m[2]! + fraction.padEnd(scale, "0"));
  return m[1] === "-" ? -units : units;
}

/** Units of 10^-scale as a canonical decimal string, through the bigint's own digits. */
function referenceText(units: bigint, scale: number): string {
  if (units === 0n) return "0";
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(scale + 1, "0");
  const integer = digits.slice(0, digits.length - scale);
  const fraction = scale === 0 ? "" : digits.slice(digits.length - scale).replace(/0+$/, "");
  return `${negative ? "-" : ""}${integer}${fraction === "" ? "" : `.${fraction}`}`;
}

describe("sales amounts", () => {
  it("formatScaled writes every amount as the bigint's own digits do (small, near 2^53 and beyond)", () => {
    const edge = BigInt(Number.MAX_SAFE_INTEGER);
    const units = fc.oneof(
      fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n }),
      fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }),
      fc.bigInt({ min: edge - 1000n, max: edge + 1000n }),
      fc.bigInt({ min: -edge - 1000n, max: -edge + 1000n }),
      fc.integer({ min: -1000, max: 1000 }).map((n) => BigInt(n) * 10n ** 6n),
    );
    fc.assert(
      fc.property(units, fc.integer({ min: 0, max: 18 }), (u, scale) => {
        expect(formatScaled(u, scale)).toBe(referenceText(u, scale));
      }),
      { numRuns: 10000 },
    );
  });

  it("parseScaled reads every text as the general reading does (same units, same refusals)", () => {
    const texts = fc.oneof(
      fc.stringMatching(/^-?[0-9]{0,16}(\.[0-9]{0,8})?$/),
      fc.constantFrom("", ".", ".5", "5.", "1.2.3", "007", "0.000", "12.950", "1e3", " 1", "-0", "999999999999999", "9999999999999999"),
      fc.string({ maxLength: 6 }),
    );
    fc.assert(
      fc.property(texts, fc.integer({ min: 0, max: 8 }), (text, scale) => {
        const expected = reference(text, scale);
        if (expected === "throws") expect(() => parseScaled(text, scale)).toThrow();
        else expect(parseScaled(text, scale)).toBe(expected);
      }),
      { numRuns: 5000 },
    );
  });
});
