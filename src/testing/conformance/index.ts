import type { Store } from "../../ports/storage.js";
import { balanceTests } from "./balances.js";
import { concurrencyTests } from "./concurrency.js";
import { counterTests } from "./counters.js";
import { documentTests } from "./documents.js";
import { idempotencyTests } from "./idempotency.js";
import { logTests } from "./logs.js";
import { outboxTests } from "./outbox.js";
import { conformanceRegistry } from "./registry.js";
import { registryTests } from "./registry-tests.js";
import { rollbackTests } from "./rollback.js";
import { roundTripTests } from "./round-trips.js";
import { within } from "./helpers.js";
import type { ConformanceCapabilities, ConformanceCapability, KitGroup, KitTest, StoreConformanceOptions } from "./types.js";

export type { ConformanceAssertion, ConformanceCapabilities, ConformanceCapability, ConformanceExpect, ConformanceTestApi, StoreConformanceOptions } from "./types.js";
export { conformanceRegistry } from "./registry.js";

/** Every group of the kit, in the order they are registered. */
const GROUPS: readonly KitGroup[] = [registryTests, documentTests, logTests, balanceTests, counterTests, outboxTests, idempotencyTests, rollbackTests, roundTripTests, concurrencyTests];

const DEFAULT_CAPABILITIES: ConformanceCapabilities = { concurrentTransactions: false, durable: false, purgeIdempotency: false };

/**
 * Registers the storage-contract conformance suite for an adapter with the given test
 * functions: every primitive's behaviour, rollback, optimistic conflicts, `getForUpdate`,
 * guarded counters under contention, read-then-act races, outbox order and cursors,
 * idempotency, decimal, timestamp and JSON round-trips.
 *
 * Each test gets a fresh store from `make()`, migrates `conformanceRegistry` into it
 * itself, and disposes of it with `teardown` (default `store.close()`). A capability the
 * adapter declares it lacks registers no test; one test then names what was left out.
 * See docs/adapters.md.
 *
 * @example
 * ```ts
 * import { describe, it, expect, beforeAll, afterAll } from "vitest";
 * import { memoryStore } from "storekeep";
 * import { runStoreConformance } from "storekeep/testing";
 *
 * runStoreConformance({
 *   name: "memory",
 *   make: () => memoryStore(),
 *   capabilities: { concurrentTransactions: false, durable: false, purgeIdempotency: true },
 *   test: { describe, it, expect, beforeAll, afterAll },
 * });
 * ```
 */
export function runStoreConformance(options: StoreConformanceOptions): void {
  const { describe, it, expect } = options.test;
  const capabilities: ConformanceCapabilities = { ...DEFAULT_CAPABILITIES, ...options.capabilities };
  const timeoutMs = options.timeoutMs ?? 30_000;
  const contention = options.contention ?? 12;

  const lacking = (test: KitTest): ConformanceCapability[] => (test.requires ?? []).filter((c) => !capabilities[c] || (c === "durable" && !options.reopen));
  // Decide everything before registering: some runners call describe bodies lazily.
  const skipped: string[] = [];
  const plan = GROUPS.map((group) => ({
    group,
    tests: group.tests.filter((test) => {
      const missing = lacking(test);
      if (missing.length === 0) return true;
      const reasons = missing.map((c) => (c === "durable" && capabilities.durable ? "durable (no reopen function supplied)" : c));
      skipped.push(`${reasons.join(", ")}: ${group.name} / ${test.name}`);
      return false;
    }),
  }));
  const reasons = [...new Set(skipped.map((s) => s.slice(0, s.indexOf(": "))))];

  describe(`storage contract conformance: ${options.name}`, () => {
    for (const { group, tests } of plan) {
      if (tests.length === 0) continue;
      describe(group.name, () => {
        for (const test of tests) it(test.name, () => runOne(options, group, test, contention, timeoutMs), timeoutMs);
      });
    }
    if (skipped.length > 0) {
      it(`skipped by capability: ${reasons.join("; ")} (${skipped.length} tests: ${skipped.map((s) => s.slice(s.indexOf(": ") + 2)).join(" | ")})`, async () => {
        // Names every test left out, so a report shows what this adapter was not tested for.
        expect(skipped.length).toBeGreaterThan(0);
        expect(reasons.length).toBeGreaterThan(0);
        for (const reason of reasons) expect(Object.keys(DEFAULT_CAPABILITIES).some((c) => reason.startsWith(c))).toBe(true);
      });
    }
  });
}

/** Where docs/adapters.md ("The shape of the contract") states each group's clauses. */
const SECTIONS: Readonly<Record<string, string>> = {
  "registry and migrate": "What `migrate()` creates",
  documents: "Documents",
  logs: "Logs",
  balances: "Balances",
  "guarded counters": "Guarded counters",
  "events outbox": "The events outbox",
  idempotency: "Idempotency",
  rollback: "Transactions and isolation",
  "round-trips": "Conventions shared by every primitive",
  concurrency: "Transactions and isolation",
};

/**
 * Runs one kit test with its own time limit (a little under the runner's, so the kit reports
 * first and names the clause), and turns any failure into one that says which clause of the
 * storage contract broke and where docs/adapters.md describes it.
 */
async function runOne(options: StoreConformanceOptions, group: KitGroup, test: KitTest, contention: number, timeoutMs: number): Promise<void> {
  const limit = Math.max(1_000, timeoutMs - 500);
  let store: Store | undefined;
  try {
    store = await options.make();
    const made = store;
    await within(
      (async () => {
        await made.migrate(conformanceRegistry);
        await test.run({ store: made, expect: options.test.expect, options, contention });
      })(),
      limit,
      `"${test.name}" to finish (the kit's own limit; a store call that never settles, or one that is far too slow, breaks the clause)`,
    );
  } catch (error) {
    const original = error instanceof Error ? error : new Error(String(error));
    const wrapped = new Error(
      `storage contract clause broken: ${group.name} / ${test.name} (the contract: docs/adapters.md, "${SECTIONS[group.name] ?? group.name}")\n${original.message}`,
      { cause: error },
    );
    if (original.stack) wrapped.stack = `${wrapped.message}\n${original.stack.slice(original.stack.indexOf("\n") + 1)}`;
    throw wrapped;
  } finally {
    if (store) {
      if (options.teardown) await options.teardown(store);
      else await store.close?.();
    }
  }
}

/**
 * The names of every test the kit registers for the given capabilities (for reports and
 * for adapters that want to list what they pass). As in {@link runStoreConformance}, the
 * durability test needs `durable` and a reopen function: pass `{ reopen: true }` when the
 * run supplies one.
 *
 * @example
 * ```ts
 * conformanceTestNames({ concurrentTransactions: true }).included.length;
 * conformanceTestNames({ durable: true }, { reopen: true }).included.some((n) => n.includes("reopen")); // true
 * ```
 */
export function conformanceTestNames(capabilities: Partial<ConformanceCapabilities> = {}, run: { readonly reopen?: boolean } = {}): { included: string[]; skipped: string[] } {
  const caps = { ...DEFAULT_CAPABILITIES, ...capabilities };
  const included: string[] = [];
  const skipped: string[] = [];
  for (const group of GROUPS) {
    for (const test of group.tests) {
      const name = `${group.name} / ${test.name}`;
      if ((test.requires ?? []).every((c) => caps[c] && (c !== "durable" || run.reopen === true))) included.push(name);
      else skipped.push(name);
    }
  }
  return { included, skipped };
}
