import { z } from "zod";
import { nonNegativeAmountSchema } from "../../kernel/bounds.js";
import { isCurrencyCode, minorUnits } from "../../kernel/currencies.js";
import type { RoundingMode } from "../../kernel/decimal.js";
import { StorekeepError, parseWith } from "../../kernel/errors.js";
import { type LocalDate, localDateSchema } from "../../kernel/local-date.js";
import { type Fraction, RATE_SCALE, addFractions, allocateByRemainder, roundDivide } from "./tax-arithmetic.js";
import { type DistanceSales, type PlaceOfSupply, type TaxParty, placeOfSupply } from "./place-of-supply.js";
import { type Jurisdiction, type ScaledRate, type TaxCode, type TaxCodeTable, type TaxKind, codeKey, jurisdictionSchema, rateOn } from "./tax-codes.js";
import { strictInput } from "../../kernel/strict-input.js";

/** The most lines one {@link calculateTax} call takes (a document far larger than any stored one). */
export const TAX_LINES_MAX = 100_000;

/**
 * One line to tax: an `amount` (the line total, signed: a discount is negative), or a
 * `quantity` and `unitPrice` whose product is rounded to the currency's minor unit.
 * Amounts are tax-inclusive or exclusive as the context says.
 *
 * @example
 * ```ts
 * const line: TaxLineInput = { id: "1", category: "standard", quantity: "3", unitPrice: "9.99" };
 * ```
 */
export interface TaxLineInput {
  readonly id: string;
  /** The product's tax class; matched against the codes' `category`. */
  readonly category: string;
  readonly amount?: string | number;
  readonly quantity?: string | number;
  readonly unitPrice?: string | number;
}

/**
 * Everything about a document that decides its tax.
 *
 * - `direction`: `sale` (default; we are the seller) or `purchase` (we are the buyer).
 * - `pricesIncludeTax`: line amounts are gross (default false: net).
 * - `rounding`: `line` (default: each line's tax rounded) or `document` (each code's tax
 *   rounded once on the document total, then spread over the lines by largest remainder).
 * - `roundingMode`: default `half-up` (half away from zero, so a credit note mirrors its invoice).
 * - `distanceSales`: the OSS figures for cross-border B2C sales inside the union.
 * - `advancePayment` / `vatOnAdvances`: an advance is taxed unless `vatOnAdvances` is false.
 * - `taxUnion`: the countries where reverse charge and OSS apply (default the EU).
 *
 * @example
 * ```ts
 * const context: TaxContext = {
 *   date: "2026-03-01", currency: "EUR", taxCodes: table, pricesIncludeTax: true,
 *   seller: { country: "DE" }, buyer: { country: "DE" },
 * };
 * ```
 */
export interface TaxContext {
  readonly date: string;
  readonly currency: string;
  readonly taxCodes: TaxCodeTable;
  readonly seller: TaxParty;
  readonly buyer: TaxParty;
  readonly direction?: "sale" | "purchase";
  readonly pricesIncludeTax?: boolean;
  readonly rounding?: "line" | "document";
  readonly roundingMode?: RoundingMode;
  readonly distanceSales?: DistanceSales;
  readonly advancePayment?: boolean;
  readonly vatOnAdvances?: boolean;
  readonly taxUnion?: readonly string[];
}

/**
 * One tax on one line. `base` is what the rate applied to (the net, plus the taxes before
 * it for a compound code). A `selfAssessed` tax (a reverse-charged purchase) is owed by
 * the buyer: it is booked as input and output tax and is not part of the line's gross.
 *
 * @example
 * ```ts
 * const tax: LineTax = { code: "DE-STD", kind: "standard", rate: "0.19", base: "25.18", amount: "4.79", selfAssessed: false };
 * ```
 */
export interface LineTax {
  readonly code: string;
  readonly kind: TaxKind;
  readonly rate: string;
  readonly base: string;
  readonly amount: string;
  readonly selfAssessed: boolean;
}

/**
 * A taxed line: `net + tax = gross` exactly, in the document currency.
 *
 * @example
 * ```ts
 * const line: TaxedLine = result.lines[0]!;
 * line.gross; // "29.97"
 * ```
 */
