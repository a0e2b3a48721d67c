import { Decimal, canonicalDecimal } from "../kernel/decimal.js";
import { StorekeepError, isStorekeepError } from "../kernel/errors.js";
import type { JsonObject, Transaction } from "../ports/storage.js";
import { type InStoreLayout, type ParsedBarcode, parseBarcode } from "./barcodes.js";
import { PRODUCTS, type Product } from "./product.js";
import { toBaseQuantity } from "./units.js";

/*
 * The barcode → SKU lookup: each barcode a shop uses is stored once, under a key that does
 * not depend on how it was scanned (a GTIN's 14-digit form, an in-store code's item
 * number, or an internal label's text), and names a SKU and the unit of that SKU the code
 * stands for (a carton of 12, a unit, a kilogram). `scan` parses a code, finds its SKU and
 * says how many base units the scan stands for.
 */

/** The collection of barcodes. @example `BARCODES === "inventory.barcodes"` */
export const BARCODES = "inventory.barcodes";
/** The collection of a product's other units (`sku|unit` → factor). @example `UNITS === "inventory.units"` */
export const UNITS = "inventory.units";

/**
 * A unit of a product other than its base unit: how many base units one of it holds.
 *
 * @example
 * ```ts
 * const carton: ProductUnit = { sku: "MUG", unit: "carton", factor: "12" };
 * ```
 */
export interface ProductUnit extends JsonObject {
  readonly sku: string;
  readonly unit: string;
  readonly factor: string;
}

/**
 * A stored barcode: the code as defined, its lookup key, the SKU and the unit it stands for
 * (null: the product's base unit).
 *
 * @example
 * ```ts
 * const b: BarcodeEntry = { key: "gtin:04006381333931", barcode: "4006381333931", sku: "MUG", unit: null };
 * ```
 */
export interface BarcodeEntry extends JsonObject {
  readonly key: string;
  readonly barcode: string;
  readonly sku: string;
  readonly unit: string | null;
}

/**
 * What a scanned code means: the parsed code (null for an internal label), the SKU and
 * unit it is stored for (null when the code is valid but unknown), how many base units
 * this scan stands for (a count or an embedded weight multiplies the unit), and the lot,
 * serial and expiry it carries.
 *
 * @example
 * ```ts
 * const r: ScanResult = { code: "4006381333931", barcode: { kind: "ean-13", raw: "4006381333931", gtin: "04006381333931" }, sku: "MUG", unit: null, factor: "1", quantity: "1", lot: null, serial: null, expiry: null };
 * ```
 */
export interface ScanResult extends JsonObject {
  readonly code: string;
  readonly barcode: (ParsedBarcode & JsonObject) | null;
  readonly sku: string | null;
  readonly unit: string | null;
  /** Base units in one `unit` (null when the code is unknown). */
  readonly factor: string | null;
  /** Base units this scan stands for (null when the code is unknown). */
  readonly quantity: string | null;
  readonly lot: string | null;
  readonly serial: string | null;
  readonly expiry: string | null;
}

/**
 * The lookup key of a parsed code: its GTIN-14 (AI 01, or AI 02 when the code names
 * contained items only), or an in-store code's kind of embedded value and item number (a
 * price code and a weight code of one item number are two keys, so they may name two
 * SKUs; the prefixes of one kind share the item numbers); undefined when the code names no
 * trade item (an SSCC alone).
 *
 * @example
 * ```ts
 * barcodeKey(parseBarcode("4006381333931")); // "gtin:04006381333931"
 * barcodeKey(parseBarcode("2312345012340", { inStore: DEFAULT_IN_STORE_LAYOUTS })); // "item:weight:12345"
 * ```
 */
export function barcodeKey(parsed: ParsedBarcode): string | undefined {
  if (parsed.gtin !== undefined) return `gtin:${parsed.gtin}`;
  const contained = parsed.elements?.find((e) => e.ai === "02");
  if (contained !== undefined) return `gtin:${contained.value}`;
  if (parsed.kind === "in-store" && parsed.itemNumber !== undefined) return `item:${parsed.netWeightKg === undefined ? "price" : "weight"}:${parsed.itemNumber}`;
  return undefined;
}

/**
 * The key an in-store code was stored under before price and weight codes were told apart
 * (`item:<number>`): still read by `scan` and `removeBarcode`, so codes defined earlier keep
 * working. Undefined for any other code.
 *
 * @example
 * ```ts
 * legacyInStoreKey(parseBarcode("2312345012340", { inStore: DEFAULT_IN_STORE_LAYOUTS })); // "item:12345"
 * ```
 */
export function legacyInStoreKey(parsed: ParsedBarcode): string | undefined {
  return parsed.kind === "in-store" && parsed.itemNumber !== undefined ? `item:${parsed.itemNumber}` : undefined;
}

/**
 * The stored entry a parsed code finds: under its key, else (an in-store code defined
 * before price and weight codes had their own keys) under the old item-number key when that
 * entry's own code is of the same kind.
 */
