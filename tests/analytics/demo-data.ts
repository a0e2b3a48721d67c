import { expect } from "vitest";
import { loadRetailInvoices } from "../../examples/online-retail.js";
import { purchasingOptions, shopSalesOptions, simulateShop } from "../../examples/shop.js";
import { memoryRates } from "../../src/index.js";
import { Decimal } from "../../src/kernel/decimal.js";
import type { Store } from "../../src/ports/storage.js";
import { createStorekeep } from "../../src/storekeep.js";
import { ManualClock, sequentialIds } from "../../src/testing/index.js";

/*
 * The KPIs against the finance reports on the demo's data (two weeks of UCI Online Retail
 * through sales, purchasing, inventory, finance and CRM, as `npm run demo` runs them): net
 * revenue equals the income statement's revenue and gross margin its revenue less COGS, for
 * the fortnight and for each week of the series; stock value equals the Inventory account and
 * the inventory valuation; a rebuilt projection gives the same report. Memory in
 * demo-data.test.ts; PGlite (about 1.5-3.5 min on the shared machine) in demo-data.int.test.ts.
 */

const RANGE = { from: "2010-12-01", to: "2010-12-14" } as const;

/** Runs the demo shop on `store` and checks the KPIs against the finance reports, then a rebuild. */
export async function checkDemoData(store: Store): Promise<void> {
  const clock = new ManualClock(new Date("2010-11-30T08:00:00Z"));
  const rates = memoryRates([
    { base: "USD", quote: "GBP", date: "2010-11-01", rate: "0.64" },
    { base: "USD", quote: "GBP", date: "2010-12-10", rate: "0.62" },
  ]);
  const sk = createStorekeep({ store, clock, ids: sequentialIds(), rates, config: { functionalCurrency: "GBP", timeZone: "Europe/London" }, sales: shopSalesOptions, purchasing: purchasingOptions });
  const run = await simulateShop(sk, clock, loadRetailInvoices(), () => {});
  expect(run.orders).toBeGreaterThan(100);
  const report = await sk.analytics.kpis({ ...RANGE, grain: "week", breakdowns: ["sku", "channel", "warehouse"] });
  const ranges = [{ ...RANGE, kpis: report.kpis }, ...(report.series?.points ?? []).map((p) => ({ from: p.from, to: p.to, kpis: p.kpis }))];
  expect(ranges.length).toBeGreaterThan(2);
  for (const r of ranges) {
    const is = await sk.finance.incomeStatement({ from: r.from, to: r.to });
    const cogs = is.expenses.lines.filter((l) => l.account === "5100").reduce((s, l) => s.plus(l.amount), new Decimal(0));
    expect(r.kpis["net-revenue"], `${r.from}..${r.to}`).toBe(new Decimal(is.revenue.total).toFixed(2));
    expect(r.kpis["gross-margin"], `${r.from}..${r.to}`).toBe(new Decimal(is.revenue.total).minus(cogs).toFixed(2));
  }
  expect(new Decimal(report.kpis["net-revenue"]!).gt(0)).toBe(true);
  const tb = await sk.finance.trialBalance({ asOf: RANGE.to });
  const inventory = tb.rows.find((r) => r.account === "1300")!;
  expect(report.kpis["stock-value"]).toBe(new Decimal(inventory.debit).minus(inventory.credit).toFixed(2));
  const valuation = await sk.inventory.valuation({ asOf: RANGE.to });
  expect(report.kpis["stock-value"]).toBe(valuation.reduce((s, v) => s.plus(v.value), new Decimal(0)).toFixed(2));
  // The projection rebuilt from the outbox gives the incremental projection's report.
  const rebuilt = await sk.analytics.rebuild();
  expect(rebuilt.processed).toBeGreaterThan(run.orders);
  expect(await sk.analytics.kpis({ ...RANGE, grain: "week", breakdowns: ["sku", "channel", "warehouse"] })).toEqual(report);
}
