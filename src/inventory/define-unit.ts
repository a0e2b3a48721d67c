import { z } from "zod";
import { BOUNDS } from "../kernel/bounds.js";
import { StorekeepError } from "../kernel/errors.js";
import { decimalStringSchema } from "../kernel/events/fields.js";
import { defineLibraryCommand } from "../runner/library.js";
import { type ProductUnit, UNITS } from "./barcode-lookup.js";
import { requireProduct, skuSchema } from "./product.js";

const unitSchema = z.object({
  sku: skuSchema,
  /** The unit's name ("carton", "pallet", "g"). */
  unit: z.string().min(1).max(20),
  /** Base units in one of this unit (12 for a carton of 12 when the base is a unit; 0.001 for g when the base is kg). */
  factor: decimalStringSchema(BOUNDS.quantity, "factor", "positive"),
});

/**
 * Defines (or changes) a unit of a product other than its base unit: how many base units
 * one of it holds. Stock is always recorded in base units, so changing a factor changes
 * what later inputs in that unit mean, never history.
 *
 * @example
 * ```ts
 * await runtime.execute(defineUnit, { sku: "MUG", unit: "carton", factor: "12" });
 * ```
 */
export const defineUnit = defineLibraryCommand({
  name: "inventory.defineUnit",
  input: unitSchema,
  async handle(ctx, input) {
    const product = await requireProduct(ctx.tx, input.sku);
    if (product.unitOfMeasure === input.unit) {
      throw new StorekeepError("VALIDATION_FAILED", `"${input.unit}" is ${input.sku}'s base unit (factor 1); name the other unit, e.g. "carton".`, { issues: [{ path: "unit", message: "is the base unit", code: "custom" }] });
    }
    const key = `${input.sku}|${input.unit}`;
    const existing = await ctx.tx.documents.getForUpdate<ProductUnit>(UNITS, key);
    const unit: ProductUnit = { sku: input.sku, unit: input.unit, factor: input.factor };
    if (existing?.data.factor !== input.factor) await ctx.tx.documents.put(UNITS, key, unit, existing?.version ?? 0);
    return { result: unit };
  },
});
