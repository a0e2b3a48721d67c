import { defineLibraryCommand } from "../runner/library.js";
import { StorekeepError } from "../kernel/errors.js";
import { localDateSchema } from "../kernel/local-date.js";
import { saveOrder } from "./order-store.js";
import { loadOrder } from "./purchase-order.js";
import { idSchema } from "./supplier.js";
import { assertAllowed } from "./transitions.js";
import { strictInput } from "../kernel/strict-input.js";

/**
 * Sends an order to its supplier: an approved order, or a draft that needs no approval.
 * The send date starts the lead time.
 *
 * @example
 * ```ts
 * await runtime.execute(sendOrder, { purchaseOrderId: "po_1" });
 * ```
 */
export const sendOrder = defineLibraryCommand({
  name: "purchasing.sendOrder",
  input: strictInput({ purchaseOrderId: idSchema, date: localDateSchema.optional() }),
  async handle(ctx, input) {
    const { order, version } = await loadOrder(ctx.tx, input.purchaseOrderId);
    assertAllowed(order.purchaseOrderId, order.status, "send");
    if (order.status === "draft" && order.approval.required) {
      throw new StorekeepError("INVALID_TRANSITION", `Purchase order ${order.purchaseOrderId} is a draft above the approval limit: approve it before sending; allowed: change, approve, cancel.`, {
        purchaseOrderId: order.purchaseOrderId,
        status: order.status,
        action: "send",
        allowed: ["change", "approve", "cancel"],
      });
    }
    const sentDate = input.date ?? ctx.today;
    const next = { ...order, status: "sent" as const, sentDate, history: [...order.history, { at: ctx.now.toISOString(), action: "send", from: order.status, to: "sent" as const, by: null }] };
    await saveOrder(ctx.tx, next, version);
    return { result: { purchaseOrderId: order.purchaseOrderId, status: next.status, sentDate } };
  },
});
