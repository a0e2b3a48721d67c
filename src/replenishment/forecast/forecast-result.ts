import { StorekeepError } from "../../kernel/errors.js";
import { normalQuantile } from "./normal.js";

/**
 * A prediction interval at one confidence level (e.g. 80 or 95), one bound per horizon step.
 *
 * @example
 * ```ts
 * const pi: PredictionInterval = { level: 95, lower: [80], upper: [120] };
 * ```
 */
export interface PredictionInterval {
  readonly level: number;
  readonly lower: readonly number[];
  readonly upper: readonly number[];
}

/**
 * The result of a forecasting method: point forecasts for `h` steps, one-step fitted
 * values over the history (`NaN` where the method has none), the parameters used and,
 * where the method has them, prediction intervals.
 *
 * @example
 * ```ts
 * const f: Forecast = naiveForecast([3, 4, 5], { h: 2 });
 * f.mean; // [5, 5]
 * ```
 */
export interface Forecast {
  /** Method id, e.g. `"ses"`, `"ets"`, `"croston-sba"`. */
  readonly method: string;
  /** Human-readable model name, e.g. `"ETS(A,N,N)"`. */
  readonly model: string;
  readonly mean: readonly number[];
  readonly fitted: readonly number[];
  readonly parameters: Readonly<Record<string, number>>;
  readonly intervals: readonly PredictionInterval[];
  /** Residual variance (one-step: the mean squared residual over the periods with a fitted value), when the method has one. */
  readonly sigma2?: number;
}

/**
 * Options every method accepts.
 *
 * @example
 * ```ts
 * const o: ForecastOptions = { h: 13, levels: [80, 95] };
 * ```
 */
export interface ForecastOptions {
  /** Steps ahead to forecast (1..10,000). */
  readonly h: number;
  /** Confidence levels in percent for prediction intervals; default `[80, 95]`. */
  readonly levels?: readonly number[];
  /**
   * Keep the one-step fitted values (default true). `false` returns `fitted: []` and saves
   * an array per series over large catalogues; SES, Holt, Holt–Winters with
   * `initial: "simple"` and Croston still give the residual variance as `sigma2`.
   */
  readonly keepFitted?: boolean;
}

/** Largest history and horizon we accept: a bound on everything (TigerBeetle style). */
export const MAX_SERIES_LENGTH = 100_000;

export function validationError(message: string, details: Record<string, unknown> = {}): StorekeepError {
  return new StorekeepError("VALIDATION_FAILED", message, details);
}

/** Checks a demand series and a horizon at the boundary of every public method. */
export function checkSeries(y: readonly number[], h: number, minLength = 1, values = true): void {
  if (!Array.isArray(y)) throw validationError("series must be an array of numbers");
  if (y.length < minLength) throw validationError(`series needs at least ${minLength} observations, got ${y.length}`, { length: y.length });
  if (y.length > MAX_SERIES_LENGTH) throw validationError(`series is longer than ${MAX_SERIES_LENGTH}`, { length: y.length });
  if (values) checkValues(y);
  if (!(Number.isInteger(h) && h >= 1 && h <= 10_000)) throw validationError("h must be an integer from 1 to 10000", { h });
}

/**
 * Refuses the first value of a series that is not a finite number. The single-pass fits
 * (SES and Croston with fixed parameters) call it only when their sum of squared errors
 * is not finite: a non-finite value always makes it so, and a finite series is not read
 * twice.
 */
export function checkValues(y: readonly number[]): void {
  for (let i = 0; i < y.length; i++) {
    if (!Number.isFinite(y[i])) throw validationError(`series[${i}] must be a finite number`, { index: i });
  }
}

export function checkLevels(levels: readonly number[] | undefined): readonly number[] {
  const out = levels ?? [80, 95];
  for (const l of out) if (!(l > 0 && l < 100)) throw validationError("levels must be percentages strictly between 0 and 100", { level: l });
  return out;
}

export function checkUnit(name: string, value: number, lower = 0, upper = 1): void {
  if (!(Number.isFinite(value) && value >= lower && value <= upper)) {
    throw validationError(`${name} must be a number from ${lower} to ${upper}`, { [name]: value });
  }
}

/** Intervals mean ± z·sd[h] for each level. */
export function normalIntervals(mean: readonly number[], sd: readonly number[], levels: readonly number[]): PredictionInterval[] {
  return levels.map((level) => {
    const z = normalQuantile(0.5 + level / 200);
    return {
      level,
      lower: mean.map((m, i) => m - z * (sd[i] as number)),
      upper: mean.map((m, i) => m + z * (sd[i] as number)),
    };
  });
}

export function repeat(value: number, h: number): number[] {
  return new Array<number>(h).fill(value);
}
