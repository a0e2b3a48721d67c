import type { CommandContext } from "../runner/command.js";
import type { TaxCalculation, TaxCodeTable, TaxContext, TaxLineInput, TaxParty, EventTaxLine } from "../finance/tax/index.js";
import type { AllocatedNumber, NumberSeriesKey } from "../finance/numbering/index.js";
import type { Transaction } from "../ports/storage.js";
import { Decimal, type RoundingMode } from "../kernel/decimal.js";
import { StorekeepError } from "../kernel/errors.js";
import { checkBoundedDecimal, BOUNDS, type DigitLimits } from "../kernel/bounds.js";
import { SEPA_COUNTRIES } from "./bank-account.js";

/**
 * How purchasing taxes its documents: the shop's tax codes and the shop as the buyer. The
 * supplier is the seller (its `taxParty`); `calculateTax` decides the place of supply
 * (domestic, reverse charge, import).
 *
 * @example
 * ```ts
 * const tax: PurchasingTax = { codes: defineTaxCodes([...]), buyer: { country: "DE", vatId: "DE123" } };
 * ```
 */
export interface PurchasingTax {
  readonly codes: TaxCodeTable;
  readonly buyer: TaxParty;
  /** Round each line's tax (default) or each code's total once. */
  readonly rounding?: "line" | "document";
  /** How tax is rounded (default half-up). */
  readonly roundingMode?: RoundingMode;
}

/**
 * Purchasing settings. Tolerances are ratios (`"0.05"` = 5%).
 *
 * @example
 * ```ts
 * const sk = createStorekeep({ purchasing: { approvalLimit: "5000", receiptTolerance: "0.05", priceTolerance: "0.02" } });
 * ```
 */
export interface PurchasingOptions {
  /** An order whose net (functional currency) exceeds this needs an approver; default `"0"`: every order does. */
  readonly approvalLimit?: string | number;
  /** How far a line may be received beyond what was ordered (ratio; default 0). */
  readonly receiptTolerance?: string | number;
  /** How far a billed quantity may exceed the received one before the bill is held (ratio; default 0). */
  readonly quantityTolerance?: string | number;
  /** How far a billed unit price may differ from the order's before the bill is held (ratio; default 0). */
  readonly priceTolerance?: string | number;
  /** A bill for goods not yet received: held for approval (default) or posted at once (GRNI reverses on receipt). */
  readonly billBeforeReceipt?: "hold" | "allow";
  /** The tax category of a line that names none (default `"standard"`). */
  readonly defaultTaxCategory?: string;
  /** Tax codes and the shop as buyer; without them purchasing documents carry no tax. */
  readonly tax?: PurchasingTax;
  /** Purchase order numbers print as prefix, year, sequence (default `PO` → `PO2026-000001`). */
  readonly numberPrefix?: string;
  /**
   * Where an early-payment (cash) discount taken on a goods bill goes: `"account"` (default) —
   * to the `purchase-discounts` role, as most shops book Skonto; `"stock"` — onto the cost of
   * the goods the bill was for (IAS 2): inventory revalues the bill's receipts by the discount
   * net of tax at the payment date, the part still on hand lowering Inventory and the part sold
   * lowering COGS (standard cost: the purchase price variance); a landed-cost bill's discount
   * comes off the receipts its freight went onto. Goods billed before they arrived and still
   * awaited come in at a value lowered by their share (GRNI credited at the payment); such goods
   * that came in before the payment take theirs off the receipts that took them; that of goods sent back to the supplier after the bill stays in the
   * purchase price difference (where the return took them out).
   */
  readonly cashDiscounts?: "account" | "stock";
  /**
   * IBAN countries whose banks take part in SEPA beyond the built-in list (the EEA, Albania,
   * Andorra, Gibraltar, Moldova, Monaco, Montenegro, North Macedonia, San Marino, Switzerland,
   * the United Kingdom, the Vatican): as the schemes' scope grows, `["RS"]` once Serbia's banks
   * have joined. A SEPA file refuses accounts in other countries.
   */
  readonly sepaCountries?: readonly string[];
}

/**
 * Finance's and inventory's functions, wired by the facade (purchasing may not import their
 * files): the pure tax functions, optionally finance's gapless document numbering (without it,
 * purchase orders carry no number) and inventory's catalogue (without it, an order's SKUs and
 * warehouse are first checked when goods arrive).
 *
 * @example
 * ```ts
 * const fns: PurchasingTaxFunctions = { calculateTax, eventTaxLines, allocateDocumentNumber };
 * ```
 */
export interface PurchasingTaxFunctions {
  readonly calculateTax: (lines: readonly TaxLineInput[], context: TaxContext) => TaxCalculation;
  readonly eventTaxLines: (calculation: TaxCalculation, options: { readonly functionalCurrency: string; readonly rate?: string }) => { taxLines: EventTaxLine[]; functionalTax: string };
  readonly allocateDocumentNumber?: (tx: Transaction, key: NumberSeriesKey) => Promise<AllocatedNumber>;
  /** Inventory's catalogue: which of `skus` it has no product for, and whether a warehouse exists. */
  readonly catalog?: {
    readonly unknownSkus: (tx: Transaction, skus: readonly string[]) => Promise<string[]>;
    readonly warehouseExists: (tx: Transaction, warehouseId: string) => Promise<boolean>;
  };
}

