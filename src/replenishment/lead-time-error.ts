import { isStorekeepError } from "../kernel/errors.js";
import { autoForecast } from "./forecast/auto.js";
import { type EtsFit, etsForecast, etsPointForecast, etsRun, isConstantSeries } from "./forecast/ets.js";
import type { Forecaster } from "./forecast/backtest.js";
import { validationError } from "./forecast/forecast-result.js";
import { demandOverLeadTime } from "./safety-stock.js";

/**
 * Shortest history a rolling origin forecasts from (4 periods): the first length at which
 * `autoForecast` fits a model; with three periods or fewer it forecasts their mean, whose
 * errors say little about the model planned with now.
 *
 * @example
 * ```ts
 * LEAD_TIME_ERROR_MIN_HISTORY; // 4
 * ```
 */
export const LEAD_TIME_ERROR_MIN_HISTORY = 4;

/**
 * Fewest rolling-origin errors (8) from which their mean and spread replace the one-step
 * σ·√L: a standard deviation of fewer values is too unsteady to plan stock on (with 8 its
 * relative standard error is already about 27%). Weekly, with a 2-week lead time, that takes
 * 13 weeks of history.
 *
 * @example
 * ```ts
 * LEAD_TIME_ERROR_MIN_ORIGINS; // 8
 * ```
 */
export const LEAD_TIME_ERROR_MIN_ORIGINS = 8;

/**
 * Most rolling origins scored (52, the latest: a year of weekly origins): each origin refits
 * the forecast, so this bounds the cost per SKU, and it keeps the errors recent.
 *
 * @example
 * ```ts
 * LEAD_TIME_ERROR_MAX_ORIGINS; // 52
 * ```
 */
export const LEAD_TIME_ERROR_MAX_ORIGINS = 52;

/**
 * What the out-of-sample errors of the forecast over the lead time say: how many origins
 * were scored, their mean (the bias: positive when demand ran above the forecast) and their
 * standard deviation around that mean.
 *
 * @example
 * ```ts
 * const e: LeadTimeForecastError = { origins: 12, bias: 3.5, sd: 9.1 };
 * ```
 */
export interface LeadTimeForecastError {
  readonly origins: number;
  /** Mean error, actual − forecast, of the cumulative forecast over the lead time. */
  readonly bias: number;
  /** Sample standard deviation of the errors around their mean (0 below two origins). */
  readonly sd: number;
}

/** Sum of `periods` values from `from` on, a fractional last period pro rata. */
function cumulative(values: readonly number[], from: number, periods: number): number {
  const whole = Math.floor(periods);
  let sum = 0;
  for (let j = 0; j < whole; j++) sum += values[from + j] as number;
  const part = periods - whole;
  return part > 0 ? sum + part * (values[from + whole] as number) : sum;
}

/**
 * Out-of-sample errors of the cumulative forecast over a lead time, from rolling origins
 * (Tashman 2000): for each origin, `forecaster` sees only the history up to it, and the error
 * is the demand of the next `leadTimePeriods` periods minus the forecast's sum over them (a
 * fractional last period pro rata). Origins have at least `minHistory` periods before them
 * (default {@link LEAD_TIME_ERROR_MIN_HISTORY}) and the whole lead time after them; the latest
 * `maxOrigins` are scored (default {@link LEAD_TIME_ERROR_MAX_ORIGINS}). Oldest first. The
 * demand scored is `history` itself unless `actuals` (as long as `history`) is given: the
 * suggestions score on the history with its isolated one-off spikes cut
 * (`capIsolatedSpikes`) while the forecaster still sees the history's prefixes.
 *
 * These are the errors the lead-time demand really has: √L × the one-step σ assumes the L
 * one-step errors are independent around an unbiased forecast, which a demand that drifts
 * away from its forecast breaks (the errors of consecutive weeks then add up, not average out).
 *
 * @example
 * ```ts
 * const naive: Forecaster = (y, h) => new Array(h).fill(y[y.length - 1]);
 * // Origins after 4, 5 and 6 periods; two periods ahead: 5 + 6 − 2·4, 6 + 7 − 2·5, 7 + 8 − 2·6.
 * leadTimeForecastErrors([1, 2, 3, 4, 5, 6, 7, 8], naive, { leadTimePeriods: 2 }); // [3, 3, 3]
 * ```
 */
