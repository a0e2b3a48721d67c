import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { toDecimal } from "../../src/kernel/decimal.js";
import { isStorekeepError } from "../../src/kernel/errors.js";
import { minMaxOrderQuantity } from "../../src/replenishment/policies.js";
import { autoForecast } from "../../src/replenishment/forecast/auto.js";
import { etsForecast, etsPointForecast, etsRun } from "../../src/replenishment/forecast/ets.js";
import { leadTimeForecastErrors, summariseLeadTimeErrors } from "../../src/replenishment/lead-time-error.js";
import { capIsolatedSpikes, capOutliers, outlierCap } from "../../src/replenishment/outliers.js";
import { reorderPointForCycleServiceLevel, reorderPointForFillRate } from "../../src/replenishment/safety-stock.js";
import { type ServiceTarget, type SuggestionsInput, replenishmentPolicySchema, replenishmentSuggestions } from "../../src/replenishment/suggestions.js";

const base = (): SuggestionsInput => ({
  asOf: "2026-03-02",
  suppliers: [
    { supplier: "acme", currency: "EUR", packMultiple: 12, minimumOrderQuantity: 24, priceBreaks: [{ minQuantity: 0, unitPrice: "2.10" }, { minQuantity: 144, unitPrice: "1.90" }], leadTimeDays: { mean: 14, sd: 2 }, orderCost: "25.00" },
    { supplier: "globex", currency: "EUR", priceBreaks: [{ minQuantity: 0, unitPrice: "7.50" }], leadTimeDays: { mean: 7, sd: 0 } },
  ],
  items: [
    { sku: "MUG", warehouse: "main", supplier: "acme", periodDays: 7, demandHistory: [30, 28, 35, 31, 29, 33, 30, 32, 34, 31, 30, 33], onHand: 40, reserved: 6, backordered: 2, leadTimeObservationsDays: [12, 14, 17, 13] },
    { sku: "TEAPOT", warehouse: "main", supplier: "acme", periodDays: 7, demandHistory: [0, 2, 0, 0, 5, 0, 1, 0, 0, 3, 0, 0], onHand: 1, reserved: 0, backordered: 0 },
    { sku: "KETTLE", warehouse: "main", supplier: "globex", periodDays: 7, demandHistory: [5, 6, 5, 7, 6, 5, 6, 7, 6, 5, 6, 6], onHand: 500, reserved: 0, backordered: 0 },
    { sku: "MUG", warehouse: "north", supplier: "acme", periodDays: 7, demandHistory: [10, 12, 11, 9, 10, 13, 12, 11, 10, 12, 11, 12], onHand: 5, reserved: 0, backordered: 0, openPurchaseOrders: [{ reference: "PO-7", quantity: 12, expectedDate: "2026-03-06" }] },
  ],
});

/**
 * The rolling-origin forecaster written out: the ETS form chosen on the whole (outlier-capped)
 * history, re-estimated on the first 10 + 4k periods of each prefix of 10 or more and run on
 * over the rest, each prefix capped first as the suggestions do by default (`cap: false` for
 * `outliers: "keep"`).
 */
function byHand(history: readonly number[], cap = true): (y: readonly number[], h: number) => number[] {
  const capped = (y: readonly number[]) => (cap ? capOutliers(y) : [...y]);
  const chosen = autoForecast(capped(history), { h: 1, levels: [] });
  const form = /^ETS\(([AM]),(N|A|Ad),(N|A|M)\)$/.exec(chosen.model);
  if (chosen.method !== "ets" || form === null) throw new Error(`expected an ETS model, got ${chosen.model}`);
  const model = `${form[1]}${form[2]}${form[3]}`;
  return (y, h) => {
    const c = capped(y);
    if (c.length < 10) return new Array<number>(h).fill(Math.max(0, autoForecast(c, { h: 1, levels: [] }).mean[0] as number));
    // Re-estimated on the first 10 + 4k periods, run on over the rest with those parameters.
    const anchor = 10 + Math.floor((c.length - 10) / 4) * 4;
    const fit = etsForecast(c.slice(0, anchor), { h: 1, model, levels: [] }).fit;
    return new Array<number>(h).fill(Math.max(0, etsPointForecast(etsRun(fit, c), 1)[0] as number));
  };
}

