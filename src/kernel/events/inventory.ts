import { z } from "zod";
import { BOUNDS } from "../bounds.js";
import { Decimal, canonicalDecimal } from "../decimal.js";
import { localDateSchema } from "../local-date.js";
import { accountRoleSchema, stockCounterRoleSchema } from "./account-roles.js";
import { checkCurrency, refined } from "./checks.js";
import { idString, instantString, nonZeroAmountJson, positiveQuantityString, postedAmountJson, quantityString, signedAmountJson } from "./fields.js";
import { documentIdField, locationIdField, lotField, movementIdField, orderIdField, reservationIdField, skuField, warehouseIdField } from "./ids.js";

/*
 * Inventory's events. Inventory alone emits stock-value events; each is in the FUNCTIONAL
 * currency, names its `source` (the document or process that caused it) and the role of
 * the account on the other side of `inventory`, so finance posts it without reading any
 * stock state.
 *
 * Sign convention (stated once, used by every signed amount in the catalog's stock-value
 * events): DEBIT POSITIVE. A positive amount debits the role it is attached to, a
 * negative amount credits it. Unsigned amounts (`value`, `cost`) are magnitudes whose
 * direction the event's posting rule states.
 */

/**
 * What caused a stock movement or revaluation.
 *
 * @example
 * ```ts
 * STOCK_SOURCE_TYPES.includes("receipt"); // true
 * ```
 */
export const STOCK_SOURCE_TYPES = [
  "receipt",
  "shipment",
  "customer-return",
  "supplier-return",
  "adjustment",
  "transfer",
  "opening",
  "bill",
  "landed-cost",
  "backdate",
  "true-up",
  "standard-cost-change",
  "supplier-payment",
] as const;

/**
 * The source of a stock-value event: the kind of document or process and its id
 * (`lineId` when one line of it). Its `type` tells finance which posting rule applies.
 *
 * @example
 * ```ts
 * stockSourceSchema.parse({ type: "shipment", id: "shp_1", lineId: "l1" });
 * ```
 */
export const stockSourceSchema = z.object({
  type: z.enum(STOCK_SOURCE_TYPES),
  id: idString,
  lineId: idString.exactOptional(),
});

/**
 * A source of a stock-value event: the document that moved the stock.
 *
 * @example
 * ```ts
 * const source: StockSource = { type: "receipt", id: "grn_1" };
 * ```
 */
export type StockSource = z.output<typeof stockSourceSchema>;

/**
 * `StockReceived` (v1): units entered stock at a location (a purchase receipt, a
 * restocked customer return, opening stock, a found unit). `value` is what `inventory` is
 * debited with (functional); the counter-account named by `counterAccountRole` is credited
 * with `counterValue` when given (standard cost: the order price), else with `value`.
 *
 * Posting: Dr `inventory` value / Cr counterAccountRole (counterValue ?? value); when
 * counterValue differs, Dr `purchase-price-variance` counterValue − value (a credit when
 * negative). Typical roles: `grni` (source `receipt`), `cogs` (`customer-return`, at the
 * cost the units left with), `opening-balance-equity` (`opening`).
 *
 * @example
 * ```ts
 * stockReceivedSchema.parse({
 *   movementId: "mv_1", sku: "MUG-RED", warehouseId: "wh_main", locationId: "wh_main/A1", quantity: "100",
 *   value: { amount: "230", currency: "EUR" }, counterAccountRole: "grni",
 *   effectiveAt: "2026-11-20T09:00:00.000Z", source: { type: "receipt", id: "grn_1", lineId: "l1" },
 * });
 * ```
 */
export const stockReceivedSchema = refined(
  z.object({
    movementId: movementIdField,
    sku: skuField,
    warehouseId: warehouseIdField,
    locationId: locationIdField,
    lot: lotField.exactOptional(),
    quantity: positiveQuantityString,
    value: postedAmountJson,
    counterAccountRole: stockCounterRoleSchema,
    counterValue: postedAmountJson.exactOptional(),
    effectiveAt: instantString,
    source: stockSourceSchema,
  }),
  (movement, ctx) => {
    checkCurrency(ctx, movement.value.currency, [[["counterValue"], movement.counterValue]]);
  });

/**
 * `StockIssued` (v1): units left stock at their valuation cost (a shipment, a return to
 * the supplier, an issue into negative stock at the last known cost).
 *
 * Posting: Dr counterAccountRole cost / Cr `inventory` cost. Typical roles: `cogs` (source
 * `shipment`), `purchase-price-difference` (`supplier-return`).
 *
 * @example
 * ```ts
 * stockIssuedSchema.parse({
 *   movementId: "mv_2", sku: "MUG-RED", warehouseId: "wh_main", locationId: "wh_main/A1", quantity: "2",
 *   cost: { amount: "4.6", currency: "EUR" }, counterAccountRole: "cogs",
 *   effectiveAt: "2026-11-27T10:00:00.000Z", source: { type: "shipment", id: "shp_1", lineId: "l1" },
 * });
 * ```
 */
