/**
 * storekeep/testing: arbitraries, invariant checkers, the store conformance kit.
 *
 * @packageDocumentation
 */
export { isStorekeepError, isMoney } from "../kernel/index.js";
export { ManualClock } from "./clock.js";
export { sequentialIds } from "./ids.js";
export type { SequentialIdsOptions } from "./ids.js";
export { runStoreConformance, conformanceRegistry, conformanceTestNames } from "./conformance/index.js";
export type { ConformanceAssertion, ConformanceCapabilities, ConformanceCapability, ConformanceExpect, ConformanceTestApi, StoreConformanceOptions } from "./conformance/index.js";
