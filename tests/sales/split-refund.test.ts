import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Decimal } from "../../src/kernel/decimal.js";
import { memoryStore } from "../../src/adapters/memory/index.js";
import type { Storekeep } from "../../src/storekeep.js";
import { USD_RATES, VAT, balance, booksAgree, cleared, sharedPglite, shop, stock, storeOf } from "./setup.js";

/*
 * A refund on an invoiced on-shipment order that needs both the credit a credit note left and
 * the prepayment the order still holds for goods not shipped yet (more than either, not more
 * than both) used to be refused: the customer-service agent refunding "everything we owe the
 * customer" had to split it in two. It is split now, the credit first (what is owed back now,
 * refundDue), the rest out of prepayments, in one RefundIssued (`fromPrepayments`), and leaves
 * the order, the books and the open items exactly as the two refunds one after the other.
 *
 * The order: MUG ×2 and TEE ×2 at 10.00 + 19% = 47.60 for cus_1, all of it captured before
 * shipping on 2 March (USD at 0.90); the MUGs ship on 5 March (invoice 23.80 at 0.92, paid from
 * the prepayment: 23.80 stays prepaid for the TEEs); one MUG comes back (credit note 11.90);
 * on 10 March (0.95) the shop refunds 35.70 = 11.90 + 23.80.
 */

const db = sharedPglite();

type Options = { currency: "EUR" | "USD"; advances?: boolean };

async function partlyReturned(kind: "memory" | "pglite", o: Options): Promise<Storekeep> {
  const tax = { codes: VAT, seller: { country: "DE" }, ...(o.advances === true ? { taxOnAdvances: true } : {}) };
  const { sk, clock } = shop(storeOf(kind, db), { invoicing: "on-shipment", tax }, USD_RATES);
  await stock(sk, ["MUG", "TEE"]);
  await sk.crm.createCustomer({ customerId: "cus_1" });
  await sk.sales.placeOrder({ orderId: "ord_1", customerId: "cus_1", currency: o.currency, warehouseId: "wh", shipTo: { country: "DE" }, lines: [{ sku: "MUG", quantity: 2, unitPrice: "10" }, { sku: "TEE", quantity: 2, unitPrice: "10" }] });
  await sk.sales.capturePayment({ orderId: "ord_1", paymentId: "ch1" });
  clock.set("2026-03-05T10:00:00.000Z");
  await sk.sales.shipOrder({ orderId: "ord_1", shipmentId: "s1", lines: [{ lineId: "1", quantity: "2" }] });
  await sk.sales.requestReturn({ orderId: "ord_1", returnId: "ret1", lines: [{ lineId: "1", quantity: "1" }] });
  await sk.sales.receiveReturn({ returnId: "ret1" });
  clock.set("2026-03-10T10:00:00.000Z");
  const view = (await sk.sales.order("ord_1"))!;
  // Owed back now: the return's credit; held for the TEEs: the prepayment.
  expect([view.refundDue, view.order.prepayment.amount, view.leftToRefund]).toEqual(["11.9", "23.8", "47.6"]);
  return sk;
}

/** The order's money state, what its view reports, the trial balance, the open items (settlements named by kind, not by refund id) and CRM's monetary value of cus_1. */
async function state(sk: Storekeep) {
  const view = (await sk.sales.order("ord_1"))!;
  const o = view.order;
  const tb = await sk.finance.trialBalance({ asOf: "2026-12-31" });
  const items = await sk.finance.openItems({ ledger: "receivables", party: "cus_1" });
  // CRM counts what the customer bought net of what was credited or paid back out of prepayments.
  await sk.crm.syncTimeline();
  const monetary = (await sk.crm.segments("2026-03-31")).find((x) => x.customerId === "cus_1")?.monetary;
  return {
    monetary,
    order: { paid: o.paid, prepayment: o.prepayment, receivable: o.receivable, advanceTax: o.advanceTax ?? [], state: o.state, statuses: view.statuses },
    view: { refundDue: view.refundDue, leftToRefund: view.leftToRefund, leftToPay: view.leftToPay },
    balances: tb.rows.map((r) => [r.account, r.debit, r.credit]),
    openItems: items.map((i) => [i.documentType, i.documentId, i.amount, i.functional, i.openAmount, i.openFunctional, i.settlements.map((s) => [s.kind, s.amount, s.booked, s.settled])]),
  };
}

