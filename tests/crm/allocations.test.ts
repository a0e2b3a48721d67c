import { describe, expect, it } from "vitest";
import { applyTimelineEvent } from "../../src/crm/timeline.js";
import type { Store } from "../../src/ports/storage.js";
import type { Storekeep } from "../../src/storekeep.js";
import type { ManualClock } from "../../src/testing/index.js";
import { VAT, sharedPglite, shop, stock, storeOf } from "../sales/setup.js";

/*
 * A credit finance's `allocate` moves from one order's open items to another order's. CRM counts
 * a prepayment paid back off an order only while the customer owes it again: at most the order's
 * net total less what the customer has paid and kept on it (captured less refunded). An
 * allocation is money paid on one order paying another — as a refund on the first and a capture
 * on the second would be — but allocate emitted nothing, so CRM never saw it: the receiving order
 * still counted its prepayment paid back as owed (too little), the source order still counted the
 * credit as paid and kept (too much). `allocate` now emits `CreditAllocated` naming the order of
 * the credit and of each document, and CRM moves the amount between the two orders' payments.
 *
 * An on-shipment shop, cus_1 (and cus_2 for the refusal). Goods at 10.00 + 19% (11.90 each);
 * captures on 2 March, shipments and returns on 5 March, the allocation on 10 March.
 */

const db = sharedPglite();

type Kind = "memory" | "pglite";

async function base(kind: Kind): Promise<{ sk: Storekeep; clock: ManualClock; store: Store }> {
  const store = storeOf(kind, db);
  const { sk, clock } = shop(store, { invoicing: "on-shipment", tax: { codes: VAT, seller: { country: "DE" } } });
  await stock(sk, ["MUG", "TEE"]);
  await sk.crm.createCustomer({ customerId: "cus_1" });
  await sk.crm.createCustomer({ customerId: "cus_2" });
  return { sk, clock, store };
}

const place = (sk: Storekeep, orderId: string, lines: { sku: string; quantity: number }[], customerId = "cus_1") =>
  sk.sales.placeOrder({ orderId, customerId, currency: "EUR", warehouseId: "wh", shipTo: { country: "DE" }, lines: lines.map((l) => ({ ...l, unitPrice: "10" })) });

/** The one open invoice and the one open credit note of an order, by id. */
async function documentsOf(sk: Storekeep, orderId: string): Promise<{ invoiceId: string | undefined; creditNoteId: string | undefined }> {
  const o = (await sk.sales.order(orderId))!.order;
  return { invoiceId: o.invoices.at(-1)?.invoiceId, creditNoteId: o.creditNotes.at(-1)?.creditNoteId };
}

/** What CRM says cus_1 is worth: RFM monetary and frequency (undefined when not a customer with purchases), lifetime value's customers. */
async function crmValue(sk: Storekeep, asOf = "2026-03-31"): Promise<{ monetary: number | undefined; frequency: number | undefined; inCustomerValue: boolean }> {
  await sk.crm.syncTimeline();
  const score = (await sk.crm.segments(asOf)).find((s) => s.customerId === "cus_1");
  const inCustomerValue = (await sk.crm.customerValue(asOf)).customers.some((c) => c.customerId === "cus_1");
  return { monetary: score?.monetary, frequency: score?.frequency, inCustomerValue };
}

/**
 * Receiving: ord_a (MUG ×2, 23.80) paid, shipped and returned whole — a 23.80 credit note open on
 * it; ord_b (TEE ×2, 23.80) paid, then all 23.80 paid back out of prepayments (owed again), then
 * shipped: its 23.80 invoice is open. The customer paid 47.60, got 23.80 back, and holds the TEEs.
 */
async function receiving(kind: Kind): Promise<{ sk: Storekeep; clock: ManualClock; store: Store }> {
  const { sk, clock, store } = await base(kind);
  await place(sk, "ord_a", [{ sku: "MUG", quantity: 2 }]);
  await sk.sales.capturePayment({ orderId: "ord_a", paymentId: "ch_a" });
  await place(sk, "ord_b", [{ sku: "TEE", quantity: 2 }]);
  await sk.sales.capturePayment({ orderId: "ord_b", paymentId: "ch_b" });
  expect(await sk.sales.refundPayment({ orderId: "ord_b", refundId: "rf_b", amount: "23.80" })).toEqual({ refundId: "rf_b", amount: "23.8", invoiced: false });
  clock.set("2026-03-05T10:00:00.000Z");
  await sk.sales.shipOrder({ orderId: "ord_a", shipmentId: "s_a" });
  await sk.sales.shipOrder({ orderId: "ord_b", shipmentId: "s_b" });
  await sk.sales.requestReturn({ orderId: "ord_a", returnId: "ret_a", lines: [{ lineId: "1", quantity: "2" }] });
  await sk.sales.receiveReturn({ returnId: "ret_a" });
  clock.set("2026-03-10T10:00:00.000Z");
  return { sk, clock, store };
}

