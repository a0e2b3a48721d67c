import { type NewEvent } from "../runner/command.js";
import { defineLibraryCommand } from "../runner/library.js";
import { insertDocuments, lockDocuments } from "../runner/batch-documents.js";
import type { JsonObject } from "../ports/storage.js";
import { localDateSchema } from "../kernel/local-date.js";
import { SEGMENTS } from "./customer.js";
import type { CrmOptions } from "./options.js";
import { segmentsAsOf } from "./reports.js";
import { strictInput } from "../kernel/strict-input.js";

export const refreshSegmentsSchema = strictInput({ asOf: localDateSchema });

/**
 * Recomputes every customer's RFM segment as of a date from CRM's order projection
 * (purchases net of cancellations and returns), stores it, and emits
 * `CustomerSegmentChanged` for each customer whose segment changed.
 *
 * @example
 * ```ts
 * const { changed } = await runtime.execute(refreshSegments, { asOf: "2026-11-30" });
 * ```
 */
export const refreshSegments = defineLibraryCommand({
  name: "crm.refreshSegments",
  input: refreshSegmentsSchema,
  async handle(ctx, input) {
    const grid = (ctx.options["crm"] as CrmOptions | undefined)?.grid;
    const scores = await segmentsAsOf(ctx.tx, input.asOf, { rates: ctx.rates, functionalCurrency: ctx.config.functionalCurrency }, grid);
    // Locked together (a SQL store then sends their updates in one statement) and new ones
    // inserted together: a refresh of many customers makes a few round trips, not one each.
    const stored = await lockDocuments<{ segment: string; cell: string; asOf: string }>(ctx.tx, SEGMENTS, scores.map((s) => s.customerId));
    const byId = new Map(stored.map((d) => [d.id, d]));
    const events: NewEvent[] = [];
    const created: { id: string; data: JsonObject }[] = [];
    for (const s of scores) {
      const prev = byId.get(s.customerId);
      if (prev && prev.data.segment === s.segment && prev.data.cell === s.cell) continue;
      const data = { segment: s.segment, cell: s.cell, asOf: input.asOf };
      if (prev === undefined) created.push({ id: s.customerId, data });
      else await ctx.tx.documents.put(SEGMENTS, s.customerId, data, prev.version);
      if (!prev || prev.data.segment !== s.segment) {
        events.push({ type: "CustomerSegmentChanged", aggregateType: "customer", aggregateId: s.customerId, effectiveDate: input.asOf, payload: { customerId: s.customerId, from: prev?.data.segment ?? null, to: s.segment, cell: s.cell, asOf: input.asOf } });
      }
    }
    await insertDocuments(ctx.tx, SEGMENTS, created);
    return { result: { customers: scores.length, changed: events.length }, events };
  },
});
