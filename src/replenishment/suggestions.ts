import { z } from "zod";
import { type Decimal, canonicalDecimal, toDecimal } from "../kernel/decimal.js";
import { StorekeepError, isStorekeepError, parseWith } from "../kernel/errors.js";
import { type LocalDate, addDays, compareLocalDates, localDateSchema } from "../kernel/local-date.js";
import { canonicalJson, fingerprint } from "./fingerprint.js";
import { validationError } from "./forecast/forecast-result.js";
import { type AutoForecast, autoForecast } from "./forecast/auto.js";
import type { DemandClassification } from "./forecast/classify.js";
import { type PackRounding, inventoryPosition, minMaxOrderQuantity, orderableQuantity } from "./policies.js";
import { capIsolatedSpikes, capOutliers, outlierCap } from "./outliers.js";
import { LEAD_TIME_ERROR_MIN_ORIGINS, type LeadTimeForecastError, leadTimeDemand as demandOverProtection, leadTimeForecastErrors, refitChosen, summariseLeadTimeErrors } from "./lead-time-error.js";
import { GAMMA_CV_THRESHOLD, economicOrderQuantity, leadTimeDemandModelFor, reorderPointForCycleServiceLevel, reorderPointForFillRate } from "./safety-stock.js";
import { strictInput } from "../kernel/strict-input.js";

const decimalText = z.string().regex(/^\d+(\.\d+)?$/, "must be a non-negative decimal written like 12.50");
const quantity = z.number().finite().min(0);
/**
 * Schema of a {@link ServiceTarget}.
 *
 * @example
 * ```ts
 * serviceTargetSchema.safeParse(value).success;
 * ```
 */
export const serviceTargetSchema = z.discriminatedUnion("kind", [
  strictInput({
    kind: z.literal("cycle-service-level"),
    value: z.number().gt(0).lt(1),
    /** How demand over the lead time is modelled: normal, gamma, or auto (gamma when σ_LT > 0.5·μ_LT; the default). */
    leadTimeDemand: z.enum(["normal", "gamma", "auto"]).optional(),
    /** How the forecast's error over the lead time is measured: rolling-origin (the default) or one-step (σ₁·√L, no bias). */
    forecastError: z.enum(["rolling-origin", "one-step"]).optional(),
  }),
  strictInput({
    kind: z.literal("fill-rate"),
    value: z.number().gt(0).lt(1),
    /** How demand over the lead time is modelled: normal, gamma, or auto (gamma when σ_LT > 0.5·μ_LT; the default). */
    leadTimeDemand: z.enum(["normal", "gamma", "auto"]).optional(),
    /** How the forecast's error over the lead time is measured: rolling-origin (the default) or one-step (σ₁·√L, no bias). */
    forecastError: z.enum(["rolling-origin", "one-step"]).optional(),
  }),
]);
/**
 * Schema of a {@link ReplenishmentPolicy}.
 *
 * @example
 * ```ts
 * replenishmentPolicySchema.safeParse(value).success;
 * ```
 */
export const replenishmentPolicySchema = z.discriminatedUnion("kind", [
  strictInput({ kind: z.literal("reorder-point"), service: serviceTargetSchema, orderQuantity: z.union([z.literal("eoq"), z.number().positive()]).optional() }),
  strictInput({ kind: z.literal("periodic-review"), service: serviceTargetSchema, reviewPeriodDays: z.number().int().positive() }),
  z
    .object({ kind: z.literal("min-max"), min: quantity, max: quantity, rounding: z.enum(["up", "down", "nearest", "none"]).optional() })
    .refine((p) => p.min <= p.max, { message: "min must not exceed max: lower min or raise max (below min, the order brings the position up to max)", path: ["min"] }),
]);
/**
 * Schema of {@link SupplierTerms}.
 *
 * @example
 * ```ts
 * supplierTermsSchema.safeParse(value).success;
 * ```
 */
export const supplierTermsSchema = strictInput({
  supplier: z.string().min(1),
  currency: z.string().regex(/^[A-Z]{3}$/, "must be an ISO 4217 code like EUR"),
  minimumOrderQuantity: quantity.optional(),
  packMultiple: quantity.optional(),
  priceBreaks: z.array(strictInput({ minQuantity: quantity, unitPrice: decimalText })).min(1, "give at least one price (minQuantity 0)"),
  leadTimeDays: strictInput({ mean: z.number().positive(), sd: z.number().min(0) }).optional(),
  orderCost: decimalText.optional(),
});
/**
 * Schema of a {@link ReplenishmentItem}.
 *
 * @example
 * ```ts
 * replenishmentItemSchema.safeParse(value).success;
 * ```
 */
