import { StorekeepError } from "../kernel/errors.js";
import type { Json, JsonObject, LogReadRequest, PositionedEvent, Store, Transaction } from "../ports/storage.js";

/**
 * The primitives of the storage contract, as the wrappers count them.
 *
 * @example
 * ```ts
 * const p: StorePrimitive = "balances";
 * ```
 */
export type StorePrimitive = "documents" | "logs" | "balances" | "counters" | "events" | "idempotency";

const PRIMITIVES: readonly StorePrimitive[] = ["documents", "logs", "balances", "counters", "events", "idempotency"];

/** What one wrapped call did: its primitive, method, family (collection), keys and rows. */
interface CallInfo {
  readonly primitive: StorePrimitive;
  readonly method: string;
  /** Collection or family name; "" for the outbox and idempotency. */
  readonly family: string;
  /** Ids, streams or keys the call names or returns. */
  readonly keys: readonly string[];
  /** Rows written (for a write) or returned (for a read). */
  readonly rows: number;
}

interface Hooks {
  /** Called before each write reaches the inner store; may throw to fail it. */
  beforeWrite?(primitive: StorePrimitive, method: string): void;
  afterWrite?(call: CallInfo): void;
  afterRead?(call: CallInfo): void;
  onTransaction?(): void;
  /** Called after the inner transaction committed; may throw to report the commit as failed. */
  afterCommit?(): void;
}

/** A store that can describe its whole state (the memory store's `dump()`). */
interface Dumpable {
  dump(): Promise<unknown>;
}

function hasDump(store: Store): store is Store & Dumpable {
  return typeof (store as Partial<Dumpable>).dump === "function";
}

