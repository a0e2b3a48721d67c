import { unpaidExpiry } from "./void-payment.js";
import { StorekeepError } from "../kernel/errors.js";
import { idSchema } from "../kernel/ids.js";
import { type CommandContext, type NewEvent } from "../runner/command.js";
import { defineLibraryCommand } from "../runner/library.js";
import { releaseAdvanceTax } from "./advance-tax.js";
import { amountOf, convertMinor, inputMinorOf, minorOf, moneyOf, shareOf } from "./amounts.js";
import { decimalText } from "./inputs.js";
import { type OrderDoc, PAYMENTS, type PaymentDoc, RETURNS, type ReturnDoc, capturesOf, loadOrder, nothingPaid, saveOrder, withHistory } from "./order.js";
import { fingerprintOf, priorPayment } from "./payment-records.js";
import type { SalesSeams, SalesSettings } from "./options.js";
import { functionalRate } from "./rate.js";
import { type CreditRelief, NO_CREDIT_RELIEF, creditReliefInFinance, refundDueWith } from "./reports.js";
import { nextReturnState } from "./state-machines.js";
import { strictInput } from "../kernel/strict-input.js";

const id = idSchema<string>();
export const refundPaymentSchema = strictInput({
  orderId: id,
  refundId: id,
  amount: decimalText("positive"),
  /** The capture refunded (for the provider's records). */
  paymentId: id.optional(),
  /** The return this refund settles (it becomes refunded). */
  returnId: id.optional(),
  provider: id.optional(),
});

/**
 * Pays money back (partially too). On an invoiced order the refund settles the credit a
 * credit note left (from a return or a cancellation), with the exchange difference; before
 * invoicing it comes out of customer prepayments, and so does a refund on an invoiced
 * on-shipment order that the credit does not cover and the prepayment still held for goods
 * not shipped yet does. A refund that needs both (more than either, not more than the two
 * together) is split: what is owed back of the credit first (`refundDue`), the rest out of
 * prepayments, in one `RefundIssued` (`fromPrepayments`; the result's `fromPrepayments` is
 * that part). Refunded never exceeds captured, and what settles credit never exceeds what
 * the order view's `refundDue` shows: a credit finance wrote off on a credit note is not paid,
 * nor credit that pays for goods still to ship (an on-shipment edit's correction credit).
 *
 * @example
 * ```ts
 * await sk.sales.refundPayment({ orderId: "ord_1", refundId: "re_1", amount: "11.90", returnId: "ret_1" });
 * ```
 */
export function refundPaymentCommand(settings: SalesSettings) {
  return defineLibraryCommand({
    name: "sales.refundPayment",
    input: refundPaymentSchema,
    async handle(ctx, input) {
      await ctx.periodLocks?.assertOpen(ctx.tx, "sales", ctx.today);
      const fingerprint = fingerprintOf({ orderId: input.orderId, amount: input.amount, paymentId: input.paymentId, returnId: input.returnId, provider: input.provider });
      const prior = await priorPayment(ctx.tx, "refund", input.refundId, fingerprint, ["paymentId", "returnId", "provider"]);
      if (prior !== undefined) return { result: prior.result as Record<string, string | boolean> };
      const { order, version } = await loadOrder(ctx.tx, input.orderId);
      // A credit finance wrote off on a credit note is owed to nobody, and one it allocated to another order's
      // documents (a credit note's, an over-payment's) pays that order: what refundDue leaves out, the refund may not pay.
      const relief = await creditReliefInFinance(ctx.tx, order, settings.seams.openItems);
      const out = await refundFromOrder(ctx, order, input, fingerprint, relief, true, settings.seams.receivableDifference);
      let next = out.order;
      // A prepayment paid back in full leaves the order unpaid again: it expires as it would have (as after a void).
      if (next.expiresAt === "" && next.invoices.length === 0 && nothingPaid(next)) next = { ...next, expiresAt: unpaidExpiry(settings, next) };
      await saveOrder(ctx.tx, withHistory(next, ctx.now.toISOString(), "refund", input.refundId), version);
      await ctx.tx.documents.put(PAYMENTS, out.doc.key, out.doc as never, 0);
      return { result: out.doc.result as { refundId: string; amount: string; invoiced: boolean; fromPrepayments?: string }, events: [out.event] };
    },
  });
}

