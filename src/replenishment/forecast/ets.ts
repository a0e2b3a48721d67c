import { type Forecast, type ForecastOptions, type PredictionInterval, checkLevels, checkSeries, normalIntervals, validationError } from "./forecast-result.js";
import { nelderMead } from "./nelder-mead.js";

/**
 * Exponential smoothing state space models (ETS), as R's `forecast::ets()` (version 8.20):
 * the same recursions, initial states, parameter bounds, likelihood, Nelder–Mead
 * optimiser and AICc selection. Error A/M; trend N/A/Ad; season N/A/M.
 */

/** Error, trend and season of an ETS model. */
export type EtsError = "A" | "M";
/** Trend component: none, additive, additive damped. */
export type EtsTrend = "N" | "A" | "Ad";
/** Season component: none, additive, multiplicative. */
export type EtsSeason = "N" | "A" | "M";

/**
 * An ETS model specification, e.g. `{ error: "A", trend: "Ad", season: "N" }` for ETS(A,Ad,N).
 *
 * @example
 * ```ts
 * const spec: EtsSpec = { error: "M", trend: "A", season: "M" };
 * ```
 */
export interface EtsSpec {
  readonly error: EtsError;
  readonly trend: EtsTrend;
  readonly season: EtsSeason;
}

/** What the optimiser minimises (R's `opt.crit`). */
export type EtsCriterion = "lik" | "mse" | "amse" | "sigma" | "mae";

/**
 * Options of {@link etsForecast}.
 *
 * @example
 * ```ts
 * const o: EtsOptions = { h: 12, period: 12, model: "ZZZ" };
 * ```
 */
export interface EtsOptions extends ForecastOptions {
  /** Seasonal period (1 = none). Seasonal models need period 2..24 and 3 full seasons. */
  readonly period?: number;
  /**
   * Model code as in R: three letters (error, trend, season), `Z` = choose by AICc,
   * e.g. `"ZZZ"`, `"ANN"`, `"AAdN"`, `"MAM"`. Default `"ZZZ"`.
   */
  readonly model?: string;
  /** Fix the smoothing parameters instead of estimating them. */
  readonly alpha?: number;
  readonly beta?: number;
  readonly gamma?: number;
  readonly phi?: number;
  /** Optimisation criterion; default `"lik"`. */
  readonly criterion?: EtsCriterion;
  /** Evaluations allowed to the optimiser (default 2000, as R). */
  readonly maxEvaluations?: number;
}

/**
 * A fitted ETS model.
 *
 * @example
 * ```ts
 * const fit = etsFit([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], { error: "A", trend: "N", season: "N" });
 * fit.aicc;
 * ```
 */
export interface EtsFit {
  readonly spec: EtsSpec;
  readonly period: number;
  readonly alpha: number;
  readonly beta: number;
  readonly gamma: number;
  readonly phi: number;
  /** Initial state: level, trend (0 when none), seasonal s0..s(m−1), most recent first. */
  readonly initialLevel: number;
  readonly initialTrend: number;
  readonly initialSeason: readonly number[];
  /** Final state after the last observation, same layout. */
  readonly level: number;
  readonly trend: number;
  readonly season: readonly number[];
  readonly fitted: readonly number[];
  /** Residuals on the model's error scale (relative for multiplicative error). */
  readonly residuals: readonly number[];
  readonly sse: number;
  readonly mse: number;
  readonly sigma2: number;
  readonly loglik: number;
  readonly aic: number;
  readonly aicc: number;
  readonly bic: number;
  /** Number of estimated parameters (smoothing parameters and initial states). */
  readonly estimated: number;
  readonly evaluations: number;
}

const LOWER = [1e-4, 1e-4, 1e-4, 0.8];
const UPPER = [0.9999, 0.9999, 0.9999, 0.98];
const NMSE = 3;

/** The model's name as R prints it, e.g. `ETS(M,Ad,N)`. */
export function etsName(spec: EtsSpec): string {
  return `ETS(${spec.error},${spec.trend},${spec.season})`;
}

