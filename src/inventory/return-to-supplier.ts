import { positiveQuantityString } from "../kernel/events/fields.js";
import { defineLibraryCommand } from "../runner/library.js";
import type { InventorySettings } from "./options.js";
import { effectiveInstant } from "./effective.js";
import { type MovementDraft } from "./ledger-records.js";
import { unitNameSchema, where } from "./movement-inputs.js";
import { quantityInBaseUnits } from "./base-quantity.js";
import { recordMovements } from "./record-movements.js";
import { planRemoval } from "./removal.js";
import { strictInput } from "../kernel/strict-input.js";

const supplierReturnSchema = strictInput({
  ...where,
  quantity: positiveQuantityString,
  /** The unit the quantity is in (see `defineUnit`); default the base unit. */
  unit: unitNameSchema.optional(),
});

/**
 * Sends units back to the supplier at their cost (against purchase price difference). A
 * lot-tracked product sent back without a lot takes lots by its removal strategy, as an issue
 * does (see `planRemoval`: never an expired lot nor units customers hold by lot); the result
 * then lists one movement per location and lot in `movements`. With a `unit` the quantity is
 * in that unit (2 cartons send back 24 base units).
 *
 * @example
 * ```ts
 * const returnToSupplier = returnToSupplierCommand(resolveInventoryOptions());
 * await runtime.execute(returnToSupplier, { sku: "MUG", warehouseId: "wh", quantity: "2" });
 * ```
 */
export function returnToSupplierCommand(settings: InventorySettings) {
  return defineLibraryCommand({
    name: "inventory.returnToSupplier",
    input: supplierReturnSchema,
    async handle(ctx, input) {
      const quantity = await quantityInBaseUnits(ctx.tx, input.sku, input.quantity, input.unit);
      const effectiveAt = effectiveInstant(ctx, input);
      const plan = await planRemoval(ctx, { sku: input.sku, warehouseId: input.warehouseId, locationId: input.locationId, lot: input.lot, quantity, effectiveAt, fulfil: false });
      const drafts: MovementDraft[] = plan.parts.map((part) => ({
        sku: input.sku,
        kind: "supplier-return",
        effectiveAt,
        quantity: `-${part.quantity}`,
        warehouseId: input.warehouseId,
        locationId: part.locationId,
        lot: part.lot,
        counterRole: "purchase-price-difference",
        source: { type: "supplier-return", id: input.reference ?? ctx.commandId },
      }));
      const out = await recordMovements(ctx, settings, drafts);
      const result = plan.strategy === null ? out.movements[0]! : { ...out.movements[0]!, strategy: plan.strategy, movements: out.movements };
      return { result, events: out.events };
    },
  });
}
