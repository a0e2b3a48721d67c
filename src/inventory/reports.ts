import { minorUnits } from "../kernel/currencies.js";
import { addDays, localDate, startOfLocalDate } from "../kernel/local-date.js";
import { Decimal, canonicalDecimal } from "../kernel/decimal.js";
import type { CurrencyCode } from "../kernel/currencies.js";
import type { JsonObject, Transaction } from "../ports/storage.js";
import { costStateFromJson } from "./cost-state.js";
import { COST_STATES, type CostStateDoc, QUANTITIES, VALUES } from "./ledger-records.js";
import { decodePostings, latestValuations } from "./valuation-log.js";
import { MOVEMENTS, type MovementRecord } from "./movement.js";
import { LOCATIONS, type Location } from "./location.js";
import { QUANTITY_DECIMALS, formatScaled, liveLayers, onHandOf, valueOf } from "./valuation-kernel.js";

/*
 * Reports read bucketed balances and the per-SKU cost state, never the whole history:
 * quantity on hand per SKU, location and lot as of a date is one SUM over day buckets, and
 * value per SKU as of a date likewise (re-derivation posts its differences into the days
 * they belong to, so a past date's value is right after back-dating too).
 */

/**
 * A quantity on hand at one location and lot.
 *
 * @example
 * ```ts
 * const row: OnHandRow = { sku: "MUG", locationId: "wh_main/A1", lot: null, quantity: "12" };
 * ```
 */
export interface OnHandRow extends JsonObject {
  readonly sku: string;
  readonly locationId: string;
  readonly lot: string | null;
  readonly quantity: string;
}

/**
 * Quantity on hand per SKU, location and lot as of the end of `asOf` (default: everything).
 * Rows with zero quantity are left out. Stock in transit shows at `in-transit:<warehouse>`;
 * `warehouseId` keeps the rows at that warehouse's locations (stock in transit to it is not
 * on hand there).
 *
 * @example
 * ```ts
 * const rows = await onHandReport(tx, { sku: "MUG", asOf: "2026-03-31" });
 * ```
 */
export async function onHandReport(tx: Transaction, query: { readonly sku?: string | undefined; readonly asOf?: string | undefined; readonly warehouseId?: string | undefined } = {}): Promise<OnHandRow[]> {
  const sums = await tx.balances.sumByKey(QUANTITIES, { ...(query.sku === undefined ? {} : { keyPrefix: `${query.sku}|` }), ...(query.asOf === undefined ? {} : { buckets: { to: query.asOf } }) });
  let rows: OnHandRow[] = [];
  for (const [key, amounts] of sums) {
    const [sku, locationId, lot] = key.split("|") as [string, string, string];
    if (query.sku !== undefined && sku !== query.sku) continue;
    const quantity = amounts["quantity"] ?? new Decimal(0);
    if (quantity.isZero()) continue;
    rows.push({ sku, locationId, lot: lot === "" ? null : lot, quantity: canonicalDecimal(quantity) });
  }
  if (query.warehouseId !== undefined) {
    // The warehouse's own locations (their documents say whose they are); stock in transit to it is not on hand there.
    const ids = [...new Set(rows.map((r) => r.locationId))].filter((id) => !id.startsWith("in-transit:"));
    const at = new Set((await tx.documents.getMany<Location>(LOCATIONS, ids)).filter((d) => d.data.warehouseId === query.warehouseId).map((d) => d.id));
    rows = rows.filter((r) => at.has(r.locationId));
  }
  return rows.sort((a, b) => (a.sku + a.locationId + (a.lot ?? "") < b.sku + b.locationId + (b.lot ?? "") ? -1 : 1));
}

/**
 * Value of one SKU as of a date: quantity, total value (functional currency), the part in
 * transit, and the part on the Inventory account (value − in transit).
 *
 * @example
 * ```ts
 * const row: ValuationRow = { sku: "MUG", quantity: "12", value: "30", inTransit: "0", inventoryAccount: "30", currency: "EUR" };
 * ```
 */
