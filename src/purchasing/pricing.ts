/*
 * Price lists, quantity breaks, minimum order quantities and pack multiples: pure functions
 * of a supplier item.
 */
import { Decimal } from "../kernel/decimal.js";
import type { SupplierItem, SupplierPrice } from "./supplier.js";

const validOn = (p: SupplierPrice, date: string): boolean => (p.validFrom === null || p.validFrom <= date) && (p.validTo === null || date <= p.validTo);

/**
 * The first problem of a price list, or null: a price valid to before it is valid from, or
 * two prices of the same break and currency valid on a common date.
 *
 * @example
 * ```ts
 * checkPriceList([{ minQuantity: "0", unitPrice: "2", currency: "EUR", validFrom: null, validTo: null }]); // null
 * ```
 */
export function checkPriceList(prices: readonly SupplierPrice[]): { index: number; message: string } | null {
  for (const [index, p] of prices.entries()) {
    if (p.validFrom !== null && p.validTo !== null && p.validTo < p.validFrom) return { index, message: `validTo ${p.validTo} is before validFrom ${p.validFrom}` };
    for (let j = 0; j < index; j++) {
      const q = prices[j]!;
      if (q.currency !== p.currency || !new Decimal(q.minQuantity).eq(p.minQuantity)) continue;
      const overlap = (p.validFrom === null || q.validTo === null || p.validFrom <= q.validTo) && (q.validFrom === null || p.validTo === null || q.validFrom <= p.validTo);
      if (overlap) return { index, message: `overlaps price ${j} (same break ${p.minQuantity} ${p.currency} on a common date); end one before the other starts` };
    }
  }
  return null;
}

/**
 * The price that applies to `quantity` on `date` in `currency`: among the prices valid on
 * that date, the break with the largest `minQuantity` not above the quantity; undefined
 * when none applies.
 *
 * @example
 * ```ts
 * priceFor(item, new Decimal(250), "2026-03-01", "EUR"); // { unitPrice: "2.3", minQuantity: "200", ... }
 * ```
 */
export function priceFor(item: SupplierItem, quantity: Decimal, date: string, currency: string): SupplierPrice | undefined {
  let best: SupplierPrice | undefined;
  for (const p of item.prices) {
    if (p.currency !== currency || !validOn(p, date) || quantity.lt(p.minQuantity)) continue;
    if (best === undefined || new Decimal(p.minQuantity).gt(best.minQuantity)) best = p;
  }
  return best;
}

/**
 * Why `quantity` cannot be ordered from this item (below its minimum, not a pack
 * multiple), or null.
 *
 * @example
 * ```ts
 * orderQuantityProblem({ ...item, packMultiple: "10" }, new Decimal(15)); // "15 is not a multiple of the pack of 10; order 20"
 * ```
 */
export function orderQuantityProblem(item: SupplierItem, quantity: Decimal): string | null {
  if (item.minimumOrderQuantity !== null && quantity.lt(item.minimumOrderQuantity)) return `${quantity.toString()} is below the minimum order quantity ${item.minimumOrderQuantity}; order at least ${roundToOrderQuantity(item, quantity).toString()}`;
  if (item.packMultiple !== null && !quantity.mod(item.packMultiple).isZero()) return `${quantity.toString()} is not a multiple of the pack of ${item.packMultiple}; order ${roundToOrderQuantity(item, quantity).toString()}`;
  return null;
}

/**
 * The smallest quantity at least `quantity` that the item can be ordered in: raised to the
 * minimum order quantity, then up to a whole number of packs.
 *
 * @example
 * ```ts
 * roundToOrderQuantity({ ...item, minimumOrderQuantity: "50", packMultiple: "12" }, new Decimal(7)).toString(); // "60"
 * ```
 */
export function roundToOrderQuantity(item: SupplierItem, quantity: Decimal): Decimal {
  let q = quantity;
  if (item.minimumOrderQuantity !== null && q.lt(item.minimumOrderQuantity)) q = new Decimal(item.minimumOrderQuantity);
  if (item.packMultiple !== null) q = q.dividedBy(item.packMultiple).ceil().times(item.packMultiple);
  return q;
}