interface Work {
  readonly y: Float64Array;
  readonly n: number;
  readonly m: number;
  readonly trend: number; // 0 none, 1 additive
  readonly damped: boolean;
  readonly season: number; // 0 none, 1 additive, 2 multiplicative
  readonly multError: boolean;
  readonly s: Float64Array;
  readonly olds: Float64Array;
  readonly f: Float64Array;
  readonly e: Float64Array;
  readonly fit: Float64Array;
  readonly amse: Float64Array;
  readonly denom: Float64Array;
}

function makeWork(y: readonly number[], spec: EtsSpec, m: number): Work {
  const n = y.length;
  return {
    y: Float64Array.from(y),
    n,
    m,
    trend: spec.trend === "N" ? 0 : 1,
    damped: spec.trend === "Ad",
    season: spec.season === "N" ? 0 : spec.season === "A" ? 1 : 2,
    multError: spec.error === "M",
    s: new Float64Array(Math.max(m, 1)),
    olds: new Float64Array(Math.max(m, 1)),
    f: new Float64Array(NMSE),
    e: new Float64Array(n),
    fit: new Float64Array(n),
    amse: new Float64Array(NMSE),
    denom: new Float64Array(NMSE),
  };
}

interface CalcResult {
  lik: number;
  sse: number;
  level: number;
  trend: number;
}

/** R's etscalc: runs the recursions, fills w.e / w.fit / w.amse / w.s; returns lik. */
function etsCalc(w: Work, l0: number, b0: number, s0: ArrayLike<number>, alpha: number, beta: number, gamma: number, phi: number, nmse: number): CalcResult {
  const { y, n, m, trend, season, multError, s, olds, f, e, fit, amse, denom } = w;
  let l = l0;
  let b = trend ? b0 : 0;
  if (season) for (let j = 0; j < m; j++) s[j] = s0[j] as number;
  for (let j = 0; j < nmse; j++) {
    amse[j] = 0;
    denom[j] = 0;
  }
  let sse = 0;
  let lik2 = 0;
  const betaOverAlpha = beta / alpha;
  for (let i = 0; i < n; i++) {
    const oldl = l;
    const oldb = b;
    if (season) for (let j = 0; j < m; j++) olds[j] = s[j] as number;
    // h-step forecasts from the previous state (for amse), f[0] is the one-step fit.
    let phistar = phi;
    for (let k = 0; k < nmse; k++) {
      let fk = trend ? oldl + phistar * oldb : oldl;
      if (season) {
        let j = m - 1 - k;
        while (j < 0) j += m;
        fk = season === 1 ? fk + (olds[j] as number) : fk * (olds[j] as number);
      }
      f[k] = fk;
      if (k < nmse - 1) phistar += w.damped ? phi ** (k + 2) : 1;
    }
    const f0 = f[0] as number;
    const yi = y[i] as number;
    fit[i] = f0;
    const err = multError ? (yi - f0) / f0 : yi - f0;
    e[i] = err;
    for (let k = 0; k < nmse; k++) {
      if (i + k < n) {
        denom[k] = (denom[k] as number) + 1;
        const tmp = (y[i + k] as number) - (f[k] as number);
        amse[k] = ((amse[k] as number) * ((denom[k] as number) - 1) + tmp * tmp) / (denom[k] as number);
      }
    }
    // update (R etscalc.c update())
    const phib = trend ? phi * oldb : 0;
    const q = oldl + phib;
    const sLast = season ? (olds[m - 1] as number) : 0;
    const p = season === 0 ? yi : season === 1 ? yi - sLast : Math.abs(sLast) < 1e-10 ? 1e10 : yi / sLast;
    l = q + alpha * (p - q);
    if (trend) b = phib + betaOverAlpha * (l - oldl - phib);
    if (season) {
      const t = season === 1 ? yi - q : Math.abs(q) < 1e-10 ? 1e10 : yi / q;
      s[0] = sLast + gamma * (t - sLast);
      for (let j = 1; j < m; j++) s[j] = olds[j - 1] as number;
    }
    sse += err * err;
    if (multError) lik2 += Math.log(Math.abs(f0));
  }
  let lik = n * Math.log(sse);
  if (multError) lik += 2 * lik2;
  return { lik, sse, level: l, trend: b };
}

