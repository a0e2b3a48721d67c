import { z } from "zod";
import { BOUNDS } from "../kernel/bounds.js";
import { minorUnits } from "../kernel/currencies.js";
import { Decimal, canonicalDecimal } from "../kernel/decimal.js";
import { StorekeepError } from "../kernel/errors.js";
import { idSchema } from "../kernel/ids.js";
import { stockCounterRoleSchema } from "../kernel/events/account-roles.js";
import { decimalStringSchema, positiveQuantityString, quantityString } from "../kernel/events/fields.js";
import { type CommandContext, defineCommand } from "../runner/command.js";
import { effectiveInstant, effectiveSchema } from "./effective.js";
import { type MovementDraft } from "./ledger-records.js";
import { recordMovements } from "./record-movements.js";
import { valuationHistory } from "./valuation-log.js";
import { MOVEMENTS, MOVEMENT_INDEX, type MovementRecord, movementPosition } from "./movement.js";
import { resolveLocation } from "./location.js";
import type { InventorySettings } from "./options.js";
import { skuSchema } from "./product.js";
import { fulfilReservations } from "./reservation-commands.js";
import { QUANTITY_DECIMALS, costAt, parseScaled, roundingCode, unitCostRatio } from "./valuation-kernel.js";

/** Collection of transfers in transit. @example `TRANSFERS === "inventory.transfers"` */
export const TRANSFERS = "inventory.transfers";

const where = {
  sku: skuSchema,
  warehouseId: idSchema<string>(),
  locationId: idSchema<string>().optional(),
  lot: idSchema<string>().optional(),
  /** The document behind the movement (a delivery note, a count sheet); default: the command id. */
  reference: idSchema<string>().optional(),
  ...effectiveSchema.shape,
};

const unitCost = decimalStringSchema(BOUNDS.amount, "unitCost", "nonnegative");
const value = decimalStringSchema(BOUNDS.amount, "value", "nonnegative");

const receiveSchema = z
  .object({ ...where, quantity: positiveQuantityString, unitCost: unitCost.optional(), value: value.optional(), counterRole: stockCounterRoleSchema.default("grni") })
  .refine((r) => (r.unitCost === undefined) !== (r.value === undefined), { message: "give exactly one of unitCost (a unit price) or value (the line's total)", path: ["unitCost"] });

const issueSchema = z.object({
  ...where,
  quantity: positiveQuantityString,
  counterRole: stockCounterRoleSchema.default("cogs"),
  orderId: idSchema<string>().optional(),
  reservationId: idSchema<string>().optional(),
});

const customerReturnSchema = z.object({
  ...where,
  quantity: positiveQuantityString,
  /** The cost the units left with, if known; else the cost of `issueMovementId`, else the order's last issue of the SKU, else the current cost. */
  unitCost: unitCost.optional(),
  issueMovementId: idSchema<string>().optional(),
  orderId: idSchema<string>().optional(),
});

const supplierReturnSchema = z.object({ ...where, quantity: positiveQuantityString });

const adjustSchema = z.object({
  ...where,
  /** Signed: positive found units, negative lost ones. */
  quantity: quantityString,
  /** Found units: their unit cost (default: the current cost). Ignored under standard cost. */
  unitCost: unitCost.optional(),
  reason: z.enum(["count", "damaged-return", "other"]).default("count"),
});

const scrapSchema = z.object({ ...where, quantity: positiveQuantityString });

const transferSchema = z.object({
  sku: skuSchema,
  quantity: positiveQuantityString,
  lot: idSchema<string>().optional(),
  from: z.object({ warehouseId: idSchema<string>(), locationId: idSchema<string>().optional() }),
  to: z.object({ warehouseId: idSchema<string>(), locationId: idSchema<string>().optional() }),
  /** Units travel (dispatched now, arrive with `receiveTransfer`). Default: between warehouses. */
  inTransit: z.boolean().optional(),
  reference: idSchema<string>().optional(),
  ...effectiveSchema.shape,
});

