import { StorekeepError } from "../kernel/errors.js";
import { defineCommand } from "../runner/command.js";
import { COST_STATES, type CostStateDoc } from "./ledger-records.js";
import { LOCATIONS, type Location, WAREHOUSES, locationInputSchema, warehouseInputSchema } from "./location.js";
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
export const defineProduct = defineCommand({
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
    };
    if (existing !== undefined) {
      const state = await ctx.tx.documents.get<CostStateDoc>(COST_STATES, input.sku);
      const old = existing.data;
      if (state !== undefined && state.data.movements > 0 && (old.costingMethod !== product.costingMethod || old.standardCost !== product.standardCost)) {
        throw new StorekeepError(
          "INVALID_TRANSITION",
          `${input.sku} already has movements valued by ${old.costingMethod}${old.standardCost === null ? "" : ` at ${old.standardCost}`}; its costing method and standard cost cannot change. Define a new SKU instead.`,
          { sku: input.sku, costingMethod: old.costingMethod },
        );
      }
    }
    await ctx.tx.documents.put(PRODUCTS, input.sku, product, existing?.version ?? 0);
    return { result: product };
  },
});

/**
 * Defines a warehouse and its root location (whose id is the warehouse's id).
 *
 * @example
 * ```ts
 * await runtime.execute(defineWarehouse, { warehouseId: "wh_main", name: "Main" });
 * ```
 */
export const defineWarehouse = defineCommand({
  name: "inventory.defineWarehouse",
  input: warehouseInputSchema,
  async handle(ctx, input) {
    const existing = await ctx.tx.documents.get(WAREHOUSES, input.warehouseId);
    await ctx.tx.documents.put(WAREHOUSES, input.warehouseId, { warehouseId: input.warehouseId, name: input.name ?? null }, existing?.version ?? 0);
    const root = await ctx.tx.documents.get(LOCATIONS, input.warehouseId);
    if (root === undefined) {
      const location: Location = { locationId: input.warehouseId, warehouseId: input.warehouseId, parentId: null, path: input.warehouseId, name: input.name ?? null };
      await ctx.tx.documents.put(LOCATIONS, input.warehouseId, location, 0);
    }
    return { result: { warehouseId: input.warehouseId } };
  },
});

/**
 * Defines a location inside a warehouse, nested under `parentId` (default: the warehouse's root).
 *
 * @example
 * ```ts
 * await runtime.execute(defineLocation, { locationId: "wh_main/A", warehouseId: "wh_main" });
 * await runtime.execute(defineLocation, { locationId: "wh_main/A1", warehouseId: "wh_main", parentId: "wh_main/A" });
 * ```
 */
export const defineLocation = defineCommand({
  name: "inventory.defineLocation",
  input: locationInputSchema,
  async handle(ctx, input) {
    if ((await ctx.tx.documents.get(WAREHOUSES, input.warehouseId)) === undefined) {
      throw new StorekeepError("NOT_FOUND", `Unknown warehouse "${input.warehouseId}": define it first with inventory.defineWarehouse({ warehouseId }).`, { warehouseId: input.warehouseId });
    }
    const parentId = input.parentId ?? input.warehouseId;
    const parent = await ctx.tx.documents.get<Location>(LOCATIONS, parentId);
    if (parent === undefined || parent.data.warehouseId !== input.warehouseId) {
      throw new StorekeepError("NOT_FOUND", `Parent location "${parentId}" does not exist in warehouse "${input.warehouseId}".`, { parentId, warehouseId: input.warehouseId });
    }
    const existing = await ctx.tx.documents.get<Location>(LOCATIONS, input.locationId);
    if (existing !== undefined && existing.data.warehouseId !== input.warehouseId) {
      throw new StorekeepError("ALREADY_EXISTS", `Location "${input.locationId}" already belongs to warehouse "${existing.data.warehouseId}".`, { locationId: input.locationId });
    }
    if (parent.data.path.split(">").includes(input.locationId)) {
      throw new StorekeepError("VALIDATION_FAILED", `Location "${input.locationId}" cannot be nested inside itself.`, { issues: [{ path: "parentId", message: "a cycle", code: "custom" }] });
    }
    const location: Location = { locationId: input.locationId, warehouseId: input.warehouseId, parentId, path: `${parent.data.path}>${input.locationId}`, name: input.name ?? null };
    await ctx.tx.documents.put(LOCATIONS, input.locationId, location, existing?.version ?? 0);
    return { result: location };
  },
});
