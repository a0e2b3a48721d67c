export {
  assertAccountingEquation,
  assertBalancesMatchLines,
  assertEntryBalances,
  assertTrialBalanceSumsToZero,
  ledgerInvariantViolations,
  recomputeBalances,
} from "./invariants.js";
export type { LedgerReader } from "./invariants.js";
