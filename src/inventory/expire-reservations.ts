import { z } from "zod";
import { defineLibraryCommand } from "../runner/library.js";
import { RESERVATIONS, type Reservation } from "./reservations.js";
import { applyRelease, closeHolds } from "./reservation-holds.js";
import { strictInput } from "../kernel/strict-input.js";

const expireSchema = strictInput({ limit: z.number().int().min(1).max(10_000).default(1000) });

/**
 * Expires soft holds whose time has passed (at most `limit` per call; `more` says whether to call again).
 *
 * @example
 * ```ts
 * await runtime.execute(expireReservations, { limit: 500 });
 * ```
 */
export const expireReservations = defineLibraryCommand({
  name: "inventory.expireReservations",
  input: expireSchema,
  async handle(ctx, input) {
    const nowIso = ctx.now.toISOString();
    const found = await ctx.tx.documents.find<Reservation>(RESERVATIONS, { index: "byExpiry", equals: ["held"], range: { lte: nowIso }, limit: input.limit });
    const holds: { doc: Reservation; version: number }[] = [];
    for (const d of found) {
      const locked = await ctx.tx.documents.getForUpdate<Reservation>(RESERVATIONS, d.id);
      if (locked !== undefined && locked.data.state === "held" && locked.data.expiresAt !== null && locked.data.expiresAt <= nowIso) holds.push({ doc: locked.data, version: locked.version });
    }
    const closed = await closeHolds(ctx, holds, "expired", "expired");
    await applyRelease(ctx.tx, closed.changes);
    return { result: { expired: holds.length, more: found.length === input.limit }, events: closed.events };
  },
});
