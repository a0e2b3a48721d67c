export { balancedEntryArbitrary, postableAccounts, postingEventArbitrary } from "./arbitraries.js";
export type { BalancedEntryOptions, PostingEventOptions, RecordableEvent } from "./arbitraries.js";
export {
  assertAccountingEquation,
  assertBalancesMatchLines,
  assertEntryBalances,
  assertTrialBalanceSumsToZero,
  ledgerInvariantViolations,
  recomputeBalances,
} from "./invariants.js";
export type { LedgerReader } from "./invariants.js";
