import { describe, expect, it } from "vitest";
import { memoryStore } from "../../src/adapters/memory/index.js";
import { shop } from "./setup.js";

describe("sales feeds analytics: channel, list prices and discounts on OrderPlaced", () => {
  it("the discount rate is real and KPIs break down by channel, from orders placed through sk.sales", async () => {
    const { sk } = shop(memoryStore());
    await sk.inventory.defineWarehouse({ warehouseId: "wh" });
    await sk.inventory.defineProduct({ sku: "MUG", costingMethod: "fifo" });
    await sk.inventory.defineProduct({ sku: "TEE", costingMethod: "fifo" });
    await sk.inventory.receive({ sku: "MUG", warehouseId: "wh", quantity: "10", unitCost: "3" });
    await sk.inventory.receive({ sku: "TEE", warehouseId: "wh", quantity: "10", unitCost: "8" });
    // web: 2 × 10.00 (list 12.00), 10% off the order: sold for 18.00, list 24.00.
    await sk.sales.placeOrder({ orderId: "o_web", channel: "web", currency: "EUR", warehouseId: "wh", lines: [{ sku: "MUG", quantity: 2, unitPrice: "10", listPrice: "12" }], discounts: [{ kind: "percent", percent: "10" }] });
    // pos: 1 × 20.00 with 2.50 off the line: sold for 17.50, list 20.00 (its price before discounts).
    await sk.sales.placeOrder({ orderId: "o_pos", channel: "pos", currency: "EUR", warehouseId: "wh", lines: [{ sku: "TEE", quantity: 1, unitPrice: "20", discount: { kind: "fixed", amount: "2.50" } }] });
    // no channel, no discount: list = price.
    await sk.sales.placeOrder({ orderId: "o_none", currency: "EUR", warehouseId: "wh", lines: [{ sku: "MUG", quantity: 1, unitPrice: "10" }] });
    const report = await sk.analytics.kpis({ from: "2026-03-01", to: "2026-03-31", breakdowns: ["channel"] });
    // GMV 18 + 17.50 + 10 = 45.50; list 24 + 20 + 10 = 54; (54 − 45.50) / 54 = 0.1574.
    expect(report.kpis).toMatchObject({ gmv: "45.50", orders: "3", "discount-rate": "0.1574" });
    expect(report.breakdowns.channel!.map((r) => [r.key, r.gmv, r.orders]).sort()).toEqual([
      ["default", "10.00", "1"],
      ["pos", "17.50", "1"],
      ["web", "18.00", "1"],
    ]);
    const placed = (await sk.events.read(null, 10_000)).find((e) => e.type === "OrderPlaced" && (e.payload as { orderId: string }).orderId === "o_web")!;
    expect(placed.payload).toMatchObject({ channel: "web", lines: [{ listPrice: { amount: "12", currency: "EUR" }, discount: { amount: "2", currency: "EUR" } }] });
  }, 60_000);
});