/**
 * Source: ord_a (MUG ×2, TEE ×2, 47.60) paid, the MUGs shipped (invoiced 23.80 out of the
 * prepayment), the 23.80 still prepaid for the TEEs paid back (owed again), one MUG returned — an
 * 11.90 credit note open on it; ord_b (TEE ×1, 11.90) never paid, shipped: its invoice is open.
 * The customer paid 47.60 and got 23.80 back: 23.80 paid and kept in all.
 */
async function source(kind: Kind): Promise<{ sk: Storekeep; clock: ManualClock }> {
  const { sk, clock } = await base(kind);
  await place(sk, "ord_a", [{ sku: "MUG", quantity: 2 }, { sku: "TEE", quantity: 2 }]);
  await sk.sales.capturePayment({ orderId: "ord_a", paymentId: "ch_a" });
  await place(sk, "ord_b", [{ sku: "TEE", quantity: 1 }]);
  clock.set("2026-03-05T10:00:00.000Z");
  await sk.sales.shipOrder({ orderId: "ord_a", shipmentId: "s_a", lines: [{ lineId: "1", quantity: "2" }] });
  expect(await sk.sales.refundPayment({ orderId: "ord_a", refundId: "rf_a", amount: "23.80" })).toEqual({ refundId: "rf_a", amount: "23.8", invoiced: false });
  await sk.sales.requestReturn({ orderId: "ord_a", returnId: "ret_a", lines: [{ lineId: "1", quantity: "1" }] });
  await sk.sales.receiveReturn({ returnId: "ret_a" });
  await sk.sales.shipOrder({ orderId: "ord_b", shipmentId: "s_b" });
  clock.set("2026-03-10T10:00:00.000Z");
  return { sk, clock };
}

