import { Decimal, canonicalDecimal } from "../kernel/decimal.js";
import type { JsonObject, Transaction } from "../ports/storage.js";
import { AVAILABILITY } from "./ledger-records.js";
import { internedKey } from "../kernel/interned-key.js";

/*
 * Reservations hold units for demand at a warehouse: soft holds (a cart) expire through
 * the clock, hard allocations (a paid order) stay until released or fulfilled. The
 * guarded counter `inventory.availability` (one row per SKU and warehouse, `onHand` and
 * `reserved`) is changed by one conditional update per command, with demand for the same
 * row summed first, so the last unit is sold once however many checkouts race for it.
 */

/** Collection of reservations. @example `RESERVATIONS === "inventory.reservations"` */
export const RESERVATIONS = "inventory.reservations";

/** `expiresAt` of holds that do not expire (sorts after every instant). @example `NEVER_EXPIRES === "~"` */
export const NEVER_EXPIRES = "~";

/**
 * A stored reservation. `remaining` is what is still held (a shipment may fulfil part).
 *
 * @example
 * ```ts
 * const r: Partial<Reservation> = { reservationId: "res_1", sku: "MUG", warehouseId: "wh", kind: "soft", state: "held", remaining: "2" };
 * ```
 */
export interface Reservation extends JsonObject {
  readonly reservationId: string;
  readonly sku: string;
  readonly warehouseId: string;
  /** `sku|warehouse`: the counter row it holds units on. */
  readonly scope: string;
  readonly quantity: string;
  readonly remaining: string;
  readonly kind: "soft" | "hard";
  readonly state: "held" | "released" | "expired" | "fulfilled" | "cancelled";
  /**
   * ISO instant, or `NEVER_EXPIRES`, while the hold is held; null once it is closed, which
   * takes it out of the expiry indexes (only held holds are ever looked up there). Holds
   * closed by an earlier version keep theirs.
   */
  readonly expiresAt: string | null;
  /** A closed hold's `expiresAt` when it was closed. */
  readonly heldUntil?: string;
  readonly orderId: string;
  readonly lineId: string;
  /** The lot the customer needs ("" or absent: any lot). */
  readonly lot?: string;
  readonly createdAt: string;
  /**
   * Where the hold queues for stock that comes in (backorders are served oldest first): the
   * instant its demand first queued. An order edit's new holds keep the order's earliest one;
   * absent: `createdAt`.
   */
  readonly rankAt?: string;
  readonly closedAt: string | null;
}

/**
 * The order in which holds of one SKU at one warehouse are served from stock: by when their
 * demand queued (`rankAt`, else `createdAt`), then by reservation id.
 *
 * @example
 * ```ts
 * holds.sort(byQueueOrder);
 * ```
 */
export function byQueueOrder(a: Reservation, b: Reservation): number {
  const x = a.rankAt ?? a.createdAt;
  const y = b.rankAt ?? b.createdAt;
  if (x !== y) return x < y ? -1 : 1;
  return a.reservationId < b.reservationId ? -1 : a.reservationId > b.reservationId ? 1 : 0;
}

/**
 * The live holds of a SKU at a warehouse, in the order they are served from stock (see
 * {@link byQueueOrder}); read through the scope's expiry index, page by page.
 *
 * @example
 * ```ts
 * const queue = await liveHoldsInQueueOrder(tx, "PRE|wh_main", now.toISOString());
 * ```
 */
export async function liveHoldsInQueueOrder(tx: Transaction, scope: string, nowIso: string): Promise<Reservation[]> {
  // Held and expiring after now (a hard hold's NEVER_EXPIRES sorts after every instant): the live ones.
  return (await heldHolds(tx, "byScopeExpiry", [scope, "held"], { gt: nowIso })).sort(byQueueOrder);
}

/**
 * The counter row of a SKU at a warehouse.
 *
 * @example
 * ```ts
 * scopeOf("MUG", "wh_main"); // "MUG|wh_main"
 * ```
 */
