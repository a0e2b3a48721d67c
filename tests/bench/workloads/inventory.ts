import { z } from "zod";
import { memoryRates, memoryStore } from "../../../src/adapters/memory/index.js";
import {
  type CostState,
  type CostingMethod,
  type InventoryApi,
  type MovementDraft,
  type ValuationBatch,
  type ValuationInput,
  createInventoryApi,
  emptyCostState,
  inventoryModule,
  kernelFor,
  resolveInventoryOptions,
  roundingCode,
  setBatchMovement,
  valuationBatch,
  valuationScratch,
  valueBatch,
  valueMovement,
} from "../../../src/inventory/index.js";
import { recordMovements } from "../../../src/inventory/record-movements.js";
import { eventCatalog } from "../../../src/kernel/events/index.js";
import { type Runtime, catalogEventValidator, createRuntime, defineCommand, resolveConfig } from "../../../src/runner/index.js";
import { ManualClock, sequentialIds } from "../../../src/testing/index.js";
import type { BenchWorkload } from "../harness.js";

/*
 * Inventory benchmarks. The "path" is storekeep's own valuation code (`valueMovement`, the
 * function the ledger calls for every movement), pure and without a store, beside a plain
 * bigint kernel doing the same arithmetic; the runner figure and the back-dating figures
 * go through the command runner on the in-memory store.
 */

const SKUS = 1_000;
const MOVEMENTS = 1_000_000;
const SCALE = 1_000_000n;
const HALF_EVEN = roundingCode("half-even");

function lcg(seed: number): (max: number) => number {
  let s = seed;
  return (max) => {
    s = (s * 1_103_515_245 + 12_345) % 2_147_483_648;
    return s % max;
  };
}

interface ValuationContext {
  readonly method: CostingMethod;
  readonly sku: Int32Array;
  readonly inputs: ValuationInput[];
  readonly qty: BigInt64Array;
  readonly value: BigInt64Array;
  readonly receive: Uint8Array;
  /** The movements as a valuation batch (moving average: what `valueBatch` is given). */
  readonly batch?: ValuationBatch;
}

/** 1M movements over 1,000 SKUs: receipts of 1–100 units at 0.50–50.00, issues of part of what is on hand. */
function prepareValuation(method: CostingMethod): ValuationContext {
  const next = lcg(20_261_127);
  const onHand = new Float64Array(SKUS);
  const sku = new Int32Array(MOVEMENTS);
  const qty = new BigInt64Array(MOVEMENTS);
  const value = new BigInt64Array(MOVEMENTS);
  const receive = new Uint8Array(MOVEMENTS);
  const inputs: ValuationInput[] = [];
  for (let i = 0; i < MOVEMENTS; i++) {
    const s = next(SKUS);
    sku[i] = s;
    const isReceipt = onHand[s]! < 5 || next(2) === 0;
    const units = isReceipt ? 1 + next(100) : 1 + next(Math.floor(onHand[s]!));
    onHand[s] = onHand[s]! + (isReceipt ? units : -units);
    qty[i] = BigInt(units) * SCALE;
    value[i] = isReceipt ? BigInt(units * (50 + next(4950))) : 0n;
    receive[i] = isReceipt ? 1 : 0;
    inputs.push(
      isReceipt
        ? { id: `mv_${i}`, position: "", date: "", effect: "in", qty: qty[i]!, value: value[i]!, counterRole: "grni", allowNegative: false }
        : { id: `mv_${i}`, position: "", date: "", effect: "out", qty: qty[i]!, counterRole: "cogs", allowNegative: false },
    );
  }
  if (method !== "moving-average") return { method, sku, inputs, qty, value, receive };
  // As re-derivation prepares a chunk of recorded movements before valuing it: the columns
  // are filled from the movements' inputs by `setBatchMovement`, the SKU as the state index.
  const batch = valuationBatch(MOVEMENTS);
  for (let i = 0; i < MOVEMENTS; i++) setBatchMovement(batch, i, inputs[i]!, sku[i]!);
  batch.length = MOVEMENTS;
  return { method, sku, inputs, qty, value, receive, batch };
}

/**
 * storekeep's valuation one movement at a time (FIFO): one working cost state per SKU,
 * `valueMovement` per movement (inputs built in `prepare`), its valuation read before the
 * next one, with a scratch valuation (FIFO takes its general path, which allocates the
 * valuation and its postings anyway); the issues' amounts are summed.
 */
