import { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postgresStore } from "../../src/adapters/postgres/index.js";
import { runStoreConformance } from "../../src/testing/conformance/index.js";

/*
 * The storage contract conformance kit on embedded PostgreSQL (PGlite): one PGlite for the
 * file (its cold start takes seconds), a fresh schema for every test the kit runs.
 * PGlite runs one session at a time, so the kit leaves out the tests that need truly
 * concurrent transactions; tests/adapters/postgres.int.test.ts runs them on a real server.
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

runStoreConformance({
  name: "postgres on PGlite",
  make: () => {
    schemas += 1;
    return postgresStore({ client: db, schema: `kit_${schemas}` });
  },
  capabilities: { concurrentTransactions: false, durable: false, purgeIdempotency: true },
  test: { describe, it, expect, beforeAll, afterAll },
});
