import { z } from "zod";
import { idSchema } from "../kernel/ids.js";
import { positiveQuantityString } from "../kernel/events/fields.js";
import { defineLibraryCommand } from "../runner/library.js";
import type { InventorySettings } from "./options.js";
import { effectiveInstant } from "./effective.js";
import { type MovementDraft } from "./ledger-records.js";
import { resolveLocation } from "./location.js";
import { unitCostSchema, where } from "./movement-inputs.js";
import { recordMovements } from "./record-movements.js";
import { returnValue } from "./return-value.js";

const customerReturnSchema = z.object({
  ...where,
  quantity: positiveQuantityString,
  /** The cost the units left with, if known; else the cost of `issueMovementId`, else the order's last issue of the SKU, else the current cost. */
  unitCost: unitCostSchema.optional(),
  issueMovementId: idSchema<string>().optional(),
  orderId: idSchema<string>().optional(),
});

/**
 * Takes back units a customer returned, at the cost they left with (see {@link returnValue}).
 *
 * @example
 * ```ts
 * const returnFromCustomer = returnFromCustomerCommand(resolveInventoryOptions());
 * await runtime.execute(returnFromCustomer, { sku: "MUG", warehouseId: "wh", quantity: "1", orderId: "ord_1" });
 * ```
 */
export function returnFromCustomerCommand(settings: InventorySettings) {
  return defineLibraryCommand({
    name: "inventory.returnFromCustomer",
    input: customerReturnSchema,
    async handle(ctx, input) {
      const locationId = await resolveLocation(ctx.tx, input.warehouseId, input.locationId);
      const priced = await returnValue(ctx, input.sku, input.quantity, input.unitCost, input.issueMovementId, input.orderId);
      const draft: MovementDraft = {
        sku: input.sku,
        kind: "customer-return",
        effectiveAt: effectiveInstant(ctx, input),
        quantity: input.quantity,
        warehouseId: input.warehouseId,
        locationId,
        lot: input.lot,
        counterRole: "cogs",
        source: { type: "customer-return", id: input.reference ?? ctx.commandId },
        orderId: input.orderId,
        ...priced,
      };
      const out = await recordMovements(ctx, settings, [draft]);
      return { result: out.movements[0]!, events: out.events };
    },
  });
}