function wrapTransaction(tx: Transaction, hooks: Hooks): Transaction {
  const read = async <T>(promise: Promise<T>, primitive: StorePrimitive, method: string, family: string, keys: (result: T) => readonly string[], rows: (result: T) => number): Promise<T> => {
    const result = await promise;
    hooks.afterRead?.({ primitive, method, family, keys: keys(result), rows: rows(result) });
    return result;
  };
  const write = async <T>(primitive: StorePrimitive, method: string, family: string, keys: readonly string[], rows: number, run: () => Promise<T>): Promise<T> => {
    hooks.beforeWrite?.(primitive, method);
    const result = await run();
    hooks.afterWrite?.({ primitive, method, family, keys, rows });
    return result;
  };
  const ids = (docs: readonly { id: string }[]): string[] => docs.map((d) => d.id);
  return {
    documents: {
      get: (c, id) => read(tx.documents.get(c, id), "documents", "get", c, () => [id], (r) => (r ? 1 : 0)),
      getForUpdate: (c, id) => read(tx.documents.getForUpdate(c, id), "documents", "getForUpdate", c, () => [id], (r) => (r ? 1 : 0)),
      ...(tx.documents.getForShare === undefined ? {} : { getForShare: (c: string, id: string) => read(tx.documents.getForShare!(c, id), "documents", "getForShare", c, () => [id], (r) => (r ? 1 : 0)) }),
      getMany: (c, list) => read(tx.documents.getMany(c, list), "documents", "getMany", c, () => list, (r) => r.length),
      ...(tx.documents.getManyForUpdate === undefined
        ? {}
        : { getManyForUpdate: (c: string, list: readonly string[]) => read(tx.documents.getManyForUpdate!(c, list), "documents", "getManyForUpdate", c, () => list, (r) => r.length) }),
      ...(tx.documents.insertMany === undefined
        ? {}
        : {
            insertMany: (c: string, docs: readonly { readonly id: string; readonly data: JsonObject }[]) =>
              write("documents", "insertMany", c, docs.map((d) => d.id), docs.length, () => tx.documents.insertMany!(c, docs)),
          }),
      find: (c, query) => read(tx.documents.find(c, query), "documents", "find", c, ids, (r) => r.length),
      put: (c, id, data, v) => write("documents", "put", c, [id], 1, () => tx.documents.put(c, id, data, v)),
      delete: (c, id, v) => write("documents", "delete", c, [id], 1, () => tx.documents.delete(c, id, v)),
    } as Transaction["documents"],
    logs: {
      append: (f, entries) => write("logs", "append", f, entries.map((e) => e.stream), entries.length, () => tx.logs.append(f, entries)),
      read: (f, stream, range) => read(tx.logs.read(f, stream, range), "logs", "read", f, () => [stream], (r) => r.length),
      ...(tx.logs.readMany === undefined
        ? {}
        : {
            readMany: (f: string, reads: readonly LogReadRequest[]) =>
              read(tx.logs.readMany!(f, reads), "logs", "readMany", f, () => reads.map((r) => r.stream), (r) => r.reduce((n, list) => n + list.length, 0)),
          }),
      streams: (f, options) => read(tx.logs.streams(f, options), "logs", "streams", f, (r) => r, (r) => r.length),
    } as Transaction["logs"],
    balances: {
      ...(tx.balances.runningTotals === undefined ? {} : { runningTotals: tx.balances.runningTotals }),
      add: (f, deltas) => write("balances", "add", f, deltas.map((d) => d.key), deltas.length, () => tx.balances.add(f, deltas)),
      sum: (f, key, range) => read(tx.balances.sum(f, key, range), "balances", "sum", f, () => [key], () => 1),
      sumByKey: (f, query) => read(tx.balances.sumByKey(f, query), "balances", "sumByKey", f, (r) => [...r.keys()], (r) => r.size),
      buckets: (f, key, range) => read(tx.balances.buckets(f, key, range), "balances", "buckets", f, () => [key], (r) => r.length),
    },
    counters: {
      apply: (f, changes) => write("counters", "apply", f, changes.map((c) => c.key), changes.length, () => tx.counters.apply(f, changes)),
      get: (f, key) => read(tx.counters.get(f, key), "counters", "get", f, () => [key], () => 1),
      getMany: (f, keys) => read(tx.counters.getMany(f, keys), "counters", "getMany", f, () => keys, (r) => r.size),
    },
    events: {
      append: (events) => write("events", "append", "", events.map((e) => e.id), events.length, () => tx.events.append(events)),
    },
    idempotency: {
      claim: (key, hash, expiresAt) => write("idempotency", "claim", "", [key], 1, () => tx.idempotency.claim(key, hash, expiresAt)),
      complete: (key, result: Json) => write("idempotency", "complete", "", [key], 1, () => tx.idempotency.complete(key, result)),
    },
  };
}

function wrapStore<S extends Store>(inner: Store, hooks: Hooks, extra: Omit<S, keyof Store>, onReadEvents?: (events: PositionedEvent[]) => void): S {
  const store: Store = {
    name: inner.name,
    capabilities: inner.capabilities,
    migrate: (registry) => inner.migrate(registry),
    transaction: (work) =>
      inner.transaction((tx) => {
        hooks.onTransaction?.();
        return work(wrapTransaction(tx, hooks));
      }).then((result) => {
        hooks.afterCommit?.();
        return result;
      }),
    readEvents: async (cursor, limit) => {
      const events = await inner.readEvents(cursor, limit);
      onReadEvents?.(events);
      return events;
    },
    ...(inner.purgeIdempotency ? { purgeIdempotency: (instant: string) => inner.purgeIdempotency!(instant) } : {}),
    ...(inner.close ? { close: () => inner.close!() } : {}),
  };
  const withDump = hasDump(inner) ? { ...store, dump: () => inner.dump() } : store;
  return Object.assign(withDump, extra) as S;
}

/**
 * Options of {@link failingStore}.
 *
 * @example
 * ```ts
 * const options: FailingStoreOptions = { failAtWrite: 3 };
 * ```
 */
