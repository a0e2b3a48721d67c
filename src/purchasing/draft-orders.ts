import { z } from "zod";
import { defineCommand } from "../runner/command.js";
import { Decimal, canonicalDecimal } from "../kernel/decimal.js";
import { StorekeepError } from "../kernel/errors.js";
import { localDateSchema } from "../kernel/local-date.js";
import { positiveQuantitySchema } from "../kernel/bounds.js";
import { functionalNetOf, pendingApproval } from "./approval.js";
import { settingsOf } from "./options.js";
import { priceOrderLines } from "./order-lines.js";
import { saveOrder } from "./order-store.js";
import { roundToOrderQuantity } from "./pricing.js";
import type { PurchaseOrder } from "./purchase-order.js";
import { idSchema, requireSupplier, supplierItem } from "./supplier.js";

/**
 * Turns replenishment's draft purchase order proposals (`replenishmentSuggestions(...).purchaseOrders`)
 * into draft purchase orders: each quantity raised to the supplier's minimum and rounded up
 * to whole packs, then priced from the price list's break for the rounded quantity. Returns
 * the orders and every quantity it changed.
 *
 * @example
 * ```ts
 * const { purchaseOrders } = replenishmentSuggestions(input);
 * await runtime.execute(draftOrdersFromSuggestions, { proposals: purchaseOrders });
 * ```
 */
export const draftOrdersFromSuggestions = defineCommand({
  name: "purchasing.draftOrdersFromSuggestions",
  input: z.object({
    proposals: z
      .array(
        z.object({
          supplier: idSchema,
          warehouse: idSchema,
          lines: z.array(z.object({ sku: idSchema, quantity: positiveQuantitySchema.transform((d) => canonicalDecimal(d)) })).min(1).max(1000).readonly(),
        }),
      )
      .max(1000)
      .readonly(),
    orderDate: localDateSchema.optional(),
  }),
  async handle(ctx, input) {
    const settings = settingsOf(ctx);
    const orderDate = input.orderDate ?? ctx.today;
    const created = [];
    for (const proposal of input.proposals) {
      const supplier = await requireSupplier(ctx.tx, proposal.supplier);
      const lines = [];
      const adjustments = [];
      const bySku = new Map<string, Decimal>();
      for (const l of proposal.lines) bySku.set(l.sku, (bySku.get(l.sku) ?? new Decimal(0)).plus(l.quantity));
      for (const [sku, suggested] of bySku) {
        const item = await supplierItem(ctx.tx, supplier.supplierId, sku);
        const quantity = item === undefined ? suggested : roundToOrderQuantity(item, suggested);
        if (!quantity.eq(suggested)) adjustments.push({ sku, suggested: canonicalDecimal(suggested), ordered: canonicalDecimal(quantity), reason: `minimum ${item?.minimumOrderQuantity ?? "none"}, pack ${item?.packMultiple ?? "none"}` });
        lines.push({ lineId: String(lines.length + 1), sku, quantity: canonicalDecimal(quantity) });
      }
      const purchaseOrderId = ctx.ids.next("po");
      if (lines.length === 0) throw new StorekeepError("VALIDATION_FAILED", "A proposal has no lines.", { issues: [{ path: "proposals", message: "no lines", code: "custom" }] });
      const priced = await priceOrderLines(ctx.tx, settings, supplier, orderDate, lines);
      const functionalNet = await functionalNetOf(ctx, supplier.currency, priced.net, orderDate);
      const order: PurchaseOrder = {
        purchaseOrderId,
        supplierId: supplier.supplierId,
        warehouseId: proposal.warehouse,
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
      created.push({ purchaseOrderId, supplierId: supplier.supplierId, warehouseId: proposal.warehouse, net: order.net, gross: order.gross, lines: order.lines.map((l) => ({ sku: l.sku, quantity: l.quantity, unitPrice: l.unitPrice })), adjustments });
    }
    return { result: { orders: created } };
  },
});
