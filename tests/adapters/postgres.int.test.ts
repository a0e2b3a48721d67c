import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Decimal } from "../../src/kernel/decimal.js";
import { isStorekeepError } from "../../src/kernel/errors.js";
import type { OutboxEvent, StoreRegistry } from "../../src/ports/storage.js";
import { type PostgresStore, postgresStore } from "../../src/adapters/postgres/index.js";
import { runStoreConformance } from "../../src/testing/conformance/index.js";

/**
 * Polls `done` (every 20 ms, up to 10 s): the outbox shows a committed event once no older
 * transaction runs anywhere on the server, and other test files share the server.
 */
async function settled(done: () => Promise<boolean>): Promise<void> {
  for (let tries = 0; tries < 500 && !(await done()); tries++) await new Promise((resolve) => setTimeout(resolve, 20));
}

/*
 * The PostgreSQL adapter on a real server, where transactions really run at the same time
 * (PGlite runs one session at a time and can never show a lost update). Needs
 * STOREKEEP_PG_URL (`.ci/run` starts a server and sets it); without it this file FAILS.
 */

const url = process.env["STOREKEEP_PG_URL"];
if (url === undefined || url === "") {
  throw new Error("STOREKEEP_PG_URL is not set: start a PostgreSQL server (see .ci/run or docs/adapters.md) and export STOREKEEP_PG_URL=postgres://user@host:port/db");
}

const CONCURRENCY = 50;
const run = `it_${process.pid}_${Date.now().toString(36)}`;
let pool: pg.Pool;
let observer: pg.Pool;
let schemas = 0;

beforeAll(async () => {
  pool = new pg.Pool({ connectionString: url, max: CONCURRENCY + 10, application_name: `storekeep-${run}` });
  observer = new pg.Pool({ connectionString: url, max: 2 });
  await pool.query("SELECT 1");
}, 30_000);

afterAll(async () => {
  if (pool !== undefined) {
    const { rows } = await pool.query<{ nspname: string }>("SELECT nspname FROM pg_namespace WHERE nspname LIKE $1", [`${run}%`]);
    for (const row of rows) await pool.query(`DROP SCHEMA "${row.nspname}" CASCADE`);
    await pool.end();
  }
  await observer?.end();
});

const registry: StoreRegistry = {
  collections: [{ name: "sales.orders" }],
  logs: [],
  balances: [{ name: "finance.balances", fields: ["debit", "credit"], bucket: "period YYYY-MM" }],
  counters: [{ name: "inventory.availability", fields: ["onHand", "reserved"], guards: { available: { terms: { onHand: 1, reserved: -1 }, floor: 0 } } }],
};

async function fresh(): Promise<PostgresStore> {
  schemas += 1;
  const store = postgresStore({ client: pool, schema: `${run}_${schemas}`, rollup: false });
  await store.migrate(registry);
  return store;
}

/** A barrier: resolves once `parties` callers arrived; rejects when they do not all arrive in time. */
function barrier(parties: number, timeoutMs: number): { arrive(): Promise<void>; arrived(): number } {
  let count = 0;
  let open!: () => void;
  const all = new Promise<void>((resolve) => {
    open = resolve;
  });
  return {
    arrived: () => count,
    async arrive() {
      count += 1;
      if (count === parties) open();
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`only ${count} of ${parties} transactions got past their write: writers are queueing on a lock`)), timeoutMs);
      });
      try {
        await Promise.race([all, timeout]);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/** Backends of our pool that wait on a lock right now. */
async function waitingOnLocks(): Promise<number> {
  const { rows } = await observer.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'",
    [`storekeep-${run}`],
  );
  return rows[0]?.n ?? 0;
}

function event(id: string): OutboxEvent {
  return {
    id,
    type: "OrderPlaced",
    schemaVersion: 1,
    aggregateType: "order",
    aggregateId: id,
    aggregateVersion: 1,
    effectiveDate: "2026-11-27",
    occurredAt: "2026-11-27T10:00:00.000Z",
    causationId: null,
    correlationId: `cmd_${id}`,
    payload: {},
  };
}

