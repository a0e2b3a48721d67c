import { StorekeepError } from "../kernel/errors.js";
import { isCurrencyCode } from "../kernel/currencies.js";

/*
 * Barcodes as a warehouse scanner reads them: GTINs (EAN-8, EAN-13, UPC-A, UPC-E, GTIN-14)
 * with their check digits, GS1 element strings (GS1-128 and GS1 DataMatrix: application
 * identifiers, FNC1 / GS separators, or the human-readable "(01)…(10)…" form) and the
 * weight- or price-embedded in-store codes of prefix 2. Pure functions: the date a two-digit
 * year is read against is a parameter.
 */

/**
 * The kinds of code {@link parseBarcode} recognises.
 *
 * @example
 * ```ts
 * const kind: BarcodeKind = "ean-13";
 * ```
 */
export type BarcodeKind = "ean-8" | "ean-13" | "upc-a" | "upc-e" | "gtin-14" | "gs1" | "in-store";

/**
 * What a barcode means. `gtin` is always the 14-digit form (zero-padded), so the same
 * product scanned as UPC-A, EAN-13 or GTIN-14 looks up the same key.
 *
 * @example
 * ```ts
 * const r: ParsedBarcode = parseBarcode("4006381333931");
 * r.gtin; // "04006381333931"
 * ```
 */
export interface ParsedBarcode {
  readonly kind: BarcodeKind;
  /** The code as scanned, without symbology identifier or surrounding spaces. */
  readonly raw: string;
  /** The GTIN-14 of the trade item, when the code carries one. */
  readonly gtin?: string;
  /** UPC-E only: the 12-digit UPC-A it expands to. */
  readonly upcA?: string;
  /** GS1 only: every element string, by application identifier, in the order scanned. */
  readonly elements?: readonly { readonly ai: string; readonly value: string }[];
  readonly sscc?: string;
  readonly lot?: string;
  readonly serial?: string;
  /** AI 17, as a calendar date ("2027-03-31"; day 00 is the month's last day). */
  readonly expiry?: string;
  /** AI 15. */
  readonly bestBefore?: string;
  /** AI 11. */
  readonly productionDate?: string;
  /** AI 30 or 37: a count of items or of contained trade items. */
  readonly count?: string;
  /** AI 310n: net weight in kilograms, as a decimal string. */
  readonly netWeightKg?: string;
  /** AI 392n / 393n (or an in-store price code): a price, as a decimal string. */
  readonly price?: string;
  /** AI 393n: the price's ISO 4217 currency (its numeric code's letters when known). */
  readonly priceCurrency?: string;
  /** In-store codes: the shop's own item number carried in the code. */
  readonly itemNumber?: string;
}

/**
 * A shop's layout for in-store codes of prefix 2 (EAN-13 beginning with 2): which prefixes
 * carry a weight or a price, how many digits are the item number and how many decimals the
 * value has. Layouts differ by country and shop; `DEFAULT_IN_STORE_LAYOUTS` is a common one.
 *
 * @example
 * ```ts
 * const layout: InStoreLayout = { prefix: "21", itemDigits: 5, value: "weight", decimals: 3 };
 * ```
 */
export interface InStoreLayout {
  /** The leading digits that select this layout ("2", "20", "21"…). */
  readonly prefix: string;
  /** Digits of the item number after the prefix. */
  readonly itemDigits: number;
  readonly value: "weight" | "price";
  /** Decimals of the embedded value (weight in kg: 3; price: 2). */
  readonly decimals: number;
  /** Whether a price check digit precedes the value (some layouts, e.g. 4-digit prices). */
  readonly valueCheckDigit?: boolean;
}

/**
 * A common in-store layout: prefixes 20–22 carry a price in cents, 23–29 a weight in grams,
 * after a 5-digit item number (`2P IIIII VVVVV C`: the value takes the last 5 digits before
 * the check digit).
 *
 * @example
 * ```ts
 * parseBarcode("2012345001992", { inStore: DEFAULT_IN_STORE_LAYOUTS }).price; // "1.99"
 * ```
 */
export const DEFAULT_IN_STORE_LAYOUTS: readonly InStoreLayout[] = Object.freeze([
  ...["20", "21", "22"].map((prefix) => ({ prefix, itemDigits: 5, value: "price" as const, decimals: 2 })),
  ...["23", "24", "25", "26", "27", "28", "29"].map((prefix) => ({ prefix, itemDigits: 5, value: "weight" as const, decimals: 3 })),
]);

/**
 * Options of {@link parseBarcode}.
 *
 * @example
 * ```ts
 * const options: ParseBarcodeOptions = { today: "2026-11-27", inStore: DEFAULT_IN_STORE_LAYOUTS, symbology: "upc-e" };
 * ```
 */
