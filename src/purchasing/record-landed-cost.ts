import { z } from "zod";
import { defineLibraryCommand } from "../runner/library.js";
import { checkFutureHorizon } from "../runner/config.js";
import { Decimal, canonicalDecimal } from "../kernel/decimal.js";
import { StorekeepError } from "../kernel/errors.js";
import { addDays, localDateSchema, type LocalDate } from "../kernel/local-date.js";
import { nonNegativeAmountSchema, rateSchema } from "../kernel/bounds.js";
import { settingsOf } from "./options.js";
import { claimDocument, priorResult, rateFor } from "./order-store.js";
import type { SupplierBill } from "./bill.js";
import { type PurchaseOrder, loadOrder } from "./purchase-order.js";
import type { ReceiptRecord } from "./receive-goods.js";
import { BILLS, RECEIPTS, idSchema, requireSupplier } from "./supplier.js";
import { functionalSide, taxDocument } from "./tax-document.js";
import { strictInput } from "../kernel/strict-input.js";

/**
 * Units of each line of `receiptId` sent back to the supplier: those returned before a bill
 * (the receipt counts them), those of debit notes that named the receipt's lot (`returnedBilled`),
 * then the line's other billed returns (debit notes), which name no receipt, laid on its
 * receipts first in, first out over what each had billed and kept.
 *
 * @example
 * ```ts
 * returnedOfReceipt(order, "grn_1"); // [{ receiptId: "grn_1", receiptLineId: "1", sku: "MUG", quantity: "4" }]
 * ```
 */
export function returnedOfReceipt(order: PurchaseOrder, receiptId: string): { receiptId: string; receiptLineId: string; sku: string; quantity: string }[] {
  const out: { receiptId: string; receiptLineId: string; sku: string; quantity: string }[] = [];
  for (const line of order.lines) {
    let billedLeft = line.receipts.reduce((a, s) => a.minus(s.returnedBilled ?? "0"), new Decimal(line.returned));
    for (const s of line.receipts) {
      const unbilled = new Decimal(s.returnedQuantity ?? "0");
      const named = new Decimal(s.returnedBilled ?? "0");
      const billedKept = Decimal.max(0, new Decimal(s.billedQuantity).minus(unbilled).minus(named));
      const fromBilled = Decimal.min(billedLeft, billedKept);
      billedLeft = billedLeft.minus(fromBilled);
      const returned = unbilled.plus(named).plus(fromBilled);
      if (s.receiptId === receiptId && returned.gt(0)) out.push({ receiptId, receiptLineId: line.lineId, sku: line.sku, quantity: canonicalDecimal(returned) });
    }
  }
  return out;
}

/**
 * Records a freight, duty or insurance bill that belongs to one or several receipts
 * (`LandedCostRecorded`): inventory spreads its net over the receipts' lines by quantity,
 * value or weight (stock on hand and COGS for what was sold, the purchase price difference
 * for units already sent back to the supplier); the bill is a payable that `paySupplier`
 * pays like any other.
 *
 * @example
 * ```ts
 * await runtime.execute(recordLandedCost, { landedCostId: "lc_1", supplierId: "sup_freight", receiptIds: ["grn_1"], basis: "value", costType: "freight", net: "40" });
 * ```
 */
