/**
 * Gamma distribution helpers in float64 for lead-time demand: the regularized incomplete
 * gamma functions P(a, x) and Q(a, x) = 1 − P(a, x), the inverse of P in x (the gamma
 * quantile), and the gamma loss function E[(X − s)⁺]. No dependency: P by its power series
 * below x = a + 1, Q by Legendre's continued fraction (modified Lentz) above, both scaled by
 * e^(−x)·x^a / Γ(a) with the kernel's log-gamma.
 */
import { logGamma } from "../../kernel/special-functions.js";
import { validationError } from "./forecast-result.js";
import { normalQuantile } from "./normal.js";

/** Enough terms for the series and the fraction to converge: both need O(√a) of them near x ≈ a. */
function maxTerms(a: number): number {
  return 1000 + Math.ceil(30 * Math.sqrt(a));
}

/** ln(e^(−x)·x^a / Γ(a)). */
function logScale(a: number, x: number): number {
  return a * Math.log(x) - x - logGamma(a);
}

/**
 * P(a, x) = γ(a, x) / Γ(a) by the series γ(a, x) = e^(−x)·x^a·Σ x^n / (a·(a+1)·…·(a+n)),
 * all terms positive (use for x < a + 1).
 */
function lowerBySeries(a: number, x: number): number {
  let term = 1 / a;
  let sum = term;
  const n = maxTerms(a);
  for (let i = 1; i < n; i++) {
    term *= x / (a + i);
    sum += term;
    if (term < sum * Number.EPSILON) break;
  }
  return Math.min(1, sum * Math.exp(logScale(a, x)));
}

/**
 * Q(a, x) = Γ(a, x) / Γ(a) by Legendre's continued fraction
 * Γ(a, x) = e^(−x)·x^a / (x + 1 − a − 1·(1 − a) / (x + 3 − a − 2·(2 − a) / (x + 5 − a − …))),
 * evaluated forwards by the modified Lentz method (use for x ≥ a + 1, where it converges fast).
 */
function upperByContinuedFraction(a: number, x: number): number {
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let f = d;
  const n = maxTerms(a);
  for (let i = 1; i < n; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < Number.EPSILON) break;
  }
  return Math.min(1, Math.exp(logScale(a, x)) * f);
}

function checkArguments(a: number, x: number): void {
  if (!(Number.isFinite(a) && a > 0)) throw validationError("the shape a must be a finite number > 0", { a });
  if (!(x >= 0) || Number.isNaN(x)) throw validationError("x must be a number >= 0", { x });
}

/**
 * The regularized lower incomplete gamma function P(a, x) = γ(a, x) / Γ(a): the CDF at x of
 * a gamma distribution with shape a and scale 1 (R: `pgamma(x, a)`). Relative accuracy
 * about 1e-14 for moderate a.
 *
 * @example
 * ```ts
 * regularizedGammaP(1, 2); // ≈ 1 − e^(−2) = 0.864664716763387
 * regularizedGammaP(3, 2); // ≈ 1 − e^(−2)·(1 + 2 + 2) = 0.323323583816937
 * ```
 */
export function regularizedGammaP(a: number, x: number): number {
  checkArguments(a, x);
  if (x === 0) return 0;
  if (x === Number.POSITIVE_INFINITY) return 1;
  return x < a + 1 ? lowerBySeries(a, x) : 1 - upperByContinuedFraction(a, x);
}

/**
 * The regularized upper incomplete gamma function Q(a, x) = Γ(a, x) / Γ(a) = 1 − P(a, x): the
 * probability that a gamma variable with shape a and scale 1 exceeds x (R:
 * `pgamma(x, a, lower.tail = FALSE)`), computed directly in the tail (no 1 − P cancellation).
 *
 * @example
 * ```ts
 * regularizedGammaQ(1, 30); // ≈ e^(−30) = 9.35762296884e-14
 * ```
 */
export function regularizedGammaQ(a: number, x: number): number {
  checkArguments(a, x);
  if (x === 0) return 1;
  if (x === Number.POSITIVE_INFINITY) return 0;
  return x < a + 1 ? 1 - lowerBySeries(a, x) : upperByContinuedFraction(a, x);
}

/** ln x of the smallest and largest positive float64 (5e-324 and 1.8e308): the bracket the quantile's search starts from. */
const LOG_X_MIN = Math.log(Number.MIN_VALUE);
const LOG_X_MAX = Math.log(Number.MAX_VALUE);
/** The relative rounding of P(a, x) and Q(a, x) as computed here (64 ulp, 1.4e-14): a quantile whose tail is that close is found. */
const TAIL_ROUNDING = 64 * Number.EPSILON;

/**
 * The inverse of the regularized lower incomplete gamma function in x: the x ≥ 0 with
 * P(a, x) = p, i.e. the p-quantile of a gamma distribution with shape a and scale 1 (R:
 * `qgamma(p, a)`; a gamma with scale θ has the quantile θ·x). p = 0 gives 0, p = 1 gives +∞,
 * and a quantile below the smallest float64 gives 0. Started from Wilson–Hilferty
 * a·(1 − 1/(9a) + z/(3√a))³ with z = Φ⁻¹(p) for shapes of 1 and more; then Newton steps on
 * u = ln x, solving ln P(a, eᵘ) = ln p below the median and ln Q(a, eᵘ) = ln(1 − p) above it
 * (so that p near 1 keeps its digits, and a tail that behaves like a power xᵃ or like e⁻ˣ is
 * nearly a straight line in the variable solved for). Each step stays inside a bracket that
 * shrinks with the sign of the error; a step that would leave it, or that does not halve the
 * step before last, is replaced by bisection, so the search always ends (at most 200 steps).
 *
 * @example
 * ```ts
 * // Shape 1 is the exponential: x = −ln(1 − p).
 * inverseRegularizedGammaP(1, 0.95); // ≈ 2.995732273553991
 * // The chi-square with ν degrees of freedom is 2·gamma(ν/2): χ²₀.₉₅(10) = 2·x.
 * 2 * inverseRegularizedGammaP(5, 0.95); // ≈ 18.307038053275146
 * ```
 */
