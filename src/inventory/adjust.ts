import { z } from "zod";
import { quantityString } from "../kernel/events/fields.js";
import { defineLibraryCommand } from "../runner/library.js";
import type { InventorySettings } from "./options.js";
import { valueAtUnitCost } from "./amounts.js";
import { effectiveInstant } from "./effective.js";
import { type MovementDraft } from "./ledger-records.js";
import { resolveLocation } from "./location.js";
import { requireProduct } from "./product.js";
import { unitCostSchema, unitNameSchema, where } from "./movement-inputs.js";
import { quantityInBaseUnits } from "./base-quantity.js";
import { recordMovements } from "./record-movements.js";
import { strictInput } from "../kernel/strict-input.js";

const adjustSchema = strictInput({
  ...where,
  /** Signed: positive found units, negative lost ones. */
  quantity: quantityString,
  /** The unit the quantity (and `unitCost`) is in (see `defineUnit`); default the base unit. */
  unit: unitNameSchema.optional(),
  /** Found units: their unit cost (default: the current cost). Ignored under standard cost. */
  unitCost: unitCostSchema.optional(),
  reason: z.enum(["count", "damaged-return", "other"]).default("count"),
});

/**
 * Adjusts on hand by a signed quantity (a count difference, a damaged return): found units at a unit cost or the current cost, lost ones at their cost.
 * A standard-costed product's found units enter at its standard (`unitCost` does not apply: its stock is held at standard, and an adjustment has no price to book a variance against).
 * With a `unit` the quantity and the unit cost are in that unit, as in `receive` (1 carton found at 30.00 is 12 base units worth 30.00).
 *
 * @example
 * ```ts
 * const adjust = adjustCommand(resolveInventoryOptions());
 * await runtime.execute(adjust, { sku: "MUG", warehouseId: "wh", quantity: "-1", reason: "count" });
 * ```
 */
export function adjustCommand(settings: InventorySettings) {
  return defineLibraryCommand({
    name: "inventory.adjust",
    input: adjustSchema,
    async handle(ctx, input) {
      const locationId = await resolveLocation(ctx.tx, input.warehouseId, input.locationId);
      const quantity = await quantityInBaseUnits(ctx.tx, input.sku, input.quantity, input.unit);
      const gain = !input.quantity.startsWith("-");
      // Standard costing values every unit at the standard: a gain's unit cost would post a value the stock does not hold.
      const atUnitCost = gain && input.unitCost !== undefined && (await requireProduct(ctx.tx, input.sku)).costingMethod !== "standard";
      const draft: MovementDraft = {
        sku: input.sku,
        kind: "adjustment",
        effectiveAt: effectiveInstant(ctx, input),
        quantity,
        warehouseId: input.warehouseId,
        locationId,
        lot: input.lot,
        counterRole: input.reason === "damaged-return" ? "write-off" : "shrinkage",
        source: { type: "adjustment", id: input.reference ?? ctx.commandId },
        reason: input.reason,
        valueMinor: atUnitCost ? valueAtUnitCost(ctx, input.quantity, input.unitCost!) : undefined,
      };
      const out = await recordMovements(ctx, settings, [draft]);
      return { result: out.movements[0]!, events: out.events };
    },
  });
}
