import { Decimal } from "../../kernel/decimal.js";
import type { Jurisdiction } from "./tax-codes.js";

/**
 * The member states of the European Union (ISO 3166-1 alpha-2; Greece as `GR`), the
 * default tax union for reverse charge and OSS distance sales.
 *
 * @example
 * ```ts
 * EU_COUNTRIES.includes("AT"); // true
 * ```
 */
export const EU_COUNTRIES: readonly string[] = Object.freeze([
  "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU",
  "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
]);

/**
 * A party to a taxed document: where it is and, for a business, its VAT id.
 *
 * @example
 * ```ts
 * const buyer: TaxParty = { country: "FR", vatId: "FR40303265045" };
 * ```
 */
export interface TaxParty {
  readonly country: string;
  readonly region?: string | undefined;
  /** A VAT id the host has validated (VIES or similar); its presence makes the party a business. */
  readonly vatId?: string | undefined;
}

/**
 * The seller's cross-border B2C (distance) sales inside the tax union, in EUR, for the
 * OSS threshold: destination VAT applies once `previousYear` or `currentYear` (this
 * document included) exceeds `threshold` (default 10,000), or when the seller opted in.
 *
 * @example
 * ```ts
 * const sales: DistanceSales = { currentYear: "12500", previousYear: "8000" };
 * ```
 */
export interface DistanceSales {
  readonly currentYear: string;
  readonly previousYear: string;
  readonly threshold?: string;
  readonly optIn?: boolean;
}

/**
 * Which rule placed the supply, and so whose tax codes apply:
 * - `domestic`: seller and buyer in one country (the buyer's region when it has one);
 * - `distance-origin` / `distance-destination`: B2C across a border inside the union, below
 *   or above the OSS threshold;
 * - `reverse-charge`: B2B across a border inside the union, the buyer has a VAT id;
 * - `export`: the buyer is outside the seller's tax union (zero-rated, seller's codes);
 * - `import`: a purchase from outside the union (import VAT is paid at customs, not on the bill);
 * - `advance-untaxed`: an advance payment where the host turned VAT on advances off.
 *
 * @example
 * ```ts
 * const rule: PlaceOfSupplyRule = "distance-destination";
 * ```
 */
export type PlaceOfSupplyRule = "domestic" | "distance-origin" | "distance-destination" | "reverse-charge" | "export" | "import" | "advance-untaxed";

/**
 * Where a supply is taxed and by which rule.
 *
 * @example
 * ```ts
 * const place: PlaceOfSupply = { rule: "reverse-charge", jurisdiction: { country: "DE" } };
 * ```
 */
export interface PlaceOfSupply {
  readonly rule: PlaceOfSupplyRule;
  readonly jurisdiction: Jurisdiction;
}

/**
 * What {@link placeOfSupply} needs; a subset of {@link TaxContext}.
 *
 * @example
 * ```ts
 * const input: PlaceOfSupplyInput = { direction: "sale", seller: { country: "DE" }, buyer: { country: "AT" } };
 * ```
 */
export interface PlaceOfSupplyInput {
  readonly direction: "sale" | "purchase";
  readonly seller: TaxParty;
  readonly buyer: TaxParty;
  readonly distanceSales?: DistanceSales;
  readonly taxUnion?: readonly string[];
  readonly advancePayment?: boolean;
  readonly vatOnAdvances?: boolean;
}

function jurisdictionOf(party: TaxParty): Jurisdiction {
  return party.region === undefined ? { country: party.country } : { country: party.country, region: party.region };
}

function exceedsThreshold(sales: DistanceSales): boolean {
  if (sales.optIn) return true;
  const threshold = new Decimal(sales.threshold ?? "10000");
  return new Decimal(sales.currentYear).gt(threshold) || new Decimal(sales.previousYear).gt(threshold);
}

/**
 * Decides where a supply is taxed (EU VAT rules, with the union configurable).
 * For a reverse charge the jurisdiction is the one that reports it: the seller's on a
 * sale (a tax-free intra-union supply), the buyer's on a purchase (self-assessed).
 *
 * @example
 * ```ts
 * placeOfSupply({ direction: "sale", seller: { country: "DE" }, buyer: { country: "FR", vatId: "FR40303265045" } });
 * // { rule: "reverse-charge", jurisdiction: { country: "DE" } }
 * ```
 */
export function placeOfSupply(input: PlaceOfSupplyInput): PlaceOfSupply {
  const { seller, buyer } = input;
  if (input.advancePayment && input.vatOnAdvances === false) return { rule: "advance-untaxed", jurisdiction: jurisdictionOf(seller) };
  if (seller.country === buyer.country) {
    return { rule: "domestic", jurisdiction: jurisdictionOf(buyer.region === undefined ? seller : buyer) };
  }
  const union = input.taxUnion ?? EU_COUNTRIES;
  const sellerInside = union.includes(seller.country);
  const buyerInside = union.includes(buyer.country);
  if (sellerInside && buyerInside) {
    if (buyer.vatId !== undefined) {
      return { rule: "reverse-charge", jurisdiction: jurisdictionOf(input.direction === "sale" ? seller : buyer) };
    }
    const destination = input.distanceSales !== undefined && exceedsThreshold(input.distanceSales);
    return destination ? { rule: "distance-destination", jurisdiction: jurisdictionOf(buyer) } : { rule: "distance-origin", jurisdiction: jurisdictionOf(seller) };
  }
  if (input.direction === "purchase" && !sellerInside && buyerInside) return { rule: "import", jurisdiction: jurisdictionOf(buyer) };
  return { rule: "export", jurisdiction: jurisdictionOf(seller) };
}
