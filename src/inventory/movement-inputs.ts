import { z } from "zod";
import { BOUNDS } from "../kernel/bounds.js";
import { idSchema } from "../kernel/ids.js";
import { decimalStringSchema } from "../kernel/events/fields.js";
import { effectiveSchema } from "./effective.js";
import { skuSchema } from "./product.js";

/**
 * The fields every single-location movement command takes: where (SKU, warehouse, optional
 * location and lot), the document behind it, and when.
 *
 * @example
 * ```ts
 * const scrapSchema = strictInput({ ...where, quantity: positiveQuantityString });
 * ```
 */
export const where = {
  sku: skuSchema,
  warehouseId: idSchema<string>(),
  locationId: idSchema<string>().optional(),
  lot: idSchema<string>().optional(),
  /** The document behind the movement (a delivery note, a count sheet); default: the command id. */
  reference: idSchema<string>().optional(),
  ...effectiveSchema.shape,
};

/**
 * The name of a unit of a product ("carton"), as `defineUnit` defines it.
 *
 * @example
 * ```ts
 * unitNameSchema.parse("carton");
 * ```
 */
export const unitNameSchema = z.string().min(1).max(20);

/**
 * A unit cost in the functional currency (a non-negative decimal string).
 *
 * @example
 * ```ts
 * unitCostSchema.parse("2.50");
 * ```
 */
export const unitCostSchema = decimalStringSchema(BOUNDS.amount, "unitCost", "nonnegative");

/**
 * A line value in the functional currency (a non-negative decimal string).
 *
 * @example
 * ```ts
 * valueSchema.parse("25.00");
 * ```
 */
export const valueSchema = decimalStringSchema(BOUNDS.amount, "value", "nonnegative");
