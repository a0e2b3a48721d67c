import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KINDS, codeOf, pgliteHolder, shop } from "./helpers.js";

const pg = pgliteHolder();
beforeAll(() => pg.start(), 60_000);
afterAll(() => pg.stop());

/*
 * Lots bought through purchasing carry their expiry into the lot master, so FEFO picks them in
 * expiry order and an expired purchased lot is not sold, as with inventory.receive.
 */
describe.each(KINDS)("purchased lots with an expiry on %s", (kind) => {
  it("receiveGoods records each lot's expiry: FEFO takes the earliest first; an expiry without a lot is refused; orders name known SKUs and warehouses", async () => {
    const { sk } = shop(kind, pg.get, pg.schema, { approvalLimit: "100000" });
    await sk.inventory.defineWarehouse({ warehouseId: "wh" });
    await sk.inventory.defineProduct({ sku: "MILK", costingMethod: "fifo", tracking: "lot" });
    await sk.purchasing.defineSupplier({ supplierId: "s", currency: "EUR", leadTimeDays: 3, taxTreatment: "none" });
    await sk.purchasing.createOrder({ purchaseOrderId: "po", supplierId: "s", warehouseId: "wh", lines: [{ sku: "MILK", quantity: 10, unitPrice: "1" }] });
    await sk.purchasing.sendOrder({ purchaseOrderId: "po" });
    expect(await codeOf(() => sk.purchasing.receiveGoods({ receiptId: "g0", purchaseOrderId: "po", lines: [{ lineId: "1", quantity: 1, expiry: "2026-04-01" }] }))).toBe("VALIDATION_FAILED");
    await sk.purchasing.receiveGoods({ receiptId: "g1", purchaseOrderId: "po", lines: [{ lineId: "1", quantity: 5, lot: "LATE", expiry: "2026-05-01" }] });
    await sk.purchasing.receiveGoods({ receiptId: "g2", purchaseOrderId: "po", lines: [{ lineId: "1", quantity: 5, lot: "SOON", expiry: "2026-03-20" }] });
    const pick = await sk.inventory.pick({ sku: "MILK", warehouseId: "wh", quantity: "6", strategy: "fefo" });
    expect(pick.picks.map((l) => [l.lot, l.quantity])).toEqual([
      ["SOON", "5"],
      ["LATE", "1"],
    ]);
    // An order for a SKU or warehouse inventory does not know is refused when it is made, not when goods arrive.
    await expect(sk.purchasing.createOrder({ purchaseOrderId: "po_x", supplierId: "s", warehouseId: "wh", lines: [{ sku: "MILK", quantity: 1, unitPrice: "1" }, { sku: "CREAM", quantity: 1, unitPrice: "1" }] })).rejects.toMatchObject({ code: "NOT_FOUND", message: expect.stringContaining('lines[1]: unknown SKU "CREAM"') });
    await expect(sk.purchasing.createOrder({ purchaseOrderId: "po_y", supplierId: "s", warehouseId: "nowhere", lines: [{ sku: "MILK", quantity: 1, unitPrice: "1" }] })).rejects.toMatchObject({ code: "NOT_FOUND", message: expect.stringContaining('warehouse "nowhere"') });
    expect(await sk.purchasing.order("po_x")).toBeUndefined();
    await sk.close();
  });
});
