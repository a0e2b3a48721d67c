import type { DashboardData, DashboardPoint } from "./dashboard.js";
import { KPI_CATALOGUE, type KpiName } from "./kpis.js";

/*
 * The dashboard as one self-contained HTML page: inline CSS, inline SVG charts drawn here
 * (no script, no font, no network). Every mark carries its figure in `data-value`, and every
 * KPI tile its KPI in `data-kpi`, so a test can check the page against the KPI results.
 * Coordinates are floats (drawing only; the figures stay the decimal strings they are).
 */

const esc = (text: string): string => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
const WIDTH = 560;
const HEIGHT = 220;
const PAD = { left: 64, right: 16, top: 16, bottom: 40 };
const COLOURS = ["#2563eb", "#16a34a", "#d97706", "#9333ea"];

interface Series {
  readonly key: string;
  readonly label: string;
}

function niceNumber(value: number): string {
  const abs = Math.abs(value);
  if (abs >= 1e6) return `${(value / 1e6).toFixed(1)}M`;
  if (abs >= 1e3) return `${(value / 1e3).toFixed(1)}k`;
  return abs >= 10 || value === 0 ? value.toFixed(0) : value.toFixed(2);
}

function frame(id: string, title: string, body: string, legend: string): string {
  return `<figure class="chart"><figcaption>${esc(title)}</figcaption><svg data-chart="${esc(id)}" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" role="img" aria-label="${esc(title)}" xmlns="http://www.w3.org/2000/svg">${body}</svg>${legend}</figure>`;
}

function legendOf(series: readonly Series[]): string {
  return `<div class="legend">${series.map((s, i) => `<span><i style="background:${COLOURS[i % COLOURS.length]}"></i>${esc(s.label)}</span>`).join("")}</div>`;
}

function noData(): string {
  return `<text x="${WIDTH / 2}" y="${HEIGHT / 2}" text-anchor="middle" class="muted">no data in this range</text>`;
}

/** A line chart of one or more series over the points' labels. */
function lineChart(id: string, title: string, points: readonly DashboardPoint[], series: readonly Series[]): string {
  const values = points.flatMap((p) => series.map((s) => p.values[s.key])).filter((v): v is string => v !== null && v !== undefined).map(Number);
  if (points.length === 0 || values.length === 0) return frame(id, title, noData(), legendOf(series));
  const min = Math.min(0, ...values);
  const max = Math.max(...values, min + 1e-9);
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const x = (i: number) => PAD.left + (points.length === 1 ? plotW / 2 : (plotW * i) / (points.length - 1));
  const y = (v: number) => PAD.top + plotH - ((v - min) / (max - min)) * plotH;
  let body = `<line class="axis" x1="${PAD.left}" y1="${y(0)}" x2="${WIDTH - PAD.right}" y2="${y(0)}"/>`;
  body += `<text class="tick" x="${PAD.left - 6}" y="${y(max) + 4}" text-anchor="end">${niceNumber(max)}</text><text class="tick" x="${PAD.left - 6}" y="${y(min) + 4}" text-anchor="end">${niceNumber(min)}</text>`;
  const step = Math.max(1, Math.ceil(points.length / 8));
  points.forEach((p, i) => {
    const last = points.length - 1;
    // Every step-th label and the last one, none crowding the last; the last one ends at the edge.
    if ((i % step === 0 && last - i >= step) || i === last) body += `<text class="tick" x="${x(i)}" y="${HEIGHT - PAD.bottom + 16}" text-anchor="${i === last && last > 0 ? "end" : "middle"}">${esc(p.label)}</text>`;
  });
  series.forEach((s, n) => {
    const colour = COLOURS[n % COLOURS.length];
    const coords = points.map((p, i) => (p.values[s.key] === null || p.values[s.key] === undefined ? null : `${x(i).toFixed(1)},${y(Number(p.values[s.key])).toFixed(1)}`)).filter((c): c is string => c !== null);
    body += `<polyline fill="none" stroke="${colour}" stroke-width="2" points="${coords.join(" ")}"/>`;
    points.forEach((p, i) => {
      const v = p.values[s.key];
      if (v === null || v === undefined) return;
      body += `<circle data-series="${esc(s.key)}" data-label="${esc(p.label)}" data-value="${esc(v)}" cx="${x(i).toFixed(1)}" cy="${y(Number(v)).toFixed(1)}" r="3" fill="${colour}"><title>${esc(`${s.label} ${p.label}: ${v}`)}</title></circle>`;
    });
  });
  return frame(id, title, body, legendOf(series));
}

