import { z } from "zod";
import { StorekeepError } from "../kernel/errors.js";
import { idSchema } from "../kernel/ids.js";
import type { NewEvent } from "../runner/command.js";
import { defineLibraryCommand } from "../runner/library.js";
import { amountOf, minorOf, parseScaled } from "./amounts.js";
import { type OrderDoc, PAYMENTS, type PaymentDoc, loadOrder, nothingPaid, saveOrder, withHistory } from "./order.js";
import type { SalesSettings } from "./options.js";
import { type PaymentState, nextPaymentState } from "./state-machines.js";
import { strictInput } from "../kernel/strict-input.js";

const id = idSchema<string>();
export const voidPaymentSchema = strictInput({ paymentId: id, outcome: z.enum(["void", "fail"]).default("void") });

/**
 * Voids an authorization (or what is left of it after partial captures), or marks it
 * failed. Nothing posts: no money moved. An order left with nothing to capture and nothing
 * captured but what was paid back (its payment failed) counts as unpaid again: it expires as placed (placement plus
 * `unpaidExpiryMinutes`), so its reservations are not held for ever; a shop that reserves at
 * payment releases them at once (`OrderReservationRequested` replacing the holds with none).
 *
 * @example
 * ```ts
 * await runtime.execute(voidPaymentCommand(settings), { paymentId: "pi_1" });
 * ```
 */
export function voidPaymentCommand(settings: SalesSettings) {
  return defineLibraryCommand({
    name: "sales.voidPayment",
    input: voidPaymentSchema,
    async handle(ctx, input) {
      const stored = await ctx.tx.documents.getForUpdate<PaymentDoc & { [k: string]: never }>(PAYMENTS, `authorization:${input.paymentId}`);
      if (stored === undefined) throw new StorekeepError("NOT_FOUND", `No authorization ${input.paymentId}; authorize it with sales.authorizePayment first.`, { paymentId: input.paymentId });
      const doc = stored.data as PaymentDoc;
      // The provider's void or failure delivered again (any idempotency key) replays the first result.
      const prior = priorVoid(doc, input.outcome);
      if (prior !== undefined) return { result: prior };
      const state = nextPaymentState(doc.state as never, input.outcome, `Payment ${input.paymentId}`);
      const { order, version } = await loadOrder(ctx.tx, doc.orderId);
      const c = order.currency;
      const released = minorOf(doc.amount, c) - minorOf(doc.captured, c);
      const result = { paymentId: input.paymentId, state };
      await ctx.tx.documents.put(PAYMENTS, doc.key, { ...doc, state, voided: { outcome: input.outcome, result } } satisfies PaymentDoc as never, stored.version);
      const authorized = minorOf(order.paid.authorized, c) - released;
      let next: OrderDoc = { ...order, paid: { ...order.paid, authorized: amountOf(authorized, c) } };
      const events: NewEvent[] = [];
      if (nothingPaid(next)) {
        // Nothing left to capture and nothing captured but what was paid back: unpaid again, so it expires as it would have,
        if (next.expiresAt === "") next = { ...next, expiresAt: unpaidExpiry(settings, next) };
        // and a shop that reserves at payment lets the stock go until a payment comes (which reserves again).
        if (next.reserveAt === "payment" && next.reserved && (next.state === "placed" || next.state === "on-hold")) {
          next = { ...next, reserved: false, lines: next.lines.map(({ sources: _sources, ...l }) => ({ ...l, buckets: { ...l.buckets, reserved: "0" } })) };
          events.push({ type: "OrderReservationRequested", aggregateType: "order", aggregateId: order.orderId, effectiveDate: ctx.today, payload: { orderId: order.orderId, warehouseId: order.warehouseId, kind: "hard", replace: true, lines: [] } });
        }
      }
      await saveOrder(ctx.tx, withHistory(next, ctx.now.toISOString(), `${input.outcome}-payment`, input.paymentId), version);
      return { result, events };
    },
  });
}

/**
 * The first result when an authorization's rest already ended as `outcome` asks (a void
 * voided, a failure failed: a replay); DUPLICATE_DOCUMENT when it ended the other way;
 * undefined when it has not ended. Authorizations voided before the outcome was kept replay
 * by their state.
 */
function priorVoid(doc: PaymentDoc, outcome: "void" | "fail"): { paymentId: string; state: PaymentState } | undefined {
  const ended = doc.voided ?? (doc.state === "voided" ? { outcome: "void" as const, result: { paymentId: doc.paymentId, state: doc.state } } : doc.state === "failed" ? { outcome: "fail" as const, result: { paymentId: doc.paymentId, state: doc.state } } : undefined);
  if (ended === undefined) return undefined;
  if (ended.outcome === outcome) return { paymentId: ended.result.paymentId, state: ended.result.state };
  const how = (o: "void" | "fail") => (o === "void" ? "voided" : "failed");
  const by = doc.voided?.cancelled === true ? ` by the cancellation of order ${doc.orderId}` : "";
  throw new StorekeepError("DUPLICATE_DOCUMENT", `Authorization ${doc.paymentId} was already ${how(ended.outcome)}${by}; it cannot now be ${how(outcome)}. An authorization's rest ends once: record nothing more for it.`, { paymentId: doc.paymentId, outcome: ended.outcome, now: outcome, differing: ["outcome"] });
}

/** When an unpaid order expires: placement plus the shop's unpaid expiry ("" when it never does: no expiry set, an order on payment terms, one no longer placed or held). */
export function unpaidExpiry(
  settings: SalesSettings,
  order: Pick<OrderDoc, "state" | "paymentTermsDays" | "placedAt"> & { readonly totals: { readonly gross: string }; readonly lines: readonly { readonly buckets: { readonly shipped: string } }[] },
): string {
  if (settings.unpaidExpiryMinutes <= 0 || order.paymentTermsDays !== 0 || (order.state !== "placed" && order.state !== "on-hold")) return "";
  // A free order (a 100% coupon, a gift) has nothing to pay, and nothing shipped can be taken back by cancelling.
  if (parseScaled(order.totals.gross, 6) <= 0n || order.lines.some((l) => l.buckets.shipped !== "0")) return "";
  return new Date(new Date(order.placedAt).getTime() + settings.unpaidExpiryMinutes * 60_000).toISOString();
}
