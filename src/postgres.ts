/**
 * storekeep/postgres: the PostgreSQL store adapter (pg and PGlite).
 *
 * @packageDocumentation
 */
export { isStorekeepError } from "./kernel/index.js";
export { postgresStore, isPGlite } from "./adapters/postgres/index.js";
export type {
  PostgresStore,
  PostgresStoreOptions,
  PostgresClient,
  PostgresPool,
  PostgresPoolClient,
  PostgresQueryResult,
  PGliteLike,
  PGliteTransactionLike,
} from "./adapters/postgres/index.js";
