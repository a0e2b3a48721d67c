import { z } from "zod";
import { BOUNDS } from "../kernel/bounds.js";
import { Decimal } from "../kernel/decimal.js";
import { StorekeepError } from "../kernel/errors.js";
import { decimalStringSchema } from "../kernel/events/fields.js";
import { defineLibraryCommand } from "../runner/library.js";
import { type ProductUnit, UNITS } from "./barcode-lookup.js";
import { requireProduct, skuSchema } from "./product.js";
import { strictInput } from "../kernel/strict-input.js";

const unitSchema = strictInput({
  sku: skuSchema,
  /** The unit's name ("carton", "pallet", "g"). */
  unit: z.string().min(1).max(20),
  /** Base units in one of this unit (12 for a carton of 12 when the base is a unit; 0.001 for g when the base is kg). */
  factor: decimalStringSchema(BOUNDS.quantity, "factor", "positive"),
});

/**
 * Defines a unit of a product other than its base unit: how many base units one of it
 * holds. Defining it again with the same factor is a no-op; another factor is refused
 * (`INVALID_TRANSITION`, naming the existing factor), since quantities already given, scanned
 * or labelled in that unit would silently change meaning: name a new unit instead.
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
    if (existing !== undefined) {
      if (new Decimal(existing.data.factor).eq(input.factor)) return { result: existing.data };
      throw new StorekeepError(
        "INVALID_TRANSITION",
        `${input.sku}'s unit "${input.unit}" already holds ${existing.data.factor} base units; it cannot change to ${input.factor}, since quantities already given in "${input.unit}" would change meaning. Define a unit with another name instead.`,
        { sku: input.sku, unit: input.unit, factor: existing.data.factor },
      );
    }
    const unit: ProductUnit = { sku: input.sku, unit: input.unit, factor: input.factor };
    await ctx.tx.documents.put(UNITS, key, unit, 0);
    return { result: unit };
  },
});
