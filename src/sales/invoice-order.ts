import { StorekeepError } from "../kernel/errors.js";
import { idSchema } from "../kernel/ids.js";
import { defineLibraryCommand } from "../runner/library.js";
import { loadOrder, qty, saveOrder, withHistory } from "./order.js";
import type { SalesSettings } from "./options.js";
import { invoiceWhole } from "./place-order.js";
import { strictInput } from "../kernel/strict-input.js";

export const invoiceOrderSchema = strictInput({ orderId: idSchema<string>() });

/**
 * Invoices everything of an order not invoiced yet (with the shipping charge, if not yet
 * invoiced), whatever the policy: for a shop that invoices on shipment but bills this order
 * before it ships. Prepayments are applied to the invoice.
 *
 * @example
 * ```ts
 * const { invoiceId } = await sk.sales.invoiceOrder({ orderId: "ord_1" });
 * ```
 */
export function invoiceOrderCommand(settings: SalesSettings) {
  return defineLibraryCommand({
    name: "sales.invoiceOrder",
    input: invoiceOrderSchema,
    async handle(ctx, input) {
      await ctx.periodLocks?.assertOpen(ctx.tx, "sales", ctx.today);
      const { order, version } = await loadOrder(ctx.tx, input.orderId);
      if (order.state !== "placed" && order.state !== "on-hold" && order.state !== "completed") {
        throw new StorekeepError("INVALID_TRANSITION", `Order ${order.orderId} is ${order.state}: only a placed, held or completed order is invoiced.`, { orderId: order.orderId, state: order.state, allowed: ["placed", "on-hold", "completed"] });
      }
      if (order.lines.every((l) => qty(l.buckets.invoiced) === qty(l.buckets.ordered)) && order.shipping.invoiced) {
        throw new StorekeepError("INVALID_TRANSITION", `Order ${order.orderId} is invoiced in full already.`, { orderId: order.orderId, state: order.state, allowed: [] });
      }
      const invoiced = await invoiceWhole(ctx, settings, order);
      await saveOrder(ctx.tx, withHistory(invoiced.order, ctx.now.toISOString(), "invoice", invoiced.order.invoices.at(-1)!.invoiceId), version);
      return { result: { orderId: order.orderId, invoiceId: invoiced.order.invoices.at(-1)!.invoiceId }, events: [invoiced.event] };
    },
  });
}
