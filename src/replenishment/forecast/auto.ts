import { type DemandClassification, classifyDemand } from "./classify.js";
import { CONSTANT_SERIES_ALPHA, constantEtsFit, etsForecast, etsResult, isConstantSeries } from "./ets.js";
import { meanForecast } from "./baseline.js";
import { type Forecast, type ForecastOptions, checkLevels, checkSeries, repeat } from "./forecast-result.js";
import { sesForecast } from "./holt-winters.js";
import { crostonForecast } from "./intermittent.js";

/**
 * The automatic choice with the reason it was made.
 *
 * @example
 * ```ts
 * const f: AutoForecast = autoForecast([5, 6, 5, 7, 6, 8, 7, 6, 7, 8], { h: 4 });
 * f.reason;
 * ```
 */
export interface AutoForecast extends Forecast {
  readonly classification: DemandClassification;
  /** Why this method: the demand class and the rule applied, in one sentence. */
  readonly reason: string;
}

/** At most this many periods, the mean is the forecast (R's `forecast.ts`: `meanf` when n ≤ 3). */
const SHORT_HISTORY_PERIODS = 3;

/**
 * Chooses a method from the demand pattern (ADI / CV², {@link classifyDemand}):
 * - no demand → zero;
 * - constant demand (every period the same) → ETS(A,N,N) with α = 0.99999, R's `ets()`
 *   rule for a constant series: the constant, with zero spread;
 * - three periods or fewer → the mean of the periods, as R's `forecast()` does below four
 *   observations (no smoothing parameter can be estimated from so few: SES would stop at a
 *   bound and forecast little more than the first value);
 * - smooth or erratic (regular arrivals) → ETS with the model chosen by AICc among the
 *   eligible ones (seasonal only for a period of 2..24 with three seasons of history),
 *   or SES when the history is shorter than 10 periods;
 * - intermittent or lumpy → Croston with the SBA correction (α = 0.1), which is unbiased
 *   for intermittent demand (Syntetos & Boylan 2005).
 *
 * @example
 * ```ts
 * autoForecast([0, 0, 4, 0, 0, 0, 6, 0, 0, 5], { h: 4 }).method; // "croston-sba"
 * ```
 */
export function autoForecast(y: readonly number[], options: ForecastOptions & { readonly period?: number }): AutoForecast {
  checkSeries(y, options.h);
  const classification = classifyDemand(y);
  const c = classification.demandClass;
  const figures = `ADI ${classification.adi.toFixed(2)}, CV² ${classification.cv2.toFixed(2)}`;
  if (c === "no-demand") {
    return { method: "zero", model: "No demand", mean: repeat(0, options.h), fitted: repeat(0, y.length), parameters: {}, intervals: [], classification, reason: "no demand in the history: forecast zero" };
  }
  if (isConstantSeries(y)) {
    const { fit: _fit, ...forecast } = etsResult(constantEtsFit(y), options.h, checkLevels(options.levels));
    const value = y[0] as number;
    return { ...forecast, classification, reason: `constant demand (${value} in each of the ${y.length} periods): ETS(A,N,N) with α = ${CONSTANT_SERIES_ALPHA}, R's rule for a constant series: a flat forecast at ${value} with no spread` };
  }
  if (y.length <= SHORT_HISTORY_PERIODS) {
    return { ...meanForecast(y, { h: options.h, ...(options.levels ? { levels: options.levels } : {}) }), classification, reason: `${c} demand (${figures}) but only ${y.length} period${y.length === 1 ? "" : "s"}: the mean of the periods, as R's forecast() does below 4 observations (too few to fit a smoothing parameter)` };
  }
  if (c === "intermittent" || c === "lumpy") {
    return { ...crostonForecast(y, { h: options.h, alpha: 0.1, variant: "sba" }), classification, reason: `${c} demand (${figures}; ADI ≥ 1.32): Croston with the SBA bias correction` };
  }
  const period = options.period ?? 1;
  const seasonalNote = period > 24 ? ` (period ${period} is too long for a seasonal model: non-seasonal models only)` : period > 1 && y.length < 3 * period ? ` (fewer than three seasons of history: non-seasonal models only)` : "";
  if (y.length < 10) {
    return { ...sesForecast(y, { h: options.h, initial: "simple", ...(options.levels ? { levels: options.levels } : {}) }), classification, reason: `${c} demand (${figures}) but only ${y.length} periods: simple exponential smoothing` };
  }
  const f = etsForecast(y, { h: options.h, period, ...(options.levels ? { levels: options.levels } : {}) });
  const { fit: _fit, ...forecast } = f;
  return { ...forecast, classification, reason: `${c} demand (${figures}; ADI < 1.32): ${f.model}, the lowest AICc of the eligible ETS models${seasonalNote}` };
}
