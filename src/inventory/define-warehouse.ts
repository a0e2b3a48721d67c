import { defineCommand } from "../runner/command.js";
import { LOCATIONS, type Location, WAREHOUSES, warehouseInputSchema } from "./location.js";

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
