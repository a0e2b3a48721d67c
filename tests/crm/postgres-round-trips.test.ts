import type { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postgresStore } from "../../src/adapters/postgres/index.js";
import { type PerCommand, countingPGlite } from "../adapters/counting-pglite.js";
import { memoryStore } from "../../src/adapters/memory/index.js";
import type { Store } from "../../src/ports/storage.js";
import { createStorekeep } from "../../src/storekeep.js";
import { ManualClock, failingStore, sequentialIds } from "../../src/testing/index.js";

/*
 * On PostgreSQL every statement is a round trip: refreshing the RFM segments of 30 customers
 * runs as many statements as for 6 — the stored segments locked in one statement, the new ones
 * inserted in one, the changed ones updated in one. The CRM timeline and the analytics
 * projection sync a page of events in one transaction, reading ahead what the page looks up and
 * holding back the documents it creates (its new orders' projections) until the page ends, when
 * they go in together: a sync makes a handful of statements per page, however many orders and
 * events it holds. A page that fails is rolled back whole and run again event by event.
 */

let db: PGlite;
let perCommand: () => PerCommand;

beforeAll(async () => {
  ({ db, perCommand } = await countingPGlite());
}, 60_000);

afterAll(async () => {
  await db.close();
});

const eur = (amount: string) => ({ amount, currency: "EUR" });

/** A shop in its own schema whose `customers` each placed one order: its refresh statements (first, then after half of them ordered again) and the first result. */
async function refreshed(customers: number): Promise<{ counts: Record<string, number>; first: { customers: number; changed: number } }> {
  const sk = createStorekeep({ store: postgresStore({ client: db, schema: `crm_rt_${customers}` }), clock: new ManualClock("2026-03-02T10:00:00.000Z"), ids: sequentialIds(), config: { functionalCurrency: "EUR", timeZone: "UTC" } });
  const order = (id: string, customer: number, day: string, total: string) => ({
    type: "OrderPlaced" as const,
    aggregateType: "order",
    aggregateId: id,
    effectiveDate: day,
    payload: { orderId: id, customerId: `c${customer}`, warehouseId: "wh", currency: "EUR", lines: [{ lineId: "l1", sku: "MUG", quantity: "1", unitPrice: eur(total) }], total: eur(total) },
  });
  await sk.recordEvents(Array.from({ length: customers }, (_, i) => order(`o${i}`, i, `2026-02-${String(1 + (i % 28)).padStart(2, "0")}`, `${10 + i}.00`)));
  await sk.crm.syncTimeline();
  const { counts, counted } = perCommand();
  const first = await counted("first", () => sk.crm.refreshSegments({ asOf: "2026-03-01" }));
  // Every other customer orders again, big: their scores, and the others' ranks, move.
  await sk.recordEvents(Array.from({ length: customers / 2 }, (_, i) => order(`p${i}`, 2 * i, "2026-03-05", "500.00")));
  await sk.crm.syncTimeline();
  const later = await counted("later", () => sk.crm.refreshSegments({ asOf: "2026-03-10" }));
  expect(later.changed).toBeGreaterThan(0);
  return { counts, first };
}

describe("refreshing RFM segments on PostgreSQL does not grow with the customers", () => {
  it("a first refresh and a later one that changes segments run as many statements for 30 customers as for 6", async () => {
    const six = await refreshed(6);
    const thirty = await refreshed(30);
    expect(thirty.counts).toEqual(six.counts);
    expect(six.first).toEqual({ customers: 6, changed: 6 });
    expect(thirty.first).toEqual({ customers: 30, changed: 30 });
  }, 60_000);
});

