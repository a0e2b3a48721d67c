import { StorekeepError } from "../kernel/errors.js";
import { defineLibraryCommand } from "../runner/library.js";
import { COST_STATES, type CostStateDoc } from "./ledger-records.js";
import { PRODUCTS, type Product, productInputSchema } from "./product.js";

/**
 * Defines or updates a product. The costing method (and a standard cost) cannot change
 * once the SKU has movements: that would silently revalue its history.
 *
 * @example
 * ```ts
 * await runtime.execute(defineProduct, { sku: "MUG-RED", costingMethod: "fifo", allowBackorders: true });
 * ```
 */
export const defineProduct = defineLibraryCommand({
  name: "inventory.defineProduct",
  input: productInputSchema,
  async handle(ctx, input) {
    const existing = await ctx.tx.documents.getForUpdate<Product>(PRODUCTS, input.sku);
    const product: Product = {
      sku: input.sku,
      name: input.name ?? existing?.data.name ?? null,
      unitOfMeasure: input.unitOfMeasure,
      costingMethod: input.costingMethod,
      standardCost: input.standardCost ?? null,
      allowBackorders: input.allowBackorders,
      allowNegativeStock: input.allowNegativeStock,
      weight: input.weight ?? existing?.data.weight ?? null,
      tracking: input.tracking,
      removalStrategy: input.removalStrategy ?? existing?.data.removalStrategy ?? null,
    };
    if (existing !== undefined) {
      const state = await ctx.tx.documents.get<CostStateDoc>(COST_STATES, input.sku);
      const old = existing.data;
      if (state !== undefined && state.data.movements > 0 && (old.costingMethod !== product.costingMethod || old.standardCost !== product.standardCost || (old.tracking ?? "none") !== product.tracking)) {
        throw new StorekeepError(
          "INVALID_TRANSITION",
          `${input.sku} already has movements valued by ${old.costingMethod}${old.standardCost === null ? "" : ` at ${old.standardCost}`}; its costing method, standard cost and tracking (${old.tracking ?? "none"}) cannot change. Define a new SKU instead.`,
          { sku: input.sku, costingMethod: old.costingMethod },
        );
      }
    }
    await ctx.tx.documents.put(PRODUCTS, input.sku, product, existing?.version ?? 0);
    return { result: product };
  },
});