export interface ParseBarcodeOptions {
  /** The date two-digit years are read against (GS1's sliding century). Default: years 2000–2099. */
  readonly today?: string;
  /** In-store layouts for EAN-13 codes beginning with 2 (default: read them as plain EAN-13). */
  readonly inStore?: readonly InStoreLayout[];
  /** Read an 8-digit code as UPC-E instead of EAN-8 (the scanner's symbology says which). */
  readonly symbology?: "ean-8" | "upc-e";
}

function refuse(code: string, message: string, path = "code"): never {
  throw new StorekeepError("VALIDATION_FAILED", `Barcode "${code.slice(0, 60)}": ${message}`, { issues: [{ path, message, code: "custom" }] });
}

/**
 * The GS1 mod-10 check digit of a string of digits (weights 3, 1, 3… from the right).
 *
 * @example
 * ```ts
 * gs1CheckDigit("400638133393"); // 1
 * ```
 */
export function gs1CheckDigit(digits: string): number {
  let sum = 0;
  for (let i = digits.length - 1, weight = 3; i >= 0; i--, weight = 4 - weight) sum += (digits.charCodeAt(i) - 48) * weight;
  return (10 - (sum % 10)) % 10;
}

/**
 * Refuses `digits` whose last digit is not their GS1 check digit. `within` names the code as
 * scanned and the AI the digits are the value of (a GTIN inside a GS1-128 label), so the
 * message shows what was scanned and which element is wrong.
 */
function checkDigits(digits: string, kind: string, within?: { readonly code: string; readonly ai?: string; readonly position?: number }): void {
  const body = digits.slice(0, -1);
  const expected = gs1CheckDigit(body);
  const actual = Number(digits.at(-1));
  if (expected === actual) return;
  const code = within?.code ?? digits;
  const ai = within?.ai;
  const position = within?.position ?? digits.length;
  if (ai !== undefined) refuse(code, `AI (${ai}) ${kind} ${digits}: the ${kind} check digit (digit ${position}) is ${actual}, but the other digits give ${expected}: a digit was misread or mistyped`, `(${ai})`);
  refuse(code, `the ${kind} check digit (digit ${position}) is ${actual}, but the other digits give ${expected}: a digit was misread or mistyped`);
}

/**
 * Expands a UPC-E code (8 digits: number system 0 or 1, six digits, check digit) to its
 * 12-digit UPC-A.
 *
 * @example
 * ```ts
 * expandUpcE("04252614"); // "042100005264"
 * ```
 */
export function expandUpcE(code: string): string {
  if (!/^[01]\d{7}$/.test(code)) refuse(code, "a UPC-E code has 8 digits and starts with 0 or 1");
  const ns = code[0] as string;
  const d = code.slice(1, 7);
  const check = code[7] as string;
  const last = d[5] as string;
  let body: string;
  if (last === "0" || last === "1" || last === "2") body = `${d.slice(0, 2)}${last}0000${d.slice(2, 5)}`;
  else if (last === "3") body = `${d.slice(0, 3)}00000${d.slice(3, 5)}`;
  else if (last === "4") body = `${d.slice(0, 4)}00000${d[4]}`;
  else body = `${d.slice(0, 5)}0000${last}`;
  return `${ns}${body}${check}`;
}

/** AI → fixed length of its data (without the AI), or undefined for variable length (with max). */
const AIS: Readonly<Record<string, { readonly fixed?: number; readonly max?: number; readonly name: string }>> = {
  "00": { fixed: 18, name: "SSCC" },
  "01": { fixed: 14, name: "GTIN" },
  "02": { fixed: 14, name: "GTIN of contained items" },
  "10": { max: 20, name: "batch or lot" },
  "11": { fixed: 6, name: "production date" },
  "15": { fixed: 6, name: "best before date" },
  "17": { fixed: 6, name: "expiry date" },
  "21": { max: 20, name: "serial number" },
  "30": { max: 8, name: "variable count" },
  "37": { max: 8, name: "count of trade items" },
};

/** The AI at the start of `rest`, and its definition (310n, 392n, 393n have a decimals digit). */
function aiAt(rest: string): { ai: string; fixed?: number; max?: number; name: string; decimals?: number; currency?: boolean } | undefined {
  const two = rest.slice(0, 2);
  if (AIS[two]) return { ai: two, ...AIS[two] };
  const four = rest.slice(0, 4);
  if (/^310[0-6]$/.test(four)) return { ai: four, fixed: 6, name: "net weight (kg)", decimals: Number(four[3]) };
  if (/^392[0-9]$/.test(four)) return { ai: four, max: 15, name: "price", decimals: Number(four[3]) };
  if (/^393[0-9]$/.test(four)) return { ai: four, max: 18, name: "price with currency", decimals: Number(four[3]), currency: true };
  return undefined;
}

