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
 *
 * Within one transaction a document is read from the server once: what was read or
 * written is kept (as JSON text, parsed afresh for each caller) and served again, so a
 * command that reads the same product, warehouse or period-lock document for each of its
 * lines makes one round trip for it, not one per line. A kept document that was only read
 * (not locked) is read again, with its lock, by getForUpdate/getForShare; one this
 * transaction locked or wrote cannot change under it. A write that fails drops what was
 * kept of it. So within a transaction a plain read of a document repeats its first answer
 * (as a lock or a version check would anyway refuse a write based on it if it changed).
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
export function postgresDocuments(session: Session, catalog: Catalog): DocumentStore & { flush(): Promise<void> } {
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

  /*
   * What this transaction read or wrote, by collection and id: the row (null: none) and how
   * it holds it (0: read only, 1: share-locked, 2: locked for update or written).
   */
  const kept = new Map<string, { row: DocumentRow | null; hold: 0 | 1 | 2 }>();
  const keyOf = (collection: string, id: string) => `${collection}\u0000${id}`;

  async function getOne<T extends JsonObject>(collection: string, id: string, lock: boolean | "share"): Promise<StoredDocument<T> | undefined> {
    await catalog.collection(session, collection);
    checkText(id, "document id");
    const key = keyOf(collection, id);
    const want = lock === true ? 2 : lock === "share" ? 1 : 0;
    const cached = kept.get(key);
    if (cached !== undefined && cached.hold >= want) return cached.row === null ? undefined : toDocument<T>(cached.row);
    const rows = await session.query<DocumentRow>(`${select} WHERE collection = $1 AND id = $2${lock === true ? " FOR UPDATE" : lock === "share" ? " FOR SHARE" : ""}`, [collection, id]);
    const row = rows[0];
    // A lock on a row that is not there holds nothing: a later locking read asks again.
    kept.set(key, { row: row ?? null, hold: row === undefined ? 0 : (Math.max(want, cached?.hold ?? 0) as 0 | 1 | 2) });
    return row === undefined ? undefined : toDocument<T>(row);
  }

  /*
   * Updates of rows this transaction holds (locked for update or written) wait here, the
   * last one per row, and go to the server in one statement before the next index read,
   * delete or commit: no one else can change such a row, so its version check is decided
   * here, and a command that updates the same document per line (a chain head, a cost
   * state, a reservation) writes it once.
   */
  const pending = new Map<string, { collection: string; id: string; data: string; version: number }>();
  /*
   * Deletes of rows this transaction holds wait the same way (by key): the row cannot change
   * under it, so the delete cannot fail, and a goods receipt that closes an incoming row per
   * line deletes them in one statement. A create of the same id sends them first.
   */
  const pendingDeletes = new Map<string, { collection: string; id: string }>();

  async function flushDeletes(collection?: string): Promise<void> {
    if (pendingDeletes.size === 0) return;
    const rows: { collection: string; id: string }[] = [];
    for (const [key, row] of pendingDeletes) {
      if (collection !== undefined && row.collection !== collection) continue;
      rows.push(row);
      pendingDeletes.delete(key);
    }
    if (rows.length === 0) return;
    const deleted = await session.query<{ id: string }>(
      `DELETE FROM ${t.documents} AS d USING unnest($1::text[], $2::text[]) AS v(collection, id) WHERE d.collection = v.collection AND d.id = v.id RETURNING d.id`,
      [rows.map((r) => r.collection), rows.map((r) => r.id)],
    );
    if (deleted.length !== rows.length) throw new InvariantError(`documents: ${rows.length - deleted.length} held document(s) vanished before their deferred delete`);
  }

  async function flush(collection?: string): Promise<void> {
    await flushDeletes(collection);
    if (pending.size === 0) return;
    const rows: { collection: string; id: string; data: string; version: number }[] = [];
    for (const [key, row] of pending) {
      if (collection !== undefined && row.collection !== collection) continue;
      rows.push(row);
      pending.delete(key);
    }
    if (rows.length === 0) return;
    const updated = await session.query<{ id: string }>(
      `UPDATE ${t.documents} AS d SET data = v.data::json, version = v.version FROM unnest($1::text[], $2::text[], $3::text[], $4::int[]) AS v(collection, id, data, version) WHERE d.collection = v.collection AND d.id = v.id RETURNING d.id`,
      [rows.map((r) => r.collection), rows.map((r) => r.id), rows.map((r) => r.data), rows.map((r) => r.version)],
    );
    if (updated.length !== rows.length) throw new InvariantError(`documents: ${rows.length - updated.length} held document(s) vanished before their deferred update`);
  }

  return {
      /** Sends the deferred updates (before commit). */
    flush: () => flush(),
    get: (collection, id) => getOne(collection, id, false),
    getForUpdate: (collection, id) => getOne(collection, id, true),
    getForShare: (collection, id) => getOne(collection, id, "share"),

    async getMany<T extends JsonObject>(collection: string, ids: readonly string[]): Promise<StoredDocument<T>[]> {
      await catalog.collection(session, collection);
      if (ids.length === 0) return [];
      const unique = [...new Set(ids)];
      for (const id of unique) checkText(id, "document id");
      const missing = unique.filter((id) => !kept.has(keyOf(collection, id)));
      if (missing.length > 0) {
        const rows = await session.query<DocumentRow>(`${select} WHERE collection = $1 AND id = ANY($2::text[])`, [collection, missing]);
        const byId = new Map(rows.map((row) => [row.id, row]));
        for (const id of missing) kept.set(keyOf(collection, id), { row: byId.get(id) ?? null, hold: 0 });
      }
      const out: StoredDocument<T>[] = [];
      for (const id of unique) {
        const row = kept.get(keyOf(collection, id))!.row;
        if (row !== null) out.push(toDocument<T>(row));
      }
      return out;
    },

    async getManyForUpdate<T extends JsonObject>(collection: string, ids: readonly string[]): Promise<StoredDocument<T>[]> {
      await catalog.collection(session, collection);
      const sorted = [...new Set(ids)].sort(compareIds);
      for (const id of sorted) checkText(id, "document id");
      const missing = sorted.filter((id) => (kept.get(keyOf(collection, id))?.hold ?? -1) < 2);
      if (missing.length > 0) {
        // The rows are locked as the sort emits them (LockRows runs above Sort): in id order,
        // the order a loop of getForUpdate takes (ids are compared byte-wise, COLLATE "C").
        const rows = await session.query<DocumentRow>(`${select} WHERE collection = $1 AND id = ANY($2::text[]) ORDER BY id COLLATE "C" FOR UPDATE`, [collection, missing]);
        const byId = new Map(rows.map((row) => [row.id, row]));
        for (const id of missing) {
          const row = byId.get(id);
          kept.set(keyOf(collection, id), { row: row ?? null, hold: row === undefined ? 0 : 2 });
        }
      }
      const out: StoredDocument<T>[] = [];
      for (const id of sorted) {
        const row = kept.get(keyOf(collection, id))!.row;
        if (row !== null) out.push(toDocument<T>(row));
      }
      return out;
    },

    async insertMany(collection, documents) {
      await catalog.collection(session, collection);
      if (documents.length === 0) return;
      const ids: string[] = [];
      const texts: string[] = [];
      const seen = new Set<string>();
      for (const { id, data } of documents) {
        checkText(id, "document id");
        if (typeof data !== "object" || data === null || Array.isArray(data)) throw new InvariantError(`document ${collection}/${id}: data must be a JSON object`);
        const held = kept.get(keyOf(collection, id));
        if (seen.has(id) || (held !== undefined && held.row !== null)) {
          throw new StorekeepError("CONCURRENCY_CONFLICT", `Document ${collection}/${id} is at version ${seen.has(id) ? "1 (twice in one insertMany)" : held!.row!.version}, not 0: it exists already; read it again and retry.`, {
            collection,
            id,
            expectedVersion: 0,
            actualVersion: seen.has(id) ? 1 : Number(held!.row!.version),
          });
        }
        seen.add(id);
        ids.push(id);
        texts.push(toJsonText(data, `${collection}/${id}`));
      }
      if (pendingDeletes.size > 0 && ids.some((id) => pendingDeletes.has(keyOf(collection, id)))) await flushDeletes(collection);
      const rows = await session.query<{ id: string }>(
        `INSERT INTO ${t.documents} (collection, id, version, data) SELECT $1, v.id, 1, v.data::json FROM unnest($2::text[], $3::text[]) AS v(id, data) ON CONFLICT (collection, id) DO NOTHING RETURNING id`,
        [collection, ids, texts],
      );
      if (rows.length !== ids.length) {
        // All or nothing: what went in is taken out again before the conflict is reported.
        const inserted = new Set(rows.map((r) => r.id));
        if (inserted.size > 0) await session.query(`DELETE FROM ${t.documents} WHERE collection = $1 AND id = ANY($2::text[])`, [collection, [...inserted]]);
        const taken = ids.find((id) => !inserted.has(id))!;
        for (const id of ids) kept.delete(keyOf(collection, id));
        throw await conflict(collection, taken, 0);
      }
      for (let i = 0; i < ids.length; i++) kept.set(keyOf(collection, ids[i]!), { row: { id: ids[i]!, version: 1, data: texts[i]! }, hold: 2 });
    },

    async put(collection, id, data, expectedVersion) {
      await catalog.collection(session, collection);
      checkText(id, "document id");
      checkVersion(expectedVersion);
      if (typeof data !== "object" || data === null || Array.isArray(data)) throw new InvariantError(`document ${collection}/${id}: data must be a JSON object`);
      const text = toJsonText(data, `${collection}/${id}`);
      const key = keyOf(collection, id);
      if (expectedVersion === 0) {
        // Deleted earlier in this transaction with the delete still waiting: it goes first.
        if (pendingDeletes.has(key)) await flushDeletes(collection);
        const rows = await session.query<{ version: number }>(
          `INSERT INTO ${t.documents} (collection, id, version, data) VALUES ($1, $2, 1, $3::json) ON CONFLICT (collection, id) DO NOTHING RETURNING version`,
          [collection, id, text],
        );
        if (rows.length === 0) {
          kept.delete(key);
          throw await conflict(collection, id, expectedVersion);
        }
        kept.set(key, { row: { id, version: 1, data: text }, hold: 2 });
        return 1;
      }
      const held = kept.get(key);
      if (held !== undefined && held.hold === 2) {
        // Held by this transaction: its version is known here and nobody else can change it.
        checkHeldVersion(collection, id, held.row, expectedVersion);
        const version = expectedVersion + 1;
        kept.set(key, { row: { id, version, data: text }, hold: 2 });
        pending.set(key, { collection, id, data: text, version });
        return version;
      }
      const rows = await session.query<{ version: number }>(
        `UPDATE ${t.documents} SET data = $3::json, version = version + 1 WHERE collection = $1 AND id = $2 AND version = $4 RETURNING version`,
        [collection, id, text, expectedVersion],
      );
      const row = rows[0];
      if (row === undefined) {
        kept.delete(key);
        throw await conflict(collection, id, expectedVersion);
      }
      kept.set(key, { row: { id, version: Number(row.version), data: text }, hold: 2 });
      return Number(row.version);
    },

    async delete(collection, id, expectedVersion) {
      await catalog.collection(session, collection);
      checkText(id, "document id");
      checkVersion(expectedVersion);
      const key = keyOf(collection, id);
      const held = kept.get(key);
      if (held !== undefined && held.hold === 2) {
        // Held by this transaction: its version is known here and nobody else can change it.
        checkHeldVersion(collection, id, held.row, expectedVersion);
        pending.delete(key);
        pendingDeletes.set(key, { collection, id });
        kept.set(key, { row: null, hold: 2 });
        return;
      }
      await flush(collection);
      const rows = await session.query<{ id: string }>(`DELETE FROM ${t.documents} WHERE collection = $1 AND id = $2 AND version = $3 RETURNING id`, [
        collection,
        id,
        expectedVersion,
      ]);
      if (rows.length === 0) {
        kept.delete(keyOf(collection, id));
        throw await conflict(collection, id, expectedVersion);
      }
      kept.set(keyOf(collection, id), { row: null, hold: 2 });
    },

    async find<T extends JsonObject>(collection: string, query: IndexQuery): Promise<StoredDocument<T>[]> {
      const entry = await catalog.collection(session, collection);
      const index = entry.indexes[query.index];
      if (index === undefined) {
        throw new StorekeepError("NOT_FOUND", `Collection "${collection}" has no index "${query.index}": declare it in the registry.`, { collection, index: query.index });
      }
      const { text, values } = findQuery(collection, index, query);
      await flush(collection);
      const sql = `${select} WHERE ${text}`;
      const rows = await session.query<DocumentRow>(sql, values);
      return rows.map((row) => toDocument<T>(row));
    },
  };
}

/** A write to a document this transaction holds: its version must be the one expected (CONCURRENCY_CONFLICT otherwise). */
function checkHeldVersion(collection: string, id: string, row: DocumentRow | null, expectedVersion: number): void {
  if (row !== null && Number(row.version) === expectedVersion) return;
  throw new StorekeepError(
    "CONCURRENCY_CONFLICT",
    `Document ${collection}/${id} is at version ${row === null ? "none (missing)" : row.version}, not ${expectedVersion}: it changed since it was read; read it again and retry.`,
    { collection, id, expectedVersion, actualVersion: row === null ? 0 : Number(row.version) },
  );
}

function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
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

