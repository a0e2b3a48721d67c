import { z } from "zod";
import { defineLibraryCommand } from "../runner/library.js";
import { instantString } from "../kernel/events/fields.js";
import { CUSTOMERS, type ConsentRecord, activeCustomer } from "./customer.js";
import { strictInput } from "../kernel/strict-input.js";

export const recordConsentSchema = strictInput({
  customerId: z.string().min(1).max(200),
  /** The marketing channel: `email`, `sms`, `phone`, `post`, or a shop's own. */
  channel: z.string().regex(/^[a-z][a-z0-9-]{0,39}$/, "a lower-case channel name such as email, sms, phone, post"),
  granted: z.boolean(),
  /** How it was given or withdrawn: "checkout checkbox", "unsubscribe link", … */
  source: z.string().min(1).max(200),
  /** When (default: now). */
  at: instantString.optional(),
});

/**
 * Records marketing consent given or withdrawn for one channel, with when and how. The
 * full history is kept; the latest decision per channel is the customer's consent.
 *
 * @example
 * ```ts
 * await runtime.execute(recordConsent, { customerId: "cus_1", channel: "email", granted: true, source: "checkout checkbox" });
 * ```
 */
export const recordConsent = defineLibraryCommand({
  name: "crm.recordConsent",
  input: recordConsentSchema,
  async handle(ctx, input) {
    const { doc, version } = await activeCustomer(ctx.tx, input.customerId);
    // Keyed by the recording command's id, so a split after a merge tells it from a decision of the source alike in every field.
    const record: ConsentRecord = { id: ctx.commandId, channel: input.channel, granted: input.granted, at: input.at ?? ctx.now.toISOString(), source: input.source };
    await ctx.tx.documents.put(CUSTOMERS, doc.customerId, { ...doc, consent: [...doc.consent, record] } as never, version);
    return { result: { customerId: doc.customerId, channel: input.channel, granted: input.granted } };
  },
});

/** The latest consent decision per channel (by `at`, then by record order). */
export function currentConsent(records: readonly ConsentRecord[]): Record<string, ConsentRecord> {
  const out: Record<string, ConsentRecord> = {};
  for (const r of records) {
    const prev = out[r.channel];
    if (!prev || r.at >= prev.at) out[r.channel] = r;
  }
  return out;
}
