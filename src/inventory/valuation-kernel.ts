import type { RoundingMode } from "../kernel/decimal.js";
import { StorekeepError, invariant } from "../kernel/errors.js";

/*
 * The valuation kernel: scaled bigint arithmetic shared by FIFO, moving average and
 * standard cost. Quantities are integers of 10⁻⁶ units (BOUNDS.quantity has 6 decimals),
 * values are integers of the functional currency's minor unit. Nothing here builds a
 * Decimal: the hot loops of valuation (1M movements) stay in bigint and convert at the
 * edges (see `parseScaled` / `formatScaled`).
 *
 * The state functions mutate a working `CostState` that their caller owns (copy it first
 * with `cloneCostState` when the original must survive): copying layer arrays on every
 * movement would make valuation quadratic.
 */

/** Quantities are carried as integers of 10⁻⁶ units. @example `QUANTITY_SCALE === 1_000_000n` */
export const QUANTITY_SCALE = 1_000_000n;
/** Number of decimals of a scaled quantity. @example `QUANTITY_DECIMALS === 6` */
export const QUANTITY_DECIMALS = 6;

/**
 * The costing methods.
 *
 * @example
 * ```ts
 * const method: CostingMethod = "fifo";
 * ```
 */
export type CostingMethod = "fifo" | "moving-average" | "standard";

/**
 * A unit cost as a ratio: the cost of `q` scaled units is `round(value × q / qty)` minor units.
 *
 * @example
 * ```ts
 * const lastCost: Ratio = { value: 250n, qty: 1_000_000n }; // 2.50 a unit in cents
 * ```
 */
export interface Ratio {
  readonly value: bigint;
  readonly qty: bigint;
}

/**
 * A FIFO layer (or the moving-average / standard pool): scaled quantity, value in minor
 * units, and the movement that created it.
 *
 * @example
 * ```ts
 * const layer: Layer = { qty: 10_000_000n, value: 2500n, movementId: "mv_1" };
 * ```
 */
export interface Layer {
  qty: bigint;
  value: bigint;
  movementId: string;
}

/**
 * Units issued beyond what was on hand (negative stock), booked at the last known cost and
 * trued up by the next receipt.
 *
 * @example
 * ```ts
 * const deficit: Deficit = { qty: 1_000_000n, value: 250n, movementId: "mv_9", counterRole: "cogs" };
 * ```
 */
export interface Deficit {
  qty: bigint;
  value: bigint;
  movementId: string;
  counterRole: string;
}

/**
 * The working cost state of one SKU. On hand = `qty − deficitQty` (only one of them is
 * non-zero); stock value = `value − deficitValue`. FIFO keeps its layers in `layers`
 * (their totals in `qty` and `value`); moving average and standard cost keep their one
 * pool in `qty` and `value` themselves and have no layers, so valuing a movement touches
 * one object and no total is kept twice (see `liveLayers` in valuation-kernel.ts).
 *
 * @example
 * ```ts
 * const state = emptyCostState("fifo");
 * ```
 */
export interface CostState {
  method: CostingMethod;
  /** FIFO: layers oldest first from `head`; moving average and standard: none (the pool is `qty` and `value`). */
  layers: Layer[];
  head: number;
  qty: bigint;
  value: bigint;
  deficits: Deficit[];
  deficitQty: bigint;
  deficitValue: bigint;
  /** The last known unit cost (issues into negative stock use it). */
  lastUnit: Ratio | null;
  /** Standard cost per unit, as a ratio over scaled quantities. */
  standard: Ratio | null;
}

/**
 * Whether a costing method holds its stock in one pool (the state's own `qty` and `value`)
 * rather than in layers.
 *
 * @example
 * ```ts
 * isPoolMethod("moving-average"); // true
 * isPoolMethod("fifo"); // false
 * ```
 */
export function isPoolMethod(method: CostingMethod): boolean {
  return method !== "fifo";
}

/**
 * The layers a state holds from `head` on, oldest first: FIFO's own layers, or the pool of a
 * moving-average or standard state as one layer named `"pool"` (none when it is empty).
 * What is stored and reported; the kernels work on the state directly.
 *
 * @example
 * ```ts
 * liveLayers(state); // [{ qty: 10_000_000n, value: 2500n, movementId: "pool" }]
 * ```
 */
export function liveLayers(state: CostState): readonly Layer[] {
  if (!isPoolMethod(state.method)) return state.head === 0 ? state.layers : state.layers.slice(state.head);
  return state.qty === 0n && state.value === 0n ? [] : [{ qty: state.qty, value: state.value, movementId: "pool" }];
}

