import { describe, expect, it } from "vitest";
import type { ExecuteOptions } from "../../src/runner/command.js";
import type { Storekeep } from "../../src/storekeep.js";
import { booksAgree, sharedPglite, shop, stock, storeOf } from "./setup.js";

/*
 * A payment provider's or carrier's webhook delivered twice has one effect: the repeat of a
 * command with the same content replays the first result — with the same idempotency key,
 * another one, or none — and writes nothing; other content under the same document id is
 * refused naming the difference. Found by exploratory use: shipOrder and voidPayment refused
 * the repeat (DUPLICATE_DOCUMENT, INVALID_TRANSITION) where every other command replayed.
 */

const db = sharedPglite();

/** What the store holds that a command could change: the outbox, the books, the stock, the order. */
async function state(sk: Storekeep, orderId: string): Promise<unknown> {
  return {
    events: (await sk.events.read(null, 10_000)).length,
    trialBalance: (await sk.finance.trialBalance({ asOf: "2026-12-31" })).rows,
    stock: await sk.inventory.availability("MUG", "wh"),
    order: await sk.sales.order(orderId),
  };
}

/** Each way a webhook can arrive again: no key, a new key, the first delivery's key. */
const repeats: { name: string; options: (first: string) => ExecuteOptions | undefined }[] = [
  { name: "without an idempotency key", options: () => undefined },
  { name: "under another idempotency key", options: () => ({ idempotencyKey: "webhook-2" }) },
  { name: "under the first delivery's key", options: (first) => ({ idempotencyKey: first }) },
];

