import { type CostState, type ValuationKernel, costAt, roundDiv } from "./valuation-kernel.js";
import { movingAverageKernel } from "./moving-average.js";

/*
 * Standard cost: stock is held in one pool (the cost state's `qty` and `value`) valued at standard. Receipts enter at standard
 * (the difference to what they cost is a purchase price variance, see `receiveStock`),
 * issues leave at standard, and the last unit takes what is left so the empty pool is
 * worth exactly zero. Price differences on bills are variances too (`revalueStock`).
 */

function takeAtStandard(state: CostState, qty: bigint, rounding: 0 | 1 | 2 | 3 | 4 | 5 | 6): bigint {
  let cost: bigint;
  if (qty === state.qty) cost = state.value;
  else if (state.standard !== null) cost = costAt(state.standard, qty, rounding);
  else cost = roundDiv(state.value * qty, state.qty, rounding);
  state.qty -= qty;
  state.value -= cost;
  return cost;
}

/**
 * The standard-cost kernel.
 *
 * @example
 * ```ts
 * const state = emptyCostState("standard", unitCostRatio("4", 2));
 * receiveStock(standardCostKernel, state, 10_000_000n, 4200n, "mv_1", roundingCode("half-even")).variance; // 200n
 * ```
 */
export const standardCostKernel: ValuationKernel = {
  method: "standard",
  addStock: movingAverageKernel.addStock,
  takeStock(state, qty, rounding, out) {
    const cost = takeAtStandard(state, qty, rounding);
    out?.push({ layer: "pool", qty, value: cost });
    return cost;
  },
  revalueReceipt() {
    return 0n;
  },
};