/** The refund's journal lines: account, amount, functional. */
async function refundLines(sk: Storekeep): Promise<string[][]> {
  return (await sk.finance.journal()).filter((e) => e.memo?.startsWith("Refund") === true).flatMap((e) => e.lines.map((l) => [l.account, l.amount, l.functional]));
}

for (const kind of ["memory", "pglite"] as const) {
  describe(`${kind}: a refund of the credit owed back and the prepayment held, together`, () => {
    it("EUR with VAT: 35.70 is accepted as 11.90 settling the credit note and 23.80 out of prepayments — statuses, journal to the cent, open items and the order's money as after the two refunds one after the other", async () => {
      const sk = await partlyReturned(kind, { currency: "EUR" });
      const result = await sk.sales.refundPayment({ orderId: "ord_1", refundId: "rf", amount: "35.70" });
      expect(result).toEqual({ refundId: "rf", amount: "35.7", invoiced: true, fromPrepayments: "23.8" });
      expect(await refundLines(sk)).toEqual([
        ["2200", "23.8", "23.8"],
        ["1200", "11.9", "11.9"],
        ["1150", "-35.7", "-35.7"],
      ]);
      const event = (await sk.events.read(null, 10_000)).find((e) => e.type === "RefundIssued")!;
      expect(event.payload).toMatchObject({ invoiced: true, creditNoteId: "CN2026-000001", amount: { amount: "35.7" }, functionalAmount: { amount: "35.7" }, fromPrepayments: { amount: { amount: "23.8", currency: "EUR" }, functionalAmount: { amount: "23.8", currency: "EUR" } } });
      const after = await state(sk);
      expect(after.order).toMatchObject({
        paid: { captured: "47.6", refunded: "35.7", refundedPrepaid: "23.8" },
        prepayment: { amount: "0", functional: "0" },
        receivable: { amount: "0", functional: "0" },
        statuses: { payment: "partially-refunded", fulfilment: "partially-shipped", returns: "partially-returned" },
      });
      // Nothing is owed back any more; 11.90 of the capture stays (the MUG kept); the TEEs are owed again.
      expect(after.view).toEqual({ refundDue: "0", leftToRefund: "11.9", leftToPay: "23.8" });
      // 47.60 less the 11.90 credited and the 23.80 paid back out of prepayments.
      expect(after.monetary).toBe(11.9);
      // The credit note is settled by the refund (the invoice, paid from the prepayment, opened none); nothing of the customer's is open.
      expect(after.openItems).toEqual([
        ["credit-note", "CN2026-000001", "-11.9", "-11.9", "0", "0", [["refund", "-11.9", "-11.9", "-11.9"]]],
      ]);
      expect(await balance(sk, "1200")).toBe("0.00");
      expect(await balance(sk, "2200")).toBe("0.00");
      await booksAgree(sk);

      const two = await partlyReturned(kind, { currency: "EUR" });
      expect(await two.sales.refundPayment({ orderId: "ord_1", refundId: "rf1", amount: "11.9" })).toEqual({ refundId: "rf1", amount: "11.9", invoiced: true });
      expect(await two.sales.refundPayment({ orderId: "ord_1", refundId: "rf2", amount: "23.8" })).toEqual({ refundId: "rf2", amount: "23.8", invoiced: false });
      expect(await state(two)).toEqual(after);

      // The TEEs paid again and shipped: the order and the books end cleared.
      await sk.sales.capturePayment({ orderId: "ord_1", paymentId: "ch2", amount: "23.8" });
      await sk.sales.shipOrder({ orderId: "ord_1", shipmentId: "s2" });
      await cleared(sk);
    });

    it("USD with EUR books: the credit part realises its exchange difference (11.90 booked at 10.95, paid at 0.95 = 11.31: a 0.36 loss), the prepayment part leaves at its booked 21.42 — as after the two refunds", async () => {
      const sk = await partlyReturned(kind, { currency: "USD" });
      expect((await sk.sales.order("ord_1"))!.order).toMatchObject({ prepayment: { amount: "23.8", functional: "21.42" }, receivable: { amount: "-11.9", functional: "-10.95" } });
      expect(await sk.sales.refundPayment({ orderId: "ord_1", refundId: "rf", amount: "35.7" })).toEqual({ refundId: "rf", amount: "35.7", invoiced: true, fromPrepayments: "23.8" });
      expect(await refundLines(sk)).toEqual([
        ["2200", "23.8", "21.42"],
        ["1200", "11.9", "10.95"],
        ["6800", "0.36", "0.36"],
        ["1150", "-35.7", "-32.73"],
      ]);
      const event = (await sk.events.read(null, 10_000)).find((e) => e.type === "RefundIssued")!;
      expect(event.payload).toMatchObject({ rate: "0.95", functionalAmount: { amount: "32.73" }, exchangeDifference: { amount: "0.36", currency: "EUR" }, fromPrepayments: { amount: { amount: "23.8" }, functionalAmount: { amount: "21.42" } } });
      const after = await state(sk);
      expect(after.order).toMatchObject({ prepayment: { amount: "0", functional: "0" }, receivable: { amount: "0", functional: "0" }, paid: { refunded: "35.7", refundedPrepaid: "23.8" } });
      expect(after.openItems).toEqual([
        ["credit-note", "CN2026-000001", "-11.9", "-10.95", "0", "0", [["refund", "-11.9", "-10.95", "-11.31"]]],
      ]);
      expect(await balance(sk, "1200")).toBe("0.00");
      expect(await balance(sk, "2200")).toBe("0.00");
      await booksAgree(sk);

      const two = await partlyReturned(kind, { currency: "USD" });
      await two.sales.refundPayment({ orderId: "ord_1", refundId: "rf1", amount: "11.9" });
      await two.sales.refundPayment({ orderId: "ord_1", refundId: "rf2", amount: "23.8" });
      expect(await state(two)).toEqual(after);

      await sk.sales.capturePayment({ orderId: "ord_1", paymentId: "ch2", amount: "23.8" });
      await sk.sales.shipOrder({ orderId: "ord_1", shipmentId: "s2" });
      await cleared(sk);
    });

    it.each(["EUR", "USD"] as const)("%s with VAT on advances: the prepayment part releases the advance tax still held (3.80 taken on the TEEs' advance), as the second of two refunds would; 1410 clears and the tax report reconciles", async (currency) => {
      const sk = await partlyReturned(kind, { currency, advances: true });
      const held = (await sk.sales.order("ord_1"))!.order.advanceTax;
      expect(held?.map((t) => [t.code, t.tax, t.functionalTax])).toEqual([["DE-STD", "3.8", currency === "EUR" ? "3.8" : "3.42"]]);
      await sk.sales.refundPayment({ orderId: "ord_1", refundId: "rf", amount: "35.7" });
      const tax = currency === "EUR" ? "3.8" : "3.42";
      expect((await refundLines(sk)).filter(([account]) => account === "1410" || account === "2300")).toEqual([
        ["1410", `-${tax}`, `-${tax}`],
        ["2300", tax, tax],
      ]);
      const event = (await sk.events.read(null, 10_000)).find((e) => e.type === "RefundIssued")!;
      expect((event.payload as { advanceTaxReleased?: { code: string; tax: { amount: string } }[] }).advanceTaxReleased?.map((l) => [l.code, l.tax.amount])).toEqual([["DE-STD", "3.8"]]);
      expect(await balance(sk, "1410")).toBe("0.00");
      const after = await state(sk);
      expect(after.order.advanceTax).toEqual([]);
      expect((await sk.finance.taxReport({ from: "2026-03-01", to: "2026-03-31" })).reconciles).toBe(true);
      await booksAgree(sk);

      const two = await partlyReturned(kind, { currency, advances: true });
      await two.sales.refundPayment({ orderId: "ord_1", refundId: "rf1", amount: "11.9" });
      await two.sales.refundPayment({ orderId: "ord_1", refundId: "rf2", amount: "23.8" });
      expect(await state(two)).toEqual(after);
    });

    it("the same refund delivered again replays the first result and posts nothing more; other content under its id is DUPLICATE_DOCUMENT", async () => {
      const sk = await partlyReturned(kind, { currency: "EUR" });
      const first = await sk.sales.refundPayment({ orderId: "ord_1", refundId: "rf", amount: "35.7" });
      const before = { state: await state(sk), events: (await sk.events.read(null, 10_000)).length, entries: (await sk.finance.journal()).length };
      expect(await sk.sales.refundPayment({ orderId: "ord_1", refundId: "rf", amount: "35.70" })).toEqual(first);
      expect(await sk.sales.refundPayment({ orderId: "ord_1", refundId: "rf", amount: "35.7" }, { idempotencyKey: "webhook-rf" })).toEqual(first);
      await expect(sk.sales.refundPayment({ orderId: "ord_1", refundId: "rf", amount: "11.9" })).rejects.toMatchObject({ code: "DUPLICATE_DOCUMENT", message: expect.stringContaining("amount: 35.7, now 11.9") });
      expect({ state: await state(sk), events: (await sk.events.read(null, 10_000)).length, entries: (await sk.finance.journal()).length }).toEqual(before);
    });

    it("more than the credit owed back and the prepayment together is refused naming both figures, and writes nothing", async () => {
      const sk = await partlyReturned(kind, { currency: "EUR" });
      const before = await state(sk);
      await expect(sk.sales.refundPayment({ orderId: "ord_1", refundId: "rf", amount: "35.71" })).rejects.toMatchObject({
        code: "VALIDATION_FAILED",
        message: "Order ord_1: only 11.9 EUR is owed back now (refundDue) and 23.8 EUR is prepaid for goods not shipped yet, so a refund pays back at most 35.7 EUR, not 35.71 EUR.",
        details: { refundDue: "11.9", prepayment: "23.8", most: "35.7", issues: [{ path: "amount" }] },
      });
      expect(await state(sk)).toEqual(before);
      expect(await sk.sales.refundPayment({ orderId: "ord_1", refundId: "rf", amount: "35.7" })).toMatchObject({ fromPrepayments: "23.8" });
    });

    it("with the return named, the return is refunded by the credit part and the rest comes out of prepayments", async () => {
      const sk = await partlyReturned(kind, { currency: "EUR" });
      // 20.00: 11.90 settles the return's credit, 8.10 of the 23.80 prepaid is paid back.
      expect(await sk.sales.refundPayment({ orderId: "ord_1", refundId: "rf", amount: "20", returnId: "ret1" })).toEqual({ refundId: "rf", amount: "20", invoiced: true, fromPrepayments: "8.1" });
      const view = (await sk.sales.order("ord_1"))!;
      expect(view.order.prepayment).toEqual({ amount: "15.7", functional: "15.7" });
      expect([view.refundDue, view.leftToPay, new Decimal(view.leftToRefund).toFixed(2)]).toEqual(["0", "8.1", "27.60"]);
      expect(view.statuses.returns).toBe("partially-returned");
      await expect(sk.sales.refundPayment({ orderId: "ord_1", refundId: "rf2", amount: "0.01", returnId: "ret1" })).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
      await booksAgree(sk);
    });
  });
}