/**
 * True when a refund of `amount` on an invoiced order comes out of the prepayment it still
 * holds: it settles no return, the credit owed back does not cover it and the prepayment does.
 */
function fromPrepayment(order: OrderDoc, amount: bigint, returnId: string | undefined, relief: CreditRelief): boolean {
  if (returnId !== undefined) return false;
  const c = order.currency;
  if (amount > minorOf(order.prepayment.amount, c)) return false;
  const credit = -minorOf(order.receivable.amount, c) + relief.paidByCredits - relief.credit;
  return amount > credit || amount > minorOf(refundDueWith(order, relief).due, c);
}

/**
 * How a refund of `amount` on an order is paid back, in minor units: `credit` settles the credit
 * credit notes left, `prepaid` comes out of customer prepayments. Before invoicing all of it
 * is prepaid; on an invoiced order the credit pays it when it covers it, the prepayment held
 * for goods not shipped yet when that does (as `fromPrepayment` decides); with `split`, a refund
 * neither covers alone but both do is paid back credit first — all that is owed back now
 * (`refundDue`: what the customer is owed for goods returned or cancelled is settled, and the
 * money kept stays a prepayment for the goods still to ship, its advance tax with it) — and the
 * rest out of prepayments. Anything else is `credit` (the credit's checks then refuse it).
 *
 * @example
 * ```ts
 * refundParts(order, 3570n, undefined, NO_CREDIT_RELIEF, true); // { credit: 1190n, prepaid: 2380n } with 11.90 owed back and 23.80 prepaid
 * ```
 */
function refundParts(order: OrderDoc, amount: bigint, returnId: string | undefined, relief: CreditRelief, split: boolean): { credit: bigint; prepaid: bigint } {
  if (order.invoices.length === 0 || fromPrepayment(order, amount, returnId, relief)) return { credit: 0n, prepaid: amount };
  if (!split) return { credit: amount, prepaid: 0n };
  const c = order.currency;
  const due = minorOf(refundDueWith(order, relief).due, c);
  const prepaid = minorOf(order.prepayment.amount, c);
  if (amount > due && due > 0n && prepaid > 0n && amount - due <= prepaid) return { credit: due, prepaid: amount - due };
  return { credit: amount, prepaid: 0n };
}

/**
 * Money paid back on an order (inside the caller's transaction): settles the credit a credit
 * note left on an invoiced order, with the exchange difference, or comes out of prepayments
 * before invoicing; with `split` (refundPayment, and editOrder's surplus refund), a refund on an invoiced order that needs both
 * the credit owed back and the prepayment held for goods not shipped yet does both, credit first
 * (`refundParts`), in one `RefundIssued` (`fromPrepayments`), leaving the order as the two
 * refunds one after the other would. Returns the order, the `RefundIssued` event and the
 * payment document to write (the caller saves both).
 */