/** Classical decomposition seasonal figure of R's decompose() on x (length >= 2m). */
export function decomposeFigure(x: readonly number[], m: number, multiplicative: boolean): number[] {
  const n = x.length;
  const weights: number[] = m % 2 === 0 ? [0.5, ...new Array<number>(m - 1).fill(1), 0.5].map((v) => v / m) : new Array<number>(m).fill(1 / m);
  const k = weights.length;
  const half = Math.floor(k / 2);
  const detr = new Array<number>(n).fill(Number.NaN);
  for (let t = half; t < n - (k - 1 - half); t++) {
    let s = 0;
    for (let j = 0; j < k; j++) s += (weights[j] as number) * (x[t - half + j] as number);
    detr[t] = multiplicative ? (x[t] as number) / s : (x[t] as number) - s;
  }
  const figure: number[] = [];
  for (let i = 0; i < m; i++) {
    let s = 0;
    let c = 0;
    for (let t = i; t < n; t += m) {
      if (!Number.isNaN(detr[t])) {
        s += detr[t] as number;
        c++;
      }
    }
    figure.push(s / c);
  }
  const avg = figure.reduce((a, v) => a + v, 0) / m;
  return figure.map((v) => (multiplicative ? v / avg : v - avg));
}

/** R's initstate(): l0, b0 and the seasonal s0..s(m−2) from the start of the series. */
function initialState(y: readonly number[], spec: EtsSpec, m: number): { l: number; b: number; seas: number[] } {
  let seas: number[] = [];
  let ysa: number[] = [...y];
  if (spec.season !== "N") {
    const x = y.slice(0, 3 * m);
    const figure = decomposeFigure(x, m, spec.season === "M");
    seas = figure.slice(1).reverse();
    const seasonal = x.map((_, t) => figure[t % m] as number);
    if (spec.season === "A") ysa = x.map((v, t) => v - (seasonal[t] as number));
    else {
      seas = seas.map((v) => Math.max(v, 1e-2));
      const sum = seas.reduce((a, v) => a + v, 0);
      if (sum > m) {
        const div = seas.reduce((a, v) => a + v + 1e-2, 0);
        seas = seas.map((v) => v / div);
      }
      ysa = x.map((v, t) => v / Math.max(seasonal[t] as number, 1e-2));
    }
  }
  const maxn = Math.min(Math.max(10, 2 * m), ysa.length);
  if (spec.trend === "N") {
    let s = 0;
    for (let i = 0; i < maxn; i++) s += ysa[i] as number;
    return { l: s / maxn, b: 0, seas };
  }
  // least squares line on 1..maxn
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < maxn; i++) {
    sx += i + 1;
    sy += ysa[i] as number;
  }
  const mx = sx / maxn;
  const my = sy / maxn;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < maxn; i++) {
    sxy += (i + 1 - mx) * ((ysa[i] as number) - my);
    sxx += (i + 1 - mx) * (i + 1 - mx);
  }
  let b = sxy / sxx;
  let l = my - b * mx;
  if (Math.abs(l + b) < 1e-8) {
    l *= 1 + 1e-3;
    b *= 1 - 1e-3;
  }
  return { l, b, seas };
}

function fullSeason(seas: ArrayLike<number>, m: number, multiplicative: boolean, out: Float64Array): void {
  let sum = 0;
  for (let j = 0; j < m - 1; j++) {
    out[j] = seas[j] as number;
    sum += seas[j] as number;
  }
  out[m - 1] = multiplicative ? m - sum : -sum;
}

