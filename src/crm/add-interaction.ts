import { z } from "zod";
import { defineLibraryCommand } from "../runner/library.js";
import { StorekeepError } from "../kernel/errors.js";
import { instantString } from "../kernel/events/fields.js";
import { TIMELINE, type TimelineEntry, activeCustomer } from "./customer.js";
import { strictInput } from "../kernel/strict-input.js";

export const addInteractionSchema = strictInput({
  customerId: z.string().min(1).max(200),
  /** `message`, `ticket`, `campaign-touch`, `note`, or a shop's own kind. */
  kind: z.string().regex(/^[a-z][a-z0-9-]{0,39}$/, "a lower-case kind such as message, ticket, campaign-touch, note"),
  /** An id of the shop's record (default: a new id). Recording the same id twice is refused. */
  entryId: z.string().min(1).max(200).regex(/^[^|]+$/).optional(),
  at: instantString.optional(),
  channel: z.string().max(40).optional(),
  campaignId: z.string().max(200).optional(),
  subject: z.string().max(500).optional(),
  body: z.string().max(20_000).optional(),
});

/**
 * Adds a record of the shop's to a customer's timeline: a message, a support ticket, a
 * campaign touch, a note. Subject and body are personal data (erasure removes them).
 *
 * @example
 * ```ts
 * await runtime.execute(addInteraction, { customerId: "cus_1", kind: "ticket", subject: "Parcel late", channel: "email" });
 * ```
 */
export const addInteraction = defineLibraryCommand({
  name: "crm.addInteraction",
  input: addInteractionSchema,
  async handle(ctx, input) {
    const { doc } = await activeCustomer(ctx.tx, input.customerId);
    const entryId = `shop:${input.entryId ?? ctx.ids.next("int")}`;
    if (await ctx.tx.documents.get(TIMELINE, entryId)) throw new StorekeepError("ALREADY_EXISTS", `Timeline entry ${input.entryId} was already recorded.`, { entryId: input.entryId });
    const entry: TimelineEntry = {
      entryId,
      customerId: doc.customerId,
      at: input.at ?? ctx.now.toISOString(),
      kind: input.kind,
      source: "shop",
      eventType: null,
      orderId: null,
      amount: null,
      channel: input.channel ?? null,
      campaignId: input.campaignId ?? null,
      subject: input.subject ?? null,
      body: input.body ?? null,
      redacted: false,
    };
    await ctx.tx.documents.put(TIMELINE, entryId, entry as never, 0);
    return { result: { entryId, customerId: doc.customerId } };
  },
});
