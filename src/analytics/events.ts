/**
 * Analytics' part of the event catalog (the facade adds it, as it adds CRM's): alerts the
 * scheduled rules raise. Ids and figures only.
 */
import { z } from "zod";
import { defineEvent } from "../kernel/events/catalog.js";
import { idString } from "../kernel/events/fields.js";
import { localDateSchema } from "../kernel/local-date.js";

const decimalText = z.string().regex(/^-?\d{1,15}(\.\d{1,6})?$/);

/**
 * `StockAlertRaised` (v1): a scheduled rule found a SKU that needs a person's attention:
 * `low-stock` (on hand at or below its threshold) or `dead-stock` (on hand, nothing shipped
 * for `days` days). `slot` is the rule's time slot (one alert per SKU, kind and slot).
 *
 * @example
 * ```ts
 * stockAlertRaisedSchema.parse({ kind: "low-stock", sku: "MUG", onHand: "2", threshold: "5", value: "8.00", asOf: "2026-03-02", rule: "inventory.low-stock-alerts", slot: "2026-03-02" });
 * ```
 */
export const stockAlertRaisedSchema = z.object({
  kind: z.enum(["low-stock", "dead-stock"]),
  sku: idString,
  onHand: decimalText,
  threshold: decimalText.optional(),
  days: z.number().int().min(1).max(3_650).optional(),
  value: decimalText,
  asOf: localDateSchema,
  rule: z.string().min(1).max(100),
  slot: z.string().min(1).max(40),
});

/**
 * Analytics' event definitions, for `eventCatalog.extend(analyticsEventDefinitions)`; the
 * facade adds them to its catalog.
 *
 * @example
 * ```ts
 * import { analyticsEventDefinitions, eventCatalog } from "storekeep";
 * const catalog = eventCatalog.extend(analyticsEventDefinitions);
 * ```
 */
export const analyticsEventDefinitions = {
  StockAlertRaised: defineEvent({ schema: stockAlertRaisedSchema }),
};