function checkModel(spec: EtsSpec, y: readonly number[], m: number): void {
  if (spec.error === "M" || spec.season === "M") {
    for (const v of y) if (v <= 0) throw validationError(`${etsName(spec)} needs strictly positive data`, { model: etsName(spec) });
  }
  if (spec.season !== "N") {
    if (!(m >= 2 && m <= 24)) throw validationError("seasonal ETS models need a period from 2 to 24", { period: m });
    if (y.length < 3 * m) throw validationError("seasonal ETS models need at least three full seasons of history", { length: y.length, period: m });
  }
}

/**
 * Fixed smoothing parameters and the optimisation criterion of {@link etsFit}.
 *
 * @example
 * ```ts
 * const o: EtsFitOptions = { alpha: 0.3, criterion: "mse" };
 * ```
 */
export interface EtsFitOptions {
  readonly alpha?: number | undefined;
  readonly beta?: number | undefined;
  readonly gamma?: number | undefined;
  readonly phi?: number | undefined;
  readonly criterion?: EtsCriterion | undefined;
  readonly maxEvaluations?: number | undefined;
}

/**
 * Fits one ETS model by maximum likelihood (or another criterion), as R's `ets(y, model=...)`.
 *
 * @example
 * ```ts
 * const fit = etsFit([10, 12, 11, 13, 12, 14, 13, 15, 14, 16, 15, 17], { error: "A", trend: "A", season: "N" });
 * fit.alpha; fit.aicc;
 * ```
 */
