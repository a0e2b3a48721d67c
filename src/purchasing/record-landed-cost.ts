import { z } from "zod";
import { defineLibraryCommand } from "../runner/library.js";
import { canonicalDecimal } from "../kernel/decimal.js";
import { StorekeepError } from "../kernel/errors.js";
import { addDays, localDateSchema, type LocalDate } from "../kernel/local-date.js";
import { nonNegativeAmountSchema, rateSchema } from "../kernel/bounds.js";
import { settingsOf } from "./options.js";
import { claimDocument, priorResult, rateFor } from "./order-store.js";
import type { SupplierBill } from "./bill.js";
import { BILLS, RECEIPTS, idSchema, requireSupplier } from "./supplier.js";
import { functionalSide, taxDocument } from "./tax-document.js";

/**
 * Records a freight, duty or insurance bill that belongs to one or several receipts
 * (`LandedCostRecorded`): inventory spreads its net over the receipts' lines by quantity,
 * value or weight (stock on hand and COGS for what was sold); the bill is a payable that
 * `paySupplier` pays like any other.
 *
 * @example
 * ```ts
 * await runtime.execute(recordLandedCost, { landedCostId: "lc_1", supplierId: "sup_freight", receiptIds: ["grn_1"], basis: "value", costType: "freight", net: "40" });
 * ```
 */
export const recordLandedCost = defineLibraryCommand({
  name: "purchasing.recordLandedCost",
  input: z.strictObject({
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
    for (const receiptId of input.receiptIds) {
      if (!(await ctx.tx.documents.get(RECEIPTS, receiptId))) throw new StorekeepError("NOT_FOUND", `Receipt ${receiptId} does not exist; landed costs belong to receipts made with purchasing.receiveGoods.`, { receiptId });
    }
    const date = input.date ?? ctx.today;
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
          } as never,
        },
      ],
    };
  },
});
