import { z } from "zod";
import { BOUNDS } from "../kernel/bounds.js";
import { idSchema } from "../kernel/ids.js";
import { decimalStringSchema } from "../kernel/events/fields.js";
import { defineLibraryCommand } from "../runner/library.js";
import type { InventorySettings } from "./options.js";
import { minorOf } from "./amounts.js";
import { effectiveInstant, effectiveSchema } from "./effective.js";
import { readMovement } from "./read-movement.js";
import { recordMovements } from "./record-movements.js";
import { revaluationDraft } from "./revaluation-draft.js";
import { strictInput } from "../kernel/strict-input.js";

const revalueSchema = strictInput({
  receiptMovementId: idSchema<string>(),
  /** The difference in the functional currency (positive: the receipt cost more). */
  amount: decimalStringSchema(BOUNDS.amount, "amount", "nonzero"),
  reason: z.enum(["price-difference", "landed-cost"]).default("price-difference"),
  reference: idSchema<string>().optional(),
  ...effectiveSchema.shape,
});

/**
 * Revalues a receipt (a price difference or a landed cost) from its date on: at
 * `effectiveDate`/`effectiveAt`, or at the receipt's instant when that is earlier (a
 * correction dated before the goods arrived applies from the receipt on; the result's
 * `effectiveDate` says which). A correction that would make the receipt's cost (received
 * value plus every revaluation) negative is `VALIDATION_FAILED`, naming the most it can take off.
 *
 * @example
 * ```ts
 * const revalue = revalueReceiptCommand(resolveInventoryOptions());
 * await runtime.execute(revalue, { receiptMovementId: "mv_1", amount: "1.50", reason: "landed-cost" });
 * ```
 */
export function revalueReceiptCommand(settings: InventorySettings) {
  return defineLibraryCommand({
    name: "inventory.revalueReceipt",
    input: revalueSchema,
    async handle(ctx, input) {
      const receipt = await readMovement(ctx.tx, input.receiptMovementId);
      const draft = await revaluationDraft(ctx, receipt, minorOf(ctx, input.amount, "amount"), input.reason, { type: input.reason === "landed-cost" ? "landed-cost" : "bill", id: input.reference ?? ctx.commandId }, effectiveInstant(ctx, input));
      const out = await recordMovements(ctx, settings, [draft]);
      return { result: out.movements[0]!, events: out.events };
    },
  });
}
