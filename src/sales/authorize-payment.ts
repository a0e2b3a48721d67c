import { StorekeepError } from "../kernel/errors.js";
import { idSchema } from "../kernel/ids.js";
import { instantString } from "../kernel/events/fields.js";
import { type NewEvent } from "../runner/command.js";
import { defineLibraryCommand } from "../runner/library.js";
import { amountOf, inputMinorOf, minorOf, moneyOf } from "./amounts.js";
import { decimalText } from "./inputs.js";
import { type OrderDoc, PAYMENTS, type PaymentDoc, loadOrder, saveOrder, withHistory } from "./order.js";
import type { SalesSettings } from "./options.js";
import { fingerprintOf, priorPayment } from "./payment-records.js";
import { paymentReservation } from "./reserve-on-payment.js";
import { strictInput } from "../kernel/strict-input.js";

const id = idSchema<string>();
export const authorizePaymentSchema = strictInput({ orderId: id, paymentId: id, amount: decimalText("positive"), provider: id.optional(), expiresAt: instantString.optional() });

/**
 * Records a provider's authorization for an order (reserving stock when the shop
 * reserves at payment). The same provider payment id delivered again is one effect.
 *
 * @example
 * ```ts
 * await sk.sales.authorizePayment({ orderId: "ord_1", paymentId: "pi_1", amount: "34.90", provider: "stripe" });
 * ```
 */
export function authorizePaymentCommand(settings: SalesSettings) {
  void settings;
  return defineLibraryCommand({
    name: "sales.authorizePayment",
    input: authorizePaymentSchema,
    async handle(ctx, input) {
      const fingerprint = fingerprintOf({ orderId: input.orderId, amount: input.amount, provider: input.provider });
      const prior = await priorPayment(ctx.tx, "authorization", input.paymentId, fingerprint, ["provider"]);
      if (prior !== undefined) return { result: prior.result as { paymentId: string; state: string } };
      const { order, version } = await loadOrder(ctx.tx, input.orderId);
      if (order.state !== "placed" && order.state !== "on-hold") {
        throw new StorekeepError("INVALID_TRANSITION", `Order ${order.orderId} is ${order.state}: a payment can be authorized only for a placed or held order.`, { orderId: order.orderId, state: order.state, allowed: ["placed", "on-hold"] });
      }
      const c = order.currency;
      const amount = inputMinorOf(input.amount, c, "amount");
      const events: NewEvent[] = [
        { type: "PaymentAuthorized", aggregateType: "order", aggregateId: order.orderId, effectiveDate: ctx.today, payload: { paymentId: input.paymentId, orderId: order.orderId, amount: moneyOf(amount, c), ...(input.provider === undefined ? {} : { provider: input.provider }), ...(input.expiresAt === undefined ? {} : { expiresAt: input.expiresAt }) } },
      ];
      let next: OrderDoc = { ...order, paid: { ...order.paid, authorized: amountOf(minorOf(order.paid.authorized, c) + amount, c) }, expiresAt: "", payments: [...order.payments, `authorization:${input.paymentId}`] };
      const reserved = await paymentReservation(ctx, settings, next, "refuse");
      next = reserved.order;
      events.push(...reserved.events);
      await saveOrder(ctx.tx, withHistory(next, ctx.now.toISOString(), "authorize-payment", input.paymentId), version);
      const result = { paymentId: input.paymentId, state: "authorized" };
      const doc: PaymentDoc = { key: `authorization:${input.paymentId}`, kind: "authorization", paymentId: input.paymentId, orderId: order.orderId, state: "authorized", amount: amountOf(amount, c), captured: "0", refunded: "0", functionalAmount: "0", provider: input.provider ?? null, authorizationId: null, fingerprint, result };
      await ctx.tx.documents.put(PAYMENTS, doc.key, doc as never, 0);
      return { result, events };
    },
  });
}
