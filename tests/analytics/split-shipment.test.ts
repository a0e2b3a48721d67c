import { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Decimal } from "../../src/kernel/decimal.js";
import { shop, storeOf } from "../sales/setup.js";

/*
 * A line sourced from two warehouses ships from both: analytics counts what ships (units,
 * value, shipments) at the warehouse it ships from, where the stock issue's COGS counts too,
 * so each warehouse's gross margin on shipped value is its own. The order itself (GMV,
 * ordered units, the fill) stays at the warehouse it was placed at.
 */

let db: PGlite;
beforeAll(async () => {
  db = new PGlite();
  await db.waitReady;
}, 60_000);
afterAll(async () => {
  await db.close();
});

for (const kind of ["memory", "pglite"] as const) {
  describe(`analytics of a shipment split over warehouses (${kind})`, () => {
    it("shipped units, shipped value, shipments and COGS land at the warehouse each part ships from; the rows add up to the shop", async () => {
      const { sk } = shop(storeOf(kind, () => db), { tax: undefined as never });
      for (const warehouseId of ["wh_a", "wh_b"]) await sk.inventory.defineWarehouse({ warehouseId });
      await sk.inventory.defineProduct({ sku: "MUG", costingMethod: "fifo" });
      await sk.inventory.receive({ sku: "MUG", warehouseId: "wh_a", quantity: "3", unitCost: "2" });
      await sk.inventory.receive({ sku: "MUG", warehouseId: "wh_b", quantity: "10", unitCost: "5" });
      // 5 mugs at wh_a, which has 3: the default policy holds the other 2 at wh_b.
      await sk.sales.placeOrder({ orderId: "ord_1", currency: "EUR", warehouseId: "wh_a", lines: [{ lineId: "1", sku: "MUG", quantity: "5", unitPrice: "9" }] });
      await sk.sales.shipOrder({ orderId: "ord_1", shipmentId: "shp_1" });
      const report = await sk.analytics.kpis({ from: "2026-03-01", to: "2026-03-31", breakdowns: ["warehouse"] });
      const rows = Object.fromEntries(report.breakdowns.warehouse!.map((r) => [r.key, r]));
      // Shipped: 3 × 9 from wh_a, 2 × 9 from wh_b; COGS 3 × 2.00 at wh_a and 2 × 5.00 at wh_b (FIFO over the shop).
      expect([rows["wh_a"]!.shippedUnits, rows["wh_a"]!.shippedValue, rows["wh_a"]!.cogs, rows["wh_a"]!.grossMargin]).toEqual(["3", "27.00", "6.00", "21.00"]);
      expect([rows["wh_b"]!.shippedUnits, rows["wh_b"]!.shippedValue, rows["wh_b"]!.cogs, rows["wh_b"]!.grossMargin]).toEqual(["2", "18.00", "10.00", "8.00"]);
      // The order counts where it was placed.
      expect([rows["wh_a"]!.gmv, rows["wh_a"]!.orders, rows["wh_b"]!.gmv, rows["wh_b"]!.orders]).toEqual(["45.00", "1", "0.00", "0"]);
      // The warehouse rows add up to the shop's shipped value and COGS.
      const sum = (field: "shippedValue" | "cogs") => report.breakdowns.warehouse!.filter((r) => r.key !== "in-transit").reduce((s, r) => s.plus(r[field]), new Decimal(0)).toFixed(2);
      expect(sum("shippedValue")).toBe("45.00");
      expect(sum("cogs")).toBe("16.00");
    });
  });
}