export interface FailingStoreOptions {
  /** The write call(s) (1-based, counted across transactions) that throw. */
  readonly failAtWrite?: number | readonly number[];
  /**
   * The transaction(s) (1-based, counted across transactions) that commit and then throw
   * `COMMIT_OUTCOME_UNKNOWN`, as when the connection dies while COMMIT is in flight: the
   * work is stored, the caller hears a failure.
   */
  readonly failAtCommit?: number | readonly number[];
  /**
   * The code an injected write failure throws: `STORE_FAILURE` (default) or
   * `STORE_UNAVAILABLE` (a lost connection, with `details.retryable`).
   */
  readonly code?: "STORE_FAILURE" | "STORE_UNAVAILABLE";
}

/**
 * A store that fails chosen writes or commits.
 *
 * @example
 * ```ts
 * const store: FailingStore = failingStore(memoryStore(), { failAtWrite: 1 });
 * store.writes; // 0
 * ```
 */
export interface FailingStore extends Store {
  /** Write calls seen so far (the failing ones included). */
  readonly writes: number;
  /** Transactions committed so far (the ones then reported as COMMIT_OUTCOME_UNKNOWN included). */
  readonly commits: number;
  /** The method that failed last (`"counters.apply"`), once one has. */
  readonly failedAt: string | undefined;
  /** The inner store's `dump()`, when it has one. */
  dump?(): Promise<unknown>;
}

/**
 * Wraps a store so that its `failAtWrite`-th write call throws
 * `StorekeepError("STORE_FAILURE")` (or `STORE_UNAVAILABLE`) before reaching the inner
 * store, and its `failAtCommit`-th transaction commits and then throws
 * `COMMIT_OUTCOME_UNKNOWN`. Every write method of every primitive counts:
 * `documents.put`/`delete`, `logs.append`, `balances.add`, `counters.apply`,
 * `events.append`, `idempotency.claim`/`complete`. Use it to prove that a command failing
 * at any write leaves the store exactly as it was, and that replaying keys after lost
 * commits gives exact totals.
 *
 * @example
 * ```ts
 * for (let k = 1; k <= totalWrites; k++) {
 *   const inner = await seededStore();
 *   const before = await snapshotStore(inner);
 *   const sk = createStorekeep({ store: failingStore(inner, { failAtWrite: k }) });
 *   await expect(sk.inventory.receive(input)).rejects.toMatchObject({ code: "STORE_FAILURE" });
 *   expect(await snapshotStore(inner)).toEqual(before);
 * }
 * ```
 */
export function failingStore(inner: Store, options: FailingStoreOptions): FailingStore {
  const ordinals = (name: string, value: number | readonly number[] | undefined): Set<number> => {
    const list = value === undefined ? [] : typeof value === "number" ? [value] : value;
    if (!Array.isArray(list) && typeof value !== "number") throw new StorekeepError("VALIDATION_FAILED", `${name} must be a whole number from 1 or an array of them.`);
    for (const n of list) {
      if (!Number.isInteger(n) || n < 1) throw new StorekeepError("VALIDATION_FAILED", `${name} must be whole numbers from 1, got ${n}.`);
    }
    return new Set(list);
  };
  if (options === null || typeof options !== "object") throw new StorekeepError("VALIDATION_FAILED", "failingStore needs options: { failAtWrite?, failAtCommit?, code? }.");
  const failWrites = ordinals("failAtWrite", options.failAtWrite);
  const failCommits = ordinals("failAtCommit", options.failAtCommit);
  const code = options.code ?? "STORE_FAILURE";
  if (code !== "STORE_FAILURE" && code !== "STORE_UNAVAILABLE") throw new StorekeepError("VALIDATION_FAILED", `code must be "STORE_FAILURE" or "STORE_UNAVAILABLE", got ${String(code)}.`);
  const state = { writes: 0, commits: 0, failedAt: undefined as string | undefined };
  const hooks: Hooks = {
    beforeWrite(primitive, method) {
      state.writes++;
      if (failWrites.has(state.writes)) {
        state.failedAt = `${primitive}.${method}`;
        throw new StorekeepError(code, `Injected store failure at write ${state.writes} (${primitive}.${method}).`, { write: state.writes, method: `${primitive}.${method}`, ...(code === "STORE_UNAVAILABLE" ? { retryable: true, driverCode: "INJECTED" } : {}) });
      }
    },
    afterCommit() {
      state.commits++;
      if (failCommits.has(state.commits)) {
        state.failedAt = "commit";
        throw new StorekeepError("COMMIT_OUTCOME_UNKNOWN", `Injected lost connection during commit ${state.commits} (it committed); replay the command with its idempotency key.`, { commit: state.commits, retryable: true, driverCode: "INJECTED" });
      }
    },
  };
  const store = wrapStore<FailingStore>(inner, hooks, {} as Omit<FailingStore, keyof Store>);
  Object.defineProperties(store, {
    writes: { get: () => state.writes, enumerable: true },
    commits: { get: () => state.commits, enumerable: true },
    failedAt: { get: () => state.failedAt, enumerable: true },
  });
  return store;
}

