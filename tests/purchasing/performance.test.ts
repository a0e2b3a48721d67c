import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { leadTimeStats, roundToOrderQuantity, withinStatedLeadTime } from "../../src/purchasing/index.js";
import { Decimal } from "../../src/kernel/decimal.js";
import type { Storekeep } from "../../src/storekeep.js";
import { KINDS, codeOf, pgliteHolder, shop } from "./helpers.js";

/*
 * Learned lead times, the supplier scorecard as of a date, replenishment proposals turned
 * into draft orders, and the purchases period lock — worked examples on both adapters.
 */

const pg = pgliteHolder();
beforeAll(() => pg.start(), 60_000);
afterAll(() => pg.stop());

describe("lead time statistics", () => {
  it("mean, sample spread, extremes and the last n of observed lead times", () => {
    expect(leadTimeStats([7, 9, 8], 2)).toEqual({ count: 3, meanDays: 8, sdDays: 1, minDays: 7, maxDays: 9, lastDays: [9, 8] });
    expect(leadTimeStats([], 5)).toEqual({ count: 0, meanDays: null, sdDays: null, minDays: null, maxDays: null, lastDays: [] });
    expect(withinStatedLeadTime(16, 14)).toBe(true);
    expect(withinStatedLeadTime(17, 14)).toBe(false);
    expect(withinStatedLeadTime(2, 1)).toBe(true);
  });

  it("MOQ then whole packs", () => {
    const item = { supplierId: "s", sku: "A", supplierSku: null, minimumOrderQuantity: "50", packMultiple: "12", leadTimeDays: null, prices: [] };
    expect(roundToOrderQuantity(item, new Decimal(7)).toString()).toBe("60");
    expect(roundToOrderQuantity(item, new Decimal(61)).toString()).toBe("72");
    expect(roundToOrderQuantity(item, new Decimal(72)).toString()).toBe("72");
  });
});

async function sent(sk: Storekeep, id: string, day: string, quantity: number, expectedDate?: string): Promise<void> {
  await sk.purchasing.createOrder({ purchaseOrderId: id, supplierId: "s", warehouseId: "wh", orderDate: day, lines: [{ sku: "A", quantity, unitPrice: "2", ...(expectedDate ? { expectedDate } : {}) }] });
  await sk.purchasing.approveOrder({ purchaseOrderId: id, approver: "ann" });
  await sk.purchasing.sendOrder({ purchaseOrderId: id, date: day });
}

