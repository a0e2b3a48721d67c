import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { postgresStore } from "../../../src/adapters/postgres/index.js";
import type { PostgresStore } from "../../../src/adapters/postgres/index.js";
import { Decimal } from "../../../src/kernel/decimal.js";
import type { OutboxEvent, StoreRegistry } from "../../../src/ports/storage.js";
import type { BenchWorkload } from "../harness.js";

/*
 * PostgreSQL adapter benchmarks.
 *
 * postgres.batch-{1,100,1000}: commands per transaction on PGlite. A command is what a
 * typical storekeep command does to the store: lock a document (getForUpdate), write it
 * back at its version, append a log entry, add a balance delta and append an event. The
 * subject runs them through postgresStore; the baseline issues the same SQL statements by
 * hand through the same client (BEGIN ... COMMIT), so the ratio is the adapter's own cost.
 * `-server` variants run on STOREKEEP_PG_URL when it is set.
 *
 * postgres.hot-balance-server (STOREKEEP_PG_URL only): 50 concurrent transactions each add
 * to the same balance key and then hold their transaction open 20 ms (a command doing
 * more work after its write). Subject: the adapter's append-only delta rows. Baseline: an
 * in-place `UPDATE ... SET debit = debit + $1` on one row, which holds the row lock until
 * commit. ratio < 1 means the adapter is faster; the times show the queueing.
 */

const SCHEMA = "bench_postgres";
const DOCS = 1_000;
const registry: StoreRegistry = {
  collections: [{ name: "bench.orders" }],
  logs: [{ name: "bench.lines", sortKey: "n" }],
  balances: [{ name: "bench.balances", fields: ["debit", "credit"], bucket: "YYYY-MM" }],
  counters: [],
};

interface Context {
  readonly store: PostgresStore;
  /** Runs `work` in one hand-written transaction on the same client. */
  readonly raw: (work: (query: (text: string, values?: unknown[]) => Promise<{ rows: Record<string, unknown>[] }>) => Promise<void>) => Promise<void>;
  readonly close: () => Promise<void>;
  next: number;
}

function event(n: number): OutboxEvent {
  return {
    id: `evt_${n}`,
    type: "OrderPlaced",
    schemaVersion: 1,
    aggregateType: "order",
    aggregateId: `ord_${n % DOCS}`,
    aggregateVersion: n,
    effectiveDate: "2026-11-27",
    occurredAt: "2026-11-27T10:00:00.000Z",
    causationId: null,
    correlationId: `cmd_${n}`,
    payload: { total: { amount: "12.34", currency: "EUR" } },
  };
}

