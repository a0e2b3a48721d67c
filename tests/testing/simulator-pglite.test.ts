import { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postgresStore } from "../../src/adapters/postgres/index.js";
import { simulateShop } from "../../src/testing/index.js";

/*
 * The whole-shop simulator on the PostgreSQL adapter (PGlite here; a real server in
 * simulator-postgres.int.test.ts): the same seeds, commands, faults and invariants as on
 * the memory store, through SQL transactions with row locks and conflict retries.
 */

let db: PGlite;

beforeAll(async () => {
  db = new PGlite();
  await db.waitReady;
}, 60_000);

afterAll(async () => {
  await db.close();
});

describe("the whole-shop simulator on PGlite", () => {
  it("seeds 1 to 4 (100 steps each): every invariant holds after every step on the PostgreSQL adapter, with store faults, lost commits replayed by key, and concurrent batches", async () => {
    let lost = 0;
    let faults = 0;
    let batches = 0;
    let committed = 0;
    for (const seed of [1, 2, 3, 4]) {
      const report = await simulateShop({ seed, steps: 100, store: postgresStore({ client: db, schema: `sim_${seed}` }) });
      expect(report.steps).toBe(100);
      lost += report.lostCommits;
      faults += report.injectedFaults;
      batches += report.concurrentBatches;
      committed += Object.values(report.outcomes).reduce((s, o) => s + o.ok, 0);
    }
    expect(committed).toBeGreaterThan(160);
    expect(lost).toBeGreaterThan(0);
    expect(faults).toBeGreaterThan(0);
    expect(batches).toBeGreaterThan(0);
  }, 300_000);

  it("backorders on the PostgreSQL adapter: the pre-order product is ordered beyond its stock and shipped when stock came in, and every invariant holds after every step (available is on hand less reserved, reserved equals the open lines and holds)", async () => {
    const tallies: Record<string, number> = {};
    for (const seed of [1, 2]) {
      const report = await simulateShop({ seed, steps: 80, backorders: true, store: postgresStore({ client: db, schema: `sim_backorders_${seed}` }) });
      for (const [name, n] of Object.entries(report.tallies)) tallies[name] = (tallies[name] ?? 0) + n;
    }
    expect(tallies["sales.backorders.ordered"] ?? 0).toBeGreaterThan(0);
    expect(tallies["inventory.backorders.checks-backordered"] ?? 0).toBeGreaterThan(0);
  }, 300_000);

  it("the accounts mode on the PostgreSQL adapter (dunning with interest, early-payment discounts on the cost of goods, bills ahead of the goods, payables write-offs undone): every invariant holds after every step", async () => {
    const tallies: Record<string, number> = {};
    for (const seed of [6]) {
      const report = await simulateShop({ seed, steps: 300, accounts: true, store: postgresStore({ client: db, schema: `sim_accounts_${seed}` }) });
      expect(report.steps).toBe(300);
      for (const [name, n] of Object.entries(report.tallies)) tallies[name] = (tallies[name] ?? 0) + n;
    }
    expect(tallies["purchasing.discounts-on-stock"] ?? 0).toBeGreaterThan(0);
    expect(tallies["purchasing.discounts-on-goods-awaited"] ?? 0).toBeGreaterThan(0);
    expect(tallies["purchasing.bills-ahead"] ?? 0).toBeGreaterThan(0);
  }, 300_000);
});
