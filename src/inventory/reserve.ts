import { z } from "zod";
import { BOUNDS, positiveQuantitySchema } from "../kernel/bounds.js";
import { Decimal, canonicalDecimal } from "../kernel/decimal.js";
import { StorekeepError, isStorekeepError } from "../kernel/errors.js";
import { idSchema } from "../kernel/ids.js";
import { instantString } from "../kernel/events/fields.js";
import type { CounterChange, JsonObject } from "../ports/storage.js";
import { insertDocuments } from "../runner/batch-documents.js";
import { type CommandContext, type NewEvent } from "../runner/command.js";
import { defineLibraryCommand } from "../runner/library.js";
import type { InventorySettings } from "./options.js";
import { AVAILABILITY, COST_STATES } from "./ledger-records.js";
import { applyLotHolds, heldByLot, lotScope, warehouseStock } from "./lot-holds.js";
import { LOTS, type Lot } from "./lots.js";
import { WAREHOUSES } from "./location.js";
import { requireProducts, skuSchema } from "./product.js";
import { NEVER_EXPIRES, RESERVATIONS, type Reservation, scopeOf } from "./reservations.js";
import { applyRelease, closeHolds, lockedExpiredIn } from "./reservation-holds.js";
import { handOver } from "../kernel/hand-over.js";
import { unitNameSchema } from "./movement-inputs.js";
import { quantityInBaseUnits } from "./base-quantity.js";
import { strictInput } from "../kernel/strict-input.js";

const reserveSchema = strictInput({
  lines: z
    .array(
      strictInput({
        sku: skuSchema,
        warehouseId: idSchema<string>(),
        quantity: positiveQuantitySchema,
        /** The unit the quantity is in (see `defineUnit`); default the base unit. Holds are kept in base units. */
        unit: unitNameSchema.optional(),
        lineId: idSchema<string>().optional(),
        /** The lot the customer needs (lot-tracked products). */
        lot: idSchema<string>().optional(),
      }),
    )
    .min(1)
    .max(BOUNDS.lines),
  kind: z.enum(["soft", "hard"]).default("soft"),
  /** Soft holds: when they expire (default: now + softHoldMinutes). */
  expiresAt: instantString.optional(),
  orderId: idSchema<string>().optional(),
});


/** What {@link reserveLines} takes (the parsed input of `inventory.reserve`). */
export type ReserveInput = z.output<typeof reserveSchema>;

/**
 * Reserves lines inside the caller's transaction (the body of `inventory.reserve`, also
 * run by the reaction to `OrderReservationRequested`): returns the holds and events. With
 * `rankAt` (an order edit re-reserving) the holds keep that earlier place in the backorder queue.
 *
 * @example
 * ```ts
 * const { result, events } = await reserveLines(ctx, settings, { lines, kind: "hard", orderId: "ord_1" });
 * ```
 */
