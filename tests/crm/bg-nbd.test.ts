import { describe, expect, it } from "vitest";
import {
  bgNbdConditionalExpectedPurchases,
  bgNbdExpectedPurchases,
  bgNbdLogLikelihood,
  bgNbdProbabilityAlive,
  customerLifetimeValue,
  type FrequencyRecency,
  fitBgNbd,
  fitGammaGamma,
  gammaGammaExpectedSpend,
  gammaGammaLogLikelihood,
  type SpendSummary,
} from "../../src/crm/bg-nbd.js";
import { cdnowSummaries, parseCdnow } from "../../src/crm/cdnow.js";
import { minimise } from "../../src/crm/minimise.js";
import { hyp2f1, logGamma } from "../../src/crm/special-functions.js";

/** A seeded PRNG (mulberry32) for the synthetic fixtures. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function normal(u: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
}

/** Gamma(shape, rate=1) by Marsaglia–Tsang. */
function gamma(u: () => number, shape: number): number {
  if (shape < 1) return gamma(u, shape + 1) * Math.pow(u(), 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const x = normal(u);
    const v = (1 + c * x) ** 3;
    if (v > 0 && Math.log(1 - u()) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
  }
}

const TRUE = { r: 0.5, alpha: 4, a: 0.8, b: 2.5 };

function simulateBgNbd(n: number, seed: number): FrequencyRecency[] {
  const u = prng(seed);
  const out: FrequencyRecency[] = [];
  for (let i = 0; i < n; i++) {
    const lambda = gamma(u, TRUE.r) / TRUE.alpha;
    const g1 = gamma(u, TRUE.a);
    const p = g1 / (g1 + gamma(u, TRUE.b));
    const T = 20 + u() * 20;
    let t = 0;
    let x = 0;
    let tx = 0;
    for (;;) {
      t += -Math.log(1 - u()) / lambda;
      if (t > T) break;
      x++;
      tx = t;
      if (u() < p) break;
    }
    out.push({ x, tx, T });
  }
  return out;
}

describe("special functions", () => {
  it("logGamma matches factorials and Γ(½) = √π", () => {
    for (let k = 1; k < 20; k++) {
      let f = 1;
      for (let j = 2; j < k; j++) f *= j;
      expect(logGamma(k)).toBeCloseTo(Math.log(f), 10);
    }
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 12);
    expect(logGamma(0.1)).toBeCloseTo(2.252712651734206, 12);
  });

  it("hyp2f1 matches closed forms", () => {
    expect(hyp2f1(1, 1, 2, 0.5)).toBeCloseTo(-Math.log(0.5) / 0.5, 12);
    expect(hyp2f1(2, 3, 3, 0.3)).toBeCloseTo((1 - 0.3) ** -2, 12);
  });

  it("minimise finds the minimum of the Rosenbrock function", () => {
    const r = minimise(([x = 0, y = 0]) => 100 * (y - x * x) ** 2 + (1 - x) ** 2, [-1.2, 1]);
    expect(r.x[0]).toBeCloseTo(1, 5);
    expect(r.x[1]).toBeCloseTo(1, 5);
  });
});

