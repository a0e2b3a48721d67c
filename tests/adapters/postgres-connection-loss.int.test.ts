import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type PostgresPool, type PostgresPoolClient, postgresStore } from "../../src/adapters/postgres/index.js";
import { isInvariantError, isStorekeepError } from "../../src/kernel/errors.js";
import { createStorekeep, type Storekeep } from "../../src/storekeep.js";
import { ManualClock, sequentialIds } from "../../src/testing/index.js";

/*
 * Lost connections on a real PostgreSQL server: backends of the store's pool are killed
 * (`pg_terminate_backend`) at seeded random points of many commands — before the
 * transaction, between its statements, racing a statement, right before and racing COMMIT,
 * and after the connection went back to the pool — in this process, which must stay alive.
 * Every failure must be a StorekeepError (STORE_UNAVAILABLE or COMMIT_OUTCOME_UNKNOWN);
 * replaying every key afterwards must give exactly the totals of a run without kills, a
 * clean audit, and one outbox event per command. Needs STOREKEEP_PG_URL; FAILS without it.
 */

const url = process.env["STOREKEEP_PG_URL"];
if (url === undefined || url === "") {
  throw new Error("STOREKEEP_PG_URL is not set: start a PostgreSQL server (see .ci/run or docs/adapters.md) and export STOREKEEP_PG_URL=postgres://user@host:port/db");
}

const run = `loss_${process.pid}_${Date.now().toString(36)}`;
let pool: pg.Pool;
let admin: pg.Pool;
let crashes = 0;
const onUncaught = (): void => {
  crashes += 1;
};

beforeAll(async () => {
  process.on("uncaughtException", onUncaught);
  process.on("unhandledRejection", onUncaught);
  pool = new pg.Pool({ connectionString: url, max: 12 });
  admin = new pg.Pool({ connectionString: url, max: 4 });
  await admin.query("SELECT 1");
}, 30_000);

afterAll(async () => {
  process.off("uncaughtException", onUncaught);
  process.off("unhandledRejection", onUncaught);
  if (admin !== undefined) {
    const { rows } = await admin.query<{ nspname: string }>("SELECT nspname FROM pg_namespace WHERE nspname LIKE $1", [`${run}%`]);
    for (const row of rows) await admin.query(`DROP SCHEMA "${row.nspname}" CASCADE`);
    await admin.end();
  }
  await pool?.end();
});

/** mulberry32: a seeded PRNG, so a failing run can be repeated. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type KillMode = "await-before" | "race" | "after-release";

interface Killer {
  enabled: boolean;
  kills: number;
  byPoint: Record<string, number>;
}

/**
 * A pool whose checked-out clients may have their backend killed: per checkout, a seeded
 * draw picks the statement (by index; COMMIT included) and how (kill and wait for the
 * client to notice, or kill racing the statement), or a kill after release.
 */
function killingPool(inner: pg.Pool, random: () => number, killer: Killer): PostgresPool {
  const terminate = async (pid: number, point: string): Promise<void> => {
    killer.kills += 1;
    killer.byPoint[point] = (killer.byPoint[point] ?? 0) + 1;
    await admin.query("SELECT pg_terminate_backend($1)", [pid]);
  };
  return {
    on: (event, listener) => inner.on(event, listener),
    async connect(): Promise<PostgresPoolClient> {
      const client = await inner.connect();
      const pid = (client as unknown as { processID: number }).processID;
      const draw = random();
      const at = random() < 0.35 ? "COMMIT" : Math.floor(random() * 24);
      const plan: { at: number | "COMMIT"; mode: KillMode } | undefined = !killer.enabled || draw > 0.45 ? undefined : { at, mode: draw < 0.2 ? "await-before" : draw < 0.4 ? "race" : "after-release" };
      let index = 0;
      let dead = false;
      return {
        async query<R>(text: string, values?: unknown[]): Promise<{ rows: R[] }> {
          const here = index++;
          if (plan !== undefined && !dead && plan.mode !== "after-release" && (plan.at === "COMMIT" ? text === "COMMIT" : here === plan.at)) {
            dead = true;
            const point = text === "COMMIT" ? "COMMIT" : text === "BEGIN" ? "BEGIN" : "statement";
            if (plan.mode === "await-before") {
              const noticed = new Promise<void>((resolve) => {
                client.once("error", () => resolve());
                setTimeout(resolve, 500);
              });
              await terminate(pid, `${point} (killed before)`);
              await noticed;
            } else {
              void terminate(pid, `${point} (racing)`);
            }
          }
          return (await client.query(text, values)) as unknown as { rows: R[] };
        },
        release(destroy?: Error | boolean) {
          client.release(destroy);
          if (plan?.mode === "after-release" && !dead && destroy === undefined) {
            dead = true;
            void terminate(pid, "after release (idle in pool)");
          }
        },
        on: (event, listener) => client.on(event, listener),
        removeListener: (event, listener) => client.removeListener(event, listener),
      };
    },
  };
}

