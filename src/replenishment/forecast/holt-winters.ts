import { etsResult, etsFit } from "./ets.js";
import { type Forecast, type ForecastOptions, checkLevels, checkSeries, checkUnit, checkValues, normalIntervals, validationError } from "./forecast-result.js";
import { nelderMead } from "./nelder-mead.js";

/**
 * Simple exponential smoothing, Holt and Holt–Winters, as R's `ses()`, `holt()` and `hw()`.
 * `initial: "simple"` is R's HoltWintersZZ (l0 = y1, b0 = y2 − y1; seasonal starts from
 * the first two seasons) with parameters fixed or chosen by least squares;
 * `initial: "optimal"` is the ETS model with parameters and initial states estimated by
 * mean squared error, as R does.
 */

/**
 * Options of the smoothing methods. Leave a smoothing parameter out to estimate it.
 *
 * @example
 * ```ts
 * const o: SmoothingOptions = { h: 12, alpha: 0.3, initial: "simple" };
 * ```
 */
export interface SmoothingOptions extends ForecastOptions {
  readonly alpha?: number;
  readonly beta?: number;
  readonly gamma?: number;
  readonly phi?: number;
  /**
   * `"optimal"` (default, R's default) or `"simple"`. Holt–Winters' optimal initial states
   * need three full seasons: left out on a shorter series (two seasons at least), the
   * simple start is used; `"optimal"` asked for on it is refused.
   */
  readonly initial?: "simple" | "optimal";
}

interface ZzResult {
  sse: number;
  fitted: number[];
  level: number;
  trend: number;
  /** seasonal states of the last m periods, oldest first */
  season: number[];
}

/** R's zzhw(): classic Holt–Winters recursions from given start values. */
function zzhw(y: readonly number[], alpha: number, beta: number, gamma: number, phi: number, seasonal: "none" | "additive" | "multiplicative", m: number, l0: number, b0: number, s0: readonly number[], keepFitted: boolean): ZzResult {
  const n = y.length;
  if (seasonal === "none") return zzhwNonSeasonal(y, alpha, beta, phi, l0, b0, keepFitted);
  const additive = seasonal !== "multiplicative";
  const season = new Array<number>(n);
  const fitted: number[] = keepFitted ? new Array<number>(n) : [];
  let lastlevel = l0;
  let lasttrend = b0;
  let sse = 0;
  for (let i = 0; i < n; i++) {
    const lastseason = i >= m ? (season[i - m] as number) : (s0[i] as number);
    const xhat = additive ? lastlevel + phi * lasttrend + lastseason : (lastlevel + phi * lasttrend) * lastseason;
    if (keepFitted) fitted[i] = xhat;
    const yi = y[i] as number;
    const res = yi - xhat;
    sse += res * res;
    const level = additive ? alpha * (yi - lastseason) + (1 - alpha) * (lastlevel + phi * lasttrend) : alpha * (yi / lastseason) + (1 - alpha) * (lastlevel + phi * lasttrend);
    const trend = beta * (level - lastlevel) + (1 - beta) * phi * lasttrend;
    season[i] = additive ? gamma * (yi - lastlevel - phi * lasttrend) + (1 - gamma) * lastseason : gamma * (yi / (lastlevel + phi * lasttrend)) + (1 - gamma) * lastseason;
    lastlevel = level;
    lasttrend = trend;
  }
  const lastSeason = season.slice(n - m);
  return { sse, fitted, level: lastlevel, trend: lasttrend, season: lastSeason };
}

/** zzhw without a season: the hot path of SES and Holt over large catalogues. */
function zzhwNonSeasonal(y: readonly number[], alpha: number, beta: number, phi: number, l0: number, b0: number, keepFitted: boolean): ZzResult {
  const n = y.length;
  if (!keepFitted && beta === 0 && b0 === 0 && phi === 1) return zzSes(y, alpha, l0);
  const fitted: number[] = keepFitted ? new Array<number>(n) : [];
  let level = l0;
  let trend = b0;
  let sse = 0;
  for (let i = 0; i < n; i++) {
    const xhat = level + phi * trend;
    if (keepFitted) fitted[i] = xhat;
    const yi = y[i] as number;
    const res = yi - xhat;
    sse += res * res;
    const next = alpha * yi + (1 - alpha) * xhat;
    trend = beta * (next - level) + (1 - beta) * phi * trend;
    level = next;
  }
  return { sse, fitted, level, trend, season: [] };
}

/**
 * SES without fitted values: the level alone (the trend of {@link zzhwNonSeasonal} stays
 * exactly 0 when β = 0, b0 = 0 and φ = 1, so the result is the same to the bit).
 */
