import { z } from "zod";
import { BOUNDS } from "../kernel/bounds.js";
import { StorekeepError } from "../kernel/errors.js";
import { decimalStringSchema } from "../kernel/events/fields.js";
import { idSchema } from "../kernel/ids.js";
import type { Transaction } from "../ports/storage.js";
import { defineLibraryCommand } from "../runner/library.js";
import { QUANTITIES } from "./ledger-records.js";
import { LOCATIONS, type Location, WAREHOUSES } from "./location.js";
import { skuSchema } from "./product.js";
import { STOCKTAKES, STOCKTAKE_LOCATIONS, type Stocktake, type StocktakeLocation } from "./stocktake-records.js";
import { strictInput } from "../kernel/strict-input.js";

const startSchema = strictInput({
  stocktakeId: idSchema<string>().optional(),
  warehouseId: idSchema<string>(),
  /** Count only these locations. */
  locations: z.array(idSchema<string>()).min(1).max(100_000).optional(),
  /** Count only locations whose id is in this range, inclusive ("wh/A-01" to "wh/A-99"). */
  locationRange: strictInput({ from: idSchema<string>(), to: idSchema<string>() }).optional(),
  /** Count only these SKUs. */
  skus: z.array(skuSchema).min(1).max(100_000).optional(),
  /** Counters do not see expected quantities (default true). */
  blind: z.boolean().default(true),
  /** A first count differing by more than this many units needs a recount. */
  recountAbove: decimalStringSchema(BOUNDS.quantity, "recountAbove", "nonnegative").optional(),
  /** A first count differing by more than this percentage of the book needs a recount. */
  recountPercent: decimalStringSchema(BOUNDS.quantity, "recountPercent", "nonnegative").optional(),
}).refine((s) => s.locations === undefined || s.locationRange === undefined, { message: "give locations or locationRange, not both", path: ["locationRange"] });

/**
 * Every location of a warehouse (paged through the byWarehouse index).
 *
 * @example
 * ```ts
 * const ids = await warehouseLocations(tx, "wh");
 * ```
 */
export async function warehouseLocations(tx: Transaction, warehouseId: string): Promise<string[]> {
  const out: string[] = [];
  let after: { values: string[]; id: string } | undefined;
  for (;;) {
    const page = await tx.documents.find<Location>(LOCATIONS, { index: "byWarehouse", equals: [warehouseId], limit: 5000, ...(after === undefined ? {} : { after }) });
    for (const doc of page) out.push(doc.id);
    if (page.length < 5000) return out;
    const last = page[page.length - 1]!;
    after = { values: [warehouseId, last.data.path], id: last.id };
  }
}

/**
 * Starts a count session over a warehouse, a set or range of its locations, and
 * optionally a set of SKUs: it notes which items each location holds now (so a location
 * counted without an item counts it as zero) and opens the count. Blind by default; a
 * first count differing by more than `recountAbove` units or `recountPercent` % of the
 * book asks for a recount.
 *
 * @example
 * ```ts
 * await runtime.execute(startStocktake, { stocktakeId: "st_1", warehouseId: "wh", locationRange: { from: "wh/A", to: "wh/B" }, recountAbove: "2" });
 * ```
 */
export const startStocktake = defineLibraryCommand({
  name: "inventory.startStocktake",
  input: startSchema,
  async handle(ctx, input) {
    const stocktakeId = input.stocktakeId ?? ctx.ids.next("st");
    if ((await ctx.tx.documents.get(WAREHOUSES, input.warehouseId)) === undefined) {
      throw new StorekeepError("NOT_FOUND", `Unknown warehouse "${input.warehouseId}": define it first with inventory.defineWarehouse({ warehouseId }).`, { warehouseId: input.warehouseId });
    }
    if ((await ctx.tx.documents.get(STOCKTAKES, stocktakeId)) !== undefined) {
      throw new StorekeepError("ALREADY_EXISTS", `Stocktake "${stocktakeId}" already exists; start another one under a new id.`, { stocktakeId });
    }
    const all = await warehouseLocations(ctx.tx, input.warehouseId);
    let scope: string[];
    if (input.locations !== undefined) {
      const known = new Set(all);
      const unknown = input.locations.filter((l) => !known.has(l));
      if (unknown.length > 0) {
        throw new StorekeepError("NOT_FOUND", `Location(s) ${unknown.slice(0, 5).join(", ")} are not in warehouse "${input.warehouseId}".`, { warehouseId: input.warehouseId, locations: unknown.slice(0, 20) });
      }
      scope = [...new Set(input.locations)];
    } else if (input.locationRange !== undefined) {
      const { from, to } = input.locationRange;
      scope = all.filter((l) => l >= from && l <= to);
    } else scope = all;
    if (scope.length === 0) {
      throw new StorekeepError("VALIDATION_FAILED", `No location of warehouse "${input.warehouseId}" is in the range given; location ids compare as strings.`, { issues: [{ path: "locationRange", message: "no location in range", code: "custom" }] });
    }
    const inScope = new Set(scope);
    const skus = input.skus === undefined ? null : new Set<string>(input.skus);
    // What each location holds now (the items a count of the location must account for).
    const expected = new Map<string, { sku: string; lot: string | null }[]>();
    const prefixes = skus === null ? [undefined] : [...skus].sort().map((s) => `${s}|`);
    for (const keyPrefix of prefixes) {
      const sums = await ctx.tx.balances.sumByKey(QUANTITIES, keyPrefix === undefined ? {} : { keyPrefix });
      for (const [key, amounts] of sums) {
        const [sku, locationId, lot] = key.split("|") as [string, string, string];
        if (!inScope.has(locationId) || (skus !== null && !skus.has(sku))) continue;
        if ((amounts["quantity"] ?? null)?.isZero() !== false) continue;
        const list = expected.get(locationId) ?? [];
        list.push({ sku, lot: lot === "" ? null : lot });
        expected.set(locationId, list);
      }
    }
    const stocktake: Stocktake = {
      stocktakeId,
      warehouseId: input.warehouseId,
      locations: input.locations === undefined ? null : scope,
      locationRange: input.locationRange ?? null,
      skus: input.skus ?? null,
      blind: input.blind,
      recountAbove: input.recountAbove ?? null,
      recountPercent: input.recountPercent ?? null,
      state: "open",
      startedAt: ctx.now.toISOString(),
      approvedAt: null,
      summary: null,
    };
    await ctx.tx.documents.put(STOCKTAKES, stocktakeId, stocktake, 0);
    for (const locationId of scope.sort()) {
      const doc: StocktakeLocation = { stocktakeId, locationId, expected: expected.get(locationId) ?? [], status: "pending", countedAt: null, counts: [], firstCount: null };
      await ctx.tx.documents.put(STOCKTAKE_LOCATIONS, `${stocktakeId}|${locationId}`, doc, 0);
    }
    return { result: { stocktakeId, warehouseId: input.warehouseId, locations: scope.length, blind: input.blind } };
  },
});
