import { z } from "zod";
import { defineCommand } from "../runner/command.js";
import { StorekeepError } from "../kernel/errors.js";
import { settingsOf } from "./options.js";
import { loadOrder } from "./purchase-order.js";
import { loadBill } from "./bill.js";
import { billResult, postBill } from "./post-bill.js";
import { idSchema, requireSupplier } from "./supplier.js";
import { assertAllowed } from "./transitions.js";

/**
 * Approves a held bill as it is (the approver accepts the mismatch) and posts it.
 *
 * @example
 * ```ts
 * await runtime.execute(approveBill, { billId: "bill_1", approver: "ann" });
 * ```
 */
export const approveBill = defineCommand({
  name: "purchasing.approveBill",
  input: z.strictObject({ billId: idSchema, approver: z.string().min(1).max(200) }),
  async handle(ctx, input) {
    const { bill, version: billVersion } = await loadBill(ctx.tx, input.billId);
    if (bill.status !== "held" || bill.purchaseOrderId === null) throw new StorekeepError("INVALID_TRANSITION", `Bill ${bill.billId} is ${bill.status}, not held; only a held bill is approved.`, { billId: bill.billId, status: bill.status, allowed: [] });
    const { order, version } = await loadOrder(ctx.tx, bill.purchaseOrderId);
    assertAllowed(order.purchaseOrderId, order.status, "bill");
    const supplier = await requireSupplier(ctx.tx, order.supplierId);
    const { bill: posted, events } = await postBill(ctx, settingsOf(ctx), supplier, order, version, { ...bill, approvedBy: input.approver }, billVersion);
    return { result: { ...billResult(posted), approvedBy: input.approver }, events };
  },
});