function zzSes(y: readonly number[], alpha: number, l0: number): ZzResult {
  const n = y.length;
  const keep = 1 - alpha;
  let level = l0;
  let sse = 0;
  for (let i = 0; i < n; i++) {
    const yi = y[i] as number;
    const res = yi - level;
    sse += res * res;
    level = alpha * yi + keep * level;
  }
  return { sse, fitted: NO_FITTED, level, trend: 0, season: NO_FITTED };
}

const NO_FITTED: number[] = [];

type Kind = "ses" | "holt" | "hw";

function simpleFit(y: readonly number[], kind: Kind, options: SmoothingOptions, seasonal: "none" | "additive" | "multiplicative", m: number, damped: boolean): Forecast {
  const levels = checkLevels(options.levels);
  const h = options.h;
  const trend = kind !== "ses";
  let l0: number;
  let b0 = 0;
  let s0: number[] = [];
  if (seasonal === "none") {
    l0 = y[0] as number;
    if (trend) b0 = (y[1] as number) - (y[0] as number);
  } else {
    let a = 0;
    let c = 0;
    for (let i = 0; i < m; i++) {
      a += y[i] as number;
      c += y[m + i] as number;
    }
    l0 = a / m;
    b0 = (c / m - l0) / m;
    s0 = y.slice(0, m).map((v) => (seasonal === "additive" ? v - l0 : v / l0));
  }
  const phi = damped ? (options.phi ?? 0.98) : 1;
  // Parameters to estimate, with R's starting values (initparam with bounds 0..1).
  const free: ("alpha" | "beta" | "gamma")[] = [];
  if (options.alpha === undefined) free.push("alpha");
  if (trend && options.beta === undefined) free.push("beta");
  if (seasonal !== "none" && options.gamma === undefined) free.push("gamma");
  const pick = (par: ArrayLike<number>) => {
    let k = 0;
    const alpha = options.alpha ?? (par[k++] as number);
    const beta = trend ? (options.beta ?? (par[k++] as number)) : 0;
    const gamma = seasonal !== "none" ? (options.gamma ?? (par[k++] as number)) : 0;
    return { alpha, beta, gamma };
  };
  let chosen = pick([]);
  if (free.length > 0) {
    // Least squares over [0,1]^k: multi-start Nelder–Mead, an out-of-box point costs +∞.
    const sse = (par: ArrayLike<number>) => {
      for (let i = 0; i < par.length; i++) if (!((par[i] as number) >= 0 && (par[i] as number) <= 1)) return Number.POSITIVE_INFINITY;
      const p = pick(par);
      return zzhw(y, p.alpha, p.beta, p.gamma, phi, seasonal, m, l0, b0, s0, false).sse;
    };
    const starts = [0.1, 0.3, 0.5, 0.7, 0.9];
    let best: { par: number[]; value: number } | undefined;
    for (const s of starts) {
      const start = free.map((name) => (name === "alpha" ? s : s / 3));
      const r = nelderMead(sse, start, { maxEvaluations: 2000, relativeTolerance: 1e-12 });
      if (best === undefined || r.value < best.value) best = r;
    }
    chosen = pick((best as { par: number[] }).par);
  }
  const { alpha, beta, gamma } = chosen;
  const fit = zzhw(y, alpha, beta, gamma, phi, seasonal, m, l0, b0, s0, options.keepFitted !== false);
  // A series whose values were not checked up front (SES with a fixed α) is checked when its fit is not finite.
  if (!Number.isFinite(fit.sse)) checkValues(y);
  const n = y.length;
  const mean: number[] = [];
  let phistar = 0;
  for (let i = 1; i <= h; i++) {
    phistar += damped ? phi ** i : 1;
    const base = fit.level + (trend ? phistar * fit.trend : 0);
    if (seasonal === "none") mean.push(base);
    else {
      const s = fit.season[(i - 1) % m] as number;
      mean.push(seasonal === "additive" ? base + s : base * s);
    }
  }
  const sigma2 = fit.sse / n;
  // R applies the ETS class-1 variance with the classic (not ETS) beta: kept for parity.
  const sd: number[] = [];
  let acc = 1;
  for (let j = 0; j < h; j++) {
    if (j > 0) {
      let c = alpha;
      if (trend) {
        if (damped) {
          let s = 0;
          for (let i = 1; i <= j; i++) s += phi ** i;
          c += beta * s;
        } else c += beta * j;
      }
      if (seasonal !== "none" && j % m === 0) c += gamma;
      acc += c * c;
    }
    sd.push(Math.sqrt(sigma2 * acc));
  }
  const parameters: Record<string, number> = { alpha, l: l0 };
  if (trend) {
    parameters.beta = beta;
    parameters.b = b0;
  }
  if (damped) parameters.phi = phi;
  if (seasonal !== "none") parameters.gamma = gamma;
  const names = { ses: "Simple exponential smoothing", holt: damped ? "Damped Holt's method" : "Holt's method", hw: `Holt-Winters' ${seasonal} method` };
  return {
    method: kind,
    model: names[kind],
    mean,
    fitted: fit.fitted,
    parameters: { ...parameters, sse: fit.sse },
    intervals: seasonal === "multiplicative" ? [] : normalIntervals(mean, sd, levels),
    sigma2,
  };
}

