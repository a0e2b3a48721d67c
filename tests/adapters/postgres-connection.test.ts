import { EventEmitter } from "node:events";
import { describe, expect, it } from "vitest";
import { type PostgresPool, type PostgresPoolClient, postgresStore } from "../../src/adapters/postgres/index.js";
import { isConnectionError } from "../../src/adapters/postgres/errors.js";
import { isStorekeepError } from "../../src/kernel/errors.js";

/*
 * How the adapter owns its connections' failures, on a scripted fake pool (the real server
 * version is postgres-connection-loss.int.test.ts): an 'error' listener while it holds a
 * client, broken clients released destroyed, lost connections retried before COMMIT and
 * reported as STORE_UNAVAILABLE / COMMIT_OUTCOME_UNKNOWN.
 */

/** Fails a statement: `kill` makes the client emit 'error' (as pg does when its backend dies) and reject. */
type Script = (text: string, client: FakeClient) => Error | undefined;

class FakeClient extends EventEmitter implements PostgresPoolClient {
  readonly statements: string[] = [];
  released: Error | boolean | undefined | "no";
  dead = false;
  constructor(private readonly script: Script) {
    super();
    this.released = "no";
  }
  async query<R>(text: string): Promise<{ rows: R[] }> {
    this.statements.push(text);
    if (this.dead) throw new Error("Client has encountered a connection error and is not queryable");
    const error = this.script(text, this);
    if (error !== undefined) throw error;
    return { rows: (text.includes("RETURNING key") ? [{ key: "k" }] : []) as R[] };
  }
  kill(code = "57P01"): Error {
    const error = Object.assign(new Error("terminating connection due to administrator command"), { code });
    this.dead = true;
    this.emit("error", error);
    return error;
  }
  release(destroy?: Error | boolean): void {
    if (this.released !== "no") throw new Error("Release called on client which has already been released to the pool.");
    this.released = destroy;
  }
}

function fakePool(scripts: Script[], connectErrors: Error[] = []) {
  const clients: FakeClient[] = [];
  const pool = new EventEmitter() as EventEmitter & PostgresPool;
  pool.connect = async () => {
    const refused = connectErrors.shift();
    if (refused !== undefined) throw refused;
    const client = new FakeClient(scripts[Math.min(clients.length, scripts.length - 1)]!);
    clients.push(client);
    return client;
  };
  return { pool, clients };
}

const healthy: Script = () => undefined;

