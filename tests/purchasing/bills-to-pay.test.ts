import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defineTaxCodes } from "../../src/finance/tax/index.js";
import type { Storekeep } from "../../src/storekeep.js";
import { KINDS, balance, codeOf, pgliteHolder, shop } from "./helpers.js";

const pg = pgliteHolder();
beforeAll(() => pg.start(), 60_000);
afterAll(() => pg.stop());

const taxCodes = defineTaxCodes([{ code: "DE-STD", jurisdiction: { country: "DE" }, category: "standard", kind: "standard", rates: [{ rate: "0.19", validFrom: "2020-01-01" }] }]);

/** A received and billed order of 100 × `price` (+ 19% for the EUR suppliers), billed on `date`. */
async function billed(sk: Storekeep, id: string, supplierId: string, date: string, billPrice = "1"): Promise<void> {
  await sk.purchasing.createOrder({ purchaseOrderId: id, supplierId, warehouseId: "wh", lines: [{ sku: "MUG", quantity: 100, unitPrice: "1" }] });
  await sk.purchasing.sendOrder({ purchaseOrderId: id });
  await sk.purchasing.receiveGoods({ receiptId: `grn_${id}`, purchaseOrderId: id, lines: [{ lineId: "1", quantity: 100 }] });
  await sk.purchasing.recordBill({ billId: `b_${id}`, purchaseOrderId: id, date, lines: [{ lineId: "1", quantity: 100, unitPrice: billPrice }] });
}

