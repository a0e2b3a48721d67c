import { describe, expect, it } from "vitest";
import { memoryStore } from "../../src/adapters/memory/index.js";
import { Decimal } from "../../src/kernel/decimal.js";
import { createStorekeep } from "../../src/storekeep.js";
import { ManualClock, sequentialIds } from "../../src/testing/index.js";

/*
 * The channel breakdown's COGS (found by exploratory use: every channel read COGS 0.00, a
 * margin equal to its shipped value). Shipments count their issue cost at the order's
 * channel, a restocked return takes its cost off there, and sold stock revalued later (here
 * a back-dated receipt at another cost) counts in the row `(revaluations)` of the channel and
 * warehouse breakdowns, so every breakdown's COGS adds up to the shop's.
 */
describe("COGS by channel", () => {
  it("each channel carries the cost of what its orders shipped less what came back; channels, warehouses and SKUs each add up to the shop's COGS after a back-dated receipt revalues sold stock", async () => {
    const clock = new ManualClock("2026-03-02T10:00:00.000Z");
    const sk = createStorekeep({ store: memoryStore(), clock, ids: sequentialIds(), config: { functionalCurrency: "EUR", timeZone: "UTC" } });
    await sk.inventory.defineWarehouse({ warehouseId: "wh" });
    await sk.inventory.defineProduct({ sku: "MUG", costingMethod: "moving-average" });
    await sk.inventory.receive({ sku: "MUG", warehouseId: "wh", quantity: "10", unitCost: "3" });
    const sell = async (orderId: string, channel: string, quantity: number) => {
      await sk.sales.placeOrder({ orderId, customerId: `c_${orderId}`, channel, currency: "EUR", warehouseId: "wh", lines: [{ lineId: "1", sku: "MUG", quantity, unitPrice: "10" }] });
      await sk.sales.capturePayment({ orderId, paymentId: `p_${orderId}` });
      await sk.sales.shipOrder({ orderId, shipmentId: `s_${orderId}` });
    };
    await sell("o1", "web", 2);
    await sell("o2", "marketplace", 1);
    clock.set("2026-03-03T10:00:00.000Z");
    await sell("o3", "web", 1);
    await sk.sales.requestReturn({ orderId: "o3", returnId: "r3", lines: [{ lineId: "1", quantity: "1" }] });
    await sk.sales.receiveReturn({ returnId: "r3" });
    let report = await sk.analytics.kpis({ from: "2026-03-01", to: "2026-03-31", breakdowns: ["channel"] });
    // web: 2×3 + 1×3 − 3 restocked = 6; marketplace: 3.
    expect(report.breakdowns.channel!.map((r) => [r.key, r.cogs, r.grossMargin])).toEqual([
      ["web", "6.00", "24.00"],
      ["marketplace", "3.00", "7.00"],
    ]);
    // Ten more mugs at 6 received back-dated to 1 March: the moving average of what sold becomes 4.50.
    clock.set("2026-03-10T10:00:00.000Z");
    await sk.inventory.receive({ sku: "MUG", warehouseId: "wh", quantity: "10", unitCost: "6", effectiveDate: "2026-03-01" });
    report = await sk.analytics.kpis({ from: "2026-03-01", to: "2026-03-31", breakdowns: ["channel", "warehouse", "sku"] });
    const shop = new Decimal(report.kpis["net-revenue"]!).minus(report.kpis["gross-margin"]!);
    expect(shop.gt(9)).toBe(true);
    for (const dimension of ["channel", "warehouse", "sku"] as const) {
      const rows = report.breakdowns[dimension]!;
      expect(rows.reduce((t, r) => t.plus(r.cogs), new Decimal(0)).toFixed(2)).toBe(shop.toFixed(2));
    }
    expect(report.breakdowns.channel!.map((r) => r.key).sort()).toEqual(["(revaluations)", "marketplace", "web"]);
  });
});
