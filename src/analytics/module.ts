/**
 * The analytics module: its store registry and `sk.analytics`.
 */
import { hardenApi } from "../kernel/boundary.js";
import { type CurrencyCode, minorUnits } from "../kernel/currencies.js";
import { StorekeepError } from "../kernel/errors.js";
import { isLocalDate } from "../kernel/local-date.js";
import type { StoreRegistry } from "../ports/storage.js";
import type { ModuleDefinition } from "../runner/command.js";
import type { Runtime } from "../runner/runner.js";
import type { AgeingBucket } from "./ageing.js";
import { ANALYTICS_STORE, FACT_FIELDS } from "./facts.js";
import { KPI_CATALOGUE, type KpiDefinition } from "./kpis.js";
import { checkRange } from "./periods.js";
import { type SyncResult, syncFacts } from "./projection.js";
import { type Dimension, type KpiQuery, type KpiReport, type ReportSettings, inventoryAgeing, kpiReport } from "./reports.js";
import type { AnalyticsSources } from "./sources.js";

/**
 * Analytics settings.
 *
 * @example
 * ```ts
 * const options: AnalyticsOptions = { onTimeDays: 1, deadStockDays: 60, categories: { "MUG-RED": "kitchen" } };
 * ```
 */
export interface AnalyticsOptions {
  /** A shipment within this many days of its order's date is on time. Default 2. */
  readonly onTimeDays?: number;
  /** A SKU on hand with no unit shipped in this many days up to the date is dead stock. Default 90. */
  readonly deadStockDays?: number;
  /** The upper ends (days) of the inventory ageing buckets, ascending. Default [30, 60, 90, 180]. */
  readonly ageingDays?: readonly number[];
  /** Each SKU's category, for the category breakdown (others: "uncategorised"). */
  readonly categories?: Readonly<Record<string, string>>;
}

const REGISTRY: Partial<StoreRegistry> = {
  collections: [{ name: ANALYTICS_STORE.orders }, { name: ANALYTICS_STORE.customers }, { name: ANALYTICS_STORE.checkpoints }, { name: ANALYTICS_STORE.ruleRuns }],
  balances: [{ name: ANALYTICS_STORE.facts, fields: [...FACT_FIELDS], bucket: "day YYYY-MM-DD (key: all | sku:<sku> | channel:<channel> | warehouse:<id>)" }],
};

/**
 * The analytics module for `createRuntime` (the facade adds it).
 *
 * @example
 * ```ts
 * const runtime = createRuntime({ ...ports, modules: [analyticsModule()] });
 * ```
 */
export function analyticsModule(options: AnalyticsOptions = {}): ModuleDefinition {
  resolveAnalyticsOptions(options);
  return { name: "analytics", registry: REGISTRY };
}

function positiveInteger(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || value > 3_650) {
    throw new StorekeepError("VALIDATION_FAILED", `analytics.${name} must be a whole number of days from 0 to 3650.`, { issues: [{ path: name, message: "0..3650", code: "custom" }] });
  }
  return value;
}

/**
 * Checks analytics options and fills in the defaults.
 *
 * @example
 * ```ts
 * resolveAnalyticsOptions({}).deadStockDays; // 90
 * ```
 */
export function resolveAnalyticsOptions(options: AnalyticsOptions = {}): Required<AnalyticsOptions> {
  const ageingDays = options.ageingDays ?? [30, 60, 90, 180];
  if (!Array.isArray(ageingDays) || ageingDays.length === 0 || ageingDays.some((d, i) => !Number.isInteger(d) || d < 1 || (i > 0 && d <= ageingDays[i - 1]!))) {
    throw new StorekeepError("VALIDATION_FAILED", "analytics.ageingDays must be ascending whole numbers of days, at least 1 (e.g. [30, 60, 90, 180]).", { issues: [{ path: "ageingDays", message: "ascending days", code: "custom" }] });
  }
  const deadStockDays = positiveInteger(options.deadStockDays, "deadStockDays", 90);
  if (deadStockDays < 1) throw new StorekeepError("VALIDATION_FAILED", "analytics.deadStockDays must be at least 1.", { issues: [{ path: "deadStockDays", message: "at least 1", code: "custom" }] });
  return { onTimeDays: positiveInteger(options.onTimeDays, "onTimeDays", 2), deadStockDays, ageingDays, categories: options.categories ?? {} };
}

