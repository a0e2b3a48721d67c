import { z } from "zod";
import { BOUNDS, positiveQuantitySchema } from "../kernel/bounds.js";
import { Decimal, canonicalDecimal } from "../kernel/decimal.js";
import { StorekeepError, isStorekeepError } from "../kernel/errors.js";
import { idSchema } from "../kernel/ids.js";
import { instantString } from "../kernel/events/fields.js";
import type { CounterChange, Transaction } from "../ports/storage.js";
import { type CommandContext, type NewEvent, defineCommand } from "../runner/command.js";
import { AVAILABILITY } from "./ledger-records.js";
import { WAREHOUSES } from "./location.js";
import type { InventorySettings } from "./options.js";
import { requireProduct, skuSchema } from "./product.js";
import { NEVER_EXPIRES, RESERVATIONS, type Reservation, expiredHolds, scopeOf } from "./reservations.js";

const reserveSchema = z.object({
  lines: z
    .array(z.object({ sku: skuSchema, warehouseId: idSchema<string>(), quantity: positiveQuantitySchema, lineId: idSchema<string>().optional() }))
    .min(1)
    .max(BOUNDS.lines),
  kind: z.enum(["soft", "hard"]).default("soft"),
  /** Soft holds: when they expire (default: now + softHoldMinutes). */
  expiresAt: instantString.optional(),
  orderId: idSchema<string>().optional(),
});

const releaseSchema = z.object({ reservationId: idSchema<string>(), reason: z.enum(["released", "cancelled"]).default("released") });
const releaseOrderSchema = z.object({ orderId: idSchema<string>(), reason: z.enum(["released", "cancelled"]).default("cancelled") });
const allocateSchema = z.object({ reservationId: idSchema<string>() });
const expireSchema = z.object({ limit: z.number().int().min(1).max(10_000).default(1000) });

function releasedEvent(r: Reservation, quantity: string, reason: "released" | "expired" | "fulfilled" | "cancelled", date: string): NewEvent {
  return {
    type: "ReservationReleased",
    aggregateType: "reservation",
    aggregateId: r.reservationId,
    effectiveDate: date,
    payload: { reservationId: r.reservationId, sku: r.sku, warehouseId: r.warehouseId, quantity, reason, ...(r.orderId === "" ? {} : { orderId: r.orderId }) },
  };
}

/**
 * Closes holds (expired, released, cancelled) and returns the counter changes that stop
 * reserving their units plus the events. The caller applies the changes.
 */
async function closeHolds(ctx: CommandContext, holds: readonly { doc: Reservation; version: number }[], state: Reservation["state"], reason: "released" | "expired" | "cancelled"): Promise<{ changes: Map<string, Decimal>; events: NewEvent[] }> {
  const changes = new Map<string, Decimal>();
  const events: NewEvent[] = [];
  for (const { doc, version } of holds) {
    await ctx.tx.documents.put(RESERVATIONS, doc.reservationId, { ...doc, state, remaining: "0", closedAt: ctx.now.toISOString() }, version);
    changes.set(doc.scope, (changes.get(doc.scope) ?? new Decimal(0)).plus(doc.remaining));
    events.push(releasedEvent(doc, doc.remaining, reason, ctx.today));
  }
  return { changes, events };
}

async function lockedExpired(tx: Transaction, scope: string, nowIso: string): Promise<{ doc: Reservation; version: number }[]> {
  const out: { doc: Reservation; version: number }[] = [];
  for (const hold of await expiredHolds(tx, scope, nowIso)) {
    const doc = await tx.documents.getForUpdate<Reservation>(RESERVATIONS, hold.reservationId);
    if (doc !== undefined && doc.data.state === "held") out.push({ doc: doc.data, version: doc.version });
  }
  return out;
}

