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
  {
    const input = { orderId };
    const found = await ctx.tx.documents.find<Reservation>(RESERVATIONS, { index: "byOrder", equals: [input.orderId], limit: 10_000 });
    const holds: { doc: Reservation; version: number }[] = [];
    await lockStillHeld(ctx.tx, found.filter((d) => d.data.state === "held").map((d) => d.id), holds);
    const closed = await closeHolds(ctx, holds, reason === "expired" ? "expired" : reason, reason);
    await applyRelease(ctx.tx, closed.changes);
    return closed.events;
  }
}

/**
 * When an order's demand first queued: the earliest queue instant (`rankAt`, else
 * `createdAt`) of its held holds, or undefined when it holds nothing.
 *
 * @example
 * ```ts
 * const rankAt = await earliestQueuedAt(ctx, "ord_1"); // e.g. "2026-03-02T10:00:00.000Z"
 * ```
 */
export async function earliestQueuedAt(ctx: CommandContext, orderId: string): Promise<string | undefined> {
  const found = await ctx.tx.documents.find<Reservation>(RESERVATIONS, { index: "byOrder", equals: [orderId], limit: 10_000 });
  let earliest: string | undefined;
  for (const d of found) {
    if (d.data.state !== "held") continue;
    const at = d.data.rankAt ?? d.data.createdAt;
    if (earliest === undefined || at < earliest) earliest = at;
  }
  return earliest;
}
