import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Decimal } from "../../src/kernel/decimal.js";
import { isStorekeepError } from "../../src/kernel/errors.js";
import { recordEvents } from "../../src/runner/index.js";
import { RESERVATIONS, type Reservation } from "../../src/inventory/reservations.js";
import { harness } from "./setup.js";

async function shop(options: { backorders?: boolean; stock?: string } = {}) {
  const h = await harness({ start: "2026-03-31T12:00:00.000Z" });
  await h.inventory.defineWarehouse({ warehouseId: "wh" });
  await h.inventory.defineProduct({ sku: "LAST", costingMethod: "fifo", allowBackorders: options.backorders ?? false });
  if (options.stock !== "0") await h.inventory.receive({ sku: "LAST", warehouseId: "wh", quantity: options.stock ?? "3", unitCost: "5" });
  return h;
}

describe("reservations under concurrency (fast-check scheduler, memory store)", () => {
  it("property: many concurrent reservations for the last units never oversell and never lose an update (available ≥ 0 without backorders)", async () => {
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 2, maxLength: 12 }), fc.integer({ min: 1, max: 6 }), async (s, demands, stock) => {
        const h = await shop({ stock: String(stock) });
        const attempts = demands.map((q, i) =>
          s.schedule(Promise.resolve(i)).then(() =>
            h.inventory.reserve({ lines: [{ sku: "LAST", warehouseId: "wh", quantity: String(q) }], orderId: `ord_${i}` }).then(
              () => ({ ok: true as const, q }),
              (error: unknown) => {
                if (isStorekeepError(error) && error.code === "INSUFFICIENT_STOCK") return { ok: false as const, q };
                throw error;
              },
            ),
          ),
        );
        await s.waitAll();
        const outcomes = await Promise.all(attempts);
        const granted = outcomes.filter((o) => o.ok).reduce((sum, o) => sum + o.q, 0);
        const availability = await h.inventory.availability("LAST", "wh");
        // Never an oversell.
        expect(granted).toBeLessThanOrEqual(stock);
        // Never a lost update: the counter holds exactly what was granted.
        expect(availability.reserved).toBe(String(granted));
        expect(new Decimal(availability.available).gte(0)).toBe(true);
        // Every refusal was right: the refused demand did not fit at that point... and at the end.
        for (const o of outcomes) if (!o.ok) expect(o.q).toBeGreaterThan(stock - granted);
      }),
      { numRuns: 150 },
    );
  });

  it("property: with backorders allowed every reservation is granted and reserved is their exact sum", async () => {
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 8 }), async (s, demands) => {
        const h = await shop({ backorders: true, stock: "1" });
        const all = demands.map((q, i) => s.schedule(Promise.resolve(i)).then(() => h.inventory.reserve({ lines: [{ sku: "LAST", warehouseId: "wh", quantity: String(q) }] })));
        await s.waitAll();
        await Promise.all(all);
        const a = await h.inventory.availability("LAST", "wh");
        expect(a.reserved).toBe(String(demands.reduce((x, y) => x + y, 0)));
      }),
      { numRuns: 50 },
    );
  });

  it("sums demand for the same SKU and warehouse across lines before the check", async () => {
    const h = await shop({ stock: "3" });
    await expect(h.inventory.reserve({ lines: [{ sku: "LAST", warehouseId: "wh", quantity: "2" }, { sku: "LAST", warehouseId: "wh", quantity: "2" }] })).rejects.toMatchObject({ code: "INSUFFICIENT_STOCK", details: { requested: "4", available: "3" } });
    expect((await h.inventory.availability("LAST", "wh")).reserved).toBe("0");
  });
});

