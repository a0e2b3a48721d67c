import { PGlite } from "@electric-sql/pglite";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { memoryStore } from "../../src/adapters/memory/index.js";
import { postgresStore } from "../../src/adapters/postgres/index.js";
import { isStorekeepError } from "../../src/kernel/errors.js";
import type { Store } from "../../src/ports/storage.js";
import { createStorekeep, type Storekeep } from "../../src/storekeep.js";
import { ManualClock, failingStore, sequentialIds } from "../../src/testing/index.js";

/*
 * The memory-store and PGlite equivalent of killing backends on a real server
 * (tests/adapters/postgres-connection-loss.int.test.ts): `failingStore` makes chosen writes
 * throw STORE_UNAVAILABLE (a connection lost mid-transaction: nothing stored) and chosen
 * transactions commit and then throw COMMIT_OUTCOME_UNKNOWN (a connection lost during
 * COMMIT: stored, the caller hears a failure). Replaying every key afterwards must give the
 * totals of a run without failures, a clean audit and exactly one event per command.
 */

let db: PGlite;
let schemas = 0;

beforeAll(async () => {
  db = new PGlite();
  await db.waitReady;
}, 60_000);

afterAll(async () => {
  await db.close();
});

const RECEIPTS = 8;
const ISSUES = 8;

/** A facade on `store`; `idStart` keeps the ids of facades sharing one store apart. */
function shop(store: Store, idStart = 0): Storekeep {
  return createStorekeep({ store, clock: new ManualClock("2026-03-31T12:00:00.000Z"), ids: sequentialIds({ start: idStart }), config: { functionalCurrency: "EUR", timeZone: "UTC" } });
}

/** Runs every command once; returns the codes of the failures. */
async function runAll(sk: Storekeep): Promise<string[]> {
  const failures: string[] = [];
  const calls: (() => Promise<unknown>)[] = [
    ...Array.from({ length: RECEIPTS }, (_, i) => () => sk.inventory.receive({ sku: "A", warehouseId: "wh", quantity: "10", unitCost: "2.25", effectiveDate: "2026-03-02", reference: `grn_${i}` }, { idempotencyKey: `r-${i}` })),
    ...Array.from({ length: ISSUES }, (_, i) => () => sk.inventory.issue({ sku: "A", warehouseId: "wh", quantity: "3", effectiveDate: "2026-03-20", reference: `so_${i}` }, { idempotencyKey: `s-${i}` })),
  ];
  for (const call of calls) {
    try {
      await call();
    } catch (error) {
      failures.push(isStorekeepError(error) ? error.code : `raw: ${String(error)}`);
    }
  }
  return failures;
}

async function totals(sk: Storekeep) {
  const audit = await sk.inventory.audit();
  const events = await sk.events.read(null, 10_000);
  const keys = events.filter((e) => e.type === "StockReceived" || e.type === "StockIssued").map((e) => e.idempotencyKey);
  return {
    onHand: (await sk.inventory.onHand({ sku: "A" })).map((r) => r.quantity),
    value: (await sk.inventory.valuation({ sku: "A" })).map((r) => r.value),
    audit: { ok: audit.ok, differences: audit.differences },
    keys: [...keys].sort(),
    trialBalance: (await sk.finance.trialBalance({ asOf: "2026-03-31" })).totals,
  };
}

async function scenario(inner: () => Promise<Store>, failAtWrite: number[], failAtCommit: number[]) {
  const reference = shop(await inner());
  await reference.inventory.defineWarehouse({ warehouseId: "wh" });
  await reference.inventory.defineProduct({ sku: "A", costingMethod: "fifo" });
  expect(await runAll(reference)).toEqual([]);

  const base = await inner();
  const setup = shop(base);
  await setup.inventory.defineWarehouse({ warehouseId: "wh" });
  await setup.inventory.defineProduct({ sku: "A", costingMethod: "fifo" });
  const failing = failingStore(base, { failAtWrite, failAtCommit, code: "STORE_UNAVAILABLE" });
  const failures = await runAll(shop(failing, 10_000));
  // An issue may also be refused for stock whose receipt failed: refusals store nothing.
  for (const code of failures) expect(["STORE_UNAVAILABLE", "COMMIT_OUTCOME_UNKNOWN", "INSUFFICIENT_STOCK"]).toContain(code);
  // Replay every key on the healthy store.
  const healthy = shop(base, 20_000);
  expect(await runAll(healthy)).toEqual([]);
  expect(await totals(healthy)).toEqual(await totals(reference));
  return failures.length;
}

const failures = fc.record({
  writes: fc.uniqueArray(fc.integer({ min: 1, max: 120 }), { maxLength: 12 }),
  commits: fc.uniqueArray(fc.integer({ min: 1, max: 16 }), { maxLength: 6 }),
});

describe("lost connections, simulated with failingStore", () => {
  it("memory store: whatever writes fail (STORE_UNAVAILABLE) and whatever commits are lost (COMMIT_OUTCOME_UNKNOWN), replaying every key gives the totals, audit and outbox of a run without failures", async () => {
    let failed = 0;
    await fc.assert(
      fc.asyncProperty(failures, async ({ writes, commits }) => {
        failed += await scenario(async () => memoryStore(), writes, commits);
      }),
      { numRuns: 40 },
    );
    expect(failed).toBeGreaterThan(0);
  });

  it("PGlite: whatever writes fail and whatever commits are lost, replaying every key gives the totals, audit and outbox of a run without failures", async () => {
    await fc.assert(
      fc.asyncProperty(failures, async ({ writes, commits }) => {
        await scenario(
          async () => {
            schemas += 1;
            return postgresStore({ client: db, schema: `lost_${schemas}`, rollup: false });
          },
          writes,
          commits,
        );
      }),
      { numRuns: 4 },
    );
  }, 120_000);
});
