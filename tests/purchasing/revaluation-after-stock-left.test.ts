import { describe, expect, it } from "vitest";
import { isStorekeepError } from "../../src/kernel/errors.js";
import { balance, books, shop } from "./helpers.js";

// Memory only: the rules are valuation's and purchasing's, not the store's.
const noPg = () => {
  throw new Error("memory only");
};


async function setUp(costingMethod: "fifo" | "moving-average", unitPrice: string) {
  const { sk, clock } = shop("memory", noPg, () => "", { approvalLimit: "100000", priceTolerance: "1" });
  await sk.inventory.defineWarehouse({ warehouseId: "wh" });
  await sk.inventory.defineProduct({ sku: "MUG", costingMethod });
  await sk.purchasing.defineSupplier({ supplierId: "s1", currency: "EUR", leadTimeDays: 5, taxTreatment: "none" });
  await sk.purchasing.defineSupplier({ supplierId: "dhl", currency: "EUR", leadTimeDays: 1, taxTreatment: "none" });
  await sk.purchasing.createOrder({ purchaseOrderId: "po", supplierId: "s1", warehouseId: "wh", lines: [{ sku: "MUG", quantity: 10, unitPrice }] });
  await sk.purchasing.sendOrder({ purchaseOrderId: "po" });
  await sk.purchasing.receiveGoods({ receiptId: "g1", purchaseOrderId: "po", lines: [{ lineId: "1", quantity: 10 }] });
  return { sk, clock };
}

describe("a bill's price difference or a landed cost after the receipt's units left", () => {
  // Moving average: the pool's units leave in arrival order (see docs/inventory.md).
  it.each(["fifo", "moving-average"] as const)("%s: a receipt sold out before a restock takes its difference and freight to COGS, not onto the restock", async (costingMethod) => {
    const { sk, clock } = await setUp(costingMethod, "3");
    clock.set(new Date("2026-03-03T09:00:00Z"));
    await sk.inventory.issue({ sku: "MUG", warehouseId: "wh", quantity: "10" });
    clock.set(new Date("2026-03-04T09:00:00Z"));
    await sk.inventory.receive({ sku: "MUG", warehouseId: "wh", quantity: "10", unitCost: "5" });
    clock.set(new Date("2026-03-05T09:00:00Z"));
    await sk.purchasing.recordBill({ billId: "b1", purchaseOrderId: "po", lines: [{ lineId: "1", quantity: 10, unitPrice: "4" }] });
    const freight = await sk.purchasing.recordLandedCost({ landedCostId: "lc1", supplierId: "dhl", receiptIds: ["g1"], basis: "quantity", net: "7" });
    expect(freight.functionalNet).toBe("7");
    const b = await books(sk);
    // 10 sold at 3 = 30, +10 price difference, +7 freight: all belongs to the units sold.
    expect(b["5100"]).toBe("47");
    expect(b["1300"]).toBe("50");
    // The restock was received directly (GRNI, no bill); the landed-cost clearing is cleared.
    expect(b["2150"]).toBe("-50");
    expect(b["5000"]).toBe("47");
    expect((await sk.inventory.valuation()).map((r) => [r.sku, r.quantity, r.value])).toEqual([["MUG", "10", "50"]]);
    expect((await sk.inventory.audit()).ok).toBe(true);
  });

  it.each(["fifo", "moving-average"] as const)("%s: freight on a receipt part of which went back to the supplier books that part as a purchase price difference, not COGS", async (costingMethod) => {
    const { sk } = await setUp(costingMethod, "2");
    await sk.purchasing.returnToSupplier({ returnId: "r1", purchaseOrderId: "po", lines: [{ lineId: "1", quantity: 4 }] });
    await sk.purchasing.recordLandedCost({ landedCostId: "lc1", supplierId: "dhl", receiptIds: ["g1"], basis: "quantity", net: "10" });
    const b = await books(sk);
    expect(b["5100"]).toBeUndefined();
    expect(b["5200"]).toBe("4");
    expect(b["1300"]).toBe("18");
    const k = (await sk.analytics.kpis({ from: "2026-03-01", to: "2026-03-31" })).kpis as Record<string, unknown>;
    expect(String(k["gross-margin"])).toMatch(/^0(\.0+)?$/);
    expect((await sk.inventory.audit()).ok).toBe(true);
  });

  it("moving average: freight on a receipt partly sent back, the rest sold after a restock: the returned part to 5200, the kept part to COGS, none onto the restock", async () => {
    const { sk, clock } = await setUp("moving-average", "2");
    await sk.purchasing.returnToSupplier({ returnId: "r1", purchaseOrderId: "po", lines: [{ lineId: "1", quantity: 4 }] }); // 6 of g1 kept
    clock.set(new Date("2026-03-03T09:00:00Z"));
    await sk.inventory.receive({ sku: "MUG", warehouseId: "wh", quantity: "10", unitCost: "5" }); // pool 16 worth 62
    clock.set(new Date("2026-03-04T09:00:00Z"));
    await sk.inventory.issue({ sku: "MUG", warehouseId: "wh", quantity: "6" }); // 23.25: g1's 6 leave first
    await sk.purchasing.recordLandedCost({ landedCostId: "lc1", supplierId: "dhl", receiptIds: ["g1"], basis: "quantity", net: "10" });
    const b = await books(sk);
    expect(b["5200"]).toBe("4");
    expect(b["5100"]).toBe("29.25");
    expect(b["1300"]).toBe("38.75");
    expect((await sk.inventory.valuation()).map((r) => [r.sku, r.quantity, r.value])).toEqual([["MUG", "10", "38.75"]]);
    expect((await sk.inventory.audit()).ok).toBe(true);
  });

  it("fifo: billed units returned against a debit note, 3 sold: freight splits 4 returned (5200), 3 on hand, 3 sold", async () => {
    const { sk } = await setUp("fifo", "2");
    await sk.purchasing.recordBill({ billId: "b1", purchaseOrderId: "po", lines: [{ lineId: "1", quantity: 10, unitPrice: "2" }] });
    await sk.inventory.issue({ sku: "MUG", warehouseId: "wh", quantity: "3" });
    await sk.purchasing.returnToSupplier({ returnId: "r1", purchaseOrderId: "po", lines: [{ lineId: "1", quantity: 4 }] });
    await sk.purchasing.recordLandedCost({ landedCostId: "lc1", supplierId: "dhl", receiptIds: ["g1"], basis: "quantity", net: "10" });
    const b = await books(sk);
    expect(b["5100"]).toBe("9"); // 3 × 2 + 3 freight
    expect(b["5200"]).toBe("4");
    expect(b["1300"]).toBe("9"); // 3 × 2 + 3 freight
    expect((await sk.inventory.audit()).ok).toBe(true);
  });
});

