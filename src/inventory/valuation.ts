import type { RoundingMode } from "../kernel/decimal.js";
import { invariant } from "../kernel/errors.js";
import { fifoKernel } from "./fifo.js";
import { movingAverageKernel } from "./moving-average.js";
import { standardCostKernel } from "./standard-cost.js";
import {
  type Consumption,
  type CostState,
  type CostingMethod,
  type Ratio,
  type RoundingCode,
  type TrueUp,
  type ValuationKernel,
  costAt,
  currentCost,
  issueStock,
  receiveStock,
  revalueStock,
  roundDiv,
  roundingCode,
} from "./valuation-kernel.js";

/*
 * One movement as valuation sees it, and the postings it books. The forward path (a
 * movement after everything recorded) and re-derivation (a back-dated one) both call
 * `valueMovement` — re-derivation's booked side through `valueBatch` (valuation-batch.ts),
 * whose inline moving-average arithmetic gives the same figures — so a movement is valued
 * the same way whichever path it took.
 */

/**
 * The valuation kernels by method; `overrides` replace some (tests inject a LIFO kernel).
 *
 * @example
 * ```ts
 * kernelFor("fifo").method; // "fifo"
 * ```
 */
export function kernelFor(method: CostingMethod, overrides?: Partial<Record<CostingMethod, ValuationKernel>>): ValuationKernel {
  const override = overrides?.[method];
  if (override !== undefined) return override;
  return method === "fifo" ? fifoKernel : method === "moving-average" ? movingAverageKernel : standardCostKernel;
}

/**
 * A movement's effect on valuation: `in` adds units at a value, `out` issues units at
 * cost, `revalue` changes the value of a receipt's units, `none` moves units between
 * locations without changing value.
 *
 * @example
 * ```ts
 * const effect: ValuationEffect = "out";
 * ```
 */
export type ValuationEffect = "in" | "out" | "revalue" | "none";

/**
 * A movement reduced to what valuation needs (scaled bigint quantities, minor-unit values).
 *
 * @example
 * ```ts
 * const m: ValuationInput = { id: "mv_1", position: "2026-01-01T00:00:00.000Z|mv_1", date: "2026-01-01", effect: "in", qty: 10_000_000n, counterRole: "grni", value: 2500n, allowNegative: false };
 * ```
 */
export interface ValuationInput {
  readonly id: string;
  /** The sort key: `${effectiveAtIso}|${movementId}`. */
  readonly position: string;
  /** The business date of the effective instant. */
  readonly date: string;
  readonly effect: ValuationEffect;
  /** Scaled quantity (> 0 for in/out). */
  readonly qty: bigint;
  /** `out`: the role debited with the cost; `in`: the role credited with the value. */
  readonly counterRole: string;
  /** `in`: the value in minor units; absent: at the current cost. */
  readonly value?: bigint | undefined;
  /** `in` at the cost `qty` units of an earlier issue left with (a customer return). */
  readonly costOf?: { readonly movementId: string } | undefined;
  /**
   * `revalue`: the receipt, its quantity, the amount and the role credited; `returnedQty`: of
   * those units, how many went back to the supplier before the amount was known (their share
   * goes to `purchase-price-difference`, where the supplier return's cost went, not to COGS).
   * `receiptPosition`: the receipt's position, on revaluations that split a moving-average
   * receipt in arrival order (recorded since that rule; absent on older ones, which count as
   * many of the receipt's units on hand as the pool holds). `arrivedAfter`: then, the units
   * that entered the stock after the receipt and before this revaluation (scaled; see
   * `revaluationArrivals`), which the caller works out: the pool's units are the last to arrive.
   */
  readonly revalue?:
    | {
        readonly movementId: string;
        readonly receiptQty: bigint;
        readonly amount: bigint;
        readonly againstRole: string;
        readonly returnedQty?: bigint | undefined;
        readonly receiptPosition?: string | undefined;
        readonly arrivedAfter?: bigint | undefined;
      }
    | undefined;
  /** Whether this issue may drive stock below zero. */
  readonly allowNegative: boolean;
  /** `revalue` of a standard-costed SKU to a new standard (unit cost ratio): stock on hand is revalued to it. */
  readonly restandard?: Ratio | undefined;
}

/**
 * What valuation booked for one movement: balanced role postings (minor units, debit
 * positive, `inventory` included), the cost of an issue or the value of a receipt, what
 * an issue consumed and the negative stock a receipt trued up.
 *
 * @example
 * ```ts
 * const v: MovementValuation = { postings: { inventory: -500n, cogs: 500n }, amount: 500n, variance: 0n, consumed: null, trueUps: [] };
 * ```
 */
