import { z } from "zod";
import { BOUNDS } from "../bounds.js";
import { Decimal } from "../decimal.js";
import { checkAtMost, checkCurrency, checkExchange, checkSum, refined } from "./checks.js";
import {
  currencyCode,
  decimalStringSchema,
  idString,
  instantString,
  lineList,
  positiveAmountJson,
  positiveQuantityString,
  postedAmountJson,
  rateString,
  signedAmountJson,
  unitPriceJson,
  settlementFields,
} from "./fields.js";
import { localDateSchema } from "../local-date.js";
import { checkAdvanceTaxLines, checkTaxLines, taxLinesField } from "./tax-lines.js";
import { customerIdField, documentIdField, locationIdField, lotField, orderIdField, skuField, warehouseIdField } from "./ids.js";

/*
 * Sales document events. Amounts are in the document's transaction `currency`; every
 * amount that finance posts also comes in the `functionalCurrency`, converted by the
 * emitter at `rate` (functional = transaction × rate, rounded to the minor unit, with the
 * functional parts summing to the functional total), so that posting is a pure function
 * of the payload. A document in the functional currency has rate "1" and equal amounts.
 *
 * Realised exchange differences, where a settlement relieves an account at a different
 * functional value than it was booked at, are carried as `exchangeDifference` in the
 * functional currency, signed: POSITIVE = LOSS (debit Exchange gain/loss), negative = gain.
 */

function uniqueLineIds(ctx: z.RefinementCtx, lines: readonly { readonly lineId?: string; readonly warehouseId?: string }[]): void {
  const seen = new Set<string>();
  lines.forEach((line, index) => {
    if (line.lineId === undefined) return;
    // A line split over warehouses appears once per warehouse.
    const key = `${line.lineId}\u0000${line.warehouseId ?? ""}`;
    if (seen.has(key)) ctx.addIssue({ code: "custom", path: ["lines", index, "lineId"], message: `repeats line id ${line.lineId}${line.warehouseId === undefined ? "" : ` at ${line.warehouseId}`}; each line needs its own id` });
    seen.add(key);
  });
}

/** An order line as `OrderPlaced` carries it (and `OrderEdited`, with its net). */
const placedLine = z.object({
  lineId: idString,
  sku: skuField,
  quantity: positiveQuantityString,
  unitPrice: unitPriceJson,
  /** The list (compare-at) price of one unit, when the shop shows one. */
  listPrice: unitPriceJson.exactOptional(),
  /** The line's discounts (its own and its share of the order's), before tax: the line sold for quantity × unitPrice − discount. */
  discount: postedAmountJson.exactOptional(),
});

/**
 * `OrderPlaced` (v1): a customer's order was placed. Not posted; inventory and analytics
 * react to it. `total` is the order's gross total in `currency`; `unitPrice` is the
 * price of one unit as charged (transaction currency, up to 6 decimals); optional
 * `channel`, and per line `listPrice` (the compare-at price) and `discount` (the line's
 * discounts before tax), feed analytics' channel breakdown and discount rate.
 *
 * @example
 * ```ts
 * orderPlacedSchema.parse({
 *   orderId: "ord_1", customerId: "cus_1", warehouseId: "wh_main", currency: "EUR",
 *   lines: [{ lineId: "l1", sku: "MUG-RED", quantity: "2", unitPrice: { amount: "9.95", currency: "EUR" } }],
 *   total: { amount: "19.9", currency: "EUR" },
 * });
 * ```
 */
export const orderPlacedSchema = refined(
  z.object({
    orderId: orderIdField,
    customerId: customerIdField.exactOptional(),
    warehouseId: warehouseIdField,
    /** The sales channel (web shop, marketplace, point of sale, ...) as the shop names it. */
    channel: idString.exactOptional(),
    currency: currencyCode,
    lines: lineList(placedLine),
    total: postedAmountJson,
  }),
  (order, ctx) => {
    uniqueLineIds(ctx, order.lines);
    checkCurrency(ctx, order.currency, [
      [["total"], order.total],
      ...order.lines.map((line, index) => [["lines", index, "unitPrice"], line.unitPrice] as const),
      ...order.lines.flatMap((line, index) => (line.listPrice === undefined ? [] : [[["lines", index, "listPrice"], line.listPrice] as const])),
      ...order.lines.flatMap((line, index) => (line.discount === undefined ? [] : [[["lines", index, "discount"], line.discount] as const])),
    ]);
  });

const signedQuantityString = decimalStringSchema(BOUNDS.quantity, "quantity", "any");

