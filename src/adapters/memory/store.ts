import { checkArg } from "../../kernel/boundary.js";
import { Decimal, canonicalDecimal } from "../../kernel/decimal.js";
import { InvariantError, StorekeepError } from "../../kernel/errors.js";
import type {
  BalanceDelta,
  BalanceStore,
  CounterChange,
  CounterStore,
  DocumentStore,
  EventAppender,
  IdempotencyClaim,
  IdempotencyStore,
  Json,
  JsonObject,
  LogAppend,
  LogEntry,
  LogStore,
  OutboxEvent,
  PositionedEvent,
  Store,
  StoreCapabilities,
  StoreRegistry,
  StoredDocument,
  Transaction,
} from "../../ports/storage.js";
import { type BalanceFamilyState, addToBucket, balanceField, bucketDecimals, bucketSums, bucketsOf, createBalanceFamily, extendBalanceFamily, scaledAmounts, sumByKey, sumKey } from "./balances.js";
import { type CounterFamilyState, counterRecord, createCounterFamily, extendCounterFamily, planCounterChanges } from "./counters.js";
import { toStoredDecimal } from "./decimals.js";
import { type CollectionState, createCollection, extendCollection, findDocuments, writeDocument } from "./documents.js";
import { checkKey, freezeJson, freezeStored, storeJson, storeOwnRecord } from "./json.js";
import { type LogFamilyState, createLogFamily, hasEntry, insertEntry, listStreams, readEntries, removeEntry } from "./logs.js";
import { compareStrings } from "./sorted-list.js";

/** The most events one `readEvents` call returns. */
const READ_EVENTS_MAX = 10_000;

/**
 * Options of {@link memoryStore}.
 *
 * @example
 * ```ts
 * const store = memoryStore({ registry });
 * ```
 */
export interface MemoryStoreOptions {
  /** Migrate this registry right away (the same as calling `migrate` before first use). */
  readonly registry?: StoreRegistry;
}

/**
 * The whole state of a memory store as plain, deterministic data, for "the store is
 * exactly as it was" comparisons in tests. Decimals are canonical strings; objects list
 * their keys in sorted order.
 *
 * @example
 * ```ts
 * const before = await store.dump();
 * await expect(failingCommand()).rejects.toThrow();
 * expect(await store.dump()).toEqual(before);
 * ```
 */
export interface MemoryStoreDump {
  readonly documents: Record<string, Record<string, { version: number; data: JsonObject }>>;
  readonly logs: Record<string, { seq: number; streams: Record<string, { sortKey: string; seq: number; data: JsonObject }[]> }>;
  readonly balances: Record<string, Record<string, Record<string, Record<string, string>>>>;
  readonly counters: Record<string, Record<string, Record<string, string>>>;
  readonly events: PositionedEvent[];
  readonly idempotency: Record<string, { hash: string; expiresAt: string; completed: boolean; result: Json }>;
}

/**
 * The in-memory store: a {@link Store} with a `dump()` of its whole state.
 *
 * @example
 * ```ts
 * const store: MemoryStore = memoryStore();
 * ```
 */
export interface MemoryStore extends Store {
  /** Deletes idempotency records that expired before `instant`; returns how many. */
  purgeIdempotency(instant: string): Promise<number>;
  /** The committed state (waits for running transactions to finish, so never call it inside one). */
  dump(): Promise<MemoryStoreDump>;
}

interface IdempotencyRecord {
  readonly hash: string;
  readonly expiresAt: string;
  readonly expiresAtMs: number;
  completed: boolean;
  result: Json;
}

interface TransactionContext {
  readonly undo: (() => void)[];
  readonly events: PositionedEvent[];
  readonly claimed: Set<string>;
  open: boolean;
}

const CAPABILITIES: StoreCapabilities = Object.freeze({ concurrentTransactions: false, durable: false });

/**
 * The embedded default store, kept in memory.
 *
 * - All or nothing: every write inside a transaction records its undo; a throw replays
 *   them in reverse, so nothing is left behind (outbox and idempotency claims included).
 * - Isolation by serialisation: callers may start transactions concurrently; they run one
 *   at a time, in call order (`capabilities.concurrentTransactions` is `false`). So
 *   `getForUpdate` and guarded counters are trivially exclusive, and a stale `put` still
 *   fails with `CONCURRENCY_CONFLICT`. Do not start a transaction from inside another: it
 *   would wait for itself.
 * - Stored JSON is copied and deep-frozen on the way in; reads return the frozen values.
 * - Not durable: the state lives as long as the object.
 *
 * @example
 * ```ts
 * import { memoryStore } from "storekeep";
 * const store = memoryStore();
 * await store.migrate({ collections: [{ name: "notes" }], logs: [], balances: [], counters: [] });
 * await store.transaction((tx) => tx.documents.put("notes", "n1", { text: "hello" }, 0));
 * ```
 */
