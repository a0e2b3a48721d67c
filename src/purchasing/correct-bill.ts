import { defineLibraryCommand } from "../runner/library.js";
import { StorekeepError } from "../kernel/errors.js";
import { localDateSchema } from "../kernel/local-date.js";
import { settingsOf } from "./options.js";
import { loadOrder } from "./purchase-order.js";
import { billLinesSchema, loadBill } from "./bill.js";
import { billResult, checkBillLines, holdBill, postBill, tolerancesOf } from "./post-bill.js";
import { idSchema, requireSupplier } from "./supplier.js";
import { matchBill } from "./three-way-match.js";
import { assertAllowed } from "./transitions.js";
import { strictInput } from "../kernel/strict-input.js";

/**
 * Corrects a held bill's lines (the supplier sent a corrected invoice): matched again, it
 * posts, or stays held with the new reasons.
 *
 * @example
 * ```ts
 * await runtime.execute(correctBill, { billId: "bill_1", lines: [{ lineId: "1", quantity: 60, unitPrice: "2.5" }] });
 * ```
 */
export const correctBill = defineLibraryCommand({
  name: "purchasing.correctBill",
  input: strictInput({ billId: idSchema, lines: billLinesSchema, dueDate: localDateSchema.optional() }),
  async handle(ctx, input) {
    const settings = settingsOf(ctx);
    const { bill, version: billVersion } = await loadBill(ctx.tx, input.billId);
    if (bill.status !== "held" || bill.purchaseOrderId === null) throw new StorekeepError("INVALID_TRANSITION", `Bill ${bill.billId} is ${bill.status}, not held; a posted bill is corrected by a credit from the supplier (a return or debit note).`, { billId: bill.billId, status: bill.status, allowed: [] });
    const { order, version } = await loadOrder(ctx.tx, bill.purchaseOrderId);
    assertAllowed(order.purchaseOrderId, order.status, "bill");
    checkBillLines(order, input.lines);
    const supplier = await requireSupplier(ctx.tx, order.supplierId);
    const byId = new Map(order.lines.map((l) => [l.lineId, l]));
    const reasons = matchBill(order.lines, input.lines, tolerancesOf(settings));
    const corrected = { ...bill, reasons, dueDate: input.dueDate ?? bill.dueDate, lines: input.lines.map((l) => ({ lineId: l.lineId, sku: byId.get(l.lineId)!.sku, quantity: l.quantity, unitPrice: l.unitPrice })) };
    if (reasons.length > 0) return { result: billResult(await holdBill(ctx, settings, supplier, order, corrected, billVersion)) };
    const { bill: posted, events } = await postBill(ctx, settings, supplier, order, version, corrected, billVersion);
    return { result: billResult(posted), events };
  },
});
