/**
 * One input rule everywhere (numbers or decimal strings), rounding stated at the call, no
 * silent redefinition, typed results.
 */
import { describe, expect, expectTypeOf, it } from "vitest";
import { createStorekeep, memoryStore, type CostLayers, type Location } from "../../src/index.js";
import { ManualClock, sequentialIds } from "../../src/testing/index.js";

function shop() {
  return createStorekeep({ store: memoryStore(), clock: new ManualClock("2026-11-27T09:00:00Z"), ids: sequentialIds(), config: { functionalCurrency: "EUR", timeZone: "Europe/Berlin" } });
}

describe("inventory inputs", () => {
  it("quantities and amounts accept plain numbers as well as decimal strings, everywhere, and come back as strings", async () => {
    const sk = shop();
    await sk.inventory.defineWarehouse({ warehouseId: "wh" });
    await sk.inventory.defineProduct({ sku: "MUG", costingMethod: "fifo" });
    const received = await sk.inventory.receive({ sku: "MUG", warehouseId: "wh", quantity: 5, unitCost: 4.25 });
    expect(received).toMatchObject({ quantity: "5", amount: "21.25" });
    await sk.inventory.reserve({ lines: [{ sku: "MUG", warehouseId: "wh", quantity: 2 }] });
    const issued = await sk.inventory.issue({ sku: "MUG", warehouseId: "wh", quantity: 1.5 });
    expect(issued.quantity.replace("-", "")).toBe("1.5");
    await expect(sk.inventory.receive({ sku: "MUG", warehouseId: "wh", quantity: 1e21, unitCost: 1 })).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
    await expect(sk.inventory.receive({ sku: "MUG", warehouseId: "wh", quantity: 0.1 + 0.2, unitCost: 1 })).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
    await expect(sk.inventory.receive({ sku: "MUG", warehouseId: "wh", quantity: Number.NaN, unitCost: 1 })).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
  });

  it("a unit cost with sub-cent decimals is valued once and rounded to the cent as documented; a value with sub-cent decimals is refused", async () => {
    const sk = shop();
    await sk.inventory.defineWarehouse({ warehouseId: "wh" });
    await sk.inventory.defineProduct({ sku: "MUG", costingMethod: "fifo" });
    expect(await sk.inventory.receive({ sku: "MUG", warehouseId: "wh", quantity: "3", unitCost: "4.001" })).toMatchObject({ amount: "12" });
    await expect(sk.inventory.receive({ sku: "MUG", warehouseId: "wh", quantity: "3", value: "12.003" })).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
  });

  it("defining a warehouse or a location again: the same fields are a no-op, other fields ALREADY_EXISTS and nothing changes", async () => {
    const sk = shop();
    expect(await sk.inventory.defineWarehouse({ warehouseId: "wh", name: "Main" })).toEqual({ warehouseId: "wh", created: true });
    expect(await sk.inventory.defineWarehouse({ warehouseId: "wh", name: "Main" })).toEqual({ warehouseId: "wh", created: false });
    await expect(sk.inventory.defineWarehouse({ warehouseId: "wh", name: "Other" })).rejects.toMatchObject({ code: "ALREADY_EXISTS", message: expect.stringContaining('name "Main"') });
    const shelf = await sk.inventory.defineLocation({ locationId: "wh/A", warehouseId: "wh", name: "Shelf A" });
    expect(await sk.inventory.defineLocation({ locationId: "wh/A", warehouseId: "wh", name: "Shelf A" })).toEqual(shelf);
    await sk.inventory.defineLocation({ locationId: "wh/B", warehouseId: "wh" });
    await expect(sk.inventory.defineLocation({ locationId: "wh/A", warehouseId: "wh", parentId: "wh/B", name: "Shelf A" })).rejects.toMatchObject({ code: "ALREADY_EXISTS" });
    expect((await sk.inventory.defineLocation({ locationId: "wh/A", warehouseId: "wh", name: "Shelf A" })).path).toBe("wh>wh/A");
  });

  it("results are typed: defineLocation, allocate and layers no longer return unknown", async () => {
    const sk = shop();
    await sk.inventory.defineWarehouse({ warehouseId: "wh" });
    await sk.inventory.defineProduct({ sku: "MUG", costingMethod: "fifo" });
    const location = await sk.inventory.defineLocation({ locationId: "wh/A", warehouseId: "wh" });
    expectTypeOf(location).toEqualTypeOf<Location>();
    await sk.inventory.receive({ sku: "MUG", warehouseId: "wh", quantity: "4", unitCost: "2" });
    const { reservations } = await sk.inventory.reserve({ lines: [{ sku: "MUG", warehouseId: "wh", quantity: "1" }] });
    const allocated = await sk.inventory.allocate({ reservationId: reservations[0]!.reservationId });
    expectTypeOf(allocated.kind).toEqualTypeOf<"hard">();
    expect(allocated.kind).toBe("hard");
    const layers = await sk.inventory.layers("MUG");
    expectTypeOf(layers).toEqualTypeOf<CostLayers>();
    expect(layers.layers.map((l) => l.quantity)).toEqual(["4"]);
  });
});
