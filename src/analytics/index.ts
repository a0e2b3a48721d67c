/**
 * Analytics: the KPI catalogue over the ledgers (a projection of daily sums kept from the
 * outbox, and the books' balances), breakdowns, comparisons, ageing and CSV exports.
 * Definitions are written in docs/analytics.md.
 */
export { analyticsModule, createAnalyticsApi, resolveAnalyticsOptions } from "./module.js";
export type { AnalyticsApi, AnalyticsOptions } from "./module.js";
export type { AnalyticsSources, Turnover } from "./sources.js";
export { ANALYTICS_STORE, FACT_FIELDS, applyFactEvent } from "./facts.js";
export type { AnalyticsOrderDoc, FactField, FactOptions, FactSums } from "./facts.js";
export { rebuildFacts, syncFacts } from "./projection.js";
export type { RebuildResult, SyncResult } from "./projection.js";
export { KPI_CATALOGUE, KPI_NAMES, breakdownRow, computeKpis, formatKpi, ratio } from "./kpis.js";
export type { BreakdownRow, KpiDefinition, KpiInputs, KpiName, KpiUnit, KpiValues, LedgerFigures, StockFigures } from "./kpis.js";
export { checkRange, comparedRange, daysIn, splitRange } from "./periods.js";
export type { KpiComparison, DateRange, Grain } from "./periods.js";
export { ageStock, ageingLabels } from "./ageing.js";
export type { AgeingBucket } from "./ageing.js";
export { inventoryAgeing, kpiReport } from "./reports.js";
export type { ComparisonResult, Dimension, KpiQuery, KpiReport, ReportSettings, SeriesPoint } from "./reports.js";
export { breakdownCsv, kpiReportCsv, kpiSeriesCsv, toCsv } from "./csv.js";
export { dashboardData, dashboardGrain } from "./dashboard.js";
export type { DashboardData, DashboardPoint } from "./dashboard.js";
export { renderDashboardHtml } from "./render-dashboard.js";
export { checkRule, slotOf, tickRules } from "./rules.js";
export type { AutomationRule, AutomationContext, RuleProgress, RuleRun, RuleSchedule, TickResult } from "./rules.js";
export type { AnalyticsWiring, AutomationOptions, RuleWork } from "./module.js";
export { deadStockAlerts, lowStockAlerts } from "./stock-alerts.js";
export type { LowStockThresholds, StockAlert } from "./stock-alerts.js";
export { raiseStockAlerts } from "./raise-stock-alerts.js";
export { analyticsEventDefinitions, stockAlertRaisedSchema } from "./events.js";
