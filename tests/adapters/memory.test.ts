import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { memoryRates, memoryStore } from "../../src/adapters/memory/index.js";
import { Decimal } from "../../src/kernel/decimal.js";
import { handOver } from "../../src/kernel/hand-over.js";
import { isInvariantError, isStorekeepError } from "../../src/kernel/errors.js";
import type { LocalDate } from "../../src/kernel/local-date.js";
import type { StoreRegistry, Transaction } from "../../src/ports/storage.js";

const registry: StoreRegistry = {
  collections: [{ name: "cells" }, { name: "orders", indexes: { byCustomer: { fields: ["customerId", "placedAt"] } } }],
  logs: [{ name: "moves", sortKey: "at|id" }],
  balances: [{ name: "ledger", fields: ["debit", "credit"], bucket: "YYYY-MM" }],
  counters: [{ name: "stock", fields: ["onHand", "reserved"], guards: { available: { terms: { onHand: 1, reserved: -1 }, floor: 0 } } }],
};

function codeOf(e: unknown): string {
  return isStorekeepError(e) ? e.code : isInvariantError(e) ? "INVARIANT" : String(e);
}

describe("memory store under fast-check's scheduler", () => {
  it("no interleaving of concurrent read-modify-write transactions loses an update or oversells (property: final state = number of committed transactions)", async () => {
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), fc.integer({ min: 2, max: 7 }), fc.integer({ min: 0, max: 4 }), async (s, writers, units) => {
        const store = memoryStore({ registry });
        await store.transaction(async (tx) => {
          await tx.documents.put("cells", "c", { n: 0 }, 0);
          await tx.counters.apply("stock", [{ key: "sku", deltas: { onHand: new Decimal(units) } }]);
        });
        const step = (label: string) => s.schedule(Promise.resolve(label), label);
        let conflicts = 0;
        const work = async (tx: Transaction, i: number): Promise<boolean> => {
          const doc = await tx.documents.get<{ n: number }>("cells", "c");
          await step(`w${i} read v${doc!.version}`);
          await tx.documents.put("cells", "c", { n: doc!.data.n + 1 }, doc!.version);
          const locked = await tx.documents.getForUpdate<{ n: number }>("cells", "c");
          await step(`w${i} locked`);
          await tx.documents.put("cells", "c", { n: locked!.data.n + 1 }, locked!.version);
          await step(`w${i} reserving`);
          try {
            await tx.counters.apply("stock", [{ key: "sku", deltas: { reserved: new Decimal(1) } , enforce: ["available"] }]);
            return true;
          } catch (e) {
            if (codeOf(e) !== "GUARD_VIOLATED") throw e;
            return false;
          }
        };
        const runs = Array.from({ length: writers }, (_, i) =>
          step(`start w${i}`).then(async () => {
            for (;;) {
              try {
                return await store.transaction((tx) => work(tx, i));
              } catch (e) {
                if (codeOf(e) !== "CONCURRENCY_CONFLICT") throw e;
                conflicts++;
              }
            }
          }),
        );
        const reserved = await s.waitFor(Promise.all(runs));
        const doc = await store.transaction((tx) => tx.documents.get<{ n: number }>("cells", "c"));
        const row = await store.transaction((tx) => tx.counters.get("stock", "sku"));
        expect(doc!.data.n).toBe(2 * writers);
        expect(doc!.version).toBe(2 * writers + 1);
        expect(reserved.filter(Boolean).length).toBe(Math.min(units, writers));
        expect(row.reserved!.toFixed()).toBe(String(Math.min(units, writers)));
        // The memory store serialises transactions, so no interleaving even produces a conflict.
        expect(conflicts).toBe(0);
      }),
      { numRuns: 150 },
    );
  });

  it("the same scheduler does find lost updates in an unprotected read-modify-write (the property above could fail)", async () => {
    const result = await fc.check(
      fc.asyncProperty(fc.scheduler(), async (s) => {
        let value = 0;
        const runs = [0, 1, 2].map((i) =>
          s.schedule(Promise.resolve(i)).then(async () => {
            const seen = value;
            await s.schedule(Promise.resolve("between read and write"));
            value = seen + 1;
          }),
        );
        await s.waitFor(Promise.all(runs));
        return value === 3;
      }),
      { numRuns: 200, seed: 7 },
    );
    expect(result.failed).toBe(true);
  });
});