const receiveTransferSchema = z.object({ transferId: idSchema<string>(), ...effectiveSchema.shape });

const revalueSchema = z.object({
  receiptMovementId: idSchema<string>(),
  /** The difference in the functional currency (positive: the receipt cost more). */
  amount: decimalStringSchema(BOUNDS.amount, "amount", "nonzero"),
  reason: z.enum(["price-difference", "landed-cost"]).default("price-difference"),
  reference: idSchema<string>().optional(),
  ...effectiveSchema.shape,
});

/**
 * Minor units of a functional-currency amount given as a decimal string; it must be a whole
 * number of minor units.
 *
 * @example
 * ```ts
 * minorOf(ctx, "12.5", "value"); // 1250n in EUR
 * ```
 */
export function minorOf(ctx: CommandContext, amount: string, path: string): bigint {
  const digits = minorUnits(ctx.config.functionalCurrency);
  try {
    return parseScaled(amount, digits);
  } catch {
    throw new StorekeepError("VALIDATION_FAILED", `${path} ${amount} has more decimals than ${ctx.config.functionalCurrency} allows (${digits}); round it to the minor unit.`, {
      issues: [{ path, message: "not a whole number of minor units", code: "custom" }],
    });
  }
}

/**
 * The value of `quantity` units at `unitCost`, rounded to the minor unit by the configured rule.
 *
 * @example
 * ```ts
 * valueAtUnitCost(ctx, "3", "0.333"); // 100n (0.999 rounded)
 * ```
 */
export function valueAtUnitCost(ctx: CommandContext, quantity: string, unitCost: string): bigint {
  return costAt(unitCostRatio(unitCost, minorUnits(ctx.config.functionalCurrency)), parseScaled(quantity, QUANTITY_DECIMALS), roundingCode(ctx.config.rounding));
}

/**
 * Reads a recorded movement by id.
 *
 * @example
 * ```ts
 * const m = await readMovement(tx, "mv_1");
 * ```
 */
export async function readMovement(tx: CommandContext["tx"], movementId: string): Promise<MovementRecord> {
  const index = await tx.documents.get<{ sku: string; position: string }>(MOVEMENT_INDEX, movementId);
  if (index === undefined) throw new StorekeepError("NOT_FOUND", `Unknown movement "${movementId}".`, { movementId });
  const [entry] = await tx.logs.read<MovementRecord>(MOVEMENTS, index.data.sku, { gte: index.data.position, lte: index.data.position });
  if (entry === undefined) throw new StorekeepError("NOT_FOUND", `Movement "${movementId}" is indexed but not in the ledger.`, { movementId });
  return entry.data;
}

/**
 * The direct stock commands, for hosts without purchasing or sales modules: receive,
 * issue, customer return, supplier return, adjust, scrap, transfer (with stock in
 * transit), receive a transfer, and revalue a receipt.
 *
 * @example
 * ```ts
 * const { receive } = movementCommands(resolveInventoryOptions());
 * await runtime.execute(receive, { sku: "MUG", warehouseId: "wh", quantity: "10", unitCost: "2.5" });
 * ```
 */