describe("split refunds over random orders", () => {
  /** Paid `captured` ahead, `shipped` MUGs shipped on 5 March, `returned` of them back; 10 March. */
  async function order(currency: "EUR" | "USD", captured: string, shipped: number, returned: number): Promise<Storekeep> {
    const { sk, clock } = shop(memoryStore(), { invoicing: "on-shipment", tax: { codes: VAT, seller: { country: "DE" }, taxOnAdvances: true } }, USD_RATES);
    await stock(sk, ["MUG", "TEE"]);
    await sk.crm.createCustomer({ customerId: "cus_1" });
    await sk.sales.placeOrder({ orderId: "ord_1", customerId: "cus_1", currency, warehouseId: "wh", shipTo: { country: "DE" }, lines: [{ sku: "MUG", quantity: 2, unitPrice: "10" }, { sku: "TEE", quantity: 2, unitPrice: "10" }] });
    await sk.sales.capturePayment({ orderId: "ord_1", paymentId: "ch1", amount: captured });
    clock.set("2026-03-05T10:00:00.000Z");
    await sk.sales.shipOrder({ orderId: "ord_1", shipmentId: "s1", lines: [{ lineId: "1", quantity: String(shipped) }] });
    await sk.sales.requestReturn({ orderId: "ord_1", returnId: "ret1", lines: [{ lineId: "1", quantity: String(returned) }] });
    await sk.sales.receiveReturn({ returnId: "ret1" });
    clock.set("2026-03-10T10:00:00.000Z");
    return sk;
  }

  it("property: a refund above both refundDue and the prepayment but within the two together leaves the order, the books, the open items and CRM exactly as refundDue then the rest; a cent more is refused naming both", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom("EUR" as const, "USD" as const),
        fc.integer({ min: 1, max: 2 }).chain((shipped) => fc.tuple(fc.constant(shipped), fc.integer({ min: 1, max: shipped }), fc.integer({ min: shipped * 1190 + 1, max: 4760 }), fc.integer({ min: 0, max: 1000 }))),
        async (currency, [shipped, returned, capturedCents, at]) => {
          const captured = new Decimal(capturedCents).dividedBy(100).toFixed(2);
          const sk = await order(currency, captured, shipped, returned);
          const view = (await sk.sales.order("ord_1"))!;
          const due = new Decimal(view.refundDue);
          const prepaid = new Decimal(view.order.prepayment.amount);
          const low = Decimal.max(due, prepaid).times(100).plus(1);
          const high = due.plus(prepaid).times(100);
          fc.pre(due.gt(0) && low.lte(high));
          const amount = low.plus(high.minus(low).times(at).dividedToIntegerBy(1000)).dividedBy(100);
          const over = await sk.sales.refundPayment({ orderId: "ord_1", refundId: "over", amount: high.plus(1).dividedBy(100).toFixed(2) }).then(() => undefined, (e: unknown) => e);
          // Within what was captured and not refunded, the refusal names both figures; beyond it, that limit.
          const named = high.plus(1).lte(new Decimal(view.leftToRefund).times(100)) ? { refundDue: due.toFixed(), prepayment: prepaid.toFixed() } : { refundable: view.leftToRefund };
          expect(over).toMatchObject({ code: "VALIDATION_FAILED", details: named });
          const result = await sk.sales.refundPayment({ orderId: "ord_1", refundId: "rf", amount: amount.toFixed(2) });
          expect(result).toMatchObject({ invoiced: true, fromPrepayments: amount.minus(due).toFixed() });
          await booksAgree(sk);
          const two = await order(currency, captured, shipped, returned);
          expect(await two.sales.refundPayment({ orderId: "ord_1", refundId: "rf1", amount: due.toFixed(2) })).toMatchObject({ invoiced: true });
          expect(await two.sales.refundPayment({ orderId: "ord_1", refundId: "rf2", amount: amount.minus(due).toFixed(2) })).toMatchObject({ invoiced: false });
          expect(await state(sk)).toEqual(await state(two));
        },
      ),
      { numRuns: 20 },
    );
  }, 120_000);
});
