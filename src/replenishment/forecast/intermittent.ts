import { type Forecast, type ForecastOptions, checkSeries, checkUnit, checkValues, repeat, validationError } from "./forecast-result.js";

/**
 * Intermittent-demand methods: Croston (R forecast 8.20's `croston()`), the
 * Syntetos–Boylan approximation (SBA) and Shale–Boylan–Johnston (SBJ) corrections,
 * Teunter–Syntetos–Babai (TSB), ADIDA and IMAPA, plus Croston with optimised smoothing
 * (golden section on 0.1..0.3, as Nixtla statsforecast's `CrostonOptimized`).
 * None of these has a standard prediction interval; they return point forecasts only.
 */

/** Croston variants: classic, SBA (× (1 − α/2)), SBJ (× (1 − α/(2 − α))). */
export type CrostonVariant = "classic" | "sba" | "sbj";

/** Demand sizes (non-zero values) and inter-demand intervals (first = 1-based index of the first demand). */
export function demandSizesAndIntervals(y: readonly number[]): { sizes: number[]; intervals: number[] } {
  const sizes: number[] = [];
  const intervals: number[] = [];
  let last = 0;
  for (let t = 0; t < y.length; t++) {
    const v = y[t] as number;
    if (v !== 0) {
      sizes.push(v);
      intervals.push(t + 1 - last);
      last = t + 1;
    }
  }
  return { sizes, intervals };
}

/** statsforecast's ses_forecast: f1 = x1, f_{i} = α x_{i−1} + (1−α) f_{i−1}, forecast α x_n + (1−α) f_n. */
function sfSes(x: readonly number[], alpha: number): number {
  const n = x.length;
  if (n === 1) return x[0] as number;
  let f = x[0] as number;
  for (let i = 1; i < n; i++) f = alpha * (x[i - 1] as number) + (1 - alpha) * f;
  return alpha * (x[n - 1] as number) + (1 - alpha) * f;
}

function sfSse(x: readonly number[], alpha: number): number {
  if (x.length < 2) return 0;
  let f = x[0] as number;
  let s = 0;
  for (let i = 1; i < x.length; i++) {
    f = alpha * (x[i - 1] as number) + (1 - alpha) * f;
    s += ((x[i] as number) - f) ** 2;
  }
  return s;
}

/** Golden-section search for the SES α minimising one-step SSE on [lower, upper] (statsforecast). */
export function goldenSectionAlpha(x: readonly number[], lower = 0.1, upper = 0.3): number {
  const gr = (Math.sqrt(5) + 1) / 2;
  let a = lower;
  let b = upper;
  let c = b - (b - a) / gr;
  let d = a + (b - a) / gr;
  let fc = sfSse(x, c);
  let fd = sfSse(x, d);
  for (let i = 0; i < 200 && Math.abs(b - a) >= 1e-12; i++) {
    if (fc < fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - (b - a) / gr;
      fc = sfSse(x, c);
    } else if (fd < fc) {
      a = c;
      c = d;
      fc = fd;
      d = a + (b - a) / gr;
      fd = sfSse(x, d);
    } else break;
  }
  return (b + a) / 2;
}

/**
 * Croston's method and its SBA / SBJ bias corrections, as R forecast 8.20 `croston()`:
 * SES (l0 = first value) on the non-zero sizes and on the inter-demand intervals,
 * forecast = size level / interval level (× the variant's factor). Fitted value t is the
 * forecast from y[0..t−1].
 *
 * @example
 * ```ts
 * crostonForecast([0, 3, 0, 0, 6, 0], { h: 2, alpha: 0.1 }).mean; // [1.5714..., 1.5714...]
 * ```
 */
export function crostonForecast(y: readonly number[], options: ForecastOptions & { readonly alpha?: number; readonly variant?: CrostonVariant }): Forecast {
  // One pass over the values: they are checked when the fit's error or the forecast is not finite.
  checkSeries(y, options.h, 1, false);
  const alpha = options.alpha ?? 0.1;
  checkUnit("alpha", alpha);
  if (alpha === 0) throw validationError("alpha must be greater than 0");
  const variant = options.variant ?? "classic";
  const factor = variant === "sba" ? 1 - alpha / 2 : variant === "sbj" ? 1 - alpha / (2 - alpha) : 1;
  const n = y.length;
  const keep = options.keepFitted !== false;
  const fitted: number[] = keep ? new Array<number>(n) : [];
  if (keep) fitted[0] = Number.NaN;
  // One pass: after y[t-1], the levels give fitted[t] (R: croston on y[0..t-1]); after y[n-1], the forecast.
  let sse = 0;
  let count = 0;
  let sizeLevel = 0;
  let intervalLevel = 0;
  let last = 0;
  for (let t = 1; t <= n; t++) {
    const v = y[t - 1] as number;
    if (v !== 0) {
      const interval = t - last;
      last = t;
      if (count === 0) {
        sizeLevel = v;
        intervalLevel = interval;
      } else {
        sizeLevel += alpha * (v - sizeLevel);
        intervalLevel += alpha * (interval - intervalLevel);
      }
      count++;
    }
    if (t < n) {
      const fit = count === 0 ? 0 : (factor * sizeLevel) / intervalLevel;
      if (keep) fitted[t] = fit;
      const e = (y[t] as number) - fit;
      sse += e * e;
    }
  }
  const point = count === 0 ? 0 : (factor * sizeLevel) / intervalLevel;
  if (!Number.isFinite(sse + point)) checkValues(y);
  if (count === 0 && keep) fitted.fill(0);
  const names = { classic: "Croston", sba: "Croston (SBA)", sbj: "Croston (SBJ)" };
  return { method: variant === "classic" ? "croston" : `croston-${variant}`, model: names[variant], mean: repeat(point, options.h), fitted, parameters: { alpha }, intervals: [], ...(n > 1 ? { sigma2: sse / (n - 1) } : {}) };
}

