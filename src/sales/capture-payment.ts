import { StorekeepError } from "../kernel/errors.js";
import { idSchema } from "../kernel/ids.js";
import { type NewEvent } from "../runner/command.js";
import { defineLibraryCommand } from "../runner/library.js";
import { takeAdvanceTax } from "./advance-tax.js";
import { amountOf, convertMinor, inputMinorOf, minorOf, moneyOf, shareOf } from "./amounts.js";
import { decimalText } from "./inputs.js";
import { type OrderDoc, PAYMENTS, type PaymentDoc, creditedAgainstTotal, loadOrder, owedOnOrder, saveOrder, withHistory } from "./order.js";
import type { SalesSettings } from "./options.js";
import { fingerprintOf, priorPayment } from "./payment-records.js";
import { functionalRate } from "./rate.js";
import { type FinanceReliefs, financeWriteOffs } from "./reports.js";
import { paymentReservation } from "./reserve-on-payment.js";
import { nextPaymentState } from "./state-machines.js";
import { strictInput } from "../kernel/strict-input.js";

const id = idSchema<string>();
export const capturePaymentSchema = strictInput({
  orderId: id,
  /** The provider's id of this capture (a charge, a capture of an intent): one effect per id. */
  paymentId: id,
  /** Default: what is left of the authorization, or of the order's total — never more than is left to pay. */
  amount: decimalText("positive").optional(),
  /** The authorization captured (default: an authorization with the same payment id, if any). */
  authorizationId: id.optional(),
  provider: id.optional(),
});

/**
 * Records captured money (partial or full). Before any invoice it sits in customer
 * prepayments; on an invoiced order it settles the receivable, with the exchange
 * difference against the invoice's booked value. A provider webhook delivered twice (same
 * payment id and content, any idempotency key) has one effect.
 *
 * @example
 * ```ts
 * await sk.sales.capturePayment({ orderId: "ord_1", paymentId: "ch_1", amount: "20.00" });
 * ```
 */