export const recordLandedCost = defineLibraryCommand({
  name: "purchasing.recordLandedCost",
  input: strictInput({
    landedCostId: idSchema,
    supplierId: idSchema,
    receiptIds: z.array(idSchema).min(1).max(1000),
    basis: z.enum(["quantity", "value", "weight"]),
    costType: z.enum(["freight", "duty", "insurance", "other"]).optional(),
    net: nonNegativeAmountSchema.transform((d) => canonicalDecimal(d)),
    taxCategory: z.string().min(1).max(100).optional(),
    date: localDateSchema.optional(),
    dueDate: localDateSchema.optional(),
    rate: rateSchema.transform((d) => canonicalDecimal(d)).optional(),
  }),
  async handle(ctx, input) {
    const prior = await priorResult(ctx.tx, "landed-cost", input.landedCostId, input);
    if (prior !== undefined) return { result: prior as never };
    if (await ctx.tx.documents.get(BILLS, input.landedCostId)) throw new StorekeepError("DUPLICATE_DOCUMENT", `Document ${input.landedCostId} is already a bill; give the landed cost its own id.`, { documentType: "landed-cost", documentId: input.landedCostId });
    const settings = settingsOf(ctx);
    const supplier = await requireSupplier(ctx.tx, input.supplierId);
    const returned: ReturnType<typeof returnedOfReceipt> = [];
    const orders = new Map<string, PurchaseOrder>();
    for (const receiptId of input.receiptIds) {
      const receipt = await ctx.tx.documents.get<ReceiptRecord>(RECEIPTS, receiptId);
      if (!receipt) throw new StorekeepError("NOT_FOUND", `Receipt ${receiptId} does not exist; landed costs belong to receipts made with purchasing.receiveGoods.`, { receiptId });
      // What already went back to the supplier is not stock nor sold: inventory books its share apart.
      const purchaseOrderId = receipt.data.purchaseOrderId;
      let order = orders.get(purchaseOrderId);
      if (order === undefined) {
        order = (await loadOrder(ctx.tx, purchaseOrderId)).order;
        orders.set(purchaseOrderId, order);
      }
      returned.push(...returnedOfReceipt(order, receiptId));
    }
    const date = input.date ?? ctx.today;
    checkFutureHorizon(ctx.config, ctx.today, date, "date");
    await ctx.periodLocks?.assertOpen(ctx.tx, "purchases", date);
    const currency = supplier.currency;
    const functional = ctx.config.functionalCurrency;
    const rate = await rateFor(ctx, currency, date, input.rate);
    const doc = taxDocument(settings, supplier, currency, date, [{ id: "1", category: input.taxCategory ?? settings.defaultTaxCategory, amount: input.net }]);
    const side = functionalSide(settings, doc, ["1"], rate, currency, functional);
    const dueDate = input.dueDate ?? addDays(date as LocalDate, supplier.paymentTerms.netDays);
    const bill: SupplierBill = { billId: input.landedCostId, kind: "landed-cost", supplierId: supplier.supplierId, purchaseOrderId: null, supplierReference: null, status: "posted", reasons: [], date, dueDate, currency, rate, lines: [], net: doc.net, tax: doc.tax, gross: doc.gross, paid: "0", approvedBy: null };
    await ctx.tx.documents.put(BILLS, input.landedCostId, bill as never, 0);
    const m = (amount: string, c: string) => ({ amount, currency: c });
    const result = { landedCostId: input.landedCostId, net: doc.net, tax: doc.tax, gross: doc.gross, currency, functionalNet: canonicalDecimal(side.net) };
    await claimDocument(ctx.tx, "landed-cost", input.landedCostId, input, result);
    return {
      result,
      events: [
        {
          type: "LandedCostRecorded",
          aggregateType: "supplier-bill",
          aggregateId: input.landedCostId,
          effectiveDate: date,
          payload: {
            landedCostId: input.landedCostId,
            supplierId: supplier.supplierId,
            receiptIds: input.receiptIds,
            basis: input.basis,
            ...(input.costType ? { costType: input.costType } : {}),
            currency,
            functionalCurrency: functional,
            rate,
            net: m(doc.net, currency),
            tax: m(doc.tax, currency),
            gross: m(doc.gross, currency),
            functional: { net: m(canonicalDecimal(side.net), functional), tax: m(canonicalDecimal(side.tax), functional), gross: m(canonicalDecimal(side.gross), functional) },
            ...(side.taxLines !== undefined ? { taxLines: side.taxLines } : {}),
            ...(returned.length > 0 ? { returned } : {}),
          } as never,
        },
      ],
    };
  },
});
