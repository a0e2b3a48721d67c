import { z } from "zod";
import { checkTaxLines, taxLinesField } from "./tax-lines.js";
import { Decimal } from "../decimal.js";
import { checkCurrency, checkExchange, checkSum, refined } from "./checks.js";
import {
  currencyCode,
  idString,
  idList,
  lineList,
  positiveQuantityString,
  positiveAmountJson,
  postedAmountJson,
  rateString,
  unitPriceJson,
  settlementFields,
} from "./fields.js";
import { documentIdField, locationIdField, lotField, purchaseOrderIdField, skuField, supplierIdField, warehouseIdField } from "./ids.js";
import { localDateSchema } from "../local-date.js";

/*
 * Purchasing document events. As for sales: transaction amounts in `currency`, the
 * emitter's conversion at `rate` (functional = transaction × rate) in `functionalCurrency`,
 * functional parts summing to functional totals; a realised `exchangeDifference` is
 * functional and POSITIVE = LOSS.
 */

const taxedAmounts = z.object({
  net: postedAmountJson,
  tax: postedAmountJson,
  gross: postedAmountJson,
});

function checkFunctionalRate(ctx: z.RefinementCtx, doc: { readonly currency: string; readonly functionalCurrency: string; readonly rate: string }): void {
  if (doc.currency === doc.functionalCurrency && doc.rate !== "1") {
    ctx.addIssue({ code: "custom", path: ["rate"], message: `must be 1 when the document is in the functional currency ${doc.functionalCurrency}` });
  }
}

function checkTaxedDocument(
  ctx: z.RefinementCtx,
  doc: {
    readonly currency: string;
    readonly functionalCurrency: string;
    readonly rate: string;
    readonly net: { amount: string; currency: string };
    readonly tax: { amount: string; currency: string };
    readonly gross: { amount: string; currency: string };
    readonly functional: { readonly net: { amount: string; currency: string }; readonly tax: { amount: string; currency: string }; readonly gross: { amount: string; currency: string } };
    readonly taxLines?: readonly z.output<typeof taxLinesField>[number][] | undefined;
  },
): void {
  checkTaxLines(ctx, doc, true);
  const keys = ["net", "tax", "gross"] as const;
  checkExchange(ctx, doc, keys.map((key) => [[key], doc[key], ["functional", key], doc.functional[key]] as const));
  checkSum(ctx, ["gross"], doc.gross, [doc.net, doc.tax], "net + tax");
  checkSum(ctx, ["functional", "gross"], doc.functional.gross, [doc.functional.net, doc.functional.tax], "net + tax");
}

/**
 * `GoodsReceived` (v1): goods from a purchase order arrived. Not posted by finance;
 * inventory reacts with one `StockReceived` per line (source `receipt`, counter-account
 * `grni`). `unitPrice` is the order price in the transaction currency; `receivedValue`
 * is the line's value in the functional currency at the receipt date's rate (rounded to
 * the minor unit by purchasing) — exactly what GRNI is credited with and what the bill
 * will clear.
 *
 * @example
 * ```ts
 * goodsReceivedSchema.parse({
 *   receiptId: "grn_1", purchaseOrderId: "po_1", supplierId: "sup_1", warehouseId: "wh_main",
 *   currency: "USD", functionalCurrency: "EUR", rate: "0.92",
 *   lines: [{ lineId: "l1", sku: "MUG-RED", quantity: "100", unitPrice: { amount: "2.5", currency: "USD" },
 *             receivedValue: { amount: "230", currency: "EUR" }, locationId: "wh_main/A1" }],
 * });
 * ```
 */
