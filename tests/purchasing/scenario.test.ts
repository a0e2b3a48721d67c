import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KINDS, balance, codeOf, onHand, pgliteHolder, shop } from "./helpers.js";

/*
 * Issue 11's scenario, step by step on both adapters: a USD order approved and sent, a
 * partial receipt, a bill with a price difference, a payment at another rate — stock, the
 * journal's accounts and the open items checked after every step.
 */

const pg = pgliteHolder();
beforeAll(() => pg.start(), 60_000);
afterAll(() => pg.stop());

describe.each(KINDS)("purchasing scenario on %s", (kind) => {
  it("order → partial receipt → bill with a price difference → payment in USD", async () => {
    const { sk, clock } = shop(kind, pg.get, pg.schema, { approvalLimit: "200", priceTolerance: "0.05" });
    await sk.inventory.defineWarehouse({ warehouseId: "wh" });
    await sk.inventory.defineProduct({ sku: "MUG", costingMethod: "fifo" });
    await sk.purchasing.defineSupplier({ supplierId: "sup_us", currency: "USD", leadTimeDays: 14, paymentTerms: { netDays: 30 }, taxParty: { country: "US" } });
    await sk.purchasing.setSupplierItem({ supplierId: "sup_us", sku: "MUG", minimumOrderQuantity: 50, packMultiple: 10, prices: [{ unitPrice: "2.5" }, { minQuantity: 200, unitPrice: "2.3" }] });

    // MOQ and pack multiples refuse with what to order instead.
    expect(await codeOf(() => sk.purchasing.createOrder({ supplierId: "sup_us", warehouseId: "wh", lines: [{ sku: "MUG", quantity: 95 }] }))).toBe("VALIDATION_FAILED");

    // 1. The order: priced from the first break, 250 USD = 225 EUR at 0.90, above the 200 limit.
    const created = await sk.purchasing.createOrder({ purchaseOrderId: "po_1", supplierId: "sup_us", warehouseId: "wh", lines: [{ sku: "MUG", quantity: 100 }] });
    expect(created).toMatchObject({ status: "draft", net: "250", tax: "0", gross: "250", approvalRequired: true });
    const draft = (await sk.purchasing.order("po_1"))!;
    expect(draft.lines[0]).toMatchObject({ unitPrice: "2.5", expectedDate: "2026-03-16" });
    expect(draft.functionalNet).toBe("225");
    expect(await codeOf(() => sk.purchasing.sendOrder({ purchaseOrderId: "po_1" }))).toBe("INVALID_TRANSITION");
    expect(await codeOf(() => sk.purchasing.approveOrder({ purchaseOrderId: "po_1" }))).toBe("VALIDATION_FAILED");
    await sk.purchasing.approveOrder({ purchaseOrderId: "po_1", approver: "ann" });
    await sk.purchasing.sendOrder({ purchaseOrderId: "po_1" });
    expect((await sk.purchasing.order("po_1"))!.approval).toMatchObject({ required: true, approvedBy: "ann", revision: 1 });
    expect(await sk.purchasing.incoming({ sku: "MUG" })).toMatchObject([{ sku: "MUG", warehouseId: "wh", quantity: "100", nextExpectedDate: "2026-03-16" }]);
    expect(await balance(sk, "1300")).toBe("0");

    // 2. 60 arrive on 10 March at 0.92: Dr Inventory 138 / Cr GRNI 138.
    clock.set("2026-03-10T09:00:00.000Z");
    const receipt = await sk.purchasing.receiveGoods({ receiptId: "grn_1", purchaseOrderId: "po_1", lines: [{ lineId: "1", quantity: 60 }] });
    expect(receipt).toMatchObject({ status: "partiallyReceived", rate: "0.92", lines: [{ lineId: "1", quantity: "60", value: "138" }] });
    expect(await onHand(sk, "MUG")).toBe("60");
    expect(await balance(sk, "1300")).toBe("138");
    expect(await balance(sk, "2150")).toBe("-138");
    expect(await sk.purchasing.incoming({ sku: "MUG" })).toMatchObject([{ quantity: "40" }]);
    expect(await sk.finance.openItems({ ledger: "payables" })).toEqual([]);

    // 3. The bill for the 60 at 2.60 (4% above, within 5%) on 20 March at 0.95: 156 USD = 148.20 EUR.
    clock.set("2026-03-20T09:00:00.000Z");
    const bill = await sk.purchasing.recordBill({ billId: "bill_1", purchaseOrderId: "po_1", lines: [{ lineId: "1", quantity: 60, unitPrice: "2.6" }] });
    expect(bill).toMatchObject({ status: "posted", reasons: [], net: "156", gross: "156", dueDate: "2026-04-19" });
    // 148.20 − 138 = 10.20: (2.60 − 2.50) × 60 at 0.95 = 5.70 is the price difference, all on hand
    // (moved to Inventory); 2.50 × 60 × (0.95 − 0.92) = 4.50 is the rate's doing on the liability,
    // an exchange difference that leaves stock at what it cost (IAS 21).
    expect(await balance(sk, "2150")).toBe("0");
    expect(await balance(sk, "5200")).toBe("0");
    expect(await balance(sk, "1300")).toBe("143.7");
    expect(await balance(sk, "6800")).toBe("4.5");
    expect(await balance(sk, "2100")).toBe("-148.2");
    const [payable] = await sk.finance.openItems({ ledger: "payables", party: "sup_us" });
    expect(payable).toMatchObject({ documentId: "bill_1", currency: "USD", amount: "-156", functional: "-148.2", openAmount: "-156" });
    // Same bill id, other content: DUPLICATE_DOCUMENT; same content: the first result again.
    expect(await codeOf(() => sk.purchasing.recordBill({ billId: "bill_1", purchaseOrderId: "po_1", lines: [{ lineId: "1", quantity: 60, unitPrice: "2.7" }] }))).toBe("DUPLICATE_DOCUMENT");
    expect(await sk.purchasing.recordBill({ billId: "bill_1", purchaseOrderId: "po_1", lines: [{ lineId: "1", quantity: "60.0", unitPrice: 2.6 }] })).toEqual(bill);
    expect(await balance(sk, "2100")).toBe("-148.2");

    // 4. Paid on 5 April at 0.93: 145.08 left the bank; finance books the 3.12 gain (6800: 4.50 − 3.12).
    clock.set("2026-04-05T09:00:00.000Z");
    const payment = await sk.purchasing.paySupplier({ paymentId: "sp_1", supplierId: "sup_us", billIds: ["bill_1"] });
    expect(payment).toMatchObject({ amount: "156", functionalAmount: "145.08", bills: [{ billId: "bill_1", paid: "156", open: "0" }] });
    expect(await balance(sk, "1100")).toBe("-145.08");
    expect(await balance(sk, "6800")).toBe("1.38");
    expect(await balance(sk, "2100")).toBe("0");
    expect(await sk.finance.openItems({ ledger: "payables", openOnly: true })).toEqual([]);
    expect((await sk.finance.auditSubledgers({ asOf: "2026-12-31" })).every((c: { ok: boolean }) => c.ok)).toBe(true);

    // The rest arrives; the order is received, then billed and closed.
    const rest = await sk.purchasing.receiveGoods({ receiptId: "grn_2", purchaseOrderId: "po_1", lines: [{ lineId: "1", quantity: 40 }] });
    expect(rest.status).toBe("received");
    expect(await sk.purchasing.incoming({ sku: "MUG" })).toEqual([]);
    expect(await codeOf(() => sk.purchasing.closeOrder({ purchaseOrderId: "po_1" }))).toBe("INVALID_TRANSITION");
    await sk.purchasing.recordBill({ billId: "bill_2", purchaseOrderId: "po_1", lines: [{ lineId: "1", quantity: 40, unitPrice: "2.5" }] });
    expect((await sk.purchasing.order("po_1"))!.status).toBe("billed");
    await sk.purchasing.closeOrder({ purchaseOrderId: "po_1" });
    expect((await sk.purchasing.order("po_1"))!.status).toBe("closed");
    expect(await balance(sk, "2150")).toBe("0");
    expect(await onHand(sk, "MUG")).toBe("100");
    const audit = await sk.inventory.audit();
    expect(audit.ok).toBe(true);
    await sk.close();
  }, 60_000);

  it("a USD bill of several lines paid at the rate it was booked at books no exchange difference (the bill's value is its total converted once)", async () => {
    const { sk, clock } = shop(kind, pg.get, pg.schema, { approvalLimit: "100000" });
    await sk.inventory.defineWarehouse({ warehouseId: "wh" });
    for (const sku of ["A", "B", "C"]) await sk.inventory.defineProduct({ sku, costingMethod: "fifo" });
    await sk.purchasing.defineSupplier({ supplierId: "us", currency: "USD", leadTimeDays: 5, taxTreatment: "none" });
    await sk.purchasing.createOrder({ purchaseOrderId: "po", supplierId: "us", warehouseId: "wh", lines: ["A", "B", "C"].map((sku) => ({ sku, quantity: 1, unitPrice: "1.15" })) });
    await sk.purchasing.sendOrder({ purchaseOrderId: "po" });
    await sk.purchasing.receiveGoods({ receiptId: "g", purchaseOrderId: "po", lines: ["1", "2", "3"].map((lineId) => ({ lineId, quantity: 1 })) });
    // 1.15 USD at 0.90 is 1.035 EUR a line: rounded per line the bill would be 3.12, the payment of 3.45 USD 3.11.
    await sk.purchasing.recordBill({ billId: "b", purchaseOrderId: "po", lines: ["1", "2", "3"].map((lineId) => ({ lineId, quantity: 1, unitPrice: "1.15" })) });
    expect((await sk.finance.openItems({ ledger: "payables" })).map((i) => [i.amount, i.functional])).toEqual([["-3.45", "-3.11"]]);
    clock.set("2026-03-05T09:00:00.000Z");
    await sk.purchasing.paySupplier({ paymentId: "p", supplierId: "us", billIds: ["b"] });
    expect(await balance(sk, "6800")).toBe("0");
    expect(await balance(sk, "2100")).toBe("0");
    await sk.close();
  });
});
