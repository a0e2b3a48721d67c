import { z } from "zod";
import { defineLibraryCommand } from "../runner/library.js";
import { Decimal, canonicalDecimal } from "../kernel/decimal.js";
import { StorekeepError } from "../kernel/errors.js";
import { localDateSchema } from "../kernel/local-date.js";
import { positiveQuantitySchema, rateSchema } from "../kernel/bounds.js";
import { shareOf } from "./amounts.js";
import { settingsOf } from "./options.js";
import { claimDocument, priorResult, rateFor, saveOrder } from "./order-store.js";
import { type PurchaseOrderLine, type ReceiptSlice, loadOrder } from "./purchase-order.js";
import { idSchema, requireSupplier } from "./supplier.js";
import { functionalSide, taxDocument } from "./tax-document.js";
import { assertAllowed, progressStatus } from "./transitions.js";
import { strictInput } from "../kernel/strict-input.js";

/**
 * Takes `quantity` received-but-unbilled units back from an order line's receipts, first in
 * first out: each receipt slice counts them as matched, and GRNI gives back what it holds for
 * them (the value returned, functional).
 */
function takeUnbilled(receipts: readonly ReceiptSlice[], quantity: Decimal, functionalCurrency: string, from: (s: ReceiptSlice) => boolean): { receipts: ReceiptSlice[]; value: Decimal } {
  let left = quantity;
  let value = new Decimal(0);
  const out: ReceiptSlice[] = [];
  for (const s of receipts) {
    const unbilled = new Decimal(s.quantity).minus(s.billedQuantity);
    if (left.isZero() || unbilled.lte(0) || !from(s)) {
      out.push(s);
      continue;
    }
    const take = Decimal.min(left, unbilled);
    const share = shareOf(new Decimal(s.value).minus(s.clearedValue), take, unbilled, functionalCurrency);
    out.push({ ...s, billedQuantity: canonicalDecimal(new Decimal(s.billedQuantity).plus(take)), clearedValue: canonicalDecimal(new Decimal(s.clearedValue).plus(share)), returnedQuantity: canonicalDecimal(new Decimal(s.returnedQuantity ?? "0").plus(take)) });
    value = value.plus(share);
    left = left.minus(take);
  }
  return { receipts: out, value };
}

/**
 * Lays billed units going back on the receipts `from` selects (a named lot's), first in, first
 * out over what each billed and still holds: they count as its `returnedBilled`, and their
 * share of what it was billed as its `returnedNet`. `net` is that billed net when every
 * receipt they came off knows it (else undefined: the debit note takes the line's average,
 * `average`, shared the same way). What finds no room is left to the line's first-in-first-out
 * reading (see `returnedOfReceipt`).
 */
function layBilledReturn(receipts: readonly ReceiptSlice[], quantity: Decimal, from: (s: ReceiptSlice) => boolean, currency: string, average: Decimal): { receipts: ReceiptSlice[]; net: Decimal | undefined } {
  let left = quantity;
  const takes: { index: number; take: Decimal; room: Decimal }[] = [];
  receipts.forEach((s, index) => {
    if (left.isZero() || !from(s)) return;
    const room = new Decimal(s.billedQuantity).minus(s.returnedQuantity ?? "0").minus(s.returnedBilled ?? "0");
    if (room.lte(0)) return;
    const take = Decimal.min(left, room);
    left = left.minus(take);
    takes.push({ index, take, room });
  });
  const priced = left.isZero() && takes.every(({ index }) => receipts[index]!.billedNet !== undefined && receipts[index]!.billedAhead === undefined);
  const shares = takes.map(({ index, take, room }) => {
    const s = receipts[index]!;
    return priced ? shareOf(new Decimal(s.billedNet!).minus(s.returnedNet ?? "0"), take, room, currency) : shareOf(average, take, quantity, currency);
  });
  const out = [...receipts];
  takes.forEach(({ index, take }, k) => {
    const s = out[index]!;
    out[index] = { ...s, returnedBilled: canonicalDecimal(new Decimal(s.returnedBilled ?? "0").plus(take)), ...(s.billedNet !== undefined ? { returnedNet: canonicalDecimal(new Decimal(s.returnedNet ?? "0").plus(shares[k]!)) } : {}) };
  });
  return { receipts: out, net: priced ? shares.reduce((a, x) => a.plus(x), new Decimal(0)) : undefined };
}

