/**
 * The analytics module: its store registry and `sk.analytics`.
 */
import { hardenApi, query } from "../kernel/boundary.js";
import { type CurrencyCode, minorUnits } from "../kernel/currencies.js";
import { StorekeepError, isStorekeepError } from "../kernel/errors.js";
import { type LocalDate, addDays, isLocalDate } from "../kernel/local-date.js";
import type { StoreRegistry } from "../ports/storage.js";
import type { ModuleDefinition } from "../runner/command.js";
import type { Runtime } from "../runner/runner.js";
import type { AgeingBucket } from "./ageing.js";
import { type DashboardData, dashboardData, dashboardGrain, forecastVsActual } from "./dashboard.js";
import { type AutomationRule, type AutomationContext, type RuleProgress, type RuleSchedule, type TickResult, checkRule, tickRules } from "./rules.js";
import { type LowStockThresholds, deadStockAlerts, lowStockAlerts } from "./stock-alerts.js";
import { raiseStockAlerts } from "./raise-stock-alerts.js";
import type { Json } from "../ports/storage.js";
import { ANALYTICS_STORE, CUSTOMER_FACT_FIELDS, FACT_FIELDS } from "./facts.js";
import { KPI_CATALOGUE, type KpiDefinition } from "./kpis.js";
import { checkRange, daysIn } from "./periods.js";
import { type RebuildResult, type SyncResult, rebuildFacts, syncFacts } from "./projection.js";
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
  /** The scheduled rules `sk.analytics.runRules()` runs. */
  readonly automation?: AutomationOptions;
}

/**
 * The work of a hook rule (see {@link AutomationOptions}).
 *
 * @example
 * ```ts
 * const work: RuleWork = async (ctx) => ({ slot: ctx.slot });
 * ```
 */
export type RuleWork = (ctx: AutomationContext) => Promise<Json | void>;

/**
 * Scheduled rules: the built-in ones (expire soft holds, low-stock and dead-stock alerts),
 * hooks for work other modules own, and the host's own rules. Rules run in this order:
 * expire holds, low stock, dead stock, the hooks, the host's rules.
 *
 * @example
 * ```ts
 * const automation: AutomationOptions = {
 *   lowStock: { default: 0, skus: { MUG: 5 } },
 *   hooks: { cancelUnpaidOrders: async (ctx) => ({ cancelled: 0 }) },
 *   rules: [{ name: "acme.nightly-export", schedule: "daily", run: async () => {} }],
 * };
 * ```
 */
export interface AutomationOptions {
  /** Expire soft holds every this many minutes (`inventory.expire-holds`). Default 5; 0 turns the rule off. */
  readonly expireHoldsEveryMinutes?: number;
  /** Daily `StockAlertRaised` (low-stock) for SKUs at or below their threshold (`inventory.low-stock-alerts`). Default `{ default: 0 }`: SKUs that ran out; `false` turns it off. */
  readonly lowStock?: LowStockThresholds | false;
  /** Weekly `StockAlertRaised` (dead-stock) for SKUs on hand with nothing shipped in `deadStockDays` (`inventory.dead-stock-alerts`). Default true. */
  readonly deadStockAlerts?: boolean;
  /**
   * Run finance's unrealised FX revaluation (`sk.finance.revalue`) dated the last day of each
   * month once it has ended (`finance.month-end-fx-revaluation`). Default false; a
   * `hooks.monthEndFxRevaluation` given replaces it.
   */
  readonly fxRevaluation?: boolean;
  /** Work other modules own, scheduled here; each runs only when given. */
  readonly hooks?: {
    /** Hourly `sales.cancel-unpaid-orders`: cancel orders unpaid after the shop's time (with Sales). */
    readonly cancelUnpaidOrders?: RuleWork;
    /** Daily `replenishment.daily-suggestions`: compute replenishment suggestions and draft purchase orders. */
    readonly dailyReplenishment?: RuleWork;
    /** `finance.month-end-fx-revaluation` once each month has ended (the slot is that month). */
    readonly monthEndFxRevaluation?: RuleWork;
  };
  /** The host's own rules, run after the others. */
  readonly rules?: readonly AutomationRule[];
}

/**
 * What the facade gives analytics from other modules (analytics imports no module): the
 * work of the built-in rules, and CRM's segments for the dashboard.
 *
 * @example
 * ```ts
 * const builtins: AnalyticsWiring = { expireHolds: (key) => sk.inventory.expireReservations({}, { idempotencyKey: key }) };
 * ```
 */
