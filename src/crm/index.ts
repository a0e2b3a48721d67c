/**
 * CRM: customer statistics (RFM segments, BG/NBD + Gamma-Gamma lifetime value, monthly
 * acquisition cohorts). Pure functions; the convention is written in docs/crm.md.
 */
export { DEFAULT_RFM_GRID, rfmCounts, rfmInputs, rfmScoreColumns, rfmScores, summariseRfm, validateRfmGrid } from "./rfm.js";
export type { RfmColumns, RfmGrid, RfmInput, RfmLine, RfmScore, RfmSummary } from "./rfm.js";
export {
  bgNbdConditionalExpectedPurchases,
  bgNbdExpectedPurchases,
  bgNbdLogLikelihood,
  bgNbdProbabilityAlive,
  customerLifetimeValue,
  fitBgNbd,
  fitGammaGamma,
  gammaGammaExpectedSpend,
  gammaGammaLogLikelihood,
} from "./bg-nbd.js";
export type { BgNbdFit, BgNbdParams, FrequencyRecency, GammaGammaParams, SpendSummary } from "./bg-nbd.js";
export { cdnowSummaries, parseCdnow } from "./cdnow.js";
export type { CdnowSummary, CdnowTransaction } from "./cdnow.js";
export { cohortAnalysis } from "./cohorts.js";
export type { Cohort, CohortPurchase, CohortReport } from "./cohorts.js";
