import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postgresStore } from "../../src/adapters/postgres/index.js";
import { isStorekeepError } from "../../src/kernel/errors.js";
import { createStorekeep } from "../../src/storekeep.js";
import { ManualClock, sequentialIds } from "../../src/testing/index.js";

/*
 * Issues racing for the last units on a real PostgreSQL server, where transactions really
 * overlap: every refusal must say INSUFFICIENT_STOCK (or a conflict the runner retried
 * until it gave up), never NEGATIVE_HISTORY. Needs STOREKEEP_PG_URL; FAILS without it.
 */

const url = process.env["STOREKEEP_PG_URL"];
if (url === undefined || url === "") {
  throw new Error("STOREKEEP_PG_URL is not set: start a PostgreSQL server (see .ci/run or docs/adapters.md) and export STOREKEEP_PG_URL=postgres://user@host:port/db");
}

const run = `race_${process.pid}_${Date.now().toString(36)}`;
let pool: pg.Pool;

beforeAll(async () => {
  pool = new pg.Pool({ connectionString: url, max: 30 });
  await pool.query("SELECT 1");
}, 30_000);

afterAll(async () => {
  if (pool !== undefined) {
    const { rows } = await pool.query<{ nspname: string }>("SELECT nspname FROM pg_namespace WHERE nspname LIKE $1", [`${run}%`]);
    for (const row of rows) await pool.query(`DROP SCHEMA "${row.nspname}" CASCADE`);
    await pool.end();
  }
});

describe("issues racing for the last units on PostgreSQL", () => {
  it("60 concurrent issues at one instant for 10 units, 5 trials: exactly 10 succeed each time, every refusal INSUFFICIENT_STOCK (or CONCURRENCY_CONFLICT), never NEGATIVE_HISTORY", async () => {
    const totals: Record<string, number> = {};
    for (let trial = 0; trial < 5; trial++) {
      const sk = createStorekeep({ store: postgresStore({ client: pool, schema: `${run}_${trial}`, rollup: false }), clock: new ManualClock("2026-03-31T12:00:00.000Z"), ids: sequentialIds(), config: { functionalCurrency: "EUR", timeZone: "UTC" } });
      await sk.inventory.defineWarehouse({ warehouseId: "wh" });
      await sk.inventory.defineProduct({ sku: "A", costingMethod: "fifo" });
      await sk.inventory.receive({ sku: "A", warehouseId: "wh", quantity: "10", unitCost: "2.00", effectiveDate: "2026-03-02" });
      const settled = await Promise.allSettled(Array.from({ length: 60 }, (_, i) => sk.inventory.issue({ sku: "A", warehouseId: "wh", quantity: "1", reference: `so_${i}` })));
      const codes: Record<string, number> = {};
      for (const r of settled) {
        const code = r.status === "fulfilled" ? "ok" : isStorekeepError(r.reason) ? r.reason.code : `raw ${String(r.reason)}`;
        codes[code] = (codes[code] ?? 0) + 1;
        totals[code] = (totals[code] ?? 0) + 1;
      }
      expect(codes["ok"]).toBe(10);
      expect(Object.keys(codes).filter((c) => c !== "ok" && c !== "INSUFFICIENT_STOCK" && c !== "CONCURRENCY_CONFLICT")).toEqual([]);
      expect(await sk.inventory.onHand({ sku: "A" })).toEqual([]);
      expect((await sk.inventory.audit()).ok).toBe(true);
    }
    console.log(`races: 5 trials × 60 issues for 10 units: ${JSON.stringify(totals)}`);
  });
});

describe("counts racing receipts on PostgreSQL", () => {
  it("a count and a receipt at one instant, 12 trials: the book after approval is the count plus the receipt when the count did not see it, the count alone when it did", async () => {
    const orders: Record<string, number> = {};
    for (let trial = 0; trial < 12; trial++) {
      const sk = createStorekeep({ store: postgresStore({ client: pool, schema: `${run}_count_${trial}`, rollup: false }), clock: new ManualClock("2026-03-31T12:00:00.000Z"), ids: sequentialIds(), config: { functionalCurrency: "EUR", timeZone: "UTC" } });
      await sk.inventory.defineWarehouse({ warehouseId: "wh" });
      await sk.inventory.defineProduct({ sku: "TEE", costingMethod: "moving-average" });
      await sk.inventory.receive({ sku: "TEE", warehouseId: "wh", quantity: "5", unitCost: "2.00", effectiveDate: "2026-03-02" });
      const { stocktakeId } = await sk.inventory.startStocktake({ warehouseId: "wh", skus: ["TEE"], blind: false });
      // The counter finds the 5 booked; 8 arrive at the same instant, committing before or after the count.
      // Odd trials send the receipt first.
      const counting = () => sk.inventory.recordCount({ stocktakeId, locationId: "wh", items: [{ sku: "TEE", quantity: "5" }] });
      const receiving = () => sk.inventory.receive({ sku: "TEE", warehouseId: "wh", quantity: "8", unitCost: "3.00" });
      const count = trial % 2 === 0 ? (await Promise.all([counting(), receiving()]))[0] : (await Promise.all([receiving(), counting()]))[1];
      const difference = Number(count.differences?.[0]?.difference ?? "0");
      orders[difference === 0 ? "receipt after the count" : "receipt before the count"] = (orders[difference === 0 ? "receipt after the count" : "receipt before the count"] ?? 0) + 1;
      expect([0, -8]).toContain(difference);
      await sk.inventory.approveStocktake({ stocktakeId });
      const onHand = (await sk.inventory.onHand({ sku: "TEE" })).reduce((s, r) => s + Number(r.quantity), 0);
      expect(onHand).toBe(5 + 8 + difference);
      expect((await sk.inventory.audit()).ok).toBe(true);
    }
    console.log(`counts racing receipts: ${JSON.stringify(orders)}`);
  });
});
