import { z } from "zod";
import { BOUNDS } from "../kernel/bounds.js";
import { withArticle } from "../kernel/article.js";
import { StorekeepError } from "../kernel/errors.js";
import { idSchema } from "../kernel/ids.js";
import { type NewEvent } from "../runner/command.js";
import { defineLibraryCommand } from "../runner/library.js";
import { decimalText } from "./inputs.js";
import { invoiceOrderPart } from "./documents.js";
import { creditHeldInFinance } from "./reports.js";
import { type OrderDoc, SHIPMENTS, type ShipmentDoc, bump, loadOrder, qty, qtyText, saveOrder, withHistory } from "./order.js";
import type { SalesSettings } from "./options.js";
import { allocateNumber } from "./numbers.js";
import { functionalRate } from "./rate.js";
import { shipFromSources } from "./sourcing.js";
import { strictInput } from "../kernel/strict-input.js";

const id = idSchema<string>();
export const shipOrderSchema = strictInput({
  orderId: id,
  shipmentId: id,
  /** Default: everything left to ship. */
  lines: z.array(strictInput({ lineId: id, quantity: decimalText("positive", "quantity"), locationId: id.optional(), lot: id.optional() })).min(1).max(BOUNDS.lines).optional(),
});

/**
 * Ships lines (partly or wholly) from the order's warehouse, or from the warehouses the
 * sourcing policy placed them at (in that order): `ShipmentDispatched` makes
 * inventory issue the stock at its valuation cost and post COGS; under the on-shipment
 * policy the shipped quantities are invoiced in the same command (the shipping charge
 * with the first invoice), except what `invoiceOrder` billed ahead (`invoiceId` null when
 * nothing was left to invoice).
 *
 * @example
 * ```ts
 * await sk.sales.shipOrder({ orderId: "ord_1", shipmentId: "shp_1", lines: [{ lineId: "1", quantity: "1" }] });
 * ```
 */
export function shipOrderCommand(settings: SalesSettings) {
  return defineLibraryCommand({
    name: "sales.shipOrder",
    input: shipOrderSchema,
    async handle(ctx, input) {
      // The carrier's or the host's notification delivered again (any idempotency key) replays the first result.
      const prior = await ctx.tx.documents.get<ShipmentDoc & { [k: string]: never }>(SHIPMENTS, input.shipmentId);
      if (prior !== undefined) return { result: replayedShipment(prior.data as ShipmentDoc, input) };
      await ctx.periodLocks?.assertOpen(ctx.tx, "sales", ctx.today);
      const { order, version } = await loadOrder(ctx.tx, input.orderId);
      if (order.state !== "placed") {
        throw new StorekeepError("INVALID_TRANSITION", `Order ${order.orderId} is ${order.state}: only a placed order ships (${order.state === "draft" ? "place the draft first: sales.changeOrderState with action place" : order.state === "on-hold" ? "release the hold first" : withArticle(order.state) + " order ships no more"}).`, { orderId: order.orderId, state: order.state, allowed: ["placed"] });
      }
      const wanted = input.lines ?? order.lines.map((l) => ({ lineId: l.lineId, quantity: qtyText(qty(l.buckets.ordered) - qty(l.buckets.shipped)) })).filter((l) => l.quantity !== "0");
      if (wanted.length === 0) throw new StorekeepError("INVALID_TRANSITION", `Order ${order.orderId} has nothing left to ship.`, { orderId: order.orderId });
      const quantities = new Map<string, bigint>();
      const dispatched: { lineId: string; sku: string; quantity: string; locationId?: string; lot?: string; warehouseId?: string }[] = [];
      let lines = order.lines;
      for (const [i, w] of wanted.entries()) {
        const index = lines.findIndex((l) => l.lineId === w.lineId);
        if (index < 0) throw new StorekeepError("NOT_FOUND", `lines[${i}]: order ${order.orderId} has no line ${w.lineId}.`, { lineId: w.lineId });
        const line = lines[index]!;
        const q = qty(w.quantity);
        const left = qty(line.buckets.ordered) - qty(line.buckets.shipped);
        if (q > left) throw new StorekeepError("VALIDATION_FAILED", `lines[${i}]: line ${w.lineId} has ${qtyText(left)} left to ship, not ${w.quantity}.`, { lineId: w.lineId, left: qtyText(left), issues: [{ path: `lines[${i}].quantity`, message: "more than is left to ship", code: "custom" }] });
        let shipped = bump(line, "shipped", q);
        const reserved = qty(line.buckets.reserved);
        shipped = bump(shipped, "reserved", -(reserved < q ? reserved : q));
        // A line the sourcing policy split ships from its warehouses in order.
        const from = shipFromSources(line, order.warehouseId, q);
        const named = w as { locationId?: string; lot?: string };
        if (from.parts.length > 1 && named.locationId !== undefined) {
          throw new StorekeepError("VALIDATION_FAILED", `lines[${i}]: line ${w.lineId} ships from ${from.parts.map((p) => p.warehouseId).join(" and ")}; a location names one of them — ship it without locationId, or in parts.`, { lineId: w.lineId, issues: [{ path: `lines[${i}].locationId`, message: "the line ships from several warehouses", code: "custom" }] });
        }
        if (line.sources !== undefined) {
          const { sources: _s, ...rest } = shipped;
          void _s;
          shipped = from.sources === undefined || from.sources.length === 0 ? rest : { ...rest, sources: from.sources };
        }
        for (const part of from.parts) dispatched.push({ lineId: w.lineId, sku: line.sku, quantity: qtyText(part.quantity), ...(named.locationId === undefined ? {} : { locationId: named.locationId }), ...(named.lot === undefined ? {} : { lot: named.lot }), ...(part.warehouseId === order.warehouseId ? {} : { warehouseId: part.warehouseId }) });
        lines = lines.map((l, k) => (k === index ? shipped : l));
        quantities.set(w.lineId, (quantities.get(w.lineId) ?? 0n) + q);
      }
      // Goods shipped before payment (cash on delivery, a shop's own decision) end the unpaid expiry: cancelling cannot take them back.
      let next: OrderDoc = { ...order, lines, shipments: [...order.shipments, input.shipmentId], expiresAt: "" };
      const events: NewEvent[] = [
        {
          type: "ShipmentDispatched",
          aggregateType: "order",
          aggregateId: order.orderId,
          effectiveDate: ctx.today,
          payload: {
            shipmentId: input.shipmentId,
            orderId: order.orderId,
            warehouseId: order.warehouseId,
            lines: dispatched,
          },
        },
      ];
      // On shipment, what ships is invoiced — except what an invoice billed ahead already (invoiceOrder).
      const toInvoice = new Map<string, bigint>();
      for (const [lineId, q] of quantities) {
        const line = next.lines.find((l) => l.lineId === lineId)!;
        const left = qty(line.buckets.ordered) - qty(line.buckets.invoiced);
        if (left > 0n) toInvoice.set(lineId, q < left ? q : left);
      }
      let invoiceId: string | null = null;
      if (next.invoicing === "on-shipment" && (toInvoice.size > 0 || !next.shipping.invoiced)) {
        const number = await allocateNumber(ctx, settings, "invoice");
        const heldCredit = await creditHeldInFinance(ctx.tx, next, settings.seams.openItems);
        const invoiced = invoiceOrderPart(next, toInvoice, { invoiceId: number, number, rate: await functionalRate(ctx, next.currency), today: ctx.today, includeShipping: !next.shipping.invoiced, heldCredit });
        next = invoiced.order;
        events.push(invoiced.event);
        invoiceId = number;
      }
      const result = { shipmentId: input.shipmentId, invoiceId };
      const shipment: ShipmentDoc = { shipmentId: input.shipmentId, orderId: order.orderId, state: "shipped", lines: wanted.map((w) => ({ lineId: w.lineId, quantity: w.quantity })), shippedAt: ctx.now.toISOString(), deliveredAt: null, fingerprint: shipmentFingerprint(wanted), result };
      await ctx.tx.documents.put(SHIPMENTS, input.shipmentId, shipment as never, 0);
      await saveOrder(ctx.tx, withHistory(next, ctx.now.toISOString(), "ship", input.shipmentId), version);
      return { result, events };
    },
  });
}