/** `orders` orders of 4 customers, each placed, invoiced and paid: three timeline events an order. */
function orderEvents(orders: number) {
  return Array.from({ length: orders }, (_, i) => {
    const orderId = `o${i}`;
    const day = `2026-02-${String(1 + (i % 28)).padStart(2, "0")}`;
    const total = `${10 + i}.00`;
    return [
      { type: "OrderPlaced" as const, aggregateType: "order", aggregateId: orderId, effectiveDate: day, payload: { orderId, customerId: `c${i % 4}`, warehouseId: "wh", currency: "EUR", lines: [{ lineId: "l1", sku: "MUG", quantity: "1", unitPrice: eur(total) }], total: eur(total) } },
      {
        type: "OrderInvoiced" as const,
        aggregateType: "order",
        aggregateId: orderId,
        effectiveDate: day,
        payload: { orderId, invoiceId: `inv${i}`, customerId: `c${i % 4}`, currency: "EUR", net: eur(total), tax: eur("0"), gross: eur(total), shipping: eur("0"), prepaymentApplied: eur("0"), lines: [], functional: { net: eur(total), tax: eur("0"), gross: eur(total), shipping: eur("0"), prepaymentApplied: eur("0") } },
      },
      { type: "PaymentCaptured" as const, aggregateType: "order", aggregateId: orderId, effectiveDate: day, payload: { orderId, paymentId: `p${i}`, customerId: `c${i % 4}`, currency: "EUR", amount: eur(total), functionalAmount: eur(total), invoiced: true, invoiceId: `inv${i}` } },
    ];
  }).flat();
}

function shopOn(store: Store) {
  return createStorekeep({ store, clock: new ManualClock("2026-03-02T10:00:00.000Z"), ids: sequentialIds(), config: { functionalCurrency: "EUR", timeZone: "UTC" } });
}

describe("syncing the CRM timeline and the analytics projection a page at a time", () => {
  it("on PostgreSQL each sync makes a handful of statements per page (200 events for CRM, 500 for analytics), none per order or event", async () => {
    const counts: Record<number, number> = {};
    const analytics: Record<number, number> = {};
    for (const orders of [10, 150]) {
      const sk = shopOn(postgresStore({ client: db, schema: `crm_pages_${orders}` }));
      await sk.recordEvents(orderEvents(orders));
      const { counts: c, counted } = perCommand();
      const r = await counted("sync", () => sk.crm.syncTimeline());
      expect(r.processed).toBe(3 * orders);
      counts[orders] = c["sync"]!;
      const a = await counted("analytics", () => sk.analytics.sync());
      expect(a.processed).toBe(3 * orders);
      analytics[orders] = c["analytics"]!;
      expect((await sk.crm.timeline("c1", { limit: 1000 })).entries).toHaveLength(3 * Array.from({ length: orders }, (_, i) => i).filter((i) => i % 4 === 1).length);
    }
    // 150 orders, 450 events in 3 pages (one for 10 orders): at most 10 statements a page.
    expect(counts[150]).toBeLessThanOrEqual(10 * 3);
    expect(counts[150]).toBeLessThanOrEqual(counts[10]! + 10 * 2);
    // Analytics: one page of 500 events either way; the order documents inserted together, the customers' updates too.
    expect(analytics[150]).toBeLessThanOrEqual(analytics[10]!);
  }, 60_000);

  it("a page that fails at a write is rolled back whole and run again event by event: every event lands once", async () => {
    const inner = memoryStore();
    await shopOn(inner).recordEvents(orderEvents(100));
    // The third write of the sync fails once, inside the first page.
    const sk = shopOn(failingStore(inner, { failAtWrite: 3 }));
    const r = await sk.crm.syncTimeline();
    expect(r.processed).toBe(300);
    const entries = (await Promise.all(["c0", "c1", "c2", "c3"].map(async (c) => (await sk.crm.timeline(c, { limit: 1000 })).entries))).flat();
    expect(entries).toHaveLength(300);
    expect(new Set(entries.map((e) => e.entryId)).size).toBe(300);
    expect(await sk.crm.syncTimeline()).toMatchObject({ processed: 0 });
  }, 60_000);
});
