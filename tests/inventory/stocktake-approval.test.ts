import { describe, expect, it } from "vitest";
import { createStorekeep } from "../../src/index.js";
import { ManualClock, sequentialIds } from "../../src/testing/index.js";

/*
 * Approving a stocktake records what was found. A counted loss is a physical fact: it is
 * posted even when customers' holds then exceed what is on hand (the SKU is over-reserved,
 * availability shows it), and it is posted at the count instant even when movements were
 * recorded after the count. Where such a later movement took units from the location that
 * the count did not find, and the product does not allow negative stock, the units it took
 * were there when counted: the loss posted is smaller by them, and the approval says so.
 */

async function shop(start = "2026-03-10T10:00:00.000Z") {
  const clock = new ManualClock(start);
  const sk = createStorekeep({ clock, ids: sequentialIds(), config: { functionalCurrency: "EUR", timeZone: "UTC" } });
  await sk.inventory.defineWarehouse({ warehouseId: "wh" });
  return { sk, clock, inv: sk.inventory };
}

type Caught = { code: string; message: string; details: { issues: { path: string; message: string }[] } & Record<string, unknown> };
const caught = (work: Promise<unknown>): Promise<Caught | undefined> => work.then(() => undefined, (e: Caught) => e);

describe("approving a stocktake whose count is below what is reserved", () => {
  it("records the loss: on hand 4, the hard hold stays 8, available -4; the order ships at most what is on hand", async () => {
    const { inv } = await shop();
    await inv.defineProduct({ sku: "MUG", costingMethod: "fifo" });
    await inv.receive({ sku: "MUG", warehouseId: "wh", quantity: "10", unitCost: "2", effectiveDate: "2026-03-01" });
    await inv.reserve({ lines: [{ sku: "MUG", warehouseId: "wh", quantity: "8" }], orderId: "ord_1", kind: "hard" });
    await inv.startStocktake({ stocktakeId: "st1", warehouseId: "wh", blind: false });
    await inv.recordCount({ stocktakeId: "st1", locationId: "wh", items: [{ sku: "MUG", quantity: "4" }] });

    const approved = await inv.approveStocktake({ stocktakeId: "st1" });
    expect(approved.summary).toMatchObject({ adjusted: 1, shrinkage: "-12", gain: "0", movements: 1 });
    expect(await inv.availability("MUG", "wh")).toMatchObject({ onHand: "4", reserved: "8", available: "-4" });
    expect((await inv.onHand({ sku: "MUG" })).map((r) => r.quantity)).toEqual(["4"]);

    // Nothing more can be promised or taken past the holds while the SKU is over-reserved.
    expect(await caught(inv.reserve({ lines: [{ sku: "MUG", warehouseId: "wh", quantity: "1" }], orderId: "ord_2" }))).toMatchObject({ code: "INSUFFICIENT_STOCK" });
    expect(await caught(inv.issue({ sku: "MUG", warehouseId: "wh", quantity: "1" }))).toMatchObject({ code: "INSUFFICIENT_STOCK" });
    // The reserved order cannot ship the 8 it holds, only the 4 there are.
    expect(await caught(inv.issue({ sku: "MUG", warehouseId: "wh", quantity: "8", orderId: "ord_1" }))).toMatchObject({ code: "INSUFFICIENT_STOCK" });
    await inv.issue({ sku: "MUG", warehouseId: "wh", quantity: "4", orderId: "ord_1" });
    expect(await inv.availability("MUG", "wh")).toMatchObject({ onHand: "0", reserved: "4", available: "-4" });
    await inv.releaseOrder({ orderId: "ord_1" });
    expect(await inv.availability("MUG", "wh")).toMatchObject({ onHand: "0", reserved: "0", available: "0" });
    expect((await inv.audit()).ok).toBe(true);
  });
});

