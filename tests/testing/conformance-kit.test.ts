import { describe, expect, it } from "vitest";
import { InvariantError, StorekeepError } from "../../src/kernel/errors.js";
import type { OutboxEvent, PositionedEvent, Store, Transaction } from "../../src/ports/storage.js";
import { conformanceTestNames, runStoreConformance, type ConformanceTestApi, type StoreConformanceOptions } from "../../src/testing/index.js";

/** Collects the tests the kit registers instead of registering them. */
function capture(options: Omit<StoreConformanceOptions, "test">): { name: string; run: () => Promise<void> }[] {
  const tests: { name: string; run: () => Promise<void> }[] = [];
  const path: string[] = [];
  const api: ConformanceTestApi = {
    describe(name, body) {
      path.push(name);
      body();
      path.pop();
    },
    it(name, body) {
      tests.push({ name: [...path, name].join(" > "), run: body });
    },
    expect,
    beforeAll() {},
    afterAll() {},
  };
  runStoreConformance({ ...options, test: api });
  return tests;
}

/**
 * An outbox-only store whose transactions really overlap. `assignAtCommit: false` is the
 * classic bug: positions taken at append time (a bigserial), so a transaction that took an
 * early position and commits late is skipped by a reader already past it.
 */
function outboxOnlyStore(assignAtCommit: boolean, readEventsMutant?: "ignores-cursor" | "never-settles"): Store {
  let next = 0;
  const published: { position: number; event: OutboxEvent }[] = [];
  const unsupported = (): never => {
    throw new InvariantError("this test store only has an outbox");
  };
  return {
    name: assignAtCommit ? "outbox assigned at commit" : "outbox assigned at append",
    capabilities: { concurrentTransactions: true, durable: false },
    async migrate() {},
    async transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
      const pending: { position: number; event: OutboxEvent }[] = [];
      const tx = {
        documents: new Proxy({}, { get: unsupported }),
        logs: new Proxy({}, { get: unsupported }),
        balances: new Proxy({}, { get: unsupported }),
        counters: new Proxy({}, { get: unsupported }),
        idempotency: new Proxy({}, { get: unsupported }),
        events: {
          async append(events: readonly OutboxEvent[]) {
            for (const event of events) pending.push({ position: assignAtCommit ? 0 : ++next, event });
          },
        },
      } as unknown as Transaction;
      const result = await work(tx);
      for (const p of pending) published.push({ position: assignAtCommit ? ++next : p.position, event: p.event });
      published.sort((a, b) => a.position - b.position);
      return result;
    },
    async readEvents(cursor: string | null, limit: number): Promise<PositionedEvent[]> {
      if (readEventsMutant === "never-settles") return new Promise<PositionedEvent[]>(() => {});
      const after = cursor === null || readEventsMutant === "ignores-cursor" ? 0 : Number(cursor);
      return published.filter((p) => p.position > after).slice(0, limit).map((p) => ({ ...p.event, position: String(p.position) }));
    },
  };
}

/**
 * A documents-only store whose transactions overlap and whose getForUpdate takes no lock
 * (versions are still checked, writes apply at once): the lost-update shape of a SQL
 * adapter that forgets `FOR UPDATE`.
 */
function unlockedDocumentStore(): Store {
  const docs = new Map<string, { id: string; version: number; data: Record<string, unknown> }>();
  const unsupported = (): never => {
    throw new InvariantError("this test store only has documents");
  };
  return {
    name: "unlocked documents",
    capabilities: { concurrentTransactions: true, durable: false },
    async migrate() {},
    async transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
      const documents = {
        async get(c: string, id: string) {
          return docs.get(`${c}/${id}`);
        },
        async getForUpdate(c: string, id: string) {
          return docs.get(`${c}/${id}`);
        },
        async put(c: string, id: string, data: Record<string, unknown>, expected: number) {
          const current = docs.get(`${c}/${id}`);
          if ((current?.version ?? 0) !== expected) throw new StorekeepError("CONCURRENCY_CONFLICT", "stale", {});
          docs.set(`${c}/${id}`, { id, version: expected + 1, data });
          return expected + 1;
        },
      };
      const tx = { documents, logs: new Proxy({}, { get: unsupported }), balances: new Proxy({}, { get: unsupported }), counters: new Proxy({}, { get: unsupported }), idempotency: new Proxy({}, { get: unsupported }), events: new Proxy({}, { get: unsupported }) } as unknown as Transaction;
      return work(tx);
    },
    async readEvents() {
      return [];
    },
  };
}

const LATE = "a reader following the cursor while overlapping transactions commit in reverse order";

