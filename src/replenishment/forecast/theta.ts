import { decomposeFigure, etsFit, etsPointForecast } from "./ets.js";
import { type Forecast, type ForecastOptions, checkSeries, validationError } from "./forecast-result.js";

/**
 * Autocorrelation of x at lags 1..maxLag (R's `acf`, biased estimator).
 */
export function autocorrelation(x: readonly number[], maxLag: number): number[] {
  const n = x.length;
  const mean = x.reduce((a, v) => a + v, 0) / n;
  let denom = 0;
  for (const v of x) denom += (v - mean) ** 2;
  const out: number[] = [];
  for (let k = 1; k <= maxLag; k++) {
    let s = 0;
    for (let t = 0; t + k < n; t++) s += ((x[t] as number) - mean) * ((x[t + k] as number) - mean);
    out.push(denom === 0 ? 0 : s / denom);
  }
  return out;
}

/**
 * The M4 competition's seasonality test: |acf(period)| above its 90% limit
 * 1.645/√n · √(1 + 2 Σ_{k<period} acf(k)²), with at least three seasons of history.
 *
 * @example
 * ```ts
 * isSeasonal([1, 5, 1, 5, 1, 5, 1, 5, 1, 5, 1, 5], 2); // true
 * ```
 */
export function isSeasonal(y: readonly number[], period: number): boolean {
  if (period <= 1 || y.length < 3 * period) return false;
  const acf = autocorrelation(y, period);
  let cum = 1;
  for (let k = 0; k < period - 1; k++) cum += 2 * (acf[k] as number) ** 2;
  const limit = (1.645 / Math.sqrt(y.length)) * Math.sqrt(cum);
  return Math.abs(acf[period - 1] as number) > limit;
}

/**
 * Multiplicative seasonal indices when the M4 test finds seasonality, else all ones:
 * `{ inSample, outOfSample }` to divide the history by and multiply the forecast with.
 */
export function m4SeasonalAdjustment(y: readonly number[], period: number, h: number): { inSample: number[]; outOfSample: number[] } {
  if (!isSeasonal(y, period)) return { inSample: y.map(() => 1), outOfSample: new Array<number>(h).fill(1) };
  const figure = decomposeFigure(y, period, true);
  const inSample = y.map((_, t) => figure[t % period] as number);
  const n = y.length;
  const outOfSample: number[] = [];
  for (let i = 0; i < h; i++) outOfSample.push(figure[(n + i) % period] as number);
  return { inSample, outOfSample };
}

/**
 * The classic Theta method as the M4 competition's benchmark (Assimakopoulos &
 * Nikolopoulos 2000): the theta=0 line (linear regression on time) and the theta=2 line
 * forecast by SES (R `ses()`, ETS(A,N,N) by MSE), averaged with equal weights; a
 * multiplicative seasonal adjustment first when the M4 seasonality test finds one.
 *
 * @example
 * ```ts
 * thetaForecast([10, 12, 11, 13, 14, 13, 15, 16, 15, 17], { h: 3 }).mean;
 * ```
 */
export function thetaForecast(y: readonly number[], options: ForecastOptions & { readonly period?: number }): Forecast {
  checkSeries(y, options.h, 4);
  const period = options.period ?? 1;
  if (!(Number.isInteger(period) && period >= 1)) throw validationError("period must be a positive integer", { period });
  const h = options.h;
  const adj = m4SeasonalAdjustment(y, period, h);
  const x = y.map((v, t) => v / (adj.inSample[t] as number));
  const n = x.length;
  const mt = (n + 1) / 2;
  const mx = x.reduce((a, v) => a + v, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (let t = 1; t <= n; t++) {
    sxy += (t - mt) * ((x[t - 1] as number) - mx);
    sxx += (t - mt) ** 2;
  }
  const slope = sxy / sxx;
  const intercept = mx - slope * mt;
  const line2 = x.map((v, t) => 2 * v - (intercept + slope * (t + 1)));
  const fit = etsFit(line2, { error: "A", trend: "N", season: "N" }, { criterion: "mse" });
  const sesMean = etsPointForecast(fit, h);
  const mean = sesMean.map((s, i) => (0.5 * s + 0.5 * (intercept + slope * (n + i + 1))) * (adj.outOfSample[i] as number));
  const fitted = fit.fitted.map((s, t) => (0.5 * s + 0.5 * (intercept + slope * (t + 1))) * (adj.inSample[t] as number));
  return { method: "theta", model: "Theta", mean, fitted, parameters: { alpha: fit.alpha, l: fit.initialLevel, slope, intercept }, intervals: [] };
}