/**
 * What an issue consumed from one layer.
 *
 * @example
 * ```ts
 * const part: Consumption = { layer: "mv_1", qty: 2_000_000n, value: 500n };
 * ```
 */
export interface Consumption {
  /** The movement that created the layer, `"pool"` for a pool, `"negative"` for units issued into negative stock. */
  readonly layer: string;
  readonly qty: bigint;
  readonly value: bigint;
}

/**
 * A true-up of units issued into negative stock, booked when a receipt filled them:
 * `amount` (minor units, positive = the units cost more than booked) moves between
 * `inventory` and the deficit's counter-account.
 *
 * @example
 * ```ts
 * const t: TrueUp = { movementId: "mv_9", counterRole: "cogs", qty: 1_000_000n, amount: 12n };
 * ```
 */
export interface TrueUp {
  readonly movementId: string;
  readonly counterRole: string;
  readonly qty: bigint;
  readonly amount: bigint;
}

/**
 * The method-specific half of valuation: how stock is held and taken. The shared half
 * (negative stock, true-ups, standard variances) is in `receiveStock` and
 * `issueStock`. Tests inject a wrong kernel (LIFO) to prove the model check catches it.
 *
 * @example
 * ```ts
 * const kernel: ValuationKernel = fifoKernel;
 * ```
 */
export interface ValuationKernel {
  readonly method: CostingMethod;
  /** Adds `qty > 0` units worth `value` (the state has no deficit). */
  addStock(state: CostState, qty: bigint, value: bigint, movementId: string): void;
  /** Takes `0 < qty ≤ state.qty` units and returns their cost; lists what it consumed into `out` when given. */
  takeStock(state: CostState, qty: bigint, rounding: RoundingCode, out: Consumption[] | null): bigint;
  /**
   * Applies a price difference `amount` (minor units) on the receipt `movementId` of
   * `receiptQty` units: the part still on hand raises the stock, and is returned; the rest
   * was sold. `arrivedAfter` (a pool method): the units that entered the stock after the
   * receipt and before the revaluation — units leave in arrival order, so at most the pool
   * less them are the receipt's; absent, as many of the receipt's units as the pool holds
   * count as on hand (revaluations recorded before arrival order was kept).
   */
  revalueReceipt(state: CostState, movementId: string, receiptQty: bigint, amount: bigint, rounding: RoundingCode, arrivedAfter?: bigint): bigint;
}

/** A rounding mode as a small integer, for the hot loop. @example `roundingCode("half-even")` */
export type RoundingCode = 0 | 1 | 2 | 3 | 4 | 5 | 6;

const ROUNDING_CODES: Record<RoundingMode, RoundingCode> = { "half-up": 0, "half-even": 1, "half-down": 2, up: 3, down: 4, ceil: 5, floor: 6 };

/**
 * The integer code of a rounding mode.
 *
 * @example
 * ```ts
 * roundingCode("half-up"); // 0
 * ```
 */
export function roundingCode(mode: RoundingMode): RoundingCode {
  return ROUNDING_CODES[mode];
}

/**
 * `numerator / denominator` rounded to an integer under `rounding` (exact: bigint).
 *
 * @example
 * ```ts
 * roundDiv(5n, 2n, roundingCode("half-even")); // 2n
 * roundDiv(-5n, 2n, roundingCode("half-up")); // -3n
 * ```
 */
export function roundDiv(numerator: bigint, denominator: bigint, rounding: RoundingCode): bigint {
  if (denominator <= 0n) {
    invariant(denominator !== 0n, "roundDiv by zero");
    numerator = -numerator;
    denominator = -denominator;
  }
  const quotient = numerator / denominator;
  // BigInt % truncates like /, so this is numerator − quotient × denominator in one operation.
  const remainder = numerator % denominator;
  if (remainder === 0n) return quotient;
  const negative = numerator < 0n;
  const twice = (negative ? -remainder : remainder) * 2n;
  let away: boolean;
  switch (rounding) {
    case 0:
      away = twice >= denominator;
      break;
    case 1:
      away = twice > denominator || (twice === denominator && quotient % 2n !== 0n);
      break;
    case 2:
      away = twice > denominator;
      break;
    case 3:
      away = true;
      break;
    case 4:
      away = false;
      break;
    case 5:
      away = !negative;
      break;
    default:
      away = negative;
  }
  if (!away) return quotient;
  return negative ? quotient - 1n : quotient + 1n;
}