describe("approving a stocktake after movements recorded after the count", () => {
  it("posts the count at its instant; a later pick from the location the count found empty was there when counted (no negative stock), a product allowing negative stock goes negative", async () => {
    const { clock, inv } = await shop();
    await inv.defineProduct({ sku: "F", costingMethod: "fifo" });
    await inv.defineProduct({ sku: "N", costingMethod: "fifo", allowNegativeStock: true });
    for (const sku of ["F", "N"]) await inv.receive({ sku, warehouseId: "wh", quantity: "5", unitCost: "3", effectiveDate: "2026-03-02" });
    await inv.startStocktake({ stocktakeId: "st1", warehouseId: "wh", blind: false });
    clock.advance(60_000);
    const count = await inv.recordCount({ stocktakeId: "st1", locationId: "wh", items: [] });
    expect(count.differences?.map((d) => d.difference)).toEqual(["-5", "-5"]);
    clock.advance(60_000);
    for (const sku of ["F", "N"]) await inv.issue({ sku, warehouseId: "wh", quantity: "1" });

    const approved = await inv.approveStocktake({ stocktakeId: "st1" });
    // F: 4 lost (the unit shipped after the count was there); N: the 5 counted missing, so it is 1 below zero.
    expect(approved.summary).toMatchObject({ adjusted: 2, shrinkage: "-27", movements: 2 });
    expect(approved.summary.missedByCount).toEqual([{ locationId: "wh", sku: "F", lot: null, countedAt: "2026-03-10T10:01:00.000Z", book: "5", counted: "0", missed: "1", posted: "-4" }]);
    const adjusted = (await inv.history({ sku: "F" })).filter((m) => m.kind === "adjustment");
    expect(adjusted.map((m) => [m.effectiveAt, m.quantity])).toEqual([["2026-03-10T10:01:00.000Z", "-4"]]);
    // (onHand lists what is not zero.)
    expect((await inv.onHand()).map((r) => [r.sku, r.quantity])).toEqual([["N", "-1"]]);
    expect(await inv.availability("F", "wh")).toMatchObject({ onHand: "0", available: "0" });
    // The approved stocktake keeps what was corrected.
    expect((await inv.stocktake("st1")).stocktake.summary?.missedByCount).toEqual(approved.summary.missedByCount);
    // N's negative stock is trued up by the next receipt like any negative stock.
    await inv.receive({ sku: "N", warehouseId: "wh", quantity: "3", unitCost: "4" });
    expect((await inv.valuation({ sku: "N" }))[0]).toMatchObject({ quantity: "2", value: "8" });
    const audit = await inv.audit();
    expect(audit.differences).toEqual([]);
    expect(audit.ok).toBe(true);
  });

  it("at one of several locations: the pick from it after the count lowers the loss posted there; a receipt there after the count does not", async () => {
    const { sk, clock, inv } = await shop();
    for (const l of ["wh/A", "wh/B", "wh/C"]) await inv.defineLocation({ locationId: l, warehouseId: "wh" });
    await inv.defineProduct({ sku: "F", costingMethod: "fifo" });
    await inv.receive({ sku: "F", warehouseId: "wh", locationId: "wh/A", quantity: "10", unitCost: "2", effectiveDate: "2026-03-01" });
    await inv.receive({ sku: "F", warehouseId: "wh", locationId: "wh/B", quantity: "5", unitCost: "3", effectiveDate: "2026-03-02" });
    await inv.receive({ sku: "F", warehouseId: "wh", locationId: "wh/C", quantity: "5", unitCost: "3", effectiveDate: "2026-03-02" });
    await inv.startStocktake({ stocktakeId: "st1", warehouseId: "wh", locations: ["wh/B", "wh/C"], blind: false });
    clock.advance(60_000);
    await inv.recordCount({ stocktakeId: "st1", locationId: "wh/B", items: [] });
    await inv.recordCount({ stocktakeId: "st1", locationId: "wh/C", items: [] });
    clock.advance(60_000);
    await inv.issue({ sku: "F", warehouseId: "wh", locationId: "wh/B", quantity: "1" });
    // At C two units arrive after the count and one leaves: the count's 0 stands.
    await inv.receive({ sku: "F", warehouseId: "wh", locationId: "wh/C", quantity: "2", unitCost: "3" });
    await inv.issue({ sku: "F", warehouseId: "wh", locationId: "wh/C", quantity: "1" });

    const approved = await inv.approveStocktake({ stocktakeId: "st1" });
    expect(approved.summary.missedByCount).toEqual([{ locationId: "wh/B", sku: "F", lot: null, countedAt: "2026-03-10T10:01:00.000Z", book: "5", counted: "0", missed: "1", posted: "-4" }]);
    const rows = await inv.onHand({ sku: "F" });
    // B is empty (onHand lists what is not zero).
    expect(rows.map((r) => [r.locationId, r.quantity])).toEqual([["wh/A", "10"], ["wh/C", "1"]]);
    // With finance registered the audit also ties the Inventory account to the stock value.
    const audit = await inv.audit();
    expect(audit.differences).toEqual([]);
    expect(audit.ok).toBe(true);
    const tb = await sk.finance.trialBalance({ asOf: "2026-03-10" });
    expect(tb.totals.debit).toBe(tb.totals.credit);
  });
});

describe("recordCount says what is wrong with a count line", () => {
  it.each([
    [{ sku: "F", quantity: "3.0000001" }, "items[0].quantity", "quantity has 7 decimals; at most 6 are allowed"],
    [{ sku: "F", quantity: "-1" }, "items[0].quantity", undefined],
    [{ sku: "F", quantity: "3,5" }, "items[0].quantity", undefined],
    [{ sku: "F", qty: "3" }, "items[0]", undefined],
    [{ barcode: "4006381333931", times: 1.5 }, "items[0].times", undefined],
  ])("%j: the issue names %s", async (item, path, message) => {
    const { inv } = await shop();
    await inv.defineProduct({ sku: "F", costingMethod: "fifo" });
    await inv.startStocktake({ stocktakeId: "st1", warehouseId: "wh" });
    const e = (await caught(inv.recordCount({ stocktakeId: "st1", locationId: "wh", items: [item as never] })))!;
    expect(e.code).toBe("VALIDATION_FAILED");
    expect(e.message).not.toContain("Invalid input.");
    const issue = e.details.issues.find((i) => i.path === path);
    expect(issue, JSON.stringify(e.details.issues)).toBeDefined();
    if (message !== undefined) expect(issue!.message).toBe(message);
    // A value adjust refuses too gets the same message there.
    if ("quantity" in item && item.quantity !== "-1") {
      const adjust = (await caught(inv.adjust({ sku: "F", warehouseId: "wh", quantity: item.quantity })))!;
      expect(issue!.message).toBe(adjust.details.issues.find((i) => i.path === "quantity")!.message);
    }
  });

  it("a mistyped key is named, beside the missing quantity", async () => {
    const { inv } = await shop();
    await inv.defineProduct({ sku: "F", costingMethod: "fifo" });
    await inv.startStocktake({ stocktakeId: "st1", warehouseId: "wh" });
    const e = (await caught(inv.recordCount({ stocktakeId: "st1", locationId: "wh", items: [{ sku: "F", quantity: "1" }, { sku: "F", qty: "3" } as never] })))!;
    expect(e.message).toContain("qty");
    expect(e.details.issues.map((i) => i.path).sort()).toEqual(["items[1]", "items[1].quantity"]);
  });
});
