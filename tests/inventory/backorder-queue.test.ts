import { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postgresStore } from "../../src/adapters/postgres/index.js";
import { memoryStore } from "../../src/adapters/memory/index.js";
import { createStorekeep } from "../../src/storekeep.js";
import { ManualClock, sequentialIds } from "../../src/testing/index.js";
import { defineTaxCodes } from "../../src/finance/tax/tax-codes.js";
import type { Store } from "../../src/ports/storage.js";
import { harness } from "./setup.js";

/*
 * Backorders are served oldest first: with more units held than on hand, stock that comes in
 * covers the holds in the order their demand queued, and a shipment (or an issue) of a hold's
 * units may take only what is covered. Before, whichever reserved order shipped first took
 * the stock an older pre-order was waiting for.
 */

let db: PGlite;
beforeAll(async () => {
  db = new PGlite();
  await db.waitReady;
}, 60_000);
afterAll(async () => {
  await db.close();
});

let n = 0;
const storeOf = (kind: "memory" | "pglite"): Store => (kind === "memory" ? memoryStore() : postgresStore({ client: db, schema: `boq_${(n += 1)}_${Date.now()}` }));
const VAT = defineTaxCodes([{ code: "DE-STD", jurisdiction: { country: "DE" }, category: "standard", kind: "standard", rates: [{ rate: "0.19", validFrom: "2007-01-01" }] }]);

function shop(store: Store, backorderAllocation?: "oldest-first" | "as-shipped") {
  const clock = new ManualClock("2026-03-02T10:00:00.000Z");
  const sk = createStorekeep({
    store,
    clock,
    ids: sequentialIds(),
    config: { functionalCurrency: "EUR", timeZone: "UTC" },
    sales: { tax: { codes: VAT, seller: { country: "DE" } } },
    ...(backorderAllocation === undefined ? {} : { inventory: { backorderAllocation } }),
  });
  return { sk, clock };
}

/** Three pre-orders of PRE (3, 2 and 2 units), placed a minute apart and paid; nothing in stock. */
async function threePreOrders(store: Store, backorderAllocation?: "oldest-first" | "as-shipped") {
  const { sk, clock } = shop(store, backorderAllocation);
  await sk.inventory.defineWarehouse({ warehouseId: "wh" });
  await sk.inventory.defineProduct({ sku: "PRE", costingMethod: "fifo", allowBackorders: true });
  for (const [orderId, quantity] of [["ord_a", 3], ["ord_b", 2], ["ord_c", 2]] as const) {
    await sk.sales.placeOrder({ orderId, currency: "EUR", warehouseId: "wh", lines: [{ sku: "PRE", quantity, unitPrice: "10" }] });
    await sk.sales.capturePayment({ orderId, paymentId: `ch_${orderId}` });
    clock.advance(60_000);
  }
  return { sk, clock };
}

