import { minorUnits } from "../kernel/currencies.js";
import { Decimal, canonicalDecimal } from "../kernel/decimal.js";
import { StorekeepError } from "../kernel/errors.js";
import { idSchema } from "../kernel/ids.js";
import { defineLibraryCommand } from "../runner/library.js";
import { insertDocuments, lockDocuments } from "../runner/batch-documents.js";
import type { JsonObject, Transaction } from "../ports/storage.js";
import type { MovementDraft } from "./ledger-records.js";
import type { InventorySettings } from "./options.js";
import { recordMovements } from "./record-movements.js";
import { requireProducts } from "./product.js";
import { type CountLine, countLines, requireStocktake, stocktakeLocations } from "./stocktake-reads.js";
import { COUNT_DATES, type MissedByCount, STOCKTAKES, type Stocktake, type StocktakeSummary } from "./stocktake-records.js";
import { formatScaled, parseScaled } from "./valuation-kernel.js";
import { strictInput } from "../kernel/strict-input.js";

/**
 * The counted items that movements recorded after their count contradict: a later movement
 * took units from the location that the count did not find there, and the product does not
 * allow negative stock, so those units were there when it was counted (the pick happened;
 * the counter missed them). Approval posts counted + missed − book for them, so no later
 * movement finds the location short. A product that allows negative stock keeps its count:
 * the later movements leave it below zero until a receipt trues it up. The products are read
 * only for items a later movement contradicts.
 */
async function missedUnits(tx: Transaction, lines: readonly CountLine[], lowestAfter: ReadonlyMap<string, Decimal>): Promise<Map<string, MissedByCount>> {
  const short: { line: CountLine; key: string; needed: Decimal }[] = [];
  for (const line of lines) {
    const key = `${line.locationId}|${line.sku}|${line.lot ?? ""}`;
    const needed = (lowestAfter.get(key) ?? new Decimal(0)).negated();
    if (new Decimal(line.counted).lt(needed)) short.push({ line, key, needed });
  }
  const out = new Map<string, MissedByCount>();
  if (short.length === 0) return out;
  const products = await requireProducts(tx, [...new Set(short.map((s) => s.line.sku))].sort());
  for (const { line, key, needed } of short) {
    if (products.get(line.sku)!.allowNegativeStock) continue;
    // Never more than the book: a later movement cannot turn a counted loss into a gain.
    const held = Decimal.min(needed, line.expected);
    const counted = new Decimal(line.counted);
    if (!held.gt(counted)) continue;
    out.set(key, {
      locationId: line.locationId,
      sku: line.sku,
      lot: line.lot,
      countedAt: line.countedAt,
      book: line.expected,
      counted: line.counted,
      missed: canonicalDecimal(held.minus(counted)),
      posted: canonicalDecimal(held.minus(line.expected)),
    });
  }
  return out;
}

/**
 * Approves an open stocktake and posts its adjustments in one command: for every item of
 * every counted location, count − book at the instant the location was counted, as an
 * adjustment effective at that instant (so movements during the count stay where they
 * were and the book equals the count at that instant). Lost units leave at their cost
 * (shrinkage), found units enter at the current cost (gain); StockAdjusted events carry
 * them to finance. A loss is recorded even when holds then exceed what is on hand (the SKU
 * is over-reserved). Where a movement recorded after a count took units the count did not
 * find, see {@link missedUnits}. Locations never counted are left as they are. Refused while a
 * location awaits its recount.
 *
 * @example
 * ```ts
 * const { summary } = await runtime.execute(approveStocktakeCommand(settings), { stocktakeId: "st_1" });
 * ```
 */
