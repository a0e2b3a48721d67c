import { describe, expect, it } from "vitest";
import { recordEvents } from "../../src/runner/index.js";
import { harness } from "./setup.js";

/*
 * Worked textbook examples through the command runner: beginning 100 @ 10 on Jan 1, buy
 * 200 @ 11 on Jan 10, sell 250 on Jan 15, buy 150 @ 12 on Jan 20, sell 100 on Jan 25.
 */

const eur = (amount: string) => ({ amount, currency: "EUR" });

async function book(method: "fifo" | "moving-average" | "standard") {
  const h = await harness({ start: "2026-01-31T12:00:00.000Z" });
  const inv = h.inventory;
  await inv.defineWarehouse({ warehouseId: "wh" });
  await inv.defineProduct({ sku: "WIDGET", costingMethod: method, ...(method === "standard" ? { standardCost: "11" } : {}) });
  const receipt = (id: string, date: string, quantity: string, unitPrice: string, value: string) =>
    h.runtime.execute(recordEvents, {
      events: [
        {
          type: "GoodsReceived",
          aggregateType: "receipt",
          aggregateId: id,
          effectiveDate: date,
          payload: { receiptId: id, purchaseOrderId: "po_1", supplierId: "sup_1", warehouseId: "wh", currency: "EUR", functionalCurrency: "EUR", rate: "1", lines: [{ lineId: "l1", sku: "WIDGET", quantity, unitPrice: eur(unitPrice), receivedValue: eur(value) }] },
        },
      ],
    });
  await inv.importOpeningStock({ rows: [{ sku: "WIDGET", warehouseId: "wh", quantity: "100", unitCost: "10" }], effectiveDate: "2026-01-01" });
  await receipt("grn_1", "2026-01-10", "200", "11", "2200");
  const s1 = await inv.issue({ sku: "WIDGET", warehouseId: "wh", quantity: "250", effectiveDate: "2026-01-15" });
  await receipt("grn_2", "2026-01-20", "150", "12", "1800");
  const s2 = await inv.issue({ sku: "WIDGET", warehouseId: "wh", quantity: "100", effectiveDate: "2026-01-25" });
  return { h, inv, s1, s2, receipt };
}

describe("FIFO textbook", () => {
  it("COGS 2650 + 1150, ending inventory 100 @ 12 = 1200; the issues say which layers they took", async () => {
    const { inv, s1, s2 } = await book("fifo");
    expect([s1.amount, s2.amount]).toEqual(["2650", "1150"]);
    expect(await inv.valuation()).toEqual([{ sku: "WIDGET", quantity: "100", value: "1200", inTransit: "0", inventoryAccount: "1200", currency: "EUR" }]);
    const explained = await inv.explain(s2.movementId);
    expect(explained.layers.map((l) => [l.quantity, l.unitCost])).toEqual([["50", "11"], ["50", "12"]]);
    expect(explained.why.join(" ")).toMatch(/oldest layer first/);
    expect((await inv.audit()).ok).toBe(true);
  });

  it("a back-dated receipt (50 @ 9 on Jan 5) re-derives only what follows, posting −100 on Jan 15 and −50 on Jan 25 against COGS", async () => {
    const { h, inv, s1, s2 } = await book("fifo");
    const late = await inv.receive({ sku: "WIDGET", warehouseId: "wh", quantity: "50", unitCost: "9", effectiveDate: "2026-01-05" });
    expect(late.backdated).toBe(true);
    // Jan 15: 100 @ 10 + 50 @ 9 + 100 @ 11 = 2550; Jan 25: 100 @ 11 = 1100; ending 150 @ 12 = 1800.
    expect((await inv.explain(s1.movementId)).amount).toBe("2550");
    expect((await inv.explain(s2.movementId)).amount).toBe("1100");
    expect((await inv.valuation())[0]!.value).toBe("1800");
    const revalued = (await h.events("StockRevalued")).map((e) => e.payload);
    expect(revalued).toEqual([
      {
        revaluationId: `${late.movementId}.backdate.1`,
        sku: "WIDGET",
        reason: "backdated",
        source: { type: "backdate", id: late.movementId },
        postings: [
          { role: "inventory", amount: eur("100"), date: "2026-01-15" },
          { role: "cogs", amount: eur("-100"), date: "2026-01-15" },
          { role: "inventory", amount: eur("50"), date: "2026-01-25" },
          { role: "cogs", amount: eur("-50"), date: "2026-01-25" },
        ],
      },
    ]);
    // Value as of each date agrees with the re-derived layers (the audit re-derives them).
    for (const asOf of ["2026-01-04", "2026-01-05", "2026-01-15", "2026-01-24", "2026-01-25"]) expect((await inv.audit({ asOf })).ok).toBe(true);
    expect((await inv.valuation({ asOf: "2026-01-15" }))[0]).toMatchObject({ quantity: "100", value: "1100" });
  });

  it("a bill at 12.60 after 50 of the 150 were sold: 60 to stock on hand, 30 to COGS, against purchase price difference", async () => {
    const { h, inv } = await book("fifo");
    await h.runtime.execute(recordEvents, {
      events: [
        {
          type: "SupplierBillRecorded",
          aggregateType: "bill",
          aggregateId: "bill_1",
          effectiveDate: "2026-01-28",
          payload: {
            billId: "bill_1",
            supplierId: "sup_1",
            currency: "EUR",
            functionalCurrency: "EUR",
            rate: "1",
            lines: [{ receiptId: "grn_2", receiptLineId: "l1", sku: "WIDGET", quantity: "150", unitPrice: eur("12.6"), receivedValue: eur("1800"), billedValue: eur("1890") }],
            net: eur("1890"),
            tax: eur("0"),
            gross: eur("1890"),
            functional: { net: eur("1890"), tax: eur("0"), gross: eur("1890") },
          },
        },
      ],
    });
    const [revalued] = await h.events("StockRevalued");
    expect(revalued!.payload).toMatchObject({
      reason: "price-difference",
      source: { type: "bill", id: "bill_1" },
      postings: [
        { role: "inventory", amount: eur("60") },
        { role: "cogs", amount: eur("30") },
        { role: "purchase-price-difference", amount: eur("-90") },
      ],
    });
    expect((await inv.valuation())[0]!.value).toBe("1260");
    expect((await inv.layers("WIDGET")) as unknown).toMatchObject({ layers: [{ quantity: "100", value: "1260" }] });
    expect((await inv.audit()).ok).toBe(true);
  });
});

