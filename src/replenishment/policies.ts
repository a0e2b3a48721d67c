import { validationError } from "./forecast/forecast-result.js";

/**
 * Inventory position: what is on the shelf and on its way, minus what is promised:
 * on hand − reserved − backordered + on order.
 *
 * @example
 * ```ts
 * inventoryPosition({ onHand: 40, reserved: 5, backordered: 3, onOrder: 20 }); // 52
 * ```
 */
export function inventoryPosition(stock: { readonly onHand: number; readonly reserved: number; readonly backordered: number; readonly onOrder: number }): number {
  return stock.onHand - stock.reserved - stock.backordered + stock.onOrder;
}

/** How an order quantity is rounded to the pack multiple. */
export type PackRounding = "up" | "down" | "nearest" | "none";

/**
 * Rounds a quantity to a multiple. `"up"` is Odoo's reordering-rule behaviour
 * (`qty_multiple`: add `multiple − remainder` when there is a remainder).
 *
 * @example
 * ```ts
 * roundToMultiple(23, 12, "up"); // 24
 * roundToMultiple(23, 12, "down"); // 12
 * ```
 */
export function roundToMultiple(quantity: number, multiple: number, rounding: PackRounding = "up"): number {
  if (!(multiple >= 0 && Number.isFinite(multiple))) throw validationError("multiple must be a finite number >= 0", { multiple });
  if (rounding === "none" || multiple === 0 || quantity <= 0) return Math.max(0, quantity);
  const units = quantity / multiple;
  // Tolerate float noise (23.999999 packs is 24 packs).
  const near = Math.round(units);
  if (Math.abs(units - near) < 1e-9) return near * multiple;
  const packs = rounding === "up" ? Math.ceil(units) : rounding === "down" ? Math.floor(units) : Math.round(units);
  return packs * multiple;
}

/**
 * Min/max (Odoo reordering rule): when the forecast position falls below `min`, order
 * up to `max`, rounded to `multiple` per `rounding` (Odoo: up). `min` above `max` is
 * refused (VALIDATION_FAILED).
 *
 * @example
 * ```ts
 * minMaxOrderQuantity({ position: 8, min: 10, max: 50, multiple: 12 }); // 48
 * ```
 */
export function minMaxOrderQuantity(input: { readonly position: number; readonly min: number; readonly max: number; readonly multiple?: number; readonly rounding?: PackRounding }): number {
  if (!(input.min >= 0 && input.max >= 0)) throw validationError("min and max must be >= 0", { min: input.min, max: input.max });
  if (input.min > input.max) throw validationError(`min ${input.min} is above max ${input.max}: min must not exceed max (lower min or raise max)`, { min: input.min, max: input.max });
  if (input.position >= input.min) return 0;
  const raw = input.max - input.position;
  return roundToMultiple(raw, input.multiple ?? 0, input.rounding ?? "up");
}

/**
 * Continuous review (s, S): when the position is at or below the reorder point s, order
 * up to S. With S = s + Q this is the (s, Q) policy.
 *
 * @example
 * ```ts
 * reorderPointOrderQuantity({ position: 90, reorderPoint: 122, orderUpTo: 341 }); // 251
 * ```
 */
export function reorderPointOrderQuantity(input: { readonly position: number; readonly reorderPoint: number; readonly orderUpTo: number; readonly multiple?: number; readonly rounding?: PackRounding }): number {
  if (input.position > input.reorderPoint) return 0;
  return roundToMultiple(Math.max(0, input.orderUpTo - input.position), input.multiple ?? 0, input.rounding ?? "up");
}

/**
 * Periodic review (R, S): every review, order up to S = μ·(R + L) + z·σ over R + L.
 * Returns the order-up-to level for the given demand and the order for a position.
 *
 * @example
 * ```ts
 * periodicReviewOrderUpTo({ meanDemandPerPeriod: 10, sdDemandPerPeriod: 3, reviewPeriods: 7, leadTimePeriods: 2, z: 1.645 }); // 90 + 1.645·9
 * ```
 */
export function periodicReviewOrderUpTo(input: { readonly meanDemandPerPeriod: number; readonly sdDemandPerPeriod: number; readonly reviewPeriods: number; readonly leadTimePeriods: number; readonly sdLeadTimePeriods?: number; readonly z: number }): number {
  const protection = input.reviewPeriods + input.leadTimePeriods;
  if (!(protection > 0)) throw validationError("reviewPeriods + leadTimePeriods must be greater than 0");
  const sdL = input.sdLeadTimePeriods ?? 0;
  const sigma = Math.sqrt(protection * input.sdDemandPerPeriod ** 2 + input.meanDemandPerPeriod ** 2 * sdL ** 2);
  return input.meanDemandPerPeriod * protection + input.z * sigma;
}

/**
 * The smallest quantity at least `quantity` the supplier accepts: raised to the minimum
 * order quantity, then up to a whole number of packs (purchasing's `roundToOrderQuantity`
 * rule, so a suggestion is an order purchasing takes as it is), with what changed and why.
 * Every policy's quantity goes through it.
 *
 * @example
 * ```ts
 * orderableQuantity(36, { minimumOrderQuantity: 50, packMultiple: 12 }).quantity; // 60
 * ```
 */
export function orderableQuantity(quantity: number, terms: { readonly minimumOrderQuantity?: number | undefined; readonly packMultiple?: number | undefined }): { quantity: number; adjustments: string[] } {
  const adjustments: string[] = [];
  let q = quantity;
  const moq = terms.minimumOrderQuantity ?? 0;
  const raised = q < moq;
  if (raised) {
    adjustments.push(`raised from ${q} to the supplier's minimum order quantity ${moq}`);
    q = moq;
  }
  const pack = terms.packMultiple ?? 0;
  if (pack > 0) {
    const rounded = roundToMultiple(q, pack, "up");
    if (rounded !== q) adjustments.push(`rounded up from ${q} to a multiple of the pack of ${pack}: ${rounded}${raised ? " (the minimum order quantity is not a whole number of packs)" : ""}`);
    q = rounded;
  }
  return { quantity: q, adjustments };
}
