import { InvariantError, StorekeepError } from "../../kernel/errors.js";
import type { JsonObject, LogAppend, LogEntry, LogRead, LogReadRequest, LogStore } from "../../ports/storage.js";
import type { Catalog } from "./catalog.js";
import { toJsonText } from "./json.js";
import type { Session } from "./queryable.js";
import { checkText } from "./sql.js";

/*
 * Logs: one row per entry, primary key (family, stream, sort_key) so a read is one index
 * range scan in sort-key order whatever the append order. `seq` is an identity: ascending
 * in append order. A duplicate sort key is detected with ON CONFLICT DO NOTHING (no SQL
 * error, the transaction stays usable) and the rows this call did insert are removed
 * again, so a failed append leaves nothing behind.
 */

/**
 * The log primitive over one session.
 *
 * @example
 * ```ts
 * const logs = postgresLogs(session, catalog);
 * ```
 */
export function postgresLogs(session: Session, catalog: Catalog): LogStore {
  const t = catalog.tables;

  return {
    async append(family: string, entries: readonly LogAppend[]): Promise<void> {
      await catalog.log(session, family);
      if (entries.length === 0) return;
      const streams: string[] = [];
      const sortKeys: string[] = [];
      const data: string[] = [];
      for (const entry of entries) {
        streams.push(checkText(entry.stream, "log stream"));
        sortKeys.push(checkText(entry.sortKey, "log sort key"));
        data.push(toJsonText(entry.data, "log entry data"));
      }
      const inserted = await session.query<{ stream: string; sort_key: string }>(
        `INSERT INTO ${t.logEntries} (family, stream, sort_key, data)
         SELECT $1, s, k, d::json FROM unnest($2::text[], $3::text[], $4::text[]) WITH ORDINALITY AS e(s, k, d, n) ORDER BY n
         ON CONFLICT (family, stream, sort_key) DO NOTHING RETURNING stream, sort_key`,
        [family, streams, sortKeys, data],
      );
      if (inserted.length === entries.length) return;
      const done = new Set(inserted.map((row) => `${row.stream}\u0000${row.sort_key}`));
      const seen = new Set<string>();
      let duplicate: LogAppend | undefined;
      for (const entry of entries) {
        const id = `${entry.stream}\u0000${entry.sortKey}`;
        if (!done.has(id) || seen.has(id)) {
          duplicate = entry;
          break;
        }
        seen.add(id);
      }
      if (inserted.length > 0) {
        await session.query(`DELETE FROM ${t.logEntries} WHERE family = $1 AND (stream, sort_key) IN (SELECT * FROM unnest($2::text[], $3::text[]))`, [
          family,
          inserted.map((row) => row.stream),
          inserted.map((row) => row.sort_key),
        ]);
      }
      throw new StorekeepError(
        "ALREADY_EXISTS",
        `Log "${family}" stream "${duplicate?.stream}" already has an entry with sort key "${duplicate?.sortKey}"; sort keys are unique within a stream.`,
        { family, stream: duplicate?.stream, sortKey: duplicate?.sortKey },
      );
    },

    async read<T extends JsonObject>(family: string, stream: string, range?: LogRead): Promise<LogEntry<T>[]> {
      await catalog.log(session, family);
      const values: unknown[] = [family, checkText(stream, "log stream")];
      const where = ["family = $1", "stream = $2"];
      const bound = (op: string, value: string | undefined): void => {
        if (value === undefined) return;
        values.push(checkText(value, "range bound"));
        where.push(`sort_key ${op} $${values.length}`);
      };
      bound(">", range?.gt);
      bound(">=", range?.gte);
      bound("<", range?.lt);
      bound("<=", range?.lte);
      const limit = range?.limit ?? null;
      if (limit !== null && (!Number.isSafeInteger(limit) || limit < 0)) throw new InvariantError(`log read limit must be a non-negative integer, got ${String(limit)}`);
      values.push(limit);
      const rows = await session.query<{ sort_key: string; seq: string; data: string }>(
        `SELECT sort_key, seq::text AS seq, data::text AS data FROM ${t.logEntries} WHERE ${where.join(" AND ")} ORDER BY sort_key${range?.order === "desc" ? " DESC" : ""} LIMIT $${values.length}::bigint`,
        values,
      );
      return rows.map((row) => ({ stream, sortKey: row.sort_key, seq: Number(row.seq), data: JSON.parse(row.data) as T }));
    },

    async readMany<T extends JsonObject>(family: string, reads: readonly LogReadRequest[]): Promise<LogEntry<T>[][]> {
      await catalog.log(session, family);
      const out: LogEntry<T>[][] = reads.map(() => []);
      if (reads.length === 0) return out;
      // Reads of one shape (which bounds, which order) go in one branch: their streams, bounds
      // and limits as arrays, each read a range scan of its own (LATERAL), its rows ranked in
      // its order. The statement's text depends on the shapes present, not on how many reads
      // there are, so a prepared statement serves every size.
      const BOUNDS = [
        ["gt", ">"],
        ["gte", ">="],
        ["lt", "<"],
        ["lte", "<="],
      ] as const;
      const groups = new Map<string, { present: boolean[]; desc: boolean; n: number[]; streams: string[]; bounds: (string | null)[][]; lim: (number | null)[] }>();
      reads.forEach(({ stream, range }, n) => {
        const present = BOUNDS.map(([b]) => range?.[b] !== undefined);
        const desc = range?.order === "desc";
        const limit = range?.limit ?? null;
        if (limit !== null && (!Number.isSafeInteger(limit) || limit < 0)) throw new InvariantError(`log read limit must be a non-negative integer, got ${String(limit)}`);
        const key = `${present.join(",")}|${desc}`;
        let g = groups.get(key);
        if (g === undefined) groups.set(key, (g = { present, desc, n: [], streams: [], bounds: BOUNDS.map(() => []), lim: [] }));
        g.n.push(n);
        g.streams.push(checkText(stream, "log stream"));
        BOUNDS.forEach(([b], i) => {
          const value = range?.[b];
          g!.bounds[i]!.push(value === undefined ? null : checkText(value, "range bound"));
        });
        g.lim.push(limit);
      });
      const values: unknown[] = [family];
      const param = (value: unknown): string => {
        values.push(value);
        return `$${values.length}`;
      };
      const branches = [...groups.values()].map((g) => {
        const columns = [`${param(g.n)}::int[]`, `${param(g.streams)}::text[]`, `${param(g.lim)}::bigint[]`];
        const names = ["n", "stream", "lim"];
        const where = ["l.family = $1", "l.stream = r.stream"];
        BOUNDS.forEach(([b, op], i) => {
          if (!g.present[i]) return;
          columns.push(`${param(g.bounds[i])}::text[]`);
          names.push(b);
          where.push(`l.sort_key ${op} r.${b}`);
        });
        const order = `ORDER BY l.sort_key${g.desc ? " DESC" : ""}`;
        return `SELECT r.n, e.i, e.sort_key, e.seq, e.data FROM unnest(${columns.join(", ")}) AS r(${names.join(", ")})
           CROSS JOIN LATERAL (SELECT row_number() OVER (${order}) AS i, l.sort_key, l.seq::text AS seq, l.data::text AS data FROM ${t.logEntries} l WHERE ${where.join(" AND ")} ${order} LIMIT r.lim) e`;
      });
      const rows = await session.query<{ n: number; sort_key: string; seq: string; data: string }>(`SELECT n, sort_key, seq, data FROM (${branches.join(" UNION ALL ")}) AS u ORDER BY n, i`, values);
      for (const row of rows) {
        const k = Number(row.n);
        out[k]!.push({ stream: reads[k]!.stream, sortKey: row.sort_key, seq: Number(row.seq), data: JSON.parse(row.data) as T });
      }
      return out;
    },

    async streams(family: string, options?: { readonly after?: string; readonly limit?: number }): Promise<string[]> {
      await catalog.log(session, family);
      const limit = options?.limit ?? null;
      if (limit !== null && (!Number.isSafeInteger(limit) || limit < 0)) throw new InvariantError(`streams limit must be a non-negative integer, got ${String(limit)}`);
      const after = options?.after;
      // A loose index scan: one index probe per distinct stream instead of reading every entry.
      const first = after === undefined ? "" : " AND stream > $3";
      const values: unknown[] = [family, limit];
      if (after !== undefined) values.push(checkText(after, "stream"));
      const rows = await session.query<{ stream: string }>(
        `WITH RECURSIVE s(stream) AS (
           (SELECT stream FROM ${t.logEntries} WHERE family = $1${first} ORDER BY stream LIMIT 1)
           UNION ALL
           SELECT (SELECT e.stream FROM ${t.logEntries} e WHERE e.family = $1 AND e.stream > s.stream ORDER BY e.stream LIMIT 1) FROM s WHERE s.stream IS NOT NULL
         )
         SELECT stream FROM s WHERE stream IS NOT NULL LIMIT $2::bigint`,
        values,
      );
      return rows.map((row) => row.stream);
    },
  };
}
