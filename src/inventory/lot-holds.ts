import { Decimal, canonicalDecimal } from "../kernel/decimal.js";
import { StorekeepError } from "../kernel/errors.js";
import type { CounterChange, JsonObject, Transaction } from "../ports/storage.js";
import { type MovementDraft, QUANTITIES } from "./ledger-records.js";
import { LOCATIONS, type Location } from "./location.js";
import { LOTS, type Lot } from "./lots.js";
import type { Product } from "./product.js";
import type { PickableStock } from "./removal-strategy.js";
import { expiredHolds, scopeOf } from "./reservations.js";

/*
 * Reservations by lot: a customer who needs a particular lot holds units of it. Besides
 * the warehouse's availability row, such a hold counts in `inventory.lot-reserved` (one
 * counter row per SKU, warehouse and lot). What a lot can give anyone else is its stock
 * at the warehouse less what is held of it, so an issue, shipment or transfer out of the
 * warehouse that takes a held lot for someone else is refused, and automatic lot picking
 * goes around it.
 */

/** Counter family of units held per `sku|warehouse|lot` by reservations that name a lot. @example `LOT_RESERVED === "inventory.lot-reserved"` */
export const LOT_RESERVED = "inventory.lot-reserved";

/**
 * The counter row of a lot of a SKU at a warehouse.
 *
 * @example
 * ```ts
 * lotScope("MILK", "wh", "L-42"); // "MILK|wh|L-42"
 * ```
 */
export function lotScope(sku: string, warehouseId: string, lot: string): string {
  return `${sku}|${warehouseId}|${lot}`;
}

/**
 * Availability of one lot at a warehouse: on hand there, held by lot reservations (expired
 * holds not counted) and available to anyone else.
 *
 * @example
 * ```ts
 * const row: LotAvailability = { lot: "L-42", expiry: "2026-04-10", onHand: "10", reserved: "4", available: "6" };
 * ```
 */
export interface LotAvailability extends JsonObject {
  readonly lot: string;
  readonly expiry: string | null;
  readonly onHand: string;
  readonly reserved: string;
  readonly available: string;
}

/**
 * The stock of a SKU at a warehouse per location and lot (only what is on hand), with each
 * lot's expiry and when it first came in.
 *
 * @example
 * ```ts
 * const stock = await warehouseStock(tx, "MILK", "wh");
 * ```
 */
export async function warehouseStock(tx: Transaction, sku: string, warehouseId: string): Promise<PickableStock[]> {
  const sums = await tx.balances.sumByKey(QUANTITIES, { keyPrefix: `${sku}|` });
  const rows: { locationId: string; lot: string | null; quantity: Decimal }[] = [];
  for (const [key, amounts] of sums) {
    const [keySku, locationId, lot] = key.split("|") as [string, string, string];
    const q = amounts["quantity"] ?? new Decimal(0);
    if (keySku !== sku || !q.gt(0)) continue;
    rows.push({ locationId, lot: lot === "" ? null : lot, quantity: q });
  }
  const locations = await tx.documents.getMany<Location>(LOCATIONS, [...new Set(rows.map((r) => r.locationId))]);
  const here = new Set(locations.filter((l) => l.data.warehouseId === warehouseId).map((l) => l.id));
  const lotKeys = [...new Set(rows.filter((r) => r.lot !== null).map((r) => `${sku}|${r.lot}`))];
  const lots = new Map((await tx.documents.getMany<Lot>(LOTS, lotKeys)).map((d) => [d.data.lot, d.data]));
  return rows
    .filter((r) => here.has(r.locationId))
    .map((r) => ({ locationId: r.locationId, lot: r.lot, quantity: canonicalDecimal(r.quantity), expiry: r.lot === null ? null : (lots.get(r.lot)?.expiry ?? null), receivedAt: r.lot === null ? null : (lots.get(r.lot)?.firstReceivedAt ?? null) }));
}

/**
 * Units held per lot of a SKU at a warehouse by live lot reservations (expired holds the
 * expiry command has not released yet are not counted).
 *
 * @example
 * ```ts
 * const held = await heldByLot(tx, "MILK", "wh", ["L-42"], now.toISOString()); // Map { "L-42" => 4 }
 * ```
 */
export async function heldByLot(tx: Transaction, sku: string, warehouseId: string, lots: readonly string[], nowIso: string): Promise<Map<string, Decimal>> {
  const out = new Map<string, Decimal>();
  if (lots.length === 0) return out;
  const rows = await tx.counters.getMany(LOT_RESERVED, lots.map((lot) => lotScope(sku, warehouseId, lot)));
  let expired: Map<string, Decimal> | undefined;
  for (const lot of lots) {
    let held = rows.get(lotScope(sku, warehouseId, lot))?.["reserved"] ?? new Decimal(0);
    if (held.gt(0)) {
      if (expired === undefined) {
        expired = new Map();
        for (const hold of await expiredHolds(tx, scopeOf(sku, warehouseId), nowIso)) {
          const l = (hold as { lot?: string }).lot ?? "";
          if (l !== "") expired.set(l, (expired.get(l) ?? new Decimal(0)).plus(hold.remaining));
        }
      }
      held = held.minus(expired.get(lot) ?? 0);
    }
    if (held.gt(0)) out.set(lot, held);
  }
  return out;
}

