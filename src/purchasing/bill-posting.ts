/*
 * What posting a matched (or approved) bill does, as a pure function: each bill line is
 * matched to the order line's receipts first in, first out — GRNI is cleared at what the
 * receipt booked and the rest is a price difference — and what goes beyond the receipts is
 * billed ahead (GRNI debited at the billed value, reversed by the next receipts).
 */
import { Decimal, canonicalDecimal } from "../kernel/decimal.js";
import { shareOf } from "./amounts.js";
import type { PurchasingSettings } from "./options.js";
import type { PurchaseOrderLine, PurchaseOrder, ReceiptSlice } from "./purchase-order.js";
import type { Supplier } from "./supplier.js";
import type { BillStockBasis, SupplierBill } from "./bill.js";
import { functionalSide, taxDocument } from "./tax-document.js";
import { progressStatus } from "./transitions.js";

const m = (amount: Decimal | string, currency: string) => ({ amount: typeof amount === "string" ? amount : canonicalDecimal(amount), currency });

/**
 * The order after the bill and the `SupplierBillRecorded` payload.
 *
 * @example
 * ```ts
 * const { order: next, payload } = billPosting(settings, supplier, order, bill, "1", "EUR");
 * ```
 */
export function billPosting(settings: PurchasingSettings, supplier: Supplier, order: PurchaseOrder, bill: SupplierBill, rate: string, functionalCurrency: string) {
  const currency = order.currency;
  const byId = new Map(order.lines.map((l) => [l.lineId, l]));
  const doc = taxDocument(settings, supplier, currency, bill.date, bill.lines.map((l) => ({ id: l.lineId, category: byId.get(l.lineId)!.taxCategory, quantity: l.quantity, unitPrice: l.unitPrice })));
  const side = functionalSide(settings, doc, bill.lines.map((l) => l.lineId), rate, currency, functionalCurrency);
  const eventLines: Record<string, unknown>[] = [];
  const stockBasis: BillStockBasis[] = [];
  for (const b of bill.lines) {
    const ol = byId.get(b.lineId)!;
    let qLeft = new Decimal(b.quantity);
    let fLeft = side.lineNets.get(b.lineId)!;
    // The bill line's net (transaction currency), shared over the receipts it bills as the quantity is.
    let nLeft = new Decimal(doc.lines.get(b.lineId)!.net);
    const slices: ReceiptSlice[] = [];
    let part = 0;
    for (const s of ol.receipts) {
      const unbilled = new Decimal(s.quantity).minus(s.billedQuantity);
      if (qLeft.isZero() || unbilled.lte(0)) {
        slices.push(s);
        continue;
      }
      const take = Decimal.min(qLeft, unbilled);
      const received = shareOf(new Decimal(s.value).minus(s.clearedValue), take, unbilled, functionalCurrency);
      const billed = shareOf(fLeft, take, qLeft, functionalCurrency);
      part += 1;
      // In a foreign currency the price the goods were received at splits the difference (IAS 21):
      // (billed − received price) × quantity at the bill's rate revalues stock, the rest is the rate's
      // doing on the liability and goes to exchange gain/loss.
      const receivedPrice = currency === functionalCurrency ? {} : { receivedPrice: m(s.unitPrice ?? ol.unitPrice, currency) };
      // Units of the receipt sent back before a bill are not among those billed: the price difference is theirs to share.
      const kept = new Decimal(s.quantity).minus(s.returnedQuantity ?? "0");
      const receiptQuantity = kept.eq(s.quantity) ? {} : { receiptQuantity: canonicalDecimal(kept) };
      eventLines.push({ lineId: `${ol.lineId}.${part}`, receiptId: s.receiptId, receiptLineId: ol.lineId, ...receiptQuantity, sku: ol.sku, quantity: canonicalDecimal(take), unitPrice: m(b.unitPrice, currency), ...receivedPrice, receivedValue: m(received, functionalCurrency), billedValue: m(billed, functionalCurrency) });
      stockBasis.push({ lineId: `${ol.lineId}.${part}`, sku: ol.sku, receiptId: s.receiptId, receiptLineId: ol.lineId, ...receiptQuantity, value: canonicalDecimal(billed) });
      const net = shareOf(nLeft, take, qLeft, currency);
      // The receipt's billed net is known when every unit billed so far was billed here, after it came in.
      const known = s.billedNet !== undefined || (s.billedAhead === undefined && new Decimal(s.billedQuantity).eq(s.returnedQuantity ?? "0"));
      slices.push({ ...s, billedQuantity: canonicalDecimal(new Decimal(s.billedQuantity).plus(take)), clearedValue: canonicalDecimal(new Decimal(s.clearedValue).plus(received)), ...(known ? { billedNet: canonicalDecimal(new Decimal(s.billedNet ?? "0").plus(net)) } : {}) });
      qLeft = qLeft.minus(take);
      fLeft = fLeft.minus(billed);
      nLeft = nLeft.minus(net);
    }
    let ahead = ol.ahead;
    if (qLeft.gt(0)) {
      // Billed before the goods arrived: GRNI is debited at the billed value now and
      // credited with the same value when they are received.
      part += 1;
      eventLines.push({ lineId: `${ol.lineId}.${part}`, sku: ol.sku, quantity: canonicalDecimal(qLeft), unitPrice: m(b.unitPrice, currency), receivedValue: m(fLeft, functionalCurrency), billedValue: m(fLeft, functionalCurrency) });
      stockBasis.push({ lineId: `${ol.lineId}.${part}`, sku: ol.sku, receiptId: null, receiptLineId: null, value: canonicalDecimal(fLeft) });
      // Told apart by bill when every unit awaited so far is (none awaited, or each bill's recorded).
      const known = ahead.bills !== undefined || new Decimal(ahead.quantity).isZero();
      const bills = known ? { bills: [...(ahead.bills ?? []), { billId: bill.billId, billed: canonicalDecimal(qLeft), awaited: canonicalDecimal(qLeft) }] } : {};
      ahead = { quantity: canonicalDecimal(new Decimal(ahead.quantity).plus(qLeft)), value: canonicalDecimal(new Decimal(ahead.value).plus(fLeft)), ...bills };
    }
    const next: PurchaseOrderLine = {
      ...ol,
      receipts: slices,
      ahead,
      billed: canonicalDecimal(new Decimal(ol.billed).plus(b.quantity)),
      billedNet: canonicalDecimal(new Decimal(ol.billedNet).plus(doc.lines.get(b.lineId)!.net)),
      lastBillId: bill.billId,
    };
    byId.set(ol.lineId, next);
  }
  const lines = order.lines.map((l) => byId.get(l.lineId)!);
  const status = order.status === "closed" ? order.status : progressStatus(lines);
  const payload = {
    billId: bill.billId,
    supplierId: order.supplierId,
    purchaseOrderId: order.purchaseOrderId,
    dueDate: bill.dueDate,
    currency,
    functionalCurrency,
    rate,
    lines: eventLines,
    net: m(doc.net, currency),
    tax: m(doc.tax, currency),
    gross: m(doc.gross, currency),
    functional: { net: m(side.net, functionalCurrency), tax: m(side.tax, functionalCurrency), gross: m(side.gross, functionalCurrency) },
    ...(side.taxLines !== undefined ? { taxLines: side.taxLines } : {}),
  };
  return { order: { ...order, lines, status }, payload, stockBasis, totals: { net: doc.net, tax: doc.tax, gross: doc.gross } };
}
