import { defineLibraryCommand } from "../runner/library.js";
import { StorekeepError } from "../kernel/errors.js";
import { SUPPLIER_ITEMS, type SupplierItem, requireSupplier, setSupplierItemSchema } from "./supplier.js";
import { checkPriceList } from "./pricing.js";

/**
 * Sets what a supplier sells of one SKU: its price list (quantity breaks, validity dates,
 * currency), minimum order quantity, pack multiple and lead time. Replaces the previous one.
 *
 * @example
 * ```ts
 * await runtime.execute(setSupplierItem, { supplierId: "sup_1", sku: "MUG", minimumOrderQuantity: 50, packMultiple: 10,
 *   prices: [{ unitPrice: "2.5" }, { minQuantity: 200, unitPrice: "2.3" }] });
 * ```
 */
export const setSupplierItem = defineLibraryCommand({
  name: "purchasing.setSupplierItem",
  input: setSupplierItemSchema,
  async handle(ctx, input) {
    const supplier = await requireSupplier(ctx.tx, input.supplierId);
    const item: SupplierItem = {
      supplierId: input.supplierId,
      sku: input.sku,
      supplierSku: input.supplierSku ?? null,
      minimumOrderQuantity: input.minimumOrderQuantity ?? null,
      packMultiple: input.packMultiple ?? null,
      leadTimeDays: input.leadTimeDays ?? null,
      prices: input.prices.map((p) => ({ minQuantity: p.minQuantity ?? "0", unitPrice: p.unitPrice, currency: p.currency ?? supplier.currency, validFrom: p.validFrom ?? null, validTo: p.validTo ?? null })),
    };
    const problem = checkPriceList(item.prices);
    if (problem !== null) throw new StorekeepError("VALIDATION_FAILED", `Price list of ${input.sku} from ${input.supplierId}: ${problem.message}`, { issues: [{ path: `prices[${problem.index}]`, message: problem.message, code: "custom" }] });
    const existing = await ctx.tx.documents.get(SUPPLIER_ITEMS, `${input.supplierId}|${input.sku}`);
    await ctx.tx.documents.put(SUPPLIER_ITEMS, `${input.supplierId}|${input.sku}`, item as never, existing?.version ?? 0);
    return { result: { supplierId: input.supplierId, sku: input.sku, prices: item.prices.length } };
  },
});