describe("memory store specifics", () => {
  it("declares that it serialises transactions and is not durable", () => {
    const store = memoryStore();
    expect(store.name).toBe("memory");
    expect(store.capabilities).toEqual({ concurrentTransactions: false, durable: false });
  });

  it("runs concurrent callers one at a time, in call order", async () => {
    const store = memoryStore({ registry });
    const order: string[] = [];
    await Promise.all(
      [0, 1, 2].map((i) =>
        store.transaction(async () => {
          order.push(`start ${i}`);
          await new Promise((r) => setTimeout(r, 3 - i));
          order.push(`end ${i}`);
        }),
      ),
    );
    expect(order).toEqual(["start 0", "end 0", "start 1", "end 1", "start 2", "end 2"]);
  });

  it("refuses a transaction object used after its transaction ended", async () => {
    const store = memoryStore({ registry });
    let kept: Transaction | undefined;
    await store.transaction(async (tx) => {
      kept = tx;
    });
    await expect(kept!.documents.get("cells", "x")).rejects.toSatisfy(isInvariantError);
  });

  it("stores JSON only: a Decimal, a Date or NaN in document data is a programmer error naming its path", async () => {
    const store = memoryStore({ registry });
    const bad = [{ amount: new Decimal(1) }, { at: new Date(0) }, { list: [1, Number.NaN] }, { nested: { fn: () => 1 } }];
    for (const data of bad) {
      const error = await store.transaction((tx) => tx.documents.put("cells", "x", data as never, 0)).catch((e: unknown) => e);
      expect(isInvariantError(error)).toBe(true);
      expect(String((error as Error).message)).toMatch(/cells\/x\.(amount|at|list\[1\]|nested\.fn) is not JSON/);
    }
    expect(await store.transaction((tx) => tx.documents.get("cells", "x"))).toBeUndefined();
  });

  it("drops undefined properties and normalises -0 as JSON does, and returns frozen data", async () => {
    const store = memoryStore({ registry });
    await store.transaction((tx) => tx.documents.put("cells", "x", { a: undefined, b: -0, list: [undefined, 1] } as never, 0));
    const doc = await store.transaction((tx) => tx.documents.get("cells", "x"));
    expect(doc!.data).toEqual({ b: 0, list: [null, 1] });
    expect(Object.is(doc!.data.b, -0)).toBe(false);
    expect("a" in doc!.data).toBe(false);
    expect(Object.isFrozen(doc!.data)).toBe(true);
    expect(Object.isFrozen(doc!.data.list)).toBe(true);
  });

  it("stored values are frozen, deep, by whichever read first hands them out: get, getMany, find, a log read, readEvents, dump", async () => {
    const deepFrozen = (v: unknown): boolean => typeof v !== "object" || v === null || (Object.isFrozen(v) && Object.values(v).every(deepFrozen));
    const reads: [string, (store: ReturnType<typeof memoryStore>) => Promise<unknown>][] = [
      ["get", (store) => store.transaction((tx) => tx.documents.get("orders", "o1"))],
      ["getForUpdate", (store) => store.transaction((tx) => tx.documents.getForUpdate("orders", "o1"))],
      ["getMany", (store) => store.transaction((tx) => tx.documents.getMany("orders", ["o1"]))],
      ["find", (store) => store.transaction((tx) => tx.documents.find("orders", { index: "byCustomer", equals: ["c1"] }))],
      ["log read", (store) => store.transaction((tx) => tx.logs.read("moves", "s"))],
      ["readEvents", (store) => store.readEvents(null, 10)],
      ["dump", (store) => store.dump()],
    ];
    for (const [name, read] of reads) {
      const store = memoryStore({ registry });
      // Handed over (kept in place) and plain (copied): both frozen once read.
      const order = handOver({ customerId: "c1", placedAt: "2026-01-01", lines: [{ sku: "A", qty: "1", tags: ["x"] }] });
      await store.transaction(async (tx) => {
        await tx.documents.put("orders", "o1", order, 0);
        await tx.logs.append("moves", [{ stream: "s", sortKey: "1", data: handOver({ at: "1", parts: [{ q: "1" }] }) }]);
        await tx.events.append([{ id: "e1", type: "T", schemaVersion: 1, aggregateType: "a", aggregateId: "1", aggregateVersion: null, effectiveDate: "2026-01-01", occurredAt: "2026-01-01T00:00:00.000Z", causationId: null, correlationId: null, payload: handOver({ lines: [{ sku: "A" }] }) } as never]);
      });
      const out = await read(store);
      // The stored values the read handed out (a list's array and dump's own structure are the read's, not stored).
      const dumped = out as { documents: Record<string, Record<string, { data: unknown }>>; logs: Record<string, { streams: Record<string, { data: unknown }[]> }>; events: unknown[] };
      const stored = name === "dump" ? [dumped.documents["orders"]!["o1"]!.data, dumped.logs["moves"]!.streams["s"]![0]!.data, dumped.events[0]] : Array.isArray(out) ? out : [out];
      expect(stored.length, name).toBeGreaterThan(0);
      for (const value of stored) expect(deepFrozen(value), name).toBe(true);
      expect(JSON.stringify(stored), name).toMatch(/"sku":"A"|"q":"1"/);
    }
  });

  it("a value handed over (handOver) is kept as it is, frozen, with the same checks as a copy; what JSON would normalise, and frozen parts of other owners, are copied", async () => {
    const store = memoryStore({ registry });
    const built = handOver({ status: "new", lines: [{ sku: "A", qty: "1" }], n: 2 });
    await store.transaction((tx) => tx.documents.put("cells", "kept", built, 0));
    const kept = (await store.transaction((tx) => tx.documents.get("cells", "kept")))!;
    expect(kept.data).toBe(built); // not copied
    expect(Object.isFrozen(built) && Object.isFrozen(built.lines) && Object.isFrozen(built.lines[0])).toBe(true);
    expect(() => {
      (built.lines as { sku: string }[]).push({ sku: "B" });
    }).toThrow(TypeError);
    // Not handed over: copied, as always.
    const plain = { status: "new" };
    await store.transaction((tx) => tx.documents.put("cells", "copied", plain, 0));
    expect((await store.transaction((tx) => tx.documents.get("cells", "copied")))!.data).not.toBe(plain);
    expect(Object.isFrozen(plain)).toBe(false);
    // What JSON normalises (an undefined field or item, -0) is copied, from that object down.
    const odd = handOver({ a: undefined, b: -0, list: [undefined, 1], fine: { x: "y" } });
    await store.transaction((tx) => tx.documents.put("cells", "odd", odd as never, 0));
    const oddDoc = (await store.transaction((tx) => tx.documents.get("cells", "odd")))!;
    expect(oddDoc.data).toEqual({ b: 0, list: [null, 1], fine: { x: "y" } });
    expect("a" in oddDoc.data).toBe(false);
    expect(Object.is(oddDoc.data.b, -0)).toBe(false);
    // A part frozen by someone else (its insides may still change) is copied, not kept.
    const inner = { tags: ["a"] };
    const shallow = Object.freeze({ inner });
    const holder = handOver({ shallow });
    await store.transaction((tx) => tx.documents.put("cells", "holder", holder as never, 0));
    inner.tags.push("changed by its owner");
    const held = (await store.transaction((tx) => tx.documents.get("cells", "holder")))!;
    expect(held.data).toEqual({ shallow: { inner: { tags: ["a"] } } });
    // The checks hold: an unstorable string is refused, naming its path, and nothing is written.
    const bad = handOver({ memo: "nul\u0000byte" });
    const refused = await store.transaction((tx) => tx.documents.put("cells", "bad", bad, 0)).then(() => undefined, (e: unknown) => e);
    expect(isStorekeepError(refused) && refused.code === "VALIDATION_FAILED" && refused.message.includes("cells/bad.memo")).toBe(true);
    expect(await store.transaction((tx) => tx.documents.get("cells", "bad"))).toBeUndefined();
    // Log entries too.
    const line = handOver({ qty: "1" });
    await store.transaction((tx) => tx.logs.append("moves", [{ stream: "s", sortKey: "k1", data: line }]));
    const [entry] = await store.transaction((tx) => tx.logs.read("moves", "s"));
    expect(entry!.data).toBe(line);
  });

  it("a stored value written back inside a spread keeps its nested parts uncopied, while the spread itself is copied and frozen", async () => {
    const store = memoryStore({ registry });
    await store.transaction((tx) => tx.documents.put("cells", "x", { status: "new", lines: [{ sku: "A", qty: "1" }], meta: { n: 1 } }, 0));
    const first = (await store.transaction((tx) => tx.documents.get("cells", "x")))!;
    const next: Record<string, unknown> = { ...first.data, status: "paid" };
    await store.transaction((tx) => tx.documents.put("cells", "x", next as never, 1));
    const second = (await store.transaction((tx) => tx.documents.get("cells", "x")))!;
    expect(second.data.lines).toBe(first.data.lines); // already stored: not copied again
    expect(second.data).not.toBe(next); // the caller's object was copied
    next["status"] = "changed by the caller";
    expect(second.data.status).toBe("paid");
    expect(Object.isFrozen(second.data)).toBe(true);
    // the copy's mark is not enumerable: a spread of a stored value is a new, unmarked value
    expect(Object.keys(second.data).sort()).toEqual(["lines", "meta", "status"]);
    expect(JSON.stringify(second.data)).toBe('{"status":"paid","lines":[{"sku":"A","qty":"1"}],"meta":{"n":1}}');
    const respread: Record<string, unknown> = { ...second.data };
    await store.transaction((tx) => tx.documents.put("cells", "x", respread as never, 2));
    respread["status"] = "mutated after the write";
    expect((await store.transaction((tx) => tx.documents.get("cells", "x")))!.data.status).toBe("paid");
  });

  it("a frozen leaf (primitives only) is kept as it is whoever froze it, written back or nested; one holding what JSON normalises or refuses is copied or refused", async () => {
    const store = memoryStore({ registry });
    await store.transaction((tx) => tx.documents.put("cells", "x", { status: "new", lines: [{ sku: "A", qty: "1" }], meta: { n: 1 } }, 0));
    const first = (await store.transaction((tx) => tx.documents.get("cells", "x")))!;
    // Written back through a new array: the stored lines (leaves) are kept, the array is new.
    const lines = [...(first.data.lines as readonly object[]), { sku: "B", qty: "2" }];
    await store.transaction((tx) => tx.documents.put("cells", "x", { ...first.data, lines } as never, 1));
    const second = (await store.transaction((tx) => tx.documents.get("cells", "x")))!;
    const stored = second.data.lines as readonly object[];
    expect(stored[0]).toBe((first.data.lines as readonly object[])[0]);
    expect(stored).not.toBe(lines);
    expect(Object.isFrozen(stored[1])).toBe(true);
    // A caller's frozen leaf is kept: nothing in it can change.
    const leaf = Object.freeze({ sku: "C", qty: "3", flags: null, ok: true });
    await store.transaction((tx) => tx.documents.put("cells", "leaf", { leaf } as never, 0));
    expect((await store.transaction((tx) => tx.documents.get("cells", "leaf")))!.data["leaf"]).toBe(leaf);
    // A frozen leaf holding -0 or an undefined field is copied as JSON would have it.
    const odd = Object.freeze({ n: -0, gone: undefined, list: Object.freeze([1, -0]) });
    await store.transaction((tx) => tx.documents.put("cells", "odd", { odd } as never, 0));
    const oddDoc = (await store.transaction((tx) => tx.documents.get("cells", "odd")))!.data["odd"] as Record<string, unknown>;
    expect(oddDoc).not.toBe(odd);
    expect(Object.is(oddDoc["n"], -0)).toBe(false);
    expect("gone" in oddDoc).toBe(false);
    expect(Object.is((oddDoc["list"] as number[])[1], -0)).toBe(false);
    // A frozen leaf with a string no store can keep is refused, not kept.
    const bad = Object.freeze({ memo: "lone \ud800" });
    const refused = await store.transaction((tx) => tx.documents.put("cells", "bad", { bad } as never, 0)).then(() => undefined, (e: unknown) => e);
    expect(isStorekeepError(refused) && refused.code === "VALIDATION_FAILED").toBe(true);
    // A frozen object of a class is not a leaf.
    const refusedDate = await store.transaction((tx) => tx.documents.put("cells", "d", { when: Object.freeze(new Date(0)) } as never, 0)).then(() => undefined, (e: unknown) => e);
    expect(isInvariantError(refusedDate)).toBe(true);
  });

  it("dump() describes the whole committed state and is unchanged by a rolled-back transaction", async () => {
    const store = memoryStore({ registry });
    await store.transaction(async (tx) => {
      await tx.documents.put("orders", "o1", { customerId: "c1", placedAt: "2026-01-01" }, 0);
      await tx.logs.append("moves", [{ stream: "sku", sortKey: "b", data: {} }, { stream: "sku", sortKey: "a", data: { q: "1" } }]);
      await tx.balances.add("ledger", [{ key: "1200", bucket: "2026-01", amounts: { debit: new Decimal("1.50") } }]);
      await tx.counters.apply("stock", [{ key: "sku", deltas: { onHand: new Decimal(2) } }]);
      await tx.events.append([{ id: "e1", type: "T", schemaVersion: 1, aggregateType: "a", aggregateId: "1", aggregateVersion: 1, effectiveDate: "2026-01-01", occurredAt: "2026-01-01T00:00:00.000Z", causationId: null, correlationId: "c", payload: {} }]);
      await tx.idempotency.claim("k", "h", "2026-02-01T00:00:00.000Z");
      await tx.idempotency.complete("k", { ok: 1 });
    });
    const before = await store.dump();
    expect(before).toEqual({
      documents: { cells: {}, orders: { o1: { version: 1, data: { customerId: "c1", placedAt: "2026-01-01" } } } },
      logs: { moves: { seq: 2, streams: { sku: [{ sortKey: "a", seq: 2, data: { q: "1" } }, { sortKey: "b", seq: 1, data: {} }] } } },
      balances: { ledger: { "1200": { "2026-01": { debit: "1.5", credit: "0" } } } },
      counters: { stock: { sku: { onHand: "2", reserved: "0" } } },
      events: [expect.objectContaining({ id: "e1", position: "1" })],
      idempotency: { k: { hash: "h", expiresAt: "2026-02-01T00:00:00.000Z", completed: true, result: { ok: 1 } } },
    });
    await expect(
      store.transaction(async (tx) => {
        await tx.documents.put("orders", "o2", { customerId: "c1", placedAt: "2026-01-02" }, 0);
        await tx.logs.append("moves", [{ stream: "sku", sortKey: "0", data: {} }]);
        await tx.balances.add("ledger", [{ key: "1200", bucket: "2025-12", amounts: { credit: new Decimal(1) } }]);
        await tx.counters.apply("stock", [{ key: "new", deltas: { onHand: new Decimal(1) } }]);
        throw new Error("no");
      }),
    ).rejects.toThrow("no");
    expect(await store.dump()).toEqual(before);
  });

  it("readEvents refuses a cursor it never returned", async () => {
    const store = memoryStore({ registry });
    await expect(store.readEvents("not-a-cursor", 10)).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
    await expect(store.readEvents("5", 10)).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
  });

  it("an index declared on a field that holds a number leaves that document out of the index", async () => {
    const store = memoryStore({ registry });
    await store.transaction(async (tx) => {
      await tx.documents.put("orders", "n", { customerId: "c", placedAt: 5 }, 0);
      await tx.documents.put("orders", "s", { customerId: "c", placedAt: "5" }, 0);
    });
    const found = await store.transaction((tx) => tx.documents.find("orders", { index: "byCustomer", equals: ["c"] }));
    expect(found.map((d) => d.id)).toEqual(["s"]);
  });

  it("logs keep sort-key order under many out-of-order appends (property: read = sorted unique keys)", async () => {
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(fc.string({ unit: "grapheme-ascii", maxLength: 6 }), { maxLength: 1500 }), fc.integer({ min: 1, max: 50 }), async (keys, batch) => {
        const store = memoryStore({ registry });
        for (let i = 0; i < keys.length; i += batch) {
          await store.transaction((tx) => tx.logs.append("moves", keys.slice(i, i + batch).map((sortKey) => ({ stream: "s", sortKey, data: {} }))));
        }
        const read = await store.transaction((tx) => tx.logs.read("moves", "s"));
        expect(read.map((e) => e.sortKey)).toEqual([...keys].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
        const mid = keys[Math.floor(keys.length / 2)];
        if (mid !== undefined) {
          const after = await store.transaction((tx) => tx.logs.read("moves", "s", { gt: mid, limit: 7 }));
          expect(after.map((e) => e.sortKey)).toEqual([...keys].filter((k) => k > mid).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).slice(0, 7));
        }
      }),
      { numRuns: 40 },
    );
  });

  it("indexes stay consistent under random puts and deletes (property: find = filter and sort of live documents)", async () => {
    const op = fc.record({ id: fc.integer({ min: 0, max: 60 }), customer: fc.constantFrom("a", "b", "c"), at: fc.integer({ min: 0, max: 40 }), remove: fc.boolean() });
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 400 }), async (ops) => {
        const store = memoryStore({ registry });
        const live = new Map<string, { customerId: string; placedAt: string }>();
        for (const o of ops) {
          const id = `o${String(o.id).padStart(2, "0")}`;
          const data = { customerId: o.customer, placedAt: String(o.at).padStart(2, "0") };
          await store.transaction(async (tx) => {
            const doc = await tx.documents.get("orders", id);
            if (o.remove && doc) await tx.documents.delete("orders", id, doc.version);
            else await tx.documents.put("orders", id, data, doc?.version ?? 0);
          });
          if (o.remove && live.has(id)) live.delete(id);
          else live.set(id, data);
        }
        for (const customer of ["a", "b"]) {
          const found = await store.transaction((tx) => tx.documents.find("orders", { index: "byCustomer", equals: [customer], range: { gte: "10" } }));
          const expected = [...live.entries()]
            .filter(([, d]) => d.customerId === customer && d.placedAt >= "10")
            .sort(([ia, a], [ib, b]) => (a.placedAt < b.placedAt ? -1 : a.placedAt > b.placedAt ? 1 : ia < ib ? -1 : 1))
            .map(([id]) => id);
          expect(found.map((d) => d.id)).toEqual(expected);
        }
      }),
      { numRuns: 60 },
    );
  });
});