describe("purchasing messages", () => {
  it("a bill dated tomorrow at the order price posts (within the future horizon); beyond the horizon it names date", async () => {
    const { sk } = await setUp("fifo", "2");
    const bill = await sk.purchasing.recordBill({ billId: "b1", purchaseOrderId: "po", date: "2026-03-03", lines: [{ lineId: "1", quantity: 10, unitPrice: "2" }] });
    expect(bill.status).toBe("posted");
    expect(await balance(sk, "2100")).toBe("-20");
    const far = await sk.purchasing.recordBill({ billId: "b2", purchaseOrderId: "po", date: "2030-01-01", lines: [{ lineId: "1", quantity: 1, unitPrice: "2" }] }).catch((e: unknown) => e);
    expect(isStorekeepError(far) && far.code).toBe("VALIDATION_FAILED");
    expect(isStorekeepError(far) && far.message).toMatch(/^date 2030-01-01 is more than 366 days after today/);
  });

  it("a bill dated tomorrow above the order price revalues stock from now", async () => {
    const { sk } = await setUp("fifo", "2");
    await sk.purchasing.recordBill({ billId: "b1", purchaseOrderId: "po", date: "2026-03-03", lines: [{ lineId: "1", quantity: 10, unitPrice: "2.5" }] });
    const b = await books(sk);
    expect(b["1300"]).toBe("25");
    expect(b["2100"]).toBe("-25");
    expect((await sk.inventory.audit()).ok).toBe(true);
  });

  it("goods received dated tomorrow are refused naming date, not an inventory field", async () => {
    const { sk } = await setUp("fifo", "2");
    await sk.purchasing.createOrder({ purchaseOrderId: "po2", supplierId: "s1", warehouseId: "wh", lines: [{ sku: "MUG", quantity: 1, unitPrice: "2" }] });
    await sk.purchasing.sendOrder({ purchaseOrderId: "po2" });
    const e = await sk.purchasing.receiveGoods({ receiptId: "g2", purchaseOrderId: "po2", date: "2026-03-03", lines: [{ lineId: "1", quantity: 1 }] }).catch((x: unknown) => x);
    expect(isStorekeepError(e) && e.code).toBe("VALIDATION_FAILED");
    expect(isStorekeepError(e) && (e.details as { issues: { path: string }[] }).issues[0]!.path).toBe("date");
  });

  it("paying a debit note's id says it is a debit note and points to finance.allocate", async () => {
    const { sk } = await setUp("fifo", "2");
    await sk.purchasing.recordBill({ billId: "b1", purchaseOrderId: "po", lines: [{ lineId: "1", quantity: 10, unitPrice: "2" }] });
    await sk.purchasing.returnToSupplier({ returnId: "r1", purchaseOrderId: "po", lines: [{ lineId: "1", quantity: 1 }] });
    const e = await sk.purchasing.paySupplier({ paymentId: "p1", supplierId: "s1", billIds: ["b1", "r1"] }).catch((x: unknown) => x);
    expect(isStorekeepError(e) && e.code).toBe("VALIDATION_FAILED");
    expect(isStorekeepError(e) && e.message).toMatch(/r1 is a debit note .*sk\.finance\.allocate\(\{ ledger: "payables", creditId: "r1"/);
  });
});
