import { z } from "zod";
import { type NewEvent } from "../runner/command.js";
import { defineLibraryCommand } from "../runner/library.js";
import { ORDERS, type OrderDoc, loadOrder, saveOrder } from "./order.js";
import type { SalesSettings } from "./options.js";
import { cancel } from "./cancel-order.js";

export const expireOrdersSchema = z.strictObject({ limit: z.number().int().min(1).max(1000).default(100) });

/**
 * Cancels unpaid orders whose time ran out (found by a range read on their expiry),
 * releasing their reservations. A host runs it on a schedule, or an automation rule calls
 * it.
 *
 * @example
 * ```ts
 * const { expired } = await sk.sales.expireOrders({ limit: 100 });
 * ```
 */
export function expireOrdersCommand(settings: SalesSettings) {
  return defineLibraryCommand({
    name: "sales.expireOrders",
    input: expireOrdersSchema,
    async handle(ctx, input) {
      const due = await ctx.tx.documents.find<OrderDoc & { [k: string]: never }>(ORDERS, { index: "byExpiry", range: { gt: "", lte: ctx.now.toISOString() }, limit: input.limit });
      const expired: string[] = [];
      const events: NewEvent[] = [];
      for (const d of due) {
        const { order, version } = await loadOrder(ctx.tx, d.id);
        if (order.state !== "placed" || order.expiresAt === "" || order.expiresAt > ctx.now.toISOString() || order.paid.captured !== "0" || order.paid.authorized !== "0") continue;
        const out = await cancel(ctx, settings, order, "expire");
        await saveOrder(ctx.tx, out.order, version);
        events.push(...out.events);
        expired.push(order.orderId);
      }
      return { result: { expired }, events };
    },
  });
}
