import { Decimal, canonicalDecimal } from "../kernel/decimal.js";
import type { JsonObject, Transaction } from "../ports/storage.js";
import { AVAILABILITY } from "./ledger-records.js";
import { liveHoldsInQueueOrder, scopeOf } from "./reservations.js";

/*
 * The backorder queue of a SKU at a warehouse: its live holds in the order stock serves them
 * (when their demand queued), each with what of it the stock on hand covers. With the
 * default `backorderAllocation: "oldest-first"`, a shipment of a hold's units may take only
 * what is covered, so this is the list of what can ship now, and in which order.
 */

/**
 * One live hold in a backorder queue: what it still holds, and how much of it the stock on
 * hand covers after every hold queued before it.
 *
 * @example
 * ```ts
 * const entry: BackorderQueueEntry = { reservationId: "res_1", orderId: "ord_1", lineId: "l1", queuedAt: "2026-03-02T10:00:00.000Z", remaining: "3", covered: "2", waiting: "1" };
 * ```
 */
export interface BackorderQueueEntry extends JsonObject {
  readonly reservationId: string;
  /** The order it holds for ("" for a cart hold without an order). */
  readonly orderId: string;
  readonly lineId: string;
  /** When its demand queued (an order edit keeps the order's first instant). */
  readonly queuedAt: string;
  readonly remaining: string;
  /** Units of it on hand now, after every hold queued before it: what can ship for it. */
  readonly covered: string;
  /** `remaining − covered`: what it waits for. */
  readonly waiting: string;
}

/**
 * A SKU's backorder queue at a warehouse (see {@link BackorderQueueEntry}).
 *
 * @example
 * ```ts
 * const q: BackorderQueue = { sku: "PRE", warehouseId: "wh", onHand: "4", held: "7", backordered: "3", entries: [] };
 * ```
 */
export interface BackorderQueue extends JsonObject {
  readonly sku: string;
  readonly warehouseId: string;
  readonly onHand: string;
  /** Units held by live holds (expired holds not counted). */
  readonly held: string;
  /** Held beyond what is on hand (0 when the stock covers every hold). */
  readonly backordered: string;
  readonly entries: BackorderQueueEntry[];
}

/**
 * Reads the backorder queue of a SKU at a warehouse at `nowIso`.
 *
 * @example
 * ```ts
 * const queue = await backorderQueue(tx, "PRE", "wh", now.toISOString());
 * queue.entries.filter((e) => e.covered !== "0"); // what can ship now, oldest first
 * ```
 */
export async function backorderQueue(tx: Transaction, sku: string, warehouseId: string, nowIso: string): Promise<BackorderQueue> {
  const scope = scopeOf(sku, warehouseId);
  const row = await tx.counters.get(AVAILABILITY, scope);
  const onHand = row["onHand"] ?? new Decimal(0);
  let left = Decimal.max(onHand, 0);
  let held = new Decimal(0);
  const entries: BackorderQueueEntry[] = [];
  for (const h of await liveHoldsInQueueOrder(tx, scope, nowIso)) {
    const remaining = new Decimal(h.remaining);
    const covered = Decimal.min(remaining, left);
    left = left.minus(covered);
    held = held.plus(remaining);
    entries.push({
      reservationId: h.reservationId,
      orderId: h.orderId,
      lineId: h.lineId,
      queuedAt: h.rankAt ?? h.createdAt,
      remaining: canonicalDecimal(remaining),
      covered: canonicalDecimal(covered),
      waiting: canonicalDecimal(remaining.minus(covered)),
    });
  }
  return {
    sku,
    warehouseId,
    onHand: canonicalDecimal(onHand),
    held: canonicalDecimal(held),
    backordered: canonicalDecimal(Decimal.max(held.minus(Decimal.max(onHand, 0)), 0)),
    entries,
  };
}
