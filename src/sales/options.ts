import type { TaxCalculation, TaxContext, TaxLineInput } from "../finance/tax/calculate-tax.js";
import type { TaxCodeTable } from "../finance/tax/tax-codes.js";
import type { AllocatedNumber, NumberSeriesKey } from "../finance/numbering/number-series.js";
import type { Transaction } from "../ports/storage.js";

/**
 * The shop's tax for sales: its codes (finance's `defineTaxCodes`), the seller, whether
 * prices include tax, and the shipping charge's tax category. Destination-based: each
 * order's `shipTo` is the buyer.
 *
 * @example
 * ```ts
 * const tax: SalesTaxOptions = { codes: defineTaxCodes([...]), seller: { country: "DE" }, pricesIncludeTax: true };
 * ```
 */
export interface SalesTaxOptions {
  readonly codes: TaxCodeTable;
  readonly seller: { readonly country: string; readonly region?: string; readonly vatId?: string };
  readonly pricesIncludeTax?: boolean;
  readonly rounding?: "line" | "document";
  /** How tax rounds (default `half-up`). */
  readonly roundingMode?: "half-up" | "half-even" | "half-down" | "up" | "down" | "ceil" | "floor";
  /** Tax category of the shipping charge (default `"standard"`). */
  readonly shippingCategory?: string;
  /**
   * Output tax is due on money taken before invoicing (VAT on advance payments, as EU VAT
   * Directive art. 65 has it; default false): a capture before the invoice books the tax it
   * contains (Dr `advance-tax` / Cr `output-tax`), and the invoice that applies it (or its
   * refund) releases it.
   */
  readonly taxOnAdvances?: boolean;
}

/**
 * Sales settings.
 *
 * @example
 * ```ts
 * const options: SalesOptions = { reserveAt: "payment", invoicing: "on-shipment", paymentTermsDays: 14, unpaidExpiryMinutes: 60 };
 * ```
 */
export interface SalesOptions {
  /** When stock is reserved: at placement (default), at the first payment, or never. */
  readonly reserveAt?: "placement" | "payment" | "none";
  /** When invoices are issued: with the order (default) or per shipment. */
  readonly invoicing?: "on-order" | "on-shipment";
  /** Days from the invoice date to its due date (default 0: due on receipt). */
  readonly paymentTermsDays?: number;
  /** An unpaid order expires this many minutes after placement (default 1440; 0: never); `sales.expireOrders` cancels it. An order sold on payment terms does not expire. */
  readonly unpaidExpiryMinutes?: number;
  /** The shop's tax; without it orders carry no tax. */
  readonly tax?: SalesTaxOptions;
  /** Invoice and credit-note number prefixes (default `INV` and `CN`). */
  readonly numberPrefixes?: { readonly invoice?: string; readonly creditNote?: string };
}

/**
 * What sales needs of other modules, wired by the facade (modules import no other
 * module's code): finance's tax calculator and legal numbering, and inventory's products.
 *
 * @example
 * ```ts
 * const seams: SalesSeams = { calculateTax, allocateDocumentNumber, productOf: async (tx, sku) => ... };
 * ```
 */
export interface SalesSeams {
  readonly calculateTax: (lines: readonly TaxLineInput[], context: TaxContext) => TaxCalculation;
  readonly allocateDocumentNumber: (tx: Transaction, key: NumberSeriesKey) => Promise<AllocatedNumber>;
  /** The product of a SKU, or undefined when unknown. */
  readonly productOf: (tx: Transaction, sku: string) => Promise<{ readonly allowBackorders: boolean } | undefined>;
}

/**
 * Sales options with defaults applied, plus the seams.
 *
 * @example
 * ```ts
 * const settings = resolveSalesOptions({}, seams);
 * ```
 */
export interface SalesSettings {
  readonly reserveAt: "placement" | "payment" | "none";
  readonly invoicing: "on-order" | "on-shipment";
  readonly paymentTermsDays: number;
  readonly unpaidExpiryMinutes: number;
  readonly tax: SalesTaxOptions | null;
  readonly invoicePrefix: string;
  readonly creditNotePrefix: string;
  readonly seams: SalesSeams;
}

/**
 * Applies the defaults.
 *
 * @example
 * ```ts
 * resolveSalesOptions({ invoicing: "on-shipment" }, seams).reserveAt; // "placement"
 * ```
 */
export function resolveSalesOptions(options: SalesOptions, seams: SalesSeams): SalesSettings {
  return {
    reserveAt: options.reserveAt ?? "placement",
    invoicing: options.invoicing ?? "on-order",
    paymentTermsDays: options.paymentTermsDays ?? 0,
    unpaidExpiryMinutes: options.unpaidExpiryMinutes ?? 1440,
    tax: options.tax ?? null,
    invoicePrefix: options.numberPrefixes?.invoice ?? "INV",
    creditNotePrefix: options.numberPrefixes?.creditNote ?? "CN",
    seams,
  };
}
