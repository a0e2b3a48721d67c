import { StorekeepError } from "../kernel/errors.js";
import { Decimal } from "../kernel/decimal.js";
import type { TaxCalculation, TaxContext, TaxLineInput } from "../finance/tax/calculate-tax.js";
import type { TaxCodeTable } from "../finance/tax/tax-codes.js";
import type { DistanceSales } from "../finance/tax/place-of-supply.js";
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
  /**
   * The shop's cross-border B2C sales inside the union for the OSS threshold (EU VAT: above
   * €10,000 a year, or opted in, a sale to a consumer in another member state is taxed at the
   * buyer's rates — `distance-destination` — instead of the seller's). The figures, or a
   * function of the order's date giving them (for a shop that keeps its own running total).
   * Without it every such sale is a distance sale at the seller's rates.
   */
  readonly distanceSales?: DistanceSales | ((date: string) => DistanceSales);
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
  /**
   * Which warehouses an order's lines are reserved and shipped from, decided when the order
   * reserves (default {@link preferredWarehouseFirst}: the order's warehouse, then the others
   * with the most available). A host replaces it with its own function.
   */
  readonly sourcing?: SourcingPolicy;
}

/**
 * What a sourcing policy is asked: the order, its warehouse (the customer's or the shop's
 * choice), the quantities to place, and what each warehouse has available of each SKU now
 * (the order's own holds counted as available).
 *
 * @example
 * ```ts
 * const request: SourcingRequest = { orderId: "ord_1", warehouseId: "wh_berlin", lines: [{ lineId: "1", sku: "MUG", quantity: "5" }], stock: [{ sku: "MUG", warehouseId: "wh_berlin", available: "3" }, { sku: "MUG", warehouseId: "wh_hamburg", available: "10" }] };
 * ```
 */
export interface SourcingRequest {
  readonly orderId: string;
  readonly warehouseId: string;
  readonly lines: readonly { readonly lineId: string; readonly sku: string; readonly quantity: string }[];
  readonly stock: readonly { readonly sku: string; readonly warehouseId: string; readonly available: string }[];
}

/**
 * One part of a line placed at a warehouse. A policy's parts for a line must add up to the
 * line's quantity exactly.
 *
 * @example
 * ```ts
 * const part: SourcingAllocation = { lineId: "1", warehouseId: "wh_hamburg", quantity: "2" };
 * ```
 */
export interface SourcingAllocation {
  readonly lineId: string;
  readonly warehouseId: string;
  readonly quantity: string;
}

/**
 * A sourcing policy: splits an order's lines over warehouses. Pure and synchronous; sales
 * checks what it returns (every line placed exactly, positive quantities, named warehouses)
 * and inventory refuses a part a warehouse cannot hold (`INSUFFICIENT_STOCK`, unless the
 * product allows backorders).
 *
 * @example
 * ```ts
 * const nearestOnly: SourcingPolicy = (r) => r.lines.map((l) => ({ lineId: l.lineId, warehouseId: r.warehouseId, quantity: l.quantity }));
 * ```
 */
export type SourcingPolicy = (request: SourcingRequest) => readonly SourcingAllocation[];

/**
 * The default sourcing policy: each line from the order's own warehouse as far as it has
 * stock available, then from the other warehouses with the most available first (ties by
 * warehouse id), and what nobody has at the order's warehouse (a backorder there, or
 * `INSUFFICIENT_STOCK` for a product that does not allow them). Lines of one SKU share what
 * a warehouse has.
 *
 * @example
 * ```ts
 * preferredWarehouseFirst({ orderId: "o", warehouseId: "a", lines: [{ lineId: "1", sku: "MUG", quantity: "5" }], stock: [{ sku: "MUG", warehouseId: "a", available: "3" }, { sku: "MUG", warehouseId: "b", available: "9" }] });
 * // [{ lineId: "1", warehouseId: "a", quantity: "3" }, { lineId: "1", warehouseId: "b", quantity: "2" }]
 * ```
 */
