import { StorekeepError } from "../kernel/errors.js";
import { type CommandContext } from "../runner/command.js";
import { type MovementDraft } from "./ledger-records.js";
import { type MovementRecord } from "./movement.js";
import { QUANTITY_DECIMALS, parseScaled } from "./valuation-kernel.js";
import { withArticle } from "../kernel/article.js";

/**
 * A revaluation movement of `amount` minor units on a receipt movement, effective at
 * `effectiveAt` or right after the receipt, whichever is later.
 *
 * @example
 * ```ts
 * const draft = await revaluationDraft(ctx, receipt, 1000n, "price-difference", { type: "bill", id: "bill_1" }, now);
 * ```
 */
export async function revaluationDraft(
  ctx: CommandContext,
  receipt: MovementRecord,
  amount: bigint,
  reason: "price-difference" | "landed-cost",
  source: MovementDraft["source"],
  effectiveAt: string,
  /** The receipt's units the amount concerns, when fewer than it received (some went back to the supplier before a bill). */
  concerned?: bigint,
  /** Of the units concerned, those sent back to the supplier before the amount was known (a landed cost on the whole shipment). */
  returned?: bigint,
): Promise<MovementDraft> {
  if (receipt.kind !== "receipt" && receipt.kind !== "opening") {
    throw new StorekeepError("VALIDATION_FAILED", `Movement ${receipt.movementId} is ${withArticle(receipt.kind)}; only receipts carry price differences and landed costs.`, { issues: [{ path: "receiptMovementId", message: "not a receipt", code: "custom" }] });
  }
  const at = effectiveAt > receipt.effectiveAt ? effectiveAt : receipt.effectiveAt;
  return {
    sku: receipt.sku,
    kind: "revaluation",
    effectiveAt: at,
    quantity: "0",
    moved: receipt.quantity,
    warehouseId: receipt.warehouseId,
    locationId: receipt.locationId,
    lot: receipt.lot ?? undefined,
    counterRole: reason === "landed-cost" ? "landed-cost-clearing" : "purchase-price-difference",
    source,
    reason,
    revalues: { movementId: receipt.movementId, receiptQty: concerned !== undefined && concerned > 0n && concerned < parseScaled(receipt.quantity, QUANTITY_DECIMALS) ? concerned : parseScaled(receipt.quantity, QUANTITY_DECIMALS), amount, againstRole: reason === "landed-cost" ? "landed-cost-clearing" : "purchase-price-difference", receiptValue: BigInt(receipt.valueMinor ?? "0"), ...(returned !== undefined && returned > 0n ? { returnedQty: returned } : {}), receiptAt: receipt.effectiveAt },
  };
}