export interface TaxedLine {
  readonly id: string;
  readonly category: string;
  readonly net: string;
  /** The tax charged on this line (self-assessed taxes excluded). */
  readonly tax: string;
  readonly gross: string;
  readonly taxes: readonly LineTax[];
}

/**
 * One code's figures on the document: the sums of its lines' bases and amounts.
 *
 * @example
 * ```ts
 * const total: TaxCodeTotal = result.codes[0]!;
 * total.tax; // "4.79"
 * ```
 */
export interface TaxCodeTotal {
  readonly code: string;
  readonly kind: TaxKind;
  readonly jurisdiction: Jurisdiction;
  readonly rate: string;
  readonly base: string;
  readonly tax: string;
  readonly selfAssessed: boolean;
}

/**
 * The result of {@link calculateTax}. Lines sum to the totals to the minor unit, and the
 * codes' charged taxes sum to `tax`; `selfAssessedTax` is the reverse-charged tax the
 * buyer owes (purchases only).
 *
 * @example
 * ```ts
 * const { net, tax, gross, codes } = calculateTax(lines, context);
 * ```
 */
export interface TaxCalculation {
  readonly currency: string;
  readonly date: LocalDate;
  readonly direction: "sale" | "purchase";
  readonly pricesIncludeTax: boolean;
  readonly rounding: "line" | "document";
  readonly placeOfSupply: PlaceOfSupply;
  readonly lines: readonly TaxedLine[];
  readonly codes: readonly TaxCodeTotal[];
  readonly net: string;
  readonly tax: string;
  readonly gross: string;
  readonly selfAssessedTax: string;
}

const partySchema = strictInput({
  country: jurisdictionSchema.shape.country,
  region: jurisdictionSchema.shape.region,
  vatId: z.string().min(1).max(64).optional(),
});

const contextSchema = strictInput({
  date: localDateSchema,
  currency: z.string().refine(isCurrencyCode, { message: "must be a known ISO 4217 currency code" }),
  taxCodes: z.custom<TaxCodeTable>((v) => typeof v === "object" && v !== null && (v as TaxCodeTable).byKey instanceof Map, {
    message: "must be a table built by defineTaxCodes",
  }),
  seller: partySchema,
  buyer: partySchema,
  direction: z.enum(["sale", "purchase"]).optional(),
  pricesIncludeTax: z.boolean().optional(),
  rounding: z.enum(["line", "document"]).optional(),
  roundingMode: z.enum(["half-up", "half-even", "half-down", "up", "down", "ceil", "floor"]).optional(),
  distanceSales: strictInput({ currentYear: nonNegativeAmountSchema, previousYear: nonNegativeAmountSchema, threshold: nonNegativeAmountSchema.optional(), optIn: z.boolean().optional() })
    .optional(),
  advancePayment: z.boolean().optional(),
  vatOnAdvances: z.boolean().optional(),
  taxUnion: z.array(jurisdictionSchema.shape.country).max(300).optional(),
});

/** One code applied to a category: exact tax = amount × n / d. */
interface AppliedCode {
  readonly code: TaxCode;
  readonly rate: string;
  readonly n: bigint;
  readonly d: bigint;
  readonly selfAssessed: boolean;
}

const PLAIN = /^([+-]?)([0-9]+)(?:\.([0-9]+))?$/;