runStoreConformance({
  name: "postgres on a real server (pg.Pool)",
  make: () => {
    schemas += 1;
    return postgresStore({ client: pool, schema: `${run}_kit_${schemas}` });
  },
  reopen: async (store) => postgresStore({ client: pool, schema: (store as PostgresStore).schema }),
  capabilities: { concurrentTransactions: true, durable: true, purgeIdempotency: true },
  contention: CONCURRENCY,
  timeoutMs: 180_000,
  test: { describe, it, expect, beforeAll, afterAll },
});

runStoreConformance({
  name: "postgres on a real server (pg.Pool) with preparedStatements",
  make: () => {
    schemas += 1;
    return postgresStore({ client: pool, schema: `${run}_kit_${schemas}`, preparedStatements: true });
  },
  reopen: async (store) => postgresStore({ client: pool, schema: (store as PostgresStore).schema, preparedStatements: true }),
  capabilities: { concurrentTransactions: true, durable: true, purgeIdempotency: true },
  contention: CONCURRENCY,
  timeoutMs: 180_000,
  test: { describe, it, expect, beforeAll, afterAll },
});

describe("preparedStatements on a real server", () => {
  it("sends statements as named prepared statements on the pooled connection (pg_prepared_statements lists them), and none without the option", async () => {
    const prepared = async (option: boolean): Promise<number> => {
      // One connection, so the store's statements and the check share its session.
      const single = new pg.Pool({ connectionString: process.env["STOREKEEP_PG_URL"], max: 1, application_name: `storekeep-${run}` });
      try {
        schemas += 1;
        const store = postgresStore({ client: single, schema: `${run}_${schemas}`, rollup: false, preparedStatements: option });
        await store.migrate(registry);
        for (let i = 0; i < 3; i++) await store.transaction((tx) => tx.documents.put("sales.orders", `o${i}`, { customerId: "c", placedAt: "2026-01-01" }, 0));
        expect((await store.transaction((tx) => tx.documents.getMany("sales.orders", ["o0", "o1", "o2"]))).length).toBe(3);
        const { rows } = await single.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_prepared_statements WHERE name LIKE 'storekeep_%'");
        return rows[0]!.n;
      } finally {
        await single.end();
      }
    };
    expect(await prepared(true)).toBeGreaterThan(0);
    expect(await prepared(false)).toBe(0);
  });
});

