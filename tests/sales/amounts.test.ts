import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseScaled } from "../../src/sales/amounts.js";

/** The general reading (a regular expression), which the fast path must agree with. */
function reference(text: string, scale: number): bigint | "throws" {
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text);
  if (m === null) return "throws";
  const fraction = (m[3] ?? "").replace(/0+$/, "");
  if (fraction.length > scale) return "throws";
  const units = BigInt(m[2]! + fraction.padEnd(scale, "0"));
  return m[1] === "-" ? -units : units;
}

describe("sales amounts", () => {
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
