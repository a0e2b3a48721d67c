import { z } from "zod";
import { StorekeepError } from "../kernel/errors.js";
import { idSchema } from "../kernel/ids.js";
import { defineLibraryCommand } from "../runner/library.js";
import { amountOf, minorOf } from "./amounts.js";
import { PAYMENTS, type PaymentDoc, loadOrder, saveOrder, withHistory } from "./order.js";
import { nextPaymentState } from "./state-machines.js";

const id = idSchema<string>();
export const voidPaymentSchema = z.strictObject({ paymentId: id, outcome: z.enum(["void", "fail"]).default("void") });

/**
 * Voids an authorization (or what is left of it after partial captures), or marks it
 * failed. Nothing posts: no money moved.
 *
 * @example
 * ```ts
 * await sk.sales.voidPayment({ paymentId: "pi_1" });
 * ```
 */
export const voidPayment = defineLibraryCommand({
  name: "sales.voidPayment",
  input: voidPaymentSchema,
  async handle(ctx, input) {
    const stored = await ctx.tx.documents.getForUpdate<PaymentDoc & { [k: string]: never }>(PAYMENTS, `authorization:${input.paymentId}`);
    if (stored === undefined) throw new StorekeepError("NOT_FOUND", `No authorization ${input.paymentId}; authorize it with sales.authorizePayment first.`, { paymentId: input.paymentId });
    const doc = stored.data as PaymentDoc;
    const state = nextPaymentState(doc.state as never, input.outcome, `Payment ${input.paymentId}`);
    const { order, version } = await loadOrder(ctx.tx, doc.orderId);
    const c = order.currency;
    const released = minorOf(doc.amount, c) - minorOf(doc.captured, c);
    await ctx.tx.documents.put(PAYMENTS, doc.key, { ...doc, state } as never, stored.version);
    const next = { ...order, paid: { ...order.paid, authorized: amountOf(minorOf(order.paid.authorized, c) - released, c) } };
    await saveOrder(ctx.tx, withHistory(next, ctx.now.toISOString(), `${input.outcome}-payment`, input.paymentId), version);
    return { result: { paymentId: input.paymentId, state } };
  },
});