export interface AnalyticsWiring {
  /** Releases expired soft holds (one batch) under the idempotency key. */
  readonly expireHolds?: (idempotencyKey: string) => Promise<{ expired: number; more: boolean }>;
  /** Finance's unrealised FX revaluation at a date, under an idempotency key (for `fxRevaluation`). */
  readonly revalue?: (date: string, idempotencyKey: string) => Promise<Json>;
  /** Customers per RFM segment as of a date (CRM), for the dashboard's segment chart. */
  readonly segments?: (asOf: string) => Promise<{ segment: string; customers: number }[]>;
  /** The one-step-ahead forecast of a demand series (replenishment's automatic choice), for the dashboard's forecast vs actual chart. */
  readonly forecastNext?: (history: readonly number[]) => { value: number; method: string };
  /** Each customer's RFM segment as of a date (CRM), for the breakdown by segment. */
  readonly customerSegments?: (asOf: string) => Promise<ReadonlyMap<string, string>>;
}

const REGISTRY: Partial<StoreRegistry> = {
  collections: [{ name: ANALYTICS_STORE.orders }, { name: ANALYTICS_STORE.customers }, { name: ANALYTICS_STORE.checkpoints }, { name: ANALYTICS_STORE.ruleRuns }, { name: ANALYTICS_STORE.shipments }, { name: ANALYTICS_STORE.returns }],
  balances: [
    { name: ANALYTICS_STORE.facts, fields: [...FACT_FIELDS], bucket: "day YYYY-MM-DD (key: all | sku:<sku> | channel:<channel> | warehouse:<id>)" },
    { name: ANALYTICS_STORE.customerFacts, fields: [...CUSTOMER_FACT_FIELDS], bucket: "day YYYY-MM-DD (key: the order's customer id)" },
  ],
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
  const automation = options.automation ?? {};
  if (automation === null || typeof automation !== "object") throw new StorekeepError("VALIDATION_FAILED", "analytics.automation must be an object.", { issues: [{ path: "automation", message: "an object", code: "custom" }] });
  positiveInteger(automation.expireHoldsEveryMinutes, "automation.expireHoldsEveryMinutes", 5);
  for (const rule of automation.rules ?? []) checkRule(rule);
  return { onTimeDays: positiveInteger(options.onTimeDays, "onTimeDays", 2), deadStockDays, ageingDays, categories: options.categories ?? {}, automation };
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
  /**
   * Empties the projection (daily sums, per-customer sums, its order, customer, shipment and
   * return documents, the checkpoint) in one transaction and replays the whole outbox into it;
   * resumable: a replay cut short is carried on by the next sync. `onProgress` hears each
   * page replayed with the outbox's event count as `total`.
   */
  rebuild(options?: { readonly onProgress?: (progress: { done: number; total: number }) => void }): Promise<RebuildResult>;
  /** The KPI report for a range (after bringing the projection up to date). */
  kpis(query: KpiQuery): Promise<KpiReport>;
  /** Inventory ageing buckets at a date. */
  ageing(asOf: string): Promise<AgeingBucket[]>;
  /**
   * The dashboard's data for a range (grain: days up to five weeks, weeks up to six months,
   * months beyond); draw it with `renderDashboardHtml`.
   */
  dashboard(range: { readonly from: string; readonly to: string }, options?: { readonly title?: string }): Promise<DashboardData>;
  /**
   * Runs every scheduled rule that is due, once per rule and slot (the host calls it from
   * cron, a queue or a timer; time comes from the clock). `onProgress` hears each rule done.
   */
  runRules(options?: { readonly onProgress?: (progress: RuleProgress) => void }): Promise<TickResult>;
  /** Adds a host rule (run after the configured ones). */
  addRule(rule: AutomationRule): Promise<{ rules: number }>;
  /** The rules and their schedules, in run order. */
  rules(): Promise<{ name: string; schedule: RuleSchedule }[]>;
}

