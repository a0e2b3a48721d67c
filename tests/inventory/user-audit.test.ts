import { describe, expect, it } from "vitest";
import { DEFAULT_IN_STORE_LAYOUTS, gs1CheckDigit, parseBarcode } from "../../src/inventory/barcodes.js";
import { caught, harness } from "./setup.js";

/*
 * Inventory II as a shop backend developer tries it (issue 15): each case is something a
 * user did that went wrong before its fix.
 */


const GS = "\u001d";

describe("barcodes: the error says which AI or digit, on the code as scanned", () => {
  it("a wrong GTIN check digit inside a GS1-128 label names AI (01) and shows the whole label", async () => {
    const label = `]C10109506000134353${"10LOT7"}`;
    const error = await caught(() => parseBarcode(label));
    expect(error.code).toBe("VALIDATION_FAILED");
    expect(error.message).toContain(label);
    expect(error.message).toContain("AI (01)");
    expect(error.message).toContain("digit 14");
    expect(error.details["issues"]).toEqual([expect.objectContaining({ path: "(01)" })]);
  });

  it("a wrong SSCC check digit names AI (00)", async () => {
    const error = await caught(() => parseBarcode("(00)106141411234567890"));
    expect(error.message).toContain("AI (00)");
    expect(error.details["issues"]).toEqual([expect.objectContaining({ path: "(00)" })]);
  });

  it("a wrong UPC-E check digit is digit 8 of the 8 digits scanned, not digit 12 of the expansion", async () => {
    expect(parseBarcode("04252614", { symbology: "upc-e" }).upcA).toBe("042100005264");
    const error = await caught(() => parseBarcode("04252615", { symbology: "upc-e" }));
    expect(error.message).toContain('Barcode "04252615"');
    expect(error.message).toContain("digit 8");
    expect(error.message).not.toContain("digit 12");
  });

  it("a GS1-128 label whose scanner drops the ]C1 identifier still reads when its lot is alphanumeric", () => {
    const parsed = parseBarcode(`0109506000134352${"17270331"}${"10LOT-7"}${GS}21SN9`, { today: "2026-12-05" });
    expect(parsed).toMatchObject({ kind: "gs1", gtin: "09506000134352", expiry: "2027-03-31", lot: "LOT-7", serial: "SN9" });
    expect(parseBarcode(`0109506000134352${"10ABC"}`)).toMatchObject({ kind: "gs1", lot: "ABC" });
    // Still refused: text that is no GS1 element string.
    expect(() => parseBarcode("MUG-CARTON-12")).toThrow(/neither all digits/);
  });
});

describe("serial numbers are whole units", () => {
  it("a receipt of half a serial is refused; one unit is fine", async () => {
    const h = await harness();
    await h.inventory.defineWarehouse({ warehouseId: "wh" });
    await h.inventory.defineProduct({ sku: "PHONE", costingMethod: "fifo", tracking: "serial" });
    const error = await caught(h.inventory.receive({ sku: "PHONE", warehouseId: "wh", quantity: "0.5", unitCost: "100", lot: "S1" }));
    expect(error.code).toBe("VALIDATION_FAILED");
    expect(error.message).toContain("serial S1 is one whole unit");
    expect(await h.inventory.onHand({ sku: "PHONE" })).toEqual([]);
    await h.inventory.receive({ sku: "PHONE", warehouseId: "wh", quantity: "1", unitCost: "100", lot: "S1" });
    expect((await h.inventory.onHand({ sku: "PHONE" })).map((r) => r.quantity)).toEqual(["1"]);
    // Nor can half of it move to another location.
    await h.inventory.defineLocation({ locationId: "wh/B", warehouseId: "wh" });
    const split = await caught(h.inventory.transfer({ sku: "PHONE", quantity: "0.5", lot: "S1", from: { warehouseId: "wh" }, to: { warehouseId: "wh", locationId: "wh/B" } }));
    expect(split.code).toBe("VALIDATION_FAILED");
    expect((await h.inventory.onHand({ sku: "PHONE" })).map((r) => `${r.locationId}:${r.quantity}`)).toEqual(["wh:1"]);
  });
});

