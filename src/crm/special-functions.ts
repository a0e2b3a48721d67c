/**
 * The lifetime-value models' special functions (log-gamma, ₂F₁) live in the kernel, shared
 * with replenishment's gamma lead-time demand; re-exported here for the CRM code and tests.
 */
export { hyp2f1, logGamma } from "../kernel/special-functions.js";
