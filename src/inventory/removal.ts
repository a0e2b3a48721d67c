import { Decimal, canonicalDecimal } from "../kernel/decimal.js";
import { StorekeepError } from "../kernel/errors.js";
import { localDateFormatter } from "../kernel/local-date.js";
import type { CommandContext, NewEvent } from "../runner/command.js";
import { heldByLot, warehouseStock } from "./lot-holds.js";
import { WAREHOUSES, resolveLocation } from "./location.js";
import { type Product, requireProduct } from "./product.js";
import { type RemovalStrategy, pickStock } from "./removal-strategy.js";
import { type OrderHolds, fulfilReservations } from "./reservation-holds.js";
import { RESERVATIONS, type Reservation } from "./reservations.js";

/*
 * Where an issue, a shipment line or a transfer takes its units from. When it names its
 * lot, or the product is not tracked, that is the one location (the named one or the
 * warehouse's root) and lot. A lot-tracked product's units taken without a lot are chosen
 * by its removal strategy (the product's, else the warehouse's, else FEFO): its own
 * reservations' lots first, never an expired lot, never units other customers hold by lot,
 * at the named location or anywhere in the warehouse. Each part fulfils the order's (or the
 * named) holds it can.
 */

/**
 * One part of a removal: a location and lot, the quantity, and the reserved units it fulfils.
 *
 * @example
 * ```ts
 * const part: RemovalPart = { locationId: "wh/A1", lot: "L-42", quantity: "2", released: "2" };
 * ```
 */
export interface RemovalPart {
  readonly locationId: string;
  readonly lot: string | undefined;
  readonly quantity: string;
  readonly released: string;
}

/**
 * What a removal asks: the SKU at a warehouse, the location and lot as given (either may be
 * absent), the quantity in base units, when, and the holds it fulfils (none for a transfer).
 */
export interface RemovalRequest {
  readonly sku: string;
  readonly warehouseId: string;
  readonly locationId?: string | undefined;
  readonly lot?: string | undefined;
  readonly quantity: string;
  readonly effectiveAt: string;
  readonly orderId?: string | undefined;
  readonly reservationId?: string | undefined;
  readonly fulfil: boolean;
  /** A location not to take from (a transfer's destination). */
  readonly excludeLocation?: string | undefined;
  /** The order's holds, shared by the lines of one shipment (read once). */
  readonly holds?: OrderHolds | undefined;
  /** Serve backorders oldest first (the inventory option `backorderAllocation`); applies to products that allow backorders. */
  readonly oldestFirst?: boolean;
  /** The SKU's product, when the caller read it already (a shipment reads its lines' products at once). */
  readonly product?: Product | undefined;
  /** Locations resolved already in this command, shared by a shipment's lines (see {@link resolvedLocations}). */
  readonly resolved?: ResolvedLocations | undefined;
}

/**
 * The locations one command resolved (warehouse and location named → location id): the
 * lines of one shipment resolve their warehouse's location once, not once per line.
 *
 * @example
 * ```ts
 * const resolved = resolvedLocations();
 * await planRemoval(ctx, { sku: "MUG", warehouseId: "wh", quantity: "1", effectiveAt, fulfil: false, resolved });
 * ```
 */
export type ResolvedLocations = Map<string, string>;

/** An empty {@link ResolvedLocations}. @example `const resolved = resolvedLocations();` */
export function resolvedLocations(): ResolvedLocations {
  return new Map();
}

async function locationOf(ctx: CommandContext, request: RemovalRequest): Promise<string> {
  if (request.resolved === undefined) return resolveLocation(ctx.tx, request.warehouseId, request.locationId);
  const key = `${request.warehouseId}\u0000${request.locationId ?? ""}`;
  const known = request.resolved.get(key);
  if (known !== undefined) return known;
  const id = await resolveLocation(ctx.tx, request.warehouseId, request.locationId);
  request.resolved.set(key, id);
  return id;
}

