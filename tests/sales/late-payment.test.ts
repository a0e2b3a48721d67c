import { describe, expect, it } from "vitest";
import type { Storekeep } from "../../src/storekeep.js";
import { USD_RATES, balance, booksAgree, sharedPglite, shop, stock, storeOf } from "./setup.js";

/*
 * A late payment of a written-off debt (capturePayment with its amount after finance wrote the
 * invoice off as a bad debt) is a recovery: finance writes back that much of the write-off
 * (Dr Receivables / Cr Bad debts), and the capture pays the reopened invoice. It used to stay an
 * open credit on the customer's account (the capture's item), which no later invoice took —
 * sales counts the written-off part as owed, so its receivable was not a credit and the next
 * invoice named no `appliesPayments` — leaving the customer owing on that invoice while the
 * credit stayed open beside it. Found by the whole-shop simulator (seed 2080).
 *
 * The order (on-shipment): MUG ×3 at 10.00 + 19% = 35.70 for cus_1. One mug ships on 2 March
 * (invoice 11.90, at 0.90 in USD) and is written off at once; 5.00 is paid late on 5 March
 * (0.92); the other two ship (invoice 23.80) and are paid on 10 March (0.95).
 */

const db = sharedPglite();

async function openOf(sk: Storekeep): Promise<string[][]> {
  return (await sk.finance.openItems({ ledger: "receivables", party: "cus_1", openOnly: true })).map((i) => [i.documentId, i.openAmount]);
}

for (const kind of ["memory", "pglite"] as const) {
  describe(`${kind}: a late payment of a written-off debt`, () => {
    it.each([
      ["EUR", "6.90"],
      ["USD", "6.21"],
    ] as const)("%s: recovers that much of the bad debt (6300 down to %s), leaves no credit open beside the next invoice, and the default capture then clears the order", async (currency, badDebt) => {
      const { sk, clock } = shop(storeOf(kind, db), { invoicing: "on-shipment" }, USD_RATES);
      await stock(sk);
      await sk.sales.placeOrder({ orderId: "ord_1", customerId: "cus_1", currency, warehouseId: "wh", lines: [{ sku: "MUG", quantity: 3, unitPrice: "10" }] });
      await sk.sales.shipOrder({ orderId: "ord_1", shipmentId: "shp_1", lines: [{ lineId: "1", quantity: "1" }] });
      await sk.finance.writeOff({ ledger: "receivables", documentId: "INV2026-000001", reason: "bad-debt", date: "2026-03-02" });
      clock.set("2026-03-05T10:00:00.000Z");
      await sk.sales.capturePayment({ orderId: "ord_1", paymentId: "ch_1", amount: "5" });
      // 5.00 of the 11.90 written off is recovered: nothing is open, 6.90 stays written off.
      expect(await openOf(sk)).toEqual([]);
      expect(await balance(sk, "6300")).toBe(badDebt);
      let view = (await sk.sales.order("ord_1"))!;
      expect([view.writtenOff, view.leftToPay]).toEqual(["6.9", "23.8"]);
      await sk.sales.shipOrder({ orderId: "ord_1", shipmentId: "shp_2", lines: [{ lineId: "1", quantity: "2" }] });
      // The customer owes the second invoice, and no credit of theirs is open beside it.
      expect(await openOf(sk)).toEqual([["INV2026-000002", "23.8"]]);
      clock.set("2026-03-10T10:00:00.000Z");
      expect(await sk.sales.capturePayment({ orderId: "ord_1", paymentId: "ch_2" })).toMatchObject({ amount: "23.8" });
      expect(await openOf(sk)).toEqual([]);
      expect(await balance(sk, "1200")).toBe("0.00");
      view = (await sk.sales.order("ord_1"))!;
      expect([view.writtenOff, view.leftToPay, view.statuses.payment]).toEqual(["6.9", "0", "written-off"]);
      await booksAgree(sk);
    });
  });
}
