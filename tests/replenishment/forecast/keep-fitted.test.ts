import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { crostonForecast, sesForecast } from "../../../src/replenishment/forecast/index.js";

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
