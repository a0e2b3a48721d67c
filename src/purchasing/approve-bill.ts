import { z } from "zod";
import { defineLibraryCommand } from "../runner/library.js";
import { StorekeepError } from "../kernel/errors.js";
import { settingsOf } from "./options.js";
import { loadOrder } from "./purchase-order.js";
import { loadBill } from "./bill.js";
import { billResult, holdBill, postBill, tolerancesOf } from "./post-bill.js";
import { matchBill } from "./three-way-match.js";
import { idSchema, requireSupplier } from "./supplier.js";
import { assertAllowed } from "./transitions.js";
import { strictInput } from "../kernel/strict-input.js";

/**
 * Approves a held bill as it is (the approver accepts the mismatch) and posts it. The bill
 * is matched again first: when receipts, returns or other bills changed the match since it
 * was held so that it now has a reason the approver has not seen (a price-held bill whose
 * quantity is no longer covered by what was received, say), it stays held with its current
 * reasons (`status: "held"`) and posts nothing: approve again to accept them. With `reasons`
 * (the held bill's reasons as the approver saw them, `lineId` and `kind`) only those are
 * accepted: a reason the bill holds beyond them keeps it held the same way, so an approval
 * submitted twice (a double click, a retried request) cannot accept a reason the first one
 * found and nobody saw.
 *
 * @example
 * ```ts
 * await runtime.execute(approveBill, { billId: "bill_1", approver: "ann", reasons: [{ lineId: "1", kind: "price" }] });
 * ```
 */
export const approveBill = defineLibraryCommand({
  name: "purchasing.approveBill",
  input: strictInput({
    billId: idSchema,
    approver: z.string().min(1).max(200),
    reasons: z.array(strictInput({ lineId: z.string().min(1).max(200), kind: z.enum(["quantity", "not-received", "over-ordered", "price"]), message: z.string().max(2000).optional() })).max(1000).readonly().optional(),
  }),
  async handle(ctx, input) {
    const { bill, version: billVersion } = await loadBill(ctx.tx, input.billId);
    if (bill.status !== "held" || bill.purchaseOrderId === null) throw new StorekeepError("INVALID_TRANSITION", `Bill ${bill.billId} is ${bill.status}, not held; only a held bill is approved.`, { billId: bill.billId, status: bill.status, allowed: [] });
    const { order, version } = await loadOrder(ctx.tx, bill.purchaseOrderId);
    assertAllowed(order.purchaseOrderId, order.status, "bill");
    const supplier = await requireSupplier(ctx.tx, order.supplierId);
    const settings = settingsOf(ctx);
    const now = matchBill(order.lines, bill.lines, tolerancesOf(settings));
    const seen = new Set((input.reasons ?? bill.reasons).map((r) => `${r.lineId}|${r.kind}`));
    if (now.some((r) => !seen.has(`${r.lineId}|${r.kind}`))) {
      const held = await holdBill(ctx, settings, supplier, order, { ...bill, reasons: now }, billVersion);
      return { result: { ...billResult(held), approvedBy: null as string | null }, events: [] };
    }
    const { bill: posted, events } = await postBill(ctx, settings, supplier, order, version, { ...bill, approvedBy: input.approver }, billVersion);
    return { result: { ...billResult(posted), approvedBy: input.approver as string | null }, events };
  },
});
