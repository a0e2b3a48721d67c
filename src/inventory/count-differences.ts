import { Decimal, canonicalDecimal } from "../kernel/decimal.js";
import type { JsonObject } from "../ports/storage.js";
import type { CountedItem } from "./stocktake-records.js";

/*
 * Pure parts of a stocktake: comparing a location's count with its book, deciding when a
 * difference needs a recount, and the book quantity at the instant a location was counted
 * (the book now, less what moved there after that instant).
 */

/**
 * One item of a counted location: book (expected) and counted quantity and their difference.
 *
 * @example
 * ```ts
 * const d: CountDifference = { sku: "MUG", lot: null, expected: "12", counted: "11", difference: "-1" };
 * ```
 */
export interface CountDifference extends JsonObject {
  readonly sku: string;
  readonly lot: string | null;
  readonly expected: string;
  readonly counted: string;
  readonly difference: string;
}

const itemKey = (sku: string, lot: string | null): string => `${sku}|${lot ?? ""}`;

/**
 * Compares a location's count with its book: every item expected there or counted there,
 * an item expected but not counted being counted as zero (the counter counted the whole
 * location). Sorted by SKU and lot.
 *
 * @example
 * ```ts
 * compareCount([{ sku: "MUG", lot: null, quantity: "11" }], new Map([["MUG|", "12"]]));
 * // [{ sku: "MUG", lot: null, expected: "12", counted: "11", difference: "-1" }]
 * ```
 */
export function compareCount(counted: readonly CountedItem[], expected: ReadonlyMap<string, string>): CountDifference[] {
  const items = new Map<string, { sku: string; lot: string | null; counted: Decimal; expected: Decimal }>();
  for (const [key, quantity] of expected) {
    const bar = key.indexOf("|");
    const lot = key.slice(bar + 1);
    items.set(key, { sku: key.slice(0, bar), lot: lot === "" ? null : lot, counted: new Decimal(0), expected: new Decimal(quantity) });
  }
  for (const c of counted) {
    const key = itemKey(c.sku, c.lot);
    const item = items.get(key) ?? { sku: c.sku, lot: c.lot, counted: new Decimal(0), expected: new Decimal(0) };
    item.counted = item.counted.plus(c.quantity);
    items.set(key, item);
  }
  return [...items.keys()].sort().map((key) => {
    const i = items.get(key)!;
    return { sku: i.sku, lot: i.lot, expected: canonicalDecimal(i.expected), counted: canonicalDecimal(i.counted), difference: canonicalDecimal(i.counted.minus(i.expected)) };
  });
}

/**
 * Whether a first count needs a recount: some item differs by more than `above` units, or
 * by more than `percent` % of its expected quantity (any difference when nothing was
 * expected). Null thresholds never ask for one.
 *
 * @example
 * ```ts
 * needsRecount([{ sku: "MUG", lot: null, expected: "100", counted: "90", difference: "-10" }], { above: null, percent: "5" }); // true
 * ```
 */
export function needsRecount(differences: readonly CountDifference[], threshold: { readonly above: string | null; readonly percent: string | null }): boolean {
  return differences.some((d) => {
    const diff = new Decimal(d.difference).abs();
    if (diff.isZero()) return false;
    if (threshold.above !== null && diff.gt(threshold.above)) return true;
    if (threshold.percent !== null) {
      const expected = new Decimal(d.expected).abs();
      if (expected.isZero() || diff.times(100).dividedBy(expected).gt(threshold.percent)) return true;
    }
    return false;
  });
}

/**
 * Sums counted items by SKU and lot (several scans of one item add up).
 *
 * @example
 * ```ts
 * mergeCounts([{ sku: "MUG", lot: null, quantity: "1" }, { sku: "MUG", lot: null, quantity: "12" }]); // [{ sku: "MUG", lot: null, quantity: "13" }]
 * ```
 */
export function mergeCounts(items: readonly CountedItem[]): CountedItem[] {
  const sums = new Map<string, { sku: string; lot: string | null; quantity: Decimal }>();
  for (const i of items) {
    const key = itemKey(i.sku, i.lot);
    const s = sums.get(key) ?? { sku: i.sku, lot: i.lot, quantity: new Decimal(0) };
    s.quantity = s.quantity.plus(i.quantity);
    sums.set(key, s);
  }
  return [...sums.keys()].sort().map((k) => {
    const s = sums.get(k)!;
    return { sku: s.sku, lot: s.lot, quantity: canonicalDecimal(s.quantity) };
  });
}
