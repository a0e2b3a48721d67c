import { autoForecast } from "./forecast/auto.js";
import { validationError } from "./forecast/forecast-result.js";
import { leadTimeDemand, leadTimeForecastErrors, refitChosen, summariseLeadTimeErrors } from "./lead-time-error.js";
import { capIsolatedSpikes, capOutliers } from "./outliers.js";
import { type LeadTimeDemandModel, reorderPointForFillRate } from "./safety-stock.js";

/**
 * What a policy sees at the end of each period: the demand history so far, the stock on
 * hand and on order.
 *
 * @example
 * ```ts
 * const s: PolicyState = { period: 20, history: [3, 4, 5], onHand: 10, onOrder: 0 };
 * ```
 */
export interface PolicyState {
  readonly period: number;
  readonly history: readonly number[];
  readonly onHand: number;
  readonly onOrder: number;
}

/**
 * A replenishment policy for simulation: returns the quantity to order now (0 = none).
 *
 * @example
 * ```ts
 * const orderUpTo20: SimulationPolicy = (s) => Math.max(0, 20 - s.onHand - s.onOrder);
 * ```
 */
export type SimulationPolicy = (state: PolicyState) => number;

/**
 * One simulation: a demand history replayed period by period, under a policy.
 *
 * @example
 * ```ts
 * const o: SimulationOptions = { demand: [5, 6, 4, 7], warmupPeriods: 2, leadTimePeriods: 1, initialStock: 10, unitCost: 2, orderCost: 10, holdingRatePerPeriod: 0.005 };
 * ```
 */
export interface SimulationOptions {
  readonly demand: readonly number[];
  /** Periods used only as history before the replay starts. */
  readonly warmupPeriods: number;
  /** Whole periods between placing an order (end of a period) and receiving it (start of a later one). */
  readonly leadTimePeriods: number;
  readonly initialStock: number;
  /** Unit value for the average inventory value (a float statistic, not booked money). */
  readonly unitCost: number;
  readonly orderCost: number;
  /** Holding cost per unit per period as a share of unit cost. */
  readonly holdingRatePerPeriod: number;
  /** Called after every simulated period (for a progress bar). */
  readonly onProgress?: (progress: { readonly done: number; readonly total: number }) => void;
}

/**
 * What a simulation measured. Unmet demand is lost (an online shop's customer buys
 * elsewhere), so fill rate = served / demanded.
 *
 * @example
 * ```ts
 * const r: SimulationResult = simulateReplenishment(options, policy);
 * r.fillRate;
 * ```
 */
export interface SimulationResult {
  readonly periods: number;
  readonly demand: number;
  readonly served: number;
  readonly fillRate: number;
  /** Periods that ended with unmet demand. */
  readonly stockoutPeriods: number;
  readonly averageInventoryUnits: number;
  readonly averageInventoryValue: number;
  readonly orders: number;
  readonly unitsOrdered: number;
  readonly orderingCost: number;
  readonly holdingCost: number;
  readonly totalCost: number;
}

/**
 * Replays `demand` from `warmupPeriods` on: each period receives due orders, serves
 * demand from stock (the rest is lost), then asks the policy for an order that arrives
 * `leadTimePeriods` later. Inventory is measured at the end of each period.
 *
 * @example
 * ```ts
 * const r = simulateReplenishment(
 *   { demand: [5, 6, 4, 7, 5, 6], warmupPeriods: 2, leadTimePeriods: 1, initialStock: 10, unitCost: 2, orderCost: 10, holdingRatePerPeriod: 0.005 },
 *   (s) => (s.onHand + s.onOrder < 8 ? 12 : 0),
 * );
 * r.fillRate;
 * ```
 */
