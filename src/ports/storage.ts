import type { Decimal } from "../kernel/decimal.js";

/*
 * The storage contract: a handful of generic primitives that every module maps its
 * aggregates onto. An adapter never needs to know a module; it builds its tables from the
 * registry that modules declare. See docs/adapters.md.
 *
 * Conventions shared by every primitive:
 * - Keys, ids, index values and sort keys are strings compared by UTF-16 code unit
 *   (binary order, `COLLATE "C"` in SQL). Modules encode dates as ISO strings and numbers
 *   zero-padded so that string order is the order they mean.
 * - Document data, log data and event payloads are JSON values. Decimals inside them are
 *   canonical decimal strings; instants are ISO-8601 strings. They must come back exactly
 *   as they went in.
 * - Balance and counter amounts are Decimals of storekeep's clone, stored exactly
 *   (`numeric` in SQL, never a float).
 * - Stored strings (keys, ids, JSON strings and object keys) must not contain U+0000 or a
 *   lone surrogate, which PostgreSQL cannot store: adapters refuse them with
 *   `VALIDATION_FAILED`. JSON object key order is not kept (jsonb reorders keys).
 * - UTF-16 code-unit order and UTF-8 byte order (`COLLATE "C"`) agree except between
 *   characters U+E000–U+FFFF and characters above U+FFFF; modules must not depend on the
 *   relative order of those two groups.
 * - A write that throws a StorekeepError (`CONCURRENCY_CONFLICT`, `ALREADY_EXISTS`,
 *   `GUARD_VIOLATED`, `VALIDATION_FAILED`) has no effect of its own, and the transaction
 *   stays usable; the work decides whether to go on or to throw (and roll back).
 */

/** A JSON value. @example `const v: Json = { amount: "1.5", tags: ["a"] };` */
export type Json = null | boolean | number | string | readonly Json[] | { readonly [key: string]: Json };

/** A JSON object. @example `const o: JsonObject = { id: "x" };` */
export type JsonObject = { readonly [key: string]: Json };

// ---------------------------------------------------------------------------------------
// The registry
// ---------------------------------------------------------------------------------------

/**
 * A secondary index over a collection: `fields` are top-level fields of the document's
 * data holding strings. Reads give equality on a prefix of the fields and an optional range
 * on the next one. A document is in the index only when every one of its fields holds a
 * string (a missing, null or numeric field leaves the document out).
 *
 * @example
 * ```ts
 * const byCustomer: IndexSpec = { fields: ["customerId", "placedAt"] };
 * ```
 */
export interface IndexSpec {
  readonly fields: readonly string[];
}

/**
 * A collection of versioned documents.
 *
 * @example
 * ```ts
 * const orders: CollectionSpec = { name: "sales.orders", indexes: { byCustomer: { fields: ["customerId", "placedAt"] } } };
 * ```
 */
export interface CollectionSpec {
  readonly name: string;
  readonly indexes?: Readonly<Record<string, IndexSpec>>;
}

/**
 * An append-only log family, read per stream in sort-key order. `sortKey` documents what
 * the entries' sort key is made of (for example "effective instant, movement id").
 *
 * @example
 * ```ts
 * const movements: LogSpec = { name: "inventory.movements", sortKey: "effectiveAt|movementId" };
 * ```
 */
export interface LogSpec {
  readonly name: string;
  readonly sortKey: string;
}

/**
 * A family of bucketed decimal sums: per key and bucket, one decimal per field.
 * Buckets are ordered strings (a `YYYY-MM-DD` day or a `YYYY-MM` period).
 *
 * @example
 * ```ts
 * const balances: BalanceSpec = { name: "finance.balances", fields: ["debit", "credit"], bucket: "period YYYY-MM" };
 * ```
 */
export interface BalanceSpec {
  readonly name: string;
  readonly fields: readonly string[];
  readonly bucket: string;
}

/**
 * A guard: a linear combination of a counter's fields that must stay at or above `floor`.
 *
 * @example
 * ```ts
 * const available: GuardSpec = { terms: { onHand: 1, reserved: -1 }, floor: 0 };
 * ```
 */
export interface GuardSpec {
  readonly terms: Readonly<Record<string, 1 | -1>>;
  readonly floor: number;
}

/**
 * A family of guarded counters: one row per key with decimal fields and named guards.
 *
 * @example
 * ```ts
 * const availability: CounterSpec = { name: "inventory.availability", fields: ["onHand", "reserved"], guards: { available: { terms: { onHand: 1, reserved: -1 }, floor: 0 } } };
 * ```
 */
