/**
 * A quantity given in a unit of measure (`unit`, see `defineUnit`) means the same in every
 * inventory command that takes a quantity: `receive` and `issue` always converted it to base
 * units; `adjust`, `scrap`, `transfer`, `returnToSupplier` and `reserve` used to
 * drop the unit and read 1 carton as 1 unit.
 */
import { describe, expect, it } from "vitest";
import { caught, harness } from "./setup.js";

async function shop() {
  const h = await harness();
  await h.inventory.defineWarehouse({ warehouseId: "wh" });
  await h.inventory.defineWarehouse({ warehouseId: "wh2" });
  await h.inventory.defineProduct({ sku: "MUG", costingMethod: "fifo" });
  await h.inventory.defineUnit({ sku: "MUG", unit: "carton", factor: "12" });
  await h.inventory.defineProduct({ sku: "CHEESE", costingMethod: "moving-average", unitOfMeasure: "kg" });
  await h.inventory.defineUnit({ sku: "CHEESE", unit: "g", factor: "0.001" });
  // 5 cartons at 30.00 a carton: 60 mugs at 2.50.
  await h.inventory.receive({ sku: "MUG", warehouseId: "wh", quantity: "5", unit: "carton", unitCost: "30" });
  await h.inventory.receive({ sku: "CHEESE", warehouseId: "wh", quantity: "2", unitCost: "10" });
  return h;
}

const onHandAt = async (h: Awaited<ReturnType<typeof shop>>, sku: string, locationId: string) =>
  (await h.inventory.onHand({ sku })).filter((r) => r.locationId === locationId).reduce((sum, r) => sum + Number(r.quantity), 0);

