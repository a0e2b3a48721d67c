/*
 * Suggestions from what the shop has stored: the demand history read from the stock
 * ledger's sale issues, stock and reservations from the availability counters, open
 * purchase orders and supplier terms from purchasing. Replenishment imports neither module:
 * the facade hands it these reads as `ReplenishmentSources`.
 */
import { z } from "zod";
import { parseWith } from "../kernel/errors.js";
import { strictInput } from "../kernel/strict-input.js";
import { type LocalDate, addDays, daysBetween, localDateSchema } from "../kernel/local-date.js";
import type { Transaction } from "../ports/storage.js";
import { type ReplenishmentItem, type SuggestionsResult, type SupplierTerms, planSuggestions, replenishmentPolicySchema } from "./suggestions.js";

/**
 * A supplier's terms for one SKU as purchasing knows them on a date: the prices valid then
 * in the supplier's currency, minimum and pack, the stated lead time and the lead times
 * observed on its receipts (days from sending to receipt).
 *
 * @example
 * ```ts
 * const t: StoredSupplierTerms = { supplierId: "acme", currency: "EUR", priceBreaks: [{ minQuantity: 0, unitPrice: "2.10" }], minimumOrderQuantity: 24, packMultiple: 12, statedLeadTimeDays: 14, observedLeadTimesDays: [12, 15] };
 * ```
 */
export interface StoredSupplierTerms {
  readonly supplierId: string;
  readonly currency: string;
  readonly priceBreaks: readonly { readonly minQuantity: number; readonly unitPrice: string }[];
  readonly minimumOrderQuantity: number | undefined;
  readonly packMultiple: number | undefined;
  readonly statedLeadTimeDays: number;
  /** Days from sending to receipt; a negative one (a receipt dated before its order was sent) is left out. */
  readonly observedLeadTimesDays: readonly number[];
  /** Receipts left out of `observedLeadTimesDays` because they are dated before their order was sent (0 when left out). */
  readonly leadTimeAnomalies?: number;
}

/**
 * What replenishment reads from the other modules, wired by the facade (replenishment
 * imports neither inventory nor purchasing).
 *
 * @example
 * ```ts
 * const sources: ReplenishmentSources = {
 *   suppliersOf: async () => [], termsOf: async () => undefined, stockOf: async () => ({ onHand: 0, reserved: 0 }),
 *   activityOf: async () => [], incomingOf: async () => [],
 * };
 * ```
 */
export interface ReplenishmentSources {
  /** The suppliers with terms for each SKU (every SKU with a supplier item when `skus` is left out), suppliers sorted. */
  suppliersOf(tx: Transaction, skus: readonly string[] | undefined): Promise<ReadonlyMap<string, readonly string[]>>;
  /** A supplier's terms for a SKU on a date; undefined when it has none. */
  termsOf(tx: Transaction, supplierId: string, sku: string, asOf: LocalDate): Promise<StoredSupplierTerms | undefined>;
  /** On hand and reserved (soft and hard holds and backorders, expired holds left out) of a SKU in a warehouse. */
  stockOf(tx: Transaction, sku: string, warehouseId: string): Promise<{ readonly onHand: number; readonly reserved: number }>;
  /** One row per stock movement of the SKU with an effective date in [from, to): its warehouse, date, and the units it sold (0 for other movements). */
  activityOf(tx: Transaction, sku: string, from: LocalDate, to: LocalDate): Promise<readonly { readonly warehouseId: string; readonly date: LocalDate; readonly sold: number }[]>;
  /** The open purchase order lines still to come for the SKU (approved, sent, partially received). */
  incomingOf(tx: Transaction, sku: string): Promise<readonly { readonly warehouseId: string; readonly reference: string; readonly quantity: number; readonly expectedDate: LocalDate }[]>;
  /**
   * Optional: told, before a batch of SKUs is read one by one, which SKUs (and their
   * suppliers) and which window come next, so it can read them for all at once (a few round
   * trips on a SQL store rather than several per SKU). The reads after it must answer as
   * they would without it.
   */
  readAhead?(tx: Transaction, batch: { readonly skus: readonly string[]; readonly suppliersOf: ReadonlyMap<string, readonly string[]>; readonly from: LocalDate; readonly to: LocalDate; readonly asOf: LocalDate }): Promise<void>;
  /**
   * Optional: the date of the SKU's last sale in the warehouse before `before` (undefined
   * when it never sold there before). Asked only for a SKU whose first sale in the window
   * comes after the window's first period: one that sold before the window was selling all
   * along, so its weeks without sales at the window's start are zero demand, not weeks before
   * a launch. Without it, such a SKU is read from its first sale in the window.
   */
  lastSaleBefore?(tx: Transaction, sku: string, warehouseId: string, before: LocalDate): Promise<LocalDate | undefined>;
}