describe("BG/NBD", () => {
  const data = simulateBgNbd(3000, 7);
  const fit = fitBgNbd(data);

  it("the fitted log-likelihood is at least that of the true parameters and of nearby points (a maximum)", () => {
    expect(fit.logLikelihood).toBeGreaterThanOrEqual(bgNbdLogLikelihood(TRUE, data));
    for (const k of ["r", "alpha", "a", "b"] as const) {
      for (const f of [0.99, 1.01]) expect(bgNbdLogLikelihood({ ...fit.params, [k]: fit.params[k] * f }, data)).toBeLessThan(fit.logLikelihood);
    }
    expect(fit.logLikelihood).toBeCloseTo(bgNbdLogLikelihood(fit.params, data), 8);
  });

  it("recovers the parameters of simulated customers", () => {
    expect(fit.params.r).toBeGreaterThan(TRUE.r * 0.8);
    expect(fit.params.r).toBeLessThan(TRUE.r * 1.25);
    expect(fit.params.alpha).toBeGreaterThan(TRUE.alpha * 0.7);
    expect(fit.params.alpha).toBeLessThan(TRUE.alpha * 1.4);
  });

  it("a customer with no history has the unconditional expectation; P(alive) is 1 without repeats and falls with time since the last purchase", () => {
    const p = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
    for (const t of [1, 10, 39, 78]) expect(bgNbdConditionalExpectedPurchases(p, { x: 0, tx: 0, T: 0 }, t)).toBeCloseTo(bgNbdExpectedPurchases(p, t), 10);
    expect(bgNbdProbabilityAlive(p, { x: 0, tx: 0, T: 30 })).toBe(1);
    const recent = bgNbdProbabilityAlive(p, { x: 3, tx: 29, T: 30 });
    const lapsed = bgNbdProbabilityAlive(p, { x: 3, tx: 5, T: 30 });
    expect(recent).toBeGreaterThan(lapsed);
    expect(lapsed).toBeGreaterThan(0);
    expect(recent).toBeLessThan(1);
  });

  it("a fit on ample data carries no warnings and penalizer 0", () => {
    expect(fit.warnings).toEqual([]);
    expect(fit.penalizer).toBe(0);
  });

  describe("on a shop with three customers (a degenerate maximum likelihood)", () => {
    // Two bought twice within eight days (one of them today), one once: the likelihood keeps
    // rising towards b → 0, where everyone who bought again has dropped out.
    const tiny: FrequencyRecency[] = [
      { x: 1, tx: 8 / 7, T: 8 / 7 },
      { x: 1, tx: 3 / 7, T: 8 / 7 },
      { x: 0, tx: 0, T: 6 / 7 },
    ];

    it("plain maximum likelihood runs off to extreme parameters and says so in warnings", () => {
      const plain = fitBgNbd(tiny);
      expect(bgNbdProbabilityAlive(plain.params, tiny[0]!)).toBeLessThan(1e-6);
      expect(plain.warnings.some((w) => w.includes("degenerate") && w.includes("penalizer"))).toBe(true);
      expect(plain.warnings.some((w) => w.includes("only 2 of 3 customers bought again"))).toBe(true);
    });

    it("a penalizer keeps every parameter within bounds, so a customer who bought today is plausibly alive", () => {
      const penalised = fitBgNbd(tiny, { penalizer: 0.01 });
      expect(penalised.penalizer).toBe(0.01);
      for (const v of Object.values(penalised.params)) {
        expect(v).toBeGreaterThan(1e-4);
        expect(v).toBeLessThan(1e4);
      }
      expect(penalised.warnings.some((w) => w.includes("degenerate"))).toBe(false);
      expect(bgNbdProbabilityAlive(penalised.params, tiny[0]!)).toBeGreaterThan(0.05);
      // The reported log-likelihood is the data's, without the penalty.
      expect(penalised.logLikelihood).toBeCloseTo(bgNbdLogLikelihood(penalised.params, tiny), 10);
      // A stronger penalty pulls the parameters closer to 1 (the prior's centre).
      const strong = fitBgNbd(tiny, { penalizer: 1 });
      const spread = (p: Record<string, number>) => Object.values(p).reduce((a, v) => a + Math.log(v) ** 2, 0);
      expect(spread(strong.params as never)).toBeLessThan(spread(penalised.params as never));
    });

    it("a penalizer that is negative, infinite or not a number is refused", () => {
      for (const penalizer of [-0.1, Number.POSITIVE_INFINITY, Number.NaN, "0.1" as never]) {
        expect(() => fitBgNbd(tiny, { penalizer })).toThrow(expect.objectContaining({ code: "VALIDATION_FAILED", message: expect.stringContaining("penalizer") }));
        expect(() => fitGammaGamma([{ x: 2, mean: 30 }], { penalizer })).toThrow(expect.objectContaining({ code: "VALIDATION_FAILED" }));
      }
    });
  });

  it("rejects impossible rows", () => {
    expect(() => fitBgNbd([])).toThrow(expect.objectContaining({ code: "VALIDATION_FAILED" }));
    expect(() => fitBgNbd([{ x: 1, tx: 5, T: 3 }])).toThrow(expect.objectContaining({ code: "VALIDATION_FAILED" }));
    expect(() => fitBgNbd([{ x: 0, tx: 2, T: 3 }])).toThrow(expect.objectContaining({ code: "VALIDATION_FAILED" }));
  });
});

