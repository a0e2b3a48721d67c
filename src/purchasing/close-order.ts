import { defineLibraryCommand } from "../runner/library.js";
import { StorekeepError } from "../kernel/errors.js";
import { Decimal } from "../kernel/decimal.js";
import { saveOrder } from "./order-store.js";
import { loadOrder } from "./purchase-order.js";
import { BILLS, idSchema } from "./supplier.js";
import { assertAllowed } from "./transitions.js";
import { strictInput } from "../kernel/strict-input.js";

/**
 * Closes an order: what was not received is no longer expected (a short close). Every
 * received unit must be billed first, and nothing may be billed ahead of receipt.
 *
 * @example
 * ```ts
 * await runtime.execute(closeOrder, { purchaseOrderId: "po_1" });
 * ```
 */
export const closeOrder = defineLibraryCommand({
  name: "purchasing.closeOrder",
  input: strictInput({ purchaseOrderId: idSchema }),
  async handle(ctx, input) {
    const { order, version } = await loadOrder(ctx.tx, input.purchaseOrderId);
    assertAllowed(order.purchaseOrderId, order.status, "close");
    // Every received unit billed, but for those returned to the supplier before a bill (no bill
    // is expected for them), and nothing billed ahead of receipt (GRNI would keep its value).
    const owedBill = (l: (typeof order.lines)[number]) => new Decimal(l.received).minus(l.returnedUnbilled ?? "0");
    const open = order.lines.filter((l) => !new Decimal(l.billed).eq(owedBill(l)) || !new Decimal(l.ahead.quantity).isZero());
    if (open.length > 0) {
      const l = open[0]!;
      const returned = new Decimal(l.returnedUnbilled ?? "0").isZero() ? "" : ` (${l.returnedUnbilled} of them returned before a bill)`;
      const ahead = new Decimal(l.ahead.quantity).isZero() ? "" : `, ${l.ahead.quantity} of it ahead of receipt`;
      throw new StorekeepError("INVALID_TRANSITION", `Purchase order ${order.purchaseOrderId} line ${l.lineId} has ${l.received} received${returned} and ${l.billed} billed${ahead}; bill (or receive) the difference before closing.`, {
        purchaseOrderId: order.purchaseOrderId,
        status: order.status,
        action: "close",
        allowed: ["bill", "receive"],
        lines: open.map((x) => x.lineId),
      });
    }
    // A bill held for this order still waits for an approver, a correction or a rejection:
    // closing first would leave it with no open order to post against.
    const held = (await ctx.tx.documents.find<{ purchaseOrderId: string | null } & { [k: string]: never }>(BILLS, { index: "bySupplier", equals: [order.supplierId, "held"], limit: 10_000 })).find((b) => (b.data as { purchaseOrderId: string | null }).purchaseOrderId === order.purchaseOrderId);
    if (held !== undefined) {
      throw new StorekeepError("INVALID_TRANSITION", `Purchase order ${order.purchaseOrderId} has bill ${held.id} held; approve it (purchasing.approveBill), correct it (purchasing.correctBill) or reject it (purchasing.rejectBill) before closing.`, {
        purchaseOrderId: order.purchaseOrderId,
        status: order.status,
        action: "close",
        billId: held.id,
        allowed: ["approveBill", "correctBill", "rejectBill"],
      });
    }
    const next = { ...order, status: "closed" as const, history: [...order.history, { at: ctx.now.toISOString(), action: "close", from: order.status, to: "closed" as const, by: null }] };
    await saveOrder(ctx.tx, next, version);
    return { result: { purchaseOrderId: order.purchaseOrderId, status: next.status } };
  },
});
