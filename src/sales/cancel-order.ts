import { z } from "zod";
import { StorekeepError } from "../kernel/errors.js";
import { idSchema } from "../kernel/ids.js";
import { type CommandContext, type NewEvent } from "../runner/command.js";
import { defineLibraryCommand } from "../runner/library.js";
import { creditOrder } from "./documents.js";
import { COUPONS, type OrderDoc, couponForUpdate, qty } from "./order.js";
import { loadOrder, saveOrder, withHistory } from "./order.js";
import type { SalesSettings } from "./options.js";
import { allocateNumber } from "./numbers.js";
import { nextOrderState } from "./state-machines.js";

export const cancelOrderSchema = z.strictObject({
  orderId: idSchema<string>(),
  /** The shop's reason, kept on the order (default `cancelled`); e.g. `unavailable` when the goods cannot be supplied. */
  reason: z.string().regex(/^[a-z][a-z0-9-]{0,39}$/, "lower-case letters, digits and -").optional(),
});

/**
 * Cancels an order before anything shipped: releases its reservations (`OrderCancelled`),
 * gives the coupon use back, and credits what was invoiced (`CreditNoteIssued`, reason
 * cancellation: one per invoice still open, at its rate; `creditNoteId` is the first,
 * `creditNoteIds` all of them). Captured money stays until refunded with `sales.refundPayment`.
 *
 * @example
 * ```ts
 * await sk.sales.cancelOrder({ orderId: "ord_1" });
 * ```
 */
export function cancelOrderCommand(settings: SalesSettings) {
  return defineLibraryCommand({
    name: "sales.cancelOrder",
    input: cancelOrderSchema,
    async handle(ctx, input) {
      const { order, version } = await loadOrder(ctx.tx, input.orderId);
      const out = await cancel(ctx, settings, order, "cancel", input.reason);
      await saveOrder(ctx.tx, out.order, version);
      return { result: { orderId: order.orderId, state: out.order.state, creditNoteId: out.creditNoteId, creditNoteIds: out.creditNoteIds }, events: out.events };
    },
  });
}

/** The cancellation of an order (by the shop or by expiry): state, events, credit note. */
export async function cancel(ctx: CommandContext, settings: SalesSettings, order: OrderDoc, action: "cancel" | "expire", reason?: string): Promise<{ order: OrderDoc; events: NewEvent[]; creditNoteId: string | null; creditNoteIds: string[] }> {
  await ctx.periodLocks?.assertOpen(ctx.tx, "sales", ctx.today);
  const state = nextOrderState(order.state, action, `Order ${order.orderId}`);
  if (order.lines.some((l) => qty(l.buckets.shipped) > 0n)) {
    throw new StorekeepError("INVALID_TRANSITION", `Order ${order.orderId} has shipped lines: it cannot be cancelled; take the goods back with sales.requestReturn.`, { orderId: order.orderId, state: order.state, allowed: [] });
  }
  let next: OrderDoc = { ...order, state, cancellationReason: reason ?? (action === "cancel" ? "cancelled" : "expired"), expiresAt: "", lines: order.lines.map((l) => ({ ...l, buckets: { ...l.buckets, reserved: "0" } })) };
  const events: NewEvent[] = [{ type: "OrderCancelled", aggregateType: "order", aggregateId: order.orderId, effectiveDate: ctx.today, payload: { orderId: order.orderId, ...(order.customerId === "" ? {} : { customerId: order.customerId }), reason: action === "cancel" ? "cancelled" : "expired" } }];
  if (order.couponCode !== null) {
    const coupon = await couponForUpdate(ctx.tx, order.couponCode);
    if (coupon !== undefined) await ctx.tx.documents.put(COUPONS, coupon.key, { ...coupon.data, used: Math.max(0, coupon.data.used - 1) } as never, coupon.version);
  }
  // One credit note per invoice still open, each at its invoice's rate.
  let creditNoteIds: string[] = [];
  const toCredit = new Map(order.lines.map((l) => [l.lineId, qty(l.buckets.invoiced) - qty(l.buckets.credited)]));
  if ([...toCredit.values()].some((q) => q > 0n) || (order.shipping.invoiced && !order.shipping.credited)) {
    const credited = await creditOrder(next, toCredit, { today: ctx.today, includeShipping: order.shipping.invoiced && !order.shipping.credited, reason: "cancellation", nextNumber: () => allocateNumber(ctx, settings, "credit-note") });
    next = credited.order;
    events.push(...credited.events);
    creditNoteIds = credited.creditNoteIds;
  }
  const creditNoteId = creditNoteIds[0] ?? null;
  return { order: withHistory(next, ctx.now.toISOString(), action, creditNoteId), events, creditNoteId, creditNoteIds };
}