describe("Gamma-Gamma and lifetime value", () => {
  it("recovers simulated spend parameters and the fit is a maximum", () => {
    const u = prng(11);
    const truth = { p: 6, q: 4, gamma: 15 };
    const data: SpendSummary[] = [];
    for (let i = 0; i < 3000; i++) {
      const nu = gamma(u, truth.q) / truth.gamma;
      const x = 1 + Math.floor(u() * 6);
      let sum = 0;
      for (let j = 0; j < x; j++) sum += gamma(u, truth.p) / nu;
      data.push({ x, mean: sum / x });
    }
    const fit = fitGammaGamma(data);
    expect(fit.logLikelihood).toBeGreaterThanOrEqual(gammaGammaLogLikelihood(truth, data));
    expect(fit.params.p).toBeGreaterThan(truth.p * 0.8);
    expect(fit.params.p).toBeLessThan(truth.p * 1.25);
    // Expected spend lies between the population mean and the customer's own mean.
    const pop = (fit.params.p * fit.params.gamma) / (fit.params.q - 1);
    const e = gammaGammaExpectedSpend(fit.params, { x: 4, mean: pop * 2 });
    expect(e).toBeGreaterThan(pop);
    expect(e).toBeLessThan(pop * 2);
  });

  it("undiscounted CLV is expected purchases × expected spend; discounting lowers it", () => {
    const bg = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
    const gg = { p: 6.25, q: 3.74, gamma: 15.44 };
    const c = { x: 2, tx: 30.43, T: 38.86 };
    const flat = customerLifetimeValue(bg, gg, c, 35, { periods: 12, periodLength: 4, discountRate: 0 });
    expect(flat).toBeCloseTo(bgNbdConditionalExpectedPurchases(bg, c, 48) * gammaGammaExpectedSpend(gg, { x: 2, mean: 35 }), 8);
    expect(customerLifetimeValue(bg, gg, c, 35, { periods: 12, periodLength: 4, discountRate: 0.01 })).toBeLessThan(flat);
  });
});

describe("CDNOW format", () => {
  it("summarises in weeks: repeat purchase days, last purchase, time to the end of calibration, holdout days", () => {
    // The paper's first customer (sample id 0001): x = 2, tx = 30.43, T = 38.86.
    const text = " 00004 0001 19970101  2   29.33\n 00004 0001 19970118  2   29.73\n 00004 0001 19970802  1   14.96\n 00004 0001 19971212  2   26.48\n 00021 0002 19970101  3   63.34\n";
    const [a, b] = cdnowSummaries(parseCdnow(text), { calibrationWeeks: 39, holdoutWeeks: 39 });
    expect(a?.calibration.x).toBe(2);
    expect(a?.calibration.tx).toBeCloseTo(30.43, 2);
    expect(a?.calibration.T).toBeCloseTo(38.86, 2);
    expect(a?.repeatMeanSpend).toBeCloseTo((29.73 + 14.96) / 2, 10);
    expect(a?.holdoutPurchases).toBe(1);
    expect(b?.calibration).toEqual({ x: 0, tx: 0, T: 272 / 7 });
  });
});
