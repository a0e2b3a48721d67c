import { describe, expect, it } from "vitest";
import { Decimal } from "../../src/kernel/decimal.js";
import type { Storekeep } from "../../src/storekeep.js";
import { balance, cleared as clearedBooks, placedOnShipment, sharedPglite } from "./setup.js";

/*
 * IFRIC 22 (IAS 21) for goods paid in advance in a foreign currency (issue 10, docs/orders.md
 * "Not yet"): the advance is a non-monetary liability kept at the rate of the day it was paid
 * and, when the goods are invoiced, the covered part of the revenue is measured at that rate —
 * no exchange gain or loss on it. Output tax stays what the tax law makes it (the invoice's
 * figures at the invoice's rate, the same as the tax report), so the revenue of the covered
 * part is the advance's booked value less that tax: revenue = net at the invoice's rate −
 * (covered gross at the invoice's rate − the advance's booked value).
 *
 * Orders in USD, books in EUR; USD at 0.90 on 2 March, 0.92 on 5 March, 0.95 on 10 March.
 * MUG ×2 and TEE ×2 at 10.00 + 19% = 47.60 on an on-shipment shop.
 *
 * (a) capture before any invoice (customer prepayments): held before the change.
 * (b) money captured beyond the invoices (an over-payment on the capture's item) and
 * (c) an edit's correction credit held for goods still to ship: failed before the change
 *     (the invoice's revenue at its own rate, the difference to the credit's booked value
 *     posted to Exchange gain/loss 6800).
 */

const db = sharedPglite();

/** Debit − credit of the accounts, as decimals: sales revenue 4100, output tax 2300, exchange 6800. */
async function figures(sk: Storekeep): Promise<{ revenue: Decimal; tax: Decimal; exchange: Decimal }> {
  return { revenue: new Decimal(await balance(sk, "4100")), tax: new Decimal(await balance(sk, "2300")), exchange: new Decimal(await balance(sk, "6800")) };
}

/** What one step changed: revenue and tax as credits (positive), exchange as a loss (positive). */
async function during(sk: Storekeep, step: () => Promise<unknown>): Promise<{ revenue: string; tax: string; exchange: string }> {
  const before = await figures(sk);
  await step();
  const after = await figures(sk);
  return { revenue: before.revenue.minus(after.revenue).toFixed(2), tax: before.tax.minus(after.tax).toFixed(2), exchange: after.exchange.minus(before.exchange).toFixed(2) };
}

/** `cleared` of setup.ts, and nothing left to pay or to refund on ord_1. */
async function cleared(sk: Storekeep): Promise<void> {
  await clearedBooks(sk);
  const view = (await sk.sales.order("ord_1"))!;
  expect([view.leftToPay, view.refundDue]).toEqual(["0", "0"]);
}

