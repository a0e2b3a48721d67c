import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { Decimal } from "../../src/kernel/decimal.js";
import { defineTaxCodes } from "../../src/finance/tax/index.js";
import { defaultChart, extendChart } from "../../src/finance/index.js";
import { partPaymentDiscount } from "../../src/purchasing/pay-supplier.js";
import type { Storekeep } from "../../src/storekeep.js";
import { KINDS, balance, pgliteHolder, shop } from "./helpers.js";

const pg = pgliteHolder();
beforeAll(() => pg.start(), 60_000);
afterAll(() => pg.stop());

const taxCodes = defineTaxCodes([{ code: "DE-STD", jurisdiction: { country: "DE" }, category: "standard", kind: "standard", rates: [{ rate: "0.19", validFrom: "2020-01-01" }] }]);
const purchasing = { approvalLimit: "100000", tax: { codes: taxCodes, buyer: { country: "DE", vatId: "DE111" } } };
const proRata = { netDays: 30, discountDays: 10, discountPercent: "0.02", discountOnPartPayments: true } as const;

/** A received and billed order of 100 × 1 EUR + 19% (gross 119), billed 2026-03-02. */
async function billed(sk: Storekeep, id: string, supplierId = "sup"): Promise<void> {
  await sk.purchasing.createOrder({ purchaseOrderId: id, supplierId, warehouseId: "wh", lines: [{ sku: "MUG", quantity: 100, unitPrice: "1" }] });
  await sk.purchasing.sendOrder({ purchaseOrderId: id });
  await sk.purchasing.receiveGoods({ receiptId: `grn_${id}`, purchaseOrderId: id, lines: [{ lineId: "1", quantity: 100 }] });
  await sk.purchasing.recordBill({ billId: `b_${id}`, purchaseOrderId: id, date: "2026-03-02", lines: [{ lineId: "1", quantity: 100, unitPrice: "1" }] });
}

async function setUp(sk: Storekeep, terms: typeof proRata | { netDays: number; discountDays: number; discountPercent: string } = proRata): Promise<void> {
  await sk.inventory.defineWarehouse({ warehouseId: "wh" });
  await sk.inventory.defineProduct({ sku: "MUG", costingMethod: "fifo" });
  await sk.purchasing.defineSupplier({ supplierId: "sup", currency: "EUR", leadTimeDays: 7, paymentTerms: terms, taxParty: { country: "DE", vatId: "DE999" } });
}

async function booksAgree(sk: Storekeep): Promise<void> {
  expect((await sk.finance.auditSubledgers({ asOf: "2026-12-31" })).every((c: { ok: boolean }) => c.ok)).toBe(true);
  const tb = await sk.finance.trialBalance({ asOf: "2026-12-31" });
  expect(tb.totals.debit).toBe(tb.totals.credit);
}

describe("partPaymentDiscount", () => {
  const bill = { date: "2026-03-01", gross: "119", tax: "19" };
  it("is pay × p / (1 − p), with its tax part in the bill's proportion, inside the window only", () => {
    expect(partPaymentDiscount(bill, new Decimal(119), new Decimal(49), proRata, "2026-03-11", "EUR")).toEqual({ amount: new Decimal(1), tax: new Decimal("0.16") });
    expect(partPaymentDiscount(bill, new Decimal(119), new Decimal(49), proRata, "2026-03-12", "EUR").amount.toString()).toBe("0");
    expect(partPaymentDiscount(bill, new Decimal(119), new Decimal(49), { ...proRata, discountOnPartPayments: undefined } as never, "2026-03-05", "EUR").amount.toString()).toBe("0");
  });
  it("property: a part payment never settles more than the bill has open, and earns less than the whole discount", () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 10_000_000 }), fc.integer({ min: 1, max: 10_000_000 }), fc.integer({ min: 1, max: 30 }), (openCents, payCents, pct) => {
        const open = new Decimal(openCents).dividedBy(100);
        const terms = { ...proRata, discountPercent: new Decimal(pct).dividedBy(100).toString() };
        const whole = open.times(terms.discountPercent).toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
        const pay = Decimal.min(new Decimal(payCents).dividedBy(100), open.minus(whole).minus("0.01"));
        fc.pre(pay.gt(0));
        const d = partPaymentDiscount({ date: "2026-03-01", gross: open.toString(), tax: "0" }, open, pay, terms, "2026-03-02", "EUR");
        expect(pay.plus(d.amount).lte(open)).toBe(true);
        expect(d.amount.lte(whole)).toBe(true);
        expect(d.amount.decimalPlaces()).toBeLessThanOrEqual(2);
      }),
      { numRuns: 300 },
    );
  });
});

