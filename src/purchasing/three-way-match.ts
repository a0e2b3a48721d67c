/*
 * The 3-way match of order, receipts and bill, as a pure function: each bill line within
 * the quantity and price tolerances, or the reasons it is not.
 */
import { Decimal } from "../kernel/decimal.js";
import type { PurchaseOrderLine } from "./purchase-order.js";

/**
 * Why a bill line does not match: billed beyond what was received (`quantity`), before
 * anything of it was received (`not-received`), beyond what was ordered (`over-ordered`), or
 * at another price (`price`).
 *
 * @example
 * ```ts
 * const r: MatchReason = { lineId: "1", kind: "price", message: "billed at 2.6, ordered at 2.5 (tolerance 2%)" };
 * ```
 */
export type MatchReason = { readonly lineId: string; readonly kind: "quantity" | "not-received" | "over-ordered" | "price"; readonly message: string };

/**
 * Tolerances of the match (ratios).
 *
 * @example
 * ```ts
 * const t: MatchTolerances = { quantity: new Decimal("0"), price: new Decimal("0.02"), receipt: new Decimal("0.05"), billBeforeReceipt: "hold" };
 * ```
 */
export type MatchTolerances = { readonly quantity: Decimal; readonly price: Decimal; readonly receipt: Decimal; readonly billBeforeReceipt: "hold" | "allow" };

/**
 * Matches bill lines against their order lines (with what was received and billed
 * before): an empty list means the bill matches.
 *
 * @example
 * ```ts
 * matchBill(order.lines, [{ lineId: "1", quantity: "60", unitPrice: "2.6" }], tolerances); // [{ kind: "price", ... }]
 * ```
 */
export function matchBill(orderLines: readonly PurchaseOrderLine[], billLines: readonly { readonly lineId: string; readonly quantity: string; readonly unitPrice: string }[], tolerances: MatchTolerances): MatchReason[] {
  const reasons: MatchReason[] = [];
  const byId = new Map(orderLines.map((l) => [l.lineId, l]));
  for (const b of billLines) {
    const ol = byId.get(b.lineId);
    if (ol === undefined) continue;
    const billedAfter = new Decimal(ol.billed).plus(b.quantity);
    // Units sent back before they were billed are not expected on a bill.
    const received = new Decimal(ol.received).minus(ol.returnedUnbilled ?? "0");
    const orderedLimit = new Decimal(ol.quantity).times(tolerances.receipt.plus(1));
    if (billedAfter.gt(orderedLimit)) {
      reasons.push({ lineId: b.lineId, kind: "over-ordered", message: `line ${b.lineId} (${ol.sku}): billed ${billedAfter.toString()} in all, ordered ${ol.quantity} (at most ${orderedLimit.toString()})` });
    } else if (tolerances.billBeforeReceipt === "hold" && billedAfter.gt(received.times(tolerances.quantity.plus(1)))) {
      const kind = received.lte(ol.billed) ? "not-received" : "quantity";
      reasons.push({ lineId: b.lineId, kind, message: `line ${b.lineId} (${ol.sku}): billed ${billedAfter.toString()} in all, received ${received.toString()}${new Decimal(ol.returnedUnbilled ?? "0").gt(0) ? ` (${ol.received} less ${ol.returnedUnbilled} returned before billing)` : ""}${kind === "not-received" ? " (nothing left to match: goods not yet received)" : ""}` });
    } else if (tolerances.billBeforeReceipt === "allow" && new Decimal(ol.returnedUnbilled ?? "0").gt(0) && billedAfter.gt(new Decimal(ol.quantity).minus(ol.returnedUnbilled ?? "0").times(tolerances.quantity.plus(1)))) {
      // Billing ahead of receipt is allowed, but not for units sent back before they were billed: no bill is expected for them.
      reasons.push({ lineId: b.lineId, kind: "quantity", message: `line ${b.lineId} (${ol.sku}): billed ${billedAfter.toString()} in all, ordered ${ol.quantity} less ${ol.returnedUnbilled} returned before billing` });
    }
    const ordered = new Decimal(ol.unitPrice);
    const difference = new Decimal(b.unitPrice).minus(ordered).abs();
    if (difference.gt(ordered.times(tolerances.price))) {
      reasons.push({ lineId: b.lineId, kind: "price", message: `line ${b.lineId} (${ol.sku}): billed at ${b.unitPrice}, ordered at ${ol.unitPrice} (tolerance ${tolerances.price.times(100).toString()}%)` });
    }
  }
  return reasons;
}
