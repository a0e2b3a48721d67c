import { PGlite } from "@electric-sql/pglite";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postgresStore } from "../../src/adapters/postgres/index.js";
import { gs1CheckDigit, gs1ElementString } from "../../src/inventory/barcodes.js";
import { pickStock } from "../../src/inventory/removal-strategy.js";
import { Decimal } from "../../src/kernel/decimal.js";
import type { Store } from "../../src/ports/storage.js";
import { recordEvents } from "../../src/runner/index.js";
import { type Harness, harness } from "./setup.js";

const MILK_GTIN = "0400638133393" + String(gs1CheckDigit("0400638133393"));
const eur = (amount: string) => ({ amount, currency: "EUR" });

async function sell(h: Harness, orderId: string, customerId: string, lines: { sku: string; quantity: string; lot: string; locationId: string }[]) {
  await h.runtime.execute(recordEvents, {
    events: [
      {
        type: "OrderPlaced",
        aggregateType: "order",
        aggregateId: orderId,
        effectiveDate: "2026-03-31",
        payload: { orderId, customerId, warehouseId: "wh", currency: "EUR", lines: lines.map((l, i) => ({ lineId: `l${i + 1}`, sku: l.sku, quantity: l.quantity, unitPrice: eur("1") })), total: eur(lines.reduce((s, l) => s + Number(l.quantity), 0).toFixed(2)) },
      },
      {
        type: "ShipmentDispatched",
        aggregateType: "shipment",
        aggregateId: `shp_${orderId}`,
        effectiveDate: "2026-03-31",
        payload: { shipmentId: `shp_${orderId}`, orderId, warehouseId: "wh", lines: lines.map((l, i) => ({ lineId: `l${i + 1}`, sku: l.sku, quantity: l.quantity, lot: l.lot, locationId: l.locationId })) },
      },
    ],
  });
}

async function lotScenario(store?: Store) {
  const h = await harness({ ...(store === undefined ? {} : { store }), start: "2026-03-31T12:00:00.000Z" });
  const inv = h.inventory;
  const out: Record<string, unknown> = {};
  await inv.defineWarehouse({ warehouseId: "wh" });
  for (const l of ["wh/A1", "wh/A2"]) await inv.defineLocation({ locationId: l, warehouseId: "wh" });
  await inv.defineProduct({ sku: "MILK", costingMethod: "fifo", tracking: "lot" });
  await inv.defineBarcode({ barcode: MILK_GTIN, sku: "MILK" });
  // Receive lots by GS1 scan: the label carries GTIN, expiry and lot.
  const labels = [
    { lot: "L0", expiry: "260320", location: "wh/A1", quantity: "3", date: "2026-03-01" },
    { lot: "L1", expiry: "260420", location: "wh/A1", quantity: "5", date: "2026-03-02" },
    { lot: "L2", expiry: "260405", location: "wh/A2", quantity: "5", date: "2026-03-10" },
  ];
  for (const l of labels) {
    const scanned = await inv.scan(gs1ElementString([{ ai: "01", value: MILK_GTIN }, { ai: "17", value: l.expiry }, { ai: "10", value: l.lot }]));
    await inv.receive({ sku: scanned.sku!, warehouseId: "wh", locationId: l.location, quantity: l.quantity, unitCost: "1", lot: scanned.lot!, expiry: scanned.expiry!, effectiveDate: l.date });
  }
  out["fefo"] = await inv.pick({ sku: "MILK", warehouseId: "wh", quantity: "7", strategy: "fefo" });
  out["fifo"] = await inv.pick({ sku: "MILK", warehouseId: "wh", quantity: "7", strategy: "fifo" });
  out["expiredSale"] = await inv.issue({ sku: "MILK", warehouseId: "wh", locationId: "wh/A1", lot: "L0", quantity: "1" }).catch((e: { code: string }) => e.code);
  out["noLot"] = await inv.scrap({ sku: "MILK", warehouseId: "wh", locationId: "wh/A1", quantity: "1" }).catch((e: { code: string }) => e.code);
  out["otherExpiry"] = await inv.receive({ sku: "MILK", warehouseId: "wh", quantity: "1", unitCost: "1", lot: "L1", expiry: "2026-05-01" }).catch((e: { code: string }) => e.code);
  // Ship the FEFO picks to two customers.
  await sell(h, "ord_1", "cus_1", [{ sku: "MILK", quantity: "4", lot: "L2", locationId: "wh/A2" }]);
  await sell(h, "ord_2", "cus_2", [
    { sku: "MILK", quantity: "1", lot: "L2", locationId: "wh/A2" },
    { sku: "MILK", quantity: "2", lot: "L1", locationId: "wh/A1" },
  ]);
  // The expired lot is scrapped, not sold.
  await inv.scrap({ sku: "MILK", warehouseId: "wh", locationId: "wh/A1", lot: "L0", quantity: "3" });
  out["recall"] = await inv.recall({ sku: "MILK", lot: "L2" });
  out["recallL1"] = await inv.recall({ sku: "MILK", lot: "L1" });
  out["onHand"] = await inv.onHand({ sku: "MILK" });
  out["audit"] = (await inv.audit()).ok;
  return out;
}

