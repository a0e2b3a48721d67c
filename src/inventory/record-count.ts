import { z } from "zod";
import { BOUNDS } from "../kernel/bounds.js";
import { Decimal, canonicalDecimal } from "../kernel/decimal.js";
import { StorekeepError } from "../kernel/errors.js";
import { decimalStringSchema, instantString } from "../kernel/events/fields.js";
import { idSchema } from "../kernel/ids.js";
import type { JsonObject } from "../ports/storage.js";
import { defineLibraryCommand } from "../runner/library.js";
import { requireScan } from "./barcode-lookup.js";
import { type CountDifference, compareCount, mergeCounts, needsRecount } from "./count-differences.js";
import { COST_STATES } from "./ledger-records.js";
import type { InventorySettings } from "./options.js";
import { PRODUCTS, requireProduct, skuSchema } from "./product.js";
import { lockDocuments } from "../runner/batch-documents.js";
import { bookQuantitiesOfSkus } from "./stocktake-book.js";
import { type CountedItem, STOCKTAKES, STOCKTAKE_LOCATIONS, type Stocktake, type StocktakeLocation } from "./stocktake-records.js";
import { strictInput } from "../kernel/strict-input.js";

const skuLine = strictInput({ sku: skuSchema, lot: idSchema<string>().optional(), quantity: decimalStringSchema(BOUNDS.quantity, "quantity", "nonnegative") });
const barcodeLine = strictInput({ barcode: z.string().min(1).max(200), times: z.number().int().min(1).max(1_000_000).default(1) });

/**
 * A count line: a SKU and quantity, or a scanned code. A line naming `barcode` is read as a
 * scan, any other as a SKU line, and only that shape's issues are reported (a plain union
 * would say only "Invalid input" for a bad quantity or a mistyped key).
 */
const countItem = z.custom<z.input<typeof skuLine> | z.input<typeof barcodeLine>>().transform((item, ctx): z.output<typeof skuLine> | z.output<typeof barcodeLine> => {
  const line = typeof item === "object" && item !== null && "barcode" in item ? barcodeLine : skuLine;
  const parsed = line.safeParse(item);
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) {
    // A missing field reads "Invalid input" from zod (its value may be a string or a number): say it is missing.
    const [key, ...rest] = issue.path;
    const missing = rest.length === 0 && typeof key === "string" && typeof item === "object" && item !== null && !(key in item);
    ctx.addIssue({ code: "custom", message: missing ? `${key} is required` : issue.message, path: issue.path, input: item });
  }
  return z.NEVER;
});

const countSchema = strictInput({
  stocktakeId: idSchema<string>(),
  locationId: idSchema<string>(),
  /** Everything found at the location: SKU and quantity (base units), or a scanned code (times: how many of it). Empty: the location is empty. */
  items: z.array(countItem).max(100_000),
  /** When the location was counted (default now): its book is taken at that instant. */
  countedAt: instantString.optional(),
});

/**
 * A counted line of a tracked product names its lot (or serial number): its approval posts an
 * adjustment of that lot, which a tracked product cannot do without one. A serial is one unit.
 */
function checkTrackedCount(index: number, tracking: string, counted: CountedItem): void {
  if (tracking === "none") return;
  const what = tracking === "serial" ? "serial number" : "lot";
  if (counted.lot === null || counted.lot === "") {
    throw new StorekeepError("VALIDATION_FAILED", `items.${index}: ${counted.sku} is tracked by ${tracking}: count each ${what} on its own line (lot), or scan a GS1 label that carries it.`, {
      issues: [{ path: `items.${index}.lot`, message: `required: ${counted.sku} is tracked by ${tracking}`, code: "custom" }],
    });
  }
  if (tracking === "serial" && new Decimal(counted.quantity).gt(1)) {
    throw new StorekeepError("VALIDATION_FAILED", `items.${index}: serial ${counted.lot} of ${counted.sku} is one unit; it cannot be counted ${counted.quantity} times.`, {
      issues: [{ path: `items.${index}.quantity`, message: "a serial number is one unit", code: "custom" }],
    });
  }
}