/**
 * `OrderEdited` (v1): `sales.editOrder` made a new version of an order (quantities changed,
 * lines removed or added, the whole order re-priced). Not posted: the money moves are the
 * correction credit note, the new invoice and the surplus refund the edit emits beside it
 * (`CreditNoteIssued`, `OrderInvoiced`, `RefundIssued`). It carries what a consumer needs
 * to follow the order's figures without reading the order: the new `version`, the new
 * `lines` as `OrderPlaced` carries them (`discount`: the line's own discount and its share
 * of the order discounts, before tax) with each line's `net` (after discounts, before tax,
 * as the order and its invoices count it), the new totals (`net` of the goods, `shipping`
 * net, `tax`, `total` = net + shipping + tax, the gross as on `OrderPlaced`) and
 * `previousTotal`. `changes` lists every line whose figures differ from the previous
 * version, signed new − previous: `quantityChange`, `discountChange` and `netChange` (a
 * removed line appears with minus its quantity and figures and is no longer in `lines`; an
 * added one with its own; a line kept at its quantity whose share of a re-computed order
 * discount moved appears with a `quantityChange` of `0`), with the line's `unitPrice` and
 * `listPrice`, which an edit never changes: a line's sale value moves by `quantityChange ×
 * unitPrice − discountChange`. `placedOn`
 * is the order's business date of placement, for consumers that restate an order's figures
 * on it (analytics does). `refundId` names the refund of the surplus the edit recorded, when
 * the new total fell below what was paid: it is part of the edit, not a refund of goods. An edit of a draft is `draft: true` with no `placedOn`: the
 * draft's `OrderPlaced` at placement carries its lines as edited, so a consumer summing
 * placements and edits skips it.
 *
 * @example
 * ```ts
 * orderEditedSchema.parse({
 *   orderId: "ord_1", customerId: "cus_1", warehouseId: "wh_main", currency: "EUR", version: 2, placedOn: "2026-11-27",
 *   lines: [{ lineId: "l1", sku: "MUG-RED", quantity: "3", unitPrice: { amount: "10", currency: "EUR" }, net: { amount: "30", currency: "EUR" } }],
 *   changes: [{ lineId: "l1", sku: "MUG-RED", unitPrice: { amount: "10", currency: "EUR" }, quantityChange: "1", discountChange: { amount: "0", currency: "EUR" }, netChange: { amount: "10", currency: "EUR" } }],
 *   net: { amount: "30", currency: "EUR" }, shipping: { amount: "0", currency: "EUR" }, tax: { amount: "5.7", currency: "EUR" },
 *   total: { amount: "35.7", currency: "EUR" }, previousTotal: { amount: "23.8", currency: "EUR" },
 * });
 * ```
 */
export const orderEditedSchema = refined(
  z.object({
    orderId: orderIdField,
    customerId: customerIdField.exactOptional(),
    warehouseId: warehouseIdField,
    /** The sales channel the order was placed through, as on `OrderPlaced`. */
    channel: idString.exactOptional(),
    currency: currencyCode,
    /** The order's version after the edit (the placed order is version 1). */
    version: z.number().int().min(2).max(1_000_000),
    /** The order's business date of placement (absent for a draft). */
    placedOn: localDateSchema.exactOptional(),
    /** The order is still a draft: its placement's `OrderPlaced` will carry these lines. */
    draft: z.literal(true).exactOptional(),
    lines: lineList(
      placedLine.extend({
        /** The line's net amount: after discounts, before tax. */
        net: postedAmountJson,
      }),
    ),
    /** Lines whose figures differ from the previous version: signed differences, new − previous. */
    changes: z
      .array(
        z.object({
          lineId: idString,
          sku: skuField,
          unitPrice: unitPriceJson,
          listPrice: unitPriceJson.exactOptional(),
          /** The change in quantity (negative: fewer units; minus the old quantity for a removed line). */
          quantityChange: signedQuantityString,
          /** The change in the line's discounts before tax. */
          discountChange: signedAmountJson,
          /** The change in the line's net amount. */
          netChange: signedAmountJson,
        }),
      )
      .max(2 * BOUNDS.lines, { message: `allows at most ${2 * BOUNDS.lines} changes` }),
    /** The goods' net after all discounts, before tax. */
    net: postedAmountJson,
    /** The shipping charge before tax. */
    shipping: postedAmountJson,
    tax: postedAmountJson,
    /** The order's new gross total (net + shipping + tax). */
    total: postedAmountJson,
    /** The gross total of the version the edit replaced. */
    previousTotal: postedAmountJson,
    /** The refund of the surplus this edit recorded (its `RefundIssued` follows in the same command), when the new total fell below what was paid. */
    refundId: documentIdField.exactOptional(),
  }),
  (edit, ctx) => {
    uniqueLineIds(ctx, edit.lines);
    const changed = new Set<string>();
    edit.changes.forEach((change, index) => {
      if (changed.has(change.lineId)) ctx.addIssue({ code: "custom", path: ["changes", index, "lineId"], message: `repeats line id ${change.lineId}; give one change per line` });
      changed.add(change.lineId);
      const line = edit.lines.find((l) => l.lineId === change.lineId);
      if (line !== undefined && line.sku !== change.sku) ctx.addIssue({ code: "custom", path: ["changes", index, "sku"], message: `must be ${line.sku}, the SKU of line ${line.lineId}` });
      if (new Decimal(change.quantityChange).isZero() && new Decimal(change.discountChange.amount).isZero() && new Decimal(change.netChange.amount).isZero()) {
        ctx.addIssue({ code: "custom", path: ["changes", index], message: "changes nothing; list only lines whose quantity, discount or net moved" });
      }
    });
    if ((edit.draft === true) === (edit.placedOn !== undefined)) ctx.addIssue({ code: "custom", path: ["placedOn"], message: "is the placement date of a placed order: give it unless the order is a draft (draft: true)" });
    checkCurrency(ctx, edit.currency, [
      [["net"], edit.net],
      [["shipping"], edit.shipping],
      [["tax"], edit.tax],
      [["total"], edit.total],
      [["previousTotal"], edit.previousTotal],
      ...edit.lines.flatMap((line, index) => [[["lines", index, "unitPrice"], line.unitPrice] as const, [["lines", index, "net"], line.net] as const]),
      ...edit.lines.flatMap((line, index) => (line.listPrice === undefined ? [] : [[["lines", index, "listPrice"], line.listPrice] as const])),
      ...edit.lines.flatMap((line, index) => (line.discount === undefined ? [] : [[["lines", index, "discount"], line.discount] as const])),
      ...edit.changes.flatMap((change, index) => [
        [["changes", index, "unitPrice"], change.unitPrice] as const,
        [["changes", index, "discountChange"], change.discountChange] as const,
        [["changes", index, "netChange"], change.netChange] as const,
        ...(change.listPrice === undefined ? [] : [[["changes", index, "listPrice"], change.listPrice] as const]),
      ]),
    ]);
    checkSum(ctx, ["net"], edit.net, edit.lines.map((l) => l.net), "the sum of the lines' net");
    checkSum(ctx, ["total"], edit.total, [edit.net, edit.shipping, edit.tax], "net + shipping + tax");
  },
);

