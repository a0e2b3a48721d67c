import { StorekeepError, isInvariantError, isStorekeepError } from "../../kernel/errors.js";

/*
 * Driver errors never leave the adapter raw: they become `STORE_FAILURE` with the SQLSTATE
 * in `details`, `CONCURRENCY_CONFLICT` for the transient ones (serialisation failures
 * and deadlocks) once the transaction-level retries are spent, `STORE_UNAVAILABLE` for a
 * lost or refused connection, and `COMMIT_OUTCOME_UNKNOWN` for a connection lost during COMMIT.
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
 * A `StorekeepError` for a driver error (`InvariantError`s and `StorekeepError`s pass through unchanged).
 *
 * @example
 * ```ts
 * try { await client.query(sql, values); } catch (e) { throw toStoreError(e); }
 * ```
 */
export function toStoreError(error: unknown): Error {
  if (isStorekeepError(error)) return error;
  if (isConnectionError(error)) return unavailableError(error);
  const state = sqlStateOf(error);
  const message = (error as { message?: unknown } | null)?.message ?? error;
  if (state === undefined) {
    if (isInvariantError(error)) return error;
    const code = driverCodeOf(error);
    return new StorekeepError("STORE_FAILURE", `The PostgreSQL driver failed: ${String(message)}`, code === undefined ? {} : { driverCode: code }, { cause: error });
  }
  if (TRANSIENT.has(state)) {
    return new StorekeepError("CONCURRENCY_CONFLICT", `PostgreSQL aborted the transaction (${state}: ${String(message)}); retry the command.`, { sqlState: state }, { cause: error });
  }
  return new StorekeepError("STORE_FAILURE", `PostgreSQL failed (${state}): ${String(message)}`, { sqlState: state }, { cause: error });
}

/**
 * SQLSTATEs that mean the session is gone: connection exceptions (class 08), and the server
 * ending the backend (admin shutdown / `pg_terminate_backend`, crash shutdown, not accepting
 * connections yet, idle-session and idle-in-transaction timeouts).
 */
const CONNECTION_STATES = new Set(["57P01", "57P02", "57P03", "57P05", "25P03"]);
/** Socket-level error codes Node puts on `code`. */
const SOCKET_CODES = new Set(["ECONNRESET", "ECONNREFUSED", "EPIPE", "ETIMEDOUT", "ECONNABORTED", "EHOSTUNREACH", "ENETUNREACH", "ENOTFOUND", "EAI_AGAIN"]);
/** Messages of `pg` errors that carry no code but mean the connection is lost. */
const LOST_MESSAGES = /Connection terminated|not queryable|Connection ended|connection timeout|timeout exceeded when trying to connect/i;

/**
 * The driver's code for an error: the SQLSTATE, a socket code (`ECONNRESET`), or undefined.
 *
 * @example
 * ```ts
 * driverCodeOf({ code: "57P01" }) === "57P01";
 * ```
 */
export function driverCodeOf(error: unknown): string | undefined {
  if (isStorekeepError(error)) {
    const code = error.details["driverCode"] ?? error.details["sqlState"];
    return typeof code === "string" ? code : undefined;
  }
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && code !== "" ? code : undefined;
}

/**
 * True when `error` says the database connection is lost or could not be made (as opposed
 * to a statement the server refused): the session is unusable, the transaction did not
 * commit unless the loss happened during COMMIT.
 *
 * @example
 * ```ts
 * if (isConnectionError(error)) connection.release(true);
 * ```
 */
export function isConnectionError(error: unknown): boolean {
  if (isStorekeepError(error)) return error.code === "STORE_UNAVAILABLE";
  const code = driverCodeOf(error);
  if (code !== undefined) {
    if (/^08[0-9A-Z]{3}$/.test(code) || CONNECTION_STATES.has(code) || SOCKET_CODES.has(code)) return true;
    if (/^[0-9A-Z]{5}$/.test(code)) return false;
  }
  const message = (error as { message?: unknown } | null)?.message;
  return typeof message === "string" && LOST_MESSAGES.test(message);
}

/**
 * `STORE_UNAVAILABLE` for a lost or refused connection: retryable, the driver's code in
 * `details.driverCode`.
 *
 * @example
 * ```ts
 * throw unavailableError(error);
 * ```
 */
export function unavailableError(error: unknown): StorekeepError {
  if (isStorekeepError(error) && error.code === "STORE_UNAVAILABLE") return error;
  const code = driverCodeOf(error) ?? "CONNECTION_LOST";
  const message = String((error as { message?: unknown } | null)?.message ?? error);
  return new StorekeepError("STORE_UNAVAILABLE", `The database connection was lost or refused (${code}: ${message}); nothing was committed, retry the command (with its idempotency key).`, { driverCode: code, retryable: true }, { cause: error });
}

/**
 * `COMMIT_OUTCOME_UNKNOWN`: the connection died while COMMIT was in flight, so the
 * transaction may or may not have committed. Replaying the command with the same
 * idempotency key tells: it returns the stored result if it committed, or runs it now.
 *
 * @example
 * ```ts
 * throw commitUnknownError(error);
 * ```
 */
export function commitUnknownError(error: unknown): StorekeepError {
  const code = driverCodeOf(error) ?? "CONNECTION_LOST";
  const message = String((error as { message?: unknown } | null)?.message ?? error);
  return new StorekeepError(
    "COMMIT_OUTCOME_UNKNOWN",
    `The database connection was lost during COMMIT (${code}: ${message}); the command may or may not have committed. Replay it with the same idempotency key: that returns its result if it committed and runs it otherwise.`,
    { driverCode: code, retryable: true },
    { cause: error },
  );
}
