import { StorekeepError } from "../kernel/errors.js";
import type { JsonObject } from "../ports/storage.js";
import type { CommandContext } from "../runner/command.js";
import { COST_STATES, type MovementIndexDoc } from "./ledger-records.js";
import { MOVEMENT_INDEX, type MovementRecord, movementPosition } from "./movement.js";
import { movementsAt, readMovement } from "./read-movement.js";
import { QUANTITY_DECIMALS, formatScaled, parseScaled } from "./valuation-kernel.js";
import { withArticle } from "../kernel/article.js";

/*
 * How much a customer return that names its order or issue may still bring back: what left
 * (the named issue; the order's issues of the SKU) less what already came back against it.
 * The order's issues and returns come from the movement index by order and SKU (one index
 * read, one ledger read); returns against an issue of no order are kept on a small document
 * per issue. The SKU's cost state is locked first, so two returns of one SKU are checked one
 * after the other and cannot both take back the last unit.
 */

/** Collection: units returned against a sale issue of no order, by issue movement id. @example `ISSUE_RETURNS === "inventory.issue-returns"` */
export const ISSUE_RETURNS = "inventory.issue-returns";

/**
 * What came back against a sale issue of no order (an order's returns are read from its movements).
 *
 * @example
 * ```ts
 * const doc: IssueReturns = { issueMovementId: "mv_2", sku: "MUG", returned: "1.5" };
 * ```
 */
export interface IssueReturns extends JsonObject {
  readonly issueMovementId: string;
  readonly sku: string;
  readonly returned: string;
}

/**
 * What a customer return comes back against: the order (named, or the named issue's) and the
 * movements read to check it, by id — the named issue, the order's issues of the SKU (newest
 * first) — for valuing the return and checking its lot without reading them again.
 *
 * @example
 * ```ts
 * const scope: ReturnScope = { orderId: "ord_1", issue: undefined, orderIssues: [], movements: new Map() };
 * ```
 */
export interface ReturnScope {
  readonly orderId: string | undefined;
  readonly issue: MovementRecord | undefined;
  readonly orderIssues: readonly MovementRecord[];
  readonly movements: ReadonlyMap<string, MovementRecord>;
}

const q = (units: bigint) => formatScaled(units, QUANTITY_DECIMALS);

function tooMany(what: string, details: Record<string, string>, issued: bigint, returned: bigint, requested: bigint, sku: string): StorekeepError {
  const returnable = issued > returned ? issued - returned : 0n;
  return new StorekeepError(
    "VALIDATION_FAILED",
    `${what} issued ${q(issued)} ${sku} and ${q(returned)} came back already, so at most ${q(returnable)} can come back against it, not ${q(requested)}. Check the quantity; units that did not leave this way come back as a return without orderId or issueMovementId.`,
    { ...details, sku, issued: q(issued), returned: q(returned), returnable: q(returnable), requested: q(requested), issues: [{ path: "quantity", message: `at most ${q(returnable)} can come back`, code: "custom" }] },
  );
}

/**
 * Checks that a customer return naming `issueMovementId` and/or `orderId` brings back no more
 * than left that way, and keeps what comes back against an issue of no order. Unknown order
 * (no issue of the SKU) or issue: `NOT_FOUND`; too many units, an issue of another SKU or
 * order, or a movement that is not a sale issue: `VALIDATION_FAILED`.
 *
 * @example
 * ```ts
 * const scope = await claimReturn(ctx, "MUG", "1", undefined, "ord_1");
 * ```
 */