/**
 * The cost of `qty` scaled units at a unit-cost ratio.
 *
 * @example
 * ```ts
 * costAt({ value: 250n, qty: 1_000_000n }, 3_000_000n, roundingCode("half-even")); // 750n
 * ```
 */
export function costAt(unit: Ratio, qty: bigint, rounding: RoundingCode): bigint {
  if (unit.qty === 0n) return 0n;
  return roundDiv(unit.value * qty, unit.qty, rounding);
}

/**
 * A unit cost in major units with up to 6 decimals (`"2.345"`) as a {@link Ratio} over scaled
 * quantities in minor units of a currency with `minorDigits` decimals.
 *
 * @example
 * ```ts
 * unitCostRatio("2.5", 2); // cost of q scaled units = round(q × 2500000 × 100 / 10¹²)
 * ```
 */
export function unitCostRatio(unitCost: string, minorDigits: number): Ratio {
  return { value: parseScaled(unitCost, 6) * 10n ** BigInt(minorDigits), qty: QUANTITY_SCALE * 1_000_000n };
}

/**
 * Parses a plain decimal string into an integer scaled by 10^decimals, exactly. Throws a
 * `VALIDATION_FAILED` error when it has more decimals.
 *
 * @example
 * ```ts
 * parseScaled("-12.5", 2); // -1250n
 * ```
 */
export function parseScaled(text: string, decimals: number): bigint {
  const negative = text.startsWith("-");
  const body = negative || text.startsWith("+") ? text.slice(1) : text;
  const dot = body.indexOf(".");
  const integerPart = dot < 0 ? body : body.slice(0, dot);
  let fraction = dot < 0 ? "" : body.slice(dot + 1).replace(/0+$/, "");
  if (!/^\d+$/.test(integerPart) || (fraction !== "" && !/^\d+$/.test(fraction))) {
    throw new StorekeepError("VALIDATION_FAILED", `"${text}" is not a plain decimal number.`, { issues: [{ path: "", message: "not a decimal", code: "custom" }] });
  }
  if (fraction.length > decimals) {
    throw new StorekeepError("VALIDATION_FAILED", `${text} has more than ${decimals} decimals; round it first.`, { issues: [{ path: "", message: `at most ${decimals} decimals`, code: "custom" }] });
  }
  fraction = fraction.padEnd(decimals, "0");
  const units = BigInt(integerPart + fraction);
  return negative ? -units : units;
}

/**
 * Formats an integer scaled by 10^decimals as a canonical decimal string.
 *
 * @example
 * ```ts
 * formatScaled(-1250n, 2); // "-12.5"
 * ```
 */
export function formatScaled(units: bigint, decimals: number): string {
  if (units === 0n) return "0";
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(decimals + 1, "0");
  const integerPart = digits.slice(0, digits.length - decimals);
  const fraction = digits.slice(digits.length - decimals).replace(/0+$/, "");
  return `${negative ? "-" : ""}${integerPart}${fraction === "" ? "" : `.${fraction}`}`;
}

/**
 * A fresh, empty cost state.
 *
 * @example
 * ```ts
 * const state = emptyCostState("standard", unitCostRatio("4", 2));
 * ```
 */
export function emptyCostState(method: CostingMethod, standard: Ratio | null = null): CostState {
  return { method, layers: [], head: 0, qty: 0n, value: 0n, deficits: [], deficitQty: 0n, deficitValue: 0n, lastUnit: null, standard };
}

/**
 * A deep copy of a cost state (layers and deficits copied, consumed layers dropped).
 *
 * @example
 * ```ts
 * const copy = cloneCostState(state);
 * ```
 */
export function cloneCostState(state: CostState): CostState {
  return {
    method: state.method,
    layers: state.layers.slice(state.head).map((l) => ({ ...l })),
    head: 0,
    qty: state.qty,
    value: state.value,
    deficits: state.deficits.map((d) => ({ ...d })),
    deficitQty: state.deficitQty,
    deficitValue: state.deficitValue,
    // Its own copy (receipts update a ratio the state owns in place).
    lastUnit: state.lastUnit === null ? null : new OwnRatio(state.lastUnit.value, state.lastUnit.qty),
    standard: state.standard,
  };
}

/**
 * On-hand quantity (scaled; negative when stock was issued beyond what was there).
 *
 * @example
 * ```ts
 * onHandOf(emptyCostState("fifo")); // 0n
 * ```
 */
export function onHandOf(state: CostState): bigint {
  return state.qty - state.deficitQty;
}

