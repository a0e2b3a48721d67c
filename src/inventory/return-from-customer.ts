import { z } from "zod";
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
import { readMovement } from "./read-movement.js";
import { recordMovements } from "./record-movements.js";
import { orderSaleIssues, returnValue } from "./return-value.js";

const customerReturnSchema = z.object({
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
async function requireReturnableLot(ctx: CommandContext, sku: string, lot: string, issueMovementId: string | undefined, orderId: string | undefined): Promise<void> {
  const known = await ctx.tx.documents.get<Lot>(LOTS, `${sku}|${lot}`);
  if (known === undefined) {
    throw new StorekeepError("NOT_FOUND", `Lot ${lot} of ${sku} was never received, so it cannot come back from a customer; check the lot (or serial) on the returned item.`, { sku, lot });
  }
  const refuse = (what: string, lots: readonly string[]) =>
    new StorekeepError("VALIDATION_FAILED", `${what} took ${sku} from lot ${lots.join(", ")}, not lot ${lot}; a customer return comes back into the lot it left from.`, {
      issues: [{ path: "lot", message: `not a lot ${what} took`, code: "custom" }],
    });
  if (issueMovementId !== undefined) {
    const issue = await readMovement(ctx.tx, issueMovementId);
    if (issue.sku === sku && issue.lot !== null && issue.lot !== "" && issue.lot !== lot) throw refuse(`Movement ${issueMovementId}`, [issue.lot]);
    return;
  }
  if (orderId === undefined) return;
  const lots = new Set<string>();
  for (const movementId of await orderSaleIssues(ctx.tx, orderId, sku)) {
    const issue = await readMovement(ctx.tx, movementId);
    if (issue.lot === null || issue.lot === "") return; // an issue without a lot: nothing to compare
    lots.add(issue.lot);
  }
  if (lots.size > 0 && !lots.has(lot)) throw refuse(`Order ${orderId}`, [...lots].sort());
}

/**
 * Takes back units a customer returned, at the cost they left with (see {@link returnValue}).
 * A named lot must be one that came in (and, with `issueMovementId` or `orderId`, one that
 * issue or order took): a lot never received is `NOT_FOUND`.
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
      if (input.lot !== undefined && input.lot !== "") await requireReturnableLot(ctx, input.sku, input.lot, input.issueMovementId, input.orderId);
      const priced = await returnValue(ctx, input.sku, input.quantity, input.unitCost, input.issueMovementId, input.orderId);
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
        orderId: input.orderId,
        ...priced,
      };
      const out = await recordMovements(ctx, settings, [draft]);
      return { result: out.movements[0]!, events: out.events };
    },
  });
}
