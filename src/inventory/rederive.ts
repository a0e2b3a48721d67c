import { invariant } from "../kernel/errors.js";
import { type CostStateJson, costStateToJson } from "./cost-state.js";
import { type CostState, type RoundingCode, type ValuationKernel, cloneCostState, onHandOf } from "./valuation-kernel.js";
import { type MovementValuation, type ValuationInput, twoPostings, valueMovement } from "./valuation.js";
import { type ArrivalIndex, arrivalIndex } from "./arrival-order.js";
import { batchAmount, setBatchMovement, valuationBatch, valueBatch } from "./valuation-batch.js";

/*
 * Back-dating without repost storms. A movement dated before the SKU's last movement
 * re-derives that SKU alone: start from a cost-state checkpoint before the effective
 * instant, replay the movements after it in (effective instant, movement id) order with
 * the new one in place, and compare each movement's postings with what was booked. Only
 * the differences are posted, as `StockRevalued`, dated at the affected movement's date
 * and aggregated per day and counter-account. Work is proportional to the movements after
 * the checkpoint, never to the SKU's whole history, and other SKUs are not read.
 */

/**
 * What was booked for a movement before re-derivation: its postings and amount.
 *
 * @example
 * ```ts
 * const b: BookedValuation = { postings: { inventory: -500n, cogs: 500n }, amount: 500n };
 * ```
 */
export interface BookedValuation {
  readonly postings: Readonly<Record<string, bigint>>;
  readonly amount: bigint;
}

/**
 * A back-dated issue would drive history below zero on `date` (at movement `movementId`).
 *
 * @example
 * ```ts
 * const n: NegativeHistory = { date: "2026-03-02", movementId: "mv_7", onHand: 1_000_000n, needed: 2_000_000n };
 * ```
 */
export interface NegativeHistory {
  readonly date: string;
  readonly movementId: string;
  readonly onHand: bigint;
  readonly needed: bigint;
}

/**
 * The result of a replay: the state after the last movement, every movement's valuation,
 * the ids whose postings changed (or are new), and the differences per date and role
 * (minor units, debit positive; each date sums to zero).
 *
 * @example
 * ```ts
 * for (const [date, roles] of result.differences) console.log(date, roles);
 * ```
 */
export interface ReplayResult {
  readonly state: CostState;
  readonly valuations: ReadonlyMap<string, MovementValuation>;
  readonly changed: readonly string[];
  readonly differences: ReadonlyMap<string, ReadonlyMap<string, bigint>>;
  /** States after given movement ids (checkpoints the caller asked for), as copies. */
  readonly checkpoints: ReadonlyMap<string, CostState>;
}

/**
 * Options of `replayMovements`.
 *
 * @example
 * ```ts
 * const options: ReplayOptions = { kernel: fifoKernel, rounding: roundingCode("half-even"), booked: new Map(), newIds: new Set(["mv_9"]) };
 * ```
 */
export interface ReplayOptions {
  readonly kernel: ValuationKernel;
  readonly rounding: RoundingCode;
  /** What was booked for the movements already recorded (by id). */
  readonly booked: ReadonlyMap<string, BookedValuation>;
  /** The movements being recorded now (no booking to compare with). */
  readonly newIds: ReadonlySet<string>;
  /** Movement ids after which a copy of the state is wanted (checkpoints). */
  readonly checkpointAfter?: ReadonlySet<string>;
  /** Take a checkpoint every this many movements as well (or every `layers` movements when there are more layers). */
  readonly checkpointEvery?: number;
  /** Current cost and quantity of issues before the window that returns in it refer to. */
  readonly outsideCosts?: ReadonlyMap<string, { readonly cost: bigint; readonly qty: bigint }>;
  /** Record what each issue consumed (default true). */
  readonly explain?: boolean;
}

/**
 * Replays `movements` (sorted by position) from `start` (not modified), or returns where
 * history would go negative.
 *
 * @example
 * ```ts
 * const result = replayMovements(emptyCostState("fifo"), movements, options);
 * if ("negative" in result) throw new Error(result.negative.date);
 * ```
 */