export const replenishmentItemSchema = strictInput({
  sku: z.string().min(1),
  warehouse: z.string().min(1),
  supplier: z.string().min(1),
  demandHistory: z.array(quantity).min(1).max(100_000),
  periodDays: z.number().int().min(1).max(366),
  onHand: z.number().finite(),
  reserved: quantity,
  backordered: quantity,
  openPurchaseOrders: z.array(strictInput({ reference: z.string().min(1), quantity: quantity, expectedDate: localDateSchema })).optional(),
  leadTimeObservationsDays: z.array(z.number().positive()).optional(),
  /** This SKU's stated lead time at the supplier (used without two observations); the supplier's when left out. */
  leadTimeDays: strictInput({ mean: z.number().positive(), sd: z.number().min(0) }).optional(),
  unitCost: decimalText.optional(),
  /** This SKU's price list at the supplier; the supplier's `priceBreaks` when left out. */
  priceBreaks: z.array(strictInput({ minQuantity: quantity, unitPrice: decimalText })).min(1).optional(),
  /** This SKU's minimum order quantity at the supplier; the supplier's when left out. */
  minimumOrderQuantity: quantity.optional(),
  /** This SKU's pack multiple at the supplier; the supplier's when left out. */
  packMultiple: quantity.optional(),
  policy: replenishmentPolicySchema.optional(),
  /** What the caller noticed about this item's inputs (how its history or lead time was read); shown in the explanation's `notes`. */
  notes: z.array(z.string().min(1).max(1000)).max(20).optional(),
});
/**
 * Schema of {@link SuggestionsInput}, checked at the boundary of {@link replenishmentSuggestions}.
 *
 * @example
 * ```ts
 * suggestionsInputSchema.safeParse(value).success;
 * ```
 */
export const suggestionsInputSchema = strictInput({
  asOf: localDateSchema,
  items: z.array(replenishmentItemSchema).max(1_000_000),
  suppliers: z.array(supplierTermsSchema).superRefine((suppliers, ctx) => {
    const seen = new Set<string>();
    for (const [index, terms] of suppliers.entries()) {
      if (seen.has(terms.supplier)) ctx.addIssue({ code: "custom", path: [index, "supplier"], message: `supplier ${terms.supplier} appears twice: give each supplier's terms once` });
      seen.add(terms.supplier);
    }
  }),
  defaultPolicy: replenishmentPolicySchema.optional(),
  holdingRatePerYear: z.number().positive().max(10).optional(),
  horizonDays: z.number().int().min(1).max(3650).optional(),
  /**
   * Outliers in a demand history: `"cap"` (the default) cuts demand above median + 5·MAD of
   * the non-zero periods to that bound before forecasting (`capOutliers`), and the periods above
   * it that stand alone (one-off spikes, not a ramp) from the demand the forecast's lead-time
   * errors are scored on (`capIsolatedSpikes`); `"keep"` plans on the history as given.
   */
  outliers: z.enum(["cap", "keep"]).optional(),
});

/**
 * A service target: cycle service level (no stock-out per cycle) or fill rate (share of
 * demand served). Its `leadTimeDemand` chooses the model of demand over the lead time:
 * `"auto"` (the default) plans on a gamma distribution when σ_LT > 0.5·μ_LT (slow and lumpy
 * movers, a forecast of ~0 with a spread) and on the normal otherwise; `"normal"` and
 * `"gamma"` force one. A cycle service level takes the model's CSL-quantile (Φ⁻¹ or the
 * gamma's), a fill rate solves the model's loss equation. Its `forecastError` says where the
 * lead-time demand's mean and spread come from: `"rolling-origin"` (the default) measures the
 * errors of the forecast over the protection interval from past origins (each refitted on the
 * history before it) and, once there are 8, plans on f·L + their mean with their standard
 * deviation; `"one-step"` (and fewer than 8 origins) plans f·L with the one-step σ·√L.
 */
export type ServiceTarget = z.output<typeof serviceTargetSchema>;
/** A replenishment policy for one SKU in one warehouse. */
export type ReplenishmentPolicy = z.output<typeof replenishmentPolicySchema>;
/** What we buy from a supplier: MOQ, pack multiple, price breaks, lead time, order cost. */
export type SupplierTerms = z.input<typeof supplierTermsSchema>;
/** One SKU in one warehouse: its demand history, stock figures, open purchase orders. */
export type ReplenishmentItem = z.input<typeof replenishmentItemSchema>;
/** The whole input of {@link replenishmentSuggestions}. */
export type SuggestionsInput = z.input<typeof suggestionsInputSchema>;

/**
 * Why a suggestion says what it says.
 *
 * @example
 * ```ts
 * const why: SuggestionExplanation = replenishmentSuggestions(input).suggestions[0].explanation;
 * ```
 */