describe("expiry", () => {
  it("availability never counts an expired soft hold, before and after the expiry command; hard allocations never expire", async () => {
    const h = await shop({ stock: "5" });
    const soft = await h.inventory.reserve({ lines: [{ sku: "LAST", warehouseId: "wh", quantity: "2" }] });
    await h.inventory.reserve({ lines: [{ sku: "LAST", warehouseId: "wh", quantity: "1" }], kind: "hard", orderId: "ord_paid" });
    expect(await h.inventory.availability("LAST", "wh")).toMatchObject({ reserved: "3", available: "2" });
    h.clock.advance(15 * 60_000 + 1);
    // Expired but not yet released: not counted.
    expect(await h.inventory.availability("LAST", "wh")).toMatchObject({ reserved: "1", available: "4", expiredUnreleased: "2" });
    // A reservation may take those units right away.
    await h.inventory.reserve({ lines: [{ sku: "LAST", warehouseId: "wh", quantity: "4" }], expiresAt: new Date(h.clock.now().getTime() + 60_000).toISOString() });
    expect(await h.inventory.availability("LAST", "wh")).toMatchObject({ reserved: "5", available: "0", expiredUnreleased: "0" });
    h.clock.advance(120_000);
    const expired = await h.inventory.expireReservations();
    expect(expired).toEqual({ expired: 1, more: false });
    expect(await h.inventory.availability("LAST", "wh")).toMatchObject({ reserved: "1", available: "4" });
    const released = (await h.events("ReservationReleased")).map((e) => [e.payload["reservationId"], e.payload["reason"]]);
    expect(released).toEqual([
      [soft.reservations[0]!.reservationId, "expired"],
      ["res_000003", "expired"],
    ]);
  });

  it.each([
    ["a few expired holds (one read of the expiry index)", 1],
    ["more expired holds than one page of the expiry index (read scope by scope)", 70],
  ])("a reservation releases the expired holds of exactly its scopes, scope by scope in expiry order: %s", async (_name, others) => {
    const h = await shop({ stock: "100" });
    await h.inventory.defineWarehouse({ warehouseId: "wh2" });
    for (const sku of ["A", "B", "C"]) {
      await h.inventory.defineProduct({ sku, costingMethod: "fifo" });
      for (const warehouseId of ["wh", "wh2"]) await h.inventory.receive({ sku, warehouseId, quantity: "100", unitCost: "1" });
    }
    const at = (minutes: number) => new Date(h.clock.now().getTime() + minutes * 60_000).toISOString();
    const hold = async (sku: string, warehouseId: string, minutes: number) => (await h.inventory.reserve({ lines: [{ sku, warehouseId, quantity: "1" }], expiresAt: at(minutes) })).reservations[0]!.reservationId;
    const b2 = await hold("B", "wh", 3);
    const a1 = await hold("A", "wh", 2);
    const a0 = await hold("A", "wh", 1);
    await hold("A", "wh2", 1);
    for (let i = 0; i < others; i++) await hold("C", "wh", 1);
    const b1 = await hold("B", "wh", 1);
    await hold("B", "wh", 30);
    await h.inventory.reserve({ lines: [{ sku: "A", warehouseId: "wh", quantity: "1" }], kind: "hard", orderId: "ord_hard" });
    h.clock.advance(5 * 60_000);
    const before = (await h.events("ReservationReleased")).length;
    await h.inventory.reserve({ lines: [{ sku: "B", warehouseId: "wh", quantity: "1" }, { sku: "A", warehouseId: "wh", quantity: "2" }], kind: "hard", orderId: "ord_1" });
    const released = (await h.events("ReservationReleased")).slice(before).map((e) => [e.payload["reservationId"], e.payload["reason"]]);
    expect(released).toEqual([
      [a0, "expired"],
      [a1, "expired"],
      [b1, "expired"],
      [b2, "expired"],
    ]);
    expect(await h.inventory.availability("A", "wh")).toMatchObject({ reserved: "3", expiredUnreleased: "0" });
    expect(await h.inventory.availability("A", "wh2")).toMatchObject({ reserved: "0", expiredUnreleased: "1" });
    expect(await h.inventory.availability("B", "wh")).toMatchObject({ reserved: "2", expiredUnreleased: "0" });
    expect(await h.inventory.availability("C", "wh")).toMatchObject({ reserved: "0", expiredUnreleased: String(others) });
  });

  it("a shipment fulfils the order's hold, so available does not drop twice", async () => {
    const h = await shop({ stock: "3" });
    await h.inventory.reserve({ lines: [{ sku: "LAST", warehouseId: "wh", quantity: "2" }], kind: "hard", orderId: "ord_1" });
    await h.runtime.execute(recordEvents, {
      events: [{ type: "ShipmentDispatched", aggregateType: "shipment", aggregateId: "shp_1", effectiveDate: "2026-03-31", payload: { shipmentId: "shp_1", orderId: "ord_1", warehouseId: "wh", lines: [{ lineId: "l1", sku: "LAST", quantity: "2" }] } }],
    });
    expect(await h.inventory.availability("LAST", "wh")).toMatchObject({ onHand: "1", reserved: "0", available: "1" });
    expect((await h.events("ReservationReleased"))[0]!.payload).toMatchObject({ reason: "fulfilled", quantity: "2", orderId: "ord_1" });
  });

  it("the expiry indexes hold only held holds: a fulfilled, released or expired hold leaves them (its expiry kept as heldUntil), a partly fulfilled one stays", async () => {
    const h = await shop({ stock: "10" });
    const partial = await h.inventory.reserve({ lines: [{ sku: "LAST", warehouseId: "wh", quantity: "3" }], kind: "hard", orderId: "ord_p" });
    const shipped = await h.inventory.reserve({ lines: [{ sku: "LAST", warehouseId: "wh", quantity: "2" }], kind: "hard", orderId: "ord_s" });
    const released = await h.inventory.reserve({ lines: [{ sku: "LAST", warehouseId: "wh", quantity: "1" }], orderId: "ord_r" });
    const expiring = await h.inventory.reserve({ lines: [{ sku: "LAST", warehouseId: "wh", quantity: "1" }], orderId: "ord_e", expiresAt: "2026-03-31T12:30:00.000Z" });
    const ship = (orderId: string, quantity: string) =>
      h.runtime.execute(recordEvents, {
        events: [{ type: "ShipmentDispatched", aggregateType: "shipment", aggregateId: `shp_${orderId}`, effectiveDate: "2026-03-31", payload: { shipmentId: `shp_${orderId}`, orderId, warehouseId: "wh", lines: [{ lineId: "l1", sku: "LAST", quantity }] } }],
      });
    await ship("ord_s", "2");
    await ship("ord_p", "1");
    await h.inventory.release({ reservationId: released.reservations[0]!.reservationId });
    h.clock.set("2026-03-31T13:00:00.000Z");
    await h.inventory.expireReservations({});
    const inIndex = async (index: string) =>
      (await h.store.transaction((tx) => tx.documents.find<Reservation>(RESERVATIONS, { index, limit: 100 }))).map((d) => d.id).sort();
    const held = [partial.reservations[0]!.reservationId];
    expect(await inIndex("byExpiry")).toEqual(held);
    expect(await inIndex("byScopeExpiry")).toEqual(held);
    const doc = async (r: { reservations: { reservationId: string }[] }) => (await h.store.transaction((tx) => tx.documents.get<Reservation>(RESERVATIONS, r.reservations[0]!.reservationId)))!.data;
    expect(await doc(partial)).toMatchObject({ state: "held", remaining: "2", expiresAt: "~" });
    expect(await doc(shipped)).toMatchObject({ state: "fulfilled", remaining: "0", expiresAt: null, heldUntil: "~" });
    expect(await doc(released)).toMatchObject({ state: "released", expiresAt: null });
    expect(await doc(expiring)).toMatchObject({ state: "expired", expiresAt: null, heldUntil: "2026-03-31T12:30:00.000Z" });
    // Every hold is still found by its order.
    expect((await h.store.transaction((tx) => tx.documents.find<Reservation>(RESERVATIONS, { index: "byOrder", limit: 100 }))).length).toBe(4);
    expect(await h.inventory.availability("LAST", "wh")).toMatchObject({ onHand: "7", reserved: "2", available: "5" });
  });

  it("an unreserved issue cannot take units held for someone else", async () => {
    const h = await shop({ stock: "3" });
    await h.inventory.reserve({ lines: [{ sku: "LAST", warehouseId: "wh", quantity: "2" }], kind: "hard" });
    await expect(h.inventory.issue({ sku: "LAST", warehouseId: "wh", quantity: "2" })).rejects.toMatchObject({ code: "INSUFFICIENT_STOCK" });
    await h.inventory.issue({ sku: "LAST", warehouseId: "wh", quantity: "1" });
    expect(await h.inventory.availability("LAST", "wh")).toMatchObject({ onHand: "2", reserved: "2", available: "0" });
  });

  it("release and releaseOrder give the units back once", async () => {
    const h = await shop({ stock: "3" });
    const r = await h.inventory.reserve({ lines: [{ sku: "LAST", warehouseId: "wh", quantity: "2" }], orderId: "ord_9" });
    expect(await h.inventory.release({ reservationId: r.reservations[0]!.reservationId })).toMatchObject({ released: "2", state: "released" });
    expect(await h.inventory.release({ reservationId: r.reservations[0]!.reservationId })).toMatchObject({ released: "0" });
    await h.inventory.reserve({ lines: [{ sku: "LAST", warehouseId: "wh", quantity: "3" }], orderId: "ord_9" });
    expect(await h.inventory.releaseOrder({ orderId: "ord_9" })).toEqual({ orderId: "ord_9", released: 1 });
    expect(await h.inventory.availability("LAST", "wh")).toMatchObject({ reserved: "0", available: "3" });
  });
});
