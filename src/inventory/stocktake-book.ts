import { Decimal } from "../kernel/decimal.js";
import type { LogEntry, Transaction } from "../ports/storage.js";
import { logPages, readLogs } from "../runner/batch-logs.js";
import { QUANTITIES } from "./ledger-records.js";
import { inTransitLocation } from "./location.js";
import { MOVEMENTS, type MovementRecord } from "./movement.js";

/**
 * A stocktake approval's count adjustment: reason "count", its source the stocktake
 * (`id`) and the counted location (`lineId`). A manual `adjust` has no `lineId`.
 *
 * @example
 * ```ts
 * isStocktakeAdjustment(record); // true for an adjustment posted by approveStocktake
 * ```
 */
export function isStocktakeAdjustment(r: MovementRecord): boolean {
  return r.kind === "adjustment" && r.reason === "count" && r.source.type === "adjustment" && typeof r.source["lineId"] === "string";
}

/*
 * The book quantity of a SKU at a location and lot at an instant: the balance now, less
 * what movements effective after that instant changed there. A stocktake compares each
 * location's count with its book at the instant it was counted, so movements during the
 * count (and ones back-dated into it later) do not show as differences.
 *
 * A movement effective at the very instant of a count is before the count when it was
 * recorded before the count was (the counter could have seen it), after the count when it
 * was recorded later — a receipt that commits while the count is being recorded, say. The
 * count keeps the ids of the movements it saw at its instant (`seenAtCount`); at approval a
 * movement at that instant that is not among them counts as after.
 */

/**
 * What a movement changes per location and lot (a transfer takes from one location and
 * puts into another, through the destination's in-transit location when staged).
 *
 * @example
 * ```ts
 * locationDeltas(record); // [{ locationId: "wh/A1", lot: "", delta: Decimal(-2) }]
 * ```
 */
export function locationDeltas(m: MovementRecord): { readonly locationId: string; readonly lot: string; readonly delta: Decimal }[] {
  const lot = m.lot ?? "";
  if (m.kind === "transfer") {
    const moved = new Decimal(m.moved);
    const to = m.to!;
    const transit = inTransitLocation(to.warehouseId);
    const from = m.stage === "arrived" ? transit : m.locationId;
    const into = m.stage === "dispatched" ? transit : to.locationId;
    return [
      { locationId: from, lot, delta: moved.negated() },
      { locationId: into, lot, delta: moved },
    ];
  }
  const q = new Decimal(m.quantity);
  return q.isZero() ? [] : [{ locationId: m.locationId, lot, delta: q }];
}

/** The (location, lot, instant) points of a SKU whose book quantities are asked for. */
type BookPoint = { readonly locationId: string; readonly lot: string | null; readonly at: string; readonly seen?: ReadonlySet<string> };

/** What {@link bookQuantitiesAt} may collect besides the quantities. */
interface BookCollectors {
  /** Collects the ids of the movements effective at exactly the earliest point's instant. */
  readonly atEarliest?: string[];
  /**
   * Collects, per point index, a stocktake's count adjustment (other than `exclude`'s) at that
   * location and lot after the point's instant: a later count already set the book there.
   */
  readonly laterCounts?: { readonly exclude: string; readonly found: Map<number, { readonly stocktakeId: string; readonly at: string }> };
  /**
   * Collects, per point index, the lowest running total (≤ 0) of the changes at that location
   * and lot after the point's instant, in the order they took effect: what the location must
   * have held at the instant for none of them to find it short.
   */
  readonly lowestAfter?: Map<number, Decimal>;
}

/** Movements read per SKU and page. */
const PAGE = 1000;

/**
 * Book quantities of one SKU at several (location, lot, instant) points.
 *
 * @example
 * ```ts
 * const [atA1] = await bookQuantitiesAt(tx, "MUG", [{ locationId: "wh/A1", lot: null, at: "2026-03-31T09:00:00.000Z" }]);
 * ```
 */
