import { ID_PATTERN, idSchema } from "../kernel/ids.js";
import { BOUNDS } from "../kernel/decimal-text.js";
import { isPlainWith, withFastParse } from "../kernel/fast-parse.js";
import { stockCounterRoleSchema } from "../kernel/events/account-roles.js";
import { isCanonicalWithin, positiveQuantityString } from "../kernel/events/fields.js";
import { defineLibraryCommand } from "../runner/library.js";
import type { InventorySettings } from "./options.js";
import { effectiveInstant } from "./effective.js";
import { type MovementDraft } from "./ledger-records.js";
import { unitNameSchema, where } from "./movement-inputs.js";
import { quantityInBaseUnits } from "./base-quantity.js";
import { recordMovements } from "./record-movements.js";
import { planRemoval } from "./removal.js";
import { strictInput } from "../kernel/strict-input.js";

const issueSchema = withFastParse(
  strictInput({
    ...where,
    quantity: positiveQuantityString,
    counterRole: stockCounterRoleSchema.default("cogs"),
    orderId: idSchema<string>().optional(),
    reservationId: idSchema<string>().optional(),
    /** The unit the quantity is in (see `defineUnit`); default the base unit. */
    unit: unitNameSchema.optional(),
  }),
  fastIssue,
);

const ISSUE_KEYS: ReadonlySet<string> = new Set(["sku", "warehouseId", "locationId", "lot", "reference", "quantity", "counterRole", "orderId", "reservationId"]);
const COUNTER_ROLES: ReadonlySet<unknown> = new Set(stockCounterRoleSchema.options);
const OPTIONAL_IDS = ["locationId", "lot", "reference"] as const;

/**
 * The fast path of the issue schema (src/kernel/fast-parse.ts): identifiers, a canonical
 * quantity string and a counter-role, in the schema's key order; anything else (an
 * effective instant, a unit, a number, an error) is left to the schema.
 */
function fastIssue(input: unknown): unknown {
  if (!isPlainWith(input, ISSUE_KEYS)) return undefined;
  const { sku, warehouseId, quantity, counterRole, orderId, reservationId } = input;
  if (typeof sku !== "string" || !ID_PATTERN.test(sku) || typeof warehouseId !== "string" || !ID_PATTERN.test(warehouseId)) return undefined;
  if (typeof quantity !== "string" || !isCanonicalWithin(quantity, BOUNDS.quantity, "positive")) return undefined;
  const out: Record<string, string> = { sku, warehouseId };
  for (const field of OPTIONAL_IDS) {
    if (!(field in input)) continue;
    const value = input[field];
    if (typeof value !== "string" || !ID_PATTERN.test(value)) return undefined;
    out[field] = value;
  }
  out["quantity"] = quantity;
  if (!("counterRole" in input)) out["counterRole"] = "cogs";
  else if (COUNTER_ROLES.has(counterRole)) out["counterRole"] = counterRole as string;
  else return undefined;
  if ("orderId" in input) {
    if (typeof orderId !== "string" || !ID_PATTERN.test(orderId)) return undefined;
    out["orderId"] = orderId;
  }
  if ("reservationId" in input) {
    if (typeof reservationId !== "string" || !ID_PATTERN.test(reservationId)) return undefined;
    out["reservationId"] = reservationId;
  }
  return out;
}

/** The issue schema, for tests of its fast path. @internal */
export const issueInputSchema = issueSchema;

/**
 * Issues units out of a location at their cost (a shipment without a sales module), fulfilling the order's or the named reservation's held units first. With a `unit` the quantity is in that unit (2 cartons issue 24 base units). A lot-tracked product issued without a lot takes lots by its removal strategy (see `planRemoval`); the result then lists one movement per location and lot in `movements`.
 *
 * @example
 * ```ts
 * const issue = issueCommand(resolveInventoryOptions());
 * await runtime.execute(issue, { sku: "MUG", warehouseId: "wh", quantity: "1", orderId: "ord_1" });
 * ```
 */
export function issueCommand(settings: InventorySettings) {
  return defineLibraryCommand({
    name: "inventory.issue",
    input: issueSchema,
    async handle(ctx, input) {
      const quantity = await quantityInBaseUnits(ctx.tx, input.sku, input.quantity, input.unit);
      const effectiveAt = effectiveInstant(ctx, input);
      const plan = await planRemoval(ctx, { sku: input.sku, warehouseId: input.warehouseId, locationId: input.locationId, lot: input.lot, quantity, effectiveAt, orderId: input.orderId, reservationId: input.reservationId, fulfil: true, oldestFirst: settings.backorderAllocation === "oldest-first" });
      const drafts: MovementDraft[] = plan.parts.map((part) => ({
        sku: input.sku,
        kind: "sale-issue",
        effectiveAt,
        quantity: `-${part.quantity}`,
        warehouseId: input.warehouseId,
        locationId: part.locationId,
        lot: part.lot,
        counterRole: input.counterRole,
        source: { type: "shipment", id: input.reference ?? ctx.commandId },
        orderId: input.orderId,
        reservedRelease: part.released,
      }));
      const out = await recordMovements(ctx, settings, drafts);
      // Lots chosen by the removal strategy: one movement per location and lot, listed in `movements`.
      const result = plan.strategy === null ? out.movements[0]! : { ...out.movements[0]!, strategy: plan.strategy, movements: out.movements };
      return { result, events: [...plan.events, ...out.events] };
    },
  });
}
