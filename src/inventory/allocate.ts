import { StorekeepError } from "../kernel/errors.js";
import { idSchema } from "../kernel/ids.js";
import { defineLibraryCommand } from "../runner/library.js";
import { NEVER_EXPIRES, RESERVATIONS, type Reservation } from "./reservations.js";
import { strictInput } from "../kernel/strict-input.js";

const allocateSchema = strictInput({ reservationId: idSchema<string>() });

/**
 * Turns a held soft reservation into a hard one (it no longer expires).
 *
 * @example
 * ```ts
 * await runtime.execute(allocate, { reservationId: "res_1" });
 * ```
 */
export const allocate = defineLibraryCommand({
  name: "inventory.allocate",
  input: allocateSchema,
  async handle(ctx, input) {
    const doc = await ctx.tx.documents.getForUpdate<Reservation>(RESERVATIONS, input.reservationId);
    if (doc === undefined) throw new StorekeepError("NOT_FOUND", `Unknown reservation "${input.reservationId}".`, { reservationId: input.reservationId });
    const r = doc.data;
    if (r.state !== "held" || (r.kind === "soft" && (r.expiresAt ?? "") <= ctx.now.toISOString())) {
      throw new StorekeepError("INVALID_TRANSITION", `Reservation ${r.reservationId} is ${r.state === "held" ? "expired" : r.state}; reserve again instead.`, { reservationId: r.reservationId, state: r.state });
    }
    await ctx.tx.documents.put(RESERVATIONS, r.reservationId, { ...r, kind: "hard", expiresAt: NEVER_EXPIRES }, doc.version);
    return { result: { reservationId: r.reservationId, kind: "hard" } };
  },
});