describe.each(["memory", "pglite"] as const)("a webhook delivered twice has one effect (%s)", (kind) => {
  it("shipOrder: the same shipment again replays the first result (its invoice too), with or without lines, also after delivery; other lines or another order are DUPLICATE_DOCUMENT", async () => {
    const { sk } = shop(storeOf(kind, db), { invoicing: "on-shipment" });
    await stock(sk);
    await sk.sales.placeOrder({ orderId: "o1", customerId: "c1", currency: "EUR", warehouseId: "wh", lines: [{ sku: "MUG", quantity: 2, unitPrice: "10" }] });
    await sk.sales.placeOrder({ orderId: "o2", customerId: "c1", currency: "EUR", warehouseId: "wh", lines: [{ sku: "MUG", quantity: 1, unitPrice: "10" }] });
    await sk.sales.capturePayment({ orderId: "o1", paymentId: "ch1" });
    const first = await sk.sales.shipOrder({ orderId: "o1", shipmentId: "s1", lines: [{ lineId: "1", quantity: "1" }] }, { idempotencyKey: "webhook-1" });
    expect(first.invoiceId).toMatch(/^INV/);
    const before = await state(sk, "o1");
    for (const repeat of repeats) {
      expect(await sk.sales.shipOrder({ orderId: "o1", shipmentId: "s1", lines: [{ lineId: "1", quantity: "1" }] }, repeat.options("webhook-1")), repeat.name).toEqual(first);
    }
    // The same content written differently, or a repeat that leaves the lines out (the shipment recorded stands).
    expect(await sk.sales.shipOrder({ orderId: "o1", shipmentId: "s1", lines: [{ lineId: "1", quantity: "1.000" }] })).toEqual(first);
    expect(await sk.sales.shipOrder({ orderId: "o1", shipmentId: "s1" })).toEqual(first);
    await expect(sk.sales.shipOrder({ orderId: "o1", shipmentId: "s1", lines: [{ lineId: "1", quantity: "2" }] })).rejects.toMatchObject({
      code: "DUPLICATE_DOCUMENT",
      message: expect.stringMatching(/Shipment s1 was already recorded with other content \(lines: line 1 × 1, now line 1 × 2\).*new shipmentId/),
      details: { shipmentId: "s1", differing: ["lines"] },
    });
    await expect(sk.sales.shipOrder({ orderId: "o2", shipmentId: "s1" })).rejects.toMatchObject({ code: "DUPLICATE_DOCUMENT", message: expect.stringContaining("order: o1, now o2"), details: { differing: ["order"] } });
    expect(await state(sk, "o1")).toEqual(before);
    expect(await state(sk, "o2")).toMatchObject({ order: { statuses: { fulfilment: "unfulfilled" } } });

    // The rest shipped and delivered: the order is completed, and the first shipment's webhook still replays.
    const rest = await sk.sales.shipOrder({ orderId: "o1", shipmentId: "s2" });
    await sk.sales.deliverShipment({ shipmentId: "s1" });
    await sk.sales.deliverShipment({ shipmentId: "s2" });
    expect((await sk.sales.order("o1"))!.order.state).toBe("completed");
    const completed = await state(sk, "o1");
    expect(await sk.sales.shipOrder({ orderId: "o1", shipmentId: "s1", lines: [{ lineId: "1", quantity: "1" }] })).toEqual(first);
    expect(await sk.sales.shipOrder({ orderId: "o1", shipmentId: "s2" }, { idempotencyKey: "webhook-3" })).toEqual(rest);
    expect(await state(sk, "o1")).toEqual(completed);
    expect((await sk.inventory.availability("MUG", "wh")).onHand).toBe("8");
    await booksAgree(sk);
  });

  it("voidPayment: the same void (or failure) again replays the first result and releases nothing twice; the other outcome is DUPLICATE_DOCUMENT", async () => {
    const { sk } = shop(storeOf(kind, db), { reserveAt: "payment" });
    await stock(sk);
    await sk.sales.placeOrder({ orderId: "o1", customerId: "c1", currency: "EUR", warehouseId: "wh", lines: [{ sku: "MUG", quantity: 2, unitPrice: "10" }] });
    await sk.sales.authorizePayment({ orderId: "o1", paymentId: "pi1", amount: "23.80" });
    expect((await sk.inventory.availability("MUG", "wh")).reserved).toBe("2");
    const first = await sk.sales.voidPayment({ paymentId: "pi1" }, { idempotencyKey: "void-1" });
    expect(first).toEqual({ paymentId: "pi1", state: "voided" });
    const before = await state(sk, "o1");
    expect(before).toMatchObject({ stock: { reserved: "0" }, order: { statuses: { payment: "unpaid" } } });
    for (const repeat of repeats) expect(await sk.sales.voidPayment({ paymentId: "pi1" }, repeat.options("void-1")), repeat.name).toEqual(first);
    expect(await sk.sales.voidPayment({ paymentId: "pi1", outcome: "void" })).toEqual(first);
    await expect(sk.sales.voidPayment({ paymentId: "pi1", outcome: "fail" })).rejects.toMatchObject({
      code: "DUPLICATE_DOCUMENT",
      message: expect.stringContaining("Authorization pi1 was already voided; it cannot now be failed"),
      details: { paymentId: "pi1", outcome: "void", now: "fail" },
    });
    expect(await state(sk, "o1")).toEqual(before);

    // A failure replays as a failure; a void of the rest of a partly captured authorization replays too.
    await sk.sales.authorizePayment({ orderId: "o1", paymentId: "pi2", amount: "23.80" });
    expect(await sk.sales.voidPayment({ paymentId: "pi2", outcome: "fail" })).toEqual({ paymentId: "pi2", state: "failed" });
    const failed = await state(sk, "o1");
    expect(await sk.sales.voidPayment({ paymentId: "pi2", outcome: "fail" }, { idempotencyKey: "fail-again" })).toEqual({ paymentId: "pi2", state: "failed" });
    await expect(sk.sales.voidPayment({ paymentId: "pi2" })).rejects.toMatchObject({ code: "DUPLICATE_DOCUMENT", message: expect.stringContaining("was already failed") });
    expect(await state(sk, "o1")).toEqual(failed);

    await sk.sales.authorizePayment({ orderId: "o1", paymentId: "pi3", amount: "23.80" });
    await sk.sales.capturePayment({ orderId: "o1", paymentId: "ch3", authorizationId: "pi3", amount: "10.00" });
    const partial = await sk.sales.voidPayment({ paymentId: "pi3" });
    expect(partial).toEqual({ paymentId: "pi3", state: "captured" });
    const afterPartial = await state(sk, "o1");
    expect(await sk.sales.voidPayment({ paymentId: "pi3" })).toEqual(partial);
    expect(await state(sk, "o1")).toEqual(afterPartial);
    await booksAgree(sk);
  });
});

