import type { Decimal } from "../../kernel/decimal.js";
import type { BalanceDelta, BalanceQuery, BalanceStore, BucketRange } from "../../ports/storage.js";
import type { BalanceEntry, Catalog } from "./catalog.js";
import { fromTexts, toVector } from "./decimals.js";
import type { Session } from "./queryable.js";
import { checkText, likePrefix, numericArrayLiteral } from "./sql.js";

/*
 * Balances: a write appends one delta row per (key, bucket) and never updates a row, so
 * two transactions adding to the same hot account never wait on each other. Reads sum the
 * per-(key, bucket) snapshot rows and the deltas not yet folded into them, in SQL. The
 * roll-up (rollup.ts) moves deltas into snapshots in its own short transactions.
 */

/**
 * The balance primitive over one session. `onAppended` counts delta rows for the roll-up.
 *
 * @example
 * ```ts
 * const balances = postgresBalances(session, catalog, (n) => (pending += n));
 * ```
 */
export function postgresBalances(session: Session, catalog: Catalog, onAppended: (rows: number) => void): BalanceStore & { flush(family?: string): Promise<void> } {
  const t = catalog.tables;

  /*
   * Delta rows wait here and go to the server in one INSERT before the next read of their
   * family and before COMMIT: appending rows cannot fail once their values were checked,
   * so a command that posts one entry per line inserts its deltas once.
   */
  const pending = { families: [] as string[], keys: [] as string[], buckets: [] as string[], amounts: [] as string[] };

  async function flush(family?: string): Promise<void> {
    if (pending.families.length === 0) return;
    if (family !== undefined && !pending.families.includes(family)) return;
    const rows = { ...pending };
    pending.families = [];
    pending.keys = [];
    pending.buckets = [];
    pending.amounts = [];
    await session.query(
      `INSERT INTO ${t.balanceDeltas} (family, key, bucket, amounts) SELECT f, k, b, a::numeric[] FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS d(f, k, b, a)`,
      [rows.families, rows.keys, rows.buckets, rows.amounts],
    );
  }

  function sums(spec: BalanceEntry): string {
    return spec.fields.map((_, i) => `coalesce(sum(amounts[${i + 1}]), 0)::text AS f${i}`).join(", ");
  }

  function rowsOf(spec: BalanceEntry, row: Record<string, string | null>): (string | null)[] {
    return spec.fields.map((_, i) => row[`f${i}`] ?? null);
  }

  /** `family = $1 AND ... ` for both tables, with bucket bounds, and the values. */
  function filter(family: string, keyClause: string, keyValues: unknown[], buckets: BucketRange | undefined): { where: string; values: unknown[] } {
    const values: unknown[] = [family, ...keyValues];
    const where = ["family = $1", keyClause];
    if (buckets?.from !== undefined) {
      values.push(checkText(buckets.from, "bucket"));
      where.push(`bucket >= $${values.length}`);
    }
    if (buckets?.to !== undefined) {
      values.push(checkText(buckets.to, "bucket"));
      where.push(`bucket <= $${values.length}`);
    }
    return { where: where.filter((w) => w !== "").join(" AND "), values };
  }

  function union(columns: string, where: string): string {
    return `SELECT ${columns} FROM ${t.balanceSnapshots} WHERE ${where} UNION ALL SELECT ${columns} FROM ${t.balanceDeltas} WHERE ${where}`;
  }

  return {
    /** Sends the waiting delta rows (of one family, or all before commit). */
    flush,

    async add(family: string, deltas: readonly BalanceDelta[]): Promise<void> {
      const spec = await catalog.balance(session, family);
      if (deltas.length === 0) return;
      const keys: string[] = [];
      const buckets: string[] = [];
      const amounts: string[] = [];
      // Every value is checked before any is kept, so a bad delta adds nothing.
      for (const delta of deltas) {
        keys.push(checkText(delta.key, "balance key"));
        buckets.push(checkText(delta.bucket, "bucket"));
        amounts.push(numericArrayLiteral(toVector(spec.fields, delta.amounts, family, "Balance")));
      }
      for (let i = 0; i < keys.length; i++) {
        pending.families.push(family);
        pending.keys.push(keys[i]!);
        pending.buckets.push(buckets[i]!);
        pending.amounts.push(amounts[i]!);
      }
      onAppended(deltas.length);
    },

    async sum(family: string, key: string, buckets?: BucketRange): Promise<Record<string, Decimal>> {
      const spec = await catalog.balance(session, family);
      const { where, values } = filter(family, "key = $2", [checkText(key, "balance key")], buckets);
      await flush(family);
      const rows = await session.query<Record<string, string | null>>(`SELECT ${sums(spec)} FROM (${union("amounts", where)}) AS u`, values);
      return fromTexts(spec.fields, rows[0] === undefined ? [] : rowsOf(spec, rows[0]));
    },

    async sumByKey(family: string, query?: BalanceQuery): Promise<Map<string, Record<string, Decimal>>> {
      const spec = await catalog.balance(session, family);
      const keyValues: unknown[] = [];
      const keyClauses: string[] = [];
      if (query?.keys !== undefined) {
        const keys = query.keys.map((k) => checkText(k, "balance key"));
        if (keys.length === 0) return new Map();
        keyValues.push(keys);
        keyClauses.push(`key = ANY($${1 + keyValues.length}::text[])`);
      }
      if (query?.keyPrefix !== undefined && query.keyPrefix !== "") {
        keyValues.push(likePrefix(checkText(query.keyPrefix, "key prefix")));
        keyClauses.push(`key LIKE $${1 + keyValues.length}`);
      }
      const { where, values } = filter(family, keyClauses.join(" AND "), keyValues, query?.buckets);
      await flush(family);
      const rows = await session.query<Record<string, string | null> & { key: string }>(
        `SELECT key, ${sums(spec)} FROM (${union("key, amounts", where)}) AS u GROUP BY key ORDER BY key`,
        values,
      );
      const out = new Map<string, Record<string, Decimal>>();
      for (const row of rows) out.set(row.key, fromTexts(spec.fields, rowsOf(spec, row)));
      return out;
    },

    async buckets(family: string, key: string, range?: BucketRange): Promise<{ bucket: string; amounts: Record<string, Decimal> }[]> {
      const spec = await catalog.balance(session, family);
      const { where, values } = filter(family, "key = $2", [checkText(key, "balance key")], range);
      await flush(family);
      const rows = await session.query<Record<string, string | null> & { bucket: string }>(
        `SELECT bucket, ${sums(spec)} FROM (${union("bucket, amounts", where)}) AS u GROUP BY bucket ORDER BY bucket`,
        values,
      );
      return rows.map((row) => ({ bucket: row.bucket, amounts: fromTexts(spec.fields, rowsOf(spec, row)) }));
    },
  };
}