/**
 * Calls and rows of one primitive.
 *
 * @example
 * ```ts
 * const c: CallCount = { calls: 2, rows: 5 };
 * ```
 */
export interface CallCount {
  calls: number;
  rows: number;
}

/**
 * What a {@link countingStore} counted, as plain deterministic data: per primitive, read
 * and write calls with the rows they returned or wrote; per primitive and family, the
 * sorted ids, streams or keys touched; per method, calls.
 *
 * @example
 * ```ts
 * const s: StoreCountsSnapshot = store.snapshot();
 * s.touched.counters["inventory.availability"]; // ["SKU-1|wh_main"]
 * ```
 */
export interface StoreCountsSnapshot {
  transactions: number;
  reads: Record<StorePrimitive, CallCount>;
  writes: Record<StorePrimitive, CallCount>;
  /** `readEvents` calls and the events they returned. */
  eventReads: CallCount;
  /** Calls per method, e.g. `"documents.find": 2`. */
  methods: Record<string, number>;
  /** Per primitive, per family: the sorted ids, streams or keys read or written. */
  touched: Record<StorePrimitive, Record<string, string[]>>;
}

/**
 * A store that counts what passes through it.
 *
 * @example
 * ```ts
 * const store: CountingStore = countingStore(memoryStore());
 * store.counts.reads.documents.calls; // 0
 * ```
 */
export interface CountingStore extends Store {
  /** Live counts (the same shape as the snapshot, with Sets for touched keys). */
  readonly counts: {
    transactions: number;
    reads: Record<StorePrimitive, CallCount>;
    writes: Record<StorePrimitive, CallCount>;
    eventReads: CallCount;
    methods: Map<string, number>;
    touched: Record<StorePrimitive, Map<string, Set<string>>>;
  };
  /** Sets every count back to zero. */
  reset(): void;
  /** A plain, sorted copy of the counts, for `toEqual`. */
  snapshot(): StoreCountsSnapshot;
  /** The inner store's `dump()`, when it has one. */
  dump?(): Promise<unknown>;
}

function zeroCounts(): CountingStore["counts"] {
  const per = (): Record<StorePrimitive, CallCount> => Object.fromEntries(PRIMITIVES.map((p) => [p, { calls: 0, rows: 0 }])) as Record<StorePrimitive, CallCount>;
  return {
    transactions: 0,
    reads: per(),
    writes: per(),
    eventReads: { calls: 0, rows: 0 },
    methods: new Map(),
    touched: Object.fromEntries(PRIMITIVES.map((p) => [p, new Map()])) as Record<StorePrimitive, Map<string, Set<string>>>,
  };
}