const DIMENSIONS: readonly Dimension[] = ["sku", "category", "warehouse", "channel", "segment"];

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
export function createAnalyticsApi(runtime: Runtime, sources: AnalyticsSources, options: AnalyticsOptions = {}, builtins: AnalyticsWiring = {}): AnalyticsApi {
  const resolved = resolveAnalyticsOptions(options);
  const currency = runtime.config.functionalCurrency;
  const settings: ReportSettings = { currency, moneyDigits: minorUnits(currency as CurrencyCode), deadStockDays: resolved.deadStockDays, ageingDays: resolved.ageingDays, categories: resolved.categories };
  const factOptions = { functionalCurrency: currency as CurrencyCode, rates: runtime.rates, onTimeDays: resolved.onTimeDays };
  const sync: AnalyticsApi["sync"] = (o = {}) => syncFacts(runtime, factOptions, { ...(o.maxEvents === undefined ? {} : { maxEvents: o.maxEvents }), ...(o.onProgress === undefined ? {} : { onProgress: o.onProgress }) });
  const rules = builtinRules(runtime, sources, settings, resolved, builtins, sync);
  const api: AnalyticsApi = {
    catalogue: async () => KPI_CATALOGUE,
    sync,
    async rebuild(o = {}) {
      if (o.onProgress !== undefined && typeof o.onProgress !== "function") throw new StorekeepError("VALIDATION_FAILED", "analytics.rebuild onProgress must be a function.", { issues: [{ path: "onProgress", message: "must be a function", code: "custom" }] });
      return rebuildFacts(runtime, factOptions, o.onProgress === undefined ? {} : { onProgress: o.onProgress });
    },
    async kpis(query) {
      const q = checkQuery(query);
      await sync();
      // The breakdown by segment groups customers by their CRM segment at the end of the range.
      const segmentOf = (q.breakdowns ?? []).includes("segment") ? ((await builtins.customerSegments?.(q.to)) ?? new Map<string, string>()) : undefined;
      return runtime.read((tx) => kpiReport(tx, sources, q, settings, segmentOf));
    },
    async ageing(asOf) {
      if (!isLocalDate(asOf)) throw new StorekeepError("VALIDATION_FAILED", "analytics.ageing needs a date (YYYY-MM-DD).", { issues: [{ path: "asOf", message: "a date", code: "custom" }] });
      await sync();
      return runtime.read((tx) => inventoryAgeing(tx, sources, asOf, settings));
    },
    async dashboard(range, o = {}) {
      const r = checkRange(range, "analytics.dashboard");
      const report = await api.kpis({ ...r, grain: dashboardGrain(daysIn(r)), breakdowns: ["sku"] });
      const segments = builtins.segments === undefined ? undefined : await builtins.segments(r.to);
      let forecast: ReturnType<typeof forecastVsActual> | undefined;
      if (builtins.forecastNext !== undefined && report.series !== undefined) {
        // Units ordered per bucket, from the daily sums of the whole shop.
        const days = await runtime.read((tx) => tx.balances.buckets(ANALYTICS_STORE.facts, "all", { from: r.from, to: r.to }));
        // Days and points are both in date order: one walk sums each point's days.
        let next = 0;
        const actual = report.series.points.map((p) => {
          let units = 0;
          while (next < days.length && days[next]!.bucket <= p.to) {
            if (days[next]!.bucket >= p.from) units += Number(days[next]!.amounts["units"] ?? 0);
            next++;
          }
          return { label: p.label, actual: units };
        });
        forecast = forecastVsActual(actual, builtins.forecastNext);
      }
      return dashboardData(report, o.title ?? `storekeep dashboard, ${r.from} to ${r.to}`, segments, forecast);
    },
    runRules: (o = {}) => tickRules(runtime, rules, o),
    async addRule(rule) {
      checkRule(rule);
      if (rules.some((r) => r.name === rule.name)) throw new StorekeepError("ALREADY_EXISTS", `A rule named ${rule.name} is already registered; pick another name.`, { rule: rule.name });
      rules.push(rule);
      return { rules: rules.length };
    },
    rules: async () => rules.map((r) => ({ name: r.name, schedule: r.schedule })),
  };
  return hardenApi(api, "analytics", { methods: { catalogue: [], sync: [query(["maxEvents", "onProgress"], true)], rebuild: [query(["onProgress"], true)], kpis: [query(["from", "to", "grain", "compare", "breakdowns"])], ageing: ["string"], dashboard: [query(["from", "to"]), query(["title"], true)], runRules: [query(["onProgress"], true)], addRule: ["input"], rules: [] } });
}