export function replayMovements(start: CostState, movements: readonly ValuationInput[], options: ReplayOptions): ReplayResult | { readonly negative: NegativeHistory } {
  const { kernel, rounding, booked, newIds } = options;
  const state = cloneCostState(start);
  const valuations = new Map<string, MovementValuation>();
  const changed: string[] = [];
  const differences = new Map<string, Map<string, bigint>>();
  const checkpoints = new Map<string, CostState>();
  const explain = options.explain ?? true;
  const lookup = (id: string) => {
    const v = valuations.get(id);
    if (v === undefined) return options.outsideCosts?.get(id);
    const m = byId.get(id);
    return m === undefined ? undefined : { cost: v.amount, qty: m.qty };
  };
  const byId = new Map<string, ValuationInput>();
  let sinceCheckpoint = 0;
  for (const m of movements) {
    byId.set(m.id, m);
    if (m.effect === "out" && !m.allowNegative) {
      const onHand = onHandOf(state);
      if (onHand < m.qty) return { negative: { date: m.date, movementId: m.id, onHand, needed: m.qty } };
    }
    const before = booked.get(m.id);
    const v = valueMovement(kernel, state, m, rounding, lookup, explain, before?.amount ?? m.value);
    valuations.set(m.id, v);
    if (newIds.has(m.id) || before === undefined) {
      changed.push(m.id);
    } else if (accumulate(differences, m.date, before.postings, v.postings)) {
      changed.push(m.id);
    }
    sinceCheckpoint++;
    // A checkpoint costs O(layers): take them at most every `layers` movements, so their
    // total size stays proportional to the movements.
    if (options.checkpointAfter?.has(m.id) || (options.checkpointEvery !== undefined && sinceCheckpoint >= Math.max(options.checkpointEvery, state.layers.length - state.head + state.deficits.length))) {
      checkpoints.set(m.id, cloneCostState(state));
      sinceCheckpoint = 0;
    }
  }
  for (const [date, roles] of differences) {
    for (const [role, amount] of roles) if (amount === 0n) roles.delete(role);
    if (roles.size === 0) differences.delete(date);
  }
  return { state, valuations, changed, differences, checkpoints };
}

/** A revaluation with the new movements that arrived between its receipt and it added to `arrivedAfter`. */
function withAddedArrivals(m: ValuationInput, added: ArrivalIndex): ValuationInput {
  const rv = m.revalue!;
  const extra = added.between(rv.receiptPosition!, m.position);
  if (extra === 0n) return m;
  return { ...m, revalue: { ...rv, arrivedAfter: (rv.arrivedAfter ?? 0n) + extra } };
}

function accumulate(differences: Map<string, Map<string, bigint>>, date: string, before: Readonly<Record<string, bigint>>, after: Readonly<Record<string, bigint>>): boolean {
  let changed = false;
  let roles: Map<string, bigint> | undefined;
  for (const role in after) {
    const d = after[role]! - (before[role] ?? 0n);
    if (d === 0n) continue;
    changed = true;
    roles ??= differences.get(date) ?? new Map<string, bigint>();
    roles.set(role, (roles.get(role) ?? 0n) + d);
  }
  for (const role in before) {
    if (role in after) continue;
    const d = -before[role]!;
    if (d === 0n) continue;
    changed = true;
    roles ??= differences.get(date) ?? new Map<string, bigint>();
    roles.set(role, (roles.get(role) ?? 0n) + d);
  }
  if (roles !== undefined) differences.set(date, roles);
  return changed;
}

/**
 * `accumulate` with the booked postings of a plain receipt or issue given as figures:
 * `inventory` +amount and `role` −amount, the other way round for an `issue` (none when
 * `amount` is zero; `role` is not `inventory`).
 */
function accumulateTwo(differences: Map<string, Map<string, bigint>>, date: string, amount: bigint, issue: boolean, role: string, after: Readonly<Record<string, bigint>>): boolean {
  let changed = false;
  let roles: Map<string, bigint> | undefined;
  let sawInventory = false;
  let sawRole = false;
  for (const r in after) {
    const now = after[r]!;
    let d: bigint;
    if (r === "inventory") {
      d = issue ? now + amount : now - amount;
      sawInventory = true;
    } else if (r === role) {
      d = issue ? now - amount : now + amount;
      sawRole = true;
    } else d = now;
    if (d === 0n) continue;
    changed = true;
    roles ??= differences.get(date) ?? new Map<string, bigint>();
    roles.set(r, (roles.get(r) ?? 0n) + d);
  }
  if (amount !== 0n && (!sawInventory || !sawRole)) {
    changed = true;
    roles ??= differences.get(date) ?? new Map<string, bigint>();
    // What was booked and is no longer: reversed.
    if (!sawInventory) roles.set("inventory", (roles.get("inventory") ?? 0n) + (issue ? amount : -amount));
    if (!sawRole) roles.set(role, (roles.get(role) ?? 0n) + (issue ? -amount : amount));
  }
  if (roles !== undefined) differences.set(date, roles);
  return changed;
}

/** Recorded movements valued as one batch on the booked side of a re-derivation. */
const BOOKED_CHUNK = 1024;

/**
 * A movement a re-derivation valued differently from what was booked (or a new one), with
 * its position and its new valuation.
 *
 * @example
 * ```ts
 * const c: ChangedValuation = { id: "mv_9", position: "2026-01-02T00:00:00.000Z|mv_9", valuation: v, isNew: false };
 * ```
 */
export interface ChangedValuation {
  readonly id: string;
  readonly position: string;
  readonly valuation: MovementValuation;
  readonly isNew: boolean;
}

