import { z } from "zod";
import { idSchema } from "../kernel/ids.js";
import { type CommandContext, type NewEvent } from "../runner/command.js";
import { defineLibraryCommand } from "../runner/library.js";
import { RESERVATIONS, type Reservation } from "./reservations.js";
import { applyRelease, closeHolds, lockStillHeld } from "./reservation-holds.js";
import { strictInput } from "../kernel/strict-input.js";

const releaseOrderSchema = strictInput({ orderId: idSchema<string>(), reason: z.enum(["released", "cancelled"]).default("cancelled") });

/**
 * Releases every held reservation of an order (default reason: cancelled).
 *
 * @example
 * ```ts
 * await runtime.execute(releaseOrder, { orderId: "ord_1" });
 * ```
 */
export const releaseOrder = defineLibraryCommand({
  name: "inventory.releaseOrder",
  input: releaseOrderSchema,
  async handle(ctx, input) {
    const events = await releaseOrderHolds(ctx, input.orderId, input.reason);
    return { result: { orderId: input.orderId, released: events.length }, events };
  },
});

/**
 * Closes every held reservation of an order inside the caller's transaction and stops
 * reserving its units (the reaction to `OrderCancelled` runs it too).
 *
 * @example
 * ```ts
 * const events = await releaseOrderHolds(ctx, "ord_1", "cancelled");
 * ```
 */
export async function releaseOrderHolds(ctx: CommandContext, orderId: string, reason: "released" | "cancelled" | "expired"): Promise<NewEvent[]> {
  return (await releaseOrderHoldsQueued(ctx, orderId, reason)).events;
}

/**
 * {@link releaseOrderHolds}, also saying when the order's demand first queued: the earliest
 * queue instant (`rankAt`, else `createdAt`) of the holds it closed (undefined: none), so an
 * edit's new holds keep the order's place in the backorder queue. One read of the order's holds.
 *
 * @example
 * ```ts
 * const { events, queuedAt } = await releaseOrderHoldsQueued(ctx, "ord_1", "released");
 * ```
 */
export async function releaseOrderHoldsQueued(ctx: CommandContext, orderId: string, reason: "released" | "cancelled" | "expired"): Promise<{ events: NewEvent[]; queuedAt: string | undefined }> {
  const found = await ctx.tx.documents.find<Reservation>(RESERVATIONS, { index: "byOrder", equals: [orderId], limit: 10_000 });
  const held = found.filter((d) => d.data.state === "held");
  let queuedAt: string | undefined;
  for (const d of held) {
    const at = d.data.rankAt ?? d.data.createdAt;
    if (queuedAt === undefined || at < queuedAt) queuedAt = at;
  }
  const holds: { doc: Reservation; version: number }[] = [];
  await lockStillHeld(ctx.tx, held.map((d) => d.id), holds);
  const closed = await closeHolds(ctx, holds, reason === "expired" ? "expired" : reason, reason);
  await applyRelease(ctx.tx, closed.changes);
  return { events: closed.events, queuedAt };
}
