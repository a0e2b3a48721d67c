import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Decimal } from "../../src/kernel/decimal.js";
import { defineTaxCodes } from "../../src/finance/tax/index.js";
import type { Storekeep } from "../../src/storekeep.js";
import { KINDS, books, codeOf, pgliteHolder, shop } from "./helpers.js";
import { createStorekeep } from "../../src/storekeep.js";
import { memoryStore } from "../../src/adapters/memory/index.js";

const pg = pgliteHolder();
beforeAll(() => pg.start(), 60_000);
afterAll(() => pg.stop());

const taxCodes = defineTaxCodes([{ code: "DE-STD", jurisdiction: { country: "DE" }, category: "standard", kind: "standard", rates: [{ rate: "0.19", validFrom: "2020-01-01" }] }]);
const tax = { codes: taxCodes, buyer: { country: "DE", vatId: "DE111" } };


/** Inventory's value per SKU, which must equal the Inventory account. */
async function stockValue(sk: Storekeep): Promise<Record<string, string>> {
  const rows = await sk.inventory.valuation();
  const audit = await sk.inventory.audit();
  expect(audit.ok).toBe(true);
  return Object.fromEntries(rows.map((r) => [r.sku, r.value]));
}

async function setUp(sk: Storekeep, costingMethod: "fifo" | "moving-average" | "standard" = "fifo", currency = "EUR"): Promise<void> {
  await sk.inventory.defineWarehouse({ warehouseId: "wh" });
  await sk.inventory.defineProduct({ sku: "MUG", costingMethod, ...(costingMethod === "standard" ? { standardCost: "1" } : {}) });
  await sk.inventory.defineProduct({ sku: "TEE", costingMethod: "moving-average" });
  await sk.purchasing.defineSupplier({ supplierId: "sup", currency, leadTimeDays: 7, paymentTerms: { netDays: 30, discountDays: 10, discountPercent: "0.02" }, ...(currency === "EUR" ? { taxParty: { country: "DE", vatId: "DE999" } } : { taxTreatment: "none" }) });
}

/** 100 MUG at 1 and 50 TEE at 2 (net 200, gross 238 with 19% VAT), received and billed on 2026-03-02. */
async function billed(sk: Storekeep, id = "po"): Promise<void> {
  await sk.purchasing.createOrder({ purchaseOrderId: id, supplierId: "sup", warehouseId: "wh", lines: [{ sku: "MUG", quantity: 100, unitPrice: "1" }, { sku: "TEE", quantity: 50, unitPrice: "2" }] });
  await sk.purchasing.sendOrder({ purchaseOrderId: id });
  await sk.purchasing.receiveGoods({ receiptId: `grn_${id}`, purchaseOrderId: id, lines: [{ lineId: "1", quantity: 100 }, { lineId: "2", quantity: 50 }] });
  await sk.purchasing.recordBill({ billId: `b_${id}`, purchaseOrderId: id, date: "2026-03-02", lines: [{ lineId: "1", quantity: 100, unitPrice: "1" }, { lineId: "2", quantity: 50, unitPrice: "2" }] });
}

/** 50 TEE at 2 ordered and billed on 2026-03-02 before any arrived (the shop posts bills ahead: `billBeforeReceipt: "allow"`). */
async function billedAhead(sk: Storekeep): Promise<void> {
  await sk.purchasing.createOrder({ purchaseOrderId: "po", supplierId: "sup", warehouseId: "wh", lines: [{ sku: "TEE", quantity: 50, unitPrice: "2" }] });
  await sk.purchasing.sendOrder({ purchaseOrderId: "po" });
  await sk.purchasing.recordBill({ billId: "b_po", purchaseOrderId: "po", date: "2026-03-02", lines: [{ lineId: "1", quantity: 50, unitPrice: "2" }] });
}

