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
export { failingStore, countingStore, snapshotStore } from "./wrappers.js";
export type { FailingStore, FailingStoreOptions, CountingStore, StoreCountsSnapshot, StorePrimitive, CallCount } from "./wrappers.js";
export { arbitraries, amountStringArbitrary, decimalArbitrary, currencyArbitrary, moneyArbitrary } from "./arbitraries/money.js";
export type { DecimalArbitraryOptions, MoneyArbitraryOptions } from "./arbitraries/money.js";
export {
  balancedEntryArbitrary,
  postableAccounts,
  postingEventArbitrary,
  assertAccountingEquation,
  assertBalancesMatchLines,
  assertEntryBalances,
  assertTrialBalanceSumsToZero,
  ledgerInvariantViolations,
  recomputeBalances,
} from "./finance/index.js";
export type { BalancedEntryOptions, PostingEventOptions, RecordableEvent, LedgerReader } from "./finance/index.js";
export { referenceValuation, stockMovementsArbitrary } from "./inventory/index.js";
export type { ReferenceMovement, ReferenceResult, StockMovementsOptions } from "./inventory/index.js";