export interface CounterSpec {
  readonly name: string;
  readonly fields: readonly string[];
  readonly guards: Readonly<Record<string, GuardSpec>>;
}

/**
 * What the modules store: built by each module and handed to an adapter's `migrate()`.
 *
 * @example
 * ```ts
 * const registry: StoreRegistry = { collections: [orders], logs: [movements], balances: [], counters: [] };
 * ```
 */
export interface StoreRegistry {
  readonly collections: readonly CollectionSpec[];
  readonly logs: readonly LogSpec[];
  readonly balances: readonly BalanceSpec[];
  readonly counters: readonly CounterSpec[];
}

// ---------------------------------------------------------------------------------------
// Documents
// ---------------------------------------------------------------------------------------

/**
 * A stored document: its id, its version (1 after the first write) and its data.
 *
 * @example
 * ```ts
 * const doc: StoredDocument<{ status: string }> = { id: "ord_1", version: 3, data: { status: "placed" } };
 * ```
 */
export interface StoredDocument<T extends JsonObject = JsonObject> {
  readonly id: string;
  readonly version: number;
  readonly data: T;
}

/**
 * A read over an index: equality on the first `equals.length` fields, an optional range on
 * the next field, in index order (then by id), paged with `limit` and `after` (the last id
 * of the previous page is not enough: pass the last document's index values and id).
 *
 * @example
 * ```ts
 * const query: IndexQuery = { index: "byExpiry", equals: [], range: { lt: "2026-11-27T10:00:00.000Z" }, limit: 100 };
 * ```
 */
export interface IndexQuery {
  readonly index: string;
  readonly equals?: readonly string[];
  readonly range?: StringRange;
  /** At most this many documents (adapters may cap it at 10,000). */
  readonly limit?: number;
  /** Continue after this position: the index values and id of the last document seen. */
  readonly after?: { readonly values: readonly string[]; readonly id: string };
  readonly order?: "asc" | "desc";
}

/**
 * A range over ordered strings; any bound may be omitted.
 *
 * @example
 * ```ts
 * const march: StringRange = { gte: "2026-03-01", lt: "2026-04-01" };
 * ```
 */
export interface StringRange {
  readonly gt?: string;
  readonly gte?: string;
  readonly lt?: string;
  readonly lte?: string;
}

/**
 * Versioned documents with optimistic and pessimistic concurrency control.
 *
 * @example
 * ```ts
 * const doc = await tx.documents.getForUpdate("sales.orders", id);
 * await tx.documents.put("sales.orders", id, { ...doc.data, status: "placed" }, doc.version);
 * ```
 */
export interface DocumentStore {
  /** The document, or `undefined`. */
  get<T extends JsonObject = JsonObject>(collection: string, id: string): Promise<StoredDocument<T> | undefined>;
  /**
   * The document, locked until the transaction ends: other transactions calling
   * `getForUpdate` on it wait. A missing document is `undefined` (and takes no lock).
   */
  getForUpdate<T extends JsonObject = JsonObject>(collection: string, id: string): Promise<StoredDocument<T> | undefined>;
  /**
   * The document, share-locked until the transaction ends: other transactions may share it
   * too, but `getForUpdate` and writes wait until every sharer has finished (and a sharer
   * waits for a writer, then sees its write). For a document many transactions check and
   * few change, such as the period locks. Optional: without it, callers use `getForUpdate`.
   */
  getForShare?<T extends JsonObject = JsonObject>(collection: string, id: string): Promise<StoredDocument<T> | undefined>;
  /** Several documents by id (missing ones are left out; the order is unspecified). */
  getMany<T extends JsonObject = JsonObject>(collection: string, ids: readonly string[]): Promise<StoredDocument<T>[]>;
  /**
   * Several documents by id, each locked as by `getForUpdate`, the locks taken in ascending
   * id order (UTF-16 code units) so that two transactions locking overlapping sets never
   * wait on each other in a cycle. Missing ones are left out (and take no lock); the result
   * is in ascending id order. Optional: without it, callers lock one id after another in
   * that order. One statement for a SQL
   * store where a loop would make a round trip per document.
   */
  getManyForUpdate?<T extends JsonObject = JsonObject>(collection: string, ids: readonly string[]): Promise<StoredDocument<T>[]>;
  /**
   * Writes a document if its current version is `expectedVersion` (0: it must not exist)
   * and returns the new version. Otherwise throws `CONCURRENCY_CONFLICT`.
   */
  put(collection: string, id: string, data: JsonObject, expectedVersion: number): Promise<number>;
  /**
   * Writes new documents, each at version 1, as `put(collection, id, data, 0)` would one by
   * one — all or nothing: when any id exists already (or appears twice) none is written and
   * it throws `CONCURRENCY_CONFLICT` naming that id, and the transaction stays usable.
   * Optional: without it, callers put one document after another. One statement for a SQL
   * store where a loop would make a round trip per document.
   */
  insertMany?(collection: string, documents: readonly { readonly id: string; readonly data: JsonObject }[]): Promise<void>;
  /** Deletes a document at `expectedVersion` (for erasure of personal data). */
  delete(collection: string, id: string, expectedVersion: number): Promise<void>;
  /** Documents through a declared index. */
  find<T extends JsonObject = JsonObject>(collection: string, query: IndexQuery): Promise<StoredDocument<T>[]>;
}

