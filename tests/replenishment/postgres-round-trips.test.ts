import type { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postgresStore } from "../../src/adapters/postgres/index.js";
import { type PerCommand, countingPGlite } from "../adapters/counting-pglite.js";
import { type Storekeep, createStorekeep } from "../../src/storekeep.js";
import { ManualClock, sequentialIds } from "../../src/testing/index.js";

/*
 * On PostgreSQL every statement is a round trip: a replenishment run reads ahead, per batch of
 * 200 SKUs, their supplier items, their sales history (one multi-stream read), the shop's open
 * purchase order lines and expired holds, and their availability rows, so 60 SKUs take as
 * many statements as 15.
 */

let db: PGlite;
let perCommand: () => PerCommand;
let sk: Storekeep;
const skus: string[] = [];

beforeAll(async () => {
  ({ db, perCommand } = await countingPGlite());
  sk = createStorekeep({ store: postgresStore({ client: db, schema: "replenish_rt" }), clock: new ManualClock("2026-01-05T10:00:00.000Z"), ids: sequentialIds(), config: { functionalCurrency: "EUR", timeZone: "UTC" } });
  await sk.inventory.defineWarehouse({ warehouseId: "wh" });
  await sk.purchasing.defineSupplier({ supplierId: "acme", currency: "EUR", leadTimeDays: 14, taxTreatment: "none" });
}, 60_000);

afterAll(async () => {
  await db.close();
});

/** Adds SKUs up to `count`, each received in June and selling a few a week since September. */
async function grow(count: number): Promise<void> {
  for (let i = skus.length; i < count; i++) {
    const sku = `S${String(i).padStart(3, "0")}`;
    skus.push(sku);
    await sk.inventory.defineProduct({ sku, costingMethod: "fifo" });
    await sk.purchasing.setSupplierItem({ supplierId: "acme", sku, prices: [{ unitPrice: "2.00" }] });
    await sk.inventory.receive({ sku, warehouseId: "wh", quantity: String(40 + i), unitCost: "2", effectiveDate: "2025-06-01" });
    for (let w = 0; w < 6; w++) await sk.inventory.issue({ sku, warehouseId: "wh", quantity: String(2 + (w % 3)), effectiveDate: `2025-${String(9 + Math.floor(w / 3)).padStart(2, "0")}-${String(1 + 7 * (w % 3)).padStart(2, "0")}` });
  }
}

describe("a replenishment run on PostgreSQL does not grow with the SKUs", () => {
  it("suggesting for 60 SKUs runs as many statements as for 15, and plans every one of them", async () => {
    const runs: Record<number, number> = {};
    for (const count of [15, 60]) {
      await grow(count);
      const { counts, counted } = perCommand();
      const r = await counted("suggest", () => sk.replenishment.suggest({ asOf: "2026-01-05" }));
      runs[count] = counts["suggest"]!;
      expect(r.suggestions.length + r.noOrder.length).toBe(count);
    }
    expect(runs[60]).toBe(runs[15]);
  }, 120_000);

  it("updating the standing draft order from 60 SKUs' suggestions runs as many statements as from 15 (the supplier items read in one call)", async () => {
    const updates: Record<number, number> = {};
    let max = 1000;
    for (const count of [15, 60]) {
      const draft = () => sk.replenishment.draftOrders({ asOf: "2026-01-05", skus: skus.slice(0, count), policy: { kind: "min-max", min: 900, max: (max += 100) } });
      await grow(count);
      await draft();
      const { counts, counted } = perCommand();
      const r = await counted("update", draft);
      updates[count] = counts["update"]!;
      expect(r.orders.map((o) => [o.outcome, o.lines.length])).toEqual([["updated", count]]);
    }
    expect(updates[60]).toBe(updates[15]);
  }, 120_000);
});
