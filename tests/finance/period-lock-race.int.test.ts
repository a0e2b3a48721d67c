import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postgresStore } from "../../src/adapters/postgres/index.js";
import { isStorekeepError } from "../../src/kernel/errors.js";
import type { Store } from "../../src/ports/storage.js";
import { createStorekeep } from "../../src/storekeep.js";
import { ManualClock, sequentialIds } from "../../src/testing/index.js";

/*
 * Period locks under concurrency on a real PostgreSQL server: a posting whose commit is
 * held back while `hardLock` / `lockPeriod` runs must never land in the period the lock
 * closes — the lock waits for the posting's transaction (the posting holds the lock
 * document FOR SHARE), or the posting waits for the lock and is refused. Many trials.
 * Needs STOREKEEP_PG_URL; FAILS without it.
 */

const url = process.env["STOREKEEP_PG_URL"];
if (url === undefined || url === "") {
  throw new Error("STOREKEEP_PG_URL is not set: start a PostgreSQL server (see .ci/run or docs/adapters.md) and export STOREKEEP_PG_URL=postgres://user@host:port/db");
}

const run = `locks_${process.pid}_${Date.now().toString(36)}`;
let pool: pg.Pool;

beforeAll(async () => {
  pool = new pg.Pool({ connectionString: url, max: 20 });
  await pool.query("SELECT 1");
}, 30_000);

afterAll(async () => {
  if (pool !== undefined) {
    const { rows } = await pool.query<{ nspname: string }>("SELECT nspname FROM pg_namespace WHERE nspname LIKE $1", [`${run}%`]);
    for (const row of rows) await pool.query(`DROP SCHEMA "${row.nspname}" CASCADE`);
    await pool.end();
  }
});

/** A store whose transactions, once their work is done, wait for `gate` before committing. */
function heldBack(inner: Store, gate: { held?: Promise<void> | undefined; reached?: () => void }): Store {
  return {
    ...inner,
    transaction: (work) =>
      inner.transaction(async (tx) => {
        const result = await work(tx);
        if (gate.held !== undefined) {
          gate.reached?.();
          await gate.held;
        }
        return result;
      }),
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const TRIALS = 12;

describe("period locks racing postings on PostgreSQL", () => {
  it(`a posting held back before COMMIT while hardLock / lockPeriod runs never lands in the locked period (${TRIALS} trials each, with and without an existing lock document)`, async () => {
    const outcomes: Record<string, number> = {};
    for (let trial = 0; trial < TRIALS * 2; trial++) {
      const hard = trial % 2 === 0;
      const schema = `${run}_${trial}`;
      const clock = new ManualClock("2026-04-15T12:00:00.000Z");
      const config = { functionalCurrency: "EUR", timeZone: "UTC" } as const;
      const base = postgresStore({ client: pool, schema, rollup: false });
      const gate: { held?: Promise<void> | undefined; reached?: () => void } = {};
      const poster = createStorekeep({ store: heldBack(base, gate), clock, ids: sequentialIds(), config });
      const locker = createStorekeep({ store: base, clock, ids: sequentialIds({ start: 1_000_000 }), config });
      await locker.ready();
      // Half the trials start from a lock document that already exists.
      if (trial % 4 < 2) await locker.finance.lockPeriod({ through: "2026-01-31", domains: ["sales"] });

      // The posting does its work, then waits before COMMIT.
      let open!: () => void;
      gate.held = new Promise<void>((resolve) => {
        open = resolve;
      });
      const reached = new Promise<void>((resolve) => {
        gate.reached = resolve;
      });
      const posting = poster.finance.postEntry({ date: "2026-03-10", lines: [{ account: "1100", debit: "10" }, { account: "3100", credit: "10" }] }).then(
        () => "posted",
        (e: unknown) => (isStorekeepError(e) ? e.code : `raw ${String(e)}`),
      );
      await reached;
      let lockDone = false;
      const lock = (hard ? locker.finance.hardLock({ through: "2026-03-31" }) : locker.finance.lockPeriod({ through: "2026-03-31" })).then(
        () => {
          lockDone = true;
          return "locked";
        },
        (e: unknown) => (isStorekeepError(e) ? e.code : `raw ${String(e)}`),
      );
      await sleep(150);
      // The lock must not have committed while a posting into its period was still open.
      const lockCommittedFirst = lockDone;
      gate.held = undefined;
      open();
      const [postResult, lockResult] = await Promise.all([posting, lock]);
      const key = `${hard ? "hardLock" : "lockPeriod"}: posting ${postResult}, lock ${lockResult}${lockCommittedFirst ? " (lock committed while the posting was open)" : ""}`;
      outcomes[key] = (outcomes[key] ?? 0) + 1;
      expect(lockCommittedFirst).toBe(false);
      expect(lockResult).toBe("locked");
      // Whatever committed in March committed before the lock: a posting now is refused.
      const late = await poster.finance.postEntry({ date: "2026-03-11", lines: [{ account: "1100", debit: "1" }, { account: "3100", credit: "1" }] }).catch((e: unknown) => e);
      expect(isStorekeepError(late) && late.code).toBe("PERIOD_LOCKED");
    }
    console.log(`period-lock races: ${JSON.stringify(outcomes)}`);
  });

  it("a posting that starts while a lock is being written waits for it and is refused (PERIOD_LOCKED), for hard and soft locks", async () => {
    for (const hard of [true, false]) {
      const schema = `${run}_w_${hard ? "h" : "s"}`;
      const clock = new ManualClock("2026-04-15T12:00:00.000Z");
      const config = { functionalCurrency: "EUR", timeZone: "UTC" } as const;
      const base = postgresStore({ client: pool, schema, rollup: false });
      const gate: { held?: Promise<void> | undefined; reached?: () => void } = {};
      const locker = createStorekeep({ store: heldBack(base, gate), clock, ids: sequentialIds({ start: 1_000_000 }), config });
      const poster = createStorekeep({ store: base, clock, ids: sequentialIds(), config });
      await poster.ready();
      await poster.finance.postEntry({ date: "2026-02-10", lines: [{ account: "1100", debit: "10" }, { account: "3100", credit: "10" }] });
      let open!: () => void;
      gate.held = new Promise<void>((resolve) => {
        open = resolve;
      });
      const reached = new Promise<void>((resolve) => {
        gate.reached = resolve;
      });
      const lock = hard ? locker.finance.hardLock({ through: "2026-03-31" }) : locker.finance.lockPeriod({ through: "2026-03-31" });
      await reached;
      let postDone = false;
      const posting = poster.finance.postEntry({ date: "2026-03-10", lines: [{ account: "1100", debit: "10" }, { account: "3100", credit: "10" }] }).then(
        () => {
          postDone = true;
          return "posted";
        },
        (e: unknown) => {
          postDone = true;
          return isStorekeepError(e) ? e.code : `raw ${String(e)}`;
        },
      );
      await sleep(150);
      expect(postDone).toBe(false);
      gate.held = undefined;
      open();
      await lock;
      expect(await posting).toBe("PERIOD_LOCKED");
    }
  });
});
