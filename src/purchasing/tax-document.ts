/*
 * Taxes a purchasing document through finance's calculateTax (wired by the facade): the
 * supplier sells, the shop buys. Without tax settings, or for a supplier whose treatment
 * is "none", lines carry no tax.
 */
import { Decimal, canonicalDecimal } from "../kernel/decimal.js";
import { StorekeepError } from "../kernel/errors.js";
import type { TaxCalculation } from "../finance/tax/index.js";
import { roundMinor, shareConverted, toFunctional } from "./amounts.js";
import type { PurchasingSettings } from "./options.js";
import type { Supplier } from "./supplier.js";

/** A line to tax: an amount, or a quantity and unit price. */
export type DocumentLine = { readonly id: string; readonly category: string; readonly quantity?: string; readonly unitPrice?: string; readonly amount?: string };

/**
 * A taxed document: each line's net, tax and gross, the totals, and finance's calculation
 * when tax codes applied.
 *
 * @example
 * ```ts
 * const doc = taxDocument(settings, supplier, "EUR", "2026-03-02", [{ id: "1", category: "standard", quantity: "10", unitPrice: "2.5" }]);
 * doc.gross; // "29.75" at 19%
 * ```
 */
export type TaxedDocument = {
  readonly lines: ReadonlyMap<string, { readonly net: string; readonly tax: string; readonly gross: string }>;
  readonly net: string;
  readonly tax: string;
  readonly gross: string;
  readonly calculation: TaxCalculation | null;
};

/** Taxes a document (see {@link TaxedDocument}). */
export function taxDocument(settings: PurchasingSettings, supplier: Supplier, currency: string, date: string, lines: readonly DocumentLine[]): TaxedDocument {
  const tax = settings.tax;
  if (tax === undefined || settings.functions === undefined || supplier.taxTreatment === "none") {
    const out = new Map<string, { net: string; tax: string; gross: string }>();
    let net = new Decimal(0);
    for (const l of lines) {
      const amount = l.amount !== undefined ? new Decimal(l.amount) : roundMinor(new Decimal(l.quantity ?? "0").times(l.unitPrice ?? "0"), currency);
      out.set(l.id, { net: canonicalDecimal(amount), tax: "0", gross: canonicalDecimal(amount) });
      net = net.plus(amount);
    }
    return { lines: out, net: canonicalDecimal(net), tax: "0", gross: canonicalDecimal(net), calculation: null };
  }
  if (supplier.taxParty === null) {
    throw new StorekeepError("VALIDATION_FAILED", `Supplier ${supplier.supplierId} has no taxParty (country, VAT id) to tax its documents; define it, or set taxTreatment "none".`, { issues: [{ path: "taxParty", message: "required for tax", code: "custom" }] });
  }
  const calculation = settings.functions.calculateTax(
    lines.map((l) => ({ id: l.id, category: l.category, ...(l.amount !== undefined ? { amount: l.amount } : { quantity: l.quantity ?? "0", unitPrice: l.unitPrice ?? "0" }) })),
    { date, currency, taxCodes: tax.codes, seller: supplier.taxParty, buyer: tax.buyer, direction: "purchase", ...(tax.rounding ? { rounding: tax.rounding } : {}), ...(tax.roundingMode ? { roundingMode: tax.roundingMode } : {}) },
  );
  return { lines: new Map(calculation.lines.map((l) => [l.id, { net: l.net, tax: l.tax, gross: l.gross }])), net: calculation.net, tax: calculation.tax, gross: calculation.gross, calculation };
}

/**
 * The functional side of a taxed document at `rate`: each line's net converted (they sum to
 * the functional net), the tax from finance's tax lines when there are any, gross = net + tax.
 *
 * @example
 * ```ts
 * const f = functionalSide(settings, doc, ["1"], "0.92", "USD", "EUR");
 * ```
 */
export function functionalSide(settings: PurchasingSettings, doc: TaxedDocument, lineIds: readonly string[], rate: string, currency: string, functionalCurrency: string) {
  const r = new Decimal(rate);
  const lineNets = new Map<string, Decimal>();
  let net = new Decimal(0);
  if (currency === functionalCurrency) {
    for (const id of lineIds) {
      const v = new Decimal(doc.lines.get(id)!.net);
      lineNets.set(id, v);
      net = net.plus(v);
    }
  } else {
    // The document's net converted once and shared over its lines (the last share takes what is
    // left): per-line roundings would add up to a value a payment of the total at the same rate
    // does not reach, an exchange difference with no rate move behind it.
    for (const [id, v] of shareConverted(lineIds.map((id) => [id, new Decimal(doc.lines.get(id)!.net)] as const), r, functionalCurrency)) {
      lineNets.set(id, v);
      net = net.plus(v);
    }
  }
  let taxLines: unknown[] | undefined;
  let tax: Decimal;
  if (doc.calculation !== null && doc.calculation.codes.length > 0 && settings.functions !== undefined) {
    const out = settings.functions.eventTaxLines(doc.calculation, { functionalCurrency, ...(currency === functionalCurrency ? {} : { rate }) });
    taxLines = out.taxLines;
    tax = new Decimal(out.functionalTax);
  } else {
    tax = currency === functionalCurrency ? new Decimal(doc.tax) : toFunctional(new Decimal(doc.tax), r, functionalCurrency);
  }
  return { lineNets, net, tax, gross: net.plus(tax), taxLines };
}