describe("lots, serials and expiry", () => {
  it("scenario: lots received by GS1 scan with their expiry, FEFO picking skips the expired lot, sales of expired lots refused, a recall names the customers (memory store)", async () => {
    const out = await lotScenario();
    expect(out["fefo"]).toEqual({
      sku: "MILK",
      warehouseId: "wh",
      strategy: "fefo",
      picks: [
        { locationId: "wh/A2", lot: "L2", quantity: "5", expiry: "2026-04-05" },
        { locationId: "wh/A1", lot: "L1", quantity: "2", expiry: "2026-04-20" },
      ],
      short: "0",
    });
    expect((out["fifo"] as { picks: { lot: string }[] }).picks.map((p) => p.lot)).toEqual(["L1", "L2"]);
    expect(out["expiredSale"]).toBe("INVALID_TRANSITION");
    expect(out["noLot"]).toBe("VALIDATION_FAILED");
    expect(out["otherExpiry"]).toBe("VALIDATION_FAILED");
    expect(out["recall"]).toMatchObject({
      sku: "MILK",
      lot: "L2",
      expiry: "2026-04-05",
      received: [{ date: "2026-03-10", quantity: "5" }],
      shipped: [
        { quantity: "4", orderId: "ord_1", customerId: "cus_1" },
        { quantity: "1", orderId: "ord_2", customerId: "cus_2" },
      ],
      onHand: [],
      customers: ["cus_1", "cus_2"],
    });
    expect(out["recallL1"]).toMatchObject({ customers: ["cus_2"], onHand: [{ locationId: "wh/A1", quantity: "3" }] });
    expect(out["onHand"]).toEqual([{ sku: "MILK", locationId: "wh/A1", lot: "L1", quantity: "3" }]);
    expect(out["audit"]).toBe(true);
  });

  it("serials: one unit on hand at most once, wherever it is; it may come back after it left", async () => {
    const h = await harness();
    const inv = h.inventory;
    await inv.defineWarehouse({ warehouseId: "wh" });
    await inv.defineLocation({ locationId: "wh/A2", warehouseId: "wh" });
    await inv.defineProduct({ sku: "PHONE", costingMethod: "fifo", tracking: "serial" });
    await inv.receive({ sku: "PHONE", warehouseId: "wh", quantity: "1", unitCost: "300", lot: "SN1" });
    await expect(inv.receive({ sku: "PHONE", warehouseId: "wh", locationId: "wh/A2", quantity: "1", unitCost: "300", lot: "SN1" })).rejects.toMatchObject({ code: "ALREADY_EXISTS" });
    await expect(inv.receive({ sku: "PHONE", warehouseId: "wh", quantity: "2", unitCost: "300", lot: "SN2" })).rejects.toMatchObject({ code: "ALREADY_EXISTS" });
    await inv.transfer({ sku: "PHONE", from: { warehouseId: "wh" }, to: { warehouseId: "wh", locationId: "wh/A2" }, quantity: "1", lot: "SN1" });
    await inv.issue({ sku: "PHONE", warehouseId: "wh", locationId: "wh/A2", quantity: "1", lot: "SN1" });
    await inv.receive({ sku: "PHONE", warehouseId: "wh", quantity: "1", unitCost: "280", lot: "SN1" });
    expect(await inv.onHand({ sku: "PHONE" })).toEqual([{ sku: "PHONE", locationId: "wh", lot: "SN1", quantity: "1" }]);
  });

  it("property: a serial is never on hand twice, whatever receipts, transfers and issues are tried", async () => {
    const op = fc.record({ kind: fc.constantFrom("receive", "transfer", "issue"), serial: fc.constantFrom("S1", "S2"), at: fc.constantFrom("wh", "wh/A2"), quantity: fc.constantFrom("1", "1", "2") });
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 8 }), async (ops) => {
        const h = await harness();
        const inv = h.inventory;
        await inv.defineWarehouse({ warehouseId: "wh" });
        await inv.defineLocation({ locationId: "wh/A2", warehouseId: "wh" });
        await inv.defineProduct({ sku: "PHONE", costingMethod: "fifo", tracking: "serial" });
        for (const o of ops) {
          const other = o.at === "wh" ? "wh/A2" : "wh";
          const attempt =
            o.kind === "receive"
              ? inv.receive({ sku: "PHONE", warehouseId: "wh", locationId: o.at, quantity: o.quantity, unitCost: "1", lot: o.serial })
              : o.kind === "transfer"
                ? inv.transfer({ sku: "PHONE", from: { warehouseId: "wh", locationId: o.at }, to: { warehouseId: "wh", locationId: other }, quantity: o.quantity, lot: o.serial })
                : inv.issue({ sku: "PHONE", warehouseId: "wh", locationId: o.at, quantity: o.quantity, lot: o.serial });
          await attempt.catch((e: { code: string }) => {
            if (!["ALREADY_EXISTS", "INSUFFICIENT_STOCK"].includes(e.code)) throw e;
          });
          const totals = new Map<string, Decimal>();
          for (const row of await inv.onHand({ sku: "PHONE" })) totals.set(row.lot!, (totals.get(row.lot!) ?? new Decimal(0)).plus(row.quantity));
          for (const total of totals.values()) expect(total.lte(1) && total.gte(0)).toBe(true);
        }
      }),
      { numRuns: 30 },
    );
  });

  it("removal strategies (pure): by location follows location ids; nothing expired is ever picked; short says what is missing", () => {
    const stock = [
      { locationId: "B", lot: "L1", quantity: "2", expiry: "2026-03-30", receivedAt: "2026-03-01T00:00:00.000Z" },
      { locationId: "A", lot: "L2", quantity: "2", expiry: null, receivedAt: "2026-03-02T00:00:00.000Z" },
      { locationId: "C", lot: "L3", quantity: "2", expiry: "2026-06-01", receivedAt: "2026-03-03T00:00:00.000Z" },
    ];
    expect(pickStock(stock, "5", "location", "2026-03-31")).toEqual({
      picks: [
        { locationId: "A", lot: "L2", quantity: "2", expiry: null },
        { locationId: "C", lot: "L3", quantity: "2", expiry: "2026-06-01" },
      ],
      short: "1",
    });
    expect(pickStock(stock, "3", "fefo", "2026-03-31").picks.map((p) => p.lot)).toEqual(["L3", "L2"]);
  });
});

describe("on PostgreSQL (PGlite)", () => {
  let db: PGlite;
  beforeAll(async () => {
    db = new PGlite();
    await db.waitReady;
  }, 60_000);
  afterAll(async () => {
    await db.close();
  });

  it("the lot scenario gives the same results as on the memory store", async () => {
    expect(await lotScenario(postgresStore({ client: db, schema: "lots" }))).toEqual(await lotScenario());
  }, 120_000);
});
