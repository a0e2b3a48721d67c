import { positiveQuantityString } from "../kernel/events/fields.js";
import { defineLibraryCommand } from "../runner/library.js";
import type { InventorySettings } from "./options.js";
import { effectiveInstant } from "./effective.js";
import { type MovementDraft } from "./ledger-records.js";
import { resolveLocation } from "./location.js";
import { unitNameSchema, where } from "./movement-inputs.js";
import { quantityInBaseUnits } from "./base-quantity.js";
import { recordMovements } from "./record-movements.js";
import { strictInput } from "../kernel/strict-input.js";

const scrapSchema = strictInput({
  ...where,
  quantity: positiveQuantityString,
  /** The unit the quantity is in (see `defineUnit`); default the base unit. */
  unit: unitNameSchema.optional(),
});

/**
 * Writes units off (scrap) at their cost. With a `unit` the quantity is in that unit (1 carton scraps 12 base units).
 *
 * @example
 * ```ts
 * const scrap = scrapCommand(resolveInventoryOptions());
 * await runtime.execute(scrap, { sku: "MUG", warehouseId: "wh", quantity: "1" });
 * ```
 */
export function scrapCommand(settings: InventorySettings) {
  return defineLibraryCommand({
    name: "inventory.scrap",
    input: scrapSchema,
    async handle(ctx, input) {
      const locationId = await resolveLocation(ctx.tx, input.warehouseId, input.locationId);
      const quantity = await quantityInBaseUnits(ctx.tx, input.sku, input.quantity, input.unit);
      const draft: MovementDraft = {
        sku: input.sku,
        kind: "scrap",
        effectiveAt: effectiveInstant(ctx, input),
        quantity: `-${quantity}`,
        warehouseId: input.warehouseId,
        locationId,
        lot: input.lot,
        counterRole: "write-off",
        source: { type: "adjustment", id: input.reference ?? ctx.commandId },
        reason: "scrap",
      };
      const out = await recordMovements(ctx, settings, [draft]);
      return { result: out.movements[0]!, events: out.events };
    },
  });
}
