import { z } from "zod";
import { StorekeepError } from "../kernel/errors.js";
import { idSchema } from "../kernel/ids.js";
import { type CommandContext, type NewEvent } from "../runner/command.js";
import { defineLibraryCommand } from "../runner/library.js";
import { creditOrder } from "./documents.js";
import { lockDocuments } from "../runner/batch-documents.js";
import { amountOf, minorOf } from "./amounts.js";
import { COUPONS, type OrderDoc, PAYMENTS, type PaymentDoc, couponForUpdate, qty } from "./order.js";
import { loadOrder, saveOrder, withHistory } from "./order.js";
import type { SalesSettings } from "./options.js";
import { allocateNumber } from "./numbers.js";
import { nextOrderState, nextPaymentState } from "./state-machines.js";
import { strictInput } from "../kernel/strict-input.js";

export const cancelOrderSchema = strictInput({
  orderId: idSchema<string>(),
  /** The shop's reason, kept on the order (default `cancelled`); e.g. `unavailable` when the goods cannot be supplied. */
  reason: z.string().regex(/^[a-z][a-z0-9-]{0,39}$/, "lower-case letters, digits and -").optional(),
});

/**
 * Cancels an order before anything shipped: releases its reservations (`OrderCancelled`),
 * gives the coupon use back, and credits what was invoiced (`CreditNoteIssued`, reason
 * cancellation: one per invoice still open, at its rate; `creditNoteId` is the first,
 * `creditNoteIds` all of them), and voids what is left to capture of its authorizations
 * (`voidedPaymentIds`, also on `OrderCancelled`: void them at the payment provider; the
 * provider's void webhook then replays). Captured money stays until refunded with
 * `sales.refundPayment`.
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
      return { result: { orderId: order.orderId, state: out.order.state, creditNoteId: out.creditNoteId, creditNoteIds: out.creditNoteIds, voidedPaymentIds: out.voidedPaymentIds }, events: out.events };
    },
  });
}

/** The cancellation of an order (by the shop or by expiry): state, events, credit note. */
export async function cancel(ctx: CommandContext, settings: SalesSettings, order: OrderDoc, action: "cancel" | "expire", reason?: string): Promise<{ order: OrderDoc; events: NewEvent[]; creditNoteId: string | null; creditNoteIds: string[]; voidedPaymentIds: string[] }> {
  await ctx.periodLocks?.assertOpen(ctx.tx, "sales", ctx.today);
  const state = nextOrderState(order.state, action, `Order ${order.orderId}`);
  if (order.lines.some((l) => qty(l.buckets.shipped) > 0n)) {
    throw new StorekeepError("INVALID_TRANSITION", `Order ${order.orderId} has shipped lines: it cannot be cancelled; take the goods back with sales.requestReturn.`, { orderId: order.orderId, state: order.state, allowed: [] });
  }
  let next: OrderDoc = { ...order, state, cancellationReason: reason ?? (action === "cancel" ? "cancelled" : "expired"), expiresAt: "", lines: order.lines.map((l) => ({ ...l, buckets: { ...l.buckets, reserved: "0" } })) };
  const voided = await voidAuthorizations(ctx, next);
  next = voided.order;
  const events: NewEvent[] = [{ type: "OrderCancelled", aggregateType: "order", aggregateId: order.orderId, effectiveDate: ctx.today, payload: { orderId: order.orderId, ...(order.customerId === "" ? {} : { customerId: order.customerId }), reason: action === "cancel" ? "cancelled" : "expired", ...(voided.paymentIds.length === 0 ? {} : { voidedPaymentIds: voided.paymentIds }) } }];
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
  return { order: withHistory(next, ctx.now.toISOString(), action, creditNoteId), events, creditNoteId, creditNoteIds, voidedPaymentIds: voided.paymentIds };
}

/**
 * Voids what is left to capture of the order's authorizations (locked in id order), as
 * `voidPayment` would: a cancelled order takes no more money, and a hold left on the
 * customer's card is released (the host voids each at its provider: `voidedPaymentIds`).
 * Captured money stays until refunded. Each is recorded as voided by the cancellation, so the
 * provider's void webhook delivered afterwards replays.
 */
async function voidAuthorizations(ctx: CommandContext, order: OrderDoc): Promise<{ order: OrderDoc; paymentIds: string[] }> {
  const keys = order.payments.filter((key) => key.startsWith("authorization:"));
  if (keys.length === 0) return { order, paymentIds: [] };
  const c = order.currency;
  let authorized = minorOf(order.paid.authorized, c);
  const paymentIds: string[] = [];
  let next = order;
  for (const stored of await lockDocuments<PaymentDoc & { [k: string]: never }>(ctx.tx, PAYMENTS, keys)) {
    const doc = stored.data as PaymentDoc;
    if (doc.state !== "authorized" && doc.state !== "partially-captured") continue;
    const state = nextPaymentState(doc.state, "void", `Payment ${doc.paymentId}`);
    authorized -= minorOf(doc.amount, c) - minorOf(doc.captured, c);
    await ctx.tx.documents.put(PAYMENTS, doc.key, { ...doc, state, voided: { outcome: "void", result: { paymentId: doc.paymentId, state }, cancelled: true } } satisfies PaymentDoc as never, stored.version);
    next = withHistory(next, ctx.now.toISOString(), "void-payment", doc.paymentId);
    paymentIds.push(doc.paymentId);
  }
  return { order: { ...next, paid: { ...next.paid, authorized: amountOf(authorized, c) } }, paymentIds };
}