describe("stocktakes of tracked products", () => {
  async function milk() {
    const h = await harness();
    await h.inventory.defineWarehouse({ warehouseId: "wh" });
    await h.inventory.defineLocation({ locationId: "wh/A", warehouseId: "wh" });
    await h.inventory.defineProduct({ sku: "MILK", costingMethod: "fifo", tracking: "lot" });
    await h.inventory.defineProduct({ sku: "PHONE", costingMethod: "fifo", tracking: "serial" });
    await h.inventory.defineBarcode({ barcode: "09506000134352", sku: "PHONE" });
    await h.inventory.receive({ sku: "MILK", warehouseId: "wh", locationId: "wh/A", quantity: "10", unitCost: "1", lot: "L1" });
    await h.inventory.receive({ sku: "PHONE", warehouseId: "wh", locationId: "wh/A", quantity: "1", unitCost: "100", lot: "SN1" });
    await h.inventory.receive({ sku: "PHONE", warehouseId: "wh", locationId: "wh/A", quantity: "1", unitCost: "100", lot: "SN2" });
    await h.inventory.startStocktake({ stocktakeId: "st", warehouseId: "wh", locations: ["wh/A"] });
    return h;
  }

  it("a count line without the lot of a lot-tracked product is refused at the count, so the stocktake can still be approved", async () => {
    const h = await milk();
    const error = await caught(h.inventory.recordCount({ stocktakeId: "st", locationId: "wh/A", items: [{ sku: "MILK", quantity: "10" }, { sku: "PHONE", lot: "SN1", quantity: "1" }, { sku: "PHONE", lot: "SN2", quantity: "1" }] }));
    expect(error.code).toBe("VALIDATION_FAILED");
    expect(error.message).toContain("MILK is tracked by lot");
    expect((await h.inventory.countSheet("st")).locations[0]!.status).toBe("pending");
    await h.inventory.recordCount({ stocktakeId: "st", locationId: "wh/A", items: [{ sku: "MILK", lot: "L1", quantity: "9" }, { sku: "PHONE", lot: "SN1", quantity: "1" }, { sku: "PHONE", lot: "SN2", quantity: "1" }] });
    const { summary } = await h.inventory.approveStocktake({ stocktakeId: "st" });
    expect(summary).toMatchObject({ adjusted: 1, shrinkage: "-1" });
    expect((await h.inventory.onHand({ sku: "MILK" })).map((r) => r.quantity)).toEqual(["9"]);
  });

  it("a scanned serial label counts that serial (AI 21), and a serial counted twice is refused", async () => {
    const h = await milk();
    const label = (serial: string) => `]C10109506000134352${"21"}${serial}`;
    const twice = await caught(h.inventory.recordCount({ stocktakeId: "st", locationId: "wh/A", items: [{ sku: "MILK", lot: "L1", quantity: "10" }, { barcode: label("SN1") }, { barcode: label("SN1") }] }));
    expect(twice.code).toBe("VALIDATION_FAILED");
    expect(twice.message).toContain("Serial SN1 of PHONE is one unit");
    await h.inventory.recordCount({ stocktakeId: "st", locationId: "wh/A", items: [{ sku: "MILK", lot: "L1", quantity: "10" }, { barcode: label("SN1") }] });
    const report = await h.inventory.stocktake("st");
    expect(report.lines.filter((l) => l.sku === "PHONE").map((l) => [l.lot, l.counted, l.difference]).sort()).toEqual([
      ["SN1", "1", "0"],
      ["SN2", "0", "-1"],
    ]);
    await h.inventory.approveStocktake({ stocktakeId: "st" });
    expect((await h.inventory.onHand({ sku: "PHONE" })).map((r) => r.lot)).toEqual(["SN1"]);
  });
});

