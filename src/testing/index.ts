/**
 * storekeep/testing: a manual clock, sequential ids, store wrappers, invariant checkers and
 * the store conformance kit. Nothing here needs fast-check; the fast-check arbitraries live in
 * `storekeep/testing/arbitraries`.
 *
 * @packageDocumentation
 */
export { isStorekeepError, isMoney } from "../kernel/index.js";
export { ManualClock } from "./clock.js";
export { sequentialIds } from "./ids.js";
export type { SequentialIdsOptions } from "./ids.js";
export { runStoreConformance, conformanceRegistry, conformanceTestNames } from "./conformance/index.js";
export type { ConformanceAssertion, ConformanceCapabilities, ConformanceCapability, ConformanceExpect, ConformanceTestApi, StoreConformanceOptions } from "./conformance/index.js";
export { failingStore, countingStore, snapshotStore } from "./wrappers.js";
export type { FailingStore, FailingStoreOptions, CountingStore, StoreCountsSnapshot, StorePrimitive, CallCount } from "./wrappers.js";
export {
  assertAccountingEquation,
  assertBalancesMatchLines,
  assertEntryBalances,
  assertTrialBalanceSumsToZero,
  ledgerInvariantViolations,
  recomputeBalances,
} from "./finance/index.js";
export type { LedgerReader } from "./finance/index.js";
export { referenceValuation } from "./inventory/index.js";
export type { ReferenceMovement, ReferenceResult } from "./inventory/index.js";
export { SimulationFailure, seededRandom, simulateShop } from "./simulator.js";
export type { Interleave, SimulationOptions, SimulationReport } from "./simulator.js";
