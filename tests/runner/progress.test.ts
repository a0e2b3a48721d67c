import { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { memoryStore } from "../../src/adapters/memory/index.js";
import { postgresStore } from "../../src/adapters/postgres/index.js";
import type { Store } from "../../src/ports/storage.js";
import { rollingOriginBacktest } from "../../src/replenishment/index.js";
import { createStorekeep } from "../../src/storekeep.js";
import { ManualClock, sequentialIds } from "../../src/testing/index.js";

/*
 * Long work reports progress through `onProgress({ done, total })`: the inventory audit per
 * SKU, the journal verification per page of entries, a rolling-origin backtest per origin
 * (the demo, analytics sync, scheduled rules and the replenishment simulation have theirs
 * tested beside them). Progress only goes up, ends at the total, and a non-function is
 * refused.
 */

let db: PGlite;
beforeAll(async () => {
  db = new PGlite();
  await db.waitReady;
}, 60_000);
afterAll(async () => {
  await db.close();
});

const climbs = (seen: { done: number; total: number }[], total: number) => {
  expect(seen.length).toBeGreaterThan(0);
  for (let i = 1; i < seen.length; i++) expect(seen[i]!.done).toBeGreaterThan(seen[i - 1]!.done);
  expect(seen.every((p) => p.total === total && p.done <= p.total)).toBe(true);
  expect(seen[seen.length - 1]!.done).toBe(total);
};

describe("onProgress on long work", () => {
  it.each(["memory", "pglite"] as const)("on %s: inventory.audit reports each SKU, finance.verifyJournal each page of entries", async (kind) => {
    const store: Store = kind === "memory" ? memoryStore() : postgresStore({ client: db, schema: `progress_${Date.now()}` });
    const sk = createStorekeep({ store, clock: new ManualClock("2026-03-02T10:00:00.000Z"), ids: sequentialIds(), config: { functionalCurrency: "EUR", timeZone: "UTC" } });
    await sk.inventory.defineWarehouse({ warehouseId: "wh" });
    for (const sku of ["A", "B", "C", "D"]) {
      await sk.inventory.defineProduct({ sku, costingMethod: "fifo" });
      await sk.inventory.receive({ sku, warehouseId: "wh", quantity: "5", unitCost: "2" });
      await sk.inventory.issue({ sku, warehouseId: "wh", quantity: "1" });
    }
    const audited: { done: number; total: number }[] = [];
    const audit = await sk.inventory.audit({ onProgress: (p) => audited.push(p) });
    expect(audit.ok).toBe(true);
    climbs(audited, 4);
    expect(audited.map((p) => p.done)).toEqual([1, 2, 3, 4]);

    const verified: { done: number; total: number }[] = [];
    const journal = await sk.finance.verifyJournal({ onProgress: (p) => verified.push(p) });
    expect(journal.ok).toBe(true);
    climbs(verified, (await sk.finance.journal()).length);

    await expect(sk.inventory.audit({ onProgress: 3 as never })).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
    await expect(sk.finance.verifyJournal({ onProgress: "x" as never })).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
  });

  it("a rolling-origin backtest reports each origin", () => {
    const seen: { done: number; total: number }[] = [];
    const naive = (y: readonly number[], h: number) => new Array<number>(h).fill(y[y.length - 1]!);
    const r = rollingOriginBacktest([3, 5, 4, 6, 5, 7, 6, 8, 7, 9, 8, 10], naive, { h: 2, origins: 5, onProgress: (p) => seen.push(p) });
    expect(r.origins).toHaveLength(5);
    climbs(seen, 5);
  });
});
