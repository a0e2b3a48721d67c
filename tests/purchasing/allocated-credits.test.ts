import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defineTaxCodes } from "../../src/finance/tax/index.js";
import type { Storekeep } from "../../src/storekeep.js";
import { KINDS, balance, pgliteHolder, shop } from "./helpers.js";

const pg = pgliteHolder();
beforeAll(() => pg.start(), 60_000);
afterAll(() => pg.stop());

const taxCodes = defineTaxCodes([{ code: "DE-STD", jurisdiction: { country: "DE" }, category: "standard", kind: "standard", rates: [{ rate: "0.19", validFrom: "2020-01-01" }] }]);

/** A received and billed order of 100 × 1 EUR + 19% (gross 119), billed 2026-03-02. */
async function billed(sk: Storekeep, id: string): Promise<void> {
  await sk.purchasing.createOrder({ purchaseOrderId: id, supplierId: "sup", warehouseId: "wh", lines: [{ sku: "MUG", quantity: 100, unitPrice: "1" }] });
  await sk.purchasing.sendOrder({ purchaseOrderId: id });
  await sk.purchasing.receiveGoods({ receiptId: `grn_${id}`, purchaseOrderId: id, lines: [{ lineId: "1", quantity: 100 }] });
  await sk.purchasing.recordBill({ billId: `b_${id}`, purchaseOrderId: id, date: "2026-03-02", lines: [{ lineId: "1", quantity: 100, unitPrice: "1" }] });
}

async function setUp(kind: (typeof KINDS)[number], terms: { netDays: number; discountDays?: number; discountPercent?: string }): Promise<Storekeep> {
  const { sk, clock } = shop(kind, pg.get, pg.schema, { approvalLimit: "100000", tax: { codes: taxCodes, buyer: { country: "DE", vatId: "DE111" } } });
  await sk.inventory.defineWarehouse({ warehouseId: "wh" });
  await sk.inventory.defineProduct({ sku: "MUG", costingMethod: "fifo" });
  await sk.purchasing.defineSupplier({ supplierId: "sup", currency: "EUR", leadTimeDays: 7, paymentTerms: terms, taxParty: { country: "DE", vatId: "DE999" } });
  clock.set("2026-03-05T10:00:00.000Z");
  return sk;
}

