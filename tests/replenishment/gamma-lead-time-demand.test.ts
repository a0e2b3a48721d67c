import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { logGamma } from "../../src/kernel/special-functions.js";
import { gammaLoss, inverseRegularizedGammaP, normalCdf, normalQuantile, regularizedGammaP, regularizedGammaQ } from "../../src/replenishment/forecast/index.js";
import {
  GAMMA_CV_THRESHOLD,
  gammaReorderPointForCycleServiceLevel,
  gammaReorderPointForFillRate,
  leadTimeDemandModelFor,
  reorderPointForCycleServiceLevel,
  reorderPointForFillRate,
  safetyFactorForFillRate,
} from "../../src/replenishment/safety-stock.js";
import { seededRandom } from "../../src/testing/index.js";

/*
 * The reference values below are closed forms, not another library's output (R is not
 * installed on the machine these were written on):
 * - shape 1 is the exponential: P(1, x) = 1 − e^(−x);
 * - an integer shape n is the Erlang: Q(n, x) = e^(−x)·Σ_{i<n} x^i/i! and P(n, x) = e^(−x)·Σ_{i≥n} x^i/i!
 *   (the Poisson tail, summed term by term so neither side is a difference of near-equal numbers);
 * - shape 1/2 is the chi-square with one degree of freedom: P(1/2, x) = 2·Φ(√(2x)) − 1 (Φ from
 *   normal.ts, itself tested against R), and P(a + 1, x) = P(a, x) − x^a·e^(−x)/Γ(a + 1) steps
 *   it to 3/2 and 5/2.
 */
const relClose = (actual: number, expected: number, tol: number) =>
  expect(Math.abs(actual - expected) / Math.max(Math.abs(expected), 1e-300), `${actual} vs ${expected}`).toBeLessThanOrEqual(tol);

function erlangQ(n: number, x: number): number {
  let term = 1;
  let sum = 1;
  for (let i = 1; i < n; i++) {
    term *= x / i;
    sum += term;
  }
  return Math.exp(-x) * sum;
}

function erlangP(n: number, x: number): number {
  // e^(−x)·x^n/n!·(1 + x/(n+1) + x²/((n+1)(n+2)) + …)
  let term = Math.exp(n * Math.log(x) - x - logGamma(n + 1));
  let sum = 0;
  for (let i = n + 1; i < n + 10_000 && term > sum * 1e-18; i++) {
    sum += term;
    term *= x / i;
  }
  return sum;
}

