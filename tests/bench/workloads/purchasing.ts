import { classifyDemand } from "../../../src/replenishment/forecast/classify.js";
import { sesForecast } from "../../../src/replenishment/forecast/holt-winters.js";
import { crostonForecast } from "../../../src/replenishment/forecast/intermittent.js";
import { reorderPointOrderQuantity } from "../../../src/replenishment/policies.js";
import { safetyStockForCycleServiceLevel } from "../../../src/replenishment/safety-stock.js";
import type { BenchWorkload } from "../harness.js";

const SKUS = 10_000;
const DAYS = 730;
const ALPHA = 0.1;
const LEAD_TIME_DAYS = 14;
const Z_95 = 1.6448536269514722;

interface Context {
  readonly series: number[][];
  readonly flat: Float64Array;
  readonly onHand: Float64Array;
}

/** Deterministic daily demand (a linear congruential generator): 70% steady sellers, 30% slow movers. */
function prepare(): Context {
  let seed = 20_261_204;
  const next = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed / 2_147_483_648;
  };
  const series: number[][] = [];
  const flat = new Float64Array(SKUS * DAYS);
  const onHand = new Float64Array(SKUS);
  for (let s = 0; s < SKUS; s++) {
    const slow = next() < 0.3;
    const rate = slow ? 0.1 + next() * 0.3 : 2 + next() * 20;
    const y: number[] = [];
    for (let d = 0; d < DAYS; d++) {
      const v = slow ? (next() < rate ? 1 + Math.floor(next() * 6) : 0) : Math.max(0, Math.round(rate + (next() - 0.5) * rate));
      y.push(v);
      flat[s * DAYS + d] = v;
    }
    series.push(y);
    onHand[s] = Math.floor(next() * rate * 30);
  }
  return { series, flat, onHand };
}

/**
 * Forecasts and reorder decisions for 10,000 SKUs × 730 days through storekeep's pure
 * functions (ADI/CV² class, SES or Croston-SBA with α = 0.1, one-step residual spread,
 * reorder point for a 95% cycle service level, order-up-to quantity) against one plain
 * Float64Array loop doing the same smoothing and formulas.
 */
const forecast10k: BenchWorkload<Context> = {
  name: "purchasing.forecast-10k-skus",
  unit: "SKUs/s",
  ops: SKUS,
  rounds: 5,
  prepare,
  subject(ctx) {
    let total = 0;
    for (let s = 0; s < SKUS; s++) {
      const y = ctx.series[s] as number[];
      const c = classifyDemand(y);
      const intermittent = c.demandClass === "intermittent" || c.demandClass === "lumpy";
      // keepFitted: false — the residual variance comes back as sigma2, no fitted array per SKU.
      const f = intermittent ? crostonForecast(y, { h: 1, alpha: ALPHA, variant: "sba", keepFitted: false }) : sesForecast(y, { h: 1, alpha: ALPHA, initial: "simple", levels: [], keepFitted: false });
      const mean = f.mean[0] as number;
      const r = safetyStockForCycleServiceLevel({ meanDemandPerPeriod: mean, sdDemandPerPeriod: Math.sqrt(f.sigma2 ?? 0), leadTimePeriods: LEAD_TIME_DAYS, cycleServiceLevel: 0.95 });
      total += reorderPointOrderQuantity({ position: ctx.onHand[s] as number, reorderPoint: r.reorderPoint, orderUpTo: r.reorderPoint + mean * 30 });
    }
    return total;
  },
  baseline(ctx) {
    let total = 0;
    const y = ctx.flat;
    for (let s = 0; s < SKUS; s++) {
      const base = s * DAYS;
      // ADI / CV² of non-zero sizes
      let count = 0;
      let sum = 0;
      let sumSq = 0;
      for (let t = 0; t < DAYS; t++) {
        const v = y[base + t] as number;
        if (v !== 0) {
          count++;
          sum += v;
          sumSq += v * v;
        }
      }
      const adi = DAYS / Math.max(count, 1);
      const m = sum / Math.max(count, 1);
      const cv2 = count > 0 ? (sumSq / count - m * m) / (m * m) : 0;
      const intermittent = adi >= 1.32;
      let mean: number;
      let ss = 0;
      let n = 0;
      if (!intermittent) {
        let l = y[base] as number;
        for (let t = 0; t < DAYS; t++) {
          const e = (y[base + t] as number) - l;
          ss += e * e;
          n++;
          l += ALPHA * e;
        }
        mean = l;
      } else {
        let size = 0;
        let interval = 0;
        let last = 0;
        let seen = 0;
        for (let t = 0; t < DAYS; t++) {
          if (t > 0) {
            const fit = seen === 0 ? 0 : (0.95 * size) / interval;
            const e = (y[base + t] as number) - fit;
            ss += e * e;
            n++;
          }
          const v = y[base + t] as number;
          if (v !== 0) {
            const gap = t + 1 - last;
            last = t + 1;
            if (seen === 0) {
              size = v;
              interval = gap;
            } else {
              size += ALPHA * (v - size);
              interval += ALPHA * (gap - interval);
            }
            seen++;
          }
        }
        mean = seen === 0 ? 0 : (0.95 * size) / interval;
      }
      const sigma = Math.sqrt(ss / n) * Math.sqrt(LEAD_TIME_DAYS);
      const rop = mean * LEAD_TIME_DAYS + Z_95 * sigma;
      const position = ctx.onHand[s] as number;
      if (position <= rop) total += rop + mean * 30 - position;
      if (cv2 < 0) total += 0;
    }
    return total;
  },
};

export const workloads: BenchWorkload[] = [forecast10k as BenchWorkload];
