import { minorUnits } from "../../kernel/currencies.js";
import { Decimal, canonicalDecimal } from "../../kernel/decimal.js";
import { StorekeepError } from "../../kernel/errors.js";
import type { TaxCalculation } from "./calculate-tax.js";

/**
 * One `taxLines` item of a tax document event (see `taxLineJson` in the event catalog).
 *
 * @example
 * ```ts
 * const line: EventTaxLine = {
 *   code: "DE-STD", jurisdiction: { country: "DE" }, kind: "standard", rate: "0.19",
 *   base: { amount: "100", currency: "EUR" }, tax: { amount: "19", currency: "EUR" },
 *   functional: { base: { amount: "100", currency: "EUR" }, tax: { amount: "19", currency: "EUR" } },
 * };
 * ```
 */
export interface EventTaxLine {
  readonly code: string;
  readonly jurisdiction: { readonly country: string; readonly region?: string };
  readonly kind: "standard" | "reduced" | "zero" | "exempt" | "reverse-charge";
  readonly rate: string;
  readonly base: { readonly amount: string; readonly currency: string };
  readonly tax: { readonly amount: string; readonly currency: string };
  readonly functional: { readonly base: { readonly amount: string; readonly currency: string }; readonly tax: { readonly amount: string; readonly currency: string } };
  readonly selfAssessed?: boolean;
}

/**
 * Turns a {@link calculateTax} result into the `taxLines` of a document event, with the
 * functional amounts converted at `rate` (each rounded half-up to the functional minor
 * unit). `functionalTax` is the sum of the charged lines' functional tax: use it as the
 * event's `functional.tax` so the two agree.
 *
 * @example
 * ```ts
 * const calc = calculateTax(lines, context);
 * const { taxLines, functionalTax } = eventTaxLines(calc, { functionalCurrency: "EUR" });
 * await sk.events.record({ type: "OrderInvoiced", payload: { ...invoice, tax: { amount: calc.tax, currency: "EUR" }, taxLines } });
 * ```
 */
export function eventTaxLines(calculation: TaxCalculation, options: { readonly functionalCurrency: string; readonly rate?: string }): { taxLines: EventTaxLine[]; functionalTax: string } {
  const same = calculation.currency === options.functionalCurrency;
  if (!same && options.rate === undefined) {
    throw new StorekeepError("VALIDATION_FAILED", `The document is in ${calculation.currency} and the books in ${options.functionalCurrency}: give the exchange rate.`, { path: "rate" });
  }
  const rate = new Decimal(same ? "1" : (options.rate as string));
  const places = minorUnits(options.functionalCurrency);
  const convert = (amount: string) => ({ amount: same ? amount : canonicalDecimal(new Decimal(amount).times(rate).toDecimalPlaces(places, Decimal.ROUND_HALF_UP)), currency: options.functionalCurrency });
  let functionalTax = new Decimal(0);
  const taxLines = calculation.codes.map((code): EventTaxLine => {
    const functional = { base: convert(code.base), tax: convert(code.tax) };
    if (!code.selfAssessed) functionalTax = functionalTax.plus(functional.tax.amount);
    return {
      code: code.code,
      jurisdiction: code.jurisdiction.region === undefined ? { country: code.jurisdiction.country } : { country: code.jurisdiction.country, region: code.jurisdiction.region },
      kind: code.kind,
      rate: code.rate,
      base: { amount: code.base, currency: calculation.currency },
      tax: { amount: code.tax, currency: calculation.currency },
      functional,
      ...(code.selfAssessed ? { selfAssessed: true } : {}),
    };
  });
  return { taxLines, functionalTax: canonicalDecimal(functionalTax) };
}
