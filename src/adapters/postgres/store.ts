import { plainInput } from "../../kernel/boundary.js";
import { InvariantError, StorekeepError, isStorekeepError } from "../../kernel/errors.js";
import type { PositionedEvent, Store, StoreCapabilities, StoreRegistry, Transaction } from "../../ports/storage.js";
import { postgresBalances } from "./balances.js";
import { Catalog, tablesFor } from "./catalog.js";
import { postgresCounters } from "./counters.js";
import { postgresDocuments } from "./documents.js";
import { commitUnknownError, isConnectionError, isTransient, toStoreError, unavailableError } from "./errors.js";
import { postgresIdempotency, purgeIdempotency } from "./idempotency.js";
import { postgresLogs } from "./logs.js";
import { migrateSchema } from "./migrate.js";
import { postgresOutbox, readOutbox } from "./outbox.js";
import { type PostgresClient, type PostgresPool, type PostgresPoolClient, type PostgresQueryResult, type PGliteLike, type PGliteTransactionLike, type Session, isPGlite } from "./queryable.js";
import { rollupBalances } from "./rollup.js";

/**
 * Options of {@link postgresStore}.
 *
 * @example
 * ```ts
 * const options: PostgresStoreOptions = { client: pool, schema: "shop_42" };
 * ```
 */
export interface PostgresStoreOptions {
  /** A `pg.Pool` (one connected client per unit of work) or a `PGlite` instance. */
  readonly client: PostgresClient;
  /** The schema holding the store's tables (one per shop, or per test run). Default `storekeep`. */
  readonly schema?: string;
  /** Retries of a whole transaction after a serialisation failure or deadlock (pools only). Default 5. */
  readonly maxRetries?: number;
  /**
   * Folds balance deltas into snapshots in the background once this store has appended
   * `everyDeltas` delta rows (default 10,000), `batch` rows per roll-up transaction.
   * `false`: only when `rollupBalances()` is called.
   */
  readonly rollup?: { readonly everyDeltas?: number; readonly batch?: number } | false;
  /** Overrides `capabilities.durable` (default: true for a pool and for PGlite with a data directory). */
  readonly durable?: boolean;
  /**
   * Pools only: send each statement as a named prepared statement (`pg`'s `{ name, text,
   * values }`), so the server parses it once per connection instead of at every call (about
   * 12% more orders/s in `sales.order-lifecycle-server`, docs/performance.md). Off by default:
   * a pooler in transaction mode (PgBouncer before 1.21, or without `max_prepared_statements`)
   * routes a connection's statements to other server sessions, where the name is unknown. Each
   * connection keeps one prepared statement per distinct statement text (a few hundred per
   * schema). PGlite ignores it.
   */
  readonly preparedStatements?: boolean;
}

/**
 * The PostgreSQL store: the storage contract, plus the balance roll-up.
 *
 * @example
 * ```ts
 * const store: PostgresStore = postgresStore({ client: pool });
 * await store.rollupBalances();
 * ```
 */
export interface PostgresStore extends Store {
  /** The schema this store lives in. */
  readonly schema: string;
  /** Deletes idempotency records that expired before `instant` (ISO); returns how many. */
  purgeIdempotency(instant: string): Promise<number>;
  /** Folds every committed balance delta into its snapshot row now; returns how many deltas moved. */
  rollupBalances(options?: { readonly batch?: number }): Promise<number>;
  /** Waits for a background roll-up; does not end the pool or close PGlite (their owner does). */
  close(): Promise<void>;
}

const DEFAULT_SCHEMA = "storekeep";
const DEFAULT_RETRIES = 5;
const DEFAULT_ROLLUP_EVERY = 10_000;
const DEFAULT_ROLLUP_BATCH = 10_000;

/**
 * A {@link Store} on PostgreSQL through `pg` or PGlite. Neither driver is imported: pass
 * your own `pg.Pool` or `PGlite`. Call `migrate(registry)` once before use (the runner
 * does). Transactions run at READ COMMITTED; the contract's isolation comes from row locks
 * (`getForUpdate`, counters), version checks and commutative balance deltas.
 *
 * @example
 * ```ts
 * import pg from "pg";
 * import { postgresStore } from "storekeep/postgres";
 * const store = postgresStore({ client: new pg.Pool({ connectionString: process.env.DATABASE_URL }), schema: "shop_1" });
 * await store.migrate(registry);
 * await store.transaction((tx) => tx.documents.put("notes", "n1", { text: "hello" }, 0));
 * ```
 */
