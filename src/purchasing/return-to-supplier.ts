import { z } from "zod";
import { defineCommand } from "../runner/command.js";
import { Decimal, canonicalDecimal } from "../kernel/decimal.js";
import { StorekeepError } from "../kernel/errors.js";
import { localDateSchema } from "../kernel/local-date.js";
import { positiveQuantitySchema, rateSchema } from "../kernel/bounds.js";
import { shareOf } from "./amounts.js";
import { settingsOf } from "./options.js";
import { claimDocument, priorResult, rateFor, saveOrder } from "./order-store.js";
import { type PurchaseOrderLine, loadOrder } from "./purchase-order.js";
import { idSchema, requireSupplier } from "./supplier.js";
import { functionalSide, taxDocument } from "./tax-document.js";
import { assertAllowed } from "./transitions.js";

/**
 * Returns billed goods to the supplier with a debit note (`SupplierReturned`): at the billed
 * price with its tax, Dr Payables / Cr Input tax, Cr Purchase price difference; inventory
 * issues the goods at layer cost. Only billed, not yet returned quantities go back.
 *
 * @example
 * ```ts
 * await runtime.execute(returnToSupplier, { returnId: "sr_1", purchaseOrderId: "po_1", lines: [{ lineId: "1", quantity: 5 }] });
 * ```
 */
export const returnToSupplier = defineCommand({
  name: "purchasing.returnToSupplier",
  input: z.strictObject({
    returnId: idSchema,
    purchaseOrderId: idSchema,
    date: localDateSchema.optional(),
    rate: rateSchema.transform((d) => canonicalDecimal(d)).optional(),
    lines: z.array(z.strictObject({ lineId: idSchema, quantity: positiveQuantitySchema.transform((d) => canonicalDecimal(d)), locationId: idSchema.optional(), lot: idSchema.optional() })).min(1).max(1000),
  }),
  async handle(ctx, input) {
    const prior = await priorResult(ctx.tx, "return", input.returnId, input);
    if (prior !== undefined) return { result: prior as never };
    const settings = settingsOf(ctx);
    const { order, version } = await loadOrder(ctx.tx, input.purchaseOrderId);
    assertAllowed(order.purchaseOrderId, order.status, "return");
    const supplier = await requireSupplier(ctx.tx, order.supplierId);
    const date = input.date ?? ctx.today;
    await ctx.periodLocks?.assertOpen(ctx.tx, "purchases", date);
    const byId = new Map(order.lines.map((l) => [l.lineId, l]));
    const docLines = [];
    const seen = new Set<string>();
    for (const [index, line] of input.lines.entries()) {
      const ol = byId.get(line.lineId);
      if (ol === undefined || seen.has(line.lineId)) throw new StorekeepError("VALIDATION_FAILED", `Return ${input.returnId}: ${ol === undefined ? `order ${order.purchaseOrderId} has no line ${line.lineId}` : `line ${line.lineId} appears twice`}.`, { issues: [{ path: `lines[${index}].lineId`, message: "unknown or duplicate line", code: "custom" }] });
      seen.add(line.lineId);
      // Only goods both received and billed can go back (a bill ahead of receipt has no stock).
      const returnable = Decimal.min(ol.billed, ol.received).minus(ol.returned);
      if (new Decimal(line.quantity).gt(returnable)) {
        throw new StorekeepError("VALIDATION_FAILED", `Line ${ol.lineId} (${ol.sku}): ${returnable.toString()} received, billed and not yet returned, cannot return ${line.quantity}; receive and bill the goods before returning them.`, { issues: [{ path: `lines[${index}].quantity`, message: "more than billed and not returned", code: "custom" }], returnable: canonicalDecimal(returnable) });
      }
      const net = shareOf(new Decimal(ol.billedNet).minus(ol.returnedNet), new Decimal(line.quantity), new Decimal(ol.billed).minus(ol.returned), order.currency);
      docLines.push({ ol, line, net });
    }
    const doc = taxDocument(settings, supplier, order.currency, date, docLines.map((d) => ({ id: d.ol.lineId, category: d.ol.taxCategory, amount: canonicalDecimal(d.net) })));
    const functional = ctx.config.functionalCurrency;
    const rate = await rateFor(ctx, order.currency, date, input.rate);
    const side = functionalSide(settings, doc, docLines.map((d) => d.ol.lineId), rate, order.currency, functional);
    for (const d of docLines) {
      const next: PurchaseOrderLine = { ...d.ol, returned: canonicalDecimal(new Decimal(d.ol.returned).plus(d.line.quantity)), returnedNet: canonicalDecimal(new Decimal(d.ol.returnedNet).plus(d.net)) };
      byId.set(d.ol.lineId, next);
    }
    await saveOrder(ctx.tx, { ...order, lines: order.lines.map((l) => byId.get(l.lineId)!) }, version);
    const m = (amount: string | Decimal, currency: string) => ({ amount: typeof amount === "string" ? amount : canonicalDecimal(amount), currency });
    const billId = docLines[0]!.ol.lastBillId;
    const result = { returnId: input.returnId, net: doc.net, tax: doc.tax, gross: doc.gross, currency: order.currency };
    await claimDocument(ctx.tx, "return", input.returnId, input, result);
    return {
      result,
      events: [
        {
          type: "SupplierReturned",
          aggregateType: "purchase-order",
          aggregateId: order.purchaseOrderId,
          effectiveDate: date,
          payload: {
            returnId: input.returnId,
            supplierId: order.supplierId,
            warehouseId: order.warehouseId,
            purchaseOrderId: order.purchaseOrderId,
            ...(billId !== null ? { billId } : {}),
            currency: order.currency,
            functionalCurrency: functional,
            rate,
            lines: docLines.map((d) => ({
              lineId: d.ol.lineId,
              sku: d.ol.sku,
              quantity: d.line.quantity,
              unitPrice: m(d.net.dividedBy(d.line.quantity).toDecimalPlaces(6, Decimal.ROUND_HALF_UP), order.currency),
              ...(d.line.locationId ? { locationId: d.line.locationId } : {}),
              ...(d.line.lot ? { lot: d.line.lot } : {}),
            })),
            net: m(doc.net, order.currency),
            tax: m(doc.tax, order.currency),
            gross: m(doc.gross, order.currency),
            functional: { net: m(side.net, functional), tax: m(side.tax, functional), gross: m(side.gross, functional) },
            ...(side.taxLines !== undefined ? { taxLines: side.taxLines } : {}),
          } as never,
        },
      ],
    };
  },
});