// ---------------------------------------------------------------------------------------
// Logs
// ---------------------------------------------------------------------------------------

/**
 * An entry to append to a log: its stream (an account, a SKU), its sort key (unique within
 * the stream) and its data.
 *
 * @example
 * ```ts
 * const entry: LogAppend = { stream: "SKU-1", sortKey: "2026-11-27T10:00:00.000Z|mv_1", data: { quantity: "3" } };
 * ```
 */
export interface LogAppend {
  readonly stream: string;
  readonly sortKey: string;
  readonly data: JsonObject;
}

/**
 * A stored log entry with the sequence it was recorded at (ascending in append order).
 *
 * @example
 * ```ts
 * for (const e of await tx.logs.read("inventory.movements", "SKU-1", { gt: since })) console.log(e.sortKey, e.seq);
 * ```
 */
export interface LogEntry<T extends JsonObject = JsonObject> {
  readonly stream: string;
  readonly sortKey: string;
  readonly seq: number;
  readonly data: T;
}

/**
 * A read of one stream in sort-key order.
 *
 * @example
 * ```ts
 * const read: LogRead = { gte: "2026-03", lt: "2026-04", limit: 500 };
 * ```
 */
export interface LogRead extends StringRange {
  readonly limit?: number;
  readonly order?: "asc" | "desc";
}

/**
 * One read of a `readMany`: a stream and its range.
 *
 * @example
 * ```ts
 * const reads: LogReadRequest[] = [{ stream: "SKU-1", range: { gte: "2026-03" } }, { stream: "SKU-2" }];
 * ```
 */
export interface LogReadRequest {
  readonly stream: string;
  readonly range?: LogRead;
}

/**
 * Append-only logs: never edited, read by sort-key range whatever the append order.
 *
 * @example
 * ```ts
 * await tx.logs.append("finance.lines", [{ stream: "1200", sortKey: "2026-11-27|je_1|0", data: line }]);
 * ```
 */
export interface LogStore {
  /** Appends entries. A sort key that already exists in its stream throws `ALREADY_EXISTS`. */
  append(family: string, entries: readonly LogAppend[]): Promise<void>;
  /** Entries of one stream in sort-key order within the range. */
  read<T extends JsonObject = JsonObject>(family: string, stream: string, range?: LogRead): Promise<LogEntry<T>[]>;
  /**
   * Optional: several reads of one family in one call (one round trip on a SQL store) — one
   * list per read, in the order the reads were given, each exactly what `read` returns for
   * it. The library falls back to a loop of `read` without it (`readLogs`).
   */
  readMany?<T extends JsonObject = JsonObject>(family: string, reads: readonly LogReadRequest[]): Promise<LogEntry<T>[][]>;
  /** The streams of a family, sorted, paged after `after`. */
  streams(family: string, options?: { readonly after?: string; readonly limit?: number }): Promise<string[]>;
}

// ---------------------------------------------------------------------------------------
// Balances
// ---------------------------------------------------------------------------------------

/**
 * A delta to add to one key and bucket of a balance family.
 *
 * @example
 * ```ts
 * const delta: BalanceDelta = { key: "1200|EUR", bucket: "2026-11", amounts: { debit: new Decimal("10.00") } };
 * ```
 */
export interface BalanceDelta {
  readonly key: string;
  readonly bucket: string;
  readonly amounts: Readonly<Record<string, Decimal>>;
}

