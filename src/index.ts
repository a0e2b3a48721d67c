/**
 * storekeep: an embeddable ERP domain library for online shops.
 *
 * @packageDocumentation
 */
export * from "./kernel/index.js";
export { memoryStore, memoryRates } from "./adapters/memory/index.js";
export type { MemoryStore, MemoryStoreDump, MemoryStoreOptions, MemoryRates, RateEntry } from "./adapters/memory/index.js";
export * from "./ports/index.js";
export * from "./runner/index.js";
export * from "./storekeep.js";
export * from "./finance/index.js";
export * from "./inventory/index.js";
export { DEFAULT_IN_STORE_LAYOUTS, expandUpcE, gs1CheckDigit, gs1ElementString, parseBarcode } from "./inventory/barcodes.js";
export type { BarcodeKind, InStoreLayout, ParseBarcodeOptions, ParsedBarcode } from "./inventory/barcodes.js";
export * from "./crm/index.js";
export * from "./replenishment/index.js";
