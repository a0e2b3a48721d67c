import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { breakdownRows } from "../../src/analytics/kpis.js";
import { Decimal } from "../../src/kernel/decimal.js";

/*
 * A breakdown's money columns add up to the shop's: amounts converted from another currency
 * carry fractions of a cent, and rounding each row on its own left the rows a cent off the
 * total (found by the whole-shop simulator: SKU rows 81.75 against a GMV of 81.76).
 */

const d = (x: string) => new Decimal(x);

describe("breakdownRows", () => {
  it("rounds rows so they add up to the rounded total: 10.005 + 20.005 + 30.005 = 60.015 → 60.02, not 60.00", () => {
    const rows = breakdownRows(
      [
        { key: "A", facts: { gmv: d("10.005"), shippedValue: d("10.005"), cogs: d("4.004") } },
        { key: "B", facts: { gmv: d("20.005"), shippedValue: d("20.005"), cogs: d("4.004") } },
        { key: "C", facts: { gmv: d("30.005"), shippedValue: d("30.005"), cogs: d("4.004") } },
      ],
      2,
    );
    expect(rows.map((r) => r.gmv)).toEqual(["10.01", "20.01", "30.00"]);
    // 3 × 4.004 = 12.012 → 12.01: the one cent left over goes to the first of the equal fractions.
    expect(rows.map((r) => r.cogs)).toEqual(["4.01", "4.00", "4.00"]);
    // Each row's margin is its shipped value less its COGS, so the margins add up too.
    for (const r of rows) expect(r.grossMargin).toBe(d(r.shippedValue).minus(r.cogs).toFixed(2));
  });

  it("property: the rows' GMV, shipped value and COGS add up to the half-even rounding of their exact sum, each row within one minor unit of its exact value", () => {
    const amount = fc.integer({ min: -5_000_000, max: 5_000_000 }).map((n) => d(n.toString()).dividedBy(1000));
    fc.assert(
      fc.property(fc.array(fc.record({ gmv: amount, shippedValue: amount, cogs: amount }), { minLength: 1, maxLength: 12 }), (facts) => {
        const rows = breakdownRows(facts.map((f, i) => ({ key: `k${i}`, facts: f })), 2);
        for (const field of ["gmv", "shippedValue", "cogs"] as const) {
          const exact = facts.reduce((s, f) => s.plus(f[field]), d("0"));
          const total = rows.reduce((s, r) => s.plus(r[field]), d("0"));
          expect(total.toFixed(2)).toBe(exact.toDecimalPlaces(2, Decimal.ROUND_HALF_EVEN).toFixed(2));
          rows.forEach((r, i) => expect(d(r[field]).minus(facts[i]![field]).abs().lt("0.01")).toBe(true));
        }
      }),
      { numRuns: 300 },
    );
  });
});
