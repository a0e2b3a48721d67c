import type { AgeingBucket } from "./ageing.js";
import type { KpiValues } from "./kpis.js";
import type { Grain, DateRange } from "./periods.js";
import type { KpiReport } from "./reports.js";

/**
 * One point of a dashboard chart: a label and named figures (decimal strings, null when
 * undefined).
 *
 * @example
 * ```ts
 * const p: DashboardPoint = { label: "2026-03", values: { netRevenue: "95.00", grossMargin: "71.00" } };
 * ```
 */
export interface DashboardPoint {
  readonly label: string;
  readonly values: Readonly<Record<string, string | null>>;
}

/**
 * Everything the dashboard shows, as data (`renderDashboardHtml` draws it).
 *
 * @example
 * ```ts
 * const data: DashboardData = await sk.analytics.dashboard({ from: "2026-01-01", to: "2026-03-31" });
 * data.kpis["net-revenue"];
 * ```
 */
export interface DashboardData extends DateRange {
  readonly title: string;
  readonly currency: string;
  readonly grain: Grain;
  /** The whole catalogue over the range. */
  readonly kpis: KpiValues;
  /** Net revenue, gross margin and margin % per grain bucket. */
  readonly revenue: readonly DashboardPoint[];
  /** The ten SKUs with the highest GMV: GMV, gross margin on shipped value, units shipped. */
  readonly topSkus: readonly DashboardPoint[];
  /** Stock value at the end of each bucket. */
  readonly stockValue: readonly DashboardPoint[];
  /** Inventory ageing at the end of the range. */
  readonly ageing: readonly AgeingBucket[];
  /** Fill rate and on-time shipment per bucket. */
  readonly fulfilment: readonly DashboardPoint[];
  /** Cash position at the end of each bucket. */
  readonly cash: readonly DashboardPoint[];
  /** Customers per RFM segment at the end of the range (with CRM; absent without it). */
  readonly segments?: readonly DashboardPoint[];
  /**
   * Units ordered per bucket (`actual`) beside the forecast of each bucket made from the
   * buckets before it alone (`forecast`, one step ahead; null for the first two), by
   * replenishment's automatic method choice (with replenishment; absent without it).
   */
  readonly forecast?: { readonly method: string; readonly points: readonly DashboardPoint[] };
}

/**
 * One-step-ahead forecasts over a series: for each point from the third on, the forecast
 * `next` makes from the points before it alone (the rolling origin a backtest uses), so the
 * chart shows how the forecast would have done. Forecasts are rounded to two decimals.
 *
 * @example
 * ```ts
 * forecastVsActual([{ label: "W1", actual: 3 }, { label: "W2", actual: 5 }, { label: "W3", actual: 4 }], (h) => ({ value: h[h.length - 1]!, method: "naive" }));
 * // { method: "naive", points: [..., { label: "W3", values: { actual: "4", forecast: "5.00" } }] }
 * ```
 */
export function forecastVsActual(series: readonly { label: string; actual: number }[], next: (history: readonly number[]) => { value: number; method: string }): { method: string; points: DashboardPoint[] } {
  let method = "none";
  const points = series.map((p, i) => {
    let forecast: string | null = null;
    if (i >= 2) {
      const f = next(series.slice(0, i).map((q) => q.actual));
      method = f.method;
      forecast = Math.max(0, f.value).toFixed(2);
    }
    return { label: p.label, values: { actual: String(p.actual), forecast } };
  });
  return { method, points };
}

/**
 * The grain a dashboard uses for a range: days up to five weeks, weeks up to six months,
 * months beyond.
 *
 * @example
 * ```ts
 * dashboardGrain(90); // "week"
 * ```
 */
export function dashboardGrain(days: number): Grain {
  return days <= 35 ? "day" : days <= 183 ? "week" : "month";
}

/**
 * Dashboard data from a KPI report that has a series and a SKU breakdown (and, with CRM,
 * the customers per segment).
 *
 * @example
 * ```ts
 * const data = dashboardData(await sk.analytics.kpis({ from, to, grain: "week", breakdowns: ["sku"] }), "My shop");
 * ```
 */
export function dashboardData(report: KpiReport, title: string, segments?: readonly { segment: string; customers: number }[], forecast?: { method: string; points: readonly DashboardPoint[] }): DashboardData {
  const points = report.series?.points ?? [];
  const series = (pick: (k: KpiValues) => Record<string, string | null | undefined>): DashboardPoint[] =>
    points.map((p) => ({ label: p.label, values: Object.fromEntries(Object.entries(pick(p.kpis)).map(([k, v]) => [k, v ?? null])) }));
  return {
    title,
    currency: report.currency,
    from: report.from,
    to: report.to,
    grain: report.series?.grain ?? "month",
    kpis: report.kpis,
    revenue: series((k) => ({ netRevenue: k["net-revenue"], grossMargin: k["gross-margin"], marginPct: k["gross-margin-pct"] })),
    topSkus: (report.breakdowns.sku ?? []).slice(0, 10).map((r) => ({ label: r.key, values: { gmv: r.gmv, grossMargin: r.grossMargin, shippedUnits: r.shippedUnits } })),
    stockValue: series((k) => ({ stockValue: k["stock-value"] })),
    ageing: report.ageing,
    fulfilment: series((k) => ({ fillRate: k["fill-rate"], onTime: k["on-time-shipment"] })),
    cash: series((k) => ({ cash: k["cash-position"] })),
    ...(segments === undefined ? {} : { segments: segments.map((s) => ({ label: s.segment, values: { customers: String(s.customers) } })) }),
    ...(forecast === undefined ? {} : { forecast }),
  };
}