export async function findBarcodeEntry(tx: Transaction, parsed: ParsedBarcode, key: string, reparse: (code: string) => ParsedBarcode, forUpdate = false): Promise<{ readonly key: string; readonly data: BarcodeEntry; readonly version: number } | undefined> {
  const read = (k: string) => (forUpdate ? tx.documents.getForUpdate<BarcodeEntry>(BARCODES, k) : tx.documents.get<BarcodeEntry>(BARCODES, k));
  const doc = await read(key);
  if (doc !== undefined) return { key, data: doc.data, version: doc.version };
  const legacy = legacyInStoreKey(parsed);
  if (legacy === undefined) return undefined;
  const old = await read(legacy);
  if (old === undefined) return undefined;
  let sameKind = false;
  try {
    sameKind = barcodeKey(reparse(old.data.barcode)) === key;
  } catch (error) {
    if (!isStorekeepError(error)) throw error;
  }
  return sameKind ? { key: legacy, data: old.data, version: old.version } : undefined;
}

/**
 * The lookup key of an internal label (a code that is not a GS1 barcode).
 *
 * @example
 * ```ts
 * internalKey("MUG-CTN"); // "code:MUG-CTN"
 * ```
 */
export function internalKey(code: string): string {
  return `code:${code.trim()}`;
}

/**
 * Base units in one `unit` of `sku` (1 for the base unit or no unit), or NOT_FOUND saying
 * how to define it.
 *
 * @example
 * ```ts
 * await unitFactor(tx, "MUG", "carton"); // "12"
 * ```
 */
export async function unitFactor(tx: Transaction, sku: string, unit: string | null | undefined, product?: Product): Promise<string> {
  if (unit === undefined || unit === null) return "1";
  const p = product ?? (await tx.documents.get<Product>(PRODUCTS, sku))?.data;
  if (p !== undefined && p.unitOfMeasure === unit) return "1";
  const doc = await tx.documents.get<ProductUnit>(UNITS, `${sku}|${unit}`);
  if (doc === undefined) throw new StorekeepError("NOT_FOUND", `${sku} has no unit "${unit}": define it with inventory.defineUnit({ sku: "${sku}", unit: "${unit}", factor }) (base units per ${unit}).`, { sku, unit });
  return doc.data.factor;
}

/** How many base units one scan of `parsed` stands for, given the unit's factor. */
function scannedQuantity(parsed: ParsedBarcode | null, factor: string): string {
  if (parsed === null) return canonicalDecimal(new Decimal(factor));
  if (parsed.netWeightKg !== undefined) return toBaseQuantity(parsed.netWeightKg, factor);
  if (parsed.count !== undefined) return toBaseQuantity(parsed.count, factor);
  return canonicalDecimal(new Decimal(factor));
}

/**
 * Reads a scanned code: parses it (in-store layouts and the date two-digit years are read
 * against come from the caller), looks its key up, and says what it stands for. An
 * unknown but valid code has `sku: null`; an invalid code that is not an internal label
 * is the parser's VALIDATION_FAILED (which digit or AI is wrong).
 *
 * @example
 * ```ts
 * const r = await scanCode(tx, "]C101040063813339313710", { today: "2026-03-31" });
 * r.quantity; // "120" when the GTIN is a carton of 12 (10 cartons)
 * ```
 */
export async function scanCode(tx: Transaction, code: string, options: { readonly today: string; readonly inStore?: readonly InStoreLayout[] | undefined }): Promise<ScanResult> {
  let parsed: ParsedBarcode | null;
  let key: string | undefined;
  try {
    parsed = parseBarcode(code, { today: options.today, ...(options.inStore === undefined ? {} : { inStore: options.inStore }) });
    key = barcodeKey(parsed);
  } catch (error) {
    if (!isStorekeepError(error) || typeof code !== "string") throw error;
    // Not a GS1 code: an internal label, if the shop defined one.
    const internal = await tx.documents.get<BarcodeEntry>(BARCODES, internalKey(code));
    if (internal === undefined) throw error;
    parsed = null;
    key = internal.data.key;
  }
  const inStore = options.inStore === undefined ? {} : { inStore: options.inStore };
  const entry = key === undefined ? undefined : parsed === null ? (await tx.documents.get<BarcodeEntry>(BARCODES, key))?.data : (await findBarcodeEntry(tx, parsed, key, (c) => parseBarcode(c, { today: options.today, ...inStore })))?.data;
  const lot = parsed?.lot ?? null;
  const serial = parsed?.serial ?? null;
  const expiry = parsed?.expiry ?? null;
  const barcode = parsed === null ? null : (JSON.parse(JSON.stringify(parsed)) as ParsedBarcode & JsonObject);
  if (entry === undefined) return { code: code.trim(), barcode, sku: null, unit: null, factor: null, quantity: null, lot, serial, expiry };
  const factor = await unitFactor(tx, entry.sku, entry.unit);
  return { code: code.trim(), barcode, sku: entry.sku, unit: entry.unit, factor, quantity: scannedQuantity(parsed, factor), lot, serial, expiry };
}

/**
 * {@link scanCode} for a caller that needs a SKU: an unknown code is NOT_FOUND saying how
 * to define it.
 *
 * @example
 * ```ts
 * const { sku, quantity } = await requireScan(tx, "4006381333931", { today: "2026-03-31" });
 * ```
 */
export async function requireScan(tx: Transaction, code: string, options: { readonly today: string; readonly inStore?: readonly InStoreLayout[] | undefined }): Promise<ScanResult & { readonly sku: string; readonly quantity: string }> {
  const result = await scanCode(tx, code, options);
  if (result.sku === null || result.quantity === null) {
    throw new StorekeepError("NOT_FOUND", `Barcode "${result.code}" is valid but not assigned to a SKU: assign it with inventory.defineBarcode({ barcode: "${result.code}", sku }).`, { code: result.code });
  }
  return result as ScanResult & { readonly sku: string; readonly quantity: string };
}
