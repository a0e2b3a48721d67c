/**
 * The dashboard in a real browser: Debian's Chromium driven by playwright-core. Every chart
 * drew (its SVG holds marks), the page logs no error, the figures in the page equal the KPI
 * results, and a screenshot is saved for docs/analytics.md.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderDashboardHtml } from "../../src/analytics/index.js";
import { createStorekeep } from "../../src/storekeep.js";
import { ManualClock, sequentialIds } from "../../src/testing/index.js";
import { buildShop } from "./shop.js";

const CHROMIUM = "/usr/bin/chromium";
const FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

let browser: Browser;

beforeAll(async () => {
  // Fails loudly when Chromium is missing: `apt-get install -y chromium` (.ci/run does).
  browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS, headless: true });
}, 120_000);

afterAll(async () => {
  await browser?.close();
});

describe("the analytics dashboard in headless Chromium", () => {
  it("draws every chart, logs no error, shows the KPI results and saves a screenshot", async () => {
    const sk = createStorekeep({ clock: new ManualClock("2026-03-31T20:00:00.000Z"), ids: sequentialIds(), config: { functionalCurrency: "EUR", timeZone: "UTC" } });
    await buildShop(sk);
    const range = { from: "2026-01-01", to: "2026-03-31" };
    const data = await sk.analytics.dashboard(range, { title: "A hand-built shop, Q1 2026" });
    const kpis = await sk.analytics.kpis({ ...range, grain: data.grain, breakdowns: ["sku"] });
    const dir = join(tmpdir(), `storekeep-dashboard-${process.pid}`);
    mkdirSync(dir, { recursive: true });
    const file = join(dir, "dashboard.html");
    writeFileSync(file, renderDashboardHtml(data));

    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    const problems: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error" || m.type() === "warning") problems.push(`${m.type()}: ${m.text()}`);
    });
    page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
    const requests: string[] = [];
    page.on("request", (r) => {
      if (!r.url().startsWith("file://")) requests.push(r.url());
    });
    await page.goto(`file://${file}`);

    // Every chart is an SVG with marks in it.
    for (const chart of ["revenue", "top-skus", "stock-value", "ageing", "fulfilment", "cash", "forecast", "segments"]) {
      const marks = await page.locator(`svg[data-chart="${chart}"] [data-value]`).count();
      expect(marks, `chart ${chart}`).toBeGreaterThan(0);
      const box = await page.locator(`svg[data-chart="${chart}"]`).boundingBox();
      expect(box!.width).toBeGreaterThan(100);
    }
    // The tiles show the KPI results.
    for (const name of ["gmv", "net-revenue", "orders", "stock-value", "fill-rate", "dso", "cash-position", "repeat-rate"] as const) {
      expect(await page.locator(`[data-kpi="${name}"]`).textContent(), name).toBe(kpis.kpis[name] ?? "–");
    }
    // The revenue chart's points are the series' figures, in order.
    const revenue = await page.locator('svg[data-chart="revenue"] circle[data-series="netRevenue"]').evaluateAll((els) => els.map((e) => [e.getAttribute("data-label"), e.getAttribute("data-value")]));
    expect(revenue).toEqual(kpis.series!.points.map((p) => [p.label, p.kpis["net-revenue"]]));
    const stock = await page.locator('svg[data-chart="stock-value"] circle').evaluateAll((els) => els.map((e) => e.getAttribute("data-value")));
    expect(stock).toEqual(kpis.series!.points.map((p) => p.kpis["stock-value"]));
    const top = await page.locator('svg[data-chart="top-skus"] rect').evaluateAll((els) => els.map((e) => [e.getAttribute("data-label"), e.getAttribute("data-value")]));
    expect(top).toEqual(kpis.breakdowns.sku!.slice(0, 10).map((r) => [r.key, r.gmv]));
    const ageing = await page.locator('svg[data-chart="ageing"] rect').evaluateAll((els) => els.map((e) => e.getAttribute("data-value")));
    expect(ageing).toEqual(kpis.ageing.map((b) => b.value));

    // Forecast vs actual: both series drawn, the page's points equal the dashboard data.
    for (const series of ["actual", "forecast"]) {
      const drawn = await page.locator(`svg[data-chart="forecast"] circle[data-series="${series}"]`).evaluateAll((els) => els.map((e) => [e.getAttribute("data-label"), e.getAttribute("data-value")]));
      expect(drawn, series).toEqual(data.forecast!.points.filter((p) => p.values[series] !== null).map((p) => [p.label, p.values[series]]));
      expect(drawn.length, series).toBeGreaterThan(5);
    }

    const segments = await page.locator('svg[data-chart="segments"] rect').evaluateAll((els) => els.map((e) => [e.getAttribute("data-label"), Number(e.getAttribute("data-value"))]));
    const scores = await sk.crm.segments(range.to);
    expect(segments.reduce((s, [, n]) => s + (n as number), 0)).toBe(scores.length);
    for (const [segment, n] of segments) expect(scores.filter((x) => x.segment === segment).length).toBe(n);

    expect(problems).toEqual([]);
    expect(requests).toEqual([]);
    const shot = resolve(__dirname, "../../docs/images/analytics-dashboard.png");
    mkdirSync(resolve(shot, ".."), { recursive: true });
    await page.screenshot({ path: shot, fullPage: true });
    await page.close();
    await sk.close();
  });
});