export function leadTimeForecastErrors(
  history: readonly number[],
  forecaster: Forecaster,
  options: { readonly leadTimePeriods: number; readonly minHistory?: number; readonly maxOrigins?: number; readonly actuals?: readonly number[] },
): number[] {
  const L = options.leadTimePeriods;
  const actuals = options.actuals ?? history;
  if (actuals.length !== history.length) throw validationError(`actuals must have one value per period of the history (${history.length}), not ${actuals.length}`, { history: history.length, actuals: actuals.length });
  const minHistory = options.minHistory ?? LEAD_TIME_ERROR_MIN_HISTORY;
  const maxOrigins = options.maxOrigins ?? LEAD_TIME_ERROR_MAX_ORIGINS;
  // No upper bound needed: a lead time longer than the history leaves no origin to score.
  if (!(Number.isFinite(L) && L >= 0)) throw validationError("leadTimePeriods must be a finite number >= 0", { leadTimePeriods: L });
  if (!(Number.isInteger(minHistory) && minHistory >= 1)) throw validationError("minHistory must be a positive integer", { minHistory });
  if (!(Number.isInteger(maxOrigins) && maxOrigins >= 1 && maxOrigins <= 10_000)) throw validationError("maxOrigins must be an integer from 1 to 10000", { maxOrigins });
  const h = Math.ceil(L);
  if (h === 0 || h > history.length) return [];
  const last = history.length - h;
  const errors: number[] = [];
  for (let origin = Math.max(minHistory, last - maxOrigins + 1); origin <= last; origin++) {
    const forecast = forecaster(history.slice(0, origin), h);
    if (forecast.length < h) throw validationError(`the forecaster returned ${forecast.length} values for a horizon of ${h}`, { origin, horizon: h });
    const error = cumulative(actuals, origin, L) - cumulative(forecast, 0, L);
    if (!Number.isFinite(error)) throw validationError("a lead-time forecast error is not a finite number: check the history and the forecaster", { origin, error });
    errors.push(error);
  }
  return errors;
}

/**
 * Mean (bias) and sample standard deviation of lead-time forecast errors.
 *
 * @example
 * ```ts
 * summariseLeadTimeErrors([2, 4, 6]); // { origins: 3, bias: 4, sd: 2 }
 * ```
 */
export function summariseLeadTimeErrors(errors: readonly number[]): LeadTimeForecastError {
  const n = errors.length;
  if (n === 0) return { origins: 0, bias: 0, sd: 0 };
  const bias = errors.reduce((a, e) => a + e, 0) / n;
  const sd = n > 1 ? Math.sqrt(errors.reduce((a, e) => a + (e - bias) ** 2, 0) / (n - 1)) : 0;
  return { origins: n, bias, sd };
}

/**
 * Mean and standard deviation of demand over the lead time as a reorder point plans them.
 * With at least {@link LEAD_TIME_ERROR_MIN_ORIGINS} rolling-origin errors (`forecastError`),
 * their distribution is the lead-time demand's around the forecast: μ = max(0, d·L + bias),
 * σ = √(s² + d²·σL²), s the errors' standard deviation (σL the lead time's spread, as in
 * {@link demandOverLeadTime}). With fewer, or none, the one-step model: μ = d·L,
 * σ = √(L·σd² + d²·σL²). `source` says which.
 *
 * @example
 * ```ts
 * leadTimeDemand({ meanDemandPerPeriod: 20, sdDemandPerPeriod: 6, leadTimePeriods: 2, forecastError: { origins: 30, bias: 4, sd: 15 } });
 * // { mean: 44, sd: 15, source: "rolling-origin" } (one-step: mean 40, sd 8.49)
 * ```
 */
export function leadTimeDemand(input: {
  readonly meanDemandPerPeriod: number;
  readonly sdDemandPerPeriod: number;
  readonly leadTimePeriods: number;
  readonly sdLeadTimePeriods?: number;
  readonly forecastError?: LeadTimeForecastError;
}): { mean: number; sd: number; source: "rolling-origin" | "one-step" } {
  const oneStep = demandOverLeadTime(input);
  const e = input.forecastError;
  if (e === undefined || e.origins < LEAD_TIME_ERROR_MIN_ORIGINS) return { ...oneStep, source: "one-step" };
  if (!(Number.isFinite(e.bias) && Number.isFinite(e.sd) && e.sd >= 0)) throw validationError("forecastError needs a finite bias and a finite sd >= 0", { bias: e.bias, sd: e.sd });
  const sdL = input.sdLeadTimePeriods ?? 0;
  return { mean: Math.max(0, oneStep.mean + e.bias), sd: Math.sqrt(e.sd ** 2 + input.meanDemandPerPeriod ** 2 * sdL ** 2), source: "rolling-origin" };
}

