/**
 * Replenishment: demand forecasts (`./forecast`), inventory formulas, policies and
 * explained purchase suggestions grouped into draft purchase orders. Pure functions:
 * nothing here touches the store; callers pass stock figures and open purchase orders in.
 */
export * from "./forecast/index.js";
export {
  GAMMA_CV_THRESHOLD,
  demandOverLeadTime,
  economicOrderQuantity,
  gammaReorderPointForCycleServiceLevel,
  gammaReorderPointForFillRate,
  leadTimeDemandModelFor,
  reorderPointForCycleServiceLevel,
  reorderPointForFillRate,
  safetyFactorForFillRate,
  safetyStockForCycleServiceLevel,
  safetyStockForFillRate,
} from "./safety-stock.js";
export type { DemandAndLeadTime, LeadTimeDemandModel } from "./safety-stock.js";
export { LEAD_TIME_ERROR_MAX_ORIGINS, LEAD_TIME_ERROR_MIN_HISTORY, LEAD_TIME_ERROR_MIN_ORIGINS, leadTimeDemand, leadTimeForecastErrors, summariseLeadTimeErrors } from "./lead-time-error.js";
export type { LeadTimeForecastError } from "./lead-time-error.js";
export { inventoryPosition, minMaxOrderQuantity, periodicReviewOrderUpTo, reorderPointOrderQuantity, roundToMultiple } from "./policies.js";
export type { PackRounding } from "./policies.js";
export { replenishmentItemSchema, replenishmentPolicySchema, replenishmentSuggestions, serviceTargetSchema, suggestionsInputSchema, supplierTermsSchema } from "./suggestions.js";
export type { DraftPurchaseOrderProposal, ReplenishmentItem, ReplenishmentPolicy, ReplenishmentSuggestion, ServiceTarget, SuggestionExplanation, SuggestionsInput, SuggestionsResult, SupplierTerms } from "./suggestions.js";
export { fingerprint } from "./fingerprint.js";
export { forecastDrivenPolicy, simulateReplenishment, staticMinMaxPolicy } from "./simulate.js";
export { capIsolatedSpikes, capOutliers, outlierCap } from "./outliers.js";
export type { PolicyParameters, PolicyState, SimulationOptions, SimulationPolicy, SimulationResult } from "./simulate.js";
export { createReplenishmentApi, replenishmentModule } from "./module.js";
export type { ReplenishmentApi, ReplenishmentDraftOrder, ReplenishmentDrafts } from "./module.js";
export { suggestFromStore, suggestFromStoreSchema } from "./store-suggestions.js";
export type { ReplenishmentSources, StoredSuggestions, StoredSupplierTerms, SuggestFromStoreInput } from "./store-suggestions.js";