export const stockIssuedSchema = z.object({
  movementId: movementIdField,
  sku: skuField,
  warehouseId: warehouseIdField,
  locationId: locationIdField,
  lot: lotField.exactOptional(),
  quantity: positiveQuantityString,
  cost: postedAmountJson,
  counterAccountRole: stockCounterRoleSchema,
  effectiveAt: instantString,
  source: stockSourceSchema,
});

const place = z.object({ warehouseId: warehouseIdField, locationId: locationIdField });

/**
 * `StockTransferred` (v1): units moved between locations or warehouses at `value`
 * (valuation is per SKU for the whole shop, so a transfer changes no cost). `stage`:
 * `"direct"` — moved in one step, no posting; `"dispatched"` — left `from` and are in
 * transit to `to`: Dr `inventory-in-transit` / Cr `inventory` value; `"arrived"` —
 * reached `to`: Dr `inventory` / Cr `inventory-in-transit` value. `transferId` ties the
 * two stages of one transfer together.
 *
 * @example
 * ```ts
 * stockTransferredSchema.parse({
 *   movementId: "mv_3", transferId: "tr_1", sku: "MUG-RED", quantity: "10", stage: "direct",
 *   from: { warehouseId: "wh_main", locationId: "wh_main/A1" }, to: { warehouseId: "wh_main", locationId: "wh_main/B2" },
 *   value: { amount: "23", currency: "EUR" },
 *   effectiveAt: "2026-11-21T08:00:00.000Z", source: { type: "transfer", id: "tr_1" },
 * });
 * ```
 */
export const stockTransferredSchema = refined(
  z.object({
    movementId: movementIdField,
    transferId: documentIdField.exactOptional(),
    sku: skuField,
    lot: lotField.exactOptional(),
    from: place,
    to: place,
    quantity: positiveQuantityString,
    value: postedAmountJson,
    stage: z.enum(["direct", "dispatched", "arrived"]),
    effectiveAt: instantString,
    source: stockSourceSchema,
  }),
  (transfer, ctx) => {
    if (transfer.from.warehouseId === transfer.to.warehouseId && transfer.from.locationId === transfer.to.locationId) {
      ctx.addIssue({ code: "custom", path: ["to"], message: "must differ from `from`: a transfer moves units somewhere else" });
    }
  });

/**
 * Why stock was adjusted.
 *
 * @example
 * ```ts
 * stockAdjustmentReasonSchema.parse("count");
 * ```
 */
export const stockAdjustmentReasonSchema = z.enum(["count", "scrap", "damaged-return", "other"]);

/**
 * `StockAdjusted` (v1): on-hand quantity changed without a document (a count difference,
 * scrap, a damaged return written off). `quantity` and `value` are signed: positive =
 * a gain (units and value into stock), negative = a loss; `value` is zero or has the
 * sign of `quantity`.
 *
 * Posting (DEBIT POSITIVE on `inventory`): Dr `inventory` value / Cr counterAccountRole
 * value — for a loss (negative value) that is Dr counterAccountRole / Cr `inventory`.
 * Typical roles: `shrinkage` (count), `write-off` (scrap, damaged-return).
 *
 * @example
 * ```ts
 * stockAdjustedSchema.parse({
 *   movementId: "mv_4", sku: "MUG-RED", warehouseId: "wh_main", locationId: "wh_main/A1",
 *   quantity: "-1", value: { amount: "-2.3", currency: "EUR" }, reason: "count", counterAccountRole: "shrinkage",
 *   effectiveAt: "2026-11-30T18:00:00.000Z", source: { type: "adjustment", id: "cnt_1" },
 * });
 * ```
 */
export const stockAdjustedSchema = refined(
  z.object({
    movementId: movementIdField,
    sku: skuField,
    warehouseId: warehouseIdField,
    locationId: locationIdField,
    lot: lotField.exactOptional(),
    quantity: quantityString,
    value: signedAmountJson,
    reason: stockAdjustmentReasonSchema,
    counterAccountRole: stockCounterRoleSchema,
    effectiveAt: instantString,
    source: stockSourceSchema,
  }),
  (adjustment, ctx) => {
    const value = new Decimal(adjustment.value.amount);
    if (!value.isZero() && value.isNegative() !== new Decimal(adjustment.quantity).isNegative()) {
      ctx.addIssue({ code: "custom", path: ["value"], message: "must have the sign of quantity (a gain adds value, a loss removes it) or be zero" });
    }
  });

/**
 * Why stock was revalued.
 *
 * @example
 * ```ts
 * stockRevaluationReasonSchema.parse("landed-cost");
 * ```
 */
export const stockRevaluationReasonSchema = z.enum(["price-difference", "landed-cost", "backdated", "negative-stock-true-up", "standard-cost-change"]);