export interface MovementValuation {
  readonly postings: Readonly<Record<string, bigint>>;
  /** Issue: its cost; receipt: the value received (what the counter-account is credited with); revaluation: the amount. */
  readonly amount: bigint;
  /** Receipt: value entering stock (standard: at standard, before true-ups). */
  readonly stockValue?: bigint;
  /** Standard-cost receipt: value − standard value; standard revaluation: the amount. */
  readonly variance: bigint;
  /** Revaluation: part on hand / sold. */
  readonly split?: { readonly onHand: bigint; readonly sold: bigint };
  readonly consumed: readonly Consumption[] | null;
  readonly trueUps: readonly TrueUp[];
}

/**
 * Looks up the cost an earlier issue booked and its quantity (for returns at the cost the
 * units left with); `undefined` when unknown.
 *
 * @example
 * ```ts
 * const lookup: IssueCostLookup = (id) => (id === "mv_2" ? { cost: 500n, qty: 2_000_000n } : undefined);
 * ```
 */
export type IssueCostLookup = (movementId: string) => { readonly cost: bigint; readonly qty: bigint } | undefined;

function add(postings: Record<string, bigint>, role: string, amount: bigint): void {
  if (amount === 0n) return;
  const next = (postings[role] ?? 0n) + amount;
  if (next === 0n) delete postings[role];
  else postings[role] = next;
}

/**
 * Values one movement against the working state (which it updates) and returns its postings.
 * The caller has checked negative stock.
 *
 * @example
 * ```ts
 * const v = valueMovement(fifoKernel, state, movement, roundingCode("half-even"), () => undefined, false);
 * v.postings.inventory; // what the Inventory account moves by
 * ```
 */
export function valueMovement(kernel: ValuationKernel, state: CostState, m: ValuationInput, rounding: RoundingCode, lookup: IssueCostLookup, explain: boolean, fallbackValue?: bigint, scratch?: ValuationScratch): MovementValuation {
  // Small enough to be inlined into the caller's loop, with the hot path; the rest is a call.
  if (!explain && kernel === movingAverageKernel && state.deficits.length === 0) {
    const fast = movingAverageFast(state, m, rounding, scratch);
    if (fast !== undefined) return fast;
  }
  return valueGeneral(kernel, state, m, rounding, lookup, explain, fallbackValue);
}

/** {@link valueMovement} off the moving-average hot path. */
function valueGeneral(kernel: ValuationKernel, state: CostState, m: ValuationInput, rounding: RoundingCode, lookup: IssueCostLookup, explain: boolean, fallbackValue: bigint | undefined): MovementValuation {
  const postings: Record<string, bigint> = {};
  switch (m.effect) {
    case "in": {
      let value = m.value;
      if (m.costOf !== undefined) {
        const issued = lookup(m.costOf.movementId);
        if (issued !== undefined) value = issued.qty === m.qty ? issued.cost : roundDiv(issued.cost * m.qty, issued.qty, rounding);
        else value = fallbackValue ?? value;
      }
      if (value === undefined) value = fallbackValue ?? currentCost(state, m.qty, rounding);
      const r = receiveStock(kernel, state, m.qty, value, m.id, rounding);
      if (r.variance === 0n && r.trueUps.length === 0) {
        // The common case, without the generic accumulation below (hot loop).
        if (value !== 0n) {
          postings["inventory"] = value;
          postings[m.counterRole] = -value;
        }
      } else {
        add(postings, "inventory", r.inventory);
        add(postings, m.counterRole, -value);
        add(postings, "purchase-price-variance", r.variance);
        for (const t of r.trueUps) add(postings, t.counterRole, t.amount);
      }
      return { postings, amount: value, stockValue: value - r.variance, variance: r.variance, consumed: null, trueUps: r.trueUps };
    }
    case "out": {
      const r = issueStock(kernel, state, m.qty, m.id, m.counterRole, rounding, explain);
      if (r.cost !== 0n) {
        postings["inventory"] = -r.cost;
        postings[m.counterRole] = r.cost;
      }
      return { postings, amount: r.cost, variance: 0n, consumed: r.consumed, trueUps: [] };
    }
    case "revalue": {
      if (m.restandard !== undefined) {
        const diff = restandardStock(state, m.restandard, rounding);
        add(postings, "inventory", diff);
        add(postings, m.counterRole, -diff);
        return { postings, amount: diff, variance: 0n, consumed: null, trueUps: [] };
      }
      const rv = m.revalue!;
      // The share of units sent back to the supplier is not the stock's nor sold: it stays a
      // purchase price difference, as it would had the amount been known before the return
      // (the return takes the units out at their cost against that account). Standard cost
      // books the whole amount as a variance, as it would have before the return.
      const returnedQty = rv.returnedQty === undefined || rv.returnedQty <= 0n || state.method === "standard" ? 0n : rv.returnedQty < rv.receiptQty ? rv.returnedQty : rv.receiptQty;
      const returned = returnedQty === 0n ? 0n : returnedQty === rv.receiptQty ? rv.amount : roundDiv(rv.amount * returnedQty, rv.receiptQty, rounding);
      const kept = rv.receiptQty - returnedQty;
      // Moving average in arrival order: the caller counted the units that came in after the receipt.
      invariant(rv.receiptPosition === undefined || rv.arrivedAfter !== undefined || state.method !== "moving-average", `revaluation ${m.id} splits in arrival order but was not given the units that arrived after receipt ${rv.movementId}`);
      const split = kept === 0n ? { onHand: 0n, sold: 0n, variance: 0n } : revalueStock(kernel, state, rv.movementId, kept, rv.amount - returned, rounding, rv.receiptPosition === undefined ? undefined : rv.arrivedAfter);
      add(postings, "inventory", split.onHand);
      add(postings, "cogs", split.sold);
      add(postings, "purchase-price-difference", returned);
      add(postings, "purchase-price-variance", split.variance);
      add(postings, rv.againstRole, -rv.amount);
      return { postings, amount: rv.amount, variance: split.variance, split: { onHand: split.onHand, sold: split.sold }, consumed: null, trueUps: [] };
    }
    default:
      return { postings, amount: 0n, variance: 0n, consumed: null, trueUps: [] };
  }
}