async function contextFor(kind: "pglite" | "server"): Promise<Context> {
  if (kind === "pglite") {
    const db = new PGlite();
    await db.waitReady;
    const store = postgresStore({ client: db, schema: SCHEMA, rollup: false });
    await store.migrate(registry);
    await seed(store);
    return {
      store,
      raw: (work) => db.transaction((tx) => work((text, values) => tx.query<Record<string, unknown>>(text, values))),
      close: () => db.close(),
      next: 0,
    };
  }
  const url = process.env["STOREKEEP_PG_URL"];
  if (url === undefined) throw new Error("STOREKEEP_PG_URL is not set");
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  await pool.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
  const store = postgresStore({ client: pool, schema: SCHEMA, rollup: false });
  await store.migrate(registry);
  await seed(store);
  return {
    store,
    async raw(work) {
      const client = await pool.connect();
      try {
        await client.query("BEGIN");
        await work((text, values) => client.query(text, values));
        await client.query("COMMIT");
      } catch (error) {
        await client.query("ROLLBACK");
        throw error;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
    next: 0,
  };
}

async function seed(store: PostgresStore): Promise<void> {
  await store.transaction(async (tx) => {
    for (let i = 0; i < DOCS; i++) await tx.documents.put("bench.orders", `ord_${i}`, { status: "placed", total: "0", lines: [] }, 0);
  });
}

/** One command through the adapter. */
async function command(tx: Parameters<Parameters<PostgresStore["transaction"]>[0]>[0], n: number): Promise<void> {
  const id = `ord_${n % DOCS}`;
  const doc = await tx.documents.getForUpdate<{ status: string; total: string }>("bench.orders", id);
  await tx.documents.put("bench.orders", id, { ...doc!.data, total: String(n) }, doc!.version);
  await tx.logs.append("bench.lines", [{ stream: `s-${n % 97}`, sortKey: String(n).padStart(12, "0"), data: { orderId: id, quantity: "1" } }]);
  await tx.balances.add("bench.balances", [{ key: `acct-${n % 50}`, bucket: "2026-11", amounts: { debit: new Decimal("12.34") } }]);
  await tx.events.append([event(n)]);
}

const T = `"${SCHEMA}"`;
/** The same command as hand-written SQL: the statements the adapter sends. */
async function rawCommand(query: (text: string, values?: unknown[]) => Promise<{ rows: Record<string, unknown>[] }>, n: number): Promise<void> {
  const id = `ord_${n % DOCS}`;
  const { rows } = await query(`SELECT id, version, data::text AS data FROM ${T}.documents WHERE collection = $1 AND id = $2 FOR UPDATE`, ["bench.orders", id]);
  const row = rows[0]!;
  const data = { ...(JSON.parse(row["data"] as string) as Record<string, unknown>), total: String(n) };
  const updated = await query(`UPDATE ${T}.documents SET data = $3::json, version = version + 1 WHERE collection = $1 AND id = $2 AND version = $4 RETURNING version`, [
    "bench.orders",
    id,
    JSON.stringify(data),
    Number(row["version"]),
  ]);
  if (updated.rows.length !== 1) throw new Error("conflict");
  await query(
    `INSERT INTO ${T}.log_entries (family, stream, sort_key, data) SELECT $1, s, k, d::json FROM unnest($2::text[], $3::text[], $4::text[]) WITH ORDINALITY AS e(s, k, d, n) ORDER BY n ON CONFLICT (family, stream, sort_key) DO NOTHING RETURNING stream, sort_key`,
    ["bench.lines", [`s-${n % 97}`], [`b${String(n).padStart(12, "0")}`], [JSON.stringify({ orderId: id, quantity: "1" })]],
  );
  await query(`INSERT INTO ${T}.balance_deltas (family, key, bucket, amounts) SELECT $1, k, b, a::numeric[] FROM unnest($2::text[], $3::text[], $4::text[]) AS d(k, b, a)`, [
    "bench.balances",
    [`acct-${n % 50}`],
    ["2026-11"],
    ["{12.34,0}"],
  ]);
  const e = event(n);
  await query(
    `INSERT INTO ${T}.outbox (id, type, aggregate_type, aggregate_id, occurred_at, effective_date, envelope) SELECT i, ty, at, ai, oa, ed, e::json FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::date[], $7::text[]) WITH ORDINALITY AS v(i, ty, at, ai, oa, ed, e, n) ORDER BY n`,
    [[e.id], [e.type], [e.aggregateType], [e.aggregateId], [e.occurredAt], [e.effectiveDate], [JSON.stringify(e)]],
  );
}

function batchWorkload(kind: "pglite" | "server", perTransaction: number, ops: number): BenchWorkload<Context> {
  return {
    name: `postgres.batch-${perTransaction}${kind === "server" ? "-server" : ""}`,
    unit: "commands/s",
    ops,
    prepare: () => contextFor(kind),
    async subject(ctx) {
      for (let done = 0; done < ops; done += perTransaction) {
        await ctx.store.transaction(async (tx) => {
          for (let i = 0; i < perTransaction; i++) await command(tx, ctx.next++);
        });
      }
    },
    async baseline(ctx) {
      for (let done = 0; done < ops; done += perTransaction) {
        await ctx.raw(async (query) => {
          for (let i = 0; i < perTransaction; i++) await rawCommand(query, ctx.next++);
        });
      }
    },
  };
}

const HOT_WRITERS = 50;
const HOLD_MS = 20;

interface HotContext {
  readonly pool: pg.Pool;
  readonly store: PostgresStore;
}

function hotBalanceWorkload(): BenchWorkload<HotContext> {
  const pause = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, HOLD_MS));
  return {
    name: "postgres.hot-balance-server",
    unit: "transactions/s",
    ops: HOT_WRITERS,
    rounds: 5,
    async prepare() {
      const pool = new pg.Pool({ connectionString: process.env["STOREKEEP_PG_URL"], max: HOT_WRITERS + 2 });
      await pool.query(`DROP SCHEMA IF EXISTS ${SCHEMA}_hot CASCADE`);
      const store = postgresStore({ client: pool, schema: `${SCHEMA}_hot`, rollup: false });
      await store.migrate(registry);
      await pool.query(`CREATE TABLE "${SCHEMA}_hot".in_place (key text PRIMARY KEY, debit numeric NOT NULL)`);
      await pool.query(`INSERT INTO "${SCHEMA}_hot".in_place VALUES ('1200|EUR', 0)`);
      // Open every connection once so neither side pays for connecting.
      const clients = await Promise.all(Array.from({ length: HOT_WRITERS }, () => pool.connect()));
      for (const client of clients) client.release();
      return { pool, store };
    },
    async subject({ store }) {
      await Promise.all(
        Array.from({ length: HOT_WRITERS }, () =>
          store.transaction(async (tx) => {
            await tx.balances.add("bench.balances", [{ key: "1200|EUR", bucket: "2026-11", amounts: { debit: new Decimal("1.01") } }]);
            await pause();
          }),
        ),
      );
    },
    async baseline({ pool }) {
      await Promise.all(
        Array.from({ length: HOT_WRITERS }, async () => {
          const client = await pool.connect();
          try {
            await client.query("BEGIN");
            await client.query(`UPDATE "${SCHEMA}_hot".in_place SET debit = debit + $1 WHERE key = $2`, ["1.01", "1200|EUR"]);
            await pause();
            await client.query("COMMIT");
          } finally {
            client.release();
          }
        }),
      );
    },
  };
}

const server = process.env["STOREKEEP_PG_URL"] !== undefined && process.env["STOREKEEP_PG_URL"] !== "";

/** The PostgreSQL workloads (server variants only when STOREKEEP_PG_URL is set). */
export const workloads: BenchWorkload[] = [
  batchWorkload("pglite", 1, 200),
  batchWorkload("pglite", 100, 1_000),
  batchWorkload("pglite", 1_000, 2_000),
  ...(server ? [batchWorkload("server", 1, 200), batchWorkload("server", 100, 1_000), batchWorkload("server", 1_000, 2_000), hotBalanceWorkload()] : []),
] as BenchWorkload[];
