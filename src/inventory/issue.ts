import { z } from "zod";
import { idSchema } from "../kernel/ids.js";
import { stockCounterRoleSchema } from "../kernel/events/account-roles.js";
import { positiveQuantityString } from "../kernel/events/fields.js";
import { defineLibraryCommand } from "../runner/library.js";
import type { InventorySettings } from "./options.js";
import { effectiveInstant } from "./effective.js";
import { type MovementDraft } from "./ledger-records.js";
import { unitNameSchema, where } from "./movement-inputs.js";
import { unitFactor } from "./barcode-lookup.js";
import { toBaseQuantity } from "./units.js";
import { recordMovements } from "./record-movements.js";
import { planRemoval } from "./removal.js";

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
 * Issues units out of a location at their cost (a shipment without a sales module), fulfilling the order's or the named reservation's held units first. With a `unit` the quantity is in that unit (2 cartons issue 24 base units). A lot-tracked product issued without a lot takes lots by its removal strategy (see `planRemoval`); the result then lists one movement per location and lot in `movements`.
 *
 * @example
 * ```ts
 * const issue = issueCommand(resolveInventoryOptions());
 * await runtime.execute(issue, { sku: "MUG", warehouseId: "wh", quantity: "1", orderId: "ord_1" });
 * ```
 */
export function issueCommand(settings: InventorySettings) {
  return defineLibraryCommand({
    name: "inventory.issue",
    input: issueSchema,
    async handle(ctx, input) {
      const quantity = input.unit === undefined ? input.quantity : toBaseQuantity(input.quantity, await unitFactor(ctx.tx, input.sku, input.unit));
      const effectiveAt = effectiveInstant(ctx, input);
      const plan = await planRemoval(ctx, { sku: input.sku, warehouseId: input.warehouseId, locationId: input.locationId, lot: input.lot, quantity, effectiveAt, orderId: input.orderId, reservationId: input.reservationId, fulfil: true });
      const drafts: MovementDraft[] = plan.parts.map((part) => ({
        sku: input.sku,
        kind: "sale-issue",
        effectiveAt,
        quantity: `-${part.quantity}`,
        warehouseId: input.warehouseId,
        locationId: part.locationId,
        lot: part.lot,
        counterRole: input.counterRole,
        source: { type: "shipment", id: input.reference ?? ctx.commandId },
        orderId: input.orderId,
        reservedRelease: part.released,
      }));
      const out = await recordMovements(ctx, settings, drafts);
      // Lots chosen by the removal strategy: one movement per location and lot, listed in `movements`.
      const result = plan.strategy === null ? out.movements[0]! : { ...out.movements[0]!, strategy: plan.strategy, movements: out.movements };
      return { result, events: [...plan.events, ...out.events] };
    },
  });
}
