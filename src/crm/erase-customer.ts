import { z } from "zod";
import { defineLibraryCommand } from "../runner/library.js";
import { StorekeepError } from "../kernel/errors.js";
import type { Transaction } from "../ports/storage.js";
import { CUSTOMERS, type CustomerDoc, MERGES, TIMELINE, contactKeys, resolveCustomerId, writeContactKeys } from "./customer.js";
import { strictInput } from "../kernel/strict-input.js";

/**
 * Deletes the merge records of every customer merged (directly or through a chain) into
 * `customerId`: they hold the merged customers' personal data as it was, for an unmerge that
 * erasure rules out.
 */
async function eraseMergeRecords(tx: Transaction, customerId: string): Promise<void> {
  const pending = [customerId];
  for (let target = pending.pop(); target !== undefined; target = pending.pop()) {
    for (;;) {
      const page = await tx.documents.find(MERGES, { index: "byTarget", equals: [target], limit: 500 });
      if (page.length === 0) break;
      for (const d of page) {
        pending.push(d.id);
        await tx.documents.delete(MERGES, d.id, d.version);
      }
    }
  }
}

export const eraseCustomerSchema = strictInput({ customerId: z.string().min(1).max(200) });

/**
 * Erases a customer's personal data on request (GDPR art. 17): name, e-mails, phones,
 * addresses, tags, groups and consent records leave the customer document, contact keys
 * are deleted, and the timeline keeps only ids, kinds, instants and amounts (subjects and
 * bodies removed). Events and the books never held personal data, so orders, invoices and
 * every report stay as they were. Emits `CustomerErased`. Erasing twice is a no-op.
 *
 * @example
 * ```ts
 * await runtime.execute(eraseCustomer, { customerId: "cus_1" });
 * ```
 */
export const eraseCustomer = defineLibraryCommand({
  name: "crm.eraseCustomer",
  input: eraseCustomerSchema,
  async handle(ctx, input) {
    const customerId = await resolveCustomerId(ctx.tx, input.customerId);
    const stored = await ctx.tx.documents.getForUpdate<CustomerDoc>(CUSTOMERS, customerId);
    if (!stored) throw new StorekeepError("NOT_FOUND", `Customer ${input.customerId} does not exist.`, { customerId: input.customerId });
    if (stored.data.status === "erased") return { result: { customerId, timelineEntries: 0 } };
    const doc = stored.data;
    const erased: CustomerDoc = { ...doc, status: "erased", name: null, emails: [], phones: [], addresses: [], tags: [], groups: [], consent: [] };
    await ctx.tx.documents.put(CUSTOMERS, customerId, erased as never, stored.version);
    await writeContactKeys(ctx.tx, customerId, contactKeys(doc), []);
    await eraseMergeRecords(ctx.tx, customerId);
    let redacted = 0;
    let after: { values: string[]; id: string } | undefined;
    for (;;) {
      const page = await ctx.tx.documents.find(TIMELINE, { index: "byCustomer", equals: [customerId], limit: 500, ...(after ? { after } : {}) });
      if (page.length === 0) break;
      for (const d of page) {
        if (d.data["subject"] !== null || d.data["body"] !== null) {
          await ctx.tx.documents.put(TIMELINE, d.id, { ...d.data, subject: null, body: null, redacted: true }, d.version);
          redacted++;
        }
      }
      const last = page[page.length - 1]!;
      after = { values: [customerId, String(last.data["at"])], id: last.id };
    }
    return {
      result: { customerId, timelineEntries: redacted },
      events: [{ type: "CustomerErased", aggregateType: "customer", aggregateId: customerId, effectiveDate: ctx.today, payload: { customerId } }],
    };
  },
});