describe("back-dating keeps the per-location and per-lot history for a manual adjust", () => {
  it("a back-dated adjust (reason defaulting to count) that would take a lot negative later is NEGATIVE_HISTORY naming the date", async () => {
    const h = await harness({ start: "2026-06-15T10:00:00.000Z" });
    await h.inventory.defineWarehouse({ warehouseId: "wh" });
    await h.inventory.defineLocation({ locationId: "wh/A", warehouseId: "wh" });
    await h.inventory.defineLocation({ locationId: "wh/B", warehouseId: "wh" });
    await h.inventory.defineProduct({ sku: "MILK", costingMethod: "fifo", tracking: "lot" });
    await h.inventory.receive({ sku: "MILK", warehouseId: "wh", locationId: "wh/A", quantity: "10", unitCost: "1", lot: "L1", effectiveDate: "2026-06-01" });
    await h.inventory.receive({ sku: "MILK", warehouseId: "wh", locationId: "wh/B", quantity: "10", unitCost: "1", lot: "L2", effectiveDate: "2026-06-01" });
    await h.inventory.issue({ sku: "MILK", warehouseId: "wh", locationId: "wh/B", quantity: "8", lot: "L2", effectiveDate: "2026-06-10" });
    await h.inventory.receive({ sku: "MILK", warehouseId: "wh", locationId: "wh/B", quantity: "10", unitCost: "1", lot: "L2", effectiveDate: "2026-06-12" });
    // Today wh/B holds 12 of L2, and MILK as a whole has plenty: only the lot's history on 06-10 is short.
    const error = await caught(h.inventory.adjust({ sku: "MILK", warehouseId: "wh", locationId: "wh/B", quantity: "-5", lot: "L2", effectiveDate: "2026-06-05" }));
    expect(error.code).toBe("NEGATIVE_HISTORY");
    expect(error.details).toMatchObject({ date: "2026-06-10", locationId: "wh/B", lot: "L2" });
    expect(error.message).toContain("2026-06-10");
    expect((await h.inventory.onHand({ sku: "MILK", asOf: "2026-06-10" })).find((r) => r.lot === "L2")!.quantity).toBe("2");
    // A back-dated adjust history can take is recorded.
    await h.inventory.adjust({ sku: "MILK", warehouseId: "wh", locationId: "wh/B", quantity: "-2", lot: "L2", effectiveDate: "2026-06-05" });
    expect((await h.inventory.audit()).ok).toBe(true);
  });
});

describe("a named lot taken without a location", () => {
  it("is taken where the warehouse holds it, not only from the warehouse's root", async () => {
    const h = await harness();
    await h.inventory.defineWarehouse({ warehouseId: "wh" });
    await h.inventory.defineLocation({ locationId: "wh/A", warehouseId: "wh" });
    await h.inventory.defineLocation({ locationId: "wh/B", warehouseId: "wh" });
    await h.inventory.defineProduct({ sku: "MILK", costingMethod: "fifo", tracking: "lot" });
    await h.inventory.receive({ sku: "MILK", warehouseId: "wh", locationId: "wh/A", quantity: "3", unitCost: "1", lot: "L1" });
    await h.inventory.receive({ sku: "MILK", warehouseId: "wh", locationId: "wh/B", quantity: "4", unitCost: "1", lot: "L1" });
    await h.inventory.receive({ sku: "MILK", warehouseId: "wh", locationId: "wh/B", quantity: "9", unitCost: "1", lot: "L2" });
    const one = await h.inventory.issue({ sku: "MILK", warehouseId: "wh", quantity: "2", lot: "L1" });
    expect(one.quantity).toBe("-2");
    const both = await h.inventory.issue({ sku: "MILK", warehouseId: "wh", quantity: "4", lot: "L1" });
    expect((both as { movements?: { quantity: string }[] }).movements?.map((m) => m.quantity)).toEqual(["-1", "-3"]);
    const onHand = await h.inventory.onHand({ sku: "MILK" });
    expect(onHand.map((r) => `${r.locationId}:${r.lot}:${r.quantity}`).sort()).toEqual(["wh/B:L1:1", "wh/B:L2:9"]);
    // More than the warehouse holds of the lot: refused, nothing written.
    const error = await caught(h.inventory.issue({ sku: "MILK", warehouseId: "wh", quantity: "2", lot: "L1" }));
    expect(error.code).toBe("INSUFFICIENT_STOCK");
    expect((await h.inventory.audit()).ok).toBe(true);
  });
});