describe("replenishment suggestions", () => {
  it("suggests for items below their reorder point, none for an overstocked one, with an explanation", () => {
    const r = replenishmentSuggestions(base());
    expect(r.suggestions.map((s) => `${s.sku}@${s.warehouse}`).sort()).toEqual(["MUG@main", "MUG@north", "TEAPOT@main"]);
    expect(r.noOrder.map((n) => n.sku)).toEqual(["KETTLE"]);
    const mug = r.suggestions.find((s) => s.sku === "MUG" && s.warehouse === "main");
    if (!mug) throw new Error("no MUG suggestion");
    const e = mug.explanation;
    expect(e.inputs.inventoryPosition).toBe(40 - 6 - 2);
    expect(e.inputs.leadTimeDays.source).toBe("observed");
    expect(e.method.classification.demandClass).toBe("smooth");
    expect(e.method.reason).toContain("smooth");
    expect(e.formula.text).toContain("ROP");
    // Smooth demand (σ/μ over the lead time well below 0.5) keeps the normal model under the default "auto".
    expect(e.formula.leadTimeDemand).toEqual({ model: "normal", reason: expect.stringMatching(/^auto: σ\/μ over the lead time = 0\.\d+ ≤ 0\.5$/) });
    expect(e.formula.text).toContain("(fill rate 0.95, normal lead-time demand; σ = ");
    expect(e.formula.reorderPoint).toBeGreaterThan(e.forecast.perPeriod[0] as number);
    expect(e.projectedStockoutDate).not.toBeNull();
    expect(mug.quantity % 12).toBe(0);
    expect(mug.quantity).toBeGreaterThanOrEqual(24);
    expect(r.suggestions.find((s) => s.sku === "TEAPOT")?.explanation.method.name).toBe("croston-sba");
  });

  it("plans the lead-time demand from the forecast's own errors over the lead time at past origins: a demand that stepped up gets its bias and spread, not σ₁·√L", () => {
    // 20 a week for 10 weeks, then about 40: the forecast lagged the step, and the errors of consecutive weeks added up.
    const history = [21, 19, 22, 18, 20, 21, 19, 20, 22, 18, 30, 35, 41, 38, 42, 39, 41, 40, 43, 38];
    const input = (forecastError?: "one-step"): SuggestionsInput => ({
      asOf: "2026-03-02",
      suppliers: [{ supplier: "initech", currency: "EUR", priceBreaks: [{ minQuantity: 0, unitPrice: "4.00" }], leadTimeDays: { mean: 14, sd: 0 } }],
      items: [{ sku: "JAR", warehouse: "main", supplier: "initech", periodDays: 7, demandHistory: history, onHand: 0, reserved: 0, backordered: 0, policy: { kind: "reorder-point", orderQuantity: 50, service: { kind: "fill-rate", value: 0.95, leadTimeDemand: "normal", ...(forecastError ? { forecastError } : {}) } } }],
    });
    const e = replenishmentSuggestions(input()).suggestions[0]!.explanation;
    const f = e.forecast.perPeriod[0] as number;
    // The same origins by hand: the model chosen on the whole history refitted on the first 4, 5, …, 18
    // weeks (autoForecast's own choice below 10 weeks), scored on the next two.
    const measured = summariseLeadTimeErrors(leadTimeForecastErrors(history, byHand(history), { leadTimePeriods: 2 }));
    expect(measured.origins).toBe(15);
    expect(measured.bias).toBeGreaterThan(0);
    expect(e.forecast.leadTimeError).toEqual({ method: "rolling-origin", periods: 2, ...measured });
    const expected = reorderPointForFillRate({ fillRate: 0.95, orderQuantity: 50, meanDemandOverLeadTime: 2 * f + measured.bias, sigmaDemandOverLeadTime: measured.sd, leadTimeDemand: "normal" });
    expect(e.formula.reorderPoint).toBeCloseTo(expected.reorderPoint, 9);
    expect(e.formula.text).toMatch(/^ROP = μ·L \+ bias \+ z·σ = \d+\.?\d*·2 \+ \d+\.?\d* \+ \d+\.\d+·\d+\.\d+ = /);
    expect(e.formula.text).toContain("mean and standard deviation of the errors of the 2-period forecast from 15 rolling origins");
    // The one-step rule planned far less: σ₁·√2 around f·2.
    const oneStep = replenishmentSuggestions(input("one-step")).suggestions[0]!.explanation;
    expect(oneStep.forecast.leadTimeError).toEqual({ method: "one-step", periods: 2, origins: 0, bias: 0, sd: 0 });
    expect(oneStep.formula.reorderPoint).toBeCloseTo(reorderPointForFillRate({ fillRate: 0.95, orderQuantity: 50, meanDemandOverLeadTime: 2 * f, sigmaDemandOverLeadTime: oneStep.forecast.sdPerPeriod * Math.SQRT2, leadTimeDemand: "normal" }).reorderPoint, 9);
    expect(e.formula.reorderPoint).toBeGreaterThan(oneStep.formula.reorderPoint + 5);
  });

  it("outlying demand is cut before forecasting, and a one-off spike also from the scored lead-time errors, so one wholesale week does not set the reorder point (the explanation names it); a ramp's weeks are scored as they came; outliers: \"keep\" plans on everything", () => {
    // About 20 a week, and one wholesale order of 5,000 in week 9.
    const history = [21, 19, 22, 18, 20, 21, 19, 20, 5000, 18, 22, 20, 19, 21, 20, 22, 18, 21, 20, 19];
    const input = (demandHistory: readonly number[], outliers?: "cap" | "keep"): SuggestionsInput => ({
      asOf: "2026-03-02",
      ...(outliers ? { outliers } : {}),
      suppliers: [{ supplier: "initech", currency: "EUR", priceBreaks: [{ minQuantity: 0, unitPrice: "4.00" }], leadTimeDays: { mean: 14, sd: 0 } }],
      items: [{ sku: "JAR", warehouse: "main", supplier: "initech", periodDays: 7, demandHistory: [...demandHistory], onHand: 0, reserved: 0, backordered: 0, policy: { kind: "reorder-point", orderQuantity: 50, service: { kind: "fill-rate", value: 0.95, leadTimeDemand: "normal" } } }],
    });
    const cap = outlierCap(history)!;
    expect(cap).toBeGreaterThan(22);
    expect(cap).toBeLessThan(40);
    const capped = replenishmentSuggestions(input(history)).suggestions[0]!;
    expect(replenishmentSuggestions(input(history, "cap")).suggestions[0]).toEqual(capped);
    const e = capped.explanation;
    expect(e.forecast.cappedOutliers).toEqual({ cap, periods: [8], isolated: [8] });
    expect(e.notes).toEqual([expect.stringMatching(/^demand above \d+(\.\d+)? \(median \+ 5·MAD of the non-zero periods\) cut to it before forecasting in period 9 \(5000\) of 20; each alone, so cut from the demand the forecast's errors are scored on too; outliers: "keep" plans on them$/)]);
    // The forecast is the capped history's; the errors come from capped prefixes against the demand with the spike cut.
    expect(e.forecast.perPeriod[0]).toBeCloseTo(autoForecast(capOutliers(history), { h: 1, levels: [] }).mean[0] as number, 9);
    expect(e.forecast.perPeriod[0]).toBeLessThan(25);
    const measured = summariseLeadTimeErrors(leadTimeForecastErrors(history, byHand(history), { leadTimePeriods: 2, actuals: capIsolatedSpikes(history) }));
    expect(e.forecast.leadTimeError).toEqual({ method: "rolling-origin", periods: 2, ...measured });
    expect(Math.abs(measured.bias)).toBeLessThan(5);
    expect(measured.sd).toBeLessThan(10);
    // Two weeks of about 20: the reorder point stays near 40, not thousands.
    expect(e.formula.reorderPoint).toBeGreaterThan(35);
    expect(e.formula.reorderPoint).toBeLessThan(60);
    // Kept, the spike sets the plan: a reorder point in the thousands.
    const kept = replenishmentSuggestions(input(history, "keep")).suggestions[0]!;
    expect(kept.explanation.forecast.cappedOutliers).toBeUndefined();
    expect(kept.explanation.notes).toBeUndefined();
    expect(kept.explanation.formula.reorderPoint).toBeGreaterThan(1000);
    // A ramp (six weeks above the bound in a row) is cut for the forecast but scored as it came: its errors are real.
    const ramp = [21, 19, 22, 18, 20, 21, 19, 20, 22, 18, 22, 20, 19, 21, 60, 70, 80, 90, 100, 110];
    const rampExplained = replenishmentSuggestions(input(ramp)).suggestions[0]!.explanation;
    expect(rampExplained.forecast.cappedOutliers).toEqual({ cap: outlierCap(ramp), periods: [14, 15, 16, 17, 18, 19], isolated: [] });
    expect(capIsolatedSpikes(ramp)).toEqual(ramp);
    expect(rampExplained.forecast.leadTimeError).toEqual({ method: "rolling-origin", periods: 2, ...summariseLeadTimeErrors(leadTimeForecastErrors(ramp, byHand(ramp), { leadTimePeriods: 2 })) });
    expect(rampExplained.notes?.[0]).toContain("none of them alone, so the forecast's errors are scored on them");
    // Ordinary demand is left alone: nothing is cut, nothing noted.
    const calm = replenishmentSuggestions(input(history.map((v) => (v > 100 ? 20 : v)))).suggestions[0]!.explanation;
    expect(calm.forecast.cappedOutliers).toBeUndefined();
    expect(calm.notes).toBeUndefined();
    expect(() => replenishmentSuggestions({ ...input(history), outliers: "trim" as "keep" })).toThrow(/outliers/);
  });

  it("property: the size of a one-off spike above the bound does not change the suggestion (the same reorder point and quantity for a spike of 1,000 or of 1,000,000)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 20, max: 30 }), { minLength: 16, maxLength: 52 }),
        fc.nat(),
        fc.integer({ min: 1_000, max: 1_000_000 }),
        fc.integer({ min: 1_000, max: 1_000_000 }),
        (base, at, spikeA, spikeB) => {
          const i = 1 + (at % (base.length - 2));
          // The spike stands alone: its neighbours are within the bound (the bound does not depend on the spike's size).
          const bound = outlierCap(base.map((v, t) => (t === i ? spikeA : v)))!;
          fc.pre((base[i - 1] as number) <= bound && (base[i + 1] as number) <= bound);
          const plan = (spike: number, outliers?: "keep") => {
            const history = base.map((v, t) => (t === i ? spike : v));
            const r = replenishmentSuggestions({
              asOf: "2026-03-02",
              ...(outliers ? { outliers } : {}),
              suppliers: [{ supplier: "initech", currency: "EUR", priceBreaks: [{ minQuantity: 0, unitPrice: "4.00" }], leadTimeDays: { mean: 14, sd: 0 } }],
              items: [{ sku: "JAR", warehouse: "main", supplier: "initech", periodDays: 7, demandHistory: history, onHand: 0, reserved: 0, backordered: 0 }],
            });
            const s = r.suggestions[0]!;
            return { rop: s.explanation.formula.reorderPoint, quantity: s.quantity, capped: s.explanation.forecast.cappedOutliers };
          };
          const a = plan(spikeA);
          const b = plan(spikeB);
          expect(a.capped?.cap).toBe(bound);
          expect(a.capped?.periods).toContain(i);
          expect(a.capped?.isolated).toContain(i);
          expect(b.capped).toEqual(a.capped);
          expect(b.rop).toBeCloseTo(a.rop, 9);
          expect(b.quantity).toBe(a.quantity);
          // Two weeks of 20 to 30 a week: the spike does not set the plan.
          expect(a.rop).toBeLessThan(150);
        },
      ),
      { numRuns: 25 },
    );
  });

  it("measures the errors over R + L for a periodic review, and keeps σ₁·√L below 8 origins (saying how many it had)", () => {
    const history = [21, 19, 22, 18, 20, 21, 19, 20, 22, 18, 30, 35, 41, 38, 42, 39, 41, 40, 43, 38];
    const terms = { supplier: "initech", currency: "EUR", priceBreaks: [{ minQuantity: 0, unitPrice: "4.00" }], leadTimeDays: { mean: 14, sd: 0 } };
    const item = { sku: "JAR", warehouse: "main", supplier: "initech", periodDays: 7, demandHistory: history, onHand: 0, reserved: 0, backordered: 0 };
    const review = replenishmentSuggestions({ asOf: "2026-03-02", suppliers: [terms], items: [{ ...item, policy: { kind: "periodic-review", reviewPeriodDays: 7, service: { kind: "fill-rate", value: 0.95 } } }] }).suggestions[0]!.explanation;
    expect(review.forecast.leadTimeError).toEqual({ method: "rolling-origin", periods: 3, ...summariseLeadTimeErrors(leadTimeForecastErrors(history, byHand(history), { leadTimePeriods: 3 })) });
    const short = replenishmentSuggestions({ asOf: "2026-03-02", suppliers: [terms], items: [{ ...item, demandHistory: history.slice(0, 12) }] }).suggestions[0]!.explanation;
    expect(short.forecast.leadTimeError?.method).toBe("one-step");
    expect(short.forecast.leadTimeError?.origins).toBe(7);
    expect(short.formula.text).toContain("; one-step σ: 7 rolling origins, 8 needed");
    // Min/max plans from its own levels: nothing is measured.
    const minMax = replenishmentSuggestions({ asOf: "2026-03-02", suppliers: [terms], items: [{ ...item, policy: { kind: "min-max", min: 10, max: 50 } }] }).suggestions[0]!.explanation;
    expect(minMax.forecast.leadTimeError).toBeUndefined();
  });

  it("honours MOQ and pack multiple, takes a price break when it costs no more, money exact", () => {
    const input = base();
    const r = replenishmentSuggestions({ ...input, items: [{ ...(input.items[0] as SuggestionsInput["items"][number]), onHand: -200 }] });
    const s = r.suggestions[0];
    if (!s) throw new Error("no suggestion");
    expect(s.quantity % 12).toBe(0);
    if (s.quantity >= 144) expect(s.unitPrice).toBe("1.9");
    expect(toDecimal(s.lineTotal).equals(toDecimal(s.unitPrice).times(s.quantity))).toBe(true);
    const small = replenishmentSuggestions({ ...input, items: [input.items[1] as SuggestionsInput["items"][number]] }).suggestions[0];
    expect(small?.quantity).toBeGreaterThanOrEqual(24);
    expect(small?.explanation.adjustments.join(" ")).toMatch(/minimum order quantity|pack/);
  });

  it("groups suggestions into one draft purchase order per supplier and warehouse, totals exact", () => {
    const r = replenishmentSuggestions(base());
    const keys = r.purchaseOrders.map((p) => `${p.supplier}@${p.warehouse}`).sort();
    expect(keys).toEqual(["acme@main", "acme@north"]);
    const main = r.purchaseOrders.find((p) => p.warehouse === "main");
    expect(main?.lines.map((l) => l.sku)).toEqual(["MUG", "TEAPOT"]);
    const cents = (main?.lines ?? []).reduce((a, l) => a + Math.round(Number(l.lineTotal) * 100), 0);
    expect(Math.round(Number(main?.total) * 100)).toBe(cents);
  });

  it("property: running twice on the same day gives the same ids and revisions", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 60 }), { minLength: 4, maxLength: 30 }), fc.integer({ min: -20, max: 80 }), (history, onHand) => {
        const input = base();
        const item = { ...(input.items[0] as SuggestionsInput["items"][number]), demandHistory: history, onHand };
        const a = replenishmentSuggestions({ ...input, items: [item] });
        const b = replenishmentSuggestions({ ...input, items: [item] });
        expect(b).toEqual(a);
      }),
      { numRuns: 30 },
    );
  });

  it("a changed input keeps the suggestion and draft ids and changes their revisions; another day gets new ids", () => {
    const a = replenishmentSuggestions(base());
    const changed = base();
    changed.items[0] = { ...(changed.items[0] as SuggestionsInput["items"][number]), reserved: 30 };
    const b = replenishmentSuggestions(changed);
    const ma = a.suggestions.find((s) => s.sku === "MUG" && s.warehouse === "main");
    const mb = b.suggestions.find((s) => s.sku === "MUG" && s.warehouse === "main");
    expect(mb?.id).toBe(ma?.id);
    expect(mb?.revision).not.toBe(ma?.revision);
    expect(b.purchaseOrders.map((p) => p.id)).toEqual(a.purchaseOrders.map((p) => p.id));
    const c = replenishmentSuggestions({ ...base(), asOf: "2026-03-03" });
    expect(c.suggestions[0]?.id).not.toBe(a.suggestions[0]?.id);
  });

  it("open purchase orders count in the position and move the projected stock-out", () => {
    const input = base();
    const north = input.items[3] as SuggestionsInput["items"][number];
    const without = replenishmentSuggestions({ ...input, items: [{ ...north, openPurchaseOrders: [] }] });
    const withPo = replenishmentSuggestions({ ...input, items: [north] });
    const q0 = without.suggestions[0]?.quantity ?? 0;
    const q1 = withPo.suggestions[0]?.quantity ?? 0;
    expect(q1).toBeLessThanOrEqual(q0);
    expect(withPo.suggestions[0]?.explanation.inputs.onOrder).toBe(12);
    const d0 = without.suggestions[0]?.explanation.projectedStockoutDate ?? "9999-12-31";
    const d1 = withPo.suggestions[0]?.explanation.projectedStockoutDate ?? "9999-12-31";
    expect(d1 >= d0).toBe(true);
  });

  it("static min/max with Odoo's rounding, and periodic review", () => {
    const input = base();
    const mm = replenishmentSuggestions({ ...input, items: [{ ...(input.items[3] as SuggestionsInput["items"][number]), openPurchaseOrders: [], policy: { kind: "min-max", min: 10, max: 50 } }] });
    expect(mm.suggestions[0]?.quantity).toBe(48); // 50 − 5 = 45 → 48 (pack 12, up)
    const pr = replenishmentSuggestions({ ...input, items: [{ ...(input.items[2] as SuggestionsInput["items"][number]), onHand: 10, policy: { kind: "periodic-review", reviewPeriodDays: 14, service: { kind: "cycle-service-level", value: 0.95 } } }] });
    expect(pr.suggestions[0]?.explanation.formula.policy).toBe("periodic-review");
    expect(pr.suggestions[0]?.quantity).toBeGreaterThan(0);
  });

  it("periodic review with a fill rate plans a lumpy item on the gamma: S solves the gamma loss equation over R + L with Q = one review's demand", () => {
    const r = replenishmentSuggestions({
      asOf: "2026-06-01",
      suppliers: [{ supplier: "s", currency: "EUR", priceBreaks: [{ minQuantity: 0, unitPrice: "1" }], leadTimeDays: { mean: 7, sd: 0 } }],
      items: [{ sku: "X", warehouse: "wh", supplier: "s", periodDays: 7, demandHistory: [0, 0, 9, 0, 3, 0, 0, 12, 0, 1, 0, 7], onHand: 0, reserved: 0, backordered: 0, policy: { kind: "periodic-review", reviewPeriodDays: 14, service: { kind: "fill-rate", value: 0.95 } } }],
    });
    const e = r.suggestions[0]!.explanation;
    const f = e.forecast.perPeriod[0] as number;
    const sigma = Math.sqrt(3) * e.forecast.sdPerPeriod;
    const gamma = reorderPointForFillRate({ fillRate: 0.95, orderQuantity: 2 * f, meanDemandOverLeadTime: 3 * f, sigmaDemandOverLeadTime: sigma, leadTimeDemand: "gamma" });
    expect(e.formula.leadTimeDemand?.model).toBe("gamma");
    expect(e.formula.text).toMatch(/^S = max\(μ, s\) = \d+\.\d+, s = \d+\.\d+ solves E\[\(X − s\)⁺\] = \(1 − 0\.95\)·\d+\.\d+, X gamma with mean μ·\(R\+L\) = /);
    expect(e.formula.orderUpTo).toBeCloseTo(gamma.reorderPoint, 9);
    expect(gamma.reorderPoint).toBeGreaterThan(3 * f);
  });

  it("a cycle service level is planned on the model auto chooses: a lumpy item gets the gamma's 0.95 quantile, above the normal's μ + 1.645·σ, and the explanation names the model", () => {
    const plan = (service: ServiceTarget, kind: "reorder-point" | "periodic-review") =>
      replenishmentSuggestions({
        asOf: "2026-06-01",
        suppliers: [{ supplier: "s", currency: "EUR", priceBreaks: [{ minQuantity: 0, unitPrice: "1" }], leadTimeDays: { mean: 14, sd: 0 } }],
        items: [{ sku: "X", warehouse: "wh", supplier: "s", periodDays: 7, demandHistory: [0, 0, 9, 0, 3, 0, 0, 12, 0, 1, 0, 7], onHand: 0, reserved: 0, backordered: 0, policy: kind === "reorder-point" ? { kind, service } : { kind, reviewPeriodDays: 14, service } }],
      }).suggestions[0]!.explanation;
    for (const kind of ["reorder-point", "periodic-review"] as const) {
      const auto = plan({ kind: "cycle-service-level", value: 0.95 }, kind);
      const normal = plan({ kind: "cycle-service-level", value: 0.95, leadTimeDemand: "normal" }, kind);
      const f = auto.forecast.perPeriod[0] as number;
      // L = 2 weeks (plus R = 2 under periodic review), no lead-time spread: σ = σd·√(protection).
      const protection = kind === "reorder-point" ? 2 : 4;
      const lt = { meanDemandOverLeadTime: f * protection, sigmaDemandOverLeadTime: auto.forecast.sdPerPeriod * Math.sqrt(protection) };
      expect(lt.sigmaDemandOverLeadTime).toBeGreaterThan(0.5 * lt.meanDemandOverLeadTime);
      expect(auto.formula.leadTimeDemand).toEqual({ model: "gamma", reason: expect.stringMatching(/^auto: σ\/μ over the lead time = \d+\.\d+ > 0\.5$/) });
      const gamma = reorderPointForCycleServiceLevel({ cycleServiceLevel: 0.95, ...lt, leadTimeDemand: "gamma" });
      expect(auto.formula.reorderPoint).toBeCloseTo(gamma.reorderPoint, 9);
      expect(auto.formula.text).toMatch(kind === "reorder-point" ? /^ROP = max\(μ, s\) = \d+\.\d+, s = \d+\.\d+ solves P\(X ≤ s\) = 0\.95, X gamma with mean μ·L = / : /^S = max\(μ, s\) = \d+\.\d+, s = \d+\.\d+ solves P\(X ≤ s\) = 0\.95, X gamma with mean μ·\(R\+L\) = /);
      expect(auto.formula.text).toContain("(cycle service level 0.95, gamma lead-time demand; σ = ");
      // The normal model, when set, keeps the figures a cycle service level always had: μ + Φ⁻¹(0.95)·σ.
      expect(normal.formula.leadTimeDemand).toEqual({ model: "normal", reason: "set to normal" });
      expect(normal.formula.reorderPoint).toBeCloseTo(lt.meanDemandOverLeadTime + 1.6448536269514722 * lt.sigmaDemandOverLeadTime, 9);
      expect(normal.formula.text).toContain("(cycle service level 0.95, normal lead-time demand; σ = ");
      // Skewed demand (shape μ²/σ² = 0.73 over the lead time): the gamma's 0.95 quantile lies further out than the normal's.
      expect(auto.formula.reorderPoint - normal.formula.reorderPoint).toBeGreaterThan(1);
    }
  });

  it("bad input is VALIDATION_FAILED naming what to fix", () => {
    const input = base();
    for (const bad of [
      { ...input, asOf: "2026-02-30" },
      { ...input, items: [{ ...(input.items[0] as SuggestionsInput["items"][number]), supplier: "nobody" }] },
      { ...input, items: [input.items[0] as SuggestionsInput["items"][number], input.items[0] as SuggestionsInput["items"][number]] },
    ]) {
      try {
        replenishmentSuggestions(bad);
        expect.unreachable();
      } catch (e) {
        expect(isStorekeepError(e) && e.code === "VALIDATION_FAILED").toBe(true);
      }
    }
  });
});

