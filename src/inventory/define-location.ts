import { StorekeepError } from "../kernel/errors.js";
import { defineLibraryCommand } from "../runner/library.js";
import { LOCATIONS, type Location, WAREHOUSES, locationInputSchema } from "./location.js";

/**
 * Defines a location inside a warehouse, nested under `parentId` (default: the warehouse's root).
 *
 * @example
 * ```ts
 * await runtime.execute(defineLocation, { locationId: "wh_main/A", warehouseId: "wh_main" });
 * await runtime.execute(defineLocation, { locationId: "wh_main/A1", warehouseId: "wh_main", parentId: "wh_main/A" });
 * ```
 */
export const defineLocation = defineLibraryCommand({
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
    if (existing !== undefined) {
      // The same definition again is a no-op; a different parent or name is a conflict, never a silent move.
      if (existing.data.parentId === location.parentId && existing.data.name === location.name) return { result: existing.data };
      throw new StorekeepError("ALREADY_EXISTS", `Location "${input.locationId}" already exists in warehouse "${input.warehouseId}" (under "${existing.data.parentId}", name ${JSON.stringify(existing.data.name)}); it was not changed.`, {
        locationId: input.locationId,
      });
    }
    await ctx.tx.documents.put(LOCATIONS, input.locationId, location, 0);
    return { result: location };
  },
});