/**
 * `OrderReservationRequested` (v1): the sales module asks for an order's lines to be held
 * at a warehouse (at placement or at payment, as the shop chose). Not posted; inventory
 * reacts in the same transaction with `StockReserved` per line, or refuses the command
 * with `INSUFFICIENT_STOCK` when a product without backorders lacks available units. With
 * `replace: true` (an order edit) the lines are what the order needs held from now on:
 * inventory releases the order's held reservations first, so `lines` may be empty. A line
 * with its own `warehouseId` is held there (the sales sourcing policy split it over
 * warehouses; a line id then appears once per warehouse).
 *
 * @example
 * ```ts
 * orderReservationRequestedSchema.parse({
 *   orderId: "ord_1", warehouseId: "wh_main", kind: "hard",
 *   lines: [{ lineId: "l1", sku: "MUG-RED", quantity: "2" }],
 * });
 * ```
 */
export const orderReservationRequestedSchema = refined(
  z.object({
    orderId: orderIdField,
    warehouseId: warehouseIdField,
    kind: z.enum(["soft", "hard"]),
    expiresAt: instantString.exactOptional(),
    /** True when an edit changed the order's lines: inventory first releases the order's held reservations, then holds these lines (which may be none). */
    replace: z.literal(true).exactOptional(),
    lines: z.array(z.object({ lineId: idString, sku: skuField, quantity: positiveQuantityString, warehouseId: warehouseIdField.exactOptional() })).max(BOUNDS.lines, { message: `allows at most ${BOUNDS.lines} lines` }),
  }),
  (request, ctx) => {
    if (request.lines.length === 0 && request.replace !== true) ctx.addIssue({ code: "custom", path: ["lines"], message: "needs at least one line (none only when replace is true)" });
    uniqueLineIds(ctx, request.lines);
  },
);

/**
 * `OrderCancelled` (v1): an order was cancelled by the shop or the customer, or expired
 * unpaid. Not posted (a credit note does that for an invoiced order); inventory reacts by
 * releasing the order's held reservations. `voidedPaymentIds` names the authorizations whose
 * uncaptured rest the cancellation voided (left out when none): the host voids them at the
 * payment provider, so the customer's card is no longer held.
 *
 * @example
 * ```ts
 * orderCancelledSchema.parse({ orderId: "ord_1", reason: "cancelled", voidedPaymentIds: ["pi_1"] });
 * ```
 */
export const orderCancelledSchema = z.object({
  orderId: orderIdField,
  customerId: customerIdField.exactOptional(),
  reason: z.enum(["cancelled", "expired"]),
  voidedPaymentIds: z.array(documentIdField).min(1).max(10_000).exactOptional(),
});

/**
 * `PaymentAuthorized` (v1): the payment provider authorised an amount for an order. Not
 * posted (nothing has moved yet). `provider` names the payment provider (e.g. `"stripe"`),
 * never the payer.
 *
 * @example
 * ```ts
 * paymentAuthorizedSchema.parse({
 *   paymentId: "pay_1", orderId: "ord_1", amount: { amount: "19.9", currency: "EUR" },
 *   provider: "stripe", expiresAt: "2026-12-04T10:00:00.000Z",
 * });
 * ```
 */
