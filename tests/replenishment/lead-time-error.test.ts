import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Forecaster } from "../../src/replenishment/forecast/backtest.js";
import { LEAD_TIME_ERROR_MIN_ORIGINS, REFIT_EVERY, leadTimeDemand, leadTimeForecastErrors, refitChosen, summariseLeadTimeErrors } from "../../src/replenishment/lead-time-error.js";
import { autoForecast } from "../../src/replenishment/forecast/auto.js";
import { etsForecast, etsPointForecast, etsRun } from "../../src/replenishment/forecast/ets.js";

const naive: Forecaster = (y, h) => new Array<number>(h).fill(y[y.length - 1] as number);

/** A seeded standard normal (Box–Muller on a linear congruential generator): the same draws on every run. */
function normals(seed: number, n: number): number[] {
  let state = seed;
  const uniform = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return (state + 0.5) / 2147483648;
  };
  return Array.from({ length: n }, () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform()));
}

describe("lead-time forecast errors from rolling origins", () => {
  it("property: every origin has at least minHistory periods before it and the whole lead time after it, at most maxOrigins of them, the latest", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 50 }), { minLength: 1, maxLength: 40 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 30 }), (history, L, minHistory, maxOrigins) => {
        const seen: number[] = [];
        const errors = leadTimeForecastErrors(history, (y, h) => (seen.push(y.length), naive(y, h)), { leadTimePeriods: L, minHistory, maxOrigins });
        const expected = Math.max(0, Math.min(maxOrigins, history.length - L - minHistory + 1));
        expect(errors).toHaveLength(expected);
        expect(seen).toEqual(Array.from({ length: expected }, (_, k) => history.length - L - expected + 1 + k));
      }),
    );
  });

  it("worked example: a naive forecast of 1, 2, …, 8 two periods ahead misses by 3 at every origin", () => {
    // Origins after 4, 5, 6 periods: 5 + 6 − 2·4, 6 + 7 − 2·5, 7 + 8 − 2·6.
    const errors = leadTimeForecastErrors([1, 2, 3, 4, 5, 6, 7, 8], naive, { leadTimePeriods: 2 });
    expect(errors).toEqual([3, 3, 3]);
    expect(summariseLeadTimeErrors(errors)).toEqual({ origins: 3, bias: 3, sd: 0 });
  });

  it("a fractional lead time counts its last period pro rata", () => {
    // L = 1.5 from the origin after 4 periods: 5 + 0.5·6 − 1.5·4 = 2; after 5: 6 + 0.5·7 − 1.5·5 = 2; after 6: 7 + 0.5·8 − 1.5·6 = 2.
    expect(leadTimeForecastErrors([1, 2, 3, 4, 5, 6, 7, 8], naive, { leadTimePeriods: 1.5 })).toEqual([2, 2, 2]);
    // L = 0.5: half of the next period.
    expect(leadTimeForecastErrors([4, 4, 4, 4, 10], naive, { leadTimePeriods: 0.5 })).toEqual([3]);
    expect(leadTimeForecastErrors([4, 4, 4, 4, 10], naive, { leadTimePeriods: 0 })).toEqual([]);
  });

  it("closed form: for a random walk under the naive forecast the 2-period errors have variance 5σ² (1² + 2²), where σ·√L assumes 2σ²", () => {
    // y_t = y_{t−1} + ε_t: the error over t+1..t+2 is 2ε_{t+1} + ε_{t+2}.
    const eps = normals(7, 4_006);
    const walk: number[] = [];
    let level = 1000;
    for (const e of eps) walk.push((level += 3 * e));
    const s = summariseLeadTimeErrors(leadTimeForecastErrors(walk, naive, { leadTimePeriods: 2, maxOrigins: 4_000 }));
    // 4,000 origins: the sample standard deviation is within about 2% of σ·√5 (one standard error), 5% is over two.
    expect(s.origins).toBe(4_000);
    expect(s.sd / (3 * Math.sqrt(5))).toBeGreaterThan(0.95);
    expect(s.sd / (3 * Math.sqrt(5))).toBeLessThan(1.05);
    expect(Math.abs(s.bias)).toBeLessThan(1);
  });

  it("closed form: independent demand around a known mean has lead-time errors of σ·√L, as the one-step rule says", () => {
    const demand = normals(11, 4_007).map((e) => 50 + 4 * e);
    const s = summariseLeadTimeErrors(leadTimeForecastErrors(demand, (_y, h) => new Array<number>(h).fill(50), { leadTimePeriods: 3, maxOrigins: 4_000 }));
    expect(s.sd / (4 * Math.sqrt(3))).toBeGreaterThan(0.95);
    expect(s.sd / (4 * Math.sqrt(3))).toBeLessThan(1.05);
  });

  it("summarizes errors as their mean and sample standard deviation", () => {
    expect(summariseLeadTimeErrors([2, 4, 6])).toEqual({ origins: 3, bias: 4, sd: 2 });
    expect(summariseLeadTimeErrors([5])).toEqual({ origins: 1, bias: 5, sd: 0 });
    expect(summariseLeadTimeErrors([])).toEqual({ origins: 0, bias: 0, sd: 0 });
  });

  it("refuses a bad lead time, bounds and a forecaster that returns too few values", () => {
    expect(() => leadTimeForecastErrors([1, 2, 3, 4, 5, 6], naive, { leadTimePeriods: -1 })).toThrow(/leadTimePeriods must be a finite number >= 0/);
    // A lead time longer than the history (a supplier 20,000 days away, daily periods) leaves no origin: nothing to score, no error.
    expect(leadTimeForecastErrors([1, 2, 3, 4, 5, 6], naive, { leadTimePeriods: 20_000 })).toEqual([]);
    expect(() => leadTimeForecastErrors([1, 2, 3, 4, 5, 6], naive, { leadTimePeriods: 2, maxOrigins: 0 })).toThrow(/maxOrigins/);
    expect(() => leadTimeForecastErrors([1, 2, 3, 4, 5, 6], naive, { leadTimePeriods: 2, minHistory: 0 })).toThrow(/minHistory/);
    expect(() => leadTimeForecastErrors([1, 2, 3, 4, 5, 6], () => [1], { leadTimePeriods: 2 })).toThrow(/returned 1 values for a horizon of 2/);
  });
});

