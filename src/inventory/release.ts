import { z } from "zod";
import { Decimal } from "../kernel/decimal.js";
import { StorekeepError } from "../kernel/errors.js";
import { idSchema } from "../kernel/ids.js";
import { positiveQuantityString } from "../kernel/events/fields.js";
import { defineLibraryCommand } from "../runner/library.js";
import { quantityInBaseUnits } from "./base-quantity.js";
import { unitNameSchema } from "./movement-inputs.js";
import { RESERVATIONS, type Reservation } from "./reservations.js";
import { applyRelease, closeHolds, releasePart } from "./reservation-holds.js";
import { strictInput } from "../kernel/strict-input.js";

const releaseSchema = strictInput({
  reservationId: idSchema<string>(),
  /** How much to release (default: all that is still held); the rest stays held. */
  quantity: positiveQuantityString.optional(),
  /** The unit `quantity` is in (see `defineUnit`); default the base unit. */
  unit: unitNameSchema.optional(),
  reason: z.enum(["released", "cancelled"]).default("released"),
}).refine((r) => r.unit === undefined || r.quantity !== undefined, { message: "a unit needs a quantity: give quantity with unit, or leave both out to release everything held", path: ["unit"] });

/**
 * Releases a held reservation (its units become available again): all that is still held,
 * or with `quantity` (in base units, or in `unit`) exactly that much, the rest staying held
 * (state `held`; releasing what is left closes it). More than is held is VALIDATION_FAILED
 * (`details`: `held`, `requested`); a quantity of a hold that is no longer held is
 * INVALID_TRANSITION. Without a quantity a closed hold is a no-op (`released: "0"`).
 *
 * @example
 * ```ts
 * await runtime.execute(release, { reservationId: "res_1" });
 * await runtime.execute(release, { reservationId: "res_2", quantity: "3" }); // 3 of 10: 7 stay held
 * ```
 */
export const release = defineLibraryCommand({
  name: "inventory.release",
  input: releaseSchema,
  async handle(ctx, input) {
    const doc = await ctx.tx.documents.getForUpdate<Reservation>(RESERVATIONS, input.reservationId);
    if (doc === undefined) throw new StorekeepError("NOT_FOUND", `Unknown reservation "${input.reservationId}".`, { reservationId: input.reservationId });
    const r = doc.data;
    if (input.quantity === undefined) {
      if (r.state !== "held") return { result: { reservationId: input.reservationId, released: "0", state: r.state } };
      const closed = await closeHolds(ctx, [{ doc: r, version: doc.version }], input.reason, input.reason);
      await applyRelease(ctx.tx, closed.changes);
      return { result: { reservationId: input.reservationId, released: r.remaining, state: input.reason }, events: closed.events };
    }
    if (r.state !== "held") {
      throw new StorekeepError("INVALID_TRANSITION", `Reservation ${r.reservationId} is ${r.state}; it holds nothing, so ${input.quantity}${input.unit === undefined ? "" : ` ${input.unit}`} cannot be released.`, { reservationId: r.reservationId, state: r.state });
    }
    const quantity = await quantityInBaseUnits(ctx.tx, r.sku, input.quantity, input.unit);
    const held = new Decimal(r.remaining);
    const wanted = new Decimal(quantity);
    if (wanted.gt(held)) {
      throw new StorekeepError(
        "VALIDATION_FAILED",
        `Reservation ${r.reservationId} holds ${r.remaining} ${r.sku} at ${r.warehouseId}; ${quantity} cannot be released. Release at most ${r.remaining}, or leave quantity out to release all of it.`,
        { reservationId: r.reservationId, held: r.remaining, requested: quantity, issues: [{ path: "quantity", message: `more than the ${r.remaining} held`, code: "custom" }] },
      );
    }
    if (wanted.eq(held)) {
      const closed = await closeHolds(ctx, [{ doc: r, version: doc.version }], input.reason, input.reason);
      await applyRelease(ctx.tx, closed.changes);
      return { result: { reservationId: input.reservationId, released: r.remaining, state: input.reason }, events: closed.events };
    }
    const part = await releasePart(ctx, { doc: r, version: doc.version }, wanted, input.reason);
    await applyRelease(ctx.tx, part.changes);
    return { result: { reservationId: input.reservationId, released: quantity, state: "held" }, events: part.events };
  },
});
