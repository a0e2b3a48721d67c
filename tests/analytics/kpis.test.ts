import { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { memoryStore } from "../../src/adapters/memory/index.js";
import { postgresStore } from "../../src/adapters/postgres/index.js";
import { Decimal } from "../../src/kernel/decimal.js";
import { type Storekeep, createStorekeep } from "../../src/storekeep.js";
import type { Store } from "../../src/ports/storage.js";
import { ManualClock, sequentialIds } from "../../src/testing/index.js";
import { KPI_CATALOGUE, KPI_NAMES, breakdownCsv, kpiReportCsv, kpiSeriesCsv } from "../../src/analytics/index.js";
import { parseCsv } from "../../src/kernel/csv.js";
import { buildShop } from "./shop.js";

let db: PGlite;
let schemas = 0;

beforeAll(async () => {
  db = new PGlite();
  await db.waitReady;
}, 60_000);

afterAll(async () => {
  await db.close();
});

const MARCH = { from: "2026-03-01", to: "2026-03-31" };

for (const kind of ["memory", "pglite"] as const) {
  describe(`analytics KPIs on a hand-built shop (${kind})`, () => {
    let sk: Storekeep;
    beforeAll(async () => {
      const store: Store = kind === "memory" ? memoryStore() : postgresStore({ client: db, schema: `analytics_${++schemas}` });
      sk = createStorekeep({ store, clock: new ManualClock("2026-03-31T20:00:00.000Z"), ids: sequentialIds(), config: { functionalCurrency: "EUR", timeZone: "UTC" }, analytics: { categories: { MUG: "kitchen", TEE: "apparel", HAT: "apparel" } } });
      await buildShop(sk);
    }, 60_000);

    it("every KPI of March equals the figure worked out by hand", async () => {
      const report = await sk.analytics.kpis(MARCH);
      expect(report.currency).toBe("EUR");
      // Sales: GMV 2×10 + 1×20 + 4×20 + 1×10; revenue 40 + 60 + shipping 5 − returns 10; COGS 2×4 + 4×5 − 4 (restocked mug).
      expect(report.kpis).toMatchObject({
        gmv: "130.00",
        "net-revenue": "95.00",
        orders: "3",
        aov: "43.33",
        "units-per-order": "2.6667",
        "gross-margin": "71.00",
        "gross-margin-pct": "0.7474",
        "return-rate": "0.1667", // 1 returned of 6 shipped
        "refund-rate": "0.0952", // 10 of 105 invoiced
        "discount-rate": "0.0000",
      });
      // Stock: closing 19 MUG (76) + 16 TEE (80) + 5 HAT (10) = 166; opening 150; average 158.
      expect(report.kpis).toMatchObject({
        "stock-value": "166.00",
        "stock-turn": "0.1519", // 24 / 158
        "days-of-inventory": "204.1", // 158 / 24 × 31
        gmroi: "0.4494", // 71 / 158
        "sell-through": "0.1304", // 6 / (6 + 40)
        "stock-out-rate": "0.0000",
        "dead-stock-value": "10.00", // the hats never sold
        "dead-stock-skus": "1",
      });
      // Fulfilment: 6 of 8 ordered units shipped; one of two shipments within 2 days.
      expect(report.kpis).toMatchObject({ "fill-rate": "0.7500", "on-time-shipment": "0.5000" });
      // Cash: receivables 60 of 105 invoiced (× 31 days; the 10 refunded after the return debits Receivables
      // too but is no credit sale); payables 40 of 40 billed; clearing 45 − 10.
      expect(report.kpis).toMatchObject({ dso: "17.7", dpo: "31.0", "cash-conversion-cycle": "190.8", "cash-position": "35.00" });
      // Customers: A and B are new; A's second order makes A a repeat customer.
      expect(report.kpis).toMatchObject({ "new-customers": "2", "returning-customer-orders": "1", "returning-share": "0.3333", "repeat-rate": "0.5000" });
      expect(Object.keys(report.kpis).sort()).toEqual([...KPI_NAMES].sort());
    });

    it("net revenue equals the income statement's revenue and stock value equals the Inventory account and the valuation", async () => {
      const report = await sk.analytics.kpis(MARCH);
      const is = await sk.finance.incomeStatement(MARCH);
      expect(report.kpis["net-revenue"]).toBe(new Decimal(is.revenue.total).toFixed(2));
      const cogs = is.expenses.lines.find((l) => l.account === "5100")!.amount;
      expect(report.kpis["gross-margin"]).toBe(new Decimal(is.revenue.total).minus(cogs).toFixed(2));
      const tb = await sk.finance.trialBalance({ asOf: "2026-03-31" });
      const inventory = tb.rows.find((r) => r.account === "1300")!;
      expect(report.kpis["stock-value"]).toBe(new Decimal(inventory.debit).minus(inventory.credit).toFixed(2));
      const valuation = await sk.inventory.valuation({ asOf: "2026-03-31" });
      expect(report.kpis["stock-value"]).toBe(valuation.reduce((s, v) => s.plus(v.value), new Decimal(0)).toFixed(2));
    });

    it("ageing splits stock by FIFO inbound age (the restocked mug is a layer of its own day) and sums to the stock value", async () => {
      const ageing = await sk.analytics.ageing("2026-03-31");
      expect(ageing.map((b) => [b.label, b.quantity, b.value])).toEqual([
        ["0-30", "11", "44.00"],
        ["31-60", "0", "0.00"],
        ["61-90", "29", "122.00"],
        ["91-180", "0", "0.00"],
        ["181+", "0", "0.00"],
      ]);
    });

    it("breaks down by SKU, category, warehouse and channel", async () => {
      const report = await sk.analytics.kpis({ ...MARCH, breakdowns: ["sku", "category", "warehouse", "channel"] });
      expect(report.breakdowns.sku!.map((r) => [r.key, r.gmv, r.orders, r.shippedUnits, r.cogs, r.grossMargin, r.stockValue, r.returnRate])).toEqual([
        ["TEE", "100.00", "2", "4", "20.00", "60.00", "80.00", "0.0000"],
        ["MUG", "30.00", "2", "2", "4.00", "16.00", "76.00", "0.5000"],
        ["HAT", "0.00", "0", "0", "0.00", "0.00", "10.00", null],
      ]);
      expect(report.breakdowns.category!.map((r) => [r.key, r.gmv, r.stockValue])).toEqual([
        ["apparel", "100.00", "90.00"],
        ["kitchen", "30.00", "76.00"],
      ]);
      // The warehouse row carries its stock: all 40 units worth 166.00 are at wh (at its location wh/A).
      expect(report.breakdowns.warehouse!.map((r) => [r.key, r.gmv, r.orders, r.fillRate, r.stockUnits, r.stockValue])).toEqual([["wh", "130.00", "3", "0.7500", "40", "166.00"]]);
      // The channel row carries the COGS of what its orders shipped (was 0.00: a margin of 100%).
      expect(report.breakdowns.channel!.map((r) => [r.key, r.gmv, r.shippedValue, r.cogs, r.grossMargin])).toEqual([["default", "130.00", "100.00", "24.00", "76.00"]]);
      // The SKU rows add up to the shop's GMV.
      expect(report.breakdowns.sku!.reduce((s, r) => s.plus(r.gmv), new Decimal(0)).toFixed(2)).toBe(report.kpis.gmv);
    });

    it("breaks down by customer segment: each customer's CRM segment at the end of the range, the rows adding up to the shop", async () => {
      const report = await sk.analytics.kpis({ ...MARCH, breakdowns: ["segment"] });
      // cus_A (two orders, 3 and 1 units, one mug returned and restocked) scores 55: champions; cus_B (one order of 4 tees, 3 shipped) 33: need-attention.
      expect(report.breakdowns.segment!.map((r) => [r.key, r.gmv, r.orders, r.units, r.shippedUnits, r.shippedValue, r.cogs, r.grossMargin, r.returnRate, r.fillRate])).toEqual([
        ["need-attention", "80.00", "1", "4", "3", "60.00", "15.00", "45.00", "0.0000", "0.7500"],
        ["champions", "50.00", "2", "4", "3", "40.00", "9.00", "31.00", "0.3333", "0.7500"],
      ]);
      const rows = report.breakdowns.segment!;
      expect(rows.reduce((t, r) => t.plus(r.gmv), new Decimal(0)).toFixed(2)).toBe(report.kpis.gmv);
      expect(rows.reduce((t, r) => t + Number(r.orders), 0)).toBe(Number(report.kpis.orders));
      // The segments' COGS is the shop's (shipments 2×4 + 1×5 + 3×5, less the restocked mug).
      expect(rows.reduce((t, r) => t.plus(r.cogs), new Decimal(0)).toFixed(2)).toBe("24.00");
    });

    it("gives a monthly series and compares with the previous period and the same period last year", async () => {
      const report = await sk.analytics.kpis({ from: "2026-01-01", to: "2026-03-31", grain: "month", compare: ["previous-period", "previous-year"] });
      expect(report.series!.points.map((p) => [p.label, p.from, p.to, p.kpis.gmv, p.kpis["stock-value"]])).toEqual([
        ["2026-01", "2026-01-01", "2026-01-31", "0.00", "150.00"],
        ["2026-02", "2026-02-01", "2026-02-28", "0.00", "150.00"],
        ["2026-03", "2026-03-01", "2026-03-31", "130.00", "166.00"],
      ]);
      expect(report.comparisons.map((c) => [c.comparison, c.from, c.to, c.kpis["stock-value"], c.change.gmv])).toEqual([
        ["previous-period", "2025-10-03", "2025-12-31", "0.00", "130.00"],
        ["previous-year", "2025-01-01", "2025-03-31", "0.00", "130.00"],
      ]);
      const weeks = await sk.analytics.kpis({ from: "2026-03-01", to: "2026-03-15", grain: "week" });
      expect(weeks.series!.points.map((p) => [p.label, p.from, p.to, p.kpis.gmv])).toEqual([
        ["2026-02-23", "2026-03-01", "2026-03-01", "0.00"],
        ["2026-03-02", "2026-03-02", "2026-03-08", "120.00"],
        ["2026-03-09", "2026-03-09", "2026-03-15", "0.00"],
      ]);
    });

    it("projects each event exactly once, however often it syncs", async () => {
      const first = await sk.analytics.kpis(MARCH);
      const again = await sk.analytics.sync();
      expect(again.processed).toBe(0);
      expect((await sk.analytics.kpis(MARCH)).kpis).toEqual(first.kpis);
    });

    it("exports KPIs, series and breakdowns as CSV", async () => {
      const report = await sk.analytics.kpis({ ...MARCH, grain: "month", compare: ["previous-year"], breakdowns: ["sku"] });
      const rows = parseCsv(kpiReportCsv(report));
      expect(rows[0]).toEqual(["kpi", "label", "unit", "currency", "from", "to", "value", "previous-year (2025-03-01..2025-03-31)", "change vs previous-year"]);
      expect(rows.find((r) => r[0] === "gmv")).toEqual(["gmv", "GMV", "money", "EUR", "2026-03-01", "2026-03-31", "130.00", "0.00", "130.00"]);
      expect(rows.length).toBe(KPI_CATALOGUE.length + 1); // the header and one line per KPI
      const series = parseCsv(kpiSeriesCsv(report));
      expect(series[1]!.slice(0, 4)).toEqual(["2026-03", "2026-03-01", "2026-03-31", "130.00"]);
      const skus = parseCsv(breakdownCsv(report.breakdowns.sku!));
      expect(skus[1]!.slice(0, 2)).toEqual(["TEE", "100.00"]);
    });

    it("refuses a bad query with what to fix", async () => {
      await expect(sk.analytics.kpis({ from: "2026-03-31", to: "2026-03-01" })).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
      await expect(sk.analytics.kpis({ from: "2026-03-01", to: "2026-03-31", grain: "year" as never })).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
      await expect(sk.analytics.kpis({ from: "March", to: "2026-03-31" })).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
    });
  });
}

describe("the segment breakdown without CRM scores", () => {
  it("orders without a customer are the guest row, and the rows add up to the shop", async () => {
    const sk = createStorekeep({ store: memoryStore(), clock: new ManualClock("2026-03-31T20:00:00.000Z"), ids: sequentialIds(), config: { functionalCurrency: "EUR", timeZone: "UTC" } });
    await buildShop(sk);
    await sk.recordEvents([{ type: "OrderPlaced", aggregateType: "order", aggregateId: "ord_g", effectiveDate: "2026-03-21", payload: { orderId: "ord_g", warehouseId: "wh", currency: "EUR", lines: [{ lineId: "l1", sku: "HAT", quantity: "2", unitPrice: { amount: "7.50", currency: "EUR" } }], total: { amount: "15.00", currency: "EUR" } } }]);
    const report = await sk.analytics.kpis({ ...MARCH, breakdowns: ["segment"] });
    const rows = new Map(report.breakdowns.segment!.map((r) => [r.key, r]));
    expect(rows.get("guest")).toMatchObject({ gmv: "15.00", orders: "1", units: "2", shippedUnits: "0" });
    expect(report.breakdowns.segment!.reduce((t, r) => t.plus(r.gmv), new Decimal(0)).toFixed(2)).toBe(report.kpis.gmv);
    expect(report.kpis.gmv).toBe("145.00");
  });
});

for (const kind of ["memory", "pglite"] as const) {
  describe(`the segment breakdown after a CRM merge (${kind})`, () => {
    it("a merged customer's orders count in the segment of the customer CRM merged them into, not in unsegmented", async () => {
      const store: Store = kind === "memory" ? memoryStore() : postgresStore({ client: db, schema: `analytics_${++schemas}` });
      const sk = createStorekeep({ store, clock: new ManualClock("2026-03-31T20:00:00.000Z"), ids: sequentialIds(), config: { functionalCurrency: "EUR", timeZone: "UTC" } });
      await buildShop(sk);
      await sk.crm.createCustomer({ customerId: "cus_A", name: "Ann" });
      await sk.crm.createCustomer({ customerId: "cus_B", name: "Ann L." });
      // cus_B was Ann's second account: CRM moves its order (ord_2, 80.00) to cus_A and scores only cus_A.
      await sk.crm.mergeCustomers({ sourceId: "cus_B", targetId: "cus_A" });
      await sk.crm.syncTimeline();
      const scores = await sk.crm.segments("2026-03-31");
      expect(scores.map((s) => [s.customerId, s.frequency])).toEqual([["cus_A", 3]]);
      const report = await sk.analytics.kpis({ ...MARCH, breakdowns: ["segment"] });
      expect(report.breakdowns.segment!.map((r) => [r.key, r.gmv, r.orders])).toEqual([[scores[0]!.segment, "130.00", "3"]]);
      await sk.close();
    }, 60_000);
  });
}
