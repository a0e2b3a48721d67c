import type { CommandContext, NewEvent } from "../runner/command.js";
import type { SalesSettings } from "./options.js";
import { type OrderDoc, qty, qtyText } from "./order.js";
import { reservationRequest } from "./place-order.js";

/**
 * When the shop reserves at payment: the first payment reserves what is left to ship of every
 * line (over warehouses, by the sourcing policy) — nothing for units already shipped, and no
 * reservation at all when everything has shipped.
 */
export async function paymentReservation(ctx: CommandContext, settings: SalesSettings, order: OrderDoc): Promise<{ order: OrderDoc; events: NewEvent[] }> {
  if (order.reserveAt !== "payment" || order.reserved) return { order, events: [] };
  const lines = order.lines.map((l) => {
    const left = qty(l.buckets.ordered) - qty(l.buckets.shipped);
    return { ...l, buckets: { ...l.buckets, reserved: qtyText(left > 0n ? left : 0n) } };
  });
  if (lines.every((l) => qty(l.buckets.reserved) === 0n)) return { order: { ...order, reserved: true, lines }, events: [] };
  const reserved = await reservationRequest(ctx, settings, { ...order, reserved: true, lines });
  return { order: reserved.order, events: [reserved.event] };
}
