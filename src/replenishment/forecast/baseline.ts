import { type Forecast, type ForecastOptions, checkLevels, checkSeries, normalIntervals, repeat, validationError } from "./forecast-result.js";
import { studentTQuantile } from "./normal.js";

/**
 * Naive forecast: the last observation, repeated (R `naive()`). Intervals use
 * σ = √mean(residual²) of the one-step random walk, widening with √h.
 *
 * @example
 * ```ts
 * naiveForecast([3, 4, 5], { h: 2 }).mean; // [5, 5]
 * ```
 */
export function naiveForecast(y: readonly number[], options: ForecastOptions): Forecast {
  return seasonalNaiveCore(y, options, 1, "naive", "Naive");
}

/**
 * Seasonal naive forecast: the value one season ago (R `snaive()`).
 *
 * @example
 * ```ts
 * seasonalNaiveForecast([1, 2, 3, 4], { h: 3, period: 2 }).mean; // [3, 4, 3]
 * ```
 */
export function seasonalNaiveForecast(y: readonly number[], options: ForecastOptions & { readonly period: number }): Forecast {
  if (!(Number.isInteger(options.period) && options.period >= 1)) throw validationError("period must be a positive integer", { period: options.period });
  return seasonalNaiveCore(y, options, options.period, "seasonal-naive", `Seasonal naive (period ${options.period})`);
}

function seasonalNaiveCore(y: readonly number[], options: ForecastOptions, m: number, method: string, model: string): Forecast {
  checkSeries(y, options.h, m);
  const levels = checkLevels(options.levels);
  const n = y.length;
  const h = options.h;
  const fitted = new Array<number>(n).fill(Number.NaN);
  let sum = 0;
  let count = 0;
  for (let t = m; t < n; t++) {
    fitted[t] = y[t - m] as number;
    const e = (y[t] as number) - (y[t - m] as number);
    sum += e * e;
    count++;
  }
  const mean = new Array<number>(h);
  for (let i = 0; i < h; i++) mean[i] = y[n - m + (i % m)] as number;
  const sigma2 = count > 0 ? sum / count : Number.NaN;
  const sigma = Math.sqrt(sigma2);
  const sd = mean.map((_, i) => sigma * Math.sqrt(Math.floor(i / m) + 1));
  return { method, model, mean, fitted, parameters: m > 1 ? { period: m } : {}, intervals: count > 0 ? normalIntervals(mean, sd, levels) : [], sigma2 };
}

/**
 * Mean forecast: the average of the whole history (R `meanf()`), with t-based intervals
 * `mean ± t(n−1)·sd·√(1 + 1/n)`.
 *
 * @example
 * ```ts
 * meanForecast([1, 2, 3], { h: 1 }).mean; // [2]
 * ```
 */
export function meanForecast(y: readonly number[], options: ForecastOptions): Forecast {
  checkSeries(y, options.h);
  const levels = checkLevels(options.levels);
  const n = y.length;
  let s = 0;
  for (const v of y) s += v;
  const avg = s / n;
  let ss = 0;
  for (const v of y) ss += (v - avg) * (v - avg);
  const mean = repeat(avg, options.h);
  const intervals =
    n > 1
      ? levels.map((level) => {
          const half = studentTQuantile(0.5 + level / 200, n - 1) * Math.sqrt(ss / (n - 1)) * Math.sqrt(1 + 1 / n);
          return { level, lower: mean.map((m) => m - half), upper: mean.map((m) => m + half) };
        })
      : [];
  return { method: "mean", model: "Mean", mean, fitted: repeat(avg, n), parameters: {}, intervals, sigma2: n > 1 ? ss / (n - 1) : Number.NaN };
}

/**
 * Moving-average forecast: the mean of the last `window` observations, flat over the
 * horizon. Fitted values are the trailing mean of the `window` values before each point.
 * Intervals treat the residuals as white noise (σ of the one-step residuals, flat).
 *
 * @example
 * ```ts
 * movingAverageForecast([1, 2, 3, 4], { h: 2, window: 2 }).mean; // [3.5, 3.5]
 * ```
 */
export function movingAverageForecast(y: readonly number[], options: ForecastOptions & { readonly window: number }): Forecast {
  const k = options.window;
  if (!(Number.isInteger(k) && k >= 1)) throw validationError("window must be a positive integer", { window: k });
  checkSeries(y, options.h, k);
  const levels = checkLevels(options.levels);
  const n = y.length;
  const fitted = new Array<number>(n).fill(Number.NaN);
  let run = 0;
  for (let t = 0; t < k; t++) run += y[t] as number;
  let sum = 0;
  let count = 0;
  for (let t = k; t < n; t++) {
    fitted[t] = run / k;
    const e = (y[t] as number) - run / k;
    sum += e * e;
    count++;
    run += (y[t] as number) - (y[t - k] as number);
  }
  const mean = repeat(run / k, options.h);
  const sigma2 = count > 0 ? sum / count : Number.NaN;
  return {
    method: "moving-average",
    model: `Moving average (${k})`,
    mean,
    fitted,
    parameters: { window: k },
    intervals: count > 0 ? normalIntervals(mean, repeat(Math.sqrt(sigma2), options.h), levels) : [],
    sigma2,
  };
}
