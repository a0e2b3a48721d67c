/**
 * BG/NBD (Fader, Hardie & Lee 2005, "Counting your customers the easy way") for repeat
 * purchase frequency, fitted by maximum likelihood (float64, Nelder–Mead on
 * log-parameters), with P(alive) and expected purchases; Gamma-Gamma (Fader, Hardie &
 * Lee 2005b) for spend per transaction; discounted lifetime value.
 */
import { StorekeepError } from "../kernel/errors.js";
import { minimise } from "./minimise.js";
import { hyp2f1, logGamma } from "./special-functions.js";

/**
 * One customer's calibration summary in a chosen time unit: `x` repeat purchases (after
 * the first), `tx` the time of the last purchase since the first, `T` the time from the
 * first purchase to the end of calibration.
 *
 * @example
 * ```ts
 * import type { FrequencyRecency } from "storekeep";
 * const c: FrequencyRecency = { x: 2, tx: 30.43, T: 38.86 };
 * ```
 */
export interface FrequencyRecency {
  readonly x: number;
  readonly tx: number;
  readonly T: number;
}

/**
 * BG/NBD parameters: purchase rates ~ Gamma(r, α), drop-out probability ~ Beta(a, b).
 *
 * @example
 * ```ts
 * import type { BgNbdParams } from "storekeep";
 * const p: BgNbdParams = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
 * ```
 */
export interface BgNbdParams {
  readonly r: number;
  readonly alpha: number;
  readonly a: number;
  readonly b: number;
}

function checkData(data: readonly FrequencyRecency[]): void {
  if (data.length === 0) throw new StorekeepError("VALIDATION_FAILED", "BG/NBD needs at least one customer to fit; pass a non-empty list.");
  data.forEach((d, i) => {
    if (!(Number.isInteger(d.x) && d.x >= 0 && d.tx >= 0 && d.T >= d.tx && Number.isFinite(d.T))) {
      throw new StorekeepError("VALIDATION_FAILED", `Customer row ${i} must have an integer x ≥ 0 and 0 ≤ tx ≤ T; got x=${d.x}, tx=${d.tx}, T=${d.T}.`, { row: i });
    }
    if (d.x === 0 && d.tx !== 0) throw new StorekeepError("VALIDATION_FAILED", `Customer row ${i} has no repeat purchase (x = 0), so tx must be 0; got ${d.tx}.`, { row: i });
  });
}

/**
 * The BG/NBD log-likelihood of `data` under `params` (summed over customers).
 *
 * @example
 * ```ts
 * import { bgNbdLogLikelihood } from "storekeep";
 * const ll = bgNbdLogLikelihood({ r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 }, [{ x: 0, tx: 0, T: 38 }]);
 * ```
 */
export function bgNbdLogLikelihood(params: BgNbdParams, data: readonly FrequencyRecency[]): number {
  const { r, alpha, a, b } = params;
  const lgR = logGamma(r);
  const lnAlpha = Math.log(alpha);
  const lgAB = logGamma(a + b);
  const lgB = logGamma(b);
  const lnA = Math.log(a);
  let ll = 0;
  for (const { x, tx, T } of data) {
    const a1 = logGamma(r + x) - lgR + r * lnAlpha;
    const a2 = lgAB + logGamma(b + x) - lgB - logGamma(a + b + x);
    const a3 = -(r + x) * Math.log(alpha + T);
    if (x > 0) {
      const a4 = lnA - Math.log(b + x - 1) - (r + x) * Math.log(alpha + tx);
      const hi = Math.max(a3, a4);
      ll += a1 + a2 + hi + Math.log(Math.exp(a3 - hi) + Math.exp(a4 - hi));
    } else {
      ll += a1 + a2 + a3;
    }
  }
  return ll;
}

