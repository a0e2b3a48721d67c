import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { memoryStore } from "../../src/adapters/memory/index.js";
import { Decimal } from "../../src/kernel/decimal.js";
import type { Store, StoreRegistry, Transaction } from "../../src/ports/storage.js";
import { countingStore, failingStore, runStoreConformance, snapshotStore } from "../../src/testing/index.js";

const registry: StoreRegistry = {
  collections: [{ name: "orders", indexes: { byCustomer: { fields: ["customerId"] } } }],
  logs: [{ name: "moves", sortKey: "at|id" }],
  balances: [{ name: "ledger", fields: ["debit", "credit"], bucket: "YYYY-MM" }],
  counters: [{ name: "stock", fields: ["onHand", "reserved"], guards: { available: { terms: { onHand: 1, reserved: -1 }, floor: 0 } } }],
};

/** The writes of `command`, in order: every write method of every primitive. */
const WRITES = ["idempotency.claim", "documents.put", "documents.delete", "logs.append", "balances.add", "counters.apply", "events.append", "idempotency.complete"];

async function command(tx: Transaction): Promise<string> {
  await tx.idempotency.claim("cmd-1", "hash", "2099-01-01T00:00:00.000Z");
  await tx.documents.put("orders", "o2", { customerId: "c1", total: "5.00" }, 0);
  await tx.documents.delete("orders", "o1", 1);
  await tx.logs.append("moves", [{ stream: "SKU-1", sortKey: "2026-01-01|mv_0", data: { q: "-1" } }]);
  await tx.balances.add("ledger", [{ key: "1200", bucket: "2026-01", amounts: { credit: new Decimal("5") } }]);
  await tx.counters.apply("stock", [{ key: "SKU-1", deltas: { reserved: new Decimal(1) }, enforce: ["available"] }]);
  await tx.events.append([{ id: "e2", type: "T", schemaVersion: 1, aggregateType: "order", aggregateId: "o2", aggregateVersion: 1, effectiveDate: "2026-01-01", occurredAt: "2026-01-01T00:00:00.000Z", causationId: null, correlationId: "cmd-1", payload: {} }]);
  await tx.idempotency.complete("cmd-1", { orderId: "o2" });
  return "done";
}

async function seeded(): Promise<Store & { dump(): Promise<unknown> }> {
  const store = memoryStore({ registry });
  await store.transaction(async (tx) => {
    await tx.documents.put("orders", "o1", { customerId: "c1", total: "1.00" }, 0);
    await tx.logs.append("moves", [{ stream: "SKU-1", sortKey: "2026-01-01|mv_1", data: { q: "3" } }]);
    await tx.counters.apply("stock", [{ key: "SKU-1", deltas: { onHand: new Decimal(3) } }]);
    await tx.events.append([{ id: "e1", type: "T", schemaVersion: 1, aggregateType: "order", aggregateId: "o1", aggregateVersion: 1, effectiveDate: "2026-01-01", occurredAt: "2026-01-01T00:00:00.000Z", causationId: null, correlationId: "seed", payload: {} }]);
  });
  return store;
}

describe("failingStore", () => {
  it(`for every k, a transaction failing at its k-th write throws STORE_FAILURE at exactly that write and leaves the store exactly as it was (${WRITES.length} writes)`, async () => {
    for (let k = 1; k <= WRITES.length; k++) {
      const inner = await seeded();
      const before = await snapshotStore(inner);
      const store = failingStore(inner, { failAtWrite: k });
      await expect(store.transaction(command)).rejects.toMatchObject({ code: "STORE_FAILURE", details: { write: k, method: WRITES[k - 1] } });
      expect(store.failedAt).toBe(WRITES[k - 1]);
      expect(store.writes).toBe(k);
      expect(await snapshotStore(store)).toEqual(before);
      expect(await snapshotStore(inner)).toEqual(before);
    }
  });

  it("lets every write through when k is past the last write, and counts writes across transactions", async () => {
    const inner = await seeded();
    const before = await snapshotStore(inner);
    const store = failingStore(inner, { failAtWrite: WRITES.length + 2 });
    expect(await store.transaction(command)).toBe("done");
    expect(store.writes).toBe(WRITES.length);
    expect(store.failedAt).toBeUndefined();
    expect(await snapshotStore(inner)).not.toEqual(before);
    await store.transaction((tx) => tx.documents.put("orders", "o3", { customerId: "c2" }, 0));
    await expect(store.transaction((tx) => tx.documents.put("orders", "o4", { customerId: "c2" }, 0))).rejects.toMatchObject({ code: "STORE_FAILURE" });
    expect((await store.transaction((tx) => tx.documents.find("orders", { index: "byCustomer", equals: ["c2"] }))).map((d) => d.id)).toEqual(["o3"]);
  });

  it("refuses a k that is not a whole number from 1", () => {
    expect(() => failingStore(memoryStore(), { failAtWrite: 0 })).toThrow(expect.objectContaining({ code: "VALIDATION_FAILED" }));
  });
});

