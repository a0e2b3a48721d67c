import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { classifyDemand, crostonForecast, sesForecast } from "../../../src/replenishment/forecast/index.js";

/** Mean squared residual over the periods with a fitted value. */
function meanSquaredResidual(y: readonly number[], fitted: readonly number[]): number {
  let ss = 0;
  let n = 0;
  for (let t = 0; t < y.length; t++) {
    const f = fitted[t] as number;
    if (Number.isNaN(f)) continue;
    ss += ((y[t] as number) - f) ** 2;
    n++;
  }
  return ss / n;
}

const demand = fc.array(fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 50 })), { minLength: 2, maxLength: 200 });

describe("keepFitted: false", () => {
  it("property: SES and Croston give the same forecast without the fitted values, and sigma2 is the mean squared one-step residual", () => {
    fc.assert(
      fc.property(demand, fc.double({ min: 0.05, max: 0.95, noNaN: true }), (y, alpha) => {
        const ses = sesForecast(y, { h: 2, alpha, initial: "simple", levels: [] });
        const sesLean = sesForecast(y, { h: 2, alpha, initial: "simple", levels: [], keepFitted: false });
        expect(sesLean.fitted).toEqual([]);
        expect(sesLean.mean).toEqual(ses.mean);
        expect(sesLean.sigma2).toBeCloseTo(meanSquaredResidual(y, ses.fitted), 9);
        // The lean SES loop (no trend term) gives the same numbers to the bit.
        expect(sesLean.sigma2).toBe(ses.sigma2);
        for (const variant of ["classic", "sba"] as const) {
          const c = crostonForecast(y, { h: 2, alpha, variant });
          const lean = crostonForecast(y, { h: 2, alpha, variant, keepFitted: false });
          expect(lean.fitted).toEqual([]);
          expect(lean.mean).toEqual(c.mean);
          expect(lean.sigma2).toBeCloseTo(meanSquaredResidual(y, c.fitted), 9);
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe("one pass over the values", () => {
  it("property: a non-finite value anywhere is refused by SES (fixed α) and Croston, naming the first such index, though their fits check the values only when the error is not finite", () => {
    const bad = fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY);
    fc.assert(
      fc.property(demand, fc.nat(), bad, (y, at, value) => {
        const i = at % y.length;
        const series = [...y];
        series[i] = value;
        const message = `series[${i}] must be a finite number`;
        expect(() => sesForecast(series, { h: 1, alpha: 0.1, initial: "simple", levels: [], keepFitted: false })).toThrow(message);
        expect(() => sesForecast(series, { h: 1, alpha: 0.1, initial: "simple", levels: [] })).toThrow(message);
        expect(() => crostonForecast(series, { h: 1, alpha: 0.1, variant: "sba", keepFitted: false })).toThrow(message);
        expect(() => crostonForecast(series, { h: 1, alpha: 0.1 })).toThrow(message);
      }),
      { numRuns: 200 },
    );
  });

  it("property: classifyDemand's one-pass CV² equals the two-pass population variance of the non-zero sizes over their squared mean (to 1e-9 relative), sizes far from zero included", () => {
    const sizes = fc.oneof(fc.integer({ min: 1, max: 50 }), fc.integer({ min: 1_000_000, max: 1_000_050 }), fc.double({ min: 0.001, max: 1e6, noNaN: true }));
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constant(0), sizes), { minLength: 1, maxLength: 300 }), (y) => {
        const nz = y.filter((v) => v !== 0);
        const c = classifyDemand(y);
        if (nz.length === 0) {
          expect(c.demandClass).toBe("no-demand");
          return;
        }
        const mean = nz.reduce((a, v) => a + v, 0) / nz.length;
        const cv2 = nz.reduce((a, v) => a + (v - mean) ** 2, 0) / nz.length / (mean * mean);
        expect(Math.abs(c.cv2 - cv2)).toBeLessThanOrEqual(1e-9 * Math.max(1, cv2));
        expect(c.adi).toBe((y.lastIndexOf(nz[nz.length - 1] as number) + 1) / nz.length);
      }),
      { numRuns: 300 },
    );
  });
});
