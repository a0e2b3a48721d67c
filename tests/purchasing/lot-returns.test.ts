import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Storekeep } from "../../src/storekeep.js";
import { KINDS, books, pgliteHolder, shop } from "./helpers.js";

const pg = pgliteHolder();
beforeAll(() => pg.start(), 60_000);
afterAll(() => pg.stop());

/*
 * A return naming a lot sends back the units that lot's receipts brought in: they are billed or
 * not as their receipt is. Before, a return took units not yet billed first whatever lot it
 * named, so a billed lot sent back reversed GRNI of another receipt instead of raising a debit
 * note, and that receipt's bill was then held for a quantity its goods, all still on hand, did
 * not lack.
 */

/** 60 MILK of lot A (grn_a) and 40 of lot B (grn_b) at 1; grn_a billed at 1.20. */
async function setUp(sk: Storekeep): Promise<void> {
  await sk.inventory.defineWarehouse({ warehouseId: "wh" });
  await sk.inventory.defineProduct({ sku: "MILK", costingMethod: "fifo", tracking: "lot" });
  await sk.purchasing.defineSupplier({ supplierId: "s", currency: "EUR", leadTimeDays: 3, taxTreatment: "none" });
  await sk.purchasing.createOrder({ purchaseOrderId: "po", supplierId: "s", warehouseId: "wh", lines: [{ sku: "MILK", quantity: 100, unitPrice: "1" }] });
  await sk.purchasing.sendOrder({ purchaseOrderId: "po" });
  await sk.purchasing.receiveGoods({ receiptId: "grn_a", purchaseOrderId: "po", lines: [{ lineId: "1", quantity: 60, lot: "A", expiry: "2026-05-01" }] });
  await sk.purchasing.receiveGoods({ receiptId: "grn_b", purchaseOrderId: "po", lines: [{ lineId: "1", quantity: 40, lot: "B", expiry: "2026-06-01" }] });
  const bill = await sk.purchasing.recordBill({ billId: "b_a", purchaseOrderId: "po", lines: [{ lineId: "1", quantity: 60, unitPrice: "1.2" }] });
  if (bill.status === "held") await sk.purchasing.approveBill({ billId: "b_a", approver: "ann" });
}

async function lots(sk: Storekeep): Promise<Record<string, string>> {
  return Object.fromEntries((await sk.inventory.onHand({ sku: "MILK" })).map((r) => [r.lot!, r.quantity]));
}

