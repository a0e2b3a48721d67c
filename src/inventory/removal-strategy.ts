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
 * Limits on a pick: `caps` bounds what may be taken of a lot over all its locations (its
 * stock less what other customers hold of it); `prefer` names lots taken first, up to the
 * quantity given (the lots a customer's own reservations hold).
 *
 * @example
 * ```ts
 * const limits: PickLimits = { caps: new Map([["L-42", "3"]]), prefer: new Map([["L-7", "2"]]) };
 * ```
 */
export interface PickLimits {
  readonly caps?: ReadonlyMap<string, string>;
  readonly prefer?: ReadonlyMap<string, string>;
}

/**
 * Picks `quantity` from `stock` by a removal strategy, skipping lots expired before
 * `today`; `short` is what could not be picked. `limits` caps what a lot may give (other
 * customers' lot reservations) and takes preferred lots first (the customer's own).
 *
 * @example
 * ```ts
 * pickStock([{ locationId: "A", lot: "L1", quantity: "5", expiry: "2026-05-01", receivedAt: null }, { locationId: "B", lot: "L2", quantity: "5", expiry: "2026-04-01", receivedAt: null }], "6", "fefo", "2026-03-31");
 * // { picks: [{ locationId: "B", lot: "L2", quantity: "5", ... }, { locationId: "A", lot: "L1", quantity: "1", ... }], short: "0" }
 * ```
 */
export function pickStock(stock: readonly PickableStock[], quantity: string, strategy: RemovalStrategy, today: string, limits: PickLimits = {}): { readonly picks: Pick[]; readonly short: string } {
  let left = new Decimal(quantity);
  const sorted = [...stock].sort(order(strategy));
  const taken = new Map<string, Decimal>();
  const rowTaken = new Map<PickableStock, Decimal>();
  const picks: Pick[] = [];
  const room = (row: PickableStock): Decimal => {
    let room = new Decimal(row.quantity).minus(rowTaken.get(row) ?? 0);
    const cap = row.lot === null ? undefined : limits.caps?.get(row.lot);
    if (cap !== undefined) room = Decimal.min(room, new Decimal(cap).minus(taken.get(row.lot!) ?? 0));
    return room;
  };
  const take = (row: PickableStock, most: Decimal): void => {
    const q = Decimal.min(room(row), most, left);
    if (!q.gt(0)) return;
    rowTaken.set(row, (rowTaken.get(row) ?? new Decimal(0)).plus(q));
    if (row.lot !== null) taken.set(row.lot, (taken.get(row.lot) ?? new Decimal(0)).plus(q));
    const last = picks.find((p) => p.locationId === row.locationId && p.lot === row.lot);
    if (last === undefined) picks.push({ locationId: row.locationId, lot: row.lot, quantity: canonicalDecimal(q), expiry: row.expiry });
    else picks[picks.indexOf(last)] = { ...last, quantity: canonicalDecimal(new Decimal(last.quantity).plus(q)) };
    left = left.minus(q);
  };
  const usable = sorted.filter((row) => !(row.expiry !== null && row.expiry < today) && new Decimal(row.quantity).gt(0));
  // The customer's own lots first, up to what it holds of each; then the strategy.
  if (limits.prefer !== undefined) {
    for (const row of usable) {
      if (!left.gt(0)) break;
      const held = row.lot === null ? undefined : limits.prefer.get(row.lot);
      if (held === undefined) continue;
      take(row, new Decimal(held).minus(taken.get(row.lot!) ?? 0));
    }
  }
  for (const row of usable) {
    if (!left.gt(0)) break;
    take(row, left);
  }
  return { picks, short: canonicalDecimal(left) };
}
