import { validationError } from "./forecast-result.js";

/**
 * Forecast accuracy of one forecast against its actuals, with the M4/M5 definitions:
 * sMAPE (M4, in percent), MASE (scaled by the in-sample MAE of the lag-`period` naive),
 * RMSSE (M5, scaled by the in-sample MSE of the lag-1 naive), ME (bias: mean of
 * actual − forecast, negative = over-forecast), MAE, RMSE and the bias ratio
 * Σforecast/Σactual.
 *
 * @example
 * ```ts
 * const a: Accuracy = forecastAccuracy([1, 2, 3, 4], [5, 6], [4.5, 4.5]);
 * ```
 */
export interface Accuracy {
  readonly me: number;
  readonly mae: number;
  readonly rmse: number;
  readonly smape: number;
  readonly mase: number;
  readonly rmsse: number;
  readonly biasRatio: number;
}

/**
 * Scores a forecast: `train` is the history it was fitted on (for the scales), `actual`
 * the outcomes, `forecast` the point forecasts (same length as `actual`).
 *
 * @example
 * ```ts
 * forecastAccuracy([1, 2, 3, 4], [5, 6], [4, 4]).mase; // 1.5
 * ```
 */
export function forecastAccuracy(train: readonly number[], actual: readonly number[], forecast: readonly number[], period = 1): Accuracy {
  if (actual.length !== forecast.length || actual.length === 0) throw validationError("actual and forecast must be non-empty and of the same length", { actual: actual.length, forecast: forecast.length });
  if (train.length <= period) throw validationError("train must be longer than the period", { train: train.length, period });
  const h = actual.length;
  let se = 0;
  let ae = 0;
  let sum = 0;
  let smape = 0;
  let sf = 0;
  let sa = 0;
  for (let i = 0; i < h; i++) {
    const a = actual[i] as number;
    const f = forecast[i] as number;
    const e = a - f;
    sum += e;
    ae += Math.abs(e);
    se += e * e;
    const d = Math.abs(a) + Math.abs(f);
    smape += d === 0 ? 0 : Math.abs(e) / d;
    sf += f;
    sa += a;
  }
  let scaleM = 0;
  for (let t = period; t < train.length; t++) scaleM += Math.abs((train[t] as number) - (train[t - period] as number));
  scaleM /= train.length - period;
  let scaleSq = 0;
  for (let t = 1; t < train.length; t++) scaleSq += ((train[t] as number) - (train[t - 1] as number)) ** 2;
  scaleSq /= train.length - 1;
  return {
    me: sum / h,
    mae: ae / h,
    rmse: Math.sqrt(se / h),
    smape: (200 * smape) / h,
    mase: ae / h / scaleM,
    rmsse: Math.sqrt(se / h / scaleSq),
    biasRatio: sf / sa,
  };
}
