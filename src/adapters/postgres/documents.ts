import { InvariantError, StorekeepError } from "../../kernel/errors.js";
import type { DocumentStore, IndexQuery, JsonObject, StoredDocument } from "../../ports/storage.js";
import type { Catalog, IndexEntry } from "./catalog.js";
import { toJsonText } from "./json.js";
import type { Session } from "./queryable.js";
import { fieldExpression, indexPredicate } from "./schema.js";
import { checkText } from "./sql.js";

/*
 * Documents: one row per (collection, id) with an integer version. Versions are enforced
 * in SQL: a first write is an INSERT that does nothing on conflict, a later one an UPDATE
 * guarded by `version = $expected`; an empty RETURNING is a CONCURRENCY_CONFLICT. Neither
 * raises an SQL error, so the transaction stays usable after a conflict.
 */

const MAX_LIMIT = 10_000;

interface DocumentRow {
  id: string;
  version: number;
  data: string;
}

/**
 * The document primitive over one session.
 *
 * @example
 * ```ts
 * const documents = postgresDocuments(session, catalog);
 * ```
 */
export function postgresDocuments(session: Session, catalog: Catalog): DocumentStore {
  const t = catalog.tables;
  const select = `SELECT id, version, data::text AS data FROM ${t.documents}`;

  /** The conflict error, with the version the document is at now (read after the fact). */
  async function conflict(collection: string, id: string, expectedVersion: number): Promise<StorekeepError> {
    const rows = await session.query<{ version: number }>(`SELECT version FROM ${t.documents} WHERE collection = $1 AND id = $2`, [collection, id]);
    const actual = rows[0] === undefined ? undefined : Number(rows[0].version);
    return new StorekeepError(
      "CONCURRENCY_CONFLICT",
      `Document ${collection}/${id} is at version ${actual ?? "none (missing)"}, not ${expectedVersion}: it changed since it was read; read it again and retry.`,
      { collection, id, expectedVersion, actualVersion: actual ?? 0 },
    );
  }

  async function getOne<T extends JsonObject>(collection: string, id: string, lock: boolean | "share"): Promise<StoredDocument<T> | undefined> {
    await catalog.collection(session, collection);
    checkText(id, "document id");
    const rows = await session.query<DocumentRow>(`${select} WHERE collection = $1 AND id = $2${lock === true ? " FOR UPDATE" : lock === "share" ? " FOR SHARE" : ""}`, [collection, id]);
    const row = rows[0];
    return row === undefined ? undefined : toDocument<T>(row);
  }

  return {
    get: (collection, id) => getOne(collection, id, false),
    getForUpdate: (collection, id) => getOne(collection, id, true),
    getForShare: (collection, id) => getOne(collection, id, "share"),

    async getMany<T extends JsonObject>(collection: string, ids: readonly string[]): Promise<StoredDocument<T>[]> {
      await catalog.collection(session, collection);
      if (ids.length === 0) return [];
      const unique = [...new Set(ids)];
      for (const id of unique) checkText(id, "document id");
      const rows = await session.query<DocumentRow>(`${select} WHERE collection = $1 AND id = ANY($2::text[])`, [collection, unique]);
      const byId = new Map(rows.map((row) => [row.id, row]));
      const out: StoredDocument<T>[] = [];
      for (const id of unique) {
        const row = byId.get(id);
        if (row !== undefined) out.push(toDocument<T>(row));
      }
      return out;
    },

    async put(collection, id, data, expectedVersion) {
      await catalog.collection(session, collection);
      checkText(id, "document id");
      checkVersion(expectedVersion);
      if (typeof data !== "object" || data === null || Array.isArray(data)) throw new InvariantError(`document ${collection}/${id}: data must be a JSON object`);
      const text = toJsonText(data, `${collection}/${id}`);
      if (expectedVersion === 0) {
        const rows = await session.query<{ version: number }>(
          `INSERT INTO ${t.documents} (collection, id, version, data) VALUES ($1, $2, 1, $3::json) ON CONFLICT (collection, id) DO NOTHING RETURNING version`,
          [collection, id, text],
        );
        if (rows.length === 0) throw await conflict(collection, id, expectedVersion);
        return 1;
      }
      const rows = await session.query<{ version: number }>(
        `UPDATE ${t.documents} SET data = $3::json, version = version + 1 WHERE collection = $1 AND id = $2 AND version = $4 RETURNING version`,
        [collection, id, text, expectedVersion],
      );
      const row = rows[0];
      if (row === undefined) throw await conflict(collection, id, expectedVersion);
      return Number(row.version);
    },

    async delete(collection, id, expectedVersion) {
      await catalog.collection(session, collection);
      checkText(id, "document id");
      checkVersion(expectedVersion);
      const rows = await session.query<{ id: string }>(`DELETE FROM ${t.documents} WHERE collection = $1 AND id = $2 AND version = $3 RETURNING id`, [
        collection,
        id,
        expectedVersion,
      ]);
      if (rows.length === 0) throw await conflict(collection, id, expectedVersion);
    },

    async find<T extends JsonObject>(collection: string, query: IndexQuery): Promise<StoredDocument<T>[]> {
      const entry = await catalog.collection(session, collection);
      const index = entry.indexes[query.index];
      if (index === undefined) {
        throw new StorekeepError("NOT_FOUND", `Collection "${collection}" has no index "${query.index}": declare it in the registry.`, { collection, index: query.index });
      }
      const { text, values } = findQuery(collection, index, query);
      const sql = `${select} WHERE ${text}`;
      const rows = await session.query<DocumentRow>(sql, values);
      return rows.map((row) => toDocument<T>(row));
    },
  };
}

