export { postgresStore } from "./store.js";
export type { PostgresStore, PostgresStoreOptions } from "./store.js";
export { isPGlite } from "./queryable.js";
export type { PGliteLike, PGliteTransactionLike, PostgresClient, PostgresPool, PostgresPoolClient, PostgresQueryResult } from "./queryable.js";
