import { Decimal } from "../kernel/decimal.js";
import { type LocalDate, addDays } from "../kernel/local-date.js";
import type { Transaction } from "../ports/storage.js";
import { ANALYTICS_STORE } from "./facts.js";
import type { AnalyticsSources } from "./sources.js";

/**
 * Low-stock thresholds: one for every SKU that ever had stock, and per SKU overrides.
 * A SKU is low when what it has on hand is at or below its threshold.
 *
 * @example
 * ```ts
 * const t: LowStockThresholds = { default: 0, skus: { MUG: 5 } };
 * ```
 */
export interface LowStockThresholds {
  readonly default?: number | string;
  readonly skus?: Readonly<Record<string, number | string>>;
}

/**
 * A stock alert before it is recorded (see `StockAlertRaised`).
 *
 * @example
 * ```ts
 * const a: StockAlert = { kind: "low-stock", sku: "MUG", onHand: "2", threshold: "5", value: "8.00" };
 * ```
 */
export interface StockAlert {
  readonly kind: "low-stock" | "dead-stock";
  readonly sku: string;
  readonly onHand: string;
  readonly threshold?: string;
  readonly days?: number;
  readonly value: string;
}

/**
 * SKUs at or below their low-stock threshold at a date, sorted by SKU.
 *
 * @example
 * ```ts
 * const alerts = await lowStockAlerts(tx, sources, "2026-03-02", { default: 0, skus: { MUG: 5 } }, 2);
 * ```
 */
export async function lowStockAlerts(tx: Transaction, sources: AnalyticsSources, asOf: string, thresholds: LowStockThresholds, moneyDigits: number): Promise<StockAlert[]> {
  const stock = await sources.stockBySku(tx, asOf);
  const out: StockAlert[] = [];
  for (const sku of [...stock.keys()].sort()) {
    const raw = thresholds.skus?.[sku] ?? thresholds.default;
    if (raw === undefined) continue;
    const threshold = new Decimal(raw);
    const s = stock.get(sku)!;
    if (s.quantity.lte(threshold)) out.push({ kind: "low-stock", sku, onHand: s.quantity.toFixed(), threshold: threshold.toFixed(), value: s.value.toFixed(moneyDigits) });
  }
  return out;
}

/**
 * SKUs on hand at a date with no unit shipped in the `days` up to it, sorted by SKU.
 *
 * @example
 * ```ts
 * const alerts = await deadStockAlerts(tx, sources, "2026-03-31", 90, 2);
 * ```
 */
export async function deadStockAlerts(tx: Transaction, sources: AnalyticsSources, asOf: string, days: number, moneyDigits: number): Promise<StockAlert[]> {
  const stock = await sources.stockBySku(tx, asOf);
  const shipped = await tx.balances.sumByKey(ANALYTICS_STORE.facts, { keyPrefix: "sku:", buckets: { from: addDays(asOf as LocalDate, -(days - 1)), to: asOf } });
  const out: StockAlert[] = [];
  for (const sku of [...stock.keys()].sort()) {
    const s = stock.get(sku)!;
    if (s.quantity.lte(0)) continue;
    if (!(shipped.get(`sku:${sku}`)?.["shippedUnits"] ?? new Decimal(0)).isZero()) continue;
    out.push({ kind: "dead-stock", sku, onHand: s.quantity.toFixed(), days, value: s.value.toFixed(moneyDigits) });
  }
  return out;
}