export interface ValuationRow extends JsonObject {
  readonly sku: string;
  readonly quantity: string;
  readonly value: string;
  readonly inTransit: string;
  readonly inventoryAccount: string;
  readonly currency: string;
}

/**
 * Value per SKU as of the end of `asOf` (default: now), from the value balances.
 *
 * @example
 * ```ts
 * const rows = await valuationReport(tx, "EUR", { asOf: "2026-03-31" });
 * ```
 */
export async function valuationReport(tx: Transaction, currency: CurrencyCode, query: { readonly sku?: string | undefined; readonly asOf?: string | undefined } = {}): Promise<ValuationRow[]> {
  const buckets = query.asOf === undefined ? {} : { buckets: { to: query.asOf } };
  const values = await tx.balances.sumByKey(VALUES, { ...(query.sku === undefined ? {} : { keys: [query.sku] }), ...buckets });
  const quantities = await tx.balances.sumByKey(QUANTITIES, { ...(query.sku === undefined ? {} : { keyPrefix: `${query.sku}|` }), ...buckets });
  const qty = new Map<string, Decimal>();
  for (const [key, amounts] of quantities) {
    const sku = key.slice(0, key.indexOf("|"));
    if (query.sku !== undefined && sku !== query.sku) continue;
    qty.set(sku, (qty.get(sku) ?? new Decimal(0)).plus(amounts["quantity"] ?? 0));
  }
  const skus = new Set([...values.keys(), ...qty.keys()]);
  const rows: ValuationRow[] = [];
  for (const sku of [...skus].sort()) {
    const v = values.get(sku);
    const value = v?.["value"] ?? new Decimal(0);
    const inTransit = v?.["inTransit"] ?? new Decimal(0);
    const quantity = qty.get(sku) ?? new Decimal(0);
    if (quantity.isZero() && value.isZero() && inTransit.isZero()) continue;
    rows.push({ sku, quantity: canonicalDecimal(quantity), value: canonicalDecimal(value), inTransit: canonicalDecimal(inTransit), inventoryAccount: canonicalDecimal(value.minus(inTransit)), currency });
  }
  return rows;
}

/**
 * A SKU's cost layers as `costLayers` reports them: quantities and values as decimal
 * strings in the functional currency.
 *
 * @example
 * ```ts
 * const report: CostLayers = { sku: "MUG", method: "fifo", quantity: "18", value: "72", layers: [{ receipt: "mv_1", quantity: "18", value: "72" }], negative: [] };
 * ```
 */
export interface CostLayers extends JsonObject {
  readonly sku: string;
  /** The costing method, or null for a SKU that never moved. */
  readonly method: string | null;
  readonly quantity: string;
  readonly value: string;
  /** FIFO layers oldest first (one pool for moving average and standard). */
  readonly layers: readonly { readonly receipt: string; readonly quantity: string; readonly value: string }[];
  /** Stock issued below zero, awaiting a receipt to true it up. */
  readonly negative: readonly { readonly issue: string; readonly quantity: string; readonly bookedValue: string; readonly counterRole: string }[];
}

/**
 * The current cost layers of a SKU (FIFO layers oldest first; the pool for moving average
 * and standard; negative stock awaiting a receipt).
 *
 * @example
 * ```ts
 * const layers = await costLayers(tx, "MUG", "EUR");
 * ```
 */
export async function costLayers(tx: Transaction, sku: string, currency: CurrencyCode): Promise<CostLayers> {
  const doc = await tx.documents.get<CostStateDoc>(COST_STATES, sku);
  const digits = minorUnits(currency);
  if (doc === undefined) return { sku, method: null, quantity: "0", value: "0", layers: [], negative: [] };
  const state = costStateFromJson(doc.data.state);
  return {
    sku,
    method: state.method,
    quantity: formatScaled(onHandOf(state), QUANTITY_DECIMALS),
    value: formatScaled(valueOf(state), digits),
    layers: liveLayers(state).filter((l) => l.qty !== 0n || l.value !== 0n).map((l) => ({ receipt: l.movementId, quantity: formatScaled(l.qty, QUANTITY_DECIMALS), value: formatScaled(l.value, digits) })),
    negative: state.deficits.map((d) => ({ issue: d.movementId, quantity: formatScaled(d.qty, QUANTITY_DECIMALS), bookedValue: formatScaled(d.value, digits), counterRole: d.counterRole })),
  };
}