/** A bounded decimal input as an integer of 10^-scale units, or an error naming the field. */
function scaledInput(value: unknown, scale: number, integerDigits: number, path: string, allowNegative: boolean): bigint {
  let text: string;
  if (typeof value === "string") text = value;
  else if (typeof value === "number" && Number.isFinite(value) && !/e/i.test(String(value))) text = String(value);
  else throw invalid(`${path} must be a decimal string like "12.34" (or a plain finite number).`, { path });
  const match = text.length <= 64 ? PLAIN.exec(text) : null;
  if (!match) throw invalid(`${path} "${text.slice(0, 40)}" is not a plain decimal; write it like "1234.56".`, { path });
  const integer = (match[2] as string).replace(/^0+(?=\d)/, "");
  const fraction = (match[3] ?? "").replace(/0+$/, "");
  if ((integer === "0" ? 0 : integer.length) > integerDigits) throw invalid(`${path} has more than ${integerDigits} integer digits.`, { path });
  if (fraction.length > scale) throw invalid(`${path} has ${fraction.length} decimals; at most ${scale} are allowed here.`, { path });
  const units = BigInt(integer + fraction.padEnd(scale, "0"));
  if (match[1] === "-" && !allowNegative && units !== 0n) throw invalid(`${path} must not be negative.`, { path });
  return match[1] === "-" ? -units : units;
}

function invalid(message: string, details: Record<string, unknown>): StorekeepError {
  return new StorekeepError("VALIDATION_FAILED", message, details);
}

/** Minor units as a canonical decimal string ("12.5", "-0.07", "3"). */
export function formatMinor(units: bigint, scale: number): string {
  if (scale === 0 || units === 0n) return units.toString();
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(scale + 1, "0");
  const integer = digits.slice(0, digits.length - scale);
  const fraction = digits.slice(digits.length - scale).replace(/0+$/, "");
  return `${negative ? "-" : ""}${integer}${fraction ? `.${fraction}` : ""}`;
}

function multiply(a: Fraction, b: Fraction): Fraction {
  return { n: a.n * b.n, d: a.d * b.d };
}

/**
 * The refusal when an export or a reverse-charged supply finds no catch-all code: it says why
 * the supply is zero-rated or reverse-charged, whose codes it takes, and the code to add.
 */
function missingCatchAllCode(place: PlaceOfSupply, kind: TaxKind, direction: "sale" | "purchase", parties: { readonly seller: TaxParty; readonly buyer: TaxParty }): StorekeepError {
  const { country } = place.jurisdiction;
  const seller = parties.seller.country;
  const buyer = parties.buyer.country;
  const why =
    place.rule === "export"
      ? `A ${direction} from ${seller} to ${buyer} is an export (the buyer is outside the seller's tax union): it is zero-rated, with ${country}'s tax code of kind "zero" and category "*"`
      : `A ${direction} from ${seller} to a business in ${buyer} (VAT id ${parties.buyer.vatId ?? "given"}) is reverse-charged (the buyer accounts for the VAT): it takes ${country}'s tax code of kind "reverse-charge" and category "*"`;
  const rate = kind === "zero" ? "0" : "0.19";
  const example = `{ code: "${country}-${kind === "zero" ? "EXPORT" : "RC"}", jurisdiction: { country: "${country}" }, category: "*", kind: "${kind}", rates: [{ rate: "${rate}", validFrom: "2007-01-01" }] }`;
  const rateNote = kind === "zero" ? "" : " (its rate is the one a reverse-charged purchase self-assesses, your standard rate; a sale charges none)";
  return new StorekeepError("NOT_FOUND", `${why}, and the tax codes have none. Add one to defineTaxCodes, e.g. ${example}${rateNote}.`, {
    rule: place.rule,
    country,
    kind,
    category: "*",
    direction,
    sellerCountry: seller,
    buyerCountry: buyer,
  });
}

