import { z } from "zod";
import { StorekeepError } from "../kernel/errors.js";
import { idSchema } from "../kernel/ids.js";
import { defineLibraryCommand } from "../runner/library.js";
import { RESERVATIONS, type Reservation } from "./reservations.js";
import { applyRelease, closeHolds } from "./reservation-holds.js";

const releaseSchema = z.object({ reservationId: idSchema<string>(), reason: z.enum(["released", "cancelled"]).default("released") });

/**
 * Releases a held reservation (its units become available again).
 *
 * @example
 * ```ts
 * await runtime.execute(release, { reservationId: "res_1" });
 * ```
 */
export const release = defineLibraryCommand({
  name: "inventory.release",
  input: releaseSchema,
  async handle(ctx, input) {
    const doc = await ctx.tx.documents.getForUpdate<Reservation>(RESERVATIONS, input.reservationId);
    if (doc === undefined) throw new StorekeepError("NOT_FOUND", `Unknown reservation "${input.reservationId}".`, { reservationId: input.reservationId });
    if (doc.data.state !== "held") return { result: { reservationId: input.reservationId, released: "0", state: doc.data.state } };
    const closed = await closeHolds(ctx, [{ doc: doc.data, version: doc.version }], input.reason, input.reason);
    await applyRelease(ctx.tx, closed.changes);
    return { result: { reservationId: input.reservationId, released: doc.data.remaining, state: input.reason }, events: closed.events };
  },
});
