import { StorekeepError } from "../kernel/errors.js";
import type { TaxCalculation, TaxLineInput } from "../finance/tax/calculate-tax.js";
import { QUANTITY_SCALE, allocateByWeights, amountOf, divideHalfUp, inputMinorOf, parseScaled, pow10, scaleOf } from "./amounts.js";

/**
 * A discount on one line: a fixed amount off the line, or a percentage of it.
 *
 * @example
 * ```ts
 * const d: LineDiscount = { kind: "percent", percent: "10" };
 * ```
 */
export type LineDiscount = { readonly kind: "fixed"; readonly amount: string } | { readonly kind: "percent"; readonly percent: string };

/**
 * A discount on the whole order: fixed, percentage, or a threshold discount ("50 off
 * every 300": `{ kind: "threshold", every: "300", off: "50" }`, the 满减 of Chinese shops).
 * Applied in order, each on what the previous ones left.
 *
 * @example
 * ```ts
 * const d: OrderDiscount = { kind: "threshold", every: "300", off: "50" };
 * ```
 */
export type OrderDiscount =
  | { readonly kind: "fixed"; readonly amount: string; readonly label?: string | undefined }
  | { readonly kind: "percent"; readonly percent: string; readonly label?: string | undefined }
  | { readonly kind: "threshold"; readonly every: string; readonly off: string; readonly label?: string | undefined };

/**
 * One line to price.
 *
 * @example
 * ```ts
 * const line: PricingLine = { lineId: "l1", sku: "MUG", quantity: "2", unitPrice: "9.95", taxCategory: "standard" };
 * ```
 */
export interface PricingLine {
  readonly lineId: string;
  readonly sku: string;
  readonly quantity: string;
  readonly unitPrice: string;
  readonly discount?: LineDiscount | undefined;
  readonly taxCategory: string;
}

/**
 * What {@link priceOrder} needs: lines, order discounts, shipping and a tax calculator (the
 * facade wires finance's `calculateTax` with the shop's codes and the destination), or
 * none (no tax).
 *
 * @example
 * ```ts
 * const input: PricingInput = { currency: "EUR", lines, discounts: [], shipping: { amount: "4.90", taxCategory: "standard" }, tax: null };
 * ```
 */
export interface PricingInput {
  readonly currency: string;
  readonly lines: readonly PricingLine[];
  readonly discounts: readonly OrderDiscount[];
  readonly shipping: { readonly amount: string; readonly taxCategory: string } | null;
  readonly tax: ((lines: readonly TaxLineInput[]) => TaxCalculation) | null;
}

/**
 * A tax of one code on one priced line (transaction currency).
 *
 * @example
 * ```ts
 * const t: PricedTax = { code: "DE-STD", base: "20", amount: "3.8" };
 * ```
 */
export interface PricedTax {
  readonly code: string;
  readonly base: string;
  readonly amount: string;
}

/**
 * A priced line: `amount` (quantity × unit price, rounded), minus `lineDiscount` and its
 * share of the order discounts `orderDiscount`, gives `net + tax = gross` (the price basis
 * is net or gross as the shop's prices are).
 *
 * @example
 * ```ts
 * priced.lines[0].gross; // "19.9"
 * ```
 */
export interface PricedLine {
  readonly lineId: string;
  readonly sku: string;
  readonly quantity: string;
  readonly unitPrice: string;
  readonly taxCategory: string;
  readonly amount: string;
  readonly lineDiscount: string;
  readonly orderDiscount: string;
  readonly net: string;
  readonly tax: string;
  readonly gross: string;
  readonly taxes: readonly PricedTax[];
}

/**
 * A tax code as it applied to the order (for invoices' tax lines).
 *
 * @example
 * ```ts
 * const c: AppliedTaxCode = { code: "DE-STD", kind: "standard", rate: "0.19", jurisdiction: { country: "DE" }, selfAssessed: false };
 * ```
 */
export interface AppliedTaxCode {
  readonly code: string;
  readonly kind: "standard" | "reduced" | "zero" | "exempt" | "reverse-charge";
  readonly rate: string;
  readonly jurisdiction: { readonly country: string; readonly region?: string };
  readonly selfAssessed: boolean;
}