export function capturePaymentCommand(settings: SalesSettings) {
  const taxOnAdvances = settings.tax?.taxOnAdvances === true;
  return defineLibraryCommand({
    name: "sales.capturePayment",
    input: capturePaymentSchema,
    async handle(ctx, input) {
      const fingerprint = fingerprintOf({ orderId: input.orderId, amount: input.amount, authorizationId: input.authorizationId, provider: input.provider });
      const prior = await priorPayment(ctx.tx, "capture", input.paymentId, fingerprint, ["amount", "authorizationId", "provider"]);
      if (prior !== undefined) return { result: prior.result as Record<string, string | boolean> };
      const { order, version } = await loadOrder(ctx.tx, input.orderId);
      if (order.state === "draft" || order.state === "cancelled") {
        throw new StorekeepError("INVALID_TRANSITION", `Order ${order.orderId} is ${order.state}: money can be captured only for a placed, held or completed order.`, { orderId: order.orderId, state: order.state, allowed: ["placed", "on-hold", "completed"] });
      }
      const c = order.currency;
      const fc = order.functionalCurrency;
      const authorizationId = input.authorizationId ?? ((await ctx.tx.documents.get(PAYMENTS, `authorization:${input.paymentId}`)) === undefined ? undefined : input.paymentId);
      let auth: { doc: PaymentDoc; version: number } | undefined;
      if (authorizationId !== undefined) {
        const stored = await ctx.tx.documents.getForUpdate<PaymentDoc & { [k: string]: never }>(PAYMENTS, `authorization:${authorizationId}`);
        if (stored === undefined || (stored.data as PaymentDoc).orderId !== order.orderId) throw new StorekeepError("NOT_FOUND", `No authorization ${authorizationId} for order ${order.orderId}.`, { authorizationId, orderId: order.orderId });
        auth = { doc: stored.data as PaymentDoc, version: stored.version };
      }
      const captured = minorOf(order.paid.captured, c);
      // What finance relieved of the order beyond sales, read once: write-offs, and what
      // finance.allocate moved between it and other orders. An invoiced order's credit (a credit
      // note, an over-payment on a capture) that paid another order's invoice is owed here again;
      // another order's credit that paid this order's invoice is paid. Never invoiced: nothing to read.
      let reliefs: FinanceReliefs | undefined;
      const financeNow = async () => (reliefs ??= await financeWriteOffs(ctx.tx, order, settings.seams.openItems));
      const allocated = order.invoices.length === 0 ? undefined : await financeNow();
      const movedAway = allocated === undefined ? 0n : minorOf(allocated.movedAway, c);
      const paidByCredits = allocated === undefined ? 0n : minorOf(allocated.paidByCredits, c);
      // What the customer owes: the total less what returns credited and what was captured net of refunds (never what a return credited),
      // and net of what finance.allocate moved.
      const outstanding = minorOf(owedOnOrder(order), c) + movedAway - paidByCredits;
      // What finance wrote off on the order's invoices is no longer owed: by default a capture
      // takes what the order view shows as left to pay, never the written-off part. An explicit
      // amount may still record a late payment of a written-off debt (up to the total).
      const writtenOffNow = async () => minorOf((await financeNow()).writtenOff, c);
      const leftToPayOf = (writtenOff: bigint) => (outstanding - writtenOff > 0n ? outstanding - writtenOff : 0n);
      const authLeft = auth === undefined ? null : minorOf(auth.doc.amount, c) - minorOf(auth.doc.captured, c);
      let amount: bigint;
      if (input.amount === undefined) {
        // By default what is left of the authorization, but never more than is left to pay (an edit may have lowered the total since).
        const leftToPay = leftToPayOf(await writtenOffNow());
        amount = authLeft === null || authLeft > leftToPay ? leftToPay : authLeft;
      } else amount = inputMinorOf(input.amount, c, "amount");
      if (amount <= 0n || amount > outstanding) {
        const writtenOff = await writtenOffNow();
        const leftToPay = leftToPayOf(writtenOff);
        const off = writtenOff > 0n ? ` (${amountOf(writtenOff, c)} ${c} was written off in finance; pass amount to record a late payment of it)` : "";
        const credited = minorOf(creditedAgainstTotal(order), c);
        const returned = credited > 0n ? `; the total ${order.totals.gross} less ${amountOf(credited, c)} credited for returns is what the order costs` : "";
        const owed = outstanding > 0n ? outstanding : 0n;
        throw new StorekeepError("VALIDATION_FAILED", `Capture of ${amountOf(amount, c)} ${c} for order ${order.orderId}: at most ${amountOf(input.amount === undefined ? leftToPay : owed, c)} is left to pay${off}${returned}.`, { orderId: order.orderId, outstanding: amountOf(owed, c), leftToPay: amountOf(leftToPay, c), writtenOff: amountOf(writtenOff, c), ...(credited > 0n ? { credited: amountOf(credited, c) } : {}), issues: [{ path: "amount", message: "more than is left to pay", code: "custom" }] });
      }
      const events: NewEvent[] = [];
      if (auth !== undefined) {
        if (authLeft !== null && amount > authLeft) {
          throw new StorekeepError("VALIDATION_FAILED", `Authorization ${authorizationId} has ${amountOf(authLeft, c)} ${c} left; capture at most that.`, { authorizationId, left: amountOf(authLeft, c), issues: [{ path: "amount", message: "more than authorized", code: "custom" }] });
        }
        const state = nextPaymentState(auth.doc.state as never, amount === authLeft ? "capture-rest" : "capture-part", `Payment ${authorizationId}`);
        await ctx.tx.documents.put(PAYMENTS, auth.doc.key, { ...auth.doc, state, captured: amountOf(minorOf(auth.doc.captured, c) + amount, c) } as never, auth.version);
      }
      const rate = await functionalRate(ctx, c);
      const functionalAmount = convertMinor(amount, c, fc, rate);
      const receivable = minorOf(order.receivable.amount, c);
      const receivableF = minorOf(order.receivable.functional, fc);
      // Owed on invoices as finance's open items hold it: what other orders' credits paid is not, what
      // this order's credits paid elsewhere is again (the money then pays invoices, else it is a prepayment).
      const invoiced = receivable + movedAway - paidByCredits > 0n;
      // What was taken against authorizations is kept apart: a capture naming none does not use one up.
      const onAuthorizations = order.paid.capturedOnAuthorizations === undefined ? {} : { capturedOnAuthorizations: amountOf(minorOf(order.paid.capturedOnAuthorizations, c) + (auth === undefined ? 0n : amount), c) };
      // Money paid here that pays another order's documents lets the order be paid again beyond its total by that much.
      const elsewhere = movedAway > 0n ? { movedAway: amountOf(movedAway, c) } : {};
      let next: OrderDoc = { ...order, paid: { ...order.paid, captured: amountOf(captured + amount, c), ...onAuthorizations, ...elsewhere }, expiresAt: "", payments: [...order.payments, `capture:${input.paymentId}`] };
      let exchangeDifference = 0n;
      if (invoiced) {
        // Sales' receivable may be 0 or less where finance's items hold more (a credit of the order allocated elsewhere).
        const relieved = receivable <= 0n ? 0n : amount < receivable ? amount : receivable;
        const booked = shareOf(receivableF, relieved, receivable);
        exchangeDifference = booked - convertMinor(relieved, c, fc, rate);
        // In a foreign currency finance relieves the invoices one by one, oldest first, each at
        // its own booked value: the difference it posts, not the estimate on the whole receivable
        // (which misses it when the invoices were booked at different rates).
        if (c !== fc && settings.seams.receivableDifference !== undefined) {
          const realised = await settings.seams.receivableDifference(ctx.tx, { kind: "payment", targets: order.invoices.map((i) => i.invoiceId), currency: c, amount: amountOf(amount, c), functionalAmount: amountOf(functionalAmount, fc), date: ctx.today });
          if (realised !== undefined) exchangeDifference = minorOf(realised, fc);
        }
        // Relieved at what finance books it (functional amount + difference); nothing owed is worth nothing.
        const rest = receivable - amount;
        next = { ...next, receivable: { amount: amountOf(rest, c), functional: amountOf(rest === 0n ? 0n : receivableF - functionalAmount - exchangeDifference, fc) } };
      } else {
        next = { ...next, prepayment: { amount: amountOf(minorOf(order.prepayment.amount, c) + amount, c), functional: amountOf(minorOf(order.prepayment.functional, fc) + functionalAmount, fc) } };
      }
      const advance = !invoiced && taxOnAdvances ? takeAdvanceTax(next, amount, rate) : { order: next, lines: [] };
      next = advance.order;
      const invoiceId = order.invoices[order.invoices.length - 1]?.invoiceId;
      events.push({
        type: "PaymentCaptured",
        aggregateType: "order",
        aggregateId: order.orderId,
        effectiveDate: ctx.today,
        payload: {
          paymentId: input.paymentId,
          orderId: order.orderId,
          ...(order.customerId === "" ? {} : { customerId: order.customerId }),
          ...(invoiced && invoiceId !== undefined ? { invoiceId, invoiceIds: order.invoices.map((i) => i.invoiceId) } : {}),
          ...(input.provider === undefined ? {} : { provider: input.provider }),
          invoiced,
          currency: c,
          functionalCurrency: fc,
          rate,
          amount: moneyOf(amount, c),
          functionalAmount: moneyOf(functionalAmount, fc),
          ...(exchangeDifference === 0n ? {} : { exchangeDifference: moneyOf(exchangeDifference, fc) }),
          ...(advance.lines.length > 0 ? { advanceTaxLines: advance.lines } : {}),
        },
      });
      const reserved = await paymentReservation(ctx, settings, next);
      next = reserved.order;
      events.push(...reserved.events);
      await saveOrder(ctx.tx, withHistory(next, ctx.now.toISOString(), "capture-payment", input.paymentId), version);
      const result = { paymentId: input.paymentId, amount: amountOf(amount, c), invoiced };
      // Recorded with what it resolved to (the amount taken, the authorization captured), so a webhook naming them replays.
      const resolved = fingerprintOf({ orderId: input.orderId, amount: amountOf(amount, c), authorizationId, provider: input.provider });
      const doc: PaymentDoc = { key: `capture:${input.paymentId}`, kind: "capture", paymentId: input.paymentId, orderId: order.orderId, currency: c, state: "captured", amount: amountOf(amount, c), captured: amountOf(amount, c), refunded: "0", functionalAmount: amountOf(functionalAmount, fc), provider: input.provider ?? null, authorizationId: authorizationId ?? null, fingerprint: resolved, result };
      await ctx.tx.documents.put(PAYMENTS, doc.key, doc as never, 0);
      return { result, events };
    },
  });
}
