import { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postgresStore } from "../../src/adapters/postgres/index.js";
import { harness } from "./setup.js";

/*
 * A hold that has expired stops counting at once: `availability` leaves it out before
 * `expireReservations` runs, and `reserve` releases it first. A movement that needs units
 * available (an issue, a transfer, a shipment of an unreserved order) releases it first too,
 * instead of being refused for a hold nobody keeps (found by the whole-shop simulator with
 * backorders, seed 28: a shipment of 1 PRE refused while availability showed 3 available).
 */

let db: PGlite;
beforeAll(async () => {
  db = new PGlite();
  await db.waitReady;
}, 60_000);
afterAll(async () => {
  await db.close();
});

describe("movements and expired holds", () => {
  it.each(["memory", "pglite"] as const)("on %s: an issue and a transfer take the units an expired soft hold kept (released first, as availability shows them), a hard hold still counts", async (kind) => {
    for (const backorders of [false, true]) {
      const h = await harness(kind === "memory" ? {} : { store: postgresStore({ client: db, schema: `expired_${backorders ? "bo" : "plain"}_${Date.now()}` }) });
      await h.inventory.defineWarehouse({ warehouseId: "wh" });
      await h.inventory.defineWarehouse({ warehouseId: "wh2" });
      await h.inventory.defineProduct({ sku: "LAST", costingMethod: "fifo", allowBackorders: backorders });
      await h.inventory.receive({ sku: "LAST", warehouseId: "wh", quantity: "5", unitCost: "5" });
      const soft = await h.inventory.reserve({ lines: [{ sku: "LAST", warehouseId: "wh", quantity: "3" }] });
      await h.inventory.reserve({ lines: [{ sku: "LAST", warehouseId: "wh", quantity: "1" }], kind: "hard", orderId: "ord_paid" });
      h.clock.advance(15 * 60_000 + 1);
      expect(await h.inventory.availability("LAST", "wh")).toMatchObject({ onHand: "5", reserved: "1", available: "4", expiredUnreleased: "3" });
      // What availability shows as available can be issued and transferred.
      await h.inventory.issue({ sku: "LAST", warehouseId: "wh", quantity: "3" });
      await h.inventory.transfer({ sku: "LAST", quantity: "1", from: { warehouseId: "wh" }, to: { warehouseId: "wh2" } });
      expect(await h.inventory.availability("LAST", "wh")).toMatchObject({ onHand: "1", reserved: "1", available: "0", expiredUnreleased: "0" });
      const released = (await h.events("ReservationReleased")).map((e) => [e.payload["reservationId"], e.payload["reason"], e.payload["quantity"]]);
      expect(released).toEqual([[soft.reservations[0]!.reservationId, "expired", "3"]]);
      // The hard hold still counts: nothing more is available.
      await expect(h.inventory.issue({ sku: "LAST", warehouseId: "wh", quantity: "1" })).rejects.toMatchObject({ code: "INSUFFICIENT_STOCK" });
    }
  }, 60_000);

  it.each(["memory", "pglite"] as const)("on %s: a lot-tracked issue takes the units an expired soft hold of that lot kept (named lot, and by FEFO without one), a live lot hold still counts", async (kind) => {
    const h = await harness({ start: "2026-03-31T12:00:00.000Z", ...(kind === "memory" ? {} : { store: postgresStore({ client: db, schema: `expired_lot_${Date.now()}` }) }) });
    await h.inventory.defineWarehouse({ warehouseId: "wh" });
    await h.inventory.defineProduct({ sku: "MILK", costingMethod: "fifo", tracking: "lot" });
    await h.inventory.receive({ sku: "MILK", warehouseId: "wh", quantity: "3", unitCost: "1", lot: "L1", expiry: "2026-06-01" });
    await h.inventory.receive({ sku: "MILK", warehouseId: "wh", quantity: "2", unitCost: "1", lot: "L2", expiry: "2026-07-01" });
    const cart = await h.inventory.reserve({ lines: [{ sku: "MILK", warehouseId: "wh", quantity: "3", lot: "L1" }] });
    await expect(h.inventory.issue({ sku: "MILK", warehouseId: "wh", quantity: "1", lot: "L1" })).rejects.toMatchObject({ code: "INSUFFICIENT_STOCK" });
    h.clock.advance(15 * 60_000 + 1);
    expect(await h.inventory.lotAvailability("MILK", "wh")).toEqual([
      { lot: "L1", expiry: "2026-06-01", onHand: "3", reserved: "0", available: "3" },
      { lot: "L2", expiry: "2026-07-01", onHand: "2", reserved: "0", available: "2" },
    ]);
    // The named lot first, then one more by FEFO (L1 again): the expired hold is released, not counted.
    await h.inventory.issue({ sku: "MILK", warehouseId: "wh", quantity: "2", lot: "L1" });
    await h.inventory.issue({ sku: "MILK", warehouseId: "wh", quantity: "1" });
    expect((await h.events("ReservationReleased")).map((e) => [e.payload["reservationId"], e.payload["reason"]])).toEqual([[cart.reservations[0]!.reservationId, "expired"]]);
    // A live hold of L2 still keeps its units from anyone else.
    await h.inventory.reserve({ lines: [{ sku: "MILK", warehouseId: "wh", quantity: "2", lot: "L2" }], kind: "hard", orderId: "ord_1" });
    await expect(h.inventory.issue({ sku: "MILK", warehouseId: "wh", quantity: "1", lot: "L2" })).rejects.toMatchObject({ code: "INSUFFICIENT_STOCK" });
    expect(await h.inventory.availability("MILK", "wh")).toMatchObject({ onHand: "2", reserved: "2", available: "0", expiredUnreleased: "0" });
    expect((await h.inventory.audit()).ok).toBe(true);
  }, 60_000);
});
