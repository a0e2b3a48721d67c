import { type Consumption, type CostState, type RoundingCode, type ValuationKernel, onHandShare, roundDiv } from "./valuation-kernel.js";

/*
 * First in, first out: every receipt is a layer; an issue takes the oldest layers first.
 * An issue of q from a layer of Q units worth V costs round(V × q / Q); taking a layer's
 * last unit takes its whole remaining value, so an empty layer is worth exactly zero.
 */

function takeOldest(state: CostState, qty: bigint, rounding: RoundingCode, out: Consumption[] | null): bigint {
  let left = qty;
  let cost = 0n;
  const layers = state.layers;
  while (left > 0n) {
    const layer = layers[state.head]!;
    if (layer.qty <= left) {
      cost += layer.value;
      left -= layer.qty;
      out?.push({ layer: layer.movementId, qty: layer.qty, value: layer.value });
      state.qty -= layer.qty;
      state.value -= layer.value;
      layer.qty = 0n;
      layer.value = 0n;
      state.head++;
    } else {
      const part = roundDiv(layer.value * left, layer.qty, rounding);
      cost += part;
      out?.push({ layer: layer.movementId, qty: left, value: part });
      layer.qty -= left;
      layer.value -= part;
      state.qty -= left;
      state.value -= part;
      left = 0n;
    }
  }
  // Drop consumed layers now and then so the array does not grow without bound.
  if (state.head > 64 && state.head * 2 > layers.length) {
    state.layers = layers.slice(state.head);
    state.head = 0;
  }
  return cost;
}

/**
 * The FIFO kernel.
 *
 * @example
 * ```ts
 * const state = emptyCostState("fifo");
 * receiveStock(fifoKernel, state, 10_000_000n, 1000n, "mv_1", roundingCode("half-even"));
 * receiveStock(fifoKernel, state, 10_000_000n, 1200n, "mv_2", roundingCode("half-even"));
 * issueStock(fifoKernel, state, 15_000_000n, "mv_3", "cogs", roundingCode("half-even"), false).cost; // 1600n
 * ```
 */
export const fifoKernel: ValuationKernel = {
  method: "fifo",
  addStock(state, qty, value, movementId) {
    state.layers.push({ qty, value, movementId });
    state.qty += qty;
    state.value += value;
  },
  takeStock: takeOldest,
  revalueReceipt(state, movementId, receiptQty, amount, rounding) {
    for (let i = state.head; i < state.layers.length; i++) {
      const layer = state.layers[i]!;
      if (layer.movementId !== movementId) continue;
      const share = onHandShare(amount, receiptQty, layer.qty, layer.value, rounding);
      layer.value += share;
      state.value += share;
      return share;
    }
    return 0n;
  },
};

/**
 * Last in, first out — NOT a costing method storekeep offers: a deliberately wrong kernel
 * that tests inject in place of FIFO to prove that the model-based check catches it.
 *
 * @example
 * ```ts
 * inventoryModule({ kernels: { fifo: lifoKernelForTests } }); // only in tests
 * ```
 */
export const lifoKernelForTests: ValuationKernel = {
  method: "fifo",
  addStock: fifoKernel.addStock,
  revalueReceipt: fifoKernel.revalueReceipt,
  takeStock(state, qty, rounding, out) {
    let left = qty;
    let cost = 0n;
    while (left > 0n) {
      const layer = state.layers[state.layers.length - 1]!;
      const take = layer.qty <= left ? layer.qty : left;
      const part = take === layer.qty ? layer.value : roundDiv(layer.value * take, layer.qty, rounding);
      cost += part;
      out?.push({ layer: layer.movementId, qty: take, value: part });
      layer.qty -= take;
      layer.value -= part;
      state.qty -= take;
      state.value -= part;
      left -= take;
      if (layer.qty === 0n) state.layers.pop();
    }
    return cost;
  },
};