function valueWithStorekeep(ctx: ValuationContext): bigint {
  const kernel = kernelFor(ctx.method);
  const states: CostState[] = Array.from({ length: SKUS }, () => emptyCostState(ctx.method));
  const none = () => undefined;
  const scratch = valuationScratch();
  let cogs = 0n;
  for (let i = 0; i < MOVEMENTS; i++) {
    const v = valueMovement(kernel, states[ctx.sku[i]!]!, ctx.inputs[i]!, HALF_EVEN, none, false, undefined, scratch);
    if (ctx.receive[i] === 0) cogs += v.amount;
  }
  return cogs;
}

/**
 * storekeep's moving-average valuation as re-derivation values recorded movements: one
 * `valueBatch` over the movements carried as columns (effect code, scaled quantity and value
 * in 64-bit arrays, the SKU's state index), filled from the movements' inputs by
 * `setBatchMovement` in `prepare` — as re-derivation fills a chunk before valuing it (it
 * converts 1,024 recorded movements at a time; here the 1M are one batch and the filling is
 * not timed). Timed: fresh cost states (one per SKU), the batch (pools held flat for the
 * call and written back to the states with their last unit cost; every movement here is
 * plain, so none takes `valueMovement`, which the batch checks for each one), each
 * movement's amount written into the batch's amount column, then the issues' amounts summed
 * from it (with the amounts of any that took the general path).
 */
function valueBatchWithStorekeep(ctx: ValuationContext): bigint {
  const batch = ctx.batch!;
  const states: CostState[] = Array.from({ length: SKUS }, () => emptyCostState(ctx.method));
  const refused = valueBatch(kernelFor(ctx.method), states, batch, HALF_EVEN, () => undefined);
  if (refused >= 0) throw new Error("the benchmark's issues never go beyond the pool");
  const { amount, general } = batch;
  let cogs = 0n;
  // (With no movement off the plain path, every amount is in the column.)
  if (batch.generalCount === 0) {
    for (let i = 0; i < MOVEMENTS; i++) if (ctx.receive[i] === 0) cogs += amount[i]!;
  } else {
    for (let i = 0; i < MOVEMENTS; i++) {
      if (ctx.receive[i] !== 0) continue;
      const v = general[i];
      cogs += v === undefined ? amount[i]! : v.amount;
    }
  }
  return cogs;
}

function roundHalfEven(n: bigint, d: bigint): bigint {
  const q = n / d;
  const r = n - q * d;
  const twice = r * 2n;
  return twice > d || (twice === d && q % 2n !== 0n) ? q + 1n : q;
}

/** The baseline: FIFO layers as parallel bigint arrays per SKU, the same rounding rule. */
function fifoBaseline(ctx: ValuationContext): bigint {
  const layerQty: bigint[][] = Array.from({ length: SKUS }, () => []);
  const layerValue: bigint[][] = Array.from({ length: SKUS }, () => []);
  const head = new Int32Array(SKUS);
  let cogs = 0n;
  for (let i = 0; i < MOVEMENTS; i++) {
    const s = ctx.sku[i]!;
    const lq = layerQty[s]!;
    const lv = layerValue[s]!;
    if (ctx.receive[i] === 1) {
      lq.push(ctx.qty[i]!);
      lv.push(ctx.value[i]!);
      continue;
    }
    let left = ctx.qty[i]!;
    while (left > 0n) {
      const h = head[s]!;
      const q = lq[h]!;
      if (q <= left) {
        cogs += lv[h]!;
        left -= q;
        head[s] = h + 1;
      } else {
        const part = roundHalfEven(lv[h]! * left, q);
        cogs += part;
        lq[h] = q - left;
        lv[h] = lv[h]! - part;
        left = 0n;
      }
    }
  }
  return cogs;
}

/**
 * The baseline: one bigint pool per SKU. Like `valueMovement`'s hot path it checks that the
 * pool covers each issue (storekeep hands an issue beyond the pool to its negative-stock
 * path; here none goes beyond, so the check only costs its comparison), and it keeps the
 * pools in flat arrays: it values, it posts nothing.
 */