/**
 * The result of {@link rederive}: the state after the last movement, the movements whose
 * valuation is new or changed (in position order), the differences per date and role
 * (minor units, debit positive; each date sums to zero) and the checkpoints asked for.
 *
 * @example
 * ```ts
 * for (const c of result.changed) console.log(c.id, c.valuation.amount);
 * ```
 */
export interface RederiveResult {
  readonly state: CostState;
  readonly changed: readonly ChangedValuation[];
  readonly differences: ReadonlyMap<string, ReadonlyMap<string, bigint>>;
  /** States after given movement ids (checkpoints the caller asked for), in their stored form, with their positions. */
  readonly checkpoints: readonly { readonly id: string; readonly position: string; readonly state: CostStateJson }[];
}

/**
 * Options of {@link rederive}.
 *
 * @example
 * ```ts
 * const options: RederiveOptions = { kernel: fifoKernel, rounding: roundingCode("half-even"), checkpointEvery: 128 };
 * ```
 */
export interface RederiveOptions {
  readonly kernel: ValuationKernel;
  readonly rounding: RoundingCode;
  /** Movement ids after which a copy of the new state is wanted (checkpoints). */
  readonly checkpointAfter?: ReadonlySet<string>;
  /** Take a checkpoint every this many movements as well (or every `layers` movements when there are more layers). */
  readonly checkpointEvery?: number;
  /** Current cost and quantity of issues before the window that returns in it refer to. */
  readonly outsideCosts?: ReadonlyMap<string, { readonly cost: bigint; readonly qty: bigint }>;
  /** Issues that recorded movements of the window return at the cost of (`costOf`). */
  readonly referenced?: Iterable<string>;
}

/**
 * Re-derives a SKU in ONE pass: the recorded movements `recorded` (converted with
 * `inputOf` a chunk at a time, as they are reached; `options.referenced` names the issues
 * their returns refer to) and the new ones `added` (both sorted by position) are valued
 * twice — in a state without the new movements (what was booked: valuation is a
 * deterministic function of the recorded movements), each chunk of 1,024 recorded movements
 * as one {@link valueBatch} whose amounts are kept until the chunk is compared, and in a
 * state with them, merged on the fly movement by movement — so each movement's difference
 * is known the moment it is valued, without keeping every booked valuation in memory.
 * A moving-average revaluation in arrival order (`revalue.receiptPosition`) is given, in its
 * `arrivedAfter`, the units the recorded movements brought in after its receipt (what was
 * booked); in the new state the added movements between the receipt and it count as well.
 * Returns where history would go negative instead, when it would.
 *
 * @example
 * ```ts
 * const result = rederive(checkpoint, recorded, [backdated], { kernel: fifoKernel, rounding: roundingCode("half-even") });
 * if ("negative" in result) throw new Error(result.negative.date);
 * ```
 */
