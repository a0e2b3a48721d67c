import { StorekeepError } from "../kernel/errors.js";
import { idSchema } from "../kernel/ids.js";
import { defineLibraryCommand } from "../runner/library.js";
import type { InventorySettings } from "./options.js";
import { effectiveInstant, effectiveSchema } from "./effective.js";
import { type MovementDraft, TRANSFERS } from "./ledger-records.js";
import { recordMovements } from "./record-movements.js";
import { strictInput } from "../kernel/strict-input.js";

const receiveTransferSchema = strictInput({ transferId: idSchema<string>(), ...effectiveSchema.shape });

/**
 * Receives a transfer in transit at its destination, at the value it left with.
 *
 * @example
 * ```ts
 * const receiveTransfer = receiveTransferCommand(resolveInventoryOptions());
 * await runtime.execute(receiveTransfer, { transferId: "tr_1" });
 * ```
 */
export function receiveTransferCommand(settings: InventorySettings) {
  return defineLibraryCommand({
    name: "inventory.receiveTransfer",
    input: receiveTransferSchema,
    async handle(ctx, input) {
      const doc = await ctx.tx.documents.getForUpdate<{
        transferId: string;
        sku: string;
        quantity: string;
        lot: string | null;
        from: { warehouseId: string; locationId: string };
        to: { warehouseId: string; locationId: string };
        valueMinor: string;
        dispatchedAt: string;
        state: string;
        arrivedAt: string | null;
        /** Lots chosen by the removal strategy at dispatch: one arrival per part. */
        parts?: { locationId: string; lot: string | null; quantity: string; valueMinor: string }[];
      }>(TRANSFERS, input.transferId);
      if (doc === undefined) throw new StorekeepError("NOT_FOUND", `Unknown transfer "${input.transferId}" (only transfers in transit can be received).`, { transferId: input.transferId });
      const t = doc.data;
      if (t.state !== "in-transit") throw new StorekeepError("INVALID_TRANSITION", `Transfer ${t.transferId} already arrived at ${t.arrivedAt}.`, { transferId: t.transferId });
      const effectiveAt = effectiveInstant(ctx, input);
      if (effectiveAt < t.dispatchedAt) throw new StorekeepError("VALIDATION_FAILED", `Transfer ${t.transferId} cannot arrive (${effectiveAt}) before it left (${t.dispatchedAt}).`, { issues: [{ path: "effectiveAt", message: "before dispatch", code: "custom" }] });
      const parts = t.parts ?? [{ locationId: t.from.locationId, lot: t.lot, quantity: t.quantity, valueMinor: t.valueMinor }];
      const drafts: MovementDraft[] = parts.map((part) => ({
        sku: t.sku,
        kind: "transfer",
        effectiveAt,
        quantity: "0",
        moved: part.quantity,
        warehouseId: t.from.warehouseId,
        locationId: part.locationId,
        lot: part.lot ?? undefined,
        to: t.to,
        stage: "arrived",
        transferId: t.transferId,
        counterRole: "inventory-in-transit",
        source: { type: "transfer", id: t.transferId },
        valueMinor: BigInt(part.valueMinor),
      }));
      const out = await recordMovements(ctx, settings, drafts);
      await ctx.tx.documents.put(TRANSFERS, t.transferId, { ...t, state: "arrived", arrivedAt: effectiveAt }, doc.version);
      const result = { ...out.movements[0]!, transferId: t.transferId, stage: "arrived" };
      return { result: t.parts === undefined ? result : { ...result, movements: out.movements }, events: out.events };
    },
  });
}