/** Resolved settings, as commands see them. */
export interface PurchasingSettings {
  readonly approvalLimit: Decimal;
  readonly receiptTolerance: Decimal;
  readonly quantityTolerance: Decimal;
  readonly priceTolerance: Decimal;
  readonly billBeforeReceipt: "hold" | "allow";
  readonly defaultTaxCategory: string;
  readonly numberPrefix: string;
  readonly cashDiscounts: "account" | "stock";
  /** The IBAN countries a SEPA file may pay into or from (the built-in scope and `sepaCountries`). */
  readonly sepaCountries: ReadonlySet<string>;
  readonly tax: PurchasingTax | undefined;
  readonly functions: PurchasingTaxFunctions | undefined;
}

function bounded(name: string, value: string | number | undefined, fallback: string, limits: DigitLimits = BOUNDS.rate): Decimal {
  if (value === undefined) return new Decimal(fallback);
  const parsed = checkBoundedDecimal(value, limits, name, "nonnegative");
  if (!parsed.ok) throw new StorekeepError("VALIDATION_FAILED", `purchasing.${name}: ${parsed.reason}`, { issues: [{ path: name, message: parsed.reason, code: "custom" }] });
  return parsed.value;
}

function numberPrefixOf(prefix: string | undefined): string {
  if (prefix === undefined) return "PO";
  if (typeof prefix !== "string" || !/^[A-Za-z0-9_.-]{0,40}$/.test(prefix)) {
    throw new StorekeepError("VALIDATION_FAILED", `purchasing.numberPrefix must be up to 40 letters, digits, "_", "." or "-", like "PO".`, { issues: [{ path: "numberPrefix", message: "letters, digits, _ . -", code: "custom" }] });
  }
  return prefix;
}

function sepaCountriesOf(extra: readonly string[] | undefined): ReadonlySet<string> {
  if (extra === undefined) return SEPA_COUNTRIES;
  if (!Array.isArray(extra) || extra.length > 300) {
    throw new StorekeepError("VALIDATION_FAILED", `purchasing.sepaCountries must be a list of ISO 3166 country codes, such as ["RS"].`, { issues: [{ path: "sepaCountries", message: "a list of country codes", code: "custom" }] });
  }
  for (const [i, code] of extra.entries()) {
    if (typeof code !== "string" || !/^[A-Z]{2}$/.test(code)) {
      throw new StorekeepError("VALIDATION_FAILED", `purchasing.sepaCountries[${i}] must be an ISO 3166 country code of two capitals, such as "RS"; got ${JSON.stringify(code) ?? String(code)}.`, { issues: [{ path: `sepaCountries[${i}]`, message: "two capitals", code: "custom" }] });
    }
  }
  return new Set([...SEPA_COUNTRIES, ...extra]);
}

/**
 * Resolves purchasing options (defaults filled, numbers checked).
 *
 * @example
 * ```ts
 * const settings = resolvePurchasingOptions({ receiptTolerance: "0.1" });
 * ```
 */
export function resolvePurchasingOptions(options: PurchasingOptions = {}, functions?: PurchasingTaxFunctions): PurchasingSettings {
  if (options.billBeforeReceipt !== undefined && options.billBeforeReceipt !== "hold" && options.billBeforeReceipt !== "allow") {
    throw new StorekeepError("VALIDATION_FAILED", `purchasing.billBeforeReceipt must be "hold" or "allow".`, { issues: [{ path: "billBeforeReceipt", message: "hold or allow", code: "custom" }] });
  }
  if (options.cashDiscounts !== undefined && options.cashDiscounts !== "account" && options.cashDiscounts !== "stock") {
    throw new StorekeepError("VALIDATION_FAILED", `purchasing.cashDiscounts must be "account" (book them to the purchase-discounts account) or "stock" (lower the cost of the goods billed).`, { issues: [{ path: "cashDiscounts", message: "account or stock", code: "custom" }] });
  }
  return {
    approvalLimit: bounded("approvalLimit", options.approvalLimit, "0", BOUNDS.amount),
    receiptTolerance: bounded("receiptTolerance", options.receiptTolerance, "0"),
    quantityTolerance: bounded("quantityTolerance", options.quantityTolerance, "0"),
    priceTolerance: bounded("priceTolerance", options.priceTolerance, "0"),
    billBeforeReceipt: options.billBeforeReceipt ?? "hold",
    defaultTaxCategory: options.defaultTaxCategory ?? "standard",
    numberPrefix: numberPrefixOf(options.numberPrefix),
    cashDiscounts: options.cashDiscounts ?? "account",
    sepaCountries: sepaCountriesOf(options.sepaCountries),
    tax: options.tax,
    functions,
  };
}

const DEFAULT_SETTINGS = resolvePurchasingOptions();

/** The settings the runtime carries for purchasing (`moduleOptions.purchasing`), or the defaults. */
export function settingsOf(ctx: CommandContext): PurchasingSettings {
  const s = ctx.options["purchasing"] as PurchasingSettings | undefined;
  return s !== undefined && s.approvalLimit instanceof Decimal ? s : DEFAULT_SETTINGS;
}