export interface SuggestionExplanation {
  readonly inputs: {
    readonly onHand: number;
    readonly reserved: number;
    readonly backordered: number;
    readonly onOrder: number;
    readonly inventoryPosition: number;
    readonly historyPeriods: number;
    readonly periodDays: number;
    readonly leadTimeDays: { readonly mean: number; readonly sd: number; readonly source: "observed" | "supplier" };
  };
  readonly method: { readonly name: string; readonly model: string; readonly reason: string; readonly classification: DemandClassification };
  readonly forecast: {
    readonly perPeriod: readonly number[];
    readonly sdPerPeriod: number;
    /**
     * The errors of the forecast over the protection interval (`periods`: L, or R + L) from past
     * origins (reorder-point and periodic-review policies): how many were scored, their mean
     * (`bias`, actual − forecast) and standard deviation (`sd`), and which the plan used:
     * `"rolling-origin"` (μ = f·L + bias, σ from sd) or `"one-step"` (μ = f·L, σ = σ₁·√L: fewer
     * than 8 origins, or the target's `forecastError` set to one-step, when `origins` is 0).
     */
    readonly leadTimeError?: { readonly method: "rolling-origin" | "one-step"; readonly periods: number; readonly origins: number; readonly bias: number; readonly sd: number };
    /**
     * The demand cut as outliers (input `outliers: "cap"`, the default), present only when some
     * was: the bound (median + 5·MAD of the non-zero periods, `outlierCap`), the positions in
     * `demandHistory` (0 = oldest) of the periods above it, cut to it before forecasting
     * (`capOutliers`), and of those that stood alone, also cut from the demand the lead-time
     * forecast errors are scored on (`capIsolatedSpikes`: a run above the bound, a ramp, is
     * scored as it came).
     */
    readonly cappedOutliers?: { readonly cap: number; readonly periods: readonly number[]; readonly isolated: readonly number[] };
  };
  readonly formula: {
    readonly policy: ReplenishmentPolicy["kind"];
    readonly text: string;
    /** The safety factor: Φ⁻¹ or the normal fill-rate factor, or (s − μ)/σ under the gamma model. */
    readonly z?: number;
    /** ROP − μ over the lead time, max(0, z·σ): the reorder point is never below the mean lead-time demand. */
    readonly safetyStock?: number;
    /**
     * The model of demand over the lead time (reorder-point and periodic-review policies) and why:
     * `"gamma"` or `"normal"`, as the service target's `leadTimeDemand` setting (`"auto"` by
     * default) chose for a cycle service level or a fill rate alike.
     */
    readonly leadTimeDemand?: { readonly model: "normal" | "gamma"; readonly reason: string };
    readonly reorderPoint: number;
    readonly orderUpTo: number;
    readonly economicOrderQuantity?: number;
  };
  /** Adjustments from the raw need to the ordered quantity (MOQ, pack, price break). */
  readonly adjustments: readonly string[];
  /**
   * What was noticed about the inputs, present only when there is something: the item's own
   * `notes` (e.g. `sk.replenishment.suggest` scaling a partial first period or leaving receipts
   * out of the learned lead time), and overdue purchase orders.
   */
  readonly notes?: readonly string[];
  /** First day the available stock is projected to go below zero without this order (null: not within the horizon). */
  readonly projectedStockoutDate: LocalDate | null;
}

/**
 * A purchase suggestion for one SKU in one warehouse. `id` depends only on the day, SKU
 * and warehouse (running twice the same day gives the same id); `revision` changes when
 * any input behind the content changes.
 *
 * @example
 * ```ts
 * const s: ReplenishmentSuggestion = replenishmentSuggestions(input).suggestions[0];
 * s.quantity; s.explanation.formula.text;
 * ```
 */
export interface ReplenishmentSuggestion {
  readonly id: string;
  readonly revision: string;
  readonly asOf: LocalDate;
  readonly sku: string;
  readonly warehouse: string;
  readonly supplier: string;
  readonly quantity: number;
  readonly unitPrice: string;
  readonly lineTotal: string;
  readonly currency: string;
  readonly explanation: SuggestionExplanation;
}

/**
 * A draft purchase order a purchasing module can create: suggestions grouped per
 * supplier and destination warehouse. Same id for the same day, supplier and warehouse.
 *
 * @example
 * ```ts
 * const po: DraftPurchaseOrderProposal = replenishmentSuggestions(input).purchaseOrders[0];
 * po.total;
 * ```
 */
export interface DraftPurchaseOrderProposal {
  readonly id: string;
  readonly revision: string;
  readonly asOf: LocalDate;
  readonly supplier: string;
  readonly warehouse: string;
  readonly currency: string;
  readonly lines: readonly { readonly suggestionId: string; readonly sku: string; readonly quantity: number; readonly unitPrice: string; readonly lineTotal: string }[];
  readonly total: string;
}

