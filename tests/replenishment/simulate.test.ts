import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { autoForecast } from "../../src/replenishment/forecast/auto.js";
import { etsForecast, etsPointForecast, etsRun } from "../../src/replenishment/forecast/ets.js";
import { leadTimeForecastErrors, summariseLeadTimeErrors } from "../../src/replenishment/lead-time-error.js";
import { reorderPointForFillRate } from "../../src/replenishment/safety-stock.js";
import { forecastDrivenPolicy, simulateReplenishment, staticMinMaxPolicy } from "../../src/replenishment/simulate.js";
import { capIsolatedSpikes, capOutliers, outlierCap } from "../../src/replenishment/outliers.js";

const opts = (demand: number[], initialStock: number) => ({ demand, warmupPeriods: 4, leadTimePeriods: 2, initialStock, unitCost: 3, orderCost: 10, holdingRatePerPeriod: 0.01 });

describe("replenishment simulator", () => {
  it("property: served never exceeds demand, fill rate is in [0, 1], units are conserved", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 50 }), { minLength: 6, maxLength: 40 }), fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 60 }), (demand, stock, orderUpTo) => {
        let last = { onHand: 0, onOrder: 0 };
        const r = simulateReplenishment(opts(demand, stock), (s) => {
          last = { onHand: s.onHand, onOrder: s.onOrder };
          return Math.max(0, orderUpTo - s.onHand - s.onOrder);
        });
        expect(r.served).toBeLessThanOrEqual(r.demand);
        expect(r.fillRate).toBeGreaterThanOrEqual(0);
        expect(r.fillRate).toBeLessThanOrEqual(1);
        // stock at start + ordered = served + left on hand + still on order
        const lastOrder = Math.max(0, orderUpTo - last.onHand - last.onOrder);
        expect(stock + r.unitsOrdered).toBeCloseTo(r.served + last.onHand + last.onOrder + lastOrder, 9);
      }),
    );
  });
  it("worked example: no orders, stock 10 against demand 4, 4, 4 serves 10 of 12 with one stock-out period", () => {
    const r = simulateReplenishment(opts([1, 1, 1, 1, 4, 4, 4], 10), () => 0);
    expect(r.served).toBe(10);
    expect(r.fillRate).toBeCloseTo(10 / 12, 12);
    expect(r.stockoutPeriods).toBe(1);
    expect(r.averageInventoryUnits).toBeCloseTo((6 + 2 + 0) / 3, 12);
  });
  it("reports progress after every simulated period", () => {
    const seen: number[] = [];
    simulateReplenishment({ ...opts([1, 2, 3, 4, 5, 6, 7], 5), onProgress: (p) => seen.push(p.done / p.total) }, () => 0);
    expect(seen).toEqual([1 / 3, 2 / 3, 1]);
  });
  it("static min/max and the forecast-driven policy both keep a steady seller in stock", () => {
    const demand = Array.from({ length: 40 }, (_, t) => 20 + ((t * 7) % 5));
    const params = { fillRate: 0.95, leadTimePeriods: 2, orderQuantity: 40 };
    const mm = staticMinMaxPolicy(demand.slice(0, 4), params);
    expect(simulateReplenishment(opts(demand, Math.round(mm.max)), mm.policy).fillRate).toBeGreaterThan(0.9);
    expect(simulateReplenishment(opts(demand, 80), forecastDrivenPolicy(params)).fillRate).toBeGreaterThan(0.9);
  });
  it("the policies plan the fill rate on the lead-time demand model suggestions use: a forecast near zero with wide errors orders nothing (gamma) by default", () => {
    // 22867's daily history: forecast 0.006, one-step errors of ±98; 5-day lead time, batches of 24.
    const history = [223, 52, 97, 0, 230, 246, 321, 174, 91, 12, 0, 0, 0, 0];
    const params = { fillRate: 0.95, leadTimePeriods: 5, orderQuantity: 24 };
    const state = { period: 13, history, onHand: 187, onOrder: 0 };
    expect(forecastDrivenPolicy(params)(state)).toBe(0);
    expect(forecastDrivenPolicy({ ...params, leadTimeDemand: "gamma" })(state)).toBe(0);
    expect(forecastDrivenPolicy({ ...params, leadTimeDemand: "normal" })(state)).toBeGreaterThan(300);
    // Out of stock it orders the batch, not hundreds.
    expect(forecastDrivenPolicy(params)({ ...state, onHand: 0 })).toBeLessThan(25);
  });

  it("static min/max sets min from the same model: a lumpy warm-up (σ/μ > 0.5) gets the gamma reorder point", () => {
    const warm = [0, 3, 0, 0, 12, 0, 1, 0, 0, 9, 0, 0];
    const mean = 25 / 12;
    const sd = Math.sqrt(warm.reduce((a, v) => a + (v - mean) ** 2, 0) / 11);
    const params = { fillRate: 0.95, leadTimePeriods: 2, orderQuantity: 10 };
    const expected = (model: "normal" | "gamma") => reorderPointForFillRate({ fillRate: 0.95, orderQuantity: 10, meanDemandOverLeadTime: 2 * mean, sigmaDemandOverLeadTime: sd * Math.SQRT2, leadTimeDemand: model }).reorderPoint;
    expect(staticMinMaxPolicy(warm, params).min).toBeCloseTo(expected("gamma"), 12);
    expect(staticMinMaxPolicy(warm, { ...params, leadTimeDemand: "normal" }).min).toBeCloseTo(expected("normal"), 12);
    expect(expected("gamma")).not.toBeCloseTo(expected("normal"), 1);
  });

  it("a fill rate stays a fill rate without a batch: Q = 0 plans the mean lead-time demand, not μ + Φ⁻¹(fill rate)·σ", () => {
    const warm = [5, 6, 4, 7, 5, 6];
    // Mean 5.5, σ > 0: read as a cycle service level the old fallback gave 11 + 1.645·σ·√2.
    for (const model of ["auto", "normal", "gamma"] as const) {
      const rule = staticMinMaxPolicy(warm, { fillRate: 0.95, leadTimePeriods: 2, orderQuantity: 0, leadTimeDemand: model });
      expect(rule.min).toBeCloseTo(11, 12);
      expect(rule.max).toBeCloseTo(11, 12);
      expect(staticMinMaxPolicy(warm, { fillRate: 0.95, leadTimePeriods: 2, orderQuantity: () => 0, leadTimeDemand: model }).min).toBeCloseTo(11, 12);
    }
    // The forecast-driven policy with no batch orders up to the mean lead-time demand only.
    const history = [20, 24, 19, 23, 21, 22, 20, 25, 18, 22, 21, 23];
    const withoutBatch = forecastDrivenPolicy({ fillRate: 0.95, leadTimePeriods: 2, orderQuantity: 0 })({ period: 11, history, onHand: 0, onOrder: 0 });
    const withBatch = forecastDrivenPolicy({ fillRate: 0.95, leadTimePeriods: 2, orderQuantity: 1e-9 })({ period: 11, history, onHand: 0, onOrder: 0 });
    expect(withoutBatch).toBeGreaterThan(38);
    expect(withoutBatch).toBeLessThan(48);
    expect(withBatch).toBeGreaterThan(withoutBatch + 5);
  });

  it("a fill rate with σ = 0 plans the mean under every lead-time demand model; a negative batch is refused", () => {
    for (const model of ["auto", "normal", "gamma"] as const) {
      expect(staticMinMaxPolicy([6, 6, 6, 6], { fillRate: 0.99, leadTimePeriods: 3, orderQuantity: 12, leadTimeDemand: model }).min).toBeCloseTo(18, 12);
    }
    expect(() => staticMinMaxPolicy([5, 6, 4], { fillRate: 0.95, leadTimePeriods: 2, orderQuantity: -1 })).toThrow(/orderQuantity must be a finite number >= 0/);
    expect(() => staticMinMaxPolicy([5, 6, 4], { fillRate: 1, leadTimePeriods: 2, orderQuantity: 0 })).toThrow(/fillRate must be strictly between 0 and 1/);
  });

  it("the forecast-driven policy plans on its own out-of-sample L-period errors: f·L + their mean, their spread as σ (one-step σ·√L on request)", () => {
    // Launched in week 3 (the weeks before are not demand), then stepped up from about 20 to about 40.
    const history = [0, 0, 21, 19, 22, 18, 20, 21, 19, 20, 22, 18, 30, 35, 41, 38, 42, 39, 41, 40, 43, 38];
    const sold = history.slice(2);
    const params = { fillRate: 0.95, leadTimePeriods: 2, orderQuantity: 50, leadTimeDemand: "normal" as const };
    const state = { period: history.length - 1, history, onHand: 0, onOrder: 0 };
    const level = (y: readonly number[]) => Math.max(0, autoForecast(capOutliers(y), { h: 1, levels: [] }).mean[0] as number);
    // Each origin refits the ETS form chosen on the whole (capped) history; below 10 weeks, autoForecast's own choice.
    const chosen = autoForecast(capOutliers(sold), { h: 1, levels: [] });
    const form = /^ETS\(([AM]),(N|A|Ad),(N|A|M)\)$/.exec(chosen.model)!;
    // Re-estimated on the first 10 + 4k periods of the capped prefix, run on over the rest.
    const refit = (y: readonly number[]) => {
      if (y.length < 10) return level(y);
      const c = capOutliers(y);
      const fit = etsForecast(c.slice(0, 10 + Math.floor((c.length - 10) / 4) * 4), { h: 1, model: `${form[1]}${form[2]}${form[3]}`, levels: [] }).fit;
      return Math.max(0, etsPointForecast(etsRun(fit, c), 1)[0] as number);
    };
    // Scored on the demand with its isolated spikes cut (this step has none: the weeks above the bound run on).
    expect(capIsolatedSpikes(sold)).toEqual(sold);
    const e = summariseLeadTimeErrors(leadTimeForecastErrors(sold, (y, h) => new Array<number>(h).fill(refit(y)), { leadTimePeriods: 2, actuals: capIsolatedSpikes(sold) }));
    expect(e.origins).toBe(15);
    const rop = reorderPointForFillRate({ fillRate: 0.95, orderQuantity: 50, meanDemandOverLeadTime: 2 * level(sold) + e.bias, sigmaDemandOverLeadTime: e.sd, leadTimeDemand: "normal" }).reorderPoint;
    expect(forecastDrivenPolicy(params)(state)).toBeCloseTo(rop + 50, 9);
    // Asked again with the same history (the simulator's next period re-reads it), the same answer.
    const policy = forecastDrivenPolicy(params);
    expect(policy(state)).toBeCloseTo(policy(state), 12);
    expect(forecastDrivenPolicy({ ...params, forecastError: "one-step" })(state)).toBeLessThan(rop + 50 - 5);
  });

  it("capOutliers cuts a one-off spike and leaves ordinary demand alone", () => {
    const capped = capOutliers([10, 12, 9, 11, 5000, 10]);
    // Non-zero median 10.5, MAD 1 × 1.4826: the bound is 10.5 + 5 × 1.4826.
    expect(outlierCap([10, 12, 9, 11, 5000, 10])).toBeCloseTo(10.5 + 5 * 1.4826, 12);
    expect(capped[4]).toBeCloseTo(17.913, 12);
    expect(capped.filter((_, i) => i !== 4)).toEqual([10, 12, 9, 11, 10]);
    expect(outlierCap([0, 0, 40, 0, 3])).toBeUndefined();
    expect(capOutliers([0, 0, 40, 0, 3])).toEqual([0, 0, 40, 0, 3]);
    // MAD 0: three times the median.
    expect(capOutliers([5, 5, 5, 5, 90])).toEqual([5, 5, 5, 5, 15]);
  });

  it("the forecast-driven policy does not stock for a one-off wholesale week: with one week of 5,000 among weeks of about 20 it orders about two weeks' demand, not thousands", () => {
    const history = [21, 19, 22, 18, 20, 21, 19, 20, 5000, 18, 22, 20, 19, 21, 20, 22, 18, 21, 20, 19];
    const order = forecastDrivenPolicy({ fillRate: 0.95, leadTimePeriods: 2, orderQuantity: 50, leadTimeDemand: "normal" })({ period: history.length - 1, history, onHand: 0, onOrder: 0 });
    expect(order).toBeGreaterThan(50);
    expect(order).toBeLessThan(150);
  });

  it("capIsolatedSpikes cuts a period above the bound only when it stands alone: a run (a ramp, a new level) stays, the first and last periods have one neighbour", () => {
    const cap = outlierCap([10, 12, 9, 5000, 11, 10])!;
    expect(capIsolatedSpikes([10, 12, 9, 5000, 11, 10])).toEqual([10, 12, 9, cap, 11, 10]);
    expect(capIsolatedSpikes([10, 12, 9, 11, 300, 320, 310])).toEqual([10, 12, 9, 11, 300, 320, 310]);
    // The latest period alone above the bound is cut until the next one shows a run.
    const last = [10, 12, 9, 11, 10, 300];
    expect(capIsolatedSpikes(last)).toEqual([...last.slice(0, 5), outlierCap(last)]);
    const first = [300, 12, 9, 11, 10, 12];
    expect(capIsolatedSpikes(first)).toEqual([outlierCap(first), ...first.slice(1)]);
    // Two spikes apart are each alone; fewer than 3 non-zero periods: nothing is cut.
    const two = [10, 400, 11, 10, 12, 9, 500, 10];
    expect(capIsolatedSpikes(two)).toEqual(two.map((v) => (v > 100 ? outlierCap(two) : v)));
    expect(capIsolatedSpikes([0, 0, 900, 0, 4])).toEqual([0, 0, 900, 0, 4]);
    // Never above capOutliers' history, never below it where a run was cut there.
    fc.assert(
      fc.property(fc.array(fc.nat({ max: 1000 }), { maxLength: 40 }), (history) => {
        const isolated = capIsolatedSpikes(history);
        const capped = capOutliers(history);
        return isolated.every((v, t) => v <= (history[t] as number) && v >= (capped[t] as number));
      }),
    );
  });

  it("leadTimeForecastErrors scores on actuals when given, and refuses actuals of another length", () => {
    const naive = (y: readonly number[], h: number) => new Array<number>(h).fill(y[y.length - 1] as number);
    expect(leadTimeForecastErrors([1, 2, 3, 4, 5, 6, 7, 8], naive, { leadTimePeriods: 2 })).toEqual([3, 3, 3]);
    // Forecasts from the history's prefixes, errors against the actuals.
    expect(leadTimeForecastErrors([1, 2, 3, 4, 5, 6, 7, 8], naive, { leadTimePeriods: 2, actuals: [1, 2, 3, 4, 4, 4, 4, 4] })).toEqual([0, -2, -4]);
    expect(() => leadTimeForecastErrors([1, 2, 3, 4, 5], naive, { leadTimePeriods: 2, actuals: [1, 2] })).toThrow(/actuals must have one value per period of the history \(5\), not 2/);
  });
});
