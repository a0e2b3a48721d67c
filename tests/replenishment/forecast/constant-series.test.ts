import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isStorekeepError } from "../../../src/kernel/errors.js";
import { autoForecast, etsForecast } from "../../../src/replenishment/forecast/index.js";
import { forecastDrivenPolicy } from "../../../src/replenishment/simulate.js";

const codeOf = (work: () => unknown): string => {
  try {
    work();
    return "none";
  } catch (e) {
    return isStorekeepError(e) ? e.code : "not a StorekeepError";
  }
};

describe("a constant series (R's ets rule: ETS(A,N,N) with α = 0.99999)", () => {
  it("property: autoForecast and ETS selection forecast the constant with zero spread, whatever the value and the length", () => {
    const value = fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 1_000_000 }), fc.double({ min: 1e-6, max: 1e9, noNaN: true }));
    fc.assert(
      fc.property(value, fc.integer({ min: 1, max: 60 }), fc.integer({ min: 1, max: 13 }), (c, n, h) => {
        const y = new Array<number>(n).fill(c);
        const auto = autoForecast(y, { h, levels: [80, 95] });
        expect(auto.mean).toEqual(new Array<number>(h).fill(c));
        for (const pi of auto.intervals) {
          expect(pi.lower).toEqual(auto.mean);
          expect(pi.upper).toEqual(auto.mean);
        }
        if (n >= 4) {
          const ets = etsForecast(y, { h });
          expect(ets.model).toBe("ETS(A,N,N)");
          expect(ets.fit.alpha).toBe(0.99999);
          expect(ets.mean).toEqual(new Array<number>(h).fill(c));
          expect(ets.sigma2).toBe(0);
          expect(ets.fitted).toEqual(y);
        }
      }),
      { numRuns: 200 },
    );
  });

  it("worked example: 3 units every week for 12 weeks forecasts 3 a week, intervals of zero width, and says why", () => {
    const f = autoForecast(new Array<number>(12).fill(3), { h: 4 });
    expect(f.mean).toEqual([3, 3, 3, 3]);
    expect(f.model).toBe("ETS(A,N,N)");
    expect(f.parameters).toEqual({ alpha: 0.99999, l: 3 });
    expect(f.sigma2).toBe(0);
    expect(f.intervals.map((pi) => [pi.level, pi.lower, pi.upper])).toEqual([
      [80, [3, 3, 3, 3], [3, 3, 3, 3]],
      [95, [3, 3, 3, 3], [3, 3, 3, 3]],
    ]);
    expect(f.classification.demandClass).toBe("smooth");
    expect(f.reason).toMatch(/^constant demand \(3 in each of the 12 periods\)/);
  });

  it("a model with Z letters that leaves out ETS(A,N,N) takes the first perfect fit, as R (an AICc of −∞ wins)", () => {
    const f = etsForecast(new Array<number>(12).fill(5), { h: 3, model: "ZAN" });
    expect(f.model).toBe("ETS(A,A,N)");
    for (const m of f.mean) expect(m).toBeCloseTo(5, 9);
    expect(f.fit.aicc).toBe(Number.NEGATIVE_INFINITY);
  });

  it("a steady history in the replenishment simulator's forecast-driven policy orders what the lead time needs", () => {
    const policy = forecastDrivenPolicy({ fillRate: 0.95, leadTimePeriods: 2, orderQuantity: 6 });
    // Position 0 ≤ ROP = 3·2 (no spread): order up to ROP + Q = 12.
    expect(policy({ period: 12, history: new Array<number>(12).fill(3), onHand: 0, onOrder: 0 })).toBe(12);
  });

  it("values so large that their sum overflows are refused as VALIDATION_FAILED instead of stalling the optimiser", () => {
    const huge = [1.7e308, 1, 1.7e308, 1, 1.7e308, 1, 1.7e308, 1, 1.7e308, 1, 1.7e308, 1];
    expect(codeOf(() => etsForecast(huge, { h: 2 }))).toBe("VALIDATION_FAILED");
    expect(codeOf(() => etsForecast(new Array<number>(12).fill(1e308), { h: 2, model: "ANN" }))).toBe("VALIDATION_FAILED");
  });
});
