import { z } from "zod";
import { BOUNDS } from "../kernel/bounds.js";
import { StorekeepError } from "../kernel/errors.js";
import { idSchema } from "../kernel/ids.js";
import type { JsonObject } from "../ports/storage.js";
import { type NewEvent } from "../runner/command.js";
import { defineLibraryCommand } from "../runner/library.js";
import { nextOrderState } from "./state-machines.js";
import { QUANTITY_SCALE, amountOf, minorOf, moneyOf, parseScaled } from "./amounts.js";
import { creditOrder, invoiceOrderPart } from "./documents.js";
import { decimalText } from "./inputs.js";
import { allocateNumber } from "./numbers.js";
import { ORDER_VERSIONS, type OrderDoc, type OrderLine, type OrderVersionDoc, PAYMENTS, loadOrder, netCaptured, qty, qtyText, saveOrder, withHistory } from "./order.js";
import type { SalesSettings } from "./options.js";
import { orderLineInputSchema, reservationRequest, taxCalculator } from "./place-order.js";
import { checkCreditLimit } from "./credit-limits.js";
import { Decimal } from "../kernel/decimal.js";
import { type LineDiscount, type OrderDiscount, type PricingLine, priceOrder } from "./price-order.js";
import { functionalRate } from "./rate.js";
import { refundFromOrder } from "./refund-payment.js";
import { type CreditRelief, creditReliefInFinance, refundDueWith, versionKey } from "./reports.js";
import { fingerprintOf } from "./payment-records.js";
import { strictInput } from "../kernel/strict-input.js";

const id = idSchema<string>();
export const editOrderSchema = strictInput({
  orderId: id,
  /** New quantities of existing lines; `0` removes the line. A line with anything shipped cannot be touched. */
  changes: z.array(strictInput({ lineId: id, quantity: decimalText("nonnegative", "quantity") })).max(BOUNDS.lines).optional(),
  /** Lines to add, as in `placeOrder`. */
  add: z.array(orderLineInputSchema).max(BOUNDS.lines).optional(),
  /** The total the edit screen showed: a different re-priced total refuses the edit. */
  expectedTotal: decimalText("nonnegative").optional(),
  /** The provider's refund of the surplus, required when the new total is below what was captured. */
  refund: strictInput({ refundId: id, paymentId: id.optional(), provider: id.optional() }).optional(),
});

/**
 * The surplus refund an edit recorded, as `refundPayment` returns a refund: `amount` the whole
 * refund; `invoiced: false` when all of it came out of customer prepayments (before invoicing,
 * or the prepayment an on-shipment order holds for goods not shipped yet); `invoiced: true` when
 * it settled the correction's credit — all of it, or, with `fromPrepayments`, all but that part,
 * which came out of prepayments (a split: the credit part is `amount` − `fromPrepayments`).
 *
 * @example
 * ```ts
 * const { refund } = await sk.sales.editOrder({ orderId: "ord_1", changes: [{ lineId: "2", quantity: "0" }], refund: { refundId: "re_1" } });
 * // refund: { refundId: "re_1", amount: "23.8", invoiced: true, fromPrepayments: "17.85" } — 5.95 of credit, 17.85 of prepayments
 * ```
 */
export type EditRefund = { refundId: string; amount: string; invoiced: boolean; fromPrepayments?: string };