/**
 * A fitted BG/NBD model.
 *
 * @example
 * ```ts
 * import { fitBgNbd } from "storekeep";
 * const fit = fitBgNbd([{ x: 2, tx: 30, T: 38 }, { x: 0, tx: 0, T: 38 }, { x: 1, tx: 5, T: 20 }]);
 * console.log(fit.params, fit.logLikelihood);
 * ```
 */
export interface BgNbdFit {
  readonly params: BgNbdParams;
  /** The log-likelihood of the data at `params` (without the penalty). */
  readonly logLikelihood: number;
  readonly evaluations: number;
  /** The L2 penalty coefficient the fit used (0: plain maximum likelihood). */
  readonly penalizer: number;
  /**
   * Why the fitted parameters should not be trusted, in words (empty when nothing is
   * suspect): too few repeat buyers to identify the model, or a parameter that ran off to
   * an extreme (the likelihood keeps improving towards a degenerate model, which makes
   * P(alive) collapse towards 0 or 1). Pass a `penalizer` (0.001 to 0.1) or more history.
   */
  readonly warnings: readonly string[];
}

/**
 * Options of {@link fitBgNbd}.
 *
 * @example
 * ```ts
 * import type { BgNbdFitOptions } from "storekeep";
 * const options: BgNbdFitOptions = { penalizer: 0.01 };
 * ```
 */
export interface BgNbdFitOptions {
  /** Where the optimiser starts (default r = α = a = b = 1). */
  readonly start?: BgNbdParams;
  /**
   * L2 penalty on the log-parameters, per customer: the fit maximises
   * mean log-likelihood − penalizer × ((ln r)² + (ln α)² + (ln a)² + (ln b)²), a Gaussian
   * prior centred on 1 for each parameter (a MAP estimate). Default 0 (plain maximum
   * likelihood). A small value (0.001 to 0.1) keeps a fit on little data from running off
   * towards 0 or ∞. (Unlike the `lifetimes` package's `penalizer_coef`, which penalises θ²
   * and so still lets a and b collapse towards 0.)
   */
  readonly penalizer?: number;
}

/** Parameters beyond these bounds mean the optimiser ran towards a degenerate model. */
const EXTREME_LOW = 1e-4;
const EXTREME_HIGH = 1e4;

/** Below this many repeat buyers a fit is flagged as resting on too little data. */
const MIN_REPEAT_BUYERS = 10;

/** What makes a fit suspect, in words. */
function fitWarnings(model: string, params: Readonly<Record<string, number>>, customers: number, repeatBuyers: number): string[] {
  const warnings: string[] = [];
  if (repeatBuyers < MIN_REPEAT_BUYERS) {
    warnings.push(`${model}: only ${repeatBuyers} of ${customers} customers bought again (fewer than ${MIN_REPEAT_BUYERS}); figures fitted on so little repeat buying are rough at best.`);
  }
  const extreme = Object.entries(params).filter(([, v]) => !(v >= EXTREME_LOW && v <= EXTREME_HIGH));
  if (extreme.length > 0) {
    warnings.push(
      `${model}: the fit ran to a degenerate model (${extreme.map(([k, v]) => `${k} = ${v.toPrecision(3)}`).join(", ")}); its predictions are unreliable. Pass a penalizer (0.001 to 0.1) or fit on more customers and history.`,
    );
  }
  return warnings;
}

/** Σ (ln θ)² over log-parameters: the penalty, zero at θ = 1, growing towards 0 and ∞ alike. */
function logSquares(logParams: readonly number[]): number {
  let sum = 0;
  for (const v of logParams) sum += v * v;
  return sum;
}

/**
 * A fit's penalizer, checked: 0 when left out; a finite number ≥ 0, else VALIDATION_FAILED
 * naming `fn`.
 *
 * @example
 * ```ts
 * checkPenalizer(0.01, "crm.customerValue"); // 0.01
 * ```
 */
export function checkPenalizer(value: unknown, fn: string): number {
  if (value === undefined) return 0;
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    throw new StorekeepError("VALIDATION_FAILED", `${fn}: penalizer must be a finite number ≥ 0 (try 0.001 to 0.1); got ${String(value)}.`, { issues: [{ path: "penalizer", message: "a finite number ≥ 0", code: "custom" }] });
  }
  return value;
}