/** SKUs whose reads a {@link ReplenishmentSources.readAhead} batch takes. */
const READ_AHEAD_SKUS = 200;

const idText = z.string().min(1).max(200);
const decimalText = z.string().regex(/^\d+(\.\d+)?$/, "must be a non-negative decimal written like 25.00");

/**
 * Schema of {@link SuggestFromStoreInput}.
 *
 * @example
 * ```ts
 * suggestFromStoreSchema.safeParse({ asOf: "2026-03-02" }).success; // true
 * ```
 */
export const suggestFromStoreSchema = strictInput({
  /** The day of the run: history is every whole period before it. Default: today. */
  asOf: localDateSchema.optional(),
  /** Only these SKUs (default: every SKU with a supplier item). */
  skus: z.array(idText).min(1).max(100_000).optional(),
  /** Only these warehouses (default: every warehouse the SKU moved in during the history, or has open purchase orders for). */
  warehouses: z.array(idText).min(1).max(1000).optional(),
  /** Days per period of the demand history (default 7: weekly). */
  periodDays: z.number().int().min(1).max(366).optional(),
  /** Periods of history to read (default 52); a SKU that started selling later is read from its first sale (one that sold before the window, whole). */
  historyPeriods: z.number().int().min(1).max(1000).optional(),
  /** The supplier to buy each SKU from, where it has several (default: the first by id with a valid price). */
  preferredSuppliers: z.record(idText, idText).optional(),
  policy: replenishmentPolicySchema.optional(),
  /** Cost of placing one order (in each supplier's currency): gives the EOQ as the order quantity. */
  orderCost: decimalText.optional(),
  holdingRatePerYear: z.number().positive().max(10).optional(),
  horizonDays: z.number().int().min(1).max(3650).optional(),
  /** Outlying demand: cut before forecasting and, where a period stands alone, from the scored forecast errors (`"cap"`, the default), or planned on (`"keep"`); see `replenishmentSuggestions`. */
  outliers: z.enum(["cap", "keep"]).optional(),
});

/** The input of `sk.replenishment.suggest`. */
export type SuggestFromStoreInput = z.input<typeof suggestFromStoreSchema>;

/**
 * What `sk.replenishment.suggest` returns: the suggestions, draft purchase order proposals
 * and no-order items of {@link replenishmentSuggestions}, the day of the run, and the SKUs
 * it could not plan (no supplier terms, no valid price, a demand history that cannot be
 * forecast in one of its warehouses) with why.
 *
 * @example
 * ```ts
 * const r: StoredSuggestions = await sk.replenishment.suggest({ asOf: "2026-03-02" });
 * r.skipped; // [{ sku: "GIFT-CARD", reason: "no supplier has terms for it ..." }]
 * ```
 */
export interface StoredSuggestions extends SuggestionsResult {
  readonly asOf: LocalDate;
  readonly skipped: readonly { readonly sku: string; readonly reason: string }[];
}

/** A same-day receipt counts as one day, so a lead time is never zero. */
const atLeastOneDay = (days: number): number => Math.max(1, days);

/**
 * The lead times a suggestion may learn from, and what to say about them: a receipt dated
 * before its order was sent (goods arrived, the order keyed in afterwards) says nothing about
 * how long the supplier takes, so it is left out rather than clamped to a day; with fewer than
 * two left, the stated lead time is used.
 */
function learnedLeadTimes(terms: StoredSupplierTerms): { observed: number[]; note: string | undefined } {
  const observed = terms.observedLeadTimesDays.filter((d) => d >= 0).map(atLeastOneDay);
  const left = (terms.leadTimeAnomalies ?? 0) + (terms.observedLeadTimesDays.length - observed.length);
  if (left === 0) return { observed, note: undefined };
  const fallback = observed.length < 2 ? `; ${observed.length} valid observation${observed.length === 1 ? "" : "s"} left, so the stated lead time of ${terms.statedLeadTimeDays} days is used` : "";
  return { observed, note: `${left} receipt${left === 1 ? "" : "s"} of supplier ${terms.supplierId} dated before ${left === 1 ? "its order was" : "their orders were"} sent ${left === 1 ? "is" : "are"} left out of the learned lead time${fallback}` };
}