/**
 * Plans a removal (see the file comment) and fulfils the holds it consumes.
 *
 * @example
 * ```ts
 * const { parts, events } = await planRemoval(ctx, { sku: "MILK", warehouseId: "wh", quantity: "7", effectiveAt, orderId: "ord_1", fulfil: true });
 * ```
 */
export async function planRemoval(ctx: CommandContext, request: RemovalRequest): Promise<{ parts: RemovalPart[]; events: NewEvent[]; strategy: RemovalStrategy | null }> {
  const product = request.product !== undefined && request.product.sku === request.sku ? request.product : await requireProduct(ctx.tx, request.sku);
  const locationId = await locationOf(ctx, request);
  // A product that may go below zero on hand ships at once: nothing to wait for, nothing queued.
  const oldestFirst = request.oldestFirst === true && product.allowBackorders && !product.allowNegativeStock;
  const fulfil = async (quantity: string, lot: string | undefined, quiet: boolean): Promise<{ released: Decimal; events: NewEvent[] }> =>
    request.fulfil ? fulfilReservations(ctx, { sku: request.sku, warehouseId: request.warehouseId, quantity: new Decimal(quantity), orderId: request.orderId, reservationId: request.reservationId, lot, quiet, holds: request.holds, oldestFirst }) : { released: new Decimal(0), events: [] };
  if (request.lot !== undefined && request.locationId === undefined && (product.tracking ?? "none") !== "none") {
    const parts = await namedLotParts(ctx, request, locationId, fulfil);
    if (parts !== undefined) return parts;
  }
  if (request.lot !== undefined || (product.tracking ?? "none") === "none") {
    const f = await fulfil(request.quantity, request.lot, false);
    return { parts: [{ locationId, lot: request.lot, quantity: request.quantity, released: canonicalDecimal(f.released) }], events: f.events, strategy: null };
  }
  const warehouse = (await ctx.tx.documents.get<{ removalStrategy?: RemovalStrategy | null }>(WAREHOUSES, request.warehouseId))?.data;
  const strategy: RemovalStrategy = product.removalStrategy ?? warehouse?.removalStrategy ?? "fefo";
  const nowIso = ctx.now.toISOString();
  let stock = await warehouseStock(ctx.tx, request.sku, request.warehouseId);
  if (request.locationId !== undefined) stock = stock.filter((row) => row.locationId === locationId);
  if (request.excludeLocation !== undefined) stock = stock.filter((row) => row.locationId !== request.excludeLocation);
  // The lots this order's (or the named) holds keep for it, and what others hold of each lot.
  const own = new Map<string, Decimal>();
  if (request.fulfil && (request.reservationId !== undefined || request.orderId !== undefined)) {
    const holds =
      request.reservationId !== undefined
        ? [await ctx.tx.documents.get<Reservation>(RESERVATIONS, request.reservationId)].filter((d) => d !== undefined)
        : await ctx.tx.documents.find<Reservation>(RESERVATIONS, { index: "byOrder", equals: [request.orderId!, request.sku], limit: 1000 });
    for (const d of holds) {
      const r = d.data;
      if (request.reservationId !== undefined && r.state !== "held") throw new StorekeepError("INVALID_TRANSITION", `Reservation ${r.reservationId} is ${r.state}; only a held reservation can be fulfilled.`, { reservationId: r.reservationId, state: r.state });
      if (r.state !== "held" || r.warehouseId !== request.warehouseId || r.sku !== request.sku || (r.lot ?? "") === "") continue;
      own.set(r.lot!, (own.get(r.lot!) ?? new Decimal(0)).plus(r.remaining));
    }
  }
  const lots = [...new Set(stock.map((row) => row.lot).filter((l): l is string => l !== null))];
  const held = await heldByLot(ctx.tx, request.sku, request.warehouseId, lots, nowIso);
  const totals = new Map<string, Decimal>();
  for (const row of stock) if (row.lot !== null) totals.set(row.lot, (totals.get(row.lot) ?? new Decimal(0)).plus(row.quantity));
  const caps = new Map<string, string>();
  for (const [lot, h] of held) {
    const others = Decimal.max(h.minus(own.get(lot) ?? 0), 0);
    caps.set(lot, canonicalDecimal(Decimal.max((totals.get(lot) ?? new Decimal(0)).minus(others), 0)));
  }
  const today = localDateFormatter(ctx.config.timeZone)(new Date(request.effectiveAt));
  const { picks, short } = pickStock(stock.filter((row) => row.lot !== null), request.quantity, strategy, today, { caps, prefer: new Map([...own].map(([lot, q]) => [lot, canonicalDecimal(q)])) });
  if (short !== "0") {
    const taken = new Decimal(request.quantity).minus(short);
    const where = request.locationId === undefined ? `at ${request.warehouseId}` : `at location ${locationId}`;
    throw new StorekeepError(
      "INSUFFICIENT_STOCK",
      `Not enough ${request.sku} ${where} to take by ${strategy.toUpperCase()}: ${canonicalDecimal(taken)} can be taken from unexpired lots not held for other customers, ${request.quantity} needed. Receive stock, name a lot, or take less.`,
      { sku: request.sku, warehouseId: request.warehouseId, locationId: request.locationId === undefined ? null : locationId, needed: request.quantity, available: canonicalDecimal(taken), strategy },
    );
  }
  const parts: RemovalPart[] = [];
  const events: NewEvent[] = [];
  for (const pick of picks) {
    const f = await fulfil(pick.quantity, pick.lot ?? undefined, true);
    events.push(...f.events);
    parts.push({ locationId: pick.locationId, lot: pick.lot ?? undefined, quantity: pick.quantity, released: canonicalDecimal(f.released) });
  }
  return { parts, events, strategy };
}

