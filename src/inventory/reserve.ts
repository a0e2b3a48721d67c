import { z } from "zod";
import { BOUNDS, positiveQuantitySchema } from "../kernel/bounds.js";
import { Decimal, canonicalDecimal } from "../kernel/decimal.js";
import { StorekeepError, isStorekeepError } from "../kernel/errors.js";
import { idSchema } from "../kernel/ids.js";
import { instantString } from "../kernel/events/fields.js";
import type { CounterChange } from "../ports/storage.js";
import { type CommandContext, type NewEvent, defineCommand } from "../runner/command.js";
import type { InventorySettings } from "./options.js";
import { AVAILABILITY } from "./ledger-records.js";
import { WAREHOUSES } from "./location.js";
import { requireProduct, skuSchema } from "./product.js";
import { NEVER_EXPIRES, RESERVATIONS, type Reservation, scopeOf } from "./reservations.js";
import { applyRelease, closeHolds, lockedExpired } from "./reservation-holds.js";

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


/** What {@link reserveLines} takes (the parsed input of `inventory.reserve`). */
export type ReserveInput = z.output<typeof reserveSchema>;

/**
 * Reserves lines inside the caller's transaction (the body of `inventory.reserve`, also
 * run by the reaction to `OrderReservationRequested`): returns the holds and events.
 *
 * @example
 * ```ts
 * const { result, events } = await reserveLines(ctx, settings, { lines, kind: "hard", orderId: "ord_1" });
 * ```
 */
export async function reserveLines(ctx: CommandContext, settings: InventorySettings, input: ReserveInput) {
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
}

/**
 * Reserves units for an order or a cart: soft holds expire (default now + softHoldMinutes), hard ones last until released or issued. Refuses more than is available unless the product allows backorders.
 *
 * @example
 * ```ts
 * const reserve = reserveCommand(resolveInventoryOptions());
 * await runtime.execute(reserve, { lines: [{ sku: "MUG", warehouseId: "wh", quantity: "1" }] });
 * ```
 */
export function reserveCommand(settings: InventorySettings) {
  return defineCommand({
    name: "inventory.reserve",
    input: reserveSchema,
    async handle(ctx, input) {
      return reserveLines(ctx, settings, input);
    },
  });
}