describe.each(KINDS)("a credit finance allocates to a bill, or a rest it writes off, is what purchasing pays less of, on %s", (kind) => {
  it("a debit note allocated to a bill on 2/10 terms: the bill's open amount, the payment run and the default payment are what is left, the discount on what is left, and nothing stays open anywhere", async () => {
    const sk = await setUp(kind, { netDays: 30, discountDays: 10, discountPercent: "0.02" });
    await billed(sk, "po_1");
    await sk.purchasing.returnToSupplier({ returnId: "rts_1", purchaseOrderId: "po_1", lines: [{ lineId: "1", quantity: 10 }] }); // a debit note of 11.90
    await sk.finance.allocate({ ledger: "payables", creditId: "rts_1", documentIds: ["b_po_1"], date: "2026-03-05" });
    expect(await sk.purchasing.bill("b_po_1")).toMatchObject({ gross: "119", paid: "0", credited: "11.9" });

    // 107.10 left; 2% of it is 2.14.
    const run = await sk.purchasing.billsToPay({ asOf: "2026-03-05" });
    expect(run.bills.map((b) => [b.billId, b.open, b.pay, b.discount?.amount])).toEqual([["b_po_1", "107.1", "104.96", "2.14"]]);
    expect(run.payments).toEqual([{ supplierId: "sup", currency: "EUR", billIds: ["b_po_1"], pay: "104.96", discount: "2.14", credits: [] }]);

    const paid = await sk.purchasing.paySupplier({ paymentId: "p_1", supplierId: "sup", billIds: ["b_po_1"] });
    expect(paid).toMatchObject({ amount: "104.96", discount: "2.14", bills: [{ billId: "b_po_1", paid: "104.96", discount: "2.14", open: "0" }] });
    // Finance keeps no advance: the payment settled exactly what the debit note left.
    expect(await sk.finance.openItems({ ledger: "payables", openOnly: true })).toEqual([]);
    expect(await balance(sk, "2100")).toBe("0");
    expect((await sk.finance.auditSubledgers({ asOf: "2026-12-31" })).every((c: { ok: boolean }) => c.ok)).toBe(true);
    // Nothing is left to pay, and a further payment is refused.
    expect((await sk.purchasing.billsToPay({ asOf: "2026-03-05", through: "2099-12-31" })).bills).toEqual([]);
    await expect(sk.purchasing.paySupplier({ paymentId: "p_2", supplierId: "sup", billIds: ["b_po_1"], amount: "0.01" })).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
    await sk.close();
  });

  it("a debit note spread over two bills, one of them part-paid: each bill is credited what finance settled of it", async () => {
    const sk = await setUp(kind, { netDays: 30 });
    await billed(sk, "po_1");
    await billed(sk, "po_2");
    await sk.purchasing.paySupplier({ paymentId: "p_1", supplierId: "sup", billIds: ["b_po_1"], amount: "114" }); // 5 left
    await sk.purchasing.returnToSupplier({ returnId: "rts_1", purchaseOrderId: "po_2", lines: [{ lineId: "1", quantity: 10 }] }); // 11.90
    const allocation = await sk.finance.allocate({ ledger: "payables", creditId: "rts_1", documentIds: ["b_po_1", "b_po_2"], date: "2026-03-05" });
    expect(allocation.documents.map((d) => [d.documentId, d.amount])).toEqual([["b_po_1", "-5"], ["b_po_2", "-6.9"]]); // payables settle negative
    expect(await sk.purchasing.bill("b_po_1")).toMatchObject({ paid: "114", credited: "5" });
    expect(await sk.purchasing.bill("b_po_2")).toMatchObject({ paid: "0", credited: "6.9" });
    const run = await sk.purchasing.billsToPay({ asOf: "2026-03-05", through: "2099-12-31" });
    expect(run.bills.map((b) => [b.billId, b.open])).toEqual([["b_po_2", "112.1"]]);
    // Naming the settled bill beside the other: it takes nothing, the other everything left.
    const paid = await sk.purchasing.paySupplier({ paymentId: "p_2", supplierId: "sup", billIds: ["b_po_2"] });
    expect(paid.amount).toBe("112.1");
    const items = await sk.finance.openItems({ ledger: "payables" });
    for (const id of ["b_po_1", "b_po_2", "rts_1"]) expect(items.find((i) => i.documentId === id)?.openAmount).toBe("0");
    expect(await balance(sk, "2100")).toBe("0");
    await sk.close();
  });

  it("a bill a debit note settles in full leaves the payment run and cannot be paid", async () => {
    const sk = await setUp(kind, { netDays: 30 });
    await billed(sk, "po_1");
    await billed(sk, "po_2");
    await sk.purchasing.returnToSupplier({ returnId: "rts_1", purchaseOrderId: "po_1", lines: [{ lineId: "1", quantity: 100 }] }); // the whole of po_1 back: 119 credit
    await sk.finance.allocate({ ledger: "payables", creditId: "rts_1", documentIds: ["b_po_1"], date: "2026-03-05" });
    expect((await sk.purchasing.bill("b_po_1"))?.credited).toBe("119");
    const run = await sk.purchasing.billsToPay({ asOf: "2026-03-05", through: "2099-12-31" });
    expect(run.bills.map((b) => b.billId)).toEqual(["b_po_2"]);
    await expect(sk.purchasing.paySupplier({ paymentId: "p_x", supplierId: "sup", billIds: ["b_po_1"] })).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
    await sk.close();
  });

  it("a bill paid 0.02 short and the rest written off in finance as a small difference is settled in purchasing too", async () => {
    const sk = await setUp(kind, { netDays: 30 });
    await billed(sk, "po_1");
    await sk.purchasing.paySupplier({ paymentId: "p_1", supplierId: "sup", billIds: ["b_po_1"], amount: "118.98" });
    expect((await sk.purchasing.billsToPay({ asOf: "2026-03-05", through: "2099-12-31" })).bills.map((b) => [b.billId, b.open])).toEqual([["b_po_1", "0.02"]]);
    await sk.finance.writeOff({ ledger: "payables", documentId: "b_po_1", reason: "small-difference", date: "2026-03-05" });
    expect(await sk.purchasing.bill("b_po_1")).toMatchObject({ paid: "118.98", writtenOff: "0.02" });
    expect((await sk.purchasing.billsToPay({ asOf: "2026-03-05", through: "2099-12-31" })).bills).toEqual([]);
    await expect(sk.purchasing.paySupplier({ paymentId: "p_2", supplierId: "sup", billIds: ["b_po_1"] })).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
    await sk.close();
  });

  it("reversing the write-off's entry in finance puts the 0.02 back on the bill: the payment run proposes it and paying it settles everything", async () => {
    const sk = await setUp(kind, { netDays: 30 });
    await billed(sk, "po_1");
    await sk.purchasing.paySupplier({ paymentId: "p_1", supplierId: "sup", billIds: ["b_po_1"], amount: "118.98" });
    const w = await sk.finance.writeOff({ ledger: "payables", documentId: "b_po_1", reason: "small-difference", date: "2026-03-05" });
    await sk.finance.reverseEntry({ entryId: w.entryId, date: "2026-03-06" });
    const bill = await sk.purchasing.bill("b_po_1");
    expect(bill?.writtenOff).toBeUndefined();
    expect((await sk.purchasing.billsToPay({ asOf: "2026-03-06", through: "2099-12-31" })).bills.map((b) => [b.billId, b.open])).toEqual([["b_po_1", "0.02"]]);
    expect(await sk.purchasing.paySupplier({ paymentId: "p_2", supplierId: "sup", billIds: ["b_po_1"], date: "2026-03-06" })).toMatchObject({ amount: "0.02" });
    expect(await sk.finance.openItems({ ledger: "payables", openOnly: true })).toEqual([]);
    expect((await sk.finance.auditSubledgers({ asOf: "2026-12-31" })).every((c: { ok: boolean }) => c.ok)).toBe(true);
    await sk.close();
  });
});