/**
 * A bucket range for sums: `from` and `to` are inclusive; omitted means unbounded.
 * "As of a date" is `{ to: date }`, "for a period" is `{ from, to }`.
 *
 * @example
 * ```ts
 * const asOf: BucketRange = { to: "2026-11" };
 * ```
 */
export interface BucketRange {
  readonly from?: string;
  readonly to?: string;
}

/**
 * Sums per key over buckets.
 *
 * @example
 * ```ts
 * const query: BalanceQuery = { keyPrefix: "1", buckets: { to: "2026-11" } };
 * ```
 */
export interface BalanceQuery {
  /** Only keys starting with this prefix. */
  readonly keyPrefix?: string;
  /** Only these keys. */
  readonly keys?: readonly string[];
  readonly buckets?: BucketRange;
}

/**
 * Bucketed decimal sums that the store computes. Writes add deltas and never conflict with
 * each other, so a hot key never serialises its writers.
 *
 * @example
 * ```ts
 * const { debit, credit } = await tx.balances.sum("finance.balances", "1200|EUR", { to: "2026-11" });
 * ```
 */
export interface BalanceStore {
  /**
   * True when the store keeps running totals per key, so a `sum` or `sumByKey` over any
   * bucket range costs the same however many buckets it spans (the memory store). Readers
   * may then read the finest buckets directly instead of combining coarser roll-ups of their
   * own. Optional; absent means false.
   */
  readonly runningTotals?: boolean;
  /** Adds deltas (fields a delta leaves out add zero). */
  add(family: string, deltas: readonly BalanceDelta[]): Promise<void>;
  /** Sum of every field for one key over a bucket range (zeros when nothing was added). */
  sum(family: string, key: string, buckets?: BucketRange): Promise<Record<string, Decimal>>;
  /** Sums for many keys at once; keys with no rows in range are left out. */
  sumByKey(family: string, query?: BalanceQuery): Promise<Map<string, Record<string, Decimal>>>;
  /** Per-bucket totals for one key in bucket order (rows with no delta are left out). */
  buckets(family: string, key: string, buckets?: BucketRange): Promise<{ bucket: string; amounts: Record<string, Decimal> }[]>;
}

// ---------------------------------------------------------------------------------------
// Guarded counters
// ---------------------------------------------------------------------------------------

/**
 * A change to one counter row. `enforce` names the guards checked for this change; a guard
 * is only checked when the change lowers it (a receipt into a row that is already below its
 * floor still succeeds).
 *
 * @example
 * ```ts
 * const reserve: CounterChange = { key: "SKU-1|wh_main", deltas: { reserved: new Decimal(2) }, enforce: ["available"] };
 * ```
 */
export interface CounterChange {
  readonly key: string;
  readonly deltas: Readonly<Record<string, Decimal>>;
  readonly enforce?: readonly string[];
}

/**
 * The one lock-holding primitive: rows changed by conditional updates that fail atomically
 * when a guard would drop below its floor. Rows are locked in key order, so two
 * transactions never deadlock.
 *
 * @example
 * ```ts
 * await tx.counters.apply("inventory.availability", [{ key: "SKU-1|wh_main", deltas: { reserved: new Decimal(1) }, enforce: ["available"] }]);
 * ```
 */
export interface CounterStore {
  /**
   * Applies every change or none. A guard violation throws `GUARD_VIOLATED` with
   * `details: { family, key, guard, value, floor }` (value: what it would have become).
   * Returns each changed row's new values, in the order of `changes`.
   */
  apply(family: string, changes: readonly CounterChange[]): Promise<Record<string, Decimal>[]>;
  /** A row's values (zeros when the row does not exist). */
  get(family: string, key: string): Promise<Record<string, Decimal>>;
  /** Several rows at once, missing rows as zeros. */
  getMany(family: string, keys: readonly string[]): Promise<Map<string, Record<string, Decimal>>>;
}

// ---------------------------------------------------------------------------------------
// Events outbox
// ---------------------------------------------------------------------------------------

/**
 * An event as the outbox stores it: the envelope with its payload as JSON.
 *
 * @example
 * ```ts
 * const e: OutboxEvent = { id: "evt_1", type: "OrderPlaced", schemaVersion: 1, aggregateType: "order", aggregateId: "ord_1", aggregateVersion: 1, effectiveDate: "2026-11-27", occurredAt: "2026-11-27T10:00:00.000Z", causationId: null, correlationId: "cmd_1", payload: {} };
 * ```
 */