export async function claimReturn(ctx: CommandContext, sku: string, quantity: string, issueMovementId: string | undefined, orderId: string | undefined): Promise<ReturnScope> {
  const movements = new Map<string, MovementRecord>();
  if (issueMovementId === undefined && orderId === undefined) return { orderId, issue: undefined, orderIssues: [], movements };
  // Every movement of the SKU takes this lock: what is read below stays true until commit.
  await ctx.tx.documents.getForUpdate(COST_STATES, sku);
  const requested = parseScaled(quantity, QUANTITY_DECIMALS);
  let issue: MovementRecord | undefined;
  if (issueMovementId !== undefined) {
    issue = await readMovement(ctx.tx, issueMovementId);
    movements.set(issue.movementId, issue);
    const invalid = (message: string, short: string) => new StorekeepError("VALIDATION_FAILED", message, { issues: [{ path: "issueMovementId", message: short, code: "custom" }] });
    if (issue.sku !== sku) throw invalid(`Movement ${issueMovementId} issued ${issue.sku}, not ${sku}.`, "another SKU");
    if (issue.kind !== "sale-issue") throw invalid(`Movement ${issueMovementId} is ${withArticle(issue.kind)}, not a sale issue; a customer return names the issue that shipped the units.`, "not a sale issue");
    if (orderId !== undefined && issue.orderId !== orderId) throw invalid(`Movement ${issueMovementId} issued ${sku} for ${issue.orderId === null ? "no order" : `order ${issue.orderId}`}, not order ${orderId}; name the issue or the order the units left with.`, "another order");
  }
  const order = orderId ?? issue?.orderId ?? undefined;
  let orderIssues: MovementRecord[] = [];
  if (order !== undefined) {
    const found = await ctx.tx.documents.find<MovementIndexDoc>(MOVEMENT_INDEX, { index: "byOrder", equals: [order, sku], limit: 10_000 });
    const indexed = found.map((d) => d.data).filter((d) => d.kind === "sale-issue" || d.kind === "customer-return");
    const read = await movementsAt(ctx.tx, indexed);
    const all = read.filter((m): m is MovementRecord => m !== undefined);
    for (const m of all) movements.set(m.movementId, m);
    const position = (m: MovementRecord) => movementPosition(m.effectiveAt, m.movementId);
    orderIssues = all.filter((m) => m.kind === "sale-issue").sort((a, b) => (position(a) < position(b) ? 1 : -1));
    if (orderIssues.length === 0) {
      throw new StorekeepError("NOT_FOUND", `Order ${order} has no issue of ${sku} in inventory, so nothing of it can come back against that order; check the order id and the SKU, or record the return without orderId.`, { orderId: order, sku });
    }
    const returns = all.filter((m) => m.kind === "customer-return");
    const issued = orderIssues.reduce((sum, m) => sum - parseScaled(m.quantity, QUANTITY_DECIMALS), 0n);
    const returned = returns.reduce((sum, m) => sum + parseScaled(m.quantity, QUANTITY_DECIMALS), 0n);
    if (issue !== undefined) {
      // Against an issue of an order: the order's returns valued at its cost.
      const against = returns.filter((m) => m.costOf === issue!.movementId).reduce((sum, m) => sum + parseScaled(m.quantity, QUANTITY_DECIMALS), 0n);
      const left = -parseScaled(issue.quantity, QUANTITY_DECIMALS);
      if (requested > left - against) throw tooMany(`Movement ${issue.movementId}`, { issueMovementId: issue.movementId, orderId: order }, left, against, requested, sku);
    }
    if (requested > issued - returned) throw tooMany(`Order ${order}`, { orderId: order }, issued, returned, requested, sku);
  } else if (issue !== undefined) {
    const doc = await ctx.tx.documents.get<IssueReturns>(ISSUE_RETURNS, issue.movementId);
    const against = doc === undefined ? 0n : parseScaled(doc.data.returned, QUANTITY_DECIMALS);
    const left = -parseScaled(issue.quantity, QUANTITY_DECIMALS);
    if (requested > left - against) throw tooMany(`Movement ${issue.movementId}`, { issueMovementId: issue.movementId }, left, against, requested, sku);
    await ctx.tx.documents.put(ISSUE_RETURNS, issue.movementId, { issueMovementId: issue.movementId, sku, returned: q(against + requested) }, doc?.version ?? 0);
  }
  return { orderId: order, issue, orderIssues, movements };
}
