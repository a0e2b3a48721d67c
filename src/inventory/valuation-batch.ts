import { invariant } from "../kernel/errors.js";
import { movingAverageKernel } from "./moving-average.js";
import { type CostState, type RoundingCode, type ValuationKernel, onHandOf, roundDiv, setLastUnit } from "./valuation-kernel.js";
import { type IssueCostLookup, type MovementValuation, type ValuationInput, valueMovement } from "./valuation.js";

/*
 * Valuing movements as COLUMNS. A replay that values many movements in a row (re-derivation's
 * booked side) carries them as typed arrays — an effect code, the scaled quantity and the
 * value as 64-bit integers, the cost state each applies to — and writes each movement's
 * amount into an output column. Moving-average receipts at a known value and issues the pool
 * covers (the plain movements) take inline arithmetic on the pools, which the batch holds in
 * flat arrays for the length of the call and writes back to the cost states; anything else
 * goes through `valueMovement` with the movement's input object and gives what it gives
 * there. Same figures either way (a property test): the columns only save reading a
 * movement object and a cost-state object per movement.
 */

/** Batch code: the movement takes `valueMovement` with its input object. @example `BATCH_GENERAL === 0` */
export const BATCH_GENERAL = 0;
/** Batch code: a receipt at a known value (no return at an issue's cost). @example `BATCH_RECEIPT === 1` */
export const BATCH_RECEIPT = 1;
/** Batch code: an issue that may not drive stock below zero. @example `BATCH_ISSUE === 2` */
export const BATCH_ISSUE = 2;
/** Batch code: an issue allowed to drive stock below zero (inline only while the pool covers it). @example `BATCH_ISSUE_NEGATIVE === 3` */
export const BATCH_ISSUE_NEGATIVE = 3;

const INT64_MAX = 9_223_372_036_854_775_807n;
const INT64_MIN = -9_223_372_036_854_775_808n;

/**
 * Movements as columns, and the amounts valuing them gives. Fill movement `i` with
 * {@link setBatchMovement} (or write the columns directly, `inputs[i]` included: any
 * movement leaves the plain path when its state cannot take it inline), set `length`, then
 * call {@link valueBatch}. After it, `amount[i]` is what
 * movement `i` booked — an issue's cost, a receipt's value — and its postings are
 * `inventory` ±amount and its counter-role ∓amount (− for an issue), except for the
 * movements that took `valueMovement`: their full valuation is `general[i]` (read the
 * amount with {@link batchAmount}). The columns are reused from one call to the next.
 *
 * @example
 * ```ts
 * const batch = valuationBatch(1024);
 * setBatchMovement(batch, 0, receipt);
 * setBatchMovement(batch, 1, issue);
 * batch.length = 2;
 * valueBatch(movingAverageKernel, [state], batch, roundingCode("half-even"), () => undefined);
 * batch.amount[1]; // the issue's cost
 * ```
 */
export interface ValuationBatch {
  /** How many movements (from index 0) the next {@link valueBatch} values. */
  length: number;
  /** `BATCH_GENERAL`, `BATCH_RECEIPT`, `BATCH_ISSUE` or `BATCH_ISSUE_NEGATIVE` per movement. */
  readonly code: Uint8Array;
  /** The index, in the `states` given to {@link valueBatch}, of the cost state each movement applies to. */
  readonly state: Int32Array;
  /** Scaled quantity (> 0) of a receipt or issue. */
  readonly qty: BigInt64Array;
  /** Receipt: its value in minor units. */
  readonly value: BigInt64Array;
  /** The movements as objects: what `valueMovement` is given for a movement off the plain path. */
  readonly inputs: (ValuationInput | undefined)[];
  /** Output: the amount each movement booked (see {@link batchAmount}). */
  readonly amount: BigInt64Array;
  /** Output: the valuation of each movement that took `valueMovement`, by index (undefined for the others). */
  readonly general: (MovementValuation | undefined)[];
  /** Output: how many movements took `valueMovement` (none: `general` is all undefined). */
  generalCount: number;
  /** While a movement takes `valueMovement` (its lookup may read earlier amounts): its index. */
  at: number;
}

/**
 * An empty batch for up to `capacity` movements.
 *
 * @example
 * ```ts
 * const batch = valuationBatch(1024);
 * ```
 */
export function valuationBatch(capacity: number): ValuationBatch {
  return {
    length: 0,
    code: new Uint8Array(capacity),
    state: new Int32Array(capacity),
    qty: new BigInt64Array(capacity),
    value: new BigInt64Array(capacity),
    inputs: new Array<ValuationInput | undefined>(capacity).fill(undefined),
    amount: new BigInt64Array(capacity),
    general: new Array<MovementValuation | undefined>(capacity).fill(undefined),
    generalCount: 0,
    at: -1,
  };
}

const fits = (n: bigint): boolean => n <= INT64_MAX && n >= INT64_MIN;

/**
 * Writes movement `input` at index `i` of the batch, on the cost state `stateIndex`: a plain
 * receipt or issue (nothing but a quantity and, for a receipt, a known value, both within 64
 * bits) gets its code and figures; anything else (a return at an issue's cost, a revaluation,
 * a receipt at the current cost, a transfer) is `BATCH_GENERAL`.
 *
 * @example
 * ```ts
 * setBatchMovement(batch, 0, valuationInputOf(record));
 * ```
 */
