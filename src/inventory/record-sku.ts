import { handOver } from "../kernel/hand-over.js";
import { minorUnits } from "../kernel/currencies.js";
import { StorekeepError, invariant } from "../kernel/errors.js";
import type { JsonObject, LogAppend, LogEntry, StoredDocument, Transaction } from "../ports/storage.js";
import { insertDocuments } from "../runner/batch-documents.js";
import type { CommandContext } from "../runner/command.js";
import { costStateFromJson, costStateToJson, keepCostState, takeCostState } from "./cost-state.js";
import { COST_STATES, type CostStateDoc, type MovementIndexDoc, type SnapshotEntry } from "./ledger-records.js";
import { MOVEMENTS, MOVEMENT_INDEX, type MovementRecord, SNAPSHOTS, VALUATIONS, effectOf, generationKey, movementPosition, valuationInputOf } from "./movement.js";
import type { InventorySettings } from "./options.js";
import type { Product } from "./product.js";
import { rederive } from "./rederive.js";
import { type MovementValuation, type ValuationInput, kernelFor, valueMovement } from "./valuation.js";
import { revaluationArrivals } from "./arrival-order.js";
import { type ValuationEntry, chunkAppends, valuationEntry, valuationHistory } from "./valuation-log.js";
import { type CostState, QUANTITY_DECIMALS, type RoundingCode, currentCost, emptyCostState, formatScaled, onHandOf, parseScaled, unitCostRatio } from "./valuation-kernel.js";

/*
 * One SKU's share of recording movements: lock its cost state, value the new movements —
 * forward when they come after everything recorded, by re-derivation from the checkpoint
 * before them when one is back-dated — and append the movements, their valuations, the
 * checkpoints and the index documents.
 */

export interface SkuOutcome {
  readonly valuations: ReadonlyMap<string, MovementValuation>;
  readonly differences: ReadonlyMap<string, ReadonlyMap<string, bigint>>;
  readonly backdated: boolean;
  readonly backdatedBy?: string;
}

/** The fresh cost state of a product (standard cost from the product). */
function initialState(product: Product, digits: number): CostState {
  return emptyCostState(product.costingMethod, product.standardCost === null ? null : unitCostRatio(product.standardCost, digits));
}

/** The current cost and quantity of an issue (for a return, in a window that starts after it). */
async function currentIssueCost(tx: Transaction, movementId: string): Promise<{ cost: bigint; qty: bigint }> {
  const index = await tx.documents.get<MovementIndexDoc>(MOVEMENT_INDEX, movementId);
  invariant(index !== undefined, `movement ${movementId} is not indexed`);
  const { sku, position } = index.data;
  const [movement] = await tx.logs.read<MovementRecord>(MOVEMENTS, sku, { gte: position, lte: position });
  const latest = (await valuationHistory(tx, sku, position, movementId)).at(-1);
  invariant(movement !== undefined && latest !== undefined, `movement ${movementId} has no valuation`);
  const q = parseScaled(movement.data.quantity, QUANTITY_DECIMALS);
  return { cost: BigInt(latest.amount), qty: q < 0n ? -q : q };
}

/**
 * True when a movement that would go negative is "later" than the new ones only because of
 * a race, not because the host back-dated anything: the new movements are dated at their
 * command's own instant (a command that waited for the SKU's lock took its instant and id
 * before one that committed first), or the movement driven negative has the same effective
 * instant (ties are ordered by id, and ids are taken before the lock). Then the new
 * movement lost the race for the stock: `INSUFFICIENT_STOCK`, not `NEGATIVE_HISTORY`.
 */
function racedFor(ctx: CommandContext, sorted: readonly MovementRecord[], stored: readonly { readonly data: MovementRecord }[], negativeId: string): boolean {
  const now = ctx.now.toISOString();
  if (sorted.every((r) => r.effectiveAt >= now)) return true;
  const negative = stored.find((e) => e.data.movementId === negativeId)?.data;
  return negative !== undefined && sorted.some((r) => r.effectiveAt === negative.effectiveAt);
}

/** The SKU's latest in and sale dates with `records` added (kept only when kept since its first movement). */
function lastDates(doc: CostStateDoc | undefined, records: readonly MovementRecord[]): { lastInDate?: string | null; lastSaleDate?: string | null } {
  if (doc !== undefined && doc.lastInDate === undefined) return {};
  let lastIn = doc?.lastInDate ?? null;
  let lastSale = doc?.lastSaleDate ?? null;
  for (const r of records) {
    if (effectOf(r) === "in" && (lastIn === null || r.effectiveDate > lastIn)) lastIn = r.effectiveDate;
    if (r.kind === "sale-issue" && (lastSale === null || r.effectiveDate > lastSale)) lastSale = r.effectiveDate;
  }
  return { lastInDate: lastIn, lastSaleDate: lastSale };
}