/**
 * Edits a placed (or held, or draft) order before its lines ship: adds lines, removes them,
 * changes quantities. The order gets a new version (the previous one is kept, see
 * `sales.orderVersions`); it is re-priced with the rules it was placed with (line and order
 * discounts, the coupon, shipping, tax on today's date); its reservations are replaced by
 * what is left to ship; what was invoiced is credited in full (`CreditNoteIssued`, reason
 * correction, one per invoice at its rate: `creditNoteIds`, `creditNoteId` the first) and
 * the new version invoiced again as the policy says (on order: all of it; on shipment: what
 * already shipped). The payment difference: a higher total leaves a balance
 * due that `capturePayment` collects; a total below what was captured refunds the surplus
 * in the same command under the provider's `refund.refundId` (required then), in one
 * `RefundIssued`: out of the correction's credit, out of the prepayments an on-shipment order
 * holds for goods not shipped yet, or — when it needs both — split as `refundPayment` splits
 * it, the credit owed back first and the rest out of prepayments (`fromPrepayments`). Touching a
 * line with anything shipped, or an order with a return, is `INVALID_TRANSITION`. Emits
 * `OrderEdited` (the new lines and totals, and what moved per line) with the documents.
 * The result's `refund` (null when nothing was refunded) says how the surplus was paid back,
 * with `refundPayment`'s fields (`amount`, `invoiced`, `fromPrepayments`: see {@link EditRefund});
 * `refundId` names it as before.
 *
 * @example
 * ```ts
 * await sk.sales.editOrder({ orderId: "ord_1", changes: [{ lineId: "1", quantity: "3" }], add: [{ sku: "TEE", quantity: 1, unitPrice: "20" }] });
 * ```
 */
