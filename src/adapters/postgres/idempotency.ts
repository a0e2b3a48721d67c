import { InvariantError, StorekeepError } from "../../kernel/errors.js";
import type { IdempotencyClaim, IdempotencyStore, Json } from "../../ports/storage.js";
import type { Tables } from "./catalog.js";
import { toJsonText } from "./json.js";
import type { Session } from "./queryable.js";
import { checkText } from "./sql.js";

/*
 * Idempotency claims: INSERT ... ON CONFLICT DO NOTHING RETURNING. When another
 * transaction holds an uncommitted claim on the same key, PostgreSQL makes the INSERT wait
 * for it: if it commits, our insert does nothing and we read its committed record (a
 * replay, or a mismatch); if it rolls back, our insert claims the key. The claim row lives
 * in the command's transaction, so a failed command leaves no claim.
 */

const MAX_ATTEMPTS = 5;

/**
 * The idempotency primitive over one session.
 *
 * @example
 * ```ts
 * const claim = await postgresIdempotency(session, tables).claim("checkout-42", hash, expiresAt);
 * ```
 */
export function postgresIdempotency(session: Session, t: Tables): IdempotencyStore {
  /** Keys this transaction claimed: only those may be completed. */
  const claimedHere = new Set<string>();
  return {
    async claim(key: string, hash: string, expiresAt: string): Promise<IdempotencyClaim> {
      checkText(key, "idempotency key");
      checkText(hash, "idempotency hash");
      checkInstant(expiresAt);
      for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        const claimed = await session.query(
          `INSERT INTO ${t.idempotency} (key, hash, expires_at) VALUES ($1, $2, $3::timestamptz) ON CONFLICT (key) DO NOTHING RETURNING key`,
          [key, hash, expiresAt],
        );
        if (claimed.length === 1) {
          claimedHere.add(key);
          return { status: "claimed" };
        }
        const rows = await session.query<{ hash: string; result: string | null }>(`SELECT hash, result::text AS result FROM ${t.idempotency} WHERE key = $1`, [key]);
        const row = rows[0];
        // Purged between the two statements: claim again.
        if (row === undefined) continue;
        if (row.hash !== hash) return { status: "mismatch", hash: row.hash };
        return { status: "replay", result: row.result === null ? null : (JSON.parse(row.result) as Json) };
      }
      throw new StorekeepError("CONCURRENCY_CONFLICT", `The idempotency key "${key}" kept changing while it was claimed; retry the command.`, { idempotencyKey: key });
    },

    async complete(key: string, result: Json): Promise<void> {
      if (!claimedHere.has(key)) throw new InvariantError(`idempotency key "${key}" was not claimed in this transaction`);
      const text = toJsonText(result === undefined ? null : result, `result of ${key}`);
      const rows = await session.query(`UPDATE ${t.idempotency} SET result = $2::json, completed = true WHERE key = $1 RETURNING key`, [key, text]);
      if (rows.length === 0) throw new InvariantError(`idempotency key "${key}" vanished from the transaction that claimed it`);
    },
  };
}

/**
 * Deletes records that expired before `instant`; returns how many.
 *
 * @example
 * ```ts
 * await purgeIdempotency(session, tables, "2026-11-27T00:00:00.000Z");
 * ```
 */
export async function purgeIdempotency(session: Session, t: Tables, instant: string): Promise<number> {
  checkInstant(instant);
  const rows = await session.query<{ n: number }>(`WITH gone AS (DELETE FROM ${t.idempotency} WHERE expires_at < $1::timestamptz RETURNING 1) SELECT count(*)::int AS n FROM gone`, [
    instant,
  ]);
  return Number(rows[0]?.n ?? 0);
}

/** PostgreSQL parses what Date.parse accepts in ISO form; anything else is a programmer error. */
function checkInstant(value: string): void {
  if (typeof value !== "string" || !Number.isFinite(Date.parse(value)) || !/^[+-]?\d{4,6}-\d{2}-\d{2}T/.test(value)) {
    throw new InvariantError(`idempotency expiresAt must be an ISO instant, got ${String(value)}`);
  }
}