/** The codes a category gets at the place of supply, with their exact multipliers. */
function appliedCodes(table: TaxCodeTable, place: PlaceOfSupply, category: string, date: LocalDate, direction: "sale" | "purchase", inclusive: boolean, parties: { readonly seller: TaxParty; readonly buyer: TaxParty }): AppliedCode[] {
  const { country, region } = place.jurisdiction;
  let codes: TaxCode[];
  if (place.rule === "import" || place.rule === "advance-untaxed") return [];
  if (place.rule === "reverse-charge" || place.rule === "export") {
    const kind: TaxKind = place.rule === "reverse-charge" ? "reverse-charge" : "zero";
    codes = (table.byKey.get(codeKey(country, undefined, "*")) ?? []).filter((c) => c.kind === kind);
    if (codes.length === 0) {
      throw missingCatchAllCode(place, kind, direction, parties);
    }
    codes = codes.slice(0, 1);
  } else {
    codes = [...(table.byKey.get(codeKey(country, undefined, category)) ?? []), ...(region === undefined ? [] : table.byKey.get(codeKey(country, region, category)) ?? [])];
    if (codes.length === 0) {
      const where = region === undefined ? country : `${country}-${region}`;
      throw new StorekeepError("NOT_FOUND", `No tax code for category "${category}" in ${where}; define one (or give the line another category).`, {
        category,
        jurisdiction: place.jurisdiction,
      });
    }
  }
  const rates: ScaledRate[] = codes.map((c) => rateOn(table, c.code, date));
  if (place.rule === "reverse-charge") {
    const code = codes[0] as TaxCode;
    const rate = rates[0] as ScaledRate;
    // A sale is tax-free for the seller; a purchase is taxed by the buyer on the net price.
    return direction === "sale"
      ? [{ code, rate: "0", n: 0n, d: 1n, selfAssessed: false }]
      : [{ code, rate: rate.rate, n: rate.scaled, d: RATE_SCALE, selfAssessed: true }];
  }
  const multipliers: Fraction[] = [];
  let before: Fraction = { n: 0n, d: 1n };
  for (let i = 0; i < codes.length; i++) {
    const rate: Fraction = { n: (rates[i] as ScaledRate).scaled, d: RATE_SCALE };
    const base: Fraction = (codes[i] as TaxCode).compound ? addFractions({ n: 1n, d: 1n }, before) : { n: 1n, d: 1n };
    const m = multiply(rate, base);
    multipliers.push(m);
    before = addFractions(before, m);
  }
  const factor = addFractions({ n: 1n, d: 1n }, before); // gross = net × factor
  return codes.map((code, i) => {
    const m = multipliers[i] as Fraction;
    const exact = inclusive ? { n: m.n * factor.d, d: m.d * factor.n } : m;
    return { code, rate: (rates[i] as ScaledRate).rate, n: exact.n, d: exact.d, selfAssessed: false };
  });
}

/**
 * Computes the tax of a document's lines: per line and per code, exact to the minor unit.
 *
 * Pure and deterministic; sales and purchasing call it before recording a document.
 * Tax-exclusive lines keep their net, tax-inclusive lines keep their gross (the shelf
 * price): 3 × 9.99 incl. 19% is 29.97 gross = 25.18 net + 4.79 tax. With `rounding:
 * "document"` each code's tax is rounded once on the document and spread over the lines
 * by largest remainder, so the lines still sum to the totals. The place of supply decides
 * whose codes apply (see {@link placeOfSupply}); a reverse-charged sale is tax-free under
 * the seller's reverse-charge code, a reverse-charged purchase is self-assessed. For a
 * reverse-charged purchase amounts are read as net whatever `pricesIncludeTax` says.
 *
 * Errors: VALIDATION_FAILED for a malformed line or context (the message names the
 * field), NOT_FOUND when no code or rate covers a line's category at the place and date.
 *
 * @example
 * ```ts
 * const taxCodes = defineTaxCodes([
 *   { code: "DE-STD", jurisdiction: { country: "DE" }, category: "standard", kind: "standard", rates: [{ rate: "0.19", validFrom: "2007-01-01" }] },
 * ]);
 * const result = calculateTax([{ id: "1", category: "standard", quantity: 3, unitPrice: "9.99" }], {
 *   date: "2026-03-01", currency: "EUR", taxCodes, pricesIncludeTax: true,
 *   seller: { country: "DE" }, buyer: { country: "DE" },
 * });
 * result.gross; // "29.97"
 * result.tax;   // "4.79"
 * ```
 */
