import { canonicalDecimal } from "../kernel/decimal.js";
import type { JsonObject, Transaction } from "../ports/storage.js";
import { bookQuantitiesAt } from "./stocktake-book.js";
import { type CountLine, countLines, requireStocktake, stocktakeLocations } from "./stocktake-reads.js";
import type { Stocktake } from "./stocktake-records.js";

/**
 * What counters see: each location to count, its status and the items it held when the
 * count started — with the book quantity now only when the stocktake is not blind.
 *
 * @example
 * ```ts
 * const sheet: CountSheet = { stocktakeId: "st_1", blind: true, state: "open", locations: [{ locationId: "wh/A1", status: "pending", items: [{ sku: "MUG", lot: null }] }] };
 * ```
 */
export interface CountSheet extends JsonObject {
  readonly stocktakeId: string;
  readonly blind: boolean;
  readonly state: string;
  readonly locations: readonly { readonly locationId: string; readonly status: string; readonly items: readonly { readonly sku: string; readonly lot: string | null; readonly expected?: string }[] }[];
}

/**
 * The count sheet of a stocktake (see {@link CountSheet}).
 *
 * @example
 * ```ts
 * const sheet = await countSheet(tx, "st_1", now.toISOString());
 * ```
 */
export async function countSheet(tx: Transaction, stocktakeId: string, now: string): Promise<CountSheet> {
  const { data: stocktake } = await requireStocktake(tx, stocktakeId);
  const locations = await stocktakeLocations(tx, stocktakeId);
  const book = new Map<string, string>();
  if (!stocktake.blind) {
    const bySku = new Map<string, { locationId: string; lot: string | null; at: string }[]>();
    for (const l of locations) for (const e of l.expected) bySku.set(e.sku, [...(bySku.get(e.sku) ?? []), { locationId: l.locationId, lot: e.lot, at: now }]);
    for (const [sku, points] of bySku) {
      const q = await bookQuantitiesAt(tx, sku, points);
      points.forEach((p, i) => book.set(`${p.locationId}|${sku}|${p.lot ?? ""}`, canonicalDecimal(q[i]!)));
    }
  }
  return {
    stocktakeId,
    blind: stocktake.blind,
    state: stocktake.state,
    locations: locations.map((l) => ({
      locationId: l.locationId,
      status: l.status,
      items: l.expected.map((e) => (stocktake.blind ? { sku: e.sku, lot: e.lot } : { sku: e.sku, lot: e.lot, expected: book.get(`${l.locationId}|${e.sku}|${e.lot ?? ""}`) ?? "0" })),
    })),
  };
}

/**
 * The supervisor's view of a stocktake: the session, every counted item's book at the
 * instant counted, count and difference (the first count beside a recount), and the
 * locations still pending or awaiting a recount.
 *
 * @example
 * ```ts
 * const report: StocktakeReport = { stocktake, lines: [], pending: ["wh/B7"], recount: [] };
 * ```
 */
export interface StocktakeReport extends JsonObject {
  readonly stocktake: Stocktake;
  readonly lines: readonly (CountLine & { readonly firstCount: string | null })[];
  readonly pending: readonly string[];
  readonly recount: readonly string[];
}

/**
 * The report of a stocktake (see {@link StocktakeReport}). For an approved stocktake the
 * book now includes its adjustments, so read `stocktake.summary` for what was posted.
 *
 * @example
 * ```ts
 * const report = await stocktakeReport(tx, "st_1");
 * ```
 */
export async function stocktakeReport(tx: Transaction, stocktakeId: string): Promise<StocktakeReport> {
  const { data: stocktake } = await requireStocktake(tx, stocktakeId);
  const locations = await stocktakeLocations(tx, stocktakeId);
  const first = new Map<string, string>();
  for (const l of locations) for (const c of l.firstCount ?? []) first.set(`${l.locationId}|${c.sku}|${c.lot ?? ""}`, c.quantity);
  const recounted = new Set(locations.filter((l) => l.firstCount !== null).map((l) => l.locationId));
  const lines = (await countLines(tx, locations)).map((line) => ({
    ...line,
    firstCount: recounted.has(line.locationId) ? (first.get(`${line.locationId}|${line.sku}|${line.lot ?? ""}`) ?? "0") : null,
  }));
  return {
    stocktake,
    lines,
    pending: locations.filter((l) => l.status === "pending").map((l) => l.locationId),
    recount: locations.filter((l) => l.status === "recount").map((l) => l.locationId),
  };
}
