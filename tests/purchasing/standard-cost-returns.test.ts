import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Storekeep } from "../../src/storekeep.js";
import { KINDS, books, pgliteHolder, shop } from "./helpers.js";

const pg = pgliteHolder();
beforeAll(() => pg.start(), 60_000);
afterAll(() => pg.stop());

/*
 * A standard-cost SKU is carried at its standard; what it was bought at beyond that is a
 * purchase price variance (5210), booked at the receipt and the bill. Sent back to the
 * supplier, its units leave stock at standard while the return credits what they were bought
 * at: the difference is their variance, reversed from 5210 — nothing of a standard-cost SKU
 * stays in the purchase price difference (5200).
 */

async function setUp(sk: Storekeep): Promise<void> {
  await sk.inventory.defineWarehouse({ warehouseId: "wh" });
  await sk.inventory.defineProduct({ sku: "BOLT", costingMethod: "standard", standardCost: "1" });
  await sk.inventory.defineProduct({ sku: "MUG", costingMethod: "fifo" });
  await sk.purchasing.defineSupplier({ supplierId: "s", currency: "EUR", leadTimeDays: 3, taxTreatment: "none" });
  // 100 BOLT ordered at 1.20 (standard 1) and 10 MUG at 2, received in full.
  await sk.purchasing.createOrder({ purchaseOrderId: "po", supplierId: "s", warehouseId: "wh", lines: [{ sku: "BOLT", quantity: 100, unitPrice: "1.2" }, { sku: "MUG", quantity: 10, unitPrice: "2" }] });
  await sk.purchasing.sendOrder({ purchaseOrderId: "po" });
  await sk.purchasing.receiveGoods({ receiptId: "grn", purchaseOrderId: "po", lines: [{ lineId: "1", quantity: 100 }, { lineId: "2", quantity: 10 }] });
}

async function returnVariances(sk: Storekeep): Promise<{ sku: string; postings: { role: string; amount: { amount: string } }[] }[]> {
  const events = await sk.store.readEvents(null, 10_000);
  return events.filter((e) => e.type === "StockRevalued" && (e.payload as { source: { type: string } }).source.type === "supplier-return").map((e) => e.payload as never);
}

describe.each(KINDS)("standard-cost goods sent back to the supplier on %s", (kind) => {
  it("after the bill: the debit note's price less the standard reverses the variance; nothing stays in the purchase price difference", async () => {
    const { sk } = shop(kind, pg.get, pg.schema, { approvalLimit: "100000" });
    await setUp(sk);
    // The receipt booked 100 × 0.20 of variance; the bill at the order's price matches it.
    await sk.purchasing.recordBill({ billId: "b", purchaseOrderId: "po", lines: [{ lineId: "1", quantity: 100, unitPrice: "1.2" }, { lineId: "2", quantity: 10, unitPrice: "2" }] });
    expect(await books(sk)).toMatchObject({ "1300": "120", "2100": "-140", "5210": "20" });
    const debit = await sk.purchasing.returnToSupplier({ returnId: "sr", purchaseOrderId: "po", lines: [{ lineId: "1", quantity: 10 }, { lineId: "2", quantity: 2 }] });
    expect(debit).toMatchObject({ net: "16", gross: "16" });
    // 10 BOLT leave at standard (10), credited at 12: 2 of variance reversed. MUG leaves at its FIFO cost, 4, credited at 4.
    const b = await books(sk);
    expect(b).toMatchObject({ "1300": "106", "2100": "-124", "5210": "18" });
    expect(b["5200"]).toBeUndefined();
    expect(await returnVariances(sk)).toEqual([
      expect.objectContaining({ sku: "BOLT", postings: [{ role: "purchase-price-difference", amount: { amount: "2", currency: "EUR" } }, { role: "purchase-price-variance", amount: { amount: "-2", currency: "EUR" } }] }),
    ]);
    expect((await sk.inventory.audit()).ok).toBe(true);
    await sk.close();
  });

  it("before the bill: GRNI's value less the standard reverses the variance the receipt booked", async () => {
    const { sk } = shop(kind, pg.get, pg.schema, { approvalLimit: "100000" });
    await setUp(sk);
    expect(await books(sk)).toMatchObject({ "1300": "120", "2150": "-140", "5210": "20" });
    const r = await sk.purchasing.returnToSupplier({ returnId: "sr", purchaseOrderId: "po", lines: [{ lineId: "1", quantity: 25 }] });
    expect(r).toMatchObject({ net: "0", grniValue: "30" });
    // GRNI gives back 25 × 1.20; stock 25 × 1: 5 of the receipt's variance reversed.
    const b = await books(sk);
    expect(b).toMatchObject({ "1300": "95", "2150": "-110", "5210": "15" });
    expect(b["5200"]).toBeUndefined();
    // The bill for what was kept clears GRNI, and the books stay free of a purchase price difference.
    await sk.purchasing.recordBill({ billId: "b", purchaseOrderId: "po", lines: [{ lineId: "1", quantity: 75, unitPrice: "1.2" }, { lineId: "2", quantity: 10, unitPrice: "2" }] });
    const after = await books(sk);
    expect(after).toMatchObject({ "1300": "95", "2100": "-110", "5210": "15" });
    expect(after["2150"]).toBeUndefined();
    expect(after["5200"]).toBeUndefined();
    await sk.close();
  });

  it("a bill above the order's price, then a return: the variance of the units sent back is reversed at the billed price", async () => {
    const { sk } = shop(kind, pg.get, pg.schema, { approvalLimit: "100000" });
    await setUp(sk);
    const held = await sk.purchasing.recordBill({ billId: "b", purchaseOrderId: "po", lines: [{ lineId: "1", quantity: 100, unitPrice: "1.3" }, { lineId: "2", quantity: 10, unitPrice: "2" }] });
    expect(held.status).toBe("held");
    await sk.purchasing.approveBill({ billId: "b", approver: "ann" });
    // 100 × 0.30 of variance in all.
    expect(await books(sk)).toMatchObject({ "1300": "120", "2100": "-150", "5210": "30" });
    await sk.purchasing.returnToSupplier({ returnId: "sr", purchaseOrderId: "po", lines: [{ lineId: "1", quantity: 40 }] });
    const b = await books(sk);
    // 40 × 1.30 = 52 credited, 40 at standard out: 12 reversed; 60 × 0.30 = 18 stay.
    expect(b).toMatchObject({ "1300": "80", "2100": "-98", "5210": "18" });
    expect(b["5200"]).toBeUndefined();
    await sk.close();
  });
});
