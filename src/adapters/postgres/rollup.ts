import type { Tables } from "./catalog.js";
import type { Session } from "./queryable.js";

/*
 * The balance roll-up: folds committed delta rows into one snapshot row per
 * (family, key, bucket), in one statement. Deltas are claimed with FOR UPDATE SKIP LOCKED,
 * so two roll-ups never fold the same rows and never wait on each other's deltas; the
 * delete and the snapshot upsert commit together, so a reader's statement sees each delta
 * either as a delta or inside its snapshot, never both and never neither. Command
 * transactions never touch snapshot rows: only roll-ups lock them, briefly, in key order.
 */

/**
 * The roll-up statement: moves at most `$1` delta rows into snapshots; returns how many.
 *
 * @example
 * ```ts
 * const [{ moved }] = await session.query(rollupStatement(tables), [10_000]);
 * ```
 */
export function rollupStatement(t: Tables): string {
  return `WITH moved AS (
      DELETE FROM ${t.balanceDeltas} WHERE id IN (SELECT id FROM ${t.balanceDeltas} ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED)
      RETURNING family, key, bucket, amounts
    ), per_position AS (
      SELECT m.family, m.key, m.bucket, a.i, sum(a.v) AS v
      FROM moved m CROSS JOIN LATERAL unnest(m.amounts) WITH ORDINALITY AS a(v, i)
      GROUP BY m.family, m.key, m.bucket, a.i
    ), folded AS (
      SELECT family, key, bucket, array_agg(coalesce(v, 0) ORDER BY i) AS amounts
      FROM per_position GROUP BY family, key, bucket
    ), upserted AS (
      INSERT INTO ${t.balanceSnapshots} AS s (family, key, bucket, amounts)
      SELECT family, key, bucket, amounts FROM folded ORDER BY family, key, bucket
      ON CONFLICT (family, key, bucket) DO UPDATE SET amounts = ARRAY(
        SELECT coalesce(x, 0) + coalesce(y, 0) FROM unnest(s.amounts, excluded.amounts) WITH ORDINALITY AS p(x, y, i) ORDER BY i
      )
      RETURNING 1
    )
    SELECT (SELECT count(*) FROM moved)::int AS moved`;
}

/**
 * Runs roll-up batches on `session` (each its own transaction, begun by `transaction`)
 * until fewer than `batch` rows move; returns the total moved.
 *
 * @example
 * ```ts
 * const moved = await rollupBalances((work) => store.runInTransaction(work), tables, 10_000);
 * ```
 */
export async function rollupBalances(transaction: <T>(work: (session: Session) => Promise<T>) => Promise<T>, t: Tables, batch: number, maxBatches = 1_000): Promise<number> {
  const sql = rollupStatement(t);
  let total = 0;
  for (let i = 0; i < maxBatches; i++) {
    const moved = await transaction(async (session) => {
      const rows = await session.query<{ moved: number }>(sql, [batch]);
      return Number(rows[0]?.moved ?? 0);
    });
    total += moved;
    if (moved < batch) break;
  }
  return total;
}