describe("two stocktakes over one location", () => {
  it("an older count approved after a later one is refused instead of posting the loss twice", async () => {
    const h = await harness({ start: "2026-06-15T10:00:00.000Z" });
    await h.inventory.defineWarehouse({ warehouseId: "wh" });
    await h.inventory.defineLocation({ locationId: "wh/A1", warehouseId: "wh" });
    await h.inventory.defineProduct({ sku: "TEA", costingMethod: "fifo" });
    await h.inventory.receive({ sku: "TEA", warehouseId: "wh", locationId: "wh/A1", quantity: "50", unitCost: "2", effectiveDate: "2026-06-01" });
    await h.inventory.startStocktake({ stocktakeId: "weekly", warehouseId: "wh" });
    await h.inventory.startStocktake({ stocktakeId: "spot", warehouseId: "wh", locations: ["wh/A1"] });
    h.clock.advance(60_000);
    await h.inventory.recordCount({ stocktakeId: "spot", locationId: "wh/A1", items: [{ sku: "TEA", quantity: "45" }] });
    h.clock.advance(60_000);
    await h.inventory.recordCount({ stocktakeId: "weekly", locationId: "wh/A1", items: [{ sku: "TEA", quantity: "45" }] });
    expect((await h.inventory.approveStocktake({ stocktakeId: "weekly" })).summary.shrinkage).toBe("-10");
    const error = await caught(h.inventory.approveStocktake({ stocktakeId: "spot" }));
    expect(error.code).toBe("INVALID_TRANSITION");
    expect(error.message).toContain('stocktake "weekly"');
    // The shelf holds 45, and so does the book: the 5 lost units were written off once.
    expect((await h.inventory.onHand({ sku: "TEA" })).map((r) => r.quantity)).toEqual(["45"]);
    expect((await h.inventory.valuation({ sku: "TEA" }))[0]!.value).toBe("90");
    await h.inventory.cancelStocktake({ stocktakeId: "spot" });
    // Approved in the other order, the later count sees the earlier adjustment in its book: nothing twice either.
    await h.inventory.startStocktake({ stocktakeId: "a", warehouseId: "wh" });
    await h.inventory.startStocktake({ stocktakeId: "b", warehouseId: "wh" });
    h.clock.advance(60_000);
    await h.inventory.recordCount({ stocktakeId: "a", locationId: "wh/A1", items: [{ sku: "TEA", quantity: "44" }] });
    h.clock.advance(60_000);
    await h.inventory.recordCount({ stocktakeId: "b", locationId: "wh/A1", items: [{ sku: "TEA", quantity: "44" }] });
    await h.inventory.approveStocktake({ stocktakeId: "a" });
    expect((await h.inventory.approveStocktake({ stocktakeId: "b" })).summary.adjusted).toBe(0);
    expect((await h.inventory.onHand({ sku: "TEA" })).map((r) => r.quantity)).toEqual(["44"]);
  });
});

describe("a unit's factor is fixed once defined", () => {
  it("defining a unit again with the same factor is a no-op; another factor is INVALID_TRANSITION naming the existing one", async () => {
    const h = await harness();
    await h.inventory.defineWarehouse({ warehouseId: "wh" });
    await h.inventory.defineProduct({ sku: "MUG", costingMethod: "fifo" });
    await h.inventory.defineUnit({ sku: "MUG", unit: "carton", factor: "12" });
    await h.inventory.receive({ sku: "MUG", warehouseId: "wh", quantity: "2", unit: "carton", unitCost: "30" });
    expect(await h.inventory.defineUnit({ sku: "MUG", unit: "carton", factor: "12.0" })).toMatchObject({ factor: "12" });
    const error = await caught(h.inventory.defineUnit({ sku: "MUG", unit: "carton", factor: "6" }));
    expect(error.code).toBe("INVALID_TRANSITION");
    expect(error.message).toContain("already holds 12 base units");
    expect(error.details).toMatchObject({ sku: "MUG", unit: "carton", factor: "12" });
    // A carton still means 12.
    await h.inventory.issue({ sku: "MUG", warehouseId: "wh", quantity: "1", unit: "carton" });
    expect((await h.inventory.onHand({ sku: "MUG" })).map((r) => r.quantity)).toEqual(["12"]);
    // Another unit name is fine.
    await h.inventory.defineUnit({ sku: "MUG", unit: "half-carton", factor: "6" });
  });
});

