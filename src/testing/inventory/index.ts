export { referenceValuation } from "./model.js";
export type { ReferenceMovement, ReferenceResult } from "./model.js";
export { stockMovementsArbitrary } from "./arbitraries.js";
export type { StockMovementsOptions } from "./arbitraries.js";