export function etsFit(y: readonly number[], spec: EtsSpec, options: EtsFitOptions & { readonly period?: number | undefined } = {}): EtsFit {
  const m = spec.season === "N" ? 1 : (options.period ?? 1);
  checkModel(spec, y, m);
  const n = y.length;
  const w = makeWork(y, spec, m);
  const init = initialState(y, spec, m);
  // Values near the float64 limit overflow the initial state's sums; the optimiser could not
  // even build its first simplex from an infinite start (R stops there too).
  if (!(Number.isFinite(init.l) && Number.isFinite(init.b) && init.seas.every(Number.isFinite))) {
    throw validationError(`${etsName(spec)} cannot start from this series: its values are too large (their sums overflow); scale the series down`, { model: etsName(spec) });
  }
  const hasTrend = spec.trend !== "N";
  const damped = spec.trend === "Ad";
  const hasSeason = spec.season !== "N";
  const criterion = options.criterion ?? "lik";
  // initparam()
  const names: string[] = [];
  const start: number[] = [];
  let alpha0 = options.alpha;
  if (alpha0 === undefined) {
    let a = LOWER[0]! + (0.2 * (UPPER[0]! - LOWER[0]!)) / m;
    if (a > 1 || a < 0) a = LOWER[0]! + 2e-3;
    names.push("alpha");
    start.push(a);
    alpha0 = a;
  }
  if (hasTrend && options.beta === undefined) {
    const up = Math.min(UPPER[1]!, alpha0);
    let b = LOWER[1]! + 0.1 * (up - LOWER[1]!);
    if (b < 0 || b > alpha0) b = alpha0 - 1e-3;
    names.push("beta");
    start.push(b);
  }
  if (hasSeason && options.gamma === undefined) {
    const up = Math.min(UPPER[2]!, 1 - alpha0);
    let g = LOWER[2]! + 0.05 * (up - LOWER[2]!);
    if (g < 0 || g > 1 - alpha0) g = 1 - alpha0 - 1e-3;
    names.push("gamma");
    start.push(g);
  }
  if (damped && options.phi === undefined) {
    let p = LOWER[3]! + 0.99 * (UPPER[3]! - LOWER[3]!);
    if (p < 0 || p > 1) p = UPPER[3]! - 1e-3;
    names.push("phi");
    start.push(p);
  }
  const nSmoothing = start.length;
  start.push(init.l);
  if (hasTrend) start.push(init.b);
  for (const v of init.seas) start.push(v);
  const s0 = new Float64Array(Math.max(m, 1));
  const mult = spec.season === "M";
  // Where each smoothing parameter sits in the optimiser's vector (−1: fixed or absent), found
  // once per fit: the objective unpacks the vector at every evaluation.
  const at = (name: string) => names.indexOf(name);
  const alphaAt = at("alpha");
  const betaAt = hasTrend ? at("beta") : -1;
  const gammaAt = hasSeason ? at("gamma") : -1;
  const phiAt = damped ? at("phi") : -1;
  const alphaFixed = options.alpha ?? 0;
  const betaFixed = hasTrend ? (options.beta ?? 0) : 0;
  const gammaFixed = hasSeason ? (options.gamma ?? 0) : 0;
  const phiFixed = damped ? (options.phi ?? 1) : 1;
  const unpack = (par: ArrayLike<number>) => {
    const alpha = alphaAt >= 0 ? (par[alphaAt] as number) : alphaFixed;
    const beta = betaAt >= 0 ? (par[betaAt] as number) : betaFixed;
    const gamma = gammaAt >= 0 ? (par[gammaAt] as number) : gammaFixed;
    const phi = phiAt >= 0 ? (par[phiAt] as number) : phiFixed;
    let k = nSmoothing;
    const l = par[k++] as number;
    const b = hasTrend ? (par[k++] as number) : 0;
    if (hasSeason) {
      const seas: number[] = [];
      for (let j = 0; j < m - 1; j++) seas.push(par[k++] as number);
      fullSeason(seas, m, mult, s0);
    }
    return { alpha, beta, gamma, phi, l, b };
  };
  const objective = (par: ArrayLike<number>): number => {
    const p = unpack(par);
    // bounds = "both": the usual region (R's check_params)
    if (p.alpha < LOWER[0]! || p.alpha > UPPER[0]!) return Number.POSITIVE_INFINITY;
    if (hasTrend && (p.beta < LOWER[1]! || p.beta > p.alpha || p.beta > UPPER[1]!)) return Number.POSITIVE_INFINITY;
    if (damped && (p.phi < LOWER[3]! || p.phi > UPPER[3]!)) return Number.POSITIVE_INFINITY;
    if (hasSeason && (p.gamma < LOWER[2]! || p.gamma > 1 - p.alpha || p.gamma > UPPER[2]!)) return Number.POSITIVE_INFINITY;
    if (mult) for (let j = 0; j < m; j++) if ((s0[j] as number) < 0) return Number.POSITIVE_INFINITY;
    const r = etsCalc(w, p.l, p.b, s0, p.alpha, p.beta, p.gamma, p.phi, criterion === "amse" ? NMSE : 1);
    let value: number;
    switch (criterion) {
      case "lik":
        value = r.lik < -1e10 ? -1e10 : r.lik;
        break;
      case "mse":
        value = w.amse[0] as number;
        break;
      case "amse": {
        let s = 0;
        for (let k = 0; k < NMSE; k++) s += w.amse[k] as number;
        value = s / NMSE;
        break;
      }
      case "sigma":
        value = r.sse / n;
        break;
      case "mae": {
        let s = 0;
        for (let i = 0; i < n; i++) s += Math.abs(w.e[i] as number);
        value = s / n;
        break;
      }
    }
    return Number.isNaN(value) ? Number.POSITIVE_INFINITY : value;
  };
  const opt = nelderMead(objective, start, { maxEvaluations: options.maxEvaluations ?? 2000 });
  const p = unpack(opt.par);
  const r = etsCalc(w, p.l, p.b, s0, p.alpha, p.beta, p.gamma, p.phi, NMSE);
  const initialSeason = hasSeason ? Array.from(s0) : [];
  // R counts fixed smoothing parameters too (they are in fit$par).
  const fixedCount = [options.alpha, hasTrend ? options.beta : undefined, hasSeason ? options.gamma : undefined, damped ? options.phi : undefined].filter((v) => v !== undefined).length;
  const estimated = opt.par.length + fixedCount;
  const np = estimated + 1;
  const loglik = -0.5 * r.lik;
  const aic = -2 * loglik + 2 * np;
  const aicc = n - np - 1 > 0 ? aic + (2 * np * (np + 1)) / (n - np - 1) : Number.POSITIVE_INFINITY;
  const bic = aic + np * (Math.log(n) - 2);
  return {
    spec,
    period: m,
    alpha: p.alpha,
    beta: p.beta,
    gamma: p.gamma,
    phi: p.phi,
    initialLevel: p.l,
    initialTrend: p.b,
    initialSeason,
    level: r.level,
    trend: r.trend,
    season: hasSeason ? Array.from(w.s.subarray(0, m)) : [],
    fitted: Array.from(w.fit),
    residuals: Array.from(w.e),
    sse: r.sse,
    mse: w.amse[0] as number,
    sigma2: r.sse / (n - estimated),
    loglik,
    aic,
    aicc,
    bic,
    estimated,
    evaluations: opt.evaluations,
  };
}

