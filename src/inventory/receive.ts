import { stockCounterRoleSchema } from "../kernel/events/account-roles.js";
import { positiveQuantityString } from "../kernel/events/fields.js";
import { localDateSchema } from "../kernel/local-date.js";
import { defineLibraryCommand } from "../runner/library.js";
import type { InventorySettings } from "./options.js";
import { minorOf, valueAtUnitCost } from "./amounts.js";
import { effectiveInstant } from "./effective.js";
import { type MovementDraft } from "./ledger-records.js";
import { resolveLocation } from "./location.js";
import { unitCostSchema, unitNameSchema, valueSchema, where } from "./movement-inputs.js";
import { quantityInBaseUnits } from "./base-quantity.js";
import { recordMovements } from "./record-movements.js";
import { strictInput } from "../kernel/strict-input.js";

const receiveSchema = strictInput({ ...where, quantity: positiveQuantityString, unitCost: unitCostSchema.optional(), value: valueSchema.optional(), counterRole: stockCounterRoleSchema.default("grni"), unit: unitNameSchema.optional(), expiry: localDateSchema.optional() })
  .refine((r) => (r.unitCost === undefined) !== (r.value === undefined), { message: "give exactly one of unitCost (a unit price) or value (the line's total)", path: ["unitCost"] });

/**
 * Receives units into a location at a unit cost or a line value (a goods receipt without a purchasing module, or opening stock with `counterRole: "opening-balance-equity"`).
 *
 * Rounding, stated here because it changes what is booked: a `unitCost` may carry up to 6
 * decimals (unit costs are often sub-cent); the receipt's value is `quantity × unitCost`
 * rounded once to the functional currency's minor unit by `config.rounding` (3 × 4.001 =
 * 12.003 books 12.00 with half-even), and the recorded movement's `amount` shows what was
 * booked. A `value` is booked as given, so it must already be a whole number of minor units
 * (`12.003` is VALIDATION_FAILED). Pass `value` when the supplier's line total is what counts.
 * Quantities and amounts are decimal strings or plain numbers (`5`, `4.25`). With a `unit`
 * (see `defineUnit`) the quantity and the unit cost are in that unit — 2 cartons at 30.00 —
 * and the ledger records base units (24 at 2.50), the value computed before converting.
 * A `lot` may carry its `expiry` (recorded in the lot master for FEFO picking and recalls).
 *
 * @example
 * ```ts
 * const receive = receiveCommand(resolveInventoryOptions());
 * await runtime.execute(receive, { sku: "MUG", warehouseId: "wh", quantity: "10", unitCost: "2.5" });
 * ```
 */
export function receiveCommand(settings: InventorySettings) {
  return defineLibraryCommand({
    name: "inventory.receive",
    input: receiveSchema,
    async handle(ctx, input) {
      const locationId = await resolveLocation(ctx.tx, input.warehouseId, input.locationId);
      const valueMinor = input.value !== undefined ? minorOf(ctx, input.value, "value") : valueAtUnitCost(ctx, input.quantity, input.unitCost!);
      const type = input.counterRole === "opening-balance-equity" ? "opening" : "receipt";
      const draft: MovementDraft = {
        sku: input.sku,
        kind: type === "opening" ? "opening" : "receipt",
        effectiveAt: effectiveInstant(ctx, input),
        quantity: await quantityInBaseUnits(ctx.tx, input.sku, input.quantity, input.unit),
        warehouseId: input.warehouseId,
        locationId,
        lot: input.lot,
        expiry: input.expiry,
        counterRole: input.counterRole,
        source: { type, id: input.reference ?? ctx.commandId },
        valueMinor,
      };
      const out = await recordMovements(ctx, settings, [draft]);
      return { result: out.movements[0]!, events: out.events };
    },
  });
}
