import { z } from "zod";
import { defineLibraryCommand } from "../runner/library.js";
import { Decimal, canonicalDecimal } from "../kernel/decimal.js";
import { StorekeepError } from "../kernel/errors.js";
import { localDateSchema } from "../kernel/local-date.js";
import { positiveQuantitySchema, rateSchema } from "../kernel/bounds.js";
import { roundMinor, shareConverted, shareOf } from "./amounts.js";
import { settingsOf } from "./options.js";
import { claimDocument, priorResult, rateFor, saveOrder } from "./order-store.js";
import { type PurchaseOrderLine, type PurchaseOrder, loadOrder } from "./purchase-order.js";
import { RECEIPTS, idSchema } from "./supplier.js";
import { assertAllowed, progressStatus } from "./transitions.js";
import { strictInput } from "../kernel/strict-input.js";

const quantityText = positiveQuantitySchema.transform((d) => canonicalDecimal(d));

export const receiveGoodsSchema = strictInput({
  receiptId: idSchema.optional(),
  purchaseOrderId: idSchema,
  date: localDateSchema.optional(),
  /** The exchange rate of a foreign-currency order (default: the rate provider's on the date). */
  rate: rateSchema.transform((d) => canonicalDecimal(d)).optional(),
  lines: z
    .array(
      strictInput({
          lineId: idSchema,
          quantity: quantityText,
          locationId: idSchema.optional(),
          lot: idSchema.optional(),
          /** The lot's expiry (recorded in the lot master for FEFO picking and recalls). */
          expiry: localDateSchema.optional(),
        })
        .refine((l) => l.expiry === undefined || l.lot !== undefined, { message: "an expiry belongs to a lot: give the lot too", path: ["expiry"] }),
    )
    .min(1)
    .max(1000),
});

/**
 * A receipt's record for lead times and the scorecard.
 *
 * @example
 * ```ts
 * const r: ReceiptRecord = { receiptId: "grn_1", purchaseOrderId: "po_1", supplierId: "sup_1", date: "2026-03-12", sentDate: "2026-03-02", lines: [] };
 * ```
 */
export type ReceiptRecord = {
  readonly receiptId: string;
  readonly purchaseOrderId: string;
  readonly supplierId: string;
  readonly date: string;
  readonly sentDate: string;
  readonly lines: readonly { readonly lineId: string; readonly sku: string; readonly quantity: string; readonly ordered: string; readonly expectedDate: string }[];
};

/**
 * Takes `quantity` units billed ahead off a line's bills ahead, oldest first: the bills left
 * (those still awaiting units) and how many each gave. Undefined both when the line does not
 * tell its bills apart.
 */
function takeAhead(bills: PurchaseOrderLine["ahead"]["bills"], quantity: Decimal): { bills: PurchaseOrderLine["ahead"]["bills"]; by: { billId: string; quantity: string }[] | undefined } {
  if (bills === undefined) return { bills: undefined, by: undefined };
  let left = quantity;
  const by: { billId: string; quantity: string }[] = [];
  const out = bills.map((b) => {
    const awaited = new Decimal(b.awaited);
    if (left.isZero() || awaited.lte(0)) return b;
    const take = Decimal.min(left, awaited);
    left = left.minus(take);
    by.push({ billId: b.billId, quantity: canonicalDecimal(take) });
    return { ...b, awaited: canonicalDecimal(awaited.minus(take)) };
  });
  return { bills: out.filter((b) => new Decimal(b.awaited).gt(0)), by };
}

/**
 * Receives goods against a sent order, partly or in full, to a location and lot: each line
 * enters stock at its cost (`GoodsReceived`; inventory books Dr Inventory / Cr GRNI) and the
 * order's buckets move. A line may be received beyond its quantity by at most the receipt
 * tolerance. Goods already billed take the billed value, so GRNI clears. A receipt dated
 * before the order was sent is taken (the goods are there) with a `warnings` entry saying so,
 * and is left out of the supplier's learned lead time.
 *
 * @example
 * ```ts
 * await runtime.execute(receiveGoods, { receiptId: "grn_1", purchaseOrderId: "po_1", lines: [{ lineId: "1", quantity: 60, locationId: "wh/A1" }] });
 * ```
 */
