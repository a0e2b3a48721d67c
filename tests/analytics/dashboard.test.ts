import { describe, expect, it } from "vitest";
import { renderDashboardHtml } from "../../src/analytics/index.js";
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
    expect(html.match(/https?:\/\/[^"]+/g)).toEqual(Array(7).fill("http://www.w3.org/2000/svg"));
    for (const chart of ["revenue", "top-skus", "stock-value", "ageing", "fulfilment", "cash", "segments"]) expect(html).toContain(`data-chart="${chart}"`);
    expect(html).toContain("<title>Shop &lt;&amp;&gt; &quot;March&quot;</title>");
    expect(html).toContain(`data-kpi="net-revenue">95.00<`);
    expect((await sk.analytics.dashboard({ from: "2026-01-01", to: "2026-12-31" })).grain).toBe("month");
    expect((await sk.analytics.dashboard({ from: "2026-01-01", to: "2026-03-31" })).grain).toBe("week");
  });
});
