import { describe, expect, it } from "vitest";
import { type Harness, caught, harness } from "./setup.js";

/*
 * A revaluation of a receipt (a price difference or a landed cost) corrects what the receipt
 * cost; it cannot make that cost negative. Before, `revalueReceipt` took "-100" off a 6.00
 * receipt and booked a 96.00 COGS credit for goods that never cost that much (found by
 * exploratory use, session 18).
 */


async function withReceipt(costingMethod: "fifo" | "moving-average" | "standard"): Promise<{ h: Harness; receiptId: string }> {
  const h = await harness({ start: "2026-03-10T10:00:00.000Z", config: { timeZone: "UTC" } });
  await h.inventory.defineWarehouse({ warehouseId: "wh" });
  await h.inventory.defineProduct({ sku: "F", costingMethod, ...(costingMethod === "standard" ? { standardCost: "2" } : {}) });
  const receipt = await h.inventory.receive({ sku: "F", warehouseId: "wh", quantity: "3", unitCost: "2", effectiveDate: "2026-03-01", reference: "grn_1" });
  await h.inventory.issue({ sku: "F", warehouseId: "wh", quantity: "1", effectiveDate: "2026-03-02" });
  return { h, receiptId: receipt.movementId };
}

describe("revalueReceipt never makes a receipt's cost negative", () => {
  it.each(["fifo", "moving-average", "standard"] as const)("%s: a correction beyond the receipt's cost is refused, saying the most it can take off", async (method) => {
    const { h, receiptId } = await withReceipt(method);
    const error = await caught(h.inventory.revalueReceipt({ receiptMovementId: receiptId, amount: "-100" }));
    expect(error.code).toBe("VALIDATION_FAILED");
    expect(error.message).toContain(`receipt ${receiptId}`);
    expect(error.message).toContain("at most 6");
    expect(error.details).toMatchObject({ receiptMovementId: receiptId, sku: "F", cost: "6", amount: "-100", most: "6" });
    expect(error.details["issues"]).toEqual([expect.objectContaining({ path: "amount" })]);
    expect(await h.events("StockRevalued")).toEqual([]);
    // The whole cost can come off: the receipt then cost nothing.
    const all = await h.inventory.revalueReceipt({ receiptMovementId: receiptId, amount: "-6" });
    expect(all.amount).toBe("-6");
  });

  it("earlier corrections count: what is left after them is the most the next can take off", async () => {
    const { h, receiptId } = await withReceipt("fifo");
    await h.inventory.revalueReceipt({ receiptMovementId: receiptId, amount: "1.5", reason: "landed-cost" });
    await h.inventory.revalueReceipt({ receiptMovementId: receiptId, amount: "-5" });
    const error = await caught(h.inventory.revalueReceipt({ receiptMovementId: receiptId, amount: "-2.51" }));
    expect(error.details).toMatchObject({ cost: "2.5", most: "2.5", amount: "-2.51" });
    await h.inventory.revalueReceipt({ receiptMovementId: receiptId, amount: "-2.5" });
    expect((await caught(h.inventory.revalueReceipt({ receiptMovementId: receiptId, amount: "-0.01" }))).details).toMatchObject({ cost: "0", most: "0" });
    expect((await h.inventory.audit()).ok).toBe(true);
  });

});