/** A horizontal bar chart of one figure per row. */
function barChart(id: string, title: string, rows: readonly { label: string; value: string }[], unit: string): string {
  if (rows.length === 0) return frame(id, title, noData(), "");
  const max = Math.max(...rows.map((r) => Math.abs(Number(r.value))), 1e-9);
  const rowH = Math.min(28, (HEIGHT - PAD.top) / rows.length);
  const left = 110;
  const plotW = WIDTH - left - 90;
  let body = "";
  rows.forEach((r, i) => {
    const w = (Math.abs(Number(r.value)) / max) * plotW;
    const top = PAD.top / 2 + i * rowH;
    body += `<text class="tick" x="${left - 6}" y="${top + rowH * 0.65}" text-anchor="end">${esc(r.label.slice(0, 16))}</text>`;
    body += `<rect data-label="${esc(r.label)}" data-value="${esc(r.value)}" x="${left}" y="${top + 2}" width="${Math.max(1, w).toFixed(1)}" height="${(rowH - 4).toFixed(1)}" fill="${COLOURS[0]}"><title>${esc(`${r.label}: ${r.value} ${unit}`)}</title></rect>`;
    body += `<text class="tick" x="${(left + Math.max(1, w) + 6).toFixed(1)}" y="${top + rowH * 0.65}">${esc(r.value)}</text>`;
  });
  return frame(id, title, body, "");
}

const STYLE = `
body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:24px;color:#111827;background:#f9fafb}
h1{font-size:20px;margin:0 0 4px}p.sub{margin:0 0 16px;color:#6b7280}
.tiles{display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:8px;margin-bottom:16px}
.tile{background:#fff;border:1px solid #e5e7eb;border-radius:6px;padding:8px}
.tile .name{font-size:12px;color:#6b7280}.tile .value{font-size:18px;font-weight:600}
.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(580px,1fr));gap:12px}
figure.chart{background:#fff;border:1px solid #e5e7eb;border-radius:6px;margin:0;padding:8px}
figcaption{font-weight:600;margin-bottom:4px}
.axis{stroke:#9ca3af}.tick{font-size:11px;fill:#4b5563}.muted{fill:#9ca3af}
.legend span{margin-right:12px;font-size:12px}.legend i{display:inline-block;width:10px;height:10px;margin-right:4px;border-radius:2px}
`;

const TILES: readonly KpiName[] = ["gmv", "net-revenue", "orders", "aov", "gross-margin", "gross-margin-pct", "stock-value", "stock-turn", "gmroi", "fill-rate", "on-time-shipment", "return-rate", "dso", "cash-position", "new-customers", "repeat-rate"];

/**
 * Draws dashboard data as one self-contained HTML page (inline CSS and SVG, no script, no
 * network): KPI tiles, revenue and margin over time, top SKUs, stock value, inventory ageing,
 * fill rate and on-time shipment, forecast vs actual, and customers per RFM segment when CRM
 * is there. Save the string as a `.html` file or serve it as `text/html`.
 *
 * @example
 * ```ts
 * const html = renderDashboardHtml(await sk.analytics.dashboard({ from: "2026-01-01", to: "2026-03-31" }));
 * ```
 */
export function renderDashboardHtml(data: DashboardData): string {
  const label = new Map(KPI_CATALOGUE.map((k) => [k.name, k]));
  const tiles = TILES.map((name) => {
    const def = label.get(name)!;
    const value = data.kpis[name] ?? null;
    return `<div class="tile"><div class="name">${esc(def.label)}${def.unit === "money" ? ` (${esc(data.currency)})` : def.unit === "days" ? " (days)" : ""}</div><div class="value" data-kpi="${esc(name)}">${esc(value ?? "–")}</div></div>`;
  }).join("");
  const charts = [
    lineChart("revenue", `Net revenue and gross margin (${data.currency}) by ${data.grain}`, data.revenue, [
      { key: "netRevenue", label: "net revenue" },
      { key: "grossMargin", label: "gross margin" },
    ]),
    barChart("top-skus", `Top SKUs by GMV (${data.currency})`, data.topSkus.map((p) => ({ label: p.label, value: p.values["gmv"] ?? "0" })), data.currency),
    lineChart("stock-value", `Stock value at the end of each ${data.grain} (${data.currency})`, data.stockValue, [{ key: "stockValue", label: "stock value" }]),
    barChart("ageing", `Inventory ageing at ${data.to} (${data.currency}, days since receipt)`, data.ageing.map((b) => ({ label: `${b.label} days`, value: b.value })), data.currency),
    lineChart("fulfilment", `Fill rate and on-time shipment by ${data.grain}`, data.fulfilment, [
      { key: "fillRate", label: "fill rate" },
      { key: "onTime", label: "on-time shipment" },
    ]),
    lineChart("cash", `Cash position at the end of each ${data.grain} (${data.currency})`, data.cash, [{ key: "cash", label: "cash" }]),
    ...(data.forecast === undefined ? [] : [lineChart("forecast", `Units ordered by ${data.grain} and the forecast made the ${data.grain} before (${data.forecast.method})`, data.forecast.points, [{ key: "actual", label: "actual" }, { key: "forecast", label: "forecast" }])]),
    ...(data.segments === undefined ? [] : [barChart("segments", `Customers by RFM segment at ${data.to}`, data.segments.map((p) => ({ label: p.label, value: p.values["customers"] ?? "0" })), "customers")]),
  ].join("\n");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${esc(data.title)}</title><style>${STYLE}</style></head>
<body><h1>${esc(data.title)}</h1><p class="sub">${esc(data.from)} to ${esc(data.to)} · ${esc(data.currency)} · by ${esc(data.grain)} · drawn by storekeep</p>
<section class="tiles">${tiles}</section>
<section class="charts">${charts}</section>
</body></html>
`;
}