/**
 * Stock value in minor units (the sum of remaining layers less negative stock booked).
 *
 * @example
 * ```ts
 * valueOf(emptyCostState("fifo")); // 0n
 * ```
 */
export function valueOf(state: CostState): bigint {
  return state.value - state.deficitValue;
}

/**
 * The value of `qty` units at the SKU's current cost: the average of what is on hand, else
 * the last known cost, else standard, else zero. Used for found units and transfers.
 *
 * @example
 * ```ts
 * currentCost(state, 1_000_000n, roundingCode("half-even"));
 * ```
 */
export function currentCost(state: CostState, qty: bigint, rounding: RoundingCode): bigint {
  if (state.method === "standard" && state.standard !== null) return costAt(state.standard, qty, rounding);
  if (state.qty > 0n) return state.qty === qty ? state.value : roundDiv(state.value * qty, state.qty, rounding);
  if (state.lastUnit !== null) return costAt(state.lastUnit, qty, rounding);
  if (state.standard !== null) return costAt(state.standard, qty, rounding);
  return 0n;
}

/**
 * What a receipt booked: `inventory` is what the Inventory account is debited with
 * (standard: at standard), `variance` the purchase price variance (standard only:
 * received value − standard value), `trueUps` the corrections of negative stock it filled
 * (already included in `inventory`: inventory = value − variance − Σ trueUps).
 *
 * @example
 * ```ts
 * const r: ReceiptValuation = { inventory: 1000n, variance: 0n, trueUps: [] };
 * ```
 */
export interface ReceiptValuation {
  readonly inventory: bigint;
  readonly variance: bigint;
  readonly trueUps: readonly TrueUp[];
}

/**
 * Receives `qty > 0` scaled units worth `value` minor units into the working state: fills
 * negative stock first (truing it up), then adds a layer (FIFO) or to the pool.
 *
 * @example
 * ```ts
 * const state = emptyCostState("fifo");
 * receiveStock(fifoKernel, state, 10_000_000n, 2500n, "mv_1", roundingCode("half-even"));
 * valueOf(state); // 2500n
 * ```
 */
export function receiveStock(kernel: ValuationKernel, state: CostState, qty: bigint, value: bigint, movementId: string, rounding: RoundingCode): ReceiptValuation {
  let variance = 0n;
  let stockValue = value;
  if (state.method === "standard" && state.standard !== null) {
    stockValue = costAt(state.standard, qty, rounding);
    variance = value - stockValue;
  }
  let remainingQty = qty;
  let remainingValue = stockValue;
  let trueUps: TrueUp[] | null = null;
  let trueUpTotal = 0n;
  while (remainingQty > 0n && state.deficits.length > 0) {
    const deficit = state.deficits[0]!;
    const fill = deficit.qty < remainingQty ? deficit.qty : remainingQty;
    const actual = fill === remainingQty ? remainingValue : roundDiv(remainingValue * fill, remainingQty, rounding);
    const booked = fill === deficit.qty ? deficit.value : roundDiv(deficit.value * fill, deficit.qty, rounding);
    remainingQty -= fill;
    remainingValue -= actual;
    deficit.qty -= fill;
    deficit.value -= booked;
    state.deficitQty -= fill;
    state.deficitValue -= booked;
    if (deficit.qty === 0n) state.deficits.shift();
    const amount = actual - booked;
    if (amount !== 0n) {
      (trueUps ??= []).push({ movementId: deficit.movementId, counterRole: deficit.counterRole, qty: fill, amount });
      trueUpTotal += amount;
    }
  }
  if (remainingQty > 0n) kernel.addStock(state, remainingQty, remainingValue, movementId);
  setLastUnit(state, stockValue, qty);
  return { inventory: stockValue - trueUpTotal, variance, trueUps: trueUps ?? NO_TRUE_UPS };
}

const NO_TRUE_UPS: readonly TrueUp[] = Object.freeze([]);

/**
 * A last unit cost a state owns (made by `setLastUnit` or `cloneCostState`), so receipts can
 * update it in place. Any other `lastUnit` — the moving-average hot path shares the
 * receipt's own input as the ratio, a standard or a stored one — is never changed: the next
 * `setLastUnit` replaces it with one the state owns.
 */
class OwnRatio implements Ratio {
  constructor(
    public value: bigint,
    public qty: bigint,
  ) {}
}

/**
 * Records the last known unit cost: in place when the state owns its ratio, so a receipt
 * allocates nothing for it, else as a new ratio the state owns.
 *
 * @example
 * ```ts
 * setLastUnit(state, 2500n, 10_000_000n);
 * ```
 */