/** Gamma(shape, scale) draws by Marsaglia and Tsang (2000), boosted by U^(1/shape) below shape 1: independent of the incomplete gamma code. */
function gammaSampler(random: () => number, shape: number, scale: number): () => number {
  const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const k = shape < 1 ? shape + 1 : shape;
  const d = k - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  const draw = (): number => {
    for (;;) {
      const x = normal();
      const v = (1 + c * x) ** 3;
      if (v <= 0) continue;
      if (Math.log(1 - random()) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
    }
  };
  return shape < 1 ? () => draw() * (1 - random()) ** (1 / shape) * scale : () => draw() * scale;
}

/** E[(X − s)⁺] by Simpson's rule on ∫_s^∞ (x − s)·f(x) dx with the gamma density f (no incomplete gamma involved). */
function lossByIntegration(s: number, mean: number, sd: number): number {
  const k = (mean / sd) ** 2;
  const theta = (sd * sd) / mean;
  const logNorm = logGamma(k) + k * Math.log(theta);
  const g = (x: number) => (x <= 0 ? 0 : (x - s) * Math.exp((k - 1) * Math.log(x) - x / theta - logNorm));
  const upper = s + 80 * theta + 40 * sd;
  const n = 200_000;
  const h = (upper - s) / n;
  let sum = g(s) + g(upper);
  for (let i = 1; i < n; i++) sum += (i % 2 ? 4 : 2) * g(s + i * h);
  return (sum * h) / 3;
}

describe("regularized incomplete gamma P(a, x) and Q(a, x)", () => {
  it("shape 1 is the exponential: P(1, x) = 1 − e^(−x), Q(1, x) = e^(−x), also far in the tail", () => {
    for (const x of [1e-8, 0.001, 0.5, 1, 2, 7.5, 30, 200, 700]) {
      relClose(regularizedGammaQ(1, x), Math.exp(-x), 1e-13);
      relClose(regularizedGammaP(1, x), -Math.expm1(-x), 1e-13);
    }
  });

  it("integer shapes are Erlang: Q(n, x) and P(n, x) equal their Poisson sums on both sides of x = n + 1", () => {
    for (const n of [2, 3, 5, 10, 30, 100]) {
      for (const x of [0.01, 0.5, 1, 2, 5, 10, n - 1, n, n + 1, n + 2, 1.5 * n + 10, 3 * n + 20]) {
        relClose(regularizedGammaQ(n, x), erlangQ(n, x), 2e-13);
        relClose(regularizedGammaP(n, x), erlangP(n, x), 2e-13);
      }
    }
  });

  it("half-integer shapes: P(1/2, x) = 2Φ(√(2x)) − 1, and P(a + 1, x) = P(a, x) − x^a·e^(−x)/Γ(a + 1) gives 3/2 and 5/2", () => {
    for (const x of [0.02, 0.3, 1, 1.5, 2, 3.7, 6, 12]) {
      const p12 = 2 * normalCdf(Math.sqrt(2 * x)) - 1;
      relClose(regularizedGammaP(0.5, x), p12, 1e-13);
      const p32 = p12 - Math.exp(0.5 * Math.log(x) - x - logGamma(1.5));
      relClose(regularizedGammaP(1.5, x), p32, 1e-12);
      const p52 = p32 - Math.exp(1.5 * Math.log(x) - x - logGamma(2.5));
      relClose(regularizedGammaP(2.5, x), p52, 1e-11);
    }
    // 2Φ(2) − 1 = erf(√2) = 0.9544997361036416 (Abramowitz and Stegun, table 7.1).
    relClose(regularizedGammaP(0.5, 2), 0.9544997361036416, 1e-14);
  });

  it("property: P + Q = 1, both in [0, 1], P rises with x and falls with the shape", () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-6, max: 500, noNaN: true }), fc.double({ min: 0, max: 1000, noNaN: true }), fc.double({ min: 0.001, max: 5, noNaN: true }), (a, x, dx) => {
        const p = regularizedGammaP(a, x);
        const q = regularizedGammaQ(a, x);
        expect(p).toBeGreaterThanOrEqual(0);
        expect(q).toBeGreaterThanOrEqual(0);
        expect(p).toBeLessThanOrEqual(1);
        expect(Math.abs(p + q - 1)).toBeLessThan(1e-12);
        expect(regularizedGammaP(a, x + dx)).toBeGreaterThanOrEqual(p - 1e-13);
        expect(regularizedGammaP(a + dx, x)).toBeLessThanOrEqual(p + 1e-13);
      }),
      { seed: 21, numRuns: 300 },
    );
  });

  it("refuses a shape that is not positive and a negative x (VALIDATION_FAILED)", () => {
    for (const [a, x] of [[0, 1], [-1, 1], [Number.NaN, 1], [1, -0.5], [1, Number.NaN]] as const) {
      expect(() => regularizedGammaP(a, x)).toThrowError(/shape a must be|x must be/);
    }
  });
});