/**
 * Fits BG/NBD by maximum likelihood (Nelder–Mead on log r, log α, log a, log b), optionally
 * with an L2 penalty; `warnings` says when the result is not to be trusted.
 *
 * @throws StorekeepError `VALIDATION_FAILED` on an empty list, an impossible row or a
 *   negative penalizer.
 * @example
 * ```ts
 * import { fitBgNbd } from "storekeep";
 * const { params, warnings } = fitBgNbd([{ x: 2, tx: 30, T: 38 }, { x: 0, tx: 0, T: 38 }, { x: 1, tx: 5, T: 20 }], { penalizer: 0.01 });
 * ```
 */
export function fitBgNbd(data: readonly FrequencyRecency[], options: BgNbdFitOptions = {}): BgNbdFit {
  checkData(data);
  const penalizer = checkPenalizer(options.penalizer, "fitBgNbd");
  // Compress identical rows: the likelihood depends only on (x, tx, T).
  const groups = new Map<string, { row: FrequencyRecency; count: number }>();
  for (const d of data) {
    const k = `${d.x}|${d.tx}|${d.T}`;
    const g = groups.get(k);
    if (g) g.count++;
    else groups.set(k, { row: d, count: 1 });
  }
  const rows = [...groups.values()];
  const nll = (p: readonly number[]): number => {
    const params = { r: Math.exp(p[0] as number), alpha: Math.exp(p[1] as number), a: Math.exp(p[2] as number), b: Math.exp(p[3] as number) };
    let ll = 0;
    for (const g of rows) ll += g.count * bgNbdLogLikelihood(params, [g.row]);
    // The penalty per customer (lifetimes' mean log-likelihood form), scaled to the sum.
    if (penalizer > 0) ll -= data.length * penalizer * logSquares(p);
    return -ll;
  };
  const s = options.start ?? { r: 1, alpha: 1, a: 1, b: 1 };
  const res = minimise(nll, [Math.log(s.r), Math.log(s.alpha), Math.log(s.a), Math.log(s.b)]);
  const params = { r: Math.exp(res.x[0] as number), alpha: Math.exp(res.x[1] as number), a: Math.exp(res.x[2] as number), b: Math.exp(res.x[3] as number) };
  const logLikelihood = penalizer > 0 ? bgNbdLogLikelihood(params, data) : -res.value;
  const repeatBuyers = data.filter((d) => d.x > 0).length;
  return { params, logLikelihood, evaluations: res.evaluations, penalizer, warnings: fitWarnings("BG/NBD", params, data.length, repeatBuyers) };
}

/**
 * P(alive | x, tx, T): the probability the customer has not dropped out.
 *
 * @example
 * ```ts
 * import { bgNbdProbabilityAlive } from "storekeep";
 * console.log(bgNbdProbabilityAlive({ r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 }, { x: 0, tx: 0, T: 38 })); // 1
 * ```
 */
export function bgNbdProbabilityAlive(params: BgNbdParams, c: FrequencyRecency): number {
  if (c.x === 0) return 1;
  const { r, alpha, a, b } = params;
  const ln = Math.log(a / (b + c.x - 1)) + (r + c.x) * Math.log((alpha + c.T) / (alpha + c.tx));
  return 1 / (1 + Math.exp(ln));
}

/**
 * E[X(t)]: expected purchases in (0, t] of a new customer (unconditional).
 *
 * @example
 * ```ts
 * import { bgNbdExpectedPurchases } from "storekeep";
 * const e = bgNbdExpectedPurchases({ r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 }, 39);
 * ```
 */
export function bgNbdExpectedPurchases(params: BgNbdParams, t: number): number {
  const { r, alpha, a, b } = params;
  const z = t / (alpha + t);
  return ((a + b - 1) / (a - 1)) * (1 - Math.pow(alpha / (alpha + t), r) * hyp2f1(r, b, a + b - 1, z));
}