export function editOrderCommand(settings: SalesSettings) {
  return defineLibraryCommand({
    name: "sales.editOrder",
    input: editOrderSchema,
    async handle(ctx, input) {
      await ctx.periodLocks?.assertOpen(ctx.tx, "sales", ctx.today);
      const changes = input.changes ?? [];
      const added = input.add ?? [];
      if (changes.length === 0 && added.length === 0) {
        throw new StorekeepError("VALIDATION_FAILED", "An edit needs at least one change or added line.", { issues: [{ path: "changes", message: "nothing to edit", code: "custom" }] });
      }
      const { order, version } = await loadOrder(ctx.tx, input.orderId);
      const editable = ["draft", "placed", "on-hold"] as const;
      if (!(editable as readonly string[]).includes(order.state)) {
        throw new StorekeepError("INVALID_TRANSITION", `Order ${order.orderId} is ${order.state}: only a draft, placed or held order can be edited.`, { orderId: order.orderId, state: order.state, allowed: [...editable] });
      }
      if (order.returns.length > 0) {
        throw new StorekeepError("INVALID_TRANSITION", `Order ${order.orderId} has returns: it can no longer be edited; place a new order for more goods.`, { orderId: order.orderId, state: order.state, allowed: [] });
      }
      const rules = order.pricing ?? fallbackRules(order);
      const lineDiscounts: Record<string, LineDiscount> = { ...rules.lineDiscounts };
      const quantities = new Map<string, string>();
      const seen = new Set<string>();
      for (const [i, change] of changes.entries()) {
        const line = order.lines.find((l) => l.lineId === change.lineId);
        if (line === undefined) throw new StorekeepError("NOT_FOUND", `changes[${i}]: order ${order.orderId} has no line ${change.lineId}.`, { lineId: change.lineId, path: `changes[${i}].lineId` });
        if (seen.has(change.lineId)) throw new StorekeepError("VALIDATION_FAILED", `changes[${i}]: line ${change.lineId} is changed twice; give one new quantity per line.`, { issues: [{ path: `changes[${i}].lineId`, message: "repeated", code: "custom" }] });
        seen.add(change.lineId);
        // What shipped stays ordered: a partly shipped line may only lose (or gain) what has not shipped —
        // the way to close an order whose rest cannot be supplied.
        if (qty(line.buckets.shipped) > 0n && qty(change.quantity) < qty(line.buckets.shipped)) {
          throw new StorekeepError("INVALID_TRANSITION", `Order ${order.orderId} line ${line.lineId} has shipped ${line.buckets.shipped}: its quantity can go down to ${line.buckets.shipped} (cancelling what has not shipped), not to ${change.quantity}; take shipped goods back with sales.requestReturn.`, { orderId: order.orderId, lineId: line.lineId, shipped: line.buckets.shipped, allowed: [] });
        }
        quantities.set(change.lineId, change.quantity);
      }
      // An edit screen that sends the cart back unchanged would burn invoice and credit note numbers.
      if (added.length === 0 && order.lines.every((l) => !quantities.has(l.lineId) || qty(quantities.get(l.lineId)!) === qty(l.quantity))) {
        throw new StorekeepError("VALIDATION_FAILED", `The edit changes nothing on order ${order.orderId}: every line named keeps its quantity. Nothing was written; send only what changes.`, { orderId: order.orderId, issues: [{ path: "changes", message: "no quantity changes", code: "custom" }] });
      }
      const lineIds = new Set(order.lines.map((l) => l.lineId));
      let nextId = order.lines.reduce((m, l) => (/^\d+$/.test(l.lineId) ? Math.max(m, Number(l.lineId)) : m), 0) + 1;
      const pricingLines: PricingLine[] = [];
      const listPrices = new Map(order.lines.filter((l) => l.listPrice !== undefined).map((l) => [l.lineId, l.listPrice!]));
      for (const line of order.lines) {
        const quantity = quantities.get(line.lineId) ?? line.quantity;
        if (qty(quantity) === 0n) continue;
        pricingLines.push({ lineId: line.lineId, sku: line.sku, quantity, unitPrice: line.unitPrice, discount: lineDiscounts[line.lineId], taxCategory: line.taxCategory });
      }
      for (const [i, a] of added.entries()) {
        let lineId = a.lineId;
        if (lineId === undefined) {
          while (lineIds.has(String(nextId))) nextId += 1;
          lineId = String(nextId);
        }
        if (lineIds.has(lineId)) throw new StorekeepError("VALIDATION_FAILED", `add[${i}].lineId "${lineId}" is already a line of order ${order.orderId}; each line needs its own id.`, { issues: [{ path: `add[${i}].lineId`, message: "repeated", code: "custom" }] });
        lineIds.add(lineId);
        if ((await settings.seams.productOf(ctx.tx, a.sku)) === undefined) {
          throw new StorekeepError("NOT_FOUND", `add[${i}]: unknown SKU "${a.sku}"; define the product first (inventory.defineProduct).`, { sku: a.sku, path: `add[${i}].sku` });
        }
        if (a.discount !== undefined) lineDiscounts[lineId] = a.discount;
        if (a.listPrice !== undefined) listPrices.set(lineId, a.listPrice);
        pricingLines.push({ lineId, sku: a.sku, quantity: a.quantity, unitPrice: a.unitPrice, discount: a.discount, taxCategory: a.taxCategory ?? "standard" });
      }
      if (pricingLines.length === 0) {
        throw new StorekeepError("VALIDATION_FAILED", `The edit would remove every line of order ${order.orderId}; cancel the order instead (sales.cancelOrder).`, { orderId: order.orderId, issues: [{ path: "changes", message: "no line left", code: "custom" }] });
      }
      const shippingAmount = parseScaled(order.shipping.amount, 6) === 0n ? null : { amount: order.shipping.amount, taxCategory: order.shipping.taxCategory };
      const priced = priceOrder({ currency: order.currency, lines: pricingLines, discounts: rules.discounts, shipping: shippingAmount, tax: taxCalculator(settings, ctx.today, order.currency, rules.buyer) });
      if (input.expectedTotal !== undefined && parseScaled(priced.gross, 6) !== parseScaled(input.expectedTotal, 6)) {
        throw new StorekeepError("VALIDATION_FAILED", `The edited order totals ${priced.gross} ${order.currency}, not the expected ${input.expectedTotal}; re-price the edit.`, {
          expected: input.expectedTotal,
          computed: priced.gross,
          issues: [{ path: "expectedTotal", message: `computed ${priced.gross}`, code: "custom" }],
        });
      }
      // An edit that raises an order on account checks what it adds against the customer's credit limit (a draft is checked when placed).
      const increase = parseScaled(priced.gross, 6) - parseScaled(order.totals.gross, 6);
      if (order.state !== "draft" && increase > 0n) await checkCreditLimit(ctx, settings, { customerId: order.customerId, currency: order.currency, gross: new Decimal(priced.gross).minus(order.totals.gross).toFixed(), paymentTermsDays: order.paymentTermsDays, orderId: order.orderId });

      const events: NewEvent[] = [];
      const nowIso = ctx.now.toISOString();
      const c = order.currency;
      // 1. Credit everything invoiced and not yet credited, at the figures it was invoiced with:
      // one credit note per invoice, each at its invoice's rate. The new invoice replaces the first.
      let current: OrderDoc = order;
      let creditNoteIds: string[] = [];
      const toCredit = new Map(order.lines.map((l) => [l.lineId, qty(l.buckets.invoiced) - qty(l.buckets.credited)]));
      const creditShipping = order.shipping.invoiced && !order.shipping.credited;
      const shippingWasInvoiced = order.shipping.invoiced;
      if ([...toCredit.values()].some((q) => q > 0n) || creditShipping) {
        const credited = await creditOrder(current, toCredit, { today: ctx.today, includeShipping: creditShipping, reason: "correction", nextNumber: () => allocateNumber(ctx, settings, "credit-note") });
        current = credited.order;
        events.push(...credited.events);
        creditNoteIds = credited.creditNoteIds;
      }
      const creditNoteId = creditNoteIds[0] ?? null;
      // What finance wrote off of the order's credit (its credit notes', its captures' over-payments) or
      // allocated to other orders' documents (read once: the credit notes are final from here).
      let relief: CreditRelief | undefined;
      const creditRelief = async (o: OrderDoc): Promise<CreditRelief> => (relief ??= await creditReliefInFinance(ctx.tx, o, settings.seams.openItems));
      // 2. The new version: re-priced lines; buckets kept for unchanged lines, documents counted afresh.
      const zero = "0";
      const byId = new Map(order.lines.map((l) => [l.lineId, l]));
      const reserving = order.state !== "draft" && order.reserved;
      const lines: OrderLine[] = priced.lines.map((l) => {
        const before = byId.get(l.lineId);
        const ordered = qtyText(parseScaled(l.quantity, QUANTITY_SCALE));
        const shipped = before?.buckets.shipped ?? zero;
        const buckets = before === undefined
          ? { ordered, reserved: zero, shipped: zero, delivered: zero, returnRequested: zero, returned: zero, restocked: zero, writtenOff: zero, invoiced: zero, credited: zero }
          : { ...before.buckets, ordered, invoiced: zero, credited: zero };
        const listPrice = listPrices.get(l.lineId);
        return { ...l, ...(listPrice === undefined ? {} : { listPrice }), buckets: { ...buckets, reserved: reserving ? qtyText(qty(ordered) - qty(shipped)) : buckets.reserved } };
      });
      const newVersion = (order.version ?? 1) + 1;
      let next: OrderDoc = {
        ...current,
        version: newVersion,
        pricing: { discounts: rules.discounts, lineDiscounts: Object.fromEntries(Object.entries(lineDiscounts).filter(([k]) => lines.some((l) => l.lineId === k))), buyer: rules.buyer },
        lines,
        shipping: { ...priced.shipping, invoiced: false, credited: false },
        totals: { lineDiscount: priced.lineDiscount, orderDiscount: priced.orderDiscount, net: priced.net, shippingNet: priced.shippingNet, tax: priced.tax, gross: priced.gross },
        discounts: priced.discounts,
        codes: priced.codes,
        invoiceRate: null,
      };
      // 3. Reservations: what is left to ship is what the order holds from now on.
      if (reserving) {
        // Placed again by the sourcing policy, the units the order held counted as available to it.
        const reserved = await reservationRequest(ctx, settings, next, order);
        next = reserved.order;
        events.push(reserved.event);
      }
      // 4. Invoice the new version as the policy says.
      let invoiceId: string | null = null;
      if (order.state !== "draft") {
        // An order invoiced whole (on order, or billed ahead with invoiceOrder) is invoiced whole again; else what shipped.
        const wholly = next.invoicing === "on-order" || (order.invoices.length > 0 && order.lines.every((l) => qty(l.buckets.invoiced) - qty(l.buckets.credited) === qty(l.buckets.ordered)));
        const shipped = new Map(next.lines.map((l) => [l.lineId, qty(l.buckets.shipped)]));
        // The new invoice names the credit note it replaces: finance settles the two.
        // Earlier correction credit notes with credit left are applied after it (appliesCredits), never the replaced one twice.
        const replacing = (event: NewEvent): NewEvent => {
          if (creditNoteId === null) return event;
          const { appliesCredits, ...payload } = event.payload as { appliesCredits?: readonly string[] };
          const earlier = (appliesCredits ?? []).filter((id) => id !== creditNoteId);
          return { ...event, payload: { ...payload, replaces: creditNoteId, ...(earlier.length > 0 ? { appliesCredits: earlier } : {}) } } as NewEvent;
        };
        const quantities = wholly ? new Map(next.lines.map((l) => [l.lineId, qty(l.buckets.ordered) - qty(l.buckets.invoiced)])) : shipped;
        if (wholly || (order.invoices.length > 0 && [...shipped.values()].some((q) => q > 0n))) {
          const number = await allocateNumber(ctx, settings, "invoice");
          const options = { invoiceId: number, number, rate: await functionalRate(ctx, c), today: ctx.today, includeShipping: wholly ? !next.shipping.invoiced : shippingWasInvoiced };
          let invoiced = invoiceOrderPart(next, quantities, options);
          // Prepayments pay the new invoice before the correction credit, unless the surplus the
          // edit pays back is more than the credit then owed back (the goods removed were paid for
          // in advance): then the credit pays it first, and the refund comes out of the prepayments
          // it leaves — or, when it is more than those too (the new invoice is below the one it
          // replaces, e.g. a fixed order discount now falls on fewer lines), out of
          // the credit left owed back first and the rest out of prepayments, split as refundPayment
          // splits it (step 5).
          const surplus = minorOf(invoiced.order.paid.captured, c) - minorOf(invoiced.order.paid.refunded, c) - minorOf(invoiced.order.totals.gross, c);
          if (surplus > 0n) {
            const r = await creditRelief(invoiced.order);
            if (surplus > minorOf(refundDueWith(invoiced.order, r).due, c)) {
              const creditFirst = invoiceOrderPart(next, quantities, { ...options, creditFirst: true });
              const prepaidLeft = minorOf(creditFirst.order.prepayment.amount, c);
              if (surplus <= prepaidLeft + minorOf(refundDueWith(creditFirst.order, r).due, c)) invoiced = creditFirst;
            }
          }
          next = invoiced.order;
          events.push(replacing(invoiced.event));
        }
        if (next.invoices.length > current.invoices.length) invoiceId = next.invoices[next.invoices.length - 1]!.invoiceId;
      }
      // 5. The payment difference: refund a surplus now, or leave a balance due.
      // An order with a return cannot be edited, so every refund it has had — a prepayment paid
      // back, an earlier edit's surplus, a credit settled — reduced what is paid toward it:
      // paid is captured less all refunds, and they all count as refunded on edit from now on.
      const gross = minorOf(next.totals.gross, c);
      next = { ...next, paid: withoutPrepaidRefunds({ ...next.paid, refundedOnEdit: next.paid.refunded }) };
      // What finance.allocate moved between this order and others (read once, before this edit's
      // documents reach finance). Money of this order's that pays another order's invoice is not paid
      // toward this one: never a surplus to refund, and the order may hold that much captured beyond
      // its total (paid.movedAway, as a capture records it).
      // The relief is the one step 4 may have read already: one read of the order's open items per edit.
      const { movedAway, paidByCredits } = await creditRelief(next);
      const held = paidByCredits - movedAway;
      if (movedAway > 0n) next = { ...next, paid: { ...next.paid, movedAway: amountOf(movedAway, c) } };
      const paid = minorOf(netCaptured(next), c) + (held < 0n ? held : 0n);
      let refundId: string | null = null;
      let refund: EditRefund | null = null;
      if (paid > gross) {
        const surplus = paid - gross;
        if (input.refund === undefined) {
          throw new StorekeepError("VALIDATION_FAILED", `The edit lowers order ${order.orderId} to ${priced.gross} ${c}, below the ${amountOf(paid, c)} captured: refund the ${amountOf(surplus, c)} surplus with the provider and pass its id as refund.refundId.`, {
            orderId: order.orderId,
            surplus: amountOf(surplus, c),
            issues: [{ path: "refund", message: `a refund of ${amountOf(surplus, c)} is needed`, code: "custom" }],
          });
        }
        if ((await ctx.tx.documents.get(PAYMENTS, `refund:${input.refund.refundId}`)) !== undefined) {
          throw new StorekeepError("DUPLICATE_DOCUMENT", `A refund ${input.refund.refundId} was already recorded; a provider id is used once.`, { paymentId: input.refund.refundId, kind: "refund" });
        }
        const refundInput = { refundId: input.refund.refundId, amount: amountOf(surplus, c), paymentId: input.refund.paymentId, provider: input.refund.provider };
        const fingerprint = fingerprintOf({ orderId: order.orderId, amount: refundInput.amount, paymentId: refundInput.paymentId, returnId: undefined, provider: refundInput.provider });
        // As refundPayment: a credit finance wrote off on a credit note is not paid out (refundDue leaves it out),
        // and a surplus that needs both the credit owed back and the prepayments held is split, credit first.
        const refunded = await refundFromOrder(ctx, next, refundInput, fingerprint, await creditRelief(next), true, settings.seams.receivableDifference);
        next = { ...refunded.order, paid: withoutPrepaidRefunds({ ...refunded.order.paid, refundedOnEdit: refunded.order.paid.refunded }) };
        events.push(refunded.event);
        await ctx.tx.documents.put(PAYMENTS, refunded.doc.key, refunded.doc as never, 0);
        refundId = input.refund.refundId;
        refund = refunded.doc.result as EditRefund;
      }
      // An edit that cancels the unshipped rest of an order whose shipments were all delivered completes it.
      if (next.state === "placed" && next.lines.every((l) => qty(l.buckets.delivered) === qty(l.buckets.ordered))) next = { ...next, state: nextOrderState(next.state, "complete", `Order ${order.orderId}`) };
      // The edit's own event, before the documents it caused: the new lines and totals, what moved per line.
      events.unshift(orderEditedEvent(ctx.today, order, next, refundId));
      // 6. Keep the superseded version, save the new one.
      const kept: OrderVersionDoc = { orderId: order.orderId, version: order.version ?? 1, supersededAt: nowIso, order };
      await ctx.tx.documents.put(ORDER_VERSIONS, versionKey(order.orderId, order.version ?? 1), kept as never, 0);
      await saveOrder(ctx.tx, withHistory(next, nowIso, "edit", `v${newVersion}`), version);
      // What another order's credit paid of this order's invoices (finance.allocate) is not due again;
      // what this order's credit paid of another's is (the order's money went there): as the view's leftToPay.
      const paidAll = minorOf(netCaptured(next), c) + held;
      const balanceDue = gross > paidAll ? amountOf(gross - paidAll, c) : "0";
      return {
        result: { orderId: order.orderId, version: newVersion, total: next.totals.gross, tax: next.totals.tax, previousTotal: order.totals.gross, balanceDue, creditNoteId, creditNoteIds, invoiceId, refundId, refund },
        events,
      };
    },
  });
}