describe.each(KINDS)("returns to the supplier naming a lot on %s", (kind) => {
  it("a billed lot goes back against a debit note at its billed price; GRNI of the other lot stays, whose bill then matches", async () => {
    const { sk } = shop(kind, pg.get, pg.schema, { approvalLimit: "100000" });
    await setUp(sk);
    expect(await books(sk)).toMatchObject({ "1300": "112", "2100": "-72", "2150": "-40" });
    const debit = await sk.purchasing.returnToSupplier({ returnId: "sr", purchaseOrderId: "po", lines: [{ lineId: "1", quantity: 10, lot: "A" }] });
    expect(debit).toMatchObject({ net: "12", gross: "12", grniValue: "0" });
    expect(await lots(sk)).toEqual({ A: "50", B: "40" });
    // Lot A leaves at its revalued 1.20, against the debit note's 12: nothing left in the purchase price difference.
    const b = await books(sk);
    expect(b).toMatchObject({ "1300": "100", "2100": "-60", "2150": "-40" });
    expect(b["5200"]).toBeUndefined();
    const line = (await sk.purchasing.order("po"))!.lines[0]!;
    expect([line.returned, line.returnedUnbilled ?? "0"]).toEqual(["10", "0"]);
    expect(line.receipts.map((r) => [r.receiptId, r.lot, r.returnedBilled ?? "0", r.returnedQuantity ?? "0"])).toEqual([["grn_a", "A", "10", "0"], ["grn_b", "B", "0", "0"]]);
    // The bill for lot B's 40 matches what came in and clears GRNI.
    const bill = await sk.purchasing.recordBill({ billId: "b_b", purchaseOrderId: "po", lines: [{ lineId: "1", quantity: 40, unitPrice: "1" }] });
    expect(bill.status).toBe("posted");
    const after = await books(sk);
    expect(after["2150"]).toBeUndefined();
    expect(after["5200"]).toBeUndefined();
    expect((await sk.inventory.audit()).ok).toBe(true);
    await sk.close();
  });

  it("an unbilled lot goes back against GRNI at its receipt's value, and the billed lot's bill stays whole", async () => {
    const { sk } = shop(kind, pg.get, pg.schema, { approvalLimit: "100000" });
    await setUp(sk);
    const r = await sk.purchasing.returnToSupplier({ returnId: "sr", purchaseOrderId: "po", lines: [{ lineId: "1", quantity: 5, lot: "B" }] });
    expect(r).toMatchObject({ net: "0", grniValue: "5" });
    expect(await lots(sk)).toEqual({ A: "60", B: "35" });
    // GRNI gives back lot B's 5 at its receipt's 1 and the bill of lot A stays whole. (Cost layers
    // are the SKU's, first in, first out, whatever the lot: the 5 leave at the oldest layer's 1.20,
    // and the 1.00 between is a purchase price difference, as for a return naming no lot.)
    const b = await books(sk);
    expect(b).toMatchObject({ "1300": "106", "2100": "-72", "2150": "-35", "5200": "1" });
    const line = (await sk.purchasing.order("po"))!.lines[0]!;
    expect([line.returned, line.returnedUnbilled]).toEqual(["0", "5"]);
    expect(line.receipts.map((r) => [r.receiptId, r.returnedQuantity ?? "0"])).toEqual([["grn_a", "0"], ["grn_b", "5"]]);
    // The bill for lot B's 35 kept matches.
    expect((await sk.purchasing.recordBill({ billId: "b_b", purchaseOrderId: "po", lines: [{ lineId: "1", quantity: 35, unitPrice: "1" }] })).status).toBe("posted");
    expect((await books(sk))["2150"]).toBeUndefined();
    await sk.close();
  });

  it("a landed cost after a billed lot went back finds the returned units on that lot's receipt", async () => {
    const { sk } = shop(kind, pg.get, pg.schema, { approvalLimit: "100000" });
    await setUp(sk);
    await sk.purchasing.recordBill({ billId: "b_b", purchaseOrderId: "po", lines: [{ lineId: "1", quantity: 40, unitPrice: "1" }] });
    // Lot B was billed at 1.00 (lot A at 1.20): its debit note asks for 10.00 back, not the line's average 1.12 a unit.
    expect(await sk.purchasing.returnToSupplier({ returnId: "sr", purchaseOrderId: "po", lines: [{ lineId: "1", quantity: 10, lot: "B" }] })).toMatchObject({ net: "10", gross: "10" });
    await sk.purchasing.recordLandedCost({ landedCostId: "lc", supplierId: "s", receiptIds: ["grn_a", "grn_b"], basis: "quantity", net: "10" });
    const events = await sk.store.readEvents(null, 10_000);
    const landed = events.find((e) => e.type === "LandedCostRecorded")!.payload as { returned?: { receiptId: string; quantity: string }[] };
    // Lot B's ten were on grn_b; a first-in-first-out reading would have put them on grn_a.
    expect(landed.returned).toEqual([expect.objectContaining({ receiptId: "grn_b", quantity: "10" })]);
    // 4.00 of the freight on grn_b's 40, a quarter of it on the units sent back: 1.00 to the purchase
    // price difference, beside the 2.00 the return left there (cost layers are the SKU's: the ten
    // left at the oldest layer's 1.20 against the debit note's 1.00).
    const b = await books(sk);
    expect(b["5200"]).toBe("3");
    expect(b["2100"]).toBe(String(-(72 + 40 - 10 + 10)));
    // Ten of lot A go back at what A was billed, 1.20; the line's billed net less its debit notes is what is left.
    expect(await sk.purchasing.returnToSupplier({ returnId: "sr2", purchaseOrderId: "po", lines: [{ lineId: "1", quantity: 10, lot: "A" }] })).toMatchObject({ net: "12" });
    const line = (await sk.purchasing.order("po"))!.lines[0]!;
    expect([line.billedNet, line.returnedNet]).toEqual(["112", "22"]);
    expect(line.receipts.map((r) => [r.receiptId, r.billedNet, r.returnedNet])).toEqual([["grn_a", "72", "12"], ["grn_b", "40", "10"]]);
    expect((await sk.inventory.audit()).ok).toBe(true);
    await sk.close();
  });
});