/**
 * One posting of a revaluation: a signed functional amount (DEBIT POSITIVE) on an account
 * role, optionally naming the movement it corrects and the business date it belongs to
 * (default: the event's `effectiveDate`). Never zero.
 *
 * @example
 * ```ts
 * revaluationPostingSchema.parse({ role: "cogs", amount: { amount: "-1.2", currency: "EUR" }, movementId: "mv_2", date: "2026-11-27" });
 * ```
 */
export const revaluationPostingSchema = z.object({
  role: accountRoleSchema,
  amount: nonZeroAmountJson,
  movementId: movementIdField.exactOptional(),
  date: localDateSchema.exactOptional(),
});

/**
 * `StockRevalued` (v1): the value of stock already booked changed, and inventory computed
 * the split: for a price difference or landed cost under FIFO or moving average, the
 * part still on hand to `inventory` and the part sold to `cogs`, against
 * `purchase-price-difference` or `landed-cost-clearing`; under standard cost,
 * `purchase-price-variance` against `purchase-price-difference`; for a back-dated
 * movement, `inventory` against the counter-account of each affected movement, dated
 * at that movement's date (aggregated per day and counter-account).
 *
 * `postings` are signed functional amounts, DEBIT POSITIVE, in one currency; the
 * postings of each date (a posting without `date` belongs to the event's
 * `effectiveDate`) sum to exactly zero, so finance books one balanced entry per date by
 * mapping roles to accounts.
 *
 * @example
 * ```ts
 * stockRevaluedSchema.parse({
 *   revaluationId: "rv_1", sku: "MUG-RED", reason: "price-difference", source: { type: "bill", id: "bill_1" },
 *   postings: [
 *     { role: "inventory", amount: { amount: "8", currency: "EUR" } },
 *     { role: "cogs", amount: { amount: "2", currency: "EUR" } },
 *     { role: "purchase-price-difference", amount: { amount: "-10", currency: "EUR" } },
 *   ],
 * });
 * ```
 */
export const stockRevaluedSchema = refined(
  z.object({
    revaluationId: documentIdField,
    sku: skuField,
    reason: stockRevaluationReasonSchema,
    source: stockSourceSchema,
    postings: z
      .array(revaluationPostingSchema)
      .min(2, { message: "needs at least two postings (a debit and a credit)" })
      .max(BOUNDS.lines, { message: `allows at most ${BOUNDS.lines} postings` }),
  }),
  (revaluation, ctx) => {
    const first = revaluation.postings[0];
    if (first === undefined) return;
    const currency = first.amount.currency;
    checkCurrency(ctx, currency, revaluation.postings.map((posting, index) => [["postings", index, "amount"], posting.amount] as const));
    const sums = new Map<string, Decimal>();
    for (const posting of revaluation.postings) {
      if (posting.amount.currency !== currency) return;
      const key = posting.date ?? "";
      sums.set(key, (sums.get(key) ?? new Decimal(0)).plus(posting.amount.amount));
    }
    for (const [date, sum] of sums) {
      if (!sum.isZero()) {
        const which = date === "" ? "the postings without a date" : `the postings dated ${date}`;
        ctx.addIssue({ code: "custom", path: ["postings"], message: `${which} must sum to zero (debit positive, credit negative) but sum to ${canonicalDecimal(sum)} ${currency}` });
      }
    }
  });

/**
 * `StockReserved` (v1): units were held for demand at a warehouse. `soft` holds expire at
 * `expiresAt`; `hard` holds stay until released or fulfilled. Not posted.
 *
 * @example
 * ```ts
 * stockReservedSchema.parse({
 *   reservationId: "res_1", sku: "MUG-RED", warehouseId: "wh_main", quantity: "2", kind: "soft",
 *   expiresAt: "2026-11-27T10:15:00.000Z", orderId: "ord_1", lineId: "l1",
 * });
 * ```
 */
export const stockReservedSchema = z.object({
  reservationId: reservationIdField,
  sku: skuField,
  warehouseId: warehouseIdField,
  quantity: positiveQuantityString,
  kind: z.enum(["soft", "hard"]),
  expiresAt: instantString.exactOptional(),
  orderId: orderIdField.exactOptional(),
  lineId: idString.exactOptional(),
  /** The lot held, when the customer needs a particular lot. */
  lot: lotField.exactOptional(),
});

/**
 * `ReservationReleased` (v1): held units stopped being held — released by hand, expired,
 * fulfilled by a shipment, or cancelled with the order. Not posted.
 *
 * @example
 * ```ts
 * reservationReleasedSchema.parse({ reservationId: "res_1", sku: "MUG-RED", warehouseId: "wh_main", quantity: "2", reason: "fulfilled", orderId: "ord_1" });
 * ```
 */
export const reservationReleasedSchema = z.object({
  reservationId: reservationIdField,
  sku: skuField,
  warehouseId: warehouseIdField,
  quantity: positiveQuantityString,
  reason: z.enum(["released", "expired", "fulfilled", "cancelled"]),
  orderId: orderIdField.exactOptional(),
});