/**
 * A priced order. Reconciles to the minor unit: the lines' `amount − lineDiscount −
 * orderDiscount` are the goods at the price basis; lines' and shipping's `net + tax =
 * gross`; `gross = net + shippingNet + tax`.
 *
 * @example
 * ```ts
 * const { gross, tax } = priceOrder(input);
 * ```
 */
export interface PricedOrder {
  readonly currency: string;
  readonly lines: readonly PricedLine[];
  readonly shipping: { readonly amount: string; readonly net: string; readonly tax: string; readonly gross: string; readonly taxCategory: string; readonly taxes: readonly PricedTax[] };
  readonly lineDiscount: string;
  readonly orderDiscount: string;
  /** Goods net (after all discounts, before tax). */
  readonly net: string;
  readonly shippingNet: string;
  readonly tax: string;
  readonly gross: string;
  readonly codes: readonly AppliedTaxCode[];
  readonly discounts: readonly { readonly kind: string; readonly label: string | null; readonly amount: string }[];
}

function invalid(message: string, path: string): StorekeepError {
  return new StorekeepError("VALIDATION_FAILED", message, { issues: [{ path, message, code: "custom" }] });
}

/** Percent (up to 6 decimals) of an amount, rounded half up. */
function percentOf(units: bigint, percent: string, path: string): bigint {
  const p = parseScaled(percent, 6);
  if (p < 0n || p > 100n * 1_000_000n) throw invalid(`${path} must be between 0 and 100.`, path);
  return divideHalfUp(units * p, 100n * 1_000_000n);
}

/**
 * Prices an order: line amounts, line discounts, order discounts allocated across lines by
 * largest remainder (losing no minor unit), shipping, and tax. Pure.
 *
 * @example
 * ```ts
 * const priced = priceOrder({ currency: "EUR", lines: [{ lineId: "l1", sku: "MUG", quantity: "2", unitPrice: "9.95", taxCategory: "standard" }], discounts: [], shipping: null, tax: null });
 * priced.gross; // "19.9"
 * ```
 */
