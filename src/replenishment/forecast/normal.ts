/**
 * Normal and Student t distribution helpers in float64, accurate to ~1e-15, for
 * prediction intervals and safety factors. No dependency: erfc by a positive series
 * below 2 and a continued fraction above, quantiles by Newton steps on the CDF.
 */

const SQRT2 = Math.SQRT2;
const SQRT_PI = Math.sqrt(Math.PI);
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/** erfc(z) for z >= 0. */
function erfcNonNegative(z: number): number {
  if (z < 2) {
    // erf(z) = 2/sqrt(pi) e^{-z^2} sum 2^n z^(2n+1) / (1*3*...*(2n+1)): all terms positive.
    let term = z;
    let sum = z;
    const z2 = 2 * z * z;
    for (let n = 1; n < 200; n++) {
      term *= z2 / (2 * n + 1);
      sum += term;
      if (term < sum * 1e-17) break;
    }
    return 1 - (2 / SQRT_PI) * Math.exp(-z * z) * sum;
  }
  // Continued fraction erfc(z) = e^{-z^2}/sqrt(pi) * 1/(z + (1/2)/(z + 1/(z + (3/2)/(z + ...)))), modified Lentz.
  const tiny = 1e-300;
  let f = z;
  let c = z;
  let d = 0;
  for (let k = 1; k < 500; k++) {
    const a = k / 2;
    d = z + a * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = z + a / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-z * z) / SQRT_PI / f;
}

/**
 * Standard normal density.
 *
 * @example
 * ```ts
 * normalDensity(0); // 0.3989422804014327
 * ```
 */
export function normalDensity(z: number): number {
  return INV_SQRT_2PI * Math.exp(-0.5 * z * z);
}

/**
 * Standard normal cumulative distribution function Φ(z).
 *
 * @example
 * ```ts
 * normalCdf(1.6448536269514722); // ≈ 0.95
 * ```
 */
export function normalCdf(z: number): number {
  if (Number.isNaN(z)) return Number.NaN;
  if (z >= 0) return 1 - 0.5 * erfcNonNegative(z / SQRT2);
  return 0.5 * erfcNonNegative(-z / SQRT2);
}

/**
 * Standard normal quantile Φ⁻¹(p) (R's `qnorm`), to ~1e-15.
 *
 * @example
 * ```ts
 * normalQuantile(0.95); // 1.6448536269514722
 * ```
 */
export function normalQuantile(p: number): number {
  // Service levels repeat across thousands of SKUs: remember the last answer.
  if (p === lastQuantile.p) return lastQuantile.z;
  const z = computeNormalQuantile(p);
  lastQuantile.p = p;
  lastQuantile.z = z;
  return z;
}

const lastQuantile = { p: Number.NaN, z: Number.NaN };

function computeNormalQuantile(p: number): number {
  if (!(p >= 0 && p <= 1)) return Number.NaN;
  if (p === 0) return Number.NEGATIVE_INFINITY;
  if (p === 1) return Number.POSITIVE_INFINITY;
  if (p === 0.5) return 0;
  const lower = p < 0.5;
  const q = lower ? p : 1 - p;
  // Abramowitz & Stegun 26.2.23 as a start (error < 4.5e-4), then Newton on the lower tail.
  const t = Math.sqrt(-2 * Math.log(q));
  let x = -(t - (2.515517 + 0.802853 * t + 0.010328 * t * t) / (1 + 1.432788 * t + 0.189269 * t * t + 0.001308 * t * t * t));
  for (let i = 0; i < 8; i++) {
    const err = normalCdf(x) - q;
    const step = err / normalDensity(x);
    // Halley's correction: the density's derivative is -x * density.
    const next = x - step / (1 + 0.5 * x * step);
    if (Math.abs(next - x) <= 1e-16 * Math.max(1, Math.abs(x))) {
      x = next;
      break;
    }
    x = next;
  }
  return lower ? x : -x;
}

/**
 * The standard normal loss function G(z) = φ(z) − z·(1 − Φ(z)): expected units short
 * per unit of standard deviation, used for fill-rate safety stock.
 *
 * @example
 * ```ts
 * normalLoss(0); // 0.3989422804014327
 * ```
 */
export function normalLoss(z: number): number {
  return normalDensity(z) - z * (1 - normalCdf(z));
}

/** P(|T| < t) for Student t with integer `df` (Abramowitz & Stegun 26.7.3/26.7.4). */
function studentTAbsCdf(t: number, df: number): number {
  const theta = Math.atan(t / Math.sqrt(df));
  const s = Math.sin(theta);
  const c = Math.cos(theta);
  const c2 = c * c;
  if (df % 2 === 1) {
    if (df === 1) return (2 * theta) / Math.PI;
    let term = c;
    let sum = c;
    for (let k = 3; k <= df - 2; k += 2) {
      term *= (c2 * (k - 1)) / k;
      sum += term;
    }
    return (2 / Math.PI) * (theta + s * sum);
  }
  let term = 1;
  let sum = 1;
  for (let k = 2; k <= df - 2; k += 2) {
    term *= (c2 * (k - 1)) / k;
    sum += term;
  }
  return s * sum;
}

/**
 * Student t cumulative distribution function for an integer number of degrees of freedom.
 *
 * @example
 * ```ts
 * studentTCdf(0, 10); // 0.5
 * ```
 */
export function studentTCdf(t: number, df: number): number {
  if (!(Number.isInteger(df) && df >= 1)) return Number.NaN;
  const a = studentTAbsCdf(Math.abs(t), df);
  return t >= 0 ? 0.5 + a / 2 : 0.5 - a / 2;
}

/**
 * Student t quantile (R's `qt`) for an integer number of degrees of freedom, by bisection
 * to machine precision.
 *
 * @example
 * ```ts
 * studentTQuantile(0.9, 35); // 1.3062118...
 * ```
 */
export function studentTQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1) || !(Number.isInteger(df) && df >= 1)) return Number.NaN;
  if (p === 0.5) return 0;
  if (p < 0.5) return -studentTQuantile(1 - p, df);
  let lo = 0;
  let hi = 1;
  while (studentTCdf(hi, df) < p) hi *= 2;
  for (let i = 0; i < 200 && hi - lo > 1e-15 * hi; i++) {
    const mid = 0.5 * (lo + hi);
    if (studentTCdf(mid, df) < p) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}