export const goodsReceivedSchema = refined(
  z.object({
    receiptId: documentIdField,
    purchaseOrderId: purchaseOrderIdField,
    supplierId: supplierIdField,
    warehouseId: warehouseIdField,
    currency: currencyCode,
    functionalCurrency: currencyCode,
    rate: rateString,
    lines: lineList(
      z.object({
        lineId: idString,
        sku: skuField,
        quantity: positiveQuantityString,
        unitPrice: unitPriceJson,
        receivedValue: postedAmountJson,
        locationId: locationIdField.exactOptional(),
        lot: lotField.exactOptional(),
        /** The lot's expiry, recorded by inventory in the lot master (FEFO picking, recalls). */
        expiry: localDateSchema.exactOptional(),
      }),
    ),
  }),
  (receipt, ctx) => {
    checkCurrency(ctx, receipt.currency, receipt.lines.map((line, index) => [["lines", index, "unitPrice"], line.unitPrice] as const));
    checkCurrency(ctx, receipt.functionalCurrency, receipt.lines.map((line, index) => [["lines", index, "receivedValue"], line.receivedValue] as const));
    checkFunctionalRate(ctx, receipt);
  });

/**
 * `SupplierBillRecorded` (v1): a supplier's invoice for goods was recorded. Each line
 * names what it bills: `receivedValue` is what GRNI holds for it (the receipt's
 * `receivedValue` for the matched quantity, functional), `billedValue` the billed net
 * in the functional currency; Σ billedValue = `functional.net`.
 *
 * Posting: Dr `grni` Σ receivedValue, Dr `purchase-price-difference` the price
 * difference, Dr `exchange-gain-loss` the exchange difference (credits when negative),
 * Dr `input-tax` functional.tax / Cr `payables` functional.gross. A line's
 * billedValue − receivedValue is all price difference unless it gives `receivedPrice`
 * (the unit price received, in the bill's currency): then (unitPrice − receivedPrice) ×
 * quantity at the bill's rate is the price difference and the rest the rate's (IAS 21;
 * see `billLineDifferences`). Inventory reacts to lines with a price difference with
 * `StockRevalued` (reason `price-difference`).
 *
 * @example
 * ```ts
 * const eur = (amount: string) => ({ amount, currency: "EUR" });
 * supplierBillRecordedSchema.parse({
 *   billId: "bill_1", supplierId: "sup_1", purchaseOrderId: "po_1", dueDate: "2026-12-27",
 *   currency: "EUR", functionalCurrency: "EUR", rate: "1",
 *   lines: [{ receiptId: "grn_1", receiptLineId: "l1", sku: "MUG-RED", quantity: "100",
 *             unitPrice: eur("2.6"), receivedValue: eur("250"), billedValue: eur("260") }],
 *   net: eur("260"), tax: eur("49.4"), gross: eur("309.4"),
 *   functional: { net: eur("260"), tax: eur("49.4"), gross: eur("309.4") },
 * });
 * ```
 */
export const supplierBillRecordedSchema = refined(
  z.object({
    billId: documentIdField,
    supplierId: supplierIdField,
    purchaseOrderId: purchaseOrderIdField.exactOptional(),
    dueDate: localDateSchema.exactOptional(),
    currency: currencyCode,
    functionalCurrency: currencyCode,
    rate: rateString,
    lines: lineList(
      z.object({
        lineId: idString.exactOptional(),
        receiptId: documentIdField.exactOptional(),
        receiptLineId: idString.exactOptional(),
        /** The receipt's units a bill can concern when some were sent back before billing (received less returned): inventory shares the price difference over these, not the whole receipt. */
        receiptQuantity: positiveQuantityString.exactOptional(),
        sku: skuField,
        quantity: positiveQuantityString,
        unitPrice: unitPriceJson,
        /** The unit price the goods were received at, in the bill's currency: with it, a pure rate change is an exchange difference (IAS 21), not a price difference. */
        receivedPrice: unitPriceJson.exactOptional(),
        receivedValue: postedAmountJson,
        billedValue: postedAmountJson,
      }),
    ),
    net: postedAmountJson,
    tax: postedAmountJson,
    gross: postedAmountJson,
    functional: taxedAmounts,
    taxLines: taxLinesField.exactOptional(),
  }),
  (bill, ctx) => {
    checkTaxedDocument(ctx, bill);
    checkCurrency(ctx, bill.currency, bill.lines.flatMap((line, index) => [[["lines", index, "unitPrice"], line.unitPrice] as const, ...(line.receivedPrice === undefined ? [] : [[["lines", index, "receivedPrice"], line.receivedPrice] as const])]));
    checkCurrency(ctx, bill.functionalCurrency, bill.lines.flatMap((line, index) => [[["lines", index, "receivedValue"], line.receivedValue], [["lines", index, "billedValue"], line.billedValue]] as const));
    checkSum(ctx, ["functional", "net"], bill.functional.net, bill.lines.map((line) => line.billedValue), "the sum of the lines' billedValue");
  });

