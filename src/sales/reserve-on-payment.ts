import type { CommandContext, NewEvent } from "../runner/command.js";
import type { SalesSettings } from "./options.js";
import { type OrderDoc } from "./order.js";
import { reservationRequest } from "./place-order.js";

/** When the shop reserves at payment: the first payment reserves every line (over warehouses, by the sourcing policy). */
export async function paymentReservation(ctx: CommandContext, settings: SalesSettings, order: OrderDoc): Promise<{ order: OrderDoc; events: NewEvent[] }> {
  if (order.reserveAt !== "payment" || order.reserved) return { order, events: [] };
  const lines = order.lines.map((l) => ({ ...l, buckets: { ...l.buckets, reserved: l.buckets.ordered } }));
  const reserved = await reservationRequest(ctx, settings, { ...order, reserved: true, lines });
  return { order: reserved.order, events: [reserved.event] };
}