export function approveStocktakeCommand(settings: InventorySettings) {
  return defineLibraryCommand({
    name: "inventory.approveStocktake",
    input: strictInput({ stocktakeId: idSchema<string>() }),
    async handle(ctx, input) {
      const doc = await requireStocktake(ctx.tx, input.stocktakeId, true);
      const stocktake = doc.data;
      if (stocktake.state !== "open") throw new StorekeepError("INVALID_TRANSITION", `Stocktake "${input.stocktakeId}" is ${stocktake.state}; only an open stocktake is approved.`, { stocktakeId: input.stocktakeId, state: stocktake.state });
      const locations = await stocktakeLocations(ctx.tx, input.stocktakeId);
      const waiting = locations.filter((l) => l.status === "recount").map((l) => l.locationId);
      if (waiting.length > 0) {
        throw new StorekeepError("INVALID_TRANSITION", `Stocktake "${input.stocktakeId}" has ${waiting.length} location(s) to recount (${waiting.slice(0, 5).join(", ")}); record their recounts before approving.`, {
          stocktakeId: input.stocktakeId,
          recount: waiting.slice(0, 50),
        });
      }
      const stale = { stocktakeId: input.stocktakeId, found: [] as { locationId: string; sku: string; lot: string | null; countedAt: string; laterStocktakeId: string; laterAt: string }[] };
      const lowestAfter = new Map<string, Decimal>();
      const lines = await countLines(ctx.tx, locations, stale, lowestAfter);
      // A later stocktake already set the book of an item this one counted earlier: posting this
      // count's difference now would take the same loss (or gain) a second time.
      const differing = new Set(lines.filter((l) => l.difference !== "0").map((l) => `${l.locationId}|${l.sku}|${l.lot ?? ""}`));
      const overtaken = stale.found.filter((f) => differing.has(`${f.locationId}|${f.sku}|${f.lot ?? ""}`));
      if (overtaken.length > 0) {
        const f = overtaken[0]!;
        throw new StorekeepError(
          "INVALID_TRANSITION",
          `Stocktake "${input.stocktakeId}" counted ${f.sku}${f.lot === null ? "" : ` (lot ${f.lot})`} at ${f.locationId} at ${f.countedAt}, but stocktake "${f.laterStocktakeId}", counted later (${f.laterAt}), was approved first and already set its book: approving this older count would post the difference twice. Cancel this stocktake (or count the location again in a new one).`,
          { stocktakeId: input.stocktakeId, overtaken: overtaken.slice(0, 50) },
        );
      }
      const missedByCount = await missedUnits(ctx.tx, lines, lowestAfter);
      const drafts: MovementDraft[] = [];
      for (const line of lines) {
        const missed = missedByCount.get(`${line.locationId}|${line.sku}|${line.lot ?? ""}`);
        const quantity = missed === undefined ? line.difference : missed.posted;
        if (quantity === "0") continue;
        drafts.push({
          sku: line.sku,
          kind: "adjustment",
          effectiveAt: line.countedAt,
          quantity,
          warehouseId: stocktake.warehouseId,
          locationId: line.locationId,
          lot: line.lot ?? undefined,
          counterRole: "shrinkage",
          source: { type: "adjustment", id: input.stocktakeId, lineId: line.locationId },
          reason: "count",
        });
      }
      const out = drafts.length === 0 ? { movements: [], events: [] } : await recordMovements(ctx, settings, drafts);
      const digits = minorUnits(ctx.config.functionalCurrency);
      let shrinkage = 0n;
      let gain = 0n;
      for (const m of out.movements) {
        const amount = parseScaled(m.amount, digits);
        if (m.quantity.startsWith("-")) shrinkage -= amount;
        else gain += amount;
      }
      const counted = locations.filter((l) => l.status === "counted");
      const summary: StocktakeSummary = {
        locationsCounted: counted.length,
        lines: lines.length,
        adjusted: drafts.length,
        shrinkage: formatScaled(shrinkage, digits),
        gain: formatScaled(gain, digits),
        movements: out.movements.length,
        ...(missedByCount.size === 0 ? {} : { missedByCount: [...missedByCount.values()] }),
      };
      const approved: Stocktake = { ...stocktake, state: "approved", approvedAt: ctx.now.toISOString(), summary };
      await ctx.tx.documents.put(STOCKTAKES, input.stocktakeId, approved, doc.version);
      // Cycle counting: the SKUs counted here were counted today at this warehouse.
      // Locked together, updated where they exist and created together where they do not.
      const skus = [...new Set(lines.map((l) => l.sku))].sort();
      const keyOf = (sku: string) => `${sku}|${stocktake.warehouseId}`;
      const existing = new Map((await lockDocuments(ctx.tx, COUNT_DATES, skus.map(keyOf))).map((d) => [d.id, d.version]));
      const created: { id: string; data: JsonObject }[] = [];
      for (const sku of skus) {
        const data = { sku, warehouseId: stocktake.warehouseId, lastCounted: ctx.today };
        const version = existing.get(keyOf(sku));
        if (version === undefined) created.push({ id: keyOf(sku), data });
        else await ctx.tx.documents.put(COUNT_DATES, keyOf(sku), data, version);
      }
      await insertDocuments(ctx.tx, COUNT_DATES, created);
      return { result: { stocktakeId: input.stocktakeId, state: "approved" as string, summary }, events: out.events };
    },
  });
}