describe("a quantity in a unit of measure is converted to base units by every command", () => {
  it("adjust: a found carton is 12 units at the carton's cost, a lost one 12 units", async () => {
    const h = await shop();
    const found = await h.inventory.adjust({ sku: "MUG", warehouseId: "wh", quantity: "1", unit: "carton", unitCost: "30", reason: "other" });
    expect(found).toMatchObject({ quantity: "12", amount: "30" });
    const lost = await h.inventory.adjust({ sku: "MUG", warehouseId: "wh", quantity: "-2", unit: "carton" });
    expect(lost).toMatchObject({ quantity: "-24", amount: "60" });
    expect(await onHandAt(h, "MUG", "wh")).toBe(48);
    // The base unit by name is factor 1.
    expect(await h.inventory.adjust({ sku: "MUG", warehouseId: "wh", quantity: "-1", unit: "unit" })).toMatchObject({ quantity: "-1" });
  });

  it("scrap and returnToSupplier take cartons as 12 units each", async () => {
    const h = await shop();
    expect(await h.inventory.scrap({ sku: "MUG", warehouseId: "wh", quantity: "1", unit: "carton" })).toMatchObject({ quantity: "-12", amount: "30" });
    expect(await h.inventory.returnToSupplier({ sku: "MUG", warehouseId: "wh", quantity: "2", unit: "carton" })).toMatchObject({ quantity: "-24", amount: "60" });
    expect(await onHandAt(h, "MUG", "wh")).toBe(24);
  });

  it("transfer moves 12 units a carton, directly and in transit (the arrival brings the same base units)", async () => {
    const h = await shop();
    await h.inventory.transfer({ sku: "MUG", quantity: "1", unit: "carton", from: { warehouseId: "wh" }, to: { warehouseId: "wh2" }, inTransit: false });
    expect(await onHandAt(h, "MUG", "wh")).toBe(48);
    expect(await onHandAt(h, "MUG", "wh2")).toBe(12);
    const travelling = await h.inventory.transfer({ sku: "MUG", quantity: "2", unit: "carton", from: { warehouseId: "wh" }, to: { warehouseId: "wh2" } });
    expect(await onHandAt(h, "MUG", "wh")).toBe(24);
    await h.inventory.receiveTransfer({ transferId: travelling.transferId });
    expect(await onHandAt(h, "MUG", "wh2")).toBe(36);
    expect((await h.inventory.audit()).differences).toEqual([]);
  });

  it("reserve holds 12 units a carton, line by line", async () => {
    const h = await shop();
    const { reservations } = await h.inventory.reserve({ lines: [{ sku: "MUG", warehouseId: "wh", quantity: "2", unit: "carton" }, { sku: "MUG", warehouseId: "wh", quantity: "3" }] });
    expect(reservations.map((r) => r.quantity)).toEqual(["24", "3"]);
    expect(await h.inventory.availability("MUG", "wh")).toMatchObject({ onHand: "60", reserved: "27", available: "33" });
    expect((await h.events("StockReserved")).map((e) => e.payload["quantity"])).toEqual(["24", "3"]);
    // More cartons than the 33 units left: refused, as reserving 48 units would be.
    expect((await caught(h.inventory.reserve({ lines: [{ sku: "MUG", warehouseId: "wh", quantity: "4", unit: "carton" }] }))).code).toBe("INSUFFICIENT_STOCK");
  });

  it("grams of a product kept in kilograms: exact, and a quantity finer than the ledger's 6 decimals is refused as receive refuses it", async () => {
    const h = await shop();
    expect(await h.inventory.scrap({ sku: "CHEESE", warehouseId: "wh", quantity: "250", unit: "g" })).toMatchObject({ quantity: "-0.25" });
    const byReceive = await caught(h.inventory.receive({ sku: "CHEESE", warehouseId: "wh", quantity: "0.0005", unit: "g", unitCost: "1" }));
    expect(byReceive.code).toBe("VALIDATION_FAILED");
    for (const attempt of [
      () => h.inventory.adjust({ sku: "CHEESE", warehouseId: "wh", quantity: "-0.0005", unit: "g" }),
      () => h.inventory.scrap({ sku: "CHEESE", warehouseId: "wh", quantity: "0.0005", unit: "g" }),
      () => h.inventory.returnToSupplier({ sku: "CHEESE", warehouseId: "wh", quantity: "0.0005", unit: "g" }),
      () => h.inventory.transfer({ sku: "CHEESE", quantity: "0.0005", unit: "g", from: { warehouseId: "wh" }, to: { warehouseId: "wh2" } }),
    ]) {
      const error = await caught(attempt);
      expect(error.code).toBe("VALIDATION_FAILED");
      expect(error.message).toContain("more than 6 decimals");
    }
    const line = await caught(h.inventory.reserve({ lines: [{ sku: "MUG", warehouseId: "wh", quantity: "1" }, { sku: "CHEESE", warehouseId: "wh", quantity: "0.0005", unit: "g" }] }));
    expect(line).toMatchObject({ code: "VALIDATION_FAILED", details: { issues: [expect.objectContaining({ path: "lines[1].quantity" })] } });
    expect(line.message).toContain("lines[1].quantity");
    // Nothing moved or held by the refusals.
    expect(await h.inventory.availability("CHEESE", "wh")).toMatchObject({ onHand: "1.75", reserved: "0" });
    expect(await h.inventory.availability("MUG", "wh")).toMatchObject({ onHand: "60", reserved: "0" });
  });

  it("an undefined unit is NOT_FOUND saying how to define it, in every command", async () => {
    const h = await shop();
    for (const attempt of [
      () => h.inventory.adjust({ sku: "MUG", warehouseId: "wh", quantity: "1", unit: "crate", unitCost: "1" }),
      () => h.inventory.scrap({ sku: "MUG", warehouseId: "wh", quantity: "1", unit: "crate" }),
      () => h.inventory.returnToSupplier({ sku: "MUG", warehouseId: "wh", quantity: "1", unit: "crate" }),
      () => h.inventory.transfer({ sku: "MUG", quantity: "1", unit: "crate", from: { warehouseId: "wh" }, to: { warehouseId: "wh2" } }),
      () => h.inventory.reserve({ lines: [{ sku: "MUG", warehouseId: "wh", quantity: "1", unit: "crate" }] }),
    ]) {
      const error = await caught(attempt);
      expect(error.code).toBe("NOT_FOUND");
      expect(error.message).toContain("defineUnit");
    }
    expect(await onHandAt(h, "MUG", "wh")).toBe(60);
  });

  it("a carton count whose base quantity passes the ledger's 12 integer digits is refused, not recorded", async () => {
    const h = await shop();
    const error = await caught(h.inventory.adjust({ sku: "MUG", warehouseId: "wh", quantity: "999999999999", unit: "carton", unitCost: "1" }));
    expect(error.code).toBe("VALIDATION_FAILED");
    expect(await onHandAt(h, "MUG", "wh")).toBe(60);
  });
});
