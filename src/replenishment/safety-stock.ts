import { validationError } from "./forecast/forecast-result.js";
import { gammaLoss, inverseRegularizedGammaP } from "./forecast/gamma.js";
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
 * stock-out in a replenishment cycle) on the normal model: SS = z·σ_LT, ROP = μ_LT + SS,
 * z = Φ⁻¹(CSL). {@link reorderPointForCycleServiceLevel} chooses between this and the gamma.
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
 * How demand over the lead time is modelled for a fill-rate target: `"normal"` (mean and
 * standard deviation of a normal distribution), `"gamma"` (a gamma distribution with the
 * same mean and standard deviation: never negative, skewed to the right), or `"auto"`
 * (gamma when σ_LT exceeds {@link GAMMA_CV_THRESHOLD}·μ_LT, which includes a forecast of
 * about zero with a spread, else normal).
 *
 * @example
 * ```ts
 * const model: LeadTimeDemandModel = "auto";
 * ```
 */
export type LeadTimeDemandModel = "normal" | "gamma" | "auto";

/**
 * `"auto"` takes the gamma model when the lead-time demand's coefficient of variation
 * σ_LT/μ_LT is above this (0.5). Below it the normal puts less than 2.3% of its mass below
 * zero and the two models' reorder points are close; above it the normal's mass below zero
 * (16% at 1, 38% at 3) still asks for stock the gamma, which has none there, does not.
 *
 * @example
 * ```ts
 * GAMMA_CV_THRESHOLD; // 0.5
 * ```
 */
export const GAMMA_CV_THRESHOLD = 0.5;

/**
 * The model a setting stands for, given the lead-time demand's mean and standard deviation:
 * `"normal"` and `"gamma"` as they are; `"auto"` is gamma when σ > 0 and σ > 0.5·μ (a
 * forecast of ~0 with a spread of past errors has σ/μ far above it), else normal.
 *
 * @example
 * ```ts
 * leadTimeDemandModelFor("auto", { mean: 100, sd: 20 }); // "normal"
 * leadTimeDemandModelFor("auto", { mean: 0.02, sd: 40 }); // "gamma"
 * ```
 */
export function leadTimeDemandModelFor(setting: LeadTimeDemandModel, leadTimeDemand: { readonly mean: number; readonly sd: number }): "normal" | "gamma" {
  if (setting !== "auto") return setting;
  return leadTimeDemand.sd > 0 && leadTimeDemand.sd > GAMMA_CV_THRESHOLD * leadTimeDemand.mean ? "gamma" : "normal";
}

function checkFillRateInput(input: { readonly fillRate: number; readonly orderQuantity: number }): void {
  if (!(input.fillRate > 0 && input.fillRate < 1)) throw validationError("fillRate must be strictly between 0 and 1", { fillRate: input.fillRate });
  if (!(input.orderQuantity > 0 && Number.isFinite(input.orderQuantity))) throw validationError("orderQuantity must be a finite number greater than 0", { orderQuantity: input.orderQuantity });
}

/**
 * Reorder point s for a target fill rate when demand over the lead time is gamma with mean
 * μ_LT and standard deviation σ_LT (shape k = μ²/σ², scale θ = σ²/μ; Silver, Pyke and
 * Thomas): s solves E[(X − s)⁺] = (1 − fill rate)·Q, the expected shortage per cycle from
 * the gamma loss function (`gammaLoss`). When even s = 0 leaves an expected shortage
 * of at most (1 − fill rate)·Q (μ_LT ≤ (1 − fill rate)·Q), s is 0: a forecast of almost
 * nothing needs no stock whatever the spread of past errors. The result may lie below μ_LT
 * (the gamma's median is below its mean).
 *
 * @example
 * ```ts
 * // Shape 1 (σ = μ = 10) is the exponential, loss 10·e^(−s/10): 10·e^(−s/10) = 0.05·20 gives s = 10·ln 10.
 * gammaReorderPointForFillRate({ fillRate: 0.95, orderQuantity: 20, meanDemandOverLeadTime: 10, sigmaDemandOverLeadTime: 10 }); // 23.02585...
 * // Forecast 0.05 over the lead time, past errors of ±200: no reorder point.
 * gammaReorderPointForFillRate({ fillRate: 0.95, orderQuantity: 24, meanDemandOverLeadTime: 0.05, sigmaDemandOverLeadTime: 200 }); // 0
 * ```
 */
