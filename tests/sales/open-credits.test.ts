import { describe, expect, it } from "vitest";
import { Decimal } from "../../src/kernel/decimal.js";
import type { Storekeep } from "../../src/storekeep.js";
import { USD_RATES, balance, booksAgree, sharedPglite, shop, stock, storeOf } from "./setup.js";

/*
 * The order's credits and finance's open items (issue 10, docs/orders.md "Not yet"): an edit's
 * correction credit left for a later shipment, a write-off followed by a cancellation or a
 * return, and an edit's surplus refund after finance wrote a credit off. Each test failed
 * before its fix.
 */

const db = sharedPglite();

/** The customer's open receivables as [document, open amount, open functional]. */
async function openOf(sk: Storekeep, party: string): Promise<string[][]> {
  return (await sk.finance.openItems({ ledger: "receivables", party, openOnly: true })).map((i) => [i.documentId, i.openAmount, i.openFunctional]);
}

for (const kind of ["memory", "pglite"] as const) {
  describe(`${kind}: an edit that refunds a surplus before the rest of an on-shipment order ships`, () => {
    /** MUG ×2 and TEE ×2 at 10.00 + 19% = 47.60, paid ahead; the MUGs ship (INV…1); the edit drops a TEE: 35.70, 11.90 refunded. */
    async function editedBeforeTheRest(currency: "EUR" | "USD"): Promise<{ sk: Storekeep; clock: ReturnType<typeof shop>["clock"] }> {
      const { sk, clock } = shop(storeOf(kind, db), { invoicing: "on-shipment" }, USD_RATES);
      await stock(sk, ["MUG", "TEE"]);
      await sk.sales.placeOrder({ orderId: "ord_1", customerId: "cus_1", currency, warehouseId: "wh", lines: [{ sku: "MUG", quantity: 2, unitPrice: "10" }, { sku: "TEE", quantity: 2, unitPrice: "10" }] });
      await sk.sales.capturePayment({ orderId: "ord_1", paymentId: "ch_1" });
      await sk.sales.shipOrder({ orderId: "ord_1", shipmentId: "shp_1", lines: [{ lineId: "1", quantity: "2" }] });
      clock.set("2026-03-05T10:00:00.000Z");
      const edited = await sk.sales.editOrder({ orderId: "ord_1", changes: [{ lineId: "2", quantity: 1 }], refund: { refundId: "re_1" } });
      expect(edited).toMatchObject({ total: "35.7", creditNoteId: "CN2026-000001", invoiceId: "INV2026-000002", refundId: "re_1", balanceDue: "0" });
      // Until the TEE ships, the credit the correction left is the customer's money for it.
      expect((await openOf(sk, "cus_1")).map((i) => i.slice(0, 2))).toEqual([["CN2026-000001", "-11.9"]]);
      return { sk, clock };
    }

    it("EUR: the later shipment's invoice takes the correction credit in the same command — nothing stays open (was: CN −11.90 and INV +11.90 open until finance.allocate)", async () => {
      const { sk, clock } = await editedBeforeTheRest("EUR");
      clock.set("2026-03-10T10:00:00.000Z");
      const shipped = await sk.sales.shipOrder({ orderId: "ord_1", shipmentId: "shp_2" });
      expect(shipped.invoiceId).toBe("INV2026-000003");
      expect(await openOf(sk, "cus_1")).toEqual([]);
      // Recorded as an allocation on both items, each naming the other.
      const items = await sk.finance.openItems({ ledger: "receivables", party: "cus_1" });
      const settlement = (id: string) => items.find((i) => i.documentId === id)!.settlements.at(-1);
      expect(settlement("INV2026-000003")).toMatchObject({ kind: "allocation", documentId: "CN2026-000001", amount: "11.9" });
      expect(settlement("CN2026-000001")).toMatchObject({ kind: "allocation", documentId: "INV2026-000003", amount: "-11.9" });
      const aging = await sk.finance.aging({ ledger: "receivables", asOf: "2026-03-31", buckets: [30, 60, 90] });
      expect(aging.total).toBe("0");
      expect(await balance(sk, "1200")).toBe("0.00");
      const view = (await sk.sales.order("ord_1"))!;
      expect([view.statuses.payment, view.statuses.fulfilment, view.leftToPay, view.refundDue]).toEqual(["paid", "shipped", "0", "0"]);
      await booksAgree(sk);
    });

    it("USD: the credit booked at 0.90 pays the 0.95 invoice at its booked value, the covered revenue measured at it (IFRIC 22: 0.60 EUR less revenue, was a 0.60 exchange loss); receivables clear", async () => {
      const { sk, clock } = await editedBeforeTheRest("USD");
      const before = new Decimal(await balance(sk, "6800"));
      clock.set("2026-03-10T10:00:00.000Z");
      await sk.sales.shipOrder({ orderId: "ord_1", shipmentId: "shp_2" });
      expect(await openOf(sk, "cus_1")).toEqual([]);
      // 11.90 USD invoiced at 0.95 = 11.31 EUR, paid by credit booked at 0.90 = 10.71 EUR: revenue 9.50 − 0.60 = 8.90, no exchange difference.
      expect(new Decimal(await balance(sk, "6800")).minus(before).toFixed(2)).toBe("0.00");
      expect(await balance(sk, "1200")).toBe("0.00");
      const invoice = (await sk.finance.journal()).find((e) => e.memo === "Invoice INV2026-000003 for order ord_1")!;
      expect(invoice.lines.filter((l) => l.account === "4100").map((l) => l.functional)).toEqual(["-8.9"]);
      // Sales' own receivable realised the same difference: nothing owed, no functional residue.
      expect((await sk.sales.order("ord_1"))!.order.receivable).toEqual({ amount: "0", functional: "0" });
      await booksAgree(sk);
    });
  });

  describe(`${kind}: a cancellation after a bad-debt write-off`, () => {
    /** 23.80 invoiced, 5.00 paid, the 18.80 rest written off as a bad debt (6300). */
    async function writtenOff(currency: "EUR" | "USD"): Promise<{ sk: Storekeep; clock: ReturnType<typeof shop>["clock"] }> {
      const { sk, clock } = shop(storeOf(kind, db), {}, USD_RATES);
      await stock(sk);
      await sk.sales.placeOrder({ orderId: "ord_1", customerId: "cus_1", currency, warehouseId: "wh", lines: [{ sku: "MUG", quantity: 2, unitPrice: "10" }] });
      clock.set("2026-03-05T10:00:00.000Z");
      await sk.sales.capturePayment({ orderId: "ord_1", paymentId: "ch_1", amount: "5" });
      await sk.finance.writeOff({ ledger: "receivables", documentId: "INV2026-000001", reason: "bad-debt", date: "2026-03-05" });
      expect((await sk.sales.order("ord_1"))!.writtenOff).toBe("18.8");
      return { sk, clock };
    }

    it("EUR: the full credit note writes the 18.80 back (6300 back to 0); only the 5.00 paid stays a credit, which is refundDue and refunds to nothing open (was: a credit of 23.80, 18.80 of it never paid)", async () => {
      const { sk } = await writtenOff("EUR");
      expect(await balance(sk, "6300")).toBe("18.80");
      const cancelled = await sk.sales.cancelOrder({ orderId: "ord_1" });
      expect(cancelled.creditNoteId).toBe("CN2026-000001");
      // The credit note is the legal document in full: revenue and tax reversed whole.
      expect(new Decimal(await balance(sk, "4100")).plus(await balance(sk, "4300")).toFixed(2)).toBe("0.00");
      expect(await balance(sk, "2300")).toBe("0.00");
      expect(await balance(sk, "6300")).toBe("0.00");
      expect(await openOf(sk, "cus_1")).toEqual([["CN2026-000001", "-5", "-5"]]);
      const invoice = (await sk.finance.openItems({ ledger: "receivables", party: "cus_1" })).find((i) => i.documentId === "INV2026-000001")!;
      expect(invoice.settlements.map((s) => [s.kind, s.amount])).toEqual([["payment", "5"], ["write-off", "18.8"], ["write-back", "-18.8"], ["credit", "18.8"]]);
      let view = (await sk.sales.order("ord_1"))!;
      expect([view.writtenOff, view.refundDue, view.leftToPay]).toEqual(["0", "5", "0"]);
      await sk.sales.refundPayment({ orderId: "ord_1", refundId: "re_1", amount: "5" });
      view = (await sk.sales.order("ord_1"))!;
      expect(view.refundDue).toBe("0");
      expect(await openOf(sk, "cus_1")).toEqual([]);
      expect(await balance(sk, "1200")).toBe("0.00");
      await booksAgree(sk);
    });

    it("USD: written back at the 16.92 EUR it was written off at; the 5.00 USD credit (4.50 EUR booked) refunded at 0.92 realises 0.10; receivables clear", async () => {
      const { sk } = await writtenOff("USD");
      expect(await balance(sk, "6300")).toBe("16.92");
      await sk.sales.cancelOrder({ orderId: "ord_1" });
      expect(await balance(sk, "6300")).toBe("0.00");
      expect(await openOf(sk, "cus_1")).toEqual([["CN2026-000001", "-5", "-4.5"]]);
      expect((await sk.sales.order("ord_1"))!.refundDue).toBe("5");
      await sk.sales.refundPayment({ orderId: "ord_1", refundId: "re_1", amount: "5" });
      expect(await openOf(sk, "cus_1")).toEqual([]);
      expect(await balance(sk, "1200")).toBe("0.00");
      // 0.10 gain on the capture (5 USD paid at 0.92 against 4.50 booked), 0.10 loss on the refund.
      expect(await balance(sk, "6800")).toBe("0.00");
      await booksAgree(sk);
    });

    it("an order edited before it is cancelled: the cancellation settles the edit's new invoice (was: CN2 −35.70 and INV2 +35.70 both left open)", async () => {
      const { sk } = shop(storeOf(kind, db));
      await stock(sk);
      await sk.sales.placeOrder({ orderId: "ord_1", customerId: "cus_1", currency: "EUR", warehouseId: "wh", lines: [{ sku: "MUG", quantity: 2, unitPrice: "10" }] });
      await sk.sales.editOrder({ orderId: "ord_1", changes: [{ lineId: "1", quantity: 3 }] });
      await sk.sales.cancelOrder({ orderId: "ord_1" });
      expect(await openOf(sk, "cus_1")).toEqual([]);
      expect(await balance(sk, "1200")).toBe("0.00");
      await booksAgree(sk);
    });
  });

  describe(`${kind}: a return after a bad-debt write-off`, () => {
    /** 23.80 invoiced and shipped, `paid` captured, the rest written off; one of the two mugs comes back (a credit note of 11.90). */
    async function returnedAfterWriteOff(paid: string): Promise<Storekeep> {
      const { sk } = shop(storeOf(kind, db));
      await stock(sk);
      await sk.sales.placeOrder({ orderId: "ord_1", customerId: "cus_1", currency: "EUR", warehouseId: "wh", lines: [{ sku: "MUG", quantity: 2, unitPrice: "10" }] });
      await sk.sales.capturePayment({ orderId: "ord_1", paymentId: "ch_1", amount: paid });
      await sk.sales.shipOrder({ orderId: "ord_1", shipmentId: "shp_1" });
      await sk.finance.writeOff({ ledger: "receivables", documentId: "INV2026-000001", reason: "bad-debt", date: "2026-03-02" });
      await sk.sales.requestReturn({ orderId: "ord_1", returnId: "ret_1", lines: [{ lineId: "1", quantity: "1" }] });
      await sk.sales.receiveReturn({ returnId: "ret_1" });
      return sk;
    }

    it("5.00 paid, 18.80 written off: the 11.90 credit writes back 11.90 of the bad debt, the customer keeps no credit (was: an 11.90 credit for goods never paid)", async () => {
      const sk = await returnedAfterWriteOff("5");
      expect(await openOf(sk, "cus_1")).toEqual([]);
      // The customer kept a mug of 11.90 and paid 5.00: 6.90 is the bad debt now.
      expect(await balance(sk, "6300")).toBe("6.90");
      expect(await balance(sk, "1200")).toBe("0.00");
      const view = (await sk.sales.order("ord_1"))!;
      expect([view.writtenOff, view.refundDue]).toEqual(["6.9", "0"]);
      await expect(sk.sales.refundPayment({ orderId: "ord_1", refundId: "re_1", amount: "0.01" })).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
      await booksAgree(sk);
    });

    it("20.00 paid, 3.80 written off: the credit writes the 3.80 back and leaves 8.10, what the customer overpaid for the mug kept — refundDue, refunded to nothing open", async () => {
      const sk = await returnedAfterWriteOff("20");
      expect(await balance(sk, "6300")).toBe("0.00");
      expect(await openOf(sk, "cus_1")).toEqual([["CN2026-000001", "-8.1", "-8.1"]]);
      let view = (await sk.sales.order("ord_1"))!;
      expect([view.writtenOff, view.refundDue]).toEqual(["0", "8.1"]);
      await sk.sales.refundPayment({ orderId: "ord_1", refundId: "re_1", amount: "8.1", returnId: "ret_1" });
      view = (await sk.sales.order("ord_1"))!;
      expect(view.refundDue).toBe("0");
      expect(await openOf(sk, "cus_1")).toEqual([]);
      expect(await balance(sk, "1200")).toBe("0.00");
      await booksAgree(sk);
    });
  });

  describe(`${kind}: an edit's surplus refund after finance wrote a credit off`, () => {
    it("the edit refuses to pay back a credit written off in finance, as refundPayment does (was: refunded it, leaving the customer owing it on a closed order)", async () => {
      const { sk } = shop(storeOf(kind, db), { invoicing: "on-shipment" });
      await stock(sk, ["MUG", "PIN"]);
      // MUG ×2 at 10.00, PIN ×2 at 0.40, + 19%: 23.80 + 0.95 = 24.75, paid ahead; the MUGs ship.
      await sk.sales.placeOrder({ orderId: "ord_1", customerId: "cus_1", currency: "EUR", warehouseId: "wh", lines: [{ sku: "MUG", quantity: 2, unitPrice: "10" }, { sku: "PIN", quantity: 2, unitPrice: "0.40" }] });
      await sk.sales.capturePayment({ orderId: "ord_1", paymentId: "ch_1" });
      await sk.sales.shipOrder({ orderId: "ord_1", shipmentId: "shp_1", lines: [{ lineId: "1", quantity: "2" }] });
      // One PIN dropped: its 0.47 refunded, the other PIN's 0.48 stays a credit on the correction credit note.
      await sk.sales.editOrder({ orderId: "ord_1", changes: [{ lineId: "2", quantity: 1 }], refund: { refundId: "re_1" } });
      expect(await openOf(sk, "cus_1")).toEqual([["CN2026-000001", "-0.48", "-0.48"]]);
      // Finance writes that credit off as a small difference: nobody will pay it out.
      await sk.finance.writeOff({ ledger: "receivables", documentId: "CN2026-000001", reason: "small-difference", date: "2026-03-02" });
      expect((await sk.sales.order("ord_1"))!.refundDue).toBe("0");
      // Dropping the other PIN would refund those 0.48: refused, saying why; nothing changes.
      const refused = sk.sales.editOrder({ orderId: "ord_1", changes: [{ lineId: "2", quantity: 0 }], refund: { refundId: "re_2" } });
      await expect(refused).rejects.toMatchObject({ code: "VALIDATION_FAILED", details: { writtenOff: "0.48" } });
      await expect(sk.sales.editOrder({ orderId: "ord_1", changes: [{ lineId: "2", quantity: 0 }], refund: { refundId: "re_2" } })).rejects.toThrow(/0.48 EUR of the credit was written off in finance/);
      const view = (await sk.sales.order("ord_1"))!;
      expect([view.order.version, view.order.paid.refunded, view.order.totals.gross]).toEqual([2, "0.47", "24.28"]);
      expect(await balance(sk, "1200")).toBe("0.00");
      await booksAgree(sk);
    });
  });
}
