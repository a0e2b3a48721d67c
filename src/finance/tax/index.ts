export { calculateTax, TAX_LINES_MAX } from "./calculate-tax.js";
export type { LineTax, TaxCalculation, TaxCodeTotal, TaxContext, TaxedLine, TaxLineInput } from "./calculate-tax.js";
export { EU_COUNTRIES, placeOfSupply } from "./place-of-supply.js";
export type { DistanceSales, PlaceOfSupply, PlaceOfSupplyInput, PlaceOfSupplyRule, TaxParty } from "./place-of-supply.js";
export { TAX_KINDS, defineTaxCodes, jurisdictionSchema, rateOn } from "./tax-codes.js";
export type { Jurisdiction, ScaledRate, TaxCode, TaxCodeInput, TaxCodeTable, TaxKind, TaxRate } from "./tax-codes.js";