/**
 * Availability per lot of a SKU at a warehouse.
 *
 * @example
 * ```ts
 * const rows = await lotAvailability(tx, "MILK", "wh", now.toISOString());
 * ```
 */
export async function lotAvailability(tx: Transaction, sku: string, warehouseId: string, nowIso: string): Promise<LotAvailability[]> {
  const stock = await warehouseStock(tx, sku, warehouseId);
  const onHand = new Map<string, { quantity: Decimal; expiry: string | null }>();
  for (const row of stock) {
    if (row.lot === null) continue;
    const entry = onHand.get(row.lot) ?? { quantity: new Decimal(0), expiry: row.expiry };
    entry.quantity = entry.quantity.plus(row.quantity);
    onHand.set(row.lot, entry);
  }
  const lots = [...onHand.keys()].sort();
  const held = await heldByLot(tx, sku, warehouseId, lots, nowIso);
  return lots.map((lot) => {
    const { quantity, expiry } = onHand.get(lot)!;
    const reserved = held.get(lot) ?? new Decimal(0);
    return { lot, expiry, onHand: canonicalDecimal(quantity), reserved: canonicalDecimal(reserved), available: canonicalDecimal(quantity.minus(reserved)) };
  });
}

/**
 * Changes the lot counters by the given deltas (`sku|warehouse|lot` → units), in key order.
 *
 * @example
 * ```ts
 * await applyLotHolds(tx, new Map([["MILK|wh|L-42", new Decimal(-2)]]));
 * ```
 */
export async function applyLotHolds(tx: Transaction, deltas: ReadonlyMap<string, Decimal>): Promise<void> {
  const list: CounterChange[] = [...deltas.entries()]
    .filter(([, q]) => !q.isZero())
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, q]) => ({ key, deltas: { reserved: q } }));
  if (list.length > 0) await tx.counters.apply(LOT_RESERVED, list);
}

/** True when a movement takes a lot out of its warehouse for a customer, a supplier or another warehouse. */
function leavesWarehouse(d: MovementDraft): boolean {
  if (d.kind === "sale-issue" || d.kind === "supplier-return") return true;
  return d.kind === "transfer" && d.stage !== "arrived" && d.to !== undefined && d.to.warehouseId !== d.warehouseId;
}

/**
 * Refuses a movement that takes units of a lot out of its warehouse when what would be
 * left there is less than what other customers hold of that lot (their own holds were
 * fulfilled before, so they no longer count). Products that allow negative stock are not
 * checked. Runs with the SKUs' cost states locked.
 *
 * @example
 * ```ts
 * await checkLotHolds(tx, drafts, products, now.toISOString());
 * ```
 */
export async function checkLotHolds(tx: Transaction, drafts: readonly MovementDraft[], products: ReadonlyMap<string, Product>, nowIso: string): Promise<void> {
  const taken = new Map<string, { sku: string; warehouseId: string; lot: string; quantity: Decimal }>();
  for (const d of drafts) {
    if (d.lot === undefined || d.lot === null || d.lot === "" || !leavesWarehouse(d)) continue;
    const product = products.get(d.sku);
    if (product === undefined || product.allowNegativeStock || (product.tracking ?? "none") === "none") continue;
    const q = d.kind === "transfer" ? new Decimal(d.moved ?? "0") : new Decimal(d.quantity).negated();
    if (!q.gt(0)) continue;
    const key = lotScope(d.sku, d.warehouseId, d.lot);
    const entry = taken.get(key) ?? { sku: d.sku, warehouseId: d.warehouseId, lot: d.lot, quantity: new Decimal(0) };
    entry.quantity = entry.quantity.plus(q);
    taken.set(key, entry);
  }
  for (const t of taken.values()) {
    const held = (await heldByLot(tx, t.sku, t.warehouseId, [t.lot], nowIso)).get(t.lot);
    if (held === undefined) continue;
    let onHand = new Decimal(0);
    for (const row of await warehouseStock(tx, t.sku, t.warehouseId)) if (row.lot === t.lot) onHand = onHand.plus(row.quantity);
    const free = onHand.minus(held);
    if (free.lt(t.quantity)) {
      throw new StorekeepError(
        "INSUFFICIENT_STOCK",
        `Lot ${t.lot} of ${t.sku} at ${t.warehouseId} is held for other customers: ${canonicalDecimal(onHand)} on hand, ${canonicalDecimal(held)} reserved by lot, ${canonicalDecimal(Decimal.max(free, 0))} free, ${canonicalDecimal(t.quantity)} needed. Take another lot (name none and the removal strategy goes around held lots), or fulfil the reservation that holds it.`,
        { sku: t.sku, warehouseId: t.warehouseId, lot: t.lot, onHand: canonicalDecimal(onHand), reserved: canonicalDecimal(held), needed: canonicalDecimal(t.quantity) },
      );
    }
  }
}