/**
 * A warehouse's demand per period from the period of its first sale (periods before it are
 * not zero demand: the product was not selling yet, whatever stock moved). When the SKU's
 * first movement falls inside that period (a launch: stock arrived and sold the same week),
 * the period holds fewer days than a whole one: with at least half of its days it is scaled
 * to a whole period, with fewer it is left out (unless it is the only one), and the note says
 * which. A SKU that had stock before that period had the whole period to sell. A SKU that
 * sold before the window (`lastSaleBefore`, asked only when the first sale in the window comes
 * after its first period) is read over the whole window.
 */
async function demandFromFirstSale(
  rows: readonly { readonly date: LocalDate; readonly sold: number }[],
  windowStart: LocalDate,
  p: number,
  periods: number,
  lastSaleBefore: (() => Promise<LocalDate | undefined>) | undefined,
): Promise<{ history: number[]; note: string | undefined }> {
  const periodOf = (date: LocalDate): number => Math.floor(daysBetween(windowStart, date) / p);
  let firstSale: LocalDate | undefined;
  let firstMovement: LocalDate | undefined;
  for (const r of rows) {
    if (firstMovement === undefined || r.date < firstMovement) firstMovement = r.date;
    if (r.sold > 0 && (firstSale === undefined || r.date < firstSale)) firstSale = r.date;
  }
  // A SKU that sold here before the window was selling all along: the window is read whole.
  const soldBefore = firstSale !== undefined && periodOf(firstSale) > 0 && lastSaleBefore !== undefined ? await lastSaleBefore() : undefined;
  // No sale in the window: from the first movement (all zeros: no demand), as before.
  const firstPeriod = soldBefore !== undefined ? 0 : firstSale !== undefined ? periodOf(firstSale) : firstMovement !== undefined ? periodOf(firstMovement) : periods - 1;
  const history = new Array<number>(periods - firstPeriod).fill(0);
  for (const r of rows) {
    const index = periodOf(r.date) - firstPeriod;
    if (index >= 0) history[index] = (history[index] as number) + r.sold;
  }
  if (soldBefore !== undefined) {
    const quiet = periodOf(firstSale!);
    return { history, note: `last sold on ${soldBefore}, before the window: its first ${quiet} period${quiet === 1 ? "" : "s"} without sales (from ${windowStart}) are read as zero demand, not as weeks before a launch` };
  }
  if (firstSale === undefined || firstMovement === undefined) return { history, note: undefined };
  const periodStart = addDays(windowStart, firstPeriod * p);
  if (firstMovement <= periodStart) return { history, note: undefined };
  const days = p - daysBetween(periodStart, firstMovement);
  const sold = history[0] as number;
  if (2 * days < p && history.length > 1) {
    return { history: history.slice(1), note: `first movement on ${firstMovement}: the period from ${periodStart} holds only ${days} of its ${p} days since then, so it (${sold} sold) is left out rather than read as a whole period of low demand` };
  }
  history[0] = (sold * p) / days;
  return { history, note: `first movement on ${firstMovement}: the period from ${periodStart} holds ${days} of its ${p} days since then, so its ${sold} sold are scaled to a whole period (${Math.round(history[0] * 100) / 100})` };
}

/**
 * Builds the input of {@link replenishmentSuggestions} from the store and runs it. Demand
 * per period is the units sold (sale issues) in each whole period before `asOf`, from the
 * period of the SKU's first sale in that warehouse within the window (a launch's part first
 * period scaled or left out, see `demandFromFirstSale`), so a product launched three weeks ago, or
 * stocked a year ago and selling only since spring, is not averaged with empty weeks.
 * Learned lead times leave out receipts dated before their order was sent. Reservations
 * beyond what is on hand count as backorders.
 *
 * @example
 * ```ts
 * const r = await runtime.read((tx) => suggestFromStore(tx, sources, { asOf: "2026-03-02" }, today));
 * ```
 */