/**
 * `SupplierPaid` (v1): the shop paid a supplier. `amount` in the transaction currency,
 * `functionalAmount` what left the bank in the functional currency; `exchangeDifference`
 * (functional, POSITIVE = LOSS) = functionalAmount − the value the paid payables were
 * booked at.
 *
 * Posting: Dr `payables` functionalAmount − exchangeDifference, Dr `exchange-gain-loss`
 * exchangeDifference (a credit when negative) / Cr `bank` functionalAmount.
 * `discount` (optional): an early-payment discount taken, in the transaction currency
 * (`amount`, of which `tax`) and functional at the payment's rate; it settles the bills
 * with the money: Dr `payables` by it too / Cr `purchase-discounts` (the discount net of
 * tax: a cash discount lowers the cost of the purchase; the role maps to the purchase price
 * difference account unless the shop keeps discounts apart), Cr `input-tax` (its tax part:
 * the taxable amount shrank). `discount.onStock` (optional, when the shop puts cash discounts
 * on the cost of goods, `cashDiscounts: "stock"`): the parts of the discount net of tax that
 * lower the cost of the receipts the bills were for, per bill part (`amount` in the transaction
 * currency, `value` functional); those parts are credited to `purchase-price-difference`
 * instead, and inventory revalues each receipt by −`value` (Dr `purchase-price-difference` /
 * Cr Inventory, COGS for what was sold); `returnedQuantity`: of the part's `receiptQuantity`
 * (or the receipt's), the units sent back to the supplier since the bill, whose share stays in
 * `purchase-price-difference` (where the return took them out). `discount.onLandedCost`: likewise the parts of the
 * discount taken on landed-cost bills (a freight forwarder's Skonto), credited to
 * `landed-cost-clearing`; inventory takes each off the receipts its landed cost went onto, in
 * the shares it went on (Dr `landed-cost-clearing` / Cr Inventory, COGS). `discount.onAhead`: the
 * parts on goods billed before they arrived and still awaited, credited to `grni`: purchasing
 * lowers the value the goods will come in at by them (the receipt's Dr Inventory / Cr GRNI then
 * clears GRNI at the lower value). `bank`
 * (optional) names the bank the money left from, picking its account when finance has
 * several (`FinanceOptions.cashAccounts`, matched as the rule's provider).
 *
 * @example
 * ```ts
 * supplierPaidSchema.parse({
 *   paymentId: "sp_1", supplierId: "sup_1", billIds: ["bill_1"],
 *   currency: "USD", functionalCurrency: "EUR", rate: "0.93",
 *   amount: { amount: "250", currency: "USD" }, functionalAmount: { amount: "232.5", currency: "EUR" },
 *   exchangeDifference: { amount: "2.5", currency: "EUR" },
 * });
 * ```
 */
