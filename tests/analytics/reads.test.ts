import { describe, expect, it } from "vitest";
import { memoryStore } from "../../src/adapters/memory/index.js";
import { addDays, type LocalDate } from "../../src/kernel/local-date.js";
import { createStorekeep } from "../../src/storekeep.js";
import { ManualClock, countingStore, sequentialIds } from "../../src/testing/index.js";

const eur = (amount: string) => ({ amount, currency: "EUR" });

/** A year with `orders` orders of the same two SKUs, spread over the year; the reads of a year's KPI report after the projection is up to date. */
async function yearReads(orders: number) {
  const store = countingStore(memoryStore());
  const sk = createStorekeep({ store, clock: new ManualClock("2027-01-05T12:00:00.000Z"), ids: sequentialIds(), config: { functionalCurrency: "EUR", timeZone: "UTC" } });
  await sk.inventory.defineWarehouse({ warehouseId: "wh", name: "Main" });
  await sk.inventory.defineLocation({ locationId: "wh/A", warehouseId: "wh", parentId: "wh", name: "A" });
  for (const sku of ["MUG", "TEE"]) await sk.inventory.defineProduct({ sku, costingMethod: "fifo" });
  const fx = { currency: "EUR", functionalCurrency: "EUR", rate: "1" };
  await sk.recordEvents([{ type: "GoodsReceived", aggregateType: "receipt", aggregateId: "grn", effectiveDate: "2026-01-01", payload: { receiptId: "grn", purchaseOrderId: "po", supplierId: "sup", warehouseId: "wh", ...fx, lines: ["MUG", "TEE"].map((sku, i) => ({ lineId: `l${i}`, sku, quantity: "1000", unitPrice: eur("2.00"), receivedValue: eur("2000.00"), locationId: "wh/A" })) } }]);
  for (let i = 0; i < orders; i++) {
    const day = addDays("2026-01-02" as LocalDate, Math.floor((i * 360) / orders));
    const orderId = `ord_${i}`;
    const lines = [{ lineId: "l1", sku: i % 2 ? "MUG" : "TEE", quantity: "1", unitPrice: eur("5.00") }];
    await sk.recordEvents([
      { type: "OrderPlaced", aggregateType: "order", aggregateId: orderId, effectiveDate: day, payload: { orderId, customerId: `cus_${i % 7}`, warehouseId: "wh", currency: "EUR", lines, total: eur("5.00") } },
      { type: "ShipmentDispatched", aggregateType: "order", aggregateId: orderId, effectiveDate: day, payload: { shipmentId: `shp_${i}`, orderId, warehouseId: "wh", lines: [{ lineId: "l1", sku: lines[0]!.sku, quantity: "1", locationId: "wh/A" }] } },
    ]);
  }
  await sk.analytics.sync();
  store.reset();
  const report = await sk.analytics.kpis({ from: "2026-01-01", to: "2026-12-31", grain: "month", compare: ["previous-year"], breakdowns: ["sku", "channel"] });
  const s = store.snapshot();
  return { report, reads: s.reads, methods: s.methods };
}

describe("analytics reads sums, not history", () => {
  it("a year's KPI report makes the same store calls for 24 orders as for 240, reads balance rows per key (not per order) and no log line", async () => {
    const small = await yearReads(24);
    const large = await yearReads(240);
    expect(small.report.kpis.orders).toBe("24");
    expect(large.report.kpis.orders).toBe("240");
    // The same calls of every primitive and method; balance rows are one per key and range
    // (keys present in a month may differ by a couple), never one per order.
    for (const primitive of Object.keys(small.reads) as (keyof typeof small.reads)[]) expect(large.reads[primitive].calls, primitive).toBe(small.reads[primitive].calls);
    expect(large.methods).toEqual(small.methods);
    expect(large.reads.documents.rows).toBe(small.reads.documents.rows);
    expect(Math.abs(large.reads.balances.rows - small.reads.balances.rows)).toBeLessThanOrEqual(4);
    expect(large.reads.logs.calls).toBe(0);
  }, 120_000);
});
