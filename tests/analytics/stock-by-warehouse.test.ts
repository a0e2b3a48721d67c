import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { memoryStore } from "../../src/adapters/memory/index.js";
import { splitStockByWarehouse } from "../../src/analytics/stock-by-warehouse.js";
import { Decimal } from "../../src/kernel/decimal.js";
import { createStorekeep } from "../../src/storekeep.js";
import { ManualClock, sequentialIds } from "../../src/testing/index.js";

describe("stock value by warehouse", () => {
  it("property: each SKU's value is split over its warehouses by units, to the minor unit, losing nothing", () => {
    const units = fc.dictionary(fc.constantFrom("wh_a", "wh_b", "wh_c"), fc.integer({ min: -3, max: 50 }), { minKeys: 1 });
    fc.assert(
      fc.property(fc.array(fc.tuple(units, fc.integer({ min: -5_000, max: 500_000 })), { minLength: 1, maxLength: 5 }), (skus) => {
        const bySku = new Map(skus.map(([u], i) => [`S${i}`, new Map(Object.entries(u).map(([w, q]) => [w, new Decimal(q)]))]));
        const values = new Map(skus.map(([, v], i) => [`S${i}`, new Decimal(v).div(100)]));
        const split = splitStockByWarehouse(bySku, values, 2);
        const total = [...split.values()].reduce((s, r) => s.plus(r.value), new Decimal(0));
        expect(total.eq([...values.values()].reduce((s, v) => s.plus(v), new Decimal(0)))).toBe(true);
        for (const row of split.values()) expect(row.value.decimalPlaces()).toBeLessThanOrEqual(2);
        // One SKU in one warehouse holding units: that warehouse has its whole value.
        if (skus.length === 1 && Object.keys(skus[0]![0]).length === 1) {
          const [[u, v]] = skus as [[Record<string, number>, number]];
          const [w, q] = Object.entries(u)[0]!;
          if (q > 0) expect(split.get(w)!.value.eq(new Decimal(v).div(100))).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
    const split = splitStockByWarehouse(new Map([["MUG", new Map([["wh_a", new Decimal(1)], ["wh_b", new Decimal(2)]])]]), new Map([["MUG", new Decimal("10.00")]]), 2);
    expect([...split].map(([w, r]) => [w, r.quantity.toFixed(), r.value.toFixed(2)])).toEqual([
      ["wh_a", "1", "3.33"],
      ["wh_b", "2", "6.67"],
    ]);
  });

  it("the warehouse breakdown gives each warehouse its units and its share of the stock value (in transit apart), summing with what is on the way to the stock ledger's value", async () => {
    const sk = createStorekeep({ store: memoryStore(), clock: new ManualClock("2026-03-31T12:00:00.000Z"), ids: sequentialIds(), config: { functionalCurrency: "EUR", timeZone: "UTC" } });
    for (const w of ["wh_a", "wh_b"]) await sk.inventory.defineWarehouse({ warehouseId: w });
    await sk.inventory.defineLocation({ locationId: "wh_a/A1", warehouseId: "wh_a" });
    await sk.inventory.defineProduct({ sku: "MUG", costingMethod: "fifo" });
    await sk.inventory.defineProduct({ sku: "TEE", costingMethod: "moving-average" });
    await sk.inventory.receive({ sku: "MUG", warehouseId: "wh_a", locationId: "wh_a/A1", quantity: "3", unitCost: "2", effectiveDate: "2026-03-02" });
    await sk.inventory.receive({ sku: "MUG", warehouseId: "wh_b", quantity: "3", unitCost: "3", effectiveDate: "2026-03-03" });
    await sk.inventory.receive({ sku: "TEE", warehouseId: "wh_b", quantity: "10", unitCost: "5", effectiveDate: "2026-03-03" });
    await sk.inventory.transfer({ sku: "TEE", quantity: "4", from: { warehouseId: "wh_b" }, to: { warehouseId: "wh_a" } });
    const report = await sk.analytics.kpis({ from: "2026-03-01", to: "2026-03-31", breakdowns: ["warehouse"] });
    // MUG: 15.00 over 6 units (valuation is per SKU) → 7.50 each side; TEE: 50.00, 6 at wh_b and 4 travelling.
    expect(report.breakdowns.warehouse!.map((r) => [r.key, r.stockUnits, r.stockValue])).toEqual([
      ["in-transit", "4", "20.00"],
      ["wh_a", "3", "7.50"],
      ["wh_b", "9", "37.50"],
    ]);
    // The warehouses hold what is on the Inventory account (the stock-value KPI); in transit is its own account.
    const sum = report.breakdowns.warehouse!.filter((r) => r.key !== "in-transit").reduce((s, r) => s.plus(r.stockValue!), new Decimal(0));
    expect(sum.toFixed(2)).toBe(report.kpis["stock-value"]);
    expect((await sk.inventory.valuation({ sku: "TEE" }))[0]).toMatchObject({ inTransit: "20" });
  });
});
