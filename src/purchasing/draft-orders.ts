import { z } from "zod";
import { defineLibraryCommand } from "../runner/library.js";
import { Decimal, canonicalDecimal } from "../kernel/decimal.js";
import { StorekeepError } from "../kernel/errors.js";
import { localDateSchema } from "../kernel/local-date.js";
import { positiveQuantitySchema } from "../kernel/bounds.js";
import { functionalNetOf, pendingApproval } from "./approval.js";
import { createDraftOrder } from "./create-order.js";
import { settingsOf } from "./options.js";
import { priceOrderLines } from "./order-lines.js";
import { saveOrder } from "./order-store.js";
import { roundToOrderQuantity } from "./pricing.js";
import type { PurchaseOrder } from "./purchase-order.js";
import { CLAIMS, ORDERS, idSchema, requireSupplier, supplierItems } from "./supplier.js";

/** Where the standing replenishment draft of a supplier and warehouse is recorded (in purchasing's document claims). */
const standingDraftKey = (supplierId: string, warehouseId: string): string => `replenishment-draft:${supplierId}|${warehouseId}`;

/**
 * Turns replenishment's draft purchase order proposals (`replenishmentSuggestions(...).purchaseOrders`)
 * into draft purchase orders: each quantity raised to the supplier's minimum and rounded up
 * to whole packs, then priced from the price list's break for the rounded quantity. Returns
 * the orders and every quantity it changed.
 *
 * With `reuseDrafts: true` (what `sk.replenishment.draftOrders` uses) there is one standing
 * draft per supplier and warehouse: while it is still a draft, a proposal with the same
 * lines leaves it `unchanged`, other lines `updated` it (a new revision), so running twice
 * on the same day, or the next day with the same need, creates nothing new. Once the buyer
 * approves, sends or cancels it, the next proposal starts a new draft (`created`); approved
 * and sent orders are already counted as on order by the suggestions.
 *
 * @example
 * ```ts
 * const { purchaseOrders } = replenishmentSuggestions(input);
 * await runtime.execute(draftOrdersFromSuggestions, { proposals: purchaseOrders, reuseDrafts: true });
 * ```
 */
export const draftOrdersFromSuggestions = defineLibraryCommand({
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
    reuseDrafts: z.boolean().optional(),
  }),
  async handle(ctx, input) {
    const settings = settingsOf(ctx);
    const orderDate = input.orderDate ?? ctx.today;
    const created = [];
    const seen = new Set<string>();
    for (const proposal of input.proposals) {
      const supplier = await requireSupplier(ctx.tx, proposal.supplier);
      const pair = `${supplier.supplierId}|${proposal.warehouse}`;
      if (input.reuseDrafts === true && seen.has(pair)) {
        throw new StorekeepError("VALIDATION_FAILED", `Two proposals for supplier ${supplier.supplierId} and warehouse ${proposal.warehouse}: merge them into one (one standing draft each).`, { issues: [{ path: "proposals", message: "duplicate supplier and warehouse", code: "custom" }] });
      }
      seen.add(pair);
      const lines = [];
      const adjustments = [];
      const bySku = new Map<string, Decimal>();
      for (const l of proposal.lines) bySku.set(l.sku, (bySku.get(l.sku) ?? new Decimal(0)).plus(l.quantity));
      // The proposal's supplier items in one read, not one per line.
      const items = await supplierItems(ctx.tx, supplier.supplierId, [...bySku.keys()]);
      for (const [sku, suggested] of [...bySku].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) {
        const item = items.get(sku);
        const quantity = item === undefined ? suggested : roundToOrderQuantity(item, suggested);
        if (!quantity.eq(suggested)) adjustments.push({ sku, suggested: canonicalDecimal(suggested), ordered: canonicalDecimal(quantity), reason: `minimum ${item?.minimumOrderQuantity ?? "none"}, pack ${item?.packMultiple ?? "none"}` });
        lines.push({ lineId: String(lines.length + 1), sku, quantity: canonicalDecimal(quantity) });
      }
      if (lines.length === 0) throw new StorekeepError("VALIDATION_FAILED", "A proposal has no lines.", { issues: [{ path: "proposals", message: "no lines", code: "custom" }] });
      const standing = input.reuseDrafts === true ? await ctx.tx.documents.get<{ purchaseOrderId: string }>(CLAIMS, standingDraftKey(supplier.supplierId, proposal.warehouse)) : undefined;
      const existing = standing === undefined ? undefined : await ctx.tx.documents.getForUpdate<PurchaseOrder>(ORDERS, standing.data.purchaseOrderId);
      if (existing !== undefined && existing.data.status === "draft") {
        const before = existing.data;
        const same = before.lines.length === lines.length && lines.every((l, i) => before.lines[i]!.sku === l.sku && new Decimal(before.lines[i]!.quantity).eq(l.quantity));
        if (!same) {
          const priced = await priceOrderLines(ctx.tx, settings, supplier, before.orderDate, lines);
          const functionalNet = await functionalNetOf(ctx, before.currency, priced.net, before.orderDate);
          const next: PurchaseOrder = {
            ...before,
            revision: before.revision + 1,
            approval: pendingApproval(settings, functionalNet),
            lines: priced.lines,
            expectedDate: priced.expectedDate,
            net: priced.net,
            tax: priced.tax,
            gross: priced.gross,
            functionalNet,
            history: [...before.history, { at: ctx.now.toISOString(), action: "change", from: "draft", to: "draft", by: null }],
          };
          await saveOrder(ctx.tx, next, existing.version);
        }
        const order = (await ctx.tx.documents.get<PurchaseOrder>(ORDERS, before.purchaseOrderId))!.data;
        created.push({ purchaseOrderId: order.purchaseOrderId, number: order.number ?? null, outcome: same ? ("unchanged" as const) : ("updated" as const), supplierId: supplier.supplierId, warehouseId: proposal.warehouse, net: order.net, gross: order.gross, lines: order.lines.map((l) => ({ sku: l.sku, quantity: l.quantity, unitPrice: l.unitPrice })), adjustments });
        continue;
      }
      const purchaseOrderId = ctx.ids.next("po");
      const { order, number } = await createDraftOrder(ctx, settings, supplier, { purchaseOrderId, warehouseId: proposal.warehouse, orderDate, lines });
      if (input.reuseDrafts === true) await ctx.tx.documents.put(CLAIMS, standingDraftKey(supplier.supplierId, proposal.warehouse), { purchaseOrderId }, standing?.version ?? 0);
      created.push({ purchaseOrderId, number, outcome: "created" as const, supplierId: supplier.supplierId, warehouseId: proposal.warehouse, net: order.net, gross: order.gross, lines: order.lines.map((l) => ({ sku: l.sku, quantity: l.quantity, unitPrice: l.unitPrice })), adjustments });
    }
    return { result: { orders: created } };
  },
});