export const receiveGoods = defineLibraryCommand({
  name: "purchasing.receiveGoods",
  input: receiveGoodsSchema,
  async handle(ctx, input) {
    const receiptId = input.receiptId ?? ctx.ids.next("grn");
    const prior = await priorResult(ctx.tx, "receipt", receiptId, input);
    if (prior !== undefined) return { result: prior as never };
    const settings = settingsOf(ctx);
    const { order, version } = await loadOrder(ctx.tx, input.purchaseOrderId);
    assertAllowed(order.purchaseOrderId, order.status, "receive");
    const date = input.date ?? ctx.today;
    if (date > ctx.today) {
      throw new StorekeepError("VALIDATION_FAILED", `date ${date} is after today (${ctx.today}): goods are received when they arrive, so stock cannot move in the future. Record it on the day, or leave date out.`, { issues: [{ path: "date", message: "in the future", code: "custom" }] });
    }
    await ctx.periodLocks?.assertOpen(ctx.tx, "purchases", date);
    const functional = ctx.config.functionalCurrency;
    const rate = await rateFor(ctx, order.currency, date, input.rate);
    const byId = new Map(order.lines.map((l) => [l.lineId, l]));
    const seen = new Set<string>();
    const eventLines = [];
    const resultLines = [];
    // In a foreign currency the receipt's value is converted once and shared over its lines (the
    // last share takes what is left), as a bill's is: per-line roundings would add up to a value
    // the same goods billed at the same rate do not reach.
    const parts = new Map<string, Decimal>();
    if (order.currency !== functional) {
      for (const line of input.lines) {
        const ol = byId.get(line.lineId);
        if (ol === undefined || parts.has(line.lineId)) continue;
        const q = new Decimal(line.quantity);
        parts.set(line.lineId, q.minus(Decimal.min(q, new Decimal(ol.ahead.quantity))).times(ol.unitPrice));
      }
    }
    const restValues = shareConverted([...parts], new Decimal(rate), functional);
    for (const [index, line] of input.lines.entries()) {
      const ol = byId.get(line.lineId);
      if (ol === undefined) throw new StorekeepError("VALIDATION_FAILED", `Purchase order ${order.purchaseOrderId} has no line ${line.lineId}; lines: ${order.lines.map((l) => l.lineId).join(", ")}.`, { issues: [{ path: `lines[${index}].lineId`, message: "no such order line", code: "custom" }] });
      if (seen.has(line.lineId)) throw new StorekeepError("VALIDATION_FAILED", `Line ${line.lineId} appears twice in receipt ${receiptId}; receive one lot per receipt line (use another receipt for a second lot).`, { issues: [{ path: `lines[${index}].lineId`, message: "duplicate", code: "custom" }] });
      seen.add(line.lineId);
      const q = new Decimal(line.quantity);
      const receivedAfter = new Decimal(ol.received).plus(q);
      const limit = new Decimal(ol.quantity).times(settings.receiptTolerance.plus(1));
      if (receivedAfter.gt(limit)) {
        throw new StorekeepError("VALIDATION_FAILED", `Line ${ol.lineId} (${ol.sku}): receiving ${line.quantity} makes ${receivedAfter.toString()} of ${ol.quantity} ordered, beyond the receipt tolerance (at most ${limit.toString()}); receive less or change the order.`, {
          issues: [{ path: `lines[${index}].quantity`, message: "beyond the receipt tolerance", code: "custom" }],
          ordered: ol.quantity,
          received: ol.received,
          maximum: canonicalDecimal(limit),
        });
      }
      const aheadQuantity = new Decimal(ol.ahead.quantity);
      const fromAhead = Decimal.min(q, aheadQuantity);
      const aheadValue = shareOf(new Decimal(ol.ahead.value), fromAhead, aheadQuantity, functional);
      const rest = q.minus(fromAhead);
      const restValue = restValues.get(ol.lineId) ?? roundMinor(rest.times(ol.unitPrice).times(rate), functional);
      const value = aheadValue.plus(restValue);
      // The units billed ahead come off the oldest bill's first, when the line tells its bills apart.
      const { bills, by } = takeAhead(ol.ahead.bills, fromAhead);
      const awaitedAfter = aheadQuantity.minus(fromAhead);
      const next: PurchaseOrderLine = {
        ...ol,
        received: canonicalDecimal(receivedAfter),
        ahead: { quantity: canonicalDecimal(awaitedAfter), value: canonicalDecimal(new Decimal(ol.ahead.value).minus(aheadValue)), ...(bills !== undefined && awaitedAfter.gt(0) ? { bills } : {}) },
        receipts: [...ol.receipts, { receiptId, date, quantity: line.quantity, value: canonicalDecimal(value), billedQuantity: canonicalDecimal(fromAhead), clearedValue: canonicalDecimal(aheadValue), unitPrice: ol.unitPrice, ...(fromAhead.gt(0) ? { billedAhead: canonicalDecimal(fromAhead) } : {}), ...(by !== undefined && by.length > 0 ? { billedAheadBy: by } : {}), ...(line.lot ? { lot: line.lot } : {}) }],
      };
      byId.set(ol.lineId, next);
      eventLines.push({
        lineId: ol.lineId,
        sku: ol.sku,
        quantity: line.quantity,
        unitPrice: { amount: ol.unitPrice, currency: order.currency },
        receivedValue: { amount: canonicalDecimal(value), currency: functional },
        ...(line.locationId ? { locationId: line.locationId } : {}),
        ...(line.lot ? { lot: line.lot } : {}),
        ...(line.expiry ? { expiry: line.expiry } : {}),
      });
      resultLines.push({ lineId: ol.lineId, quantity: line.quantity, value: canonicalDecimal(value) });
    }
    const lines = order.lines.map((l) => byId.get(l.lineId)!);
    const status = progressStatus(lines);
    const next: PurchaseOrder = { ...order, lines, status, history: status === order.status ? order.history : [...order.history, { at: ctx.now.toISOString(), action: "receive", from: order.status, to: status, by: null }] };
    await saveOrder(ctx.tx, next, version);
    const record: ReceiptRecord = {
      receiptId,
      purchaseOrderId: order.purchaseOrderId,
      supplierId: order.supplierId,
      date,
      sentDate: order.sentDate ?? order.orderDate,
      lines: input.lines.map((l) => {
        const ol = byId.get(l.lineId)!;
        return { lineId: l.lineId, sku: ol.sku, quantity: l.quantity, ordered: ol.quantity, expectedDate: ol.expectedDate };
      }),
    };
    await ctx.tx.documents.put(RECEIPTS, receiptId, record as never, 0);
    // Goods that came before their order was sent (an urgent buy keyed in afterwards) are
    // real stock, so the receipt is taken; it is flagged, and the learned lead time leaves it out.
    const warnings = date < record.sentDate ? [`received on ${date}, before the order was ${order.sentDate !== null ? "sent" : "dated"} (${record.sentDate}): stock and GRNI are booked on ${date}, but the receipt is left out of supplier ${order.supplierId}'s learned lead time; check the receipt date if the goods came later`] : [];
    const result = { receiptId, purchaseOrderId: order.purchaseOrderId, status, rate, lines: resultLines, ...(warnings.length > 0 ? { warnings } : {}) };
    await claimDocument(ctx.tx, "receipt", receiptId, input, result);
    return {
      result,
      events: [
        {
          type: "GoodsReceived",
          aggregateType: "purchase-order",
          aggregateId: order.purchaseOrderId,
          effectiveDate: date,
          payload: { receiptId, purchaseOrderId: order.purchaseOrderId, supplierId: order.supplierId, warehouseId: order.warehouseId, currency: order.currency, functionalCurrency: functional, rate, lines: eventLines },
        },
      ],
    };
  },
});
