import { describe, expect, it } from "vitest";
import { recordEvents } from "../../src/runner/index.js";
import { parseOpeningCsv } from "../../src/inventory/index.js";
import { harness } from "./setup.js";

const eur = (amount: string) => ({ amount, currency: "EUR" });

async function shop(options: { negative?: boolean; method?: "fifo" | "moving-average" } = {}) {
  const h = await harness({ start: "2026-03-31T12:00:00.000Z" });
  await h.inventory.defineWarehouse({ warehouseId: "wh" });
  await h.inventory.defineWarehouse({ warehouseId: "wh2" });
  await h.inventory.defineLocation({ locationId: "wh/A", warehouseId: "wh" });
  await h.inventory.defineLocation({ locationId: "wh/A1", warehouseId: "wh", parentId: "wh/A" });
  await h.inventory.defineProduct({ sku: "MUG", costingMethod: options.method ?? "fifo", allowNegativeStock: options.negative ?? false, weight: "0.4" });
  await h.inventory.defineProduct({ sku: "TEE", costingMethod: "moving-average", weight: "0.2" });
  return h;
}

const record = (h: Awaited<ReturnType<typeof shop>>, type: string, effectiveDate: string, payload: Record<string, unknown>) =>
  h.runtime.execute(recordEvents, { events: [{ type, aggregateType: "doc", aggregateId: "doc_1", effectiveDate, payload }] });

describe("negative stock (allowed)", () => {
  it("issues at the last known cost and trues up on the next receipt, posting the true-up", async () => {
    const h = await shop({ negative: true });
    await h.inventory.receive({ sku: "MUG", warehouseId: "wh", quantity: "2", unitCost: "3" });
    const issue = await h.inventory.issue({ sku: "MUG", warehouseId: "wh", quantity: "5" });
    expect(issue.amount).toBe("15");
    expect(await h.inventory.availability("MUG", "wh")).toMatchObject({ onHand: "-3" });
    await h.inventory.receive({ sku: "MUG", warehouseId: "wh", quantity: "10", unitCost: "4" });
    const [trueUp] = await h.events("StockRevalued");
    expect(trueUp!.payload).toMatchObject({
      reason: "negative-stock-true-up",
      postings: [
        { role: "inventory", amount: eur("-3") },
        { role: "cogs", amount: eur("3"), movementId: issue.movementId },
      ],
    });
    expect((await h.inventory.valuation())[0]).toMatchObject({ quantity: "7", value: "28" });
    expect((await h.inventory.audit()).ok).toBe(true);
  });

  it("without it, an issue beyond what is on hand is refused and nothing is recorded", async () => {
    const h = await shop();
    await h.inventory.receive({ sku: "MUG", warehouseId: "wh", quantity: "2", unitCost: "3" });
    await expect(h.inventory.issue({ sku: "MUG", warehouseId: "wh", quantity: "3" })).rejects.toMatchObject({ code: "INSUFFICIENT_STOCK" });
    await expect(h.inventory.issue({ sku: "MUG", warehouseId: "wh", locationId: "wh/A", quantity: "1" })).rejects.toMatchObject({ code: "INSUFFICIENT_STOCK", details: { locationId: "wh/A" } });
    expect(await h.inventory.history({ sku: "MUG" })).toHaveLength(1);
  });
});

