/**
 * CRM's part of the event catalog, added through the catalog's `extend`. CRM events carry
 * ids only, never personal data (names, e-mails, phones live only in CRM documents, so
 * erasure never has to rewrite the outbox).
 */
import { z } from "zod";
import { defineEvent } from "../kernel/events/catalog.js";
import { idString } from "../kernel/events/fields.js";
import { localDateSchema } from "../kernel/local-date.js";

/**
 * `CustomerSegmentChanged` (v1): a customer's RFM segment changed at a segment refresh
 * (`from` null: the customer's first segment).
 *
 * @example
 * ```ts
 * customerSegmentChangedSchema.parse({ customerId: "cus_1", from: "promising", to: "champions", cell: "54", asOf: "2026-11-27" });
 * ```
 */
export const customerSegmentChangedSchema = z.object({
  customerId: idString,
  from: z.string().min(1).max(100).nullable(),
  to: z.string().min(1).max(100),
  cell: z.string().regex(/^[1-5][1-5]$/),
  asOf: localDateSchema,
});

/**
 * `CustomerMerged` (v1): customer `sourceId` was merged into `targetId`; its history
 * moved and its id now resolves to `targetId`.
 *
 * @example
 * ```ts
 * customerMergedSchema.parse({ sourceId: "cus_2", targetId: "cus_1" });
 * ```
 */
export const customerMergedSchema = z.object({ sourceId: idString, targetId: idString });

/**
 * `CustomerUnmerged` (v1): the merge of `sourceId` into `targetId` was undone; `sourceId`
 * is a customer of its own again, with the history the merge had moved.
 *
 * @example
 * ```ts
 * customerUnmergedSchema.parse({ sourceId: "cus_2", targetId: "cus_1" });
 * ```
 */
export const customerUnmergedSchema = z.object({ sourceId: idString, targetId: idString });

/**
 * `CustomerErased` (v1): a customer's personal data was erased on request (GDPR art. 17).
 *
 * @example
 * ```ts
 * customerErasedSchema.parse({ customerId: "cus_1" });
 * ```
 */
export const customerErasedSchema = z.object({ customerId: idString });

/**
 * CRM's event definitions, for `eventCatalog.extend(crmEventDefinitions)`; the facade adds
 * them to its catalog.
 *
 * @example
 * ```ts
 * import { crmEventDefinitions, eventCatalog } from "storekeep";
 * const catalog = eventCatalog.extend(crmEventDefinitions);
 * ```
 */
export const crmEventDefinitions = {
  CustomerSegmentChanged: defineEvent({ schema: customerSegmentChangedSchema }),
  CustomerMerged: defineEvent({ schema: customerMergedSchema }),
  CustomerErased: defineEvent({ schema: customerErasedSchema }),
  CustomerUnmerged: defineEvent({ schema: customerUnmergedSchema }),
};