export function scopeOf(sku: string, warehouseId: string): string {
  // One string instance per scope (see `internedKey`): documents, index entries and counter keys share it.
  return internedKey(sku, warehouseId);
}

/**
 * Availability of a SKU at a warehouse: on hand, reserved (expired holds not counted) and
 * available = on hand − reserved.
 *
 * @example
 * ```ts
 * const a: Availability = { sku: "MUG", warehouseId: "wh", onHand: "10", reserved: "3", available: "7", expiredUnreleased: "1" };
 * ```
 */
export interface Availability extends JsonObject {
  readonly sku: string;
  readonly warehouseId: string;
  readonly onHand: string;
  readonly reserved: string;
  readonly available: string;
  /** Held units whose hold expired but that the expiry command has not released yet (not counted as reserved). */
  readonly expiredUnreleased: string;
}

/**
 * Holds that expired at or before `now` and are still held — of one scope (SKU × warehouse),
 * or of the whole shop when `scope` is undefined (what the expiry command has not released
 * yet) — paged through the expiry index.
 *
 * @example
 * ```ts
 * const expired = await expiredHolds(tx, "MUG|wh_main", now.toISOString());
 * const everywhere = await expiredHolds(tx, undefined, now.toISOString());
 * ```
 */
export async function expiredHolds(tx: Transaction, scope: string | undefined, nowIso: string): Promise<Reservation[]> {
  return scope === undefined ? heldHolds(tx, "byExpiry", ["held"], { lte: nowIso }) : heldHolds(tx, "byScopeExpiry", [scope, "held"], { lte: nowIso });
}

/** Held holds through an expiry index (`equals` up to the state, `range` on `expiresAt`), page by page, in index order. */
async function heldHolds(tx: Transaction, index: "byExpiry" | "byScopeExpiry", equals: readonly string[], range: { lte: string } | { gt: string }): Promise<Reservation[]> {
  const out: Reservation[] = [];
  let after: { values: readonly string[]; id: string } | undefined;
  for (;;) {
    const page = await tx.documents.find<Reservation>(RESERVATIONS, { index, equals, range, limit: 500, ...(after === undefined ? {} : { after }) });
    for (const d of page) out.push(d.data);
    if (page.length < 500) return out;
    const last = page[page.length - 1]!;
    after = { values: [...equals, last.data.expiresAt!], id: last.id };
  }
}

/**
 * Reads availability, never counting an expired hold even before the expiry command ran.
 *
 * @example
 * ```ts
 * const a = await readAvailability(tx, "MUG", "wh_main", now.toISOString());
 * ```
 */
export async function readAvailability(tx: Transaction, sku: string, warehouseId: string, nowIso: string): Promise<Availability> {
  const scope = scopeOf(sku, warehouseId);
  const row = await tx.counters.get(AVAILABILITY, scope);
  let expired = new Decimal(0);
  for (const hold of await expiredHolds(tx, scope, nowIso)) expired = expired.plus(hold.remaining);
  return availabilityFrom(sku, warehouseId, row, expired);
}

/**
 * Availability from a scope's counter row and what its expired, unreleased holds still keep
 * (left out of reserved, as every availability read does).
 *
 * @example
 * ```ts
 * const a = availabilityFrom("MUG", "wh_main", { onHand: new Decimal(10), reserved: new Decimal(3) }, new Decimal(1));
 * a.available; // "8"
 * ```
 */
export function availabilityFrom(sku: string, warehouseId: string, row: Readonly<Record<string, Decimal>>, expired: Decimal): Availability {
  const onHand = row["onHand"] ?? new Decimal(0);
  const reserved = (row["reserved"] ?? new Decimal(0)).minus(expired);
  return {
    sku,
    warehouseId,
    onHand: canonicalDecimal(onHand),
    reserved: canonicalDecimal(reserved),
    available: canonicalDecimal(onHand.minus(reserved)),
    expiredUnreleased: canonicalDecimal(expired),
  };
}