export const preferredWarehouseFirst: SourcingPolicy = (request) => {
  const left = new Map<string, Decimal>();
  for (const row of request.stock) left.set(`${row.sku}\u0000${row.warehouseId}`, Decimal.max(0, new Decimal(row.available)));
  const out: SourcingAllocation[] = [];
  for (const line of request.lines) {
    let need = new Decimal(line.quantity);
    const others = request.stock
      .filter((row) => row.sku === line.sku && row.warehouseId !== request.warehouseId)
      .map((row) => row.warehouseId)
      .filter((w, i, all) => all.indexOf(w) === i)
      .sort((a, b) => left.get(`${line.sku}\u0000${b}`)!.cmp(left.get(`${line.sku}\u0000${a}`)!) || (a < b ? -1 : a > b ? 1 : 0));
    const parts = new Map<string, Decimal>();
    for (const warehouseId of [request.warehouseId, ...others]) {
      if (!need.gt(0)) break;
      const key = `${line.sku}\u0000${warehouseId}`;
      const take = Decimal.min(need, left.get(key) ?? new Decimal(0));
      if (!take.gt(0)) continue;
      left.set(key, left.get(key)!.minus(take));
      parts.set(warehouseId, (parts.get(warehouseId) ?? new Decimal(0)).plus(take));
      need = need.minus(take);
    }
    if (need.gt(0)) parts.set(request.warehouseId, (parts.get(request.warehouseId) ?? new Decimal(0)).plus(need));
    for (const [warehouseId, quantity] of parts) out.push({ lineId: line.lineId, warehouseId, quantity: quantity.toFixed() });
  }
  return out;
};

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
  /** The products of several SKUs at once (unknown ones left out); without it `productOf` is asked per SKU. */
  readonly productsOf?: (tx: Transaction, skus: readonly string[]) => Promise<ReadonlyMap<string, { readonly allowBackorders: boolean }>>;
  /** Whether a warehouse is defined (an order's warehouse is checked at placement); without it any id is taken. */
  readonly warehouseExists?: (tx: Transaction, warehouseId: string) => Promise<boolean>;
  /** Available units of the SKUs per warehouse (on hand less held), for the sourcing policy; without it every line is placed at the order's warehouse. */
  readonly availability?: (tx: Transaction, skus: readonly string[]) => Promise<readonly { readonly sku: string; readonly warehouseId: string; readonly available: string }[]>;
  /**
   * The same figures as `availability` at one warehouse only (SKU → available units), or
   * undefined when that warehouse is not defined: lets the default policy skip the other
   * warehouses when this one covers the order. Must agree with `availability`.
   */
  readonly availableAt?: (tx: Transaction, skus: readonly string[], warehouseId: string) => Promise<ReadonlyMap<string, string> | undefined>;
  /**
   * Finance's receivables open items of these invoices and credit notes (those it tracks), for
   * what the order view reports as written off; without it nothing is written off.
   */
  readonly openItems?: (tx: Transaction, documentIds: readonly string[]) => Promise<readonly OpenItemView[]>;
  /**
   * The exchange difference finance realises when money in a foreign currency settles the
   * order's receivables items: a capture (`kind: "payment"`) its invoices, a refund
   * (`kind: "refund"`) its credit notes and over-payments (`targets`, in the order the event
   * names them). Functional, positive = a loss, as a decimal string; undefined when finance
   * settles none of them. Without it (or undefined) sales estimates the difference on the
   * whole receivable or credit, which misses it when the items were booked at different rates.
   */
  /**
   * A customer's receivables in the functional currency (finance's open invoices less the
   * credits on account, as a decimal string), for credit limits; without it a customer owes
   * nothing and only the order itself counts against its limit.
   */
  readonly partyReceivables?: (tx: Transaction, customerId: string) => Promise<string>;
  readonly receivableDifference?: (tx: Transaction, input: { readonly kind: "payment" | "refund"; readonly targets: readonly string[]; readonly currency: string; readonly amount: string; readonly functionalAmount: string; readonly date: string }) => Promise<string | undefined>;
}

/**
 * What sales reads of a finance open item: its settlements (kind and amount in the item's currency).
 *
 * @example
 * ```ts
 * const item: OpenItemView = { documentId: "inv_1", settlements: [{ kind: "write-off", amount: "18.8" }] };
 * ```
 */
export interface OpenItemView {
  /**
   * The invoice or credit note the item is of. Optional; a reader that gives it lets a page of
   * orders (`sk.sales.orders`) read every order's items in one call, else it asks per order.
   */
  readonly documentId?: string;
  /** Each settlement's kind and amount, and the document on the other side (an allocation's: an invoice, credit note or capture). */
  readonly settlements: readonly { readonly kind: string; readonly amount: string; readonly documentId?: string }[];
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
  readonly sourcing: SourcingPolicy;
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
  if (options.sourcing !== undefined && typeof options.sourcing !== "function") {
    throw new StorekeepError("VALIDATION_FAILED", "sales.sourcing must be a function (request) => allocations; leave it out for preferredWarehouseFirst.", { issues: [{ path: "sales.sourcing", message: "must be a function", code: "custom" }] });
  }
  return {
    reserveAt: options.reserveAt ?? "placement",
    invoicing: options.invoicing ?? "on-order",
    paymentTermsDays: options.paymentTermsDays ?? 0,
    unpaidExpiryMinutes: options.unpaidExpiryMinutes ?? 1440,
    tax: options.tax ?? null,
    invoicePrefix: options.numberPrefixes?.invoice ?? "INV",
    creditNotePrefix: options.numberPrefixes?.creditNote ?? "CN",
    sourcing: options.sourcing ?? preferredWarehouseFirst,
    seams,
  };
}
