import { describe, expect, it } from "vitest";
import { type PostgresPool, type PostgresPoolClient, postgresStore } from "../../src/adapters/postgres/index.js";
import { isStorekeepError } from "../../src/kernel/errors.js";

/*
 * The transaction loop of the PostgreSQL store over a scripted pool (the driver is typed
 * structurally, so a fake stands in for pg): BEGIN/COMMIT/ROLLBACK, bounded retries of
 * transient failures, and every connection released exactly once, destroyed when it
 * cannot be rolled back.
 */

interface Script {
  /** Errors thrown by COMMIT, one per attempt (undefined: COMMIT succeeds). */
  commitErrors?: (Record<string, unknown> | undefined)[];
  /** Error thrown by the document read. */
  readError?: Record<string, unknown>;
  /** Error thrown by ROLLBACK. */
  rollbackError?: Error;
}

function fakePool(script: Script): { pool: PostgresPool; log: string[]; releases: (Error | boolean | undefined)[] } {
  const log: string[] = [];
  const releases: (Error | boolean | undefined)[] = [];
  let commits = 0;
  const pool: PostgresPool = {
    async connect(): Promise<PostgresPoolClient> {
      log.push("connect");
      return {
        async query<R>(text: string): Promise<{ rows: R[] }> {
          const statement = text.trim().split(/\s+/)[0]!;
          log.push(statement);
          if (statement === "COMMIT") {
            const error = script.commitErrors?.[commits++];
            if (error !== undefined) throw Object.assign(new Error("commit failed"), error);
          }
          if (statement === "ROLLBACK" && script.rollbackError !== undefined) throw script.rollbackError;
          if (text.includes("FROM \"storekeep\".\"migrations\"")) return { rows: [{ spec: JSON.stringify({ indexes: {} }) }] as R[] };
          if (text.includes("FROM \"storekeep\".\"documents\"")) {
            if (script.readError !== undefined) throw Object.assign(new Error("read failed"), script.readError);
            return { rows: [] };
          }
          return { rows: [] };
        },
        release(destroy?: Error | boolean) {
          releases.push(destroy);
          log.push("release");
        },
      };
    },
  };
  return { pool, log, releases };
}

describe("postgresStore over a pg.Pool: the transaction loop", () => {
  it("commits in BEGIN … COMMIT on one connection and releases it once", async () => {
    const { pool, log, releases } = fakePool({});
    const store = postgresStore({ client: pool });
    expect(await store.transaction(async (tx) => (await tx.documents.get("notes", "n")) ?? "none")).toBe("none");
    expect(log).toEqual(["connect", "BEGIN", "SELECT", "SELECT", "COMMIT", "release"]);
    expect(releases).toEqual([undefined]);
    expect(store.capabilities).toEqual({ concurrentTransactions: true, durable: true });
  });

  it("retries the whole transaction after serialisation failures and deadlocks, then succeeds", async () => {
    const { pool, log, releases } = fakePool({ commitErrors: [{ code: "40001" }, { code: "40P01" }] });
    const store = postgresStore({ client: pool });
    let runs = 0;
    expect(
      await store.transaction(async () => {
        runs += 1;
        return runs;
      }),
    ).toBe(3);
    expect(log.filter((s) => s === "ROLLBACK")).toHaveLength(2);
    expect(log.filter((s) => s === "connect")).toHaveLength(3);
    expect(releases).toEqual([undefined, undefined, undefined]);
  });

  it("gives up after maxRetries and reports CONCURRENCY_CONFLICT with the SQLSTATE", async () => {
    const { pool, releases } = fakePool({ commitErrors: Array.from({ length: 10 }, () => ({ code: "40001" })) });
    const store = postgresStore({ client: pool, maxRetries: 2 });
    let runs = 0;
    const error = await store
      .transaction(async () => {
        runs += 1;
      })
      .catch((e: unknown) => e);
    expect(isStorekeepError(error) && [error.code, error.details["sqlState"]]).toEqual(["CONCURRENCY_CONFLICT", "40001"]);
    expect(runs).toBe(3);
    expect(releases).toHaveLength(3);
  });

  it("does not retry other failures: a driver error becomes STORE_FAILURE, the transaction is rolled back", async () => {
    const { pool, log } = fakePool({ readError: { code: "42P01" } });
    const store = postgresStore({ client: pool });
    let runs = 0;
    const error = await store
      .transaction(async (tx) => {
        runs += 1;
        await tx.documents.get("notes", "n");
      })
      .catch((e: unknown) => e);
    expect(isStorekeepError(error) && [error.code, error.details["sqlState"]]).toEqual(["STORE_FAILURE", "42P01"]);
    expect(runs).toBe(1);
    expect(log.slice(-2)).toEqual(["ROLLBACK", "release"]);
  });

  it("rethrows the work's own error unchanged, without a retry", async () => {
    const { pool, log } = fakePool({});
    const store = postgresStore({ client: pool });
    const boom = new Error("boom");
    await expect(
      store.transaction(async () => {
        throw boom;
      }),
    ).rejects.toBe(boom);
    expect(log).toEqual(["connect", "BEGIN", "ROLLBACK", "release"]);
  });

  it("destroys a connection that cannot even roll back", async () => {
    const broken = new Error("connection terminated");
    const { pool, releases } = fakePool({ rollbackError: broken });
    const store = postgresStore({ client: pool });
    await expect(
      store.transaction(async () => {
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    expect(releases).toEqual([broken]);
  });

  it("refuses a client that is neither a pool nor PGlite", () => {
    expect(() => postgresStore({ client: {} as PostgresPool })).toThrow(/pg\.Pool or a PGlite/);
  });
});