/**
 * `sk.analytics`: the KPI catalogue over the ledgers and the analytics projection.
 *
 * @example
 * ```ts
 * const report = await sk.analytics.kpis({ from: "2026-01-01", to: "2026-03-31", grain: "month", compare: ["previous-year"], breakdowns: ["sku"] });
 * console.log(report.kpis.gmv, report.kpis["fill-rate"]);
 * ```
 */
export interface AnalyticsApi {
  /** The KPI catalogue: names, units, what each needs, definitions. */
  catalogue(): Promise<readonly KpiDefinition[]>;
  /**
   * Brings the projection up to date with the outbox (exactly once per event). `kpis` calls
   * it first, so a host only needs it to spread the work (after each batch of commands).
   */
  sync(options?: { readonly maxEvents?: number; readonly onProgress?: (progress: { done: number; total: number | null }) => void }): Promise<SyncResult>;
  /** The KPI report for a range (after bringing the projection up to date). */
  kpis(query: KpiQuery): Promise<KpiReport>;
  /** Inventory ageing buckets at a date. */
  ageing(asOf: string): Promise<AgeingBucket[]>;
}

const DIMENSIONS: readonly Dimension[] = ["sku", "category", "warehouse", "channel"];

function checkQuery(query: KpiQuery): KpiQuery {
  checkRange(query, "analytics.kpis");
  if (query.grain !== undefined && !["day", "week", "month"].includes(query.grain)) {
    throw new StorekeepError("VALIDATION_FAILED", `analytics.kpis: grain must be "day", "week" or "month".`, { issues: [{ path: "grain", message: "day | week | month", code: "custom" }] });
  }
  for (const c of query.compare ?? []) {
    if (c !== "previous-period" && c !== "previous-year") throw new StorekeepError("VALIDATION_FAILED", `analytics.kpis: compare takes "previous-period" and "previous-year".`, { issues: [{ path: "compare", message: "unknown comparison", code: "custom" }] });
  }
  for (const d of query.breakdowns ?? []) {
    if (!DIMENSIONS.includes(d)) throw new StorekeepError("VALIDATION_FAILED", `analytics.kpis: breakdowns take ${DIMENSIONS.join(", ")}.`, { issues: [{ path: "breakdowns", message: "unknown dimension", code: "custom" }] });
  }
  return query;
}

/**
 * Builds `sk.analytics` on a runtime, reading the books and the stock ledger through
 * `sources` (the facade wires finance's and inventory's balances).
 *
 * @example
 * ```ts
 * const analytics = createAnalyticsApi(runtime, sources, { deadStockDays: 60 });
 * ```
 */
export function createAnalyticsApi(runtime: Runtime, sources: AnalyticsSources, options: AnalyticsOptions = {}): AnalyticsApi {
  const resolved = resolveAnalyticsOptions(options);
  const currency = runtime.config.functionalCurrency;
  const settings: ReportSettings = { currency, moneyDigits: minorUnits(currency as CurrencyCode), deadStockDays: resolved.deadStockDays, ageingDays: resolved.ageingDays, categories: resolved.categories };
  const factOptions = { functionalCurrency: currency as CurrencyCode, rates: runtime.rates, onTimeDays: resolved.onTimeDays };
  const sync: AnalyticsApi["sync"] = (o = {}) => syncFacts(runtime, factOptions, { ...(o.maxEvents === undefined ? {} : { maxEvents: o.maxEvents }), ...(o.onProgress === undefined ? {} : { onProgress: o.onProgress }) });
  const api: AnalyticsApi = {
    catalogue: async () => KPI_CATALOGUE,
    sync,
    async kpis(query) {
      const q = checkQuery(query);
      await sync();
      return runtime.read((tx) => kpiReport(tx, sources, q, settings));
    },
    async ageing(asOf) {
      if (!isLocalDate(asOf)) throw new StorekeepError("VALIDATION_FAILED", "analytics.ageing needs a date (YYYY-MM-DD).", { issues: [{ path: "asOf", message: "a date", code: "custom" }] });
      await sync();
      return runtime.read((tx) => inventoryAgeing(tx, sources, asOf, settings));
    },
  };
  return hardenApi(api, "analytics", { methods: { catalogue: [], sync: ["input?"], kpis: ["input"], ageing: ["string"] } });
}
