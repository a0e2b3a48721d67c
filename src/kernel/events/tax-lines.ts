import { z } from "zod";
import { withArticle } from "../article.js";
import { BOUNDS } from "../bounds.js";
import { Decimal } from "../decimal.js";
import { checkCurrency, checkSum } from "./checks.js";
import { decimalStringSchema, postedAmountJson } from "./fields.js";

/*
 * Tax per code on a posted document (`taxLines`, optional on OrderInvoiced,
 * CreditNoteIssued, SupplierBillRecorded, SupplierReturned and LandedCostRecorded): what
 * finance's tax report sums per code and jurisdiction. Built from `calculateTax` with
 * `eventTaxLines`.
 */

/**
 * One tax code's amounts on a document: `base` and `tax` in the document currency,
 * `functional` the same in the functional currency. A `selfAssessed` line (a reverse-
 * charged purchase) is not part of the document's `tax`: finance books it as input tax
 * and output tax at once.
 *
 * @example
 * ```ts
 * const eur = (amount: string) => ({ amount, currency: "EUR" });
 * taxLineJson.parse({
 *   code: "DE-STD", jurisdiction: { country: "DE" }, kind: "standard", rate: "0.19",
 *   base: eur("100"), tax: eur("19"), functional: { base: eur("100"), tax: eur("19") },
 * });
 * ```
 */
export const taxLineJson = z.strictObject({
  code: z.string().min(1).max(64),
  jurisdiction: z.strictObject({
    country: z.string().regex(/^[A-Z]{2}$/, "must be an ISO 3166-1 alpha-2 country code in capitals"),
    region: z.string().regex(/^[A-Z0-9-]{1,10}$/, "must be a region code in capitals").exactOptional(),
  }),
  kind: z.enum(["standard", "reduced", "zero", "exempt", "reverse-charge"]),
  rate: decimalStringSchema(BOUNDS.rate, "rate", "nonnegative"),
  base: postedAmountJson,
  tax: postedAmountJson,
  functional: z.strictObject({ base: postedAmountJson, tax: postedAmountJson }),
  selfAssessed: z.boolean().exactOptional(),
});

/**
 * A document's tax lines (at most 100 codes).
 *
 * @example
 * ```ts
 * taxLinesField.parse([]);
 * ```
 */
export const taxLinesField = z.array(taxLineJson).max(100);

type Money = { readonly amount: string; readonly currency: string };
type TaxLine = z.output<typeof taxLineJson>;

/**
 * Checks a document's tax lines against it: currencies, one line per code, the charged
 * lines' tax summing to `tax` and `functional.tax`, self-assessment only where allowed.
 */
export function checkTaxLines(
  ctx: z.RefinementCtx,
  doc: { readonly currency: string; readonly functionalCurrency: string; readonly tax: Money; readonly functional: { readonly tax: Money }; readonly taxLines?: readonly TaxLine[] | undefined },
  selfAssessable: boolean,
): void {
  const lines = doc.taxLines;
  if (lines === undefined) return;
  const seen = new Set<string>();
  lines.forEach((line, index) => {
    const path = ["taxLines", index] as const;
    checkCurrency(ctx, doc.currency, [[[...path, "base"], line.base], [[...path, "tax"], line.tax]]);
    checkCurrency(ctx, doc.functionalCurrency, [[[...path, "functional", "base"], line.functional.base], [[...path, "functional", "tax"], line.functional.tax]]);
    const key = `${line.code}|${line.selfAssessed === true}`;
    if (seen.has(key)) ctx.addIssue({ code: "custom", path: [...path, "code"], message: `repeats tax code ${line.code}; give one line per code` });
    seen.add(key);
    if (line.selfAssessed === true && !selfAssessable) {
      ctx.addIssue({ code: "custom", path: [...path, "selfAssessed"], message: "only a purchase document can carry self-assessed (reverse-charged) tax" });
    }
    if (doc.currency === doc.functionalCurrency && (line.base.amount !== line.functional.base.amount || line.tax.amount !== line.functional.tax.amount)) {
      ctx.addIssue({ code: "custom", path: [...path, "functional"], message: "must equal the transaction amounts when the document is in the functional currency" });
    }
    if (line.selfAssessed !== true && (line.kind === "zero" || line.kind === "exempt") && !new Decimal(line.tax.amount).isZero()) {
      ctx.addIssue({ code: "custom", path: [...path, "tax"], message: `${withArticle(line.kind)} code charges no tax; must be 0` });
    }
  });
  const charged = lines.filter((line) => line.selfAssessed !== true);
  checkSum(ctx, ["tax"], doc.tax, charged.map((line) => line.tax), "the sum of the taxLines' tax");
  checkSum(ctx, ["functional", "tax"], doc.functional.tax, charged.map((line) => line.functional.tax), "the sum of the taxLines' functional tax");
}

/**
 * Checks the output tax on a customer advance (`advanceTaxLines` of `PaymentCaptured`, the
 * `advanceTaxReleased` of `OrderInvoiced` and `RefundIssued`): currencies, one line per
 * code, no self-assessment, and the tax within `limit` (the money the lines are part of).
 */
export function checkAdvanceTaxLines(
  ctx: z.RefinementCtx,
  key: string,
  doc: { readonly currency: string; readonly functionalCurrency: string },
  lines: readonly TaxLine[] | undefined,
  limit: { readonly amount: Money; readonly functional: Money; readonly what: string },
): void {
  if (lines === undefined) return;
  const seen = new Set<string>();
  let tax = new Decimal(0);
  let functionalTax = new Decimal(0);
  lines.forEach((line, index) => {
    const path = [key, index] as const;
    checkCurrency(ctx, doc.currency, [[[...path, "base"], line.base], [[...path, "tax"], line.tax]]);
    checkCurrency(ctx, doc.functionalCurrency, [[[...path, "functional", "base"], line.functional.base], [[...path, "functional", "tax"], line.functional.tax]]);
    if (seen.has(line.code)) ctx.addIssue({ code: "custom", path: [...path, "code"], message: `repeats tax code ${line.code}; give one line per code` });
    seen.add(line.code);
    if (line.selfAssessed === true) ctx.addIssue({ code: "custom", path: [...path, "selfAssessed"], message: "tax on a customer advance is never self-assessed; leave selfAssessed out" });
    if (doc.currency === doc.functionalCurrency && (line.base.amount !== line.functional.base.amount || line.tax.amount !== line.functional.tax.amount)) {
      ctx.addIssue({ code: "custom", path: [...path, "functional"], message: "must equal the transaction amounts when the document is in the functional currency" });
    }
    tax = tax.plus(line.tax.amount);
    functionalTax = functionalTax.plus(line.functional.tax.amount);
  });
  if (tax.abs().greaterThan(new Decimal(limit.amount.amount).abs()) || functionalTax.abs().greaterThan(new Decimal(limit.functional.amount).abs())) {
    ctx.addIssue({ code: "custom", path: [key], message: `the advance's tax (${tax.toString()}) cannot exceed ${limit.what}` });
  }
}
