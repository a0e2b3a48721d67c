import { Decimal, canonicalDecimal } from "../kernel/decimal.js";
import { StorekeepError } from "../kernel/errors.js";
import type { Transaction } from "../ports/storage.js";
import { QUANTITIES } from "./ledger-records.js";
import { inTransitLocation } from "./location.js";
import { MOVEMENTS, type MovementRecord, movementPosition } from "./movement.js";
import type { Product } from "./product.js";
import { isStocktakeAdjustment } from "./stocktake-book.js";

/*
 * Back-dating keeps the per-location and per-lot checks of history, not only the per-SKU
 * one that re-derivation makes. A movement dated before later ones that takes units from a
 * location and lot must not drive that `sku|location|lot` below zero at its own instant or
 * at any later movement: the balance before the back-dated day comes from the bucketed
 * quantities, the movements from that day on from one range read of the SKU's log, and the
 * running balance is replayed in (effective instant, movement id) order. Work is
 * proportional to the SKU's movements after the back-dated day, like re-derivation.
 */

/**
 * The quantity changes a movement makes per `sku|location|lot` key (a transfer takes from
 * one key and gives to another; in transit the units sit at the destination's transit
 * location).
 *
 * @example
 * ```ts
 * quantityChanges(record); // [{ key: "MUG|wh/A1|", quantity: Decimal(-2) }]
 * ```
 */
export function quantityChanges(record: MovementRecord): { key: string; quantity: Decimal }[] {
  const lot = record.lot ?? "";
  if (record.kind === "transfer") {
    const moved = new Decimal(record.moved);
    const to = record.to!;
    const transit = inTransitLocation(to.warehouseId);
    const from = record.stage === "arrived" ? transit : record.locationId;
    const into = record.stage === "dispatched" ? transit : to.locationId;
    return [
      { key: `${record.sku}|${from}|${lot}`, quantity: moved.negated() },
      { key: `${record.sku}|${into}|${lot}`, quantity: moved },
    ];
  }
  const quantity = new Decimal(record.quantity);
  return quantity.isZero() ? [] : [{ key: `${record.sku}|${record.locationId}|${lot}`, quantity }];
}

function dayBefore(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00.000Z`) - 86_400_000).toISOString().slice(0, 10);
}

/**
 * Refuses back-dated movements of one SKU that would take a location and lot below zero at
 * any point from their date on: `INSUFFICIENT_STOCK` when it is the new movement itself
 * that finds too little, `NEGATIVE_HISTORY` (naming the later movement, its date, location
 * and lot) when a later movement would. Call it after the new movements are in the log
 * and before the quantity balances take them. Products that allow negative stock, and a
 * stocktake's count adjustments (a record of what was found), are not checked.
 *
 * @example
 * ```ts
 * await checkLocationHistory(tx, product, newRecords);
 * ```
 */
export async function checkLocationHistory(tx: Transaction, product: Product, records: readonly MovementRecord[], raced = false): Promise<void> {
  if (product.allowNegativeStock || records.length === 0) return;
  const taking = new Set<string>();
  // A stocktake's adjustment records what was found at its instant; it is checked by the count, not here.
  // A manual `adjust` (whose reason also defaults to "count") is checked like any other movement.
  for (const r of records) if (!isStocktakeAdjustment(r)) for (const c of quantityChanges(r)) if (c.quantity.isNegative()) taking.add(c.key);
  if (taking.size === 0) return;
  const firstDay = records.reduce((min, r) => (r.effectiveDate < min ? r.effectiveDate : min), records[0]!.effectiveDate);
  const fresh = new Set(records.map((r) => r.movementId));
  // Local days start at most 14 hours before their UTC midnight; the filter on effectiveDate is exact.
  const from = new Date(Date.parse(`${firstDay}T00:00:00.000Z`) - 15 * 3_600_000).toISOString();
  const logged = await tx.logs.read<MovementRecord>(MOVEMENTS, product.sku, { gte: from });
  const later = logged.map((e) => e.data).filter((r) => r.effectiveDate >= firstDay);
  const inLog = new Set(later.map((r) => r.movementId));
  const all = [...later, ...records.filter((r) => !inLog.has(r.movementId))].sort((a, b) => {
    const pa = movementPosition(a.effectiveAt, a.movementId);
    const pb = movementPosition(b.effectiveAt, b.movementId);
    return pa < pb ? -1 : pa > pb ? 1 : 0;
  });
  const before = dayBefore(firstDay);
  for (const key of [...taking].sort()) {
    let balance = (await tx.balances.sum(QUANTITIES, key, { to: before }))["quantity"] ?? new Decimal(0);
    for (const r of all) {
      const change = quantityChanges(r).find((c) => c.key === key);
      if (change === undefined) continue;
      const was = balance;
      balance = balance.plus(change.quantity);
      if (!change.quantity.isNegative() || !balance.isNegative()) continue;
      const [, locationId, lot] = key.split("|") as [string, string, string];
      const where = `at location ${locationId}${lot === "" ? "" : ` (lot ${lot})`}`;
      const details = { sku: product.sku, locationId, lot: lot === "" ? null : lot, date: r.effectiveDate, movementId: r.movementId, onHand: canonicalDecimal(was), needed: canonicalDecimal(change.quantity.negated()) };
      if (fresh.has(r.movementId) || raced) {
        // Dated at its command's own instant, it is "earlier" only because another command committed first: it lost the race.
        throw new StorekeepError("INSUFFICIENT_STOCK", `Not enough ${product.sku} ${where} on ${r.effectiveDate}: ${canonicalDecimal(was)} there then, ${canonicalDecimal(change.quantity.negated())} needed. Date the movement later, take it from another location or lot, or record the receipt before it.`, raced && !fresh.has(r.movementId) ? { ...details, concurrent: true } : details);
      }
      throw new StorekeepError(
        "NEGATIVE_HISTORY",
        `Recording this would drive ${product.sku} ${where} negative on ${r.effectiveDate}: the later movement ${r.movementId} takes ${canonicalDecimal(change.quantity.negated())} with ${canonicalDecimal(was)} there once this one is in place. Date it later, take it from another location or lot, or record the missing receipt first.`,
        details,
      );
    }
  }
}
