import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { naiveForecast, rollingOriginBacktest } from "../../../src/replenishment/forecast/index.js";

const naive = (y: readonly number[], h: number) => naiveForecast(y, { h, levels: [] }).mean;

describe("rolling-origin backtest", () => {
  it("property: the naive method's one-step MASE over all origins averages |Δy_t| / in-sample mean |Δy|", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 100 }), { minLength: 8, maxLength: 40 }), (y) => {
        const r = rollingOriginBacktest(y, naive, { h: 1, origins: 3 });
        expect(r.origins).toHaveLength(3);
        r.origins.forEach((o) => expect(o.mae).toBe(Math.abs((y[o.origin] as number) - (y[o.origin - 1] as number))));
      }),
    );
  });
  it("worked example: a perfectly forecast trend has zero error and bias ratio 1", () => {
    const y = [2, 4, 6, 8, 10, 12, 14, 16, 18, 20];
    const trend = (h0: readonly number[], h: number) => Array.from({ length: h }, (_, i) => (h0[h0.length - 1] as number) + 2 * (i + 1));
    const r = rollingOriginBacktest(y, trend, { h: 2, origins: 4 });
    expect(r.mase).toBe(0);
    expect(r.smape).toBe(0);
    expect(r.bias).toBe(0);
    expect(r.biasRatio).toBe(1);
    expect(r.origins.map((o) => o.origin)).toEqual([5, 6, 7, 8]);
  });
  it("over-forecasting shows as negative bias and a bias ratio above 1", () => {
    const y = [5, 5, 6, 5, 6, 5, 6, 5, 6, 5];
    const r = rollingOriginBacktest(y, (_y, h) => new Array(h).fill(10), { h: 2, origins: 3 });
    expect(r.bias).toBeLessThan(0);
    expect(r.biasRatio).toBeGreaterThan(1);
    expect(r.rmsse).toBeGreaterThan(0);
  });
  it("too short a series is VALIDATION_FAILED", () => {
    expect(() => rollingOriginBacktest([1, 2, 3], naive, { h: 2, origins: 3 })).toThrow(/too short/);
  });
});