export const supplierPaidSchema = refined(
  z.object({
    paymentId: documentIdField,
    supplierId: supplierIdField,
    billIds: idList,
    bank: idString.exactOptional(),
    ...settlementFields,
    discount: z
      .object({
        amount: postedAmountJson,
        tax: postedAmountJson,
        functionalAmount: postedAmountJson,
        functionalTax: postedAmountJson,
        onStock: z
          .array(
            z.object({
              billId: documentIdField,
              lineId: idString,
              sku: skuField,
              receiptId: documentIdField,
              receiptLineId: idString.exactOptional(),
              receiptQuantity: positiveQuantityString.exactOptional(),
              returnedQuantity: positiveQuantityString.exactOptional(),
              amount: positiveAmountJson,
              value: positiveAmountJson,
            }),
          )
          .min(1)
          .max(10_000)
          .exactOptional(),
        onLandedCost: z
          .array(z.object({ landedCostId: documentIdField, amount: positiveAmountJson, value: positiveAmountJson }))
          .min(1)
          .max(10_000)
          .exactOptional(),
        onAhead: z
          .array(
            z.object({
              billId: documentIdField,
              lineId: idString,
              sku: skuField,
              purchaseOrderId: documentIdField,
              orderLineId: idString,
              amount: positiveAmountJson,
              value: positiveAmountJson,
            }),
          )
          .min(1)
          .max(10_000)
          .exactOptional(),
      })
      .exactOptional(),
  }),
  (payment, ctx) => {
    checkExchange(ctx, payment, [[["amount"], payment.amount, ["functionalAmount"], payment.functionalAmount]]);
    if (payment.discount !== undefined) {
      const d = payment.discount;
      checkCurrency(ctx, payment.currency, [[["discount", "amount"], d.amount], [["discount", "tax"], d.tax]]);
      checkCurrency(ctx, payment.functionalCurrency, [[["discount", "functionalAmount"], d.functionalAmount], [["discount", "functionalTax"], d.functionalTax]]);
      if (new Decimal(d.tax.amount).gt(d.amount.amount)) ctx.addIssue({ code: "custom", path: ["discount", "tax"], message: "the discount's tax part cannot exceed the discount" });
      if (new Decimal(d.functionalTax.amount).gt(d.functionalAmount.amount)) ctx.addIssue({ code: "custom", path: ["discount", "functionalTax"], message: "the discount's tax part cannot exceed the discount" });
      if (d.onStock !== undefined || d.onLandedCost !== undefined || d.onAhead !== undefined) {
        let amount = new Decimal(0);
        let value = new Decimal(0);
        for (const [key, parts] of [["onStock", d.onStock ?? []], ["onLandedCost", d.onLandedCost ?? []], ["onAhead", d.onAhead ?? []]] as const) {
          for (const [i, part] of parts.entries()) {
            checkCurrency(ctx, payment.currency, [[["discount", key, i, "amount"], part.amount]]);
            checkCurrency(ctx, payment.functionalCurrency, [[["discount", key, i, "value"], part.value]]);
            amount = amount.plus(part.amount.amount);
            value = value.plus(part.value.amount);
          }
        }
        if (amount.gt(new Decimal(d.amount.amount).minus(d.tax.amount))) ctx.addIssue({ code: "custom", path: ["discount", "onStock"], message: "the parts on stock cannot exceed the discount net of tax" });
        if (value.gt(new Decimal(d.functionalAmount.amount).minus(d.functionalTax.amount))) ctx.addIssue({ code: "custom", path: ["discount", "onStock"], message: "the parts on stock cannot exceed the discount net of tax (functional)" });
      }
    }
    if (payment.exchangeDifference !== undefined) {
      checkCurrency(ctx, payment.functionalCurrency, [[["exchangeDifference"], payment.exchangeDifference]]);
      if (payment.currency === payment.functionalCurrency && !new Decimal(payment.exchangeDifference.amount).isZero()) {
        ctx.addIssue({ code: "custom", path: ["exchangeDifference"], message: "an exchange difference arises only for a payment in a foreign currency; leave it out" });
      }
    }
  });

