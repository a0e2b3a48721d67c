/*
 * A cash discount put on the cost of goods (`cashDiscounts: "stock"`, IAS 2): the discount
 * net of tax spread over the receipts the paid bills were for, in proportion to what each part
 * of a bill was billed at. Pure; amounts exact to the minor unit, nothing lost in the spread.
 */
import { Decimal, canonicalDecimal } from "../kernel/decimal.js";
import { shareOf, spread } from "./amounts.js";
import type { BillStockBasis, SupplierBill } from "./bill.js";
import type { PurchaseOrder } from "./purchase-order.js";
import { returnedOfReceipt } from "./record-landed-cost.js";

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
  /** Of those units, the ones sent back to the supplier since the bill: their share is not the stock's. */
  readonly returnedQuantity?: string;
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

/**
 * The part of a discount taken on goods billed before they arrived and still awaited, as
 * `SupplierPaid` carries it in `discount.onAhead`: purchasing lowers the value the goods will come
 * in at by `value`, and finance credits it to GRNI.
 *
 * @example
 * ```ts
 * const part: DiscountOnAhead = { billId: "bill_1", lineId: "2.1", sku: "TEE", purchaseOrderId: "po_1", orderLineId: "2", amount: { amount: "2", currency: "EUR" }, value: { amount: "2", currency: "EUR" } };
 * ```
 */
export type DiscountOnAhead = {
  readonly billId: string;
  readonly lineId: string;
  readonly sku: string;
  readonly purchaseOrderId: string;
  readonly orderLineId: string;
  /** Transaction currency. */
  readonly amount: { readonly amount: string; readonly currency: string };
  /** Functional currency. */
  readonly value: { readonly amount: string; readonly currency: string };
};

/** The key of an order line in the `ahead` map of {@link discountOnStock}. */
export const aheadKey = (purchaseOrderId: string, orderLineId: string): string => `${purchaseOrderId}|${orderLineId}`;

/**
 * Of a bill part's receipt units (those it had when billed), how many went back to the supplier
 * since the bill; zero when none or unknown.
 */
export type ReturnedSince = (bill: SupplierBill, part: BillStockBasis) => Decimal;

/**
 * {@link ReturnedSince} read off the bills' purchase orders: the receipt's units at the bill less
 * those it still has, a receipt's returns counted as a landed cost counts them (before a bill, and
 * after it by a debit note laid on the line's receipts first in, first out).
 *
 * @example
 * ```ts
 * const returnedSince = returnedSinceOf(new Map([[order.purchaseOrderId, order]]));
 * returnedSince(bill, bill.stockBasis![0]!); // 40 after 40 of 100 went back by a debit note
 * ```
 */
export function returnedSinceOf(orders: ReadonlyMap<string, PurchaseOrder>): ReturnedSince {
  return (bill, part) => {
    const order = bill.purchaseOrderId === null ? undefined : orders.get(bill.purchaseOrderId);
    const slice = order?.lines.find((l) => l.lineId === part.receiptLineId)?.receipts.find((r) => r.receiptId === part.receiptId);
    if (order === undefined || slice === undefined || part.receiptId === null) return new Decimal(0);
    const returned = returnedOfReceipt(order, part.receiptId)
      .filter((r) => r.receiptLineId === part.receiptLineId)
      .reduce((a, r) => a.plus(r.quantity), new Decimal(0));
    const now = Decimal.max(0, new Decimal(slice.quantity).minus(returned));
    return Decimal.max(0, new Decimal(part.receiptQuantity ?? slice.quantity).minus(now));
  };
}

/**
 * The parts of the discounts taken on `bills` (each with the discount net of tax taken on it, in
 * the transaction currency) that go on the cost of goods: each bill's discount spread over its
 * parts by billed value, the functional `netValue` (the payment's converted discount net of tax)
 * first spread over the bills by their discounts. A landed-cost bill's discount is one part
 * (`onLandedCost`): inventory spreads it as it spread the landed cost. Parts billed before the
 * goods arrived go, with `ahead` (each order line's value billed ahead and still awaited, keyed
 * by {@link aheadKey}; lowered here as parts take it), onto the goods still awaited (`onAhead`);
 * a part whose goods have come in since (the line awaits less than the part was billed at) puts
 * the share of those on the receipts that took units billed ahead (`receiptsAhead`, by those
 * units), or leaves it on the discount account when none is known (receipts stored before they
 * were recorded). Every part without `ahead` stays on the account. With `returnedSince`, a part
 * some of whose units went back to the supplier after the bill (a debit note, owed back at the
 * billed price) names them (`returnedQuantity`): inventory leaves their share in the purchase
 * price difference, where the return took them out, instead of charging it to COGS.
 *
 * @example
 * ```ts
 * discountOnStock([{ bill, net: new Decimal("2") }], new Decimal("2"), "EUR", "EUR");
 * // { onStock: [{ billId: "bill_1", lineId: "1.1", ..., amount: { amount: "2", currency: "EUR" }, value: { amount: "2", currency: "EUR" } }], onLandedCost: [], onAhead: [] }
 * ```
 */