export async function reserveLines(ctx: CommandContext, settings: InventorySettings, given: ReserveInput, rankAt?: string) {
  const input = given.lines.some((line) => line.unit !== undefined) ? { ...given, lines: await linesInBaseUnits(ctx, given.lines) } : given;
  const nowIso = ctx.now.toISOString();
  const expiresAt = input.kind === "hard" ? NEVER_EXPIRES : input.expiresAt ?? new Date(ctx.now.getTime() + settings.softHoldMinutes * 60_000).toISOString();
  if (input.kind === "soft" && expiresAt <= nowIso) {
    throw new StorekeepError("VALIDATION_FAILED", `A soft hold must expire after now (${nowIso}), not at ${expiresAt}.`, { issues: [{ path: "expiresAt", message: "not in the future", code: "custom" }] });
  }
  // Demand for the same SKU and warehouse is summed before the one guarded update.
  const demand = new Map<string, { sku: string; warehouseId: string; quantity: Decimal; backorders: boolean }>();
  const lotDemand = new Map<string, { sku: string; warehouseId: string; lot: string; quantity: Decimal; backorders: boolean }>();
  // An order's lines share warehouses (and may repeat SKUs): each is read once, the
  // products all in one read.
  const products = await requireProducts(ctx.tx, [...new Set(input.lines.map((l) => l.sku))]);
  const warehouses = new Set<string>();
  for (const [i, line] of input.lines.entries()) {
    const product = products.get(line.sku)!;
    if (line.lot !== undefined) {
      if ((product.tracking ?? "none") === "none") {
        throw new StorekeepError("VALIDATION_FAILED", `lines[${i}]: ${line.sku} is not tracked by lot, so a reservation cannot name lot ${line.lot}; leave the lot out.`, { issues: [{ path: `lines[${i}].lot`, message: "the product is not lot-tracked", code: "custom" }] });
      }
      const key = lotScope(line.sku, line.warehouseId, line.lot);
      const d = lotDemand.get(key) ?? { sku: line.sku, warehouseId: line.warehouseId, lot: line.lot, quantity: new Decimal(0), backorders: product.allowBackorders };
      d.quantity = d.quantity.plus(line.quantity);
      lotDemand.set(key, d);
    }
    if (!warehouses.has(line.warehouseId)) {
      if ((await ctx.tx.documents.get(WAREHOUSES, line.warehouseId)) === undefined) {
        throw new StorekeepError("NOT_FOUND", `Unknown warehouse "${line.warehouseId}": define it first with inventory.defineWarehouse({ warehouseId }).`, { warehouseId: line.warehouseId });
      }
      warehouses.add(line.warehouseId);
    }
    const scope = scopeOf(line.sku, line.warehouseId);
    const d = demand.get(scope) ?? { sku: line.sku, warehouseId: line.warehouseId, quantity: new Decimal(0), backorders: product.allowBackorders };
    d.quantity = d.quantity.plus(line.quantity);
    demand.set(scope, d);
  }
  // Expired holds in these scopes stop counting now, before the check.
  const expired = await lockedExpiredIn(ctx.tx, [...demand.keys()].sort(), nowIso);
  const closed = await closeHolds(ctx, expired, "expired", "expired");
  const changes: CounterChange[] = [...demand.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, d]) => ({ key, deltas: { reserved: d.quantity.minus(closed.changes.get(key) ?? 0) }, enforce: d.backorders ? [] : ["available"] }));
  await reserveLots(ctx, lotDemand, nowIso);
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
  const reservations: { reservationId: string; sku: string; warehouseId: string; quantity: string; expiresAt: string | null; lot?: string }[] = [];
  const events: NewEvent[] = [...closed.events];
  const docs: { id: string; data: JsonObject }[] = [];
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
      ...(line.lot === undefined ? {} : { lot: line.lot }),
      createdAt: nowIso,
      ...(rankAt === undefined || rankAt >= nowIso ? {} : { rankAt }),
      closedAt: null,
    };
    docs.push({ id: reservationId, data: handOver(doc) });
    reservations.push({ reservationId, sku: line.sku, warehouseId: line.warehouseId, quantity, expiresAt: input.kind === "hard" ? null : expiresAt, ...(line.lot === undefined ? {} : { lot: line.lot }) });
    // Optional fields assigned in place (the same keys in the same order as spreading them).
    const payload: Record<string, string> = { reservationId, sku: line.sku, warehouseId: line.warehouseId, quantity, kind: input.kind };
    if (input.kind === "soft") payload["expiresAt"] = expiresAt;
    if (input.orderId !== undefined) payload["orderId"] = input.orderId;
    if (line.lineId !== undefined) payload["lineId"] = line.lineId;
    if (line.lot !== undefined) payload["lot"] = line.lot;
    events.push({ type: "StockReserved", aggregateType: "reservation", aggregateId: reservationId, effectiveDate: ctx.today, payload });
  }
  await insertDocuments(ctx.tx, RESERVATIONS, docs);
  return { result: { reservations }, events };
}

