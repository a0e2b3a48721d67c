export { referenceValuation } from "./model.js";
export type { ReferenceMovement, ReferenceResult } from "./model.js";
