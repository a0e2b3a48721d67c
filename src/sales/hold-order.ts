import { z } from "zod";
import { unpaidExpiry } from "./void-payment.js";
import { idSchema } from "../kernel/ids.js";
import { type NewEvent } from "../runner/command.js";
import { defineLibraryCommand } from "../runner/library.js";
import { loadOrder, qty, saveOrder, withHistory } from "./order.js";
import type { SalesSettings } from "./options.js";
import { invoiceWhole, placementEvents } from "./place-order.js";
import { nextOrderState } from "./state-machines.js";
import { strictInput } from "../kernel/strict-input.js";
import { checkCreditLimit } from "./credit-limits.js";

export const orderActionSchema = strictInput({ orderId: idSchema<string>(), action: z.enum(["hold", "release-hold", "place"]) });

/**
 * Puts a placed order on hold (nothing ships), releases the hold, or places a draft
 * (reserving and invoicing as the shop's policy says).
 *
 * @example
 * ```ts
 * await sk.sales.changeOrderState({ orderId: "ord_1", action: "hold" });
 * ```
 */
export function changeOrderStateCommand(settings: SalesSettings) {
  return defineLibraryCommand({
    name: "sales.changeOrderState",
    input: orderActionSchema,
    async handle(ctx, input) {
      const { order, version } = await loadOrder(ctx.tx, input.orderId);
      const state = nextOrderState(order.state, input.action, `Order ${order.orderId}`);
      let next = { ...order, state };
      const events: NewEvent[] = [];
      if (input.action === "place") {
        await checkCreditLimit(ctx, settings, { customerId: order.customerId, currency: order.currency, gross: order.totals.gross, paymentTermsDays: order.paymentTermsDays });
        next = { ...next, placedAt: ctx.now.toISOString(), placedOn: ctx.today, expiresAt: unpaidExpiry(settings, { ...next, placedAt: ctx.now.toISOString() }) };
        if (next.reserveAt === "placement") next = { ...next, reserved: true, lines: next.lines.map((l) => ({ ...l, buckets: { ...l.buckets, reserved: l.buckets.ordered } })) };
        const placed = await placementEvents(ctx, settings, next);
        next = placed.order;
        events.push(...placed.events);
        if (next.invoicing === "on-order") {
          const invoiced = await invoiceWhole(ctx, settings, next);
          next = invoiced.order;
          events.push(invoiced.event);
        }
      }
      // A hold released after every line was delivered (deliveries go on while held) completes the order.
      if (input.action === "release-hold" && next.lines.every((l) => qty(l.buckets.delivered) === qty(l.buckets.ordered))) next = { ...next, state: nextOrderState(next.state, "complete", `Order ${order.orderId}`) };
      await saveOrder(ctx.tx, withHistory(next, ctx.now.toISOString(), input.action), version);
      return { result: { orderId: order.orderId, state: next.state }, events };
    },
  });
}