/**
 * The log lines of one recording, gathered over its SKUs and appended together (one append
 * per log family instead of one per SKU) by {@link flushLogs}.
 *
 * @example
 * ```ts
 * const logs = newLogBatch();
 * await recordSku(ctx, settings, product, records, rounding, logs);
 * await flushLogs(ctx.tx, logs);
 * ```
 */
export interface LogBatch {
  readonly movements: LogAppend[];
  readonly valuations: LogAppend[];
  readonly snapshots: LogAppend[];
  /** The movements' index documents (`inventory.movement-index`), inserted in one call. */
  readonly index: { id: string; data: JsonObject }[];
}

/** An empty {@link LogBatch}. @example `const logs = newLogBatch();` */
export function newLogBatch(): LogBatch {
  return { movements: [], valuations: [], snapshots: [], index: [] };
}

/** Appends what `logs` gathered (and inserts the index documents) and empties it. @example `await flushLogs(ctx.tx, logs);` */
export async function flushLogs(tx: Transaction, logs: LogBatch): Promise<void> {
  if (logs.movements.length > 0) await tx.logs.append(MOVEMENTS, logs.movements.splice(0));
  if (logs.valuations.length > 0) await tx.logs.append(VALUATIONS, logs.valuations.splice(0));
  if (logs.snapshots.length > 0) await tx.logs.append(SNAPSHOTS, logs.snapshots.splice(0));
  if (logs.index.length > 0) await insertDocuments(tx, MOVEMENT_INDEX, logs.index.splice(0));
}

/**
 * Records one SKU's movements (see the file comment). The movements, valuations and
 * checkpoints go into `logs`; the caller appends them with {@link flushLogs} before anything
 * reads the SKU's logs again.
 */
