/**
 * storekeep/testing/arbitraries: fast-check arbitraries for amounts, money, balanced journal
 * entries, catalog events that post, stock movements and orders to place. This entry point needs the
 * `fast-check` peer dependency (`npm install --save-dev fast-check@4`); everything else for
 * tests (clock, ids, store wrappers, invariant checkers, the conformance kit) is in
 * `storekeep/testing` and does not.
 *
 * @example
 * ```ts
 * import fc from "fast-check";
 * import { arbitraries } from "storekeep/testing/arbitraries";
 * fc.assert(fc.property(arbitraries.money({ currency: "EUR" }), (m) => m.currency === "EUR"));
 * ```
 *
 * @packageDocumentation
 */
export { arbitraries, amountStringArbitrary, decimalArbitrary, currencyArbitrary, moneyArbitrary } from "./arbitraries/money.js";
export type { DecimalArbitraryOptions, MoneyArbitraryOptions } from "./arbitraries/money.js";
export { balancedEntryArbitrary, postableAccounts, postingEventArbitrary, postingEventsArbitrary } from "./finance/arbitraries.js";
export type { BalancedEntryOptions, PostingEventOptions, RecordableEvent } from "./finance/arbitraries.js";
export { stockMovementsArbitrary } from "./inventory/arbitraries.js";
export { placeOrderInputArbitrary } from "./sales/arbitraries.js";
export type { PlaceOrderInput, PlaceOrderInputOptions } from "./sales/arbitraries.js";
export type { StockMovementsOptions } from "./inventory/arbitraries.js";