function movingAverageBaseline(ctx: ValuationContext): bigint {
  const poolQty = new BigInt64Array(SKUS);
  const poolValue: bigint[] = Array.from({ length: SKUS }, () => 0n);
  let cogs = 0n;
  for (let i = 0; i < MOVEMENTS; i++) {
    const s = ctx.sku[i]!;
    if (ctx.receive[i] === 1) {
      poolQty[s] = poolQty[s]! + ctx.qty[i]!;
      poolValue[s] = poolValue[s]! + ctx.value[i]!;
      continue;
    }
    const q = ctx.qty[i]!;
    if (poolQty[s]! < q) throw new Error("the benchmark's issues never go beyond the pool");
    const cost = q === poolQty[s] ? poolValue[s]! : roundHalfEven(poolValue[s]! * q, poolQty[s]!);
    cogs += cost;
    poolQty[s] = poolQty[s]! - q;
    poolValue[s] = poolValue[s]! - cost;
  }
  return cogs;
}

const validateEvent = catalogEventValidator(eventCatalog as unknown as Parameters<typeof catalogEventValidator>[0]);

interface Shop {
  readonly runtime: Runtime;
  readonly inventory: InventoryApi;
  readonly clock: ManualClock;
}

async function shop(start: string): Promise<Shop> {
  const clock = new ManualClock(start);
  const runtime = createRuntime({ store: memoryStore(), clock, ids: sequentialIds({ width: 9 }), rates: memoryRates([]), config: resolveConfig({ functionalCurrency: "EUR" }), modules: [inventoryModule()], validateEvent });
  const inventory = createInventoryApi(runtime);
  await inventory.defineWarehouse({ warehouseId: "wh" });
  return { runtime, inventory, clock };
}

/** Records many movements per command with the ledger's own write path (fast setup of long histories). */
const bulk = defineCommand({
  name: "bench.bulkMovements",
  input: z.object({ drafts: z.array(z.any()) }),
  async handle(ctx, input) {
    const drafts = (input.drafts as (Omit<MovementDraft, "valueMinor"> & { valueMinor?: string })[]).map((d) => ({ ...d, valueMinor: d.valueMinor === undefined ? undefined : BigInt(d.valueMinor) }));
    const out = await recordMovements(ctx, resolveInventoryOptions(), drafts as MovementDraft[]);
    return { result: out.movements.length, events: out.events };
  },
});

function draft(sku: string, i: number, at: string): Omit<MovementDraft, "valueMinor"> & { valueMinor?: string } {
  const receipt = i % 2 === 0;
  return receipt
    ? { sku, kind: "receipt", effectiveAt: at, quantity: "4", warehouseId: "wh", locationId: "wh", counterRole: "grni", source: { type: "receipt", id: `r${i}` }, valueMinor: String(400 + (i % 97)) }
    : { sku, kind: "sale-issue", effectiveAt: at, quantity: "-3", warehouseId: "wh", locationId: "wh", counterRole: "cogs", source: { type: "shipment", id: `s${i}` } };
}

interface BackdateContext {
  readonly shop: Shop;
  readonly later: number;
  round: number;
  readonly baseline: ValuationContext;
}

const T0 = Date.UTC(2025, 0, 1);

async function prepareBackdate(later: number): Promise<BackdateContext> {
  const s = await shop("2026-06-01T00:00:00.000Z");
  for (let k = 0; k < SKUS; k++) await s.inventory.defineProduct({ sku: `S${String(k).padStart(4, "0")}`, costingMethod: "fifo" });
  // 999 other SKUs with 10 movements each.
  for (let k = 1; k < SKUS; k += 100) {
    const drafts = [];
    for (let j = k; j < Math.min(SKUS, k + 100); j++) for (let i = 0; i < 10; i++) drafts.push(draft(`S${String(j).padStart(4, "0")}`, i, new Date(T0 + 86_400_000 + i * 60_000).toISOString()));
    await s.runtime.execute(bulk, { drafts });
  }
  // The SKU under test: `later` movements, all after the back-dated instant.
  for (let start = 0; start < later; start += 1000) {
    const drafts = [];
    for (let i = start; i < Math.min(later, start + 1000); i++) drafts.push(draft("S0000", i, new Date(T0 + 86_400_000 + i * 1000).toISOString()));
    await s.runtime.execute(bulk, { drafts });
  }
  // A baseline doing the same arithmetic: replay `later` movements of one SKU in bigint.
  const inputs: ValuationInput[] = [];
  const qty = new BigInt64Array(later);
  const value = new BigInt64Array(later);
  const receive = new Uint8Array(later);
  for (let i = 0; i < later; i++) {
    receive[i] = i % 2 === 0 ? 1 : 0;
    qty[i] = (receive[i] ? 4n : 3n) * SCALE;
    value[i] = receive[i] ? BigInt(400 + (i % 97)) : 0n;
  }
  return { shop: s, later, round: 0, baseline: { method: "fifo", sku: new Int32Array(later), inputs, qty, value, receive } };
}

