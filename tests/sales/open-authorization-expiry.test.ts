import { describe, expect, it } from "vitest";
import { memoryStore } from "../../src/adapters/memory/index.js";
import { booksAgree, shop, stock } from "./setup.js";

/*
 * An order whose only capture was not made against its authorization (a capture under another
 * payment id naming none), and was refunded in full, still has the authorization's whole amount
 * to capture: it is not unpaid, and does not expire. Before, "nothing authorized still to
 * capture" compared the order's authorized total with everything captured, so a capture of the
 * same amount under another payment counted as using the authorization up; the refund then set
 * the unpaid expiry, and expireOrders cancelled the order and voided the live authorization.
 */
describe("an authorization left whole beside a capture of another payment", () => {
  it("the order keeps no unpaid expiry after the other capture is refunded, expireOrders passes it over, and the authorization is captured afterwards", async () => {
    const { sk, clock } = shop(memoryStore(), { invoicing: "on-shipment", unpaidExpiryMinutes: 60 });
    await stock(sk, ["MUG"]);
    await sk.sales.placeOrder({ orderId: "o1", currency: "EUR", warehouseId: "wh", lines: [{ sku: "MUG", quantity: 2, unitPrice: "10" }] });
    await sk.sales.authorizePayment({ orderId: "o1", paymentId: "pi1", amount: "23.8" });
    // A capture of its own (a bank transfer, another card), then paid back in full.
    await sk.sales.capturePayment({ orderId: "o1", paymentId: "bank1", amount: "23.8" });
    await sk.sales.refundPayment({ orderId: "o1", refundId: "rf1", amount: "23.8", paymentId: "bank1" });
    const view = (await sk.sales.order("o1"))!;
    expect(view.order.expiresAt).toBe("");
    expect(view.statuses.payment).toBe("authorized");
    clock.set("2026-03-02T12:00:00.000Z");
    expect((await sk.sales.expireOrders({})).expired).toEqual([]);
    expect((await sk.sales.order("o1"))!.statuses.order).toBe("placed");
    // The authorization is still there to capture.
    expect((await sk.sales.capturePayment({ orderId: "o1", paymentId: "pi1" })).amount).toBe("23.8");
    expect((await sk.sales.order("o1"))!.statuses.payment).toBe("paid");
    await booksAgree(sk);
  });

  it("voiding that authorization afterwards leaves the order unpaid again: it gets its unpaid expiry and expires", async () => {
    const { sk, clock } = shop(memoryStore(), { invoicing: "on-shipment", unpaidExpiryMinutes: 60 });
    await stock(sk, ["MUG"]);
    await sk.sales.placeOrder({ orderId: "o1", currency: "EUR", warehouseId: "wh", lines: [{ sku: "MUG", quantity: 2, unitPrice: "10" }] });
    await sk.sales.authorizePayment({ orderId: "o1", paymentId: "pi1", amount: "23.8" });
    await sk.sales.capturePayment({ orderId: "o1", paymentId: "bank1", amount: "23.8" });
    await sk.sales.refundPayment({ orderId: "o1", refundId: "rf1", amount: "23.8", paymentId: "bank1" });
    await sk.sales.voidPayment({ paymentId: "pi1" });
    const view = (await sk.sales.order("o1"))!;
    expect(view.statuses.payment).toBe("unpaid");
    expect(view.order.expiresAt).toBe("2026-03-02T11:00:00.000Z");
    clock.set("2026-03-02T12:00:00.000Z");
    expect((await sk.sales.expireOrders({})).expired).toEqual(["o1"]);
    await booksAgree(sk);
  });

  it("a capture against the authorization still uses it up: refunded in full, the order is unpaid again and expires", async () => {
    const { sk, clock } = shop(memoryStore(), { invoicing: "on-shipment", unpaidExpiryMinutes: 60 });
    await stock(sk, ["MUG"]);
    await sk.sales.placeOrder({ orderId: "o1", currency: "EUR", warehouseId: "wh", lines: [{ sku: "MUG", quantity: 2, unitPrice: "10" }] });
    await sk.sales.authorizePayment({ orderId: "o1", paymentId: "pi1", amount: "23.8" });
    await sk.sales.capturePayment({ orderId: "o1", paymentId: "ch1", authorizationId: "pi1", amount: "23.8" });
    await sk.sales.refundPayment({ orderId: "o1", refundId: "rf1", amount: "23.8" });
    expect((await sk.sales.order("o1"))!.order.expiresAt).toBe("2026-03-02T11:00:00.000Z");
    clock.set("2026-03-02T12:00:00.000Z");
    expect((await sk.sales.expireOrders({})).expired).toEqual(["o1"]);
  });
});