/**
 * E[Y(t) | x, tx, T]: expected purchases in the next `t` time units of a customer with
 * the given history (Fader, Hardie & Lee 2005, eq. 10).
 *
 * @example
 * ```ts
 * import { bgNbdConditionalExpectedPurchases } from "storekeep";
 * const e = bgNbdConditionalExpectedPurchases({ r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 }, { x: 2, tx: 30.43, T: 38.86 }, 39);
 * ```
 */
export function bgNbdConditionalExpectedPurchases(params: BgNbdParams, c: FrequencyRecency, t: number): number {
  if (t <= 0) return 0;
  const { r, alpha, a, b } = params;
  const { x, tx, T } = c;
  const z = t / (alpha + T + t);
  const head = (a + b + x - 1) / (a - 1);
  const body = 1 - Math.pow((alpha + T) / (alpha + T + t), r + x) * hyp2f1(r + x, b + x, a + b + x - 1, z);
  const denom = x > 0 ? 1 + (a / (b + x - 1)) * Math.pow((alpha + T) / (alpha + tx), r + x) : 1;
  return (head * body) / denom;
}

/**
 * Gamma-Gamma parameters for spend per transaction: p, q, γ.
 *
 * @example
 * ```ts
 * import type { GammaGammaParams } from "storekeep";
 * const p: GammaGammaParams = { p: 6.25, q: 3.74, gamma: 15.44 };
 * ```
 */
export interface GammaGammaParams {
  readonly p: number;
  readonly q: number;
  readonly gamma: number;
}

/**
 * One customer's spend summary: `x` transactions and `mean` spend per transaction
 * (float64 statistic).
 *
 * @example
 * ```ts
 * import type { SpendSummary } from "storekeep";
 * const s: SpendSummary = { x: 3, mean: 35.2 };
 * ```
 */
export interface SpendSummary {
  readonly x: number;
  readonly mean: number;
}

/**
 * The Gamma-Gamma log-likelihood of customers with x ≥ 1 and a positive mean spend.
 *
 * @example
 * ```ts
 * import { gammaGammaLogLikelihood } from "storekeep";
 * const ll = gammaGammaLogLikelihood({ p: 6.25, q: 3.74, gamma: 15.44 }, [{ x: 2, mean: 30 }]);
 * ```
 */
export function gammaGammaLogLikelihood(params: GammaGammaParams, data: readonly SpendSummary[]): number {
  const { p, q, gamma } = params;
  const base = -logGamma(q) + q * Math.log(gamma);
  let ll = 0;
  for (const { x, mean } of data) {
    const px = p * x;
    ll += base + logGamma(px + q) - logGamma(px) + (px - 1) * Math.log(mean) + px * Math.log(x) - (px + q) * Math.log(gamma + mean * x);
  }
  return ll;
}

/**
 * A Gamma-Gamma fit: the parameters, the log-likelihood, how many customers it used and
 * why it should not be trusted (see {@link BgNbdFit.warnings}; also when q ≤ 1, where the
 * expected spend of a customer is not defined).
 *
 * @example
 * ```ts
 * import type { GammaGammaFit } from "storekeep";
 * const usable = (f: GammaGammaFit) => f.warnings.length === 0;
 * ```
 */
export interface GammaGammaFit {
  readonly params: GammaGammaParams;
  readonly logLikelihood: number;
  readonly customers: number;
  readonly penalizer: number;
  readonly warnings: readonly string[];
}

/**
 * Fits Gamma-Gamma by maximum likelihood on customers with at least one transaction and
 * a positive mean spend (others are left out, as the model requires), optionally with an
 * L2 penalty on the log-parameters (mean log-likelihood − penalizer × ((ln p)² + (ln q)² + (ln γ)²)),
 * as {@link BgNbdFitOptions.penalizer} describes.
 *
 * @throws StorekeepError `VALIDATION_FAILED` when no customer qualifies or the penalizer is negative.
 * @example
 * ```ts
 * import { fitGammaGamma } from "storekeep";
 * const fit = fitGammaGamma([{ x: 2, mean: 30 }, { x: 1, mean: 12 }, { x: 5, mean: 44 }, { x: 3, mean: 20 }]);
 * ```
 */
