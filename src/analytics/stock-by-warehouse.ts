import { Decimal } from "../kernel/decimal.js";

/*
 * Stock value by warehouse. Valuation is per SKU for the whole shop (one FIFO queue, pool or
 * standard per SKU), so a warehouse's stock value is its share of each SKU's value by the
 * units it holds: the SKU's value in minor units split by quantity, largest remainder, so
 * the warehouses of a SKU sum to its value exactly and no minor unit is lost.
 */

/**
 * Units and value of stock at one warehouse (or in transit).
 *
 * @example
 * ```ts
 * const s: WarehouseStock = { quantity: new Decimal(12), value: new Decimal("30.00") };
 * ```
 */
export interface WarehouseStock {
  readonly quantity: Decimal;
  readonly value: Decimal;
}

/**
 * Splits each SKU's value over the warehouses holding it, in proportion to their units
 * (negative quantities weigh nothing; a SKU whose units are all at zero or below keeps its
 * value under `unallocated`), and sums per warehouse.
 *
 * @example
 * ```ts
 * splitStockByWarehouse(new Map([["MUG", new Map([["wh_a", new Decimal(1)], ["wh_b", new Decimal(2)]])]]), new Map([["MUG", new Decimal("10.00")]]), 2);
 * // wh_a: 1 unit, 3.33; wh_b: 2 units, 6.67
 * ```
 */
export function splitStockByWarehouse(unitsBySku: ReadonlyMap<string, ReadonlyMap<string, Decimal>>, valueBySku: ReadonlyMap<string, Decimal>, moneyDigits: number): Map<string, WarehouseStock> {
  const out = new Map<string, { quantity: Decimal; value: Decimal }>();
  const add = (warehouse: string, quantity: Decimal, value: Decimal): void => {
    const row = out.get(warehouse) ?? { quantity: new Decimal(0), value: new Decimal(0) };
    out.set(warehouse, { quantity: row.quantity.plus(quantity), value: row.value.plus(value) });
  };
  const scale = new Decimal(10).pow(moneyDigits);
  for (const sku of [...new Set([...unitsBySku.keys(), ...valueBySku.keys()])].sort()) {
    const units = [...(unitsBySku.get(sku) ?? new Map<string, Decimal>()).entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const value = valueBySku.get(sku) ?? new Decimal(0);
    const minor = BigInt(value.times(scale).toFixed(0));
    const weights = units.map(([, q]) => (q.gt(0) ? BigInt(q.times(1_000_000).toFixed(0)) : 0n));
    const total = weights.reduce((a, b) => a + b, 0n);
    if (total === 0n) {
      for (const [warehouse, q] of units) add(warehouse, q, new Decimal(0));
      if (minor !== 0n) add("unallocated", new Decimal(0), value);
      continue;
    }
    const shares = weights.map((w) => (minor * w) / total);
    let left = minor - shares.reduce((a, b) => a + b, 0n);
    // Largest remainder (ties to the first warehouse by id); a negative value hands back in the same order.
    const order = weights.map((w, i) => ({ i, r: minor * w - shares[i]! * total })).sort((a, b) => (a.r === b.r ? a.i - b.i : a.r > b.r ? -1 : 1));
    for (let k = 0; left !== 0n; k++) {
      const step = left > 0n ? 1n : -1n;
      shares[order[k % order.length]!.i]! += step;
      left -= step;
    }
    units.forEach(([warehouse, q], i) => add(warehouse, q, new Decimal(shares[i]!.toString()).div(scale)));
  }
  return out;
}
