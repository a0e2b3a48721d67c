import { Decimal, canonicalDecimal } from "../kernel/decimal.js";
import { StorekeepError } from "../kernel/errors.js";
import type { Transaction } from "../ports/storage.js";
import { QUANTITIES } from "./ledger-records.js";
import { quantityChanges } from "./location-history.js";
import { MOVEMENTS, type MovementRecord, movementPosition } from "./movement.js";
import type { Product } from "./product.js";

/*
 * A serial is on hand at most once at every instant of history, not only now. Today's
 * balance is checked for every movement (`checkTracking`); a back-dated movement that brings
 * a serial in is also replayed against the SKU's movements from its day on: the serial's
 * total over all locations before that day (one bucketed sum) and every later movement of it
 * (one range read, as `checkLocationHistory` reads) must never exceed one unit.
 */

/** What a movement changes a serial's total over all locations by (a transfer moves it: zero). */
function netChange(record: MovementRecord): Decimal {
  return quantityChanges(record).reduce((sum, c) => sum.plus(c.quantity), new Decimal(0));
}

function dayBefore(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00.000Z`) - 86_400_000).toISOString().slice(0, 10);
}

/**
 * Refuses back-dated movements of a serial-tracked SKU that would have a serial on hand more
 * than once at some instant from their date on (`ALREADY_EXISTS`, naming the serial, the
 * new movement's date and the date it would be on hand twice). Call it after the new
 * movements are in the log and before the quantity balances take them.
 *
 * @example
 * ```ts
 * await checkSerialHistory(tx, product, newRecords);
 * ```
 */
export async function checkSerialHistory(tx: Transaction, product: Product, records: readonly MovementRecord[]): Promise<void> {
  if ((product.tracking ?? "none") !== "serial" || records.length === 0) return;
  const serials = new Set<string>();
  for (const r of records) if (r.lot !== null && r.lot !== "" && netChange(r).gt(0)) serials.add(r.lot);
  if (serials.size === 0) return;
  const firstDay = records.reduce((min, r) => (r.effectiveDate < min ? r.effectiveDate : min), records[0]!.effectiveDate);
  const fresh = new Map(records.map((r) => [r.movementId, r]));
  // Local days start at most 14 hours before their UTC midnight; the filter on effectiveDate is exact.
  const from = new Date(Date.parse(`${firstDay}T00:00:00.000Z`) - 15 * 3_600_000).toISOString();
  const logged = (await tx.logs.read<MovementRecord>(MOVEMENTS, product.sku, { gte: from })).map((e) => e.data).filter((r) => r.effectiveDate >= firstDay);
  const inLog = new Set(logged.map((r) => r.movementId));
  const all = [...logged, ...records.filter((r) => !inLog.has(r.movementId))]
    .filter((r) => r.lot !== null && serials.has(r.lot))
    .map((r) => ({ r, position: movementPosition(r.effectiveAt, r.movementId) }))
    .sort((a, b) => (a.position < b.position ? -1 : a.position > b.position ? 1 : 0));
  // Each serial's total over every location (and in transit) before the first day.
  const held = new Map<string, Decimal>();
  for (const [key, amounts] of await tx.balances.sumByKey(QUANTITIES, { keyPrefix: `${product.sku}|`, buckets: { to: dayBefore(firstDay) } })) {
    const lot = key.split("|")[2] ?? "";
    if (serials.has(lot)) held.set(lot, (held.get(lot) ?? new Decimal(0)).plus(amounts["quantity"] ?? 0));
  }
  const cameIn = new Map<string, MovementRecord>();
  for (const { r } of all) {
    const serial = r.lot!;
    const change = netChange(r);
    const total = (held.get(serial) ?? new Decimal(0)).plus(change);
    held.set(serial, total);
    if (!change.gt(0)) continue;
    if (total.gt(1)) throw twice(product.sku, serial, r, fresh, cameIn.get(serial), firstDay, total);
    cameIn.set(serial, r);
  }
}

function twice(sku: string, serial: string, at: MovementRecord, fresh: ReadonlyMap<string, MovementRecord>, earlier: MovementRecord | undefined, firstDay: string, total: Decimal): StorekeepError {
  const details = { sku, serial, date: at.effectiveDate, movementId: at.movementId, onHand: canonicalDecimal(total) };
  if (fresh.has(at.movementId)) {
    const since = earlier === undefined ? `it came in before ${firstDay}` : `it came in on ${earlier.effectiveDate} (movement ${earlier.movementId})`;
    return new StorekeepError(
      "ALREADY_EXISTS",
      `Serial ${serial} of ${sku} is already on hand on ${at.effectiveDate} (${since} and has not left by then), so this ${at.kind} dated ${at.effectiveDate} would put it on hand twice; a serial number is one unit, on hand at most once. Date it after the serial leaves, or check the serial number.`,
      details,
    );
  }
  const incoming = earlier !== undefined && fresh.has(earlier.movementId) ? earlier : [...fresh.values()].find((r) => r.lot === serial)!;
  return new StorekeepError(
    "ALREADY_EXISTS",
    `Serial ${serial} of ${sku} would be on hand twice on ${at.effectiveDate}: this ${incoming.kind} dated ${incoming.effectiveDate} brings it in, and movement ${at.movementId} (${at.kind}) brings it in again on ${at.effectiveDate} before it has left. A serial number is one unit, on hand at most once; date this one after the serial leaves, or check the serial number.`,
    details,
  );
}
