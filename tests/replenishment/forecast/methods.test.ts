import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isStorekeepError } from "../../../src/kernel/errors.js";
import {
  autoForecast,
  classifyDemand,
  crostonForecast,
  forecastAccuracy,
  holtWintersForecast,
  movingAverageForecast,
  naiveForecast,
  normalCdf,
  normalLoss,
  normalQuantile,
  sesForecast,
  studentTCdf,
  studentTQuantile,
  thetaForecast,
  tsbForecast,
} from "../../../src/replenishment/forecast/index.js";

const demand = fc.array(fc.integer({ min: 0, max: 500 }), { minLength: 2, maxLength: 60 });

describe("distributions", () => {
  it("property: normalQuantile inverts normalCdf", () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-10, max: 1 - 1e-10, noNaN: true }), (p) => {
        expect(Math.abs(normalCdf(normalQuantile(p)) - p)).toBeLessThanOrEqual(1e-13 + 1e-12 * p);
      }),
    );
  });
  it("property: studentTQuantile inverts studentTCdf", () => {
    fc.assert(
      fc.property(fc.double({ min: 0.001, max: 0.999, noNaN: true }), fc.integer({ min: 1, max: 400 }), (p, df) => {
        expect(Math.abs(studentTCdf(studentTQuantile(p, df), df) - p)).toBeLessThanOrEqual(1e-12);
      }),
    );
  });
  it("worked values: qnorm(0.975), G(0), Cauchy quantile", () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 14);
    expect(normalLoss(0)).toBeCloseTo(0.3989422804014327, 15);
    expect(studentTQuantile(0.75, 1)).toBeCloseTo(1, 12);
  });
});

