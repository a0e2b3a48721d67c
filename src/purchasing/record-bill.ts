import { defineLibraryCommand } from "../runner/library.js";
import { checkFutureHorizon } from "../runner/config.js";
import { addDays, type LocalDate } from "../kernel/local-date.js";
import { settingsOf } from "./options.js";
import { claimDocument, priorResult } from "./order-store.js";
import { loadOrder } from "./purchase-order.js";
import { type SupplierBill, recordBillSchema } from "./bill.js";
import { billResult, checkBillLines, holdBill, postBill, tolerancesOf } from "./post-bill.js";
import { BILLS, requireSupplier } from "./supplier.js";
import { matchBill } from "./three-way-match.js";
import { assertAllowed } from "./transitions.js";
import { StorekeepError } from "../kernel/errors.js";

/**
 * Records a supplier's bill against an order with a 3-way match (order, receipts, bill):
 * quantities and prices within tolerance post at once (`SupplierBillRecorded`: GRNI cleared,
 * price differences to stock and COGS, a payable); otherwise the bill is held with its
 * reasons until approved or corrected. The same bill id again is a replay when equal and
 * DUPLICATE_DOCUMENT when not.
 *
 * @example
 * ```ts
 * const { status, reasons } = await runtime.execute(recordBill, { billId: "bill_1", purchaseOrderId: "po_1", lines: [{ lineId: "1", quantity: 60, unitPrice: "2.6" }] });
 * ```
 */
export const recordBill = defineLibraryCommand({
  name: "purchasing.recordBill",
  input: recordBillSchema,
  async handle(ctx, input) {
    const prior = await priorResult(ctx.tx, "bill", input.billId, input);
    if (prior !== undefined) return { result: prior as never };
    if (await ctx.tx.documents.get(BILLS, input.billId)) throw new StorekeepError("DUPLICATE_DOCUMENT", `Bill ${input.billId} was already recorded (as a landed cost); give the bill its own id.`, { documentType: "bill", documentId: input.billId });
    const settings = settingsOf(ctx);
    const { order, version } = await loadOrder(ctx.tx, input.purchaseOrderId);
    assertAllowed(order.purchaseOrderId, order.status, "bill");
    checkBillLines(order, input.lines);
    const supplier = await requireSupplier(ctx.tx, order.supplierId);
    const date = input.date ?? ctx.today;
    // A bill may be dated ahead (suppliers do), within the horizon other documents keep.
    checkFutureHorizon(ctx.config, ctx.today, date, "date");
    const byId = new Map(order.lines.map((l) => [l.lineId, l]));
    const reasons = matchBill(order.lines, input.lines, tolerancesOf(settings));
    const bill: SupplierBill = {
      billId: input.billId,
      kind: "bill",
      supplierId: order.supplierId,
      purchaseOrderId: order.purchaseOrderId,
      supplierReference: input.supplierReference ?? null,
      status: "held",
      reasons,
      date,
      dueDate: input.dueDate ?? addDays(date as LocalDate, supplier.paymentTerms.netDays),
      currency: order.currency,
      rate: input.rate ?? null,
      lines: input.lines.map((l) => ({ lineId: l.lineId, sku: byId.get(l.lineId)!.sku, quantity: l.quantity, unitPrice: l.unitPrice })),
      net: "0",
      tax: "0",
      gross: "0",
      paid: "0",
      approvedBy: null,
    };
    if (reasons.length > 0) {
      const held = await holdBill(ctx, settings, supplier, order, bill, 0);
      const result = billResult(held);
      await claimDocument(ctx.tx, "bill", input.billId, input, result);
      return { result };
    }
    const { bill: posted, events } = await postBill(ctx, settings, supplier, order, version, bill, 0);
    const result = billResult(posted);
    await claimDocument(ctx.tx, "bill", input.billId, input, result);
    return { result, events };
  },
});
