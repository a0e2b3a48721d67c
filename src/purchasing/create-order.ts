import { defineLibraryCommand } from "../runner/library.js";
import { StorekeepError } from "../kernel/errors.js";
import { functionalNetOf, pendingApproval } from "./approval.js";
import { settingsOf } from "./options.js";
import { priceOrderLines } from "./order-lines.js";
import { saveOrder } from "./order-store.js";
import { allocateOrderNumber } from "./order-number.js";
import { type PurchaseOrder, createOrderSchema, type orderLineInputSchema } from "./purchase-order.js";
import { ORDERS, type Supplier, requireSupplier } from "./supplier.js";
import type { PurchasingSettings } from "./options.js";
import type { CommandContext } from "../runner/command.js";
import type { z } from "zod";

/**
 * Creates a draft purchase order: lines priced from the supplier's price list (the break
 * that applies) unless a price is given, checked against MOQ and pack multiples, taxed
 * through finance, dated by the lead time. Whether it needs an approver follows from its
 * functional net and the approval limit.
 *
 * @example
 * ```ts
 * const { purchaseOrderId } = await runtime.execute(createOrder, { supplierId: "sup_1", warehouseId: "wh", lines: [{ sku: "MUG", quantity: 100 }] });
 * ```
 */
export const createOrder = defineLibraryCommand({
  name: "purchasing.createOrder",
  input: createOrderSchema,
  async handle(ctx, input) {
    const settings = settingsOf(ctx);
    const purchaseOrderId = input.purchaseOrderId ?? ctx.ids.next("po");
    if (await ctx.tx.documents.get(ORDERS, purchaseOrderId)) throw new StorekeepError("ALREADY_EXISTS", `Purchase order ${purchaseOrderId} already exists; change it with purchasing.changeOrder.`, { purchaseOrderId });
    const supplier = await requireSupplier(ctx.tx, input.supplierId);
    const { order, number } = await createDraftOrder(ctx, settings, supplier, { purchaseOrderId, warehouseId: input.warehouseId, orderDate: input.orderDate ?? ctx.today, lines: input.lines });
    return { result: { purchaseOrderId, number, status: order.status, net: order.net, tax: order.tax, gross: order.gross, approvalRequired: order.approval.required } };
  },
});

/**
 * A new draft order, numbered, priced, dated and checked for approval, written with its
 * incoming rows (by `createOrder` and by drafts made from suggestions).
 */
export async function createDraftOrder(
  ctx: CommandContext,
  settings: PurchasingSettings,
  supplier: Supplier,
  draft: { purchaseOrderId: string; warehouseId: string; orderDate: string; lines: readonly z.output<typeof orderLineInputSchema>[] },
): Promise<{ order: PurchaseOrder; number: string | null }> {
  const { purchaseOrderId, orderDate } = draft;
  const catalog = settings.functions?.catalog;
  if (catalog !== undefined && !(await catalog.warehouseExists(ctx.tx, draft.warehouseId))) {
    throw new StorekeepError("NOT_FOUND", `Unknown warehouse "${draft.warehouseId}"; define it first (inventory.defineWarehouse).`, { warehouseId: draft.warehouseId, path: "warehouseId" });
  }
  const number = await allocateOrderNumber(ctx, settings, orderDate);
  const priced = await priceOrderLines(ctx.tx, settings, supplier, orderDate, draft.lines);
  const functionalNet = await functionalNetOf(ctx, supplier.currency, priced.net, orderDate);
  const order: PurchaseOrder = {
    purchaseOrderId,
    number,
    supplierId: supplier.supplierId,
    warehouseId: draft.warehouseId,
    currency: supplier.currency,
    status: "draft",
    orderDate,
    sentDate: null,
    expectedDate: priced.expectedDate,
    revision: 1,
    approval: pendingApproval(settings, functionalNet),
    lines: priced.lines,
    net: priced.net,
    tax: priced.tax,
    gross: priced.gross,
    functionalNet,
    history: [{ at: ctx.now.toISOString(), action: "create", from: null, to: "draft", by: null }],
  };
  await saveOrder(ctx.tx, order, 0);
  return { order, number };
}
