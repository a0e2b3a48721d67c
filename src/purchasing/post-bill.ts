/*
 * Posting a bill (new and matched, approved, or corrected): the order's buckets, the
 * bill's totals, and the SupplierBillRecorded event. Shared by the bill commands.
 */
import type { CommandContext, NewEvent } from "../runner/command.js";
import { StorekeepError } from "../kernel/errors.js";
import type { PurchasingSettings } from "./options.js";
import { billPosting } from "./bill-posting.js";
import type { SupplierBill } from "./bill.js";
import { rateFor, saveOrder } from "./order-store.js";
import type { PurchaseOrder } from "./purchase-order.js";
import { BILLS, type Supplier } from "./supplier.js";
import { taxDocument } from "./tax-document.js";
import type { MatchTolerances } from "./three-way-match.js";

/** The match tolerances of the settings. */
export function tolerancesOf(settings: PurchasingSettings): MatchTolerances {
  return { quantity: settings.quantityTolerance, price: settings.priceTolerance, receipt: settings.receiptTolerance, billBeforeReceipt: settings.billBeforeReceipt };
}

/** Checks the bill's lines name distinct lines of the order. */
export function checkBillLines(order: PurchaseOrder, lines: readonly { lineId: string }[]): void {
  const known = new Set(order.lines.map((l) => l.lineId));
  const seen = new Set<string>();
  for (const [index, l] of lines.entries()) {
    if (!known.has(l.lineId)) throw new StorekeepError("VALIDATION_FAILED", `Purchase order ${order.purchaseOrderId} has no line ${l.lineId}; lines: ${[...known].join(", ")}.`, { issues: [{ path: `lines[${index}].lineId`, message: "no such order line", code: "custom" }] });
    if (seen.has(l.lineId)) throw new StorekeepError("VALIDATION_FAILED", `Line ${l.lineId} appears twice in the bill; bill each order line once.`, { issues: [{ path: `lines[${index}].lineId`, message: "duplicate", code: "custom" }] });
    seen.add(l.lineId);
  }
}

/** Stores a held bill with its totals. */
export async function holdBill(ctx: CommandContext, settings: PurchasingSettings, supplier: Supplier, order: PurchaseOrder, bill: SupplierBill, version: number): Promise<SupplierBill> {
  const byId = new Map(order.lines.map((l) => [l.lineId, l]));
  const doc = taxDocument(settings, supplier, order.currency, bill.date, bill.lines.map((l) => ({ id: l.lineId, category: byId.get(l.lineId)!.taxCategory, quantity: l.quantity, unitPrice: l.unitPrice })));
  const held: SupplierBill = { ...bill, status: "held", net: doc.net, tax: doc.tax, gross: doc.gross };
  await ctx.tx.documents.put(BILLS, bill.billId, held as never, version);
  return held;
}

/** Posts a bill: the order's buckets, the stored bill, the event. */
export async function postBill(ctx: CommandContext, settings: PurchasingSettings, supplier: Supplier, order: PurchaseOrder, orderVersion: number, bill: SupplierBill, billVersion: number): Promise<{ bill: SupplierBill; events: NewEvent[] }> {
  await ctx.periodLocks?.assertOpen(ctx.tx, "purchases", bill.date);
  const rate = await rateFor(ctx, order.currency, bill.date, bill.rate ?? undefined);
  const posting = billPosting(settings, supplier, order, bill, rate, ctx.config.functionalCurrency);
  const history = posting.order.status === order.status ? order.history : [...order.history, { at: ctx.now.toISOString(), action: "bill", from: order.status, to: posting.order.status, by: null }];
  await saveOrder(ctx.tx, { ...posting.order, history }, orderVersion);
  const posted: SupplierBill = { ...bill, status: "posted", rate, net: posting.totals.net, tax: posting.totals.tax, gross: posting.totals.gross, stockBasis: posting.stockBasis };
  await ctx.tx.documents.put(BILLS, bill.billId, posted as never, billVersion);
  return { bill: posted, events: [{ type: "SupplierBillRecorded", aggregateType: "supplier-bill", aggregateId: bill.billId, effectiveDate: bill.date, payload: posting.payload as never }] };
}

/** What the bill commands return. */
export function billResult(bill: SupplierBill) {
  return { billId: bill.billId, status: bill.status, reasons: bill.reasons.map((r) => ({ ...r })), net: bill.net, tax: bill.tax, gross: bill.gross, currency: bill.currency, dueDate: bill.dueDate };
}