export async function refundFromOrder(
  ctx: CommandContext,
  order: OrderDoc,
  input: { refundId: string; amount: string; paymentId?: string | undefined; returnId?: string | undefined; provider?: string | undefined },
  fingerprint: string,
  relief: CreditRelief = NO_CREDIT_RELIEF,
  split = false,
  receivableDifference?: SalesSeams["receivableDifference"],
): Promise<{ order: OrderDoc; event: NewEvent; doc: PaymentDoc }> {
  const c = order.currency;
  const fc = order.functionalCurrency;
  const amount = inputMinorOf(input.amount, c, "amount");
  const creditWrittenOff = relief.credit;
  const refundable = minorOf(order.paid.captured, c) - minorOf(order.paid.refunded, c);
  if (amount > refundable) {
    throw new StorekeepError("VALIDATION_FAILED", `Refund of ${input.amount} ${c}: only ${amountOf(refundable, c)} captured and not yet refunded on order ${order.orderId}.`, { orderId: order.orderId, refundable: amountOf(refundable, c), issues: [{ path: "amount", message: "more than captured and not refunded", code: "custom" }] });
  }
  const rate = await functionalRate(ctx, c);
  // On an invoiced order a refund settles the credit a credit note left; money still prepaid
  // there (an on-shipment order's advance for goods not shipped yet) is paid back out of
  // prepayments when the credit does not cover the refund and the prepayment does, and a refund
  // that needs both (refundPayment) takes what is owed back of the credit, the rest out of prepayments.
  const parts = refundParts(order, amount, input.returnId, relief, split);
  const invoiced = parts.credit > 0n;
  let next: OrderDoc = { ...order, paid: { ...order.paid, refunded: amountOf(minorOf(order.paid.refunded, c) + amount, c) } };
  let functionalAmount = 0n;
  let exchangeDifference = 0n;
  let prepaidFunctional = 0n;
  // The credit being paid back: its booked value before the refund, and the refund's credit part in functional.
  let creditBooked = 0n;
  let creditFunctional = 0n;
  let advanceTaxReleased: ReturnType<typeof releaseAdvanceTax>["lines"] = [];
  if (parts.credit > 0n) {
    const part = parts.credit;
    const credit = -minorOf(order.receivable.amount, c);
    const creditF = -minorOf(order.receivable.functional, fc);
    // Finance holds that much more credit on the order when other orders' credits paid its invoices.
    const due = credit + relief.paidByCredits - creditWrittenOff;
    const { due: dueNow, heldForGoods } = refundDueWith(order, relief);
    const prepaid = minorOf(order.prepayment.amount, c);
    if (split && prepaid > 0n && part > minorOf(dueNow, c) + prepaid) {
      // Neither the credit nor the prepayment pays it back, nor both together: name both.
      const now = amountOf(minorOf(dueNow, c), c);
      const most = amountOf(minorOf(dueNow, c) + prepaid, c);
      throw new StorekeepError("VALIDATION_FAILED", `Order ${order.orderId}: only ${now} ${c} is owed back now (refundDue) and ${amountOf(prepaid, c)} ${c} is prepaid for goods not shipped yet, so a refund pays back at most ${most} ${c}, not ${amountOf(part, c)} ${c}.`, {
        orderId: order.orderId,
        refundDue: now,
        prepayment: amountOf(prepaid, c),
        most,
        ...(minorOf(heldForGoods, c) > 0n ? { heldForGoods: amountOf(minorOf(heldForGoods, c), c) } : {}),
        ...(creditWrittenOff > 0n ? { writtenOff: amountOf(creditWrittenOff, c) } : {}),
        issues: [{ path: "amount", message: `more than the ${now} owed back and the ${amountOf(prepaid, c)} prepaid together (${most})`, code: "custom" }],
      });
    }
    if (part > due) {
      const shown = amountOf(due > 0n ? due : 0n, c);
      const why = creditWrittenOff > 0n ? ` (${amountOf(creditWrittenOff, c)} ${c} of the credit was written off in finance, or allocated to another order's documents)` : "";
      throw new StorekeepError("VALIDATION_FAILED", `Order ${order.orderId} is invoiced: a refund settles a credit note, and only ${shown} ${c} is credited and unpaid${why}. Receive the return or cancel first.`, { orderId: order.orderId, credit: shown, ...(creditWrittenOff > 0n ? { writtenOff: amountOf(creditWrittenOff, c) } : {}), issues: [{ path: "amount", message: "more than credited", code: "custom" }] });
    }
    // Credit that pays for goods still to ship (an on-shipment edit's correction credit before the rest
    // ships, a capture beyond the invoices) is the customer's payment for them, not money owed back.
    if (part > minorOf(dueNow, c)) {
      const held = amountOf(minorOf(heldForGoods, c), c);
      const now = amountOf(minorOf(dueNow, c), c);
      throw new StorekeepError("VALIDATION_FAILED", `Order ${order.orderId}: ${held} ${c} of its credit pays for goods still to ship, so only ${now} ${c} is owed back now (refundDue). To pay it back, lower or remove those lines with sales.editOrder (it refunds the surplus) or cancel the order.`, { orderId: order.orderId, credit: amountOf(due, c), refundDue: now, heldForGoods: held, issues: [{ path: "amount", message: `more than the ${now} owed back; ${held} pays for goods still to ship`, code: "custom" }] });
    }
    // The credit paid back as finance holds it: sales' credit and what other orders' credits paid of
    // the order's invoices (valued at the order's invoice rate: finance's difference comes through the seam below).
    const byCredits = relief.paidByCredits;
    const byCreditsF = byCredits === 0n ? 0n : convertMinor(byCredits, c, fc, order.invoiceRate ?? rate);
    const booked = shareOf(creditF + byCreditsF, part, credit + byCredits);
    functionalAmount = convertMinor(part, c, fc, rate);
    exchangeDifference = functionalAmount - booked;
    creditBooked = creditF;
    creditFunctional = functionalAmount;
    next = { ...next, receivable: { amount: amountOf(-credit + part, c), functional: amountOf(-creditF + booked, fc) } };
  }
  if (parts.prepaid > 0n) {
    const part = parts.prepaid;
    const prepaid = minorOf(order.prepayment.amount, c);
    const prepaidF = minorOf(order.prepayment.functional, fc);
    if (part > prepaid) throw new StorekeepError("VALIDATION_FAILED", `Only ${amountOf(prepaid, c)} ${c} of prepayments is left on order ${order.orderId}.`, { orderId: order.orderId, issues: [{ path: "amount", message: "more than prepaid", code: "custom" }] });
    prepaidFunctional = shareOf(prepaidF, part, prepaid);
    functionalAmount += prepaidFunctional;
    // Money paid back out of prepayments is no longer paid toward the order: it is owed again.
    next = { ...next, paid: { ...next.paid, refundedPrepaid: amountOf(minorOf(next.paid.refundedPrepaid ?? "0", c) + part, c) }, prepayment: { amount: amountOf(prepaid - part, c), functional: amountOf(prepaidF - prepaidFunctional, fc) } };
    const released = releaseAdvanceTax(next, part, prepaid);
    next = released.order;
    advanceTaxReleased = released.lines;
  }
  // Money paid on this order that finance let pay another order's documents is not refundable here
  // (the credit's checks above leave it out; this keeps refunded within what the order kept).
  if (relief.movedAway > 0n && amount > refundable - relief.movedAway) {
    const kept = refundable - relief.movedAway;
    throw new StorekeepError("VALIDATION_FAILED", `Refund of ${input.amount} ${c}: only ${amountOf(kept > 0n ? kept : 0n, c)} captured and not yet refunded is left on order ${order.orderId}; ${amountOf(relief.movedAway, c)} ${c} of it pays another order's documents in finance.`, { orderId: order.orderId, refundable: amountOf(kept > 0n ? kept : 0n, c), movedAway: amountOf(relief.movedAway, c), issues: [{ path: "amount", message: "more than captured, not refunded and kept on the order", code: "custom" }] });
  }
  let returnCreditNoteId: string | null = null;
  let returnCreditNoteIds: readonly string[] = [];
  if (input.returnId !== undefined) {
    const stored = await ctx.tx.documents.getForUpdate<ReturnDoc & { [k: string]: never }>(RETURNS, input.returnId);
    if (stored === undefined || (stored.data as ReturnDoc).orderId !== order.orderId) throw new StorekeepError("NOT_FOUND", `Order ${order.orderId} has no return ${input.returnId}.`, { returnId: input.returnId });
    const r = stored.data as ReturnDoc;
    returnCreditNoteId = r.creditNoteId;
    // Goods billed on several invoices got a credit note per invoice: the return credited all of them.
    returnCreditNoteIds = r.creditNoteIds ?? (r.creditNoteId === null ? [] : [r.creditNoteId]);
    // A return may be refunded in parts: it is refunded once its refunds reach what its credit notes credited.
    // A refund split with prepayments pays the return its credit part only.
    const refunded = minorOf(r.refunded, c) + (invoiced ? parts.credit : amount);
    const notes = order.creditNotes.filter((n) => returnCreditNoteIds.includes(n.creditNoteId));
    const credited = notes.length === 0 ? null : notes.reduce((sum, n) => sum + minorOf(n.gross, c), 0n);
    if (r.state === "received" && credited !== null && refunded > credited) {
      const left = credited - minorOf(r.refunded, c);
      throw new StorekeepError("VALIDATION_FAILED", `Return ${r.returnId} credited ${amountOf(credited, c)} ${c} (${notes.map((n) => n.creditNoteId).join(", ")}) and ${r.refunded} is refunded: refund at most ${amountOf(left, c)} against it.`, { returnId: r.returnId, credited: amountOf(credited, c), refunded: r.refunded, issues: [{ path: "amount", message: `at most ${amountOf(left, c)} for this return`, code: "custom" }] });
    }
    const state = nextReturnState(r.state, credited !== null && refunded < credited ? "refund-part" : "refund", `Return ${r.returnId}`);
    await ctx.tx.documents.put(RETURNS, r.returnId, { ...r, state, refunded: amountOf(refunded, c) } as never, stored.version);
  }
  // The credit note the refund settles (the return's, else the latest), then the order's other
  // credit notes newest first: an edit's surplus refund may pay back an earlier correction's credit.
  const creditNote = order.creditNotes.find((n) => n.creditNoteId === returnCreditNoteId) ?? order.creditNotes[order.creditNotes.length - 1];
  const otherCreditNotes = [
    ...returnCreditNoteIds.filter((id) => id !== creditNote?.creditNoteId),
    ...order.creditNotes.filter((n) => n !== creditNote && !returnCreditNoteIds.includes(n.creditNoteId)).map((n) => n.creditNoteId).reverse(),
  ];
  // Then the order's captures: money captured beyond the invoices sits on the capture's own item.
  const captures = capturesOf(order);
  // In a foreign currency finance relieves the credits one by one, in the order the event names
  // them, each at its own booked value: the difference it posts, not the estimate on the whole credit.
  if (parts.credit > 0n && c !== fc && receivableDifference !== undefined) {
    const targets = [creditNote?.creditNoteId, ...otherCreditNotes, input.paymentId, ...captures].filter((x): x is string => x !== undefined);
    const realised = await receivableDifference(ctx.tx, { kind: "refund", targets, currency: c, amount: amountOf(parts.credit, c), functionalAmount: amountOf(creditFunctional, fc), date: ctx.today });
    if (realised !== undefined) {
      exchangeDifference = minorOf(realised, fc);
      // The credit relieved at what finance books it; a credit paid back in full is worth nothing.
      const rest = minorOf(next.receivable.amount, c);
      next = { ...next, receivable: { amount: next.receivable.amount, functional: amountOf(rest === 0n ? 0n : -creditBooked + creditFunctional - exchangeDifference, fc) } };
    }
  }
  const events: NewEvent[] = [
    {
      type: "RefundIssued",
      aggregateType: "order",
      aggregateId: order.orderId,
      effectiveDate: ctx.today,
      payload: {
        refundId: input.refundId,
        orderId: order.orderId,
        ...(order.customerId === "" ? {} : { customerId: order.customerId }),
        ...(input.paymentId === undefined ? {} : { paymentId: input.paymentId }),
        ...(input.provider === undefined ? {} : { provider: input.provider }),
        ...(invoiced && creditNote !== undefined ? { creditNoteId: creditNote.creditNoteId } : {}),
        ...(invoiced && otherCreditNotes.length > 0 ? { creditNoteIds: otherCreditNotes } : {}),
        ...(invoiced && captures.length > 0 ? { paymentIds: captures } : {}),
        invoiced,
        currency: c,
        functionalCurrency: fc,
        rate: invoiced ? rate : c === fc ? "1" : rate,
        amount: moneyOf(amount, c),
        functionalAmount: moneyOf(functionalAmount, fc),
        ...(exchangeDifference === 0n ? {} : { exchangeDifference: moneyOf(exchangeDifference, fc) }),
        ...(advanceTaxReleased.length > 0 ? { advanceTaxReleased } : {}),
        ...(invoiced && parts.prepaid > 0n ? { fromPrepayments: { amount: moneyOf(parts.prepaid, c), functionalAmount: moneyOf(prepaidFunctional, fc) } } : {}),
      },
    },
  ];
  const result = { refundId: input.refundId, amount: amountOf(amount, c), invoiced, ...(invoiced && parts.prepaid > 0n ? { fromPrepayments: amountOf(parts.prepaid, c) } : {}) };
  const doc: PaymentDoc = { key: `refund:${input.refundId}`, kind: "refund", paymentId: input.refundId, orderId: order.orderId, currency: c, state: "recorded", amount: amountOf(amount, c), captured: "0", refunded: amountOf(amount, c), functionalAmount: amountOf(functionalAmount, fc), provider: input.provider ?? null, authorizationId: input.paymentId ?? null, fingerprint, result };
  return { order: next, event: events[0]!, doc };
}
