/**
 * storekeep/testing: arbitraries, invariant checkers, the store conformance kit.
 *
 * @packageDocumentation
 */
export { isStorekeepError, isMoney } from "../kernel/index.js";