/** A line's discounts before tax (its own and its share of the order's), in minor units. */
function discountOf(line: OrderLine, currency: string): bigint {
  return minorOf(line.lineDiscount, currency) + minorOf(line.orderDiscount, currency);
}

/**
 * The `OrderEdited` event of an edit from `before` to `after`: the new lines as `OrderPlaced`
 * carries them (with each line's net), the new totals, and per line whose quantity, discount
 * or net moved the signed difference (a removed line with minus its figures).
 */
function orderEditedEvent(today: string, before: OrderDoc, after: OrderDoc, refundId: string | null): NewEvent {
  const c = after.currency;
  const money = (units: bigint) => moneyOf(units, c);
  const previous = new Map(before.lines.map((l) => [l.lineId, l]));
  const current = new Map(after.lines.map((l) => [l.lineId, l]));
  const changes: JsonObject[] = [];
  for (const lineId of [...new Set([...before.lines.map((l) => l.lineId), ...after.lines.map((l) => l.lineId)])]) {
    const was = previous.get(lineId);
    const now = current.get(lineId);
    const line = (now ?? was)!;
    const quantity = (now === undefined ? 0n : qty(now.quantity)) - (was === undefined ? 0n : qty(was.quantity));
    const discount = (now === undefined ? 0n : discountOf(now, c)) - (was === undefined ? 0n : discountOf(was, c));
    const net = (now === undefined ? 0n : minorOf(now.net, c)) - (was === undefined ? 0n : minorOf(was.net, c));
    if (quantity === 0n && discount === 0n && net === 0n) continue;
    changes.push({
      lineId,
      sku: line.sku,
      unitPrice: { amount: line.unitPrice, currency: c },
      ...(line.listPrice === undefined ? {} : { listPrice: { amount: line.listPrice, currency: c } }),
      quantityChange: qtyText(quantity),
      discountChange: money(discount),
      netChange: money(net),
    });
  }
  const draft = before.state === "draft";
  return {
    type: "OrderEdited",
    aggregateType: "order",
    aggregateId: after.orderId,
    effectiveDate: today,
    payload: {
      orderId: after.orderId,
      ...(after.customerId === "" ? {} : { customerId: after.customerId }),
      warehouseId: after.warehouseId,
      ...(after.channel === undefined ? {} : { channel: after.channel }),
      currency: c,
      version: after.version ?? 2,
      ...(draft ? { draft: true } : { placedOn: after.placedOn }),
      lines: after.lines.map((l) => {
        const discount = discountOf(l, c);
        return {
          lineId: l.lineId,
          sku: l.sku,
          quantity: l.quantity,
          unitPrice: { amount: l.unitPrice, currency: c },
          ...(l.listPrice === undefined ? {} : { listPrice: { amount: l.listPrice, currency: c } }),
          ...(discount === 0n ? {} : { discount: money(discount) }),
          net: money(minorOf(l.net, c)),
        };
      }),
      changes,
      net: money(minorOf(after.totals.net, c)),
      shipping: money(minorOf(after.totals.shippingNet, c)),
      tax: money(minorOf(after.totals.tax, c)),
      total: money(minorOf(after.totals.gross, c)),
      previousTotal: money(minorOf(before.totals.gross, c)),
      ...(refundId === null ? {} : { refundId }),
    },
  };
}

/** At an edit every refund so far joins `refundedOnEdit`, so none is counted again as a prepayment refund. */
function withoutPrepaidRefunds(paid: OrderDoc["paid"]): OrderDoc["paid"] {
  const { refundedPrepaid: _counted, ...rest } = paid;
  return rest;
}

/** Pricing rules of an order stored before edits existed: its order discounts as the fixed amounts they came to. */
function fallbackRules(order: OrderDoc): { discounts: readonly OrderDiscount[]; lineDiscounts: Readonly<Record<string, LineDiscount>>; buyer: OrderDoc["shipTo"] } {
  return {
    discounts: order.discounts.map((d) => ({ kind: "fixed" as const, amount: d.amount, ...(d.label === null ? {} : { label: d.label }) })),
    lineDiscounts: Object.fromEntries(order.lines.filter((l) => parseScaled(l.lineDiscount, 6) > 0n).map((l) => [l.lineId, { kind: "fixed" as const, amount: l.lineDiscount }])),
    buyer: order.shipTo,
  };
}