export const paymentAuthorizedSchema = z.object({
  paymentId: documentIdField,
  orderId: orderIdField,
  amount: positiveAmountJson,
  provider: idString.exactOptional(),
  expiresAt: instantString.exactOptional(),
});

/**
 * `PaymentCaptured` (v1): money was captured for an order.
 *
 * Posting: `invoiced: false` (before invoicing) → Dr `psp-clearing` / Cr
 * `customer-prepayments`, both `functionalAmount`. `invoiced: true` → Dr `psp-clearing`
 * `functionalAmount`, Dr `exchange-gain-loss` `exchangeDifference` / Cr `receivables`
 * `functionalAmount + exchangeDifference` (the receivable's booked value; positive
 * difference = loss). `provider` (optional) picks the provider's clearing account when
 * finance has several (`FinanceOptions.cashAccounts`). `advanceTaxLines` (only with
 * `invoiced: false`): the output tax contained in an advance where VAT is due on advance
 * payments, per code → Dr `advance-tax` / Cr `output-tax` functional tax (the tax report
 * counts it in the capture's period).
 *
 * @example
 * ```ts
 * paymentCapturedSchema.parse({
 *   paymentId: "pay_1", orderId: "ord_1", invoiced: false,
 *   currency: "EUR", functionalCurrency: "EUR", rate: "1",
 *   amount: { amount: "19.9", currency: "EUR" }, functionalAmount: { amount: "19.9", currency: "EUR" },
 * });
 * ```
 */
export const paymentCapturedSchema = refined(
  z.object({
    paymentId: documentIdField,
    orderId: orderIdField,
    customerId: customerIdField.exactOptional(),
    invoiceId: documentIdField.exactOptional(),
    // Every invoice of the order, oldest first (invoiced: true): finance settles what is open of
    // each in turn, so money covering several invoices leaves none open beside an over-payment.
    invoiceIds: z.array(documentIdField).max(10_000).exactOptional(),
    provider: idString.exactOptional(),
    invoiced: z.boolean(),
    ...settlementFields,
    advanceTaxLines: taxLinesField.exactOptional(),
  }),
  (payment, ctx) => {
    checkExchange(ctx, payment, [[["amount"], payment.amount, ["functionalAmount"], payment.functionalAmount]]);
    settlementDifference(ctx, payment);
    advanceOnly(ctx, payment, "advanceTaxLines", payment.advanceTaxLines);
    checkAdvanceTaxLines(ctx, "advanceTaxLines", payment, payment.advanceTaxLines, { amount: payment.amount, functional: payment.functionalAmount, what: "the amount captured" });
  });

function advanceOnly(ctx: z.RefinementCtx, doc: { readonly invoiced: boolean }, key: string, lines: readonly unknown[] | undefined): void {
  if (lines !== undefined && doc.invoiced) {
    ctx.addIssue({ code: "custom", path: [key], message: "output tax on an advance belongs to money taken before invoicing (invoiced: false); leave it out" });
  }
}

function settlementDifference(
  ctx: z.RefinementCtx,
  doc: { readonly invoiced: boolean; readonly currency: string; readonly functionalCurrency: string; readonly exchangeDifference?: { readonly amount: string; readonly currency: string } },
): void {
  const difference = doc.exchangeDifference;
  if (difference === undefined) return;
  checkCurrency(ctx, doc.functionalCurrency, [[["exchangeDifference"], { amount: difference.amount, currency: difference.currency }]]);
  if (!new Decimal(difference.amount).isZero() && (!doc.invoiced || doc.currency === doc.functionalCurrency)) {
    ctx.addIssue({ code: "custom", path: ["exchangeDifference"], message: "an exchange difference arises only when settling an invoiced receivable in a foreign currency; leave it out" });
  }
}

/**
 * `ShipmentDispatched` (v1): goods left a warehouse for an order. Not posted by finance;
 * inventory reacts with `StockIssued` (source `shipment`, counter-account `cogs`).
 *
 * @example
 * ```ts
 * shipmentDispatchedSchema.parse({
 *   shipmentId: "shp_1", orderId: "ord_1", warehouseId: "wh_main",
 *   lines: [{ lineId: "l1", sku: "MUG-RED", quantity: "2", locationId: "wh_main/A1" }],
 * });
 * ```
 */
export const shipmentDispatchedSchema = z
  .object({
    shipmentId: documentIdField,
    orderId: orderIdField,
    warehouseId: warehouseIdField,
    lines: lineList(
      z.object({
        lineId: idString,
        sku: skuField,
        quantity: positiveQuantityString,
        locationId: locationIdField.exactOptional(),
        lot: lotField.exactOptional(),
        /** The warehouse this part of the line ships from, when not the shipment's (a line split over warehouses appears once per warehouse). */
        warehouseId: warehouseIdField.exactOptional(),
      }),
    ),
  });