describe("the PostgreSQL adapter and lost connections", () => {
  it("listens to 'error' on every client it holds, and stops listening when it gives a healthy client back", async () => {
    const { pool, clients } = fakePool([healthy]);
    const store = postgresStore({ client: pool });
    let listenersDuringWork = 0;
    await store.transaction(async () => {
      listenersDuringWork = clients[0]!.listenerCount("error");
    });
    expect(listenersDuringWork).toBe(1);
    expect(clients[0]!.listenerCount("error")).toBe(0);
    expect(clients[0]!.released).toBeUndefined();
  });

  it("listens once to the pool's 'error' (idle clients that die), however many stores share the pool", () => {
    const { pool } = fakePool([healthy]);
    postgresStore({ client: pool, schema: "a" });
    postgresStore({ client: pool, schema: "b" });
    expect(pool.listenerCount("error")).toBe(1);
    expect(() => pool.emit("error", new Error("idle client lost"))).not.toThrow();
  });

  it("a connection killed in the middle of the work is retried on a new connection (the work runs again); the broken one is released destroyed", async () => {
    const { pool, clients } = fakePool([(text, client) => (text.startsWith("INSERT") ? client.kill() : undefined), healthy]);
    const store = postgresStore({ client: pool, maxRetries: 2 });
    let runs = 0;
    const result = await store.transaction(async (tx) => {
      runs += 1;
      await tx.idempotency.claim("k", "h", "2026-03-31T12:00:00.000Z");
      return "done";
    });
    expect(result).toBe("done");
    expect(runs).toBe(2);
    expect(clients[0]!.released).toBeInstanceOf(Error);
    expect(clients[0]!.statements).not.toContain("COMMIT");
    expect(clients[1]!.statements.at(-1)).toBe("COMMIT");
    expect(clients[1]!.released).toBeUndefined();
  });

  it("a client whose 'error' fired between statements: the next failure is STORE_UNAVAILABLE (not a raw 'not queryable'), retried, then reported with the driver's code", async () => {
    const { pool, clients } = fakePool([(text, client) => (text === "BEGIN" ? (client.kill("57P01"), undefined) : undefined)]);
    const store = postgresStore({ client: pool, maxRetries: 2 });
    const error = await store.transaction(async () => "never").catch((e: unknown) => e);
    expect(isStorekeepError(error) && [error.code, error.details["driverCode"], error.details["retryable"]]).toEqual(["STORE_UNAVAILABLE", "57P01", true]);
    expect(clients).toHaveLength(3);
    for (const client of clients) expect(client.released).toBeInstanceOf(Error);
  });

  it("a connection lost during COMMIT is COMMIT_OUTCOME_UNKNOWN, never retried", async () => {
    const { pool, clients } = fakePool([(text, client) => (text === "COMMIT" ? client.kill("57P01") : undefined)]);
    const store = postgresStore({ client: pool, maxRetries: 5 });
    let runs = 0;
    const error = await store
      .transaction(async () => {
        runs += 1;
        return "maybe";
      })
      .catch((e: unknown) => e);
    expect(isStorekeepError(error) && [error.code, error.details["driverCode"]]).toEqual(["COMMIT_OUTCOME_UNKNOWN", "57P01"]);
    expect(runs).toBe(1);
    expect(clients).toHaveLength(1);
    expect(clients[0]!.released).toBeInstanceOf(Error);
  });

  it("a socket reset during COMMIT (no SQLSTATE) is COMMIT_OUTCOME_UNKNOWN too", async () => {
    const { pool } = fakePool([(text) => (text === "COMMIT" ? Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" }) : undefined)]);
    const error = await postgresStore({ client: pool }).transaction(async () => 1).catch((e: unknown) => e);
    expect(isStorekeepError(error) && [error.code, error.details["driverCode"]]).toEqual(["COMMIT_OUTCOME_UNKNOWN", "ECONNRESET"]);
  });

  it("a refused connection is retried, then STORE_UNAVAILABLE with the driver's code", async () => {
    const refused = () => Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" });
    const recovered = fakePool([healthy], [refused(), refused()]);
    await expect(postgresStore({ client: recovered.pool, maxRetries: 3 }).transaction(async () => "ok")).resolves.toBe("ok");
    const down = fakePool([healthy], [refused(), refused(), refused(), refused()]);
    const error = await postgresStore({ client: down.pool, maxRetries: 2 }).transaction(async () => "ok").catch((e: unknown) => e);
    expect(isStorekeepError(error) && [error.code, error.details["driverCode"], error.details["retryable"]]).toEqual(["STORE_UNAVAILABLE", "ECONNREFUSED", true]);
  });

  it("a statement the server refuses is not a lost connection: STORE_FAILURE, the client goes back to the pool", async () => {
    const { pool, clients } = fakePool([(text) => (text === "COMMIT" ? Object.assign(new Error("deferred constraint"), { code: "23505" }) : undefined)]);
    const error = await postgresStore({ client: pool }).transaction(async () => 1).catch((e: unknown) => e);
    expect(isStorekeepError(error) && [error.code, error.details["sqlState"]]).toEqual(["STORE_FAILURE", "23505"]);
    expect(clients[0]!.released).toBeUndefined();
  });

  it("classifies driver errors: class 08, 57P01-03, socket codes and pg's 'not queryable' are lost connections; other SQLSTATEs are not", () => {
    for (const code of ["08006", "08001", "57P01", "57P02", "57P03", "ECONNRESET", "EPIPE", "ECONNREFUSED", "ETIMEDOUT"]) expect(isConnectionError(Object.assign(new Error("x"), { code }))).toBe(true);
    for (const message of ["Connection terminated unexpectedly", "Client has encountered a connection error and is not queryable", "Client was closed and is not queryable"]) expect(isConnectionError(new Error(message))).toBe(true);
    for (const code of ["23505", "40001", "42P01", "22P02"]) expect(isConnectionError(Object.assign(new Error("Connection terminated"), { code }))).toBe(false);
  });
});