/** Lines whose quantity is in a unit, converted to base units (the unit dropped), in order. */
async function linesInBaseUnits(ctx: CommandContext, lines: ReserveInput["lines"]): Promise<ReserveInput["lines"]> {
  const out: ReserveInput["lines"][number][] = [];
  for (const [i, { unit, ...line }] of lines.entries()) {
    out.push(unit === undefined ? line : { ...line, quantity: new Decimal(await quantityInBaseUnits(ctx.tx, line.sku, line.quantity, unit, `lines[${i}].quantity`)) });
  }
  return out;
}

/**
 * Holds units of named lots: with each SKU's cost state locked (so no movement of it runs
 * meanwhile, in SKU order), a lot's stock at the warehouse less what is held of it must
 * cover the demand (unless the product allows backorders), and an expired lot is not held
 * for a sale. Then the lot counters grow.
 */
async function reserveLots(ctx: CommandContext, lotDemand: ReadonlyMap<string, { sku: string; warehouseId: string; lot: string; quantity: Decimal; backorders: boolean }>, nowIso: string): Promise<void> {
  if (lotDemand.size === 0) return;
  for (const sku of [...new Set([...lotDemand.values()].map((d) => d.sku))].sort()) await ctx.tx.documents.getForUpdate(COST_STATES, sku);
  const deltas = new Map<string, Decimal>();
  for (const [key, d] of [...lotDemand.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const lot = (await ctx.tx.documents.get<Lot>(LOTS, `${d.sku}|${d.lot}`))?.data;
    if (lot !== undefined && lot.expiry !== null && lot.expiry < ctx.today) {
      throw new StorekeepError("INVALID_TRANSITION", `Lot ${d.lot} of ${d.sku} expired on ${lot.expiry}; expired stock is not reserved for a sale.`, { sku: d.sku, lot: d.lot, expiry: lot.expiry });
    }
    if (!d.backorders) {
      let onHand = new Decimal(0);
      for (const row of await warehouseStock(ctx.tx, d.sku, d.warehouseId)) if (row.lot === d.lot) onHand = onHand.plus(row.quantity);
      const held = (await heldByLot(ctx.tx, d.sku, d.warehouseId, [d.lot], nowIso)).get(d.lot) ?? new Decimal(0);
      const available = onHand.minus(held);
      if (available.lt(d.quantity)) {
        throw new StorekeepError(
          "INSUFFICIENT_STOCK",
          `Only ${canonicalDecimal(Decimal.max(available, 0))} of lot ${d.lot} of ${d.sku} available at ${d.warehouseId} (${canonicalDecimal(onHand)} on hand, ${canonicalDecimal(held)} held by other lot reservations); ${canonicalDecimal(d.quantity)} requested. Reserve another lot, or reserve without a lot.`,
          { sku: d.sku, warehouseId: d.warehouseId, lot: d.lot, requested: canonicalDecimal(d.quantity), available: canonicalDecimal(Decimal.max(available, 0)), onHand: canonicalDecimal(onHand), reserved: canonicalDecimal(held) },
        );
      }
    }
    deltas.set(key, d.quantity);
  }
  await applyLotHolds(ctx.tx, deltas);
}

/**
 * Reserves units for an order or a cart: soft holds expire (default now + softHoldMinutes), hard ones last until released or issued. Refuses more than is available unless the product allows backorders.
 * A line with a `unit` reserves its quantity in that unit (2 cartons hold 24 base units); holds, events and the result are in base units.
 *
 * @example
 * ```ts
 * const reserve = reserveCommand(resolveInventoryOptions());
 * await runtime.execute(reserve, { lines: [{ sku: "MUG", warehouseId: "wh", quantity: "1" }] });
 * ```
 */
export function reserveCommand(settings: InventorySettings) {
  return defineLibraryCommand({
    name: "inventory.reserve",
    input: reserveSchema,
    async handle(ctx, input) {
      return reserveLines(ctx, settings, input);
    },
  });
}
