import fc from "fast-check";
import type { ReferenceMovement } from "./model.js";

/**
 * Options of {@link stockMovementsArbitrary}.
 *
 * @example
 * ```ts
 * const options: StockMovementsOptions = { maxLength: 200, fractional: true };
 * ```
 */
export interface StockMovementsOptions {
  readonly minLength?: number;
  readonly maxLength?: number;
  /** Quantities with up to 3 decimals (default: whole units). */
  readonly fractional?: boolean;
  /** Largest unit cost in minor units (default 10,000). */
  readonly maxUnitCostMinor?: number;
}

/**
 * Sequences of receipts (quantity and value in minor units of a 2-decimal currency) and
 * issues that never take more than is on hand — the input of valuation properties.
 *
 * @example
 * ```ts
 * fc.assert(fc.property(stockMovementsArbitrary(), (movements) => checkConservation(movements)));
 * ```
 */
export function stockMovementsArbitrary(options: StockMovementsOptions = {}): fc.Arbitrary<ReferenceMovement[]> {
  const scale = options.fractional === true ? 1000 : 1;
  const step = fc.record({
    receive: fc.boolean(),
    quantity: fc.integer({ min: 1, max: 50 * scale }),
    unitCost: fc.integer({ min: 0, max: options.maxUnitCostMinor ?? 10_000 }),
    fraction: fc.integer({ min: 1, max: 100 }),
  });
  return fc.array(step, { minLength: options.minLength ?? 1, maxLength: options.maxLength ?? 60 }).map((steps) => {
    const out: ReferenceMovement[] = [];
    let onHand = 0;
    for (const s of steps) {
      if (s.receive || onHand === 0) {
        const valueMinor = Math.round((s.quantity * s.unitCost) / scale);
        out.push({ kind: "in", quantity: units(s.quantity, scale), value: `${Math.floor(valueMinor / 100)}.${String(valueMinor % 100).padStart(2, "0")}` });
        onHand += s.quantity;
      } else {
        const q = Math.max(1, Math.floor((onHand * s.fraction) / 100));
        out.push({ kind: "out", quantity: units(q, scale) });
        onHand -= q;
      }
    }
    return out;
  });
}

function units(n: number, scale: number): string {
  if (scale === 1) return String(n);
  return (n / scale).toFixed(3).replace(/\.?0+$/, "");
}
