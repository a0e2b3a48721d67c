import { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postgresStore } from "../../src/adapters/postgres/index.js";
import type { OutboxEvent, Store } from "../../src/ports/storage.js";

// Regression: positions are "txid.seq"; ordering them as text put "999.x" after "1000.x",
// and a reader paging with a cursor skipped every event in between. A fresh PGlite starts
// its transaction ids in the hundreds, so 400 transactions cross a digit boundary.
describe("postgres outbox order across transaction-id digit boundaries", () => {
  let db: PGlite;
  let store: Store;
  beforeAll(async () => {
    db = new PGlite();
    await db.waitReady;
    store = postgresStore({ client: db, schema: "outbox_order" });
    await store.migrate({ collections: [], logs: [], balances: [], counters: [] });
  });
  afterAll(async () => {
    await db.close();
  });

  it("a reader paging with a cursor sees every committed event once, in commit order", async () => {
    const event = (n: number): OutboxEvent => ({
      id: `evt_${String(n).padStart(4, "0")}`,
      type: "Ping",
      schemaVersion: 1,
      aggregateType: "x",
      aggregateId: "x",
      aggregateVersion: n,
      effectiveDate: "2026-01-01",
      occurredAt: "2026-01-01T00:00:00.000Z",
      causationId: null,
      correlationId: "c",
      payload: { n },
    });
    for (let n = 0; n < 400; n++) await store.transaction((tx) => tx.events.append([event(n)]));
    const seen: string[] = [];
    let cursor: string | null = null;
    for (;;) {
      const page = await store.readEvents(cursor, 7);
      if (page.length === 0) break;
      seen.push(...page.map((e) => e.id));
      cursor = page.at(-1)!.position;
    }
    expect(seen).toEqual(Array.from({ length: 400 }, (_, n) => event(n).id));
  });
});
