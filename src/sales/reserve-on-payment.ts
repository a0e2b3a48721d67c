import type { NewEvent } from "../runner/command.js";
import { type OrderDoc } from "./order.js";
import { reservationRequest } from "./place-order.js";

/** When the shop reserves at payment: the first payment reserves every line. */
export function paymentReservation(order: OrderDoc, today: string): { order: OrderDoc; events: NewEvent[] } {
  if (order.reserveAt !== "payment" || order.reserved) return { order, events: [] };
  const lines = order.lines.map((l) => ({ ...l, buckets: { ...l.buckets, reserved: l.buckets.ordered } }));
  return { order: { ...order, reserved: true, lines }, events: [reservationRequest(order, today)] };
}