interface Tally {
  ok: number;
  unavailable: number;
  commitUnknown: number;
  otherStorekeep: Record<string, number>;
  raw: string[];
}

async function attempt(tally: Tally, call: () => Promise<unknown>): Promise<void> {
  try {
    await call();
    tally.ok += 1;
  } catch (error) {
    if (isStorekeepError(error) && error.code === "STORE_UNAVAILABLE") {
      expect(error.details["retryable"]).toBe(true);
      expect(typeof error.details["driverCode"]).toBe("string");
      tally.unavailable += 1;
    } else if (isStorekeepError(error) && error.code === "COMMIT_OUTCOME_UNKNOWN") tally.commitUnknown += 1;
    else if (isStorekeepError(error) || isInvariantError(error)) tally.otherStorekeep[(error as { code?: string }).code ?? "INVARIANT"] = (tally.otherStorekeep[(error as { code?: string }).code ?? "INVARIANT"] ?? 0) + 1;
    else tally.raw.push(String(error));
  }
}

const RECEIPTS = 120;
const ISSUES = 120;
const BATCH = 6;

// One unit cost: movement ids (hence the FIFO order of same-day receipts) depend on how
// many attempts ran, so only a cost-independent total can be compared with the reference.
function receiptOf(i: number) {
  return { sku: "A", warehouseId: "wh", quantity: "10", unitCost: "2.25", effectiveDate: "2026-03-02", reference: `grn_${i}` };
}
function issueOf(i: number) {
  return { sku: "A", warehouseId: "wh", quantity: "3", effectiveDate: "2026-03-20", reference: `so_${i}` };
}

async function shop(schema: string, client: PostgresPool): Promise<Storekeep> {
  const sk = createStorekeep({ store: postgresStore({ client, schema, rollup: false, maxRetries: 3 }), clock: new ManualClock("2026-03-31T12:00:00.000Z"), ids: sequentialIds(), config: { functionalCurrency: "EUR", timeZone: "UTC" } });
  return sk;
}

async function runAll(sk: Storekeep, tally: Tally): Promise<void> {
  const receipts = Array.from({ length: RECEIPTS }, (_, i) => () => sk.inventory.receive(receiptOf(i), { idempotencyKey: `r-${i}` }));
  const issues = Array.from({ length: ISSUES }, (_, i) => () => sk.inventory.issue(issueOf(i), { idempotencyKey: `s-${i}` }));
  // Receipts before issues (the issues need the stock), each in concurrent batches.
  for (const calls of [receipts, issues]) {
    for (let start = 0; start < calls.length; start += BATCH) await Promise.all(calls.slice(start, start + BATCH).map((call) => attempt(tally, call)));
  }
}