export function setBatchMovement(batch: ValuationBatch, i: number, input: ValuationInput, stateIndex = 0): void {
  batch.inputs[i] = input;
  batch.state[i] = stateIndex;
  let code = BATCH_GENERAL;
  const qty = input.qty;
  if (qty > 0n && qty <= INT64_MAX && input.costOf === undefined && input.revalue === undefined && input.restandard === undefined) {
    if (input.effect === "in") {
      const value = input.value;
      if (value !== undefined && fits(value)) {
        code = BATCH_RECEIPT;
        batch.value[i] = value;
      }
    } else if (input.effect === "out") code = input.allowNegative ? BATCH_ISSUE_NEGATIVE : BATCH_ISSUE;
  }
  batch.code[i] = code;
  if (code !== BATCH_GENERAL) batch.qty[i] = qty;
}

/**
 * The amount movement `i` booked in the last {@link valueBatch}.
 *
 * @example
 * ```ts
 * batchAmount(batch, 3); // 500n
 * ```
 */
export function batchAmount(batch: ValuationBatch, i: number): bigint {
  const v = batch.general[i];
  return v === undefined ? batch.amount[i]! : v.amount;
}

/**
 * Values movements `0 … batch.length − 1` in order against `states` (which it updates, as
 * `valueMovement` would one movement at a time), writing `batch.amount` and `batch.general`.
 * A movement off the plain path is valued by `valueMovement(kernel, state, input, rounding,
 * lookup, false, input.value)` (nothing is explained). Stops before an issue that may not
 * drive stock below zero and finds less on hand, and returns its index (the states are as
 * they were before it); returns −1 when every movement was valued.
 *
 * @example
 * ```ts
 * const refused = valueBatch(movingAverageKernel, states, batch, roundingCode("half-even"), () => undefined);
 * if (refused >= 0) throw new Error(`negative at ${batch.inputs[refused]!.id}`);
 * ```
 */
export function valueBatch(kernel: ValuationKernel, states: readonly CostState[], batch: ValuationBatch, rounding: RoundingCode, lookup: IssueCostLookup): number {
  const n = batch.length;
  const { code, state: stateOf, qty, value, amount, general } = batch;
  if (batch.generalCount > 0) general.fill(undefined);
  batch.generalCount = 0;
  if (kernel !== movingAverageKernel) {
    // No pool to value inline: every movement takes `valueMovement`.
    for (let i = 0; i < n; i++) if (!valueGeneral(kernel, states[stateOf[i]!]!, batch, i, rounding, lookup)) return i;
    return -1;
  }
  // The pools, flat, for the length of the call. A state whose receipts and issues may take
  // the inline path (`inline[s]`) has its pool here and is written back at the end and before
  // any of its movements takes `valueMovement`; the others are valued on the state itself.
  const count = states.length;
  const poolQty: bigint[] = new Array<bigint>(count);
  const poolValue: bigint[] = new Array<bigint>(count);
  const inline = new Uint8Array(count);
  // The last receipt of each pool (its value over its quantity is the last unit cost), −1: none since written back.
  const lastIn = new Int32Array(count).fill(-1);
  const load = (s: number): void => {
    const st = states[s]!;
    inline[s] = st.method === "moving-average" && st.deficits.length === 0 ? 1 : 0;
    poolQty[s] = st.qty;
    poolValue[s] = st.value;
  };
  const writeBack = (s: number): void => {
    const st = states[s]!;
    st.qty = poolQty[s]!;
    st.value = poolValue[s]!;
    const last = lastIn[s]!;
    if (last >= 0) {
      setLastUnit(st, value[last]!, qty[last]!);
      lastIn[s] = -1;
    }
  };
  for (let s = 0; s < count; s++) load(s);
  let refused = -1;
  for (let i = 0; i < n; i++) {
    const c = code[i]!;
    const s = stateOf[i]!;
    const pooled = inline[s] === 1;
    if (pooled && c !== BATCH_GENERAL) {
      if (c === BATCH_RECEIPT) {
        const v = value[i]!;
        poolQty[s] = poolQty[s]! + qty[i]!;
        poolValue[s] = poolValue[s]! + v;
        lastIn[s] = i;
        amount[i] = v;
        continue;
      }
      const q = qty[i]!;
      const pq = poolQty[s]!;
      if (pq >= q) {
        const pv = poolValue[s]!;
        const cost = q === pq ? pv : roundDiv(pv * q, pq, rounding);
        if (cost <= INT64_MAX && cost >= INT64_MIN) {
          poolQty[s] = pq - q;
          poolValue[s] = pv - cost;
          amount[i] = cost;
          continue;
        }
      } else if (c === BATCH_ISSUE) {
        // No negative stock waiting: on hand is the pool.
        refused = i;
        break;
      }
    }
    if (pooled) writeBack(s);
    if (!valueGeneral(kernel, states[s]!, batch, i, rounding, lookup)) {
      if (pooled) load(s);
      refused = i;
      break;
    }
    load(s);
  }
  for (let s = 0; s < count; s++) if (inline[s] === 1) writeBack(s);
  return refused;
}

/** Movement `i` through `valueMovement` on its state; false (and nothing valued) when it is an issue refused for want of stock. */
function valueGeneral(kernel: ValuationKernel, st: CostState, batch: ValuationBatch, i: number, rounding: RoundingCode, lookup: IssueCostLookup): boolean {
  const m = batch.inputs[i];
  invariant(m !== undefined, `movement ${i} of a valuation batch has no input`);
  if (m.effect === "out" && !m.allowNegative && onHandOf(st) < m.qty) return false;
  batch.at = i;
  const v = valueMovement(kernel, st, m, rounding, lookup, false, m.value);
  batch.at = -1;
  batch.general[i] = v;
  batch.generalCount++;
  batch.amount[i] = fits(v.amount) ? v.amount : 0n;
  return true;
}
