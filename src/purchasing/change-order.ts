import { defineLibraryCommand } from "../runner/library.js";
import { functionalNetOf, pendingApproval } from "./approval.js";
import { settingsOf } from "./options.js";
import { priceOrderLines } from "./order-lines.js";
import { saveOrder } from "./order-store.js";
import { type PurchaseOrder, changeOrderSchema, loadOrder } from "./purchase-order.js";
import { requireSupplier } from "./supplier.js";
import { assertAllowed } from "./transitions.js";

/**
 * Replaces a draft or approved order's lines (repriced); a changed approved order goes back
 * to draft and must be approved again (a new revision).
 *
 * @example
 * ```ts
 * await runtime.execute(changeOrder, { purchaseOrderId: "po_1", lines: [{ sku: "MUG", quantity: 120 }] });
 * ```
 */
export const changeOrder = defineLibraryCommand({
  name: "purchasing.changeOrder",
  input: changeOrderSchema,
  async handle(ctx, input) {
    const settings = settingsOf(ctx);
    const { order, version } = await loadOrder(ctx.tx, input.purchaseOrderId);
    assertAllowed(order.purchaseOrderId, order.status, "change");
    const supplier = await requireSupplier(ctx.tx, order.supplierId);
    const priced = await priceOrderLines(ctx.tx, settings, supplier, order.orderDate, input.lines, order.lines);
    const functionalNet = await functionalNetOf(ctx, order.currency, priced.net, order.orderDate);
    const next: PurchaseOrder = {
      ...order,
      warehouseId: input.warehouseId ?? order.warehouseId,
      status: "draft",
      revision: order.revision + 1,
      approval: pendingApproval(settings, functionalNet),
      lines: priced.lines,
      expectedDate: priced.expectedDate,
      net: priced.net,
      tax: priced.tax,
      gross: priced.gross,
      functionalNet,
      history: [...order.history, { at: ctx.now.toISOString(), action: "change", from: order.status, to: "draft", by: null }],
    };
    await saveOrder(ctx.tx, next, version);
    return { result: { purchaseOrderId: order.purchaseOrderId, status: next.status, revision: next.revision, net: next.net, tax: next.tax, gross: next.gross, approvalRequired: next.approval.required } };
  },
});
