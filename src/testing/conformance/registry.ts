import type { StoreRegistry } from "../../ports/storage.js";

/** Collection of indexed documents used by the kit. */
export const ITEMS = "kit.items";
/** Collection of plain documents (counters read and written by racing transactions). */
export const CELLS = "kit.cells";
/** Log family used by the kit. */
export const ENTRIES = "kit.entries";
/** Balance family used by the kit. */
export const LEDGER = "kit.ledger";
/** Counter family with an "available" guard (onHand - reserved >= 0). */
export const STOCK = "kit.stock";
/** Counter family with a negative floor ("value" >= -10). */
export const LIMITS = "kit.limits";

/**
 * The registry the conformance kit migrates into every store it tests. Names contain a dot
 * as module names do, so an adapter's name mapping is exercised.
 *
 * @example
 * ```ts
 * await store.migrate(conformanceRegistry);
 * ```
 */
export const conformanceRegistry: StoreRegistry = {
  collections: [
    { name: ITEMS, indexes: { byGroup: { fields: ["group", "rank"] }, byRank: { fields: ["rank"] } } },
    { name: CELLS },
  ],
  logs: [{ name: ENTRIES, sortKey: "effective instant|id" }],
  balances: [{ name: LEDGER, fields: ["debit", "credit"], bucket: "period YYYY-MM" }],
  counters: [
    { name: STOCK, fields: ["onHand", "reserved"], guards: { available: { terms: { onHand: 1, reserved: -1 }, floor: 0 }, onHand: { terms: { onHand: 1 }, floor: 0 } } },
    { name: LIMITS, fields: ["value"], guards: { min: { terms: { value: 1 }, floor: -10 } } },
  ],
};

/** The registry grown by a later release: a new collection and a new index on an old one. */
export const grownRegistry: StoreRegistry = {
  ...conformanceRegistry,
  collections: [
    { name: ITEMS, indexes: { byGroup: { fields: ["group", "rank"] }, byRank: { fields: ["rank"] }, byColor: { fields: ["color"] } } },
    { name: CELLS },
    { name: "kit.more", indexes: { byTag: { fields: ["tag"] } } },
  ],
  logs: [...conformanceRegistry.logs, { name: "kit.more_entries", sortKey: "id" }],
};
