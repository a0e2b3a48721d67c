import { z } from "zod";
import { ratioSchema } from "../../kernel/bounds.js";
import { type Decimal, canonicalDecimal, toScaledBigInt } from "../../kernel/decimal.js";
import { withArticle } from "../../kernel/article.js";
import { StorekeepError, parseWith } from "../../kernel/errors.js";
import { type LocalDate, localDateSchema } from "../../kernel/local-date.js";
import { strictInput } from "../../kernel/strict-input.js";

/**
 * What a tax code does to a supply. `zero` and `exempt` both charge nothing but are
 * reported apart (a zero-rated supply keeps the right to deduct input tax, an exempt one
 * does not); `reverse-charge` is charged by the buyer, not the seller.
 *
 * @example
 * ```ts
 * const kind: TaxKind = "reduced";
 * ```
 */
export type TaxKind = "standard" | "reduced" | "zero" | "exempt" | "reverse-charge";

/** Every {@link TaxKind}.
 *
 * @example
 * ```ts
 * TAX_KINDS.includes("zero"); // true
 * ```
 */
export const TAX_KINDS: readonly TaxKind[] = Object.freeze(["standard", "reduced", "zero", "exempt", "reverse-charge"]);

/**
 * Where a tax applies: an ISO 3166-1 alpha-2 country and, where one applies, a region
 * (a state or province code such as `"QC"`).
 *
 * @example
 * ```ts
 * const quebec: Jurisdiction = { country: "CA", region: "QC" };
 * ```
 */
export interface Jurisdiction {
  readonly country: string;
  readonly region?: string | undefined;
}

/**
 * One rate of a tax code over a span of dates (both ends inclusive; `validTo` absent =
 * open-ended).
 *
 * @example
 * ```ts
 * const rate: TaxRate = { rate: "0.16", validFrom: "2020-07-01", validTo: "2020-12-31" };
 * ```
 */
export interface TaxRate {
  readonly rate: string;
  readonly validFrom: LocalDate;
  readonly validTo?: LocalDate;
}

/**
 * A tax code: one tax in one jurisdiction for one category of goods or services.
 *
 * `category` is the host's tax class of a product (`"standard"`, `"food"`, `"books"`…);
 * a line names its category and gets every code of that category in its jurisdiction —
 * the country's codes first, then the region's (Canada: GST, then a province's QST).
 * A `compound` code taxes the net plus the taxes before it on the same line.
 * The code with category `"*"` and kind `reverse-charge` in a jurisdiction is used for
 * every line of a reverse-charged document there.
 *
 * @example
 * ```ts
 * const code: TaxCodeInput = {
 *   code: "DE-STD", jurisdiction: { country: "DE" }, category: "standard", kind: "standard",
 *   rates: [{ rate: "0.19", validFrom: "2007-01-01" }],
 * };
 * ```
 */
export interface TaxCodeInput {
  readonly code: string;
  readonly jurisdiction: Jurisdiction;
  readonly category: string;
  readonly kind: TaxKind;
  readonly rates: readonly { readonly rate: string | number; readonly validFrom: string; readonly validTo?: string }[];
  readonly compound?: boolean;
  readonly description?: string;
}

/**
 * A validated tax code (see {@link TaxCodeInput}).
 *
 * @example
 * ```ts
 * const code: TaxCode = defineTaxCodes([input]).codes[0]!;
 * ```
 */
export interface TaxCode {
  readonly code: string;
  readonly jurisdiction: Jurisdiction;
  readonly category: string;
  readonly kind: TaxKind;
  readonly rates: readonly TaxRate[];
  readonly compound: boolean;
  readonly description?: string;
}

/**
 * A validated, indexed set of tax codes. Build it once with {@link defineTaxCodes} and pass
 * it to every {@link calculateTax} call.
 *
 * @example
 * ```ts
 * const table: TaxCodeTable = defineTaxCodes([...]);
 * table.byCode.get("DE-STD")?.kind; // "standard"
 * ```
 */
export interface TaxCodeTable {
  readonly codes: readonly TaxCode[];
  readonly byCode: ReadonlyMap<string, TaxCode>;
  /** Codes by `country|region|category`, in application order. */
  readonly byKey: ReadonlyMap<string, readonly TaxCode[]>;
  /** Scaled rates (12 decimals) by code, sorted by validFrom. */
  readonly scaledRates: ReadonlyMap<string, readonly ScaledRate[]>;
}

/**
 * A rate as an integer of 10^-12 units, with its validity.
 *
 * @example
 * ```ts
 * const r: ScaledRate = rateOn(table, "DE-STD", localDate("2026-01-01"));
 * r.scaled; // 190000000000n
 * ```
 */
export interface ScaledRate {
  readonly scaled: bigint;
  readonly rate: string;
  readonly validFrom: LocalDate;
  readonly validTo: LocalDate | undefined;
}

const countrySchema = z.string().regex(/^[A-Z]{2}$/, "must be an ISO 3166-1 alpha-2 country code in capitals, like \"DE\"");
const regionSchema = z.string().regex(/^[A-Z0-9-]{1,10}$/, "must be a region code in capitals, like \"QC\"");

/** The schema of a {@link Jurisdiction}.
 *
 * @example
 * ```ts
 * jurisdictionSchema.parse({ country: "CA", region: "QC" });
 * ```
 */
export const jurisdictionSchema = strictInput({ country: countrySchema, region: regionSchema.optional() });

const taxCodeSchema = strictInput({
  code: z.string().min(1).max(64),
  jurisdiction: jurisdictionSchema,
  category: z.string().min(1).max(64),
  kind: z.enum(["standard", "reduced", "zero", "exempt", "reverse-charge"]),
  rates: z
    .array(strictInput({ rate: ratioSchema, validFrom: localDateSchema, validTo: localDateSchema.optional() }))
    .min(1, "needs at least one rate")
    .max(1000),
  compound: z.boolean().optional(),
  description: z.string().max(500).optional(),
});

