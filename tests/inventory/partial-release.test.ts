/**
 * `release({ reservationId, quantity })` releases exactly that quantity and keeps the rest
 * held; without `quantity` it releases all that is still held. Releasing more than is held
 * is refused. (The quantity used to be dropped, so a release of 3 of 10 released all 10.)
 */
import { describe, expect, it } from "vitest";
import type { Reservation } from "../../src/inventory/index.js";
import { caught, harness } from "./setup.js";

async function shop() {
  const h = await harness();
  await h.inventory.defineWarehouse({ warehouseId: "wh" });
  await h.inventory.defineProduct({ sku: "MUG", costingMethod: "fifo" });
  await h.inventory.defineUnit({ sku: "MUG", unit: "carton", factor: "12" });
  await h.inventory.defineProduct({ sku: "MILK", costingMethod: "fifo", tracking: "lot" });
  await h.inventory.receive({ sku: "MUG", warehouseId: "wh", quantity: "50", unitCost: "2" });
  await h.inventory.receive({ sku: "MILK", warehouseId: "wh", quantity: "10", unitCost: "1", lot: "L1", expiry: "2026-12-31" });
  return h;
}

async function reservation(h: Awaited<ReturnType<typeof shop>>, id: string) {
  return (await h.store.transaction((tx) => tx.documents.get<Reservation>("inventory.reservations", id)))!.data;
}

describe("release of part of a reservation", () => {
  it("a release of 3 of 10 releases 3 and keeps 7 held; a release without quantity then releases the 7", async () => {
    const h = await shop();
    const { reservations } = await h.inventory.reserve({ lines: [{ sku: "MUG", warehouseId: "wh", quantity: "10" }], kind: "hard", orderId: "ord_1" });
    const id = reservations[0]!.reservationId;
    expect(await h.inventory.release({ reservationId: id, quantity: "3" })).toEqual({ reservationId: id, released: "3", state: "held" });
    expect(await h.inventory.availability("MUG", "wh")).toMatchObject({ onHand: "50", reserved: "7", available: "43" });
    expect(await reservation(h, id)).toMatchObject({ state: "held", quantity: "10", remaining: "7" });
    expect((await h.events("ReservationReleased")).map((e) => [e.payload["quantity"], e.payload["reason"], e.payload["orderId"]])).toEqual([["3", "released", "ord_1"]]);
    // The rest is still the order's: a shipment fulfils it.
    await h.inventory.issue({ sku: "MUG", warehouseId: "wh", quantity: "2", orderId: "ord_1" });
    expect(await h.inventory.availability("MUG", "wh")).toMatchObject({ onHand: "48", reserved: "5", available: "43" });
    expect(await h.inventory.release({ reservationId: id })).toEqual({ reservationId: id, released: "5", state: "released" });
    expect(await h.inventory.availability("MUG", "wh")).toMatchObject({ onHand: "48", reserved: "0", available: "48" });
    expect(await reservation(h, id)).toMatchObject({ state: "released", remaining: "0" });
  });

  it("releasing exactly what is held closes the hold with the reason given; a quantity in a unit is converted", async () => {
    const h = await shop();
    const { reservations } = await h.inventory.reserve({ lines: [{ sku: "MUG", warehouseId: "wh", quantity: "2", unit: "carton" }] });
    const id = reservations[0]!.reservationId;
    expect(await h.inventory.release({ reservationId: id, quantity: "1", unit: "carton", reason: "cancelled" })).toEqual({ reservationId: id, released: "12", state: "held" });
    expect(await h.inventory.availability("MUG", "wh")).toMatchObject({ reserved: "12", available: "38" });
    expect(await h.inventory.release({ reservationId: id, quantity: "12", reason: "cancelled" })).toEqual({ reservationId: id, released: "12", state: "cancelled" });
    expect(await h.inventory.availability("MUG", "wh")).toMatchObject({ reserved: "0", available: "50" });
    expect((await h.events("ReservationReleased")).map((e) => [e.payload["quantity"], e.payload["reason"]])).toEqual([
      ["12", "cancelled"],
      ["12", "cancelled"],
    ]);
  });

  it("more than is held is refused saying how much is held, and nothing changes; a closed hold cannot release a quantity", async () => {
    const h = await shop();
    const { reservations } = await h.inventory.reserve({ lines: [{ sku: "MUG", warehouseId: "wh", quantity: "10" }] });
    const id = reservations[0]!.reservationId;
    await h.inventory.release({ reservationId: id, quantity: "4" });
    const tooMuch = await caught(h.inventory.release({ reservationId: id, quantity: "7" }));
    expect(tooMuch.code).toBe("VALIDATION_FAILED");
    expect(tooMuch.message).toContain("6");
    expect(tooMuch.details).toMatchObject({ reservationId: id, held: "6", requested: "7" });
    expect(await h.inventory.availability("MUG", "wh")).toMatchObject({ reserved: "6", available: "44" });
    expect(await reservation(h, id)).toMatchObject({ state: "held", remaining: "6" });
    await h.inventory.release({ reservationId: id });
    const closed = await caught(h.inventory.release({ reservationId: id, quantity: "1" }));
    expect(closed.code).toBe("INVALID_TRANSITION");
    expect(closed.message).toContain("released");
    // Without a quantity, a closed hold is still a no-op (a retried release).
    expect(await h.inventory.release({ reservationId: id })).toMatchObject({ released: "0", state: "released" });
    expect((await caught(h.inventory.release({ reservationId: id, quantity: "0" }))).code).toBe("VALIDATION_FAILED");
    expect((await caught(h.inventory.release({ reservationId: id, unit: "carton" }))).code).toBe("VALIDATION_FAILED");
  });

  it("a lot hold released in part keeps the rest of the lot held", async () => {
    const h = await shop();
    const { reservations } = await h.inventory.reserve({ lines: [{ sku: "MILK", warehouseId: "wh", quantity: "6", lot: "L1" }] });
    const id = reservations[0]!.reservationId;
    await h.inventory.release({ reservationId: id, quantity: "2" });
    expect(await h.inventory.lotAvailability("MILK", "wh")).toMatchObject([{ lot: "L1", onHand: "10", reserved: "4", available: "6" }]);
    expect(await h.inventory.availability("MILK", "wh")).toMatchObject({ reserved: "4", available: "6" });
    await h.inventory.release({ reservationId: id, quantity: "4" });
    expect(await h.inventory.lotAvailability("MILK", "wh")).toMatchObject([{ lot: "L1", reserved: "0", available: "10" }]);
  });
});
