import { Decimal } from "../kernel/decimal.js";
import { splitUnits } from "../kernel/money.js";

/**
 * One inventory ageing bucket: stock received between `minDays` and `maxDays` days before
 * the date (`maxDays` null: older, or of unknown age).
 *
 * @example
 * ```ts
 * const b: AgeingBucket = { label: "0-30", minDays: 0, maxDays: 30, quantity: "40", value: "320.00" };
 * ```
 */
export interface AgeingBucket {
  readonly label: string;
  readonly minDays: number;
  readonly maxDays: number | null;
  readonly quantity: string;
  readonly value: string;
}

/**
 * The labels of the buckets that `limits` (ascending day counts) make: `[30, 60]` gives
 * `0-30`, `31-60`, `61+`.
 *
 * @example
 * ```ts
 * ageingLabels([30, 60, 90, 180]); // ["0-30", "31-60", "61-90", "91-180", "181+"]
 * ```
 */
export function ageingLabels(limits: readonly number[]): { label: string; minDays: number; maxDays: number | null }[] {
  const out: { label: string; minDays: number; maxDays: number | null }[] = [];
  let min = 0;
  for (const max of limits) {
    out.push({ label: `${min}-${max}`, minDays: min, maxDays: max });
    min = max + 1;
  }
  out.push({ label: `${min}+`, minDays: min, maxDays: null });
  return out;
}

/**
 * Ages one SKU's stock by FIFO: what is on hand is what arrived last, so the quantity on hand
 * is taken from the newest inbound window back (receipts, opening stock, restocked returns,
 * count gains — the layers the stock ledger's own ageing counts); whatever the inbound units
 * do not explain (history before the projection, stock issued below zero) falls in the
 * oldest bucket. The value is split in proportion to quantity by largest remainder in minor
 * units (ties to the newer bucket), as `sk.inventory.ageing` splits it, so the buckets sum to
 * the SKU's value exactly and agree with that report to the cent.
 *
 * @example
 * ```ts
 * ageStock(new Decimal(10), new Decimal(80), [new Decimal(4), new Decimal(20)], 2);
 * // quantities [4, 6, 0], values [32.00, 48.00, 0]
 * ```
 */
export function ageStock(onHand: Decimal, value: Decimal, receivedPerWindow: readonly Decimal[], moneyDigits: number): { quantities: Decimal[]; values: Decimal[] } {
  const quantities: Decimal[] = [];
  let left = Decimal.max(onHand, 0);
  for (const received of receivedPerWindow) {
    const take = Decimal.min(left, Decimal.max(received, 0));
    quantities.push(take);
    left = left.minus(take);
  }
  quantities.push(left);
  const values = quantities.map(() => new Decimal(0));
  const total = Decimal.max(onHand, 0);
  if (total.isZero()) {
    values[values.length - 1] = value;
    return { quantities, values };
  }
  const scale = new Decimal(10).pow(moneyDigits);
  const weights = quantities.map((q) => BigInt(q.times(1_000_000).toFixed(0, Decimal.ROUND_HALF_EVEN)));
  const shares = splitUnits(BigInt(value.times(scale).toFixed(0, Decimal.ROUND_HALF_EVEN)), weights);
  return { quantities, values: shares.map((minor) => new Decimal(minor.toString()).dividedBy(scale)) };
}
