import type { CommandContext, NewEvent } from "../runner/command.js";
import type { SalesSettings } from "./options.js";
import { type OrderDoc, qty, qtyText } from "./order.js";
import { reservationRequest } from "./place-order.js";
import type { SourcedPart } from "./sourcing.js";

/**
 * When the shop reserves at payment: the first payment reserves what is left to ship of every
 * line (over warehouses, by the sourcing policy) — nothing for units already shipped, and no
 * reservation at all when everything has shipped.
 *
 * The money is the provider's fact: when the stock is no longer there (another customer paid
 * for the last unit first), the payment is recorded all the same and the order stays
 * unreserved (`short: true`) — the shop ships it when stock comes in, or cancels and pays it
 * back. A later payment tries the reservation again. An authorization (`whenShort:
 * "refuse"`) is refused instead (`INSUFFICIENT_STOCK`): it can be voided.
 */
export async function paymentReservation(ctx: CommandContext, settings: SalesSettings, order: OrderDoc, whenShort: "record" | "refuse" = "record"): Promise<{ order: OrderDoc; events: NewEvent[]; short: boolean }> {
  if (order.reserveAt !== "payment" || order.reserved) return { order, events: [], short: false };
  const lines = order.lines.map((l) => {
    const left = qty(l.buckets.ordered) - qty(l.buckets.shipped);
    return { ...l, buckets: { ...l.buckets, reserved: qtyText(left > 0n ? left : 0n) } };
  });
  if (lines.every((l) => qty(l.buckets.reserved) === 0n)) return { order: { ...order, reserved: true, lines }, events: [], short: false };
  const reserved = await reservationRequest(ctx, settings, { ...order, reserved: true, lines });
  if (whenShort === "record" && !(await holdable(ctx, settings, order.warehouseId, (reserved.event.payload as { lines: readonly SourcedPart[] }).lines))) return { order, events: [], short: true };
  return { order: reserved.order, events: [reserved.event], short: false };
}

/** Whether inventory can hold `parts` now: each SKU's units at each warehouse available there, or the product takes backorders. */
async function holdable(ctx: CommandContext, settings: SalesSettings, orderWarehouse: string, parts: readonly SourcedPart[]): Promise<boolean> {
  const availability = settings.seams.availability;
  if (availability === undefined) return true;
  const need = new Map<string, { sku: string; warehouseId: string; units: bigint }>();
  for (const p of parts) {
    const warehouseId = p.warehouseId ?? orderWarehouse;
    const key = `${p.sku}\u0000${warehouseId}`;
    const n = need.get(key) ?? { sku: p.sku, warehouseId, units: 0n };
    need.set(key, { ...n, units: n.units + qty(p.quantity) });
  }
  const rows = await availability(ctx.tx, [...new Set(parts.map((p) => p.sku))]);
  const available = new Map(rows.map((r) => [`${r.sku}\u0000${r.warehouseId}`, qty(r.available)]));
  for (const [key, n] of need) {
    if ((available.get(key) ?? 0n) >= n.units) continue;
    if ((await settings.seams.productOf(ctx.tx, n.sku))?.allowBackorders === true) continue;
    return false;
  }
  return true;
}
