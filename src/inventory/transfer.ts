import { z } from "zod";
import { minorUnits } from "../kernel/currencies.js";
import { StorekeepError } from "../kernel/errors.js";
import { idSchema } from "../kernel/ids.js";
import { positiveQuantityString } from "../kernel/events/fields.js";
import { defineLibraryCommand } from "../runner/library.js";
import type { InventorySettings } from "./options.js";
import { effectiveInstant, effectiveSchema } from "./effective.js";
import { type MovementDraft, TRANSFERS } from "./ledger-records.js";
import { resolveLocation } from "./location.js";
import { recordMovements } from "./record-movements.js";
import { planRemoval } from "./removal.js";
import { skuSchema } from "./product.js";
import { unitNameSchema } from "./movement-inputs.js";
import { quantityInBaseUnits } from "./base-quantity.js";
import { parseScaled } from "./valuation-kernel.js";
import { strictInput } from "../kernel/strict-input.js";

const transferSchema = strictInput({
  sku: skuSchema,
  quantity: positiveQuantityString,
  /** The unit the quantity is in (see `defineUnit`); default the base unit. */
  unit: unitNameSchema.optional(),
  lot: idSchema<string>().optional(),
  from: strictInput({ warehouseId: idSchema<string>(), locationId: idSchema<string>().optional() }),
  to: strictInput({ warehouseId: idSchema<string>(), locationId: idSchema<string>().optional() }),
  /** Units travel (dispatched now, arrive with `receiveTransfer`). Default: between warehouses. */
  inTransit: z.boolean().optional(),
  reference: idSchema<string>().optional(),
  ...effectiveSchema.shape,
});

/**
 * Moves units between locations or warehouses; between warehouses (or with `inTransit`) they travel, and arrive with `receiveTransfer`.
 * With a `unit` the quantity is in that unit (1 carton moves 12 base units; the transfer records base units).
 *
 * @example
 * ```ts
 * const transfer = transferCommand(resolveInventoryOptions());
 * await runtime.execute(transfer, { sku: "MUG", quantity: "2", from: { warehouseId: "wh" }, to: { warehouseId: "wh_2" } });
 * ```
 */
export function transferCommand(settings: InventorySettings) {
  return defineLibraryCommand({
    name: "inventory.transfer",
    input: transferSchema,
    async handle(ctx, input) {
      const quantity = await quantityInBaseUnits(ctx.tx, input.sku, input.quantity, input.unit);
      const from = await resolveLocation(ctx.tx, input.from.warehouseId, input.from.locationId);
      const to = await resolveLocation(ctx.tx, input.to.warehouseId, input.to.locationId);
      if (input.from.warehouseId === input.to.warehouseId && from === to) {
        throw new StorekeepError("VALIDATION_FAILED", "A transfer must move units to another location.", { issues: [{ path: "to", message: "same as from", code: "custom" }] });
      }
      const inTransit = input.inTransit ?? input.from.warehouseId !== input.to.warehouseId;
      const transferId = input.reference ?? ctx.ids.next("tr");
      const effectiveAt = effectiveInstant(ctx, input);
      // A lot-tracked product moved without a lot takes lots by its removal strategy: one movement per location and lot.
      const plan = await planRemoval(ctx, { sku: input.sku, warehouseId: input.from.warehouseId, locationId: input.from.locationId, lot: input.lot, quantity, effectiveAt, fulfil: false, excludeLocation: input.from.warehouseId === input.to.warehouseId ? to : undefined });
      const drafts: MovementDraft[] = plan.parts.map((part) => ({
        sku: input.sku,
        kind: "transfer",
        effectiveAt,
        quantity: "0",
        moved: part.quantity,
        warehouseId: input.from.warehouseId,
        locationId: part.locationId,
        lot: part.lot,
        to: { warehouseId: input.to.warehouseId, locationId: to },
        stage: inTransit ? "dispatched" : "direct",
        transferId,
        counterRole: "inventory-in-transit",
        source: { type: "transfer", id: transferId },
      }));
      if (drafts.some((d) => d.locationId === to && input.from.warehouseId === input.to.warehouseId)) {
        throw new StorekeepError("VALIDATION_FAILED", "A transfer must move units to another location.", { issues: [{ path: "to", message: "same as from", code: "custom" }] });
      }
      const out = await recordMovements(ctx, settings, drafts);
      const moved = out.movements[0]!;
      const digits = minorUnits(ctx.config.functionalCurrency);
      if (inTransit) {
        const parts = out.movements.map((m, i) => ({ locationId: drafts[i]!.locationId, lot: drafts[i]!.lot ?? null, quantity: m.quantity, valueMinor: parseScaled(m.amount, digits).toString() }));
        const valueMinor = parts.reduce((sum, part) => sum + BigInt(part.valueMinor), 0n).toString();
        await ctx.tx.documents.put(
          TRANSFERS,
          transferId,
          {
            transferId,
            sku: input.sku,
            quantity,
            lot: parts.length === 1 ? parts[0]!.lot : null,
            from: { warehouseId: input.from.warehouseId, locationId: parts.length === 1 ? parts[0]!.locationId : from },
            to: { warehouseId: input.to.warehouseId, locationId: to },
            valueMinor,
            dispatchedAt: moved.effectiveAt,
            state: "in-transit",
            arrivedAt: null,
            ...(plan.strategy === null ? {} : { parts }),
          },
          0,
        );
      }
      const result = { ...moved, transferId, stage: inTransit ? "dispatched" : "direct" };
      return { result: plan.strategy === null ? result : { ...result, strategy: plan.strategy, movements: out.movements }, events: out.events };
    },
  });
}
