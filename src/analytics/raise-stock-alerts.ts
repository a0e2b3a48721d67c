import { z } from "zod";
import type { JsonObject } from "../ports/storage.js";
import { defineLibraryCommand } from "../runner/library.js";
import { stockAlertRaisedSchema } from "./events.js";

/**
 * `analytics.raiseStockAlerts`: records alerts as `StockAlertRaised` events (the scheduled
 * stock-alert rules run it under their slot's idempotency key, so a slot raises once).
 *
 * @example
 * ```ts
 * await runtime.execute(raiseStockAlerts, { alerts: [alert] }, { idempotencyKey: "rule:inventory.low-stock-alerts:2026-03-02" });
 * ```
 */
export const raiseStockAlerts = defineLibraryCommand({
  name: "analytics.raiseStockAlerts",
  input: z.object({ alerts: z.array(stockAlertRaisedSchema).max(5_000) }),
  async handle(_ctx, input) {
    return {
      result: { raised: input.alerts.length },
      events: input.alerts.map((alert) => ({ type: "StockAlertRaised", aggregateType: "sku", aggregateId: alert.sku, effectiveDate: alert.asOf, payload: alert as unknown as JsonObject })),
    };
  },
});
