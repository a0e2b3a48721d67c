import { z } from "zod";
import { defineLibraryCommand } from "../runner/library.js";
import { StorekeepError } from "../kernel/errors.js";
import { type SupplierBill, loadBill } from "./bill.js";
import { BILLS, idSchema } from "./supplier.js";
import { strictInput } from "../kernel/strict-input.js";

/**
 * Rejects a held bill (the supplier's invoice is wrong and will not be corrected: it bills
 * units sent back, or a price never agreed). Nothing was posted for it and nothing is: it
 * leaves the held bills, its order can close, and its id stays taken (the supplier sends a new
 * bill with a new id). A posted bill is not rejected: a credit from the supplier corrects it.
 *
 * @example
 * ```ts
 * await runtime.execute(rejectBill, { billId: "bill_1", reason: "bills the 3 units we sent back" });
 * ```
 */
export const rejectBill = defineLibraryCommand({
  name: "purchasing.rejectBill",
  input: strictInput({ billId: idSchema, reason: z.string().min(1).max(500) }),
  async handle(ctx, input) {
    const { bill, version } = await loadBill(ctx.tx, input.billId);
    if (bill.status === "rejected") return { result: { billId: bill.billId, status: bill.status, reason: bill.rejectedFor ?? input.reason } };
    if (bill.status !== "held") {
      throw new StorekeepError("INVALID_TRANSITION", `Bill ${bill.billId} is ${bill.status}, not held; a posted bill is corrected by a credit from the supplier (a return or debit note), not rejected.`, { billId: bill.billId, status: bill.status, allowed: [] });
    }
    const next: SupplierBill = { ...bill, status: "rejected", rejectedFor: input.reason };
    await ctx.tx.documents.put(BILLS, bill.billId, next as never, version);
    return { result: { billId: bill.billId, status: next.status, reason: input.reason } };
  },
});