export async function recordSku(
  ctx: CommandContext,
  settings: InventorySettings,
  product: Product,
  records: MovementRecord[],
  rounding: RoundingCode,
  logs: LogBatch,
  /** The SKU's movements after position `from`, read under its lock (by the caller, for many SKUs at once): what moving-average revaluations in arrival order count. */
  sinceReceipts?: { readonly from: string; readonly known: readonly LogEntry<MovementRecord>[] },
  /** The SKU's cost state as the caller locked it (null: locked, none yet); undefined: locked and read here. */
  locked?: StoredDocument<CostStateDoc> | null,
): Promise<SkuOutcome> {
  const tx = ctx.tx;
  const sku = product.sku;
  const digits = minorUnits(ctx.config.functionalCurrency);
  const kernel = kernelFor(product.costingMethod, settings.kernels);
  const doc = locked !== undefined ? (locked ?? undefined) : await tx.documents.getForUpdate<CostStateDoc>(COST_STATES, sku);
  const version = doc?.version ?? 0;
  const generation = version + 1;
  const lastPosition = doc?.data.lastPosition ?? "";
  const sorted = [...records].sort((a, b) => cmp(movementPosition(a.effectiveAt, a.movementId), movementPosition(b.effectiveAt, b.movementId)));
  const firstPosition = movementPosition(sorted[0]!.effectiveAt, sorted[0]!.movementId);
  const valuationAppends: LogAppend[] = [];
  const snapshotAppends: LogAppend[] = [];
  let state: CostState;
  let valuations: Map<string, MovementValuation>;
  let differences: ReadonlyMap<string, ReadonlyMap<string, bigint>> = new Map();
  let sinceSnapshot = doc?.data.sinceSnapshot ?? 0;
  const backdated = firstPosition < lastPosition;

  if (!backdated) {
    state = doc === undefined ? initialState(product, digits) : takeCostState(doc.data.state);
    valuations = new Map();
    // Moving-average revaluations in arrival order: the units that came in after their receipt.
    const revaluations = product.costingMethod === "moving-average" ? revaluationsOf(sorted) : [];
    let arrived: Map<string, bigint> | undefined;
    if (revaluations.length > 0) {
      const fresh = sorted.map((data) => ({ data }));
      arrived = sinceReceipts === undefined ? await revaluationArrivals(tx, sku, fresh, lastPosition, revaluations) : await revaluationArrivals(tx, sku, [...sinceReceipts.known, ...fresh], sinceReceipts.from, revaluations);
    }
    for (const record of sorted) {
      const input = withArrived(valuationInputOf(record), arrived);
      if (record.kind === "transfer" && record.valueMinor === null) {
        (record as { valueMinor: string | null }).valueMinor = currentCost(state, parseScaled(record.moved, QUANTITY_DECIMALS), rounding).toString();
      }
      if (input.effect === "out" && !input.allowNegative && onHandOf(state) < input.qty) {
        throw new StorekeepError(
          "INSUFFICIENT_STOCK",
          `Not enough ${sku} on hand on ${record.effectiveDate}: ${formatScaled(onHandOf(state), QUANTITY_DECIMALS)} on hand, ${formatScaled(input.qty, QUANTITY_DECIMALS)} needed. Receive stock first, or allow negative stock for this product.`,
          { sku, date: record.effectiveDate, onHand: formatScaled(onHandOf(state), QUANTITY_DECIMALS), needed: formatScaled(input.qty, QUANTITY_DECIMALS) },
        );
      }
      const v = valueMovement(kernel, state, input, rounding, () => undefined, true);
      valuations.set(record.movementId, v);
      const position = movementPosition(record.effectiveAt, record.movementId);
      valuationAppends.push({ stream: sku, sortKey: generationKey(position, generation), data: valuationEntry(record.movementId, v, generation, "recorded") });
      sinceSnapshot++;
      // A snapshot costs O(layers): at most one every `layers` movements keeps their total size proportional to the movements.
      if (sinceSnapshot >= Math.max(settings.snapshotEvery, state.layers.length - state.head + state.deficits.length)) {
        snapshotAppends.push({ stream: sku, sortKey: generationKey(position, generation), data: { movementId: record.movementId, position, state: costStateToJson(state) } });
        sinceSnapshot = 0;
      }
    }
  } else {
    // Re-derivation: the checkpoint before the first new movement, then everything after it.
    const [snapshot] = await tx.logs.read<SnapshotEntry>(SNAPSHOTS, sku, { lt: firstPosition, order: "desc", limit: 1 });
    const start = snapshot === undefined ? initialState(product, digits) : costStateFromJson(snapshot.data.state);
    const range = snapshot === undefined ? {} : { gt: snapshot.data.position };
    const stored = await tx.logs.read<MovementRecord>(MOVEMENTS, sku, range);
    // What is booked now for each later movement is what replaying them from the same
    // checkpoint without the new movements gives (valuation is a deterministic function of
    // the recorded movements), so this reads nothing more than the movements themselves;
    // `rederive` values both in one pass.
    for (const record of sorted) {
      if (record.kind === "transfer" && record.valueMinor === null) {
        const current = doc === undefined ? initialState(product, digits) : costStateFromJson(doc.data.state);
        (record as { valueMinor: string | null }).valueMinor = currentCost(current, parseScaled(record.moved, QUANTITY_DECIMALS), rounding).toString();
      }
    }
    // Moving-average revaluations in arrival order: the units that came in after their receipt
    // among the movements recorded (re-derivation adds the new ones in between).
    const revaluations = product.costingMethod === "moving-average" ? [...revaluationsOf(stored), ...revaluationsOf(sorted)] : [];
    const arrived = revaluations.length === 0 ? undefined : await revaluationArrivals(tx, sku, stored, snapshot === undefined ? "" : snapshot.data.position, revaluations);
    const newInputs = sorted.map((r) => withArrived(valuationInputOf(r), arrived));
    // Returns in the window at the cost of an issue before it: that issue's current cost.
    const windowReferenced: string[] = [];
    for (const e of stored) if (e.data.costOf !== null) windowReferenced.push(e.data.costOf);
    const outside = new Set(windowReferenced);
    for (const m of newInputs) if (m.costOf !== undefined) outside.add(m.costOf.movementId);
    const outsideCosts = new Map<string, { cost: bigint; qty: bigint }>();
    if (outside.size > 0) {
      for (const e of stored) outside.delete(e.data.movementId);
      for (const m of newInputs) outside.delete(m.id);
      for (const id of [...outside].sort()) outsideCosts.set(id, await currentIssueCost(tx, id));
    }
    const staleSnapshots = await tx.logs.read<SnapshotEntry>(SNAPSHOTS, sku, { gt: firstPosition });
    const rewrite = new Set(staleSnapshots.map((s) => s.data.movementId));
    const result = rederive(start, stored, newInputs, { kernel, rounding, checkpointAfter: rewrite, checkpointEvery: settings.snapshotEvery, outsideCosts, referenced: windowReferenced }, (e) => withArrived(valuationInputOf(e.data, e.sortKey), arrived));
    if ("negative" in result) {
      const n = result.negative;
      const isNew = newInputs.some((m) => m.id === n.movementId);
      if (!isNew && racedFor(ctx, sorted, stored, n.movementId)) {
        throw new StorekeepError(
          "INSUFFICIENT_STOCK",
          `Not enough ${sku} on hand on ${n.date}: movements recorded at the same time took it (movement ${n.movementId} needs ${formatScaled(n.needed, QUANTITY_DECIMALS)} with ${formatScaled(n.onHand, QUANTITY_DECIMALS)} on hand once this one is in place). Receive stock first, or take less.`,
          { sku, date: n.date, movementId: n.movementId, onHand: formatScaled(n.onHand, QUANTITY_DECIMALS), needed: formatScaled(n.needed, QUANTITY_DECIMALS), concurrent: true },
        );
      }
      throw new StorekeepError(
        isNew ? "INSUFFICIENT_STOCK" : "NEGATIVE_HISTORY",
        isNew
          ? `Not enough ${sku} on hand on ${n.date}: ${formatScaled(n.onHand, QUANTITY_DECIMALS)} on hand then, ${formatScaled(n.needed, QUANTITY_DECIMALS)} needed. Date the movement later or receive stock before it.`
          : `Recording this would drive ${sku}'s history negative on ${n.date} (movement ${n.movementId} issues ${formatScaled(n.needed, QUANTITY_DECIMALS)} with ${formatScaled(n.onHand, QUANTITY_DECIMALS)} on hand). Date it later, or record the missing receipt first.`,
        { sku, date: n.date, movementId: n.movementId, onHand: formatScaled(n.onHand, QUANTITY_DECIMALS), needed: formatScaled(n.needed, QUANTITY_DECIMALS) },
      );
    }
    const firstNewId = sorted[0]!.movementId;
    for (const date of result.differences.keys()) invariant(date >= sorted[0]!.effectiveDate, "a re-derivation difference is dated before the back-dated movement");
    state = result.state;
    valuations = new Map();
    differences = result.differences;
    const cause = `backdated:${firstNewId}`;
    const revalued: { position: string; entry: ValuationEntry }[] = [];
    for (const c of result.changed) {
      if (c.isNew) {
        valuations.set(c.id, c.valuation);
        valuationAppends.push({ stream: sku, sortKey: generationKey(c.position, generation), data: valuationEntry(c.id, c.valuation, generation, "recorded") });
      } else {
        revalued.push({ position: c.position, entry: valuationEntry(c.id, c.valuation, generation, cause) });
      }
    }
    for (const a of chunkAppends(sku, revalued, generation, cause)) valuationAppends.push(a);
    for (const checkpoint of result.checkpoints) {
      if (checkpoint.position < firstPosition) continue;
      snapshotAppends.push({ stream: sku, sortKey: generationKey(checkpoint.position, generation), data: { movementId: checkpoint.id, position: checkpoint.position, state: checkpoint.state } });
    }
    sinceSnapshot = (doc?.data.sinceSnapshot ?? 0) + sorted.length;
  }

  const newLast = sorted.reduce((max, r) => {
    const p = movementPosition(r.effectiveAt, r.movementId);
    return p > max ? p : max;
  }, lastPosition);
  // Records, valuation entries, the index and the state document are built here for the
  // store alone (toRecord and valuationEntry make every object in them): handed over.
  for (const r of sorted) logs.movements.push({ stream: sku, sortKey: movementPosition(r.effectiveAt, r.movementId), data: handOver(r) });
  for (const a of valuationAppends) {
    handOver(a.data);
    logs.valuations.push(a);
  }
  for (const a of snapshotAppends) logs.snapshots.push(a);
  for (const r of sorted) {
    const index: MovementIndexDoc = {
      movementId: r.movementId,
      sku,
      position: movementPosition(r.effectiveAt, r.movementId),
      kind: r.kind,
      orderId: r.orderId ?? "",
      sourceType: r.source.type,
      sourceId: r.source.id,
      sourceLineId: r.source.lineId ?? "",
    };
    logs.index.push({ id: r.movementId, data: handOver(index) });
  }
  const stateJson = costStateToJson(state);
  const next: CostStateDoc = { sku, state: stateJson, lastPosition: newLast, movements: (doc?.data.movements ?? 0) + sorted.length, sinceSnapshot, ...lastDates(doc?.data, sorted) };
  await tx.documents.put(COST_STATES, sku, handOver(next), version);
  keepCostState(stateJson, state);
  const out: SkuOutcome = { valuations, differences, backdated, ...(backdated ? { backdatedBy: sorted[0]!.movementId } : {}) };
  return out;
}

/** The revaluation records among `records` (records, or log entries of them). */
function revaluationsOf(records: readonly (MovementRecord | { readonly data: MovementRecord })[]): MovementRecord[] {
  const out: MovementRecord[] = [];
  for (const r of records) {
    const record = "movementId" in r ? r : r.data;
    if (record.revalues !== null) out.push(record);
  }
  return out;
}

/** `input` with the units that arrived after its receipt, when it is a revaluation `arrived` has them for. */
function withArrived(input: ValuationInput, arrived: ReadonlyMap<string, bigint> | undefined): ValuationInput {
  if (arrived === undefined || input.revalue === undefined || arrived.size === 0) return input;
  const n = arrived.get(input.id);
  return n === undefined ? input : { ...input, revalue: { ...input.revalue, arrivedAfter: n } };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
