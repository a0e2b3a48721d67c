import { describe, expect, it, onTestFinished } from "vitest";
import type { Storekeep } from "../../src/storekeep.js";
import type { ManualClock } from "../../src/testing/index.js";
import { allocatedOf } from "../../src/sales/order.js";
import { USD_RATES, balance, booksAgree, sharedPglite, shop, stock, storeOf } from "./setup.js";

/*
 * An over-payment — money captured on an order beyond its invoices, left on the capture's own
 * open item — that finance's `allocate` moves to another order's invoice is money paid on the
 * first order paying the second. Sales reads it from the capture's item, as it reads a credit
 * note's (allocated-credit.test.ts): the capture's order no longer owes it back (refundDue,
 * leftToRefund) and owes again what it paid for goods still to ship; the receiving order counts
 * it as paid. Before, after ord_a's 23.80 over-payment paid ord_b's invoice, ord_a still showed
 * 23.80 refundDue and refundPayment paid it out a second time (finance then showed cus_1 owing
 * 23.80 again). The reverse direction keeps finance's open items and sales' figures together:
 * goods the moved money was held for are owed again and their capture settles their invoice; a
 * capture on the receiving order beyond what it still owes is a prepayment its next invoice
 * applies, and what the receiving order's return credits is owed back there.
 *
 * An on-shipment shop, cus_1, goods at 10.00 + 19% (11.90 each), allocations on 10 March.
 */

const db = sharedPglite();

type Kind = "memory" | "pglite";

/** cus_1's open receivables as [document, open amount], by document id. */
async function openOf(sk: Storekeep): Promise<string[][]> {
  const items = await sk.finance.openItems({ ledger: "receivables", party: "cus_1", openOnly: true });
  return items.map((i) => [i.documentId, i.openAmount]).sort((x, y) => (x[0]! < y[0]! ? -1 : 1));
}

/** [leftToPay, refundDue, leftToRefund, payment status] of an order. */
async function figures(sk: Storekeep, orderId: string): Promise<string[]> {
  const v = (await sk.sales.order(orderId))!;
  return [v.leftToPay, v.refundDue, v.leftToRefund, v.statuses.payment];
}

type Currency = "EUR" | "USD";

/** USD_RATES and 0.97 from 15 March: a USD order's later documents are booked at other rates. */
const RATES = [...USD_RATES, { base: "USD", quote: "EUR", date: "2026-03-15", rate: "0.97" }];

let currency: Currency = "EUR";

async function onShipmentShop(kind: Kind): Promise<{ sk: Storekeep; clock: ManualClock }> {
  const { sk, clock } = shop(storeOf(kind, db), { invoicing: "on-shipment" }, RATES);
  await stock(sk, ["MUG", "TEE"]);
  return { sk, clock };
}

const place = (sk: Storekeep, orderId: string, lines: { sku: string; quantity: number }[]) =>
  sk.sales.placeOrder({ orderId, customerId: "cus_1", currency, warehouseId: "wh", lines: lines.map((l) => ({ ...l, unitPrice: "10" })) });

const invoiceOf = async (sk: Storekeep, orderId: string, index = 0) => (await sk.sales.order(orderId))!.order.invoices[index]!.invoiceId;

/** ord_a: MUG ×2 and TEE ×2 (47.60); the MUGs ship (INV…1), 47.60 is captured (ch_a: 23.80 beyond INV…1, held for the TEEs). */
async function overPaidForTees(kind: Kind): Promise<{ sk: Storekeep; clock: ManualClock }> {
  const { sk, clock } = await onShipmentShop(kind);
  await place(sk, "ord_a", [{ sku: "MUG", quantity: 2 }, { sku: "TEE", quantity: 2 }]);
  await sk.sales.shipOrder({ orderId: "ord_a", shipmentId: "shp_a1", lines: [{ lineId: "1", quantity: "2" }] });
  await sk.sales.capturePayment({ orderId: "ord_a", paymentId: "ch_a", amount: "47.6" });
  return { sk, clock };
}

/**
 * ord_a over-paid for its TEEs, then the MUGs come back whole (CN…1, 23.80) and the TEEs ship
 * (INV…2 takes the credit note): ch_a's 23.80 is owed back (refundDue). ord_b: MUG ×2, shipped,
 * not paid (INV…3, 23.80 open).
 */