/** The canonical content of a shipment's lines (in any order; quantities canonical). */
function shipmentFingerprint(lines: readonly { readonly lineId: string; readonly quantity: string; readonly locationId?: string | undefined; readonly lot?: string | undefined }[]): string {
  return lines
    .map((l) => `${l.lineId}=${qtyText(qty(l.quantity))}@${l.locationId ?? ""}/${l.lot ?? ""}`)
    .sort()
    .join("&");
}

/**
 * The first result of a shipment recorded again under its id: the same order, and the same
 * lines when the repeat names any (a repeat without lines meant the shipment recorded);
 * other content is DUPLICATE_DOCUMENT naming the difference, as is a shipment recorded before
 * replays were kept.
 */
function replayedShipment(doc: ShipmentDoc, input: z.output<typeof shipOrderSchema>): { shipmentId: string; invoiceId: string | null } {
  const shown = (fingerprint: string) => fingerprint.replace(/@\/(?=&|$)/g, "").split("&").map((l) => `line ${l.replace("=", " × ")}`).join(", ");
  const differing: string[] = [];
  if (doc.orderId !== input.orderId) differing.push(`order: ${doc.orderId}, now ${input.orderId}`);
  if (input.lines !== undefined && doc.fingerprint !== undefined && shipmentFingerprint(input.lines) !== doc.fingerprint) differing.push(`lines: ${shown(doc.fingerprint)}, now ${shown(shipmentFingerprint(input.lines))}`);
  if (differing.length > 0) {
    throw new StorekeepError("DUPLICATE_DOCUMENT", `Shipment ${input.shipmentId} was already recorded with other content (${differing.join("; ")}); a shipment id is used once: record another shipment under a new shipmentId.`, { shipmentId: input.shipmentId, orderId: doc.orderId, differing: differing.map((d) => d.slice(0, d.indexOf(":"))) });
  }
  if (doc.result === undefined) {
    throw new StorekeepError("DUPLICATE_DOCUMENT", `Shipment ${input.shipmentId} was already recorded (before repeats replayed its result); a shipment id is used once.`, { shipmentId: input.shipmentId, orderId: doc.orderId });
  }
  return { shipmentId: doc.result.shipmentId, invoiceId: doc.result.invoiceId };
}