export interface OutboxEvent {
  readonly id: string;
  readonly type: string;
  readonly schemaVersion: number;
  readonly aggregateType: string;
  readonly aggregateId: string;
  readonly aggregateVersion: number;
  readonly effectiveDate: string;
  readonly occurredAt: string;
  readonly causationId: string | null;
  readonly correlationId: string;
  readonly idempotencyKey?: string;
  readonly payload: JsonObject;
}

/**
 * An outbox event with its position: `position` is an opaque cursor after this event.
 *
 * @example
 * ```ts
 * const page = await store.readEvents(null, 100);
 * const next = page.at(-1)?.position;
 * ```
 */
export interface PositionedEvent extends OutboxEvent {
  readonly position: string;
}

/**
 * The events outbox inside a transaction.
 *
 * @example
 * ```ts
 * await tx.events.append([event]);
 * ```
 */
export interface EventAppender {
  /** Appends events; they become readable when the transaction commits, in one global order. */
  append(events: readonly OutboxEvent[]): Promise<void>;
}

// ---------------------------------------------------------------------------------------
// Idempotency
// ---------------------------------------------------------------------------------------

/**
 * The outcome of claiming an idempotency key.
 *
 * @example
 * ```ts
 * const claim = await tx.idempotency.claim("checkout-42", hash, expiresAt);
 * if (claim.status === "replay") return claim.result;
 * ```
 */
export type IdempotencyClaim =
  | { readonly status: "claimed" }
  | { readonly status: "replay"; readonly result: Json }
  | { readonly status: "mismatch"; readonly hash: string };

/**
 * Idempotency claims inside the command's transaction. A claim made by a transaction that
 * rolls back disappears with it. A concurrent claim of the same key waits for the first
 * transaction to finish, then sees its outcome.
 *
 * @example
 * ```ts
 * await tx.idempotency.complete("checkout-42", { orderId: "ord_1" });
 * ```
 */
export interface IdempotencyStore {
  claim(key: string, hash: string, expiresAt: string): Promise<IdempotencyClaim>;
  /** Records the result of the command that claimed `key` in this transaction. */
  complete(key: string, result: Json): Promise<void>;
}

// ---------------------------------------------------------------------------------------
// Transactions and the store
// ---------------------------------------------------------------------------------------

/**
 * A unit of work: everything written through it commits together or not at all.
 *
 * @example
 * ```ts
 * await store.transaction(async (tx) => { await tx.documents.put("c", "id", {}, 0); });
 * ```
 */
export interface Transaction {
  readonly documents: DocumentStore;
  readonly logs: LogStore;
  readonly balances: BalanceStore;
  readonly counters: CounterStore;
  readonly events: EventAppender;
  readonly idempotency: IdempotencyStore;
}

/**
 * Optional capabilities an adapter may lack; the conformance kit skips registering tests
 * for what an adapter declares it lacks, and names them.
 *
 * @example
 * ```ts
 * const caps: StoreCapabilities = { concurrentTransactions: true, durable: true };
 * ```
 */
export interface StoreCapabilities {
  /** Transactions really run at the same time (false: the store serialises them). */
  readonly concurrentTransactions: boolean;
  /** Data survives the process. */
  readonly durable: boolean;
}

/**
 * The storage contract. Isolation: each transaction behaves as if it ran alone for every
 * key it reads and then writes: documents through versions and `getForUpdate`, counters
 * through guarded conditional updates, balances through commutative deltas.
 *
 * @example
 * ```ts
 * const store: Store = memoryStore();
 * await store.migrate(registry);
 * ```
 */
export interface Store {
  /** A short name for messages ("memory", "postgres"). */
  readonly name: string;
  readonly capabilities: StoreCapabilities;
  /** Creates (idempotently) what the registry declares. Safe to call again with a larger registry. */
  migrate(registry: StoreRegistry): Promise<void>;
  /** Runs `work` in one transaction: commit when it resolves, roll back when it throws. */
  transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T>;
  /**
   * Committed outbox events after `cursor` (`null`: from the start), in one global order
   * that never skips an event whose transaction committed late.
   */
  readEvents(cursor: string | null, limit: number): Promise<PositionedEvent[]>;
  /** Deletes idempotency records that expired before `instant` (ISO); returns how many. */
  purgeIdempotency?(instant: string): Promise<number>;
  /** Releases connections or resources. */
  close?(): Promise<void>;
}