export function priceOrder(input: PricingInput): PricedOrder {
  const scale = scaleOf(input.currency);
  const qScale = pow10(QUANTITY_SCALE);
  const priceScale = 6;
  const amounts: bigint[] = [];
  const lineDiscounts: bigint[] = [];
  input.lines.forEach((line, i) => {
    const q = parseScaled(line.quantity, QUANTITY_SCALE);
    const p = parseScaled(line.unitPrice, priceScale);
    // q × p at 10^-(6+6), rounded to the minor unit.
    const amount = divideHalfUp(q * p, qScale * pow10(priceScale - scale));
    let discount = 0n;
    if (line.discount !== undefined) {
      discount = line.discount.kind === "fixed" ? inputMinorOf(line.discount.amount, input.currency, `lines[${i}].discount.amount`) : percentOf(amount, line.discount.percent, `lines[${i}].discount.percent`);
      if (discount < 0n || discount > amount) throw invalid(`lines[${i}].discount (${amountOf(discount, input.currency)}) cannot exceed the line's amount ${amountOf(amount, input.currency)} or be negative.`, `lines[${i}].discount`);
    }
    amounts.push(amount);
    lineDiscounts.push(discount);
  });
  const subtotals = amounts.map((a, i) => a - lineDiscounts[i]!);
  const subtotal = subtotals.reduce((a, b) => a + b, 0n);
  let remaining = subtotal;
  const applied: { kind: string; label: string | null; amount: string }[] = [];
  input.discounts.forEach((d, i) => {
    let off: bigint;
    if (d.kind === "fixed") off = inputMinorOf(d.amount, input.currency, `discounts[${i}].amount`);
    else if (d.kind === "percent") off = percentOf(remaining, d.percent, `discounts[${i}].percent`);
    else {
      const every = inputMinorOf(d.every, input.currency, `discounts[${i}].every`);
      const each = inputMinorOf(d.off, input.currency, `discounts[${i}].off`);
      if (every <= 0n) throw invalid(`discounts[${i}].every must be positive.`, `discounts[${i}].every`);
      off = (remaining / every) * each;
    }
    if (off < 0n) throw invalid(`discounts[${i}] cannot be negative.`, `discounts[${i}]`);
    if (off > remaining) off = remaining;
    remaining -= off;
    applied.push({ kind: d.kind, label: d.label ?? null, amount: amountOf(off, input.currency) });
  });
  const orderDiscount = subtotal - remaining;
  const shares = allocateByWeights(orderDiscount, subtotals);
  const basis = subtotals.map((s, i) => s - shares[i]!);
  const shippingAmount = input.shipping === null ? 0n : inputMinorOf(input.shipping.amount, input.currency, "shipping.amount");
  if (shippingAmount < 0n) throw invalid("shipping.amount cannot be negative.", "shipping.amount");
  const shippingCategory = input.shipping?.taxCategory ?? "standard";

  let calc: TaxCalculation | null = null;
  if (input.tax !== null) {
    const taxLines: TaxLineInput[] = input.lines.map((line, i) => ({ id: line.lineId, category: line.taxCategory, amount: amountOf(basis[i]!, input.currency) }));
    taxLines.push({ id: "\u0000shipping", category: shippingCategory, amount: amountOf(shippingAmount, input.currency) });
    calc = input.tax(taxLines);
  }
  const byId = new Map(calc?.lines.map((l) => [l.id, l]) ?? []);
  const taxesOf = (id: string): PricedTax[] => (byId.get(id)?.taxes ?? []).filter((t) => !t.selfAssessed).map((t) => ({ code: t.code, base: t.base, amount: t.amount }));
  let net = 0n;
  let tax = 0n;
  const lines: PricedLine[] = input.lines.map((line, i) => {
    const taxed = byId.get(line.lineId);
    const n = taxed === undefined ? basis[i]! : parseScaled(taxed.net, scale);
    const t = taxed === undefined ? 0n : parseScaled(taxed.tax, scale);
    net += n;
    tax += t;
    return {
      lineId: line.lineId,
      sku: line.sku,
      quantity: line.quantity,
      unitPrice: line.unitPrice,
      taxCategory: line.taxCategory,
      amount: amountOf(amounts[i]!, input.currency),
      lineDiscount: amountOf(lineDiscounts[i]!, input.currency),
      orderDiscount: amountOf(shares[i]!, input.currency),
      net: amountOf(n, input.currency),
      tax: amountOf(t, input.currency),
      gross: amountOf(n + t, input.currency),
      taxes: taxesOf(line.lineId),
    };
  });
  const shipTaxed = byId.get("\u0000shipping");
  const shipNet = shipTaxed === undefined ? shippingAmount : parseScaled(shipTaxed.net, scale);
  const shipTax = shipTaxed === undefined ? 0n : parseScaled(shipTaxed.tax, scale);
  tax += shipTax;
  const codes: AppliedTaxCode[] = (calc?.codes ?? []).map((c) => ({
    code: c.code,
    kind: c.kind,
    rate: c.rate,
    jurisdiction: c.jurisdiction.region === undefined ? { country: c.jurisdiction.country } : { country: c.jurisdiction.country, region: c.jurisdiction.region },
    selfAssessed: c.selfAssessed,
  }));
  return {
    currency: input.currency,
    lines,
    shipping: { amount: amountOf(shippingAmount, input.currency), net: amountOf(shipNet, input.currency), tax: amountOf(shipTax, input.currency), gross: amountOf(shipNet + shipTax, input.currency), taxCategory: shippingCategory, taxes: taxesOf("\u0000shipping") },
    lineDiscount: amountOf(lineDiscounts.reduce((a, b) => a + b, 0n), input.currency),
    orderDiscount: amountOf(orderDiscount, input.currency),
    net: amountOf(net, input.currency),
    shippingNet: amountOf(shipNet, input.currency),
    tax: amountOf(tax, input.currency),
    gross: amountOf(net + shipNet + tax, input.currency),
    codes,
    discounts: applied,
  };
}
