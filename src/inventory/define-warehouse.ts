import { StorekeepError } from "../kernel/errors.js";
import { defineLibraryCommand } from "../runner/library.js";
import { LOCATIONS, type Location, WAREHOUSES, warehouseInputSchema } from "./location.js";

/**
 * Defines a warehouse and its root location (whose id is the warehouse's id). Defining it
 * again with the same fields returns `created: false`; with other fields it is
 * `ALREADY_EXISTS` and nothing changes.
 *
 * @example
 * ```ts
 * await runtime.execute(defineWarehouse, { warehouseId: "wh_main", name: "Main" });
 * ```
 */
export const defineWarehouse = defineLibraryCommand({
  name: "inventory.defineWarehouse",
  input: warehouseInputSchema,
  async handle(ctx, input) {
    const existing = await ctx.tx.documents.get<{ warehouseId: string; name: string | null; removalStrategy?: string | null }>(WAREHOUSES, input.warehouseId);
    if (existing !== undefined) {
      // Defining it again with the same fields is a no-op; other fields are a conflict, never a silent overwrite.
      if ((existing.data.name ?? null) === (input.name ?? null) && (existing.data.removalStrategy ?? null) === (input.removalStrategy ?? null)) return { result: { warehouseId: input.warehouseId, created: false as boolean } };
      throw new StorekeepError("ALREADY_EXISTS", `Warehouse "${input.warehouseId}" already exists (name ${JSON.stringify(existing.data.name)}); it was not changed. Use another id for another warehouse.`, {
        warehouseId: input.warehouseId,
        name: existing.data.name,
      });
    }
    await ctx.tx.documents.put(WAREHOUSES, input.warehouseId, { warehouseId: input.warehouseId, name: input.name ?? null, ...(input.removalStrategy === undefined ? {} : { removalStrategy: input.removalStrategy }) }, 0);
    const root = await ctx.tx.documents.get(LOCATIONS, input.warehouseId);
    if (root === undefined) {
      const location: Location = { locationId: input.warehouseId, warehouseId: input.warehouseId, parentId: null, path: input.warehouseId, name: input.name ?? null };
      await ctx.tx.documents.put(LOCATIONS, input.warehouseId, location, 0);
    }
    return { result: { warehouseId: input.warehouseId, created: true as boolean } };
  },
});
