import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defineTaxCodes } from "../../src/finance/tax/index.js";
import { isStorekeepError } from "../../src/kernel/errors.js";
import { allowedActions } from "../../src/purchasing/index.js";
import type { Storekeep } from "../../src/storekeep.js";
import { KINDS, balance, codeOf, onHand, pgliteHolder, shop } from "./helpers.js";

const pg = pgliteHolder();
beforeAll(() => pg.start(), 60_000);
afterAll(() => pg.stop());

const taxCodes = defineTaxCodes([{ code: "DE-STD", jurisdiction: { country: "DE" }, category: "standard", kind: "standard", rates: [{ rate: "0.19", validFrom: "2020-01-01" }] }]);

async function setUp(sk: Storekeep): Promise<void> {
  await sk.inventory.defineWarehouse({ warehouseId: "wh" });
  await sk.inventory.defineProduct({ sku: "MUG", costingMethod: "fifo" });
  await sk.inventory.defineProduct({ sku: "CUP", costingMethod: "moving-average" });
  await sk.purchasing.defineSupplier({ supplierId: "sup_de", currency: "EUR", leadTimeDays: 7, paymentTerms: { netDays: 14, discountDays: 7, discountPercent: "0.02" }, taxParty: { country: "DE", vatId: "DE999" } });
  await sk.purchasing.setSupplierItem({ supplierId: "sup_de", sku: "MUG", prices: [{ unitPrice: "2" }, { minQuantity: 100, unitPrice: "1.8", validTo: "2026-12-31" }, { minQuantity: 100, unitPrice: "1.5", validFrom: "2027-01-01" }] });
  await sk.purchasing.setSupplierItem({ supplierId: "sup_de", sku: "CUP", prices: [{ unitPrice: "1" }] });
}

async function sentOrder(sk: Storekeep, id: string, lines: { sku: string; quantity: number; unitPrice?: string }[]): Promise<void> {
  await sk.purchasing.createOrder({ purchaseOrderId: id, supplierId: "sup_de", warehouseId: "wh", lines });
  await sk.purchasing.approveOrder({ purchaseOrderId: id, approver: "ann" });
  await sk.purchasing.sendOrder({ purchaseOrderId: id });
}

describe("the transition table", () => {
  it("names what each state allows; terminal states allow nothing but a return after closing", () => {
    expect(allowedActions("draft")).toEqual(["change", "approve", "send", "cancel"]);
    expect(allowedActions("cancelled")).toEqual([]);
    expect(allowedActions("closed")).toEqual(["return"]);
  });
});