const invoiceAmounts = z.object({
  net: postedAmountJson,
  shipping: postedAmountJson,
  tax: postedAmountJson,
  gross: postedAmountJson,
  prepaymentApplied: postedAmountJson,
});

/**
 * `OrderInvoiced` (v1): an invoice was issued for an order. `net` is the goods (after
 * discounts, before tax), `shipping` the shipping charge before tax, `tax` all output tax,
 * `gross = net + shipping + tax`; `prepaymentApplied` is the part of earlier captures
 * (booked as customer prepayments) settled by this invoice. `functional` holds the same
 * five amounts in the functional currency, with `gross = net + shipping + tax` there too;
 * its `prepaymentApplied` is the value the prepayments were booked at. In a foreign
 * currency finance tracks each order's advances (captures before invoicing, less refunds)
 * at their booked value and, when they cover `prepaymentApplied`, uses that value and
 * measures the prepaid part of the revenue at the advance's rate (IFRIC 22): revenue =
 * functional net − the prepaid part's value at the invoice's rate + the advances' booked
 * value, where the prepaid part's value is its share of the functional gross
 * (prepaymentApplied × functional gross / gross, half-up; all of it when the advances pay
 * the whole invoice, which then leaves no receivable in either currency). The credits in
 * `appliesCredits` and `appliesPayments` are advances for the goods this invoice bills too:
 * the part they cover is measured at their booked value, revenue = functional net − (what
 * they pay of the invoice at its rate − their booked value), with no exchange difference.
 * Output tax stays the invoice's (its rate, as `taxLines` and the tax report count it).
 *
 * Posting: Dr `receivables` gross / Cr `sales-revenue` net, Cr `shipping-revenue`
 * shipping, Cr `output-tax` tax; and Dr `customer-prepayments` / Cr `receivables`
 * prepaymentApplied (all functional). Optional `taxLines` give the tax per code (they sum
 * to `tax`); finance's tax report reads them. Optional `advanceTaxReleased`: the output tax
 * taken on the advances this invoice applies, at the values it was booked at → Dr
 * `output-tax` / Cr `advance-tax` (so the tax is counted once).
 *
 * @example
 * ```ts
 * const eur = (amount: string) => ({ amount, currency: "EUR" });
 * orderInvoicedSchema.parse({
 *   invoiceId: "inv_1", orderId: "ord_1", currency: "EUR", functionalCurrency: "EUR", rate: "1",
 *   net: eur("100"), shipping: eur("5"), tax: eur("19.95"), gross: eur("124.95"), prepaymentApplied: eur("124.95"),
 *   functional: { net: eur("100"), shipping: eur("5"), tax: eur("19.95"), gross: eur("124.95"), prepaymentApplied: eur("124.95") },
 * });
 * ```
 */
export const orderInvoicedSchema = refined(
  z.object({
    invoiceId: documentIdField,
    orderId: orderIdField,
    customerId: customerIdField.exactOptional(),
    dueDate: localDateSchema.exactOptional(),
    currency: currencyCode,
    functionalCurrency: currencyCode,
    rate: rateString,
    net: postedAmountJson,
    shipping: postedAmountJson,
    tax: postedAmountJson,
    gross: postedAmountJson,
    prepaymentApplied: postedAmountJson,
    functional: invoiceAmounts,
    taxLines: taxLinesField.exactOptional(),
    advanceTaxReleased: taxLinesField.exactOptional(),
    // The credit note this invoice replaces (an order edit): finance settles what is open of it against this invoice.
    replaces: documentIdField.exactOptional(),
    // Earlier correction or return credit notes of the same order whose credit is still open (an
    // edit that refunded a surplus before the rest shipped, goods paid for and sent back): finance
    // allocates what is open of each to this invoice, in order, at the credit's booked value (an
    // advance: the covered revenue is measured at it, IFRIC 22).
    appliesCredits: z.array(documentIdField).max(10_000).exactOptional(),
    // Captures of the same order whose money beyond its invoices is still open (an over-payment
    // held for the goods still to ship): finance allocates what is open of each to this invoice,
    // after the credit notes, in order, at the over-payment's booked value (IFRIC 22, as above).
    appliesPayments: z.array(documentIdField).max(10_000).exactOptional(),
  }),
  (invoice, ctx) => {
    checkTaxLines(ctx, invoice, false);
    checkAdvanceTaxLines(ctx, "advanceTaxReleased", invoice, invoice.advanceTaxReleased, { amount: invoice.prepaymentApplied, functional: invoice.functional.prepaymentApplied, what: "the prepayment applied" });
    const keys = ["net", "shipping", "tax", "gross", "prepaymentApplied"] as const;
    checkExchange(ctx, invoice, keys.map((key) => [[key], invoice[key], ["functional", key], invoice.functional[key]] as const));
    checkSum(ctx, ["gross"], invoice.gross, [invoice.net, invoice.shipping, invoice.tax], "net + shipping + tax");
    checkSum(ctx, ["functional", "gross"], invoice.functional.gross, [invoice.functional.net, invoice.functional.shipping, invoice.functional.tax], "net + shipping + tax");
    checkAtMost(ctx, ["prepaymentApplied"], invoice.prepaymentApplied, invoice.gross, "the gross amount");
  });