describe("memory balances", () => {
  it("sums over any bucket range equal a model under back-dated adds and rolled-back transactions (property: running totals = recomputation)", async () => {
    const delta = fc.record({ key: fc.constantFrom("a", "b"), month: fc.integer({ min: 1, max: 12 }), debit: fc.integer({ min: -500, max: 500 }), cents: fc.integer({ min: 0, max: 99 }) });
    const txArb = fc.record({ deltas: fc.array(delta, { minLength: 1, maxLength: 5 }), fail: fc.boolean() });
    await fc.assert(
      fc.asyncProperty(fc.array(txArb, { maxLength: 30 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 12 }), async (txs, m1, m2) => {
        const store = memoryStore({ registry });
        const model: { key: string; bucket: string; debit: Decimal }[] = [];
        const bucket = (m: number) => `2026-${String(m).padStart(2, "0")}`;
        for (const t of txs) {
          const list = t.deltas.map((d) => ({ key: d.key, bucket: bucket(d.month), debit: new Decimal(`${d.debit}.${String(d.cents).padStart(2, "0")}`) }));
          const run = store.transaction(async (tx) => {
            await tx.balances.add("ledger", list.map((d) => ({ key: d.key, bucket: d.bucket, amounts: { debit: d.debit } })));
            if (t.fail) throw new Error("roll back");
          });
          if (t.fail) await expect(run).rejects.toThrow("roll back");
          else {
            await run;
            model.push(...list);
          }
        }
        const from = bucket(Math.min(m1, m2));
        const to = bucket(Math.max(m1, m2));
        for (const key of ["a", "b"]) {
          const expected = (f?: string, t2?: string) => model.filter((d) => d.key === key && (f === undefined || d.bucket >= f) && (t2 === undefined || d.bucket <= t2)).reduce((acc, d) => acc.plus(d.debit), new Decimal(0)).toFixed();
          await store.transaction(async (tx) => {
            expect((await tx.balances.sum("ledger", key, { from, to })).debit!.toFixed()).toBe(expected(from, to));
            expect((await tx.balances.sum("ledger", key, { to })).debit!.toFixed()).toBe(expected(undefined, to));
            expect((await tx.balances.sum("ledger", key)).debit!.toFixed()).toBe(expected());
            const perBucket = await tx.balances.buckets("ledger", key);
            expect(perBucket.map((b) => [b.bucket, b.amounts.debit!.toFixed()])).toEqual(
              [...new Set(model.filter((d) => d.key === key).map((d) => d.bucket))].sort().map((b) => [b, expected(b, b)]),
            );
          });
        }
      }),
      { numRuns: 150 },
    );
  });
});

