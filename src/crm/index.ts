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
export type { BgNbdFit, BgNbdFitOptions, BgNbdParams, FrequencyRecency, GammaGammaFit, GammaGammaParams, SpendSummary } from "./bg-nbd.js";
export { cdnowSummaries, parseCdnow } from "./cdnow.js";
export type { CdnowSummary, CdnowTransaction } from "./cdnow.js";
export { cohortAnalysis } from "./cohorts.js";
export type { Cohort, CohortPurchase, CohortReport } from "./cohorts.js";
export { normaliseEmail, normalisePhone, PHONE_COUNTRIES } from "./contacts.js";
export { crmEventDefinitions, customerErasedSchema, customerMergedSchema, customerSegmentChangedSchema, customerUnmergedSchema } from "./events.js";
export type { CrmOptions } from "./options.js";
export type { CustomerAddress, TimelineEntry } from "./customer.js";
export type { CustomerValue, CustomerValueReport, CustomerView, TimelinePage } from "./reports.js";
export { crmModule, crmCommands, createCrmApi } from "./module.js";
export type { CrmApi } from "./module.js";
export type { CampaignAttribution, CampaignReport } from "./campaigns.js";
