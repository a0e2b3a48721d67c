import { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { memoryStore } from "../../src/adapters/memory/index.js";
import { postgresStore } from "../../src/adapters/postgres/index.js";
import { ANALYTICS_STORE } from "../../src/analytics/index.js";
import { Decimal } from "../../src/kernel/decimal.js";
import type { Store } from "../../src/ports/storage.js";
import { type Storekeep, createStorekeep } from "../../src/storekeep.js";
import { ManualClock, sequentialIds } from "../../src/testing/index.js";
import { buildShop } from "./shop.js";

/*
 * sk.analytics.rebuild empties the projection and replays the outbox: the report after a
 * rebuild is the report the incremental projection gave, even when the projection had been
 * damaged (sums and a customer's order count that no event explains), and a replay cut short
 * is carried on by the next report.
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

const QUERY = { from: "2026-01-01", to: "2026-03-31", grain: "month", compare: ["previous-period"], breakdowns: ["sku", "category", "warehouse", "channel"] } as const;

async function shop(kind: "memory" | "pglite"): Promise<{ sk: Storekeep; store: Store }> {
  const store: Store = kind === "memory" ? memoryStore() : postgresStore({ client: db, schema: `rebuild_${++schemas}_${Date.now()}` });
  const sk = createStorekeep({ store, clock: new ManualClock("2026-03-31T20:00:00.000Z"), ids: sequentialIds(), config: { functionalCurrency: "EUR", timeZone: "UTC" }, analytics: { categories: { MUG: "kitchen", TEE: "apparel", HAT: "apparel" } } });
  await buildShop(sk);
  return { sk, store };
}

/** Damage the projection: sums no event explains, and a customer who seems to have ordered before. */
async function damage(store: Store): Promise<void> {
  await store.transaction(async (tx) => {
    await tx.balances.add(ANALYTICS_STORE.facts, [{ key: "all", bucket: "2026-03-10", amounts: { gmv: new Decimal("1000"), orders: new Decimal(7) } }, { key: "sku:MUG", bucket: "2026-02-02", amounts: { units: new Decimal(5) } }]);
    await tx.balances.add(ANALYTICS_STORE.customerFacts, [{ key: "ghost", bucket: "2026-03-10", amounts: { gmv: new Decimal("1000") } }]);
  });
}

async function outboxSize(store: Store): Promise<number> {
  let n = 0;
  let cursor: string | null = null;
  for (;;) {
    const page = await store.readEvents(cursor, 1000);
    if (page.length === 0) return n;
    n += page.length;
    cursor = page[page.length - 1]!.position;
  }
}

describe("sk.analytics.rebuild", () => {
  it.each(["memory", "pglite"] as const)("on %s: a rebuilt projection gives the same report and ageing as the incremental one, even after damage", async (kind) => {
    const { sk, store } = await shop(kind);
    const incremental = await sk.analytics.kpis(QUERY);
    const ageing = await sk.analytics.ageing("2026-03-31");
    await damage(store);
    const damaged = await sk.analytics.kpis(QUERY);
    expect(damaged.kpis.gmv).not.toBe(incremental.kpis.gmv);
    const progress: { done: number; total: number }[] = [];
    const result = await sk.analytics.rebuild({ onProgress: (p) => progress.push(p) });
    const events = await outboxSize(store);
    expect(result.processed).toBe(events);
    expect(result.clearedKeys).toBeGreaterThan(3);
    // Orders, customers, shipments and returns of the hand-built shop were documents of the projection.
    expect(result.clearedDocuments).toBeGreaterThanOrEqual(6);
    expect(progress[0]).toEqual({ done: 0, total: events });
    expect(progress.at(-1)).toEqual({ done: events, total: events });
    expect(progress.every((p, i) => i === 0 || p.done >= progress[i - 1]!.done)).toBe(true);
    expect(await sk.analytics.kpis(QUERY)).toEqual(incremental);
    expect(await sk.analytics.ageing("2026-03-31")).toEqual(ageing);
    // A second rebuild of a sound projection changes nothing either.
    await sk.analytics.rebuild();
    expect(await sk.analytics.kpis(QUERY)).toEqual(incremental);
  }, 120_000);

  it.each(["memory", "pglite"] as const)("on %s: a rebuild stopped after the emptying is carried on by the next report, each event once", async (kind) => {
    const { sk, store } = await shop(kind);
    const incremental = await sk.analytics.kpis(QUERY);
    await damage(store);
    // Stop before the replay: the emptying and the checkpoint's reset committed together, so the next report replays from the start.
    const stop = new Error("stopped");
    await expect(
      sk.analytics.rebuild({
        onProgress: (p) => {
          if (p.done === 0) throw stop;
        },
      }),
    ).rejects.toBe(stop);
    expect(await sk.analytics.sync()).toMatchObject({ processed: await outboxSize(store) });
    expect(await sk.analytics.kpis(QUERY)).toEqual(incremental);
  }, 120_000);

  it("refuses an onProgress that is not a function", async () => {
    const { sk } = await shop("memory");
    await expect(sk.analytics.rebuild({ onProgress: 5 as unknown as () => void })).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
  });
});
