import { BOUNDS } from "../kernel/bounds.js";
import { minorUnits } from "../kernel/currencies.js";
import { StorekeepError } from "../kernel/errors.js";
import { stockCounterRoleSchema } from "../kernel/events/account-roles.js";
import { decimalStringSchema } from "../kernel/events/fields.js";
import { idSchema } from "../kernel/ids.js";
import { defineLibraryCommand } from "../runner/library.js";
import { effectiveInstant, effectiveSchema } from "./effective.js";
import type { MovementDraft } from "./ledger-records.js";
import type { InventorySettings } from "./options.js";
import { requireProduct, skuSchema } from "./product.js";
import { recordMovements } from "./record-movements.js";
import { unitCostRatio } from "./valuation-kernel.js";
import { strictInput } from "../kernel/strict-input.js";

const changeSchema = strictInput({
  sku: skuSchema,
  /** The new standard unit cost (functional currency). */
  standardCost: decimalStringSchema(BOUNDS.amount, "standardCost", "nonnegative"),
  /** The account the revaluation is posted against (default the purchase price variance). */
  counterRole: stockCounterRoleSchema.default("purchase-price-variance"),
  reference: idSchema<string>().optional(),
  ...effectiveSchema.shape,
});

/**
 * Changes a standard-costed SKU's standard cost from a date on: the stock on hand at that
 * instant is revalued to the new standard (posted as StockRevalued, reason
 * `standard-cost-change`, against `counterRole`), movements after it are valued at the new
 * standard, and nothing before it changes. A change back-dated before later movements
 * re-derives them like any back-dated movement. The product's `standardCost` stays the
 * standard it started with (history replays from it); the result names the change.
 *
 * @example
 * ```ts
 * await runtime.execute(changeStandardCostCommand(settings), { sku: "BOLT", standardCost: "0.55", effectiveDate: "2026-04-01" });
 * ```
 */
export function changeStandardCostCommand(settings: InventorySettings) {
  return defineLibraryCommand({
    name: "inventory.changeStandardCost",
    input: changeSchema,
    async handle(ctx, input) {
      const product = await requireProduct(ctx.tx, input.sku);
      if (product.costingMethod !== "standard") {
        throw new StorekeepError("INVALID_TRANSITION", `${input.sku} is valued by ${product.costingMethod}, not at a standard cost; only standard-costed products change their standard.`, { sku: input.sku, costingMethod: product.costingMethod });
      }
      const standard = unitCostRatio(input.standardCost, minorUnits(ctx.config.functionalCurrency));
      const draft: MovementDraft = {
        sku: input.sku,
        kind: "revaluation",
        effectiveAt: effectiveInstant(ctx, input),
        quantity: "0",
        warehouseId: "*",
        locationId: "*",
        counterRole: input.counterRole,
        source: { type: "standard-cost-change", id: input.reference ?? ctx.commandId },
        reason: "standard-cost-change",
        standard,
      };
      const out = await recordMovements(ctx, settings, [draft]);
      const movement = out.movements[0]!;
      return { result: { ...movement, standardCost: input.standardCost }, events: out.events };
    },
  });
}