/**
 * A named lot of a tracked product taken without a location: wherever the warehouse holds
 * that lot (the root first, then location order), when the root alone does not hold enough
 * and the warehouse does. Undefined otherwise: the root is used, and the usual checks say
 * what is missing. Expiry and other customers' holds are checked on the movements as usual.
 */
async function namedLotParts(
  ctx: CommandContext,
  request: RemovalRequest,
  root: string,
  fulfil: (quantity: string, lot: string | undefined, quiet: boolean) => Promise<{ released: Decimal; events: NewEvent[] }>,
): Promise<{ parts: RemovalPart[]; events: NewEvent[]; strategy: RemovalStrategy | null } | undefined> {
  const rows = (await warehouseStock(ctx.tx, request.sku, request.warehouseId))
    .filter((row) => row.lot === request.lot && row.locationId !== request.excludeLocation)
    .sort((a, b) => (a.locationId === root ? -1 : b.locationId === root ? 1 : a.locationId < b.locationId ? -1 : a.locationId > b.locationId ? 1 : 0));
  const needed = new Decimal(request.quantity);
  const atRoot = rows.find((row) => row.locationId === root)?.quantity ?? "0";
  const total = rows.reduce((sum, row) => sum.plus(row.quantity), new Decimal(0));
  if (new Decimal(atRoot).gte(needed) || total.lt(needed)) return undefined;
  const parts: RemovalPart[] = [];
  const events: NewEvent[] = [];
  let left = needed;
  for (const row of rows) {
    if (!left.gt(0)) break;
    const take = Decimal.min(left, row.quantity);
    if (!take.gt(0)) continue;
    const quantity = canonicalDecimal(take);
    const f = await fulfil(quantity, request.lot, parts.length > 0);
    events.push(...f.events);
    parts.push({ locationId: row.locationId, lot: request.lot, quantity, released: canonicalDecimal(f.released) });
    left = left.minus(take);
  }
  return { parts, events, strategy: parts.length > 1 ? "location" : null };
}