describe.each(KINDS)("early-payment discount on part payments (pro rata) on %s", (kind) => {
  it("a part payment within the window earns its share: two payments take the same 2.38 as one, booked the same way", async () => {
    const { sk } = shop(kind, pg.get, pg.schema, purchasing);
    await setUp(sk);
    await billed(sk, "po_1");
    expect((await sk.purchasing.supplier("sup"))?.paymentTerms).toEqual(proRata);
    // 49 settles 49 / 0.98 = 50 of the bill: a discount of 1.00, of which 0.16 is tax (1 × 19/119).
    const part = await sk.purchasing.paySupplier({ paymentId: "p_part", supplierId: "sup", billIds: ["b_po_1"], amount: "49", date: "2026-03-05" });
    expect(part).toMatchObject({ amount: "49", discount: "1", bills: [{ billId: "b_po_1", paid: "49", discount: "1", open: "69" }] });
    expect(await balance(sk, "2100")).toBe("-69");
    expect(await balance(sk, "5200")).toBe("-0.84");
    // The rest within the window: 69 less 2% (1.38) = 67.62.
    const rest = await sk.purchasing.paySupplier({ paymentId: "p_rest", supplierId: "sup", billIds: ["b_po_1"], date: "2026-03-12" });
    expect(rest).toMatchObject({ amount: "67.62", discount: "1.38", bills: [{ open: "0" }] });
    expect(await balance(sk, "2100")).toBe("0");
    expect(await balance(sk, "1100")).toBe("-116.62");
    expect(await balance(sk, "5200")).toBe("-2");
    expect(await balance(sk, "1400")).toBe("18.62");
    expect(await sk.finance.openItems({ ledger: "payables", openOnly: true })).toEqual([]);
    await booksAgree(sk);
    await sk.close();
  });

  it("a part payment after the window, or with takeDiscount: false, earns nothing; the first bill of two paid whole takes its full discount", async () => {
    const { sk } = shop(kind, pg.get, pg.schema, purchasing);
    await setUp(sk);
    await billed(sk, "po_1");
    await billed(sk, "po_2");
    await billed(sk, "po_3");
    const declined = await sk.purchasing.paySupplier({ paymentId: "p_no", supplierId: "sup", billIds: ["b_po_1"], amount: "49", date: "2026-03-05", takeDiscount: false });
    expect(declined).toMatchObject({ discount: "0", bills: [{ open: "70" }] });
    const late = await sk.purchasing.paySupplier({ paymentId: "p_late", supplierId: "sup", billIds: ["b_po_1"], amount: "20", date: "2026-03-13" });
    expect(late).toMatchObject({ discount: "0", bills: [{ open: "50" }] });
    // b_po_2 whole (116.62 + 2.38), then 49 of b_po_3 (+ 1.00).
    const both = await sk.purchasing.paySupplier({ paymentId: "p_both", supplierId: "sup", billIds: ["b_po_2", "b_po_3"], amount: "165.62", date: "2026-03-06" });
    expect(both).toMatchObject({ discount: "3.38", bills: [{ billId: "b_po_2", paid: "116.62", discount: "2.38", open: "0" }, { billId: "b_po_3", paid: "49", discount: "1", open: "69" }] });
    const open = await sk.finance.openItems({ ledger: "payables", openOnly: true });
    expect(open.map((i) => [i.documentId, i.openAmount])).toEqual([["b_po_1", "-50"], ["b_po_3", "-69"]]); // payables are credits
    await booksAgree(sk);
    await sk.close();
  });

  it("terms without the flag keep a part payment undiscounted, and the flag without a discount is refused naming it", async () => {
    const { sk } = shop(kind, pg.get, pg.schema, purchasing);
    await setUp(sk, { netDays: 30, discountDays: 10, discountPercent: "0.02" });
    await billed(sk, "po_1");
    const part = await sk.purchasing.paySupplier({ paymentId: "p_part", supplierId: "sup", billIds: ["b_po_1"], amount: "49", date: "2026-03-05" });
    expect(part).toMatchObject({ discount: "0", bills: [{ open: "70" }] });
    await expect(sk.purchasing.defineSupplier({ supplierId: "sup_x", currency: "EUR", leadTimeDays: 7, paymentTerms: { netDays: 30, discountOnPartPayments: true } })).rejects.toMatchObject({
      code: "VALIDATION_FAILED",
      message: expect.stringContaining("discountOnPartPayments"),
    });
    expect(await sk.purchasing.supplier("sup_x")).toBeUndefined();
    await sk.close();
  });

  it("a shop that keeps cash discounts received apart maps purchase-discounts to its own account", async () => {
    const chart = extendChart(defaultChart(), [{ code: "5220", name: "Purchase discounts received", type: "expense", parent: "5000" }]);
    const { sk } = shop(kind, pg.get, pg.schema, purchasing, { chart, accountMap: { "purchase-discounts": "5220" } });
    await setUp(sk);
    await billed(sk, "po_1");
    await sk.purchasing.paySupplier({ paymentId: "p_1", supplierId: "sup", billIds: ["b_po_1"], date: "2026-03-12" });
    expect(await balance(sk, "5220")).toBe("-2");
    expect(await balance(sk, "5200")).toBe("0");
    expect(await balance(sk, "1400")).toBe("18.62");
    await booksAgree(sk);
    await sk.close();
  });
});
