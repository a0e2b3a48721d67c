import { z } from "zod";
import { Decimal, canonicalDecimal } from "../kernel/decimal.js";
import { idSchema } from "../kernel/ids.js";
import { stockCounterRoleSchema } from "../kernel/events/account-roles.js";
import { positiveQuantityString } from "../kernel/events/fields.js";
import { defineCommand } from "../runner/command.js";
import type { InventorySettings } from "./options.js";
import { effectiveInstant } from "./effective.js";
import { type MovementDraft } from "./ledger-records.js";
import { resolveLocation } from "./location.js";
import { unitNameSchema, where } from "./movement-inputs.js";
import { unitFactor } from "./barcode-lookup.js";
import { toBaseQuantity } from "./units.js";
import { recordMovements } from "./record-movements.js";
import { fulfilReservations } from "./reservation-holds.js";

const issueSchema = z.object({
  ...where,
  quantity: positiveQuantityString,
  counterRole: stockCounterRoleSchema.default("cogs"),
  orderId: idSchema<string>().optional(),
  reservationId: idSchema<string>().optional(),
  /** The unit the quantity is in (see `defineUnit`); default the base unit. */
  unit: unitNameSchema.optional(),
});

/**
 * Issues units out of a location at their cost (a shipment without a sales module), fulfilling the order's or the named reservation's held units first. With a `unit` the quantity is in that unit (2 cartons issue 24 base units).
 *
 * @example
 * ```ts
 * const issue = issueCommand(resolveInventoryOptions());
 * await runtime.execute(issue, { sku: "MUG", warehouseId: "wh", quantity: "1", orderId: "ord_1" });
 * ```
 */
export function issueCommand(settings: InventorySettings) {
  return defineCommand({
    name: "inventory.issue",
    input: issueSchema,
    async handle(ctx, input) {
      const locationId = await resolveLocation(ctx.tx, input.warehouseId, input.locationId);
      const quantity = input.unit === undefined ? input.quantity : toBaseQuantity(input.quantity, await unitFactor(ctx.tx, input.sku, input.unit));
      const fulfilled = await fulfilReservations(ctx, { sku: input.sku, warehouseId: input.warehouseId, quantity: new Decimal(quantity), orderId: input.orderId, reservationId: input.reservationId });
      const draft: MovementDraft = {
        sku: input.sku,
        kind: "sale-issue",
        effectiveAt: effectiveInstant(ctx, input),
        quantity: `-${quantity}`,
        warehouseId: input.warehouseId,
        locationId,
        lot: input.lot,
        counterRole: input.counterRole,
        source: { type: "shipment", id: input.reference ?? ctx.commandId },
        orderId: input.orderId,
        reservedRelease: canonicalDecimal(fulfilled.released),
      };
      const out = await recordMovements(ctx, settings, [draft]);
      return { result: out.movements[0]!, events: [...fulfilled.events, ...out.events] };
    },
  });
}
