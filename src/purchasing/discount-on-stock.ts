/*
 * A cash discount put on the cost of goods (`cashDiscounts: "stock"`, IAS 2): the discount
 * net of tax spread over the receipts the paid bills were for, in proportion to what each part
 * of a bill was billed at. Pure; amounts exact to the minor unit, nothing lost in the spread.
 */
import { Decimal, canonicalDecimal } from "../kernel/decimal.js";
import { shareOf } from "./amounts.js";
import type { SupplierBill } from "./bill.js";

/**
 * One part of a discount put on a receipt's cost, as `SupplierPaid` carries it in
 * `discount.onStock`.
 *
 * @example
 * ```ts
 * const part: DiscountOnStock = { billId: "bill_1", lineId: "1.1", sku: "MUG", receiptId: "grn_1", receiptLineId: "1", amount: { amount: "2", currency: "EUR" }, value: { amount: "2", currency: "EUR" } };
 * ```
 */
export type DiscountOnStock = {
  readonly billId: string;
  readonly lineId: string;
  readonly sku: string;
  readonly receiptId: string;
  readonly receiptLineId?: string;
  readonly receiptQuantity?: string;
  /** Transaction currency. */
  readonly amount: { readonly amount: string; readonly currency: string };
  /** Functional currency. */
  readonly value: { readonly amount: string; readonly currency: string };
};

/**
 * The part of a discount taken on a landed-cost bill that goes on the goods the landed cost went
 * onto, as `SupplierPaid` carries it in `discount.onLandedCost`.
 *
 * @example
 * ```ts
 * const part: DiscountOnLandedCost = { landedCostId: "lc_1", amount: { amount: "0.6", currency: "EUR" }, value: { amount: "0.6", currency: "EUR" } };
 * ```
 */
export type DiscountOnLandedCost = {
  readonly landedCostId: string;
  /** Transaction currency. */
  readonly amount: { readonly amount: string; readonly currency: string };
  /** Functional currency. */
  readonly value: { readonly amount: string; readonly currency: string };
};

/** `total` shared over `weights` in order, each share on what is left, so the shares add up to it. */
function spread(total: Decimal, weights: readonly Decimal[], currency: string): Decimal[] {
  let left = total;
  let wholeLeft = weights.reduce((a, w) => a.plus(w), new Decimal(0));
  return weights.map((w) => {
    const share = wholeLeft.isZero() ? new Decimal(0) : shareOf(left, w, wholeLeft, currency);
    left = left.minus(share);
    wholeLeft = wholeLeft.minus(w);
    return share;
  });
}

/**
 * The parts of the discounts taken on `bills` (each with the discount net of tax taken on it, in
 * the transaction currency) that go on the cost of goods: each bill's discount spread over its
 * parts by billed value, the functional `netValue` (the payment's converted discount net of tax)
 * first spread over the bills by their discounts. A landed-cost bill's discount is one part
 * (`onLandedCost`): inventory spreads it as it spread the landed cost. Parts billed before the
 * goods arrived get nothing: their share stays on the discount account.
 *
 * @example
 * ```ts
 * discountOnStock([{ bill, net: new Decimal("2") }], new Decimal("2"), "EUR", "EUR");
 * // { onStock: [{ billId: "bill_1", lineId: "1.1", ..., amount: { amount: "2", currency: "EUR" }, value: { amount: "2", currency: "EUR" } }], onLandedCost: [] }
 * ```
 */
export function discountOnStock(bills: readonly { readonly bill: SupplierBill; readonly net: Decimal }[], netValue: Decimal, currency: string, functionalCurrency: string): { onStock: DiscountOnStock[]; onLandedCost: DiscountOnLandedCost[] } {
  const values = spread(netValue, bills.map((b) => b.net), functionalCurrency);
  const out: DiscountOnStock[] = [];
  const landed: DiscountOnLandedCost[] = [];
  for (const [i, { bill, net }] of bills.entries()) {
    // A landed-cost bill's discount goes where its landed cost went (inventory knows the shares).
    if (bill.kind === "landed-cost") {
      if (net.gt(0) && values[i]!.gt(0)) landed.push({ landedCostId: bill.billId, amount: { amount: canonicalDecimal(net), currency }, value: { amount: canonicalDecimal(values[i]!), currency: functionalCurrency } });
      continue;
    }
    const basis = bill.stockBasis ?? [];
    if (basis.length === 0 || net.lte(0)) continue;
    const weights = basis.map((b) => new Decimal(b.value));
    const amounts = spread(net, weights, currency);
    const functional = spread(values[i]!, weights, functionalCurrency);
    for (const [k, part] of basis.entries()) {
      if (part.receiptId === null || amounts[k]!.lte(0) || functional[k]!.lte(0)) continue;
      out.push({
        billId: bill.billId,
        lineId: part.lineId,
        sku: part.sku,
        receiptId: part.receiptId,
        ...(part.receiptLineId !== null ? { receiptLineId: part.receiptLineId } : {}),
        ...(part.receiptQuantity !== undefined ? { receiptQuantity: part.receiptQuantity } : {}),
        amount: { amount: canonicalDecimal(amounts[k]!), currency },
        value: { amount: canonicalDecimal(functional[k]!), currency: functionalCurrency },
      });
    }
  }
  return { onStock: out, onLandedCost: landed };
}
