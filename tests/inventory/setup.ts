import { memoryStore, memoryRates } from "../../src/adapters/memory/index.js";
import { eventCatalog } from "../../src/kernel/events/index.js";
import type { OutboxEvent, Store } from "../../src/ports/storage.js";
import { catalogEventValidator, createRuntime, resolveConfig, type Runtime, type StorekeepConfig, type ModuleDefinition } from "../../src/runner/index.js";
import { ManualClock, sequentialIds } from "../../src/testing/index.js";
import { StorekeepError } from "../../src/kernel/errors.js";
import { createInventoryApi, inventoryModule, type InventoryApi, type InventoryOptions } from "../../src/inventory/index.js";

/** A runtime with the inventory module on a fresh memory store, catalog-validated events. */
export interface Harness {
  readonly runtime: Runtime;
  readonly inventory: InventoryApi;
  readonly clock: ManualClock;
  readonly store: Store;
  events(type?: string): Promise<OutboxEvent[]>;
}

export const validateEvent = catalogEventValidator(eventCatalog as unknown as Parameters<typeof catalogEventValidator>[0]);

export async function harness(options: InventoryOptions & { store?: Store; start?: string; config?: Partial<StorekeepConfig>; modules?: ModuleDefinition[] } = {}): Promise<Harness> {
  const clock = new ManualClock(options.start ?? "2026-03-31T12:00:00.000Z");
  const store = options.store ?? memoryStore();
  const runtime = createRuntime({
    store,
    clock,
    ids: sequentialIds(),
    rates: memoryRates([]),
    config: resolveConfig({ functionalCurrency: "EUR", ...options.config }),
    modules: [inventoryModule(options), ...(options.modules ?? [])],
    validateEvent,
  });
  const inventory = createInventoryApi(runtime, options);
  return {
    runtime,
    inventory,
    clock,
    store,
    async events(type) {
      const all = await store.readEvents(null, 100_000);
      return type === undefined ? all : all.filter((e) => e.type === type);
    },
  };
}

/** The StorekeepError a promise (or a function) fails with; anything else fails the test. */
export async function caught(promise: Promise<unknown> | (() => unknown)): Promise<StorekeepError> {
  try {
    await (typeof promise === "function" ? promise() : promise);
  } catch (error) {
    if (error instanceof StorekeepError) return error;
    throw error;
  }
  throw new Error("expected a StorekeepError");
}
