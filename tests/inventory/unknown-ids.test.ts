/**
 * A typo in a warehouse id or a lot is NOT_FOUND naming it, in the reads that used to answer
 * a typo with an empty result (cycleCounts, recall, availability, lotAvailability); a known
 * warehouse or lot that holds nothing still answers empty.
 */
import { describe, expect, it } from "vitest";
import { caught, harness } from "./setup.js";

async function shop() {
  const h = await harness();
  await h.inventory.defineWarehouse({ warehouseId: "wh" });
  await h.inventory.defineWarehouse({ warehouseId: "wh_empty" });
  await h.inventory.defineProduct({ sku: "MUG", costingMethod: "fifo" });
  await h.inventory.defineProduct({ sku: "MILK", costingMethod: "fifo", tracking: "lot" });
  await h.inventory.receive({ sku: "MUG", warehouseId: "wh", quantity: "5", unitCost: "2" });
  await h.inventory.receive({ sku: "MILK", warehouseId: "wh", quantity: "4", unitCost: "1", lot: "L1", expiry: "2026-12-31" });
  return h;
}

describe("unknown warehouse or lot in reads", () => {
  it("availability and lotAvailability: an unknown warehouse is NOT_FOUND naming it; a known empty one is zeros", async () => {
    const h = await shop();
    const unknown = await caught(h.inventory.availability("MUG", "wh_mian"));
    expect(unknown).toMatchObject({ code: "NOT_FOUND", details: { warehouseId: "wh_mian" } });
    expect(unknown.message).toContain('"wh_mian"');
    expect(unknown.message).toContain("defineWarehouse");
    expect(await caught(h.inventory.lotAvailability("MILK", "wh_mian"))).toMatchObject({ code: "NOT_FOUND", details: { warehouseId: "wh_mian" } });
    expect(await h.inventory.availability("MUG", "wh_empty")).toMatchObject({ onHand: "0", reserved: "0", available: "0" });
    expect(await h.inventory.lotAvailability("MILK", "wh_empty")).toEqual([]);
    expect(await h.inventory.availability("MUG", "wh")).toMatchObject({ onHand: "5", available: "5" });
  });

  it("cycleCounts: an unknown warehouse is NOT_FOUND naming it; a known empty one has nothing due", async () => {
    const h = await shop();
    const unknown = await caught(h.inventory.cycleCounts({ warehouseId: "WH" }));
    expect(unknown).toMatchObject({ code: "NOT_FOUND", details: { warehouseId: "WH" } });
    expect(unknown.message).toContain('"WH"');
    expect(await h.inventory.cycleCounts({ warehouseId: "wh_empty" })).toMatchObject({ warehouseId: "wh_empty", classes: { A: 0, B: 0, C: 0 }, due: [] });
    expect((await h.inventory.cycleCounts({ warehouseId: "wh" })).due.map((d) => d.sku).sort()).toEqual(["MILK", "MUG"]);
  });

  it("recall: an unknown lot of the SKU (or an unknown SKU) is NOT_FOUND naming it; a known lot that has all gone still reports", async () => {
    const h = await shop();
    const unknown = await caught(h.inventory.recall({ sku: "MILK", lot: "L2" }));
    expect(unknown).toMatchObject({ code: "NOT_FOUND", details: { sku: "MILK", lot: "L2" } });
    expect(unknown.message).toContain('"L2"');
    expect(unknown.message).toContain("MILK");
    // Lots are per SKU: L1 of MILK is not a lot of MUG.
    expect(await caught(h.inventory.recall({ sku: "MUG", lot: "L1" }))).toMatchObject({ code: "NOT_FOUND", details: { sku: "MUG", lot: "L1" } });
    expect(await caught(h.inventory.recall({ sku: "MILKK", lot: "L1" }))).toMatchObject({ code: "NOT_FOUND", details: { sku: "MILKK" } });
    await h.inventory.scrap({ sku: "MILK", warehouseId: "wh", quantity: "4", lot: "L1" });
    const gone = await h.inventory.recall({ sku: "MILK", lot: "L1" });
    expect(gone).toMatchObject({ sku: "MILK", lot: "L1", expiry: "2026-12-31", onHand: [], shipped: [] });
    expect(gone.received).toHaveLength(1);
  });
});
