import { Decimal, type RoundingMode, roundingOf } from "../../kernel/decimal.js";

/*
 * A reference model of stock valuation, written as plainly as possible in decimal
 * arithmetic (storekeep's Decimal clone), independent of the bigint kernel: tests compare
 * the kernel and the ledger against it. It follows the valuation rules of docs/inventory.md literally: an issue of
 * q from a layer (FIFO) or pool (moving average) of Q units worth V costs round(V × q / Q)
 * to the minor unit, and the last unit takes what is left.
 */

/**
 * A movement of the reference model: units in at a value, or units out.
 *
 * @example
 * ```ts
 * const m: ReferenceMovement = { kind: "in", quantity: "10", value: "25" };
 * ```
 */
export type ReferenceMovement = { readonly kind: "in"; readonly quantity: string; readonly value: string } | { readonly kind: "out"; readonly quantity: string };

/**
 * What the reference model computed: each issue's cost, and the remaining layers.
 *
 * @example
 * ```ts
 * const r = referenceValuation("fifo", movements, 2, "half-even");
 * r.cogs; // total cost of the issues
 * ```
 */
export interface ReferenceResult {
  readonly costs: readonly string[];
  readonly cogs: string;
  readonly layers: readonly { readonly quantity: string; readonly value: string }[];
  readonly quantity: string;
  readonly value: string;
}

/**
 * Values movements by FIFO or moving average (no negative stock: an issue beyond what is
 * on hand throws), in decimal arithmetic.
 *
 * @example
 * ```ts
 * referenceValuation("fifo", [{ kind: "in", quantity: "2", value: "3" }, { kind: "out", quantity: "1" }], 2, "half-even").cogs; // "1.5"
 * ```
 */
export function referenceValuation(method: "fifo" | "moving-average", movements: readonly ReferenceMovement[], minorDigits: number, rounding: RoundingMode): ReferenceResult {
  const mode = roundingOf(rounding);
  const layers: { quantity: Decimal; value: Decimal }[] = [];
  const costs: string[] = [];
  let cogs = new Decimal(0);
  const take = (layer: { quantity: Decimal; value: Decimal }, q: Decimal): Decimal => {
    const cost = q.eq(layer.quantity) ? layer.value : layer.value.times(q).dividedBy(layer.quantity).toDecimalPlaces(minorDigits, mode);
    layer.quantity = layer.quantity.minus(q);
    layer.value = layer.value.minus(cost);
    return cost;
  };
  for (const m of movements) {
    const q = new Decimal(m.quantity);
    if (m.kind === "in") {
      if (method === "fifo" || layers.length === 0) layers.push({ quantity: q, value: new Decimal(m.value) });
      else {
        layers[0]!.quantity = layers[0]!.quantity.plus(q);
        layers[0]!.value = layers[0]!.value.plus(m.value);
      }
      continue;
    }
    let left = q;
    let cost = new Decimal(0);
    while (left.gt(0)) {
      const layer = layers.find((l) => l.quantity.gt(0));
      if (layer === undefined) throw new Error(`reference model: issue of ${m.quantity} beyond stock`);
      const part = Decimal.min(left, layer.quantity);
      cost = cost.plus(take(layer, part));
      left = left.minus(part);
    }
    costs.push(cost.toFixed());
    cogs = cogs.plus(cost);
  }
  const remaining = layers.filter((l) => l.quantity.gt(0) || !l.value.isZero());
  return {
    costs,
    cogs: cogs.toFixed(),
    layers: remaining.map((l) => ({ quantity: l.quantity.toFixed(), value: l.value.toFixed() })),
    quantity: remaining.reduce((s, l) => s.plus(l.quantity), new Decimal(0)).toFixed(),
    value: remaining.reduce((s, l) => s.plus(l.value), new Decimal(0)).toFixed(),
  };
}
