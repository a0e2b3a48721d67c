import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Decimal } from "../../src/kernel/decimal.js";
import { defineTaxCodes } from "../../src/finance/tax/index.js";
import type { Storekeep } from "../../src/storekeep.js";
import { KINDS, balance, codeOf, pgliteHolder, shop } from "./helpers.js";

const pg = pgliteHolder();
beforeAll(() => pg.start(), 60_000);
afterAll(() => pg.stop());

const taxCodes = defineTaxCodes([{ code: "DE-STD", jurisdiction: { country: "DE" }, category: "standard", kind: "standard", rates: [{ rate: "0.19", validFrom: "2020-01-01" }] }]);

/** A received and billed order of 100 × 1 EUR + 19% (gross 119) from a supplier on 2/10 net 30, billed 2026-03-02. */
async function billed(sk: Storekeep, id: string, supplierId = "sup"): Promise<void> {
  await sk.purchasing.createOrder({ purchaseOrderId: id, supplierId, warehouseId: "wh", lines: [{ sku: "MUG", quantity: 100, unitPrice: "1" }] });
  await sk.purchasing.sendOrder({ purchaseOrderId: id });
  await sk.purchasing.receiveGoods({ receiptId: `grn_${id}`, purchaseOrderId: id, lines: [{ lineId: "1", quantity: 100 }] });
  await sk.purchasing.recordBill({ billId: `b_${id}`, purchaseOrderId: id, date: "2026-03-02", lines: [{ lineId: "1", quantity: 100, unitPrice: "1" }] });
}

async function setUp(sk: Storekeep): Promise<void> {
  await sk.inventory.defineWarehouse({ warehouseId: "wh" });
  await sk.inventory.defineProduct({ sku: "MUG", costingMethod: "fifo" });
  await sk.purchasing.defineSupplier({ supplierId: "sup", currency: "EUR", leadTimeDays: 7, paymentTerms: { netDays: 30, discountDays: 10, discountPercent: "0.02" }, taxParty: { country: "DE", vatId: "DE999" } });
}