export function memoryStore(untrustedOptions: MemoryStoreOptions = {}): MemoryStore {
  const options = checkArg(untrustedOptions, "input?", "memoryStore options") as MemoryStoreOptions | undefined ?? {};
  const collections = new Map<string, CollectionState>();
  const logs = new Map<string, LogFamilyState>();
  const balances = new Map<string, BalanceFamilyState>();
  const counters = new Map<string, CounterFamilyState>();
  const outbox: PositionedEvent[] = [];
  const idempotency = new Map<string, IdempotencyRecord>();
  let tail: Promise<unknown> = Promise.resolve();

  function exclusive<T>(run: () => Promise<T>): Promise<T> {
    const result = tail.then(run);
    tail = result.then(noop, noop);
    return result;
  }

  function migrateNow(registry: StoreRegistry): void {
    for (const spec of registry.collections) {
      const existing = collections.get(spec.name);
      if (existing) extendCollection(existing, spec);
      else collections.set(spec.name, createCollection(spec));
    }
    for (const spec of registry.logs) if (!logs.has(spec.name)) logs.set(spec.name, createLogFamily(spec));
    for (const spec of registry.balances) {
      const existing = balances.get(spec.name);
      if (existing) extendBalanceFamily(existing, spec);
      else balances.set(spec.name, createBalanceFamily(spec));
    }
    for (const spec of registry.counters) {
      const existing = counters.get(spec.name);
      if (existing) extendCounterFamily(existing, spec);
      else counters.set(spec.name, createCounterFamily(spec));
    }
  }

  if (options.registry) migrateNow(options.registry);

  function collection(name: string): CollectionState {
    return declared(collections.get(name), "Collection", name);
  }
  function logFamily(name: string): LogFamilyState {
    return declared(logs.get(name), "Log family", name);
  }
  function balanceFamily(name: string): BalanceFamilyState {
    return declared(balances.get(name), "Balance family", name);
  }
  function counterFamily(name: string): CounterFamilyState {
    return declared(counters.get(name), "Counter family", name);
  }

  function openTransaction(ctx: TransactionContext): Transaction {
    const check = (): void => {
      if (!ctx.open) throw new InvariantError("this transaction has already ended; do not keep `tx` beyond the work function");
    };

    const documents: DocumentStore = {
      async get<T extends JsonObject>(name: string, id: string) {
        check();
        return readDocument(collection(name).docs.get(id)) as StoredDocument<T> | undefined;
      },
      async getForUpdate<T extends JsonObject>(name: string, id: string) {
        check();
        // Transactions are serialised: the whole store is this transaction's lock.
        return readDocument(collection(name).docs.get(id)) as StoredDocument<T> | undefined;
      },
      async getForShare<T extends JsonObject>(name: string, id: string) {
        check();
        return readDocument(collection(name).docs.get(id)) as StoredDocument<T> | undefined;
      },
      async getMany<T extends JsonObject>(name: string, ids: readonly string[]) {
        check();
        const state = collection(name);
        const out: StoredDocument<T>[] = [];
        const seen = new Set<string>();
        for (const id of ids) {
          if (seen.has(id)) continue;
          seen.add(id);
          const doc = state.docs.get(id);
          if (doc) out.push(readDocument(doc) as StoredDocument<T>);
        }
        return out;
      },
      async getManyForUpdate<T extends JsonObject>(name: string, ids: readonly string[]) {
        check();
        // Transactions are serialised: the whole store is this transaction's lock.
        const state = collection(name);
        const out: StoredDocument<T>[] = [];
        for (const id of [...new Set(ids)].sort(compareStrings)) {
          const doc = state.docs.get(id);
          if (doc) out.push(readDocument(doc) as StoredDocument<T>);
        }
        return out;
      },
      async insertMany(name: string, documents: readonly { readonly id: string; readonly data: JsonObject }[]) {
        check();
        const state = collection(name);
        // Everything is checked (and copied) before the first write: all or nothing.
        const seen = new Set<string>();
        const next: StoredDocument[] = new Array(documents.length);
        for (let i = 0; i < documents.length; i++) {
          const { id, data } = documents[i]!;
          checkKey(id, "document id", name);
          const current = state.docs.get(id);
          if (current !== undefined || seen.has(id)) throw conflict(name, id, 0, current?.version ?? 1);
          seen.add(id);
          if (typeof data !== "object" || data === null || Array.isArray(data)) throw new InvariantError(`document ${name}/${id}: data must be a JSON object`);
          next[i] = { id, version: 1, data: storeJson(data, true, name, id) };
        }
        for (const doc of next) writeDocument(state, doc.id, doc);
        ctx.undo.push(() => {
          for (const doc of next) writeDocument(state, doc.id, undefined);
        });
      },
      async put(name: string, id: string, data: JsonObject, expectedVersion: number) {
        check();
        const state = collection(name);
        checkKey(id, "document id", name);
        const current = state.docs.get(id);
        const version = current?.version ?? 0;
        if (version !== expectedVersion) throw conflict(name, id, expectedVersion, current?.version);
        if (typeof data !== "object" || data === null || Array.isArray(data)) throw new InvariantError(`document ${name}/${id}: data must be a JSON object`);
        // Frozen (with its data) when a read first hands it out: see readDocument.
        const next: StoredDocument = { id, version: version + 1, data: storeJson(data, true, name, id) };
        writeDocument(state, id, next);
        ctx.undo.push(() => writeDocument(state, id, current));
        return next.version;
      },
      async delete(name: string, id: string, expectedVersion: number) {
        check();
        const state = collection(name);
        const current = state.docs.get(id);
        if (!current || current.version !== expectedVersion) throw conflict(name, id, expectedVersion, current?.version);
        writeDocument(state, id, undefined);
        ctx.undo.push(() => writeDocument(state, id, current));
      },
      async find<T extends JsonObject>(name: string, query: Parameters<DocumentStore["find"]>[1]) {
        check();
        const found = findDocuments(collection(name), query);
        for (let i = 0; i < found.length; i++) readDocument(found[i]);
        return found as StoredDocument<T>[];
      },
    };

    const logStore: LogStore = {
      async append(name: string, entries: readonly LogAppend[]) {
        check();
        const state = logFamily(name);
        // Validate the whole batch first so a duplicate appends nothing of it. A small batch
        // (an entry's lines) is searched for a repeat directly, a large one through a set.
        const batch = entries.length > SMALL_BATCH ? new Set<string>() : undefined;
        const data: JsonObject[] = new Array(entries.length);
        for (let i = 0; i < entries.length; i++) {
          const entry = entries[i]!;
          const stream = checkKey(entry.stream, "log stream", name);
          const sortKey = checkKey(entry.sortKey, "log sort key", name);
          const pair = batch && `${stream}\u0000${sortKey}`;
          if ((pair !== undefined ? batch!.has(pair) : repeatedBefore(entries, i)) || hasEntry(state, stream, sortKey)) {
            throw new StorekeepError("ALREADY_EXISTS", `Log "${name}" stream "${stream}" already has an entry with sort key "${sortKey}"; sort keys are unique within a stream.`, {
              family: name,
              stream,
              sortKey,
            });
          }
          if (pair !== undefined) batch!.add(pair);
          data[i] = storeJson(entry.data, false, name, stream, sortKey);
        }
        const seqBefore = state.seq;
        const inserted: LogEntry[] = new Array(entries.length);
        for (let i = 0; i < entries.length; i++) {
          // Frozen (with its data) when a read first hands it out: see readLogEntry.
          const entry: LogEntry = { stream: entries[i]!.stream, sortKey: entries[i]!.sortKey, seq: ++state.seq, data: data[i]! };
          inserted[i] = entry;
          insertEntry(state, entry);
        }
        ctx.undo.push(() => {
          for (let i = inserted.length - 1; i >= 0; i--) removeEntry(state, inserted[i]!);
          state.seq = seqBefore;
        });
      },
      async read<T extends JsonObject>(name: string, stream: string, range?: Parameters<LogStore["read"]>[2]) {
        check();
        const entries = readEntries(logFamily(name), stream, range);
        for (let i = 0; i < entries.length; i++) readLogEntry(entries[i]!);
        return entries as LogEntry<T>[];
      },
      async readMany<T extends JsonObject>(name: string, reads: Parameters<NonNullable<LogStore["readMany"]>>[1]) {
        check();
        const state = logFamily(name);
        const out: LogEntry<T>[][] = new Array(reads.length);
        for (let r = 0; r < reads.length; r++) {
          const entries = readEntries(state, reads[r]!.stream, reads[r]!.range);
          for (let i = 0; i < entries.length; i++) readLogEntry(entries[i]!);
          out[r] = entries as LogEntry<T>[];
        }
        return out;
      },
      async streams(name: string, options?: { readonly after?: string; readonly limit?: number }) {
        check();
        return listStreams(logFamily(name), options?.after, options?.limit);
      },
    };

    const balanceStore: BalanceStore = {
      runningTotals: true,
      async add(name: string, deltas: readonly BalanceDelta[]) {
        check();
        const state = balanceFamily(name);
        // Validate everything first so a bad delta leaves no partial effect.
        const prepared: { key: string; bucket: string; amounts: (Decimal | undefined)[] }[] = [];
        for (const delta of deltas) {
          const key = checkKey(delta.key, "balance key", name);
          const bucket = checkKey(delta.bucket, "balance bucket", name);
          const amounts: (Decimal | undefined)[] = new Array(state.fields.length);
          for (const field of Object.keys(delta.amounts)) {
            amounts[balanceField(state, field)] = toStoredDecimal(delta.amounts[field], `amount of ${name}.${field}`);
          }
          prepared.push({ key, bucket, amounts });
        }
        for (const p of prepared) ctx.undo.push(addToBucket(state, p.key, p.bucket, scaledAmounts(state, p.amounts)));
      },
      async sum(name: string, key: string, buckets?: Parameters<BalanceStore["sum"]>[2]) {
        check();
        return sumKey(balanceFamily(name), key, buckets);
      },
      async sumByKey(name: string, query?: Parameters<BalanceStore["sumByKey"]>[1]) {
        check();
        return sumByKey(balanceFamily(name), query);
      },
      async buckets(name: string, key: string, buckets?: Parameters<BalanceStore["buckets"]>[2]) {
        check();
        return bucketsOf(balanceFamily(name), key, buckets);
      },
    };

    const counterStore: CounterStore = {
      async apply(name: string, changes: readonly CounterChange[]) {
        check();
        const state = counterFamily(name);
        const plan = planCounterChanges(state, changes);
        for (const [key, values] of plan.rows) {
          const previous = state.rows.get(key);
          state.rows.set(key, values);
          ctx.undo.push(() => {
            if (previous) state.rows.set(key, previous);
            else state.rows.delete(key);
          });
        }
        return plan.results;
      },
      async get(name: string, key: string) {
        check();
        const state = counterFamily(name);
        return counterRecord(state, state.rows.get(key));
      },
      async getMany(name: string, keys: readonly string[]) {
        check();
        const state = counterFamily(name);
        const out = new Map<string, Record<string, Decimal>>();
        for (const key of keys) out.set(key, counterRecord(state, state.rows.get(key)));
        return out;
      },
    };

    const events: EventAppender = {
      async append(list: readonly OutboxEvent[]) {
        check();
        // Transactions run one at a time, so an event's outbox position is known now: the
        // positioned, frozen event is built in one copy and pushed to the outbox at commit.
        const positioned: PositionedEvent[] = [];
        for (const event of list) {
          if (typeof event?.id !== "string" || typeof event.type !== "string") throw new InvariantError("an outbox event needs a string id and type");
          const position = String(outbox.length + ctx.events.length + positioned.length + 1);
          // Frozen when readEvents first hands it out: see readEvent.
          positioned.push(storeOwnRecord(positionedCopy(event, position), `event ${event.id}`, false) as unknown as PositionedEvent);
        }
        for (const event of positioned) ctx.events.push(event);
      },
    };

    const idempotencyStore: IdempotencyStore = {
      async claim(key: string, hash: string, expiresAt: string): Promise<IdempotencyClaim> {
        check();
        checkKey(key, "idempotency key");
        checkKey(hash, "idempotency hash");
        const expiresAtMs = Date.parse(expiresAt);
        if (!Number.isFinite(expiresAtMs)) throw new InvariantError(`idempotency expiresAt must be an ISO instant, got ${expiresAt}`);
        const existing = idempotency.get(key);
        if (existing) {
          if (existing.hash !== hash) return { status: "mismatch", hash: existing.hash };
          return { status: "replay", result: existing.result };
        }
        idempotency.set(key, { hash, expiresAt, expiresAtMs, completed: false, result: null });
        ctx.claimed.add(key);
        ctx.undo.push(() => {
          idempotency.delete(key);
          ctx.claimed.delete(key);
        });
        return { status: "claimed" };
      },
      async complete(key: string, result: Json) {
        check();
        const record = idempotency.get(key);
        if (!record || !ctx.claimed.has(key)) throw new InvariantError(`idempotency key "${key}" was not claimed in this transaction`);
        const frozen = freezeJson(result === undefined ? null : result, `result of ${key}`);
        const before = { completed: record.completed, result: record.result };
        record.completed = true;
        record.result = frozen;
        ctx.undo.push(() => {
          record.completed = before.completed;
          record.result = before.result;
        });
      },
    };

    return { documents, logs: logStore, balances: balanceStore, counters: counterStore, events, idempotency: idempotencyStore };
  }

  async function runTransaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    const ctx: TransactionContext = { undo: [], events: [], claimed: new Set(), open: true };
    let result: T;
    try {
      result = await work(openTransaction(ctx));
    } catch (error) {
      ctx.open = false;
      for (let i = ctx.undo.length - 1; i >= 0; i--) ctx.undo[i]!();
      throw error;
    }
    ctx.open = false;
    for (const event of ctx.events) outbox.push(event);
    return result;
  }

  const store: MemoryStore = {
    name: "memory",
    capabilities: CAPABILITIES,
    async migrate(registry: StoreRegistry) {
      await exclusive(async () => migrateNow(registry));
    },
    transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
      return exclusive(() => runTransaction(work));
    },
    async readEvents(cursor: string | null, limit: number) {
      if (!Number.isInteger(limit) || limit < 0) throw new InvariantError(`readEvents limit must be a non-negative integer, got ${limit}`);
      let from = 0;
      if (cursor !== null) {
        if (!/^[1-9][0-9]{0,15}$/.test(cursor) || Number(cursor) > outbox.length) {
          throw new StorekeepError("VALIDATION_FAILED", `"${cursor}" is not an event cursor of this memory store; pass null or a position it returned.`, {
            issues: [{ path: "cursor", message: "unknown cursor", code: "custom" }],
          });
        }
        from = Number(cursor);
      }
      const out = outbox.slice(from, from + Math.min(limit, READ_EVENTS_MAX));
      for (let i = 0; i < out.length; i++) readEvent(out[i]!);
      return out;
    },
    purgeIdempotency(instant: string) {
      const ms = Date.parse(instant);
      if (!Number.isFinite(ms)) throw new InvariantError(`purgeIdempotency needs an ISO instant, got ${instant}`);
      return exclusive(async () => {
        let removed = 0;
        for (const [key, record] of idempotency) {
          if (record.expiresAtMs < ms) {
            idempotency.delete(key);
            removed++;
          }
        }
        return removed;
      });
    },
    dump() {
      return exclusive(async () => dumpState());
    },
    async close() {
      await exclusive(async () => undefined);
    },
  };

  function dumpState(): MemoryStoreDump {
    const documents: Record<string, Record<string, { version: number; data: JsonObject }>> = {};
    for (const name of sortedKeys(collections)) {
      const docs = collections.get(name)!.docs;
      const out: Record<string, { version: number; data: JsonObject }> = {};
      for (const id of sortedKeys(docs)) {
        const doc = readDocument(docs.get(id))!;
        out[id] = { version: doc.version, data: doc.data };
      }
      documents[name] = out;
    }
    const logsOut: MemoryStoreDump["logs"] = {};
    for (const name of sortedKeys(logs)) {
      const state = logs.get(name)!;
      const streams: Record<string, { sortKey: string; seq: number; data: JsonObject }[]> = {};
      for (const stream of state.names.toArray()) {
        streams[stream] = state.streams.get(stream)!.toArray().map((e) => ({ sortKey: e.sortKey, seq: e.seq, data: readLogEntry(e).data }));
      }
      logsOut[name] = { seq: state.seq, streams };
    }
    const balancesOut: MemoryStoreDump["balances"] = {};
    for (const name of sortedKeys(balances)) {
      const state = balances.get(name)!;
      const keys: Record<string, Record<string, Record<string, string>>> = {};
      for (const key of state.sortedKeys.toArray()) {
        const row = state.keys.get(key)!;
        const buckets: Record<string, Record<string, string>> = {};
        row.buckets.forEach((bucket, b) => {
          buckets[bucket] = decimalsRecord(state.fields, bucketDecimals(state, bucketSums(row, b)));
        });
        keys[key] = buckets;
      }
      balancesOut[name] = keys;
    }
    const countersOut: MemoryStoreDump["counters"] = {};
    for (const name of sortedKeys(counters)) {
      const state = counters.get(name)!;
      const rows: Record<string, Record<string, string>> = {};
      for (const key of sortedKeys(state.rows)) rows[key] = decimalsRecord(state.fields, state.rows.get(key)!);
      countersOut[name] = rows;
    }
    const idempotencyOut: MemoryStoreDump["idempotency"] = {};
    for (const key of sortedKeys(idempotency)) {
      const r = idempotency.get(key)!;
      idempotencyOut[key] = { hash: r.hash, expiresAt: r.expiresAt, completed: r.completed, result: r.result };
    }
    return { documents, logs: logsOut, balances: balancesOut, counters: countersOut, events: outbox.map(readEvent), idempotency: idempotencyOut };
  }

  return store;
}