const NO_POSTINGS: Readonly<Record<string, bigint>> = Object.freeze({});
const NO_TRUE_UPS: readonly TrueUp[] = Object.freeze([]);

/**
 * Postings of a plain receipt or issue: `inventory` moves by `stock`, the counter-role by its
 * opposite (none when `stock` is zero).
 *
 * @example
 * ```ts
 * twoPostings(-500n, "cogs"); // { inventory: -500n, cogs: 500n }
 * ```
 */
export function twoPostings(stock: bigint, counterRole: string): Record<string, bigint> {
  const postings: Record<string, bigint> = {};
  if (stock !== 0n) {
    postings["inventory"] = stock;
    postings[counterRole] = -stock;
  }
  return postings;
}

/**
 * A valuation that callers who read each movement's valuation before valuing the next
 * (a replay one movement at a time; re-derivation now values what was booked as a batch,
 * see `valueBatch`) hand to {@link valueMovement}: the
 * moving-average hot path fills it in place instead of allocating. It records a plain
 * receipt or issue as its `amount`, whether it is an `issue` and its counter-`role`: the
 * postings are `inventory` +amount and `role` −amount (the other way round for an issue).
 * `stock`, `stockValue` and the `postings` record are worked out when read (the record one
 * per counter-role, refilled in place); a caller that only needs the figures compares
 * `amount`, `issue` and `role` and never builds it. What it holds is
 * valid until the next call that is given it.
 *
 * @example
 * ```ts
 * const scratch = valuationScratch();
 * const v = valueMovement(movingAverageKernel, state, movement, rounding, () => undefined, false, undefined, scratch);
 * scratch.issue ? -scratch.amount : scratch.amount; // what `inventory` moves by
 * ```
 */
export interface ValuationScratch {
  /** `{ inventory: stock, [role]: −stock }` (none when `amount` is zero), made when read. */
  readonly postings: Readonly<Record<string, bigint>>;
  /** Receipt: its value; issue: its cost. */
  amount: bigint;
  /** An issue (`inventory` is credited) rather than a receipt. */
  issue: boolean;
  /** The counter-role. */
  role: string;
  /** What `inventory` moves by: +value of a receipt, −cost of an issue. */
  readonly stock: bigint;
  /** Receipt: the value entering stock; issue: undefined. */
  readonly stockValue: bigint | undefined;
  readonly variance: bigint;
  readonly consumed: null;
  readonly trueUps: readonly TrueUp[];
}