describe.each(["memory", "pglite"] as const)("cancelling an order that holds an authorization (%s)", (kind) => {
  it("voids what is left to capture (the result and OrderCancelled name it for the host to void at the provider); the order reads unpaid, and the provider's void webhook afterwards replays", async () => {
    const { sk } = shop(storeOf(kind, db));
    await stock(sk);
    await sk.sales.placeOrder({ orderId: "o1", customerId: "c1", currency: "EUR", warehouseId: "wh", lines: [{ sku: "MUG", quantity: 1, unitPrice: "10" }] });
    await sk.sales.authorizePayment({ orderId: "o1", paymentId: "pi1", amount: "11.90" });
    expect((await sk.sales.order("o1"))!.statuses.payment).toBe("authorized");
    const cancelled = await sk.sales.cancelOrder({ orderId: "o1" });
    expect(cancelled).toMatchObject({ state: "cancelled", voidedPaymentIds: ["pi1"] });
    const view = (await sk.sales.order("o1"))!;
    // Was "authorized": a cancelled order looked as if it still held the customer's money.
    expect(view.statuses).toMatchObject({ order: "cancelled", payment: "unpaid" });
    expect(view.order.paid.authorized).toBe("0");
    expect(view.order.history.map((h) => [h.action, h.reference])).toContainEqual(["void-payment", "pi1"]);
    const events = await sk.events.read(null, 10_000);
    expect(events.find((e) => e.type === "OrderCancelled")!.payload).toEqual({ orderId: "o1", customerId: "c1", reason: "cancelled", voidedPaymentIds: ["pi1"] });
    const before = await state(sk, "o1");
    // The host voids at the provider; its webhook arrives: one effect (none).
    expect(await sk.sales.voidPayment({ paymentId: "pi1" })).toEqual({ paymentId: "pi1", state: "voided" });
    await expect(sk.sales.voidPayment({ paymentId: "pi1", outcome: "fail" })).rejects.toMatchObject({ code: "DUPLICATE_DOCUMENT", message: expect.stringContaining("was already voided by the cancellation of order o1") });
    expect(await state(sk, "o1")).toEqual(before);
    await booksAgree(sk);
  });

  it("voids only the uncaptured rest: captured money stays until refunded, authorizations already ended are not named", async () => {
    const { sk } = shop(storeOf(kind, db));
    await stock(sk);
    await sk.sales.placeOrder({ orderId: "o1", customerId: "c1", currency: "EUR", warehouseId: "wh", lines: [{ sku: "MUG", quantity: 2, unitPrice: "10" }] });
    await sk.sales.authorizePayment({ orderId: "o1", paymentId: "pi0", amount: "5.00" });
    await sk.sales.voidPayment({ paymentId: "pi0" });
    await sk.sales.authorizePayment({ orderId: "o1", paymentId: "pi1", amount: "23.80" });
    await sk.sales.capturePayment({ orderId: "o1", paymentId: "pi1", amount: "10.00" });
    const cancelled = await sk.sales.cancelOrder({ orderId: "o1" });
    expect(cancelled.voidedPaymentIds).toEqual(["pi1"]);
    const view = (await sk.sales.order("o1"))!;
    expect(view.order.paid).toMatchObject({ authorized: "10", captured: "10" });
    expect(view.statuses.payment).not.toBe("authorized");
    expect(view.leftToRefund).toBe("10");
    // The provider's void of the rest replays the cancellation's.
    expect(await sk.sales.voidPayment({ paymentId: "pi1" })).toEqual({ paymentId: "pi1", state: "captured" });
    await sk.sales.refundPayment({ orderId: "o1", refundId: "re1", amount: "10.00" });
    expect((await sk.sales.order("o1"))!.statuses.payment).toBe("refunded");
    await booksAgree(sk);
  });

  it("an order with no authorization cancels as before (no voidedPaymentIds on the event)", async () => {
    const { sk } = shop(storeOf(kind, db));
    await stock(sk);
    await sk.sales.placeOrder({ orderId: "o1", customerId: "c1", currency: "EUR", warehouseId: "wh", lines: [{ sku: "MUG", quantity: 1, unitPrice: "10" }] });
    expect(await sk.sales.cancelOrder({ orderId: "o1" })).toMatchObject({ voidedPaymentIds: [] });
    const events = await sk.events.read(null, 10_000);
    expect(events.find((e) => e.type === "OrderCancelled")!.payload).toEqual({ orderId: "o1", customerId: "c1", reason: "cancelled" });
  });
});
