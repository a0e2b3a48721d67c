/**
 * Inventory commands refuse keys they do not know (VALIDATION_FAILED naming the key and the
 * key it resembles) instead of stripping them: `effective_date` used to be dropped, so an
 * entry meant to be back-dated was recorded today.
 */
import { describe, expect, it } from "vitest";
import { INVENTORY_SHAPES } from "../../src/inventory/api-shapes.js";
import type { InventoryApi } from "../../src/inventory/index.js";
import { caught, harness } from "./setup.js";

async function shop() {
  const h = await harness();
  await h.inventory.defineWarehouse({ warehouseId: "wh" });
  await h.inventory.defineWarehouse({ warehouseId: "wh2" });
  await h.inventory.defineProduct({ sku: "MUG", costingMethod: "fifo" });
  await h.inventory.receive({ sku: "MUG", warehouseId: "wh", quantity: "10", unitCost: "2", effectiveDate: "2026-03-01" });
  return h;
}

/** On hand per location and the number of events: what a refused command must leave as it was. */
async function state(h: Awaited<ReturnType<typeof shop>>) {
  return { onHand: await h.inventory.onHand(), events: (await h.events()).length };
}

describe("unknown keys in inventory command inputs", () => {
  it("a snake_case effective_date is refused naming effectiveDate, and nothing is recorded (it used to be recorded today)", async () => {
    const h = await shop();
    const before = await state(h);
    const error = await caught(h.inventory.adjust({ sku: "MUG", warehouseId: "wh", quantity: "-1", effective_date: "2026-03-05" } as never));
    expect(error.code).toBe("VALIDATION_FAILED");
    expect(error.message).toBe('Invalid inventory.adjust: unknown key "effective_date" (did you mean "effectiveDate"?). Fix these fields and retry.');
    expect(error.details["issues"]).toEqual([{ path: "effective_date", message: 'unknown key "effective_date" (did you mean "effectiveDate"?)', code: "unrecognized_keys" }]);
    expect(await state(h)).toEqual(before);
    // Spelled as documented, it is back-dated.
    expect(await h.inventory.adjust({ sku: "MUG", warehouseId: "wh", quantity: "-1", effectiveDate: "2026-03-05" })).toMatchObject({ effectiveDate: "2026-03-05" });
  });

  it("warehouse for warehouseId, qty for quantity, in nested objects and lines too", async () => {
    const h = await shop();
    const before = await state(h);
    const receive = await caught(h.inventory.receive({ sku: "MUG", warehouse: "wh", quantity: "1", unitCost: "2" } as never));
    expect(receive.message).toContain('unknown key "warehouse" (did you mean "warehouseId"?)');
    const transfer = await caught(h.inventory.transfer({ sku: "MUG", quantity: "1", from: { warehouse: "wh" }, to: { warehouseId: "wh2" } } as never));
    expect(transfer.message).toContain('from: unknown key "warehouse" (did you mean "warehouseId"?)');
    expect(transfer.details["issues"]).toContainEqual(expect.objectContaining({ path: "from.warehouse" }));
    const reserve = await caught(h.inventory.reserve({ lines: [{ sku: "MUG", warehouseId: "wh", quantity: "1" }, { sku: "MUG", warehouseId: "wh", qty: "1" }] } as never));
    expect(reserve.message).toContain('lines[1]: unknown key "qty" (did you mean "quantity"?)');
    expect(reserve.details["issues"]).toContainEqual(expect.objectContaining({ path: "lines[1].qty", code: "unrecognized_keys" }));
    const { stocktakeId } = await h.inventory.startStocktake({ warehouseId: "wh", blind: false });
    const count = await caught(h.inventory.recordCount({ stocktakeId, locationId: "wh", items: [{ sku: "MUG", qty: "9" }] } as never));
    expect(count.message).toContain('items[0]: unknown key "qty" (did you mean "quantity"?)');
    const opening = await caught(h.inventory.importOpeningStock({ rows: [{ sku: "MUG", warehouse: "wh", quantity: "1", unit_cost: "2" }] } as never));
    expect(opening.message).toContain('rows[0]: unknown key "warehouse" (did you mean "warehouseId"?)');
    expect(opening.details["issues"]).toContainEqual(expect.objectContaining({ path: "rows[0].unit_cost" }));
    // A key that resembles nothing lists the keys the command knows.
    const colour = await caught(h.inventory.scrap({ sku: "MUG", warehouseId: "wh", quantity: "1", colour: "red" } as never));
    expect(colour.message).toContain('unknown key "colour" (known keys: sku, warehouseId, locationId, lot, reference, effectiveAt, effectiveDate, quantity, unit)');
    expect((await state(h)).onHand).toEqual(before.onHand);
  });

  it("every inventory command refuses an unknown key", async () => {
    const h = await shop();
    const commands = Object.entries(INVENTORY_SHAPES.methods)
      .filter(([, shape]) => shape[0] === "input" || (shape[0] === "input?" && shape[1] === "options?"))
      .map(([name]) => name)
      .filter((name) => !["pick", "recall", "history", "cycleCounts"].includes(name));
    expect(commands.length).toBeGreaterThanOrEqual(25);
    for (const name of commands) {
      const method = h.inventory[name as keyof InventoryApi] as (input: unknown) => Promise<unknown>;
      const error = await caught(() => method({ notAKey: 1 }));
      expect([name, error.code]).toEqual([name, "VALIDATION_FAILED"]);
      expect([name, (error.details["issues"] as { path: string }[]).some((i) => i.path === "notAKey")]).toEqual([name, true]);
    }
  });
});
