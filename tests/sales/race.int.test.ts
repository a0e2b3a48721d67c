import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postgresStore } from "../../src/adapters/postgres/index.js";
import { isStorekeepError } from "../../src/kernel/errors.js";
import { createStorekeep } from "../../src/storekeep.js";
import { ManualClock, sequentialIds } from "../../src/testing/index.js";

/*
 * Orders racing for the last units on a real PostgreSQL server, where transactions really
 * overlap: exactly the stock is sold, every refusal is INSUFFICIENT_STOCK (or a conflict
 * the runner retried until it gave up), and a coupon's usage limit holds. Needs
 * STOREKEEP_PG_URL; FAILS without it.
 */

const url = process.env["STOREKEEP_PG_URL"];
if (url === undefined || url === "") {
  throw new Error("STOREKEEP_PG_URL is not set: start a PostgreSQL server (see .ci/run or docs/adapters.md) and export STOREKEEP_PG_URL=postgres://user@host:port/db");
}

const run = `sales_race_${process.pid}_${Date.now().toString(36)}`;
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

describe("orders racing for the last units on PostgreSQL", () => {
  it("40 concurrent orders of 1 unit for 10 units, 3 trials: never oversold (exactly 10 placed unless the runner gave up on a conflict); a coupon limited to 5 uses is used at most 5 times", async () => {
    const totals: Record<string, number> = {};
    for (let trial = 0; trial < 3; trial++) {
      const sk = createStorekeep({ store: postgresStore({ client: pool, schema: `${run}_${trial}` }), clock: new ManualClock("2026-03-31T12:00:00.000Z"), ids: sequentialIds(), config: { functionalCurrency: "EUR", timeZone: "UTC" } });
      await sk.inventory.defineWarehouse({ warehouseId: "wh" });
      await sk.inventory.defineProduct({ sku: "LAST", costingMethod: "fifo" });
      await sk.inventory.receive({ sku: "LAST", warehouseId: "wh", quantity: "10", unitCost: "2.00" });
      await sk.sales.defineCoupon({ code: "FIVE", discount: { kind: "fixed", amount: "1" }, usageLimit: 5 });
      const settled = await Promise.allSettled(
        Array.from({ length: 40 }, (_, i) => sk.sales.placeOrder({ orderId: `o${i}`, currency: "EUR", warehouseId: "wh", lines: [{ sku: "LAST", quantity: 1, unitPrice: "10" }], ...(i % 2 === 0 ? { couponCode: "FIVE" } : {}) })),
      );
      const codes: Record<string, number> = {};
      for (const r of settled) {
        const code = r.status === "fulfilled" ? "ok" : isStorekeepError(r.reason) ? (r.reason.details["reason"] === "coupon-exhausted" ? "coupon-exhausted" : r.reason.code) : `raw ${String(r.reason)}`;
        codes[code] = (codes[code] ?? 0) + 1;
        totals[code] = (totals[code] ?? 0) + 1;
      }
      expect(codes["ok"]).toBeLessThanOrEqual(10);
      if (codes["CONCURRENCY_CONFLICT"] === undefined) expect(codes["ok"]).toBe(10);
      expect(Object.keys(codes).filter((c) => !["ok", "INSUFFICIENT_STOCK", "CONCURRENCY_CONFLICT", "coupon-exhausted"].includes(c))).toEqual([]);
      const a = await sk.inventory.availability("LAST", "wh");
      expect(a.reserved).toBe(String(codes["ok"]));
      const couponUses = (await Promise.all(Array.from({ length: 40 }, (_, i) => sk.sales.order(`o${i}`)))).filter((v) => v?.order.couponCode === "FIVE").length;
      expect(couponUses).toBeLessThanOrEqual(5);
      for (let i = 0; i < 40; i++) if ((await sk.sales.order(`o${i}`)) !== undefined) await sk.sales.shipOrder({ orderId: `o${i}`, shipmentId: `s${i}` });
      expect((await sk.inventory.availability("LAST", "wh")).onHand).toBe(String(10 - codes["ok"]!));
      expect((await sk.inventory.audit()).ok).toBe(true);
    }
    console.log(`sales races: 3 trials × 40 orders for 10 units: ${JSON.stringify(totals)}`);
  });

  it("30 concurrent orders with a coupon limited to 5 uses and stock for all: exactly 5 take the coupon, the rest are refused coupon-exhausted", async () => {
    const sk = createStorekeep({ store: postgresStore({ client: pool, schema: `${run}_coupon` }), clock: new ManualClock("2026-03-31T12:00:00.000Z"), ids: sequentialIds(), config: { functionalCurrency: "EUR", timeZone: "UTC" } });
    await sk.inventory.defineWarehouse({ warehouseId: "wh" });
    await sk.inventory.defineProduct({ sku: "MANY", costingMethod: "fifo" });
    await sk.inventory.receive({ sku: "MANY", warehouseId: "wh", quantity: "100", unitCost: "2.00" });
    await sk.sales.defineCoupon({ code: "FIVE", discount: { kind: "percent", percent: "10" }, usageLimit: 5 });
    const settled = await Promise.allSettled(Array.from({ length: 30 }, (_, i) => sk.sales.placeOrder({ orderId: `c${i}`, currency: "EUR", warehouseId: "wh", couponCode: "FIVE", lines: [{ sku: "MANY", quantity: 1, unitPrice: "10" }] })));
    const ok = settled.filter((r) => r.status === "fulfilled").length;
    const exhausted = settled.filter((r) => r.status === "rejected" && isStorekeepError(r.reason) && r.reason.details["reason"] === "coupon-exhausted").length;
    expect(ok).toBe(5);
    expect(exhausted).toBe(25);
    expect((await sk.inventory.availability("MANY", "wh")).reserved).toBe("5");
  });

  it("30 concurrent orders on account of one customer with a credit limit for 5: exactly 5 are placed, the rest refused credit-limit", async () => {
    const sk = createStorekeep({ store: postgresStore({ client: pool, schema: `${run}_credit` }), clock: new ManualClock("2026-03-31T12:00:00.000Z"), ids: sequentialIds(), config: { functionalCurrency: "EUR", timeZone: "UTC" } });
    await sk.inventory.defineWarehouse({ warehouseId: "wh" });
    await sk.inventory.defineProduct({ sku: "MANY", costingMethod: "fifo" });
    await sk.inventory.receive({ sku: "MANY", warehouseId: "wh", quantity: "100", unitCost: "2.00" });
    await sk.sales.setCreditLimit({ customerId: "b2b", limit: "50" });
    const settled = await Promise.allSettled(Array.from({ length: 30 }, (_, i) => sk.sales.placeOrder({ orderId: `k${i}`, customerId: "b2b", currency: "EUR", warehouseId: "wh", paymentTermsDays: 30, lines: [{ sku: "MANY", quantity: 1, unitPrice: "10" }] })));
    const ok = settled.filter((r) => r.status === "fulfilled").length;
    const refused = settled.filter((r) => r.status === "rejected" && isStorekeepError(r.reason) && r.reason.details["reason"] === "credit-limit").length;
    expect(ok).toBe(5);
    expect(refused).toBe(25);
    expect(await sk.sales.creditStatus("b2b")).toMatchObject({ limit: "50", open: "50", available: "0" });
  });
});