/**
 * Wraps a store and counts, deterministically, what commands read and write through it:
 * per primitive the calls and the rows returned (reads) or written (writes), calls per
 * method, and the ids, streams and keys touched per family. Later tests prove "touches
 * one SKU" (`touched.counters[family]` has one key) and "does not grow with history"
 * (`reads.logs.rows` is the same after 10 or 10,000 earlier movements) with it.
 *
 * Rows: a `get` returns 1 row or 0, a `sum` or counter `get` 1, lists and maps their
 * length; a write counts the entries, deltas, changes or events it carries (1 for a put,
 * delete, claim or complete).
 *
 * @example
 * ```ts
 * const store = countingStore(memoryStore());
 * const sk = createStorekeep({ store });
 * await sk.inventory.receive(input);
 * store.reset();
 * await sk.inventory.reserve(order);
 * expect(store.snapshot().touched.counters["inventory.availability"]).toEqual(["SKU-1|wh_main"]);
 * ```
 */
export function countingStore(inner: Store): CountingStore {
  let counts = zeroCounts();
  const note = (kind: "reads" | "writes", call: CallInfo): void => {
    const c = counts[kind][call.primitive];
    c.calls++;
    c.rows += call.rows;
    const method = `${call.primitive}.${call.method}`;
    counts.methods.set(method, (counts.methods.get(method) ?? 0) + 1);
    if (call.keys.length > 0) {
      const families = counts.touched[call.primitive];
      let set = families.get(call.family);
      if (!set) {
        set = new Set();
        families.set(call.family, set);
      }
      for (const key of call.keys) set.add(key);
    }
  };
  const hooks: Hooks = {
    afterRead: (call) => note("reads", call),
    afterWrite: (call) => note("writes", call),
    onTransaction: () => {
      counts.transactions++;
    },
  };
  const extra = {
    reset() {
      counts = zeroCounts();
    },
    snapshot(): StoreCountsSnapshot {
      const copy = (r: Record<StorePrimitive, CallCount>): Record<StorePrimitive, CallCount> =>
        Object.fromEntries(PRIMITIVES.map((p) => [p, { ...r[p] }])) as Record<StorePrimitive, CallCount>;
      const touched = Object.fromEntries(
        PRIMITIVES.map((p) => {
          const families = counts.touched[p];
          const out: Record<string, string[]> = {};
          for (const family of [...families.keys()].sort()) out[family] = [...families.get(family)!].sort();
          return [p, out];
        }),
      ) as Record<StorePrimitive, Record<string, string[]>>;
      const methods: Record<string, number> = {};
      for (const m of [...counts.methods.keys()].sort()) methods[m] = counts.methods.get(m)!;
      return { transactions: counts.transactions, reads: copy(counts.reads), writes: copy(counts.writes), eventReads: { ...counts.eventReads }, methods, touched };
    },
  };
  const store = wrapStore<CountingStore>(inner, hooks, extra as Omit<CountingStore, keyof Store>, (events) => {
    counts.eventReads.calls++;
    counts.eventReads.rows += events.length;
  });
  Object.defineProperty(store, "counts", { get: () => counts, enumerable: true });
  return store;
}

/**
 * The whole state of a store that can describe it (the memory store, directly or through
 * {@link failingStore} and {@link countingStore}), as plain data for "the store is exactly
 * as it was" comparisons. Other stores throw `UNSUPPORTED`: the storage contract cannot
 * enumerate documents or counters.
 *
 * @example
 * ```ts
 * const before = await snapshotStore(store);
 * await expect(sk.sales.placeOrder(bad)).rejects.toThrow();
 * expect(await snapshotStore(store)).toEqual(before);
 * ```
 */
export async function snapshotStore(store: Store): Promise<unknown> {
  if (!hasDump(store)) {
    throw new StorekeepError("UNSUPPORTED", `The ${store.name} store cannot describe its whole state; snapshotStore needs a store with dump(), such as memoryStore().`);
  }
  return store.dump();
}
