import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Decimal } from "../../src/kernel/decimal.js";
import { type Harness, harness } from "./setup.js";

/** A shop on 2026-02-01 with two locations; MUG untracked, MILK tracked by lot. */
async function shop(): Promise<Harness> {
  const h = await harness({ start: "2026-02-01T12:00:00.000Z", config: { timeZone: "UTC" } });
  await h.inventory.defineWarehouse({ warehouseId: "wh" });
  await h.inventory.defineWarehouse({ warehouseId: "wh2" });
  for (const l of ["wh/A1", "wh/A2"]) await h.inventory.defineLocation({ locationId: l, warehouseId: "wh" });
  await h.inventory.defineProduct({ sku: "MUG", costingMethod: "fifo" });
  await h.inventory.defineProduct({ sku: "MILK", costingMethod: "moving-average", tracking: "lot" });
  return h;
}

describe("back-dating keeps the per-location and per-lot checks of history", () => {
  it("a back-dated issue that leaves a location enough today but not at a later movement is NEGATIVE_HISTORY naming the movement, its date and location; nothing is written", async () => {
    const h = await shop();
    const inv = h.inventory;
    await inv.receive({ sku: "MUG", warehouseId: "wh", locationId: "wh/A1", quantity: "5", unitCost: "1", effectiveDate: "2026-01-01" });
    await inv.receive({ sku: "MUG", warehouseId: "wh", locationId: "wh/A2", quantity: "5", unitCost: "1", effectiveDate: "2026-01-01" });
    const emptied = await inv.issue({ sku: "MUG", warehouseId: "wh", locationId: "wh/A1", quantity: "5", effectiveDate: "2026-01-10" });
    await inv.receive({ sku: "MUG", warehouseId: "wh", locationId: "wh/A1", quantity: "5", unitCost: "1", effectiveDate: "2026-01-15" });
    const before = await inv.onHand({ sku: "MUG" });
    // The SKU had 10 on 01-05 and A1 has 5 today: only A1's history on 01-10 says no.
    await expect(inv.issue({ sku: "MUG", warehouseId: "wh", locationId: "wh/A1", quantity: "2", effectiveDate: "2026-01-05" })).rejects.toMatchObject({
      code: "NEGATIVE_HISTORY",
      message: expect.stringContaining("at location wh/A1 negative on 2026-01-10"),
      details: { locationId: "wh/A1", lot: null, date: "2026-01-10", movementId: emptied.movementId, onHand: "3", needed: "5" },
    });
    // A transfer out of A1 on 01-05 is refused the same way; from A2 it is fine.
    await expect(inv.transfer({ sku: "MUG", quantity: "1", from: { warehouseId: "wh", locationId: "wh/A1" }, to: { warehouseId: "wh", locationId: "wh/A2" }, effectiveDate: "2026-01-05" })).rejects.toMatchObject({ code: "NEGATIVE_HISTORY" });
    expect(await inv.onHand({ sku: "MUG" })).toEqual(before);
    await inv.issue({ sku: "MUG", warehouseId: "wh", locationId: "wh/A2", quantity: "2", effectiveDate: "2026-01-05" });
    expect((await inv.audit()).ok).toBe(true);
  });

  it("a back-dated issue from a location that held nothing then is INSUFFICIENT_STOCK at that location and date, though the SKU had stock elsewhere and the location has stock today", async () => {
    const h = await shop();
    const inv = h.inventory;
    await inv.receive({ sku: "MUG", warehouseId: "wh", locationId: "wh/A2", quantity: "5", unitCost: "1", effectiveDate: "2026-01-01" });
    await inv.receive({ sku: "MUG", warehouseId: "wh", locationId: "wh/A1", quantity: "5", unitCost: "1", effectiveDate: "2026-01-10" });
    await expect(inv.issue({ sku: "MUG", warehouseId: "wh", locationId: "wh/A1", quantity: "2", effectiveDate: "2026-01-05" })).rejects.toMatchObject({
      code: "INSUFFICIENT_STOCK",
      details: { locationId: "wh/A1", date: "2026-01-05", onHand: "0", needed: "2" },
    });
  });

  it("per lot: a back-dated sale of a lot that is back on hand today but was sold out in between is refused, naming the lot", async () => {
    const h = await shop();
    const inv = h.inventory;
    await inv.receive({ sku: "MILK", warehouseId: "wh", quantity: "5", unitCost: "1", lot: "L1", effectiveDate: "2026-01-01" });
    await inv.receive({ sku: "MILK", warehouseId: "wh", quantity: "5", unitCost: "1", lot: "L2", effectiveDate: "2026-01-01" });
    await inv.issue({ sku: "MILK", warehouseId: "wh", quantity: "5", lot: "L1", effectiveDate: "2026-01-10" });
    await inv.receive({ sku: "MILK", warehouseId: "wh", quantity: "3", unitCost: "1", lot: "L1", effectiveDate: "2026-01-20" });
    await expect(inv.issue({ sku: "MILK", warehouseId: "wh", quantity: "1", lot: "L1", effectiveDate: "2026-01-05" })).rejects.toMatchObject({
      code: "NEGATIVE_HISTORY",
      message: expect.stringContaining("(lot L1) negative on 2026-01-10"),
      details: { lot: "L1", date: "2026-01-10" },
    });
    // L2 on the same day is fine.
    await inv.issue({ sku: "MILK", warehouseId: "wh", quantity: "1", lot: "L2", effectiveDate: "2026-01-05" });
    expect((await inv.audit()).ok).toBe(true);
  });

  it("property: whatever receipts and issues are tried at any dates, every location and lot stays at or above zero at every movement of its history", async () => {
    const op = fc.record({
      kind: fc.constantFrom("receive", "issue", "issue"),
      day: fc.integer({ min: 1, max: 20 }),
      location: fc.constantFrom("wh/A1", "wh/A2"),
      lot: fc.constantFrom("L1", "L2"),
      quantity: fc.integer({ min: 1, max: 4 }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 12 }), async (ops) => {
        const h = await shop();
        const inv = h.inventory;
        for (const o of ops) {
          const effectiveDate = `2026-01-${String(o.day).padStart(2, "0")}`;
          const attempt =
            o.kind === "receive"
              ? inv.receive({ sku: "MILK", warehouseId: "wh", locationId: o.location, lot: o.lot, quantity: String(o.quantity), unitCost: "1", effectiveDate })
              : inv.issue({ sku: "MILK", warehouseId: "wh", locationId: o.location, lot: o.lot, quantity: String(o.quantity), effectiveDate });
          await (attempt as Promise<unknown>).catch((e: { code: string }) => {
            if (!["INSUFFICIENT_STOCK", "NEGATIVE_HISTORY"].includes(e.code)) throw e;
          });
        }
        const running = new Map<string, Decimal>();
        for (const line of await inv.history({ sku: "MILK" })) {
          const key = `${line.locationId}|${line.lot}`;
          const next = (running.get(key) ?? new Decimal(0)).plus(line.quantity);
          expect(next.gte(0)).toBe(true);
          running.set(key, next);
        }
        expect((await inv.audit()).ok).toBe(true);
      }),
      { numRuns: 40 },
    );
  });
});
