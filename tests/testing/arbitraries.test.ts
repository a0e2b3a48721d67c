import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BOUNDS, amountSchema, quantitySchema, rateSchema } from "../../src/kernel/bounds.js";
import { minorUnits } from "../../src/kernel/currencies.js";
import { canonicalDecimal } from "../../src/kernel/decimal.js";
import { arbitraries } from "../../src/testing/arbitraries.js";

describe("money arbitraries", () => {
  it("amount strings are canonical and accepted by the amount schema (property: generated = parsed canonical)", () => {
    fc.assert(
      fc.property(arbitraries.amountString(), (s) => {
        const parsed = amountSchema.safeParse(s);
        expect(parsed.success).toBe(true);
        expect(canonicalDecimal(parsed.data!)).toBe(s);
      }),
      { numRuns: 500 },
    );
  });

  it("reach the bounds, zero and negatives, and respect sign and decimals options", () => {
    const sample = fc.sample(arbitraries.amountString(), { numRuns: 3000, seed: 1 });
    expect(sample).toContain("0");
    expect(sample.some((s) => s.startsWith("-"))).toBe(true);
    expect(sample.some((s) => s.replace("-", "").split(".")[0]!.length === BOUNDS.amount.integerDigits)).toBe(true);
    expect(sample.some((s) => (s.split(".")[1] ?? "").length === BOUNDS.amount.fractionDigits)).toBe(true);
    fc.assert(fc.property(arbitraries.amountString({ sign: "positive", maxFractionDigits: 2 }), (s) => !s.startsWith("-") && s !== "0" && (s.split(".")[1] ?? "").length <= 2));
    fc.assert(fc.property(arbitraries.quantityString(), (s) => quantitySchema.safeParse(s).success));
    fc.assert(fc.property(arbitraries.rateString(), (s) => rateSchema.safeParse(s).success));
  });

  it("decimals equal their strings, and money sits at its currency's minor unit (property)", () => {
    fc.assert(fc.property(arbitraries.decimal({ sign: "nonnegative" }), (d) => !d.isNegative() && d.isFinite()));
    fc.assert(
      fc.property(arbitraries.money(), (m) => {
        const decimals = m.amount.decimalPlaces();
        return decimals <= minorUnits(m.currency);
      }),
      { numRuns: 500 },
    );
    fc.assert(fc.property(arbitraries.money({ currency: "JPY" }), (m) => m.currency === "JPY" && m.amount.isInteger()));
    fc.assert(fc.property(arbitraries.money({ currency: arbitraries.currency(["EUR", "KWD"]), minorUnitsOnly: false, sign: "positive" }), (m) => ["EUR", "KWD"].includes(m.currency) && m.amount.isPositive()));
  });

  it("refuses unknown currencies", () => {
    expect(() => arbitraries.currency(["EUR", "NOPE"])).toThrow(expect.objectContaining({ code: "UNKNOWN_CURRENCY" }));
    expect(() => arbitraries.money({ currency: "NOPE" })).toThrow(expect.objectContaining({ code: "UNKNOWN_CURRENCY" }));
  });
});

describe("postingEventsArbitrary", () => {
  it("invariant: no document id occurs twice in a sequence, so recording it never meets DUPLICATE_DOCUMENT", async () => {
    const { postingEventsArbitrary } = await import("../../src/testing/arbitraries.js");
    const { documentIdOf } = await import("../../src/kernel/events/documents.js");
    fc.assert(
      fc.property(postingEventsArbitrary({ functionalCurrency: "EUR", from: "2026-01-01", to: "2026-01-31" }, { minLength: 1, maxLength: 40 }), (events) => {
        const ids = events.flatMap((e) => { const id = documentIdOf(e.type, e.payload); return id === undefined ? [] : [`${e.type}:${id}`]; });
        expect(new Set(ids).size).toBe(ids.length);
      }),
      { numRuns: 200 },
    );
  });
});
