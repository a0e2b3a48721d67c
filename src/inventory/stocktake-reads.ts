import { type Decimal, canonicalDecimal } from "../kernel/decimal.js";
import { StorekeepError } from "../kernel/errors.js";
import type { Transaction } from "../ports/storage.js";
import { type CountDifference, compareCount } from "./count-differences.js";
import { bookQuantitiesOfSkus } from "./stocktake-book.js";
import { STOCKTAKES, STOCKTAKE_LOCATIONS, type Stocktake, type StocktakeLocation } from "./stocktake-records.js";

/*
 * Reading a stocktake back: its session document and every location document (through
 * the byStocktake index), and the differences of every counted location to its book at the
 * instant it was counted — what approval posts and what the supervisor's report shows.
 */

/**
 * The stocktake, or NOT_FOUND.
 *
 * @example
 * ```ts
 * const st = await requireStocktake(tx, "st_1", true);
 * ```
 */
export async function requireStocktake(tx: Transaction, stocktakeId: string, forUpdate = false): Promise<{ data: Stocktake; version: number }> {
  const doc = forUpdate ? await tx.documents.getForUpdate<Stocktake>(STOCKTAKES, stocktakeId) : await tx.documents.get<Stocktake>(STOCKTAKES, stocktakeId);
  if (doc === undefined) throw new StorekeepError("NOT_FOUND", `Unknown stocktake "${stocktakeId}": start it with inventory.startStocktake.`, { stocktakeId });
  return doc;
}

/**
 * Every location of a stocktake, in location order.
 *
 * @example
 * ```ts
 * const locations = await stocktakeLocations(tx, "st_1");
 * ```
 */
export async function stocktakeLocations(tx: Transaction, stocktakeId: string): Promise<StocktakeLocation[]> {
  const out: StocktakeLocation[] = [];
  let after: { values: string[]; id: string } | undefined;
  for (;;) {
    const page = await tx.documents.find<StocktakeLocation>(STOCKTAKE_LOCATIONS, { index: "byStocktake", equals: [stocktakeId], limit: 5000, ...(after === undefined ? {} : { after }) });
    for (const doc of page) out.push(doc.data);
    if (page.length < 5000) return out;
    const last = page[page.length - 1]!;
    after = { values: [stocktakeId, last.data.locationId], id: last.id };
  }
}

/**
 * A counted item's line: where, when, book at that instant, count and difference.
 *
 * @example
 * ```ts
 * const line: CountLine = { locationId: "wh/A1", countedAt: "2026-03-31T09:00:00.000Z", sku: "MUG", lot: null, expected: "12", counted: "11", difference: "-1" };
 * ```
 */
export type CountLine = CountDifference & { readonly locationId: string; readonly countedAt: string };

/**
 * The differences of every counted location (status `counted` or `recount`) to its book
 * at the instant it was counted, reading each SKU's later movements once. With `lowestAfter`,
 * collects per `locationId|sku|lot` the lowest running total (≤ 0) of what moved there after
 * the count: the least the location must have held when counted for no later movement to
 * have found it short.
 *
 * @example
 * ```ts
 * const lines = await countLines(tx, locations);
 * ```
 */
export async function countLines(
  tx: Transaction,
  locations: readonly StocktakeLocation[],
  stale?: { readonly stocktakeId: string; readonly found: { locationId: string; sku: string; lot: string | null; countedAt: string; laterStocktakeId: string; laterAt: string }[] },
  lowestAfter?: Map<string, Decimal>,
): Promise<CountLine[]> {
  const counted = locations.filter((l) => l.status !== "pending");
  const bySku = new Map<string, { locationId: string; lot: string | null; at: string; seen?: ReadonlySet<string> }[]>();
  for (const l of counted) {
    const seenAtCount = l.seenAtCount === undefined ? undefined : new Set(l.seenAtCount);
    const seen = new Set<string>();
    for (const item of [...l.expected, ...l.counts]) {
      const k = `${item.sku}|${item.lot ?? ""}`;
      if (seen.has(k)) continue;
      seen.add(k);
      const list = bySku.get(item.sku) ?? [];
      list.push({ locationId: l.locationId, lot: item.lot, at: l.countedAt!, ...(seenAtCount === undefined ? {} : { seen: seenAtCount }) });
      bySku.set(item.sku, list);
    }
  }
  const book = new Map<string, string>();
  // Every SKU's book in one balance read and one multi-stream movement read.
  const requests = [...bySku.keys()].sort().map((sku) => ({
    sku,
    points: bySku.get(sku)!,
    ...(stale === undefined ? {} : { laterCounts: { exclude: stale.stocktakeId, found: new Map<number, { stocktakeId: string; at: string }>() } }),
    ...(lowestAfter === undefined ? {} : { lowestAfter: new Map<number, Decimal>() }),
  }));
  const quantities = await bookQuantitiesOfSkus(tx, requests);
  requests.forEach(({ sku, points, laterCounts, lowestAfter: lowest }, r) => {
    for (const [i, c] of laterCounts?.found ?? []) {
      const p = points[i]!;
      stale!.found.push({ locationId: p.locationId, sku, lot: p.lot, countedAt: p.at, laterStocktakeId: c.stocktakeId, laterAt: c.at });
    }
    for (const [i, low] of lowest ?? []) {
      const p = points[i]!;
      lowestAfter!.set(`${p.locationId}|${sku}|${p.lot ?? ""}`, low);
    }
    points.forEach((p, i) => book.set(`${p.locationId}|${sku}|${p.lot ?? ""}`, canonicalDecimal(quantities[r]![i]!)));
  });
  const lines: CountLine[] = [];
  for (const l of counted) {
    const expected = new Map<string, string>();
    for (const item of [...l.expected, ...l.counts]) {
      const k = `${item.sku}|${item.lot ?? ""}`;
      expected.set(k, book.get(`${l.locationId}|${k}`) ?? "0");
    }
    for (const d of compareCount(l.counts, expected)) lines.push({ ...d, locationId: l.locationId, countedAt: l.countedAt! });
  }
  return lines;
}