export function movementCommands(settings: InventorySettings) {
  const receive = defineCommand({
    name: "inventory.receive",
    input: receiveSchema,
    async handle(ctx, input) {
      const locationId = await resolveLocation(ctx.tx, input.warehouseId, input.locationId);
      const valueMinor = input.value !== undefined ? minorOf(ctx, input.value, "value") : valueAtUnitCost(ctx, input.quantity, input.unitCost!);
      const type = input.counterRole === "opening-balance-equity" ? "opening" : "receipt";
      const draft: MovementDraft = {
        sku: input.sku,
        kind: type === "opening" ? "opening" : "receipt",
        effectiveAt: effectiveInstant(ctx, input),
        quantity: input.quantity,
        warehouseId: input.warehouseId,
        locationId,
        lot: input.lot,
        counterRole: input.counterRole,
        source: { type, id: input.reference ?? ctx.commandId },
        valueMinor,
      };
      const out = await recordMovements(ctx, settings, [draft]);
      return { result: out.movements[0]!, events: out.events };
    },
  });

  const issue = defineCommand({
    name: "inventory.issue",
    input: issueSchema,
    async handle(ctx, input) {
      const locationId = await resolveLocation(ctx.tx, input.warehouseId, input.locationId);
      const fulfilled = await fulfilReservations(ctx, { sku: input.sku, warehouseId: input.warehouseId, quantity: new Decimal(input.quantity), orderId: input.orderId, reservationId: input.reservationId });
      const draft: MovementDraft = {
        sku: input.sku,
        kind: "sale-issue",
        effectiveAt: effectiveInstant(ctx, input),
        quantity: `-${input.quantity}`,
        warehouseId: input.warehouseId,
        locationId,
        lot: input.lot,
        counterRole: input.counterRole,
        source: { type: "shipment", id: input.reference ?? ctx.commandId },
        orderId: input.orderId,
        reservedRelease: canonicalDecimal(fulfilled.released),
      };
      const out = await recordMovements(ctx, settings, [draft]);
      return { result: out.movements[0]!, events: [...fulfilled.events, ...out.events] };
    },
  });

  const returnFromCustomer = defineCommand({
    name: "inventory.returnFromCustomer",
    input: customerReturnSchema,
    async handle(ctx, input) {
      const locationId = await resolveLocation(ctx.tx, input.warehouseId, input.locationId);
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

  const returnToSupplier = defineCommand({
    name: "inventory.returnToSupplier",
    input: supplierReturnSchema,
    async handle(ctx, input) {
      const locationId = await resolveLocation(ctx.tx, input.warehouseId, input.locationId);
      const draft: MovementDraft = {
        sku: input.sku,
        kind: "supplier-return",
        effectiveAt: effectiveInstant(ctx, input),
        quantity: `-${input.quantity}`,
        warehouseId: input.warehouseId,
        locationId,
        lot: input.lot,
        counterRole: "purchase-price-difference",
        source: { type: "supplier-return", id: input.reference ?? ctx.commandId },
      };
      const out = await recordMovements(ctx, settings, [draft]);
      return { result: out.movements[0]!, events: out.events };
    },
  });

  const adjust = defineCommand({
    name: "inventory.adjust",
    input: adjustSchema,
    async handle(ctx, input) {
      const locationId = await resolveLocation(ctx.tx, input.warehouseId, input.locationId);
      const gain = !input.quantity.startsWith("-");
      const draft: MovementDraft = {
        sku: input.sku,
        kind: "adjustment",
        effectiveAt: effectiveInstant(ctx, input),
        quantity: input.quantity,
        warehouseId: input.warehouseId,
        locationId,
        lot: input.lot,
        counterRole: input.reason === "damaged-return" ? "write-off" : "shrinkage",
        source: { type: "adjustment", id: input.reference ?? ctx.commandId },
        reason: input.reason,
        valueMinor: gain && input.unitCost !== undefined ? valueAtUnitCost(ctx, input.quantity, input.unitCost) : undefined,
      };
      const out = await recordMovements(ctx, settings, [draft]);
      return { result: out.movements[0]!, events: out.events };
    },
  });

  const scrap = defineCommand({
    name: "inventory.scrap",
    input: scrapSchema,
    async handle(ctx, input) {
      const locationId = await resolveLocation(ctx.tx, input.warehouseId, input.locationId);
      const draft: MovementDraft = {
        sku: input.sku,
        kind: "scrap",
        effectiveAt: effectiveInstant(ctx, input),
        quantity: `-${input.quantity}`,
        warehouseId: input.warehouseId,
        locationId,
        lot: input.lot,
        counterRole: "write-off",
        source: { type: "adjustment", id: input.reference ?? ctx.commandId },
        reason: "scrap",
      };
      const out = await recordMovements(ctx, settings, [draft]);
      return { result: out.movements[0]!, events: out.events };
    },
  });

  const transfer = defineCommand({
    name: "inventory.transfer",
    input: transferSchema,
    async handle(ctx, input) {
      const from = await resolveLocation(ctx.tx, input.from.warehouseId, input.from.locationId);
      const to = await resolveLocation(ctx.tx, input.to.warehouseId, input.to.locationId);
      if (input.from.warehouseId === input.to.warehouseId && from === to) {
        throw new StorekeepError("VALIDATION_FAILED", "A transfer must move units to another location.", { issues: [{ path: "to", message: "same as from", code: "custom" }] });
      }
      const inTransit = input.inTransit ?? input.from.warehouseId !== input.to.warehouseId;
      const transferId = input.reference ?? ctx.ids.next("tr");
      const draft: MovementDraft = {
        sku: input.sku,
        kind: "transfer",
        effectiveAt: effectiveInstant(ctx, input),
        quantity: "0",
        moved: input.quantity,
        warehouseId: input.from.warehouseId,
        locationId: from,
        lot: input.lot,
        to: { warehouseId: input.to.warehouseId, locationId: to },
        stage: inTransit ? "dispatched" : "direct",
        transferId,
        counterRole: "inventory-in-transit",
        source: { type: "transfer", id: transferId },
      };
      const out = await recordMovements(ctx, settings, [draft]);
      const moved = out.movements[0]!;
      if (inTransit) {
        await ctx.tx.documents.put(
          TRANSFERS,
          transferId,
          { transferId, sku: input.sku, quantity: input.quantity, lot: input.lot ?? null, from: { warehouseId: input.from.warehouseId, locationId: from }, to: { warehouseId: input.to.warehouseId, locationId: to }, valueMinor: parseScaled(moved.amount, minorUnits(ctx.config.functionalCurrency)).toString(), dispatchedAt: moved.effectiveAt, state: "in-transit", arrivedAt: null },
          0,
        );
      }
      return { result: { ...moved, transferId, stage: inTransit ? "dispatched" : "direct" }, events: out.events };
    },
  });

  const receiveTransfer = defineCommand({
    name: "inventory.receiveTransfer",
    input: receiveTransferSchema,
    async handle(ctx, input) {
      const doc = await ctx.tx.documents.getForUpdate<{
        transferId: string;
        sku: string;
        quantity: string;
        lot: string | null;
        from: { warehouseId: string; locationId: string };
        to: { warehouseId: string; locationId: string };
        valueMinor: string;
        dispatchedAt: string;
        state: string;
        arrivedAt: string | null;
      }>(TRANSFERS, input.transferId);
      if (doc === undefined) throw new StorekeepError("NOT_FOUND", `Unknown transfer "${input.transferId}" (only transfers in transit can be received).`, { transferId: input.transferId });
      const t = doc.data;
      if (t.state !== "in-transit") throw new StorekeepError("INVALID_TRANSITION", `Transfer ${t.transferId} already arrived at ${t.arrivedAt}.`, { transferId: t.transferId });
      const effectiveAt = effectiveInstant(ctx, input);
      if (effectiveAt < t.dispatchedAt) throw new StorekeepError("VALIDATION_FAILED", `Transfer ${t.transferId} cannot arrive (${effectiveAt}) before it left (${t.dispatchedAt}).`, { issues: [{ path: "effectiveAt", message: "before dispatch", code: "custom" }] });
      const draft: MovementDraft = {
        sku: t.sku,
        kind: "transfer",
        effectiveAt,
        quantity: "0",
        moved: t.quantity,
        warehouseId: t.from.warehouseId,
        locationId: t.from.locationId,
        lot: t.lot ?? undefined,
        to: t.to,
        stage: "arrived",
        transferId: t.transferId,
        counterRole: "inventory-in-transit",
        source: { type: "transfer", id: t.transferId },
        valueMinor: BigInt(t.valueMinor),
      };
      const out = await recordMovements(ctx, settings, [draft]);
      await ctx.tx.documents.put(TRANSFERS, t.transferId, { ...t, state: "arrived", arrivedAt: effectiveAt }, doc.version);
      return { result: { ...out.movements[0]!, transferId: t.transferId, stage: "arrived" }, events: out.events };
    },
  });

  const revalue = defineCommand({
    name: "inventory.revalueReceipt",
    input: revalueSchema,
    async handle(ctx, input) {
      const receipt = await readMovement(ctx.tx, input.receiptMovementId);
      const draft = await revaluationDraft(ctx, receipt, minorOf(ctx, input.amount, "amount"), input.reason, { type: input.reason === "landed-cost" ? "landed-cost" : "bill", id: input.reference ?? ctx.commandId }, effectiveInstant(ctx, input));
      const out = await recordMovements(ctx, settings, [draft]);
      return { result: out.movements[0]!, events: out.events };
    },
  });

  return { receive, issue, returnFromCustomer, returnToSupplier, adjust, scrap, transfer, receiveTransfer, revalue };
}

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
): Promise<MovementDraft> {
  if (receipt.kind !== "receipt" && receipt.kind !== "opening") {
    throw new StorekeepError("VALIDATION_FAILED", `Movement ${receipt.movementId} is a ${receipt.kind}; only receipts carry price differences and landed costs.`, { issues: [{ path: "receiptMovementId", message: "not a receipt", code: "custom" }] });
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
    revalues: { movementId: receipt.movementId, receiptQty: parseScaled(receipt.quantity, QUANTITY_DECIMALS), amount, againstRole: reason === "landed-cost" ? "landed-cost-clearing" : "purchase-price-difference" },
  };
}

/**
 * How a customer return is valued: at `unitCost` when given; at the cost of the issue it
 * reverses (named, or the order's last issue of the SKU); else at the current cost.
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
): Promise<{ valueMinor?: bigint; costOf?: string }> {
  if (unitCost !== undefined) return { valueMinor: valueAtUnitCost(ctx, quantity, unitCost) };
  let issueId = issueMovementId;
  if (issueId === undefined && orderId !== undefined) {
    const found = await ctx.tx.documents.find<{ movementId: string; kind: string; position: string }>(MOVEMENT_INDEX, { index: "byOrder", equals: [orderId, sku], limit: 1000 });
    const issues = found.filter((d) => d.data.kind === "sale-issue").sort((a, b) => (a.data.position < b.data.position ? 1 : -1));
    issueId = issues[0]?.data.movementId;
  }
  if (issueId === undefined) return {};
  const issue = await readMovement(ctx.tx, issueId);
  if (issue.sku !== sku) throw new StorekeepError("VALIDATION_FAILED", `Movement ${issueId} issued ${issue.sku}, not ${sku}.`, { issues: [{ path: "issueMovementId", message: "another SKU", code: "custom" }] });
  // The value at the issue's current booked cost is set as a fallback; re-derivation recomputes it from `costOf`.
  const position = movementPosition(issue.effectiveAt, issue.movementId);
  const cost = BigInt((await valuationHistory(ctx.tx, sku, position, issue.movementId)).at(-1)?.amount ?? "0");
  const issuedQty = parseScaled(issue.quantity.replace("-", ""), QUANTITY_DECIMALS);
  const q = parseScaled(quantity, QUANTITY_DECIMALS);
  if (q > issuedQty) return { costOf: issueId };
  const valueMinor = q === issuedQty ? cost : costAt({ value: cost, qty: issuedQty }, q, roundingCode(ctx.config.rounding));
  return { valueMinor, costOf: issueId };
}