/**
 * Returns received goods to the supplier (`SupplierReturned`); inventory issues them at
 * layer cost. Units received but not yet billed go back first: GRNI reverses at what it
 * holds for them (Dr GRNI / Cr Inventory at layer cost, a difference to the purchase price
 * difference), the line's `returnedUnbilled` grows and a later bill is matched against what
 * was kept. Billed units go back against a debit note at the billed price with its tax: Dr
 * Payables / Cr Input tax, Cr Purchase price difference.
 *
 * @example
 * ```ts
 * await runtime.execute(returnToSupplier, { returnId: "sr_1", purchaseOrderId: "po_1", lines: [{ lineId: "1", quantity: 5 }] });
 * ```
 */
export const returnToSupplier = defineLibraryCommand({
  name: "purchasing.returnToSupplier",
  input: strictInput({
    returnId: idSchema,
    purchaseOrderId: idSchema,
    date: localDateSchema.optional(),
    rate: rateSchema.transform((d) => canonicalDecimal(d)).optional(),
    lines: z.array(strictInput({ lineId: idSchema, quantity: positiveQuantitySchema.transform((d) => canonicalDecimal(d)), locationId: idSchema.optional(), lot: idSchema.optional() })).min(1).max(1000),
  }),
  async handle(ctx, input) {
    const prior = await priorResult(ctx.tx, "return", input.returnId, input);
    if (prior !== undefined) return { result: prior as never };
    const settings = settingsOf(ctx);
    const { order, version } = await loadOrder(ctx.tx, input.purchaseOrderId);
    assertAllowed(order.purchaseOrderId, order.status, "return");
    const supplier = await requireSupplier(ctx.tx, order.supplierId);
    const date = input.date ?? ctx.today;
    if (date > ctx.today) {
      throw new StorekeepError("VALIDATION_FAILED", `date ${date} is after today (${ctx.today}): goods go back to the supplier when they leave, so stock cannot move in the future. Record it on the day, or leave date out.`, { issues: [{ path: "date", message: "in the future", code: "custom" }] });
    }
    await ctx.periodLocks?.assertOpen(ctx.tx, "purchases", date);
    const functional = ctx.config.functionalCurrency;
    const byId = new Map(order.lines.map((l) => [l.lineId, l]));
    const parts = [];
    const seen = new Set<string>();
    for (const [index, line] of input.lines.entries()) {
      const ol = byId.get(line.lineId);
      if (ol === undefined || seen.has(line.lineId)) throw new StorekeepError("VALIDATION_FAILED", `Return ${input.returnId}: ${ol === undefined ? `order ${order.purchaseOrderId} has no line ${line.lineId}` : `line ${line.lineId} appears twice`}.`, { issues: [{ path: `lines[${index}].lineId`, message: "unknown or duplicate line", code: "custom" }] });
      seen.add(line.lineId);
      const quantity = new Decimal(line.quantity);
      const returnedUnbilled = new Decimal(ol.returnedUnbilled ?? "0");
      // The units going back: of a named lot, those its receipts brought in (the lot's units are
      // billed or not as their receipt is); else any, those not yet billed first.
      const ofLot = line.lot !== undefined && ol.receipts.some((s) => s.lot === line.lot);
      const from = (s: ReceiptSlice) => !ofLot || s.lot === line.lot;
      // Received and not yet billed (nor returned): what the receipt slices still hold in GRNI.
      const unbilled = ol.receipts.filter(from).reduce((a, s) => a.plus(s.quantity).minus(s.billedQuantity), new Decimal(0));
      // Received, billed and not yet returned (a bill ahead of receipt has no stock).
      const billedReturnable = Decimal.max(0, Decimal.min(ol.billed, new Decimal(ol.received).minus(returnedUnbilled)).minus(ol.returned));
      const fromUnbilled = Decimal.min(quantity, unbilled);
      const fromBilled = quantity.minus(fromUnbilled);
      if (fromBilled.gt(billedReturnable)) {
        const returnable = unbilled.plus(billedReturnable);
        throw new StorekeepError("VALIDATION_FAILED", `Line ${ol.lineId} (${ol.sku}): ${returnable.toString()} received and not yet returned, cannot return ${line.quantity}; only goods that arrived can go back.`, { issues: [{ path: `lines[${index}].quantity`, message: "more than received and not returned", code: "custom" }], returnable: canonicalDecimal(returnable) });
      }
      const taken = takeUnbilled(ol.receipts, fromUnbilled, functional, from);
      // At the line's average billed price; billed units of a named lot at what its receipts were billed.
      let net = fromBilled.isZero() ? new Decimal(0) : shareOf(new Decimal(ol.billedNet).minus(ol.returnedNet), fromBilled, new Decimal(ol.billed).minus(ol.returned), order.currency);
      if (ofLot && fromBilled.gt(0)) {
        // On the lot's receipts, so landed costs and discounts find them there.
        const laid = layBilledReturn(taken.receipts, fromBilled, from, order.currency, net);
        taken.receipts = laid.receipts;
        if (laid.net !== undefined) net = laid.net;
      }
      parts.push({ ol, line, fromUnbilled, fromBilled, grni: taken.value, receipts: taken.receipts, net });
    }
    const billedParts = parts.filter((p) => p.fromBilled.gt(0));
    const rate = await rateFor(ctx, order.currency, date, input.rate);
    let doc = { net: "0", tax: "0", gross: "0" };
    let side: { net: Decimal | string; tax: Decimal | string; gross: Decimal | string; taxLines?: unknown[] | undefined; lineNets: ReadonlyMap<string, Decimal> } = { net: "0", tax: "0", gross: "0", lineNets: new Map() };
    if (billedParts.length > 0) {
      const taxed = taxDocument(settings, supplier, order.currency, date, billedParts.map((d) => ({ id: d.ol.lineId, category: d.ol.taxCategory, amount: canonicalDecimal(d.net) })));
      doc = taxed;
      side = functionalSide(settings, taxed, billedParts.map((d) => d.ol.lineId), rate, order.currency, functional);
    }
    const grniValue = parts.reduce((a, p) => a.plus(p.grni), new Decimal(0));
    // What each line credits to the purchase price difference: its GRNI, plus its part of the debit note's functional net.
    const lineValue = (d: { readonly ol: PurchaseOrderLine; readonly grni: Decimal }) => d.grni.plus(side.lineNets.get(d.ol.lineId) ?? 0);
    for (const p of parts) {
      const next: PurchaseOrderLine = {
        ...p.ol,
        receipts: p.receipts,
        returned: canonicalDecimal(new Decimal(p.ol.returned).plus(p.fromBilled)),
        returnedNet: canonicalDecimal(new Decimal(p.ol.returnedNet).plus(p.net)),
        returnedUnbilled: canonicalDecimal(new Decimal(p.ol.returnedUnbilled ?? "0").plus(p.fromUnbilled)),
      };
      byId.set(p.ol.lineId, next);
    }
    const lines = order.lines.map((l) => byId.get(l.lineId)!);
    // A return of unbilled goods can complete the billing of what was kept.
    const status = order.status === "closed" ? order.status : progressStatus(lines);
    await saveOrder(ctx.tx, { ...order, lines, status, history: status === order.status ? order.history : [...order.history, { at: ctx.now.toISOString(), action: "return", from: order.status, to: status, by: null }] }, version);
    const m = (amount: string | Decimal, currency: string) => ({ amount: typeof amount === "string" ? amount : canonicalDecimal(amount), currency });
    const billId = billedParts[0]?.ol.lastBillId ?? null;
    const result = { returnId: input.returnId, net: doc.net, tax: doc.tax, gross: doc.gross, currency: order.currency, grniValue: canonicalDecimal(grniValue), status };
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
            lines: parts.map((d) => ({
              lineId: d.ol.lineId,
              sku: d.ol.sku,
              quantity: d.line.quantity,
              // The billed price of the billed part; the order's price for goods not yet billed.
              unitPrice: m(d.fromBilled.gt(0) ? d.net.dividedBy(d.fromBilled).toDecimalPlaces(6, Decimal.ROUND_HALF_UP) : d.ol.unitPrice, order.currency),
              ...(d.line.locationId ? { locationId: d.line.locationId } : {}),
              ...(d.line.lot ? { lot: d.line.lot } : {}),
              value: m(lineValue(d), functional),
            })),
            net: m(doc.net, order.currency),
            tax: m(doc.tax, order.currency),
            gross: m(doc.gross, order.currency),
            functional: { net: m(side.net, functional), tax: m(side.tax, functional), gross: m(side.gross, functional) },
            ...(side.taxLines !== undefined ? { taxLines: side.taxLines } : {}),
            ...(grniValue.gt(0) ? { grniValue: m(grniValue, functional) } : {}),
          } as never,
        },
      ],
    };
  },
});