describe("gamma loss E[(X − s)⁺] and the gamma reorder point for a fill rate", () => {
  it("shape 1 (σ = μ): the loss is θ·e^(−s/θ), and the reorder point θ·ln(θ / ((1 − fill)·Q))", () => {
    for (const theta of [0.3, 4, 10, 250]) {
      for (const s of [0.1 * theta, theta, 3 * theta, 20 * theta]) relClose(gammaLoss(s, { mean: theta, sd: theta }), theta * Math.exp(-s / theta), 1e-12);
      for (const [fill, q] of [[0.95, 2 * theta], [0.99, 5 * theta], [0.9, 0.5 * theta]] as const) {
        const s = gammaReorderPointForFillRate({ fillRate: fill, orderQuantity: q, meanDemandOverLeadTime: theta, sigmaDemandOverLeadTime: theta });
        relClose(s, theta * Math.log(theta / ((1 - fill) * q)), 1e-10);
      }
    }
  });

  it("other shapes: the loss and the reorder point agree with a numeric integration of the gamma density", () => {
    for (const [mean, sd] of [[20, 8], [5, 9], [100, 30], [3, 2.2]] as const) {
      for (const s of [0.5 * mean, mean, mean + 2 * sd]) relClose(gammaLoss(s, { mean, sd }), lossByIntegration(s, mean, sd), 1e-8);
      const q = 2 * mean;
      const s = gammaReorderPointForFillRate({ fillRate: 0.95, orderQuantity: q, meanDemandOverLeadTime: mean, sigmaDemandOverLeadTime: sd });
      relClose(lossByIntegration(s, mean, sd), 0.05 * q, 1e-8);
    }
  });

  it("property: over seeded gamma lead-time demands, the fill rate an (s, Q) system achieves at the gamma reorder point is within 0.5 points of the target", () => {
    // Exact fill rate of a continuous-review (s, Q) system with backorders: the inventory position
    // is uniform on (s, s + Q], so the share of demand short is P(X > U), U uniform on (s, s + Q).
    // The target formula leaves out E[(X − s − Q)⁺]/Q; Q of 8 scales or more keeps that near e^(−8)·(1 − fill).
    // 100,000 draws: a standard error of at most 0.11 points.
    fc.assert(
      fc.property(
        fc.double({ min: 0.4, max: 12, noNaN: true }),
        fc.double({ min: 0.5, max: 50, noNaN: true }),
        fc.double({ min: 0.85, max: 0.99, noNaN: true }),
        fc.double({ min: 8, max: 30, noNaN: true }),
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        (shape, scale, fill, scales, seed) => {
          const mean = shape * scale;
          const sd = Math.sqrt(shape) * scale;
          const q = scales * scale;
          fc.pre((1 - fill) * q < 0.8 * mean);
          const s = gammaReorderPointForFillRate({ fillRate: fill, orderQuantity: q, meanDemandOverLeadTime: mean, sigmaDemandOverLeadTime: sd });
          // Seeded (the simulator's mulberry32): the Monte Carlo is the same on every run.
          const random = seededRandom(seed).next;
          const draw = gammaSampler(random, shape, scale);
          const n = 100_000;
          let short = 0;
          for (let i = 0; i < n; i++) if (draw() > s + q * random()) short++;
          const achieved = 1 - short / n;
          expect(Math.abs(achieved - fill), JSON.stringify({ shape, scale, fill, q, s, achieved })).toBeLessThanOrEqual(0.005);
        },
      ),
      { seed: 2126, numRuns: 25 },
    );
  });
});

describe("which lead-time demand model a fill rate is planned on", () => {
  it(`auto: gamma when σ > ${GAMMA_CV_THRESHOLD}·μ (and for a forecast of 0 with a spread), normal otherwise; normal and gamma as set`, () => {
    expect(leadTimeDemandModelFor("auto", { mean: 100, sd: 50 })).toBe("normal");
    expect(leadTimeDemandModelFor("auto", { mean: 100, sd: 50.01 })).toBe("gamma");
    expect(leadTimeDemandModelFor("auto", { mean: 0, sd: 3 })).toBe("gamma");
    expect(leadTimeDemandModelFor("auto", { mean: 0, sd: 0 })).toBe("normal");
    expect(leadTimeDemandModelFor("normal", { mean: 0.01, sd: 300 })).toBe("normal");
    expect(leadTimeDemandModelFor("gamma", { mean: 100, sd: 1 })).toBe("gamma");
  });

  it("normal-looking demand under auto keeps the normal reorder point exactly", () => {
    const input = { fillRate: 0.98, orderQuantity: 200, meanDemandOverLeadTime: 400, sigmaDemandOverLeadTime: 50 };
    const z = safetyFactorForFillRate({ fillRate: 0.98, orderQuantity: 200, sigmaDemandOverLeadTime: 50 });
    expect(reorderPointForFillRate(input)).toEqual({ model: "normal", z, safetyStock: z * 50, reorderPoint: 400 + z * 50 });
  });

  it("a forecast of ~0 with wide past errors: gamma plans the reorder point at the mean, the normal model at hundreds", () => {
    const input = { fillRate: 0.95, orderQuantity: 24, meanDemandOverLeadTime: 0.04, sigmaDemandOverLeadTime: 220 };
    const gamma = reorderPointForFillRate(input);
    expect(gamma.model).toBe("gamma");
    expect(gamma.reorderPoint).toBe(0.04);
    expect(gamma.safetyStock).toBe(0);
    expect(gammaReorderPointForFillRate(input)).toBe(0);
    expect(reorderPointForFillRate({ ...input, leadTimeDemand: "normal" }).reorderPoint).toBeGreaterThan(400);
  });

  it("the gamma's heavier right tail asks for more than the normal for a skewed mover whose mean exceeds the allowed shortage", () => {
    // μ 100, σ 60 (CV 0.6), Q 100: normal 160.0, gamma 178.2 (shape 2.78: a long right tail).
    const input = { fillRate: 0.95, orderQuantity: 100, meanDemandOverLeadTime: 100, sigmaDemandOverLeadTime: 60 };
    const gamma = reorderPointForFillRate(input).reorderPoint;
    const normal = reorderPointForFillRate({ ...input, leadTimeDemand: "normal" }).reorderPoint;
    expect(normal).toBeCloseTo(159.99, 1);
    expect(gamma).toBeCloseTo(178.22, 1);
    relClose(gammaLoss(gamma, { mean: 100, sd: 60 }), 5, 1e-9);
  });
});