export function discountOnStock(
  bills: readonly { readonly bill: SupplierBill; readonly net: Decimal }[],
  netValue: Decimal,
  currency: string,
  functionalCurrency: string,
  returnedSince?: ReturnedSince,
  ahead?: Map<string, Decimal>,
  receiptsAhead?: (purchaseOrderId: string, orderLineId: string, billId: string) => readonly { readonly receiptId: string; readonly billedAhead: string }[],
  awaitedOf?: (purchaseOrderId: string, orderLineId: string, billId: string) => Decimal | undefined,
): { onStock: DiscountOnStock[]; onLandedCost: DiscountOnLandedCost[]; onAhead: DiscountOnAhead[] } {
  const values = spread(netValue, bills.map((b) => b.net), functionalCurrency);
  const out: DiscountOnStock[] = [];
  const landed: DiscountOnLandedCost[] = [];
  const awaited: DiscountOnAhead[] = [];
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
      if (amounts[k]!.lte(0) || functional[k]!.lte(0)) continue;
      if (part.receiptId === null) {
        // Billed ahead: onto the goods still awaited (the line's value ahead); the share of those that came in since, below.
        const dot = part.lineId.lastIndexOf(".");
        const orderLineId = dot < 0 ? part.lineId : part.lineId.slice(0, dot);
        const key = bill.purchaseOrderId === null ? undefined : aheadKey(bill.purchaseOrderId, orderLineId);
        const left = key === undefined ? undefined : ahead?.get(key);
        if (key === undefined || left === undefined) continue;
        // The share of the bill's units still awaited: known per bill (its units billed ahead and
        // those not yet come in), else read off the line's value ahead (all its bills' together).
        const awaitedShare = awaitedOf?.(bill.purchaseOrderId!, orderLineId, bill.billId);
        const [covered, billed] = awaitedShare !== undefined ? [awaitedShare, new Decimal(1)] : [Decimal.min(new Decimal(part.value), Decimal.max(0, left)), new Decimal(part.value)];
        const value = Decimal.min(Decimal.max(0, left), shareOf(functional[k]!, covered, billed, functionalCurrency));
        const amount = shareOf(amounts[k]!, covered, billed, currency);
        const onAwaited = value.gt(0) && amount.gt(0);
        if (onAwaited) {
          ahead!.set(key, left.minus(value));
          awaited.push({ billId: bill.billId, lineId: part.lineId, sku: part.sku, purchaseOrderId: bill.purchaseOrderId!, orderLineId, amount: { amount: canonicalDecimal(amount), currency }, value: { amount: canonicalDecimal(value), currency: functionalCurrency } });
        }
        // What came in since: on the receipts that took units billed ahead, by those units.
        const arrivedValue = onAwaited ? functional[k]!.minus(value) : functional[k]!;
        const arrivedAmount = onAwaited ? amounts[k]!.minus(amount) : amounts[k]!;
        const took = (receiptsAhead?.(bill.purchaseOrderId!, orderLineId, bill.billId) ?? []).filter((r) => new Decimal(r.billedAhead).gt(0));
        if (arrivedValue.lte(0) || arrivedAmount.lte(0) || took.length === 0) continue;
        const weights = took.map((r) => new Decimal(r.billedAhead));
        const arrivedAmounts = spread(arrivedAmount, weights, currency);
        const arrivedValues = spread(arrivedValue, weights, functionalCurrency);
        for (const [j, r] of took.entries()) {
          if (arrivedAmounts[j]!.lte(0) || arrivedValues[j]!.lte(0)) continue;
          // Units of the receipt sent back since: named, as for a part billed after the goods came.
          const returned = returnedSince?.(bill, { ...part, receiptId: r.receiptId, receiptLineId: orderLineId });
          out.push({ billId: bill.billId, lineId: part.lineId, sku: part.sku, receiptId: r.receiptId, receiptLineId: orderLineId, ...(returned?.gt(0) ? { returnedQuantity: canonicalDecimal(returned) } : {}), amount: { amount: canonicalDecimal(arrivedAmounts[j]!), currency }, value: { amount: canonicalDecimal(arrivedValues[j]!), currency: functionalCurrency } });
        }
        continue;
      }
      // Units sent back since the bill: named, so that their share is not charged to COGS.
      const returned = returnedSince?.(bill, part);
      out.push({
        billId: bill.billId,
        lineId: part.lineId,
        sku: part.sku,
        receiptId: part.receiptId,
        ...(part.receiptLineId !== null ? { receiptLineId: part.receiptLineId } : {}),
        ...(part.receiptQuantity !== undefined ? { receiptQuantity: part.receiptQuantity } : {}),
        ...(returned?.gt(0) ? { returnedQuantity: canonicalDecimal(returned) } : {}),
        amount: { amount: canonicalDecimal(amounts[k]!), currency },
        value: { amount: canonicalDecimal(functional[k]!), currency: functionalCurrency },
      });
    }
  }
  return { onStock: out, onLandedCost: landed, onAhead: awaited };
}