describe("lead-time demand from the forecast errors", () => {
  const oneStep = { meanDemandPerPeriod: 20, sdDemandPerPeriod: 6, leadTimePeriods: 2 };

  it(`uses the errors' mean and spread from ${LEAD_TIME_ERROR_MIN_ORIGINS} origins on, the one-step σ·√L below`, () => {
    expect(leadTimeDemand({ ...oneStep, forecastError: { origins: 8, bias: 4, sd: 15 } })).toEqual({ mean: 44, sd: 15, source: "rolling-origin" });
    const below = leadTimeDemand({ ...oneStep, forecastError: { origins: 7, bias: 4, sd: 15 } });
    expect(below.source).toBe("one-step");
    expect(below.mean).toBe(40);
    expect(below.sd).toBeCloseTo(6 * Math.SQRT2, 12);
    expect(leadTimeDemand(oneStep).source).toBe("one-step");
  });

  it("adds the lead time's spread as the one-step rule does, and never plans a negative mean", () => {
    // √(15² + 20²·0.5²) = √325.
    expect(leadTimeDemand({ ...oneStep, sdLeadTimePeriods: 0.5, forecastError: { origins: 20, bias: 0, sd: 15 } }).sd).toBeCloseTo(Math.sqrt(325), 12);
    // A forecast of 40 over the lead time that ran 55 too high on average plans 0, not −15.
    expect(leadTimeDemand({ ...oneStep, forecastError: { origins: 20, bias: -55, sd: 15 } }).mean).toBe(0);
    expect(() => leadTimeDemand({ ...oneStep, forecastError: { origins: 20, bias: Number.NaN, sd: 15 } })).toThrow(/finite bias/);
  });
});