/**
 * Fulfils held reservations with an issue: those named, or the order's for the SKU and
 * warehouse (oldest first), up to `quantity`. Returns how many reserved units the issue
 * consumes (the ledger lowers `reserved` by it in the same counter update) and the events.
 *
 * @example
 * ```ts
 * const { released, events } = await fulfilReservations(ctx, { sku: "MUG", warehouseId: "wh", orderId: "ord_1", quantity: new Decimal(2) });
 * ```
 */
export async function fulfilReservations(
  ctx: CommandContext,
  input: { readonly sku: string; readonly warehouseId: string; readonly quantity: Decimal; readonly orderId?: string | undefined; readonly reservationId?: string | undefined },
): Promise<{ released: Decimal; events: NewEvent[] }> {
  const events: NewEvent[] = [];
  let released = new Decimal(0);
  let candidates: string[];
  if (input.reservationId !== undefined) candidates = [input.reservationId];
  else if (input.orderId !== undefined) {
    const found = await ctx.tx.documents.find<Reservation>(RESERVATIONS, { index: "byOrder", equals: [input.orderId, input.sku], limit: 1000 });
    candidates = found.filter((d) => d.data.state === "held" && d.data.warehouseId === input.warehouseId).map((d) => d.id);
  } else return { released, events };
  let left = input.quantity;
  for (const id of candidates) {
    if (left.lte(0)) break;
    const doc = await ctx.tx.documents.getForUpdate<Reservation>(RESERVATIONS, id);
    if (doc === undefined) throw new StorekeepError("NOT_FOUND", `Unknown reservation "${id}".`, { reservationId: id });
    const r = doc.data;
    if (r.state !== "held") {
      if (input.reservationId !== undefined) throw new StorekeepError("INVALID_TRANSITION", `Reservation ${id} is ${r.state}; only a held reservation can be fulfilled.`, { reservationId: id, state: r.state });
      continue;
    }
    if (r.sku !== input.sku || r.warehouseId !== input.warehouseId) {
      throw new StorekeepError("VALIDATION_FAILED", `Reservation ${id} holds ${r.sku} at ${r.warehouseId}, not ${input.sku} at ${input.warehouseId}.`, { issues: [{ path: "reservationId", message: "another SKU or warehouse", code: "custom" }] });
    }
    const remaining = new Decimal(r.remaining);
    const take = Decimal.min(remaining, left);
    const rest = remaining.minus(take);
    await ctx.tx.documents.put(RESERVATIONS, id, { ...r, remaining: canonicalDecimal(rest), state: rest.isZero() ? "fulfilled" : "held", closedAt: rest.isZero() ? ctx.now.toISOString() : null }, doc.version);
    events.push(releasedEvent(r, canonicalDecimal(take), "fulfilled", ctx.today));
    released = released.plus(take);
    left = left.minus(take);
  }
  return { released, events };
}

async function applyRelease(tx: Transaction, changes: Map<string, Decimal>): Promise<void> {
  const list: CounterChange[] = [...changes.entries()]
    .filter(([, q]) => !q.isZero())
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, q]) => ({ key, deltas: { reserved: q.negated() } }));
  if (list.length > 0) await tx.counters.apply(AVAILABILITY, list);
}

/**
 * The reservation commands: reserve (soft or hard), allocate (soft → hard), release,
 * releaseOrder, expire.
 *
 * @example
 * ```ts
 * const { reserve } = reservationCommands(resolveInventoryOptions());
 * await runtime.execute(reserve, { lines: [{ sku: "MUG", warehouseId: "wh", quantity: "1" }] });
 * ```
 */