/**
 * A fitted model run over a series `y` that starts with the data it was fitted on, keeping
 * its smoothing parameters and initial states (R's `ets(y, model = fit, use.initial.values =
 * TRUE)`): the states are updated through every value of `y`, nothing is re-estimated. What
 * a forecasting system does between re-estimations: rolling-origin errors refit the chosen
 * model every few origins and run the last fit on at the others.
 *
 * @example
 * ```ts
 * const fit = etsFit([10, 12, 11, 13, 12, 14, 13, 15, 14, 16], { error: "A", trend: "N", season: "N" });
 * etsPointForecast(etsRun(fit, [10, 12, 11, 13, 12, 14, 13, 15, 14, 16, 30, 31]), 1); // the level moved towards 30
 * ```
 */
export function etsRun(fit: EtsFit, y: readonly number[]): EtsFit {
  const m = fit.period;
  checkModel(fit.spec, y, m);
  const w = makeWork(y, fit.spec, m);
  const s0 = new Float64Array(Math.max(m, 1));
  for (let j = 0; j < fit.initialSeason.length; j++) s0[j] = fit.initialSeason[j] as number;
  const r = etsCalc(w, fit.initialLevel, fit.initialTrend, s0, fit.alpha, fit.beta, fit.gamma, fit.phi, NMSE);
  const n = y.length;
  const np = fit.estimated + 1;
  const loglik = -0.5 * r.lik;
  const aic = -2 * loglik + 2 * np;
  return {
    ...fit,
    level: r.level,
    trend: r.trend,
    season: fit.spec.season !== "N" ? Array.from(w.s.subarray(0, m)) : [],
    fitted: Array.from(w.fit),
    residuals: Array.from(w.e),
    sse: r.sse,
    mse: w.amse[0] as number,
    sigma2: r.sse / (n - fit.estimated),
    loglik,
    aic,
    aicc: n - np - 1 > 0 ? aic + (2 * np * (np + 1)) / (n - np - 1) : Number.POSITIVE_INFINITY,
    bic: aic + np * (Math.log(n) - 2),
    evaluations: 0,
  };
}

/** Point forecasts h steps ahead from a fit's final state. */
export function etsPointForecast(fit: EtsFit, h: number): number[] {
  const out: number[] = [];
  const m = fit.period;
  let phistar = fit.phi;
  for (let i = 0; i < h; i++) {
    let f = fit.spec.trend === "N" ? fit.level : fit.level + phistar * fit.trend;
    if (fit.spec.season !== "N") {
      let j = m - 1 - i;
      while (j < 0) j += m;
      f = fit.spec.season === "A" ? f + (fit.season[j] as number) : f * (fit.season[j] as number);
    }
    out.push(f);
    phistar += fit.spec.trend === "Ad" ? fit.phi ** (i + 2) : 1;
  }
  return out;
}

/** c_j of the state space model's MA(∞) form (Hyndman et al. 2008, table 6.2). */
function cj(fit: EtsFit, j: number): number {
  let c = fit.alpha;
  if (fit.spec.trend === "A") c += fit.beta * j;
  else if (fit.spec.trend === "Ad") {
    let s = 0;
    let p = 1;
    for (let i = 1; i <= j; i++) {
      p *= fit.phi;
      s += p;
    }
    c += fit.beta * s;
  }
  if (fit.spec.season !== "N" && j % fit.period === 0) c += fit.gamma;
  return c;
}

