import { describe, expect, it } from "vitest";
import { renderDashboardHtml } from "../../src/analytics/index.js";
import { forecastVsActual } from "../../src/analytics/dashboard.js";
import { autoForecast } from "../../src/replenishment/index.js";
import { createStorekeep } from "../../src/storekeep.js";
import { ManualClock, sequentialIds } from "../../src/testing/index.js";
import { buildShop } from "./shop.js";

describe("the dashboard's data and page", () => {
  it("holds every chart's figures and draws them in one page with no script and no outside address", async () => {
    const sk = createStorekeep({ clock: new ManualClock("2026-03-31T20:00:00.000Z"), ids: sequentialIds(), config: { functionalCurrency: "EUR", timeZone: "UTC" } });
    await buildShop(sk);
    const data = await sk.analytics.dashboard({ from: "2026-03-01", to: "2026-03-31" }, { title: "Shop <&> \"March\"" });
    expect(data.grain).toBe("day");
    expect(data.revenue.length).toBe(31);
    expect(data.topSkus.map((p) => [p.label, p.values["gmv"]])).toEqual([["TEE", "100.00"], ["MUG", "30.00"], ["HAT", "0.00"]]);
    expect(data.ageing.reduce((s, b) => s + Number(b.value), 0)).toBeCloseTo(166, 6);
    expect(data.segments!.reduce((s, p) => s + Number(p.values["customers"]), 0)).toBe(2);
    const html = renderDashboardHtml(data);
    expect(html).not.toMatch(/<script/i);
    expect(html.match(/https?:\/\/[^"]+/g)).toEqual(Array(8).fill("http://www.w3.org/2000/svg"));
    for (const chart of ["revenue", "top-skus", "stock-value", "ageing", "fulfilment", "cash", "forecast", "segments"]) expect(html).toContain(`data-chart="${chart}"`);
    expect(html).toContain("<title>Shop &lt;&amp;&gt; &quot;March&quot;</title>");
    expect(html).toContain(`data-kpi="net-revenue">95.00<`);
    // Forecast vs actual: units ordered per day (2 + 1 on the 2nd, 4 on the 5th, 1 on the 20th), each day forecast from the days before it.
    const actual = data.forecast!.points.map((p) => Number(p.values["actual"]));
    expect(actual.reduce((a, b) => a + b, 0)).toBe(8);
    expect([actual[1], actual[4], actual[19]]).toEqual([3, 4, 1]);
    data.forecast!.points.forEach((p, i) => expect(p.values["forecast"]).toBe(i < 2 ? null : Math.max(0, autoForecast(actual.slice(0, i), { h: 1 }).mean[0]!).toFixed(2)));
    expect(data.forecast!.method).toBe(autoForecast(actual.slice(0, 30), { h: 1 }).model);
    expect((await sk.analytics.dashboard({ from: "2026-01-01", to: "2026-12-31" })).grain).toBe("month");
    expect((await sk.analytics.dashboard({ from: "2026-01-01", to: "2026-03-31" })).grain).toBe("week");
  });
});

describe("forecast vs actual", () => {
  it("forecasts each point from the points before it alone (rolling origin): a change after a point never changes its forecast", () => {
    const naive = (h: readonly number[]) => ({ value: h[h.length - 1]!, method: "naive" });
    const series = [5, 7, 6, 9, 4].map((actual, i) => ({ label: `W${i + 1}`, actual }));
    const out = forecastVsActual(series, naive);
    expect(out.method).toBe("naive");
    expect(out.points.map((p) => [p.label, p.values["actual"], p.values["forecast"]])).toEqual([["W1", "5", null], ["W2", "7", null], ["W3", "6", "7.00"], ["W4", "9", "6.00"], ["W5", "4", "9.00"]]);
    const changedLast = forecastVsActual([...series.slice(0, 4), { label: "W5", actual: 100 }], naive);
    expect(changedLast.points.map((p) => p.values["forecast"])).toEqual(out.points.map((p) => p.values["forecast"]));
    // A negative forecast is shown as zero demand.
    expect(forecastVsActual(series, () => ({ value: -2, method: "m" })).points[4]!.values["forecast"]).toBe("0.00");
  });
});
