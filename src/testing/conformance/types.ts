import type { Store, StoreCapabilities } from "../../ports/storage.js";

/**
 * The assertions the kit uses: a structural subset of vitest's and jest's `expect`, so the
 * kit depends on no test runner.
 *
 * @example
 * ```ts
 * const e: ConformanceExpect = expect; // vitest's expect fits
 * ```
 */
export interface ConformanceExpect {
  (actual: unknown): ConformanceAssertion;
}

/**
 * One assertion chain of {@link ConformanceExpect}.
 *
 * @example
 * ```ts
 * expect(version).toBe(2);
 * ```
 */
export interface ConformanceAssertion {
  toBe(expected: unknown): void;
  toEqual(expected: unknown): void;
  toBeUndefined(): void;
  toBeGreaterThan(expected: number): void;
  toBeLessThan(expected: number): void;
  toContain(expected: unknown): void;
  toHaveLength(expected: number): void;
}

/**
 * The test functions the kit registers its tests with (vitest, jest, mocha + an expect
 * library, node:test with an adapter).
 *
 * @example
 * ```ts
 * import { describe, it, expect, beforeAll, afterAll } from "vitest";
 * const test: ConformanceTestApi = { describe, it, expect, beforeAll, afterAll };
 * ```
 */
export interface ConformanceTestApi {
  describe(name: string, body: () => void): unknown;
  it(name: string, body: () => Promise<void>, timeoutMs?: number): unknown;
  expect: ConformanceExpect;
  beforeAll(body: () => Promise<void> | void, timeoutMs?: number): unknown;
  afterAll(body: () => Promise<void> | void, timeoutMs?: number): unknown;
}

/**
 * What an adapter declares to the kit. `purgeIdempotency` says whether the store
 * implements the optional `purgeIdempotency`. A test checks that these agree with the
 * store's own `capabilities`.
 *
 * @example
 * ```ts
 * const caps: ConformanceCapabilities = { concurrentTransactions: true, durable: true, purgeIdempotency: true };
 * ```
 */
export interface ConformanceCapabilities extends StoreCapabilities {
  readonly purgeIdempotency: boolean;
}

/** A capability a test needs. */
export type ConformanceCapability = keyof ConformanceCapabilities;

/**
 * Options of `runStoreConformance`.
 *
 * @example
 * ```ts
 * runStoreConformance({
 *   name: "memory",
 *   make: async () => memoryStore(),
 *   capabilities: { concurrentTransactions: false, durable: false, purgeIdempotency: true },
 *   test: { describe, it, expect, beforeAll, afterAll },
 * });
 * ```
 */
export interface StoreConformanceOptions {
  /** Names the suite ("memory", "postgres on PGlite"). */
  readonly name: string;
  /**
   * A fresh, empty store for one test (called once per test). The kit calls
   * `store.migrate(kitRegistry)` itself; `make` may return a migrated or unmigrated store
   * but never one holding data of another test.
   */
  readonly make: () => Promise<Store> | Store;
  /** Disposes of a store `make` returned (default: `store.close?.()`). */
  readonly teardown?: (store: Store) => Promise<void> | void;
  /**
   * What the adapter can do. Defaults to all false; a test fails when these disagree with
   * `store.capabilities`, so declare them.
   */
  readonly capabilities?: Partial<ConformanceCapabilities>;
  /**
   * For durable stores: a new store over the same data as `store` (as after a restart).
   * Without it the durability test is left out and named.
   */
  readonly reopen?: (store: Store) => Promise<Store>;
  /** The test functions. */
  readonly test: ConformanceTestApi;
  /** Per-test timeout in milliseconds (default 30,000). */
  readonly timeoutMs?: number;
  /** How many transactions the contention tests run at once (default 12). */
  readonly contention?: number;
}

/** What a kit test receives. */
export interface KitContext {
  readonly store: Store;
  readonly expect: ConformanceExpect;
  readonly options: StoreConformanceOptions;
  readonly contention: number;
}

/** One conformance test. */
export interface KitTest {
  readonly name: string;
  /** Capabilities it needs; left out (and named) when the adapter lacks one. */
  readonly requires?: readonly ConformanceCapability[];
  /** Whether the kit supplies a store (default true). */
  readonly run: (ctx: KitContext) => Promise<void>;
}

/** A group of tests registered under one `describe`. */
export interface KitGroup {
  readonly name: string;
  readonly tests: readonly KitTest[];
}
