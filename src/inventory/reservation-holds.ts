import { Decimal, canonicalDecimal } from "../kernel/decimal.js";
import { InvariantError, StorekeepError } from "../kernel/errors.js";
import type { CounterChange, StoredDocument, Transaction } from "../ports/storage.js";
import { type CommandContext, type NewEvent } from "../runner/command.js";
import { AVAILABILITY } from "./ledger-records.js";
import { applyLotHolds, lotScope } from "./lot-holds.js";
import { RESERVATIONS, type Reservation, byQueueOrder, expiredHolds, liveHoldsInQueueOrder } from "./reservations.js";
import { lockDocuments } from "../runner/batch-documents.js";
import { orderDocumentsBySku } from "./order-documents.js";
import { handOver } from "../kernel/hand-over.js";

/*
 * Holds being closed or fulfilled: the events, the counter changes that stop reserving
 * their units, and fulfilment by an issue.
 */

/** The ReservationReleased event of a hold. */
export function releasedEvent(r: Reservation, quantity: string, reason: "released" | "expired" | "fulfilled" | "cancelled", date: string): NewEvent {
  return {
    type: "ReservationReleased",
    aggregateType: "reservation",
    aggregateId: r.reservationId,
    effectiveDate: date,
    payload: { reservationId: r.reservationId, sku: r.sku, warehouseId: r.warehouseId, quantity, reason, ...(r.orderId === "" ? {} : { orderId: r.orderId }) },
  };
}

/**
 * A hold closed: no longer in the expiry indexes (`expiresAt` null, its value kept as
 * `heldUntil`), so they hold only what is held and stay small however many holds a shop closed.
 */
function closedHold(r: Reservation, state: Reservation["state"], remaining: string, at: string): Reservation {
  return { ...r, state, remaining, expiresAt: null, heldUntil: r.expiresAt ?? "", closedAt: at };
}

/**
 * Closes holds (expired, released, cancelled) and returns the counter changes that stop
 * reserving their units plus the events. The caller applies the changes.
 */
export async function closeHolds(ctx: CommandContext, holds: readonly { doc: Reservation; version: number }[], state: Reservation["state"], reason: "released" | "expired" | "cancelled"): Promise<{ changes: Map<string, Decimal>; events: NewEvent[] }> {
  const changes = new Map<string, Decimal>();
  const lotChanges = new Map<string, Decimal>();
  const events: NewEvent[] = [];
  for (const { doc, version } of holds) {
    await ctx.tx.documents.put(RESERVATIONS, doc.reservationId, handOver(closedHold(doc, state, "0", ctx.now.toISOString())), version);
    changes.set(doc.scope, (changes.get(doc.scope) ?? new Decimal(0)).plus(doc.remaining));
    if ((doc.lot ?? "") !== "") {
      const key = lotScope(doc.sku, doc.warehouseId, doc.lot!);
      lotChanges.set(key, (lotChanges.get(key) ?? new Decimal(0)).minus(doc.remaining));
    }
    events.push(releasedEvent(doc, doc.remaining, reason, ctx.today));
  }
  await applyLotHolds(ctx.tx, lotChanges);
  return { changes, events };
}

/**
 * Releases part of a held reservation (less than it still holds): it stays held with the
 * rest, its lot (if any) holds that much less, and the counter change (the caller applies
 * it) lowers `reserved` by the part.
 *
 * @example
 * ```ts
 * const { changes, events } = await releasePart(ctx, { doc, version }, new Decimal(3), "released");
 * await applyRelease(ctx.tx, changes);
 * ```
 */
export async function releasePart(ctx: CommandContext, hold: { doc: Reservation; version: number }, quantity: Decimal, reason: "released" | "cancelled"): Promise<{ changes: Map<string, Decimal>; events: NewEvent[] }> {
  const r = hold.doc;
  const rest = new Decimal(r.remaining).minus(quantity);
  if (!quantity.gt(0) || !rest.gt(0)) throw new InvariantError(`releasePart of ${quantity.toFixed()} from a hold of ${r.remaining}`);
  await ctx.tx.documents.put(RESERVATIONS, r.reservationId, handOver({ ...r, remaining: canonicalDecimal(rest) }), hold.version);
  if ((r.lot ?? "") !== "") await applyLotHolds(ctx.tx, new Map([[lotScope(r.sku, r.warehouseId, r.lot!), quantity.negated()]]));
  return { changes: new Map([[r.scope, quantity]]), events: [releasedEvent(r, canonicalDecimal(quantity), reason, ctx.today)] };
}

