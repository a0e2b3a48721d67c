import { describe, expect, it } from "vitest";
import { Decimal } from "../../src/kernel/decimal.js";
import type { Storekeep } from "../../src/storekeep.js";
import { balance, booksAgree, cleared, placedOnShipment, sharedPglite, shop } from "./setup.js";

/*
 * Money captured beyond the invoices of a partly shipped on-shipment order (issue 10,
 * docs/orders.md "Not yet"): it sits on the capture's open item as an over-payment, held for
 * the goods still to ship, and the invoice of the next shipment (or invoiceOrder, or an edit's
 * invoice) takes it in the same command — an allocation on both items, the exchange difference
 * realised at once. Money captured before any invoice (prepayments) is applied by each invoice
 * in turn, the second of a split shipment too. The over-payment tests failed before the fix
 * (the invoice stayed open beside the over-payment until sk.finance.allocate); the prepayment
 * ones guard what already held.
 */

const db = sharedPglite();

/** The customer's open receivables as [document, open amount, open functional]. */
async function openOf(sk: Storekeep, party = "cus_1"): Promise<string[][]> {
  return (await sk.finance.openItems({ ledger: "receivables", party, openOnly: true })).map((i) => [i.documentId, i.openAmount, i.openFunctional]);
}

/** [leftToPay, refundDue, payment status, fulfilment status] of ord_1. */
async function owed(sk: Storekeep): Promise<string[]> {
  const view = (await sk.sales.order("ord_1"))!;
  return [view.leftToPay, view.refundDue, view.statuses.payment, view.statuses.fulfilment];
}