/**
 * `SupplierReturned` (v1): goods went back to a supplier against a debit note. `unitPrice`
 * is the billed price (transaction currency); `net`, `tax`, `gross` the debit note.
 *
 * Posting: Dr `payables` functional.gross / Cr `input-tax` functional.tax, Cr
 * `purchase-price-difference` functional.net. Inventory reacts with `StockIssued` (source
 * `supplier-return`, counter-account `purchase-price-difference`, at layer cost); for a
 * standard-cost SKU, whose stock leaves at standard, the line's `value` less that cost is a
 * variance reversed: `StockRevalued` Dr `purchase-price-difference` / Cr
 * `purchase-price-variance` by it.
 * `grniValue` (functional, optional): the part of the goods that was received but not yet
 * billed, at what GRNI holds for it: Dr `grni` / Cr `purchase-price-difference` — with
 * inventory's issue at layer cost this reverses GRNI against Inventory, any difference
 * between the two staying in the purchase price difference. Such units carry no debit
 * note (net, tax and gross cover the billed part only, zero when nothing was billed).
 *
 * @example
 * ```ts
 * const eur = (amount: string) => ({ amount, currency: "EUR" });
 * supplierReturnedSchema.parse({
 *   returnId: "sr_1", supplierId: "sup_1", warehouseId: "wh_main", billId: "bill_1",
 *   currency: "EUR", functionalCurrency: "EUR", rate: "1",
 *   lines: [{ sku: "MUG-RED", quantity: "10", unitPrice: eur("2.6"), locationId: "wh_main/A1" }],
 *   net: eur("26"), tax: eur("4.94"), gross: eur("30.94"),
 *   functional: { net: eur("26"), tax: eur("4.94"), gross: eur("30.94") },
 * });
 * ```
 */
export const supplierReturnedSchema = refined(
  z.object({
    returnId: documentIdField,
    supplierId: supplierIdField,
    warehouseId: warehouseIdField,
    purchaseOrderId: purchaseOrderIdField.exactOptional(),
    billId: documentIdField.exactOptional(),
    currency: currencyCode,
    functionalCurrency: currencyCode,
    rate: rateString,
    lines: lineList(
      z.object({
        lineId: idString.exactOptional(),
        sku: skuField,
        quantity: positiveQuantityString,
        unitPrice: unitPriceJson,
        locationId: locationIdField.exactOptional(),
        lot: lotField.exactOptional(),
        /**
         * What the return credits to `purchase-price-difference` for this line (functional): its
         * share of functional.net, plus what GRNI held for its units not yet billed. The lines'
         * values add up to functional.net + grniValue. Absent on returns recorded before it.
         */
        value: postedAmountJson.exactOptional(),
      }),
    ),
    net: postedAmountJson,
    tax: postedAmountJson,
    gross: postedAmountJson,
    functional: taxedAmounts,
    taxLines: taxLinesField.exactOptional(),
    grniValue: postedAmountJson.exactOptional(),
  }),
  (debitNote, ctx) => {
    checkTaxedDocument(ctx, debitNote);
    if (debitNote.grniValue !== undefined) checkCurrency(ctx, debitNote.functionalCurrency, [[["grniValue"], debitNote.grniValue]]);
    checkCurrency(ctx, debitNote.functionalCurrency, debitNote.lines.flatMap((line, index) => (line.value === undefined ? [] : [[["lines", index, "value"], line.value] as const])));
    checkCurrency(ctx, debitNote.currency, debitNote.lines.map((line, index) => [["lines", index, "unitPrice"], line.unitPrice] as const));
  });

/**
 * How a landed cost is spread over the receipts it belongs to.
 *
 * @example
 * ```ts
 * landedCostBasisSchema.parse("value");
 * ```
 */
export const landedCostBasisSchema = z.enum(["quantity", "value", "weight"]);

/**
 * `LandedCostRecorded` (v1): a freight, duty or insurance bill that belongs to earlier
 * receipts. `basis` says how inventory spreads `functional.net` over the receipts' lines;
 * when purchasing already split it, `allocations` (functional, summing to
 * `functional.net`) say how much each receipt line carries and inventory uses them as
 * given.
 *
 * Posting: Dr `landed-cost-clearing` functional.net, Dr `input-tax` functional.tax / Cr
 * `payables` functional.gross. Inventory reacts with `StockRevalued` (reason
 * `landed-cost`): Dr `inventory` (part on hand), Dr `cogs` (part sold) / Cr
 * `landed-cost-clearing`. `returned` (optional) lists, per receipt line, the units already
 * sent back to the supplier: their share is Dr `purchase-price-difference` (where the
 * return's cost went), neither stock nor sold.
 *
 * @example
 * ```ts
 * const eur = (amount: string) => ({ amount, currency: "EUR" });
 * landedCostRecordedSchema.parse({
 *   landedCostId: "lc_1", supplierId: "sup_9", receiptIds: ["grn_1"], basis: "value", costType: "freight",
 *   currency: "EUR", functionalCurrency: "EUR", rate: "1",
 *   net: eur("40"), tax: eur("7.6"), gross: eur("47.6"),
 *   functional: { net: eur("40"), tax: eur("7.6"), gross: eur("47.6") },
 * });
 * ```
 */