/** The expired holds of a scope, locked for update (still held). */
export async function lockedExpired(tx: Transaction, scope: string, nowIso: string): Promise<{ doc: Reservation; version: number }[]> {
  const out: { doc: Reservation; version: number }[] = [];
  await lockStillHeld(tx, (await expiredHolds(tx, scope, nowIso)).map((h) => h.reservationId), out);
  return out;
}

/**
 * Locks the holds for update (together, in id order) and adds those still held to `out`, in
 * the order given.
 *
 * @example
 * ```ts
 * const holds: { doc: Reservation; version: number }[] = [];
 * await lockStillHeld(ctx.tx, ["res_2", "res_1"], holds);
 * ```
 */
export async function lockStillHeld(tx: Transaction, reservationIds: readonly string[], out: { doc: Reservation; version: number }[]): Promise<void> {
  if (reservationIds.length === 0) return;
  const locked = new Map((await lockDocuments<Reservation>(tx, RESERVATIONS, reservationIds)).map((d) => [d.id, d]));
  for (const reservationId of reservationIds) {
    const doc = locked.get(reservationId);
    if (doc !== undefined && doc.data.state === "held") out.push({ doc: doc.data, version: doc.version });
  }
}

/** How many expired holds one read over every scope takes before reading scope by scope. */
const EXPIRED_PAGE = 64;

/**
 * The expired holds of the scopes (sorted), locked for update scope by scope: what
 * {@link lockedExpired} gives for each in turn. Usually no hold anywhere has expired unreleased,
 * so one read of the expiry index over every scope (a short page) answers for all of them;
 * a full page falls back to the per-scope reads.
 *
 * @example
 * ```ts
 * const expired = await lockedExpiredIn(ctx.tx, ["MUG|wh", "TEE|wh"], ctx.now.toISOString());
 * ```
 */
export async function lockedExpiredIn(tx: Transaction, scopes: readonly string[], nowIso: string): Promise<{ doc: Reservation; version: number }[]> {
  const out: { doc: Reservation; version: number }[] = [];
  const page = await tx.documents.find<Reservation>(RESERVATIONS, { index: "byExpiry", equals: ["held"], range: { lte: nowIso }, limit: EXPIRED_PAGE });
  if (page.length >= EXPIRED_PAGE) {
    for (const scope of scopes) out.push(...(await lockedExpired(tx, scope, nowIso)));
    return out;
  }
  if (page.length === 0) return out;
  // The index's order (expiry, then id) is each scope's order on byScopeExpiry too.
  const byScope = new Map<string, string[]>();
  for (const d of page) {
    const ids = byScope.get(d.data.scope);
    if (ids === undefined) byScope.set(d.data.scope, [d.data.reservationId]);
    else ids.push(d.data.reservationId);
  }
  for (const scope of scopes) await lockStillHeld(tx, byScope.get(scope) ?? [], out);
  return out;
}

/**
 * An order's holds read once for every line of one shipment (one index read instead of one
 * per line): the documents as found, by SKU. Fulfilment locks and re-reads each hold before
 * it changes it, so a hold an earlier line fulfilled is seen as it is now.
 *
 * @example
 * ```ts
 * const holds = orderHolds("ord_1");
 * await fulfilReservations(ctx, { sku: "MUG", warehouseId: "wh", orderId: "ord_1", quantity: new Decimal(2), holds });
 * ```
 */
export interface OrderHolds {
  readonly orderId: string;
  /** `null` until read; undefined when the order has too many holds for one read (read per SKU). */
  bySku: Map<string, StoredDocument<Reservation>[]> | undefined | null;
  /**
   * The holds this command locked, as they are now (each fulfilment writes its change back):
   * a line's fulfilment takes its hold from here instead of locking and reading it again.
   */
  readonly locked: Map<string, StoredDocument<Reservation>>;
}

/** An empty {@link OrderHolds} of an order (read on first use). @example `const holds = orderHolds("ord_1");` */
export function orderHolds(orderId: string): OrderHolds {
  return { orderId, bySku: null, locked: new Map() };
}

/** The order's holds of a SKU: from `holds` when it is this order's (read on first use), else one index read. */
export async function orderHoldsOf(ctx: CommandContext, orderId: string, sku: string, holds: OrderHolds | undefined): Promise<readonly StoredDocument<Reservation>[]> {
  if (holds !== undefined && holds.orderId === orderId) {
    if (holds.bySku === null) {
      holds.bySku = await orderDocumentsBySku<Reservation>(ctx.tx, RESERVATIONS, orderId);
      if (holds.bySku !== undefined) {
        // The held ones are locked now, together (in id order): the per-line fulfilment then
        // finds each locked already (one statement on a SQL store, not one per line).
        const held: string[] = [];
        for (const list of holds.bySku.values()) for (const d of list) if (d.data.state === "held") held.push(d.id);
        if (held.length > 1) for (const d of await lockDocuments<Reservation>(ctx.tx, RESERVATIONS, held)) holds.locked.set(d.id, d);
      }
    }
    if (holds.bySku !== undefined) return holds.bySku.get(sku) ?? [];
  }
  return ctx.tx.documents.find<Reservation>(RESERVATIONS, { index: "byOrder", equals: [orderId, sku], limit: 1000 });
}