describe.each(KINDS)("cash discounts on the cost of goods (cashDiscounts: \"stock\", IAS 2) on %s", (kind) => {
  it("the discount net of tax lowers what is on hand and, for what was sold, COGS; nothing stays in purchase price difference", async () => {
    const { sk, clock } = shop(kind, pg.get, pg.schema, { approvalLimit: "100000", tax, cashDiscounts: "stock" });
    await setUp(sk);
    await billed(sk);
    // 40 MUG sold before the payment: 40% of MUG's share of the discount is COGS's.
    clock.set("2026-03-05T10:00:00.000Z");
    await sk.inventory.issue({ sku: "MUG", warehouseId: "wh", quantity: "40" });
    clock.set("2026-03-10T10:00:00.000Z");
    const paid = await sk.purchasing.paySupplier({ paymentId: "p_1", supplierId: "sup", billIds: ["b_po"] });
    // 2% of 238 = 4.76, of which 0.76 tax: 4.00 net, 2.00 on MUG (billed 100 of 200) and 2.00 on TEE.
    expect(paid).toMatchObject({ amount: "233.24", discount: "4.76", discountOnStock: "4" });
    const b = await books(sk);
    expect(b["5200"]).toBeUndefined();
    expect(b["1400"]).toBe("37.24");
    // MUG: 60 on hand at 1 − 1.20, 40 sold at 1 − 0.80; TEE: 50 on hand at 2 − 2.00.
    expect(await stockValue(sk)).toEqual({ MUG: "58.8", TEE: "98" });
    expect(b["1300"]).toBe("156.8");
    expect(b["5100"]).toBe("39.2");
    // The revaluation names the payment and the bill's part it came from.
    const revalued = (await sk.inventory.history({ sku: "MUG" })).filter((h) => h.kind === "revaluation");
    expect(revalued.map((h) => h.source)).toEqual([{ type: "supplier-payment", id: "p_1", lineId: "1.1" }]);
    // A later sale takes the lower cost: 10 MUG at 0.98.
    clock.set("2026-03-11T10:00:00.000Z");
    const issued = await sk.inventory.issue({ sku: "MUG", warehouseId: "wh", quantity: "10" });
    expect(issued.amount).toBe("9.8");
    await sk.close();
  });

  it("goods sent back after the bill (a debit note) keep their share of the discount in purchase price difference, where the return took them out; the rest goes on the kept units, on hand and sold", async () => {
    const { sk, clock } = shop(kind, pg.get, pg.schema, { approvalLimit: "100000", tax, cashDiscounts: "stock" });
    await setUp(sk);
    await billed(sk);
    clock.set("2026-03-04T10:00:00.000Z");
    // 40 MUG go back by a debit note (47.60 owed back by the supplier), then 20 are sold.
    await sk.purchasing.returnToSupplier({ returnId: "r_1", purchaseOrderId: "po", lines: [{ lineId: "1", quantity: 40 }] });
    await sk.inventory.issue({ sku: "MUG", warehouseId: "wh", quantity: "20" });
    clock.set("2026-03-10T10:00:00.000Z");
    // The bill is paid whole within the window: 2% of 238 = 4.76, of which 0.76 tax; 2.00 net on MUG, 2.00 on TEE.
    const paid = await sk.purchasing.paySupplier({ paymentId: "p_1", supplierId: "sup", billIds: ["b_po"] });
    expect(paid).toMatchObject({ amount: "233.24", discount: "4.76", discountOnStock: "4" });
    // MUG's 2.00: 0.80 for the 40 sent back stays in purchase price difference; 1.20 over the 60 kept:
    // 40 on hand at 1 − 0.80 and 20 sold at 1 − 0.40 (before: 1.20 of it charged to COGS as if sold).
    expect(await stockValue(sk)).toEqual({ MUG: "39.2", TEE: "98" });
    const b = await books(sk);
    expect(b["5100"]).toBe("19.6");
    expect(b["5200"]).toBe("-0.8");
    const revalued = (await sk.inventory.history({ sku: "MUG" })).filter((h) => h.kind === "revaluation");
    expect(revalued.map((h) => h.source)).toEqual([{ type: "supplier-payment", id: "p_1", lineId: "1.1" }]);
    // A later sale takes the lower cost: 10 MUG at 0.98.
    clock.set("2026-03-11T10:00:00.000Z");
    expect((await sk.inventory.issue({ sku: "MUG", warehouseId: "wh", quantity: "10" })).amount).toBe("9.8");
    await sk.close();
  });

  it("goods billed before they arrived take their share: those still awaited when they come in (GRNI credited at the payment, the goods in at the lower value), those that came in before the payment on the receipts that took them", async () => {
    const { sk, clock } = shop(kind, pg.get, pg.schema, { approvalLimit: "100000", tax, cashDiscounts: "stock", billBeforeReceipt: "allow" });
    await setUp(sk);
    await sk.purchasing.createOrder({ purchaseOrderId: "po", supplierId: "sup", warehouseId: "wh", lines: [{ sku: "MUG", quantity: 100, unitPrice: "1" }, { sku: "TEE", quantity: 50, unitPrice: "2" }] });
    await sk.purchasing.sendOrder({ purchaseOrderId: "po" });
    await sk.purchasing.receiveGoods({ receiptId: "grn_1", purchaseOrderId: "po", lines: [{ lineId: "1", quantity: 100 }] });
    await sk.purchasing.recordBill({ billId: "b_po", purchaseOrderId: "po", date: "2026-03-02", lines: [{ lineId: "1", quantity: 100, unitPrice: "1" }, { lineId: "2", quantity: 50, unitPrice: "2" }] });
    // 20 of the 50 TEE billed ahead come in before the payment (at the billed 2 each).
    await sk.purchasing.receiveGoods({ receiptId: "grn_2", purchaseOrderId: "po", lines: [{ lineId: "2", quantity: 20 }] });
    clock.set("2026-03-06T10:00:00.000Z");
    const paid = await sk.purchasing.paySupplier({ paymentId: "p_1", supplierId: "sup", billIds: ["b_po"] });
    // MUG's 2.00 on stock; TEE's 2.00: 1.20 onto the 30 still awaited (their 60 billed ahead), 0.80 off the 20 that came in (grn_2).
    expect(paid.discountOnStock).toBe("4");
    expect((await sk.purchasing.order("po"))?.lines[1]?.ahead).toEqual({ quantity: "30", value: "58.8", bills: [{ billId: "b_po", billed: "50", awaited: "30" }] });
    let b = await books(sk);
    expect(b["5200"]).toBeUndefined();
    expect(b["2150"]).toBe("58.8");
    expect(await stockValue(sk)).toEqual({ MUG: "98", TEE: "39.2" });
    expect((await sk.inventory.history({ sku: "TEE" })).filter((h) => h.kind === "revaluation").map((h) => [h.source, h.amount])).toEqual([[{ type: "supplier-payment", id: "p_1", lineId: "2.1" }, "-0.8"]]);
    // The 30 come in at 58.80: GRNI clears to zero and TEE carries the whole 2.00.
    await sk.purchasing.receiveGoods({ receiptId: "grn_3", purchaseOrderId: "po", lines: [{ lineId: "2", quantity: 30 }] });
    b = await books(sk);
    expect(b["2150"] ?? "0").toBe("0");
    expect(await stockValue(sk)).toEqual({ MUG: "98", TEE: "98" });
    expect(b["5200"]).toBeUndefined();
    await sk.close();
  });

  it("the default (\"account\") keeps the discount on the purchase-discounts account and stock at what was billed", async () => {
    const { sk, clock } = shop(kind, pg.get, pg.schema, { approvalLimit: "100000", tax });
    await setUp(sk);
    await billed(sk);
    clock.set("2026-03-10T10:00:00.000Z");
    const paid = await sk.purchasing.paySupplier({ paymentId: "p_1", supplierId: "sup", billIds: ["b_po"] });
    expect(paid.discountOnStock).toBeUndefined();
    const b = await books(sk);
    expect(b["5200"]).toBe("-4");
    expect(await stockValue(sk)).toEqual({ MUG: "100", TEE: "100" });
    await sk.close();
  });
});