describe("a customer return names a lot that left", () => {
  it("a lot or serial never received is NOT_FOUND naming it; a lot the order did not take is refused; an issued lot comes back", async () => {
    const h = await harness();
    await h.inventory.defineWarehouse({ warehouseId: "wh" });
    await h.inventory.defineProduct({ sku: "MILK", costingMethod: "fifo", tracking: "lot" });
    await h.inventory.defineProduct({ sku: "PHONE", costingMethod: "fifo", tracking: "serial" });
    await h.inventory.receive({ sku: "MILK", warehouseId: "wh", quantity: "10", unitCost: "1", lot: "L1" });
    await h.inventory.receive({ sku: "MILK", warehouseId: "wh", quantity: "10", unitCost: "1", lot: "L2" });
    await h.inventory.receive({ sku: "PHONE", warehouseId: "wh", quantity: "1", unitCost: "100", lot: "SN1" });
    await h.inventory.issue({ sku: "MILK", warehouseId: "wh", quantity: "3", lot: "L1", orderId: "ord_1" });
    const phone = await h.inventory.issue({ sku: "PHONE", warehouseId: "wh", quantity: "1", lot: "SN1", orderId: "ord_2" });

    const never = await caught(h.inventory.returnFromCustomer({ sku: "MILK", warehouseId: "wh", quantity: "1", lot: "L-NEVER" }));
    expect(never.code).toBe("NOT_FOUND");
    expect(never.message).toContain("Lot L-NEVER of MILK was never received");
    const serial = await caught(h.inventory.returnFromCustomer({ sku: "PHONE", warehouseId: "wh", quantity: "1", lot: "SN-FAKE" }));
    expect(serial.code).toBe("NOT_FOUND");
    expect(serial.details).toMatchObject({ sku: "PHONE", lot: "SN-FAKE" });
    // L2 came in but order ord_1 shipped L1.
    const other = await caught(h.inventory.returnFromCustomer({ sku: "MILK", warehouseId: "wh", quantity: "1", lot: "L2", orderId: "ord_1" }));
    expect(other.code).toBe("VALIDATION_FAILED");
    expect(other.message).toContain("from lot L1, not lot L2");
    expect((await h.inventory.onHand({ sku: "MILK" })).map((r) => `${r.lot}:${r.quantity}`).sort()).toEqual(["L1:7", "L2:10"]);

    await h.inventory.returnFromCustomer({ sku: "MILK", warehouseId: "wh", quantity: "1", lot: "L1", orderId: "ord_1" });
    await h.inventory.returnFromCustomer({ sku: "PHONE", warehouseId: "wh", quantity: "1", lot: "SN1", issueMovementId: phone.movementId });
    expect((await h.inventory.onHand({ sku: "MILK" })).map((r) => `${r.lot}:${r.quantity}`).sort()).toEqual(["L1:8", "L2:10"]);
    expect((await h.inventory.onHand({ sku: "PHONE" })).map((r) => r.lot)).toEqual(["SN1"]);
    expect((await h.inventory.audit()).ok).toBe(true);
  });
});

