import { memoryStore } from "../src/adapters/memory/index.js";
import { postgresStore } from "../src/adapters/postgres/index.js";
import { StorekeepError } from "../src/kernel/errors.js";
import type { Store } from "../src/ports/storage.js";

/**
 * The store the demo runs on, chosen by `--store`:
 * - `--store memory` (the default): the in-memory store;
 * - `--store pglite`: embedded PostgreSQL (PGlite, in memory, nothing to install);
 * - `--store postgres://user@host:port/db`: a PostgreSQL server, in the schema given by
 *   `--schema` (default `storekeep_demo`). The demo owns that schema: it is dropped and
 *   created again at start so every run begins empty. Never point it at a schema you keep.
 *
 * The drivers are loaded only when asked for (they are optional peers of storekeep).
 *
 * @example
 * ```ts
 * const { store, close } = await storeFromArgs(process.argv.slice(2));
 * try { await runDemo(store); } finally { await close(); }
 * ```
 */
export async function storeFromArgs(argv: string[]): Promise<{ store: Store; close(): Promise<void> }> {
  const choice = option(argv, "--store") ?? "memory";
  const schema = option(argv, "--schema") ?? "storekeep_demo";
  if (choice === "memory") {
    const store = memoryStore();
    return { store, close: async () => store.close?.() };
  }
  if (choice === "pglite") {
    const { PGlite } = await import("@electric-sql/pglite");
    const db = new PGlite();
    await db.waitReady;
    const store = postgresStore({ client: db, schema });
    return {
      store,
      async close() {
        await store.close();
        await db.close();
      },
    };
  }
  if (/^postgres(ql)?:\/\//.test(choice)) {
    const { default: pg } = await import("pg");
    const pool = new pg.Pool({ connectionString: choice, max: 10 });
    const quoted = `"${schema.replace(/"/g, '""')}"`;
    await pool.query(`DROP SCHEMA IF EXISTS ${quoted} CASCADE`);
    const store = postgresStore({ client: pool, schema });
    return {
      store,
      async close() {
        await store.close();
        await pool.end();
      },
    };
  }
  throw new StorekeepError("VALIDATION_FAILED", `--store ${choice}: use memory, pglite or a postgres://user@host:port/db URL.`, {
    issues: [{ path: "--store", message: "memory, pglite or postgres://…", code: "custom" }],
  });
}

/** The value of `--name value` or `--name=value`. */
function option(argv: readonly string[], name: string): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === name) return argv[i + 1];
    if (arg.startsWith(`${name}=`)) return arg.slice(name.length + 1);
  }
  return undefined;
}