for (const kind of ["memory", "pglite"] as const) {
  describe(`${kind}: CRM follows a credit finance allocates from one order to another`, () => {
    it("allocate emits CreditAllocated naming the credit's order and each document's (ord_a's credit note → ord_b's invoice)", async () => {
      const { sk } = await receiving(kind);
      const a = await documentsOf(sk, "ord_a");
      const b = await documentsOf(sk, "ord_b");
      const allocation = await sk.finance.allocate({ ledger: "receivables", creditId: a.creditNoteId!, documentIds: [b.invoiceId!], date: "2026-03-10", allocationId: "al_1" });
      expect(allocation).toMatchObject({ allocationId: "al_1", amount: "23.8", documents: [{ documentId: b.invoiceId, amount: "23.8" }] });
      const events = (await sk.events.read(null, 10_000)).filter((e) => e.type === "CreditAllocated");
      expect(events.map((e) => [e.effectiveDate, e.aggregateType, e.aggregateId, e.payload])).toEqual([
        [
          "2026-03-10",
          "allocation",
          "al_1",
          {
            allocationId: "al_1",
            ledger: "receivables",
            party: "cus_1",
            currency: "EUR",
            amount: { amount: "23.8", currency: "EUR" },
            credit: { documentId: a.creditNoteId, documentType: "credit-note", orderId: "ord_a" },
            documents: [{ documentId: b.invoiceId, documentType: "invoice", orderId: "ord_b", amount: { amount: "23.8", currency: "EUR" } }],
          },
        ],
      ]);
    });

    it("receiving order: ord_a's 23.80 credit pays ord_b's invoice — ord_b is paid, nothing is owed again, cus_1 is worth the 23.80 paid and kept (was 0 and no customer at all), as a refund on ord_a and a capture on ord_b; as of the day before, as before", async () => {
      const { sk, store } = await receiving(kind);
      const a = await documentsOf(sk, "ord_a");
      const b = await documentsOf(sk, "ord_b");
      const before = await crmValue(sk);
      // Before the allocation: ord_a is returned whole, ord_b's 23.80 is owed again — nothing counts.
      expect(before).toEqual({ monetary: undefined, frequency: undefined, inCustomerValue: false });
      await sk.finance.allocate({ ledger: "receivables", creditId: a.creditNoteId!, documentIds: [b.invoiceId!], date: "2026-03-10" });
      expect((await sk.finance.openItems({ ledger: "receivables", party: "cus_1" })).map((i) => [i.documentId, i.openAmount])).toEqual([
        [a.creditNoteId, "0"],
        [b.invoiceId, "0"],
      ]);
      const after = await crmValue(sk);
      expect(after).toEqual({ monetary: 23.8, frequency: 1, inCustomerValue: true });
      // As of 9 March the allocation had not happened.
      expect(await crmValue(sk, "2026-03-09")).toEqual(before);
      // Delivered again (a crash before the checkpoint moved): counted once.
      const allocated = (await sk.events.read(null, 10_000)).find((e) => e.type === "CreditAllocated")!;
      expect(await store.transaction((tx) => applyTimelineEvent(tx, allocated))).toBe(false);
      expect(await crmValue(sk)).toEqual(after);

      // The same money moved by a refund of ord_a's credit and a capture on ord_b.
      const { sk: cash } = await receiving(kind);
      expect(await cash.sales.refundPayment({ orderId: "ord_a", refundId: "rf_a", amount: "23.80", returnId: "ret_a" })).toMatchObject({ invoiced: true });
      await cash.sales.capturePayment({ orderId: "ord_b", paymentId: "ch_b2" });
      expect(await crmValue(cash)).toEqual(after);
    });

    it("receiving order, part of the credit: 11.90 of ord_a's 23.80 credit pays ord_b — ord_b counts 11.90 (11.90 is still owed), then 23.80 once the rest is allocated too", async () => {
      const { sk } = await receiving(kind);
      const a = await documentsOf(sk, "ord_a");
      const b = await documentsOf(sk, "ord_b");
      await sk.finance.allocate({ ledger: "receivables", creditId: a.creditNoteId!, documentIds: [b.invoiceId!], date: "2026-03-10", amount: "11.90" });
      expect(await crmValue(sk)).toEqual({ monetary: 11.9, frequency: 1, inCustomerValue: true });
      await sk.finance.allocate({ ledger: "receivables", creditId: a.creditNoteId!, documentIds: [b.invoiceId!], date: "2026-03-11" });
      expect(await crmValue(sk)).toEqual({ monetary: 23.8, frequency: 1, inCustomerValue: true });
      expect((await crmValue(sk, "2026-03-10")).monetary).toBe(11.9);
    });

    it("source order: ord_a's 11.90 credit (kept for its TEEs, owed again) pays ord_b's invoice — ord_a no longer counts it as paid and kept: cus_1 is worth the 23.80 paid and kept (ord_a 11.90, ord_b 11.90), not 35.70", async () => {
      const { sk } = await source(kind);
      const a = await documentsOf(sk, "ord_a");
      const b = await documentsOf(sk, "ord_b");
      // ord_a: 47.60 less the 11.90 credit note, less the TEEs' 23.80 owed beyond the 23.80 paid and kept (11.90 of it): 23.80; ord_b 11.90.
      expect(await crmValue(sk)).toEqual({ monetary: 35.7, frequency: 2, inCustomerValue: true });
      await sk.finance.allocate({ ledger: "receivables", creditId: a.creditNoteId!, documentIds: [b.invoiceId!], date: "2026-03-10" });
      const captured = (await Promise.all(["ord_a", "ord_b"].map(async (id) => (await sk.sales.order(id))!.order.paid))).reduce((sum, p) => sum + Number(p.captured) - Number(p.refunded), 0);
      expect(captured).toBe(23.8);
      expect(await crmValue(sk)).toEqual({ monetary: 23.8, frequency: 2, inCustomerValue: true });
      expect((await crmValue(sk, "2026-03-09")).monetary).toBe(35.7);
    });

    it("over-payment: ord_a's 23.80 captured beyond its invoices (its MUGs returned, its TEEs kept) pays ord_b's invoice (its prepayment paid back, owed again) — CreditAllocated names ord_a's capture, and CRM counts ord_b as paid (47.60 over two orders, was 23.80 over one), as a refund on ord_a and a capture on ord_b would", async () => {
      const overPaid = async () => {
        const { sk, clock, store } = await base(kind);
        await place(sk, "ord_a", [{ sku: "MUG", quantity: 2 }, { sku: "TEE", quantity: 2 }]);
        clock.set("2026-03-05T10:00:00.000Z");
        await sk.sales.shipOrder({ orderId: "ord_a", shipmentId: "s_a1", lines: [{ lineId: "1", quantity: "2" }] });
        // 47.60 captured on the MUGs' 23.80 invoice: 23.80 beyond it stays on ch_a's own item.
        await sk.sales.capturePayment({ orderId: "ord_a", paymentId: "ch_a", amount: "47.60" });
        await sk.sales.requestReturn({ orderId: "ord_a", returnId: "ret_a", lines: [{ lineId: "1", quantity: "2" }] });
        await sk.sales.receiveReturn({ returnId: "ret_a" });
        await sk.sales.shipOrder({ orderId: "ord_a", shipmentId: "s_a2" });
        // ord_b: TEE ×2 paid, all 23.80 paid back out of prepayments (owed again), shipped: its invoice is open.
        await place(sk, "ord_b", [{ sku: "TEE", quantity: 2 }]);
        await sk.sales.capturePayment({ orderId: "ord_b", paymentId: "ch_b" });
        await sk.sales.refundPayment({ orderId: "ord_b", refundId: "rf_b", amount: "23.80" });
        await sk.sales.shipOrder({ orderId: "ord_b", shipmentId: "s_b" });
        clock.set("2026-03-10T10:00:00.000Z");
        return { sk, store };
      };
      const { sk, store } = await overPaid();
      const b = await documentsOf(sk, "ord_b");
      expect((await sk.finance.openItems({ ledger: "receivables", party: "cus_1", openOnly: true })).map((i) => [i.documentId, i.openAmount]).sort()).toEqual([[b.invoiceId, "23.8"], ["ch_a", "-23.8"]].sort());
      const before = await crmValue(sk);
      // ord_a keeps the TEEs' 23.80; ord_b's 23.80 is owed again: it does not count.
      expect(before).toEqual({ monetary: 23.8, frequency: 1, inCustomerValue: true });
      await sk.finance.allocate({ ledger: "receivables", creditId: "ch_a", documentIds: [b.invoiceId!], date: "2026-03-10", allocationId: "al_over" });
      const allocated = (await sk.events.read(null, 10_000)).filter((e) => e.type === "CreditAllocated");
      expect(allocated.map((e) => e.payload)).toEqual([
        {
          allocationId: "al_over",
          ledger: "receivables",
          party: "cus_1",
          currency: "EUR",
          amount: { amount: "23.8", currency: "EUR" },
          credit: { documentId: "ch_a", documentType: "payment", orderId: "ord_a" },
          documents: [{ documentId: b.invoiceId, documentType: "invoice", orderId: "ord_b", amount: { amount: "23.8", currency: "EUR" } }],
        },
      ]);
      const after = await crmValue(sk);
      // ord_a keeps the TEEs' 23.80, ord_b is paid 23.80 by it: 47.60 over two orders.
      expect(after).toEqual({ monetary: 47.6, frequency: 2, inCustomerValue: true });
      expect(await crmValue(sk, "2026-03-09")).toEqual(before);
      expect(await store.transaction((tx) => applyTimelineEvent(tx, allocated[0]!))).toBe(false);
      expect(await crmValue(sk)).toEqual(after);

      // The same money moved by a refund of ord_a's over-payment and a capture on ord_b.
      const { sk: cash } = await overPaid();
      expect(await cash.sales.refundPayment({ orderId: "ord_a", refundId: "rf_a", amount: "23.80" })).toMatchObject({ invoiced: true });
      await cash.sales.capturePayment({ orderId: "ord_b", paymentId: "ch_b2" });
      expect(await crmValue(cash)).toEqual(after);
    });

    it("another customer's invoice is refused by allocate (a credit moves between one party's documents only), and CRM changes nothing", async () => {
      const { sk, clock } = await receiving(kind);
      await place(sk, "ord_c", [{ sku: "MUG", quantity: 1 }], "cus_2");
      clock.set("2026-03-10T11:00:00.000Z");
      await sk.sales.shipOrder({ orderId: "ord_c", shipmentId: "s_c" });
      const before = await crmValue(sk);
      const a = await documentsOf(sk, "ord_a");
      const c = await documentsOf(sk, "ord_c");
      await expect(sk.finance.allocate({ ledger: "receivables", creditId: a.creditNoteId!, documentIds: [c.invoiceId!], date: "2026-03-10" })).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
      expect((await sk.events.read(null, 10_000)).filter((e) => e.type === "CreditAllocated")).toEqual([]);
      expect(await crmValue(sk)).toEqual(before);
    });
  });
}
