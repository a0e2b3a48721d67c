import { z } from "zod";
import { defineLibraryCommand } from "../runner/library.js";
import { StorekeepError } from "../kernel/errors.js";
import { Decimal } from "../kernel/decimal.js";
import { saveOrder } from "./order-store.js";
import { loadOrder } from "./purchase-order.js";
import { idSchema } from "./supplier.js";
import { assertAllowed } from "./transitions.js";
import { strictInput } from "../kernel/strict-input.js";

/**
 * Cancels an order nothing was received or billed against; its incoming quantities go.
 *
 * @example
 * ```ts
 * await runtime.execute(cancelOrder, { purchaseOrderId: "po_1", reason: "supplier out of stock" });
 * ```
 */
export const cancelOrder = defineLibraryCommand({
  name: "purchasing.cancelOrder",
  input: strictInput({ purchaseOrderId: idSchema, reason: z.string().max(400).optional() }),
  async handle(ctx, input) {
    const { order, version } = await loadOrder(ctx.tx, input.purchaseOrderId);
    assertAllowed(order.purchaseOrderId, order.status, "cancel");
    if (order.lines.some((l) => !new Decimal(l.billed).isZero())) {
      throw new StorekeepError("INVALID_TRANSITION", `Purchase order ${order.purchaseOrderId} has bills posted against it; close it instead of cancelling.`, { purchaseOrderId: order.purchaseOrderId, status: order.status, action: "cancel", allowed: ["close"] });
    }
    const next = { ...order, status: "cancelled" as const, history: [...order.history, { at: ctx.now.toISOString(), action: "cancel", from: order.status, to: "cancelled" as const, by: null }] };
    await saveOrder(ctx.tx, next, version);
    return { result: { purchaseOrderId: order.purchaseOrderId, status: next.status } };
  },
});
