import { z } from "zod";
import { memoryRates, memoryStore } from "../../../src/adapters/memory/index.js";
import { type InventoryApi, type MovementDraft, createInventoryApi, inventoryModule, resolveInventoryOptions } from "../../../src/inventory/index.js";
import { recordMovements } from "../../../src/inventory/record-movements.js";
import { eventCatalog } from "../../../src/kernel/events/index.js";
import { catalogEventValidator, createRuntime, defineCommand, resolveConfig, type Runtime } from "../../../src/runner/index.js";
import { ManualClock, sequentialIds } from "../../../src/testing/index.js";
import type { BenchWorkload } from "../harness.js";

/*
 * inventory.stocktake-10k: a 10,000-location count (1,000 SKUs, 10 locations each, one in
 * ten counted short or over) approved in one command on the in-memory store: the book of
 * every location at its count instant, 1,000 adjustments valued and posted. The figure is
 * the approval's milliseconds (subjectMsMedian); the baseline compares the same counts with
 * a plain map of bigint books.
 */

const LOCATIONS = 10_000;
const PER_SKU = 10;
const ROUNDS = 2;
const validateEvent = catalogEventValidator(eventCatalog as unknown as Parameters<typeof catalogEventValidator>[0]);

const bulk = defineCommand({
  name: "bench.bulkReceipts",
  input: z.object({ drafts: z.array(z.any()) }),
  async handle(ctx, input) {
    const drafts = (input.drafts as (Omit<MovementDraft, "valueMinor"> & { valueMinor: string })[]).map((d) => ({ ...d, valueMinor: BigInt(d.valueMinor) }));
    const out = await recordMovements(ctx, resolveInventoryOptions(), drafts as MovementDraft[]);
    return { result: out.movements.length, events: out.events };
  },
});

interface Context {
  readonly runtime: Runtime;
  readonly inventory: InventoryApi;
  readonly clock: ManualClock;
  readonly book: BigInt64Array;
  readonly counted: BigInt64Array[];
  round: number;
}

const location = (i: number) => `wh/L${String(i).padStart(5, "0")}`;
const sku = (i: number) => `S${String(Math.floor(i / PER_SKU)).padStart(4, "0")}`;

async function prepare(): Promise<Context> {
  const clock = new ManualClock("2026-06-01T00:00:00.000Z");
  const runtime = createRuntime({ store: memoryStore(), clock, ids: sequentialIds({ width: 9 }), rates: memoryRates([]), config: resolveConfig({ functionalCurrency: "EUR" }), modules: [inventoryModule()], validateEvent });
  const inventory = createInventoryApi(runtime);
  await inventory.defineWarehouse({ warehouseId: "wh" });
  for (let i = 0; i < LOCATIONS; i++) await inventory.defineLocation({ locationId: location(i), warehouseId: "wh" });
  const book = new BigInt64Array(LOCATIONS);
  for (let k = 0; k < LOCATIONS / PER_SKU; k++) {
    await inventory.defineProduct({ sku: sku(k * PER_SKU), costingMethod: "fifo" });
    const drafts = [];
    for (let j = 0; j < PER_SKU; j++) {
      const i = k * PER_SKU + j;
      book[i] = BigInt(20 + (i % 17));
      drafts.push({ sku: sku(i), kind: "receipt", effectiveAt: clock.now().toISOString(), quantity: String(book[i]), warehouseId: "wh", locationId: location(i), counterRole: "grni", source: { type: "receipt", id: `r${i}` }, valueMinor: String(Number(book[i]) * (100 + (k % 50))) });
    }
    await runtime.execute(bulk, { drafts });
  }
  // The harness's untimed warm-up call approves a small stocktake (ten locations) through the same path.
  clock.advance(60_000);
  await inventory.startStocktake({ stocktakeId: "st_warm", warehouseId: "wh", locations: Array.from({ length: PER_SKU }, (_, i) => location(i)) });
  for (let i = 0; i < PER_SKU; i++) await inventory.recordCount({ stocktakeId: "st_warm", locationId: location(i), items: [{ sku: sku(i), quantity: String(book[i]) }] });
  const counted: BigInt64Array[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    clock.advance(60_000);
    await inventory.startStocktake({ stocktakeId: `st_${r}`, warehouseId: "wh" });
    const counts = new BigInt64Array(LOCATIONS);
    for (let i = 0; i < LOCATIONS; i++) {
      // One location in ten is short by one in round 0 and found one over in round 1.
      counts[i] = i % 10 === 3 ? book[i]! + (r === 0 ? -1n : 1n) : book[i]!;
      await inventory.recordCount({ stocktakeId: `st_${r}`, locationId: location(i), items: [{ sku: sku(i), quantity: String(counts[i]) }] });
    }
    counted.push(counts);
  }
  clock.advance(60_000);
  return { runtime, inventory, clock, book, counted, round: -1 };
}

export const workloads: BenchWorkload<never>[] = [
  {
    name: "inventory.stocktake-10k",
    unit: "locations/s",
    ops: LOCATIONS,
    rounds: ROUNDS,
    // One warm-up stocktake was prepared, then one per round.
    maxCalls: ROUNDS + 1,
    prepare,
    async subject(ctx: Context) {
      const r = ctx.round++;
      const out = await ctx.inventory.approveStocktake({ stocktakeId: r < 0 ? "st_warm" : `st_${r}` });
      if (r < 0) return out.summary.adjusted;
      if (out.summary.adjusted !== LOCATIONS / 10) throw new Error(`expected ${LOCATIONS / 10} adjustments, got ${out.summary.adjusted}`);
      return { extra: { adjusted: out.summary.adjusted, shrinkage: out.summary.shrinkage, gain: out.summary.gain } };
    },
    baseline(ctx: Context) {
      const counts = ctx.counted[Math.max(0, Math.min(ROUNDS - 1, ctx.round - 1))]!;
      let adjusted = 0;
      let units = 0n;
      for (let i = 0; i < LOCATIONS; i++) {
        const d = counts[i]! - ctx.book[i]!;
        if (d !== 0n) {
          adjusted++;
          units += d;
        }
      }
      return adjusted + Number(units);
    },
  } as BenchWorkload<Context>,
] as unknown as BenchWorkload<never>[];
