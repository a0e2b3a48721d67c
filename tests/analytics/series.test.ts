import { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { memoryStore } from "../../src/adapters/memory/index.js";
import { postgresStore } from "../../src/adapters/postgres/index.js";
import type { Store } from "../../src/ports/storage.js";
import { createStorekeep } from "../../src/storekeep.js";
import { ManualClock, countingStore, sequentialIds } from "../../src/testing/index.js";
import { buildShop } from "./shop.js";

/*
 * A KPI series carries what it can from point to point — the stock at each point's end (from
 * the change since the last point), the facts since the beginning, the dead-stock window (the
 * days it gained added, the days it lost taken away) — instead of reading them in full at
 * every point, on a store without running totals (PostgreSQL; the memory store answers any
 * range at the same cost, so there each point is read as it is). Each point must still be
 * exactly the report of its own range.
 */

let db: PGlite;
beforeAll(async () => {
  db = new PGlite();
  await db.waitReady;
}, 60_000);
afterAll(async () => {
  await db.close();
});

describe.each([
  ["PGlite (carried from point to point)", () => postgresStore({ client: db, schema: "kpi_series" })],
  ["the memory store (running totals: each point read as it is)", () => countingStore(memoryStore())],
] as [string, () => Store][])("a KPI series on %s", (_, makeStore) => {
  it("gives at every point (day, week and month grain) exactly the KPIs of a report over that point's range alone, with a dead-stock window short enough to slide", async () => {
    const store = makeStore();
    const sk = createStorekeep({ store, clock: new ManualClock("2026-04-30T20:00:00.000Z"), ids: sequentialIds(), config: { functionalCurrency: "EUR", timeZone: "UTC" }, analytics: { deadStockDays: 3 } });
    await buildShop(sk);
    for (const query of [
      { from: "2026-02-26", to: "2026-03-31", grain: "day" as const },
      { from: "2026-01-01", to: "2026-04-30", grain: "week" as const },
      { from: "2026-01-01", to: "2026-04-30", grain: "month" as const },
    ]) {
      const report = await sk.analytics.kpis(query);
      const points = report.series!.points;
      expect(points.length).toBeGreaterThan(3);
      for (const point of points) {
        const alone = await sk.analytics.kpis({ from: point.from, to: point.to });
        expect({ point: point.label, kpis: point.kpis }).toEqual({ point: point.label, kpis: alone.kpis });
      }
    }
    // The series moved: some point has dead stock and some has none, some sold and some did not.
    const days = (await sk.analytics.kpis({ from: "2026-02-26", to: "2026-03-31", grain: "day" })).series!.points;
    expect(new Set(days.map((p) => p.kpis["dead-stock-value"])).size).toBeGreaterThan(1);
    expect(new Set(days.map((p) => p.kpis["net-revenue"])).size).toBeGreaterThan(1);
  }, 60_000);
});