async function totals(sk: Storekeep) {
  const onHand = await sk.inventory.onHand({ sku: "A" });
  const valuation = await sk.inventory.valuation({ sku: "A" });
  const audit = await sk.inventory.audit();
  // The outbox shows an event once no older transaction runs anywhere on the server (other test
  // files share it): wait until every transaction older than now has finished (up to ten seconds).
  const mark = BigInt((await pool.query<{ x: string }>("select pg_current_xact_id()::text as x")).rows[0]!.x);
  for (let tries = 0; tries < 500; tries++) {
    const xmin = BigInt((await pool.query<{ x: string }>("select pg_snapshot_xmin(pg_current_snapshot())::text as x")).rows[0]!.x);
    if (xmin > mark) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const events = await sk.events.read(null, 10_000);
  const byType: Record<string, number> = {};
  const keys = new Set<string>();
  for (const e of events) {
    byType[e.type] = (byType[e.type] ?? 0) + 1;
    if (e.type === "StockReceived" || e.type === "StockIssued") keys.add(e.idempotencyKey ?? "");
  }
  const tb = await sk.finance.trialBalance({ asOf: "2026-03-31" });
  return { onHand: onHand.map((r) => r.quantity), value: valuation.map((r) => r.value), audit: { ok: audit.ok, differences: audit.differences }, byType, keys: keys.size, trialBalance: { rows: tb.rows, totals: tb.totals } };
}

describe("the PostgreSQL adapter when connections die", () => {
  it("killed backends at random points: the process stays up, every failure is STORE_UNAVAILABLE or COMMIT_OUTCOME_UNKNOWN, and replaying every key gives the totals of a run without kills", async () => {
    const killer: Killer = { enabled: false, kills: 0, byPoint: {} };
    const random = prng(Number(process.env["STOREKEEP_KILL_SEED"] ?? 18));

    // The reference: the same commands, no kills.
    const reference = await shop(`${run}_ref`, pool);
    await reference.inventory.defineWarehouse({ warehouseId: "wh" });
    await reference.inventory.defineProduct({ sku: "A", costingMethod: "fifo" });
    const clean: Tally = { ok: 0, unavailable: 0, commitUnknown: 0, otherStorekeep: {}, raw: [] };
    await runAll(reference, clean);
    expect(clean.ok).toBe(RECEIPTS + ISSUES);

    const sk = await shop(`${run}_kill`, killingPool(pool, random, killer));
    await sk.inventory.defineWarehouse({ warehouseId: "wh" });
    await sk.inventory.defineProduct({ sku: "A", costingMethod: "fifo" });
    killer.enabled = true;
    const first: Tally = { ok: 0, unavailable: 0, commitUnknown: 0, otherStorekeep: {}, raw: [] };
    await runAll(sk, first);
    killer.enabled = false;
    // Let late 'error' events (sockets closing after a kill) arrive while we still listen.
    await new Promise((resolve) => setTimeout(resolve, 300));

    // A lost COMMIT may have committed: count the commands the outbox holds before the replay.
    const before = (await sk.events.read(null, 10_000)).filter((e) => e.type === "StockReceived" || e.type === "StockIssued").length;
    const replay: Tally = { ok: 0, unavailable: 0, commitUnknown: 0, otherStorekeep: {}, raw: [] };
    await runAll(sk, replay);

    const expected = await totals(reference);
    const actual = await totals(sk);
    console.log(
      `connection loss: ${RECEIPTS + ISSUES} commands, ${killer.kills} backends killed ${JSON.stringify(killer.byPoint)}; first run: ${first.ok} ok, ${first.unavailable} STORE_UNAVAILABLE, ${first.commitUnknown} COMMIT_OUTCOME_UNKNOWN (${before - first.ok} of them had committed), other ${JSON.stringify(first.otherStorekeep)}, raw ${first.raw.length}; crashes ${crashes}; after replay: ${replay.ok} ok, onHand ${actual.onHand}, value ${actual.value}, audit ok ${actual.audit.ok}, events ${JSON.stringify(actual.byType)}`,
    );

    expect(crashes).toBe(0);
    expect(first.raw).toEqual([]);
    expect(first.otherStorekeep).toEqual({});
    expect(killer.kills).toBeGreaterThan(40);
    expect(first.commitUnknown).toBeGreaterThan(0);
    expect(replay).toEqual({ ok: RECEIPTS + ISSUES, unavailable: 0, commitUnknown: 0, otherStorekeep: {}, raw: [] });
    expect(actual.audit).toEqual({ ok: true, differences: [] });
    expect(actual).toEqual(expected);
    expect(actual.onHand).toEqual([String(RECEIPTS * 10 - ISSUES * 3)]);
    expect(actual.byType["StockReceived"]).toBe(RECEIPTS);
    expect(actual.byType["StockIssued"]).toBe(ISSUES);
    expect(actual.keys).toBe(RECEIPTS + ISSUES);
  });
});
