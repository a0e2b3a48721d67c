import { StorekeepError } from "../kernel/errors.js";
import { idSchema } from "../kernel/ids.js";
import { positiveQuantityString } from "../kernel/events/fields.js";
import type { CommandContext } from "../runner/command.js";
import { defineLibraryCommand } from "../runner/library.js";
import type { InventorySettings } from "./options.js";
import { effectiveInstant } from "./effective.js";
import { type MovementDraft } from "./ledger-records.js";
import { resolveLocation } from "./location.js";
import { unitCostSchema, where } from "./movement-inputs.js";
import { LOTS, type Lot } from "./lots.js";
import { recordMovements } from "./record-movements.js";
import { returnValue } from "./return-value.js";
import { type ReturnScope, claimReturn } from "./customer-return-limits.js";
import { strictInput } from "../kernel/strict-input.js";

const customerReturnSchema = strictInput({
  ...where,
  quantity: positiveQuantityString,
  /** The cost the units left with, if known; else the cost of `issueMovementId`, else the order's last issue of the SKU, else the current cost. */
  unitCost: unitCostSchema.optional(),
  issueMovementId: idSchema<string>().optional(),
  orderId: idSchema<string>().optional(),
});

/**
 * Refuses a return naming a lot (or serial) that cannot have left to a customer: one the lot
 * master has never seen come in (`NOT_FOUND`), or one other than the lot(s) the named issue
 * movement or the order's issues of the SKU took (`VALIDATION_FAILED`).
 */
async function requireReturnableLot(ctx: CommandContext, sku: string, lot: string, scope: ReturnScope): Promise<void> {
  const known = await ctx.tx.documents.get<Lot>(LOTS, `${sku}|${lot}`);
  if (known === undefined) {
    throw new StorekeepError("NOT_FOUND", `Lot ${lot} of ${sku} was never received, so it cannot come back from a customer; check the lot (or serial) on the returned item.`, { sku, lot });
  }
  const refuse = (what: string, lots: readonly string[]) =>
    new StorekeepError("VALIDATION_FAILED", `${what} took ${sku} from lot ${lots.join(", ")}, not lot ${lot}; a customer return comes back into the lot it left from.`, {
      issues: [{ path: "lot", message: `not a lot ${what} took`, code: "custom" }],
    });
  if (scope.issue !== undefined) {
    const issue = scope.issue;
    if (issue.lot !== null && issue.lot !== "" && issue.lot !== lot) throw refuse(`Movement ${issue.movementId}`, [issue.lot]);
    return;
  }
  if (scope.orderId === undefined) return;
  const lots = new Set<string>();
  for (const issue of scope.orderIssues) {
    if (issue.lot === null || issue.lot === "") return; // an issue without a lot: nothing to compare
    lots.add(issue.lot);
  }
  if (lots.size > 0 && !lots.has(lot)) throw refuse(`Order ${scope.orderId}`, [...lots].sort());
}

/**
 * Takes back units a customer returned, at the cost they left with (see {@link returnValue}).
 * With `issueMovementId` or `orderId`, no more than left that way less what came back already
 * (see {@link claimReturn}). A named lot must be one that came in (and, with `issueMovementId`
 * or `orderId`, one that issue or order took): a lot never received is `NOT_FOUND`.
 *
 * @example
 * ```ts
 * const returnFromCustomer = returnFromCustomerCommand(resolveInventoryOptions());
 * await runtime.execute(returnFromCustomer, { sku: "MUG", warehouseId: "wh", quantity: "1", orderId: "ord_1" });
 * ```
 */
export function returnFromCustomerCommand(settings: InventorySettings) {
  return defineLibraryCommand({
    name: "inventory.returnFromCustomer",
    input: customerReturnSchema,
    async handle(ctx, input) {
      const locationId = await resolveLocation(ctx.tx, input.warehouseId, input.locationId);
      // No more than left through the named issue or order, less what came back already.
      const scope = await claimReturn(ctx, input.sku, input.quantity, input.issueMovementId, input.orderId);
      if (input.lot !== undefined && input.lot !== "") await requireReturnableLot(ctx, input.sku, input.lot, scope);
      const costOf = input.issueMovementId ?? scope.orderIssues[0]?.movementId;
      const priced = await returnValue(ctx, input.sku, input.quantity, input.unitCost, costOf, scope.orderId, scope.movements);
      const draft: MovementDraft = {
        sku: input.sku,
        kind: "customer-return",
        effectiveAt: effectiveInstant(ctx, input),
        quantity: input.quantity,
        warehouseId: input.warehouseId,
        locationId,
        lot: input.lot,
        counterRole: "cogs",
        source: { type: "customer-return", id: input.reference ?? ctx.commandId },
        orderId: scope.orderId,
        ...priced,
      };
      const out = await recordMovements(ctx, settings, [draft]);
      return { result: out.movements[0]!, events: out.events };
    },
  });
}
