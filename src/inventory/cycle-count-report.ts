import { Decimal } from "../kernel/decimal.js";
import type { JsonObject, Transaction } from "../ports/storage.js";
import { type AbcCuts, type CountFrequencies, type CycleCountDue, DEFAULT_ABC_CUTS, DEFAULT_COUNT_FREQUENCIES, abcClasses, cycleCountsDue } from "./cycle-counting.js";
import { QUANTITIES, VALUES } from "./ledger-records.js";
import { requireWarehouse } from "./location.js";
import { warehouseLocations } from "./start-stocktake.js";
import { COUNT_DATES } from "./stocktake-records.js";

/**
 * The cycle-count plan of a warehouse on a day: how many SKUs fall in each ABC class (by
 * the value held there) and which are due to be counted, A first.
 *
 * @example
 * ```ts
 * const plan: CycleCountPlan = { warehouseId: "wh", asOf: "2026-03-31", classes: { A: 2, B: 3, C: 10 }, due: [] };
 * ```
 */
export interface CycleCountPlan extends JsonObject {
  readonly warehouseId: string;
  readonly asOf: string;
  readonly classes: Readonly<Record<string, number>>;
  readonly due: readonly (CycleCountDue & JsonObject & { readonly value: number })[];
}

/**
 * What is due for a cycle count at a warehouse on `asOf`: SKUs with stock there, classed
 * A/B/C by the value they hold there (their on-hand value × the warehouse's share of their
 * quantity), each due when never counted or last counted (an approved stocktake) at least
 * its class's frequency ago. An unknown warehouse is NOT_FOUND; a known one holding nothing
 * has nothing due.
 *
 * @example
 * ```ts
 * const plan = await cycleCountPlan(tx, { warehouseId: "wh", asOf: "2026-03-31" });
 * ```
 */
export async function cycleCountPlan(
  tx: Transaction,
  query: { readonly warehouseId: string; readonly asOf: string; readonly cuts?: AbcCuts | undefined; readonly frequencies?: CountFrequencies | undefined },
): Promise<CycleCountPlan> {
  await requireWarehouse(tx, query.warehouseId);
  const here = new Set(await warehouseLocations(tx, query.warehouseId));
  const sums = await tx.balances.sumByKey(QUANTITIES, { buckets: { to: query.asOf } });
  const atWarehouse = new Map<string, Decimal>();
  const total = new Map<string, Decimal>();
  for (const [key, amounts] of sums) {
    const [sku, locationId] = key.split("|") as [string, string];
    const q = amounts["quantity"] ?? new Decimal(0);
    total.set(sku, (total.get(sku) ?? new Decimal(0)).plus(q));
    if (here.has(locationId)) atWarehouse.set(sku, (atWarehouse.get(sku) ?? new Decimal(0)).plus(q));
  }
  const skus = [...atWarehouse.keys()].filter((s) => atWarehouse.get(s)!.gt(0)).sort();
  const values = skus.length === 0 ? new Map() : await tx.balances.sumByKey(VALUES, { keys: skus, buckets: { to: query.asOf } });
  const items = skus.map((sku) => {
    const all = total.get(sku)!;
    const value = values.get(sku)?.["value"] ?? new Decimal(0);
    return { sku, value: all.gt(0) ? value.times(atWarehouse.get(sku)!).dividedBy(all).toNumber() : 0 };
  });
  const classes = abcClasses(items, query.cuts ?? DEFAULT_ABC_CUTS);
  const dates = await tx.documents.getMany<{ sku: string; lastCounted: string }>(COUNT_DATES, skus.map((s) => `${s}|${query.warehouseId}`));
  const last = new Map(dates.map((d) => [d.data.sku, d.data.lastCounted]));
  const valueOf = new Map(items.map((i) => [i.sku, Math.round(i.value * 100) / 100]));
  const due = cycleCountsDue(classes, last, query.asOf, query.frequencies ?? DEFAULT_COUNT_FREQUENCIES).map((d) => ({ ...d, value: valueOf.get(d.sku) ?? 0 }));
  const counts: Record<string, number> = { A: 0, B: 0, C: 0 };
  for (const c of classes.values()) counts[c]! += 1;
  return { warehouseId: query.warehouseId, asOf: query.asOf, classes: counts, due };
}