function checkFixed(options: SmoothingOptions): void {
  for (const name of ["alpha", "beta", "gamma"] as const) {
    const v = options[name];
    if (v !== undefined) checkUnit(name, v);
  }
  if (options.phi !== undefined) checkUnit("phi", options.phi);
}

/**
 * Simple exponential smoothing (R `ses()`): a level, no trend.
 *
 * @example
 * ```ts
 * sesForecast([12, 10, 11, 13, 12], { h: 3, alpha: 0.3, initial: "simple" }).mean;
 * ```
 */
export function sesForecast(y: readonly number[], options: SmoothingOptions): Forecast {
  // With a fixed α the one pass of the fit is the only pass over the values: they are checked when its error is not finite.
  const onePass = options.initial === "simple" && options.alpha !== undefined;
  checkSeries(y, options.h, options.initial === "simple" ? 1 : 4, !onePass);
  checkFixed(options);
  if (options.initial === "simple") return simpleFit(y, "ses", options, "none", 1, false);
  return { ...etsResult(etsFit(y, { error: "A", trend: "N", season: "N" }, { alpha: options.alpha, criterion: "mse" }), options.h, checkLevels(options.levels)), method: "ses" };
}

/**
 * Holt's linear trend method, optionally damped (R `holt()`).
 *
 * @example
 * ```ts
 * holtForecast([10, 12, 13, 15, 16, 18], { h: 3, alpha: 0.5, beta: 0.1, initial: "simple" }).mean;
 * ```
 */
export function holtForecast(y: readonly number[], options: SmoothingOptions & { readonly damped?: boolean }): Forecast {
  checkSeries(y, options.h, options.initial === "simple" ? 2 : 5);
  checkFixed(options);
  if (options.initial === "simple") {
    if (options.damped) throw validationError('damped Holt needs initial: "optimal" (as R)');
    return simpleFit(y, "holt", options, "none", 1, false);
  }
  const spec = { error: "A", trend: options.damped ? "Ad" : "A", season: "N" } as const;
  return { ...etsResult(etsFit(y, spec, { alpha: options.alpha, beta: options.beta, phi: options.phi, criterion: "mse" }), options.h, checkLevels(options.levels)), method: options.damped ? "holt-damped" : "holt" };
}

/**
 * Holt–Winters seasonal method, additive or multiplicative (R `hw()`).
 *
 * @example
 * ```ts
 * const y = [5, 9, 7, 3, 6, 10, 8, 4, 7, 11, 9, 5];
 * holtWintersForecast(y, { h: 4, period: 4, seasonal: "additive", alpha: 0.3, beta: 0.05, gamma: 0.2, initial: "simple" }).mean;
 * ```
 */
export function holtWintersForecast(y: readonly number[], options: SmoothingOptions & { readonly period: number; readonly seasonal: "additive" | "multiplicative"; readonly damped?: boolean }): Forecast {
  const m = options.period;
  if (!(Number.isInteger(m) && m >= 2)) throw validationError("period must be an integer of at least 2", { period: m });
  checkSeries(y, options.h, 2 * m);
  checkFixed(options);
  if (options.seasonal === "multiplicative" && y.some((v) => v <= 0)) throw validationError("multiplicative Holt-Winters needs strictly positive data");
  if (options.initial === "simple") return simpleFit(y, "hw", options, options.seasonal, m, options.damped ?? false);
  if (y.length < 3 * m) {
    // The optimal initial states come from a decomposition of three full seasons (R's ets):
    // with fewer, the default is R's HoltWinters start from the first two seasons.
    if (options.initial === undefined) return simpleFit(y, "hw", options, options.seasonal, m, options.damped ?? false);
    throw validationError(
      `initial: "optimal" estimates the initial states from three full seasons, and this series has ${y.length} values (${(y.length / m).toFixed(1)} seasons of period ${m}); pass initial: "simple" (the start R's HoltWinters takes from the first two seasons), leave initial out to get it for short series, or give at least ${3 * m} values`,
      { length: y.length, period: m },
    );
  }
  const spec = { error: options.seasonal === "multiplicative" ? "M" : "A", trend: options.damped ? "Ad" : "A", season: options.seasonal === "multiplicative" ? "M" : "A" } as const;
  return {
    ...etsResult(etsFit(y, spec, { period: m, alpha: options.alpha, beta: options.beta, gamma: options.gamma, phi: options.phi, criterion: "mse" }), options.h, checkLevels(options.levels)),
    method: "holt-winters",
  };
}