export function setLastUnit(state: CostState, value: bigint, qty: bigint): void {
  const last = state.lastUnit;
  if (last instanceof OwnRatio) {
    last.value = value;
    last.qty = qty;
  } else state.lastUnit = new OwnRatio(value, qty);
}

/**
 * What an issue booked: its cost (minor units) and, when asked for, what it consumed.
 *
 * @example
 * ```ts
 * const i: IssueValuation = { cost: 500n, consumed: [{ layer: "mv_1", qty: 2_000_000n, value: 500n }] };
 * ```
 */
export interface IssueValuation {
  readonly cost: bigint;
  readonly consumed: readonly Consumption[] | null;
}

/**
 * Issues `qty > 0` scaled units: takes what is on hand by the method, and issues the rest
 * (only when the caller allowed negative stock) at the last known cost as a deficit.
 * The caller checks `onHandOf(state) >= qty` first when negative stock is refused.
 *
 * @example
 * ```ts
 * const { cost } = issueStock(fifoKernel, state, 2_000_000n, "mv_2", "cogs", roundingCode("half-even"), false);
 * ```
 */
export function issueStock(kernel: ValuationKernel, state: CostState, qty: bigint, movementId: string, counterRole: string, rounding: RoundingCode, explain: boolean): IssueValuation {
  const consumed: Consumption[] | null = explain ? [] : null;
  const take = state.qty < qty ? state.qty : qty;
  // Moving average: the last known cost of units issued into negative stock is the average.
  if (take < qty && state.method === "moving-average" && state.qty > 0n) state.lastUnit = { value: state.value, qty: state.qty };
  let cost = 0n;
  if (take > 0n) cost = kernel.takeStock(state, take, rounding, consumed);
  const short = qty - take;
  if (short > 0n) {
    const unit = state.method === "standard" ? state.standard ?? state.lastUnit : state.lastUnit ?? state.standard;
    const shortCost = unit === null ? 0n : costAt(unit, short, rounding);
    state.deficits.push({ qty: short, value: shortCost, movementId, counterRole });
    state.deficitQty += short;
    state.deficitValue += shortCost;
    cost += shortCost;
    consumed?.push({ layer: "negative", qty: short, value: shortCost });
  }
  return { cost, consumed };
}

/**
 * The split of a price difference or landed cost on one receipt.
 *
 * @example
 * ```ts
 * const split: RevaluationSplit = { onHand: 800n, sold: 200n, variance: 0n };
 * ```
 */
export interface RevaluationSplit {
  /** Raised (or lowered) the stock still on hand. */
  readonly onHand: bigint;
  /** Belongs to units already sold (COGS). */
  readonly sold: bigint;
  /** Standard cost: the whole difference is a purchase price variance. */
  readonly variance: bigint;
}

/**
 * Splits a price difference `amount` (minor units) on a receipt of `receiptQty` units
 * between what is still on hand (applied to the state) and what was sold; under standard
 * cost the whole amount is a variance and the stock is unchanged. `arrivedAfter`: see
 * {@link ValuationKernel.revalueReceipt}.
 *
 * @example
 * ```ts
 * revalueStock(fifoKernel, state, "mv_1", 10_000_000n, 100n, roundingCode("half-even"));
 * ```
 */
export function revalueStock(kernel: ValuationKernel, state: CostState, movementId: string, receiptQty: bigint, amount: bigint, rounding: RoundingCode, arrivedAfter?: bigint): RevaluationSplit {
  if (state.method === "standard") return { onHand: 0n, sold: 0n, variance: amount };
  const onHand = kernel.revalueReceipt(state, movementId, receiptQty, amount, rounding, arrivedAfter);
  return { onHand, sold: amount - onHand, variance: 0n };
}

/**
 * The part of `amount` on a receipt of `receiptQty` units that belongs to `remaining`
 * units still held, bounded so that a negative difference never drives `held` below zero.
 *
 * @example
 * ```ts
 * onHandShare(100n, 10n, 4n, 1000n, roundingCode("half-even")); // 40n
 * ```
 */
export function onHandShare(amount: bigint, receiptQty: bigint, remaining: bigint, held: bigint, rounding: RoundingCode): bigint {
  if (remaining <= 0n || receiptQty <= 0n) return 0n;
  const share = remaining >= receiptQty ? amount : roundDiv(amount * remaining, receiptQty, rounding);
  return share < -held ? -held : share;
}