export function simulateReplenishment(options: SimulationOptions, policy: SimulationPolicy): SimulationResult {
  const { demand, warmupPeriods: w, leadTimePeriods: L } = options;
  if (!(Number.isInteger(w) && w >= 1 && w < demand.length)) throw validationError("warmupPeriods must be an integer from 1 to the demand length − 1", { warmupPeriods: w });
  if (!(Number.isInteger(L) && L >= 0 && L <= 1000)) throw validationError("leadTimePeriods must be an integer from 0 to 1000", { leadTimePeriods: L });
  const arrivals = new Float64Array(demand.length + L + 1);
  let onHand = options.initialStock;
  let onOrder = 0;
  let demanded = 0;
  let served = 0;
  let stockouts = 0;
  let inventorySum = 0;
  let orders = 0;
  let unitsOrdered = 0;
  for (let t = w; t < demand.length; t++) {
    const arriving = arrivals[t] as number;
    onHand += arriving;
    onOrder -= arriving;
    const d = demand[t] as number;
    const s = Math.min(onHand, d);
    onHand -= s;
    demanded += d;
    served += s;
    if (s < d) stockouts++;
    const q = Math.max(0, Math.ceil(policy({ period: t, history: demand.slice(0, t + 1), onHand, onOrder }) - 1e-9));
    if (q > 0) {
      orders++;
      unitsOrdered += q;
      onOrder += q;
      if (L === 0) {
        onHand += q;
        onOrder -= q;
      } else arrivals[t + L] = (arrivals[t + L] as number) + q;
    }
    inventorySum += onHand;
    options.onProgress?.({ done: t - w + 1, total: demand.length - w });
  }
  const periods = demand.length - w;
  const avgUnits = inventorySum / periods;
  const orderingCost = orders * options.orderCost;
  const holdingCost = inventorySum * options.unitCost * options.holdingRatePerPeriod;
  return {
    periods,
    demand: demanded,
    served,
    fillRate: demanded > 0 ? served / demanded : 1,
    stockoutPeriods: stockouts,
    averageInventoryUnits: avgUnits,
    averageInventoryValue: avgUnits * options.unitCost,
    orders,
    unitsOrdered,
    orderingCost,
    holdingCost,
    totalCost: orderingCost + holdingCost,
  };
}

/**
 * Parameters shared by the two policies compared by the simulator.
 *
 * @example
 * ```ts
 * const p: PolicyParameters = { fillRate: 0.95, leadTimePeriods: 2, orderQuantity: 40 };
 * ```
 */
export interface PolicyParameters {
  readonly fillRate: number;
  readonly leadTimePeriods: number;
  /**
   * Order quantity Q (e.g. EOQ or a period's demand); the fill-rate safety factor depends
   * on it. A function gets the current forecast per period (the forecast-driven policy
   * re-derives Q, e.g. EOQ, every period; the static rule calls it once with the warm-up mean).
   */
  readonly orderQuantity: number | ((forecastPerPeriod: number) => number);
  /**
   * The model of demand over the lead time for the fill rate, as in a suggestion's fill-rate
   * target: `"auto"` (the default: gamma when σ_LT > 0.5·μ_LT, else normal), `"normal"` or `"gamma"`.
   */
  readonly leadTimeDemand?: LeadTimeDemandModel;
  /**
   * How the forecast-driven policy measures the forecast's error over the lead time, as a
   * suggestion's service target: `"rolling-origin"` (the default: the mean and spread of the
   * out-of-sample errors of the L-period forecast from past origins, once there are 8) or
   * `"one-step"` (σ of the one-step residuals × √L, no bias). Static min/max ignores it.
   */
  readonly forecastError?: "rolling-origin" | "one-step";
}

function meanSd(x: readonly number[]): { mean: number; sd: number } {
  const mean = x.reduce((a, v) => a + v, 0) / x.length;
  const sd = x.length > 1 ? Math.sqrt(x.reduce((a, v) => a + (v - mean) ** 2, 0) / (x.length - 1)) : 0;
  return { mean, sd };
}

function quantityFor(p: PolicyParameters, forecastPerPeriod: number): number {
  return typeof p.orderQuantity === "number" ? p.orderQuantity : p.orderQuantity(forecastPerPeriod);
}

/**
 * The fill rate's reorder point over the lead time, with the lead-time demand model the
 * parameters choose (the same rule as a suggestion's): normal μ + max(0, z·σ), or the gamma's.
 * A fill rate is always read as a fill rate: σ = 0 plans the mean (no spread, no safety stock),
 * and so does a batch of nothing (Q = 0, e.g. the EOQ of a forecast of zero): a fill rate
 * allows (1 − fill rate)·Q of shortage per replenishment cycle, and a cycle that brings
 * nothing has no demand planned to serve beyond the mean, as a suggestion plans it. It is
 * never read as a cycle service level (μ + Φ⁻¹(fill rate)·σ). A negative or non-finite Q is refused.
 */
function fillRateReorderPoint(p: PolicyParameters, q: number, meanLt: number, sigmaLt: number): number {
  if (!(p.fillRate > 0 && p.fillRate < 1)) throw validationError("fillRate must be strictly between 0 and 1", { fillRate: p.fillRate });
  if (!(Number.isFinite(q) && q >= 0)) throw validationError("orderQuantity must be a finite number >= 0 (0: no batch, the reorder point is the mean lead-time demand)", { orderQuantity: q });
  if (q === 0) return meanLt;
  return reorderPointForFillRate({ fillRate: p.fillRate, orderQuantity: q, meanDemandOverLeadTime: meanLt, sigmaDemandOverLeadTime: Math.max(0, sigmaLt), leadTimeDemand: p.leadTimeDemand ?? "auto" }).reorderPoint;
}