/**
 * What recording a count returns: the location's status (`recount`: count it again) and,
 * for a count that is not blind, its differences to the book.
 *
 * @example
 * ```ts
 * const r: CountResult = { stocktakeId: "st_1", locationId: "wh/A1", status: "counted", items: 2 };
 * ```
 */
export interface CountResult extends JsonObject {
  readonly stocktakeId: string;
  readonly locationId: string;
  readonly status: "counted" | "recount";
  readonly items: number;
  readonly differences?: CountDifference[];
}

/**
 * Records the count of one location of an open stocktake: every item found there (by SKU
 * or by scanning its barcode through `scan`; several lines of one item add up), as of the
 * instant it was counted. Items the location held when the count started and that are not
 * counted count as zero. The first count of a location that differs from its book (at the
 * instant counted) by more than the stocktake's threshold asks for a recount, without
 * saying the book quantity when the count is blind; the recount is final.
 *
 * @example
 * ```ts
 * await runtime.execute(recordCountCommand(settings), { stocktakeId: "st_1", locationId: "wh/A1", items: [{ sku: "MUG", quantity: "11" }, { barcode: "4006381333931", times: 2 }] });
 * ```
 */
export function recordCountCommand(settings: InventorySettings) {
  return defineLibraryCommand({
    name: "inventory.recordCount",
    input: countSchema,
    async handle(ctx, input) {
      const stocktakeDoc = await ctx.tx.documents.getForUpdate<Stocktake>(STOCKTAKES, input.stocktakeId);
      if (stocktakeDoc === undefined) throw new StorekeepError("NOT_FOUND", `Unknown stocktake "${input.stocktakeId}": start it with inventory.startStocktake.`, { stocktakeId: input.stocktakeId });
      const stocktake = stocktakeDoc.data;
      if (stocktake.state !== "open") throw new StorekeepError("INVALID_TRANSITION", `Stocktake "${input.stocktakeId}" is ${stocktake.state}; counts are recorded while it is open.`, { stocktakeId: input.stocktakeId, state: stocktake.state });
      const key = `${input.stocktakeId}|${input.locationId}`;
      const locationDoc = await ctx.tx.documents.getForUpdate<StocktakeLocation>(STOCKTAKE_LOCATIONS, key);
      if (locationDoc === undefined) {
        throw new StorekeepError("NOT_FOUND", `Location "${input.locationId}" is not part of stocktake "${input.stocktakeId}" (warehouse ${stocktake.warehouseId}); count it in a stocktake whose scope includes it.`, {
          stocktakeId: input.stocktakeId,
          locationId: input.locationId,
        });
      }
      const location = locationDoc.data;
      if (location.status === "counted") {
        throw new StorekeepError("INVALID_TRANSITION", `Location "${input.locationId}" was already counted at ${location.countedAt}; its count is final.`, { stocktakeId: input.stocktakeId, locationId: input.locationId });
      }
      const countedAt = input.countedAt ?? ctx.now.toISOString();
      if (countedAt > ctx.now.toISOString() || countedAt < stocktake.startedAt) {
        throw new StorekeepError("VALIDATION_FAILED", `countedAt ${countedAt} must lie between the stocktake's start (${stocktake.startedAt}) and now.`, { issues: [{ path: "countedAt", message: "outside the count", code: "custom" }] });
      }
      const scopeSkus = stocktake.skus === null ? null : new Set(stocktake.skus);
      // The items' products read ahead in one call (on a SQL store each item's check below is
      // then local; it still reports an unknown SKU in item order). A scanned item's SKU is
      // known after its scan.
      await ctx.tx.documents.getMany(PRODUCTS, [...new Set(input.items.flatMap((item) => ("sku" in item ? [item.sku] : [])))]);
      const items: CountedItem[] = [];
      const serialSkus = new Set<string>();
      for (const [index, item] of input.items.entries()) {
        let counted: CountedItem;
        if ("barcode" in item) {
          const scanned = await requireScan(ctx.tx, item.barcode, { today: ctx.today, inStore: settings.inStoreLayouts });
          const tracking = (await requireProduct(ctx.tx, scanned.sku)).tracking ?? "none";
          // A serial-tracked unit's label carries its serial number in AI (21): that is its "lot".
          const lot = tracking === "serial" ? (scanned.serial ?? scanned.lot) : scanned.lot;
          counted = { sku: scanned.sku, lot, quantity: canonicalDecimal(new Decimal(scanned.quantity).times(item.times)) };
          checkTrackedCount(index, tracking, counted);
          if (tracking === "serial") serialSkus.add(counted.sku);
        } else {
          const tracking = (await requireProduct(ctx.tx, item.sku)).tracking ?? "none";
          counted = { sku: item.sku, lot: item.lot ?? null, quantity: item.quantity };
          checkTrackedCount(index, tracking, counted);
          if (tracking === "serial") serialSkus.add(counted.sku);
        }
        if (scopeSkus !== null && !scopeSkus.has(counted.sku)) {
          throw new StorekeepError("VALIDATION_FAILED", `items.${index}: ${counted.sku} is not among the SKUs this stocktake counts.`, { issues: [{ path: `items.${index}`, message: "SKU out of scope", code: "custom" }] });
        }
        items.push(counted);
      }
      const merged = mergeCounts(items);
      for (const m of merged) {
        if (serialSkus.has(m.sku) && new Decimal(m.quantity).gt(1)) {
          throw new StorekeepError("VALIDATION_FAILED", `Serial ${m.lot} of ${m.sku} is one unit; it was counted ${m.quantity} times at ${input.locationId}.`, { issues: [{ path: "items", message: "a serial number is one unit", code: "custom" }] });
        }
      }
      // The book at the instant counted, for every item expected or found here.
      const points = new Map<string, { sku: string; lot: string | null }>();
      for (const e of [...location.expected, ...merged]) points.set(`${e.sku}|${e.lot ?? ""}`, { sku: e.sku, lot: e.lot });
      const bySku = new Map<string, { key: string; lot: string | null }[]>();
      for (const [k, p] of points) bySku.set(p.sku, [...(bySku.get(p.sku) ?? []), { key: k, lot: p.lot }]);
      // Lock each SKU's cost state (the lock every movement of it takes) so a movement
      // committing while this count is read is wholly before it or wholly after.
      await lockDocuments(ctx.tx, COST_STATES, [...bySku.keys()]);
      const expected = new Map<string, string>();
      const seenAtCount: string[] = [];
      const lists = [...bySku];
      const books = await bookQuantitiesOfSkus(ctx.tx, lists.map(([sku, list]) => ({ sku, points: list.map((l) => ({ locationId: input.locationId, lot: l.lot, at: countedAt })), atEarliest: seenAtCount })));
      lists.forEach(([, list], r) => list.forEach((l, i) => expected.set(l.key, canonicalDecimal(books[r]![i]!))));
      const differences = compareCount(merged, expected);
      const first = location.status === "pending";
      const status = first && needsRecount(differences, { above: stocktake.recountAbove, percent: stocktake.recountPercent }) ? "recount" : "counted";
      const next: StocktakeLocation = { ...location, status, countedAt, counts: merged, firstCount: first ? (status === "recount" ? merged : null) : location.firstCount, seenAtCount };
      await ctx.tx.documents.put(STOCKTAKE_LOCATIONS, key, next, locationDoc.version);
      const result: CountResult = { stocktakeId: input.stocktakeId, locationId: input.locationId, status, items: merged.length, ...(stocktake.blind ? {} : { differences }) };
      return { result };
    },
  });
}