export function rederive<R = ValuationInput>(
  start: CostState,
  recorded: readonly R[],
  added: readonly ValuationInput[],
  options: RederiveOptions,
  inputOf: (recorded: R) => ValuationInput = (r) => r as unknown as ValuationInput,
): RederiveResult | { readonly negative: NegativeHistory } {
  const { kernel, rounding } = options;
  const booked = [cloneCostState(start)];
  const state = cloneCostState(start);
  const changed: ChangedValuation[] = [];
  const differences = new Map<string, Map<string, bigint>>();
  const checkpoints: { id: string; position: string; state: CostStateJson }[] = [];
  // Returns at the cost an issue left with: remember (in both states) only the issues a
  // movement of the window refers to.
  let referenced: Set<string> | undefined;
  for (const m of options.referenced ?? []) (referenced ??= new Set()).add(m);
  for (const m of added) if (m.costOf !== undefined) (referenced ??= new Set()).add(m.costOf.movementId);
  const bookedCosts = new Map<string, { cost: bigint; qty: bigint }>();
  const newCosts = new Map<string, { cost: bigint; qty: bigint }>();
  const outside = options.outsideCosts;
  const newLookup = (id: string) => newCosts.get(id) ?? outside?.get(id);
  const every = options.checkpointEvery;
  const after = options.checkpointAfter;
  let sinceCheckpoint = 0;
  // What was booked: the recorded movements valued alone, a chunk at a time, as a batch
  // (columns; converted to inputs as the chunk is reached, so their inputs die young). The
  // walk below values the merged sequence in the new state and compares each recorded
  // movement with the batch's figures.
  const batch = valuationBatch(Math.min(BOOKED_CHUNK, recorded.length));
  let chunkStart = 0;
  let chunkEnd = 0;
  // The index in the chunk of the first recorded movement the booked replay refused (−1: none).
  let bookedRefused = -1;
  // Referenced issues of the current chunk, by id: their booked cost is read from the batch.
  let chunkReferenced: Map<string, number> | undefined;
  const bookedLookup = (id: string) => {
    const k = chunkReferenced?.get(id);
    if (k !== undefined && k < batch.at) return { cost: batchAmount(batch, k), qty: batch.inputs[k]!.qty };
    return bookedCosts.get(id) ?? outside?.get(id);
  };
  const nextChunk = (): void => {
    chunkStart = chunkEnd;
    chunkEnd = Math.min(recorded.length, chunkStart + BOOKED_CHUNK);
    chunkReferenced?.clear();
    for (let k = 0; k < chunkEnd - chunkStart; k++) {
      const m = inputOf(recorded[chunkStart + k]!);
      setBatchMovement(batch, k, m);
      if (referenced?.has(m.id)) (chunkReferenced ??= new Map()).set(m.id, k);
    }
    batch.inputs.fill(undefined, chunkEnd - chunkStart);
    batch.length = chunkEnd - chunkStart;
    bookedRefused = valueBatch(kernel, booked, batch, rounding, bookedLookup);
    const valued = bookedRefused < 0 ? batch.length : bookedRefused;
    if (chunkReferenced !== undefined) for (const [id, k] of chunkReferenced) if (k < valued) bookedCosts.set(id, { cost: batchAmount(batch, k), qty: batch.inputs[k]!.qty });
  };
  let addedArrivals: ArrivalIndex | undefined;
  let i = 0;
  let j = 0;
  while (i < recorded.length || j < added.length) {
    if (i < recorded.length && i >= chunkEnd) nextChunk();
    const next = i < recorded.length ? batch.inputs[i - chunkStart]! : undefined;
    const isNew = j < added.length && (next === undefined || added[j]!.position < next.position);
    let m: ValuationInput;
    let k = -1;
    if (isNew) m = added[j++]!;
    else {
      m = next!;
      k = i - chunkStart;
      i++;
    }
    if (m.effect === "out" && !m.allowNegative) {
      const onHand = onHandOf(state);
      if (onHand < m.qty) return { negative: { date: m.date, movementId: m.id, onHand, needed: m.qty } };
    }
    // A revaluation splitting in arrival order counts the units that came in after its
    // receipt among the recorded movements (its `arrivedAfter`, what was booked); with the
    // new movements in place, those of them in between arrived after it too.
    if (m.effect === "revalue" && m.revalue?.receiptPosition !== undefined) m = withAddedArrivals(m, (addedArrivals ??= arrivalIndex(added.map((a) => a.position), added.map((a) => (a.effect === "in" ? a.qty : 0n)))));
    let v: MovementValuation;
    if (isNew) {
      v = valueMovement(kernel, state, m, rounding, newLookup, true, m.value);
      changed.push({ id: m.id, position: m.position, valuation: v, isNew: true });
    } else {
      invariant(k !== bookedRefused, `recorded history replays negative at ${m.id}`);
      // What was booked, from the batch: a plain receipt or issue as its amount (its postings
      // are inventory ±amount and the counter-role ∓amount), anything else as its valuation.
      const before = batch.generalCount === 0 ? undefined : batch.general[k];
      const amount = before === undefined ? batch.amount[k]! : before.amount;
      // A return whose issue lies outside the window keeps the value it was booked at; a
      // receipt valued at the current cost (a count gain, an adjustment without a unit cost)
      // takes the current cost of the re-derived history, as a full replay (the audit) does.
      v = valueMovement(kernel, state, m, rounding, newLookup, true, m.costOf !== undefined ? amount : m.value);
      const differs =
        before !== undefined
          ? accumulate(differences, m.date, before.postings, v.postings)
          : m.counterRole !== "inventory"
            ? accumulateTwo(differences, m.date, amount, m.effect === "out", m.counterRole, v.postings)
            : accumulate(differences, m.date, twoPostings(m.effect === "out" ? -amount : amount, m.counterRole), v.postings);
      if (differs) changed.push({ id: m.id, position: m.position, valuation: v, isNew: false });
    }
    if (referenced?.has(m.id)) newCosts.set(m.id, { cost: v.amount, qty: m.qty });
    sinceCheckpoint++;
    // A checkpoint costs O(layers): take them at most every `layers` movements, so their
    // total size stays proportional to the movements.
    if (after?.has(m.id) || (every !== undefined && sinceCheckpoint >= Math.max(every, state.layers.length - state.head + state.deficits.length))) {
      checkpoints.push({ id: m.id, position: m.position, state: costStateToJson(state) });
      sinceCheckpoint = 0;
    }
  }
  for (const [date, roles] of differences) {
    for (const [role, amount] of roles) if (amount === 0n) roles.delete(role);
    if (roles.size === 0) differences.delete(date);
  }
  return { state, changed, differences, checkpoints };
}