describe("locations and transfers", () => {
  it("moves stock between nested locations directly, and between warehouses through transit", async () => {
    const h = await shop();
    await h.inventory.receive({ sku: "MUG", warehouseId: "wh", locationId: "wh/A1", quantity: "10", unitCost: "2" });
    await h.inventory.transfer({ sku: "MUG", quantity: "4", from: { warehouseId: "wh", locationId: "wh/A1" }, to: { warehouseId: "wh", locationId: "wh/A" } });
    const out = await h.inventory.transfer({ sku: "MUG", quantity: "3", from: { warehouseId: "wh", locationId: "wh/A" }, to: { warehouseId: "wh2" } });
    expect(out.stage).toBe("dispatched");
    expect(await h.inventory.onHand({ sku: "MUG" })).toEqual([
      { sku: "MUG", locationId: "in-transit:wh2", lot: null, quantity: "3" },
      { sku: "MUG", locationId: "wh/A", lot: null, quantity: "1" },
      { sku: "MUG", locationId: "wh/A1", lot: null, quantity: "6" },
    ]);
    expect(await h.inventory.valuation()).toEqual([{ sku: "MUG", quantity: "10", value: "20", inTransit: "6", inventoryAccount: "14", currency: "EUR" }]);
    // By warehouse: its own locations; what is in transit to wh2 is not on hand there yet.
    expect(await h.inventory.onHand({ warehouseId: "wh" })).toEqual([
      { sku: "MUG", locationId: "wh/A", lot: null, quantity: "1" },
      { sku: "MUG", locationId: "wh/A1", lot: null, quantity: "6" },
    ]);
    expect(await h.inventory.onHand({ sku: "MUG", warehouseId: "wh2" })).toEqual([]);
    await expect(h.inventory.onHand({ warehouseId: "wh9" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect((await h.inventory.availability("MUG", "wh")).onHand).toBe("7");
    expect((await h.inventory.availability("MUG", "wh2")).onHand).toBe("0");
    h.clock.advance(3_600_000);
    await h.inventory.receiveTransfer({ transferId: out.transferId });
    await expect(h.inventory.receiveTransfer({ transferId: out.transferId })).rejects.toMatchObject({ code: "INVALID_TRANSITION" });
    expect((await h.inventory.availability("MUG", "wh2")).onHand).toBe("3");
    expect(await h.inventory.onHand({ warehouseId: "wh2" })).toEqual([{ sku: "MUG", locationId: "wh2", lot: null, quantity: "3" }]);
    expect((await h.inventory.valuation())[0]).toMatchObject({ inTransit: "0", inventoryAccount: "20" });
    const stages = (await h.events("StockTransferred")).map((e) => [e.payload["stage"], (e.payload["value"] as { amount: string }).amount]);
    expect(stages).toEqual([["direct", "8"], ["dispatched", "6"], ["arrived", "6"]]);
    expect((await h.inventory.audit()).ok).toBe(true);
  });

  it("refuses a location of another warehouse and an unknown SKU, saying what to do", async () => {
    const h = await shop();
    await expect(h.inventory.receive({ sku: "MUG", warehouseId: "wh2", locationId: "wh/A", quantity: "1", unitCost: "1" })).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
    await expect(h.inventory.receive({ sku: "NOPE", warehouseId: "wh", quantity: "1", unitCost: "1" })).rejects.toThrow(/defineProduct/);
    await expect(h.inventory.receive({ sku: "MUG", warehouseId: "wh", quantity: "1", unitCost: "1", effectiveAt: "2026-04-01T00:00:00.000Z" })).rejects.toThrow(/future/);
  });
});

describe("document reactions", () => {
  it("customer returns come back at the cost they left with; a damaged return is received and written off", async () => {
    const h = await shop();
    await h.inventory.receive({ sku: "MUG", warehouseId: "wh", quantity: "2", unitCost: "3", effectiveDate: "2026-03-01" });
    await h.inventory.receive({ sku: "MUG", warehouseId: "wh", quantity: "2", unitCost: "5", effectiveDate: "2026-03-02" });
    await record(h, "ShipmentDispatched", "2026-03-10", { shipmentId: "shp_1", orderId: "ord_1", warehouseId: "wh", lines: [{ lineId: "l1", sku: "MUG", quantity: "3" }] });
    // 2 @ 3 + 1 @ 5 = 11 for 3 units.
    await record(h, "ReturnReceived", "2026-03-12", { returnId: "ret_1", orderId: "ord_1", warehouseId: "wh", lines: [{ lineId: "l1", sku: "MUG", quantity: "1", disposition: "restock" }, { lineId: "l2", sku: "MUG", quantity: "1", disposition: "write-off" }] });
    const received = (await h.events("StockReceived")).filter((e) => (e.payload["source"] as { type: string }).type === "customer-return");
    expect(received.map((e) => [(e.payload["value"] as { amount: string }).amount, e.payload["counterAccountRole"]])).toEqual([["3.67", "cogs"], ["3.67", "cogs"]]);
    const [adjusted] = await h.events("StockAdjusted");
    expect(adjusted!.payload).toMatchObject({ quantity: "-1", reason: "damaged-return", counterAccountRole: "write-off" });
    expect((await h.inventory.valuation())[0]!.quantity).toBe("2");
    expect((await h.inventory.audit()).ok).toBe(true);
  });

  it("a supplier return issues at layer cost against purchase price difference", async () => {
    const h = await shop();
    await record(h, "GoodsReceived", "2026-03-01", { receiptId: "grn_1", purchaseOrderId: "po_1", supplierId: "sup_1", warehouseId: "wh", currency: "EUR", functionalCurrency: "EUR", rate: "1", lines: [{ lineId: "l1", sku: "MUG", quantity: "10", unitPrice: eur("2.5"), receivedValue: eur("25") }] });
    await record(h, "SupplierReturned", "2026-03-05", { returnId: "sr_1", supplierId: "sup_1", warehouseId: "wh", currency: "EUR", functionalCurrency: "EUR", rate: "1", lines: [{ sku: "MUG", quantity: "4", unitPrice: eur("2.5") }], net: eur("10"), tax: eur("0"), gross: eur("10"), functional: { net: eur("10"), tax: eur("0"), gross: eur("10") } });
    const [issued] = await h.events("StockIssued");
    expect(issued!.payload).toMatchObject({ quantity: "4", cost: eur("10"), counterAccountRole: "purchase-price-difference", source: { type: "supplier-return", id: "sr_1" } });
  });

  it("a landed cost spreads by weight between receipts and splits each between stock on hand and COGS", async () => {
    const h = await shop();
    await record(h, "GoodsReceived", "2026-03-01", {
      receiptId: "grn_1", purchaseOrderId: "po_1", supplierId: "sup_1", warehouseId: "wh", currency: "EUR", functionalCurrency: "EUR", rate: "1",
      lines: [
        { lineId: "l1", sku: "MUG", quantity: "10", unitPrice: eur("2"), receivedValue: eur("20") },
        { lineId: "l2", sku: "TEE", quantity: "10", unitPrice: eur("5"), receivedValue: eur("50") },
      ],
    });
    await h.inventory.issue({ sku: "MUG", warehouseId: "wh", quantity: "5", effectiveDate: "2026-03-03" });
    await record(h, "LandedCostRecorded", "2026-03-04", { landedCostId: "lc_1", supplierId: "sup_9", receiptIds: ["grn_1"], basis: "weight", currency: "EUR", functionalCurrency: "EUR", rate: "1", net: eur("12"), tax: eur("0"), gross: eur("12"), functional: { net: eur("12"), tax: eur("0"), gross: eur("12") } });
    // Weights: MUG 10 × 0.4 = 4, TEE 10 × 0.2 = 2 → 8 and 4; MUG has half on hand → 4 stock, 4 COGS.
    const revalued = (await h.events("StockRevalued")).map((e) => [e.payload["sku"], e.payload["postings"]]);
    expect(revalued).toEqual([
      ["MUG", [{ role: "inventory", amount: eur("4") }, { role: "cogs", amount: eur("4") }, { role: "landed-cost-clearing", amount: eur("-8") }]],
      ["TEE", [{ role: "inventory", amount: eur("4") }, { role: "landed-cost-clearing", amount: eur("-4") }]],
    ]);
    expect((await h.inventory.history({ sku: "MUG", from: "2026-03-03", to: "2026-03-03" })).map((l) => l.kind)).toEqual(["sale-issue"]);
    const explained = await h.inventory.explain((await h.inventory.history({ sku: "MUG" })).at(-1)!.movementId);
    expect(explained.why.join(" ")).toMatch(/4 EUR raised the units still on hand; 4 EUR belonged to units already sold/);
  });

  it("recording the same document twice with one idempotency key moves stock once", async () => {
    const h = await shop();
    const input = { events: [{ type: "GoodsReceived", aggregateType: "receipt", aggregateId: "grn_7", effectiveDate: "2026-03-31", payload: { receiptId: "grn_7", purchaseOrderId: "po_1", supplierId: "sup_1", warehouseId: "wh", currency: "EUR", functionalCurrency: "EUR", rate: "1", lines: [{ lineId: "l1", sku: "MUG", quantity: "3", unitPrice: eur("1"), receivedValue: eur("3") }] } }] };
    await h.runtime.execute(recordEvents, input, { idempotencyKey: "grn_7" });
    await h.runtime.execute(recordEvents, input, { idempotencyKey: "grn_7" });
    expect((await h.inventory.valuation())[0]).toMatchObject({ quantity: "3", value: "3" });
  });
});

describe("returns and back-dating", () => {
  it("a return follows the cost of its issue when back-dating changes it, and keeps it when the window starts after the issue", async () => {
    const h = await harness({ start: "2026-03-31T12:00:00.000Z", snapshotEvery: 1 });
    await h.inventory.defineWarehouse({ warehouseId: "wh" });
    await h.inventory.defineProduct({ sku: "R", costingMethod: "fifo" });
    await h.inventory.receive({ sku: "R", warehouseId: "wh", quantity: "4", unitCost: "10", effectiveDate: "2026-03-02" });
    const issue = await h.inventory.issue({ sku: "R", warehouseId: "wh", quantity: "2", orderId: "ord_r", effectiveDate: "2026-03-05" });
    await h.inventory.receive({ sku: "R", warehouseId: "wh", quantity: "1", unitCost: "7", effectiveDate: "2026-03-06" });
    const back = await h.inventory.returnFromCustomer({ sku: "R", warehouseId: "wh", quantity: "1", orderId: "ord_r", effectiveDate: "2026-03-08" });
    expect(back.amount).toBe("10");
    // After the issue: the replay starts after it; the return keeps the issue's cost.
    await h.inventory.receive({ sku: "R", warehouseId: "wh", quantity: "1", unitCost: "1", effectiveDate: "2026-03-07" });
    expect((await h.inventory.explain(back.movementId)).amount).toBe("10");
    // Before the issue: the issue now takes a cheaper layer first, and the return follows it.
    await h.inventory.receive({ sku: "R", warehouseId: "wh", quantity: "1", unitCost: "2", effectiveDate: "2026-03-01" });
    expect((await h.inventory.explain(issue.movementId)).amount).toBe("12");
    expect((await h.inventory.explain(back.movementId)).amount).toBe("6");
    expect((await h.inventory.audit()).differences).toEqual([]);
    for (const asOf of ["2026-03-05", "2026-03-07", "2026-03-08"]) expect((await h.inventory.audit({ asOf })).differences).toEqual([]);
  });
});

describe("opening stock, products, reports", () => {
  it("imports opening stock from CSV against opening balance equity", async () => {
    const h = await shop();
    const csv = 'sku,warehouse,location,lot,quantity,unit_cost\nMUG,wh,wh/A1,L1,40,2.50\n"TEE",wh,,,"12",4\n';
    expect(parseOpeningCsv(csv)).toEqual([
      { sku: "MUG", warehouseId: "wh", locationId: "wh/A1", lot: "L1", quantity: "40", unitCost: "2.50" },
      { sku: "TEE", warehouseId: "wh", quantity: "12", unitCost: "4" },
    ]);
    const out = await h.inventory.importOpeningStock({ csv, effectiveDate: "2026-01-01" });
    expect(out.imported).toBe(2);
    expect((await h.events("StockReceived")).map((e) => e.payload["counterAccountRole"])).toEqual(["opening-balance-equity", "opening-balance-equity"]);
    expect(await h.inventory.onHand({ asOf: "2026-01-01" })).toEqual([
      { sku: "MUG", locationId: "wh/A1", lot: "L1", quantity: "40" },
      { sku: "TEE", locationId: "wh", lot: null, quantity: "12" },
    ]);
    expect(await h.inventory.onHand({ asOf: "2025-12-31" })).toEqual([]);
    await expect(h.inventory.importOpeningStock({ csv: "sku,colour\nMUG,red\n" })).rejects.toThrow(/unknown columns: colour/);
  });

  it("refuses to change a SKU's costing method once it has movements", async () => {
    const h = await shop();
    await h.inventory.defineProduct({ sku: "MUG", costingMethod: "moving-average", weight: "0.4" });
    await h.inventory.receive({ sku: "MUG", warehouseId: "wh", quantity: "1", unitCost: "1" });
    await expect(h.inventory.defineProduct({ sku: "MUG", costingMethod: "fifo" })).rejects.toMatchObject({ code: "INVALID_TRANSITION" });
    await expect(h.inventory.defineProduct({ sku: "STD", costingMethod: "standard" })).rejects.toThrow(/standardCost/);
  });

  it("audit names a difference and its cause (a balance written outside the ledger)", async () => {
    const h = await shop();
    await h.inventory.receive({ sku: "MUG", warehouseId: "wh", quantity: "2", unitCost: "3" });
    const { Decimal } = await import("../../src/kernel/decimal.js");
    await h.store.transaction((tx) => tx.balances.add("inventory.values", [{ key: "MUG", bucket: "2026-03-31", amounts: { value: new Decimal("0.01") } }]));
    const report = await h.inventory.audit();
    expect(report.ok).toBe(false);
    expect(report.differences).toEqual([{ sku: "MUG", check: "value", expected: "6", actual: "6.01", where: null, cause: expect.stringMatching(/not posted as StockRevalued/) }]);
    const withAccount = await h.inventory.audit({ asOf: "2026-03-31", inventoryAccount: async () => "5" });
    expect(withAccount.differences.map((d) => d.check)).toEqual(["value", "inventory-account"]);
  });

  it("audit over more SKUs than one read takes (250, three chunks) finds each kind of tampering on the SKU it was made to, and only there", async () => {
    const h = await shop();
    const skus = Array.from({ length: 250 }, (_, i) => `P${String(i).padStart(3, "0")}`);
    for (const sku of skus) {
      await h.inventory.defineProduct({ sku, costingMethod: "fifo" });
      await h.inventory.receive({ sku, warehouseId: "wh", quantity: "4", unitCost: "2" });
    }
    await h.inventory.receive({ sku: "P121", warehouseId: "wh", quantity: "1", unitCost: "3" });
    expect((await h.inventory.audit()).differences).toEqual([]);
    const { Decimal } = await import("../../src/kernel/decimal.js");
    await h.store.transaction(async (tx) => {
      await tx.balances.add("inventory.quantities", [{ key: "P005|wh|", bucket: "2026-03-31", amounts: { quantity: new Decimal("1") } }]);
      await tx.counters.apply("inventory.availability", [{ key: "P150|wh", deltas: { onHand: new Decimal("-1") } }]);
      await tx.balances.add("inventory.values", [{ key: "P249", bucket: "2026-03-31", amounts: { value: new Decimal("0.01") } }]);
      const state = await tx.documents.get("inventory.cost-states", "P120");
      await tx.documents.put("inventory.cost-states", "P120", { ...state!.data, state: (await tx.documents.get("inventory.cost-states", "P121"))!.data["state"]! }, state!.version);
    });
    const report = await h.inventory.audit();
    expect(report.skus).toBe(250);
    expect(report.differences.map((d) => [d.sku, d.check, d.expected, d.actual])).toEqual([
      ["P005", "quantity", "4", "5"],
      ["P120", "cost-state", "8", "11"],
      ["P150", "availability", "4", "3"],
      ["P249", "value", "8", "8.01"],
    ]);
    const progress: number[] = [];
    await h.inventory.audit({ onProgress: (p) => progress.push(p.done) });
    expect(progress).toEqual(Array.from({ length: 250 }, (_, i) => i + 1));
  }, 60_000);
});
