/*
 * The driver surface the adapter needs, typed structurally (as Kysely's `PostgresPool`):
 * storekeep imports neither `pg` nor `@electric-sql/pglite` at runtime, both are optional
 * peers of `storekeep/postgres`.
 */

/**
 * The subset of a `pg` query result the adapter reads.
 *
 * @example
 * ```ts
 * const { rows } = await client.query<{ n: string }>("select 1::text as n");
 * ```
 */
export interface PostgresQueryResult<R> {
  readonly rows: R[];
}

/**
 * The subset of `pg.PoolClient` the adapter needs: one connection, released after use.
 *
 * @example
 * ```ts
 * const client: PostgresPoolClient = await pool.connect();
 * try { await client.query("select 1"); } finally { client.release(); }
 * ```
 */
export interface PostgresPoolClient {
  query<R = Record<string, unknown>>(text: string, values?: unknown[]): Promise<PostgresQueryResult<R>>;
  /** Released with an error or `true`: the pool destroys the connection instead of reusing it. */
  release(destroy?: Error | boolean): void;
  /** `pg` clients are event emitters: the adapter listens to `'error'` while it holds one. */
  on?(event: "error", listener: (error: Error) => void): unknown;
  removeListener?(event: "error", listener: (error: Error) => void): unknown;
}

/**
 * The subset of `pg.Pool` the adapter needs. One `connect()`ed client per unit of work.
 *
 * @example
 * ```ts
 * import pg from "pg";
 * const pool: PostgresPool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
 * ```
 */
export interface PostgresPool {
  connect(): Promise<PostgresPoolClient>;
  /** `pg.Pool` reports idle clients that lost their connection as `'error'` events. */
  on?(event: "error", listener: (error: Error) => void): unknown;
}

/**
 * The subset of a PGlite transaction the adapter needs.
 *
 * @example
 * ```ts
 * await db.transaction(async (tx: PGliteTransactionLike) => tx.query("select 1"));
 * ```
 */
export interface PGliteTransactionLike {
  query<R = Record<string, unknown>>(text: string, params?: unknown[]): Promise<PostgresQueryResult<R>>;
}

/**
 * The subset of a `PGlite` instance the adapter needs: queries and its own `transaction()`.
 *
 * @example
 * ```ts
 * import { PGlite } from "@electric-sql/pglite";
 * const db: PGliteLike = new PGlite();
 * ```
 */
export interface PGliteLike extends PGliteTransactionLike {
  transaction<T>(callback: (tx: PGliteTransactionLike) => Promise<T>): Promise<T>;
}

/**
 * What `postgresStore` accepts: a `pg.Pool` or a `PGlite` instance.
 *
 * @example
 * ```ts
 * const client: PostgresClient = new PGlite();
 * ```
 */
export type PostgresClient = PostgresPool | PGliteLike;

/**
 * True when `client` is a PGlite instance (it has `transaction()`; a pool has `connect()`).
 *
 * @example
 * ```ts
 * if (isPGlite(client)) await client.transaction(work);
 * ```
 */
export function isPGlite(client: PostgresClient): client is PGliteLike {
  return typeof (client as Partial<PGliteLike>).transaction === "function" && typeof (client as Partial<PostgresPool>).connect !== "function";
}

/**
 * One session inside the adapter: a transaction's connection, already wrapped so that
 * driver errors become `StorekeepError`s. Values are strings, numbers, null or arrays of
 * strings; every result column is cast to text in SQL so both drivers return strings.
 *
 * @example
 * ```ts
 * const rows = await session.query<{ id: string }>("select id from t where k = $1", ["x"]);
 * ```
 */
export interface Session {
  query<R = Record<string, unknown>>(text: string, values?: readonly unknown[]): Promise<R[]>;
}
