/**
 * Special functions (float64), shared by CRM's lifetime-value models and replenishment's
 * gamma lead-time demand: log-gamma (Lanczos, g = 7, 9 terms, ~1e-15 relative) and the
 * Gauss hypergeometric series ₂F₁ for |z| < 1.
 */

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012,
  9.9843695780195716e-6, 1.5056327351493116e-7,
];
const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/**
 * ln Γ(x) for x > 0.
 *
 * @example
 * ```ts
 * import { logGamma } from "storekeep/src/kernel/special-functions"; // internal
 * console.log(Math.exp(logGamma(5))); // ≈ 24
 * ```
 */
export function logGamma(x: number): number {
  if (x < 0.5) {
    // Reflection: Γ(x) Γ(1 − x) = π / sin(πx)
    return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  }
  const y = x - 1;
  let a = LANCZOS[0] as number;
  const t = y + 7.5;
  for (let i = 1; i < 9; i++) a += (LANCZOS[i] as number) / (y + i);
  return HALF_LOG_2PI + (y + 0.5) * Math.log(t) - t + Math.log(a);
}

/**
 * The Gauss hypergeometric function ₂F₁(a, b; c; z) by its power series, for 0 ≤ z < 1.
 *
 * @example
 * ```ts
 * import { hyp2f1 } from "storekeep/src/kernel/special-functions"; // internal
 * console.log(hyp2f1(1, 1, 2, 0.5)); // ≈ −ln(0.5)/0.5 = 1.386…
 * ```
 */
export function hyp2f1(a: number, b: number, c: number, z: number): number {
  let term = 1;
  let sum = 1;
  for (let n = 0; n < 100000; n++) {
    term *= ((a + n) * (b + n)) / ((c + n) * (n + 1)) * z;
    sum += term;
    if (Math.abs(term) <= 1e-15 * Math.abs(sum)) return sum;
  }
  return sum;
}