for (const kind of ["memory", "pglite"] as const) {
  const placed = (currency: "EUR" | "USD") => placedOnShipment(kind, db, currency);

  /** The MUGs ship on 2 March (INV…1, 23.80), then `amount` is captured on 5 March (0.92): what exceeds 23.80 is an over-payment on ch_1. */
  async function overPaid(currency: "EUR" | "USD", amount: string): Promise<{ sk: Storekeep; clock: ReturnType<typeof shop>["clock"] }> {
    const { sk, clock } = await placed(currency);
    await sk.sales.shipOrder({ orderId: "ord_1", shipmentId: "shp_1", lines: [{ lineId: "1", quantity: "2" }] });
    clock.set("2026-03-05T10:00:00.000Z");
    await sk.sales.capturePayment({ orderId: "ord_1", paymentId: "ch_1", amount });
    const over = new Decimal(amount).minus("23.8").toString();
    expect((await openOf(sk)).map((i) => i.slice(0, 2))).toEqual([["ch_1", `-${over}`]]);
    // Held for the TEEs: nothing is owed back.
    expect((await owed(sk)).slice(1, 2)).toEqual(["0"]);
    return { sk, clock };
  }

  describe(`${kind}: money captured beyond the invoices of a partly shipped order`, () => {
    it("EUR, the whole order captured after the first shipment: the second shipment's invoice is settled from the capture in the same command (was: INV…2 +23.80 and ch_1 −23.80 left open until finance.allocate)", async () => {
      const { sk, clock } = await overPaid("EUR", "47.6");
      clock.set("2026-03-10T10:00:00.000Z");
      const shipped = await sk.sales.shipOrder({ orderId: "ord_1", shipmentId: "shp_2" });
      expect(shipped.invoiceId).toBe("INV2026-000002");
      // An allocation on both items, each naming the other, as sk.finance.allocate records one.
      const items = await sk.finance.openItems({ ledger: "receivables", party: "cus_1" });
      const settlement = (id: string) => items.find((i) => i.documentId === id)!.settlements.at(-1);
      expect(settlement("INV2026-000002")).toMatchObject({ kind: "allocation", documentId: "ch_1", amount: "23.8" });
      expect(settlement("ch_1")).toMatchObject({ kind: "allocation", documentId: "INV2026-000002", amount: "-23.8" });
      const aging = await sk.finance.aging({ ledger: "receivables", asOf: "2026-03-31", buckets: [30, 60, 90] });
      expect(aging.total).toBe("0");
      expect(await owed(sk)).toEqual(["0", "0", "paid", "shipped"]);
      await cleared(sk);
    });

    it("USD: the over-payment booked at 0.92 pays the 0.95 invoice at its booked value, the covered revenue measured at it (IFRIC 22: 0.72 EUR less revenue, was a 0.72 exchange loss); receivables and sales' own receivable clear", async () => {
      const { sk, clock } = await overPaid("USD", "47.6");
      // 47.60 USD at 0.92 = 43.79 EUR; 23.80 of it settles INV…1 at 21.90, the rest is booked at 21.89.
      expect(await openOf(sk)).toEqual([["ch_1", "-23.8", "-21.89"]]);
      const before = new Decimal(await balance(sk, "6800"));
      clock.set("2026-03-10T10:00:00.000Z");
      await sk.sales.shipOrder({ orderId: "ord_1", shipmentId: "shp_2" });
      // 23.80 USD invoiced at 0.95 = 22.61 EUR, paid by money booked at 21.89: the TEEs' revenue is 19.00 − 0.72 = 18.28, no exchange difference.
      expect(new Decimal(await balance(sk, "6800")).minus(before).toFixed(2)).toBe("0.00");
      const invoice = (await sk.finance.journal()).find((e) => e.memo === "Invoice INV2026-000002 for order ord_1")!;
      expect(invoice.lines.filter((l) => l.account === "4100").map((l) => l.functional)).toEqual(["-18.28"]);
      expect(await owed(sk)).toEqual(["0", "0", "paid", "shipped"]);
      await cleared(sk);
    });

    for (const currency of ["EUR", "USD"] as const) {
      it(`${currency}, a partial capture (30.00 after the first shipment): the second invoice takes the 6.20 over-payment and is open for 17.60 only; capturing that clears everything`, async () => {
        const { sk, clock } = await overPaid(currency, "30");
        clock.set("2026-03-10T10:00:00.000Z");
        await sk.sales.shipOrder({ orderId: "ord_1", shipmentId: "shp_2" });
        expect((await openOf(sk)).map((i) => i.slice(0, 2))).toEqual([["INV2026-000002", "17.6"]]);
        expect(await owed(sk)).toEqual(["17.6", "0", "partially-paid", "shipped"]);
        if (currency === "USD") {
          // 23.80 at 0.95 = 22.61 EUR; 6.20 of it (5.89) paid by money booked at 6.20 × 0.92 = 5.70: the rest is booked at 16.72.
          expect(await openOf(sk)).toEqual([["INV2026-000002", "17.6", "16.72"]]);
        }
        await sk.sales.capturePayment({ orderId: "ord_1", paymentId: "ch_2" });
        expect(await owed(sk)).toEqual(["0", "0", "paid", "shipped"]);
        await cleared(sk);
      });

      it(`${currency}: both shipments invoiced before one capture of the whole order — the capture settles both invoices, oldest first (was: INV…1 left open beside an over-payment)`, async () => {
        const { sk, clock } = await placed(currency);
        await sk.sales.shipOrder({ orderId: "ord_1", shipmentId: "shp_1", lines: [{ lineId: "1", quantity: "2" }] });
        clock.set("2026-03-05T10:00:00.000Z");
        await sk.sales.shipOrder({ orderId: "ord_1", shipmentId: "shp_2" });
        clock.set("2026-03-10T10:00:00.000Z");
        await sk.sales.capturePayment({ orderId: "ord_1", paymentId: "ch_1" });
        expect(await owed(sk)).toEqual(["0", "0", "paid", "shipped"]);
        await cleared(sk);
      });

      it(`${currency}: billed ahead with invoiceOrder after the over-payment — that invoice takes it too`, async () => {
        const { sk, clock } = await overPaid(currency, "47.6");
        clock.set("2026-03-10T10:00:00.000Z");
        await sk.sales.invoiceOrder({ orderId: "ord_1" });
        expect(await openOf(sk)).toEqual([]);
        // The TEEs were billed ahead: shipping them invoices nothing again (was: INVALID_TRANSITION, invoiced 4 > ordered 2).
        const shipped = await sk.sales.shipOrder({ orderId: "ord_1", shipmentId: "shp_2" });
        expect(shipped.invoiceId).toBeNull();
        expect((await sk.sales.order("ord_1"))!.order.invoices.map((i) => i.invoiceId)).toEqual(["INV2026-000001", "INV2026-000002"]);
        expect(await owed(sk)).toEqual(["0", "0", "paid", "shipped"]);
        await cleared(sk);
      });

      it(`${currency}: an edit after the over-payment (a third TEE added) — the edit's invoice takes its correction credit, the next shipment's invoice takes the over-payment, and the 11.90 balance due clears everything`, async () => {
        const { sk, clock } = await overPaid(currency, "47.6");
        const edited = await sk.sales.editOrder({ orderId: "ord_1", changes: [{ lineId: "2", quantity: 3 }] });
        expect(edited).toMatchObject({ total: "59.5", balanceDue: "11.9" });
        expect((await openOf(sk)).map((i) => i.slice(0, 2))).toEqual([["ch_1", "-23.8"]]);
        clock.set("2026-03-10T10:00:00.000Z");
        await sk.sales.shipOrder({ orderId: "ord_1", shipmentId: "shp_2" });
        expect((await openOf(sk)).map((i) => i.slice(0, 2))).toEqual([["INV2026-000003", "11.9"]]);
        expect(await owed(sk)).toEqual(["11.9", "0", "partially-paid", "shipped"]);
        await sk.sales.capturePayment({ orderId: "ord_1", paymentId: "ch_2" });
        expect(await owed(sk)).toEqual(["0", "0", "paid", "shipped"]);
        expect(await openOf(sk)).toEqual([]);
        expect(await balance(sk, "1200")).toBe("0.00");
        expect(new Decimal(await balance(sk, "2200")).toFixed(2)).toBe("0.00");
        await booksAgree(sk);
      });
    }
  });

  describe(`${kind}: paying an over-payment back`, () => {
    for (const currency of ["EUR", "USD"] as const) {
      it(`${currency}: an edit that removes the goods still to ship refunds the over-payment in the same command, and the refund settles the capture's credit — nothing stays open`, async () => {
        const { sk, clock } = await overPaid(currency, "47.6");
        clock.set("2026-03-10T10:00:00.000Z");
        const edited = await sk.sales.editOrder({ orderId: "ord_1", changes: [{ lineId: "2", quantity: 0 }], refund: { refundId: "re_1" } });
        expect(edited).toMatchObject({ total: "23.8", balanceDue: "0", refundId: "re_1" });
        expect(await owed(sk)).toEqual(["0", "0", "paid", "shipped"]);
        await cleared(sk);
      });

      it(`${currency}: a mug returned before the TEEs ship — the TEEs' invoice takes the return's credit and the over-payment, the 11.90 left is refundDue and its refund settles the capture's credit — nothing open`, async () => {
        const { sk, clock } = await overPaid(currency, "47.6");
        await sk.sales.requestReturn({ orderId: "ord_1", returnId: "ret_1", lines: [{ lineId: "1", quantity: "1" }] });
        await sk.sales.receiveReturn({ returnId: "ret_1" });
        clock.set("2026-03-10T10:00:00.000Z");
        await sk.sales.shipOrder({ orderId: "ord_1", shipmentId: "shp_2" });
        expect(await owed(sk)).toEqual(["0", "11.9", "paid", "shipped"]);
        // The TEEs' invoice took the return's credit first, then the capture's: 11.90 of the capture is left, owed back.
        expect((await openOf(sk)).map((i) => i.slice(0, 2))).toEqual([["ch_1", "-11.9"]]);
        await sk.sales.refundPayment({ orderId: "ord_1", refundId: "re_1", amount: "11.9", returnId: "ret_1" });
        expect(await owed(sk)).toEqual(["0", "0", "partially-refunded", "shipped"]);
        await cleared(sk);
      });
    }
  });

  describe(`${kind}: a return's credit on goods already paid for, before the rest ships`, () => {
    for (const currency of ["EUR", "USD"] as const) {
      it(`${currency}: the MUGs paid exactly, one returned — the TEEs' invoice takes the return's 11.90 credit, 11.90 is left to pay and capturing it clears everything (was: CN −11.90 open beside INV…2 until finance.allocate)`, async () => {
        const { sk, clock } = await placed(currency);
        await sk.sales.shipOrder({ orderId: "ord_1", shipmentId: "shp_1", lines: [{ lineId: "1", quantity: "2" }] });
        await sk.sales.capturePayment({ orderId: "ord_1", paymentId: "ch_1", amount: "23.8" });
        await sk.sales.requestReturn({ orderId: "ord_1", returnId: "ret_1", lines: [{ lineId: "1", quantity: "1" }] });
        await sk.sales.receiveReturn({ returnId: "ret_1" });
        // The return's credit pays for the TEEs: nothing is owed back.
        expect(await owed(sk)).toEqual(["11.9", "0", "partially-paid", "partially-shipped"]);
        clock.set("2026-03-10T10:00:00.000Z");
        await sk.sales.shipOrder({ orderId: "ord_1", shipmentId: "shp_2" });
        expect((await openOf(sk)).map((i) => i.slice(0, 2))).toEqual([["INV2026-000002", "11.9"]]);
        const items = await sk.finance.openItems({ ledger: "receivables", party: "cus_1" });
        expect(items.find((i) => i.documentId === "CN2026-000001")!.settlements.at(-1)).toMatchObject({ kind: "allocation", documentId: "INV2026-000002", amount: "-11.9" });
        await sk.sales.capturePayment({ orderId: "ord_1", paymentId: "ch_2" });
        expect((await owed(sk)).slice(0, 2)).toEqual(["0", "0"]);
        await cleared(sk);
      });
    }
  });

  describe(`${kind}: money captured before any invoice (prepayments) across a split shipment`, () => {
    for (const currency of ["EUR", "USD"] as const) {
      it(`${currency}, the whole order captured ahead: each shipment's invoice applies its part of the prepayments; nothing stays open`, async () => {
        const { sk, clock } = await placed(currency);
        await sk.sales.capturePayment({ orderId: "ord_1", paymentId: "ch_1" });
        clock.set("2026-03-05T10:00:00.000Z");
        await sk.sales.shipOrder({ orderId: "ord_1", shipmentId: "shp_1", lines: [{ lineId: "1", quantity: "2" }] });
        expect(await openOf(sk)).toEqual([]);
        expect((await sk.sales.order("ord_1"))!.order.prepayment.amount).toBe("23.8");
        clock.set("2026-03-10T10:00:00.000Z");
        await sk.sales.shipOrder({ orderId: "ord_1", shipmentId: "shp_2" });
        expect(await owed(sk)).toEqual(["0", "0", "paid", "shipped"]);
        await cleared(sk);
      });

      it(`${currency}, 30.00 captured ahead: the first invoice applies 23.80, the second the 6.20 left and is open for 17.60; capturing it clears everything`, async () => {
        const { sk, clock } = await placed(currency);
        await sk.sales.capturePayment({ orderId: "ord_1", paymentId: "ch_1", amount: "30" });
        clock.set("2026-03-05T10:00:00.000Z");
        await sk.sales.shipOrder({ orderId: "ord_1", shipmentId: "shp_1", lines: [{ lineId: "1", quantity: "2" }] });
        clock.set("2026-03-10T10:00:00.000Z");
        await sk.sales.shipOrder({ orderId: "ord_1", shipmentId: "shp_2" });
        expect((await openOf(sk)).map((i) => i.slice(0, 2))).toEqual([["INV2026-000002", "17.6"]]);
        expect(await owed(sk)).toEqual(["17.6", "0", "partially-paid", "shipped"]);
        await sk.sales.capturePayment({ orderId: "ord_1", paymentId: "ch_2" });
        await cleared(sk);
      });

      it(`${currency}, 10.00 ahead and 30.00 after the first invoice: the second invoice applies the 16.20 over-payment; 7.60 is left to pay`, async () => {
        const { sk, clock } = await placed(currency);
        await sk.sales.capturePayment({ orderId: "ord_1", paymentId: "ch_1", amount: "10" });
        await sk.sales.shipOrder({ orderId: "ord_1", shipmentId: "shp_1", lines: [{ lineId: "1", quantity: "2" }] });
        clock.set("2026-03-05T10:00:00.000Z");
        await sk.sales.capturePayment({ orderId: "ord_1", paymentId: "ch_2", amount: "30" });
        expect((await openOf(sk)).map((i) => i.slice(0, 2))).toEqual([["ch_2", "-16.2"]]);
        clock.set("2026-03-10T10:00:00.000Z");
        await sk.sales.shipOrder({ orderId: "ord_1", shipmentId: "shp_2" });
        expect((await openOf(sk)).map((i) => i.slice(0, 2))).toEqual([["INV2026-000002", "7.6"]]);
        expect(await owed(sk)).toEqual(["7.6", "0", "partially-paid", "shipped"]);
        await sk.sales.capturePayment({ orderId: "ord_1", paymentId: "ch_3" });
        await cleared(sk);
      });
    }
  });
}
