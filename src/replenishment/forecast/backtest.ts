import { type Accuracy, forecastAccuracy } from "./accuracy.js";
import { validationError } from "./forecast-result.js";

/**
 * A forecasting function for backtests: history in, `h` point forecasts out.
 *
 * @example
 * ```ts
 * const lastValue: Forecaster = (history, h) => new Array(h).fill(history[history.length - 1]);
 * ```
 */
export type Forecaster = (history: readonly number[], h: number) => readonly number[];

/**
 * Options of {@link rollingOriginBacktest}.
 *
 * @example
 * ```ts
 * const o: BacktestOptions = { h: 4, origins: 8, step: 1 };
 * ```
 */
export interface BacktestOptions {
  /** Forecast horizon scored at every origin. */
  readonly h: number;
  /** Number of forecast origins, the last one leaving exactly `h` periods to score. */
  readonly origins: number;
  /** Periods between origins (default 1). */
  readonly step?: number;
  /** Seasonal period of the MASE scale (default 1). */
  readonly period?: number;
  /** Smallest history to forecast from (default 2·period + 1, at least 3). */
  readonly minTrain?: number;
  /** Hears each origin forecast (`done` of `total` origins): long backtests report progress. */
  readonly onProgress?: (progress: { readonly done: number; readonly total: number }) => void;
}

/**
 * The result of a rolling-origin backtest: accuracy averaged over origins (MASE, RMSSE,
 * sMAPE, bias as mean error and as Σforecast/Σactual), and per origin.
 *
 * @example
 * ```ts
 * const r: BacktestResult = rollingOriginBacktest([1, 2, 3, 4, 5, 6, 7, 8], (y, h) => new Array(h).fill(y[y.length - 1]), { h: 2, origins: 3 });
 * r.mase;
 * ```
 */
export interface BacktestResult {
  readonly mase: number;
  readonly rmsse: number;
  readonly smape: number;
  /** Mean error (actual − forecast): negative means over-forecasting. */
  readonly bias: number;
  readonly biasRatio: number;
  readonly origins: readonly (Accuracy & { readonly origin: number })[];
}

/**
 * Rolling-origin evaluation (Tashman 2000): forecast from several successive origins with
 * only the history before each, score the next `h` periods, average. Origins whose scale
 * is zero (a flat history) are left out of MASE/RMSSE averages.
 *
 * @example
 * ```ts
 * const naive = (y: readonly number[], h: number) => new Array(h).fill(y[y.length - 1]);
 * rollingOriginBacktest([3, 5, 4, 6, 5, 7, 6, 8, 7, 9], naive, { h: 2, origins: 4 }).mase;
 * ```
 */
export function rollingOriginBacktest(y: readonly number[], forecaster: Forecaster, options: BacktestOptions): BacktestResult {
  const { h, origins } = options;
  const step = options.step ?? 1;
  const period = options.period ?? 1;
  const minTrain = options.minTrain ?? Math.max(3, 2 * period + 1);
  if (!(Number.isInteger(h) && h >= 1)) throw validationError("h must be a positive integer", { h });
  if (!(Number.isInteger(origins) && origins >= 1 && origins <= 10_000)) throw validationError("origins must be an integer from 1 to 10000", { origins });
  if (!(Number.isInteger(step) && step >= 1)) throw validationError("step must be a positive integer", { step });
  const firstOrigin = y.length - h - (origins - 1) * step;
  if (firstOrigin < minTrain) throw validationError(`series too short: ${origins} origins of horizon ${h} need at least ${minTrain + h + (origins - 1) * step} periods`, { length: y.length });
  const rows: (Accuracy & { origin: number })[] = [];
  for (let k = 0; k < origins; k++) {
    const origin = firstOrigin + k * step;
    const train = y.slice(0, origin);
    const actual = y.slice(origin, origin + h);
    const forecast = forecaster(train, h);
    options.onProgress?.({ done: k + 1, total: origins });
    rows.push({ origin, ...forecastAccuracy(train, actual, forecast.slice(0, h), period) });
  }
  const avg = (pick: (a: Accuracy) => number) => {
    const vals = rows.map(pick).filter((v) => Number.isFinite(v));
    return vals.length ? vals.reduce((a, v) => a + v, 0) / vals.length : Number.NaN;
  };
  // Σforecast = Σactual − h·ME at each origin.
  let sumForecast = 0;
  let sumActual = 0;
  for (const r of rows) {
    const actualTotal = y.slice(r.origin, r.origin + h).reduce((a, v) => a + v, 0);
    sumActual += actualTotal;
    sumForecast += actualTotal - r.me * h;
  }
  return { mase: avg((a) => a.mase), rmsse: avg((a) => a.rmsse), smape: avg((a) => a.smape), bias: avg((a) => a.me), biasRatio: sumActual === 0 ? Number.NaN : sumForecast / sumActual, origins: rows };
}