for (const kind of ["memory", "pglite"] as const) {
  const placed = (currency: "EUR" | "USD") => placedOnShipment(kind, db, currency);

  describe(`${kind}: IFRIC 22 — revenue of goods paid in advance in USD, EUR books`, () => {
    it("(a) the whole order captured ahead at 0.90 (42.84 EUR of prepayments), the MUGs invoiced at 0.92 and the TEEs at 0.95: each invoice's revenue is its 21.42 EUR share of the advance less its tax, no exchange difference", async () => {
      const { sk, clock } = await placed("USD");
      await sk.sales.capturePayment({ orderId: "ord_1", paymentId: "ch_1" });
      expect(await balance(sk, "2200")).toBe("-42.84");
      clock.set("2026-03-05T10:00:00.000Z");
      // 23.80 USD at 0.92: net 18.40, tax 3.50 (3.496); covered whole by 21.42 EUR of the advance: revenue 21.42 − 3.50 = 17.92.
      expect(await during(sk, () => sk.sales.shipOrder({ orderId: "ord_1", shipmentId: "shp_1", lines: [{ lineId: "1", quantity: "2" }] }))).toEqual({ revenue: "17.92", tax: "3.50", exchange: "0.00" });
      clock.set("2026-03-10T10:00:00.000Z");
      // 23.80 USD at 0.95: net 19.00, tax 3.61; revenue 21.42 − 3.61 = 17.81.
      expect(await during(sk, () => sk.sales.shipOrder({ orderId: "ord_1", shipmentId: "shp_2" }))).toEqual({ revenue: "17.81", tax: "3.61", exchange: "0.00" });
      await cleared(sk);
    });

    it("(b) the MUGs invoiced at 0.90, then 47.60 captured at 0.92 (the 23.80 over-payment booked at 21.89 EUR), the TEEs invoiced at 0.95: their revenue is 21.89 − 3.61 = 18.28, not 19.00 with a 0.72 exchange loss", async () => {
      const { sk, clock } = await placed("USD");
      await sk.sales.shipOrder({ orderId: "ord_1", shipmentId: "shp_1", lines: [{ lineId: "1", quantity: "2" }] });
      clock.set("2026-03-05T10:00:00.000Z");
      // The capture settles INV…1 (21.42 EUR booked) with 21.90 EUR of money: a 0.48 gain on the receivable, a monetary item.
      expect(await during(sk, () => sk.sales.capturePayment({ orderId: "ord_1", paymentId: "ch_1" }))).toEqual({ revenue: "0.00", tax: "0.00", exchange: "-0.48" });
      expect((await sk.finance.openItems({ ledger: "receivables", party: "cus_1", openOnly: true })).map((i) => [i.documentId, i.openAmount, i.openFunctional])).toEqual([["ch_1", "-23.8", "-21.89"]]);
      clock.set("2026-03-10T10:00:00.000Z");
      expect(await during(sk, () => sk.sales.shipOrder({ orderId: "ord_1", shipmentId: "shp_2" }))).toEqual({ revenue: "18.28", tax: "3.61", exchange: "0.00" });
      await cleared(sk);
    });

    it("(b) part covered: 30.00 captured at 0.92 after the MUGs' invoice (6.20 over-payment booked at 5.70 EUR), the TEEs invoiced at 0.95 — the covered 6.20 at 5.70, the rest at 0.95: revenue 19.00 − (5.89 − 5.70) = 18.81; the 17.60 rest's capture is the receivable's own exchange difference", async () => {
      const { sk, clock } = await placed("USD");
      await sk.sales.shipOrder({ orderId: "ord_1", shipmentId: "shp_1", lines: [{ lineId: "1", quantity: "2" }] });
      clock.set("2026-03-05T10:00:00.000Z");
      await sk.sales.capturePayment({ orderId: "ord_1", paymentId: "ch_1", amount: "30" });
      clock.set("2026-03-10T10:00:00.000Z");
      // 6.20 USD of the 22.61 EUR invoice is 5.89 at its rate; the over-payment was booked at 5.70.
      expect(await during(sk, () => sk.sales.shipOrder({ orderId: "ord_1", shipmentId: "shp_2" }))).toEqual({ revenue: "18.81", tax: "3.61", exchange: "0.00" });
      expect((await sk.finance.openItems({ ledger: "receivables", party: "cus_1", openOnly: true })).map((i) => [i.documentId, i.openAmount, i.openFunctional])).toEqual([["INV2026-000002", "17.6", "16.72"]]);
      // 17.60 USD at 0.95 = 16.72: no difference on the rest.
      expect(await during(sk, () => sk.sales.capturePayment({ orderId: "ord_1", paymentId: "ch_2" }))).toEqual({ revenue: "0.00", tax: "0.00", exchange: "0.00" });
      await cleared(sk);
    });

    it("(c) the whole order captured ahead at 0.90 and the MUGs shipped (2 March), an edit drops a TEE on 5 March and refunds 11.90: the correction's 11.90 credit (10.71 EUR) pays the last TEE's 0.95 invoice — revenue 10.71 − 1.81 = 8.90, not 9.50 with a 0.60 exchange loss", async () => {
      const { sk, clock } = await placed("USD");
      await sk.sales.capturePayment({ orderId: "ord_1", paymentId: "ch_1" });
      await sk.sales.shipOrder({ orderId: "ord_1", shipmentId: "shp_1", lines: [{ lineId: "1", quantity: "2" }] });
      clock.set("2026-03-05T10:00:00.000Z");
      await sk.sales.editOrder({ orderId: "ord_1", changes: [{ lineId: "2", quantity: 1 }], refund: { refundId: "re_1" } });
      expect((await sk.finance.openItems({ ledger: "receivables", party: "cus_1", openOnly: true })).map((i) => [i.documentId, i.openAmount, i.openFunctional])).toEqual([["CN2026-000001", "-11.9", "-10.71"]]);
      clock.set("2026-03-10T10:00:00.000Z");
      // 11.90 USD at 0.95: net 9.50, tax 1.81 (1.805), gross 11.31.
      expect(await during(sk, () => sk.sales.shipOrder({ orderId: "ord_1", shipmentId: "shp_2" }))).toEqual({ revenue: "8.90", tax: "1.81", exchange: "0.00" });
      await cleared(sk);
    });

    it("(a) then (b): 10.00 ahead at 0.90 applied by the MUGs' invoice, 30.00 captured at 0.92 (16.20 over-payment booked at 14.90 EUR), the TEEs invoiced at 0.95 — 16.20 of the 22.61 EUR invoice is 15.39 at its rate: revenue 19.00 − 0.49 = 18.51; the 7.60 rest captured at 0.95 has no difference", async () => {
      const { sk, clock } = await placed("USD");
      await sk.sales.capturePayment({ orderId: "ord_1", paymentId: "ch_1", amount: "10" });
      expect(await during(sk, () => sk.sales.shipOrder({ orderId: "ord_1", shipmentId: "shp_1", lines: [{ lineId: "1", quantity: "2" }] }))).toEqual({ revenue: "18.00", tax: "3.42", exchange: "0.00" });
      clock.set("2026-03-05T10:00:00.000Z");
      // 30.00 USD at 0.92 = 27.60: 13.80 of it (12.70) settles INV…1's rest booked at 12.42, a 0.28 gain; 16.20 is left at 14.90.
      expect(await during(sk, () => sk.sales.capturePayment({ orderId: "ord_1", paymentId: "ch_2", amount: "30" }))).toEqual({ revenue: "0.00", tax: "0.00", exchange: "-0.28" });
      expect((await sk.finance.openItems({ ledger: "receivables", party: "cus_1", openOnly: true })).map((i) => [i.documentId, i.openAmount, i.openFunctional])).toEqual([["ch_2", "-16.2", "-14.9"]]);
      clock.set("2026-03-10T10:00:00.000Z");
      expect(await during(sk, () => sk.sales.shipOrder({ orderId: "ord_1", shipmentId: "shp_2" }))).toEqual({ revenue: "18.51", tax: "3.61", exchange: "0.00" });
      expect(await during(sk, () => sk.sales.capturePayment({ orderId: "ord_1", paymentId: "ch_3" }))).toEqual({ revenue: "0.00", tax: "0.00", exchange: "0.00" });
      await cleared(sk);
    });

    it("(c) with a return: the MUGs paid exactly at 0.90 and one returned (an 11.90 credit booked at 10.71), the TEEs invoiced at 0.95 — the credit covers 11.90 of the invoice (11.31 at its rate): revenue 19.00 − 0.60 = 18.40, no exchange difference", async () => {
      const { sk, clock } = await placed("USD");
      await sk.sales.shipOrder({ orderId: "ord_1", shipmentId: "shp_1", lines: [{ lineId: "1", quantity: "2" }] });
      await sk.sales.capturePayment({ orderId: "ord_1", paymentId: "ch_1", amount: "23.8" });
      await sk.sales.requestReturn({ orderId: "ord_1", returnId: "ret_1", lines: [{ lineId: "1", quantity: "1" }] });
      await sk.sales.receiveReturn({ returnId: "ret_1" });
      clock.set("2026-03-10T10:00:00.000Z");
      expect(await during(sk, () => sk.sales.shipOrder({ orderId: "ord_1", shipmentId: "shp_2" }))).toEqual({ revenue: "18.40", tax: "3.61", exchange: "0.00" });
      // The rest, 11.90 USD, is booked at 22.61 − 11.31 = 11.30 and paid at 11.31 (11.305): a cent of rounding, as before the change.
      expect(await during(sk, () => sk.sales.capturePayment({ orderId: "ord_1", paymentId: "ch_2" }))).toEqual({ revenue: "0.00", tax: "0.00", exchange: "-0.01" });
      await cleared(sk);
    });

    it("(d) a return of goods on an invoice that took an advance: the TEEs' invoice took 6.20 of over-payment (IFRIC 22) and one TEE comes back — its 11.90 credit note mirrors that invoice (0.95: 11.31 EUR) and settles 11.90 of its open 17.60 (11.31 EUR of 16.72) at once, no exchange difference, instead of both staying open for allocate", async () => {
      const { sk, clock } = await placed("USD");
      await sk.sales.shipOrder({ orderId: "ord_1", shipmentId: "shp_1", lines: [{ lineId: "1", quantity: "2" }] });
      clock.set("2026-03-05T10:00:00.000Z");
      await sk.sales.capturePayment({ orderId: "ord_1", paymentId: "ch_1", amount: "30" });
      clock.set("2026-03-10T10:00:00.000Z");
      await sk.sales.shipOrder({ orderId: "ord_1", shipmentId: "shp_2" });
      expect((await sk.finance.openItems({ ledger: "receivables", party: "cus_1", openOnly: true })).map((i) => [i.documentId, i.openAmount, i.openFunctional])).toEqual([["INV2026-000002", "17.6", "16.72"]]);
      await sk.sales.requestReturn({ orderId: "ord_1", returnId: "ret_1", lines: [{ lineId: "2", quantity: "1" }] });
      const step = await during(sk, () => sk.sales.receiveReturn({ returnId: "ret_1" }));
      // At the TEEs' invoice's 0.95, not the MUGs' 0.90 (10.71 EUR, which made a 0.60 loss here before credit notes mirrored their own invoice).
      expect(step.exchange).toBe("0.00");
      expect((await sk.finance.openItems({ ledger: "receivables", party: "cus_1", openOnly: true })).map((i) => [i.documentId, i.openAmount, i.openFunctional])).toEqual([["INV2026-000002", "5.7", "5.41"]]);
      // 5.70 USD at 0.95 = 5.415 → 5.42 paid against 5.41 booked: a cent of rounding.
      expect(await during(sk, () => sk.sales.capturePayment({ orderId: "ord_1", paymentId: "ch_2" }))).toEqual({ revenue: "0.00", tax: "0.00", exchange: "-0.01" });
      await cleared(sk);
    });

    for (const shipped of ["(b)", "(c)"] as const) {
      it(`EUR ${shipped}: the same steps in the functional currency — revenue 20.00 / 10.00 at face value, no exchange difference (unchanged)`, async () => {
        const { sk, clock } = await placed("EUR");
        if (shipped === "(b)") {
          await sk.sales.shipOrder({ orderId: "ord_1", shipmentId: "shp_1", lines: [{ lineId: "1", quantity: "2" }] });
          clock.set("2026-03-05T10:00:00.000Z");
          await sk.sales.capturePayment({ orderId: "ord_1", paymentId: "ch_1" });
        } else {
          await sk.sales.capturePayment({ orderId: "ord_1", paymentId: "ch_1" });
          await sk.sales.shipOrder({ orderId: "ord_1", shipmentId: "shp_1", lines: [{ lineId: "1", quantity: "2" }] });
          clock.set("2026-03-05T10:00:00.000Z");
          await sk.sales.editOrder({ orderId: "ord_1", changes: [{ lineId: "2", quantity: 1 }], refund: { refundId: "re_1" } });
        }
        clock.set("2026-03-10T10:00:00.000Z");
        const net = shipped === "(b)" ? { revenue: "20.00", tax: "3.80" } : { revenue: "10.00", tax: "1.90" };
        expect(await during(sk, () => sk.sales.shipOrder({ orderId: "ord_1", shipmentId: "shp_2" }))).toEqual({ ...net, exchange: "0.00" });
        await cleared(sk);
      });
    }
  });
}
