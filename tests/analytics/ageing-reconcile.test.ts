import { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { memoryStore } from "../../src/adapters/memory/index.js";
import { postgresStore } from "../../src/adapters/postgres/index.js";
import { Decimal } from "../../src/kernel/decimal.js";
import type { Store } from "../../src/ports/storage.js";
import { type Storekeep, createStorekeep } from "../../src/storekeep.js";
import { ManualClock, sequentialIds } from "../../src/testing/index.js";

/*
 * The analytics ageing KPI (read from daily sums of inbound units) and the stock ledger's
 * ageing report (read from each SKU's movements, newest first) are one figure: with the same
 * bucket limits they give the same quantity and value per bucket, to the cent, on a shop with
 * receipts over a year (one back-dated), shipments, a restocked customer return, a count gain
 * and a loss, and values that do not split evenly.
 */

let db: PGlite;
beforeAll(async () => {
  db = new PGlite();
  await db.waitReady;
}, 60_000);
afterAll(async () => {
  await db.close();
});

async function shop(store: Store): Promise<{ sk: Storekeep; clock: ManualClock }> {
  const clock = new ManualClock("2025-06-01T10:00:00.000Z");
  const sk = createStorekeep({ store, clock, ids: sequentialIds(), config: { functionalCurrency: "EUR", timeZone: "Europe/Berlin" }, analytics: { ageingDays: [30, 90, 180] } });
  const inv = sk.inventory;
  await inv.defineWarehouse({ warehouseId: "wh" });
  await inv.defineProduct({ sku: "MUG", costingMethod: "fifo" });
  await inv.defineProduct({ sku: "TEA", costingMethod: "moving-average" });
  const at = (date: string) => clock.set(`${date}T10:00:00.000Z`);
  at("2025-06-01");
  await inv.receive({ sku: "MUG", warehouseId: "wh", quantity: "7", unitCost: "3.33" });
  await inv.receive({ sku: "TEA", warehouseId: "wh", quantity: "13", unitCost: "1.17" });
  at("2025-10-15");
  await inv.receive({ sku: "MUG", warehouseId: "wh", quantity: "5", unitCost: "3.71" });
  await inv.issue({ sku: "TEA", warehouseId: "wh", quantity: "4" });
  at("2026-01-20");
  await inv.receive({ sku: "TEA", warehouseId: "wh", quantity: "9", unitCost: "1.29" });
  await inv.issue({ sku: "MUG", warehouseId: "wh", quantity: "6" });
  at("2026-02-25");
  // A back-dated receipt (dated into December) and a count gain of three mugs today.
  await inv.receive({ sku: "MUG", warehouseId: "wh", quantity: "4", unitCost: "3.57", effectiveDate: "2025-12-10" });
  await inv.adjust({ sku: "MUG", warehouseId: "wh", quantity: "3", reason: "count" });
  at("2026-03-10");
  await inv.issue({ sku: "TEA", warehouseId: "wh", quantity: "5" });
  await inv.returnFromCustomer({ sku: "TEA", warehouseId: "wh", quantity: "2" });
  await inv.adjust({ sku: "TEA", warehouseId: "wh", quantity: "-1", reason: "count" });
  at("2026-03-31");
  return { sk, clock };
}

describe("the analytics ageing KPI reconciles with sk.inventory.ageing", () => {
  it.each(["memory", "pglite"] as const)("on %s: the same quantity and value in every bucket, at several dates", async (kind) => {
    const { sk } = await shop(kind === "memory" ? memoryStore() : postgresStore({ client: db, schema: `ageing_${Date.now()}` }));
    for (const asOf of ["2025-11-30", "2026-01-31", "2026-02-25", "2026-03-31", "2026-09-30"]) {
      const ours = await sk.analytics.ageing(asOf);
      const theirs = await sk.inventory.ageing({ asOf });
      const quantities = theirs.totals.map((_, i) => theirs.rows.reduce((s, r) => s.plus(r.buckets[i]!.quantity), new Decimal(0)).toFixed());
      expect(ours.map((b) => [b.minDays, b.maxDays]), asOf).toEqual([[0, 30], [31, 90], [91, 180], [181, null]]);
      expect(ours.map((b) => b.quantity), asOf).toEqual(quantities);
      expect(ours.map((b) => b.value), asOf).toEqual(theirs.totals.map((t) => new Decimal(t.value).toFixed(2)));
      expect(theirs.rows.every((r) => r.unaged === "0"), asOf).toBe(true);
      // Both sum to the stock value (the Inventory account).
      const value = theirs.rows.reduce((s, r) => s.plus(r.value), new Decimal(0));
      expect(ours.reduce((s, b) => s.plus(b.value), new Decimal(0)).toFixed(2), asOf).toBe(value.toFixed(2));
    }
    // Not vacuous: stock sits in more than one bucket on the last date.
    const spread = (await sk.analytics.ageing("2026-03-31")).filter((b) => b.quantity !== "0");
    expect(spread.length).toBeGreaterThan(1);
  });
});
