import fc from "fast-check";
import { minorUnits } from "../../kernel/currencies.js";
import { StorekeepError } from "../../kernel/errors.js";
import type { SalesCommandInput } from "../../sales/index.js";

/*
 * fast-check arbitraries for the sales module: placeOrder inputs that are valid by
 * construction (prices in the currency's minor unit, line discounts within the line), so a
 * property states what every order must satisfy and fast-check looks for the order that
 * does not.
 */

/**
 * A `placeOrder` input, as `sk.sales.placeOrder` takes it.
 *
 * @example
 * ```ts
 * const input: PlaceOrderInput = { currency: "EUR", warehouseId: "wh", lines: [{ sku: "MUG", quantity: "2", unitPrice: "9.95" }] };
 * ```
 */
export type PlaceOrderInput = SalesCommandInput<"placeOrder">;

/**
 * Options of {@link placeOrderInputArbitrary}.
 *
 * @example
 * ```ts
 * const options: PlaceOrderInputOptions = { skus: ["MUG", "TEE"], warehouseId: "wh", currencies: ["EUR", "JPY"], countries: ["DE", "FR"] };
 * ```
 */
export interface PlaceOrderInputOptions {
  /** SKUs the shop has defined (at least one). */
  readonly skus: readonly string[];
  readonly warehouseId: string;
  /** Order currencies (default `["EUR"]`); prices are drawn in each one's minor unit. */
  readonly currencies?: readonly string[];
  /** `shipTo` countries, ISO 3166-1 alpha-2 (default: no `shipTo`). */
  readonly countries?: readonly string[];
  /** Customers an order may name (default: none, guest orders). */
  readonly customerIds?: readonly string[];
  /** Most lines per order (default 5, at most 50). */
  readonly maxLines?: number;
  /** Most units per line (default 5); quantities are whole units. */
  readonly maxQuantity?: number;
  /** Largest unit price in major units (default 500). */
  readonly maxUnitPrice?: number;
  /** Draw line discounts (default true). */
  readonly lineDiscounts?: boolean;
  /** Draw order discounts: fixed, percentage and threshold ("50 off every 300") (default true). */
  readonly orderDiscounts?: boolean;
  /** Draw a shipping charge (default true). */
  readonly shipping?: boolean;
}

function refuse(message: string): never {
  throw new StorekeepError("VALIDATION_FAILED", `placeOrderInputArbitrary: ${message}`);
}

/** `minor` minor units of a currency with `digits` decimals, as a canonical decimal string. */
function amountText(minor: number, digits: number): string {
  if (digits === 0) return String(minor);
  const text = String(minor).padStart(digits + 1, "0");
  return `${text.slice(0, -digits)}.${text.slice(-digits)}`.replace(/\.?0+$/, "");
}

/**
 * `placeOrder` inputs valid by construction: 1 to `maxLines` lines of the given SKUs (a SKU
 * may repeat) with whole quantities, unit prices in the currency's minor unit (free items
 * too), line discounts (a percentage, or a fixed amount no larger than the line), up to two
 * order discounts (fixed, percentage, threshold), a shipping charge, a destination and a
 * customer when the options give them. No `orderId`: the shop's id generator names the
 * order (add one with `.map`). Shrinks towards one line of one unit, without discounts.
 *
 * @example
 * ```ts
 * await fc.assert(
 *   fc.asyncProperty(placeOrderInputArbitrary({ skus: ["MUG"], warehouseId: "wh" }), async (input) => {
 *     const placed = await sk.sales.placeOrder(input);
 *     expect(Number(placed.total)).toBeGreaterThanOrEqual(0);
 *   }),
 * );
 * ```
 */
