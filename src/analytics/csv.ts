import { KPI_CATALOGUE } from "./kpis.js";
import type { BreakdownRow } from "./kpis.js";
import type { KpiReport } from "./reports.js";

function field(value: string | null | undefined): string {
  const text = value ?? "";
  // A field a spreadsheet would run as a formula (=, +, -, @, a tab or CR first) that is not a
  // plain number is defused with a leading apostrophe (OWASP's advice: quoting alone does not
  // stop it) and quoted; "-12.5" stays a number.
  if (/^[=+\-@\t\r]/.test(text) && !/^-?\d+(\.\d+)?$/.test(text)) return `"'${text.replace(/"/g, '""')}"`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * CSV text (RFC 4180, `\n` line ends) from rows of fields; empty for null. A field that a
 * spreadsheet would run as a formula (and is not a plain number) is quoted behind an apostrophe.
 *
 * @example
 * ```ts
 * toCsv([["kpi", "value"], ["gmv", "12.50"]]); // "kpi,value\ngmv,12.50\n"
 * ```
 */
export function toCsv(rows: readonly (readonly (string | null | undefined)[])[]): string {
  return rows.map((row) => row.map(field).join(",")).join("\n") + "\n";
}

/**
 * A KPI report as CSV: one line per KPI with its label, unit, value, and for each
 * comparison its value and the change.
 *
 * @example
 * ```ts
 * const csv = kpiReportCsv(await sk.analytics.kpis({ from: "2026-01-01", to: "2026-01-31", compare: ["previous-year"] }));
 * ```
 */
export function kpiReportCsv(report: KpiReport): string {
  const header = ["kpi", "label", "unit", "currency", "from", "to", "value"];
  for (const c of report.comparisons) header.push(`${c.comparison} (${c.from}..${c.to})`, `change vs ${c.comparison}`);
  const rows: (string | null | undefined)[][] = [header];
  for (const k of KPI_CATALOGUE) {
    const row: (string | null | undefined)[] = [k.name, k.label, k.unit, k.unit === "money" ? report.currency : "", report.from, report.to, report.kpis[k.name]];
    for (const c of report.comparisons) row.push(c.kpis[k.name], c.change[k.name]);
    rows.push(row);
  }
  return toCsv(rows);
}

/**
 * A report's series as CSV: one line per grain bucket, one column per KPI.
 *
 * @example
 * ```ts
 * const csv = kpiSeriesCsv(await sk.analytics.kpis({ from: "2026-01-01", to: "2026-12-31", grain: "month" }));
 * ```
 */
export function kpiSeriesCsv(report: KpiReport): string {
  const names = KPI_CATALOGUE.map((k) => k.name);
  const rows: (string | null | undefined)[][] = [["label", "from", "to", ...names]];
  for (const p of report.series?.points ?? []) rows.push([p.label, p.from, p.to, ...names.map((n) => p.kpis[n])]);
  return toCsv(rows);
}

/**
 * A breakdown as CSV (one line per SKU, category, warehouse or channel).
 *
 * @example
 * ```ts
 * const csv = breakdownCsv(report.breakdowns.sku ?? []);
 * ```
 */
export function breakdownCsv(rows: readonly BreakdownRow[]): string {
  const columns = ["key", "gmv", "orders", "units", "shippedUnits", "shippedValue", "cogs", "grossMargin", "returnRate", "fillRate", "stockUnits", "stockValue", "sellThrough"] as const;
  return toCsv([[...columns], ...rows.map((r) => columns.map((c) => r[c]))]);
}
