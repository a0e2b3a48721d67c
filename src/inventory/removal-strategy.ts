import { Decimal, canonicalDecimal } from "../kernel/decimal.js";

/*
 * Removal strategies, pure: which location and lot to take stock from. FIFO takes the lot
 * that came in first, FEFO the lot that expires first (lots without expiry last), "by
 * location" the locations in order of their ids (a picking route). Expired lots are never
 * proposed.
 */

/**
 * How stock is chosen for removal.
 *
 * @example
 * ```ts
 * const s: RemovalStrategy = "fefo";
 * ```
 */
export type RemovalStrategy = "fifo" | "fefo" | "location";

/**
 * Stock that could be taken: where, which lot, how much, its expiry and when the lot first came in.
 *
 * @example
 * ```ts
 * const row: PickableStock = { locationId: "wh/A1", lot: "L-42", quantity: "12", expiry: "2026-04-10", receivedAt: "2026-03-01T08:00:00.000Z" };
 * ```
 */
export interface PickableStock {
  readonly locationId: string;
  readonly lot: string | null;
  readonly quantity: string;
  readonly expiry: string | null;
  readonly receivedAt: string | null;
}

/**
 * A proposed removal: take `quantity` of `lot` at `locationId`.
 *
 * @example
 * ```ts
 * const pick: Pick = { locationId: "wh/A1", lot: "L-42", quantity: "5", expiry: "2026-04-10" };
 * ```
 */
export interface Pick {
  readonly locationId: string;
  readonly lot: string | null;
  readonly quantity: string;
  readonly expiry: string | null;
}

function order(strategy: RemovalStrategy): (a: PickableStock, b: PickableStock) => number {
  const cmp = (x: string | null, y: string | null): number => (x === y ? 0 : x === null ? 1 : y === null ? -1 : x < y ? -1 : 1);
  return (a, b) => {
    if (strategy === "fefo") return cmp(a.expiry, b.expiry) || cmp(a.receivedAt, b.receivedAt) || cmp(a.locationId, b.locationId) || cmp(a.lot, b.lot);
    if (strategy === "fifo") return cmp(a.receivedAt, b.receivedAt) || cmp(a.locationId, b.locationId) || cmp(a.lot, b.lot);
    return cmp(a.locationId, b.locationId) || cmp(a.expiry, b.expiry) || cmp(a.lot, b.lot);
  };
}

/**
 * Picks `quantity` from `stock` by a removal strategy, skipping lots expired before
 * `today`; `short` is what could not be picked.
 *
 * @example
 * ```ts
 * pickStock([{ locationId: "A", lot: "L1", quantity: "5", expiry: "2026-05-01", receivedAt: null }, { locationId: "B", lot: "L2", quantity: "5", expiry: "2026-04-01", receivedAt: null }], "6", "fefo", "2026-03-31");
 * // { picks: [{ locationId: "B", lot: "L2", quantity: "5", ... }, { locationId: "A", lot: "L1", quantity: "1", ... }], short: "0" }
 * ```
 */
export function pickStock(stock: readonly PickableStock[], quantity: string, strategy: RemovalStrategy, today: string): { readonly picks: Pick[]; readonly short: string } {
  let left = new Decimal(quantity);
  const picks: Pick[] = [];
  for (const row of [...stock].sort(order(strategy))) {
    if (!left.gt(0)) break;
    if (row.expiry !== null && row.expiry < today) continue;
    const available = new Decimal(row.quantity);
    if (!available.gt(0)) continue;
    const take = Decimal.min(available, left);
    picks.push({ locationId: row.locationId, lot: row.lot, quantity: canonicalDecimal(take), expiry: row.expiry });
    left = left.minus(take);
  }
  return { picks, short: canonicalDecimal(left) };
}