export function postgresStore(untrustedOptions: PostgresStoreOptions): PostgresStore {
  const options = readOptions(untrustedOptions);
  const client = options.client;
  if (client === null || typeof client !== "object" || (typeof (client as Partial<PostgresPool>).connect !== "function" && typeof (client as Partial<PGliteLike>).transaction !== "function")) {
    throw new StorekeepError("VALIDATION_FAILED", "postgresStore needs `client`: a pg.Pool or a PGlite instance.", { issues: [{ path: "client", message: "a pg.Pool or a PGlite", code: "custom" }] });
  }
  const schema = options.schema ?? DEFAULT_SCHEMA;
  const tables = tablesFor(schema);
  const catalog = new Catalog(tables);
  const maxRetries = options.maxRetries ?? DEFAULT_RETRIES;
  const rollupEvery = options.rollup === false ? Infinity : (options.rollup?.everyDeltas ?? DEFAULT_ROLLUP_EVERY);
  const rollupBatch = (options.rollup === false ? undefined : options.rollup?.batch) ?? DEFAULT_ROLLUP_BATCH;
  const embedded = isPGlite(client);
  const dataDir = (client as { dataDir?: unknown }).dataDir;
  const capabilities: StoreCapabilities = Object.freeze({
    concurrentTransactions: !embedded,
    durable: options.durable ?? (!embedded || (typeof dataDir === "string" && dataDir !== "" && !dataDir.startsWith("memory://"))),
  });

  if (!embedded) listenToPool(client as PostgresPool);
  const prepared = options.preparedStatements === true;
  /** How statements go to a pooled connection: as they are, or named (prepared once per connection). */
  const send =
    (connection: PostgresPoolClient) =>
    (text: string, values?: unknown[]): Promise<PostgresQueryResult<Record<string, unknown>>> =>
      prepared && values !== undefined && values.length > 0
        ? (connection.query as unknown as (config: { name: string; text: string; values: unknown[] }) => Promise<PostgresQueryResult<Record<string, unknown>>>)({ name: statementName(text), text, values })
        : connection.query(text, values);

  let pendingDeltas = 0;
  /** PGlite only: command transactions of this store holding the single session now. */
  let embeddedOpen = 0;
  let background: Promise<void> | undefined;

  /**
   * A session over a driver's query function; errors become StorekeepErrors. `lost`: the
   * connection's recorded failure, if its 'error' event fired (every later error is then
   * `STORE_UNAVAILABLE`, whatever the driver says).
   */
  function sessionOf(query: (text: string, values?: unknown[]) => Promise<{ rows: unknown[] }>, lost: () => Error | undefined = () => undefined): Session & { end(): void } {
    let open = true;
    return {
      async query<R>(text: string, values?: readonly unknown[]): Promise<R[]> {
        if (!open) throw new InvariantError("this transaction has already ended; do not keep `tx` beyond the work function");
        try {
          const result = await query(text, values === undefined ? undefined : [...values]);
          return result.rows as R[];
        } catch (error) {
          const failure = lost();
          throw failure !== undefined && !isStorekeepError(error) ? unavailableError(failure) : toStoreError(error);
        }
      },
      end() {
        open = false;
      },
    };
  }

  /**
   * A connection out of the pool, with an 'error' listener while the adapter holds it (a
   * `pg` client whose backend dies emits 'error', which would crash the process unheard).
   * A connection that failed is released destroyed, never back into the pool.
   */
  async function checkOut(): Promise<HeldConnection> {
    let connection: PostgresPoolClient;
    try {
      connection = await (client as PostgresPool).connect();
    } catch (error) {
      throw toStoreError(error);
    }
    let lost: Error | undefined;
    let released = false;
    const listener = (error: Error): void => {
      lost ??= error instanceof Error ? error : new Error(String(error));
    };
    connection.on?.("error", listener);
    return {
      connection,
      lost: () => lost,
      release(destroy: Error | undefined) {
        if (released) return;
        released = true;
        if (destroy !== undefined || lost !== undefined) {
          // The listener stays: a dying client may still emit (its socket closing).
          connection.release(lost ?? destroy);
        } else {
          connection.removeListener?.("error", listener);
          connection.release();
        }
      },
    };
  }

  /**
   * Runs `work` in one database transaction. On pools it retries transient failures
   * (serialisation, deadlock) and a connection lost before COMMIT (the transaction rolled
   * back with its connection, so running it again is safe); a connection lost during COMMIT
   * is `COMMIT_OUTCOME_UNKNOWN`. `callerWork`: the work is the caller's (it may wait on
   * anything, a reader included).
   */
  async function inTransaction<T>(work: (session: Session) => Promise<T>, callerWork = false): Promise<T> {
    if (embedded) {
      return (client as PGliteLike).transaction(async (tx: PGliteTransactionLike) => {
        const session = sessionOf((text, values) => tx.query(text, values));
        if (callerWork) embeddedOpen += 1;
        try {
          return await work(session);
        } finally {
          if (callerWork) embeddedOpen -= 1;
          session.end();
        }
      });
    }
    for (let attempt = 0; ; attempt++) {
      if (attempt > 0) await sleep(backoffMs(attempt - 1));
      let held: HeldConnection;
      try {
        held = await checkOut();
      } catch (error) {
        if (isConnectionError(error) && attempt < maxRetries) continue;
        throw error;
      }
      const session = sessionOf(send(held.connection), held.lost);
      let destroy: Error | undefined;
      let committing = false;
      try {
        await session.query("BEGIN");
        const result = await work(session);
        const lostBefore = held.lost();
        if (lostBefore !== undefined) throw unavailableError(lostBefore);
        committing = true;
        try {
          await session.query("COMMIT");
        } catch (commitError) {
          if (held.lost() !== undefined || isConnectionError(commitError)) {
            destroy = asError(commitError);
            throw commitUnknownError(held.lost() ?? commitError);
          }
          throw commitError;
        }
        return result;
      } catch (error) {
        if (isStorekeepError(error) && error.code === "COMMIT_OUTCOME_UNKNOWN" && committing) throw error;
        const lost = held.lost() !== undefined || isConnectionError(error);
        if (lost) {
          destroy = asError(error);
        } else {
          try {
            await held.connection.query("ROLLBACK");
          } catch (rollbackError) {
            destroy = asError(rollbackError);
          }
        }
        if ((isTransient(error) || lost) && attempt < maxRetries) continue;
        throw lost ? unavailableError(held.lost() ?? error) : error;
      } finally {
        session.end();
        held.release(destroy);
      }
    }
  }

  /** Statements outside any command transaction (reads, purges: safe to run again after a lost connection). */
  async function once<T>(work: (session: Session) => Promise<T>): Promise<T> {
    if (embedded) return work(sessionOf((text, values) => (client as PGliteLike).query(text, values)));
    for (let attempt = 0; ; attempt++) {
      if (attempt > 0) await sleep(backoffMs(attempt - 1));
      let held: HeldConnection;
      try {
        held = await checkOut();
      } catch (error) {
        if (isConnectionError(error) && attempt < maxRetries) continue;
        throw error;
      }
      const session = sessionOf(send(held.connection), held.lost);
      let destroy: Error | undefined;
      try {
        return await work(session);
      } catch (error) {
        const lost = held.lost() !== undefined || isConnectionError(error);
        if (lost) destroy = asError(error);
        if (lost && attempt < maxRetries) continue;
        throw lost ? unavailableError(held.lost() ?? error) : error;
      } finally {
        session.end();
        held.release(destroy);
      }
    }
  }

  function maybeRollup(): void {
    if (pendingDeltas < rollupEvery || background !== undefined) return;
    pendingDeltas = 0;
    background = rollupBalances(inTransaction, tables, rollupBatch)
      .then(
        () => undefined,
        // The roll-up only speeds reads up; a failed one leaves the deltas, still correct.
        () => undefined,
      )
      .finally(() => {
        background = undefined;
      });
  }

  const store: PostgresStore = {
    name: "postgres",
    schema,
    capabilities,

    async migrate(registry: StoreRegistry): Promise<void> {
      const publish = await inTransaction((session) => migrateSchema(session, catalog, registry));
      publish();
    },

    async transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
      let appended = 0;
      const result = await inTransaction(async (session) => {
        appended = 0;
        const documents = postgresDocuments(session, catalog);
        const balances = postgresBalances(session, catalog, (rows) => {
          appended += rows;
        });
        const tx: Transaction = {
          documents,
          logs: postgresLogs(session, catalog),
          balances,
          counters: postgresCounters(session, catalog),
          events: postgresOutbox(session, tables),
          idempotency: postgresIdempotency(session, tables),
        };
        const out = await work(tx);
        await documents.flush();
        await balances.flush();
        return out;
      }, true);
      if (appended > 0) {
        pendingDeltas += appended;
        maybeRollup();
      }
      return result;
    },

    async readEvents(cursor: string | null, limit: number): Promise<PositionedEvent[]> {
      // PGlite has one session: while a transaction holds it, a read would wait for that
      // transaction, which may itself be waiting for this reader. An empty page skips
      // nothing (the cursor does not move) and the next poll after the transaction ends
      // sees every committed event; the cursor is still validated.
      if (embedded && embeddedOpen > 0) return readOutbox(NO_SESSION, tables, cursor, 0);
      return once((session) => readOutbox(session, tables, cursor, limit));
    },

    purgeIdempotency(instant: string): Promise<number> {
      return once((session) => purgeIdempotency(session, tables, instant));
    },

    async rollupBalances(rollupOptions?: { readonly batch?: number }): Promise<number> {
      if (background !== undefined) await background;
      pendingDeltas = 0;
      return rollupBalances(inTransaction, tables, rollupOptions?.batch ?? rollupBatch);
    },

    async close(): Promise<void> {
      if (background !== undefined) await background;
    },
  };
  return store;
}

