import { StorekeepError } from "../../kernel/errors.js";
import type { GuardSpec } from "../../ports/storage.js";
import type { Session } from "./queryable.js";
import { quoteIdentifier } from "./sql.js";

/*
 * What the adapter knows about the registry: the families `migrate()` recorded, with the
 * position of every decimal field inside the `numeric[]` columns. Positions never move:
 * a field added by a later migration is appended, so rows written before it simply have a
 * shorter array (read as zero). A store that did not run `migrate()` itself (another
 * process did) loads the recorded specs lazily from the migrations table.
 */

/**
 * The qualified, quoted names of the adapter's tables in one schema.
 *
 * @example
 * ```ts
 * const t = tablesFor("shop_1"); // t.documents === '"shop_1"."documents"'
 * ```
 */
export interface Tables {
  readonly schema: string;
  readonly schemaName: string;
  readonly migrations: string;
  readonly documents: string;
  readonly logEntries: string;
  readonly balanceDeltas: string;
  readonly balanceSnapshots: string;
  readonly counters: string;
  readonly outbox: string;
  readonly idempotency: string;
}

/**
 * The adapter's table names in `schema`.
 *
 * @example
 * ```ts
 * tablesFor("storekeep").outbox; // '"storekeep"."outbox"'
 * ```
 */
export function tablesFor(schemaName: string): Tables {
  const schema = quoteIdentifier(schemaName);
  const table = (name: string): string => `${schema}.${quoteIdentifier(name)}`;
  return {
    schema,
    schemaName,
    migrations: table("migrations"),
    documents: table("documents"),
    logEntries: table("log_entries"),
    balanceDeltas: table("balance_deltas"),
    balanceSnapshots: table("balance_snapshots"),
    counters: table("counters"),
    outbox: table("outbox"),
    idempotency: table("idempotency"),
  };
}

/**
 * A declared document index as recorded: its fields and its SQL index name.
 *
 * @example
 * ```ts
 * const entry: IndexEntry = { fields: ["customerId", "placedAt"], sqlName: "dx_0123456789abcdef" };
 * ```
 */
export interface IndexEntry {
  readonly fields: readonly string[];
  readonly sqlName: string;
}

/**
 * A recorded collection.
 *
 * @example
 * ```ts
 * const orders: CollectionEntry = { name: "sales.orders", indexes: {} };
 * ```
 */
export interface CollectionEntry {
  readonly name: string;
  readonly indexes: Readonly<Record<string, IndexEntry>>;
}

/**
 * A recorded balance family: its fields in storage order (positions in `amounts`).
 *
 * @example
 * ```ts
 * const balances: BalanceEntry = { name: "finance.balances", fields: ["debit", "credit"], bucket: "YYYY-MM" };
 * ```
 */
export interface BalanceEntry {
  readonly name: string;
  readonly fields: readonly string[];
  readonly bucket: string;
}

/**
 * A recorded counter family: its fields in storage order and its guards.
 *
 * @example
 * ```ts
 * const stock: CounterEntry = { name: "inventory.availability", fields: ["onHand", "reserved"], guards: {} };
 * ```
 */
export interface CounterEntry {
  readonly name: string;
  readonly fields: readonly string[];
  readonly guards: Readonly<Record<string, GuardSpec>>;
}

/**
 * A recorded log family.
 *
 * @example
 * ```ts
 * const moves: LogEntrySpec = { name: "inventory.movements", sortKey: "effectiveAt|movementId" };
 * ```
 */
export interface LogEntrySpec {
  readonly name: string;
  readonly sortKey: string;
}

/**
 * The kinds of family the migrations table records.
 *
 * @example
 * ```ts
 * const kind: FamilyKind = "counter";
 * ```
 */
export type FamilyKind = "collection" | "log" | "balance" | "counter";

const KIND_LABEL: Record<FamilyKind, string> = { collection: "Collection", log: "Log family", balance: "Balance family", counter: "Counter family" };

/**
 * The migration record id of a family: `collection:sales.orders`.
 *
 * @example
 * ```ts
 * recordId("balance", "finance.balances"); // "balance:finance.balances"
 * ```
 */
export function recordId(kind: FamilyKind, name: string): string {
  return `${kind}:${name}`;
}

/**
 * The families known to one store, filled by `migrate()` and lazily from the migrations
 * table. Per-family SQL is cached on the side by the primitives (`sqlCache`).
 *
 * @example
 * ```ts
 * const spec = await catalog.counter(session, "inventory.availability");
 * ```
 */
export class Catalog {
  readonly collections = new Map<string, CollectionEntry>();
  readonly logs = new Map<string, LogEntrySpec>();
  readonly balances = new Map<string, BalanceEntry>();
  readonly counters = new Map<string, CounterEntry>();
  /** Generated SQL per family and purpose, dropped when a family's record changes. */
  readonly sqlCache = new Map<string, string>();

  constructor(readonly tables: Tables) {}

  /** Forgets cached SQL for a family whose record changed. */
  invalidate(kind: FamilyKind, name: string): void {
    const prefix = `${recordId(kind, name)}|`;
    for (const key of [...this.sqlCache.keys()]) if (key.startsWith(prefix)) this.sqlCache.delete(key);
  }

  /** Cached SQL for `kind:name|purpose`, built once. */
  sql(kind: FamilyKind, name: string, purpose: string, build: () => string): string {
    const key = `${recordId(kind, name)}|${purpose}`;
    let text = this.sqlCache.get(key);
    if (text === undefined) {
      text = build();
      this.sqlCache.set(key, text);
    }
    return text;
  }

  collection(session: Session, name: string): Promise<CollectionEntry> | CollectionEntry {
    return this.collections.get(name) ?? this.load(session, "collection", name, this.collections);
  }

  log(session: Session, name: string): Promise<LogEntrySpec> | LogEntrySpec {
    return this.logs.get(name) ?? this.load(session, "log", name, this.logs);
  }

  balance(session: Session, name: string): Promise<BalanceEntry> | BalanceEntry {
    return this.balances.get(name) ?? this.load(session, "balance", name, this.balances);
  }

  counter(session: Session, name: string): Promise<CounterEntry> | CounterEntry {
    return this.counters.get(name) ?? this.load(session, "counter", name, this.counters);
  }

  private async load<T extends { name: string }>(session: Session, kind: FamilyKind, name: string, into: Map<string, T>): Promise<T> {
    let rows: { spec: string }[];
    try {
      rows = await session.query<{ spec: string }>(`SELECT spec::text AS spec FROM ${this.tables.migrations} WHERE id = $1`, [recordId(kind, name)]);
    } catch (error) {
      // 42P01: the migrations table does not exist yet (migrate() never ran on this schema).
      if ((error as { details?: { sqlState?: string } }).details?.sqlState === "42P01") rows = [];
      else throw error;
    }
    const row = rows[0];
    if (row === undefined) throw unknownFamily(kind, name);
    const entry = { name, ...(JSON.parse(row.spec) as Omit<T, "name">) } as T;
    into.set(name, entry);
    return entry;
  }
}

/**
 * The error for a family the registry never declared.
 *
 * @example
 * ```ts
 * throw unknownFamily("collection", "sales.orderz");
 * ```
 */
export function unknownFamily(kind: FamilyKind, name: string): StorekeepError {
  return new StorekeepError("NOT_FOUND", `${KIND_LABEL[kind]} "${name}" is not declared: add it to the registry passed to store.migrate().`, { name });
}
