import type { JsonObject } from "../ports/storage.js";

/*
 * What a stocktake stores: the count session (its scope, whether it is blind, when a
 * difference needs a recount, its state) and one document per location counted or to
 * count (the items expected there when the count started, and the count itself: the
 * instant it was counted, what was found, a first count kept when it was recounted).
 */

/** The collection of stocktakes. @example `STOCKTAKES === "inventory.stocktakes"` */
export const STOCKTAKES = "inventory.stocktakes";
/** The collection of a stocktake's locations (`stocktakeId|locationId`). @example `STOCKTAKE_LOCATIONS === "inventory.stocktake-locations"` */
export const STOCKTAKE_LOCATIONS = "inventory.stocktake-locations";
/** The collection of the last count date per `sku|warehouse` (cycle counting). @example `COUNT_DATES === "inventory.count-dates"` */
export const COUNT_DATES = "inventory.count-dates";

/**
 * A count session.
 *
 * @example
 * ```ts
 * const s: Stocktake = { stocktakeId: "st_1", warehouseId: "wh", locations: null, locationRange: null, skus: null, blind: true, recountAbove: "2", recountPercent: null, state: "open", startedAt: "2026-03-31T08:00:00.000Z", approvedAt: null, summary: null };
 * ```
 */
export interface Stocktake extends JsonObject {
  readonly stocktakeId: string;
  readonly warehouseId: string;
  /** Only these locations (null: every location in range, or the whole warehouse). */
  readonly locations: readonly string[] | null;
  /** Only locations whose id is in this range, inclusive (string order). */
  readonly locationRange: { readonly from: string; readonly to: string } | null;
  /** Only these SKUs (null: every SKU). */
  readonly skus: readonly string[] | null;
  /** The counter does not see expected quantities. */
  readonly blind: boolean;
  /** A first count differing by more than this many units needs a recount. */
  readonly recountAbove: string | null;
  /** A first count differing by more than this percentage of the expected quantity needs a recount. */
  readonly recountPercent: string | null;
  readonly state: "open" | "approved" | "cancelled";
  readonly startedAt: string;
  readonly approvedAt: string | null;
  readonly summary: StocktakeSummary | null;
}

/**
 * What an approved stocktake posted.
 *
 * @example
 * ```ts
 * const s: StocktakeSummary = { locationsCounted: 3, lines: 12, adjusted: 2, shrinkage: "-4.5", gain: "2", movements: 2 };
 * ```
 */
export interface StocktakeSummary extends JsonObject {
  readonly locationsCounted: number;
  /** Items (SKU × lot) compared at counted locations. */
  readonly lines: number;
  /** Items whose book differed from the count. */
  readonly adjusted: number;
  /** Value of units lost (≤ 0, functional currency). */
  readonly shrinkage: string;
  /** Value of units found (≥ 0). */
  readonly gain: string;
  readonly movements: number;
  /**
   * Present when movements recorded after a count took units the count did not find, from a
   * product that does not allow negative stock: those units were there when it was counted,
   * so the loss posted there is smaller by them.
   */
  readonly missedByCount?: readonly MissedByCount[];
}

/**
 * An item whose count later movements contradict: they took `missed` more units from the
 * location than the count found there, so approval posted `posted` (counted + missed − book)
 * instead of counted − book.
 *
 * @example
 * ```ts
 * const m: MissedByCount = { locationId: "wh/B", sku: "MUG", lot: null, countedAt: "2026-03-31T09:00:00.000Z", book: "5", counted: "0", missed: "1", posted: "-4" };
 * ```
 */
export interface MissedByCount extends JsonObject {
  readonly locationId: string;
  readonly sku: string;
  readonly lot: string | null;
  readonly countedAt: string;
  /** The book at the count instant. */
  readonly book: string;
  readonly counted: string;
  /** Units later movements took from the location beyond what was counted there. */
  readonly missed: string;
  /** The adjustment posted (≤ 0). */
  readonly posted: string;
}

/**
 * A counted item: SKU, lot (null: none) and quantity in base units.
 *
 * @example
 * ```ts
 * const c: CountedItem = { sku: "MUG", lot: null, quantity: "12" };
 * ```
 */
export interface CountedItem extends JsonObject {
  readonly sku: string;
  readonly lot: string | null;
  readonly quantity: string;
}

/**
 * One location of a stocktake: what was expected there when the count started, and its
 * count once counted.
 *
 * @example
 * ```ts
 * const l: StocktakeLocation = { stocktakeId: "st_1", locationId: "wh/A1", expected: [{ sku: "MUG", lot: null }], status: "pending", countedAt: null, counts: [], firstCount: null };
 * ```
 */
export interface StocktakeLocation extends JsonObject {
  readonly stocktakeId: string;
  readonly locationId: string;
  readonly expected: readonly { readonly sku: string; readonly lot: string | null }[];
  readonly status: "pending" | "counted" | "recount";
  readonly countedAt: string | null;
  readonly counts: readonly CountedItem[];
  /** The first count when the location was recounted. */
  readonly firstCount: readonly CountedItem[] | null;
  /**
   * Movements effective at the very instant of the count that were recorded before it (the
   * count saw them); one at that instant recorded later counts as after the count. Absent on
   * counts recorded before this was kept: every movement at the instant counts as before.
   */
  readonly seenAtCount?: readonly string[];
}
