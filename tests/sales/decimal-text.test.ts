import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BOUNDS, checkBoundedDecimal } from "../../src/kernel/bounds.js";
import { canonicalDecimal } from "../../src/kernel/decimal.js";
import { decimalText } from "../../src/sales/inputs.js";

/** What decimalText gave before its shortcut for canonical texts: the full check, then the canonical form. */
function fullCheck(input: string | number, sign: "nonnegative" | "positive" | "any", what: "amount" | "quantity" | "price"): { ok: true; value: string } | { ok: false } {
  const parsed = checkBoundedDecimal(input, what === "quantity" ? BOUNDS.quantity : BOUNDS.amount, what === "price" ? "amount" : what, sign);
  return parsed.ok ? { ok: true, value: canonicalDecimal(parsed.value) } : { ok: false };
}

const digits = (min: number, max: number) => fc.string({ unit: fc.constantFrom("0", "1", "5", "9"), minLength: min, maxLength: max });
const texts = fc.oneof(
  fc.tuple(digits(1, 17), fc.option(digits(0, 8))).map(([i, f]) => (f === null ? i : `${i}.${f}`)),
  fc.tuple(fc.constantFrom("", "-", "+", " "), digits(0, 3), fc.constantFrom("", ".", "..", "e1", ",0", "."), digits(0, 3)).map((p) => p.join("")),
  fc.constantFrom("0", "00", "0.0", "0.5", "-0", "1.", ".5", "1e3", "007", "10.10", "999999999999999", "9999999999999999", "0.000001", "0.0000001"),
);
const numbers = fc.oneof(fc.integer({ min: -1_000_000, max: 1_000_000_000 }), fc.double({ noNaN: false }), fc.constantFrom(0, -0, 0.5, 1e21, 1e-7, 12.95));

describe("decimalText", () => {
  it.each([
    ["nonnegative", "amount"],
    ["positive", "quantity"],
    ["nonnegative", "price"],
    ["any", "amount"],
  ] as const)("property: gives what the full check gives, for canonical and other texts and numbers (%s %s)", (sign, what) => {
    const schema = decimalText(sign, what);
    fc.assert(
      fc.property(fc.oneof(texts, numbers), (input) => {
        const got = schema.safeParse(input);
        const want = fullCheck(input, sign, what);
        expect(got.success).toBe(want.ok);
        if (got.success && want.ok) expect(got.data).toBe(want.value);
      }),
      { numRuns: 3000 },
    );
  });
});
