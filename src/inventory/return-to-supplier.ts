import { z } from "zod";
import { positiveQuantityString } from "../kernel/events/fields.js";
import { defineCommand } from "../runner/command.js";
import type { InventorySettings } from "./options.js";
import { effectiveInstant } from "./effective.js";
import { type MovementDraft } from "./ledger-records.js";
import { resolveLocation } from "./location.js";
import { where } from "./movement-inputs.js";
import { recordMovements } from "./record-movements.js";

const supplierReturnSchema = z.object({ ...where, quantity: positiveQuantityString });

/**
 * Sends units back to the supplier at their cost (against purchase price difference).
 *
 * @example
 * ```ts
 * const returnToSupplier = returnToSupplierCommand(resolveInventoryOptions());
 * await runtime.execute(returnToSupplier, { sku: "MUG", warehouseId: "wh", quantity: "2" });
 * ```
 */
export function returnToSupplierCommand(settings: InventorySettings) {
  return defineCommand({
    name: "inventory.returnToSupplier",
    input: supplierReturnSchema,
    async handle(ctx, input) {
      const locationId = await resolveLocation(ctx.tx, input.warehouseId, input.locationId);
      const draft: MovementDraft = {
        sku: input.sku,
        kind: "supplier-return",
        effectiveAt: effectiveInstant(ctx, input),
        quantity: `-${input.quantity}`,
        warehouseId: input.warehouseId,
        locationId,
        lot: input.lot,
        counterRole: "purchase-price-difference",
        source: { type: "supplier-return", id: input.reference ?? ctx.commandId },
      };
      const out = await recordMovements(ctx, settings, [draft]);
      return { result: out.movements[0]!, events: out.events };
    },
  });
}