/**
 * Origins between re-estimations of the chosen model's parameters in {@link refitChosen} (4:
 * monthly on weekly data). At the origins in between, the last fit runs on over the new
 * periods with its parameters ({@link etsRun}), as a forecasting system updates its states
 * every period and re-estimates now and then; still out of sample, since that fit saw only
 * an earlier prefix.
 *
 * @example
 * ```ts
 * REFIT_EVERY; // 4
 * ```
 */
export const REFIT_EVERY = 4;

/**
 * The one-period forecast of a history prefix by the method `chosen` picked for the whole
 * history: an ETS model keeps its form (error, trend, season) and re-estimates its parameters
 * — one fit instead of the AICc search over every candidate, which made rolling-origin errors
 * cost a suggestion 12× its forecast — on the prefix's first 10 + k·`refitEvery` periods
 * (the longest such, default {@link REFIT_EVERY}), then runs on over the rest of the prefix
 * with those parameters ({@link etsRun}); the function keeps those fits, so the origins of one
 * history share them. A prefix that form cannot fit (a multiplicative error over a zero, fewer
 * than 10 periods, a constant start) and every other method (Croston, the mean, zero) take
 * `autoForecast`'s own choice, which fits no search.
 *
 * @example
 * ```ts
 * const chosen = autoForecast(history, { h: 1, levels: [] });
 * const rate = refitChosen(chosen);
 * leadTimeForecastErrors(history, (y, h) => new Array<number>(h).fill(rate(y)), { leadTimePeriods: 2 });
 * ```
 */
export function refitChosen(chosen: { readonly method: string; readonly model: string }, options: { readonly refitEvery?: number } = {}): (prefix: readonly number[]) => number {
  const form = chosen.method === "ets" ? /^ETS\(([AM]),(N|A|Ad),(N|A|M)\)$/.exec(chosen.model) : null;
  const model = form === null ? undefined : `${form[1]}${form[2]}${form[3]}`;
  const every = options.refitEvery ?? REFIT_EVERY;
  if (!(Number.isInteger(every) && every >= 1)) throw validationError("refitEvery must be a whole number of origins >= 1", { refitEvery: every });
  // Fits by the values they were estimated on (a prefix's first values can differ between origins: the outlier cap is the prefix's own).
  const fits = new Map<string, EtsFit | null>();
  const fitOn = (values: readonly number[]): EtsFit | null => {
    const key = values.join(",");
    let fit = fits.get(key);
    if (fit === undefined) {
      fit = null;
      if (!isConstantSeries(values)) {
        try {
          fit = etsForecast(values, { h: 1, model: model as string, levels: [] }).fit;
        } catch (error) {
          if (!isStorekeepError(error)) throw error;
        }
      }
      fits.set(key, fit);
    }
    return fit;
  };
  return (prefix) => {
    if (model !== undefined && prefix.length >= 10 && !isConstantSeries(prefix)) {
      const anchor = 10 + Math.floor((prefix.length - 10) / every) * every;
      const fit = fitOn(anchor === prefix.length ? prefix : prefix.slice(0, anchor));
      if (fit !== null) {
        const run = anchor === prefix.length ? fit : runOn(fit, prefix);
        const next = run === null ? undefined : (etsPointForecast(run, 1)[0] as number);
        if (next !== undefined && Number.isFinite(next)) return Math.max(0, next);
      }
    }
    return Math.max(0, autoForecast(prefix, { h: 1, levels: [] }).mean[0] as number);
  };
}

/** {@link etsRun}, or null where the fit cannot run over the longer prefix (a multiplicative error meeting a zero). */
function runOn(fit: EtsFit, prefix: readonly number[]): EtsFit | null {
  try {
    return etsRun(fit, prefix);
  } catch (error) {
    if (!isStorekeepError(error)) throw error;
    return null;
  }
}
