import { describe, expect, it } from "vitest";
import { createStorekeep } from "../../src/storekeep.js";
import { ManualClock, sequentialIds } from "../../src/testing/index.js";

/*
 * A ReturnReceived recorded by the host (no order-line ids) with lines of two untracked SKUs:
 * each line comes back through its own SKU's issues of the order, the latest first. Before,
 * the lines without a line id shared one running count of what "earlier lines took back", so
 * the second SKU skipped as many of its own units as the first line returned and came back
 * at an older issue's cost.
 */
describe("a customer return recorded without line ids, two untracked SKUs", () => {
  it("each SKU's units come back at the cost of that SKU's latest issues of the order, whatever the other lines returned", async () => {
    const sk = createStorekeep({ clock: new ManualClock("2026-03-10T09:00:00.000Z"), ids: sequentialIds(), config: { functionalCurrency: "EUR", timeZone: "UTC" } });
    await sk.inventory.defineWarehouse({ warehouseId: "wh" });
    await sk.inventory.defineProduct({ sku: "MUG", costingMethod: "fifo" });
    await sk.inventory.defineProduct({ sku: "CUP", costingMethod: "fifo" });
    await sk.inventory.receive({ sku: "MUG", warehouseId: "wh", quantity: "5", unitCost: "4", effectiveDate: "2026-03-01" });
    await sk.inventory.receive({ sku: "CUP", warehouseId: "wh", quantity: "5", unitCost: "10", effectiveDate: "2026-03-01" });
    await sk.inventory.receive({ sku: "CUP", warehouseId: "wh", quantity: "5", unitCost: "20", effectiveDate: "2026-03-02" });
    await sk.inventory.issue({ sku: "MUG", warehouseId: "wh", quantity: "2", orderId: "ord_1", effectiveDate: "2026-03-03" });
    // CUP leaves in two issues: 5 at 10, then 1 at 20.
    await sk.inventory.issue({ sku: "CUP", warehouseId: "wh", quantity: "5", orderId: "ord_1", effectiveDate: "2026-03-03" });
    await sk.inventory.issue({ sku: "CUP", warehouseId: "wh", quantity: "1", orderId: "ord_1", effectiveDate: "2026-03-04" });
    await sk.recordEvents([
      {
        type: "ReturnReceived",
        aggregateType: "return",
        aggregateId: "ret_1",
        effectiveDate: "2026-03-10",
        payload: { returnId: "ret_1", orderId: "ord_1", warehouseId: "wh", lines: [{ sku: "MUG", quantity: "2", disposition: "restock" }, { sku: "CUP", quantity: "1", disposition: "restock" }] },
      },
    ]);
    const back = (await sk.events.read(null, 1000)).filter((e) => e.type === "StockReceived").map((e) => e.payload as { sku: string; source: { type: string }; value: { amount: string }; quantity: string }).filter((p) => p.source.type === "customer-return");
    expect(back.map((p) => [p.sku, p.quantity, p.value.amount]).sort()).toEqual([
      ["CUP", "1", "20"],
      ["MUG", "2", "8"],
    ]);
  });
});
