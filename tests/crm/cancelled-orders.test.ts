import { describe, expect, it } from "vitest";
import { memoryRates, memoryStore } from "../../src/adapters/memory/index.js";
import { createStorekeep } from "../../src/storekeep.js";
import { ManualClock, sequentialIds } from "../../src/testing/index.js";

/*
 * CRM counts purchases net of cancellations. An order cancelled before it was invoiced — a
 * shop invoicing on shipment, an unpaid order expiring — has no credit note, so CRM read it as
 * a purchase of its whole total: a customer who cancelled a 119.00 order ranked as the shop's
 * biggest spender. CRM now reads `OrderCancelled` itself.
 */

function shop(invoicing: "on-order" | "on-shipment", grid?: Record<string, string>) {
  const clock = new ManualClock("2026-03-02T09:00:00.000Z");
  const sk = createStorekeep({ store: memoryStore(), clock, ids: sequentialIds(), rates: memoryRates([]), config: { functionalCurrency: "EUR", timeZone: "UTC" }, sales: { invoicing }, ...(grid ? { crm: { grid } } : {}) });
  return { sk, clock };
}

describe("cancelled orders in CRM", () => {
  for (const invoicing of ["on-order", "on-shipment"] as const) {
    it(`invoicing ${invoicing}: a cancelled order is no purchase from its cancellation on (RFM, cohorts, customer value), and still one as of a date before it`, async () => {
      const { sk, clock } = shop(invoicing);
      await sk.inventory.defineWarehouse({ warehouseId: "wh" });
      await sk.inventory.defineProduct({ sku: "MUG", costingMethod: "fifo" });
      await sk.inventory.receive({ sku: "MUG", warehouseId: "wh", quantity: "100", unitCost: "2" });
      await sk.sales.placeOrder({ orderId: "o1", customerId: "c1", currency: "EUR", warehouseId: "wh", lines: [{ sku: "MUG", quantity: 10, unitPrice: "10" }] });
      await sk.sales.placeOrder({ orderId: "o2", customerId: "c2", currency: "EUR", warehouseId: "wh", lines: [{ sku: "MUG", quantity: 1, unitPrice: "10" }] });
      await sk.sales.capturePayment({ orderId: "o2", paymentId: "p2" });
      await sk.sales.shipOrder({ orderId: "o2", shipmentId: "s2" });
      clock.set("2026-03-10T09:00:00.000Z");
      await sk.sales.cancelOrder({ orderId: "o1" });
      await sk.crm.syncTimeline();
      expect((await sk.crm.segments("2026-03-31")).map((s) => [s.customerId, s.frequency, s.monetary])).toEqual([["c2", 1, 10]]);
      expect((await sk.crm.cohorts("2026-03-31")).customers).toBe(1);
      expect((await sk.crm.customerValue("2026-03-31")).customers.map((c) => c.customerId)).toEqual(["c2"]);
      // As of 5 March the order stood: a report of that date is unchanged by the later cancellation.
      expect((await sk.crm.segments("2026-03-05")).map((s) => [s.customerId, s.monetary]).sort()).toEqual([["c1", 100], ["c2", 10]]);
      // Synced again (a redelivery): nothing changes.
      await sk.crm.syncTimeline();
      expect((await sk.crm.segments("2026-03-31")).map((s) => s.customerId)).toEqual(["c2"]);
      await sk.close();
    });
  }

  it("campaign attribution leaves out an order cancelled before it was invoiced", async () => {
    const grid = Object.fromEntries(["1", "2", "3", "4", "5"].flatMap((r) => ["1", "2", "3", "4", "5"].map((f) => [`${r}${f}`, "everyone"])));
    const { sk, clock } = shop("on-shipment", grid);
    const eur = (amount: string) => ({ amount, currency: "EUR" });
    const placed = (orderId: string, total: string, day: string) => ({ type: "OrderPlaced" as const, aggregateType: "order", aggregateId: orderId, effectiveDate: day, payload: { orderId, customerId: "c1", warehouseId: "wh", currency: "EUR", lines: [{ lineId: "l1", sku: "MUG", quantity: "1", unitPrice: eur(total) }], total: eur(total) } });
    await sk.crm.createCustomer({ customerId: "c1" });
    await sk.crm.recordConsent({ customerId: "c1", channel: "email", granted: true, source: "signup form" });
    await sk.recordEvents([placed("p1", "10.00", "2026-03-01")]);
    await sk.crm.syncTimeline();
    await sk.crm.defineCampaign({ campaignId: "A", name: "Spring", channel: "email", segment: "everyone", cost: { amount: "20", currency: "EUR" }, attributionDays: 7 });
    await sk.crm.targetCampaign({ campaignId: "A", asOf: "2026-03-02" });
    clock.set("2026-03-04T09:00:00.000Z");
    await sk.recordEvents([placed("p2", "50.00", "2026-03-04"), placed("p3", "70.00", "2026-03-04")]);
    await sk.recordEvents([{ type: "OrderCancelled", aggregateType: "order", aggregateId: "p3", effectiveDate: "2026-03-05", payload: { orderId: "p3", reason: "cancelled" } }]);
    await sk.crm.syncTimeline();
    expect(await sk.crm.campaignReport("A")).toMatchObject({ lastTouch: { orders: 1, revenue: "50" }, firstTouch: { orders: 1, revenue: "50" } });
    await sk.close();
  });
});
