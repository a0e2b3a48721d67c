import { describe, expect, it } from "vitest";
import { memoryStore } from "../../src/adapters/memory/index.js";
import { Decimal } from "../../src/kernel/decimal.js";
import { shop } from "../sales/setup.js";

/*
 * A return restocked at another value than it left with (a standard-costed product whose
 * standard changed in between) takes the cost it left with off COGS; the difference is a
 * variance. Analytics counted the value it came back at, so its COGS drifted from the
 * income statement's (found by the whole-shop simulator, seed 46: 264.70 against 264.37).
 */

describe("analytics COGS of a return restocked at another value", () => {
  it("takes off COGS what the books take off (the counter value), so the SKU's COGS equals the income statement's", async () => {
    const { sk, clock } = shop(memoryStore(), { tax: undefined as never });
    await sk.inventory.defineWarehouse({ warehouseId: "wh" });
    await sk.inventory.defineProduct({ sku: "BOLT", costingMethod: "standard", standardCost: "5" });
    await sk.inventory.receive({ sku: "BOLT", warehouseId: "wh", quantity: "10", unitCost: "5" });
    await sk.sales.placeOrder({ orderId: "ord_1", currency: "EUR", warehouseId: "wh", lines: [{ lineId: "1", sku: "BOLT", quantity: "2", unitPrice: "9" }] });
    await sk.sales.capturePayment({ orderId: "ord_1", paymentId: "ch_1" });
    await sk.sales.shipOrder({ orderId: "ord_1", shipmentId: "shp_1" });
    clock.advance(86_400_000);
    await sk.inventory.changeStandardCost({ sku: "BOLT", standardCost: "6" });
    await sk.sales.requestReturn({ orderId: "ord_1", returnId: "ret_1", lines: [{ lineId: "1", quantity: "1" }] });
    await sk.sales.receiveReturn({ returnId: "ret_1" });
    const range = { from: "2026-03-01", to: "2026-03-31" };
    const income = await sk.finance.incomeStatement(range);
    const cogs = income.expenses.lines.find((l) => l.account === "5100")!.amount;
    // Two shipped at 5.00, one back: 10.00 − 5.00 (the unit comes back at the new standard, 6.00; the 1.00 is a variance).
    expect(new Decimal(cogs).toFixed(2)).toBe("5.00");
    const report = await sk.analytics.kpis({ ...range, breakdowns: ["sku"] });
    expect(report.breakdowns.sku!.find((r) => r.key === "BOLT")!.cogs).toBe("5.00");
  });
});