describe("countingStore", () => {
  it("counts calls and rows per primitive, calls per method and the keys touched, deterministically", async () => {
    const store = countingStore(await seeded());
    await store.transaction(command);
    await store.transaction(async (tx) => {
      await tx.documents.get("orders", "o2");
      await tx.documents.get("orders", "missing");
      await tx.documents.getMany("orders", ["o1", "o2"]);
      await tx.documents.find("orders", { index: "byCustomer", equals: ["c1"] });
      await tx.logs.read("moves", "SKU-1");
      await tx.logs.streams("moves");
      await tx.balances.sum("ledger", "1200");
      await tx.balances.sumByKey("ledger");
      await tx.balances.buckets("ledger", "1200");
      await tx.counters.get("stock", "SKU-1");
      await tx.counters.getMany("stock", ["SKU-1", "SKU-2"]);
    });
    await store.readEvents(null, 10);
    expect(store.snapshot()).toEqual({
      transactions: 2,
      reads: {
        documents: { calls: 4, rows: 3 },
        logs: { calls: 2, rows: 3 },
        balances: { calls: 3, rows: 3 },
        counters: { calls: 2, rows: 3 },
        events: { calls: 0, rows: 0 },
        idempotency: { calls: 0, rows: 0 },
      },
      writes: {
        documents: { calls: 2, rows: 2 },
        logs: { calls: 1, rows: 1 },
        balances: { calls: 1, rows: 1 },
        counters: { calls: 1, rows: 1 },
        events: { calls: 1, rows: 1 },
        idempotency: { calls: 2, rows: 2 },
      },
      eventReads: { calls: 1, rows: 2 },
      methods: {
        "balances.add": 1,
        "balances.buckets": 1,
        "balances.sum": 1,
        "balances.sumByKey": 1,
        "counters.apply": 1,
        "counters.get": 1,
        "counters.getMany": 1,
        "documents.delete": 1,
        "documents.find": 1,
        "documents.get": 2,
        "documents.getMany": 1,
        "documents.put": 1,
        "events.append": 1,
        "idempotency.claim": 1,
        "idempotency.complete": 1,
        "logs.append": 1,
        "logs.read": 1,
        "logs.streams": 1,
      },
      touched: {
        documents: { orders: ["missing", "o1", "o2"] },
        logs: { moves: ["SKU-1"] },
        balances: { ledger: ["1200"] },
        counters: { stock: ["SKU-1", "SKU-2"] },
        events: { "": ["e2"] },
        idempotency: { "": ["cmd-1"] },
      },
    });
    store.reset();
    expect(store.snapshot().reads.documents).toEqual({ calls: 0, rows: 0 });
    expect(store.snapshot().touched.counters).toEqual({});
  });

  it("counts what a read returns, so a read that grows with history shows it", async () => {
    const rowsRead = async (history: number): Promise<number> => {
      const store = countingStore(memoryStore({ registry }));
      await store.transaction((tx) => tx.logs.append("moves", Array.from({ length: history }, (_, i) => ({ stream: "SKU-1", sortKey: `2026-01-01|mv_${String(i).padStart(5, "0")}`, data: {} }))));
      store.reset();
      await store.transaction((tx) => tx.logs.read("moves", "SKU-1", { gt: "2026-01-01|mv_00005", limit: 3 }));
      const bounded = store.snapshot().reads.logs.rows;
      store.reset();
      await store.transaction((tx) => tx.logs.read("moves", "SKU-1"));
      return bounded * 1_000_000 + store.snapshot().reads.logs.rows;
    };
    expect(await rowsRead(10)).toBe(3 * 1_000_000 + 10);
    expect(await rowsRead(1000)).toBe(3 * 1_000_000 + 1000);
  });
});

describe("snapshotStore", () => {
  it("refuses a store that cannot describe its state", async () => {
    const opaque: Store = { name: "opaque", capabilities: { concurrentTransactions: true, durable: true }, migrate: async () => {}, transaction: (work) => work(undefined as never), readEvents: async () => [] };
    await expect(snapshotStore(opaque)).rejects.toMatchObject({ code: "UNSUPPORTED" });
    await expect(snapshotStore(countingStore(opaque))).rejects.toMatchObject({ code: "UNSUPPORTED" });
  });
});

// The wrappers must be transparent: the whole conformance kit passes through them.
runStoreConformance({
  name: "countingStore over memory",
  make: () => countingStore(memoryStore()),
  capabilities: { concurrentTransactions: false, durable: false, purgeIdempotency: true },
  test: { describe, it, expect, beforeAll, afterAll },
});
runStoreConformance({
  name: "failingStore (never failing) over memory",
  make: () => failingStore(memoryStore(), { failAtWrite: Number.MAX_SAFE_INTEGER }),
  capabilities: { concurrentTransactions: false, durable: false, purgeIdempotency: true },
  test: { describe, it, expect, beforeAll, afterAll },
});