function noop(): void {}

/** Batches up to this size are searched for a repeated stream and sort key pairwise. */
const SMALL_BATCH = 16;

/** Whether an entry before `i` has the same stream and sort key as entry `i`. */
function repeatedBefore(entries: readonly LogAppend[], i: number): boolean {
  const { stream, sortKey } = entries[i]!;
  for (let j = 0; j < i; j++) if (entries[j]!.sortKey === sortKey && entries[j]!.stream === stream) return true;
  return false;
}

/*
 * Stored values are frozen when a read first hands them out (see json.ts): the wrapper's
 * own frozenness says whether that happened.
 */

/** The stored document, frozen with its data (done once, at its first read). */
function readDocument(doc: StoredDocument | undefined): StoredDocument | undefined {
  if (doc !== undefined && !Object.isFrozen(doc)) {
    freezeStored(doc.data, true);
    Object.freeze(doc);
  }
  return doc;
}

/** The log entry, frozen with its data (done once, at its first read). */
function readLogEntry(entry: LogEntry): LogEntry {
  if (!Object.isFrozen(entry)) {
    freezeStored(entry.data, false);
    Object.freeze(entry);
  }
  return entry;
}

/** The outbox event, frozen with its payload (done once, at its first read). */
function readEvent(event: PositionedEvent): PositionedEvent {
  if (!Object.isFrozen(event)) freezeStored(event as unknown as Json, false);
  return event;
}

