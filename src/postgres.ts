/**
 * storekeep/postgres: the PostgreSQL store adapter (pg and PGlite).
 *
 * @packageDocumentation
 */
export { isStorekeepError } from "./kernel/index.js";