export const landedCostRecordedSchema = refined(
  z.object({
    landedCostId: documentIdField,
    supplierId: supplierIdField,
    receiptIds: idList,
    basis: landedCostBasisSchema,
    costType: z.enum(["freight", "duty", "insurance", "other"]).exactOptional(),
    currency: currencyCode,
    functionalCurrency: currencyCode,
    rate: rateString,
    net: postedAmountJson,
    tax: postedAmountJson,
    gross: postedAmountJson,
    functional: taxedAmounts,
    allocations: lineList(
      z.object({
        receiptId: documentIdField,
        receiptLineId: idString.exactOptional(),
        sku: skuField,
        value: postedAmountJson,
      }),
    ).exactOptional(),
    /** Units of a receipt line sent back to the supplier before this cost: its share of them is a purchase price difference. */
    returned: lineList(
      z.object({
        receiptId: documentIdField,
        receiptLineId: idString.exactOptional(),
        sku: skuField,
        quantity: positiveQuantityString,
      }),
    ).exactOptional(),
    taxLines: taxLinesField.exactOptional(),
  }),
  (cost, ctx) => {
    checkTaxedDocument(ctx, cost);
    if (cost.allocations === undefined) return;
    checkCurrency(ctx, cost.functionalCurrency, cost.allocations.map((line, index) => [["allocations", index, "value"], line.value] as const));
    checkSum(ctx, ["functional", "net"], cost.functional.net, cost.allocations.map((line) => line.value), "the sum of the allocations");
    const receipts = new Set(cost.receiptIds);
    cost.allocations.forEach((line, index) => {
      if (!receipts.has(line.receiptId)) ctx.addIssue({ code: "custom", path: ["allocations", index, "receiptId"], message: `names receipt ${line.receiptId}, which is not in receiptIds` });
    });
  });

/**
 * Splits a bill line's difference from what GRNI holds (`billedValue − receivedValue`,
 * functional) into a price difference and an exchange difference (IAS 21): with
 * `receivedPrice`, the price difference is (unitPrice − receivedPrice) × quantity at the
 * bill's rate, rounded half up to the functional minor unit, and the rest is the rate's
 * doing; without it the whole difference is a price difference. Finance posts the split,
 * and inventory revalues stock by the price difference only.
 *
 * @example
 * ```ts
 * // 100 received at 2.50 USD (0.92: 230 EUR), billed at 2.50 USD at 0.93 (232.50 EUR).
 * billLineDifferences({ quantity: "100", unitPrice: { amount: "2.5", currency: "USD" }, receivedPrice: { amount: "2.5", currency: "USD" },
 *   receivedValue: { amount: "230", currency: "EUR" }, billedValue: { amount: "232.5", currency: "EUR" } }, "0.93", 2);
 * // { price: "0", exchange: "2.5" }
 * ```
 */
export function billLineDifferences(
  line: { readonly quantity: string; readonly unitPrice: { readonly amount: string }; readonly receivedPrice?: { readonly amount: string } | undefined; readonly receivedValue: { readonly amount: string }; readonly billedValue: { readonly amount: string } },
  rate: string,
  functionalDigits: number,
): { readonly price: string; readonly exchange: string } {
  const total = new Decimal(line.billedValue.amount).minus(line.receivedValue.amount);
  if (line.receivedPrice === undefined) return { price: total.toFixed(), exchange: "0" };
  const price = new Decimal(line.unitPrice.amount).minus(line.receivedPrice.amount).times(line.quantity).times(rate).toDecimalPlaces(functionalDigits, Decimal.ROUND_HALF_UP);
  return { price: price.toFixed(), exchange: total.minus(price).toFixed() };
}
