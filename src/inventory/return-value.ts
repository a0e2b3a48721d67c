import { StorekeepError } from "../kernel/errors.js";
import type { Transaction } from "../ports/storage.js";
import { type CommandContext } from "../runner/command.js";
import { valueAtUnitCost } from "./amounts.js";
import { MOVEMENT_INDEX, type MovementRecord, movementPosition } from "./movement.js";
import { readMovement } from "./read-movement.js";
import { type ValuationEntry, valuationHistory } from "./valuation-log.js";
import { QUANTITY_DECIMALS, costAt, parseScaled, roundingCode } from "./valuation-kernel.js";

/**
 * The sale issues of an order's SKU, newest first (movement ids, from the movement index).
 *
 * @example
 * ```ts
 * const [lastIssue] = await orderSaleIssues(tx, "ord_1", "MUG");
 * ```
 */
export async function orderSaleIssues(tx: Transaction, orderId: string, sku: string): Promise<string[]> {
  const found = await tx.documents.find<{ movementId: string; kind: string; position: string }>(MOVEMENT_INDEX, { index: "byOrder", equals: [orderId, sku], limit: 1000 });
  return found
    .filter((d) => d.data.kind === "sale-issue")
    .sort((a, b) => (a.data.position < b.data.position ? 1 : -1))
    .map((d) => d.data.movementId);
}

/**
 * How a customer return is valued: at `unitCost` when given; at the cost of the issue it
 * reverses (named, or the order's last issue of the SKU); else at the current cost.
 * `movements` and `valuations`: movements and their valuation histories the caller read
 * already, by movement id (not read again).
 *
 * @example
 * ```ts
 * const priced = await returnValue(ctx, "MUG", "1", undefined, undefined, "ord_1");
 * ```
 */
export async function returnValue(
  ctx: CommandContext,
  sku: string,
  quantity: string,
  unitCost: string | undefined,
  issueMovementId: string | undefined,
  orderId: string | undefined,
  movements?: ReadonlyMap<string, MovementRecord>,
  valuations?: ReadonlyMap<string, readonly ValuationEntry[]>,
): Promise<{ valueMinor?: bigint; costOf?: string }> {
  if (unitCost !== undefined) return { valueMinor: valueAtUnitCost(ctx, quantity, unitCost) };
  let issueId = issueMovementId;
  if (issueId === undefined && orderId !== undefined) issueId = (await orderSaleIssues(ctx.tx, orderId, sku))[0];
  if (issueId === undefined) return {};
  const issue = movements?.get(issueId) ?? (await readMovement(ctx.tx, issueId));
  if (issue.sku !== sku) throw new StorekeepError("VALIDATION_FAILED", `Movement ${issueId} issued ${issue.sku}, not ${sku}.`, { issues: [{ path: "issueMovementId", message: "another SKU", code: "custom" }] });
  // The value at the issue's current booked cost is set as a fallback; re-derivation recomputes it from `costOf`.
  const position = movementPosition(issue.effectiveAt, issue.movementId);
  const history = valuations?.get(issue.movementId) ?? (await valuationHistory(ctx.tx, sku, position, issue.movementId));
  const cost = BigInt(history.at(-1)?.amount ?? "0");
  const issuedQty = parseScaled(issue.quantity.replace("-", ""), QUANTITY_DECIMALS);
  const q = parseScaled(quantity, QUANTITY_DECIMALS);
  // More than that issue took (a return of several shipments): at its unit cost too, as a
  // re-derivation values it from `costOf`, so recording and replay agree.
  const valueMinor = q === issuedQty ? cost : costAt({ value: cost, qty: issuedQty }, q, roundingCode(ctx.config.rounding));
  return { valueMinor, costOf: issueId };
}