/**
 * Croston with smoothing parameters chosen by golden-section search on 0.1..0.3 for
 * sizes and intervals separately (statsforecast `CrostonOptimized`).
 *
 * @example
 * ```ts
 * crostonOptimizedForecast([0, 2, 0, 0, 3, 0, 1, 0, 0, 4], { h: 3 }).parameters;
 * ```
 */
export function crostonOptimizedForecast(y: readonly number[], options: ForecastOptions): Forecast {
  checkSeries(y, options.h);
  const { sizes, intervals } = demandSizesAndIntervals(y);
  if (sizes.length === 0) return { method: "croston-optimized", model: "Croston (optimised)", mean: repeat(0, options.h), fitted: repeat(Number.NaN, y.length), parameters: {}, intervals: [] };
  const alphaDemand = goldenSectionAlpha(sizes);
  const alphaInterval = goldenSectionAlpha(intervals);
  const d = sfSes(sizes, alphaDemand);
  const p = sfSes(intervals, alphaInterval);
  return { method: "croston-optimized", model: "Croston (optimised)", mean: repeat(p !== 0 ? d / p : d, options.h), fitted: repeat(Number.NaN, y.length), parameters: { alphaDemand, alphaInterval }, intervals: [] };
}

/**
 * Teunter–Syntetos–Babai: SES of the demand probability (updated every period) times SES
 * of the non-zero sizes, so the forecast decays towards zero when demand stops.
 *
 * @example
 * ```ts
 * tsbForecast([0, 3, 0, 0, 6, 0], { h: 2, alphaDemand: 0.1, alphaProbability: 0.1 }).mean;
 * ```
 */
export function tsbForecast(y: readonly number[], options: ForecastOptions & { readonly alphaDemand: number; readonly alphaProbability: number }): Forecast {
  checkSeries(y, options.h);
  checkUnit("alphaDemand", options.alphaDemand);
  checkUnit("alphaProbability", options.alphaProbability);
  const { sizes } = demandSizesAndIntervals(y);
  const probability = y.map((v) => (v !== 0 ? 1 : 0));
  const point = sizes.length === 0 ? 0 : sfSes(probability, options.alphaProbability) * sfSes(sizes, options.alphaDemand);
  return { method: "tsb", model: "TSB", mean: repeat(point, options.h), fitted: repeat(Number.NaN, y.length), parameters: { alphaDemand: options.alphaDemand, alphaProbability: options.alphaProbability }, intervals: [] };
}

/** Sums of consecutive non-overlapping buckets of k, dropping the oldest remainder. */
function aggregate(y: readonly number[], k: number): number[] {
  const lost = y.length % k;
  const out: number[] = [];
  for (let i = lost; i + k <= y.length; i += k) {
    let s = 0;
    for (let j = 0; j < k; j++) s += y[i + j] as number;
    out.push(s);
  }
  return out;
}

function meanInterval(y: readonly number[]): number {
  const { intervals } = demandSizesAndIntervals(y);
  return intervals.reduce((a, v) => a + v, 0) / intervals.length;
}

/**
 * ADIDA: aggregate demand into buckets of the mean inter-demand interval, forecast the
 * bucket totals by SES (golden-section α), divide back per period (statsforecast `ADIDA`).
 *
 * @example
 * ```ts
 * adidaForecast([0, 0, 3, 0, 0, 6, 0, 0, 2], { h: 3 }).mean;
 * ```
 */
export function adidaForecast(y: readonly number[], options: ForecastOptions): Forecast {
  checkSeries(y, options.h);
  if (y.every((v) => v === 0)) return { method: "adida", model: "ADIDA", mean: repeat(0, options.h), fitted: repeat(Number.NaN, y.length), parameters: {}, intervals: [] };
  const k = Math.max(1, Math.round(meanInterval(y)));
  const sums = aggregate(y, k);
  let point: number;
  if (sums.length === 0) point = y[y.length - 1] as number;
  else if (sums.length === 1) point = sums[0] as number;
  else point = sfSes(sums, goldenSectionAlpha(sums));
  return { method: "adida", model: "ADIDA", mean: repeat(point / k, options.h), fitted: repeat(Number.NaN, y.length), parameters: { aggregationLevel: k }, intervals: [] };
}

/**
 * IMAPA: the average of ADIDA-style forecasts over every aggregation level 1..mean interval.
 *
 * @example
 * ```ts
 * imapaForecast([0, 0, 3, 0, 0, 6, 0, 0, 2], { h: 3 }).mean;
 * ```
 */
export function imapaForecast(y: readonly number[], options: ForecastOptions): Forecast {
  checkSeries(y, options.h);
  if (y.every((v) => v === 0)) return { method: "imapa", model: "IMAPA", mean: repeat(0, options.h), fitted: repeat(Number.NaN, y.length), parameters: {}, intervals: [] };
  const kmax = Math.max(1, Math.round(meanInterval(y)));
  let s = 0;
  let used = 0;
  for (let k = 1; k <= kmax; k++) {
    const sums = aggregate(y, k);
    if (sums.length === 0) continue;
    s += sfSes(sums, goldenSectionAlpha(sums)) / k;
    used++;
  }
  return { method: "imapa", model: "IMAPA", mean: repeat(s / used, options.h), fitted: repeat(Number.NaN, y.length), parameters: { maxAggregationLevel: kmax }, intervals: [] };
}
