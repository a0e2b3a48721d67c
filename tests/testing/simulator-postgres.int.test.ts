import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postgresStore } from "../../src/adapters/postgres/index.js";
import { simulateShop } from "../../src/testing/index.js";

/*
 * The whole-shop simulator on a real PostgreSQL server (STOREKEEP_PG_URL; FAILS without it):
 * a connection pool, so the statements of a concurrent batch's commands interleave inside
 * their transactions (row locks, serialization conflicts and the adapter's retries), with the
 * simulator's store faults and lost commits on top. Every invariant after every step.
 */

const url = process.env["STOREKEEP_PG_URL"];
if (url === undefined || url === "") {
  throw new Error("STOREKEEP_PG_URL is not set: start a PostgreSQL server (see .ci/run or docs/adapters.md) and export STOREKEEP_PG_URL=postgres://user@host:port/db");
}

const SEEDS = Array.from({ length: 16 }, (_, i) => i + 1);
const run = `sim_${process.pid}_${Date.now()}`;
let pool: pg.Pool;

beforeAll(() => {
  pool = new pg.Pool({ connectionString: url, max: 8 });
});

afterAll(async () => {
  const { rows } = await pool.query<{ nspname: string }>("SELECT nspname FROM pg_namespace WHERE nspname LIKE $1", [`${run}%`]);
  for (const { nspname } of rows) await pool.query(`DROP SCHEMA "${nspname}" CASCADE`);
  await pool.end();
});

describe("the whole-shop simulator on a real PostgreSQL server", () => {
  it(`seeds ${SEEDS[0]} to ${SEEDS[SEEDS.length - 1]} × 150 steps: books balance, audit ok, subledgers = control, stock conserved and never oversold, outbox exactly the committed events, replays and lost commits have one effect — with concurrent batches interleaving inside transactions`, async () => {
    let batches = 0;
    let lost = 0;
    let committed = 0;
    for (const seed of SEEDS) {
      const report = await simulateShop({ seed, steps: 150, store: postgresStore({ client: pool, schema: `${run}_${seed}` }) });
      batches += report.concurrentBatches;
      lost += report.lostCommits;
      committed += Object.values(report.outcomes).reduce((s, o) => s + o.ok, 0);
    }
    expect(batches).toBeGreaterThan(10);
    expect(lost).toBeGreaterThan(0);
    expect(committed).toBeGreaterThan(SEEDS.length * 50);
  }, 900_000);
});