/**
 * `RefundIssued` (v1): money was paid back to the customer through the payment provider.
 *
 * Posting: `invoiced: false` (out of prepayments: before invoicing, or the advance an
 * invoiced on-shipment order still holds for goods not shipped yet) → Dr
 * `customer-prepayments` / Cr `psp-clearing`, both `functionalAmount`. `invoiced: true` (a credit note credited the receivable first) →
 * Dr `receivables` `functionalAmount − exchangeDifference` (the value the credit was
 * booked at), Dr `exchange-gain-loss` `exchangeDifference` / Cr `psp-clearing`
 * `functionalAmount` (positive difference = loss). `advanceTaxReleased` (only with
 * `invoiced: false`, or with `fromPrepayments` below): the output tax taken on the refunded advance → Dr `output-tax` / Cr
 * `advance-tax`.
 *
 * `fromPrepayments` (optional, only with `invoiced: true`): a refund that needs both the credit
 * an invoiced on-shipment order holds and the prepayment it still holds for goods not shipped
 * yet — the credit first, the rest out of prepayments. `amount` and `functionalAmount` are the
 * whole refund (what leaves `psp-clearing`); `fromPrepayments.amount` is the part paid out of
 * prepayments, at its booked value `fromPrepayments.functionalAmount`; the rest settles the
 * credit as above, and `exchangeDifference` is that part's. Posting: Dr `customer-prepayments`
 * the prepayment part, Dr `receivables` the rest (less the difference), Dr
 * `exchange-gain-loss` the difference / Cr `psp-clearing` `functionalAmount`;
 * `advanceTaxReleased` is the prepayment part's advance tax. Events stored without it are
 * plain refunds, as before.
 *
 * @example
 * ```ts
 * refundIssuedSchema.parse({
 *   refundId: "ref_1", orderId: "ord_1", paymentId: "pay_1", invoiced: true, creditNoteId: "cn_1",
 *   currency: "EUR", functionalCurrency: "EUR", rate: "1",
 *   amount: { amount: "9.95", currency: "EUR" }, functionalAmount: { amount: "9.95", currency: "EUR" },
 * });
 * ```
 */
export const refundIssuedSchema = refined(
  z.object({
    refundId: documentIdField,
    orderId: orderIdField,
    customerId: customerIdField.exactOptional(),
    paymentId: documentIdField.exactOptional(),
    provider: idString.exactOptional(),
    creditNoteId: documentIdField.exactOptional(),
    // The order's other credit notes, in the order the refund settles their credit after
    // `creditNoteId` (newest first): an edit's surplus refund may pay back an earlier correction's credit.
    creditNoteIds: z.array(documentIdField).max(10_000).exactOptional(),
    // The order's captures, oldest first, whose money beyond its invoices (an over-payment) the
    // refund pays back after the credit notes' credit: finance settles what is open of each.
    paymentIds: z.array(documentIdField).max(10_000).exactOptional(),
    invoiced: z.boolean(),
    ...settlementFields,
    advanceTaxReleased: taxLinesField.exactOptional(),
    // The part of an invoiced refund paid back out of prepayments (the credit took the rest):
    // `exchangeDifference` here is finance's (the advance relieved at its booked value), never the emitter's.
    fromPrepayments: z
      .object({
        amount: positiveAmountJson,
        functionalAmount: positiveAmountJson,
        exchangeDifference: signedAmountJson.exactOptional(),
      })
      .exactOptional(),
  }),
  (refund, ctx) => {
    const part = refund.fromPrepayments;
    checkExchange(ctx, refund, [
      [["amount"], refund.amount, ["functionalAmount"], refund.functionalAmount],
      [["fromPrepayments", "amount"], part?.amount, ["fromPrepayments", "functionalAmount"], part?.functionalAmount],
    ]);
    settlementDifference(ctx, refund);
    if (part === undefined) {
      advanceOnly(ctx, refund, "advanceTaxReleased", refund.advanceTaxReleased);
      checkAdvanceTaxLines(ctx, "advanceTaxReleased", refund, refund.advanceTaxReleased, { amount: refund.amount, functional: refund.functionalAmount, what: "the amount refunded" });
      return;
    }
    if (!refund.invoiced) ctx.addIssue({ code: "custom", path: ["fromPrepayments"], message: "splits an invoiced refund between the credit and prepayments; a refund with invoiced: false comes out of prepayments whole, leave it out" });
    // The credit settles a part too: the split is never the whole refund (that is invoiced: false).
    if (!new Decimal(part.amount.amount).lessThan(refund.amount.amount)) ctx.addIssue({ code: "custom", path: ["fromPrepayments", "amount"], message: `must be less than the amount refunded ${refund.amount.amount} (the credit settles the rest)` });
    if (new Decimal(part.functionalAmount.amount).greaterThan(refund.functionalAmount.amount)) ctx.addIssue({ code: "custom", path: ["fromPrepayments", "functionalAmount"], message: `cannot exceed the functional amount refunded ${refund.functionalAmount.amount}` });
    if (part.exchangeDifference !== undefined && !new Decimal(part.exchangeDifference.amount).isZero()) ctx.addIssue({ code: "custom", path: ["fromPrepayments", "exchangeDifference"], message: "finance computes the prepayment part's difference from the advance's booked value; leave it out" });
    checkAdvanceTaxLines(ctx, "advanceTaxReleased", refund, refund.advanceTaxReleased, { amount: part.amount, functional: part.functionalAmount, what: "the part refunded out of prepayments" });
  });