/**
 * Fulfils held reservations with an issue: those named, or the order's for the SKU and
 * warehouse (oldest first), up to `quantity`. A hold that names a lot is fulfilled only by
 * that lot (and before the order's holds of any lot); `lot` is the lot the issue takes.
 * Returns how many reserved units the issue consumes (the ledger lowers `reserved` by it
 * in the same counter update) and the events. With `quiet`, holds that no longer fit (not
 * held, another lot) are passed over instead of refused (later parts of one issue).
 *
 * @example
 * ```ts
 * const { released, events } = await fulfilReservations(ctx, { sku: "MUG", warehouseId: "wh", orderId: "ord_1", quantity: new Decimal(2) });
 * ```
 */
export async function fulfilReservations(
  ctx: CommandContext,
  input: {
    readonly sku: string;
    readonly warehouseId: string;
    readonly quantity: Decimal;
    readonly orderId?: string | undefined;
    readonly reservationId?: string | undefined;
    readonly lot?: string | undefined;
    readonly quiet?: boolean;
    readonly holds?: OrderHolds | undefined;
    /** Serve holds oldest first (a product with backorders): see {@link checkQueue}. */
    readonly oldestFirst?: boolean;
  },
): Promise<{ released: Decimal; events: NewEvent[] }> {
  const events: NewEvent[] = [];
  let released = new Decimal(0);
  const lot = input.lot ?? "";
  let candidates: string[];
  if (input.reservationId !== undefined) candidates = [input.reservationId];
  else if (input.orderId !== undefined) {
    const found = await orderHoldsOf(ctx, input.orderId, input.sku, input.holds);
    const held = found.filter((d) => d.data.state === "held" && d.data.warehouseId === input.warehouseId);
    // Holds of this very lot first, then holds of any lot; holds of another lot wait for their lot.
    candidates = [...held.filter((d) => lot !== "" && d.data.lot === lot), ...held.filter((d) => (d.data.lot ?? "") === "")].map((d) => d.id);
  } else return { released, events };
  let left = input.quantity;
  const lotChanges = new Map<string, Decimal>();
  // The order's holds this command locked already (see OrderHolds.locked).
  const locked = input.reservationId === undefined && input.holds !== undefined && input.holds.orderId === input.orderId ? input.holds.locked : undefined;
  for (const id of candidates) {
    if (left.lte(0)) break;
    const doc = locked?.get(id) ?? (await ctx.tx.documents.getForUpdate<Reservation>(RESERVATIONS, id));
    if (doc === undefined) throw new StorekeepError("NOT_FOUND", `Unknown reservation "${id}".`, { reservationId: id });
    const r = doc.data;
    if (r.state !== "held") {
      if (input.reservationId !== undefined && input.quiet !== true) throw new StorekeepError("INVALID_TRANSITION", `Reservation ${id} is ${r.state}; only a held reservation can be fulfilled.`, { reservationId: id, state: r.state });
      continue;
    }
    if (r.sku !== input.sku || r.warehouseId !== input.warehouseId) {
      throw new StorekeepError("VALIDATION_FAILED", `Reservation ${id} holds ${r.sku} at ${r.warehouseId}, not ${input.sku} at ${input.warehouseId}.`, { issues: [{ path: "reservationId", message: "another SKU or warehouse", code: "custom" }] });
    }
    const heldLot = r.lot ?? "";
    if (heldLot !== "" && heldLot !== lot) {
      if (input.quiet === true) continue;
      throw new StorekeepError("VALIDATION_FAILED", `Reservation ${id} holds lot ${heldLot} of ${r.sku}, not ${lot === "" ? "an unnamed lot" : `lot ${lot}`}; issue lot ${heldLot} to fulfil it.`, { issues: [{ path: "lot", message: `the reservation holds lot ${heldLot}`, code: "custom" }] });
    }
    const remaining = new Decimal(r.remaining);
    const take = Decimal.min(remaining, left);
    if (input.oldestFirst === true) await checkQueue(ctx, r, take);
    const rest = remaining.minus(take);
    const next: Reservation = rest.isZero() ? closedHold(r, "fulfilled", "0", ctx.now.toISOString()) : { ...r, remaining: canonicalDecimal(rest) };
    const version = await ctx.tx.documents.put(RESERVATIONS, id, handOver(next), doc.version);
    locked?.set(id, { id, version, data: next });
    if (heldLot !== "") {
      const key = lotScope(r.sku, r.warehouseId, heldLot);
      lotChanges.set(key, (lotChanges.get(key) ?? new Decimal(0)).minus(take));
    }
    events.push(releasedEvent(r, canonicalDecimal(take), "fulfilled", ctx.today));
    released = released.plus(take);
    left = left.minus(take);
  }
  await applyLotHolds(ctx.tx, lotChanges);
  return { released, events };
}

