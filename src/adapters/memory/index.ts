export { memoryStore } from "./store.js";
export type { MemoryStore, MemoryStoreDump, MemoryStoreOptions } from "./store.js";
export { memoryRates } from "./rates.js";
export type { MemoryRates, RateEntry } from "./rates.js";