export function inverseRegularizedGammaP(a: number, p: number): number {
  if (!(Number.isFinite(a) && a > 0)) throw validationError("the shape a must be a finite number > 0", { a });
  if (!(p >= 0 && p <= 1)) throw validationError("p must be a probability between 0 and 1", { p });
  if (p === 0) return 0;
  if (p === 1) return Number.POSITIVE_INFINITY;
  const logGammaA = logGamma(a);
  const upper = p > 0.5;
  const logTarget = upper ? Math.log1p(-p) : Math.log(p);
  let lo = LOG_X_MIN;
  let hi = LOG_X_MAX;
  const start = initialQuantile(a, p, logGammaA);
  // Only the series' start x = (p·Γ(a + 1))^(1/a) underflows, and only where the quantile does (P(a, x) = x^a/Γ(a + 1) there).
  if (start === 0) return 0;
  let u = Math.min(hi, Math.max(lo, Math.log(start)));
  // The last two steps: a step that does not halve the one before the last is not converging (rtsafe's rule).
  let step = Number.POSITIVE_INFINITY;
  let stepBefore = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 200; i++) {
    const x = Math.exp(u);
    const series = x < a + 1;
    const lowerTail = series ? lowerBySeries(a, x) : 1 - upperByContinuedFraction(a, x);
    const upperTail = series ? 1 - lowerTail : upperByContinuedFraction(a, x);
    const tail = upper ? upperTail : lowerTail;
    const error = Math.log(tail) - logTarget;
    if (error === 0) return x;
    // P rises with x and Q falls: the sign of the error says on which side of the quantile u is.
    if (upper === (error > 0)) lo = u;
    else hi = u;
    // d ln P/du = x·density/P = e^(a·u − x)/(Γ(a)·P), and d ln Q/du is minus x·density/Q.
    const slope = (upper ? -1 : 1) * Math.exp(logScale(a, x) - Math.log(tail));
    let next = u - error / slope;
    // P and Q are computed to about 1e-14 relative: an error below that is their rounding, and a step
    // within float64's resolution of u is no step; either way the Newton estimate is the answer.
    const tolerance = 4 * Number.EPSILON * Math.max(1, Math.abs(u));
    if (Math.abs(error) <= TAIL_ROUNDING || Math.abs(next - u) <= tolerance) return Math.exp(Math.min(hi, Math.max(lo, next)));
    if (!(next > lo && next < hi) || Math.abs(next - u) > 0.5 * Math.abs(stepBefore)) next = 0.5 * (lo + hi);
    stepBefore = step;
    step = next - u;
    if (hi - lo <= tolerance) return next <= LOG_X_MIN ? 0 : Math.exp(next);
    u = next;
  }
  return Math.exp(u);
}

/**
 * A start for {@link inverseRegularizedGammaP}: Wilson–Hilferty for shapes of 1 and more
 * (the cube root of a gamma is close to normal); where that is not positive (far in the lower
 * tail), and below shape 1, the series' first term P(a, x) ≈ x^a/Γ(a + 1); for shapes below 1
 * in the upper tail the exponential-like tail of Numerical Recipes' invgammp.
 */
function initialQuantile(a: number, p: number, logGammaA: number): number {
  const seriesStart = (): number => Math.exp((Math.log(p) + Math.log(a) + logGammaA) / a);
  if (a >= 1) {
    const cube = 1 - 1 / (9 * a) + normalQuantile(p) / (3 * Math.sqrt(a));
    return cube > 0 ? a * cube ** 3 : seriesStart();
  }
  const t = 1 - a * (0.253 + 0.12 * a);
  return p < t ? seriesStart() : 1 - Math.log1p(-(p - t) / (1 - t));
}

/**
 * Expected shortage E[(X − s)⁺] of a gamma-distributed X with the given mean μ and standard
 * deviation σ (shape k = μ²/σ², scale θ = σ²/μ), the gamma loss function:
 * E[(X − s)⁺] = μ·Q(k + 1, s/θ) − s·Q(k, s/θ) for s ≥ 0, and μ − s below 0 (X is never
 * negative). μ = 0 is no demand (loss 0 at s ≥ 0); σ = 0 is a constant μ.
 *
 * @example
 * ```ts
 * // Shape 1 (σ = μ) is the exponential: the loss is θ·e^(−s/θ).
 * gammaLoss(20, { mean: 10, sd: 10 }); // ≈ 10·e^(−2) = 1.353352832366127
 * ```
 */
export function gammaLoss(s: number, distribution: { readonly mean: number; readonly sd: number }): number {
  const { mean, sd } = distribution;
  if (!(Number.isFinite(mean) && mean >= 0)) throw validationError("mean must be a finite number >= 0", { mean });
  if (!(Number.isFinite(sd) && sd >= 0)) throw validationError("sd must be a finite number >= 0", { sd });
  if (Number.isNaN(s)) throw validationError("s must be a number", { s });
  if (s <= 0) return mean - s;
  if (mean === 0) return 0;
  if (sd === 0) return Math.max(0, mean - s);
  const shape = (mean / sd) ** 2;
  const scale = (sd * sd) / mean;
  const x = s / scale;
  return Math.max(0, mean * regularizedGammaQ(shape + 1, x) - s * regularizedGammaQ(shape, x));
}