/** Lowers `reserved` by the released quantities (per `sku|warehouse` scope, in key order). */
export async function applyRelease(tx: Transaction, changes: Map<string, Decimal>): Promise<void> {
  const list: CounterChange[] = [...changes.entries()]
    .filter(([, q]) => !q.isZero())
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, q]) => ({ key, deltas: { reserved: q.negated() } }));
  if (list.length > 0) await tx.counters.apply(AVAILABILITY, list);
}


/** Per transaction and `sku|warehouse` scope: on hand when first read, and what fulfilment has taken since (the counter moves only when the movements are recorded). */
const queueReads = new WeakMap<Transaction, Map<string, { onHand: Decimal; reserved: Decimal; taken: Decimal }>>();

/**
 * Refuses to fulfil `take` units of hold `r` when holds queued before it wait for them: with
 * more units held than on hand (backorders), stock that comes in serves the holds in queue
 * order ({@link byQueueOrder}), so a hold is covered by what is on hand less everything held
 * ahead of it. Nothing is read beyond the counter row while every hold is covered.
 *
 * @example
 * ```ts
 * await checkQueue(ctx, hold, new Decimal(2)); // INSUFFICIENT_STOCK while older backorders wait for the units
 * ```
 */
export async function checkQueue(ctx: CommandContext, r: Reservation, take: Decimal): Promise<void> {
  let byScope = queueReads.get(ctx.tx);
  if (byScope === undefined) queueReads.set(ctx.tx, (byScope = new Map()));
  let state = byScope.get(r.scope);
  if (state === undefined) {
    const row = await ctx.tx.counters.get(AVAILABILITY, r.scope);
    state = { onHand: row["onHand"] ?? new Decimal(0), reserved: row["reserved"] ?? new Decimal(0), taken: new Decimal(0) };
    byScope.set(r.scope, state);
  }
  const onHand = state.onHand.minus(state.taken);
  // Fulfilment lowers on hand and reserved alike: while the holds fit in what is on hand, all are covered.
  if (state.reserved.minus(state.taken).lte(onHand)) {
    state.taken = state.taken.plus(take);
    return;
  }
  const queue = await liveHoldsInQueueOrder(ctx.tx, r.scope, ctx.now.toISOString());
  let ahead = new Decimal(0);
  const waiting: string[] = [];
  for (const h of queue) {
    if (h.reservationId === r.reservationId || byQueueOrder(h, r) > 0) break;
    ahead = ahead.plus(h.remaining);
    if (h.orderId !== r.orderId && waiting.length < 5) waiting.push(h.orderId === "" ? `hold ${h.reservationId}` : `order ${h.orderId}`);
  }
  const covered = Decimal.max(onHand.minus(ahead), 0);
  if (take.gt(covered)) {
    const holder = r.orderId === "" ? `hold ${r.reservationId}` : `order ${r.orderId}`;
    const why = ahead.isZero()
      ? `${canonicalDecimal(onHand)} on hand, ${canonicalDecimal(take)} asked for ${holder}, which holds it on backorder. Ship ${canonicalDecimal(covered)} now, or receive stock first.`
      : `${canonicalDecimal(onHand)} on hand, ${canonicalDecimal(ahead)} of it held for backorders queued before ${holder} (${waiting.join(", ")}${waiting.length === 5 ? ", …" : ""}); ${canonicalDecimal(covered)} can ship for it now, ${canonicalDecimal(take)} asked. Ship the older backorders first, ship less, or receive stock.`;
    throw new StorekeepError(
      "INSUFFICIENT_STOCK",
      `${r.sku} at ${r.warehouseId} is backordered: ${why}`,
      { sku: r.sku, warehouseId: r.warehouseId, reservationId: r.reservationId, needed: canonicalDecimal(take), available: canonicalDecimal(covered), heldAhead: canonicalDecimal(ahead) },
    );
  }
  state.taken = state.taken.plus(take);
}