describe.each(KINDS)("purchasing on %s", (kind) => {
  it("prices lines by break and validity, taxes them, re-approves a changed order, names allowed actions", async () => {
    const { sk } = shop(kind, pg.get, pg.schema, { approvalLimit: "100", tax: { codes: taxCodes, buyer: { country: "DE", vatId: "DE111" } } });
    await setUp(sk);
    // Below the limit: no approver needed, a draft may be sent at once.
    const small = await sk.purchasing.createOrder({ purchaseOrderId: "po_s", supplierId: "sup_de", warehouseId: "wh", lines: [{ sku: "CUP", quantity: 10 }] });
    expect(small).toMatchObject({ net: "10", tax: "1.9", gross: "11.9", approvalRequired: false });
    await sk.purchasing.sendOrder({ purchaseOrderId: "po_s" });
    // The 100 break applies (the 2027 price is not valid yet): 100 × 1.80 = 180 + 19% tax.
    const big = await sk.purchasing.createOrder({ purchaseOrderId: "po_b", supplierId: "sup_de", warehouseId: "wh", lines: [{ sku: "MUG", quantity: 100 }] });
    expect(big).toMatchObject({ net: "180", tax: "34.2", gross: "214.2", approvalRequired: true });
    await sk.purchasing.approveOrder({ purchaseOrderId: "po_b", approver: "ann" });
    const changed = await sk.purchasing.changeOrder({ purchaseOrderId: "po_b", lines: [{ sku: "MUG", quantity: 120 }] });
    expect(changed).toMatchObject({ status: "draft", revision: 2, net: "216", approvalRequired: true });
    expect((await sk.purchasing.order("po_b"))!.approval).toMatchObject({ approvedBy: null });
    await sk.purchasing.approveOrder({ purchaseOrderId: "po_b", approver: "bob" });
    await sk.purchasing.sendOrder({ purchaseOrderId: "po_b" });
    const order = (await sk.purchasing.order("po_b"))!;
    expect(order.approval).toMatchObject({ approvedBy: "bob", revision: 2 });
    expect(order.history.map((h) => h.to)).toEqual(["draft", "approved", "draft", "approved", "sent"]);
    let error: unknown;
    try {
      await sk.purchasing.changeOrder({ purchaseOrderId: "po_b", lines: [{ sku: "MUG", quantity: 130 }] });
    } catch (e) {
      error = e;
    }
    expect(isStorekeepError(error) && error.code).toBe("INVALID_TRANSITION");
    expect((error as Error).message).toContain("allowed: receive, bill, close, cancel");
    expect(await codeOf(() => sk.purchasing.createOrder({ supplierId: "sup_de", warehouseId: "wh", lines: [{ sku: "PLATE", quantity: 1 }] }))).toBe("NOT_FOUND");
    await sk.purchasing.cancelOrder({ purchaseOrderId: "po_s" });
    expect(await codeOf(() => sk.purchasing.receiveGoods({ purchaseOrderId: "po_s", lines: [{ lineId: "1", quantity: 1 }] }))).toBe("INVALID_TRANSITION");
    expect((await sk.purchasing.incoming()).map((r) => [r.sku, r.quantity])).toEqual([["MUG", "120"]]);
    await sk.close();
  }, 60_000);

  it("holds a mismatched bill with its reasons until approved or corrected; a receipt beyond tolerance is refused", async () => {
    const { sk } = shop(kind, pg.get, pg.schema, { receiptTolerance: "0.1", priceTolerance: "0.01" });
    await setUp(sk);
    await sentOrder(sk, "po_1", [{ sku: "MUG", quantity: 10, unitPrice: "2" }, { sku: "CUP", quantity: 10, unitPrice: "1" }]);
    expect(await codeOf(() => sk.purchasing.receiveGoods({ purchaseOrderId: "po_1", lines: [{ lineId: "1", quantity: 12 }] }))).toBe("VALIDATION_FAILED");
    await sk.purchasing.receiveGoods({ receiptId: "grn_1", purchaseOrderId: "po_1", lines: [{ lineId: "1", quantity: 11 }, { lineId: "2", quantity: 5 }] });
    expect(await onHand(sk, "MUG")).toBe("11");
    // Line 2 bills 8 with only 5 received, line 1 at 2.10 (5% off): held, nothing posted.
    const held = await sk.purchasing.recordBill({ billId: "b_1", purchaseOrderId: "po_1", lines: [{ lineId: "1", quantity: 11, unitPrice: "2.1" }, { lineId: "2", quantity: 8, unitPrice: "1" }] });
    expect(held.status).toBe("held");
    expect(held.reasons.map((r) => `${r.lineId}:${r.kind}`).sort()).toEqual(["1:price", "2:quantity"]);
    expect(await balance(sk, "2100")).toBe("0");
    expect((await sk.purchasing.heldBills()).map((b) => b.billId)).toEqual(["b_1"]);
    expect(await codeOf(() => sk.purchasing.paySupplier({ paymentId: "p_1", supplierId: "sup_de", billIds: ["b_1"] }))).toBe("INVALID_TRANSITION");
    // The supplier corrects line 2; the price is still off: held for the price only.
    const corrected = await sk.purchasing.correctBill({ billId: "b_1", lines: [{ lineId: "1", quantity: 11, unitPrice: "2.1" }, { lineId: "2", quantity: 5, unitPrice: "1" }] });
    expect(corrected.reasons.map((r) => r.kind)).toEqual(["price"]);
    const approved = await sk.purchasing.approveBill({ billId: "b_1", approver: "ann" });
    expect(approved).toMatchObject({ status: "posted", net: "28.1", approvedBy: "ann" });
    // 11 × 0.10 price difference, all on hand: Inventory carries the billed value; GRNI is clear.
    expect(await balance(sk, "2150")).toBe("0");
    expect(await balance(sk, "1300")).toBe("28.1");
    expect(await balance(sk, "2100")).toBe("-28.1");
    expect(await codeOf(() => sk.purchasing.approveBill({ billId: "b_1", approver: "ann" }))).toBe("INVALID_TRANSITION");
    await sk.close();
  }, 60_000);

  it("a bill before receipt (approved) debits GRNI; the receipt reverses it at the billed value", async () => {
    const { sk } = shop(kind, pg.get, pg.schema);
    await setUp(sk);
    await sentOrder(sk, "po_1", [{ sku: "MUG", quantity: 10, unitPrice: "2" }]);
    const held = await sk.purchasing.recordBill({ billId: "b_1", purchaseOrderId: "po_1", lines: [{ lineId: "1", quantity: 10, unitPrice: "2.2" }] });
    expect(held.reasons.map((r) => r.kind).sort()).toEqual(["not-received", "price"]);
    await sk.purchasing.approveBill({ billId: "b_1", approver: "ann" });
    expect(await balance(sk, "2150")).toBe("22");
    expect(await balance(sk, "2100")).toBe("-22");
    await sk.purchasing.receiveGoods({ receiptId: "grn_1", purchaseOrderId: "po_1", lines: [{ lineId: "1", quantity: 10 }] });
    expect(await balance(sk, "2150")).toBe("0");
    expect(await balance(sk, "1300")).toBe("22");
    expect((await sk.purchasing.order("po_1"))!.status).toBe("billed");
    await sk.close();
  }, 60_000);

  it("returns billed goods with a debit note, spreads a landed cost over two receipts, pays several bills in part", async () => {
    const { sk } = shop(kind, pg.get, pg.schema, { tax: { codes: taxCodes, buyer: { country: "DE", vatId: "DE111" } } });
    await setUp(sk);
    await sk.purchasing.defineSupplier({ supplierId: "sup_freight", currency: "EUR", leadTimeDays: 1, taxParty: { country: "DE" } });
    await sentOrder(sk, "po_1", [{ sku: "MUG", quantity: 10, unitPrice: "2" }]);
    await sentOrder(sk, "po_2", [{ sku: "CUP", quantity: 30, unitPrice: "1" }]);
    await sk.purchasing.receiveGoods({ receiptId: "grn_1", purchaseOrderId: "po_1", lines: [{ lineId: "1", quantity: 10 }] });
    await sk.purchasing.receiveGoods({ receiptId: "grn_2", purchaseOrderId: "po_2", lines: [{ lineId: "1", quantity: 30 }] });
    // Only what arrived can go back (returns of unbilled goods: tests/purchasing/return-unbilled.test.ts).
    expect(await codeOf(() => sk.purchasing.returnToSupplier({ returnId: "r_0", purchaseOrderId: "po_1", lines: [{ lineId: "1", quantity: 11 }] }))).toBe("VALIDATION_FAILED");
    await sk.purchasing.recordBill({ billId: "b_1", purchaseOrderId: "po_1", lines: [{ lineId: "1", quantity: 10, unitPrice: "2" }] });
    await sk.purchasing.recordBill({ billId: "b_2", purchaseOrderId: "po_2", lines: [{ lineId: "1", quantity: 30, unitPrice: "1" }] });
    expect(await balance(sk, "1400")).toBe("9.5");
    // Freight 50 spread by value: MUG 20 of 50 → 20, CUP 30 → 30.
    await sk.purchasing.recordLandedCost({ landedCostId: "lc_1", supplierId: "sup_freight", receiptIds: ["grn_1", "grn_2"], basis: "value", costType: "freight", net: "50" });
    expect(await balance(sk, "1300")).toBe("100");
    expect(await balance(sk, "1450")).toBe("0");
    // Return 2 mugs: debit note 4 + 0.76 tax; stock leaves at layer cost (2 × 4 = 8).
    const ret = await sk.purchasing.returnToSupplier({ returnId: "r_1", purchaseOrderId: "po_1", lines: [{ lineId: "1", quantity: 2 }] });
    expect(ret).toMatchObject({ net: "4", tax: "0.76", gross: "4.76" });
    expect(await onHand(sk, "MUG")).toBe("8");
    expect(await balance(sk, "1300")).toBe("92");
    // Pay 30 of the 59.50 open on b_1 and b_2 within the 2%/7 days terms: b_1 (23.80) settles
    // for 23.32 with a 0.48 discount, b_2 is paid in part (no discount on a part payment).
    const paid = await sk.purchasing.paySupplier({ paymentId: "p_1", supplierId: "sup_de", billIds: ["b_1", "b_2"], amount: "30" });
    expect(paid.bills).toEqual([{ billId: "b_1", paid: "23.32", discount: "0.48", open: "0" }, { billId: "b_2", paid: "6.68", discount: "0", open: "29.02" }]);
    expect(await codeOf(() => sk.purchasing.paySupplier({ paymentId: "p_2", supplierId: "sup_de", billIds: ["b_2"], amount: "30" }))).toBe("VALIDATION_FAILED");
    const open = await sk.finance.openItems({ ledger: "payables", party: "sup_de", openOnly: true });
    expect(open.map((i) => [i.documentId, i.openAmount]).sort()).toEqual([["b_2", "-29.02"], ["r_1", "4.76"]]);
    expect((await sk.finance.auditSubledgers({ asOf: "2026-12-31" })).every((c: { ok: boolean }) => c.ok)).toBe(true);
    expect((await sk.inventory.audit()).ok).toBe(true);
    await sk.close();
  }, 60_000);

  it("a receipt replayed under another key has one effect; another receipt with the same id is DUPLICATE_DOCUMENT", async () => {
    const { sk } = shop(kind, pg.get, pg.schema);
    await setUp(sk);
    await sentOrder(sk, "po_1", [{ sku: "MUG", quantity: 10, unitPrice: "2" }]);
    const first = await sk.purchasing.receiveGoods({ receiptId: "grn_1", purchaseOrderId: "po_1", lines: [{ lineId: "1", quantity: 4 }] }, { idempotencyKey: "a" });
    expect(await sk.purchasing.receiveGoods({ receiptId: "grn_1", purchaseOrderId: "po_1", lines: [{ lineId: "1", quantity: 4 }] }, { idempotencyKey: "b" })).toEqual(first);
    expect(await codeOf(() => sk.purchasing.receiveGoods({ receiptId: "grn_1", purchaseOrderId: "po_1", lines: [{ lineId: "1", quantity: 5 }] }))).toBe("DUPLICATE_DOCUMENT");
    expect(await onHand(sk, "MUG")).toBe("4");
    expect((await sk.purchasing.order("po_1"))!.lines[0]!.received).toBe("4");
    await sk.close();
  }, 60_000);
});