describe("refitChosen: rolling origins refit the chosen model, not the model search", () => {
  it("etsRun on the data a fit was estimated on gives that fit's states and fitted values; on a longer series it runs the same recursions on (ETS(A,N,N): l ← l + α(y − l))", () => {
    const y = [21, 19, 22, 18, 20, 21, 19, 20, 22, 18, 23, 20];
    const fit = etsForecast(y, { h: 1, model: "ANN", levels: [] }).fit;
    const same = etsRun(fit, y);
    expect(same.level).toBeCloseTo(fit.level, 12);
    same.fitted.forEach((v, i) => expect(v).toBeCloseTo(fit.fitted[i] as number, 12));
    expect(same.sse).toBeCloseTo(fit.sse, 9);
    let level = fit.level;
    for (const v of [30, 31, 29]) level += fit.alpha * (v - level);
    expect(etsPointForecast(etsRun(fit, [...y, 30, 31, 29]), 1)[0]).toBeCloseTo(level, 12);
    // A multiplicative error cannot run over a zero: refused as the fit would be.
    const mult = etsForecast(y, { h: 1, model: "MNN", levels: [] }).fit;
    expect(() => etsRun(mult, [...y, 0])).toThrow();
  });

  it("an ETS choice keeps its form on each prefix of 10 or more periods (parameters re-estimated every 4 origins, run on between), shorter prefixes and other methods take autoForecast's own choice", () => {
    const history = [21, 19, 22, 18, 20, 21, 19, 20, 22, 18, 30, 35, 41, 38, 42, 39, 41, 40, 43, 38];
    const chosen = autoForecast(history, { h: 1, levels: [] });
    expect(chosen.method).toBe("ets");
    const form = /^ETS\(([AM]),(N|A|Ad),(N|A|M)\)$/.exec(chosen.model)!;
    const model = `${form[1]}${form[2]}${form[3]}`;
    const rate = refitChosen(chosen);
    // Re-estimated on 10, 14, 18, … periods (every REFIT_EVERY origins): there the rate is that fit's forecast.
    expect(REFIT_EVERY).toBe(4);
    for (const n of [10, 14, 18]) {
      const prefix = history.slice(0, n);
      expect(rate(prefix)).toBeCloseTo(Math.max(0, etsForecast(prefix, { h: 1, model, levels: [] }).mean[0] as number), 12);
    }
    // In between, the last fit runs on over the new periods with its parameters: 19 periods take the fit on the first 18.
    const on18 = etsForecast(history.slice(0, 18), { h: 1, model, levels: [] }).fit;
    expect(rate(history.slice(0, 19))).toBeCloseTo(Math.max(0, etsPointForecast(etsRun(on18, history.slice(0, 19)), 1)[0] as number), 12);
    expect(rate(history.slice(0, 19))).not.toBeCloseTo(Math.max(0, etsForecast(history.slice(0, 19), { h: 1, model, levels: [] }).mean[0] as number), 6);
    // refitEvery 1 re-estimates at every origin.
    expect(refitChosen(chosen, { refitEvery: 1 })(history.slice(0, 19))).toBeCloseTo(Math.max(0, etsForecast(history.slice(0, 19), { h: 1, model, levels: [] }).mean[0] as number), 12);
    expect(() => refitChosen(chosen, { refitEvery: 0 })).toThrow(/refitEvery must be a whole number/);
    expect(rate(history.slice(0, 6))).toBeCloseTo(Math.max(0, autoForecast(history.slice(0, 6), { h: 1, levels: [] }).mean[0] as number), 12);
    // Croston (an intermittent history) is chosen afresh on each prefix.
    const sparse = [0, 0, 3, 0, 0, 0, 5, 0, 0, 2, 0, 0, 0, 4, 0, 0];
    const croston = autoForecast(sparse, { h: 1, levels: [] });
    expect(croston.method).not.toBe("ets");
    expect(refitChosen(croston)(sparse.slice(0, 12))).toBeCloseTo(Math.max(0, autoForecast(sparse.slice(0, 12), { h: 1, levels: [] }).mean[0] as number), 12);
  });
});