describe("the gamma quantile P⁻¹(a, p) and the gamma reorder point for a cycle service level", () => {
  it("shape 1 is the exponential: P⁻¹(1, p) = −ln(1 − p), and the reorder point of σ = μ = θ is −θ·ln(1 − CSL)", () => {
    for (const p of [1e-9, 0.01, 0.3, 0.5, 0.9, 0.95, 0.99, 0.9999, 1 - 1e-12]) relClose(inverseRegularizedGammaP(1, p), -Math.log1p(-p), 1e-13);
    for (const theta of [0.02, 1, 10, 4000]) {
      for (const csl of [0.5, 0.9, 0.95, 0.99, 0.999]) {
        relClose(gammaReorderPointForCycleServiceLevel({ cycleServiceLevel: csl, meanDemandOverLeadTime: theta, sigmaDemandOverLeadTime: theta }), -theta * Math.log1p(-csl), 1e-13);
      }
    }
  });

  it("chi-square quantiles: χ²ₚ(ν) = 2·P⁻¹(ν/2, p) matches the tables (χ²₀.₉₅(10) = 18.307038, χ²₀.₉₉(4) = 13.276704, …), ν = 2 is −2·ln(1 − p) and ν = 1 is Φ⁻¹((1 + p)/2)²", () => {
    // Published to six decimals (e.g. NIST/SEMATECH e-Handbook, table 1.3.6.7.4).
    const table = [
      [1, 0.95, 3.841459],
      [1, 0.99, 6.634897],
      [4, 0.99, 13.276704],
      [5, 0.9, 9.236357],
      [5, 0.95, 11.070498],
      [10, 0.95, 18.307038],
      [10, 0.99, 23.209251],
      [20, 0.975, 34.169607],
      [20, 0.99, 37.566235],
      [30, 0.95, 43.772972],
      [100, 0.95, 124.342113],
    ] as const;
    for (const [nu, p, chi2] of table) expect(Math.abs(2 * inverseRegularizedGammaP(nu / 2, p) - chi2), `χ²(${nu}) at ${p}`).toBeLessThanOrEqual(5e-7);
    for (const p of [0.001, 0.2, 0.5, 0.8, 0.95, 0.999]) {
      relClose(2 * inverseRegularizedGammaP(1, p), -2 * Math.log1p(-p), 1e-13);
      relClose(2 * inverseRegularizedGammaP(0.5, p), normalQuantile((1 + p) / 2) ** 2, 1e-12);
    }
  });

  it("round trip over a grid of shapes 0.05..500 and p 0.5..0.9999: P(k, P⁻¹(k, p)) = p, and Q(k, ·) = 1 − p to 2e-12 of 1 − p", () => {
    const ps = [0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 0.975, 0.99, 0.995, 0.999, 0.9995, 0.9999];
    for (let i = 0; i <= 40; i++) {
      const k = 0.05 * 10_000 ** (i / 40);
      for (const p of ps) {
        const x = inverseRegularizedGammaP(k, p);
        expect(Math.abs(regularizedGammaP(k, x) - p), `shape ${k}, p ${p}, x ${x}`).toBeLessThanOrEqual(1e-12);
        expect(Math.abs(regularizedGammaQ(k, x) - (1 - p)), `shape ${k}, p ${p}, x ${x}`).toBeLessThanOrEqual(2e-12 * (1 - p));
      }
    }
  });

  it("property: P⁻¹(a, ·) inverts P(a, ·) on both tails, also for tiny and huge shapes (a 1e-3..1e4, p 1e-12..1 − 1e-12), and rises with p", () => {
    fc.assert(
      fc.property(fc.double({ min: Math.log(1e-3), max: Math.log(1e4), noNaN: true }), fc.double({ min: -27.6, max: 27.6, noNaN: true }), (logShape, logit) => {
        const a = Math.exp(logShape);
        const p = 1 / (1 + Math.exp(-logit));
        const x = inverseRegularizedGammaP(a, p);
        // A quantile below the smallest float64 (shape 1e-3 at p 0.5 is 0.5^1000) is 0.
        if (x === 0) return void expect(Math.log(p) + logGamma(a + 1)).toBeLessThan(a * Math.log(Number.MIN_VALUE));
        expect(Number.isFinite(x) && x > 0).toBe(true);
        // 1e-9 of the tail: the inverse is as good as P and Q themselves (rounding grows with the shape).
        if (p <= 0.5) relClose(regularizedGammaP(a, x), p, 1e-9);
        else relClose(regularizedGammaQ(a, x), 1 - p, 1e-9);
        expect(inverseRegularizedGammaP(a, Math.min(1 - 1e-12, p * 1.001))).toBeGreaterThanOrEqual(x);
      }),
      { seed: 22, numRuns: 500 },
    );
  });

  it("p = 0 is 0, p = 1 is +∞; a bad shape or p is VALIDATION_FAILED", () => {
    expect(inverseRegularizedGammaP(3, 0)).toBe(0);
    expect(inverseRegularizedGammaP(3, 1)).toBe(Number.POSITIVE_INFINITY);
    for (const [a, p] of [[0, 0.5], [-1, 0.5], [Number.NaN, 0.5], [Number.POSITIVE_INFINITY, 0.5], [2, -0.1], [2, 1.1], [2, Number.NaN]] as const) {
      expect(() => inverseRegularizedGammaP(a, p)).toThrowError(/shape a must be|p must be a probability/);
    }
  });

  it("property: over seeded gamma lead-time demands, the share of cycles without a stock-out at the gamma reorder point matches the target cycle service level (within 4.5 standard errors of the Monte Carlo)", () => {
    // A cycle has no stock-out when the lead-time demand X is at most the reorder point s.
    // 100,000 draws: the share's standard error is √(CSL·(1 − CSL)/n), 0.16 points at CSL 0.5 and
    // 0.02 at 0.995; 4.5 of them leave a chance of about 2e-4 that one of the 25 runs misses by luck.
    fc.assert(
      fc.property(
        fc.double({ min: 0.2, max: 20, noNaN: true }),
        fc.double({ min: 0.5, max: 50, noNaN: true }),
        fc.double({ min: 0.5, max: 0.995, noNaN: true }),
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        (shape, scale, csl, seed) => {
          const mean = shape * scale;
          const sd = Math.sqrt(shape) * scale;
          const s = gammaReorderPointForCycleServiceLevel({ cycleServiceLevel: csl, meanDemandOverLeadTime: mean, sigmaDemandOverLeadTime: sd });
          const draw = gammaSampler(seededRandom(seed).next, shape, scale);
          const n = 100_000;
          let covered = 0;
          for (let i = 0; i < n; i++) if (draw() <= s) covered++;
          expect(Math.abs(covered / n - csl), JSON.stringify({ shape, scale, csl, s, achieved: covered / n })).toBeLessThanOrEqual(4.5 * Math.sqrt((csl * (1 - csl)) / n));
        },
      ),
      { seed: 2207, numRuns: 25 },
    );
  });

  it("the planned reorder point is max(μ, s) under the gamma and μ + Φ⁻¹(CSL)·σ under the normal; auto chooses as for a fill rate", () => {
    // μ 100, σ 60 (CV 0.6 > 0.5): gamma shape 2.78, scale 36; its long right tail asks for more than the normal.
    const input = { cycleServiceLevel: 0.95, meanDemandOverLeadTime: 100, sigmaDemandOverLeadTime: 60 };
    const gamma = reorderPointForCycleServiceLevel(input);
    expect(gamma.model).toBe("gamma");
    relClose(gamma.reorderPoint, 36 * inverseRegularizedGammaP(100 / 36, 0.95), 1e-14);
    const normal = reorderPointForCycleServiceLevel({ ...input, leadTimeDemand: "normal" });
    expect(normal).toEqual({ model: "normal", z: normalQuantile(0.95), safetyStock: normalQuantile(0.95) * 60, reorderPoint: 100 + normalQuantile(0.95) * 60 });
    expect(gamma.reorderPoint - normal.reorderPoint).toBeGreaterThan(15);
    // Smooth demand (CV 0.2) stays on the normal under auto, with the figures it had.
    expect(reorderPointForCycleServiceLevel({ cycleServiceLevel: 0.95, meanDemandOverLeadTime: 100, sigmaDemandOverLeadTime: 20 })).toEqual({ model: "normal", z: normalQuantile(0.95), safetyStock: normalQuantile(0.95) * 20, reorderPoint: 100 + normalQuantile(0.95) * 20 });
    // A CSL the mean already meets (shape 0.25: P(X ≤ μ) = 0.83) keeps the reorder point at μ.
    const skewed = reorderPointForCycleServiceLevel({ cycleServiceLevel: 0.7, meanDemandOverLeadTime: 10, sigmaDemandOverLeadTime: 20 });
    expect(gammaReorderPointForCycleServiceLevel({ cycleServiceLevel: 0.7, meanDemandOverLeadTime: 10, sigmaDemandOverLeadTime: 20 })).toBeLessThan(10);
    expect(skewed).toMatchObject({ model: "gamma", safetyStock: 0, reorderPoint: 10 });
  });

  it("zero demand: μ = 0 (with or without a spread) plans 0 under the gamma, σ = 0 plans μ under either model, μ = σ = 0 is 0", () => {
    expect(reorderPointForCycleServiceLevel({ cycleServiceLevel: 0.95, meanDemandOverLeadTime: 0, sigmaDemandOverLeadTime: 0 })).toEqual({ model: "normal", z: normalQuantile(0.95), safetyStock: 0, reorderPoint: 0 });
    expect(reorderPointForCycleServiceLevel({ cycleServiceLevel: 0.95, meanDemandOverLeadTime: 0, sigmaDemandOverLeadTime: 0, leadTimeDemand: "gamma" })).toEqual({ model: "gamma", z: 0, safetyStock: 0, reorderPoint: 0 });
    expect(reorderPointForCycleServiceLevel({ cycleServiceLevel: 0.95, meanDemandOverLeadTime: 0, sigmaDemandOverLeadTime: 40 })).toMatchObject({ model: "gamma", safetyStock: 0, reorderPoint: 0 });
    // The limit as μ → 0 with σ fixed: a forecast of 0.03 with errors of ±217 needs no more than its mean.
    expect(reorderPointForCycleServiceLevel({ cycleServiceLevel: 0.95, meanDemandOverLeadTime: 0.03, sigmaDemandOverLeadTime: 217 })).toMatchObject({ model: "gamma", safetyStock: 0, reorderPoint: 0.03 });
    for (const model of ["normal", "gamma", "auto"] as const) {
      expect(reorderPointForCycleServiceLevel({ cycleServiceLevel: 0.99, meanDemandOverLeadTime: 12, sigmaDemandOverLeadTime: 0, leadTimeDemand: model })).toMatchObject({ safetyStock: 0, reorderPoint: 12 });
    }
    expect(() => reorderPointForCycleServiceLevel({ cycleServiceLevel: 1, meanDemandOverLeadTime: 1, sigmaDemandOverLeadTime: 1 })).toThrowError(/cycleServiceLevel must be strictly between 0 and 1/);
    expect(() => gammaReorderPointForCycleServiceLevel({ cycleServiceLevel: 0.9, meanDemandOverLeadTime: -1, sigmaDemandOverLeadTime: 1 })).toThrowError(/meanDemandOverLeadTime must be/);
  });
});