describe("forecast methods", () => {
  it("property: SES (simple initial) forecasts stay within the range of the history", () => {
    fc.assert(
      fc.property(demand, fc.double({ min: 0.01, max: 1, noNaN: true }), (y, alpha) => {
        const f = sesForecast(y, { h: 3, alpha, initial: "simple" }).mean[0] as number;
        expect(f).toBeGreaterThanOrEqual(Math.min(...y) - 1e-9);
        expect(f).toBeLessThanOrEqual(Math.max(...y) + 1e-9);
      }),
    );
  });
  it("property: Croston, SBA and TSB forecasts of non-negative demand are non-negative and SBA <= Croston", () => {
    fc.assert(
      fc.property(demand, (y) => {
        const c = crostonForecast(y, { h: 1, alpha: 0.1 }).mean[0] as number;
        const sba = crostonForecast(y, { h: 1, alpha: 0.1, variant: "sba" }).mean[0] as number;
        expect(c).toBeGreaterThanOrEqual(0);
        expect(sba).toBeLessThanOrEqual(c + 1e-12);
        expect(tsbForecast(y, { h: 1, alphaDemand: 0.1, alphaProbability: 0.1 }).mean[0]).toBeGreaterThanOrEqual(0);
      }),
    );
  });
  it("property: the demand class agrees with its ADI and CV² thresholds", () => {
    fc.assert(
      fc.property(demand, (y) => {
        const c = classifyDemand(y);
        if (c.demandClass === "no-demand") return;
        expect(c.demandClass === "smooth" || c.demandClass === "erratic").toBe(c.adi < 1.32);
        expect(c.demandClass === "smooth" || c.demandClass === "intermittent").toBe(c.cv2 < 0.49);
      }),
    );
  });
  it("property: naive forecasts score MASE 1 in-sample-style when the test repeats the last step", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 100 }), { minLength: 3, maxLength: 30 }), (y) => {
        const f = naiveForecast(y, { h: 1 });
        const a = forecastAccuracy(y, [y[y.length - 1] as number], f.mean);
        expect(a.mae).toBe(0);
        expect(a.smape).toBe(0);
      }),
    );
  });
  it("moving average: the mean of the last window", () => {
    expect(movingAverageForecast([1, 2, 3, 4, 5], { h: 2, window: 3 }).mean).toEqual([4, 4]);
  });
  it("theta: on a straight line, half the last value (SES of the theta=2 line) plus half the line's continuation", () => {
    const y = Array.from({ length: 20 }, (_, t) => 10 + 2 * t);
    const f = thetaForecast(y, { h: 3 });
    f.mean.forEach((m, i) => expect(Math.abs(m - (0.5 * 48 + 0.5 * (10 + 2 * (20 + i))))).toBeLessThan(0.01));
  });
  it("accuracy: worked example (MASE, sMAPE, RMSSE)", () => {
    const a = forecastAccuracy([1, 2, 3, 4], [5, 6], [4, 4]);
    expect(a.mase).toBeCloseTo(1.5, 12);
    expect(a.smape).toBeCloseTo(100 * (1 / 9 + 2 / 10), 12);
    expect(a.rmsse).toBeCloseTo(Math.sqrt(2.5), 12);
    expect(a.me).toBeCloseTo(1.5, 12);
  });
  it("auto: intermittent demand goes to SBA, smooth demand to ETS, no demand to zero; each says why", () => {
    const lumpy = autoForecast([0, 0, 4, 0, 0, 0, 16, 0, 0, 1, 0, 0], { h: 2 });
    expect(lumpy.method).toBe("croston-sba");
    expect(lumpy.reason).toContain("lumpy");
    const smooth = autoForecast([50, 52, 49, 51, 53, 50, 52, 54, 51, 53, 55, 52], { h: 2, period: 52 });
    expect(smooth.method).toBe("ets");
    expect(smooth.reason).toContain("period 52 is too long");
    expect(autoForecast([0, 0, 0], { h: 2 }).mean).toEqual([0, 0]);
  });
  it("Holt–Winters on two seasons: the default start is the simple one (as given explicitly); an explicit optimal start is refused saying what to pass", () => {
    const y = [5, 9, 7, 3, 6, 10, 8, 4];
    const byDefault = holtWintersForecast(y, { h: 4, period: 4, seasonal: "additive" });
    const simple = holtWintersForecast(y, { h: 4, period: 4, seasonal: "additive", initial: "simple" });
    expect(byDefault.mean).toEqual(simple.mean);
    expect(byDefault.mean[1]).toBeGreaterThan(byDefault.mean[3]!); // the season's peak and trough carry on
    let caught: unknown;
    try {
      holtWintersForecast(y, { h: 4, period: 4, seasonal: "additive", initial: "optimal" });
    } catch (error) {
      caught = error;
    }
    expect(isStorekeepError(caught) && caught.code === "VALIDATION_FAILED").toBe(true);
    expect((caught as Error).message).toMatch(/three full seasons.*8 values.*initial: "simple"/);
    // Three seasons: the default is the optimal (ETS) start, no longer the simple one.
    const y3 = [...y, 7, 11, 9, 5];
    expect(holtWintersForecast(y3, { h: 4, period: 4, seasonal: "additive" }).mean).toEqual(holtWintersForecast(y3, { h: 4, period: 4, seasonal: "additive", initial: "optimal" }).mean);
    expect(() => holtWintersForecast(y.slice(0, 7), { h: 4, period: 4, seasonal: "additive" })).toThrow(expect.objectContaining({ code: "VALIDATION_FAILED" }));
  });

  it("bad input is VALIDATION_FAILED with what to fix", () => {
    for (const bad of [() => naiveForecast([], { h: 1 }), () => naiveForecast([1, Number.NaN], { h: 1 }), () => sesForecast([1, 2], { h: 0, initial: "simple" }), () => crostonForecast([1], { h: 1, alpha: 2 })]) {
      try {
        bad();
        expect.unreachable();
      } catch (e) {
        expect(isStorekeepError(e) && e.code === "VALIDATION_FAILED").toBe(true);
      }
    }
  });
});
