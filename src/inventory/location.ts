import { z } from "zod";
import { StorekeepError } from "../kernel/errors.js";
import { idSchema } from "../kernel/ids.js";
import type { LocationId, WarehouseId } from "../kernel/ids.js";
import type { JsonObject, Transaction } from "../ports/storage.js";
import { strictInput } from "../kernel/strict-input.js";

/*
 * Warehouses and their nested locations (aisle → shelf → bin). Every warehouse has a root
 * location whose id is the warehouse's id: movements that name no location use it. Stock
 * in transit between warehouses sits at the pseudo-location `in-transit:<warehouse>` of
 * its destination until it arrives.
 */

/** The collection of warehouses. @example `WAREHOUSES === "inventory.warehouses"` */
export const WAREHOUSES = "inventory.warehouses";
/** The collection of locations. @example `LOCATIONS === "inventory.locations"` */
export const LOCATIONS = "inventory.locations";

/**
 * Input of `defineWarehouse`.
 *
 * @example
 * ```ts
 * warehouseInputSchema.parse({ warehouseId: "wh_main", name: "Main" });
 * ```
 */
export const warehouseInputSchema = strictInput({
  warehouseId: idSchema<WarehouseId>(),
  name: z.string().min(1).max(200).optional(),
  /** How lot-tracked products without a strategy of their own leave this warehouse when no lot is named (default fefo). */
  removalStrategy: z.enum(["fifo", "fefo", "location"]).optional(),
});

/**
 * Input of `defineLocation`: a location inside a warehouse, optionally inside another
 * location of the same warehouse (`parentId`).
 *
 * @example
 * ```ts
 * locationInputSchema.parse({ locationId: "wh_main/A1", warehouseId: "wh_main", parentId: "wh_main/A" });
 * ```
 */
export const locationInputSchema = strictInput({
  locationId: idSchema<LocationId>(),
  warehouseId: idSchema<WarehouseId>(),
  parentId: idSchema<LocationId>().optional(),
  name: z.string().min(1).max(200).optional(),
});

/**
 * A stored location: its warehouse, its parent (null for the root) and its path of ids
 * from the root (for nested reports).
 *
 * @example
 * ```ts
 * const l: Location = { locationId: "wh_main/A1", warehouseId: "wh_main", parentId: "wh_main", path: "wh_main>wh_main/A1", name: null };
 * ```
 */
export interface Location extends JsonObject {
  readonly locationId: string;
  readonly warehouseId: string;
  readonly parentId: string | null;
  readonly path: string;
  readonly name: string | null;
}

/**
 * The pseudo-location of stock in transit to `warehouseId`.
 *
 * @example
 * ```ts
 * inTransitLocation("wh_b"); // "in-transit:wh_b"
 * ```
 */
export function inTransitLocation(warehouseId: string): string {
  return `in-transit:${warehouseId}`;
}

/**
 * Refuses a warehouse that was never defined (a typo in a report's query would otherwise
 * read as a warehouse that holds nothing): NOT_FOUND naming it.
 *
 * @example
 * ```ts
 * await requireWarehouse(tx, "wh_main");
 * ```
 */
export async function requireWarehouse(tx: Transaction, warehouseId: string): Promise<void> {
  if ((await tx.documents.get(WAREHOUSES, warehouseId)) === undefined) {
    throw new StorekeepError("NOT_FOUND", `Unknown warehouse "${warehouseId}": define it first with inventory.defineWarehouse({ warehouseId }), or check the id.`, { warehouseId });
  }
}

/**
 * Resolves where a movement happens: the location (default: the warehouse's root) must
 * exist and belong to the warehouse.
 *
 * @example
 * ```ts
 * const locationId = await resolveLocation(tx, "wh_main", undefined); // "wh_main"
 * ```
 */
export async function resolveLocation(tx: Transaction, warehouseId: string, locationId: string | undefined): Promise<string> {
  const id = locationId ?? warehouseId;
  const doc = await tx.documents.get<Location>(LOCATIONS, id);
  if (doc === undefined) {
    const warehouse = await tx.documents.get(WAREHOUSES, warehouseId);
    if (warehouse === undefined) throw new StorekeepError("NOT_FOUND", `Unknown warehouse "${warehouseId}": define it first with inventory.defineWarehouse({ warehouseId }).`, { warehouseId });
    throw new StorekeepError("NOT_FOUND", `Unknown location "${id}" in warehouse "${warehouseId}": define it with inventory.defineLocation({ locationId, warehouseId }).`, { warehouseId, locationId: id });
  }
  if (doc.data.warehouseId !== warehouseId) {
    throw new StorekeepError("VALIDATION_FAILED", `Location "${id}" belongs to warehouse "${doc.data.warehouseId}", not "${warehouseId}".`, { issues: [{ path: "locationId", message: "belongs to another warehouse", code: "custom" }] });
  }
  return id;
}