describe(`postgresStore on a real server: ${CONCURRENCY} concurrent transactions`, () => {
  it("declares concurrent, durable transactions", async () => {
    const store = await fresh();
    expect(store.capabilities).toEqual({ concurrentTransactions: true, durable: true });
  });

  it("guarded counter: racing for the last 10 units, exactly 10 win, no oversell, no lost update", async () => {
    const store = await fresh();
    await store.transaction((tx) => tx.counters.apply("inventory.availability", [{ key: "SKU-1", deltas: { onHand: new Decimal(10) } }]));
    const outcomes = await Promise.allSettled(
      Array.from({ length: CONCURRENCY }, () =>
        store.transaction(async (tx) => {
          const [row] = await tx.counters.apply("inventory.availability", [{ key: "SKU-1", deltas: { reserved: new Decimal(1) }, enforce: ["available"] }]);
          await tx.events.append([event(`reserved-${Math.random()}`)]);
          return row;
        }),
      ),
    );
    const won = outcomes.filter((o) => o.status === "fulfilled");
    const lost = outcomes.filter((o): o is PromiseRejectedResult => o.status === "rejected");
    expect(won).toHaveLength(10);
    expect(lost.map((o) => (isStorekeepError(o.reason) ? o.reason.code : String(o.reason)))).toEqual(Array.from({ length: CONCURRENCY - 10 }, () => "GUARD_VIOLATED"));
    const row = await store.transaction((tx) => tx.counters.get("inventory.availability", "SKU-1"));
    expect([row["onHand"]?.toString(), row["reserved"]?.toString()]).toEqual(["10", "10"]);
    // Every winner saw a distinct reserved count: each update read the committed value before it.
    const seen = won.map((o) => (o as PromiseFulfilledResult<Record<string, Decimal> | undefined>).value?.["reserved"]?.toNumber()).sort((a, b) => (a ?? 0) - (b ?? 0));
    expect(seen).toEqual(Array.from({ length: 10 }, (_, i) => i + 1));
    // Readable once no older transaction runs anywhere on the server (latency, not loss): wait for them.
    await settled(async () => (await store.readEvents(null, 1000)).length >= 10);
    expect(await store.readEvents(null, 1000)).toHaveLength(10);
  });

  it(`balances: ${CONCURRENCY} transactions add to one key and all hold their write open at the same time (none waits on another)`, async () => {
    const store = await fresh();
    const all = barrier(CONCURRENCY, 20_000);
    let waitingWhileAllOpen = -1;
    const outcomes = await Promise.allSettled(
      Array.from({ length: CONCURRENCY }, (_, i) =>
        store.transaction(async (tx) => {
          await tx.balances.add("finance.balances", [{ key: "1200|EUR", bucket: "2026-11", amounts: { debit: new Decimal("1.01"), credit: new Decimal(i) } }]);
          // Every transaction is past its write and still open: nobody queued behind a row lock.
          await all.arrive();
          if (i === 0) waitingWhileAllOpen = await waitingOnLocks();
        }),
      ),
    );
    expect(outcomes.filter((o) => o.status === "rejected").map((o) => String((o as PromiseRejectedResult).reason))).toEqual([]);
    expect(all.arrived()).toBe(CONCURRENCY);
    expect(waitingWhileAllOpen).toBe(0);
    const sum = await store.transaction((tx) => tx.balances.sum("finance.balances", "1200|EUR"));
    expect(sum["debit"]?.toString()).toBe(new Decimal("1.01").times(CONCURRENCY).toString());
    expect(sum["credit"]?.toString()).toBe(String((CONCURRENCY * (CONCURRENCY - 1)) / 2));
  });

  it("balances, the contrast: an in-place UPDATE ... SET x = x + $1 makes the second writer wait on the first one's row lock", async () => {
    const store = await fresh();
    const table = `"${store.schema}".in_place`;
    await pool.query(`CREATE TABLE ${table} (key text PRIMARY KEY, debit numeric NOT NULL)`);
    await pool.query(`INSERT INTO ${table} VALUES ('1200|EUR', 0)`);
    const first = await pool.connect();
    const second = await pool.connect();
    try {
      await first.query("BEGIN");
      await first.query(`UPDATE ${table} SET debit = debit + $1 WHERE key = $2`, ["1.01", "1200|EUR"]);
      await second.query("BEGIN");
      const blocked = second.query(`UPDATE ${table} SET debit = debit + $1 WHERE key = $2`, ["1.01", "1200|EUR"]);
      let waiting = 0;
      for (let i = 0; i < 200 && waiting === 0; i++) {
        waiting = await waitingOnLocks();
        if (waiting === 0) await new Promise((r) => setTimeout(r, 10));
      }
      expect(waiting).toBe(1);
      await first.query("COMMIT");
      await blocked;
      await second.query("COMMIT");
      const { rows } = await pool.query<{ debit: string }>(`SELECT debit::text AS debit FROM ${table}`);
      expect(rows[0]?.debit).toBe("2.02");
    } finally {
      first.release();
      second.release();
    }
  });

  it("documents, read-then-act: concurrent get + put at the read version lose no update (conflicts retried)", async () => {
    const store = await fresh();
    await store.transaction((tx) => tx.documents.put("sales.orders", "o1", { n: 0 }, 0));
    let conflicts = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        for (let attempt = 0; attempt < 1_000; attempt++) {
          try {
            await store.transaction(async (tx) => {
              const doc = await tx.documents.get<{ n: number }>("sales.orders", "o1");
              await tx.documents.put("sales.orders", "o1", { n: doc!.data.n + 1 }, doc!.version);
            });
            return;
          } catch (error) {
            if (!isStorekeepError(error) || error.code !== "CONCURRENCY_CONFLICT") throw error;
            conflicts += 1;
          }
        }
        throw new Error("gave up after 1,000 conflicts");
      }),
    );
    const doc = await store.transaction((tx) => tx.documents.get<{ n: number }>("sales.orders", "o1"));
    expect(doc?.data.n).toBe(CONCURRENCY);
    expect(doc?.version).toBe(CONCURRENCY + 1);
    expect(conflicts).toBeGreaterThan(0);
  });

  it("documents, getForUpdate: concurrent read-modify-write never conflicts and loses no update", async () => {
    const store = await fresh();
    await store.transaction((tx) => tx.documents.put("sales.orders", "o1", { n: 0 }, 0));
    const seen = await Promise.all(
      Array.from({ length: CONCURRENCY }, () =>
        store.transaction(async (tx) => {
          const doc = await tx.documents.getForUpdate<{ n: number }>("sales.orders", "o1");
          await tx.documents.put("sales.orders", "o1", { n: doc!.data.n + 1 }, doc!.version);
          return doc!.data.n + 1;
        }),
      ),
    );
    expect([...seen].sort((a, b) => a - b)).toEqual(Array.from({ length: CONCURRENCY }, (_, i) => i + 1));
    expect((await store.transaction((tx) => tx.documents.get<{ n: number }>("sales.orders", "o1")))?.data.n).toBe(CONCURRENCY);
  });

  it("documents: a plain read repeats its first answer within a transaction; a locking read after another transaction committed sees the commit", async () => {
    const store = await fresh();
    await store.transaction((tx) => tx.documents.put("sales.orders", "o2", { n: 0 }, 0));
    let read!: () => void;
    const first = new Promise<void>((r) => (read = r));
    let committed!: () => void;
    const other = new Promise<void>((r) => (committed = r));
    const seen: unknown[] = [];
    const reader = store.transaction(async (tx) => {
      seen.push((await tx.documents.get<{ n: number }>("sales.orders", "o2"))?.data.n);
      read();
      await other;
      seen.push((await tx.documents.get<{ n: number }>("sales.orders", "o2"))?.data.n);
      const locked = await tx.documents.getForUpdate<{ n: number }>("sales.orders", "o2");
      seen.push(locked?.data.n, locked?.version);
      await tx.documents.put("sales.orders", "o2", { n: locked!.data.n + 10 }, locked!.version);
    });
    await first;
    await store.transaction(async (tx) => {
      const doc = await tx.documents.getForUpdate<{ n: number }>("sales.orders", "o2");
      await tx.documents.put("sales.orders", "o2", { n: doc!.data.n + 1 }, doc!.version);
    });
    committed();
    await reader;
    expect(seen).toEqual([0, 0, 1, 2]);
    expect(await store.transaction((tx) => tx.documents.get("sales.orders", "o2"))).toMatchObject({ version: 3, data: { n: 11 } });
  });

  it(`outbox: ${CONCURRENCY} overlapping transactions commit in reverse order; a reader following the cursor misses nothing`, async () => {
    const store = await fresh();
    const started: Promise<void>[] = [];
    const releases: (() => void)[] = [];
    const running: Promise<void>[] = [];
    for (let w = 0; w < CONCURRENCY; w++) {
      let began!: () => void;
      started.push(new Promise<void>((r) => (began = r)));
      const released = new Promise<void>((r) => releases.push(r));
      running.push(
        store.transaction(async (tx) => {
          await tx.events.append([event(`w${String(w).padStart(2, "0")}a`)]);
          began();
          await released;
          await tx.events.append([event(`w${String(w).padStart(2, "0")}b`)]);
        }),
      );
      // Writer w has its transaction id before writer w + 1 starts.
      await started[w];
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    const follow = async (): Promise<void> => {
      for (;;) {
        const page = await store.readEvents(cursor, 7);
        if (page.length === 0) return;
        seen.push(...page.map((e) => e.id));
        cursor = page.at(-1)!.position;
      }
    };
    for (let w = CONCURRENCY - 1; w >= 0; w--) {
      releases[w]!();
      await running[w];
      await follow();
      // Writer 0 is still open until the very end, so nothing after it may be visible yet.
      if (w > 0) expect(seen).toEqual([]);
    }
    await settled(async () => {
      await follow();
      return seen.length >= CONCURRENCY * 2;
    });
    expect(seen).toHaveLength(CONCURRENCY * 2);
    expect(new Set(seen).size).toBe(CONCURRENCY * 2);
    expect(seen).toEqual((await store.readEvents(null, 10_000)).map((e) => e.id));
  });

  it("counters out of key order: a held row fails fast with CONCURRENCY_CONFLICT, the transaction stays usable, later waits still wait", async () => {
    const store = await fresh();
    const apply = (tx: Parameters<Parameters<PostgresStore["transaction"]>[0]>[0], key: string) =>
      tx.counters.apply("inventory.availability", [{ key, deltas: { onHand: new Decimal(1) } }]);
    let releaseB!: () => void;
    const bHolds = new Promise<void>((r) => (releaseB = r));
    let bLocked!: () => void;
    const bHasA = new Promise<void>((r) => (bLocked = r));
    const b = store.transaction(async (tx) => {
      await apply(tx, "a");
      await apply(tx, "c");
      bLocked();
      await bHolds;
    });
    await bHasA;
    let code = "";
    let runs = 0;
    const a = store.transaction(async (tx) => {
      runs += 1;
      await apply(tx, "b");
      // "a" sorts before "b", which this transaction holds, and B has it: no waiting.
      code = await apply(tx, "a").then(
        () => "applied",
        (e: unknown) => (isStorekeepError(e) ? e.code : String(e)),
      );
      // Still usable, and lock_timeout is back to normal: waiting for "c" (after "b") is allowed.
      setTimeout(releaseB, 50);
      await apply(tx, "c");
    });
    await Promise.all([a, b]);
    expect(code).toBe("CONCURRENCY_CONFLICT");
    // One run: the wait for "c" waited instead of timing out and retrying the transaction.
    expect(runs).toBe(1);
    const rows = await store.transaction((tx) => tx.counters.getMany("inventory.availability", ["a", "b", "c"]));
    expect([...rows].map(([k, v]) => [k, v["onHand"]?.toString()])).toEqual([
      ["a", "1"],
      ["b", "1"],
      ["c", "2"],
    ]);

    // After an out-of-order lock that succeeds, lock_timeout is back to normal too.
    let releaseHolder!: () => void;
    const holderWaits = new Promise<void>((r) => (releaseHolder = r));
    let holderLocked!: () => void;
    const holderHasF = new Promise<void>((r) => (holderLocked = r));
    const holder = store.transaction(async (tx) => {
      await apply(tx, "f");
      holderLocked();
      await holderWaits;
    });
    await holderHasF;
    let secondRuns = 0;
    await store.transaction(async (tx) => {
      secondRuns += 1;
      await apply(tx, "e");
      await apply(tx, "d");
      setTimeout(releaseHolder, 50);
      await apply(tx, "f");
    });
    await holder;
    expect(secondRuns).toBe(1);
  });

  it("idempotency: a concurrent duplicate waits for the first transaction, then replays its result", async () => {
    const store = await fresh();
    let releaseFirst!: () => void;
    const held = new Promise<void>((r) => (releaseFirst = r));
    let claimedFirst!: () => void;
    const claimed = new Promise<void>((r) => (claimedFirst = r));
    const first = store.transaction(async (tx) => {
      expect(await tx.idempotency.claim("k", "h", "2030-01-01T00:00:00.000Z")).toEqual({ status: "claimed" });
      claimedFirst();
      await held;
      await tx.idempotency.complete("k", { orderId: "o1" });
    });
    await claimed;
    const second = store.transaction((tx) => tx.idempotency.claim("k", "h", "2030-01-01T00:00:00.000Z"));
    let secondDone = false;
    void second.then(() => (secondDone = true));
    let waiting = 0;
    for (let i = 0; i < 200 && waiting === 0; i++) {
      waiting = await waitingOnLocks();
      if (waiting === 0) await new Promise((r) => setTimeout(r, 10));
    }
    expect(waiting).toBe(1);
    expect(secondDone).toBe(false);
    releaseFirst();
    await first;
    expect(await second).toEqual({ status: "replay", result: { orderId: "o1" } });
  });

  it("the roll-up runs while writers keep adding, and no sum ever changes because of it", async () => {
    const store = await fresh();
    const writers = Array.from({ length: 20 }, (_, i) =>
      (async () => {
        for (let j = 0; j < 10; j++) {
          await store.transaction((tx) => tx.balances.add("finance.balances", [{ key: `acct-${i % 4}`, bucket: `2026-0${(j % 3) + 1}`, amounts: { debit: new Decimal("0.01") } }]));
        }
      })(),
    );
    const rollups = (async () => {
      let moved = 0;
      for (let r = 0; r < 10; r++) moved += await store.rollupBalances({ batch: 13 });
      return moved;
    })();
    await Promise.all(writers);
    await rollups;
    await store.rollupBalances();
    const sums = await store.transaction((tx) => tx.balances.sumByKey("finance.balances"));
    expect([...sums].map(([k, v]) => [k, v["debit"]?.toString()])).toEqual([0, 1, 2, 3].map((i) => [`acct-${i}`, "0.5"]));
    const { rows } = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${store.schema}".balance_deltas`);
    expect(rows[0]?.n).toBe(0);
  });
});