describe("moving average textbook", () => {
  it("COGS 2666.67 + 1166.66 = 3833.33, ending 1166.67", async () => {
    const { inv, s1, s2 } = await book("moving-average");
    expect([s1.amount, s2.amount]).toEqual(["2666.67", "1166.66"]);
    expect((await inv.valuation())[0]!.value).toBe("1166.67");
  });

  it("a back-dated receipt changes the average of every later issue, and nothing before it", async () => {
    const { h, inv, s1, s2 } = await book("moving-average");
    await inv.receive({ sku: "WIDGET", warehouseId: "wh", quantity: "50", unitCost: "9", effectiveDate: "2026-01-05" });
    // Jan 15: pool 350 units worth 3650 → 250 cost 2607.14; left 100 worth 1042.86; +1800 → 250 units 2842.86; 100 cost 1137.14.
    expect((await inv.explain(s1.movementId)).amount).toBe("2607.14");
    expect((await inv.explain(s2.movementId)).amount).toBe("1137.14");
    expect((await inv.valuation())[0]!.value).toBe("1705.72");
    expect((await h.events("StockRevalued")).length).toBe(1);
    expect((await inv.audit()).ok).toBe(true);
  });
});

describe("standard cost textbook (standard 11)", () => {
  it("issues at standard, variances at receipt, COGS 2750 + 1100, ending 1100", async () => {
    const { h, inv, s1, s2 } = await book("standard");
    expect([s1.amount, s2.amount]).toEqual(["2750", "1100"]);
    expect((await inv.valuation())[0]!.value).toBe("1100");
    const received = (await h.events("StockReceived")).map((e) => e.payload);
    expect(received.map((p) => [p["value"], p["counterValue"]])).toEqual([
      [eur("1100"), eur("1000")],
      [eur("2200"), undefined],
      [eur("1650"), eur("1800")],
    ]);
  });

  it("a bill at a different price is a purchase price variance; stock stays at standard", async () => {
    const { h, inv } = await book("standard");
    await inv.revalueReceipt({ receiptMovementId: (await inv.history({ sku: "WIDGET" })).find((l) => l.source["id"] === "grn_2")!.movementId, amount: "90", reference: "bill_9" });
    const [revalued] = await h.events("StockRevalued");
    expect(revalued!.payload["postings"]).toEqual([
      { role: "purchase-price-difference", amount: eur("-90") },
      { role: "purchase-price-variance", amount: eur("90") },
    ]);
    expect((await inv.valuation())[0]!.value).toBe("1100");
  });
});