describe("cash discounts on the cost of goods: the cases around it", () => {
  const noPg = () => {
    throw new Error("memory only");
  };
  const memory = (options: Parameters<typeof shop>[3]) => shop("memory", noPg, () => "", options);

  it("standard cost: the discount goes to the purchase price variance, the stock stays at standard", async () => {
    const { sk, clock } = memory({ approvalLimit: "100000", tax, cashDiscounts: "stock" });
    await setUp(sk, "standard");
    await billed(sk);
    clock.set("2026-03-10T10:00:00.000Z");
    await sk.purchasing.paySupplier({ paymentId: "p_1", supplierId: "sup", billIds: ["b_po"] });
    const b = await books(sk);
    expect(b["5200"]).toBeUndefined();
    expect(b["5210"]).toBe("-2");
    expect(await stockValue(sk)).toEqual({ MUG: "100", TEE: "98" });
  });

  it("a part payment that earns its discount pro rata puts that discount on stock, and the rest's discount too", async () => {
    const { sk, clock } = memory({ approvalLimit: "100000", tax, cashDiscounts: "stock" });
    await setUp(sk);
    await sk.purchasing.defineSupplier({ supplierId: "sup", currency: "EUR", leadTimeDays: 7, paymentTerms: { netDays: 30, discountDays: 10, discountPercent: "0.02", discountOnPartPayments: true }, taxParty: { country: "DE", vatId: "DE999" } });
    await billed(sk);
    clock.set("2026-03-05T10:00:00.000Z");
    // 98 pays 100 of the bill: discount 2, of which 0.32 tax (2 × 19/119 = 0.319…), 1.68 net.
    const part = await sk.purchasing.paySupplier({ paymentId: "p_part", supplierId: "sup", billIds: ["b_po"], amount: "98" });
    expect(part).toMatchObject({ discount: "2" });
    expect(await stockValue(sk)).toEqual({ MUG: "99.16", TEE: "99.16" });
    const rest = await sk.purchasing.paySupplier({ paymentId: "p_rest", supplierId: "sup", billIds: ["b_po"] });
    expect(new Decimal(part.discount).plus(rest.discount).toString()).toBe("4.76");
    const b = await books(sk);
    expect(b["5200"]).toBeUndefined();
    expect(b["2100"]).toBeUndefined();
    // 4.76 − 0.76 tax = 4.00 on stock in all.
    expect(b["1300"]).toBe("196");
    expect(await stockValue(sk)).toEqual({ MUG: "98", TEE: "98" });
  });

  it("a bill wholly ahead of the goods: the whole discount goes onto them when they come in, in parts as they come", async () => {
    const { sk, clock } = memory({ approvalLimit: "100000", tax, cashDiscounts: "stock", billBeforeReceipt: "allow" });
    await setUp(sk);
    await billedAhead(sk);
    clock.set("2026-03-06T10:00:00.000Z");
    // 2% of 119 = 2.38, of which 0.38 tax: 2.00 onto the 50 TEE awaited.
    expect(await sk.purchasing.paySupplier({ paymentId: "p_1", supplierId: "sup", billIds: ["b_po"] })).toMatchObject({ discount: "2.38", discountOnStock: "2" });
    await sk.purchasing.receiveGoods({ receiptId: "grn_1", purchaseOrderId: "po", lines: [{ lineId: "1", quantity: 20 }] });
    expect(await stockValue(sk)).toEqual({ TEE: "39.2" });
    await sk.purchasing.receiveGoods({ receiptId: "grn_2", purchaseOrderId: "po", lines: [{ lineId: "1", quantity: 30 }] });
    expect(await stockValue(sk)).toEqual({ TEE: "98" });
    const b = await books(sk);
    expect(b["2150"] ?? "0").toBe("0");
    expect(b["5200"]).toBeUndefined();
    // Replayed, the payment lowers nothing twice.
    await sk.purchasing.paySupplier({ paymentId: "p_1", supplierId: "sup", billIds: ["b_po"] });
    expect(await books(sk)).toEqual(b);
    await sk.close();
  });

  it("a bill ahead of goods that all came in before the payment (invoiced on dispatch, paid within the window): the discount comes off the receipts that took them, by the units each took", async () => {
    const { sk, clock } = memory({ approvalLimit: "100000", tax, cashDiscounts: "stock", billBeforeReceipt: "allow" });
    await setUp(sk);
    await billedAhead(sk);
    await sk.purchasing.receiveGoods({ receiptId: "grn_1", purchaseOrderId: "po", lines: [{ lineId: "1", quantity: 10 }] });
    await sk.purchasing.receiveGoods({ receiptId: "grn_2", purchaseOrderId: "po", lines: [{ lineId: "1", quantity: 40 }] });
    clock.set("2026-03-06T10:00:00.000Z");
    expect(await sk.purchasing.paySupplier({ paymentId: "p_1", supplierId: "sup", billIds: ["b_po"] })).toMatchObject({ discount: "2.38", discountOnStock: "2" });
    expect((await sk.inventory.history({ sku: "TEE" })).filter((h) => h.kind === "revaluation").map((h) => h.amount)).toEqual(["-0.4", "-1.6"]);
    expect(await stockValue(sk)).toEqual({ TEE: "98" });
    const b = await books(sk);
    expect(b["2150"] ?? "0").toBe("0");
    expect(b["5200"]).toBeUndefined();
    await sk.close();
  });

  it("two bills ahead of the goods: receipts take the older bill's units first, and each bill's discount goes onto its own units — those awaited and the receipts that took them", async () => {
    const { sk, clock } = memory({ approvalLimit: "100000", tax, cashDiscounts: "stock", billBeforeReceipt: "allow" });
    await setUp(sk);
    await sk.purchasing.createOrder({ purchaseOrderId: "po", supplierId: "sup", warehouseId: "wh", lines: [{ sku: "TEE", quantity: 50, unitPrice: "2" }] });
    await sk.purchasing.sendOrder({ purchaseOrderId: "po" });
    await sk.purchasing.recordBill({ billId: "b_1", purchaseOrderId: "po", date: "2026-03-02", lines: [{ lineId: "1", quantity: 30, unitPrice: "2" }] });
    await sk.purchasing.recordBill({ billId: "b_2", purchaseOrderId: "po", date: "2026-03-02", lines: [{ lineId: "1", quantity: 20, unitPrice: "2" }] });
    // grn_1 takes b_1's 30; grn_2 takes 10 of b_2's 20, whose other 10 are still awaited.
    await sk.purchasing.receiveGoods({ receiptId: "grn_1", purchaseOrderId: "po", lines: [{ lineId: "1", quantity: 30 }] });
    await sk.purchasing.receiveGoods({ receiptId: "grn_2", purchaseOrderId: "po", lines: [{ lineId: "1", quantity: 10 }] });
    const line = (await sk.purchasing.order("po"))!.lines[0]!;
    expect(line.receipts.map((r) => [r.receiptId, r.billedAheadBy])).toEqual([["grn_1", [{ billId: "b_1", quantity: "30" }]], ["grn_2", [{ billId: "b_2", quantity: "10" }]]]);
    expect(line.ahead).toEqual({ quantity: "10", value: "20", bills: [{ billId: "b_2", billed: "20", awaited: "10" }] });
    clock.set("2026-03-06T10:00:00.000Z");
    // b_2: 2% of 47.60 = 0.95, 0.80 net of tax: half onto its 10 awaited, half off grn_2 — none off grn_1, which took b_1's units.
    const paid = await sk.purchasing.paySupplier({ paymentId: "p_2", supplierId: "sup", billIds: ["b_2"] });
    expect(paid).toMatchObject({ discount: "0.95", discountOnStock: "0.8" });
    const events = await sk.store.readEvents(null, 10_000);
    const discount = (events.find((e) => e.type === "SupplierPaid")!.payload as { discount: { onStock: { receiptId: string; value: { amount: string } }[]; onAhead: { value: { amount: string } }[] } }).discount;
    expect(discount.onStock.map((p) => [p.receiptId, p.value.amount])).toEqual([["grn_2", "0.4"]]);
    expect(discount.onAhead.map((p) => p.value.amount)).toEqual(["0.4"]);
    // b_1's units have all come in: its whole discount (1.20 net) comes off grn_1.
    const paid1 = await sk.purchasing.paySupplier({ paymentId: "p_1", supplierId: "sup", billIds: ["b_1"] });
    expect(paid1).toMatchObject({ discountOnStock: "1.2" });
    const all = await sk.store.readEvents(null, 10_000);
    const first = (all.filter((e) => e.type === "SupplierPaid")[1]!.payload as { discount: { onStock: { receiptId: string; value: { amount: string } }[]; onAhead?: unknown[] } }).discount;
    expect(first.onStock.map((p) => [p.receiptId, p.value.amount])).toEqual([["grn_1", "1.2"]]);
    expect(first.onAhead ?? []).toEqual([]);
    // The last 10 come in at what b_2 billed less their share: GRNI clears, nothing stays in the purchase price difference.
    await sk.purchasing.receiveGoods({ receiptId: "grn_3", purchaseOrderId: "po", lines: [{ lineId: "1", quantity: 10 }] });
    const b = await books(sk);
    expect(b["2150"] ?? "0").toBe("0");
    expect(b["5200"]).toBeUndefined();
    expect(await stockValue(sk)).toEqual({ TEE: "98" });
    await sk.close();
  });

  it("goods billed ahead that came in and partly went back to the supplier before the payment: the share of those sent back stays in purchase price difference", async () => {
    const { sk, clock } = memory({ approvalLimit: "100000", tax, cashDiscounts: "stock", billBeforeReceipt: "allow" });
    await setUp(sk);
    await billedAhead(sk);
    await sk.purchasing.receiveGoods({ receiptId: "grn_1", purchaseOrderId: "po", lines: [{ lineId: "1", quantity: 50 }] });
    // 10 go back by a debit note (23.80 owed back).
    await sk.purchasing.returnToSupplier({ returnId: "r_1", purchaseOrderId: "po", lines: [{ lineId: "1", quantity: 10 }] });
    clock.set("2026-03-06T10:00:00.000Z");
    expect(await sk.purchasing.paySupplier({ paymentId: "p_1", supplierId: "sup", billIds: ["b_po"] })).toMatchObject({ discount: "2.38", discountOnStock: "2" });
    // 2.00 over the 50 received: 0.40 for the 10 sent back stays in purchase price difference, 1.60 off the 40 kept (80 → 78.40).
    expect(await stockValue(sk)).toEqual({ TEE: "78.4" });
    const b = await books(sk);
    expect(b["5200"]).toBe("-0.4");
    expect(b["5100"]).toBeUndefined();
    await sk.close();
  });

  it("a foreign-currency bill: the discount on stock at the payment's rate, the parts adding up to the functional discount", async () => {
    const { sk, clock } = memory({ approvalLimit: "100000", cashDiscounts: "stock" });
    await setUp(sk, "fifo", "USD");
    await billed(sk);
    clock.set("2026-03-10T10:00:00.000Z");
    // 2% of 200 USD = 4 USD at 0.92 (the rate of 2026-03-10) = 3.68 EUR, 1.84 each.
    const paid = await sk.purchasing.paySupplier({ paymentId: "p_1", supplierId: "sup", billIds: ["b_po"] });
    expect(paid).toMatchObject({ amount: "196", discount: "4", rate: "0.92" });
    const b = await books(sk);
    expect(b["5200"]).toBeUndefined();
    // Received at 0.9: 90 + 90 = 180, less 3.68.
    expect(await stockValue(sk)).toEqual({ MUG: "88.16", TEE: "88.16" });
    expect(b["1300"]).toBe("176.32");
    expect(b["2100"]).toBeUndefined();
  });

  it("a foreign-currency bill ahead of the goods: the part on the goods awaited at the payment's rate lowers what they come in at, and GRNI clears", async () => {
    const { sk, clock } = memory({ approvalLimit: "100000", cashDiscounts: "stock", billBeforeReceipt: "allow" });
    await setUp(sk, "fifo", "USD");
    await billedAhead(sk);
    clock.set("2026-03-10T10:00:00.000Z");
    // 2% of 100 USD = 2 USD at 0.92 = 1.84 EUR onto the 50 TEE billed ahead at 90 EUR (0.9).
    expect(await sk.purchasing.paySupplier({ paymentId: "p_1", supplierId: "sup", billIds: ["b_po"] })).toMatchObject({ discount: "2", discountOnStock: "2", rate: "0.92" });
    await sk.purchasing.receiveGoods({ receiptId: "grn_1", purchaseOrderId: "po", lines: [{ lineId: "1", quantity: 50 }] });
    expect(await stockValue(sk)).toEqual({ TEE: "88.16" });
    const b = await books(sk);
    expect(b["2150"] ?? "0").toBe("0");
    expect(b["5200"]).toBeUndefined();
    const tb = await sk.finance.trialBalance({ asOf: "2026-12-31" });
    expect(new Decimal(tb.totals.debit).eq(tb.totals.credit)).toBe(true);
    await sk.close();
  });

  it("several bills in one payment: each bill's discount on its own goods", async () => {
    const { sk, clock } = memory({ approvalLimit: "100000", tax, cashDiscounts: "stock" });
    await setUp(sk);
    await billed(sk, "po1");
    await sk.purchasing.createOrder({ purchaseOrderId: "po2", supplierId: "sup", warehouseId: "wh", lines: [{ sku: "MUG", quantity: 10, unitPrice: "3" }] });
    await sk.purchasing.sendOrder({ purchaseOrderId: "po2" });
    await sk.purchasing.receiveGoods({ receiptId: "grn_po2", purchaseOrderId: "po2", lines: [{ lineId: "1", quantity: 10 }] });
    await sk.purchasing.recordBill({ billId: "b_po2", purchaseOrderId: "po2", date: "2026-03-02", lines: [{ lineId: "1", quantity: 10, unitPrice: "3" }] });
    clock.set("2026-03-04T10:00:00.000Z");
    // 2% of 35.70 = 0.71 (0.11 tax, 0.60 net) on po2's 10 MUG.
    const paid = await sk.purchasing.paySupplier({ paymentId: "p_1", supplierId: "sup", billIds: ["b_po1", "b_po2"] });
    expect(paid.discount).toBe("5.47");
    const b = await books(sk);
    expect(b["5200"]).toBeUndefined();
    expect(await stockValue(sk)).toEqual({ MUG: "127.4", TEE: "98" });
    expect((await sk.inventory.issue({ sku: "MUG", warehouseId: "wh", quantity: "100" })).amount).toBe("98");
  });

  it("a landed-cost bill's discount comes off the receipts its freight went onto, in the shares it went on; the landed-cost clearing account ends at zero", async () => {
    const { sk, clock } = memory({ approvalLimit: "100000", cashDiscounts: "stock" });
    await sk.inventory.defineWarehouse({ warehouseId: "wh" });
    await sk.inventory.defineProduct({ sku: "MUG", costingMethod: "fifo" });
    await sk.inventory.defineProduct({ sku: "TEE", costingMethod: "moving-average" });
    await sk.purchasing.defineSupplier({ supplierId: "sup", currency: "EUR", leadTimeDays: 7, taxTreatment: "none" });
    await sk.purchasing.defineSupplier({ supplierId: "dhl", currency: "EUR", leadTimeDays: 1, taxTreatment: "none", paymentTerms: { netDays: 30, discountDays: 10, discountPercent: "0.02" } });
    await sk.purchasing.createOrder({ purchaseOrderId: "po", supplierId: "sup", warehouseId: "wh", lines: [{ sku: "MUG", quantity: 10, unitPrice: "3" }, { sku: "TEE", quantity: 30, unitPrice: "1" }] });
    await sk.purchasing.sendOrder({ purchaseOrderId: "po" });
    await sk.purchasing.receiveGoods({ receiptId: "g1", purchaseOrderId: "po", lines: [{ lineId: "1", quantity: 10 }, { lineId: "2", quantity: 30 }] });
    // 40 units of freight by quantity: 2.50 on the MUGs, 7.50 on the TEEs.
    await sk.purchasing.recordLandedCost({ landedCostId: "lc1", supplierId: "dhl", receiptIds: ["g1"], basis: "quantity", net: "10" });
    clock.set("2026-03-03T09:00:00.000Z");
    await sk.inventory.issue({ sku: "MUG", warehouseId: "wh", quantity: "4" });
    clock.set("2026-03-05T09:00:00.000Z");
    // 2% of 10 = 0.20: 0.05 off the MUGs (0.03 on hand, 0.02 sold), 0.15 off the TEEs.
    const paid = await sk.purchasing.paySupplier({ paymentId: "p_lc", supplierId: "dhl", billIds: ["lc1"] });
    expect(paid).toMatchObject({ amount: "9.8", discount: "0.2", discountOnStock: "0.2" });
    const b = await books(sk);
    expect(b["5200"]).toBeUndefined();
    expect(b["1450"]).toBeUndefined();
    expect(await stockValue(sk)).toEqual({ MUG: "19.47", TEE: "37.35" });
    expect(b["5100"]).toBe("12.98");
  });

  it("a payment replayed under its id revalues nothing twice", async () => {
    const { sk, clock } = memory({ approvalLimit: "100000", tax, cashDiscounts: "stock" });
    await setUp(sk);
    await billed(sk);
    clock.set("2026-03-10T10:00:00.000Z");
    await sk.purchasing.paySupplier({ paymentId: "p_1", supplierId: "sup", billIds: ["b_po"] });
    await sk.purchasing.paySupplier({ paymentId: "p_1", supplierId: "sup", billIds: ["b_po"] });
    expect(await stockValue(sk)).toEqual({ MUG: "98", TEE: "98" });
  });

  it("an unknown setting is refused naming the two", async () => {
    expect(await codeOf(async () => createStorekeep({ store: memoryStore(), purchasing: { cashDiscounts: "cost" as never } }))).toBe("VALIDATION_FAILED");
    expect(() => createStorekeep({ store: memoryStore(), purchasing: { cashDiscounts: "cost" as never } })).toThrow(/"account".*"stock"/);
  });
});