describe("backorders are served oldest first", () => {
  it.each(["memory", "pglite"] as const)("on %s: stock that comes in covers the oldest pre-order first; a newer one cannot take it, and ships once its turn is covered", async (kind) => {
    const { sk } = await threePreOrders(storeOf(kind));
    await sk.inventory.receive({ sku: "PRE", warehouseId: "wh", quantity: "4", unitCost: "5" });
    const queue = await sk.inventory.backorderQueue("PRE", "wh");
    expect(queue).toMatchObject({ onHand: "4", held: "7", backordered: "3" });
    expect(queue.entries.map((e) => [e.orderId, e.remaining, e.covered, e.waiting])).toEqual([
      ["ord_a", "3", "3", "0"],
      ["ord_b", "2", "1", "1"],
      ["ord_c", "2", "0", "2"],
    ]);
    // ord_c is newest: the 4 units are the older orders'. (Before: it shipped, and ord_a then could not.)
    const refused = sk.sales.shipOrder({ orderId: "ord_c", shipmentId: "shp_c" });
    await expect(refused).rejects.toMatchObject({ code: "INSUFFICIENT_STOCK", details: { sku: "PRE", needed: "2", available: "0", heldAhead: "5" } });
    await expect(refused).rejects.toThrow("PRE at wh is backordered: 4 on hand, 5 of it held for backorders queued before order ord_c (order ord_a, order ord_b); 0 can ship for it now, 2 asked.");
    // ord_b may take the one unit it is covered for, not two.
    await expect(sk.sales.shipOrder({ orderId: "ord_b", shipmentId: "shp_b" })).rejects.toMatchObject({ code: "INSUFFICIENT_STOCK", details: { available: "1" } });
    await sk.sales.shipOrder({ orderId: "ord_b", shipmentId: "shp_b1", lines: [{ lineId: "1", quantity: "1" }] });
    await sk.sales.shipOrder({ orderId: "ord_a", shipmentId: "shp_a" });
    expect(await sk.inventory.availability("PRE", "wh")).toMatchObject({ onHand: "0", reserved: "3", available: "-3" });
    // First in the queue, ord_b is refused only for want of stock: the message says so.
    await expect(sk.sales.shipOrder({ orderId: "ord_b", shipmentId: "shp_b" })).rejects.toThrow("PRE at wh is backordered: 0 on hand, 1 asked for order ord_b, which holds it on backorder. Ship 0 now, or receive stock first.");
    // The next receipt serves ord_b's last unit, then ord_c.
    await sk.inventory.receive({ sku: "PRE", warehouseId: "wh", quantity: "2", unitCost: "5" });
    expect((await sk.inventory.backorderQueue("PRE", "wh")).entries.map((e) => [e.orderId, e.covered])).toEqual([["ord_b", "1"], ["ord_c", "1"]]);
    await sk.sales.shipOrder({ orderId: "ord_c", shipmentId: "shp_c1", lines: [{ lineId: "1", quantity: "1" }] });
    await sk.sales.shipOrder({ orderId: "ord_b", shipmentId: "shp_b2" });
    expect(await sk.inventory.availability("PRE", "wh")).toMatchObject({ onHand: "0", reserved: "1", available: "-1" });
    expect((await sk.inventory.audit()).ok).toBe(true);
  }, 60_000);

  it("with backorderAllocation \"as-shipped\", whichever reserved order ships first takes the stock (the rule before)", async () => {
    const { sk } = await threePreOrders(memoryStore(), "as-shipped");
    await sk.inventory.receive({ sku: "PRE", warehouseId: "wh", quantity: "4", unitCost: "5" });
    await sk.sales.shipOrder({ orderId: "ord_c", shipmentId: "shp_c" });
    await sk.sales.shipOrder({ orderId: "ord_b", shipmentId: "shp_b" });
    await expect(sk.sales.shipOrder({ orderId: "ord_a", shipmentId: "shp_a" })).rejects.toMatchObject({ code: "INSUFFICIENT_STOCK" });
  });

  it("an order edit keeps the order's place in the queue (its new holds queue at its first instant)", async () => {
    const { sk } = await threePreOrders(memoryStore());
    await sk.sales.editOrder({ orderId: "ord_a", changes: [{ lineId: "1", quantity: 2 }], refund: { refundId: "re_a" } });
    await sk.inventory.receive({ sku: "PRE", warehouseId: "wh", quantity: "2", unitCost: "5" });
    const queue = await sk.inventory.backorderQueue("PRE", "wh");
    expect(queue.entries.map((e) => [e.orderId, e.remaining, e.covered, e.queuedAt])).toEqual([
      ["ord_a", "2", "2", "2026-03-02T10:00:00.000Z"],
      ["ord_b", "2", "0", "2026-03-02T10:01:00.000Z"],
      ["ord_c", "2", "0", "2026-03-02T10:02:00.000Z"],
    ]);
    await expect(sk.sales.shipOrder({ orderId: "ord_b", shipmentId: "shp_b" })).rejects.toMatchObject({ code: "INSUFFICIENT_STOCK" });
    await sk.sales.shipOrder({ orderId: "ord_a", shipmentId: "shp_a" });
  });

  it("a cancelled or expired older hold gives its turn away; a product without backorders is never queued", async () => {
    const h = await harness({ start: "2026-03-02T10:00:00.000Z" });
    await h.inventory.defineWarehouse({ warehouseId: "wh" });
    await h.inventory.defineProduct({ sku: "PRE", costingMethod: "fifo", allowBackorders: true });
    const cart = await h.inventory.reserve({ lines: [{ sku: "PRE", warehouseId: "wh", quantity: "2" }] });
    h.clock.advance(60_000);
    await h.inventory.reserve({ lines: [{ sku: "PRE", warehouseId: "wh", quantity: "2" }], kind: "hard", orderId: "ord_old" });
    h.clock.advance(60_000);
    await h.inventory.reserve({ lines: [{ sku: "PRE", warehouseId: "wh", quantity: "2" }], kind: "hard", orderId: "ord_new" });
    await h.inventory.receive({ sku: "PRE", warehouseId: "wh", quantity: "2", unitCost: "5" });
    // The cart queued first: neither order is covered while its soft hold lives.
    expect((await h.inventory.backorderQueue("PRE", "wh")).entries.map((e) => [e.orderId, e.covered])).toEqual([["", "2"], ["ord_old", "0"], ["ord_new", "0"]]);
    await expect(h.inventory.issue({ sku: "PRE", warehouseId: "wh", quantity: "2", orderId: "ord_old" })).rejects.toMatchObject({ code: "INSUFFICIENT_STOCK" });
    // The cart's hold expires: ord_old is next, ord_new still waits.
    h.clock.advance(15 * 60_000);
    expect((await h.inventory.backorderQueue("PRE", "wh")).entries.map((e) => [e.orderId, e.covered])).toEqual([["ord_old", "2"], ["ord_new", "0"]]);
    await expect(h.inventory.issue({ sku: "PRE", warehouseId: "wh", quantity: "2", orderId: "ord_new" })).rejects.toMatchObject({ code: "INSUFFICIENT_STOCK" });
    // ord_old is released (cancelled): ord_new's turn.
    await h.inventory.releaseOrder({ orderId: "ord_old" });
    await h.inventory.issue({ sku: "PRE", warehouseId: "wh", quantity: "2", orderId: "ord_new" });
    expect(cart.reservations).toHaveLength(1);
    // Without backorders every hold is covered by construction: nothing is queued against anyone.
    await h.inventory.defineProduct({ sku: "MUG", costingMethod: "fifo" });
    await h.inventory.receive({ sku: "MUG", warehouseId: "wh", quantity: "3", unitCost: "5" });
    await h.inventory.reserve({ lines: [{ sku: "MUG", warehouseId: "wh", quantity: "1" }], kind: "hard", orderId: "ord_1" });
    await h.inventory.reserve({ lines: [{ sku: "MUG", warehouseId: "wh", quantity: "2" }], kind: "hard", orderId: "ord_2" });
    await h.inventory.issue({ sku: "MUG", warehouseId: "wh", quantity: "2", orderId: "ord_2" });
    expect(await h.inventory.backorderQueue("MUG", "wh")).toMatchObject({ onHand: "1", held: "1", backordered: "0", entries: [{ orderId: "ord_1", covered: "1", waiting: "0" }] });
  });

  it("a product that also allows negative stock ships at once, queue or not (on hand goes below zero until a receipt)", async () => {
    const h = await harness({ start: "2026-03-02T10:00:00.000Z" });
    await h.inventory.defineWarehouse({ warehouseId: "wh" });
    await h.inventory.defineProduct({ sku: "NEG", costingMethod: "fifo", allowBackorders: true, allowNegativeStock: true });
    await h.inventory.receive({ sku: "NEG", warehouseId: "wh", quantity: "1", unitCost: "5" });
    await h.inventory.reserve({ lines: [{ sku: "NEG", warehouseId: "wh", quantity: "2" }], kind: "hard", orderId: "ord_old" });
    h.clock.advance(60_000);
    await h.inventory.reserve({ lines: [{ sku: "NEG", warehouseId: "wh", quantity: "2" }], kind: "hard", orderId: "ord_new" });
    await h.inventory.issue({ sku: "NEG", warehouseId: "wh", quantity: "2", orderId: "ord_new" });
    expect(await h.inventory.availability("NEG", "wh")).toMatchObject({ onHand: "-1", reserved: "2" });
  });

  it("rejects an unknown warehouse and an unknown option value", async () => {
    const h = await harness();
    await expect(h.inventory.backorderQueue("PRE", "nowhere")).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(harness({ backorderAllocation: "newest-first" as "as-shipped" })).rejects.toMatchObject({ code: "VALIDATION_FAILED", message: expect.stringMatching(/backorderAllocation must be "oldest-first" or "as-shipped"/) });
  });
});
