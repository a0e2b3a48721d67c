import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KINDS, balance, codeOf, onHand, pgliteHolder, shop } from "./helpers.js";

const pg = pgliteHolder();
beforeAll(() => pg.start(), 60_000);
afterAll(() => pg.stop());

describe.each(KINDS)("returning goods received but not yet billed on %s", (kind) => {
  it("reverses GRNI against Inventory at layer cost, moves the buckets, and a later bill matches what was kept", async () => {
    const { sk } = shop(kind, pg.get, pg.schema, { approvalLimit: "100000" });
    await sk.inventory.defineWarehouse({ warehouseId: "wh" });
    await sk.inventory.defineProduct({ sku: "MUG", costingMethod: "fifo" });
    await sk.inventory.defineProduct({ sku: "CUP", costingMethod: "moving-average" });
    await sk.purchasing.defineSupplier({ supplierId: "s", currency: "EUR", leadTimeDays: 3, taxTreatment: "none" });
    // CUP already holds 10 at 4: the pool's cost after the receipt is 3, not the order's 2.
    await sk.inventory.receive({ sku: "CUP", warehouseId: "wh", quantity: "10", unitCost: "4", effectiveDate: "2026-03-01", counterRole: "opening-balance-equity" });
    await sk.purchasing.createOrder({ purchaseOrderId: "po", supplierId: "s", warehouseId: "wh", lines: [{ sku: "MUG", quantity: 10, unitPrice: "2" }, { sku: "CUP", quantity: 10, unitPrice: "2" }] });
    await sk.purchasing.sendOrder({ purchaseOrderId: "po" });
    await sk.purchasing.receiveGoods({ receiptId: "grn_1", purchaseOrderId: "po", lines: [{ lineId: "1", quantity: 10 }, { lineId: "2", quantity: 10 }] });
    expect(await balance(sk, "2150")).toBe("-40");
    const r = await sk.purchasing.returnToSupplier({ returnId: "sr_1", purchaseOrderId: "po", lines: [{ lineId: "1", quantity: 3 }, { lineId: "2", quantity: 5 }] });
    expect(r).toMatchObject({ net: "0", gross: "0", grniValue: "16", status: "received" });
    // GRNI gives back 2 × 3 + 2 × 5; stock leaves at layer cost: MUG 3 × 2, CUP 5 × 3 (the pool).
    expect(await balance(sk, "2150")).toBe("-24");
    expect(await balance(sk, "1300")).toBe(String(40 + 40 - 6 - 15));
    expect(await balance(sk, "5200")).toBe("5");
    expect(await balance(sk, "2100")).toBe("0");
    expect(await onHand(sk, "MUG")).toBe("7");
    expect(await onHand(sk, "CUP")).toBe("15");
    const order = (await sk.purchasing.order("po"))!;
    expect(order.lines.map((l) => [l.received, l.returnedUnbilled, l.returned, l.billed])).toEqual([["10", "3", "0", "0"], ["10", "5", "0", "0"]]);
    expect(await sk.purchasing.incoming({ sku: "MUG" })).toEqual([]);
    // A bill for all ten MUGs is held: only seven were kept.
    const held = await sk.purchasing.recordBill({ billId: "b_all", purchaseOrderId: "po", lines: [{ lineId: "1", quantity: 10, unitPrice: "2" }] });
    expect(held.status).toBe("held");
    expect(held.reasons.map((x) => x.kind)).toEqual(["quantity"]);
    expect(held.reasons[0]!.message).toMatch(/returned before billing/);
    // The bill for what was kept matches, clears GRNI and completes the order.
    const bill = await sk.purchasing.recordBill({ billId: "b_kept", purchaseOrderId: "po", lines: [{ lineId: "1", quantity: 7, unitPrice: "2" }, { lineId: "2", quantity: 5, unitPrice: "2" }] });
    expect(bill.status).toBe("posted");
    expect(await balance(sk, "2150")).toBe("0");
    expect(await balance(sk, "2100")).toBe("-24");
    expect((await sk.purchasing.order("po"))!.status).toBe("billed");
    // Nothing received is left to return on MUG but the seven kept (and billed) units.
    expect(await codeOf(() => sk.purchasing.returnToSupplier({ returnId: "sr_2", purchaseOrderId: "po", lines: [{ lineId: "1", quantity: 8 }] }))).toBe("VALIDATION_FAILED");
    const debit = await sk.purchasing.returnToSupplier({ returnId: "sr_3", purchaseOrderId: "po", lines: [{ lineId: "1", quantity: 2 }] });
    expect(debit).toMatchObject({ net: "4", gross: "4", grniValue: "0" });
    expect(await balance(sk, "2100")).toBe("-20");
    const tb = await sk.finance.trialBalance({ asOf: "2026-12-31" });
    expect(tb.totals.debit).toBe(tb.totals.credit);
    expect((await sk.inventory.audit()).ok).toBe(true);
    // Every kept unit is billed; the bill for all ten still waits: rejected, the order closes (no
    // bill is expected for the units returned unbilled).
    await expect(sk.purchasing.closeOrder({ purchaseOrderId: "po" })).rejects.toMatchObject({ code: "INVALID_TRANSITION", message: expect.stringContaining("bill b_all held") });
    expect(await sk.purchasing.rejectBill({ billId: "b_all", reason: "bills the 3 MUGs we sent back" })).toMatchObject({ status: "rejected" });
    expect(await codeOf(() => sk.purchasing.approveBill({ billId: "b_all", approver: "ann" }))).toBe("INVALID_TRANSITION");
    expect(await codeOf(() => sk.purchasing.paySupplier({ paymentId: "p_x", supplierId: "s", billIds: ["b_all"] }))).toBe("INVALID_TRANSITION");
    expect(await sk.purchasing.closeOrder({ purchaseOrderId: "po" })).toMatchObject({ status: "closed" });
    expect(await balance(sk, "2150")).toBe("0");
    await sk.close();
  });

  it("with bills ahead of receipt allowed, a bill for units sent back before billing is still held (no bill is expected for them)", async () => {
    const { sk } = shop(kind, pg.get, pg.schema, { approvalLimit: "100000", billBeforeReceipt: "allow" });
    await sk.inventory.defineWarehouse({ warehouseId: "wh" });
    await sk.inventory.defineProduct({ sku: "A", costingMethod: "fifo" });
    await sk.purchasing.defineSupplier({ supplierId: "s", currency: "EUR", leadTimeDays: 3, taxTreatment: "none" });
    await sk.purchasing.createOrder({ purchaseOrderId: "po", supplierId: "s", warehouseId: "wh", lines: [{ sku: "A", quantity: 4, unitPrice: "2" }] });
    await sk.purchasing.sendOrder({ purchaseOrderId: "po" });
    await sk.purchasing.receiveGoods({ receiptId: "g1", purchaseOrderId: "po", lines: [{ lineId: "1", quantity: 4 }] });
    await sk.purchasing.returnToSupplier({ returnId: "r1", purchaseOrderId: "po", lines: [{ lineId: "1", quantity: 1 }] });
    const held = await sk.purchasing.recordBill({ billId: "b_all", purchaseOrderId: "po", lines: [{ lineId: "1", quantity: 4, unitPrice: "2" }] });
    expect(held.status).toBe("held");
    expect(held.reasons.map((x) => [x.kind, x.message])).toEqual([["quantity", expect.stringContaining("returned before billing")]]);
    expect(await balance(sk, "2150")).toBe("-6");
    expect((await sk.purchasing.recordBill({ billId: "b_kept", purchaseOrderId: "po", lines: [{ lineId: "1", quantity: 3, unitPrice: "2" }] })).status).toBe("posted");
    expect(await balance(sk, "2150")).toBe("0");
    await sk.close();
  });

  it("a bill above the order price for the units kept after an unbilled return puts the whole difference on stock: none of them was sold", async () => {
    const { sk } = shop(kind, pg.get, pg.schema, { approvalLimit: "100000", priceTolerance: "1" });
    await sk.inventory.defineWarehouse({ warehouseId: "wh" });
    await sk.inventory.defineProduct({ sku: "A", costingMethod: "fifo" });
    await sk.inventory.defineProduct({ sku: "B", costingMethod: "moving-average" });
    await sk.purchasing.defineSupplier({ supplierId: "s", currency: "EUR", leadTimeDays: 3, taxTreatment: "none" });
    await sk.purchasing.createOrder({ purchaseOrderId: "po", supplierId: "s", warehouseId: "wh", lines: [{ sku: "A", quantity: 4, unitPrice: "2" }, { sku: "B", quantity: 4, unitPrice: "2" }] });
    await sk.purchasing.sendOrder({ purchaseOrderId: "po" });
    await sk.purchasing.receiveGoods({ receiptId: "g1", purchaseOrderId: "po", lines: [{ lineId: "1", quantity: 4 }, { lineId: "2", quantity: 4 }] });
    await sk.purchasing.returnToSupplier({ returnId: "r1", purchaseOrderId: "po", lines: [{ lineId: "1", quantity: 1 }, { lineId: "2", quantity: 1 }] });
    const bill = await sk.purchasing.recordBill({ billId: "b", purchaseOrderId: "po", lines: [{ lineId: "1", quantity: 3, unitPrice: "3" }, { lineId: "2", quantity: 3, unitPrice: "3" }] });
    expect(bill.status).toBe("posted");
    // 3 units each at 3.00 now: the 3.00 difference of each line is all on hand.
    expect((await sk.inventory.layers("A")).value).toBe("9");
    expect(await balance(sk, "1300")).toBe("18");
    expect(await balance(sk, "5100")).toBe("0");
    expect((await sk.inventory.audit()).ok).toBe(true);
    await sk.close();
  });
});
