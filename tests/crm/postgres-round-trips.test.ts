import type { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postgresStore } from "../../src/adapters/postgres/index.js";
import { type PerCommand, countingPGlite } from "../adapters/counting-pglite.js";
import { createStorekeep } from "../../src/storekeep.js";
import { ManualClock, sequentialIds } from "../../src/testing/index.js";

/*
 * On PostgreSQL every statement is a round trip: refreshing the RFM segments of 30 customers
 * runs as many statements as for 6 — the stored segments locked in one statement, the new ones
 * inserted in one, the changed ones updated in one.
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