export async function bookQuantitiesAt(
  tx: Transaction,
  sku: string,
  points: readonly BookPoint[],
  /** Collects the ids of the movements effective at exactly the earliest point's instant. */
  atEarliest?: string[],
  /**
   * Collects, per point index, a stocktake's count adjustment (other than `exclude`'s) at that
   * location and lot after the point's instant: a later count already set the book there.
   */
  laterCounts?: BookCollectors["laterCounts"],
): Promise<Decimal[]> {
  const [out] = await bookQuantitiesOfSkus(tx, [{ sku, points, ...(atEarliest === undefined ? {} : { atEarliest }), ...(laterCounts === undefined ? {} : { laterCounts }) }]);
  return out!;
}

/**
 * Book quantities of several SKUs at their points, as {@link bookQuantitiesAt} gives each:
 * the balances of every SKU in one read and each SKU's movements since its earliest point in
 * one multi-stream read (a SKU with more than a page of them is read on page by page), so a
 * count of many SKUs makes the same round trips as a count of one.
 *
 * @example
 * ```ts
 * const [mug, cup] = await bookQuantitiesOfSkus(tx, [{ sku: "MUG", points }, { sku: "CUP", points }]);
 * ```
 */
export async function bookQuantitiesOfSkus(tx: Transaction, requests: readonly ({ readonly sku: string; readonly points: readonly BookPoint[] } & BookCollectors)[]): Promise<Decimal[][]> {
  const asked = requests.filter((r) => r.points.length > 0);
  if (asked.length === 0) return requests.map(() => []);
  const keys = [...new Set(asked.flatMap((r) => r.points.map((p) => `${r.sku}|${p.locationId}|${p.lot ?? ""}`)))];
  const now = await tx.balances.sumByKey(QUANTITIES, { keys });
  const earliestOf = (points: readonly BookPoint[]): string => points.reduce((min, p) => (p.at < min ? p.at : min), points[0]!.at);
  const firstPages = await readLogs<MovementRecord>(tx, MOVEMENTS, asked.map((r) => ({ stream: r.sku, range: { gte: earliestOf(r.points), limit: PAGE } })));
  const pageOf = new Map(asked.map((r, i) => [r, firstPages[i]!]));
  const out: Decimal[][] = [];
  for (const r of requests) out.push(r.points.length === 0 ? [] : await bookOfSku(tx, r, earliestOf(r.points), pageOf.get(r)!, now));
  return out;
}

/** One SKU's book quantities from the balances now and its movements since `earliest` (first page given). */
async function bookOfSku(tx: Transaction, r: { readonly sku: string; readonly points: readonly BookPoint[] } & BookCollectors, earliest: string, firstPage: readonly LogEntry<MovementRecord>[], now: Map<string, Record<string, Decimal>>): Promise<Decimal[]> {
  const { sku, points, atEarliest, laterCounts, lowestAfter } = r;
  // Movements effective after the earliest instant, by location|lot.
  const after = new Map<string, { at: string; id: string; delta: Decimal; count?: string }[]>();
  for await (const page of logPages<MovementRecord>(tx, MOVEMENTS, sku, { gte: earliest, limit: PAGE }, firstPage)) {
    for (const { data: m } of page) {
      if (m.effectiveAt < earliest) continue;
      if (m.effectiveAt === earliest) atEarliest?.push(m.movementId);
      for (const d of locationDeltas(m)) {
        const key = `${sku}|${d.locationId}|${d.lot}`;
        const list = after.get(key) ?? [];
        const count = isStocktakeAdjustment(m) ? m.source.id : undefined;
        list.push({ at: m.effectiveAt, id: m.movementId, delta: d.delta, ...(count === undefined ? {} : { count }) });
        after.set(key, list);
      }
    }
  }
  return points.map((p, index) => {
    const key = `${sku}|${p.locationId}|${p.lot ?? ""}`;
    let q = now.get(key)?.["quantity"] ?? new Decimal(0);
    let running = new Decimal(0);
    let lowest = running;
    for (const a of after.get(key) ?? []) {
      if (!(a.at > p.at || (a.at === p.at && p.seen !== undefined && !p.seen.has(a.id)))) continue;
      q = q.minus(a.delta);
      running = running.plus(a.delta);
      if (running.lt(lowest)) lowest = running;
      if (laterCounts !== undefined && a.count !== undefined && a.count !== laterCounts.exclude && !laterCounts.found.has(index)) laterCounts.found.set(index, { stocktakeId: a.count, at: a.at });
    }
    lowestAfter?.set(index, lowest);
    return q;
  });
}
