import { Decimal, canonicalDecimal } from "../kernel/decimal.js";
import { StorekeepError, isStorekeepError } from "../kernel/errors.js";
import type { BalanceDelta, CounterChange, Transaction } from "../ports/storage.js";
import { AVAILABILITY, type MovementDraft, QUANTITIES } from "./ledger-records.js";
import { inTransitLocation } from "./location.js";
import type { MovementRecord } from "./movement.js";
import type { Product } from "./product.js";
import { isStocktakeAdjustment } from "./stocktake-book.js";
import type { MovementValuation } from "./valuation.js";
import { decimalOfScaled } from "../kernel/scaled.js";

/*
 * What recorded movements change besides the logs: the bucketed quantity and value
 * balances, and the guarded availability counter (per SKU and warehouse).
 */

/** Availability changes per `sku|warehouse` key, collected over a command's movements. */
export type CounterChanges = Map<string, { deltas: Map<string, Decimal>; enforce: Set<string>; sku: string; warehouseId: string }>;

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function toDecimal(scaled: bigint, decimals: number): Decimal {
  return decimalOfScaled(scaled, decimals);
}

/**
 * Refuses to take more from a location and lot than it holds now (the SKU's cost state is
 * locked, so no other command moves this SKU meanwhile). Products that allow negative
 * stock are not checked.
 */
export async function checkLocations(tx: Transaction, deltas: readonly BalanceDelta[], products: ReadonlyMap<string, Product>): Promise<void> {
  const net = new Map<string, Decimal>();
  for (const d of deltas) net.set(d.key, (net.get(d.key) ?? new Decimal(0)).plus(d.amounts["quantity"] ?? 0));
  const lowered: string[] = [];
  for (const [key, change] of net) {
    if (!change.isNegative()) continue;
    const sku = key.slice(0, key.indexOf("|"));
    if (products.get(sku)?.allowNegativeStock === false) lowered.push(key);
  }
  if (lowered.length === 0) return;
  // One read for every location lowered (one round trip on a SQL store, not one per line).
  const sums = lowered.length === 1 ? new Map([[lowered[0]!, await tx.balances.sum(QUANTITIES, lowered[0]!)]]) : await tx.balances.sumByKey(QUANTITIES, { keys: lowered });
  for (const key of lowered) {
    const change = net.get(key)!;
    const [sku, locationId, lot] = key.split("|") as [string, string, string];
    const held = sums.get(key)?.["quantity"] ?? new Decimal(0);
    if (held.plus(change).isNegative()) {
      throw new StorekeepError(
        "INSUFFICIENT_STOCK",
        `Not enough ${sku} at location ${locationId}${lot === "" ? "" : ` (lot ${lot})`}: ${canonicalDecimal(held)} there, ${canonicalDecimal(change.negated())} needed. Take it from another location, or transfer stock there first.`,
        { sku, locationId, lot: lot === "" ? null : lot, onHand: canonicalDecimal(held), needed: canonicalDecimal(change.negated()) },
      );
    }
  }
}

function counterKey(sku: string, warehouseId: string): string {
  return `${sku}|${warehouseId}`;
}

export function collectCounters(changes: CounterChanges, record: MovementRecord, draft: MovementDraft, product: Product): void {
  const add = (warehouseId: string, field: string, delta: Decimal, enforce?: string): void => {
    const key = counterKey(record.sku, warehouseId);
    const change = changes.get(key) ?? { deltas: new Map<string, Decimal>(), enforce: new Set<string>(), sku: record.sku, warehouseId };
    change.deltas.set(field, (change.deltas.get(field) ?? new Decimal(0)).plus(delta));
    if (enforce !== undefined && !product.allowNegativeStock) change.enforce.add(enforce);
    changes.set(key, change);
  };
  const quantity = new Decimal(record.quantity);
  if (record.kind === "transfer") {
    const moved = new Decimal(record.moved);
    const to = record.to!;
    if (record.stage !== "arrived") add(record.warehouseId, "onHand", moved.negated(), "available");
    if (record.stage !== "dispatched") add(to.warehouseId, "onHand", moved);
    return;
  }
  if (quantity.isZero()) return;
  if (quantity.isNegative()) {
    const release = draft.reservedRelease === undefined ? new Decimal(0) : new Decimal(draft.reservedRelease);
    // A stocktake's loss is a physical fact: it is recorded even when holds then exceed what is
    // on hand (the SKU is over-reserved, available goes below zero); on hand itself never does.
    const guard = release.isZero() && !isStocktakeAdjustment(record) ? "available" : "onHand";
    add(record.warehouseId, "onHand", quantity, guard);
    if (!release.isZero()) add(record.warehouseId, "reserved", release.negated());
  } else {
    add(record.warehouseId, "onHand", quantity);
  }
}

export function collectBalances(quantities: BalanceDelta[], values: BalanceDelta[], record: MovementRecord, v: MovementValuation, digits: number): void {
  const lot = record.lot ?? "";
  const bucket = record.effectiveDate;
  if (record.kind === "transfer") {
    const moved = new Decimal(record.moved);
    const to = record.to!;
    const value = toDecimal(BigInt(record.valueMinor ?? "0"), digits);
    const transit = inTransitLocation(to.warehouseId);
    const from = record.stage === "arrived" ? transit : record.locationId;
    const into = record.stage === "dispatched" ? transit : to.locationId;
    quantities.push({ key: `${record.sku}|${from}|${lot}`, bucket, amounts: { quantity: moved.negated() } });
    quantities.push({ key: `${record.sku}|${into}|${lot}`, bucket, amounts: { quantity: moved } });
    if (record.stage !== "direct" && record.stage !== null) {
      values.push({ key: record.sku, bucket, amounts: { inTransit: record.stage === "dispatched" ? value : value.negated() } });
    }
    return;
  }
  const quantity = new Decimal(record.quantity);
  if (!quantity.isZero()) quantities.push({ key: `${record.sku}|${record.locationId}|${lot}`, bucket, amounts: { quantity } });
  const inventory = v.postings["inventory"];
  if (inventory !== undefined) values.push({ key: record.sku, bucket, amounts: { value: toDecimal(inventory, digits) } });
}

export async function applyCounters(tx: Transaction, changes: CounterChanges): Promise<void> {
  if (changes.size === 0) return;
  const list: CounterChange[] = [...changes.entries()]
    .sort(([a], [b]) => cmp(a, b))
    .map(([key, c]) => ({ key, deltas: Object.fromEntries(c.deltas), enforce: [...c.enforce] }));
  try {
    await tx.counters.apply(AVAILABILITY, list);
  } catch (error) {
    if (isStorekeepError(error) && error.code === "GUARD_VIOLATED") {
      const key = String(error.details["key"] ?? "");
      const change = changes.get(key);
      const value = String(error.details["value"] ?? "");
      throw new StorekeepError(
        "INSUFFICIENT_STOCK",
        `Not enough ${change?.sku ?? key} available at warehouse ${change?.warehouseId ?? "?"}: this would leave ${value} ${error.details["guard"] === "onHand" ? "on hand" : "available (on hand less reserved)"}. Receive stock, release holds, or allow negative stock for this product.`,
        { sku: change?.sku, warehouseId: change?.warehouseId, guard: error.details["guard"], wouldBe: value },
        { cause: error },
      );
    }
    throw error;
  }
}