/**
 * Why a credit note was issued.
 *
 * @example
 * ```ts
 * creditNoteReasonSchema.parse("return");
 * ```
 */
export const creditNoteReasonSchema = z.enum(["return", "allowance", "cancellation", "correction"]);

const creditNoteAmounts = z.object({
  net: postedAmountJson,
  shipping: postedAmountJson,
  tax: postedAmountJson,
  gross: postedAmountJson,
});

/**
 * `CreditNoteIssued` (v1): an invoice was (partly) credited — a return or an allowance
 * after invoicing. `net` is goods, `shipping` the shipping credited, `tax` the output tax
 * reversed, `gross = net + shipping + tax`; `functional` the same in the functional
 * currency (at the invoice's rate, so the reversal mirrors the invoice).
 *
 * Posting: Dr `sales-returns` net, Dr `shipping-revenue` shipping, Dr `output-tax` tax /
 * Cr `receivables` gross (functional). Optional `taxLines`: the tax reversed per code.
 *
 * @example
 * ```ts
 * const eur = (amount: string) => ({ amount, currency: "EUR" });
 * creditNoteIssuedSchema.parse({
 *   creditNoteId: "cn_1", orderId: "ord_1", invoiceId: "inv_1", returnId: "ret_1", reason: "return",
 *   currency: "EUR", functionalCurrency: "EUR", rate: "1",
 *   net: eur("10"), shipping: eur("0"), tax: eur("1.9"), gross: eur("11.9"),
 *   functional: { net: eur("10"), shipping: eur("0"), tax: eur("1.9"), gross: eur("11.9") },
 * });
 * ```
 */
export const creditNoteIssuedSchema = refined(
  z.object({
    creditNoteId: documentIdField,
    orderId: orderIdField,
    customerId: customerIdField.exactOptional(),
    invoiceId: documentIdField.exactOptional(),
    // Every invoice of the order — the one the credit note mirrors first, then the others oldest
    // first: a correction or cancellation credit note settles what is open of them; any credit note writes back what finance wrote off of them before a
    // credit is left to the customer.
    invoiceIds: z.array(documentIdField).max(10_000).exactOptional(),
    returnId: documentIdField.exactOptional(),
    reason: creditNoteReasonSchema,
    currency: currencyCode,
    functionalCurrency: currencyCode,
    rate: rateString,
    net: postedAmountJson,
    shipping: postedAmountJson,
    tax: postedAmountJson,
    gross: postedAmountJson,
    functional: creditNoteAmounts,
    taxLines: taxLinesField.exactOptional(),
  }),
  (note, ctx) => {
    checkTaxLines(ctx, note, false);
    const keys = ["net", "shipping", "tax", "gross"] as const;
    checkExchange(ctx, note, keys.map((key) => [[key], note[key], ["functional", key], note.functional[key]] as const));
    checkSum(ctx, ["gross"], note.gross, [note.net, note.shipping, note.tax], "net + shipping + tax");
    checkSum(ctx, ["functional", "gross"], note.functional.gross, [note.functional.net, note.functional.shipping, note.functional.tax], "net + shipping + tax");
  });

/**
 * What happens to a returned unit: back on the shelf, or written off.
 *
 * @example
 * ```ts
 * returnDispositionSchema.parse("restock");
 * ```
 */
export const returnDispositionSchema = z.enum(["restock", "write-off"]);

/**
 * `ReturnReceived` (v1): returned goods arrived at a warehouse. Not posted by finance;
 * inventory reacts: `restock` lines with `StockReceived` (source `customer-return`,
 * counter-account `cogs`, at the cost they left with — `unitCost` when the sales module
 * knows it, functional currency), `write-off` lines with a `StockReceived` followed by a
 * `StockAdjusted` (reason `damaged-return`, counter-account `write-off`).
 *
 * @example
 * ```ts
 * returnReceivedSchema.parse({
 *   returnId: "ret_1", orderId: "ord_1", warehouseId: "wh_main",
 *   lines: [{ lineId: "l1", sku: "MUG-RED", quantity: "1", disposition: "restock", unitCost: { amount: "3.2", currency: "EUR" } }],
 * });
 * ```
 */
