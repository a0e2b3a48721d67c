import { StorekeepError } from "../kernel/errors.js";
import type { BalanceDelta, Transaction } from "../ports/storage.js";
import type { MovementDraft } from "./ledger-records.js";
import type { MovementRecord } from "./movement.js";
import { toDecimal } from "./stock-balances.js";
import { formatScaled, parseScaled } from "./valuation-kernel.js";

/*
 * What a receipt cost after its revaluations (price differences on bills, landed costs,
 * `revalueReceipt`), and the rule that a correction never makes it negative. The sum of each
 * receipt's revaluations is a balance family keyed by the receipt movement, so a command
 * revaluing any number of receipts reads their sums in one call and adds to them in one more;
 * the received value comes with the revaluation draft. It runs while the SKU's cost state is
 * locked, so two revaluations of one receipt are checked one after the other.
 */

/** Balance family: revaluations per receipt movement id, by day (`value`, functional currency). @example `RECEIPT_REVALUATIONS === "inventory.receipt-revaluations"` */
export const RECEIPT_REVALUATIONS = "inventory.receipt-revaluations";

/**
 * Refuses revaluations that would make a receipt's cost — its received value plus every
 * revaluation of it — negative (`VALIDATION_FAILED`, saying the most it can take off), and
 * adds the accepted ones to the receipts' sums. `drafts` and `records` are in the same order;
 * call it with their SKUs' cost states locked.
 *
 * @example
 * ```ts
 * await keepReceiptCosts(tx, drafts, records, 2);
 * ```
 */
export async function keepReceiptCosts(tx: Transaction, drafts: readonly MovementDraft[], records: readonly MovementRecord[], digits: number): Promise<void> {
  const revaluing = drafts.flatMap((d, i) => (d.revalues?.receiptValue === undefined ? [] : [{ draft: d, revalues: d.revalues, date: records[i]!.effectiveDate }]));
  if (revaluing.length === 0) return;
  const sums = await tx.balances.sumByKey(RECEIPT_REVALUATIONS, { keys: [...new Set(revaluing.map((r) => r.revalues.movementId))] });
  const revalued = new Map<string, bigint>();
  for (const [key, amounts] of sums) revalued.set(key, parseScaled((amounts["value"] ?? toDecimal(0n, digits)).toFixed(digits), digits));
  const deltas: BalanceDelta[] = [];
  for (const { draft, revalues, date } of revaluing) {
    const receiptId = revalues.movementId;
    const before = revalued.get(receiptId) ?? 0n;
    const value = revalues.receiptValue!;
    const cost = value + before;
    if (cost + revalues.amount < 0n) {
      const most = cost > 0n ? cost : 0n;
      const money = (minor: bigint) => formatScaled(minor, digits);
      throw new StorekeepError(
        "VALIDATION_FAILED",
        `Revaluing receipt ${receiptId} of ${draft.sku} by ${money(revalues.amount)} would make its cost ${money(cost + revalues.amount)}: it cost ${money(cost)} (${money(value)} received${before === 0n ? "" : `, ${money(before)} revalued since`}), so a correction can take off at most ${money(most)}. Check the amount's sign and size.`,
        {
          receiptMovementId: receiptId,
          sku: draft.sku,
          cost: money(cost),
          amount: money(revalues.amount),
          most: money(most),
          issues: [{ path: "amount", message: `takes off more than the receipt's cost (at most ${money(most)})`, code: "custom" }],
        },
      );
    }
    revalued.set(receiptId, before + revalues.amount);
    deltas.push({ key: receiptId, bucket: date, amounts: { value: toDecimal(revalues.amount, digits) } });
  }
  await tx.balances.add(RECEIPT_REVALUATIONS, deltas);
}
