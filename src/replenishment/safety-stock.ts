import { validationError } from "./forecast/forecast-result.js";
import { normalLoss, normalQuantile } from "./forecast/normal.js";

/**
 * Demand and lead time, per period (a day or a week: the same unit for both).
 *
 * @example
 * ```ts
 * const d: DemandAndLeadTime = { meanDemandPerPeriod: 20, sdDemandPerPeriod: 6, leadTimePeriods: 5, sdLeadTimePeriods: 1.5 };
 * ```
 */
export interface DemandAndLeadTime {
  readonly meanDemandPerPeriod: number;
  readonly sdDemandPerPeriod: number;
  readonly leadTimePeriods: number;
  /** Spread of the supplier's lead time (0 = constant). */
  readonly sdLeadTimePeriods?: number;
}

function checkNonNegative(name: string, v: number | undefined): void {
  if (v !== undefined && !(Number.isFinite(v) && v >= 0)) throw validationError(`${name} must be a finite number >= 0`, { [name]: v });
}

function checkDemand(d: DemandAndLeadTime): void {
  checkNonNegative("meanDemandPerPeriod", d.meanDemandPerPeriod);
  checkNonNegative("sdDemandPerPeriod", d.sdDemandPerPeriod);
  checkNonNegative("leadTimePeriods", d.leadTimePeriods);
  checkNonNegative("sdLeadTimePeriods", d.sdLeadTimePeriods);
}

/**
 * Mean and standard deviation of demand over the lead time:
 * μ = d·L, σ = √(L·σd² + d²·σL²) (independent demand and lead time; σL = 0 gives σd·√L).
 *
 * @example
 * ```ts
 * demandOverLeadTime({ meanDemandPerPeriod: 20, sdDemandPerPeriod: 6, leadTimePeriods: 5, sdLeadTimePeriods: 1.5 }).sd; // 32.863...
 * ```
 */
export function demandOverLeadTime(d: DemandAndLeadTime): { mean: number; sd: number } {
  checkDemand(d);
  const sdL = d.sdLeadTimePeriods ?? 0;
  return { mean: d.meanDemandPerPeriod * d.leadTimePeriods, sd: Math.sqrt(d.leadTimePeriods * d.sdDemandPerPeriod ** 2 + d.meanDemandPerPeriod ** 2 * sdL ** 2) };
}

/** The last service level's z, kept: a catalogue is planned for one service level, so Φ⁻¹ is computed once, not per SKU. */
let lastLevel = Number.NaN;
let lastZ = 0;

function zForServiceLevel(level: number): number {
  if (level !== lastLevel) {
    lastZ = normalQuantile(level);
    lastLevel = level;
  }
  return lastZ;
}

/**
 * Safety stock and reorder point for a target cycle service level (probability of no
 * stock-out in a replenishment cycle): SS = z·σ_LT, ROP = μ_LT + SS, z = Φ⁻¹(CSL).
 *
 * @example
 * ```ts
 * const r = safetyStockForCycleServiceLevel({ meanDemandPerPeriod: 20, sdDemandPerPeriod: 6, leadTimePeriods: 5, cycleServiceLevel: 0.95 });
 * r.safetyStock; // 22.068...
 * r.reorderPoint; // 122.068...
 * ```
 */
export function safetyStockForCycleServiceLevel(input: DemandAndLeadTime & { readonly cycleServiceLevel: number }): { z: number; sigmaDemandOverLeadTime: number; safetyStock: number; reorderPoint: number } {
  if (!(input.cycleServiceLevel > 0 && input.cycleServiceLevel < 1)) throw validationError("cycleServiceLevel must be strictly between 0 and 1", { cycleServiceLevel: input.cycleServiceLevel });
  const lt = demandOverLeadTime(input);
  const z = zForServiceLevel(input.cycleServiceLevel);
  return { z, sigmaDemandOverLeadTime: lt.sd, safetyStock: z * lt.sd, reorderPoint: lt.mean + z * lt.sd };
}

/**
 * Safety factor z for a target fill rate (share of demand served from stock) with
 * order quantity Q: solves σ_LT·G(z) = (1 − fill rate)·Q, G the standard normal loss.
 *
 * @example
 * ```ts
 * safetyFactorForFillRate({ fillRate: 0.98, orderQuantity: 200, sigmaDemandOverLeadTime: 50 }); // 1.0212...
 * ```
 */
export function safetyFactorForFillRate(input: { readonly fillRate: number; readonly orderQuantity: number; readonly sigmaDemandOverLeadTime: number }): number {
  if (!(input.fillRate > 0 && input.fillRate < 1)) throw validationError("fillRate must be strictly between 0 and 1", { fillRate: input.fillRate });
  if (!(input.orderQuantity > 0)) throw validationError("orderQuantity must be greater than 0", { orderQuantity: input.orderQuantity });
  if (!(input.sigmaDemandOverLeadTime >= 0)) throw validationError("sigmaDemandOverLeadTime must be >= 0");
  if (input.sigmaDemandOverLeadTime === 0) return 0;
  const target = ((1 - input.fillRate) * input.orderQuantity) / input.sigmaDemandOverLeadTime;
  // G is decreasing: bisection on [-5, 8] to machine precision.
  let lo = -5;
  let hi = 8;
  if (normalLoss(lo) <= target) return lo;
  if (normalLoss(hi) >= target) return hi;
  for (let i = 0; i < 200 && hi - lo > 1e-15; i++) {
    const mid = 0.5 * (lo + hi);
    if (normalLoss(mid) > target) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

/**
 * Safety stock for a target fill rate: z from {@link safetyFactorForFillRate}, SS = z·σ_LT.
 *
 * @example
 * ```ts
 * safetyStockForFillRate({ fillRate: 0.95, orderQuantity: 100, sigmaDemandOverLeadTime: 40 }).safetyStock; // 31.108...
 * ```
 */
export function safetyStockForFillRate(input: { readonly fillRate: number; readonly orderQuantity: number; readonly sigmaDemandOverLeadTime: number }): { z: number; safetyStock: number } {
  const z = safetyFactorForFillRate(input);
  return { z, safetyStock: z * input.sigmaDemandOverLeadTime };
}

/**
 * Economic order quantity Q* = √(2DS/H), with orders per year D/Q* and the total
 * relevant (ordering + holding) cost √(2DSH).
 *
 * @example
 * ```ts
 * economicOrderQuantity({ annualDemand: 1200, orderCost: 50, holdingCostPerUnitYear: 2.5 }).quantity; // 219.089...
 * ```
 */
export function economicOrderQuantity(input: { readonly annualDemand: number; readonly orderCost: number; readonly holdingCostPerUnitYear: number }): { quantity: number; ordersPerYear: number; totalRelevantCost: number } {
  const { annualDemand: D, orderCost: S, holdingCostPerUnitYear: H } = input;
  if (!(D >= 0 && Number.isFinite(D))) throw validationError("annualDemand must be a finite number >= 0", { annualDemand: D });
  if (!(S >= 0 && Number.isFinite(S))) throw validationError("orderCost must be a finite number >= 0", { orderCost: S });
  if (!(H > 0 && Number.isFinite(H))) throw validationError("holdingCostPerUnitYear must be greater than 0", { holdingCostPerUnitYear: H });
  const quantity = Math.sqrt((2 * D * S) / H);
  return { quantity, ordersPerYear: quantity > 0 ? D / quantity : 0, totalRelevantCost: Math.sqrt(2 * D * S * H) };
}

