import { type ValuationKernel, onHandShare, roundDiv } from "./valuation-kernel.js";

/*
 * Moving (weighted) average: one pool per SKU, held in the cost state's own `qty` and
 * `value` (no layer object). A receipt adds its units and value; an issue of q from a pool
 * of Q units worth V costs round(V × q / Q); the last unit takes the whole remaining value,
 * so an empty pool is worth exactly zero. Which units an issue takes does not change its
 * cost (the average); for a price difference or landed cost arriving later, the units leave
 * in arrival order: the pool holds the last units to arrive (see `revalueReceipt`).
 */

/**
 * The moving-average kernel (also the pool of the standard-cost kernel).
 *
 * @example
 * ```ts
 * const state = emptyCostState("moving-average");
 * receiveStock(movingAverageKernel, state, 10_000_000n, 1000n, "mv_1", roundingCode("half-even"));
 * receiveStock(movingAverageKernel, state, 10_000_000n, 1200n, "mv_2", roundingCode("half-even"));
 * issueStock(movingAverageKernel, state, 15_000_000n, "mv_3", "cogs", roundingCode("half-even"), false).cost; // 1650n
 * ```
 */
export const movingAverageKernel: ValuationKernel = {
  method: "moving-average",
  addStock(state, qty, value) {
    state.qty += qty;
    state.value += value;
  },
  takeStock(state, qty, rounding, out) {
    const cost = qty === state.qty ? state.value : roundDiv(state.value * qty, state.qty, rounding);
    state.qty -= qty;
    state.value -= cost;
    out?.push({ layer: "pool", qty, value: cost });
    return cost;
  },
  revalueReceipt(state, _movementId, receiptQty, amount, rounding, arrivedAfter) {
    // Units leave the pool in arrival order (as Odoo's remaining_qty on average-cost layers):
    // what the pool holds is the last units to arrive, so the receipt's on hand are the pool
    // less the units that came after it (none when a restock replaced them all).
    const share = onHandShare(amount, receiptQty, arrivedAfter === undefined ? state.qty : state.qty - arrivedAfter, state.value, rounding);
    state.value += share;
    return share;
  },
};