export const returnReceivedSchema = z.object({
  returnId: documentIdField,
  orderId: orderIdField,
  warehouseId: warehouseIdField,
  lines: lineList(
    z.object({
      lineId: idString.exactOptional(),
      sku: skuField,
      quantity: positiveQuantityString,
      disposition: returnDispositionSchema,
      locationId: locationIdField.exactOptional(),
      lot: lotField.exactOptional(),
      unitCost: unitPriceJson.exactOptional(),
    }),
  ),
});

const payoutAmounts = z.object({
  gross: signedAmountJson,
  fees: postedAmountJson,
  net: signedAmountJson,
});

/**
 * `PayoutSettled` (v1): the payment provider paid out to the shop's bank: `gross` is the
 * captured money settled, `fees` the provider's fees, `net = gross − fees` what reached
 * the bank. When refunds exceed captures the provider debits the bank: `gross` and `net`
 * are negative (the clearing account is credited back). `functional` holds the same
 * in the functional currency; `exchangeDifference` (functional, positive = loss) is
 * the clearing account's booked value minus `functional.gross`.
 * `settled` (optional): the provider converted its balance in another currency into the
 * payout's: `settled.gross` in `settled.currency` left the clearing account at
 * `settled.functional` (their booked value), and `exchangeDifference` is then
 * `settled.functional − functional.gross`.
 *
 * Posting: Dr `bank` net, Dr `payment-fees` fees, Dr `exchange-gain-loss`
 * exchangeDifference / Cr `psp-clearing` gross + exchangeDifference (functional); with
 * `settled`, Cr `psp-clearing` (of `settled.currency`) settled.gross at settled.functional.
 *
 * @example
 * ```ts
 * const eur = (amount: string) => ({ amount, currency: "EUR" });
 * payoutSettledSchema.parse({
 *   payoutId: "po_1", currency: "EUR", functionalCurrency: "EUR", rate: "1",
 *   gross: eur("100"), fees: eur("1.65"), net: eur("98.35"),
 *   functional: { gross: eur("100"), fees: eur("1.65"), net: eur("98.35") },
 * });
 * ```
 */
export const payoutSettledSchema = refined(
  z.object({
    payoutId: documentIdField,
    provider: idString.exactOptional(),
    paymentIds: z.array(documentIdField).max(10_000).exactOptional(),
    currency: currencyCode,
    functionalCurrency: currencyCode,
    rate: rateString,
    gross: signedAmountJson,
    fees: postedAmountJson,
    net: signedAmountJson,
    functional: payoutAmounts,
    settled: z.object({ currency: currencyCode, rate: rateString, gross: signedAmountJson, functional: signedAmountJson }).exactOptional(),
    exchangeDifference: signedAmountJson.exactOptional(),
  }),
  (payout, ctx) => {
    const keys = ["gross", "fees", "net"] as const;
    checkExchange(ctx, payout, keys.map((key) => [[key], payout[key], ["functional", key], payout.functional[key]] as const));
    checkSum(ctx, ["gross"], payout.gross, [payout.net, payout.fees], "net + fees");
    checkSum(ctx, ["functional", "gross"], payout.functional.gross, [payout.functional.net, payout.functional.fees], "net + fees");
    if (payout.exchangeDifference !== undefined) {
      checkCurrency(ctx, payout.functionalCurrency, [[["exchangeDifference"], payout.exchangeDifference]]);
      if (payout.currency === payout.functionalCurrency && payout.settled === undefined && !new Decimal(payout.exchangeDifference.amount).isZero()) {
        ctx.addIssue({ code: "custom", path: ["exchangeDifference"], message: "an exchange difference arises only for a payout in a foreign currency or a converted one; leave it out" });
      }
    }
    const settled = payout.settled;
    if (settled !== undefined) {
      if (settled.currency === payout.currency) ctx.addIssue({ code: "custom", path: ["settled", "currency"], message: "must differ from the payout's currency (leave settled out for a payout that was not converted)" });
      checkCurrency(ctx, settled.currency, [[["settled", "gross"], settled.gross]]);
      checkCurrency(ctx, payout.functionalCurrency, [[["settled", "functional"], settled.functional]]);
      const expected = new Decimal(settled.functional.amount).minus(payout.functional.gross.amount);
      const stated = new Decimal(payout.exchangeDifference?.amount ?? "0");
      if (!expected.equals(stated)) {
        ctx.addIssue({ code: "custom", path: ["exchangeDifference"], message: `must be settled.functional − functional.gross = ${expected.toFixed()} (what left the clearing account less what the payout is worth)` });
      }
    }
  });