/** The definition of an AI given alone (the element list's AIs), without building a padded string. */
function aiDefinition(ai: string): ReturnType<typeof aiAt> {
  return ai.length === 2 ? (AIS[ai] ? { ai, ...AIS[ai] } : undefined) : aiAt(`${ai}00`);
}

const GS = "\u001d";
/** ISO 4217 numeric → alphabetic, for the currencies AI 393n most often carries. */
const NUMERIC_CURRENCIES: Readonly<Record<string, string>> = { "978": "EUR", "840": "USD", "826": "GBP", "756": "CHF", "752": "SEK", "208": "DKK", "578": "NOK", "985": "PLN", "203": "CZK", "348": "HUF", "392": "JPY", "156": "CNY", "036": "AUD", "124": "CAD" };

function gs1Date(code: string, ai: string, yymmdd: string, today: string | undefined): string {
  if (!/^\d{6}$/.test(yymmdd)) refuse(code, `AI (${ai}) needs a date YYMMDD, got "${yymmdd}"`, `(${ai})`);
  const yy = Number(yymmdd.slice(0, 2));
  const mm = Number(yymmdd.slice(2, 4));
  let dd = Number(yymmdd.slice(4, 6));
  if (mm < 1 || mm > 12) refuse(code, `AI (${ai}) has month ${yymmdd.slice(2, 4)}; months run 01–12`, `(${ai})`);
  // GS1 General Specifications 7.12: a year 51 or more ahead of today belongs to the previous century.
  const currentYear = today === undefined ? 2000 + yy : Number(today.slice(0, 4));
  const century = Math.floor(currentYear / 100) * 100;
  let year = century + yy;
  const diff = yy - (currentYear % 100);
  if (diff >= 51) year -= 100;
  else if (diff <= -50) year += 100;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const lastDay = mm === 2 ? (leap ? 29 : 28) : mm === 4 || mm === 6 || mm === 9 || mm === 11 ? 30 : 31;
  if (dd === 0) dd = lastDay;
  if (dd > lastDay) refuse(code, `AI (${ai}) has day ${yymmdd.slice(4, 6)}, but ${year}-${String(mm).padStart(2, "0")} has ${lastDay} days`, `(${ai})`);
  return `${year}-${String(mm).padStart(2, "0")}-${String(dd).padStart(2, "0")}`;
}

/** `digits` (all 0-9) read with `decimals` implied decimals, as a canonical decimal string (string work: the hot path of a scan). */
function withDecimals(digits: string, decimals: number): string {
  const padded = digits.length <= decimals ? digits.padStart(decimals + 1, "0") : digits;
  let whole = padded.slice(0, padded.length - decimals).replace(/^0+(?=\d)/, "");
  const fraction = padded.slice(padded.length - decimals).replace(/0+$/, "");
  if (whole === "") whole = "0";
  return fraction === "" ? whole : `${whole}.${fraction}`;
}