/**
 * Statement names for `preparedStatements`, one per distinct text in the process: a
 * connection caches a name with the text it was prepared with, so a name never changes text.
 */
const STATEMENT_NAMES = new Map<string, string>();

function statementName(text: string): string {
  let name = STATEMENT_NAMES.get(text);
  if (name === undefined) {
    name = `storekeep_${STATEMENT_NAMES.size + 1}`;
    STATEMENT_NAMES.set(text, name);
  }
  return name;
}

/** The options, read once (a throwing getter or `null` is VALIDATION_FAILED); the client is kept as it is. */
function readOptions(options: unknown): PostgresStoreOptions {
  const refuse = (message: string): StorekeepError => new StorekeepError("VALIDATION_FAILED", `postgresStore options ${message}.`, { issues: [{ path: "options", message, code: "custom" }] });
  let read: Record<string, unknown>;
  try {
    if (options === null || typeof options !== "object" || Array.isArray(options)) throw refuse("must be an object ({ client, schema?, maxRetries?, rollup?, durable?, preparedStatements? })");
    const o = options as Record<string, unknown>;
    read = { client: o["client"], schema: o["schema"], maxRetries: o["maxRetries"], rollup: o["rollup"] === undefined || o["rollup"] === false ? o["rollup"] : plainInput(o["rollup"], "rollup"), durable: o["durable"], preparedStatements: o["preparedStatements"] };
  } catch (error) {
    if (isStorekeepError(error)) throw error;
    throw refuse(`could not be read (${error instanceof Error ? error.message : String(error)})`);
  }
  if (read["schema"] !== undefined && (typeof read["schema"] !== "string" || read["schema"] === "")) throw refuse("schema must be a non-empty string");
  if (read["maxRetries"] !== undefined && (!Number.isInteger(read["maxRetries"]) || (read["maxRetries"] as number) < 0 || (read["maxRetries"] as number) > 100)) throw refuse("maxRetries must be a whole number from 0 to 100");
  if (read["rollup"] !== undefined && read["rollup"] !== false && (read["rollup"] === null || typeof read["rollup"] !== "object")) throw refuse("rollup must be an object or false");
  if (read["durable"] !== undefined && typeof read["durable"] !== "boolean") throw refuse("durable must be a boolean");
  if (read["preparedStatements"] !== undefined && typeof read["preparedStatements"] !== "boolean") throw refuse("preparedStatements must be a boolean");
  for (const key of Object.keys(read)) if (read[key] === undefined) delete read[key];
  return read as unknown as PostgresStoreOptions;
}

/** A pooled connection the adapter holds, with what its 'error' listener heard. */
interface HeldConnection {
  readonly connection: PostgresPoolClient;
  lost(): Error | undefined;
  /** Back to the pool, or destroyed when `destroy` (the failure) is given or the connection failed. */
  release(destroy: Error | undefined): void;
}

/** Pools already given the adapter's 'error' listener (one per pool, however many stores share it). */
const heardPools = new WeakSet<object>();

/**
 * An idle pooled client whose backend dies (a failover, `pg_terminate_backend`, an idle
 * timeout) is removed by `pg.Pool`, which then emits 'error'; with no listener Node ends
 * the process. The adapter listens once per pool; the pool has already dropped the client.
 */
function listenToPool(pool: PostgresPool): void {
  if (typeof pool.on !== "function" || heardPools.has(pool)) return;
  heardPools.add(pool);
  pool.on("error", () => undefined);
}

/** A session that answers nothing: used only with limit 0, which never queries. */
const NO_SESSION: Session = {
  query: async () => [],
};

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

function backoffMs(attempt: number): number {
  // Jittered exponential backoff, 2 ms to ~100 ms, so retried transactions spread out.
  return Math.min(100, 2 ** attempt * 2) * (0.5 + Math.random());
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