/** The configured rules, in run order. */
function builtinRules(runtime: Runtime, sources: AnalyticsSources, settings: ReportSettings, resolved: Required<AnalyticsOptions>, builtins: AnalyticsWiring, sync: AnalyticsApi["sync"]): AutomationRule[] {
  const automation = resolved.automation;
  const out: AutomationRule[] = [];
  const minutes = automation.expireHoldsEveryMinutes ?? 5;
  const expire = builtins.expireHolds;
  if (minutes > 0 && expire !== undefined) {
    out.push({
      name: "inventory.expire-holds",
      schedule: { everyMinutes: minutes },
      async run(ctx) {
        let expired = 0;
        let more = true;
        for (let batch = 0; more && batch < 100; batch++) {
          const r = await expire(batch === 0 ? ctx.idempotencyKey : `${ctx.idempotencyKey}:${batch}`);
          expired += r.expired;
          more = r.more;
        }
        return { expired, more };
      },
    });
  }
  const raise = async (ctx: AutomationContext, alerts: Awaited<ReturnType<typeof lowStockAlerts>>) => {
    // A slot with nothing to raise still claims its key (an empty list): run again after an
    // earlier run of it raised alerts and failed to record itself, it then says so instead of "none".
    const chunks = Math.max(1, Math.ceil(alerts.length / 5_000));
    for (let i = 0; i < chunks; i++) {
      const slice = alerts.slice(i * 5_000, (i + 1) * 5_000).map((a) => ({ ...a, asOf: ctx.today, rule: ctx.rule, slot: ctx.slot }));
      try {
        await runtime.execute(raiseStockAlerts, { alerts: slice }, { idempotencyKey: i === 0 ? ctx.idempotencyKey : `${ctx.idempotencyKey}:${i}` });
      } catch (error) {
        // An earlier run of this slot raised its alerts and then failed to record the run (the
        // stock has moved since, so today's alerts differ): the slot raised once; not again.
        if (isStorekeepError(error) && error.code === "IDEMPOTENCY_MISMATCH") return { alerts: 0, raisedEarlier: true };
        throw error;
      }
      ctx.onProgress({ done: i + 1, total: chunks });
    }
    return { alerts: alerts.length };
  };
  const lowStock = automation.lowStock ?? { default: 0 };
  if (lowStock !== false) {
    out.push({ name: "inventory.low-stock-alerts", schedule: "daily", run: async (ctx) => raise(ctx, await runtime.read((tx) => lowStockAlerts(tx, sources, ctx.today, lowStock, settings.moneyDigits))) });
  }
  if (automation.deadStockAlerts !== false) {
    out.push({
      name: "inventory.dead-stock-alerts",
      schedule: "weekly",
      async run(ctx) {
        await sync();
        return raise(ctx, await runtime.read((tx) => deadStockAlerts(tx, sources, ctx.today, settings.deadStockDays, settings.moneyDigits)));
      },
    });
  }
  const hooks = automation.hooks ?? {};
  if (hooks.cancelUnpaidOrders) out.push({ name: "sales.cancel-unpaid-orders", schedule: "hourly", run: hooks.cancelUnpaidOrders });
  if (hooks.dailyReplenishment) out.push({ name: "replenishment.daily-suggestions", schedule: "daily", run: hooks.dailyReplenishment });
  const revalue = builtins.revalue;
  if (hooks.monthEndFxRevaluation) out.push({ name: "finance.month-end-fx-revaluation", schedule: "month-end", run: hooks.monthEndFxRevaluation });
  else if (automation.fxRevaluation === true && revalue !== undefined) {
    // The slot is the month that ended: revalue at its last day.
    out.push({ name: "finance.month-end-fx-revaluation", schedule: "month-end", run: (ctx) => revalue(addDays(`${nextMonth(ctx.slot)}-01` as LocalDate, -1), ctx.idempotencyKey) });
  }
  for (const rule of automation.rules ?? []) {
    if (out.some((r) => r.name === rule.name)) throw new StorekeepError("ALREADY_EXISTS", `Two rules are named ${rule.name}; rule names must be unique.`, { rule: rule.name });
    out.push(rule);
  }
  return out;
}

/** The month after `YYYY-MM`. */
function nextMonth(month: string): string {
  const [y, m] = [Number(month.slice(0, 4)), Number(month.slice(5, 7))];
  return m === 12 ? `${String(y + 1).padStart(4, "0")}-01` : `${month.slice(0, 4)}-${String(m + 1).padStart(2, "0")}`;
}
