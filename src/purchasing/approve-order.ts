import { z } from "zod";
import { defineLibraryCommand } from "../runner/library.js";
import { StorekeepError } from "../kernel/errors.js";
import { saveOrder } from "./order-store.js";
import { loadOrder } from "./purchase-order.js";
import { idSchema } from "./supplier.js";
import { assertAllowed } from "./transitions.js";
import { strictInput } from "../kernel/strict-input.js";

/**
 * Approves a draft order's current revision. An order above the approval limit needs an
 * `approver`, who is recorded.
 *
 * @example
 * ```ts
 * await runtime.execute(approveOrder, { purchaseOrderId: "po_1", approver: "ann" });
 * ```
 */
export const approveOrder = defineLibraryCommand({
  name: "purchasing.approveOrder",
  input: strictInput({ purchaseOrderId: idSchema, approver: z.string().min(1).max(200).optional() }),
  async handle(ctx, input) {
    const { order, version } = await loadOrder(ctx.tx, input.purchaseOrderId);
    assertAllowed(order.purchaseOrderId, order.status, "approve");
    if (order.approval.required && input.approver === undefined) {
      throw new StorekeepError("VALIDATION_FAILED", `Purchase order ${order.purchaseOrderId} (net ${order.net} ${order.currency}) is above the approval limit; name the approver.`, { issues: [{ path: "approver", message: "required above the approval limit", code: "custom" }] });
    }
    const at = ctx.now.toISOString();
    const next = {
      ...order,
      status: "approved" as const,
      approval: { ...order.approval, approvedBy: input.approver ?? null, approvedAt: at, revision: order.revision },
      history: [...order.history, { at, action: "approve", from: order.status, to: "approved" as const, by: input.approver ?? null }],
    };
    await saveOrder(ctx.tx, next, version);
    return { result: { purchaseOrderId: order.purchaseOrderId, status: next.status, revision: order.revision, approvedBy: input.approver ?? null } };
  },
});