describe("replenishment suggestions: constant demand, a SKU that cannot be forecast, refused policies and terms", () => {
  const item = (overrides: Partial<SuggestionsInput["items"][number]>): SuggestionsInput["items"][number] => ({ ...(base().items[0] as SuggestionsInput["items"][number]), ...overrides });
  const failure = (input: SuggestionsInput): { code: string; message: string; details: Record<string, unknown> } => {
    try {
      replenishmentSuggestions(input);
    } catch (e) {
      if (isStorekeepError(e)) return { code: e.code, message: e.message, details: { ...e.details } };
      throw e;
    }
    return { code: "none", message: "", details: {} };
  };

  it("a steady seller (3 a week for 12 weeks) is planned beside the others: forecast 3, no demand spread, safety stock from the lead-time spread alone", () => {
    const input = base();
    const steady = item({ sku: "STEADY", demandHistory: new Array<number>(12).fill(3), onHand: 2, reserved: 0, backordered: 0, leadTimeObservationsDays: undefined, policy: { kind: "reorder-point", service: { kind: "cycle-service-level", value: 0.95 } } });
    const r = replenishmentSuggestions({ ...input, items: [steady, ...input.items.slice(1)] });
    const s = r.suggestions.find((x) => x.sku === "STEADY");
    if (!s) throw new Error("no STEADY suggestion");
    expect(s.explanation.method.model).toBe("ETS(A,N,N)");
    expect(s.explanation.method.reason).toMatch(/^constant demand/);
    expect(s.explanation.forecast.perPeriod[0]).toBe(3);
    expect(s.explanation.forecast.sdPerPeriod).toBe(0);
    // acme's lead time is 14 ± 2 days: L = 2 weeks, σL = 2/7 week, σ = √(2·0² + 3²·(2/7)²) = 6/7.
    const f = s.explanation.formula;
    expect(f.z).toBeCloseTo(1.6448536269514722, 12);
    expect(f.safetyStock).toBeCloseTo((1.6448536269514722 * 6) / 7, 12);
    expect(f.reorderPoint).toBeCloseTo(6 + (1.6448536269514722 * 6) / 7, 12);
    expect(r.suggestions.map((x) => x.sku).sort()).toEqual(["MUG", "STEADY", "TEAPOT"]);
  });

  it("a SKU whose demand history cannot be forecast is named in the error (details.sku and warehouse)", () => {
    const input = base();
    // Squares of 1e306 overflow: no ETS model gets a finite likelihood.
    const huge = item({ sku: "HUGE", warehouse: "east", demandHistory: [0, 1e306, 1, 1e306, 1, 1e306, 1, 1e306, 1, 1e306, 1, 1e306] });
    const e = failure({ ...input, items: [...input.items, huge] });
    expect(e.code).toBe("VALIDATION_FAILED");
    expect(e.details).toMatchObject({ sku: "HUGE", warehouse: "east" });
    expect(e.message).toMatch(/SKU HUGE in warehouse east/);
  });

  it("a min-max policy with min above max is refused, naming the fields, wherever a policy is given", () => {
    const input = base();
    const minMax = { kind: "min-max", min: 100, max: 10 } as const;
    for (const bad of [{ ...input, items: [item({ policy: minMax })] }, { ...input, defaultPolicy: minMax }]) {
      const e = failure(bad);
      expect(e.code).toBe("VALIDATION_FAILED");
      expect(e.message).toMatch(/min must not exceed max/);
      expect(JSON.stringify(e.details.issues)).toMatch(/"path":"(items\[0\]\.policy|defaultPolicy)\.min"/);
    }
    expect(replenishmentPolicySchema.safeParse(minMax).success).toBe(false);
    expect(replenishmentPolicySchema.safeParse({ kind: "min-max", min: 10, max: 10 }).success).toBe(true);
    let pure: unknown;
    try {
      minMaxOrderQuantity({ position: 32, min: 100, max: 10 });
    } catch (caught) {
      pure = caught;
    }
    expect(isStorekeepError(pure) && pure.code === "VALIDATION_FAILED" && /min .*max/.test(pure.message)).toBe(true);
  });

  it("the same supplier twice in suppliers is refused, naming it", () => {
    const input = base();
    const acme = input.suppliers[0] as SuggestionsInput["suppliers"][number];
    const e = failure({ ...input, suppliers: [...input.suppliers, { ...acme, leadTimeDays: { mean: 3, sd: 0 } }] });
    expect(e.code).toBe("VALIDATION_FAILED");
    expect(e.message).toMatch(/supplier acme appears twice/);
    expect(JSON.stringify(e.details.issues)).toMatch(/"path":"suppliers\[2\]\.supplier"/);
  });
});