describe("the conformance kit itself", () => {
  it("catches an outbox that hands out positions before commit (the late-committer test can fail)", async () => {
    const broken = capture({ name: "broken", make: () => outboxOnlyStore(false), capabilities: { concurrentTransactions: true } }).find((t) => t.name.includes(LATE));
    await expect(broken!.run()).rejects.toThrow();
    const correct = capture({ name: "correct", make: () => outboxOnlyStore(true), capabilities: { concurrentTransactions: true } }).find((t) => t.name.includes(LATE));
    await expect(correct!.run()).resolves.toBeUndefined();
  });

  it("catches a getForUpdate that takes no lock (the getForUpdate tests can fail)", async () => {
    const tests = capture({ name: "unlocked", make: () => unlockedDocumentStore(), capabilities: { concurrentTransactions: true } });
    const serialises = tests.find((t) => t.name.includes("getForUpdate serialises read-modify-write"))!;
    await expect(serialises.run()).rejects.toThrow();
    const waits = tests.find((t) => t.name.includes("getForUpdate waits while another running transaction holds the document"))!;
    await expect(waits.run()).rejects.toThrow();
    // Optimistic versions alone still protect a read-then-act race that retries conflicts.
    const race = tests.find((t) => t.name.includes("read-then-act race"))!;
    await expect(race.run()).resolves.toBeUndefined();
  });

  it("registers no test for a capability the adapter lacks, and one test that names what it left out", async () => {
    const all = conformanceTestNames({ concurrentTransactions: true, durable: true, purgeIdempotency: true }, { reopen: true });
    const none = conformanceTestNames({});
    expect(all.skipped).toEqual([]);
    // Durable without a reopen function: the durability test is left out, as runStoreConformance leaves it out.
    const noReopen = conformanceTestNames({ concurrentTransactions: true, durable: true, purgeIdempotency: true });
    expect(noReopen.skipped).toHaveLength(1);
    expect(noReopen.skipped[0]).toContain("across a reopen");
    expect(none.skipped.length).toBeGreaterThan(0);
    expect(none.included.length + none.skipped.length).toBe(all.included.length);

    const registered = capture({ name: "lacking", make: () => outboxOnlyStore(true) });
    const names = registered.map((t) => t.name);
    expect(names.filter((n) => n.includes("skipped by capability"))).toHaveLength(1);
    const skippedTest = registered.find((t) => t.name.includes("skipped by capability"))!;
    for (const capability of ["concurrentTransactions", "durable", "purgeIdempotency"]) expect(skippedTest.name).toContain(capability);
    for (const name of none.skipped) expect(names.some((n) => n.endsWith(name.slice(name.indexOf(" / ") + 3)))).toBe(false);
    await expect(skippedTest.run()).resolves.toBeUndefined();

    const durableWithoutReopen = capture({ name: "durable", make: () => outboxOnlyStore(true), capabilities: { concurrentTransactions: true, durable: true, purgeIdempotency: true } });
    expect(durableWithoutReopen.find((t) => t.name.includes("skipped by capability"))?.name).toContain("durable (no reopen function supplied)");
  });

  it("survives a readEvents that ignores its cursor: every outbox test fails fast, naming the clause, instead of looping without bound", async () => {
    const tests = capture({ name: "cursor-ignoring", make: () => outboxOnlyStore(true, "ignores-cursor"), capabilities: { concurrentTransactions: true } }).filter((t) => t.name.includes("events outbox"));
    expect(tests.length).toBeGreaterThanOrEqual(5);
    const failures: string[] = [];
    for (const t of tests) {
      try {
        await t.run();
      } catch (error) {
        failures.push((error as Error).message);
      }
    }
    // Every test that follows a cursor fails; none hangs (this test would time out) or grows without bound.
    expect(failures.length).toBeGreaterThanOrEqual(3);
    for (const message of failures) expect(message).toMatch(/^storage contract clause broken: events outbox \/ .*docs\/adapters\.md, "The events outbox"/);
    expect(failures.some((m) => m.includes("must return only events after the cursor"))).toBe(true);
  });

  it("reports a store call that never settles within the kit's own time limit, naming the test", async () => {
    const tests = capture({ name: "stuck", make: () => outboxOnlyStore(true, "never-settles"), capabilities: { concurrentTransactions: true }, timeoutMs: 1_200 });
    const first = tests.find((t) => t.name.includes("events become readable at commit"));
    await expect(first!.run()).rejects.toThrow(/storage contract clause broken: events outbox \/ events become readable at commit.*\n.*timed out after 1000 ms/s);
  });

  it("says what was expected when a refusal did not happen, instead of a bare diff", async () => {
    const tests = capture({ name: "unlocked", make: () => unlockedDocumentStore(), capabilities: { concurrentTransactions: true } });
    const messages: string[] = [];
    for (const t of tests.filter((x) => x.name.includes(" > documents > "))) {
      try {
        await t.run();
      } catch (error) {
        messages.push((error as Error).message);
      }
    }
    expect(messages.length).toBeGreaterThan(0);
    for (const m of messages) expect(m).toMatch(/^storage contract clause broken: documents \//);
  });
});