/**
 * The scratch valuation: three fields written by the hot path (the amount, whether it is an
 * issue, the counter-role; a boolean stores without a write barrier), the rest derived.
 */
class Scratch implements ValuationScratch {
  amount = 0n;
  issue = false;
  role = "";
  readonly variance = 0n;
  readonly consumed = null;
  readonly trueUps: readonly TrueUp[] = NO_TRUE_UPS;
  /** One postings record per counter-role, refilled in place when read. */
  private readonly byRole = new Map<string, Record<string, bigint>>();

  get stock(): bigint {
    return this.issue ? -this.amount : this.amount;
  }

  get stockValue(): bigint | undefined {
    return this.issue ? undefined : this.amount;
  }

  get postings(): Readonly<Record<string, bigint>> {
    if (this.amount === 0n) return NO_POSTINGS;
    const stock = this.stock;
    const role = this.role;
    let postings = this.byRole.get(role);
    if (postings === undefined) {
      postings = { inventory: 0n, [role]: 0n };
      this.byRole.set(role, postings);
    }
    postings["inventory"] = stock;
    postings[role] = -stock;
    return postings;
  }
}

/**
 * A fresh {@link ValuationScratch}.
 *
 * @example
 * ```ts
 * const scratch = valuationScratch();
 * ```
 */
export function valuationScratch(): ValuationScratch {
  return new Scratch();
}

/**
 * The moving-average hot path: a receipt at a known value or an issue the pool covers, with
 * no negative stock waiting to be trued up and nothing to explain (the caller checked
 * both). The pool is the state's own `qty` and `value`: each is read once and written once,
 * and no kernel result, consumption list or last-unit ratio is allocated; given a scratch
 * no valuation either. Anything else returns `undefined` and takes the general path, which
 * gives the same figures (a property test).
 */
function movingAverageFast(state: CostState, m: ValuationInput, rounding: RoundingCode, scratch: ValuationScratch | undefined): MovementValuation | undefined {
  if (m.effect === "out") {
    const qty = m.qty;
    const poolQty = state.qty;
    // Beyond the pool, the general path issues the rest into negative stock (where allowed).
    if (poolQty < qty) return undefined;
    const poolValue = state.value;
    const cost = qty === poolQty ? poolValue : roundDiv(poolValue * qty, poolQty, rounding);
    state.qty = poolQty - qty;
    state.value = poolValue - cost;
    if (scratch !== undefined) {
      scratch.amount = cost;
      scratch.issue = true;
      scratch.role = m.counterRole;
      return scratch as unknown as MovementValuation;
    }
    return { postings: twoPostings(-cost, m.counterRole), amount: cost, variance: 0n, consumed: null, trueUps: NO_TRUE_UPS };
  }
  if (m.effect === "in" && m.value !== undefined && m.costOf === undefined && state.method === "moving-average") {
    const value = m.value;
    state.qty += m.qty;
    state.value += value;
    // The last unit cost is the receipt's value over its quantity: the input itself is that
    // ratio, one store instead of two (`setLastUnit` never changes a ratio the state does not own).
    state.lastUnit = m as Ratio;
    if (scratch !== undefined) {
      scratch.amount = value;
      scratch.issue = false;
      scratch.role = m.counterRole;
      return scratch as unknown as MovementValuation;
    }
    return { postings: twoPostings(value, m.counterRole), amount: value, stockValue: value, variance: 0n, consumed: null, trueUps: NO_TRUE_UPS };
  }
  return undefined;
}

/**
 * A new standard cost: the pool on hand is revalued to it (its value becomes the new
 * standard × the quantity on hand; negative stock has no pool and keeps its booked value)
 * and later movements use it. Returns the change of the stock value.
 *
 * @example
 * ```ts
 * restandardStock(state, unitCostRatio("5", 2), roundingCode("half-even")); // +100n when 10 units move from 4.90 to 5.00
 * ```
 */
export function restandardStock(state: CostState, standard: Ratio, rounding: RoundingCode): bigint {
  (state as { standard: Ratio | null }).standard = standard;
  // The pool is the state's own quantity and value; with negative stock it is empty.
  if (state.qty <= 0n) return 0n;
  const diff = costAt(standard, state.qty, rounding) - state.value;
  state.value += diff;
  return diff;
}

/**
 * The integer rounding code of the configured mode (re-exported for callers of the kernel).
 *
 * @example
 * ```ts
 * roundingFor("half-even"); // 1
 * ```
 */
export function roundingFor(mode: RoundingMode): RoundingCode {
  return roundingCode(mode);
}
