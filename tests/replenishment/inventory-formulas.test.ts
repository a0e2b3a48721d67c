import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { normalLoss, normalQuantile } from "../../src/replenishment/forecast/index.js";
import { inventoryPosition, minMaxOrderQuantity, periodicReviewOrderUpTo, reorderPointOrderQuantity, roundToMultiple } from "../../src/replenishment/policies.js";
import { demandOverLeadTime, economicOrderQuantity, safetyFactorForFillRate, safetyStockForCycleServiceLevel, safetyStockForFillRate } from "../../src/replenishment/safety-stock.js";

// Worked examples computed by R (tests/fixtures/forecast/make_reference.R).
const ref = JSON.parse(readFileSync(new URL("../fixtures/forecast/inventory_formulas.json", import.meta.url), "utf8"));
const close = (a: number, e: number, tol = 1e-9) => expect(Math.abs(a - e) / Math.max(1, Math.abs(e)), `${a} vs ${e}`).toBeLessThanOrEqual(tol);

describe("safety stock, fill rate and EOQ: R's worked examples", () => {
  it("z and the normal loss G(z) for each service level", () => {
    for (const row of ref.z_table) {
      close(normalQuantile(row.service_level), row.z);
      close(normalLoss(row.z), row.loss_G);
    }
  });
  it("safety stock and reorder point with constant and variable lead time", () => {
    for (const ex of ref.safety_stock_examples) {
      const i = ex.inputs;
      const base = { meanDemandPerPeriod: i.mean_demand_per_period, sdDemandPerPeriod: i.sd_demand_per_period, leadTimePeriods: i.lead_time_periods, cycleServiceLevel: i.cycle_service_level };
      const constant = safetyStockForCycleServiceLevel(base);
      close(constant.z, ex.z);
      close(constant.sigmaDemandOverLeadTime, ex.sigma_demand_over_lead_time_const_LT);
      close(constant.safetyStock, ex.safety_stock_const_LT);
      close(constant.reorderPoint, ex.reorder_point_const_LT);
      const variable = safetyStockForCycleServiceLevel({ ...base, sdLeadTimePeriods: i.sd_lead_time_periods });
      close(variable.sigmaDemandOverLeadTime, ex.sigma_demand_over_lead_time_var_LT);
      close(variable.safetyStock, ex.safety_stock_var_LT);
      close(variable.reorderPoint, ex.reorder_point_var_LT);
    }
  });
  it("fill-rate safety factor solves sigma * G(z) = (1 - fill rate) * Q", () => {
    for (const ex of ref.fill_rate_examples) {
      const input = { fillRate: ex.fill_rate, orderQuantity: ex.order_qty, sigmaDemandOverLeadTime: ex.sigma_demand_over_lead_time };
      close(safetyFactorForFillRate(input), ex.z);
      close(safetyStockForFillRate(input).safetyStock, ex.safety_stock);
    }
  });
  it("economic order quantity, orders per year and total relevant cost", () => {
    for (const ex of ref.eoq_examples) {
      const r = economicOrderQuantity({ annualDemand: ex.annual_demand, orderCost: ex.order_cost, holdingCostPerUnitYear: ex.holding_cost_per_unit_year });
      close(r.quantity, ex.eoq);
      close(r.ordersPerYear, ex.orders_per_year);
      close(r.totalRelevantCost, ex.total_relevant_cost);
    }
  });
});

describe("properties", () => {
  it("property: safety stock grows with the cycle service level and with lead-time spread", () => {
    fc.assert(
      fc.property(fc.double({ min: 0.5, max: 0.98, noNaN: true }), fc.double({ min: 0.1, max: 50, noNaN: true }), fc.double({ min: 0, max: 5, noNaN: true }), (csl, sd, sdL) => {
        const base = { meanDemandPerPeriod: 10, sdDemandPerPeriod: sd, leadTimePeriods: 4 };
        const a = safetyStockForCycleServiceLevel({ ...base, cycleServiceLevel: csl });
        const b = safetyStockForCycleServiceLevel({ ...base, cycleServiceLevel: csl + 0.01 });
        const c = safetyStockForCycleServiceLevel({ ...base, cycleServiceLevel: csl, sdLeadTimePeriods: sdL });
        expect(b.safetyStock).toBeGreaterThanOrEqual(a.safetyStock);
        expect(c.safetyStock).toBeGreaterThanOrEqual(a.safetyStock - 1e-9);
      }),
    );
  });
  it("property: a higher fill rate never needs a lower safety factor", () => {
    fc.assert(
      fc.property(fc.double({ min: 0.5, max: 0.989, noNaN: true }), fc.double({ min: 1, max: 500, noNaN: true }), fc.double({ min: 1, max: 200, noNaN: true }), (fr, q, s) => {
        expect(safetyFactorForFillRate({ fillRate: fr + 0.01, orderQuantity: q, sigmaDemandOverLeadTime: s })).toBeGreaterThanOrEqual(safetyFactorForFillRate({ fillRate: fr, orderQuantity: q, sigmaDemandOverLeadTime: s }));
      }),
    );
  });
  it("property: rounded-up order quantities are multiples of the pack and never below the need", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 1, max: 144 }), (q, pack) => {
        const r = roundToMultiple(q, pack, "up");
        expect(r % pack).toBe(0);
        expect(r).toBeGreaterThanOrEqual(q);
        expect(r - q).toBeLessThan(pack);
      }),
    );
  });
  it("property: min/max brings the position to at least max whenever it fell below min", () => {
    fc.assert(
      fc.property(fc.integer({ min: -50, max: 200 }), fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 24 }), (pos, min, extra, pack) => {
        const max = min + extra;
        const q = minMaxOrderQuantity({ position: pos, min, max, multiple: pack });
        if (pos >= min) expect(q).toBe(0);
        else expect(pos + q).toBeGreaterThanOrEqual(max);
      }),
    );
  });
});

describe("worked policies", () => {
  it("Odoo min/max with qty_multiple 12: position 8, min 10, max 50 orders 48 (42 rounded up)", () => {
    expect(minMaxOrderQuantity({ position: 8, min: 10, max: 50, multiple: 12 })).toBe(48);
    expect(minMaxOrderQuantity({ position: 8, min: 10, max: 50, multiple: 12, rounding: "down" })).toBe(36);
    expect(minMaxOrderQuantity({ position: 10, min: 10, max: 50 })).toBe(0);
  });
  it("inventory position, (s, S) and (R, S)", () => {
    expect(inventoryPosition({ onHand: 40, reserved: 5, backordered: 3, onOrder: 20 })).toBe(52);
    expect(reorderPointOrderQuantity({ position: 90, reorderPoint: 122, orderUpTo: 341 })).toBe(251);
    expect(reorderPointOrderQuantity({ position: 123, reorderPoint: 122, orderUpTo: 341 })).toBe(0);
    close(periodicReviewOrderUpTo({ meanDemandPerPeriod: 10, sdDemandPerPeriod: 3, reviewPeriods: 7, leadTimePeriods: 2, z: 1.645 }), 90 + 1.645 * 9);
    close(demandOverLeadTime({ meanDemandPerPeriod: 20, sdDemandPerPeriod: 6, leadTimePeriods: 5 }).sd, 6 * Math.sqrt(5));
  });
});