export async function suggestFromStore(tx: Transaction, sources: ReplenishmentSources, raw: SuggestFromStoreInput, today: LocalDate): Promise<StoredSuggestions> {
  const input = parseWith(suggestFromStoreSchema, raw, "replenishment.suggest input");
  const asOf = (input.asOf ?? today) as LocalDate;
  const p = input.periodDays ?? 7;
  const periods = input.historyPeriods ?? 52;
  const windowStart = addDays(asOf, -p * periods);
  const suppliersBySku = await sources.suppliersOf(tx, input.skus);
  const skipped: { sku: string; reason: string }[] = [];
  const items: ReplenishmentItem[] = [];
  const suppliers = new Map<string, SupplierTerms>();
  const skus = input.skus ?? [...suppliersBySku.keys()].sort();
  const orderOf = (sku: string): readonly string[] => {
    const preferred = input.preferredSuppliers?.[sku];
    return preferred !== undefined ? [preferred] : (suppliersBySku.get(sku) ?? []);
  };
  for (const [index, sku] of skus.entries()) {
    if (index % READ_AHEAD_SKUS === 0 && sources.readAhead !== undefined) {
      const batch = skus.slice(index, index + READ_AHEAD_SKUS);
      await sources.readAhead(tx, { skus: batch, suppliersOf: new Map(batch.map((s) => [s, orderOf(s)])), from: windowStart, to: asOf, asOf });
    }
    const candidates = suppliersBySku.get(sku) ?? [];
    const preferred = input.preferredSuppliers?.[sku];
    const order = orderOf(sku);
    let terms: StoredSupplierTerms | undefined;
    for (const supplierId of order) {
      const t = await sources.termsOf(tx, supplierId, sku, asOf);
      if (t !== undefined && t.priceBreaks.length > 0) {
        terms = t;
        break;
      }
    }
    if (terms === undefined) {
      skipped.push({ sku, reason: preferred !== undefined ? `supplier ${preferred} has no price valid on ${asOf} for ${sku}: set its price list with purchasing.setSupplierItem` : candidates.length === 0 ? `no supplier has terms for ${sku}: set them with purchasing.setSupplierItem` : `no price of ${candidates.join(", ")} is valid on ${asOf} for ${sku}` });
      continue;
    }
    const leadTimes = learnedLeadTimes(terms);
    const activity = await sources.activityOf(tx, sku, windowStart, asOf);
    const incoming = await sources.incomingOf(tx, sku);
    const warehouses = input.warehouses ?? [...new Set([...activity.map((a) => a.warehouseId), ...incoming.map((i) => i.warehouseId)])].sort();
    for (const warehouseId of warehouses) {
      const rows = activity.filter((a) => a.warehouseId === warehouseId);
      const { history: demandHistory, note: historyNote } = await demandFromFirstSale(rows, windowStart, p, periods, sources.lastSaleBefore === undefined ? undefined : () => sources.lastSaleBefore!(tx, sku, warehouseId, windowStart));
      const stock = await sources.stockOf(tx, sku, warehouseId);
      const backordered = Math.max(0, stock.reserved - Math.max(0, stock.onHand));
      const open = incoming.filter((i) => i.warehouseId === warehouseId);
      const notes = [historyNote, leadTimes.note].filter((n): n is string => n !== undefined);
      items.push({
        sku,
        warehouse: warehouseId,
        supplier: terms.supplierId,
        periodDays: p,
        demandHistory,
        onHand: stock.onHand,
        reserved: Math.max(0, stock.reserved - backordered),
        backordered,
        openPurchaseOrders: open.map((o) => ({ reference: o.reference, quantity: o.quantity, expectedDate: o.expectedDate })),
        ...(leadTimes.observed.length >= 2 ? { leadTimeObservationsDays: leadTimes.observed } : {}),
        leadTimeDays: { mean: atLeastOneDay(terms.statedLeadTimeDays), sd: 0 },
        priceBreaks: [...terms.priceBreaks],
        ...(terms.minimumOrderQuantity !== undefined ? { minimumOrderQuantity: terms.minimumOrderQuantity } : {}),
        ...(terms.packMultiple !== undefined ? { packMultiple: terms.packMultiple } : {}),
        ...(notes.length > 0 ? { notes } : {}),
      });
    }
    if (!suppliers.has(terms.supplierId)) {
      suppliers.set(terms.supplierId, {
        supplier: terms.supplierId,
        currency: terms.currency,
        priceBreaks: [...terms.priceBreaks],
        leadTimeDays: { mean: atLeastOneDay(terms.statedLeadTimeDays), sd: 0 },
        ...(input.orderCost !== undefined ? { orderCost: input.orderCost } : {}),
      });
    }
  }
  // One SKU whose history cannot be forecast is skipped with why; it does not stop the run.
  const result = planSuggestions({
    asOf,
    items,
    suppliers: [...suppliers.values()],
    ...(input.policy !== undefined ? { defaultPolicy: input.policy } : {}),
    ...(input.holdingRatePerYear !== undefined ? { holdingRatePerYear: input.holdingRatePerYear } : {}),
    ...(input.horizonDays !== undefined ? { horizonDays: input.horizonDays } : {}),
    ...(input.outliers !== undefined ? { outliers: input.outliers } : {}),
  }, (failure) => skipped.push({ sku: String(failure.details.sku), reason: failure.message }));
  return { asOf, ...result, skipped };
}
