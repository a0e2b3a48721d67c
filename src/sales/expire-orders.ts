import { z } from "zod";
import { type NewEvent } from "../runner/command.js";
import { defineLibraryCommand } from "../runner/library.js";
import { ORDERS, type OrderDoc, loadOrder, nothingPaid, saveOrder } from "./order.js";
import type { SalesSettings } from "./options.js";
import { cancel } from "./cancel-order.js";
import { strictInput } from "../kernel/strict-input.js";

export const expireOrdersSchema = strictInput({ limit: z.number().int().min(1).max(1000).default(100) });

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
      const expired: string[] = [];
      const events: NewEvent[] = [];
      const nowIso = ctx.now.toISOString();
      // Orders past their expiry that cannot expire (held, shipped before payment) are passed
      // over without counting toward the limit, so they never stop the ones behind them.
      let after: { values: string[]; id: string } | undefined;
      while (expired.length < input.limit) {
        const due = await ctx.tx.documents.find<OrderDoc & { [k: string]: never }>(ORDERS, { index: "byExpiry", range: { gt: "", lte: nowIso }, limit: input.limit, ...(after === undefined ? {} : { after }) });
        for (const d of due) {
          if (expired.length >= input.limit) break;
          const { order, version } = await loadOrder(ctx.tx, d.id);
          if (!expirable(order, nowIso)) continue;
          const out = await cancel(ctx, settings, order, "expire");
          await saveOrder(ctx.tx, out.order, version);
          events.push(...out.events);
          expired.push(order.orderId);
        }
        if (due.length < input.limit) break;
        const last = due[due.length - 1]!;
        after = { values: [last.data.expiresAt], id: last.id };
      }
      return { result: { expired }, events };
    },
  });
}

/**
 * Whether an order expires now: placed, past its expiry, nothing shipped (shipped goods are not
 * taken back by cancelling), nothing captured but what was paid back (a prepayment refunded in
 * full), and nothing authorized that is still to capture.
 */
function expirable(order: OrderDoc, nowIso: string): boolean {
  if (order.state !== "placed" || order.expiresAt === "" || order.expiresAt > nowIso || !nothingPaid(order)) return false;
  return order.lines.every((l) => l.buckets.shipped === "0");
}