describe("in-store codes: a price code and a weight code of one item number", () => {
  const withCheck = (digits: string): string => digits + String(gs1CheckDigit(digits));

  it("are two codes that may name two SKUs; two price codes of the item are one, whatever the price", async () => {
    const h = await harness({ inStoreLayouts: DEFAULT_IN_STORE_LAYOUTS });
    await h.inventory.defineProduct({ sku: "CHEESE-PACK", costingMethod: "fifo" });
    await h.inventory.defineProduct({ sku: "CHEESE", costingMethod: "fifo", unitOfMeasure: "kg" });
    const priced = withCheck("201234500199"); // item 12345 at 1.99
    const weighed = withCheck("231234500455"); // item 12345, 0.455 kg
    await h.inventory.defineBarcode({ barcode: priced, sku: "CHEESE-PACK" });
    await h.inventory.defineBarcode({ barcode: weighed, sku: "CHEESE" });
    expect(await h.inventory.scan(priced)).toMatchObject({ sku: "CHEESE-PACK", quantity: "1" });
    expect(await h.inventory.scan(weighed)).toMatchObject({ sku: "CHEESE", quantity: "0.455" });
    // Another price of the same item is the same code; another SKU for it is refused.
    expect(await h.inventory.scan(withCheck("211234500250"))).toMatchObject({ sku: "CHEESE-PACK" });
    const clash = await caught(h.inventory.defineBarcode({ barcode: withCheck("201234500250"), sku: "CHEESE" }));
    expect(clash.code).toBe("ALREADY_EXISTS");
    // Removing the price code leaves the weight code.
    expect(await h.inventory.removeBarcode({ barcode: priced })).toMatchObject({ removed: true, sku: "CHEESE-PACK" });
    expect((await h.inventory.scan(priced)).sku).toBeNull();
    expect((await h.inventory.scan(weighed)).sku).toBe("CHEESE");
  });

  it("a code stored under the old item-number key is still found, for its own kind only, and can be removed", async () => {
    const h = await harness({ inStoreLayouts: DEFAULT_IN_STORE_LAYOUTS });
    await h.inventory.defineProduct({ sku: "CHEESE", costingMethod: "fifo", unitOfMeasure: "kg" });
    await h.inventory.defineProduct({ sku: "CHEESE-PACK", costingMethod: "fifo" });
    const weighed = withCheck("231234500455");
    await h.store.transaction((tx) => tx.documents.put("inventory.barcodes", "item:12345", { key: "item:12345", barcode: weighed, sku: "CHEESE", unit: null }, 0));
    expect((await h.inventory.scan(withCheck("241234501000"))).sku).toBe("CHEESE");
    expect((await h.inventory.scan(withCheck("201234500199"))).sku).toBeNull();
    expect((await caught(h.inventory.defineBarcode({ barcode: weighed, sku: "CHEESE-PACK" }))).code).toBe("ALREADY_EXISTS");
    await h.inventory.defineBarcode({ barcode: withCheck("201234500199"), sku: "CHEESE-PACK" });
    expect(await h.inventory.removeBarcode({ barcode: weighed })).toMatchObject({ removed: true, sku: "CHEESE" });
    expect((await h.inventory.scan(weighed)).sku).toBeNull();
    expect((await h.inventory.scan(withCheck("201234500199"))).sku).toBe("CHEESE-PACK");
  });
});

describe("slowMoving names the last receipt and issue even before its look-back horizon", () => {
  it("reads them from the dates the SKU's cost state keeps, without reading the history; as of a past date they are null when the SKU moved again since", async () => {
    const h = await harness({ start: "2026-12-05T12:00:00.000Z" });
    await h.inventory.defineWarehouse({ warehouseId: "wh" });
    await h.inventory.defineProduct({ sku: "TEA", costingMethod: "fifo" });
    await h.inventory.defineProduct({ sku: "MUG", costingMethod: "fifo" });
    await h.inventory.receive({ sku: "TEA", warehouseId: "wh", quantity: "40", unitCost: "2", effectiveDate: "2025-09-01" });
    await h.inventory.issue({ sku: "TEA", warehouseId: "wh", quantity: "5", effectiveDate: "2025-11-20" });
    // Moving after the issue but neither a receipt nor a sale: not what the dates name.
    await h.inventory.scrap({ sku: "TEA", warehouseId: "wh", quantity: "1", effectiveDate: "2026-01-10" });
    const [tea] = await h.inventory.slowMoving({ sku: "TEA" });
    expect(tea).toMatchObject({ sku: "TEA", onHand: "34", lastReceiptDate: "2025-09-01", lastIssueDate: "2025-11-20", issuedInWindow: "0", status: "dead" });

    await h.inventory.receive({ sku: "MUG", warehouseId: "wh", quantity: "10", unitCost: "1", effectiveDate: "2024-01-15" });
    await h.inventory.receive({ sku: "MUG", warehouseId: "wh", quantity: "10", unitCost: "1", effectiveDate: "2026-12-01" });
    expect((await h.inventory.slowMoving({ sku: "MUG" }))[0]).toMatchObject({ lastReceiptDate: "2026-12-01", lastIssueDate: null, status: "active" });
    // As of 2025-06-30 the last receipt (2024-01-15) lies before the horizon and a later one is kept: unknown.
    expect((await h.inventory.slowMoving({ sku: "MUG", asOf: "2025-06-30" }))[0]).toMatchObject({ onHand: "10", lastReceiptDate: null, status: "dead" });
  });
});