export function reservationCommands(settings: InventorySettings) {
  const reserve = defineCommand({
    name: "inventory.reserve",
    input: reserveSchema,
    async handle(ctx, input) {
      const nowIso = ctx.now.toISOString();
      const expiresAt = input.kind === "hard" ? NEVER_EXPIRES : input.expiresAt ?? new Date(ctx.now.getTime() + settings.softHoldMinutes * 60_000).toISOString();
      if (input.kind === "soft" && expiresAt <= nowIso) {
        throw new StorekeepError("VALIDATION_FAILED", `A soft hold must expire after now (${nowIso}), not at ${expiresAt}.`, { issues: [{ path: "expiresAt", message: "not in the future", code: "custom" }] });
      }
      // Demand for the same SKU and warehouse is summed before the one guarded update.
      const demand = new Map<string, { sku: string; warehouseId: string; quantity: Decimal; backorders: boolean }>();
      for (const line of input.lines) {
        const product = await requireProduct(ctx.tx, line.sku);
        if ((await ctx.tx.documents.get(WAREHOUSES, line.warehouseId)) === undefined) {
          throw new StorekeepError("NOT_FOUND", `Unknown warehouse "${line.warehouseId}": define it first with inventory.defineWarehouse({ warehouseId }).`, { warehouseId: line.warehouseId });
        }
        const scope = scopeOf(line.sku, line.warehouseId);
        const d = demand.get(scope) ?? { sku: line.sku, warehouseId: line.warehouseId, quantity: new Decimal(0), backorders: product.allowBackorders };
        d.quantity = d.quantity.plus(line.quantity);
        demand.set(scope, d);
      }
      // Expired holds in these scopes stop counting now, before the check.
      const expired: { doc: Reservation; version: number }[] = [];
      for (const scope of [...demand.keys()].sort()) expired.push(...(await lockedExpired(ctx.tx, scope, nowIso)));
      const closed = await closeHolds(ctx, expired, "expired", "expired");
      const changes: CounterChange[] = [...demand.entries()]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([key, d]) => ({ key, deltas: { reserved: d.quantity.minus(closed.changes.get(key) ?? 0) }, enforce: d.backorders ? [] : ["available"] }));
      const others = [...closed.changes.entries()].filter(([k]) => !demand.has(k));
      await applyRelease(ctx.tx, new Map(others));
      try {
        await ctx.tx.counters.apply(AVAILABILITY, changes);
      } catch (error) {
        if (isStorekeepError(error) && error.code === "GUARD_VIOLATED") {
          const key = String(error.details["key"]);
          const d = demand.get(key)!;
          const row = await ctx.tx.counters.get(AVAILABILITY, key);
          const available = (row["onHand"] ?? new Decimal(0)).minus((row["reserved"] ?? new Decimal(0)).minus(closed.changes.get(key) ?? 0));
          throw new StorekeepError(
            "INSUFFICIENT_STOCK",
            `Only ${canonicalDecimal(available)} ${d.sku} available at ${d.warehouseId}; ${canonicalDecimal(d.quantity)} requested. Reserve less, or allow backorders for this product.`,
            { sku: d.sku, warehouseId: d.warehouseId, requested: canonicalDecimal(d.quantity), available: canonicalDecimal(available) },
            { cause: error },
          );
        }
        throw error;
      }
      const reservations: { reservationId: string; sku: string; warehouseId: string; quantity: string; expiresAt: string | null }[] = [];
      const events: NewEvent[] = [...closed.events];
      for (const line of input.lines) {
        const reservationId = ctx.ids.next("res");
        const quantity = canonicalDecimal(line.quantity);
        const doc: Reservation = {
          reservationId,
          sku: line.sku,
          warehouseId: line.warehouseId,
          scope: scopeOf(line.sku, line.warehouseId),
          quantity,
          remaining: quantity,
          kind: input.kind,
          state: "held",
          expiresAt,
          orderId: input.orderId ?? "",
          lineId: line.lineId ?? "",
          createdAt: nowIso,
          closedAt: null,
        };
        await ctx.tx.documents.put(RESERVATIONS, reservationId, doc, 0);
        reservations.push({ reservationId, sku: line.sku, warehouseId: line.warehouseId, quantity, expiresAt: input.kind === "hard" ? null : expiresAt });
        events.push({
          type: "StockReserved",
          aggregateType: "reservation",
          aggregateId: reservationId,
          effectiveDate: ctx.today,
          payload: {
            reservationId,
            sku: line.sku,
            warehouseId: line.warehouseId,
            quantity,
            kind: input.kind,
            ...(input.kind === "soft" ? { expiresAt } : {}),
            ...(input.orderId === undefined ? {} : { orderId: input.orderId }),
            ...(line.lineId === undefined ? {} : { lineId: line.lineId }),
          },
        });
      }
      return { result: { reservations }, events };
    },
  });

  const allocate = defineCommand({
    name: "inventory.allocate",
    input: allocateSchema,
    async handle(ctx, input) {
      const doc = await ctx.tx.documents.getForUpdate<Reservation>(RESERVATIONS, input.reservationId);
      if (doc === undefined) throw new StorekeepError("NOT_FOUND", `Unknown reservation "${input.reservationId}".`, { reservationId: input.reservationId });
      const r = doc.data;
      if (r.state !== "held" || (r.kind === "soft" && r.expiresAt <= ctx.now.toISOString())) {
        throw new StorekeepError("INVALID_TRANSITION", `Reservation ${r.reservationId} is ${r.state === "held" ? "expired" : r.state}; reserve again instead.`, { reservationId: r.reservationId, state: r.state });
      }
      await ctx.tx.documents.put(RESERVATIONS, r.reservationId, { ...r, kind: "hard", expiresAt: NEVER_EXPIRES }, doc.version);
      return { result: { reservationId: r.reservationId, kind: "hard" } };
    },
  });

  const release = defineCommand({
    name: "inventory.release",
    input: releaseSchema,
    async handle(ctx, input) {
      const doc = await ctx.tx.documents.getForUpdate<Reservation>(RESERVATIONS, input.reservationId);
      if (doc === undefined) throw new StorekeepError("NOT_FOUND", `Unknown reservation "${input.reservationId}".`, { reservationId: input.reservationId });
      if (doc.data.state !== "held") return { result: { reservationId: input.reservationId, released: "0", state: doc.data.state } };
      const closed = await closeHolds(ctx, [{ doc: doc.data, version: doc.version }], input.reason, input.reason);
      await applyRelease(ctx.tx, closed.changes);
      return { result: { reservationId: input.reservationId, released: doc.data.remaining, state: input.reason }, events: closed.events };
    },
  });

  const releaseOrder = defineCommand({
    name: "inventory.releaseOrder",
    input: releaseOrderSchema,
    async handle(ctx, input) {
      const found = await ctx.tx.documents.find<Reservation>(RESERVATIONS, { index: "byOrder", equals: [input.orderId], limit: 10_000 });
      const holds: { doc: Reservation; version: number }[] = [];
      for (const d of found) {
        if (d.data.state !== "held") continue;
        const locked = await ctx.tx.documents.getForUpdate<Reservation>(RESERVATIONS, d.id);
        if (locked !== undefined && locked.data.state === "held") holds.push({ doc: locked.data, version: locked.version });
      }
      const closed = await closeHolds(ctx, holds, input.reason, input.reason);
      await applyRelease(ctx.tx, closed.changes);
      return { result: { orderId: input.orderId, released: holds.length }, events: closed.events };
    },
  });

  const expire = defineCommand({
    name: "inventory.expireReservations",
    input: expireSchema,
    async handle(ctx, input) {
      const nowIso = ctx.now.toISOString();
      const found = await ctx.tx.documents.find<Reservation>(RESERVATIONS, { index: "byExpiry", equals: ["held"], range: { lte: nowIso }, limit: input.limit });
      const holds: { doc: Reservation; version: number }[] = [];
      for (const d of found) {
        const locked = await ctx.tx.documents.getForUpdate<Reservation>(RESERVATIONS, d.id);
        if (locked !== undefined && locked.data.state === "held" && locked.data.expiresAt <= nowIso) holds.push({ doc: locked.data, version: locked.version });
      }
      const closed = await closeHolds(ctx, holds, "expired", "expired");
      await applyRelease(ctx.tx, closed.changes);
      return { result: { expired: holds.length, more: found.length === input.limit }, events: closed.events };
    },
  });

  return { reserve, allocate, release, releaseOrder, expire };
}
