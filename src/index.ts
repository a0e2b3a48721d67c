/**
 * storekeep: an embeddable ERP domain library for online shops.
 *
 * @packageDocumentation
 */
export * from "./kernel/index.js";