/**
 * A static min/max rule as a shop sets it once (Odoo, ERPNext): from the warm-up
 * history's mean μ and standard deviation σ, min = μ·L + z·σ·√L (z for the target fill
 * rate; under the gamma model, chosen as `leadTimeDemand` says, the gamma's reorder point for
 * mean μ·L and σ·√L), max = min + Q; thereafter order up to max whenever the position drops
 * below min.
 *
 * @example
 * ```ts
 * const { min, max, policy } = staticMinMaxPolicy([5, 6, 4, 7, 5, 6], { fillRate: 0.95, leadTimePeriods: 2, orderQuantity: 12 });
 * ```
 */
export function staticMinMaxPolicy(warmup: readonly number[], p: PolicyParameters): { min: number; max: number; policy: SimulationPolicy } {
  const { mean, sd } = meanSd(warmup);
  const sigma = sd * Math.sqrt(p.leadTimePeriods);
  const q = quantityFor(p, mean);
  const min = fillRateReorderPoint(p, q, mean * p.leadTimePeriods, sigma);
  const max = min + q;
  return { min, max, policy: (s) => (s.onHand + s.onOrder < min ? max - s.onHand - s.onOrder : 0) };
}

/**
 * The forecast-driven policy (after {@link capOutliers}, as suggestions by default): every period, re-forecast with
 * {@link autoForecast} on the history so far and order up to ROP + Q when the position is at
 * or below the fill rate's reorder point ROP over the L periods the position must cover (an
 * order placed at the end of period t arrives at the start of t + L and the next one at
 * t + 1 + L). The lead-time demand is that of a suggestion ({@link leadTimeDemand}): by
 * default the forecast f·L plus the mean of the policy's own out-of-sample L-period errors
 * from past origins (each origin forecast as the policy would have, outlier cap included;
 * the errors against the demand with its isolated one-off spikes cut, {@link capIsolatedSpikes}),
 * with their standard deviation as σ; with fewer
 * than 8 such errors, or `forecastError: "one-step"`, f·L with σ = one-step residual σ × √L.
 * The fill rate is planned on the normal or the gamma as `leadTimeDemand` chooses (gamma when
 * σ > 0.5·μ by default).
 *
 * @example
 * ```ts
 * const policy = forecastDrivenPolicy({ fillRate: 0.95, leadTimePeriods: 2, orderQuantity: 12 });
 * ```
 */
export function forecastDrivenPolicy(p: PolicyParameters): SimulationPolicy {
  // The forecast each history prefix gave: a simulation asks for the same prefixes every period.
  // (by the model chosen now: see refitChosen).
  const levels = new Map<string, number>();
  // One refitting forecaster per chosen model: the prefixes it refits on are shared by the origins after them.
  const rates = new Map<string, (prefix: readonly number[]) => number>();
  const levelAt = (chosen: { readonly method: string; readonly model: string }, history: readonly number[]): number => {
    const key = `${chosen.method}|${chosen.model}|${history.join(",")}`;
    let level = levels.get(key);
    if (level === undefined) {
      const model = `${chosen.method}|${chosen.model}`;
      let rate = rates.get(model);
      if (rate === undefined) {
        rate = refitChosen(chosen);
        rates.set(model, rate);
      }
      level = rate(capOutliers(history));
      levels.set(key, level);
    }
    return level;
  };
  return (s) => {
    // A product launched during the history is read from its first sale: the weeks before it
    // existed are not zero demand (the same rule as sk.replenishment's first movement).
    const first = s.history.findIndex((v) => v > 0);
    if (first < 0) return 0;
    const sold = s.history.slice(first);
    const history = capOutliers(sold);
    const f = autoForecast(history, { h: 1, levels: [] });
    const level = Math.max(0, f.mean[0] as number);
    let ss = 0;
    let n = 0;
    for (let t = 0; t < history.length; t++) {
      const fit = f.fitted[t] as number;
      if (!Number.isNaN(fit)) {
        ss += ((history[t] as number) - fit) ** 2;
        n++;
      }
    }
    const residualSd = n > 1 ? Math.sqrt(ss / n) : meanSd(history).sd;
    const L = p.leadTimePeriods;
    const forecastError = (p.forecastError ?? "rolling-origin") === "rolling-origin" ? summariseLeadTimeErrors(leadTimeForecastErrors(sold, (y, h) => new Array<number>(h).fill(levelAt(f, y)), { leadTimePeriods: L, actuals: capIsolatedSpikes(sold) })) : undefined;
    const lt = leadTimeDemand({ meanDemandPerPeriod: level, sdDemandPerPeriod: residualSd, leadTimePeriods: L, ...(forecastError ? { forecastError } : {}) });
    const q = quantityFor(p, level);
    const rop = fillRateReorderPoint(p, q, lt.mean, lt.sd);
    const position = s.onHand + s.onOrder;
    return position <= rop ? rop + q - position : 0;
  };
}