/**
 * One line of a SKU's movement history, with what it is worth now.
 *
 * @example
 * ```ts
 * const line: HistoryLine = { movementId: "mv_1", kind: "receipt", effectiveAt: "...", effectiveDate: "2026-01-02", recordedAt: "...", locationId: "wh", lot: null, quantity: "10", amount: "25", inventory: "25", counterRole: "grni", source: { type: "receipt", id: "grn_1" }, revalued: false };
 * ```
 */
export interface HistoryLine extends JsonObject {
  readonly movementId: string;
  readonly kind: string;
  readonly effectiveAt: string;
  readonly effectiveDate: string;
  readonly recordedAt: string;
  readonly locationId: string;
  readonly lot: string | null;
  readonly quantity: string;
  /** Cost of an issue / value of a receipt / amount of a revaluation, as booked now. */
  readonly amount: string;
  /** What the movement moved the stock value by. */
  readonly inventory: string;
  readonly counterRole: string;
  readonly source: JsonObject;
  /** A back-dated movement changed its valuation after it was recorded. */
  readonly revalued: boolean;
}

/**
 * A SKU's movements in (effective instant, id) order, between two dates (inclusive), with
 * their current valuation. Reads only that range.
 *
 * @example
 * ```ts
 * const lines = await movementHistory(tx, "EUR", { sku: "MUG", from: "2026-03-01", to: "2026-03-31" }, "Europe/Berlin");
 * ```
 */
export async function movementHistory(
  tx: Transaction,
  currency: CurrencyCode,
  query: { readonly sku: string; readonly from?: string | undefined; readonly to?: string | undefined; readonly limit?: number | undefined },
  timeZone = "UTC",
): Promise<HistoryLine[]> {
  const digits = minorUnits(currency);
  // Business dates are days in the shop's time zone; positions start with UTC instants.
  const range = {
    ...(query.from === undefined ? {} : { gte: startOfLocalDate(localDate(query.from), timeZone).toISOString() }),
    ...(query.to === undefined ? {} : { lt: startOfLocalDate(addDays(localDate(query.to), 1), timeZone).toISOString() }),
  };
  const movements = await tx.logs.read<MovementRecord>(MOVEMENTS, query.sku, { ...range, limit: query.limit ?? 10_000 });
  if (movements.length === 0) return [];
  const first = movements[0]!.sortKey;
  const last = movements[movements.length - 1]!.sortKey;
  const latest = await latestValuations(tx, query.sku, first, last);
  return movements.map(({ data: m }) => {
    const v = latest.get(m.movementId);
    return {
      movementId: m.movementId,
      kind: m.kind,
      effectiveAt: m.effectiveAt,
      effectiveDate: m.effectiveDate,
      recordedAt: m.recordedAt,
      locationId: m.kind === "transfer" ? `${m.locationId} → ${m.to?.locationId ?? "?"}` : m.locationId,
      lot: m.lot,
      quantity: m.kind === "transfer" || m.kind === "revaluation" ? m.moved : m.quantity,
      amount: formatScaled(m.kind === "transfer" ? BigInt(m.valueMinor ?? "0") : BigInt(v?.amount ?? "0"), digits),
      inventory: formatScaled(BigInt((v === undefined ? undefined : decodePostings(v.postings)["inventory"]) ?? "0"), digits),
      counterRole: m.counterRole,
      source: m.source,
      revalued: v !== undefined && v.cause !== "recorded",
    };
  });
}