describe("memory balances: scaled sums", () => {
  it("sums stay exact when a delta brings more decimals than any before it, in committed and rolled-back transactions alike (property: sums = a Decimal model)", async () => {
    const amount = fc
      .record({ whole: fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }), fraction: fc.bigInt({ min: 0n, max: 10n ** 12n - 1n }), places: fc.integer({ min: 0, max: 12 }) })
      .map(({ whole, fraction, places }) => {
        const digits = places === 0 ? "" : `.${(fraction % 10n ** BigInt(places)).toString().padStart(places, "0")}`;
        return new Decimal(`${whole < 0n ? "-" : ""}${(whole < 0n ? -whole : whole).toString()}${digits}`);
      });
    const delta = fc.record({ key: fc.constantFrom("a", "b"), month: fc.integer({ min: 1, max: 6 }), debit: amount, credit: fc.option(amount, { nil: undefined }) });
    const txArb = fc.record({ deltas: fc.array(delta, { minLength: 1, maxLength: 4 }), fail: fc.boolean() });
    await fc.assert(
      fc.asyncProperty(fc.array(txArb, { maxLength: 20 }), async (txs) => {
        const store = memoryStore({ registry });
        const model: { key: string; bucket: string; debit: Decimal; credit: Decimal }[] = [];
        for (const t of txs) {
          const list = t.deltas.map((d) => ({ key: d.key, bucket: `2026-0${d.month}`, debit: d.debit, credit: d.credit }));
          const run = store.transaction(async (tx) => {
            await tx.balances.add("ledger", list.map((d) => ({ key: d.key, bucket: d.bucket, amounts: d.credit === undefined ? { debit: d.debit } : { debit: d.debit, credit: d.credit } })));
            if (t.fail) throw new Error("roll back");
          });
          if (t.fail) await expect(run).rejects.toThrow("roll back");
          else {
            await run;
            model.push(...list.map((d) => ({ ...d, credit: d.credit ?? new Decimal(0) })));
          }
        }
        for (const key of ["a", "b"]) {
          const expected = (field: "debit" | "credit", to?: string) =>
            model.filter((d) => d.key === key && (to === undefined || d.bucket <= to)).reduce((acc, d) => acc.plus(d[field]), new Decimal(0)).toFixed();
          await store.transaction(async (tx) => {
            for (const to of [undefined, "2026-03"]) {
              const sum = await tx.balances.sum("ledger", key, to === undefined ? undefined : { to });
              expect(sum.debit!.toFixed()).toBe(expected("debit", to));
              expect(sum.credit!.toFixed()).toBe(expected("credit", to));
            }
            const between = await tx.balances.sum("ledger", key, { from: "2026-02", to: "2026-05" });
            const model25 = model.filter((d) => d.key === key && d.bucket >= "2026-02" && d.bucket <= "2026-05").reduce((acc, d) => acc.plus(d.debit), new Decimal(0));
            expect(between.debit!.toFixed()).toBe(model25.toFixed());
          });
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe("memory balances: as-of records", () => {
  it("property: a sum from the first bucket read between writes is always the model's, though the record it hands out is made once and kept — an add (back-dated too) drops it, and so does the rollback of a transaction that read it", async () => {
    const delta = fc.record({ key: fc.constantFrom("a", "b"), month: fc.integer({ min: 1, max: 12 }), debit: fc.integer({ min: -500, max: 500 }) });
    const txArb = fc.record({ deltas: fc.array(delta, { minLength: 1, maxLength: 4 }), fail: fc.boolean(), asOf: fc.integer({ min: 1, max: 12 }) });
    await fc.assert(
      fc.asyncProperty(fc.array(txArb, { maxLength: 25 }), async (txs) => {
        const store = memoryStore({ registry });
        const model: { key: string; bucket: string; debit: number }[] = [];
        const bucket = (m: number) => `2026-${String(m).padStart(2, "0")}`;
        const expected = (list: readonly { key: string; bucket: string; debit: number }[], key: string, to: string) => String(list.filter((d) => d.key === key && d.bucket <= to).reduce((acc, d) => acc + d.debit, 0));
        const check = async (tx: Transaction, list: readonly { key: string; bucket: string; debit: number }[], to: string) => {
          const all = await tx.balances.sumByKey("ledger", { buckets: { to } });
          for (const key of ["a", "b"]) {
            const one = await tx.balances.sum("ledger", key, { to });
            expect(one.debit!.toFixed()).toBe(expected(list, key, to));
            expect(one.credit!.toFixed()).toBe("0");
            if (all.has(key)) expect(all.get(key)).toBe(one);
          }
        };
        for (const t of txs) {
          const to = bucket(t.asOf);
          const list = t.deltas.map((d) => ({ key: d.key, bucket: bucket(d.month), debit: d.debit }));
          await store.transaction((tx) => check(tx, model, to));
          const run = store.transaction(async (tx) => {
            await tx.balances.add("ledger", list.map((d) => ({ key: d.key, bucket: d.bucket, amounts: { debit: new Decimal(d.debit) } })));
            await check(tx, [...model, ...list], to);
            if (t.fail) throw new Error("roll back");
          });
          if (t.fail) await expect(run).rejects.toThrow("roll back");
          else {
            await run;
            model.push(...list);
          }
          await store.transaction((tx) => check(tx, model, to));
        }
      }),
      { numRuns: 150 },
    );
  });

  it("a record handed out is frozen, so a caller cannot change what the next read sees; a field declared later reads as zero in it", async () => {
    const store = memoryStore({ registry });
    await store.transaction((tx) => tx.balances.add("ledger", [{ key: "a", bucket: "2026-01", amounts: { debit: new Decimal(5) } }]));
    await store.transaction(async (tx) => {
      const first = await tx.balances.sum("ledger", "a", { to: "2026-06" });
      expect(Object.isFrozen(first)).toBe(true);
      expect(() => {
        (first as Record<string, Decimal>).debit = new Decimal(1);
      }).toThrow(TypeError);
      expect((await tx.balances.sum("ledger", "a", { to: "2026-06" })).debit!.toFixed()).toBe("5");
    });
    // A field declared later reads as zero in the records made before it.
    await store.migrate({ ...registry, balances: [{ name: "ledger", fields: ["debit", "credit", "tax"], bucket: "YYYY-MM" }] });
    await store.transaction(async (tx) => {
      const after = await tx.balances.sum("ledger", "a", { to: "2026-06" });
      expect(Object.fromEntries(Object.entries(after).map(([f, v]) => [f, v.toFixed()]))).toEqual({ debit: "5", credit: "0", tax: "0" });
      expect((await tx.balances.sumByKey("ledger", { buckets: { to: "2026-06" } })).get("a")).toBe(after);
    });
  });
});

describe("memoryRates", () => {
  const day = (s: string) => s as LocalDate;

  it("answers the latest rate on or before a date, 1 for a currency against itself, undefined before the first rate or for an unknown pair", async () => {
    const rates = memoryRates([
      { base: "USD", quote: "EUR", date: "2026-01-01", rate: "0.91" },
      { base: "USD", quote: "EUR", date: "2026-03-01", rate: "0.93" },
      { base: "USD", quote: "EUR", date: "2026-02-01", rate: new Decimal("0.92") },
    ]);
    expect((await rates.rate("USD", "EUR", day("2026-02-15")))?.toFixed()).toBe("0.92");
    expect((await rates.rate("USD", "EUR", day("2026-03-01")))?.toFixed()).toBe("0.93");
    expect((await rates.rate("USD", "EUR", day("2027-01-01")))?.toFixed()).toBe("0.93");
    expect(await rates.rate("USD", "EUR", day("2025-12-31"))).toBeUndefined();
    expect(await rates.rate("EUR", "USD", day("2026-02-15"))).toBeUndefined();
    expect((await rates.rate("JPY", "JPY", day("2026-02-15")))?.toFixed()).toBe("1");
    rates.set({ base: "USD", quote: "EUR", date: "2026-02-01", rate: "0.925" });
    expect((await rates.rate("USD", "EUR", day("2026-02-15")))?.toFixed()).toBe("0.925");
  });

  it("refuses unknown currencies, bad dates and rates outside the bounds", () => {
    expect(() => memoryRates([{ base: "XXX", quote: "EUR", date: "2026-01-01", rate: "1" }])).toThrow(expect.objectContaining({ code: "UNKNOWN_CURRENCY" }));
    expect(() => memoryRates([{ base: "USD", quote: "EUR", date: "2026-02-30", rate: "1" }])).toThrow(expect.objectContaining({ code: "VALIDATION_FAILED" }));
    expect(() => memoryRates([{ base: "USD", quote: "EUR", date: "2026-02-01", rate: "0" }])).toThrow(expect.objectContaining({ code: "VALIDATION_FAILED" }));
    expect(() => memoryRates([{ base: "USD", quote: "EUR", date: "2026-02-01", rate: "1.0000000000001" }])).toThrow(expect.objectContaining({ code: "VALIDATION_FAILED" }));
  });
});