describe.each(KINDS)("supplier performance on %s", (kind) => {
  it("learns the lead time from receipts and scores the supplier as of a date", async () => {
    const { sk, clock } = shop(kind, pg.get, pg.schema);
    await sk.inventory.defineWarehouse({ warehouseId: "wh" });
    await sk.inventory.defineProduct({ sku: "A", costingMethod: "fifo" });
    await sk.purchasing.defineSupplier({ supplierId: "s", currency: "EUR", leadTimeDays: 10 });
    clock.set("2026-03-01T08:00:00.000Z");
    await sent(sk, "po_1", "2026-03-01", 10); // expected 03-11
    await sent(sk, "po_2", "2026-03-01", 20); // expected 03-11
    await sent(sk, "po_3", "2026-03-20", 10); // expected 03-30, never delivered by 04-15
    clock.set("2026-03-10T08:00:00.000Z");
    await sk.purchasing.receiveGoods({ receiptId: "g1", purchaseOrderId: "po_1", lines: [{ lineId: "1", quantity: 10 }] }); // 9 days, on time
    clock.set("2026-03-15T08:00:00.000Z");
    await sk.purchasing.receiveGoods({ receiptId: "g2", purchaseOrderId: "po_2", lines: [{ lineId: "1", quantity: 15 }] }); // 14 days, late
    await sk.purchasing.recordBill({ billId: "b1", purchaseOrderId: "po_1", lines: [{ lineId: "1", quantity: 10, unitPrice: "2" }] });
    await sk.purchasing.recordBill({ billId: "b2", purchaseOrderId: "po_2", lines: [{ lineId: "1", quantity: 15, unitPrice: "2.2" }] });
    expect((await sk.purchasing.heldBills()).map((b) => b.billId)).toEqual(["b2"]);
    await sk.purchasing.approveBill({ billId: "b2", approver: "ann" });

    const lt = await sk.purchasing.leadTime("s");
    expect(lt).toMatchObject({ statedDays: 10, count: 2, meanDays: 11.5, minDays: 9, maxDays: 14, lastDays: [9, 14] });
    expect(lt.sdDays).toBeCloseTo(3.5355, 4);
    expect((await sk.purchasing.leadTime("s", { asOf: "2026-03-12" })).count).toBe(1);

    const card = await sk.purchasing.scorecard("s", "2026-04-15");
    // Receipt lines on time: 1 of 2. Due by 04-15: 10 + 20 + 10 ordered, 25 received. Lead times
    // within a day or 20% of 10 (2 days): 9 yes, 14 no. Billed 10 × 2 + 15 × 2.2 = 53 vs 50 ordered.
    expect(card).toMatchObject({ receipts: 2, onTimeRate: 0.5, fillRate: 25 / 40, leadTimeReliability: 0.5 });
    expect(card.priceVariance).toBeCloseTo(0.06, 10);
    const early = await sk.purchasing.scorecard("s", "2026-03-12");
    expect(early).toMatchObject({ receipts: 1, onTimeRate: 1, fillRate: 10 / 30, priceVariance: null });
    expect(await codeOf(() => sk.purchasing.scorecard("s", "soon"))).toBe("VALIDATION_FAILED");
    await sk.close();
  }, 60_000);

  it("turns replenishment proposals into draft orders on the supplier's MOQ, packs and price breaks", async () => {
    const { sk } = shop(kind, pg.get, pg.schema);
    await sk.inventory.defineWarehouse({ warehouseId: "wh" });
    for (const sku of ["A", "B"]) await sk.inventory.defineProduct({ sku, costingMethod: "fifo" });
    await sk.purchasing.defineSupplier({ supplierId: "s", currency: "EUR", leadTimeDays: 4 });
    await sk.purchasing.setSupplierItem({ supplierId: "s", sku: "A", minimumOrderQuantity: 50, packMultiple: 25, prices: [{ unitPrice: "3" }, { minQuantity: 100, unitPrice: "2.5" }] });
    await sk.purchasing.setSupplierItem({ supplierId: "s", sku: "B", prices: [{ unitPrice: "1" }] });
    const proposals = [{ id: "dpo_1", supplier: "s", warehouse: "wh", currency: "EUR", lines: [{ suggestionId: "x", sku: "A", quantity: 90, unitPrice: "3", lineTotal: "270" }, { suggestionId: "y", sku: "B", quantity: 7, unitPrice: "1", lineTotal: "7" }], total: "277" }];
    const { orders } = await sk.purchasing.draftOrdersFromSuggestions({ proposals, orderDate: "2026-03-02" });
    expect(orders).toHaveLength(1);
    expect(orders[0]).toMatchObject({ net: "257", lines: [{ sku: "A", quantity: "100", unitPrice: "2.5" }, { sku: "B", quantity: "7", unitPrice: "1" }], adjustments: [{ sku: "A", suggested: "90", ordered: "100" }] });
    const order = (await sk.purchasing.order(orders[0]!.purchaseOrderId))!;
    expect(order).toMatchObject({ status: "draft", expectedDate: "2026-03-06" });
    expect(await sk.purchasing.incoming()).toEqual([]); // a draft is not incoming yet
    await sk.close();
  }, 60_000);

  it("a locked purchases period refuses receipts, bills and payments dated in it", async () => {
    const { sk, clock } = shop(kind, pg.get, pg.schema);
    await sk.inventory.defineWarehouse({ warehouseId: "wh" });
    await sk.inventory.defineProduct({ sku: "A", costingMethod: "fifo" });
    await sk.purchasing.defineSupplier({ supplierId: "s", currency: "EUR", leadTimeDays: 4 });
    await sent(sk, "po_1", "2026-03-02", 10);
    clock.set("2026-04-02T08:00:00.000Z");
    await sk.finance.lockPeriod({ period: "2026-03", domains: ["purchases"] });
    expect(await codeOf(() => sk.purchasing.receiveGoods({ purchaseOrderId: "po_1", date: "2026-03-31", lines: [{ lineId: "1", quantity: 1 }] }))).toBe("PERIOD_LOCKED");
    await sk.purchasing.receiveGoods({ receiptId: "g1", purchaseOrderId: "po_1", lines: [{ lineId: "1", quantity: 10 }] });
    expect(await codeOf(() => sk.purchasing.recordBill({ billId: "b1", purchaseOrderId: "po_1", date: "2026-03-30", lines: [{ lineId: "1", quantity: 10, unitPrice: "2" }] }))).toBe("PERIOD_LOCKED");
    await sk.purchasing.recordBill({ billId: "b1", purchaseOrderId: "po_1", lines: [{ lineId: "1", quantity: 10, unitPrice: "2" }] });
    expect(await codeOf(() => sk.purchasing.paySupplier({ paymentId: "p1", supplierId: "s", billIds: ["b1"], date: "2026-03-31" }))).toBe("PERIOD_LOCKED");
    expect((await sk.purchasing.bill("b1"))!.paid).toBe("0");
    await sk.close();
  }, 60_000);
});