/**
 * Result of {@link replenishmentSuggestions}: suggestions with a positive quantity, the
 * draft purchase orders grouping them, and the items that need nothing (with why).
 *
 * @example
 * ```ts
 * const r: SuggestionsResult = replenishmentSuggestions(input);
 * ```
 */
export interface SuggestionsResult {
  readonly suggestions: readonly ReplenishmentSuggestion[];
  readonly purchaseOrders: readonly DraftPurchaseOrderProposal[];
  readonly noOrder: readonly { readonly sku: string; readonly warehouse: string; readonly reason: string; readonly projectedStockoutDate: LocalDate | null }[];
}

const DEFAULT_POLICY: ReplenishmentPolicy = { kind: "reorder-point", service: { kind: "fill-rate", value: 0.95 } };

function unitPriceFor(terms: { readonly priceBreaks: readonly { minQuantity: number; unitPrice: string }[] }, qty: number): Decimal {
  const sorted = [...terms.priceBreaks].sort((a, b) => a.minQuantity - b.minQuantity);
  let price = toDecimal((sorted[0] as { unitPrice: string }).unitPrice);
  for (const b of sorted) if (qty >= b.minQuantity) price = toDecimal(b.unitPrice);
  return price;
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

/**
 * Day-by-day projection of available stock; the first day it goes below zero. A receipt due
 * on or before `asOf` (overdue, or due today) counts as arriving on `asOf`; later ones on
 * their date.
 */
function projectStockout(asOf: LocalDate, available: number, dailyDemand: number, receipts: readonly { date: LocalDate; quantity: number }[], horizonDays: number): LocalDate | null {
  let stock = available;
  for (const r of receipts) if (compareLocalDates(r.date, asOf) <= 0) stock += r.quantity;
  if (stock < 0) return asOf;
  for (let d = 1; d <= horizonDays; d++) {
    const day = addDays(asOf, d);
    for (const r of receipts) if (compareLocalDates(r.date, day) === 0) stock += r.quantity;
    stock -= dailyDemand;
    if (stock < -1e-9) return day;
  }
  return null;
}

/**
 * Computes purchase suggestions for every SKU and warehouse, pure and deterministic:
 * cut outlying demand (`outliers: "cap"`, the default; the explanation lists what was cut),
 * forecast demand per period with the automatic method (ADI/CV² class → ETS or SBA),
 * measure its spread from the one-step residuals, take the supplier's lead time (learned
 * from observed lead times when given), apply the policy (reorder point with safety stock
 * for a cycle service level or fill rate, periodic review, or static min/max), subtract
 * the inventory position (on hand − reserved − backordered + open purchase orders), then
 * honour MOQ, pack multiple and price breaks, and group into draft purchase orders per
 * supplier and warehouse. Every suggestion carries its explanation.
 *
 * @example
 * ```ts
 * const r = replenishmentSuggestions({
 *   asOf: "2026-03-02",
 *   suppliers: [{ supplier: "acme", currency: "EUR", packMultiple: 12, priceBreaks: [{ minQuantity: 0, unitPrice: "2.10" }] }],
 *   items: [{ sku: "MUG", warehouse: "main", supplier: "acme", periodDays: 7, demandHistory: [30, 28, 35, 31, 29, 33, 30, 32, 34, 31],
 *             onHand: 20, reserved: 4, backordered: 0, leadTimeObservationsDays: [12, 14, 15] }],
 * });
 * r.suggestions[0].quantity; // a multiple of 12
 * ```
 */
export function replenishmentSuggestions(raw: SuggestionsInput): SuggestionsResult {
  return planSuggestions(raw, undefined);
}

/**
 * {@link replenishmentSuggestions}, with what to do when an item's forecast fails: throw
 * (`onForecastFailure` left out) or hand the error, which names the SKU and warehouse, to
 * `onForecastFailure` and go on with the other items (the store's run lists it as skipped).
 */
export function planSuggestions(raw: SuggestionsInput, onForecastFailure: ((failure: StorekeepError) => void) | undefined): SuggestionsResult {
  const input = parseWith(suggestionsInputSchema, raw, "replenishment input");
  const suppliers = new Map(input.suppliers.map((s) => [s.supplier, s]));
  const holdingRate = input.holdingRatePerYear ?? 0.25;
  const horizonDays = input.horizonDays ?? 365;
  const suggestions: ReplenishmentSuggestion[] = [];
  const noOrder: { sku: string; warehouse: string; reason: string; projectedStockoutDate: LocalDate | null }[] = [];
  const seen = new Set<string>();
  for (const item of input.items) {
    const key = `${item.sku}\u0000${item.warehouse}`;
    if (seen.has(key)) throw validationError(`SKU ${item.sku} appears twice for warehouse ${item.warehouse}: give each SKU and warehouse once`, { sku: item.sku, warehouse: item.warehouse });
    seen.add(key);
    const supplierTerms = suppliers.get(item.supplier);
    if (!supplierTerms) throw validationError(`supplier ${item.supplier} of SKU ${item.sku} is not in suppliers: add its terms`, { sku: item.sku, supplier: item.supplier });
    const terms = {
      ...supplierTerms,
      ...(item.priceBreaks ? { priceBreaks: item.priceBreaks } : {}),
      ...(item.minimumOrderQuantity !== undefined ? { minimumOrderQuantity: item.minimumOrderQuantity } : {}),
      ...(item.packMultiple !== undefined ? { packMultiple: item.packMultiple } : {}),
    };
    const policy = item.policy ?? input.defaultPolicy ?? DEFAULT_POLICY;
    const p = item.periodDays;
    // Lead time: observed when there are at least two observations, else the supplier's terms.
    const obs = item.leadTimeObservationsDays ?? [];
    let leadTime: { mean: number; sd: number; source: "observed" | "supplier" };
    if (obs.length >= 2) {
      const mean = obs.reduce((a, v) => a + v, 0) / obs.length;
      const sd = Math.sqrt(obs.reduce((a, v) => a + (v - mean) ** 2, 0) / (obs.length - 1));
      leadTime = { mean, sd, source: "observed" };
    } else if (item.leadTimeDays) leadTime = { ...item.leadTimeDays, source: "supplier" };
    else if (terms.leadTimeDays) leadTime = { ...terms.leadTimeDays, source: "supplier" };
    else throw validationError(`SKU ${item.sku} needs leadTimeObservationsDays (two or more) or supplier ${terms.supplier} needs leadTimeDays`, { sku: item.sku, supplier: terms.supplier });
    const L = leadTime.mean / p;
    const sdL = leadTime.sd / p;
    const reviewPeriods = policy.kind === "periodic-review" ? policy.reviewPeriodDays / p : 0;
    const h = Math.max(1, Math.ceil(L + reviewPeriods) + 1);
    const protection = policy.kind === "periodic-review" ? L + reviewPeriods : L;
    // Spikes are cut before forecasting; the lead-time errors are scored on the demand with its isolated ones cut.
    const capping = (input.outliers ?? "cap") === "cap";
    const cap = capping ? outlierCap(item.demandHistory) : undefined;
    const history = cap !== undefined ? capOutliers(item.demandHistory) : item.demandHistory;
    const scored = cap !== undefined ? capIsolatedSpikes(item.demandHistory) : item.demandHistory;
    const cappedPeriods: number[] = [];
    const isolatedPeriods: number[] = [];
    for (const [t, v] of item.demandHistory.entries()) {
      if (v !== history[t]) cappedPeriods.push(t);
      if (v !== scored[t]) isolatedPeriods.push(t);
    }
    let forecast: AutoForecast;
    let f: number;
    let sdPerPeriod: number;
    let forecastError: LeadTimeForecastError | undefined;
    try {
      forecast = autoForecast(history, { h, levels: [] });
      f = Math.max(0, forecast.mean[0] as number);
      let ss = 0;
      let count = 0;
      for (let t = 0; t < history.length; t++) {
        const fit = forecast.fitted[t] as number;
        if (!Number.isNaN(fit)) {
          ss += ((history[t] as number) - fit) ** 2;
          count++;
        }
      }
      sdPerPeriod = count > 1 ? Math.sqrt(ss / count) : 0;
      // A model can fit values near the float64 limit (multiplicative errors are relative) while
      // the squares of its residuals overflow: that history cannot be planned either.
      if (!Number.isFinite(f) || !Number.isFinite(sdPerPeriod)) throw validationError("the spread of its one-step errors overflows float64: scale the series down", { sdPerPeriod, forecast: f });
      // The errors the lead-time demand really had: the forecast refitted at past origins, scored over the protection interval.
      if (policy.kind !== "min-max" && (policy.service.forecastError ?? "rolling-origin") === "rolling-origin") {
        const refit = refitChosen(forecast);
        // Each origin forecasts as it would have then: its own prefix, its outliers cut (capOutliers).
        const rate = (y: readonly number[], periods: number) => new Array<number>(periods).fill(refit(capping ? capOutliers(y) : y));
        forecastError = summariseLeadTimeErrors(leadTimeForecastErrors(item.demandHistory, rate, { leadTimePeriods: protection, actuals: scored }));
      }
    } catch (error) {
      if (!isStorekeepError(error)) throw error;
      const failure = new StorekeepError(error.code, `SKU ${item.sku} in warehouse ${item.warehouse}: its demand history cannot be forecast (${error.message}); correct the history or plan this SKU apart`, { ...error.details, sku: item.sku, warehouse: item.warehouse }, { cause: error });
      if (onForecastFailure === undefined) throw failure;
      onForecastFailure(failure);
      continue;
    }
    const onOrder = (item.openPurchaseOrders ?? []).reduce((a, o) => a + o.quantity, 0);
    const position = inventoryPosition({ onHand: item.onHand, reserved: item.reserved, backordered: item.backordered, onOrder });
    const unitCost = item.unitCost ?? (terms.priceBreaks[0] as { unitPrice: string }).unitPrice;
    const annualDemand = (f * 365) / p;
    const eoq = terms.orderCost !== undefined && Number(unitCost) > 0 ? economicOrderQuantity({ annualDemand, orderCost: Number(terms.orderCost), holdingCostPerUnitYear: Number(unitCost) * holdingRate }).quantity : undefined;
    let formula: SuggestionExplanation["formula"];
    let need: number;
    let leadTimeError: NonNullable<SuggestionExplanation["forecast"]["leadTimeError"]> | undefined;
    if (policy.kind === "min-max") {
      need = minMaxOrderQuantity({ position, min: policy.min, max: policy.max, multiple: terms.packMultiple ?? 0, rounding: (policy.rounding ?? "up") as PackRounding });
      formula = { policy: "min-max", text: `position ${round2(position)} ${position < policy.min ? "<" : "≥"} min ${policy.min}: order up to max ${policy.max}`, reorderPoint: policy.min, orderUpTo: policy.max };
    } else {
      const lt = demandOverProtection({ meanDemandPerPeriod: f, sdDemandPerPeriod: sdPerPeriod, leadTimePeriods: protection, sdLeadTimePeriods: sdL, ...(forecastError ? { forecastError } : {}) });
      const measured = forecastError ?? { origins: 0, bias: 0, sd: 0 };
      leadTimeError = { method: lt.source, periods: protection, ...measured };
      const empirical = lt.source === "rolling-origin";
      const planned = policy.kind === "periodic-review" ? f * reviewPeriods : policy.orderQuantity === "eoq" || policy.orderQuantity === undefined ? Math.max(eoq ?? 0, f) : policy.orderQuantity;
      // A reorder-point order is at least one unit, the supplier's minimum and whole packs: that
      // batch is what a fill rate's cycle holds (a batch of EOQ ≈ 0 asked for a z of 5 and more).
      const cycleQuantity = policy.kind === "periodic-review" || planned <= 0 ? planned : Math.max(planned, orderableQuantity(Math.max(1, Math.ceil(planned - 1e-9)), terms).quantity);
      const setting = policy.service.leadTimeDemand ?? "auto";
      const model = leadTimeDemandModelFor(setting, lt);
      const modelReason =
        setting !== "auto"
          ? `set to ${setting}`
          : model === "gamma"
            ? `auto: σ/μ over the lead time ${lt.mean > 0 ? `= ${round2(lt.sd / lt.mean)}` : "is unbounded (forecast 0)"} > ${GAMMA_CV_THRESHOLD}`
            : `auto: σ/μ over the lead time = ${lt.mean > 0 ? round2(lt.sd / lt.mean) : 0} ≤ ${GAMMA_CV_THRESHOLD}`;
      const plan =
        policy.service.kind === "cycle-service-level"
          ? reorderPointForCycleServiceLevel({ cycleServiceLevel: policy.service.value, meanDemandOverLeadTime: lt.mean, sigmaDemandOverLeadTime: lt.sd, leadTimeDemand: model })
          : cycleQuantity > 0
            ? reorderPointForFillRate({ fillRate: policy.service.value, orderQuantity: cycleQuantity, meanDemandOverLeadTime: lt.mean, sigmaDemandOverLeadTime: lt.sd, leadTimeDemand: model })
            : { model, z: 0, safetyStock: 0, reorderPoint: lt.mean };
      const { z, safetyStock, reorderPoint } = plan;
      const orderUpTo = policy.kind === "periodic-review" ? reorderPoint : reorderPoint + cycleQuantity;
      const target = `${policy.service.kind === "cycle-service-level" ? "cycle service level" : "fill rate"} ${policy.service.value}, ${plan.model} lead-time demand`;
      const sigmaText = empirical
        ? `σ = √(s² + ${round2(f)}²·${round2(sdL)}²) = √(${round2(measured.sd)}² + ${round2(f)}²·${round2(sdL)}²) = ${round2(lt.sd)}; bias ${round2(measured.bias)} and s ${round2(measured.sd)}: mean and standard deviation of the errors of the ${round2(protection)}-period forecast from ${measured.origins} rolling origins`
        : `σ = √(${round2(protection)}·${round2(sdPerPeriod)}² + ${round2(f)}²·${round2(sdL)}²) = ${round2(lt.sd)}${forecastError ? `; one-step σ: ${forecastError.origins} rolling origin${forecastError.origins === 1 ? "" : "s"}, ${LEAD_TIME_ERROR_MIN_ORIGINS} needed` : ""}`;
      // The mean over the protection interval, with the bias of the errors when they are used.
      const meanSymbols = (interval: string) => (empirical ? `${interval} + bias` : interval);
      const meanFigures = empirical ? `${round2(f)}·${round2(protection)} + ${round2(measured.bias)}` : `${round2(f)}·${round2(protection)}`;
      const meanText = (interval: string) => `${meanSymbols(interval)} = ${meanFigures}`;
      const leadTimeDemand = { model: plan.model, reason: modelReason };
      // Under the gamma model s is X's CSL-quantile, P(X ≤ s) = CSL, or solves the loss equation E[(X − s)⁺] = (1 − fill rate)·Q; the level is max(μ, s).
      const gammaText = (level: string, mean: string): string => {
        const shape = lt.mean > 0 && lt.sd > 0 ? `shape ${Number(((lt.mean / lt.sd) ** 2).toPrecision(3))}, scale ${Number(((lt.sd * lt.sd) / lt.mean).toPrecision(3))}` : "no demand";
        const s = round2(Math.max(0, lt.mean + z * lt.sd));
        const solves = policy.service.kind === "cycle-service-level" ? `s = ${s} solves P(X ≤ s) = ${policy.service.value}` : `s = ${s} solves E[(X − s)⁺] = (1 − ${policy.service.value})·${round2(cycleQuantity)}`;
        return `${level} = max(μ, s) = ${round2(reorderPoint)}, ${solves}, X gamma with mean ${mean} = ${round2(lt.mean)} and σ ${round2(lt.sd)} (${shape})`;
      };
      if (policy.kind === "periodic-review") {
        need = Math.max(0, orderUpTo - position);
        const head = plan.model === "gamma" ? gammaText("S", meanText("μ·(R+L)")) : `S = ${meanSymbols("μ·(R+L)")} + z·σ = ${meanFigures} + ${round2(z)}·${round2(lt.sd)} = ${round2(orderUpTo)}`;
        formula = { policy: "periodic-review", text: `${head} (${target}; ${sigmaText}); order S − position ${round2(position)}`, z, safetyStock, reorderPoint, orderUpTo, leadTimeDemand };
      } else {
        need = position <= reorderPoint ? Math.max(0, orderUpTo - position) : 0;
        const head = plan.model === "gamma" ? gammaText("ROP", meanText("μ·L")) : `ROP = ${meanSymbols("μ·L")} + z·σ = ${meanFigures} + ${round2(z)}·${round2(lt.sd)} = ${round2(reorderPoint)}`;
        formula = {
          policy: "reorder-point",
          text: `${head} (${target}; ${sigmaText}); position ${round2(position)} ${position <= reorderPoint ? "≤" : ">"} ROP${position <= reorderPoint ? `: order up to ROP + Q = ${round2(orderUpTo)} (Q = ${round2(cycleQuantity)}${eoq !== undefined ? ", EOQ" : ""})` : ""}`,
          z,
          safetyStock,
          reorderPoint,
          orderUpTo,
          leadTimeDemand,
          ...(eoq !== undefined ? { economicOrderQuantity: eoq } : {}),
        };
      }
    }
    // Availability projection without a new order.
    const receipts = (item.openPurchaseOrders ?? []).map((o) => ({ date: o.expectedDate, quantity: o.quantity }));
    const stockout = projectStockout(input.asOf, item.onHand - item.reserved - item.backordered, f / p, receipts, horizonDays);
    const notes = [...(item.notes ?? [])];
    if (cap !== undefined && cappedPeriods.length > 0) {
      const list = (periods: readonly number[]) => {
        const shown = periods.slice(0, 5).map((t) => `${t + 1} (${round2(item.demandHistory[t] as number)})`);
        return `${shown.join(", ")}${periods.length > shown.length ? ` and ${periods.length - shown.length} more` : ""}`;
      };
      const scoring = isolatedPeriods.length === 0 ? "none of them alone, so the forecast's errors are scored on them" : isolatedPeriods.length === cappedPeriods.length ? "each alone, so cut from the demand the forecast's errors are scored on too" : `alone, so cut from the demand the forecast's errors are scored on too: ${list(isolatedPeriods)}`;
      notes.push(`demand above ${round2(cap)} (median + 5·MAD of the non-zero periods) cut to it before forecasting in period${cappedPeriods.length === 1 ? "" : "s"} ${list(cappedPeriods)} of ${item.demandHistory.length}; ${scoring}; outliers: "keep" plans on them`);
    }
    for (const o of item.openPurchaseOrders ?? []) {
      if (compareLocalDates(o.expectedDate, input.asOf) < 0) notes.push(`purchase order ${o.reference} (${o.quantity}) was expected on ${o.expectedDate} and is overdue: the stock-out projection counts it as arriving on ${input.asOf}; chase the supplier or correct its expected date`);
    }
    const adjustments: string[] = [];
    let qty = Math.ceil(need - 1e-9);
    if (qty <= 0) {
      noOrder.push({ sku: item.sku, warehouse: item.warehouse, reason: notes.length > 0 ? `${formula.text}; ${notes.join("; ")}` : formula.text, projectedStockoutDate: stockout });
      continue;
    }
    if (policy.kind === "min-max" && terms.packMultiple !== undefined && terms.packMultiple > 0 && need !== policy.max - position) {
      adjustments.push(`order up to max: ${round2(policy.max - position)} rounded ${policy.rounding ?? "up"} to a multiple of the pack of ${terms.packMultiple}: ${round2(need)}`);
    }
    if (qty !== need) adjustments.push(`need ${round2(need)} rounded up to whole units: ${qty}`);
    // One rule for every policy: the minimum, then whole packs (what purchasing accepts).
    const orderable = orderableQuantity(qty, terms);
    adjustments.push(...orderable.adjustments);
    qty = orderable.quantity;
    // A price break pays when buying up to it costs no more than the current quantity.
    let price = unitPriceFor(terms, qty);
    for (const b of [...terms.priceBreaks].sort((a, c) => a.minQuantity - c.minQuantity)) {
      if (b.minQuantity <= qty) continue;
      const bq = orderableQuantity(b.minQuantity, terms).quantity;
      const bp = unitPriceFor(terms, bq);
      if (bp.times(bq).lte(price.times(qty))) {
        adjustments.push(`raised from ${qty} to ${bq} for the price break: ${canonicalDecimal(bp.times(bq))} in total instead of ${canonicalDecimal(price.times(qty))}`);
        qty = bq;
        price = bp;
      }
    }
    const explanation: SuggestionExplanation = {
      inputs: { onHand: item.onHand, reserved: item.reserved, backordered: item.backordered, onOrder, inventoryPosition: position, historyPeriods: item.demandHistory.length, periodDays: p, leadTimeDays: leadTime },
      method: { name: forecast.method, model: forecast.model, reason: forecast.reason, classification: forecast.classification },
      forecast: { perPeriod: forecast.mean, sdPerPeriod, ...(leadTimeError ? { leadTimeError } : {}), ...(cap !== undefined && cappedPeriods.length > 0 ? { cappedOutliers: { cap, periods: cappedPeriods, isolated: isolatedPeriods } } : {}) },
      formula,
      adjustments,
      projectedStockoutDate: stockout,
      ...(notes.length > 0 ? { notes } : {}),
    };
    const content = { asOf: input.asOf, sku: item.sku, warehouse: item.warehouse, supplier: item.supplier, quantity: qty, unitPrice: canonicalDecimal(price), lineTotal: canonicalDecimal(price.times(qty)), currency: terms.currency, explanation };
    suggestions.push({ id: `rs_${fingerprint(`${input.asOf}|${item.sku}|${item.warehouse}`)}`, revision: fingerprint(canonicalJson(content)), ...content });
  }
  const groups = new Map<string, ReplenishmentSuggestion[]>();
  for (const s of suggestions) {
    const k = `${s.supplier}\u0000${s.warehouse}`;
    const g = groups.get(k);
    if (g) g.push(s);
    else groups.set(k, [s]);
  }
  const purchaseOrders: DraftPurchaseOrderProposal[] = [];
  for (const lines of groups.values()) {
    const first = lines[0] as ReplenishmentSuggestion;
    const sorted = [...lines].sort((a, b) => (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0));
    const total = sorted.reduce((acc, s) => acc.plus(toDecimal(s.lineTotal)), toDecimal(0));
    const poLines = sorted.map((s) => ({ suggestionId: s.id, sku: s.sku, quantity: s.quantity, unitPrice: s.unitPrice, lineTotal: s.lineTotal }));
    const content = { asOf: input.asOf, supplier: first.supplier, warehouse: first.warehouse, currency: first.currency, lines: poLines, total: canonicalDecimal(total) };
    purchaseOrders.push({ id: `dpo_${fingerprint(`${input.asOf}|${first.supplier}|${first.warehouse}`)}`, revision: fingerprint(canonicalJson({ ...content, revisions: sorted.map((s) => s.revision) })), ...content });
  }
  purchaseOrders.sort((a, b) => (a.id < b.id ? -1 : 1));
  return { suggestions, purchaseOrders, noOrder };
}