/** Splits a GS1 element string into (AI, value) pairs. */
function gs1Elements(code: string, data: string): { ai: string; value: string }[] {
  const out: { ai: string; value: string }[] = [];
  if (data.startsWith("(")) {
    // Human-readable: (01)09506000134352(17)270331(10)ABC
    const pattern = /\((\d{2,4})\)([^(]*)/gy;
    let match: RegExpExecArray | null;
    let consumed = 0;
    while ((match = pattern.exec(data)) !== null) {
      out.push({ ai: match[1] as string, value: match[2] as string });
      consumed = pattern.lastIndex;
    }
    if (consumed !== data.length) refuse(code, `the text after position ${consumed} is not a (AI)value element`);
    return out;
  }
  let rest = data;
  while (rest.length > 0) {
    if (rest.startsWith(GS)) {
      rest = rest.slice(1);
      continue;
    }
    const def = aiAt(rest);
    if (!def) refuse(code, `"${rest.slice(0, 4)}" at position ${data.length - rest.length + 1} is not an application identifier storekeep reads (00, 01, 02, 10, 11, 15, 17, 21, 30, 37, 310n, 392n, 393n)`);
    rest = rest.slice(def.ai.length);
    let value: string;
    if (def.fixed !== undefined) {
      value = rest.slice(0, def.fixed);
      rest = rest.slice(def.fixed);
    } else {
      const end = rest.indexOf(GS);
      value = end === -1 ? rest : rest.slice(0, end);
      rest = end === -1 ? "" : rest.slice(end + 1);
    }
    out.push({ ai: def.ai, value });
  }
  return out;
}

function parseGs1(code: string, data: string, options: ParseBarcodeOptions): ParsedBarcode {
  const elements = gs1Elements(code, data);
  if (elements.length === 0) refuse(code, "a GS1 element string needs at least one application identifier");
  const out: { -readonly [K in keyof ParsedBarcode]: ParsedBarcode[K] } = { kind: "gs1", raw: code, elements };
  const seen = new Set<string>();
  for (const { ai, value } of elements) {
    const def = aiDefinition(ai) ?? refuse(code, `(${ai}) is not an application identifier storekeep reads`, `(${ai})`);
    if (def.ai !== ai) refuse(code, `(${ai}) is not an application identifier storekeep reads`, `(${ai})`);
    if (seen.has(ai)) refuse(code, `AI (${ai}) appears twice`, `(${ai})`);
    seen.add(ai);
    if (def.fixed !== undefined && value.length !== def.fixed) refuse(code, `AI (${ai}) ${def.name} needs ${def.fixed} characters, got ${value.length}`, `(${ai})`);
    if (def.max !== undefined && (value.length === 0 || value.length > def.max)) refuse(code, `AI (${ai}) ${def.name} needs 1 to ${def.max} characters, got ${value.length}`, `(${ai})`);
    const numeric = ai !== "10" && ai !== "21";
    if (numeric && !/^\d+$/.test(value)) refuse(code, `AI (${ai}) ${def.name} must be digits, got "${value}"`, `(${ai})`);
    if (!numeric && !/^[\x21-\x22\x25-\x2f\x30-\x39\x3a-\x3f\x41-\x5a\x5f\x61-\x7a]+$/.test(value)) refuse(code, `AI (${ai}) ${def.name} has characters outside GS1's character set 82: "${value}"`, `(${ai})`);
    switch (ai) {
      case "00":
        checkDigits(value, "SSCC", { code, ai });
        out.sscc = value;
        break;
      case "01":
      case "02":
        checkDigits(value, "GTIN", { code, ai });
        if (ai === "01") out.gtin = value;
        break;
      case "10":
        out.lot = value;
        break;
      case "21":
        out.serial = value;
        break;
      case "11":
        out.productionDate = gs1Date(code, ai, value, options.today);
        break;
      case "15":
        out.bestBefore = gs1Date(code, ai, value, options.today);
        break;
      case "17":
        out.expiry = gs1Date(code, ai, value, options.today);
        break;
      case "30":
      case "37":
        out.count = withDecimals(value, 0);
        break;
      default:
        if (ai.startsWith("310")) out.netWeightKg = withDecimals(value, def.decimals ?? 0);
        else if (ai.startsWith("392")) out.price = withDecimals(value, def.decimals ?? 0);
        else if (ai.startsWith("393")) {
          if (value.length < 4) refuse(code, `AI (${ai}) needs a 3-digit ISO 4217 currency and a price`, `(${ai})`);
          const numericCurrency = value.slice(0, 3);
          const letters = NUMERIC_CURRENCIES[numericCurrency];
          if (letters !== undefined && isCurrencyCode(letters)) out.priceCurrency = letters;
          else out.priceCurrency = numericCurrency;
          out.price = withDecimals(value.slice(3), def.decimals ?? 0);
        }
    }
  }
  return out;
}

/** Layouts longest prefix first, per layouts array (a cache: parsing stays a pure function of its arguments). */
const SORTED_LAYOUTS = new WeakMap<readonly InStoreLayout[], readonly InStoreLayout[]>();

function parseInStore(code: string, layouts: readonly InStoreLayout[]): ParsedBarcode | undefined {
  let sorted = SORTED_LAYOUTS.get(layouts);
  if (sorted === undefined) {
    sorted = [...layouts].sort((a, b) => b.prefix.length - a.prefix.length);
    SORTED_LAYOUTS.set(layouts, sorted);
  }
  const layout = sorted.find((l) => code.startsWith(l.prefix));
  if (!layout) return undefined;
  const itemStart = layout.prefix.length;
  const itemNumber = code.slice(itemStart, itemStart + layout.itemDigits);
  let valueStart = itemStart + layout.itemDigits;
  if (layout.valueCheckDigit) valueStart += 1;
  const valueDigits = code.slice(valueStart, 12);
  if (valueDigits.length === 0) refuse(code, `in-store layout ${layout.prefix} leaves no digits for the ${layout.value}`);
  if (layout.valueCheckDigit) {
    const expected = gs1CheckDigit(valueDigits);
    const actual = Number(code[valueStart - 1]);
    if (expected !== actual) refuse(code, `the ${layout.value} check digit (digit ${valueStart}) is ${actual}, but the ${layout.value} digits give ${expected}`);
  }
  const value = withDecimals(valueDigits, layout.decimals);
  return { kind: "in-store", raw: code, itemNumber, ...(layout.value === "price" ? { price: value } : { netWeightKg: value }) };
}

/**
 * Parses and validates a scanned code: GTINs by length (8 EAN-8 — or UPC-E with
 * `symbology: "upc-e"` —, 12 UPC-A, 13 EAN-13, 14 GTIN-14) with their check digits; GS1
 * element strings (with a `]C1`/`]d2`/`]Q3` symbology identifier, FNC1 as the GS character,
 * or in the "(01)…" human-readable form); in-store codes of prefix 2 when layouts are given.
 * Anything else is `VALIDATION_FAILED` saying which digit or AI is wrong.
 *
 * @example
 * ```ts
 * parseBarcode("]C101095060001343521727033110LOT-7\u001d21SN99", { today: "2026-11-27" });
 * // { kind: "gs1", gtin: "09506000134352", expiry: "2027-03-31", lot: "LOT-7", serial: "SN99", ... }
 * ```
 */
export function parseBarcode(scanned: string, options: ParseBarcodeOptions = {}): ParsedBarcode {
  if (typeof scanned !== "string") refuse(String(scanned), "a barcode is a string of what the scanner read");
  let code = scanned.trim();
  if (code.length === 0) refuse(code, "the code is empty");
  if (code.length > 200) refuse(code, "is longer than any barcode (200 characters)");
  const identifier = /^\](C1|d2|Q3|e0)/.exec(code);
  if (identifier) return parseGs1(code, code.slice(3), options);
  if (code.startsWith("(")) return parseGs1(code, code, options);
  if (code.includes(GS)) return parseGs1(code, code, options);
  // A GS1-128 label read by a scanner that drops the symbology identifier: it starts with an SSCC or a GTIN's AI.
  if (/^0[0-2]\d/.test(code) && code.length > 16 && !/^\d+$/.test(code)) return parseGs1(code, code, options);
  if (!/^\d+$/.test(code)) refuse(code, "is neither all digits (a GTIN) nor a GS1 element string (start it with ]C1, ]d2 or (AI))");
  switch (code.length) {
    case 8: {
      if (options.symbology === "upc-e") {
        const upcA = expandUpcE(code);
        // The check digit covers the expanded UPC-A, but it is the scanned code's 8th digit.
        checkDigits(upcA, "UPC-E", { code, position: 8 });
        return { kind: "upc-e", raw: code, upcA, gtin: upcA.padStart(14, "0") };
      }
      checkDigits(code, "EAN-8");
      return { kind: "ean-8", raw: code, gtin: code.padStart(14, "0") };
    }
    case 12:
      checkDigits(code, "UPC-A");
      return { kind: "upc-a", raw: code, gtin: code.padStart(14, "0") };
    case 13: {
      checkDigits(code, "EAN-13");
      if (code.startsWith("2") && options.inStore) {
        const inStore = parseInStore(code, options.inStore);
        if (inStore) return inStore;
      }
      return { kind: "ean-13", raw: code, gtin: code.padStart(14, "0") };
    }
    case 14:
      checkDigits(code, "GTIN-14");
      return { kind: "gtin-14", raw: code, gtin: code };
    default:
      // Longer digit strings without separators are GS1 element strings whose last field is fixed-length or variable.
      if (code.length > 14 && aiAt(code)) return parseGs1(code, code, options);
      return refuse(code, `has ${code.length} digits; a GTIN has 8, 12, 13 or 14`);
  }
}

/**
 * Builds a GS1 element string in the form scanners emit (`]C1`, FNC1 as GS after each
 * variable-length field that is not last). The inverse of {@link parseBarcode} for tests,
 * labels and fixtures.
 *
 * @example
 * ```ts
 * gs1ElementString([{ ai: "01", value: "09506000134352" }, { ai: "10", value: "LOT7" }, { ai: "17", value: "270331" }]);
 * ```
 */
export function gs1ElementString(elements: readonly { readonly ai: string; readonly value: string }[]): string {
  let out = "]C1";
  elements.forEach(({ ai, value }, index) => {
    const def = aiAt(`${ai}${"0".repeat(20)}`);
    out += `${ai}${value}`;
    if (def && def.fixed === undefined && index < elements.length - 1) out += GS;
  });
  return out;
}