describe.each(KINDS)("early-payment discount (2/10 net 30) on %s", (kind) => {
  it("paid within the window: settles the bill for 98%, books the discount net of tax as a lower purchase cost and takes its tax back", async () => {
    const { sk, clock } = shop(kind, pg.get, pg.schema, { approvalLimit: "100000", tax: { codes: taxCodes, buyer: { country: "DE", vatId: "DE111" } } });
    await setUp(sk);
    await billed(sk, "po_1");
    expect(await balance(sk, "2100")).toBe("-119");
    expect(await balance(sk, "1400")).toBe("19");
    // More than 98% within the window is refused, saying how to pay in full.
    const tooMuch = await sk.purchasing.paySupplier({ paymentId: "p_x", supplierId: "sup", billIds: ["b_po_1"], amount: "119", date: "2026-03-12" }).catch((e: unknown) => e);
    expect((tooMuch as { code: string }).code).toBe("VALIDATION_FAILED");
    expect((tooMuch as Error).message).toMatch(/takeDiscount: false/);
    clock.set("2026-03-12T10:00:00.000Z");
    const paid = await sk.purchasing.paySupplier({ paymentId: "p_1", supplierId: "sup", billIds: ["b_po_1"] });
    expect(paid).toMatchObject({ amount: "116.62", discount: "2.38", functionalAmount: "116.62", bills: [{ billId: "b_po_1", paid: "116.62", discount: "2.38", open: "0" }] });
    // 2.38 = 2.00 net + 0.38 tax: Cr purchase price difference 2.00, Cr input tax 0.38.
    expect(await balance(sk, "2100")).toBe("0");
    expect(await balance(sk, "1100")).toBe("-116.62");
    expect(await balance(sk, "5200")).toBe("-2");
    expect(await balance(sk, "1400")).toBe("18.62");
    expect(await sk.finance.openItems({ ledger: "payables", openOnly: true })).toEqual([]);
    expect((await sk.finance.auditSubledgers({ asOf: "2026-12-31" })).every((c: { ok: boolean }) => c.ok)).toBe(true);
    const tb = await sk.finance.trialBalance({ asOf: "2026-12-31" });
    expect(tb.totals.debit).toBe(tb.totals.credit);
    await sk.close();
  });

  it("a discount given as a percentage number (\"2\" for 2%) is refused when the supplier is defined, naming the ratio form", async () => {
    const { sk } = shop(kind, pg.get, pg.schema);
    await expect(sk.purchasing.defineSupplier({ supplierId: "sup_x", currency: "EUR", leadTimeDays: 7, paymentTerms: { netDays: 30, discountDays: 10, discountPercent: "2" } })).rejects.toMatchObject({
      code: "VALIDATION_FAILED",
      message: expect.stringContaining("0.02 for 2%"),
    });
    await sk.close();
  });

  it("after the window, on a part payment, or with takeDiscount: false, the bill is paid in full", async () => {
    const { sk } = shop(kind, pg.get, pg.schema, { approvalLimit: "100000", tax: { codes: taxCodes, buyer: { country: "DE", vatId: "DE111" } } });
    await setUp(sk);
    await billed(sk, "po_1");
    await billed(sk, "po_2");
    await billed(sk, "po_3");
    // Day 13: the window (bill date + 10 days) has closed.
    const late = await sk.purchasing.paySupplier({ paymentId: "p_late", supplierId: "sup", billIds: ["b_po_1"], date: "2026-03-13" });
    expect(late).toMatchObject({ amount: "119", discount: "0" });
    const declined = await sk.purchasing.paySupplier({ paymentId: "p_full", supplierId: "sup", billIds: ["b_po_2"], date: "2026-03-05", takeDiscount: false });
    expect(declined).toMatchObject({ amount: "119", discount: "0" });
    // A part payment earns nothing; the rest, paid within the window, earns 2% of what was open.
    const part = await sk.purchasing.paySupplier({ paymentId: "p_part", supplierId: "sup", billIds: ["b_po_3"], amount: "50", date: "2026-03-05" });
    expect(part).toMatchObject({ discount: "0", bills: [{ open: "69" }] });
    const rest = await sk.purchasing.paySupplier({ paymentId: "p_rest", supplierId: "sup", billIds: ["b_po_3"], date: "2026-03-06" });
    expect(rest).toMatchObject({ amount: "67.62", discount: "1.38" });
    expect(await balance(sk, "2100")).toBe("0");
    // 1.38 = 1.16 net + 0.22 tax (1.38 × 19/119 = 0.2203…).
    expect(await balance(sk, "5200")).toBe("-1.16");
    expect(await balance(sk, "1400")).toBe(new Decimal("57").minus("0.22").toString());
    expect(await codeOf(() => sk.purchasing.paySupplier({ paymentId: "p_again", supplierId: "sup", billIds: ["b_po_3"], date: "2026-03-06" }))).toBe("VALIDATION_FAILED");
    expect((await sk.finance.auditSubledgers({ asOf: "2026-12-31" })).every((c: { ok: boolean }) => c.ok)).toBe(true);
    await sk.close();
  });

  it("in a foreign currency: the discount at the payment's rate, finance's exchange difference, no residue", async () => {
    const { sk } = shop(kind, pg.get, pg.schema, { approvalLimit: "100000" });
    await sk.inventory.defineWarehouse({ warehouseId: "wh" });
    await sk.inventory.defineProduct({ sku: "MUG", costingMethod: "fifo" });
    await sk.purchasing.defineSupplier({ supplierId: "sup_us", currency: "USD", leadTimeDays: 7, taxTreatment: "none", paymentTerms: { netDays: 30, discountDays: 10, discountPercent: "0.02" } });
    await billed(sk, "po_us", "sup_us");
    // Billed on 2 March at 0.9: 100 USD = 90 EUR. Paid on 10 March at 0.92: 98 USD = 90.16 EUR, discount 2 USD = 1.84 EUR.
    const paid = await sk.purchasing.paySupplier({ paymentId: "p_us", supplierId: "sup_us", billIds: ["b_po_us"], date: "2026-03-10" });
    expect(paid).toMatchObject({ amount: "98", discount: "2", functionalAmount: "90.16" });
    expect(await balance(sk, "2100")).toBe("0");
    expect(await balance(sk, "1100")).toBe("-90.16");
    expect(await balance(sk, "5200")).toBe("-1.84");
    // 90 booked, 90.16 + 1.84 = 92 relieved: a loss of 2.
    expect(await balance(sk, "6800")).toBe("2");
    expect(await sk.finance.openItems({ ledger: "payables", openOnly: true })).toEqual([]);
    expect((await sk.finance.auditSubledgers({ asOf: "2026-12-31" })).every((c: { ok: boolean }) => c.ok)).toBe(true);
    await sk.close();
  });
});