function checkVersion(version: number): void {
  if (!Number.isSafeInteger(version) || version < 0) {
    throw new StorekeepError("VALIDATION_FAILED", `An expected version must be a whole number ≥ 0, got ${String(version)}.`, {
      issues: [{ path: "expectedVersion", message: "whole number ≥ 0", code: "custom" }],
    });
  }
}

function toDocument<T extends JsonObject>(row: DocumentRow): StoredDocument<T> {
  return { id: row.id, version: Number(row.version), data: JSON.parse(row.data) as T };
}

/**
 * The WHERE ... ORDER BY ... LIMIT of an index read. Field expressions and the
 * collection literal match the partial index, so the planner reads it in order.
 */
function findQuery(collection: string, index: IndexEntry, query: IndexQuery): { text: string; values: unknown[] } {
  const values: unknown[] = [];
  const param = (value: unknown): string => {
    values.push(value);
    return `$${values.length}`;
  };
  const fields = index.fields;
  const equals = query.equals ?? [];
  if (equals.length > fields.length) throw new InvariantError(`find on ${collection}.${query.index}: ${equals.length} equality values for ${fields.length} fields`);
  const where = [indexPredicate(collection, fields)];
  equals.forEach((value, i) => where.push(`${fieldExpression(fields[i] as string)} = ${param(checkText(value, "index value"))}`));
  const range = query.range;
  if (range !== undefined) {
    const field = fields[equals.length];
    if (field === undefined) throw new InvariantError(`find on ${collection}.${query.index}: a range needs a field after the ${equals.length} equality values`);
    const expression = fieldExpression(field);
    if (range.gt !== undefined) where.push(`${expression} > ${param(checkText(range.gt, "range bound"))}`);
    if (range.gte !== undefined) where.push(`${expression} >= ${param(checkText(range.gte, "range bound"))}`);
    if (range.lt !== undefined) where.push(`${expression} < ${param(checkText(range.lt, "range bound"))}`);
    if (range.lte !== undefined) where.push(`${expression} <= ${param(checkText(range.lte, "range bound"))}`);
  }
  const descending = query.order === "desc";
  if (query.after !== undefined) {
    if (query.after.values.length !== fields.length) {
      throw new InvariantError(`find on ${collection}.${query.index}: "after" needs all ${fields.length} index values of the last document, got ${query.after.values.length}`);
    }
    const left = [...fields.map(fieldExpression), "id"].join(", ");
    const right = [...query.after.values.map((v) => `${param(checkText(v, "index value"))}::text`), `${param(checkText(query.after.id, "document id"))}::text`].join(", ");
    where.push(`(${left}) ${descending ? "<" : ">"} (${right})`);
  }
  const direction = descending ? " DESC" : "";
  const orderBy = [...fields.map((f) => `${fieldExpression(f)}${direction}`), `id${direction}`].join(", ");
  const limit = Math.min(query.limit ?? MAX_LIMIT, MAX_LIMIT);
  if (!Number.isSafeInteger(limit) || limit < 0) throw new InvariantError(`find limit must be a non-negative integer, got ${String(query.limit)}`);
  return { text: `${where.join(" AND ")} ORDER BY ${orderBy} LIMIT ${param(limit)}`, values };
}