export function fitGammaGamma(data: readonly SpendSummary[], options: { readonly penalizer?: number } = {}): GammaGammaFit {
  const penalizer = checkPenalizer(options.penalizer, "fitGammaGamma");
  const rows = data.filter((d) => d.x >= 1 && d.mean > 0 && Number.isFinite(d.mean));
  if (rows.length === 0) throw new StorekeepError("VALIDATION_FAILED", "Gamma-Gamma needs customers with at least one repeat transaction and a positive mean spend.");
  const nll = (v: readonly number[]) => {
    const params = { p: Math.exp(v[0] as number), q: Math.exp(v[1] as number), gamma: Math.exp(v[2] as number) };
    const penalty = penalizer > 0 ? rows.length * penalizer * logSquares(v) : 0;
    return -gammaGammaLogLikelihood(params, rows) + penalty;
  };
  const res = minimise(nll, [0, 0, 0]);
  const params = { p: Math.exp(res.x[0] as number), q: Math.exp(res.x[1] as number), gamma: Math.exp(res.x[2] as number) };
  const warnings = fitWarnings("Gamma-Gamma", params, rows.length, rows.length);
  if (params.q <= 1) {
    warnings.push(
      `Gamma-Gamma: q = ${params.q.toPrecision(3)} ≤ 1, so the population's mean spend is infinite: a customer's expected spend rests on their own mean alone, and one who has not bought again has none (customerValue gives them 0). Fit on more customers and history.`,
    );
  }
  const logLikelihood = penalizer > 0 ? gammaGammaLogLikelihood(params, rows) : -res.value;
  return { params, logLikelihood, customers: rows.length, penalizer, warnings };
}

/**
 * E[M | x, mean]: the expected spend per transaction of a customer.
 *
 * @example
 * ```ts
 * import { gammaGammaExpectedSpend } from "storekeep";
 * console.log(gammaGammaExpectedSpend({ p: 6.25, q: 3.74, gamma: 15.44 }, { x: 2, mean: 30 }));
 * ```
 */
export function gammaGammaExpectedSpend(params: GammaGammaParams, s: SpendSummary): number {
  const { p, q, gamma } = params;
  if (s.x === 0) return (p * gamma) / (q - 1);
  return (p * (gamma + s.x * s.mean)) / (p * s.x + q - 1);
}

/**
 * Discounted customer lifetime value: Σ over `periods` steps of `periodLength` time
 * units of (expected purchases in the step × expected spend) / (1 + `discountRate`)^k.
 *
 * @example
 * ```ts
 * import { customerLifetimeValue } from "storekeep";
 * const clv = customerLifetimeValue({ r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 }, { p: 6.25, q: 3.74, gamma: 15.44 },
 *   { x: 2, tx: 30.43, T: 38.86 }, 35, { periods: 12, periodLength: 4.35, discountRate: 0.01 });
 * ```
 */
export function customerLifetimeValue(
  bg: BgNbdParams,
  gg: GammaGammaParams,
  c: FrequencyRecency,
  meanSpend: number,
  horizon: { readonly periods: number; readonly periodLength: number; readonly discountRate: number },
): number {
  const spend = gammaGammaExpectedSpend(gg, { x: c.x, mean: meanSpend });
  let clv = 0;
  let prev = 0;
  for (let k = 1; k <= horizon.periods; k++) {
    const cum = bgNbdConditionalExpectedPurchases(bg, c, k * horizon.periodLength);
    clv += ((cum - prev) * spend) / Math.pow(1 + horizon.discountRate, k);
    prev = cum;
  }
  return clv;
}
