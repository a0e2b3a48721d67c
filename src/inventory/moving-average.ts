import { type CostState, type ValuationKernel, onHandShare, roundDiv } from "./valuation-kernel.js";

/*
 * Moving (weighted) average: one pool per SKU. A receipt adds its units and value; an
 * issue of q from a pool of Q units worth V costs round(V × q / Q); the last unit takes
 * the whole remaining value, so an empty pool is worth exactly zero.
 */

function pool(state: CostState): { qty: bigint; value: bigint; movementId: string } {
  let layer = state.layers[0];
  if (layer === undefined) {
    layer = { qty: 0n, value: 0n, movementId: "pool" };
    state.layers.push(layer);
    state.head = 0;
  }
  return layer;
}

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
    const p = pool(state);
    p.qty += qty;
    p.value += value;
    state.qty += qty;
    state.value += value;
  },
  takeStock(state, qty, rounding, out) {
    const p = pool(state);
    const cost = qty === p.qty ? p.value : roundDiv(p.value * qty, p.qty, rounding);
    p.qty -= qty;
    p.value -= cost;
    state.qty -= qty;
    state.value -= cost;
    out?.push({ layer: "pool", qty, value: cost });
    return cost;
  },
  revalueReceipt(state, _movementId, receiptQty, amount, rounding) {
    const p = pool(state);
    const share = onHandShare(amount, receiptQty, p.qty, p.value, rounding);
    p.value += share;
    state.value += share;
    return share;
  },
};