function backdateWorkload(label: string, later: number): BenchWorkload<BackdateContext> {
  return {
    name: `inventory.backdated-100k.${label}`,
    unit: "back-dated receipts/s",
    ops: 1,
    rounds: 5,
    prepare: () => prepareBackdate(later),
    async subject(ctx) {
      ctx.round++;
      // Each round back-dates a receipt before all `later` movements (earlier each time).
      const at = new Date(T0 + 86_400_000 - ctx.round * 60_000).toISOString();
      const out = await ctx.shop.inventory.receive({ sku: "S0000", warehouseId: "wh", quantity: "2", unitCost: "0.5", effectiveAt: at });
      if (!out.backdated) throw new Error("expected a back-dated receipt");
      return { extra: { laterMovements: later } };
    },
    baseline(ctx) {
      const lq: bigint[] = [2n * SCALE];
      const lv: bigint[] = [100n];
      let head = 0;
      let cogs = 0n;
      for (let i = 0; i < later; i++) {
        if (ctx.baseline.receive[i] === 1) {
          lq.push(ctx.baseline.qty[i]!);
          lv.push(ctx.baseline.value[i]!);
          continue;
        }
        let left = ctx.baseline.qty[i]!;
        while (left > 0n) {
          const q = lq[head]!;
          if (q <= left) {
            cogs += lv[head]!;
            left -= q;
            head++;
          } else {
            const part = roundHalfEven(lv[head]! * left, q);
            cogs += part;
            lq[head] = q - left;
            lv[head] = lv[head]! - part;
            left = 0n;
          }
        }
      }
      return cogs;
    },
  };
}

interface RunnerContext {
  readonly shop: Shop;
  readonly valuation: ValuationContext;
  round: number;
}

const RUNNER_MOVEMENTS = 10_000;

export const workloads: BenchWorkload<never>[] = [
  {
    name: "inventory.fifo-1m",
    unit: "movements/s",
    ops: MOVEMENTS,
    rounds: 5,
    prepare: () => prepareValuation("fifo"),
    subject: (ctx: ValuationContext) => valueWithStorekeep(ctx),
    baseline: (ctx: ValuationContext) => fifoBaseline(ctx),
  } as BenchWorkload<ValuationContext>,
  {
    name: "inventory.moving-average-1m",
    unit: "movements/s",
    ops: MOVEMENTS,
    rounds: 5,
    prepare: () => prepareValuation("moving-average"),
    subject: (ctx: ValuationContext) => valueBatchWithStorekeep(ctx),
    baseline: (ctx: ValuationContext) => movingAverageBaseline(ctx),
  } as BenchWorkload<ValuationContext>,
  {
    name: "inventory.runner",
    unit: "movements/s",
    ops: RUNNER_MOVEMENTS,
    rounds: 3,
    async prepare(): Promise<RunnerContext> {
      const s = await shop("2026-01-01T00:00:00.000Z");
      for (let k = 0; k < 100; k++) await s.inventory.defineProduct({ sku: `R${k}`, costingMethod: k % 2 === 0 ? "fifo" : "moving-average" });
      return { shop: s, valuation: prepareValuation("fifo"), round: 0 };
    },
    async subject(ctx: RunnerContext) {
      ctx.round++;
      for (let i = 0; i < RUNNER_MOVEMENTS; i++) {
        ctx.shop.clock.advance(1000);
        const sku = `R${i % 100}`;
        if (Math.floor(i / 100) % 2 === 0) await ctx.shop.inventory.receive({ sku, warehouseId: "wh", quantity: "3", unitCost: "2.5" });
        else await ctx.shop.inventory.issue({ sku, warehouseId: "wh", quantity: "2" });
      }
    },
    baseline(ctx: RunnerContext) {
      // The same number of movements through the pure valuation code, for scale.
      const kernel = kernelFor("fifo");
      const state = emptyCostState("fifo");
      for (let i = 0; i < RUNNER_MOVEMENTS; i++) valueMovement(kernel, state, ctx.valuation.inputs[i]!, HALF_EVEN, () => undefined, false);
    },
  } as BenchWorkload<RunnerContext>,
  backdateWorkload("1k", 1_000),
  backdateWorkload("10k", 10_000),
  backdateWorkload("100k", 100_000),
] as unknown as BenchWorkload<never>[];