describe.each(KINDS)("purchasing.billsToPay (the payment proposal) on %s", (kind) => {
  it("lists what is overdue, falls due or loses its discount before the next run, soonest first, and paying the proposal settles it exactly", async () => {
    const { sk, clock } = shop(kind, pg.get, pg.schema, { approvalLimit: "100000", tax: { codes: taxCodes, buyer: { country: "DE", vatId: "DE111" } } });
    await sk.inventory.defineWarehouse({ warehouseId: "wh" });
    await sk.inventory.defineProduct({ sku: "MUG", costingMethod: "fifo" });
    await sk.purchasing.defineSupplier({ supplierId: "sup", currency: "EUR", leadTimeDays: 7, paymentTerms: { netDays: 30, discountDays: 10, discountPercent: "0.02" }, taxParty: { country: "DE", vatId: "DE999" } });
    await sk.purchasing.defineSupplier({ supplierId: "sup_us", currency: "USD", leadTimeDays: 7, taxTreatment: "none", paymentTerms: { netDays: 14 } });
    clock.set("2026-03-10T10:00:00.000Z");
    await billed(sk, "po_old", "sup", "2026-02-01"); // due 03-03: overdue by 7 days, its discount long gone
    await billed(sk, "po_1", "sup", "2026-03-02"); // discount 2.38 until 03-12, due 04-01
    await billed(sk, "po_late", "sup", "2026-03-09"); // discount until 03-19: after the next run
    await billed(sk, "po_us", "sup_us", "2026-03-02"); // due 03-16, no discount
    await billed(sk, "po_paid", "sup", "2026-03-02");
    await sk.purchasing.paySupplier({ paymentId: "p_paid", supplierId: "sup", billIds: ["b_po_paid"] });
    await billed(sk, "po_held", "sup", "2026-03-02", "1.5"); // held for its price, due 04-01

    const run = await sk.purchasing.billsToPay({ asOf: "2026-03-10" });
    expect(run.through).toBe("2026-03-17");
    expect(run.bills.map((b) => [b.billId, b.payBy, b.pay, b.discount?.amount ?? null, b.overdueDays])).toEqual([
      ["b_po_old", "2026-03-03", "119", null, 7],
      ["b_po_1", "2026-03-12", "116.62", "2.38", 0],
      ["b_po_us", "2026-03-16", "100", null, 0],
    ]);
    expect(run.payments).toEqual([
      { supplierId: "sup", currency: "EUR", billIds: ["b_po_old", "b_po_1"], pay: "235.62", discount: "2.38", credits: [] },
      { supplierId: "sup_us", currency: "USD", billIds: ["b_po_us"], pay: "100", discount: "0", credits: [] },
    ]);
    expect(run.totals).toEqual([
      { currency: "EUR", bills: 2, open: "238", pay: "235.62", discount: "2.38" },
      { currency: "USD", bills: 1, open: "100", pay: "100", discount: "0" },
    ]);
    expect(run.held).toEqual([]);
    // A later next run takes in the bill whose discount ends before it, and the held bill falling due.
    const later = await sk.purchasing.billsToPay({ asOf: "2026-03-10", through: "2026-04-01" });
    expect(later.bills.map((b) => b.billId)).toEqual(["b_po_old", "b_po_1", "b_po_us", "b_po_late"]);
    expect(later.held).toEqual([{ billId: "b_po_held", supplierId: "sup", currency: "EUR", gross: "178.5", dueDate: "2026-04-01", reasons: ["price"] }]);
    // One supplier, one currency.
    expect((await sk.purchasing.billsToPay({ asOf: "2026-03-10", supplierId: "sup_us" })).bills.map((b) => b.billId)).toEqual(["b_po_us"]);
    expect((await sk.purchasing.billsToPay({ asOf: "2026-03-10", currency: "EUR" })).totals.map((t) => t.currency)).toEqual(["EUR"]);

    // Paying the proposal on its date pays exactly what it said, and leaves nothing of it open.
    for (const p of run.payments) {
      const paid = await sk.purchasing.paySupplier({ paymentId: `run_${p.supplierId}`, supplierId: p.supplierId, billIds: [...p.billIds], date: run.asOf });
      expect([paid.amount, paid.discount]).toEqual([p.pay, p.discount]);
    }
    expect((await sk.purchasing.billsToPay({ asOf: "2026-03-10" })).bills).toEqual([]);
    // Two discounts of 2.00 net: the run's, and the one po_paid took when it was paid within its window.
    expect(await balance(sk, "5200")).toBe("-4");
    expect((await sk.finance.auditSubledgers({ asOf: "2026-12-31" })).every((c: { ok: boolean }) => c.ok)).toBe(true);
    await sk.close();
  });

  it("a part-paid bill proposes what is left, with the discount that rest still earns", async () => {
    const { sk, clock } = shop(kind, pg.get, pg.schema, { approvalLimit: "100000", tax: { codes: taxCodes, buyer: { country: "DE", vatId: "DE111" } } });
    await sk.inventory.defineWarehouse({ warehouseId: "wh" });
    await sk.inventory.defineProduct({ sku: "MUG", costingMethod: "fifo" });
    await sk.purchasing.defineSupplier({ supplierId: "sup", currency: "EUR", leadTimeDays: 7, paymentTerms: { netDays: 30, discountDays: 10, discountPercent: "0.02", discountOnPartPayments: true }, taxParty: { country: "DE", vatId: "DE999" } });
    clock.set("2026-03-05T10:00:00.000Z");
    await billed(sk, "po_1", "sup", "2026-03-02");
    await sk.purchasing.paySupplier({ paymentId: "p_part", supplierId: "sup", billIds: ["b_po_1"], amount: "49" });
    const run = await sk.purchasing.billsToPay({ asOf: "2026-03-05" });
    expect(run.bills).toEqual([
      { billId: "b_po_1", kind: "bill", supplierId: "sup", supplierReference: null, currency: "EUR", date: "2026-03-02", dueDate: "2026-04-01", gross: "119", open: "69", discount: { amount: "1.38", until: "2026-03-12" }, payBy: "2026-03-12", pay: "67.62", overdueDays: 0 },
    ]);
    await sk.close();
  });

  it("names the supplier's open credits (a debit note) beside the bills it would pay, to allocate first", async () => {
    const { sk, clock } = shop(kind, pg.get, pg.schema, { approvalLimit: "100000", tax: { codes: taxCodes, buyer: { country: "DE", vatId: "DE111" } } });
    await sk.inventory.defineWarehouse({ warehouseId: "wh" });
    await sk.inventory.defineProduct({ sku: "MUG", costingMethod: "fifo" });
    await sk.purchasing.defineSupplier({ supplierId: "sup", currency: "EUR", leadTimeDays: 7, paymentTerms: { netDays: 14 }, taxParty: { country: "DE", vatId: "DE999" } });
    clock.set("2026-03-10T10:00:00.000Z");
    await billed(sk, "po_1", "sup", "2026-03-02");
    await sk.purchasing.returnToSupplier({ returnId: "rts_1", purchaseOrderId: "po_1", lines: [{ lineId: "1", quantity: 10 }] });
    const run = await sk.purchasing.billsToPay({ asOf: "2026-03-10" });
    expect(run.payments).toEqual([{ supplierId: "sup", currency: "EUR", billIds: ["b_po_1"], pay: "119", discount: "0", credits: [{ documentId: "rts_1", documentType: "debit-note", currency: "EUR", open: "11.9" }] }]);
    // Applied, the credit is no longer listed.
    await sk.finance.allocate({ ledger: "payables", creditId: "rts_1", documentIds: ["b_po_1"], date: "2026-03-10" });
    expect((await sk.purchasing.billsToPay({ asOf: "2026-03-10" })).payments[0]?.credits).toEqual([]);
    await sk.close();
  });

  it("refuses a next run before the run and a key it does not read, naming them", async () => {
    const { sk } = shop(kind, pg.get, pg.schema);
    const bad = await sk.purchasing.billsToPay({ asOf: "2026-03-10", through: "2026-03-01" }).catch((e: unknown) => e);
    expect(bad).toMatchObject({ code: "VALIDATION_FAILED", message: expect.stringContaining("through") });
    expect(await codeOf(() => sk.purchasing.billsToPay({ asOf: "2026-03-10", dueBy: "2026-03-20" } as never))).toBe("VALIDATION_FAILED");
    expect(await codeOf(() => sk.purchasing.billsToPay({ asOf: "10.03.2026" }))).toBe("VALIDATION_FAILED");
    await sk.close();
  });
});