async function overPaidAndInvoice(kind: Kind): Promise<{ sk: Storekeep; clock: ManualClock; invoiceId: string }> {
  const { sk, clock } = await overPaidForTees(kind);
  await sk.sales.requestReturn({ orderId: "ord_a", returnId: "ret_a", lines: [{ lineId: "1", quantity: "2" }] });
  await sk.sales.receiveReturn({ returnId: "ret_a" });
  await sk.sales.shipOrder({ orderId: "ord_a", shipmentId: "shp_a2" });
  await place(sk, "ord_b", [{ sku: "MUG", quantity: 2 }]);
  await sk.sales.shipOrder({ orderId: "ord_b", shipmentId: "shp_b" });
  const invoiceId = await invoiceOf(sk, "ord_b");
  expect(await openOf(sk)).toEqual([[invoiceId, "23.8"], ["ch_a", "-23.8"]]);
  expect(await figures(sk, "ord_a")).toEqual(["0", "23.8", "47.6", "paid"]);
  expect(await figures(sk, "ord_b")).toEqual(["23.8", "0", "0", "unpaid"]);
  clock.set("2026-03-10T10:00:00.000Z");
  return { sk, clock, invoiceId };
}

for (const kind of ["memory", "pglite"] as const) {
  describe(`${kind}: an over-payment allocated to another order's invoice`, () => {
    it("whole: the capture's order owes nothing back and keeps only what it cost, the receiving order is paid by it; a refund of it is refused and nothing opens again", async () => {
      const { sk, invoiceId } = await overPaidAndInvoice(kind);
      // The shop's accountant lets ord_a's over-payment pay ord_b's invoice.
      await sk.finance.allocate({ ledger: "receivables", creditId: "ch_a", documentIds: [invoiceId], date: "2026-03-10" });
      expect(await openOf(sk)).toEqual([]);
      expect(await figures(sk, "ord_a")).toEqual(["0", "0", "23.8", "paid"]);
      expect(await figures(sk, "ord_b")).toEqual(["0", "0", "0", "paid"]);
      // The over-payment is spent: paying it back again is refused, and nothing is paid out.
      await expect(sk.sales.refundPayment({ orderId: "ord_a", refundId: "re_a", amount: "23.8" })).rejects.toMatchObject({
        code: "VALIDATION_FAILED",
        message: expect.stringMatching(/23.8 EUR of the credit was written off in finance, or allocated to another order's documents/),
      });
      await expect(sk.sales.capturePayment({ orderId: "ord_b", paymentId: "ch_b" })).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
      expect(await openOf(sk)).toEqual([]);
      expect(await balance(sk, "1200")).toBe("0.00");
      await booksAgree(sk);
    }, 60_000);

    it("in part (10.00 of 23.80): 13.80 is still owed back on the capture's order and 13.80 left to pay on the receiving one; refunding and capturing those clears everything", async () => {
      const { sk, invoiceId } = await overPaidAndInvoice(kind);
      await sk.finance.allocate({ ledger: "receivables", creditId: "ch_a", documentIds: [invoiceId], date: "2026-03-10", amount: "10" });
      expect(await openOf(sk)).toEqual([[invoiceId, "13.8"], ["ch_a", "-13.8"]]);
      expect(await figures(sk, "ord_a")).toEqual(["0", "13.8", "37.6", "paid"]);
      expect(await figures(sk, "ord_b")).toEqual(["13.8", "0", "0", "partially-paid"]);
      await expect(sk.sales.refundPayment({ orderId: "ord_a", refundId: "re_x", amount: "23.8" })).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
      await sk.sales.refundPayment({ orderId: "ord_a", refundId: "re_a", amount: "13.8" });
      await sk.sales.capturePayment({ orderId: "ord_b", paymentId: "ch_b" });
      expect(await openOf(sk)).toEqual([]);
      // ord_a: 47.60 captured, 10.00 of it pays ord_b, 13.80 refunded: 23.80 kept for the TEEs it keeps.
      expect(await figures(sk, "ord_a")).toEqual(["0", "0", "23.8", "partially-refunded"]);
      expect(await figures(sk, "ord_b")).toEqual(["0", "0", "13.8", "paid"]);
      expect(await balance(sk, "1200")).toBe("0.00");
      await booksAgree(sk);
    }, 60_000);
  });

  describe(`${kind}: the reverse direction keeps finance's open items and sales' figures together`, () => {
    it("the over-payment held for ord_a's TEEs pays ord_b's invoice: ord_a owes the TEEs again (a refund of it refused; an edit removing them pays nothing back, below); they ship, ord_a's capture settles their invoice, and a second capture is refused", async () => {
      const { sk, clock } = await overPaidForTees(kind);
      await place(sk, "ord_b", [{ sku: "MUG", quantity: 2 }]);
      await sk.sales.shipOrder({ orderId: "ord_b", shipmentId: "shp_b" });
      const invoiceB = await invoiceOf(sk, "ord_b");
      expect(await figures(sk, "ord_a")).toEqual(["0", "0", "47.6", "paid"]);
      clock.set("2026-03-10T10:00:00.000Z");
      await sk.finance.allocate({ ledger: "receivables", creditId: "ch_a", documentIds: [invoiceB], date: "2026-03-10" });
      expect(await openOf(sk)).toEqual([]);
      // The money for the TEEs now pays ord_b: ord_a owes them again, and has nothing to pay back.
      expect(await figures(sk, "ord_a")).toEqual(["23.8", "0", "23.8", "partially-paid"]);
      expect(await figures(sk, "ord_b")).toEqual(["0", "0", "0", "paid"]);
      await expect(sk.sales.refundPayment({ orderId: "ord_a", refundId: "re_a", amount: "23.8" })).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
      await sk.sales.shipOrder({ orderId: "ord_a", shipmentId: "shp_a2" });
      const invoiceTees = await invoiceOf(sk, "ord_a", 1);
      expect(await openOf(sk)).toEqual([[invoiceTees, "23.8"]]);
      expect(await figures(sk, "ord_a")).toEqual(["23.8", "0", "23.8", "partially-paid"]);
      // Was: refused ("at most 0 is left to pay"), the TEEs' invoice open in finance for good.
      expect(await sk.sales.capturePayment({ orderId: "ord_a", paymentId: "ch_a2" })).toEqual({ paymentId: "ch_a2", amount: "23.8", invoiced: true });
      expect(await openOf(sk)).toEqual([]);
      expect(await figures(sk, "ord_a")).toEqual(["0", "0", "47.6", "paid"]);
      await expect(sk.sales.capturePayment({ orderId: "ord_a", paymentId: "ch_a3", amount: "0.01" })).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
      expect(await balance(sk, "1200")).toBe("0.00");
      await booksAgree(sk);
    }, 60_000);

    it("ord_b's first shipment's invoice paid by ord_a's over-payment: ord_b's capture of the rest is a prepayment its next invoice applies (was: an over-payment left open beside that invoice); its MUGs returned, the 23.80 credit is owed back on ord_b and the refund settles it", async () => {
      const { sk } = await overPaidAndInvoice(kind);
      await place(sk, "ord_c", [{ sku: "MUG", quantity: 2 }, { sku: "TEE", quantity: 2 }]);
      await sk.sales.shipOrder({ orderId: "ord_c", shipmentId: "shp_c1", lines: [{ lineId: "1", quantity: "2" }] });
      const invoiceC = await invoiceOf(sk, "ord_c");
      await sk.finance.allocate({ ledger: "receivables", creditId: "ch_a", documentIds: [invoiceC], date: "2026-03-10" });
      expect(await figures(sk, "ord_c")).toEqual(["23.8", "0", "0", "partially-paid"]);
      expect(await sk.sales.capturePayment({ orderId: "ord_c", paymentId: "ch_c" })).toEqual({ paymentId: "ch_c", amount: "23.8", invoiced: false });
      await sk.sales.shipOrder({ orderId: "ord_c", shipmentId: "shp_c2" });
      const invoiceB = await invoiceOf(sk, "ord_b");
      expect(await openOf(sk)).toEqual([[invoiceB, "23.8"]]);
      expect(await figures(sk, "ord_c")).toEqual(["0", "0", "23.8", "paid"]);
      await sk.sales.requestReturn({ orderId: "ord_c", returnId: "ret_c", lines: [{ lineId: "1", quantity: "2" }] });
      await sk.sales.receiveReturn({ returnId: "ret_c" });
      const creditNoteC = (await sk.sales.order("ord_c"))!.order.creditNotes[0]!.creditNoteId;
      expect(await openOf(sk)).toEqual([[creditNoteC, "-23.8"], [invoiceB, "23.8"]]);
      expect(await figures(sk, "ord_c")).toEqual(["0", "23.8", "23.8", "paid"]);
      expect(await sk.sales.refundPayment({ orderId: "ord_c", refundId: "re_c", amount: "23.8", returnId: "ret_c" })).toMatchObject({ invoiced: true });
      expect(await openOf(sk)).toEqual([[invoiceB, "23.8"]]);
      const c = (await sk.sales.order("ord_c"))!;
      expect([c.refundDue, c.leftToRefund, c.order.paid.refunded, c.order.paid.captured]).toEqual(["0", "0", "23.8", "23.8"]);
      await expect(sk.sales.refundPayment({ orderId: "ord_c", refundId: "re_c2", amount: "0.01" })).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
      expect(await balance(sk, "2200")).toBe("0.00");
      await booksAgree(sk);
    }, 60_000);

    it.each(["EUR", "USD"] as const)("%s: ord_c's first invoice paid by ord_a's over-payment, its goods returned before the rest ships: the next invoice takes the return's credit note, so finance holds nothing open for ord_c (was: the credit note and the invoice both open, netting to nothing)", async (inCurrency) => {
      // Every order of the scenario in that currency (ord_a and ord_b too); back to EUR for the other tests.
      currency = inCurrency;
      onTestFinished(() => {
        currency = "EUR";
      });
      const { sk, clock } = await overPaidAndInvoice(kind);
      await place(sk, "ord_c", [{ sku: "MUG", quantity: 2 }, { sku: "TEE", quantity: 2 }]);
      await sk.sales.shipOrder({ orderId: "ord_c", shipmentId: "shp_c1", lines: [{ lineId: "1", quantity: "2" }] });
      const invoiceC1 = await invoiceOf(sk, "ord_c");
      await sk.finance.allocate({ ledger: "receivables", creditId: "ch_a", documentIds: [invoiceC1], date: "2026-03-10" });
      // The MUGs come back: ord_c paid 23.80 (ord_a's money) for goods it no longer has.
      await sk.sales.requestReturn({ orderId: "ord_c", returnId: "ret_c", lines: [{ lineId: "1", quantity: "2" }] });
      await sk.sales.receiveReturn({ returnId: "ret_c" });
      const creditNoteC = (await sk.sales.order("ord_c"))!.order.creditNotes[0]!.creditNoteId;
      const invoiceB = await invoiceOf(sk, "ord_b");
      expect(await openOf(sk)).toEqual([[creditNoteC, "-23.8"], [invoiceB, "23.8"]]);
      // The TEEs ship (on 15 March: a USD invoice at 0.97, its credit note at 0.95): their 23.80 invoice is paid by that credit.
      clock.set("2026-03-15T10:00:00.000Z");
      const shipped = await sk.sales.shipOrder({ orderId: "ord_c", shipmentId: "shp_c2" });
      expect(await openOf(sk)).toEqual([[invoiceB, "23.8"]]);
      expect(shipped.invoiceId).not.toBeNull();
      expect(await figures(sk, "ord_c")).toEqual(["0", "0", "0", "paid"]);
      await expect(sk.sales.refundPayment({ orderId: "ord_c", refundId: "re_c", amount: "0.01" })).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
      await expect(sk.sales.capturePayment({ orderId: "ord_c", paymentId: "ch_c" })).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
      await booksAgree(sk);
    }, 60_000);

    it.each(["EUR", "USD"] as const)("%s: ord_a's over-payment moved to ord_b's invoice, then ord_a's TEEs removed by an edit: the moved money is no surplus, so nothing is refunded and nothing is due (was: refused, 'refund the 23.8 surplus', and refused again with a refund; a cancellation is refused too, the MUGs having shipped); finance holds nothing open", async (inCurrency) => {
      currency = inCurrency;
      onTestFinished(() => {
        currency = "EUR";
      });
      const { sk, clock } = await overPaidForTees(kind);
      await place(sk, "ord_b", [{ sku: "MUG", quantity: 2 }]);
      await sk.sales.shipOrder({ orderId: "ord_b", shipmentId: "shp_b" });
      clock.set("2026-03-10T10:00:00.000Z");
      await sk.finance.allocate({ ledger: "receivables", creditId: "ch_a", documentIds: [await invoiceOf(sk, "ord_b")], date: "2026-03-10" });
      const edited = await sk.sales.editOrder({ orderId: "ord_a", changes: [{ lineId: "2", quantity: 0 }] });
      expect([edited.total, edited.balanceDue, edited.refundId]).toEqual(["23.8", "0", null]);
      expect(await figures(sk, "ord_a")).toEqual(["0", "0", "23.8", "paid"]);
      expect(await openOf(sk)).toEqual([]);
      expect(await balance(sk, "1200")).toBe("0.00");
      await booksAgree(sk);
    }, 60_000);

    it("ord_a's over-payment moved to ord_b's invoice, then ord_a edited with its total unchanged (a free MUG added): the edit's balance due is the 23.80 ord_a owes again, as the view's leftToPay (was 0: its own captures covered the total)", async () => {
      const { sk, clock } = await overPaidForTees(kind);
      await place(sk, "ord_b", [{ sku: "MUG", quantity: 2 }]);
      await sk.sales.shipOrder({ orderId: "ord_b", shipmentId: "shp_b" });
      clock.set("2026-03-10T10:00:00.000Z");
      await sk.finance.allocate({ ledger: "receivables", creditId: "ch_a", documentIds: [await invoiceOf(sk, "ord_b")], date: "2026-03-10" });
      expect(await figures(sk, "ord_a")).toEqual(["23.8", "0", "23.8", "partially-paid"]);
      const edited = await sk.sales.editOrder({ orderId: "ord_a", add: [{ sku: "MUG", quantity: 1, unitPrice: "0" }] });
      expect([edited.total, edited.previousTotal, edited.balanceDue, edited.refundId]).toEqual(["47.6", "47.6", "23.8", null]);
      expect((await figures(sk, "ord_a"))[0]).toBe(edited.balanceDue);
      await booksAgree(sk);
    }, 60_000);

    it("ord_c's first invoice paid by ord_a's over-payment, then ord_c edited (TEE 2 → 1): the edit's correction credit note and the invoice replacing it settle each other, the TEE's invoice is all ord_c owes, and its capture leaves nothing open", async () => {
      const { sk } = await overPaidAndInvoice(kind);
      await place(sk, "ord_c", [{ sku: "MUG", quantity: 2 }, { sku: "TEE", quantity: 2 }]);
      await sk.sales.shipOrder({ orderId: "ord_c", shipmentId: "shp_c1", lines: [{ lineId: "1", quantity: "2" }] });
      const invoiceC1 = await invoiceOf(sk, "ord_c");
      await sk.finance.allocate({ ledger: "receivables", creditId: "ch_a", documentIds: [invoiceC1], date: "2026-03-10" });
      const invoiceB = await invoiceOf(sk, "ord_b");
      const edited = await sk.sales.editOrder({ orderId: "ord_c", changes: [{ lineId: "2", quantity: 1 }] });
      // 23.80 of the 35.70 was paid by ord_a's credit: 11.90 is due (was 35.70, sales' own captures alone).
      expect([edited.total, edited.balanceDue, edited.creditNoteIds.length]).toEqual(["35.7", "11.9", 1]);
      expect(await openOf(sk)).toEqual([[invoiceB, "23.8"]]);
      expect(await figures(sk, "ord_c")).toEqual(["11.9", "0", "0", "partially-paid"]);
      await sk.sales.shipOrder({ orderId: "ord_c", shipmentId: "shp_c2" });
      const invoiceTee = await invoiceOf(sk, "ord_c", 2);
      expect(await openOf(sk)).toEqual([[invoiceTee, "11.9"], [invoiceB, "23.8"]].sort((x, y) => (x[0]! < y[0]! ? -1 : 1)));
      expect(await sk.sales.capturePayment({ orderId: "ord_c", paymentId: "ch_c" })).toEqual({ paymentId: "ch_c", amount: "11.9", invoiced: true });
      expect(await openOf(sk)).toEqual([[invoiceB, "23.8"]]);
      expect(await figures(sk, "ord_c")).toEqual(["0", "0", "11.9", "paid"]);
      expect(await balance(sk, "1200")).toBe("23.80");
      await booksAgree(sk);
    }, 60_000);
  });
}

describe("allocatedOf: what finance.allocate moved between an order and others, from its documents' open items", () => {
  const own = new Set(["INV1", "CN1", "ch_1"]);
  it("a credit of the order paying another order's document moves it away; another order's credit paying the order's invoice pays it", () => {
    expect(allocatedOf([{ settlements: [{ kind: "allocation", documentId: "alloc_1", amount: "-23.8" }] }], own)).toEqual({ paidByCredits: "0", movedAway: "23.8" });
    expect(allocatedOf([{ settlements: [{ kind: "allocation", documentId: "alloc_2", amount: "10" }] }], own)).toEqual({ paidByCredits: "10", movedAway: "0" });
  });
  it("an invoice taking its own order's credit (sales' event names the other document) and an allocate between two of the order's own documents move nothing", () => {
    const items = [
      { settlements: [{ kind: "allocation", documentId: "ch_1", amount: "11.9" }, { kind: "allocation", documentId: "alloc_3", amount: "5" }] },
      { settlements: [{ kind: "allocation", documentId: "INV1", amount: "-11.9" }] },
      { settlements: [{ kind: "allocation", documentId: "alloc_3", amount: "-8" }, { kind: "write-off", documentId: "wo_1", amount: "-0.01" }] },
    ];
    // alloc_3: 8.00 of CN1 went 5.00 to INV1 (within the order) and 3.00 elsewhere.
    expect(allocatedOf(items, own)).toEqual({ paidByCredits: "0", movedAway: "3" });
  });
});
