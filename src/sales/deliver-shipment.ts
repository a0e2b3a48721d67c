import { StorekeepError } from "../kernel/errors.js";
import { idSchema } from "../kernel/ids.js";
import { defineLibraryCommand } from "../runner/library.js";
import { SHIPMENTS, type ShipmentDoc, bump, loadOrder, qty, saveOrder, withHistory } from "./order.js";
import { nextOrderState, nextShipmentState } from "./state-machines.js";
import { strictInput } from "../kernel/strict-input.js";

export const deliverShipmentSchema = strictInput({ shipmentId: idSchema<string>() });

/**
 * Records that a shipment reached the customer; an order whose every line is delivered
 * completes. Nothing posts. Delivering it again (a carrier webhook replayed, under any
 * idempotency key) returns the first result and changes nothing.
 *
 * @example
 * ```ts
 * await sk.sales.deliverShipment({ shipmentId: "shp_1" });
 * ```
 */
export const deliverShipment = defineLibraryCommand({
  name: "sales.deliverShipment",
  input: deliverShipmentSchema,
  async handle(ctx, input) {
    const stored = await ctx.tx.documents.getForUpdate<ShipmentDoc & { [k: string]: never }>(SHIPMENTS, input.shipmentId);
    if (stored === undefined) throw new StorekeepError("NOT_FOUND", `Shipment ${input.shipmentId} does not exist; ship it with sales.shipOrder first.`, { shipmentId: input.shipmentId });
    const shipment = stored.data as ShipmentDoc;
    // Delivered already (a carrier webhook delivered again): the first result, no second effect.
    if (shipment.state === "delivered" && shipment.delivered !== undefined) return { result: { ...shipment.delivered } };
    const state = nextShipmentState(shipment.state, "deliver", `Shipment ${input.shipmentId}`);
    const { order, version } = await loadOrder(ctx.tx, shipment.orderId);
    let lines = order.lines;
    for (const s of shipment.lines) lines = lines.map((l) => (l.lineId === s.lineId ? bump(l, "delivered", qty(s.quantity)) : l));
    let next = { ...order, lines };
    const all = lines.every((l) => qty(l.buckets.delivered) === qty(l.buckets.ordered));
    if (all && next.state === "placed") next = { ...next, state: nextOrderState(next.state, "complete", `Order ${order.orderId}`) };
    const result = { shipmentId: input.shipmentId, orderId: order.orderId, orderState: next.state };
    await ctx.tx.documents.put(SHIPMENTS, input.shipmentId, { ...shipment, state, deliveredAt: ctx.now.toISOString(), delivered: result } as never, stored.version);
    await saveOrder(ctx.tx, withHistory(next, ctx.now.toISOString(), "deliver", input.shipmentId), version);
    return { result };
  },
});
