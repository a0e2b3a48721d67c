import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KINDS, balance, pgliteHolder, shop } from "./helpers.js";

/*
 * Approving a held bill matches it again: a bill held for its price, which receipts
 * covered when it came in but no longer do because a later bill took those receipts, gains
 * a quantity reason the approver has not seen; the approval then leaves it held with its
 * current reasons and posts nothing. (Found by the buckets property, seed -514564334:
 * receive 3 + 5, bill 1 at 2.10 — held, price —, bill 8 at 2.00, approve the held bill →
 * billed 9 of 8 received.)
 */

const pg = pgliteHolder();
beforeAll(() => pg.start(), 60_000);
afterAll(() => pg.stop());

/** A shop with purchase order `po` (10 × A at 2.00 from supplier `s`) approved and sent. */
async function sentOrder(kind: (typeof KINDS)[number]) {
  const { sk } = shop(kind, pg.get, pg.schema, { receiptTolerance: "0.1", priceTolerance: "0.01" });
  await sk.inventory.defineWarehouse({ warehouseId: "wh" });
  await sk.inventory.defineProduct({ sku: "A", costingMethod: "fifo" });
  await sk.purchasing.defineSupplier({ supplierId: "s", currency: "EUR", leadTimeDays: 3 });
  await sk.purchasing.createOrder({ purchaseOrderId: "po", supplierId: "s", warehouseId: "wh", lines: [{ sku: "A", quantity: 10, unitPrice: "2" }] });
  await sk.purchasing.approveOrder({ purchaseOrderId: "po", approver: "ann" });
  await sk.purchasing.sendOrder({ purchaseOrderId: "po" });
  return sk;
}

for (const kind of KINDS) {
  describe(`approveBill re-matches (${kind})`, () => {
    it("a price-held bill whose quantity is no longer covered stays held with the new reason; a second approval accepts it", async () => {
      const sk = await sentOrder(kind);
      await sk.purchasing.receiveGoods({ receiptId: "grn_1", purchaseOrderId: "po", lines: [{ lineId: "1", quantity: 3 }] });
      await sk.purchasing.receiveGoods({ receiptId: "grn_2", purchaseOrderId: "po", lines: [{ lineId: "1", quantity: 5 }] });
      const held = await sk.purchasing.recordBill({ billId: "b_1", purchaseOrderId: "po", lines: [{ lineId: "1", quantity: 1, unitPrice: "2.10" }] });
      expect(held.status).toBe("held");
      expect(held.reasons.map((r) => r.kind)).toEqual(["price"]);
      const matched = await sk.purchasing.recordBill({ billId: "b_2", purchaseOrderId: "po", lines: [{ lineId: "1", quantity: 8, unitPrice: "2" }] });
      expect(matched.status).toBe("posted");

      const first = await sk.purchasing.approveBill({ billId: "b_1", approver: "ann" });
      expect(first.status).toBe("held");
      expect(first.approvedBy).toBeNull();
      expect(first.reasons.map((r) => r.kind).sort()).toEqual(["not-received", "price"]);
      let order = (await sk.purchasing.order("po"))!;
      expect([order.lines[0]!.billed, order.lines[0]!.received]).toEqual(["8", "8"]);
      expect(await balance(sk, "2100")).toBe("-16");

      const second = await sk.purchasing.approveBill({ billId: "b_1", approver: "bob" });
      expect(second.status).toBe("posted");
      expect(second.approvedBy).toBe("bob");
      order = (await sk.purchasing.order("po"))!;
      expect(order.lines[0]!.billed).toBe("9");
      expect(await balance(sk, "2100")).toBe("-18.1");
    }, 60_000);

    it("an approval naming the reasons its approver saw accepts no others: submitted twice it stays held, and posts once the new reason is named", async () => {
      const sk = await sentOrder(kind);
      await sk.purchasing.receiveGoods({ receiptId: "grn_1", purchaseOrderId: "po", lines: [{ lineId: "1", quantity: 8 }] });
      const held = await sk.purchasing.recordBill({ billId: "b_1", purchaseOrderId: "po", lines: [{ lineId: "1", quantity: 1, unitPrice: "2.10" }] });
      await sk.purchasing.recordBill({ billId: "b_2", purchaseOrderId: "po", lines: [{ lineId: "1", quantity: 8, unitPrice: "2" }] });
      // The approver's screen showed the price reason; the request is sent twice.
      const seen = held.reasons.map((r) => ({ lineId: r.lineId, kind: r.kind }));
      for (const approver of ["ann", "ann"]) {
        const again = await sk.purchasing.approveBill({ billId: "b_1", approver, reasons: seen });
        expect([again.status, again.approvedBy]).toEqual(["held", null]);
        expect(again.reasons.map((r) => r.kind).sort()).toEqual(["not-received", "price"]);
      }
      expect((await sk.purchasing.order("po"))!.lines[0]!.billed).toBe("8");
      // Shown the new reason, the approver accepts both.
      const now = (await sk.purchasing.bill("b_1"))!;
      const posted = await sk.purchasing.approveBill({ billId: "b_1", approver: "bob", reasons: now.reasons });
      expect([posted.status, posted.approvedBy]).toEqual(["posted", "bob"]);
      expect((await sk.purchasing.order("po"))!.lines[0]!.billed).toBe("9");
      await expect(sk.purchasing.approveBill({ billId: "b_2", approver: "bob", reasons: [{ lineId: "1", kind: "late" as never }] })).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
    }, 60_000);
  });
}
