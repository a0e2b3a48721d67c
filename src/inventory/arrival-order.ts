import type { Transaction } from "../ports/storage.js";
import { MOVEMENTS, type MovementRecord, inQuantityOf, movementPosition } from "./movement.js";
import type { ValuationInput } from "./valuation.js";

/*
 * Arrival order for moving-average revaluations, worked out on revaluations only. A late
 * price difference or landed cost on a receipt is split between its units still on hand and
 * those sold. Moving average keeps one pool, and the pool does not tell receipts apart; the
 * units are taken to leave in arrival order (stock before the receipt first, as Odoo's
 * `remaining_qty` on average-cost layers, as FIFO), so the pool holds the last units to
 * arrive and the receipt's units on hand are `clamp(pool − arrivedAfter, 0, receipt)`, where
 * `arrivedAfter` is what entered the stock after the receipt and before the revaluation.
 * That sum is read from the movements between the two when a revaluation is valued —
 * nothing is kept in the cost state, so valuing receipts and issues costs what it did.
 */

/**
 * Cumulative in-quantities over movements sorted by position, answering "how many units
 * entered strictly between two positions" by two binary searches.
 *
 * @example
 * ```ts
 * const index = arrivalIndex(["a|1", "b|2", "c|3"], [10n, 0n, 5n]);
 * index.between("a|1", "c|4"); // 5n (only "c|3": "a|1" itself is not after "a|1")
 * ```
 */
export interface ArrivalIndex {
  /** Units that entered at positions `p` with `after < p < before`. */
  between(after: string, before: string): bigint;
}

/**
 * An {@link ArrivalIndex} over `positions` (sorted ascending) and the units each added.
 *
 * @example
 * ```ts
 * arrivalIndex(["2026-03-01T00:00:00.000Z|mv_1"], [10_000_000n]).between("", "2026-03-02"); // 10_000_000n
 * ```
 */
export function arrivalIndex(positions: readonly string[], inQty: readonly bigint[]): ArrivalIndex {
  const cumulative: bigint[] = new Array<bigint>(positions.length + 1);
  cumulative[0] = 0n;
  for (let i = 0; i < positions.length; i++) cumulative[i + 1] = cumulative[i]! + inQty[i]!;
  /** The index of the first position above `p` (`inclusive`: at or above). */
  const upper = (p: string, inclusive: boolean): number => {
    let lo = 0;
    let hi = positions.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const q = positions[mid]!;
      if (q > p || (inclusive && q === p)) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
  return {
    between(after, before) {
      const from = upper(after, false);
      const to = upper(before, true);
      return to > from ? cumulative[to]! - cumulative[from]! : 0n;
    },
  };
}

/** The receipt position of a revaluation record that splits in arrival order, if it does. */
function receiptPositionOf(record: MovementRecord): string | undefined {
  const rv = record.revalues;
  return rv === null || rv.receiptAt === undefined ? undefined : movementPosition(rv.receiptAt, rv.movementId);
}

/**
 * For each revaluation among `revaluations` that splits a moving-average receipt in arrival
 * order: the units (scaled) that entered `sku`'s stock after its receipt and before it, among
 * the movements recorded — `known` (sorted by position) holds every one after position
 * `from` ("" for all), and those between an earlier receipt and `from` are read from the
 * ledger (one read from the earliest such receipt). By revaluation movement id; a
 * revaluation recorded before arrival order was kept has none.
 *
 * @example
 * ```ts
 * const arrived = await revaluationArrivals(tx, "MUG", storedSinceCheckpoint, checkpointPosition, newRecords);
 * arrived.get(revaluationId); // units received after the receipt it revalues
 * ```
 */
export async function revaluationArrivals(
  tx: Transaction,
  sku: string,
  known: readonly { readonly sortKey?: string; readonly data: MovementRecord }[],
  from: string,
  revaluations: Iterable<MovementRecord>,
): Promise<Map<string, bigint>> {
  const out = new Map<string, bigint>();
  const wanted: { id: string; receipt: string; at: string }[] = [];
  let earliest: string | undefined;
  for (const r of revaluations) {
    const receipt = receiptPositionOf(r);
    if (receipt === undefined) continue;
    wanted.push({ id: r.movementId, receipt, at: movementPosition(r.effectiveAt, r.movementId) });
    if (earliest === undefined || receipt < earliest) earliest = receipt;
  }
  if (earliest === undefined) return out;
  const positions: string[] = [];
  const inQty: bigint[] = [];
  if (earliest < from) {
    for (const e of await tx.logs.read<MovementRecord>(MOVEMENTS, sku, { gt: earliest, lte: from })) {
      positions.push(e.sortKey);
      inQty.push(inQuantityOf(e.data));
    }
  }
  for (const e of known) {
    positions.push(e.sortKey ?? movementPosition(e.data.effectiveAt, e.data.movementId));
    inQty.push(inQuantityOf(e.data));
  }
  const index = arrivalIndex(positions, inQty);
  for (const w of wanted) out.set(w.id, index.between(w.receipt, w.at));
  return out;
}

/**
 * `inputs` — a SKU's whole history (or all of it up to a date), sorted by position — with
 * the units that arrived after each arrival-order revaluation's receipt filled in
 * (`revalue.arrivedAfter`); the same array when there is none.
 *
 * @example
 * ```ts
 * const replayed = replayMovements(emptyCostState("moving-average"), withArrivals(records.map((r) => valuationInputOf(r))), options);
 * ```
 */
export function withArrivals(inputs: readonly ValuationInput[]): readonly ValuationInput[] {
  if (!inputs.some((m) => m.revalue?.receiptPosition !== undefined)) return inputs;
  const index = arrivalIndex(
    inputs.map((m) => m.position),
    inputs.map((m) => (m.effect === "in" ? m.qty : 0n)),
  );
  return inputs.map((m) => {
    const rv = m.revalue;
    if (rv?.receiptPosition === undefined) return m;
    return { ...m, revalue: { ...rv, arrivedAfter: index.between(rv.receiptPosition, m.position) } };
  });
}
