import { describe, expect, it } from "vitest";
import { memoryStore } from "../../src/adapters/memory/index.js";
import { isStorekeepError } from "../../src/kernel/errors.js";
import type { Storekeep } from "../../src/storekeep.js";
import type { ManualClock } from "../../src/testing/index.js";
import { USD_RATES, VAT, booksAgree, cleared, shop, stock } from "./setup.js";

/*
 * A split refund (the credit owed back and the prepayment held, in one RefundIssued) and what
 * comes after it, on orders split-refund.test.ts does not build: the advance captured in two
 * parts at different rates, and goods shipped on two invoices. Whatever follows — the rest
 * shipped and paid at yet other rates, a second return — the order, the books, the open items
 * (and aging), CRM's value and the refund KPIs are those of refundDue then the rest, refunded
 * one after the other; the order ends cleared once the rest is shipped and paid.
 *
 * USD order, EUR books: MUG ×2 and TEE ×2 at 10.00 + 19% = 47.60, VAT on advances.
 */

const RATES = [...USD_RATES, { base: "USD", quote: "EUR", date: "2026-03-15", rate: "0.97" }, { base: "USD", quote: "EUR", date: "2026-03-20", rate: "0.88" }];

type Variant = "two captures" | "two invoices";

/** Both MUGs shipped (and, on two invoices, one TEE), one MUG back: the credit owed back and the prepayment held on 10 March. */
async function partlyReturned(variant: Variant): Promise<{ sk: Storekeep; clock: ManualClock }> {
  const { sk, clock } = shop(memoryStore(), { invoicing: "on-shipment", tax: { codes: VAT, seller: { country: "DE" }, taxOnAdvances: true } }, RATES);
  await stock(sk, ["MUG", "TEE"]);
  await sk.crm.createCustomer({ customerId: "cus_1" });
  await sk.sales.placeOrder({ orderId: "ord_1", customerId: "cus_1", currency: "USD", warehouseId: "wh", shipTo: { country: "DE" }, lines: [{ sku: "MUG", quantity: 2, unitPrice: "10" }, { sku: "TEE", quantity: 2, unitPrice: "10" }] });
  if (variant === "two captures") {
    await sk.sales.capturePayment({ orderId: "ord_1", paymentId: "ch1", amount: "17.33" });
    clock.set("2026-03-05T10:00:00.000Z");
    await sk.sales.capturePayment({ orderId: "ord_1", paymentId: "ch2", amount: "30.27" });
  } else {
    await sk.sales.capturePayment({ orderId: "ord_1", paymentId: "ch1" });
    clock.set("2026-03-05T10:00:00.000Z");
  }
  await sk.sales.shipOrder({ orderId: "ord_1", shipmentId: "s1", lines: [{ lineId: "1", quantity: "2" }] });
  if (variant === "two invoices") await sk.sales.shipOrder({ orderId: "ord_1", shipmentId: "s2", lines: [{ lineId: "2", quantity: "1" }] });
  await sk.sales.requestReturn({ orderId: "ord_1", returnId: "ret1", lines: [{ lineId: "1", quantity: "1" }] });
  await sk.sales.receiveReturn({ returnId: "ret1" });
  clock.set("2026-03-10T10:00:00.000Z");
  return { sk, clock };
}

/** What the split must leave as the two refunds would (open items by kind, not refund id). */
async function state(sk: Storekeep) {
  const view = (await sk.sales.order("ord_1"))!;
  const o = view.order;
  const tb = await sk.finance.trialBalance({ asOf: "2026-12-31" });
  const items = await sk.finance.openItems({ ledger: "receivables", party: "cus_1" });
  await sk.crm.syncTimeline();
  const kpis = (await sk.analytics.kpis({ from: "2026-03-01", to: "2026-03-31" })).kpis as Record<string, unknown>;
  return {
    monetary: (await sk.crm.segments("2026-03-31")).find((x) => x.customerId === "cus_1")?.monetary,
    refundRate: String(kpis["refund-rate"]),
    order: { paid: o.paid, prepayment: o.prepayment, receivable: o.receivable, advanceTax: o.advanceTax ?? [], statuses: view.statuses },
    view: { refundDue: view.refundDue, leftToRefund: view.leftToRefund, leftToPay: view.leftToPay },
    balances: tb.rows.map((r) => [r.account, r.debit, r.credit]),
    openItems: items.map((i) => [i.documentType, i.amount, i.functional, i.openAmount, i.openFunctional, i.settlements.map((s) => [s.kind, s.amount, s.booked, s.settled])]),
    aging: await sk.finance.aging({ ledger: "receivables", asOf: "2026-12-31" }),
  };
}

const outcome = (p: Promise<unknown>): Promise<string> => p.then(() => "ok", (e: unknown) => (isStorekeepError(e) ? e.code : `not a StorekeepError: ${String(e)}`));

const next: Record<string, (sk: Storekeep, clock: ManualClock) => Promise<string[]>> = {
  "the rest shipped on 15 March and paid on 20 March": async (sk, clock) => {
    clock.set("2026-03-15T10:00:00.000Z");
    const shipped = await outcome(sk.sales.shipOrder({ orderId: "ord_1", shipmentId: "s3" }));
    clock.set("2026-03-20T10:00:00.000Z");
    return [shipped, await outcome(sk.sales.capturePayment({ orderId: "ord_1", paymentId: "ch3" }))];
  },
  "the other MUG returned and its refundDue refunded": async (sk, clock) => {
    clock.set("2026-03-15T10:00:00.000Z");
    await sk.sales.requestReturn({ orderId: "ord_1", returnId: "ret2", lines: [{ lineId: "1", quantity: "1" }] });
    await sk.sales.receiveReturn({ returnId: "ret2" });
    const due = (await sk.sales.order("ord_1"))!.refundDue;
    return [due, due === "0" ? "nothing due" : await outcome(sk.sales.refundPayment({ orderId: "ord_1", refundId: "rf9", amount: due, returnId: "ret2" }))];
  },
  "a further cent refunded": async (sk) => [await outcome(sk.sales.refundPayment({ orderId: "ord_1", refundId: "rf9", amount: "0.01" }))],
};

describe.each(["two captures", "two invoices"] as const)("a split refund on an order with %s, then", (variant) => {
  it.each(Object.keys(next))("%s: as refundDue then the rest one after the other", async (name) => {
    const split = await partlyReturned(variant);
    const view = (await split.sk.sales.order("ord_1"))!;
    const due = view.refundDue;
    const prepaid = view.order.prepayment.amount;
    expect(Number(due)).toBeGreaterThan(0);
    const result = await split.sk.sales.refundPayment({ orderId: "ord_1", refundId: "rf", amount: (Number(due) + Number(prepaid)).toFixed(2) });
    expect(result).toMatchObject({ invoiced: true, fromPrepayments: prepaid });
    const splitNext = await next[name]!(split.sk, split.clock);

    const two = await partlyReturned(variant);
    await two.sk.sales.refundPayment({ orderId: "ord_1", refundId: "rf1", amount: due });
    await two.sk.sales.refundPayment({ orderId: "ord_1", refundId: "rf2", amount: prepaid });
    expect(await next[name]!(two.sk, two.clock)).toEqual(splitNext);

    expect(await state(split.sk)).toEqual(await state(two.sk));
    await booksAgree(split.sk);
    if (name.startsWith("the rest shipped")) {
      expect(splitNext).toEqual(["ok", "ok"]);
      await cleared(split.sk);
    }
  });
});