const taxCodesSchema = z.array(taxCodeSchema).max(10_000);

/** The key of codes for one jurisdiction level and category. */
export function codeKey(country: string, region: string | undefined, category: string): string {
  return `${country}|${region ?? ""}|${category}`;
}

/**
 * Validates tax codes and indexes them for {@link calculateTax}. Refuses (VALIDATION_FAILED)
 * a duplicate code, overlapping rate spans, a span ending before it starts, a rate of 1 or
 * more, a zero/exempt code with a non-zero rate, and a standard or reduced code at zero.
 *
 * @example
 * ```ts
 * const table = defineTaxCodes([
 *   { code: "DE-STD", jurisdiction: { country: "DE" }, category: "standard", kind: "standard",
 *     rates: [{ rate: "0.16", validFrom: "2020-07-01", validTo: "2020-12-31" }, { rate: "0.19", validFrom: "2021-01-01" }] },
 *   { code: "DE-RED", jurisdiction: { country: "DE" }, category: "food", kind: "reduced", rates: [{ rate: "0.07", validFrom: "2021-01-01" }] },
 * ]);
 * ```
 */
export function defineTaxCodes(input: readonly TaxCodeInput[]): TaxCodeTable {
  const parsed = parseWith(taxCodesSchema, input, "tax codes");
  const codes: TaxCode[] = [];
  const byCode = new Map<string, TaxCode>();
  const byKey = new Map<string, TaxCode[]>();
  const scaledRates = new Map<string, ScaledRate[]>();
  for (const [index, raw] of parsed.entries()) {
    const where = `tax codes[${index}] (${raw.code})`;
    if (byCode.has(raw.code)) throw invalid(`${where}: the code is defined twice; give each tax code a unique name.`, { code: raw.code });
    const rates = [...raw.rates].sort((a, b) => (a.validFrom < b.validFrom ? -1 : a.validFrom > b.validFrom ? 1 : 0));
    const scaled: ScaledRate[] = [];
    for (const [i, rate] of rates.entries()) {
      if (rate.validTo !== undefined && rate.validTo < rate.validFrom) {
        throw invalid(`${where}: a rate is valid to ${rate.validTo}, before it starts on ${rate.validFrom}.`, { code: raw.code });
      }
      const previous = rates[i - 1];
      if (previous && (previous.validTo === undefined || previous.validTo >= rate.validFrom)) {
        throw invalid(`${where}: the rates from ${previous.validFrom} and ${rate.validFrom} overlap; end the earlier one (validTo) before the later one starts.`, { code: raw.code });
      }
      checkRate(where, raw.kind, rate.rate);
      scaled.push({ scaled: toScaledBigInt(rate.rate, 12), rate: canonicalDecimal(rate.rate), validFrom: rate.validFrom, validTo: rate.validTo });
    }
    const code: TaxCode = Object.freeze({
      code: raw.code,
      jurisdiction: Object.freeze(raw.jurisdiction.region === undefined ? { country: raw.jurisdiction.country } : { ...raw.jurisdiction }),
      category: raw.category,
      kind: raw.kind,
      rates: Object.freeze(scaled.map((r) => Object.freeze(r.validTo === undefined ? { rate: r.rate, validFrom: r.validFrom } : { rate: r.rate, validFrom: r.validFrom, validTo: r.validTo }))),
      compound: raw.compound ?? false,
      ...(raw.description === undefined ? {} : { description: raw.description }),
    });
    codes.push(code);
    byCode.set(code.code, code);
    scaledRates.set(code.code, scaled);
    const key = codeKey(code.jurisdiction.country, code.jurisdiction.region, code.category);
    const list = byKey.get(key) ?? [];
    list.push(code);
    byKey.set(key, list);
  }
  return Object.freeze({ codes: Object.freeze(codes), byCode, byKey, scaledRates });
}

function checkRate(where: string, kind: TaxKind, rate: Decimal): void {
  if (rate.gte(1)) throw invalid(`${where}: a rate of ${canonicalDecimal(rate)} is 100% or more; write rates as fractions (19% is "0.19").`, {});
  if ((kind === "zero" || kind === "exempt") && !rate.isZero()) {
    throw invalid(`${where}: ${withArticle(kind)} code charges nothing; set its rate to "0".`, {});
  }
  if ((kind === "standard" || kind === "reduced") && rate.isZero()) {
    throw invalid(`${where}: ${withArticle(kind)} code at 0 is a zero-rated supply; use kind "zero".`, {});
  }
}

function invalid(message: string, details: Record<string, unknown>): StorekeepError {
  return new StorekeepError("VALIDATION_FAILED", message, details);
}

/**
 * The rate of a code on a date, scaled by 10^12, or NOT_FOUND naming the code and date.
 *
 * @example
 * ```ts
 * rateOn(table, "DE-STD", localDate("2020-08-01")).rate; // "0.16"
 * ```
 */
export function rateOn(table: TaxCodeTable, code: string, date: LocalDate): ScaledRate {
  const rates = table.scaledRates.get(code);
  if (!rates) throw new StorekeepError("NOT_FOUND", `There is no tax code ${code}; define it with defineTaxCodes.`, { code });
  for (const rate of rates) {
    if (rate.validFrom <= date && (rate.validTo === undefined || date <= rate.validTo)) return rate;
  }
  throw new StorekeepError("NOT_FOUND", `Tax code ${code} has no rate valid on ${date}; add a rate whose span covers that date.`, { code, date });
}