function sortedKeys(map: Map<string, unknown>): string[] {
  return [...map.keys()].sort(compareStrings);
}

function decimalsRecord(fields: readonly string[], values: readonly Decimal[]): Record<string, string> {
  const out: Record<string, string> = {};
  fields.forEach((field, f) => {
    out[field] = canonicalDecimal(values[f] ?? new Decimal(0));
  });
  return out;
}

function declared<T>(state: T | undefined, what: string, name: string): T {
  if (state === undefined) {
    throw new StorekeepError("NOT_FOUND", `${what} "${name}" is not declared: add it to the registry passed to store.migrate().`, { name });
  }
  return state;
}

function conflict(collection: string, id: string, expected: number, actual: number | undefined): StorekeepError {
  return new StorekeepError(
    "CONCURRENCY_CONFLICT",
    `Document ${collection}/${id} is at version ${actual ?? "none (missing)"}, not ${expected}: it changed since it was read; read it again and retry.`,
    { collection, id, expectedVersion: expected, actualVersion: actual ?? 0 },
  );
}

/** The fields of an outbox event's envelope. */
const ENVELOPE = new Set(["id", "type", "schemaVersion", "aggregateType", "aggregateId", "aggregateVersion", "effectiveDate", "occurredAt", "causationId", "correlationId", "idempotencyKey", "payload"]);

/**
 * `{ ...event, position }`, field by field for an envelope (an object spread followed by
 * another property took V8's slow path: about a microsecond per event). An event with any
 * other field keeps the generic copy.
 */
function positionedCopy(event: OutboxEvent, position: string): JsonObject {
  for (const name of Object.keys(event)) if (!ENVELOPE.has(name)) return { ...(event as unknown as JsonObject), position };
  const out: Record<string, Json> = {
    id: event.id,
    type: event.type,
    schemaVersion: event.schemaVersion,
    aggregateType: event.aggregateType,
    aggregateId: event.aggregateId,
    aggregateVersion: event.aggregateVersion,
    effectiveDate: event.effectiveDate,
    occurredAt: event.occurredAt,
    causationId: event.causationId,
    correlationId: event.correlationId,
  };
  if (event.idempotencyKey !== undefined) out["idempotencyKey"] = event.idempotencyKey;
  out["payload"] = event.payload;
  out["position"] = position;
  return out;
}