export function gammaReorderPointForFillRate(input: { readonly fillRate: number; readonly orderQuantity: number; readonly meanDemandOverLeadTime: number; readonly sigmaDemandOverLeadTime: number }): number {
  checkFillRateInput(input);
  const mean = input.meanDemandOverLeadTime;
  const sd = input.sigmaDemandOverLeadTime;
  if (!(Number.isFinite(mean) && mean >= 0)) throw validationError("meanDemandOverLeadTime must be a finite number >= 0", { meanDemandOverLeadTime: mean });
  if (!(Number.isFinite(sd) && sd >= 0)) throw validationError("sigmaDemandOverLeadTime must be a finite number >= 0", { sigmaDemandOverLeadTime: sd });
  const target = (1 - input.fillRate) * input.orderQuantity;
  // E[(X − 0)⁺] = μ: nothing to hold when the whole mean is within the shortage allowed.
  if (mean <= target) return 0;
  if (sd === 0) return mean - target;
  const distribution = { mean, sd };
  // The loss falls from μ at 0 towards 0: find an s above the target's, then bisect.
  let lo = 0;
  let hi = mean + sd;
  for (let i = 0; i < 2000 && gammaLoss(hi, distribution) > target; i++) {
    lo = hi;
    hi *= 2;
  }
  for (let i = 0; i < 200 && hi - lo > 1e-13 * hi; i++) {
    const mid = 0.5 * (lo + hi);
    if (gammaLoss(mid, distribution) > target) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

/**
 * Reorder point for a target fill rate under either lead-time demand model, as suggestions
 * and the simulator's policies plan it. Normal: z from {@link safetyFactorForFillRate}.
 * Gamma: s from {@link gammaReorderPointForFillRate}, z = (s − μ)/σ for comparison. Under
 * both the safety stock is max(0, z·σ) and ROP = μ + safety stock: the reorder point is
 * never below the mean lead-time demand (a large batch Q lets the fill rate alone accept a
 * stock-out in every cycle). `leadTimeDemand` defaults to `"auto"`
 * ({@link leadTimeDemandModelFor}); `model` says which was used.
 *
 * @example
 * ```ts
 * const r = reorderPointForFillRate({ fillRate: 0.95, orderQuantity: 24, meanDemandOverLeadTime: 0.05, sigmaDemandOverLeadTime: 200 });
 * r.model; // "gamma"
 * r.reorderPoint; // 0.05, the mean (the normal model asks for 425.47: z = 2.127 on σ = 200)
 * ```
 */
export function reorderPointForFillRate(input: {
  readonly fillRate: number;
  readonly orderQuantity: number;
  readonly meanDemandOverLeadTime: number;
  readonly sigmaDemandOverLeadTime: number;
  readonly leadTimeDemand?: LeadTimeDemandModel;
}): { model: "normal" | "gamma"; z: number; safetyStock: number; reorderPoint: number } {
  const mean = input.meanDemandOverLeadTime;
  const sd = input.sigmaDemandOverLeadTime;
  const model = leadTimeDemandModelFor(input.leadTimeDemand ?? "auto", { mean, sd });
  const z = model === "normal" ? safetyFactorForFillRate(input) : sd > 0 ? (gammaReorderPointForFillRate(input) - mean) / sd : 0;
  const safetyStock = Math.max(0, z * sd);
  return { model, z, safetyStock, reorderPoint: mean + safetyStock };
}

function checkLeadTimeDemand(mean: number, sd: number): void {
  if (!(Number.isFinite(mean) && mean >= 0)) throw validationError("meanDemandOverLeadTime must be a finite number >= 0", { meanDemandOverLeadTime: mean });
  if (!(Number.isFinite(sd) && sd >= 0)) throw validationError("sigmaDemandOverLeadTime must be a finite number >= 0", { sigmaDemandOverLeadTime: sd });
}

/**
 * Reorder point s for a target cycle service level when demand over the lead time X is gamma
 * with mean μ_LT and standard deviation σ_LT: s is the CSL-quantile of X, P(X ≤ s) = CSL, so
 * s = θ·P⁻¹(k, CSL) with shape k = μ²/σ², scale θ = σ²/μ and P⁻¹ the inverse of the
 * regularized lower incomplete gamma function (`inverseRegularizedGammaP`). μ_LT = 0 is no
 * demand (s = 0: as μ → 0 with σ fixed the gamma's quantiles fall to 0); σ_LT = 0 is a
 * constant μ_LT (s = μ). The result may lie below μ_LT (the gamma's median is below its mean).
 *
 * @example
 * ```ts
 * // Shape 1 (σ = μ = 10) is the exponential: s = −10·ln(1 − 0.95).
 * gammaReorderPointForCycleServiceLevel({ cycleServiceLevel: 0.95, meanDemandOverLeadTime: 10, sigmaDemandOverLeadTime: 10 }); // 29.957...
 * ```
 */
export function gammaReorderPointForCycleServiceLevel(input: { readonly cycleServiceLevel: number; readonly meanDemandOverLeadTime: number; readonly sigmaDemandOverLeadTime: number }): number {
  if (!(input.cycleServiceLevel > 0 && input.cycleServiceLevel < 1)) throw validationError("cycleServiceLevel must be strictly between 0 and 1", { cycleServiceLevel: input.cycleServiceLevel });
  const mean = input.meanDemandOverLeadTime;
  const sd = input.sigmaDemandOverLeadTime;
  checkLeadTimeDemand(mean, sd);
  if (mean === 0) return 0;
  if (sd === 0) return mean;
  const shape = (mean / sd) ** 2;
  const scale = (sd * sd) / mean;
  return scale * inverseRegularizedGammaP(shape, input.cycleServiceLevel);
}

/**
 * Reorder point for a target cycle service level under either lead-time demand model, as
 * suggestions plan it, with the same model choice as {@link reorderPointForFillRate}. Normal:
 * z = Φ⁻¹(CSL). Gamma: s from {@link gammaReorderPointForCycleServiceLevel}, z = (s − μ)/σ for
 * comparison. Under both the safety stock is max(0, z·σ) and ROP = μ + safety stock: the
 * reorder point is never below the mean lead-time demand (a CSL below P(X ≤ μ) is met at μ).
 * `leadTimeDemand` defaults to `"auto"` ({@link leadTimeDemandModelFor}); `model` says which
 * was used.
 *
 * @example
 * ```ts
 * // μ 100, σ 60 (CV 0.6): auto takes the gamma (shape 2.78, scale 36), whose long right tail asks for more than the normal's 198.7.
 * const r = reorderPointForCycleServiceLevel({ cycleServiceLevel: 0.95, meanDemandOverLeadTime: 100, sigmaDemandOverLeadTime: 60 });
 * r.model; // "gamma"
 * r.reorderPoint; // 214.595...
 * ```
 */
export function reorderPointForCycleServiceLevel(input: {
  readonly cycleServiceLevel: number;
  readonly meanDemandOverLeadTime: number;
  readonly sigmaDemandOverLeadTime: number;
  readonly leadTimeDemand?: LeadTimeDemandModel;
}): { model: "normal" | "gamma"; z: number; safetyStock: number; reorderPoint: number } {
  if (!(input.cycleServiceLevel > 0 && input.cycleServiceLevel < 1)) throw validationError("cycleServiceLevel must be strictly between 0 and 1", { cycleServiceLevel: input.cycleServiceLevel });
  const mean = input.meanDemandOverLeadTime;
  const sd = input.sigmaDemandOverLeadTime;
  checkLeadTimeDemand(mean, sd);
  const model = leadTimeDemandModelFor(input.leadTimeDemand ?? "auto", { mean, sd });
  const z = model === "normal" ? zForServiceLevel(input.cycleServiceLevel) : sd > 0 ? (gammaReorderPointForCycleServiceLevel(input) - mean) / sd : 0;
  const safetyStock = Math.max(0, z * sd);
  return { model, z, safetyStock, reorderPoint: mean + safetyStock };
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