export function placeOrderInputArbitrary(options: PlaceOrderInputOptions): fc.Arbitrary<PlaceOrderInput> {
  if (options.skus.length === 0) refuse("skus is empty; name at least one SKU the shop has defined.");
  const currencies = options.currencies ?? ["EUR"];
  if (currencies.length === 0) refuse("currencies is empty; leave it out for EUR.");
  // An unknown code is UNKNOWN_CURRENCY, naming it.
  const digitsOf = new Map(currencies.map((c) => [c, minorUnits(c as never)]));
  const maxLines = options.maxLines ?? 5;
  const maxQuantity = options.maxQuantity ?? 5;
  const maxUnitPrice = options.maxUnitPrice ?? 500;
  if (!Number.isInteger(maxLines) || maxLines < 1 || maxLines > 50) refuse(`maxLines must be a whole number from 1 to 50, got ${maxLines}.`);
  if (!Number.isInteger(maxQuantity) || maxQuantity < 1) refuse(`maxQuantity must be a whole number of 1 or more, got ${maxQuantity}.`);
  if (!(maxUnitPrice > 0) || maxUnitPrice > 1_000_000) refuse(`maxUnitPrice must be above 0 and at most 1,000,000, got ${maxUnitPrice}.`);

  return fc.constantFrom(...currencies).chain((currency) => {
    const digits = digitsOf.get(currency)!;
    const scale = 10 ** digits;
    const maxPriceMinor = Math.round(maxUnitPrice * scale);
    const percent = fc.integer({ min: 0, max: 10_000 }).map((bp) => amountText(bp, 2));
    const line = fc
      .record({
        sku: fc.constantFrom(...options.skus),
        quantity: fc.integer({ min: 1, max: maxQuantity }),
        priceMinor: fc.oneof({ weight: 1, arbitrary: fc.constant(0) }, { weight: 9, arbitrary: fc.integer({ min: 1, max: maxPriceMinor }) }),
        discount: options.lineDiscounts === false ? fc.constant(null) : fc.option(fc.oneof(fc.record({ kind: fc.constant("percent" as const), percent }), fc.record({ kind: fc.constant("fixed" as const), share: fc.integer({ min: 0, max: 100 }) })), { freq: 3 }),
      })
      .map(({ sku, quantity, priceMinor, discount }) => {
        const lineMinor = quantity * priceMinor;
        const d = discount === null ? undefined : discount.kind === "percent" ? { kind: "percent" as const, percent: discount.percent } : { kind: "fixed" as const, amount: amountText(Math.floor((lineMinor * discount.share) / 100), digits) };
        return { sku, quantity: String(quantity), unitPrice: amountText(priceMinor, digits), ...(d === undefined ? {} : { discount: d }) };
      });
    const money = (max: number) => fc.integer({ min: 0, max: Math.max(0, Math.round(max * scale)) }).map((m) => amountText(m, digits));
    const orderDiscount = fc.oneof(
      fc.record({ kind: fc.constant("percent" as const), percent }),
      fc.record({ kind: fc.constant("fixed" as const), amount: money(maxUnitPrice) }),
      fc.record({ kind: fc.constant("threshold" as const), every: fc.integer({ min: 1, max: Math.max(1, Math.round(maxUnitPrice * scale)) }).map((m) => amountText(m, digits)), off: money(maxUnitPrice / 5) }),
    );
    return fc.record(
      {
        lines: fc.array(line, { minLength: 1, maxLength: maxLines }),
        discounts: options.orderDiscounts === false ? fc.constant<(typeof orderDiscount extends fc.Arbitrary<infer D> ? D : never)[]>([]) : fc.array(orderDiscount, { maxLength: 2 }),
        shipping: options.shipping === false ? fc.constant(null) : fc.option(money(Math.min(50, maxUnitPrice)), { freq: 3 }),
        country: options.countries === undefined || options.countries.length === 0 ? fc.constant(null) : fc.constantFrom(...options.countries),
        customerId: options.customerIds === undefined || options.customerIds.length === 0 ? fc.constant(null) : fc.option(fc.constantFrom(...options.customerIds), { freq: 4 }),
      },
      { requiredKeys: ["lines", "discounts", "shipping", "country", "customerId"] },
    ).map(({ lines, discounts, shipping, country, customerId }): PlaceOrderInput => ({
      currency,
      warehouseId: options.warehouseId,
      lines,
      ...(discounts.length > 0 ? { discounts: [...discounts] } : {}),
      ...(shipping === null ? {} : { shipping: { amount: shipping } }),
      ...(country === null ? {} : { shipTo: { country } }),
      ...(customerId === null ? {} : { customerId }),
    }));
  });
}