/**
 * Forecast standard deviations for h steps: class 1 (additive error, additive components)
 * and class 2 (multiplicative error, no multiplicative season) of Hyndman et al. (2008);
 * `undefined` for class 3 models (multiplicative season), where R simulates.
 */
export function etsForecastSd(fit: EtsFit, mean: readonly number[]): number[] | undefined {
  const h = mean.length;
  const s2 = fit.sigma2;
  if (fit.spec.season === "M") return undefined;
  if (fit.spec.error === "A") {
    const sd: number[] = [];
    let acc = 1;
    for (let i = 0; i < h; i++) {
      if (i > 0) acc += cj(fit, i) ** 2;
      sd.push(Math.sqrt(s2 * acc));
    }
    return sd;
  }
  // class 2: theta_1 = mu_1^2, theta_h = mu_h^2 + s2 * sum_{j=1}^{h-1} c_j^2 theta_{h-j}; v = (1+s2) theta_h - mu_h^2
  const theta: number[] = [];
  const sd: number[] = [];
  for (let i = 0; i < h; i++) {
    const mu = mean[i] as number;
    let t = mu * mu;
    for (let j = 1; j <= i; j++) t += s2 * cj(fit, j) ** 2 * (theta[i - j] as number);
    theta.push(t);
    sd.push(Math.sqrt(Math.max(0, (1 + s2) * t - mu * mu)));
  }
  return sd;
}

/** The smoothing parameter of R's `ets()` for a constant series: `ses(y, alpha = 0.99999, initial = "simple")`. */
export const CONSTANT_SERIES_ALPHA = 0.99999;

/** True when every value equals the first (R's `is.constant`, exactly). */
export function isConstantSeries(y: readonly number[]): boolean {
  const first = y[0];
  for (let i = 1; i < y.length; i++) if (y[i] !== first) return false;
  return y.length > 0;
}

/**
 * The fit R's `ets()` returns for a constant series, where every model fits exactly and
 * the likelihood is unbounded: ETS(A,N,N) with α = 0.99999 and the level at the constant,
 * so the forecast is the constant with zero spread. Its residual variance is 0, its
 * log-likelihood +∞ and its AIC, AICc and BIC −∞.
 *
 * @example
 * ```ts
 * constantEtsFit([3, 3, 3, 3]).level; // 3
 * ```
 */
export function constantEtsFit(y: readonly number[]): EtsFit {
  const c = y[0] as number;
  const n = y.length;
  return {
    spec: { error: "A", trend: "N", season: "N" },
    period: 1,
    alpha: CONSTANT_SERIES_ALPHA,
    beta: 0,
    gamma: 0,
    phi: 1,
    initialLevel: c,
    initialTrend: 0,
    initialSeason: [],
    level: c,
    trend: 0,
    season: [],
    fitted: new Array<number>(n).fill(c),
    residuals: new Array<number>(n).fill(0),
    sse: 0,
    mse: 0,
    sigma2: 0,
    loglik: Number.POSITIVE_INFINITY,
    aic: Number.NEGATIVE_INFINITY,
    aicc: Number.NEGATIVE_INFINITY,
    bic: Number.NEGATIVE_INFINITY,
    estimated: 2,
    evaluations: 0,
  };
}

function parseModel(code: string): { error: string; trend: string; season: string } {
  const match = /^([AMZ])(A|Ad|N|Z)(A|M|N|Z)$/.exec(code);
  if (!match) throw validationError('model must be three letters like "ZZZ", "ANN", "AAdN" or "MAM"', { model: code });
  return { error: match[1] as string, trend: match[2] as string, season: match[3] as string };
}

/**
 * The candidate models R's `ets()` tries for a series (restrict = TRUE, no
 * multiplicative trend): multiplicative error or season only for positive data,
 * seasonal models only for a period 2..24 with three full seasons of history.
 *
 * @example
 * ```ts
 * etsCandidates([5, 6, 7, 8, 9, 10, 11, 12, 13, 14], 1, "ZZZ").map(etsName);
 * ```
 */
