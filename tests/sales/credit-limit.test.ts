import { describe, expect, it } from "vitest";
import { isStorekeepError } from "../../src/kernel/errors.js";
import type { Storekeep } from "../../src/storekeep.js";
import { USD_RATES, booksAgree, sharedPglite, shop, stock, storeOf } from "./setup.js";

const db = sharedPglite();

/** One MUG at 100 + 19% = 119 for c1, on account (due in 14 days) unless `upFront`. */
const order = (sk: Storekeep, orderId: string, options: { upFront?: boolean; currency?: string; draft?: boolean } = {}) =>
  sk.sales.placeOrder({ orderId, customerId: "c1", currency: options.currency ?? "EUR", warehouseId: "wh", lines: [{ sku: "MUG", quantity: 1, unitPrice: "100" }], shipTo: { country: "DE" }, ...(options.upFront === true ? {} : { paymentTermsDays: 14 }), ...(options.draft === true ? { draft: true } : {}) });

/** A stocked shop on `kind` where c1 may owe up to `limit` on account. */
async function limitedShop(kind: "memory" | "pglite", limit: string): Promise<Storekeep> {
  const { sk } = shop(storeOf(kind, db));
  await stock(sk);
  await sk.sales.setCreditLimit({ customerId: "c1", limit });
  return sk;
}

async function refusal(work: () => Promise<unknown>): Promise<{ code: string; message: string; details: Record<string, unknown> } | "none"> {
  try {
    await work();
    return "none";
  } catch (e) {
    if (!isStorekeepError(e)) throw e;
    return { code: e.code, message: e.message, details: e.details as Record<string, unknown> };
  }
}

