import { StorekeepError, isStorekeepError } from "../../kernel/errors.js";

/*
 * Driver errors never leave the adapter raw: they become `STORE_FAILURE` with the SQLSTATE
 * in `details`, or `CONCURRENCY_CONFLICT` for the transient ones (serialisation failures
 * and deadlocks) once the transaction-level retries are spent.
 */

/** Serialisation failure, deadlock, and lock_not_available (the counters' NOWAIT). */
const TRANSIENT = new Set(["40001", "40P01", "55P03"]);

/**
 * The SQLSTATE of a driver error (pg and PGlite both put it on `code`), if any.
 *
 * @example
 * ```ts
 * sqlStateOf(error) === "40001";
 * ```
 */
export function sqlStateOf(error: unknown): string | undefined {
  if (isStorekeepError(error)) {
    const state = error.details["sqlState"];
    return typeof state === "string" ? state : undefined;
  }
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/**
 * True for serialisation failures, deadlocks and NOWAIT lock failures: retrying the whole
 * transaction may succeed.
 *
 * @example
 * ```ts
 * if (isTransient(error) && attempt < 3) continue;
 * ```
 */
export function isTransient(error: unknown): boolean {
  const state = sqlStateOf(error);
  return state !== undefined && TRANSIENT.has(state);
}

/**
 * A `StorekeepError` for a driver error; `StorekeepError`s pass through unchanged.
 *
 * @example
 * ```ts
 * try { await client.query(sql, values); } catch (e) { throw toStoreError(e); }
 * ```
 */
export function toStoreError(error: unknown): unknown {
  if (isStorekeepError(error)) return error;
  const state = sqlStateOf(error);
  if (state === undefined) return error;
  const message = (error as { message?: unknown }).message;
  if (TRANSIENT.has(state)) {
    return new StorekeepError("CONCURRENCY_CONFLICT", `PostgreSQL aborted the transaction (${state}: ${String(message)}); retry the command.`, { sqlState: state }, { cause: error });
  }
  return new StorekeepError("STORE_FAILURE", `PostgreSQL failed (${state}): ${String(message)}`, { sqlState: state }, { cause: error });
}