export function etsCandidates(y: readonly number[], period: number, model = "ZZZ"): EtsSpec[] {
  const want = parseModel(model);
  const positive = y.every((v) => v > 0);
  const seasonalOk = period >= 2 && period <= 24 && y.length >= 3 * period;
  const out: EtsSpec[] = [];
  for (const error of ["A", "M"] as const) {
    if (want.error !== "Z" && want.error !== error) continue;
    if (error === "M" && !positive) continue;
    for (const trend of ["N", "A", "Ad"] as const) {
      if (want.trend !== "Z" && want.trend !== trend) continue;
      for (const season of ["N", "A", "M"] as const) {
        if (want.season !== "Z" && want.season !== season) continue;
        if (season !== "N" && !seasonalOk) continue;
        if (season === "M" && !positive) continue;
        if (error === "A" && season === "M") continue;
        out.push({ error, trend, season });
      }
    }
  }
  return out;
}

/**
 * ETS forecast: fits the requested model (or, with `Z` letters, every candidate and
 * keeps the lowest AICc, as R's `ets()`), forecasts `h` steps, intervals for class 1
 * and 2 models.
 *
 * @example
 * ```ts
 * const f = etsForecast([120, 118, 125, 130, 128, 135, 140, 138, 142, 150], { h: 4 });
 * f.model; // e.g. "ETS(A,A,N)"
 * ```
 */
export function etsForecast(y: readonly number[], options: EtsOptions): Forecast & { readonly fit: EtsFit } {
  checkSeries(y, options.h, 4);
  const levels = checkLevels(options.levels);
  const period = options.period ?? 1;
  const model = options.model ?? "ZZZ";
  const candidates = etsCandidates(y, period, model);
  if (candidates.length === 0) throw validationError(`no ETS model fits "${model}" for this series (multiplicative parts need positive data; seasonal parts need a period 2..24 and 3 seasons)`, { model, period });
  // R's rule: a constant series under automatic selection is ETS(A,N,N) with α = 0.99999.
  if (model.includes("Z") && isConstantSeries(y) && candidates.some((c) => c.error === "A" && c.trend === "N" && c.season === "N")) return etsResult(constantEtsFit(y), options.h, levels);
  let best: EtsFit | undefined;
  for (const spec of candidates) {
    const fit = etsFit(y, spec, { period, alpha: options.alpha, beta: options.beta, gamma: options.gamma, phi: options.phi, criterion: options.criterion, maxEvaluations: options.maxEvaluations });
    // As R: a NaN or +∞ AICc (too few observations for the parameters) never wins; −∞ (an exact fit) does.
    if ((Number.isNaN(fit.aicc) || fit.aicc === Number.POSITIVE_INFINITY) && candidates.length > 1) continue;
    if (best === undefined || fit.aicc < best.aicc) best = fit;
  }
  if (best === undefined) throw validationError("no candidate ETS model has a finite AICc for this series: it is too short for their parameters, or its values are so large that their squares overflow", { length: y.length });
  return etsResult(best, options.h, levels);
}

export function etsResult(fit: EtsFit, h: number, levels: readonly number[]): Forecast & { readonly fit: EtsFit } {
  const mean = etsPointForecast(fit, h);
  const sd = etsForecastSd(fit, mean);
  const intervals: PredictionInterval[] = sd ? normalIntervals(mean, sd, levels) : [];
  const parameters: Record<string, number> = { alpha: fit.alpha, l: fit.initialLevel };
  if (fit.spec.trend !== "N") {
    parameters.beta = fit.beta;
    parameters.b = fit.initialTrend;
  }
  if (fit.spec.trend === "Ad") parameters.phi = fit.phi;
  if (fit.spec.season !== "N") parameters.gamma = fit.gamma;
  return { method: "ets", model: etsName(fit.spec), mean, fitted: fit.fitted, parameters, intervals, sigma2: fit.sigma2, fit };
}