describe.each(["memory", "pglite"] as const)("credit limits for orders on account on %s", (kind) => {
  it("refuses an order on account beyond the customer's limit, counts payments, and leaves orders paid up front alone", async () => {
    const { sk } = shop(storeOf(kind, db), {}, USD_RATES);
    await stock(sk);
    expect(await sk.sales.creditStatus("c1")).toEqual({ customerId: "c1", currency: "EUR", limit: null, receivables: "0", uninvoiced: "0", open: "0", available: null });
    await sk.sales.setCreditLimit({ customerId: "c1", limit: "300" });
    await order(sk, "o1");
    await order(sk, "o2");
    expect(await sk.sales.creditStatus("c1")).toEqual({ customerId: "c1", currency: "EUR", limit: "300", receivables: "238", uninvoiced: "0", open: "238", available: "62" });
    const refused = await refusal(() => order(sk, "o3"));
    expect(refused).toMatchObject({ code: "VALIDATION_FAILED", details: { reason: "credit-limit", customerId: "c1", limit: "300", open: "238", available: "62" } });
    expect((refused as { message: string }).message).toMatch(/setCreditLimit/);
    // Refused means nothing written: no order, no reservation.
    expect(await sk.sales.order("o3")).toBeUndefined();
    expect((await sk.inventory.availability("MUG", "wh")).reserved).toBe("2");
    // Paid up front, an order is not on account: no limit applies.
    await order(sk, "o4", { upFront: true });
    // Until it is paid, its invoice counts against the limit like any other.
    expect((await sk.sales.creditStatus("c1")).open).toBe("357");
    // Payments free headroom.
    await sk.sales.capturePayment({ orderId: "o1", paymentId: "pay_1" });
    await sk.sales.capturePayment({ orderId: "o4", paymentId: "pay_4" });
    await order(sk, "o3");
    expect((await sk.sales.creditStatus("c1")).open).toBe("238");
    // In a foreign currency the order counts at its functional value: 119 USD at 0.90 = 107.10 EUR.
    await sk.sales.setCreditLimit({ customerId: "c1", limit: "345.09" });
    expect(await refusal(() => order(sk, "o5", { currency: "USD" }))).toMatchObject({ details: { reason: "credit-limit", available: "107.09" } });
    await sk.sales.setCreditLimit({ customerId: "c1", limit: "345.1" });
    await order(sk, "o5", { currency: "USD" });
    // No limit, no check.
    await sk.sales.setCreditLimit({ customerId: "c1", limit: null });
    await order(sk, "o6");
    expect((await sk.sales.creditStatus("c1")).limit).toBeNull();
    await booksAgree(sk);
    await sk.close();
  });

  it("a draft is checked when it is placed", async () => {
    const sk = await limitedShop(kind, "200");
    await order(sk, "d1", { draft: true });
    await order(sk, "d2", { draft: true });
    await sk.sales.changeOrderState({ orderId: "d1", action: "place" });
    expect(await refusal(() => sk.sales.changeOrderState({ orderId: "d2", action: "place" }))).toMatchObject({ code: "VALIDATION_FAILED", details: { reason: "credit-limit", open: "119", available: "81" } });
    expect((await sk.sales.order("d2"))?.order.state).toBe("draft");
    await sk.close();
  });

  it("an edit that raises an order on account is checked for what it adds; one that lowers it is not", async () => {
    const sk = await limitedShop(kind, "400");
    await order(sk, "o1");
    await sk.sales.placeOrder({ orderId: "o2", customerId: "c1", currency: "EUR", warehouseId: "wh", lines: [{ sku: "MUG", quantity: 2, unitPrice: "100" }], shipTo: { country: "DE" }, paymentTermsDays: 14 });
    // 357 owed: a second MUG on o1 (119 more) is 476.
    expect(await refusal(() => sk.sales.editOrder({ orderId: "o1", changes: [{ lineId: "1", quantity: "2" }] }))).toMatchObject({ code: "VALIDATION_FAILED", details: { reason: "credit-limit", open: "357", available: "43" } });
    expect((await sk.sales.order("o1"))?.order.totals.gross).toBe("119");
    await sk.sales.setCreditLimit({ customerId: "c1", limit: "200" });
    // Lowering an order never needs headroom, even above the limit.
    await sk.sales.editOrder({ orderId: "o2", changes: [{ lineId: "1", quantity: "1" }] });
    expect((await sk.sales.creditStatus("c1")).open).toBe("238");
    await booksAgree(sk);
    await sk.close();
  });

  it("orders placed at once never take the customer beyond the limit together", async () => {
    const sk = await limitedShop(kind, "500");
    const results = await Promise.allSettled(Array.from({ length: 6 }, (_, i) => order(sk, `r${i}`)));
    const placed = results.filter((r) => r.status === "fulfilled").length;
    expect(placed).toBe(4); // 4 × 119 = 476 ≤ 500 < 595
    for (const r of results) if (r.status === "rejected") expect((r.reason as { details?: { reason?: string } }).details?.reason).toBe("credit-limit");
    expect((await sk.sales.creditStatus("c1")).open).toBe("476");
    await sk.close();
  });

  it("orders on account invoiced on shipment count for what they will still bill, less what was paid ahead, until invoiced or cancelled", async () => {
    const { sk } = shop(storeOf(kind, db), { invoicing: "on-shipment" }, USD_RATES);
    await stock(sk);
    await sk.sales.setCreditLimit({ customerId: "c1", limit: "300" });
    await order(sk, "o1");
    await order(sk, "o2");
    // Nothing invoiced yet, and still 238 of exposure: a third is refused.
    expect(await sk.sales.creditStatus("c1")).toEqual({ customerId: "c1", currency: "EUR", limit: "300", receivables: "0", uninvoiced: "238", open: "238", available: "62" });
    expect(await refusal(() => order(sk, "o3"))).toMatchObject({ code: "VALIDATION_FAILED", details: { reason: "credit-limit", open: "238", available: "62" } });
    // Shipped, o1 is invoiced: it moves from uninvoiced to receivables.
    await sk.sales.shipOrder({ orderId: "o1", shipmentId: "s1" });
    expect(await sk.sales.creditStatus("c1")).toMatchObject({ receivables: "119", uninvoiced: "119", open: "238" });
    // Paid ahead, o2 no longer adds exposure; cancelled, nothing of it counts.
    await sk.sales.capturePayment({ orderId: "o2", paymentId: "pay_2", amount: "100" });
    expect(await sk.sales.creditStatus("c1")).toMatchObject({ receivables: "119", uninvoiced: "19", open: "138" });
    await sk.sales.cancelOrder({ orderId: "o2" });
    expect(await sk.sales.creditStatus("c1")).toMatchObject({ receivables: "119", uninvoiced: "0" });
    // A foreign-currency order counts at today's rate: 119 USD at 0.90 = 107.10 EUR.
    await order(sk, "o4", { currency: "USD" });
    expect(await sk.sales.creditStatus("c1")).toMatchObject({ receivables: "119", uninvoiced: "107.1", open: "226.1", available: "73.9" });
    // An order paid up front is no order on account: it does not count before its invoice.
    await order(sk, "o5", { upFront: true });
    expect((await sk.sales.creditStatus("c1")).uninvoiced).toBe("107.1");
    await booksAgree(sk);
    await sk.close();
  });

  it("the check stops following an order once it has shipped and invoiced everything, even when its delivery is never recorded, and still counts what the others will bill", async () => {
    const { sk } = shop(storeOf(kind, db), { invoicing: "on-shipment" });
    await stock(sk);
    await sk.sales.setCreditLimit({ customerId: "c1", limit: "1000" });
    for (const id of ["o1", "o2", "o3"]) await order(sk, id);
    await sk.sales.shipOrder({ orderId: "o1", shipmentId: "s1" });
    await sk.sales.shipOrder({ orderId: "o2", shipmentId: "s2" });
    await order(sk, "o4");
    // o1 and o2 stay placed (no delivery recorded) but will never bill more: the limit follows o3 alone
    // (o4 is read from the customer's newest orders next time).
    const tracked = await sk.store.transaction(async (tx) => ((await tx.documents.get("sales.credit-limits", "c1"))?.data as { tracked?: { orderIds: string[] } }).tracked);
    expect(tracked?.orderIds).toEqual(["o3"]);
    expect((await sk.sales.order("o1"))?.statuses.order).toBe("placed");
    // What is counted is unchanged: 238 invoiced, 238 still to bill; a fifth fits; with the limit lowered to 700 a sixth does not.
    expect(await sk.sales.creditStatus("c1")).toMatchObject({ receivables: "238", uninvoiced: "238", open: "476" });
    await order(sk, "o5");
    await sk.sales.setCreditLimit({ customerId: "c1", limit: "700" });
    expect(await refusal(() => order(sk, "o6"))).toMatchObject({ code: "VALIDATION_FAILED", details: { reason: "credit-limit", open: "595" } });
    await sk.close();
  });

  it("an order shipped and invoiced in full that an edit adds to is followed again by the checks, however long ago it was placed", async () => {
    const { sk, clock } = shop(storeOf(kind, db), { invoicing: "on-shipment" });
    await stock(sk);
    await sk.sales.setCreditLimit({ customerId: "c1", limit: "400" });
    await order(sk, "o1");
    await sk.sales.shipOrder({ orderId: "o1", shipmentId: "s1" });
    // Two days on (o1 placed before the check's window), o4's check stops following o1.
    clock.advance(2 * 86_400_000);
    await order(sk, "o4");
    const followed = async () => (await sk.store.transaction(async (tx) => ((await tx.documents.get("sales.credit-limits", "c1"))?.data as { tracked?: { orderIds: string[] } }).tracked))?.orderIds;
    expect(await followed()).toEqual([]);
    // o1, still placed, gets a second MUG: checked for what it adds (119 + 119 + 119 = 357 ≤ 400),
    // and followed again — the edit invoices the new MUG at once here, but o1 has it still to ship.
    await sk.sales.editOrder({ orderId: "o1", add: [{ sku: "MUG", quantity: 1, unitPrice: "100" }] });
    expect(await followed()).toEqual(["o1", "o4"]);
    clock.advance(2 * 86_400_000);
    expect(await sk.sales.creditStatus("c1")).toMatchObject({ open: "357" });
    // Another 119 would be 476: refused.
    expect(await refusal(() => order(sk, "o5"))).toMatchObject({ code: "VALIDATION_FAILED", details: { reason: "credit-limit", open: "357" } });
    await sk.close();
  });

  it("an edit of an uninvoiced order on account counts what it adds on top of what the order will bill", async () => {
    const { sk } = shop(storeOf(kind, db), { invoicing: "on-shipment" });
    await stock(sk);
    await sk.sales.setCreditLimit({ customerId: "c1", limit: "300" });
    await order(sk, "o1");
    await sk.sales.editOrder({ orderId: "o1", changes: [{ lineId: "1", quantity: "2" }] });
    expect((await sk.sales.creditStatus("c1")).uninvoiced).toBe("238");
    expect(await refusal(() => sk.sales.editOrder({ orderId: "o1", changes: [{ lineId: "1", quantity: "3" }] }))).toMatchObject({ code: "VALIDATION_FAILED", details: { reason: "credit-limit", open: "238", available: "62" } });
    await sk.close();
  });

  it("refuses a negative limit and an unknown key", async () => {
    const { sk } = shop(storeOf(kind, db));
    expect(await refusal(() => sk.sales.setCreditLimit({ customerId: "c1", limit: "-1" }))).toMatchObject({ code: "VALIDATION_FAILED" });
    expect(await refusal(() => sk.sales.setCreditLimit({ customerId: "c1", limit: "10", currency: "EUR" } as never))).toMatchObject({ code: "VALIDATION_FAILED" });
    await sk.close();
  });
});