export function calculateTax(lines: readonly TaxLineInput[], context: TaxContext): TaxCalculation {
  const ctx = parseWith(contextSchema, context, "tax context");
  if (!Array.isArray(lines)) throw invalid("lines must be an array of tax lines.", { path: "lines" });
  if (lines.length > TAX_LINES_MAX) throw invalid(`A document may have at most ${TAX_LINES_MAX} lines; it has ${lines.length}.`, { path: "lines" });
  const scale = minorUnits(ctx.currency);
  const direction = ctx.direction ?? "sale";
  const inclusive = ctx.pricesIncludeTax ?? false;
  const rounding = ctx.rounding ?? "line";
  const mode = ctx.roundingMode ?? "half-up";
  const place = placeOfSupply({
    direction,
    seller: ctx.seller,
    buyer: ctx.buyer,
    ...(ctx.distanceSales === undefined
      ? {}
      : {
          distanceSales: {
            currentYear: ctx.distanceSales.currentYear.toFixed(),
            previousYear: ctx.distanceSales.previousYear.toFixed(),
            ...(ctx.distanceSales.threshold === undefined ? {} : { threshold: ctx.distanceSales.threshold.toFixed() }),
            ...(ctx.distanceSales.optIn === undefined ? {} : { optIn: ctx.distanceSales.optIn }),
          },
        }),
    ...(ctx.taxUnion === undefined ? {} : { taxUnion: ctx.taxUnion }),
    ...(ctx.advancePayment === undefined ? {} : { advancePayment: ctx.advancePayment }),
    ...(ctx.vatOnAdvances === undefined ? {} : { vatOnAdvances: ctx.vatOnAdvances }),
  });
  const lineInclusive = inclusive && place.rule !== "reverse-charge";
  const productDivisor = 10n ** BigInt(12 - scale);

  // 1. Line amounts in minor units and the codes of each line's category.
  const byCategory = new Map<string, AppliedCode[]>();
  const amounts: bigint[] = new Array(lines.length);
  const applied: AppliedCode[][] = new Array(lines.length);
  const ids = new Set<string>();
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as TaxLineInput;
    if (typeof line !== "object" || line === null) throw invalid(`lines[${i}] must be an object.`, { path: `lines[${i}]` });
    if (typeof line.id !== "string" || line.id.length === 0 || line.id.length > 128) throw invalid(`lines[${i}].id must be a non-empty string (at most 128 characters).`, { path: `lines[${i}].id` });
    if (ids.has(line.id)) throw invalid(`lines[${i}].id "${line.id}" is used twice; give every line its own id.`, { path: `lines[${i}].id` });
    ids.add(line.id);
    if (typeof line.category !== "string" || line.category.length === 0 || line.category.length > 64) {
      throw invalid(`lines[${i}].category must be the product's tax class, a non-empty string.`, { path: `lines[${i}].category` });
    }
    if (line.amount !== undefined) {
      if (line.quantity !== undefined || line.unitPrice !== undefined) throw invalid(`lines[${i}] gives an amount and a quantity/unitPrice; give one or the other.`, { path: `lines[${i}]` });
      amounts[i] = scaledInput(line.amount, scale, 15, `lines[${i}].amount`, true);
    } else {
      if (line.quantity === undefined || line.unitPrice === undefined) throw invalid(`lines[${i}] needs an amount, or a quantity and a unitPrice.`, { path: `lines[${i}]` });
      const quantity = scaledInput(line.quantity, 6, 12, `lines[${i}].quantity`, true);
      const unitPrice = scaledInput(line.unitPrice, 6, 15, `lines[${i}].unitPrice`, false);
      amounts[i] = roundDivide(quantity * unitPrice, productDivisor, mode);
    }
    let codes = byCategory.get(line.category);
    if (!codes) {
      codes = appliedCodes(ctx.taxCodes, place, line.category, ctx.date, direction, lineInclusive, ctx);
      byCategory.set(line.category, codes);
    }
    applied[i] = codes;
  }

  // 2. Each line's tax per code: rounded per line, or per code on the document and spread.
  const taxByLine: bigint[][] = new Array(lines.length);
  if (rounding === "line") {
    for (let i = 0; i < lines.length; i++) {
      const codes = applied[i] as AppliedCode[];
      const amount = amounts[i] as bigint;
      const taxes: bigint[] = new Array(codes.length);
      for (let k = 0; k < codes.length; k++) {
        const c = codes[k] as AppliedCode;
        taxes[k] = c.n === 0n ? 0n : roundDivide(amount * c.n, c.d, mode);
      }
      taxByLine[i] = taxes;
    }
  } else {
    const members = new Map<string, { line: number; slot: number; share: Fraction }[]>();
    const sums = new Map<string, Fraction>();
    for (let i = 0; i < lines.length; i++) {
      const codes = applied[i] as AppliedCode[];
      taxByLine[i] = new Array(codes.length).fill(0n);
      for (let k = 0; k < codes.length; k++) {
        const c = codes[k] as AppliedCode;
        const share: Fraction = { n: (amounts[i] as bigint) * c.n, d: c.d };
        const list = members.get(c.code.code);
        if (list) list.push({ line: i, slot: k, share });
        else members.set(c.code.code, [{ line: i, slot: k, share }]);
        const sum = sums.get(c.code.code);
        sums.set(c.code.code, sum ? addFractions(sum, share) : share);
      }
    }
    for (const [code, list] of members) {
      const sum = sums.get(code) as Fraction;
      const total = roundDivide(sum.n, sum.d, mode);
      const parts = allocateByRemainder(
        total,
        list.map((m) => m.share),
      );
      for (let j = 0; j < list.length; j++) {
        const m = list[j] as { line: number; slot: number };
        (taxByLine[m.line] as bigint[])[m.slot] = parts[j] as bigint;
      }
    }
  }

  // 3. Lines, per-code totals and document totals.
  const taxedLines: TaxedLine[] = new Array(lines.length);
  const totals = new Map<string, { code: AppliedCode; base: bigint; tax: bigint }>();
  let netSum = 0n;
  let taxSum = 0n;
  let grossSum = 0n;
  let selfAssessedSum = 0n;
  for (let i = 0; i < lines.length; i++) {
    const codes = applied[i] as AppliedCode[];
    const taxes = taxByLine[i] as bigint[];
    const amount = amounts[i] as bigint;
    let charged = 0n;
    for (let k = 0; k < codes.length; k++) if (!(codes[k] as AppliedCode).selfAssessed) charged += taxes[k] as bigint;
    const net = lineInclusive ? amount - charged : amount;
    const gross = lineInclusive ? amount : amount + charged;
    const lineTaxes: LineTax[] = new Array(codes.length);
    let before = 0n;
    for (let k = 0; k < codes.length; k++) {
      const c = codes[k] as AppliedCode;
      const tax = taxes[k] as bigint;
      const base = c.code.compound ? net + before : net;
      if (!c.selfAssessed) before += tax;
      lineTaxes[k] = { code: c.code.code, kind: c.code.kind, rate: c.rate, base: formatMinor(base, scale), amount: formatMinor(tax, scale), selfAssessed: c.selfAssessed };
      const total = totals.get(c.code.code);
      if (total) {
        total.base += base;
        total.tax += tax;
      } else totals.set(c.code.code, { code: c, base, tax });
      if (c.selfAssessed) selfAssessedSum += tax;
    }
    const line = lines[i] as TaxLineInput;
    taxedLines[i] = { id: line.id, category: line.category, net: formatMinor(net, scale), tax: formatMinor(charged, scale), gross: formatMinor(gross, scale), taxes: lineTaxes };
    netSum += net;
    taxSum += charged;
    grossSum += gross;
  }
  const codes: TaxCodeTotal[] = [...totals.values()].map(({ code, base, tax }) => ({
    code: code.code.code,
    kind: code.code.kind,
    jurisdiction: code.code.jurisdiction,
    rate: code.rate,
    base: formatMinor(base, scale),
    tax: formatMinor(tax, scale),
    selfAssessed: code.selfAssessed,
  }));
  return {
    currency: ctx.currency,
    date: ctx.date,
    direction,
    pricesIncludeTax: inclusive,
    rounding,
    placeOfSupply: place,
    lines: taxedLines,
    codes,
    net: formatMinor(netSum, scale),
    tax: formatMinor(taxSum, scale),
    gross: formatMinor(grossSum, scale),
    selfAssessedTax: formatMinor(selfAssessedSum, scale),
  };
}
