import { InvariantError, StorekeepError } from "../../kernel/errors.js";
import type { StoreRegistry } from "../../ports/storage.js";
import { type BalanceEntry, type Catalog, type CollectionEntry, type CounterEntry, type FamilyKind, type IndexEntry, type LogEntrySpec, recordId } from "./catalog.js";
import type { Session } from "./queryable.js";
import { baseStatements, documentIndexStatement } from "./schema.js";
import { shortHash } from "./sql.js";

/*
 * migrate(registry): creates what the registry declares, inside one transaction that
 * first takes an advisory lock per schema (two processes migrating at once queue instead
 * of racing on the catalog), and records every family's spec in the migrations table.
 * Idempotent: IF NOT EXISTS everywhere; a larger registry appends fields and adds indexes.
 */

const BASE_RECORD = "base";
const BASE_VERSION = 1;

/**
 * Runs the migration for `registry` on `session` (already inside a transaction) and
 * returns the entries to publish into the catalog once the transaction commits.
 *
 * @example
 * ```ts
 * const publish = await migrateSchema(session, catalog, registry);
 * ```
 */
export async function migrateSchema(session: Session, catalog: Catalog, registry: StoreRegistry): Promise<() => void> {
  const t = catalog.tables;
  await session.query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", [`storekeep.migrate:${t.schemaName}`]);
  await session.query(`CREATE SCHEMA IF NOT EXISTS ${t.schema}`);
  const existing = new Map<string, unknown>();
  const tableExists = await session.query<{ ok: boolean }>("SELECT to_regclass($1) IS NOT NULL AS ok", [t.migrations]);
  if (tableExists[0]?.ok === true) {
    for (const row of await session.query<{ id: string; spec: string }>(`SELECT id, spec::text AS spec FROM ${t.migrations}`)) {
      existing.set(row.id, JSON.parse(row.spec));
    }
  }
  if (!existing.has(BASE_RECORD)) {
    for (const statement of baseStatements(t)) await session.query(statement);
    await record(session, catalog, BASE_RECORD, { version: BASE_VERSION });
  }

  const collections: CollectionEntry[] = [];
  const logs: LogEntrySpec[] = [];
  const balances: BalanceEntry[] = [];
  const counters: CounterEntry[] = [];
  const changed: [FamilyKind, string][] = [];

  for (const spec of registry.collections) {
    const previous = existing.get(recordId("collection", spec.name)) as Omit<CollectionEntry, "name"> | undefined;
    const indexes: Record<string, IndexEntry> = { ...(previous?.indexes ?? {}) };
    for (const [indexName, index] of Object.entries(spec.indexes ?? {})) {
      if (index.fields.length === 0) throw new StorekeepError("VALIDATION_FAILED", `Index "${indexName}" of "${spec.name}" has no fields; declare at least one.`, {});
      const sqlName = `dx_${shortHash(`${spec.name}\u0001${indexName}\u0001${index.fields.join("\u0001")}`)}`;
      const before = indexes[indexName];
      if (before !== undefined && before.sqlName !== sqlName) {
        // As the memory store: an index is never silently redefined under the same name.
        throw new InvariantError(`index ${spec.name}.${indexName} was declared on [${before.fields.join(", ")}] and again on [${index.fields.join(", ")}]; give the new one another name`);
      }
      if (before === undefined) await session.query(documentIndexStatement(t, sqlName, spec.name, index.fields));
      indexes[indexName] = { fields: [...index.fields], sqlName };
    }
    const entry: CollectionEntry = { name: spec.name, indexes };
    if (await recordIfChanged(session, catalog, existing, "collection", spec.name, { indexes })) changed.push(["collection", spec.name]);
    collections.push(entry);
  }

  for (const spec of registry.logs) {
    if (await recordIfChanged(session, catalog, existing, "log", spec.name, { sortKey: spec.sortKey })) changed.push(["log", spec.name]);
    logs.push({ name: spec.name, sortKey: spec.sortKey });
  }

  for (const spec of registry.balances) {
    const previous = existing.get(recordId("balance", spec.name)) as Omit<BalanceEntry, "name"> | undefined;
    const fields = mergeFields(previous?.fields, spec.fields);
    if (await recordIfChanged(session, catalog, existing, "balance", spec.name, { fields, bucket: spec.bucket })) changed.push(["balance", spec.name]);
    balances.push({ name: spec.name, fields, bucket: spec.bucket });
  }

  for (const spec of registry.counters) {
    const previous = existing.get(recordId("counter", spec.name)) as Omit<CounterEntry, "name"> | undefined;
    const fields = mergeFields(previous?.fields, spec.fields);
    for (const [guardName, guard] of Object.entries(spec.guards)) {
      for (const field of Object.keys(guard.terms)) {
        if (!fields.includes(field)) throw new StorekeepError("VALIDATION_FAILED", `Guard "${guardName}" of "${spec.name}" uses "${field}", which is not one of its fields.`, {});
      }
    }
    const guards = { ...spec.guards };
    if (await recordIfChanged(session, catalog, existing, "counter", spec.name, { fields, guards })) changed.push(["counter", spec.name]);
    counters.push({ name: spec.name, fields, guards });
  }

  return () => {
    for (const [kind, name] of changed) catalog.invalidate(kind, name);
    for (const entry of collections) catalog.collections.set(entry.name, entry);
    for (const entry of logs) catalog.logs.set(entry.name, entry);
    for (const entry of balances) catalog.balances.set(entry.name, entry);
    for (const entry of counters) catalog.counters.set(entry.name, entry);
  };
}

/** Recorded fields keep their positions; new ones are appended. */
function mergeFields(previous: readonly string[] | undefined, declared: readonly string[]): string[] {
  const fields = [...(previous ?? [])];
  for (const field of declared) if (!fields.includes(field)) fields.push(field);
  return fields;
}

async function recordIfChanged(session: Session, catalog: Catalog, existing: Map<string, unknown>, kind: FamilyKind, name: string, spec: unknown): Promise<boolean> {
  const id = recordId(kind, name);
  const before = existing.get(id);
  if (before !== undefined && JSON.stringify(before) === JSON.stringify(spec)) return false;
  await record(session, catalog, id, spec);
  return true;
}

async function record(session: Session, catalog: Catalog, id: string, spec: unknown): Promise<void> {
  await session.query(
    `INSERT INTO ${catalog.tables.migrations} (id, spec) VALUES ($1, $2::json) ON CONFLICT (id) DO UPDATE SET spec = excluded.spec, applied_at = now()`,
    [id, JSON.stringify(spec)],
  );
}
