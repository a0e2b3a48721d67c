import { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { preferredWarehouseFirst } from "../../src/sales/options.js";
import type { SourcingPolicy } from "../../src/sales/options.js";
import { type Storekeep } from "../../src/storekeep.js";
import { shop, storeOf } from "./setup.js";

/*
 * Fulfilment across warehouses: the sourcing policy (the host's, or preferredWarehouseFirst)
 * places an order's lines over warehouses when it reserves; holds, shipments (issues and
 * COGS), cancellations and edits follow the parts; a policy that does not place every line
 * exactly is refused with nothing written.
 */

let db: PGlite;
beforeAll(async () => {
  db = new PGlite();
  await db.waitReady;
}, 60_000);
afterAll(async () => {
  await db.close();
});

describe("preferredWarehouseFirst", () => {
  const stock = [
    { sku: "MUG", warehouseId: "a", available: "3" },
    { sku: "MUG", warehouseId: "b", available: "4" },
    { sku: "MUG", warehouseId: "c", available: "9" },
    { sku: "TEA", warehouseId: "b", available: "1" },
  ];
  it("takes the order's warehouse first, then the others with the most available; what nobody has stays at the order's warehouse; lines of one SKU share stock", () => {
    expect(preferredWarehouseFirst({ orderId: "o", warehouseId: "a", lines: [{ lineId: "1", sku: "MUG", quantity: "2" }], stock })).toEqual([{ lineId: "1", warehouseId: "a", quantity: "2" }]);
    expect(preferredWarehouseFirst({ orderId: "o", warehouseId: "a", lines: [{ lineId: "1", sku: "MUG", quantity: "14" }], stock })).toEqual([
      { lineId: "1", warehouseId: "a", quantity: "3" },
      { lineId: "1", warehouseId: "c", quantity: "9" },
      { lineId: "1", warehouseId: "b", quantity: "2" },
    ]);
    expect(preferredWarehouseFirst({ orderId: "o", warehouseId: "a", lines: [{ lineId: "1", sku: "MUG", quantity: "10" }, { lineId: "2", sku: "MUG", quantity: "8" }, { lineId: "3", sku: "TEA", quantity: "3" }], stock })).toEqual([
      { lineId: "1", warehouseId: "a", quantity: "3" },
      { lineId: "1", warehouseId: "c", quantity: "7" },
      { lineId: "2", warehouseId: "b", quantity: "4" },
      { lineId: "2", warehouseId: "c", quantity: "2" },
      { lineId: "2", warehouseId: "a", quantity: "2" },
      { lineId: "3", warehouseId: "b", quantity: "1" },
      { lineId: "3", warehouseId: "a", quantity: "2" },
    ]);
  });
});

async function twoWarehouses(kind: "memory" | "pglite", sourcing?: SourcingPolicy): Promise<Storekeep> {
  const { sk } = shop(storeOf(kind, () => db), { ...(sourcing === undefined ? {} : { sourcing }), tax: undefined as never });
  for (const warehouseId of ["wh_a", "wh_b"]) await sk.inventory.defineWarehouse({ warehouseId });
  await sk.inventory.defineProduct({ sku: "MUG", costingMethod: "fifo" });
  await sk.inventory.receive({ sku: "MUG", warehouseId: "wh_a", quantity: "3", unitCost: "2" });
  await sk.inventory.receive({ sku: "MUG", warehouseId: "wh_b", quantity: "10", unitCost: "5" });
  return sk;
}
const held = async (sk: Storekeep) => [(await sk.inventory.availability("MUG", "wh_a")).reserved, (await sk.inventory.availability("MUG", "wh_b")).reserved];
const onHand = async (sk: Storekeep) => [(await sk.inventory.availability("MUG", "wh_a")).onHand, (await sk.inventory.availability("MUG", "wh_b")).onHand];

for (const kind of ["memory", "pglite"] as const) {
  describe(`fulfilment across warehouses (${kind})`, () => {
    it("an order at wh_a for 5 with 3 there holds 3 at wh_a and 2 at wh_b; shipments take from wh_a first, then wh_b, at each unit's FIFO cost; the audit is clean", async () => {
      const sk = await twoWarehouses(kind);
      await sk.sales.placeOrder({ orderId: "ord_1", currency: "EUR", warehouseId: "wh_a", lines: [{ lineId: "1", sku: "MUG", quantity: "5", unitPrice: "9" }] });
      expect(await held(sk)).toEqual(["3", "2"]);
      expect((await sk.sales.order("ord_1"))!.order.lines[0]!.sources).toEqual([{ warehouseId: "wh_a", quantity: "3" }, { warehouseId: "wh_b", quantity: "2" }]);
      await sk.sales.shipOrder({ orderId: "ord_1", shipmentId: "shp_1", lines: [{ lineId: "1", quantity: "4" }] });
      expect(await onHand(sk)).toEqual(["0", "9"]);
      expect(await held(sk)).toEqual(["0", "1"]);
      await sk.sales.shipOrder({ orderId: "ord_1", shipmentId: "shp_2" });
      expect(await onHand(sk)).toEqual(["0", "8"]);
      expect(await held(sk)).toEqual(["0", "0"]);
      const line = (await sk.sales.order("ord_1"))!.order.lines[0]!;
      expect(line.buckets.shipped).toBe("5");
      expect(line.sources).toBeUndefined();
      // COGS: 3 × 2 from wh_a, 2 × 5 from wh_b (FIFO per SKU over the shop: the 2.00 layer first).
      const tb = await sk.finance.trialBalance({ asOf: "2026-12-31" });
      expect(tb.rows.find((r) => r.account === "5100")!.debit).toBe("16");
      expect((await sk.inventory.audit()).ok).toBe(true);
    });

    it("a host's policy decides (all from wh_b); a cancellation releases the holds wherever they are", async () => {
      const fromB: SourcingPolicy = (r) => r.lines.map((l) => ({ lineId: l.lineId, warehouseId: "wh_b", quantity: l.quantity }));
      const sk = await twoWarehouses(kind, fromB);
      await sk.sales.placeOrder({ orderId: "ord_1", currency: "EUR", warehouseId: "wh_a", lines: [{ lineId: "1", sku: "MUG", quantity: "2", unitPrice: "9" }] });
      expect(await held(sk)).toEqual(["0", "2"]);
      await sk.sales.cancelOrder({ orderId: "ord_1" });
      expect(await held(sk)).toEqual(["0", "0"]);
    });

    it("reserving at payment places the lines when the payment comes, with the stock there is then", async () => {
      const sk = await twoWarehouses(kind);
      await sk.sales.placeOrder({ orderId: "ord_1", currency: "EUR", warehouseId: "wh_a", reserveAt: "payment", lines: [{ lineId: "1", sku: "MUG", quantity: "4", unitPrice: "9" }] });
      expect(await held(sk)).toEqual(["0", "0"]);
      await sk.inventory.issue({ sku: "MUG", warehouseId: "wh_a", quantity: "2" });
      await sk.sales.capturePayment({ orderId: "ord_1", paymentId: "ch_1" });
      expect(await held(sk)).toEqual(["1", "3"]);
    });

    it("reserving at payment after a shipment holds only what is left to ship, and nothing once everything has shipped", async () => {
      const sk = await twoWarehouses(kind);
      await sk.sales.placeOrder({ orderId: "ord_1", currency: "EUR", warehouseId: "wh_b", reserveAt: "payment", lines: [{ lineId: "1", sku: "MUG", quantity: "4", unitPrice: "9" }] });
      await sk.sales.shipOrder({ orderId: "ord_1", shipmentId: "shp_1", lines: [{ lineId: "1", quantity: "3" }] });
      await sk.sales.capturePayment({ orderId: "ord_1", paymentId: "ch_1", amount: "10" });
      expect(await held(sk)).toEqual(["0", "1"]);
      expect((await sk.sales.order("ord_1"))!.order.lines[0]!.buckets.reserved).toBe("1");
      await sk.sales.placeOrder({ orderId: "ord_2", currency: "EUR", warehouseId: "wh_b", reserveAt: "payment", lines: [{ lineId: "1", sku: "MUG", quantity: "2", unitPrice: "9" }] });
      await sk.sales.shipOrder({ orderId: "ord_2", shipmentId: "shp_2" });
      await sk.sales.capturePayment({ orderId: "ord_2", paymentId: "ch_2" });
      expect(await held(sk)).toEqual(["0", "1"]);
      expect((await sk.sales.order("ord_2"))!.order.lines[0]!.buckets.reserved).toBe("0");
    });

    it("an edit places the order again, counting what it held as its own", async () => {
      const sk = await twoWarehouses(kind);
      await sk.sales.placeOrder({ orderId: "ord_1", currency: "EUR", warehouseId: "wh_a", lines: [{ lineId: "1", sku: "MUG", quantity: "3", unitPrice: "9" }] });
      expect(await held(sk)).toEqual(["3", "0"]);
      await sk.sales.editOrder({ orderId: "ord_1", changes: [{ lineId: "1", quantity: "6" }] });
      expect(await held(sk)).toEqual(["3", "3"]);
      await sk.sales.editOrder({ orderId: "ord_1", changes: [{ lineId: "1", quantity: "2" }] });
      expect(await held(sk)).toEqual(["2", "0"]);
      expect((await sk.sales.order("ord_1"))!.order.lines[0]!.sources).toBeUndefined();
    });

    it("a policy that does not place every line exactly is refused, naming the line, and nothing is written", async () => {
      const short: SourcingPolicy = (r) => r.lines.map((l) => ({ lineId: l.lineId, warehouseId: "wh_b", quantity: "1" }));
      const sk = await twoWarehouses(kind, short);
      await expect(sk.sales.placeOrder({ orderId: "ord_1", currency: "EUR", warehouseId: "wh_a", lines: [{ lineId: "1", sku: "MUG", quantity: "2", unitPrice: "9" }] })).rejects.toMatchObject({ code: "VALIDATION_FAILED", message: expect.stringMatching(/places 1 of line 1, which needs 2/) });
      expect(await sk.sales.order("ord_1")).toBeUndefined();
      expect(await held(sk)).toEqual(["0", "0"]);
      const throwing = await twoWarehouses(kind, () => {
        throw new Error("no route");
      });
      await expect(throwing.sales.placeOrder({ currency: "EUR", warehouseId: "wh_a", lines: [{ sku: "MUG", quantity: "1", unitPrice: "9" }] })).rejects.toMatchObject({ code: "VALIDATION_FAILED", message: expect.stringMatching(/no route/) });
    });
  });
}
