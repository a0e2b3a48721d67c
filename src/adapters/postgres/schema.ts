import type { Tables } from "./catalog.js";
import { quoteIdentifier, quoteLiteral } from "./sql.js";

/*
 * The DDL: one table per primitive with a family column, not one table per family.
 * Family names hold dots and come from modules; one table per primitive keeps `migrate()`
 * generic (no dynamic table names in queries), lets one prepared shape serve every family,
 * and composite primary keys starting with the family column make each family a
 * contiguous index range. Every key, id, sort key, bucket and index value is
 * `text COLLATE "C"`, so comparisons are binary, matching JavaScript's code-unit order for
 * all BMP text (see docs/adapters.md for the one astral-plane difference).
 */

const C = 'text COLLATE "C" NOT NULL';

/**
 * The statements that create the adapter's own tables, idempotently.
 *
 * @example
 * ```ts
 * for (const sql of baseStatements(tables)) await session.query(sql);
 * ```
 */
export function baseStatements(t: Tables): string[] {
  const ix = (name: string): string => quoteIdentifier(name);
  return [
    `CREATE SCHEMA IF NOT EXISTS ${t.schema}`,
    `CREATE TABLE IF NOT EXISTS ${t.migrations} (id ${C} PRIMARY KEY, spec json NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
    // Documents: json (not jsonb) keeps the text verbatim, key order included.
    `CREATE TABLE IF NOT EXISTS ${t.documents} (collection ${C}, id ${C}, version integer NOT NULL, data json NOT NULL, PRIMARY KEY (collection, id))`,
    `CREATE TABLE IF NOT EXISTS ${t.logEntries} (family ${C}, stream ${C}, sort_key ${C}, seq bigint GENERATED ALWAYS AS IDENTITY, data json NOT NULL, PRIMARY KEY (family, stream, sort_key))`,
    // Balances: append-only deltas (no row is ever updated by a command) folded into snapshots.
    `CREATE TABLE IF NOT EXISTS ${t.balanceDeltas} (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, family ${C}, key ${C}, bucket ${C}, amounts numeric[] NOT NULL)`,
    `CREATE INDEX IF NOT EXISTS ${ix("balance_deltas_family_key_bucket")} ON ${t.balanceDeltas} (family, key, bucket)`,
    `CREATE TABLE IF NOT EXISTS ${t.balanceSnapshots} (family ${C}, key ${C}, bucket ${C}, amounts numeric[] NOT NULL, PRIMARY KEY (family, key, bucket))`,
    `CREATE TABLE IF NOT EXISTS ${t.counters} (family ${C}, key ${C}, amounts numeric[] NOT NULL, PRIMARY KEY (family, key))`,
    // Outbox: ordered by (txid, seq); readers only see transactions older than every running one.
    `CREATE TABLE IF NOT EXISTS ${t.outbox} (txid xid8 NOT NULL DEFAULT pg_current_xact_id(), seq bigint GENERATED ALWAYS AS IDENTITY, id ${C}, type ${C}, aggregate_type ${C}, aggregate_id ${C}, occurred_at timestamptz, effective_date date, envelope json NOT NULL, PRIMARY KEY (txid, seq))`,
    `CREATE TABLE IF NOT EXISTS ${t.idempotency} (key ${C} PRIMARY KEY, hash ${C}, result json, completed boolean NOT NULL DEFAULT false, expires_at timestamptz NOT NULL, claimed_at timestamptz NOT NULL DEFAULT now())`,
    `CREATE INDEX IF NOT EXISTS ${ix("idempotency_expires_at")} ON ${t.idempotency} (expires_at)`,
  ];
}

/**
 * The expression for one indexed document field: its string value, binary-collated.
 * Index definitions and queries use the same text so the planner matches them.
 *
 * @example
 * ```ts
 * fieldExpression("customerId"); // `(data->>'customerId') COLLATE "C"`
 * ```
 */
export function fieldExpression(field: string): string {
  return `(data->>${quoteLiteral(field)}) COLLATE "C"`;
}

/**
 * The partial-index predicate for one collection's index: documents whose every indexed
 * field holds a string (as the memory store: others are not in the index).
 *
 * @example
 * ```ts
 * indexPredicate("sales.orders", ["customerId"]);
 * ```
 */
export function indexPredicate(collection: string, fields: readonly string[]): string {
  return [`collection = ${quoteLiteral(collection)}`, ...fields.map((f) => `json_typeof(data->${quoteLiteral(f)}) = 'string'`)].join(" AND ");
}

/**
 * `CREATE INDEX` for a declared document index: a partial expression index per
 * collection and index, on the fields then the id.
 *
 * @example
 * ```ts
 * await session.query(documentIndexStatement(tables, "dx_0123abcd", "sales.orders", ["customerId", "placedAt"]));
 * ```
 */
export function documentIndexStatement(t: Tables, sqlName: string, collection: string, fields: readonly string[]): string {
  const columns = [...fields.map((f) => `(${fieldExpression(f)})`), "id"].join(", ");
  return `CREATE INDEX IF NOT EXISTS ${quoteIdentifier(sqlName)} ON ${t.documents} (${columns}) WHERE ${indexPredicate(collection, fields)}`;
}
