import { z } from "zod";
import { defineLibraryCommand } from "../runner/library.js";
import { StorekeepError } from "../kernel/errors.js";
import type { Transaction } from "../ports/storage.js";
import { ALIASES, CUSTOMERS, type CustomerDoc, MERGES, ORDERS, SEGMENTS, TIMELINE, activeCustomer, contactKeys, writeContactKeys } from "./customer.js";
import { strictInput } from "../kernel/strict-input.js";

export const mergeCustomersSchema = strictInput({ sourceId: z.string().min(1).max(200), targetId: z.string().min(1).max(200) });

function union<T>(a: readonly T[], b: readonly T[], key: (x: T) => string): T[] {
  const seen = new Set(a.map(key));
  return [...a, ...b.filter((x) => !seen.has(key(x)))];
}

/** Re-points every document of `collection` indexed by customer from `from` to `to`; returns the ids moved. */
async function movePointers(tx: Transaction, collection: string, from: string, to: string): Promise<string[]> {
  const moved: string[] = [];
  for (;;) {
    const page = await tx.documents.find(collection, { index: "byCustomer", equals: [from], limit: 500 });
    if (page.length === 0) return moved;
    for (const d of page) {
      await tx.documents.put(collection, d.id, { ...d.data, customerId: to }, d.version);
      moved.push(d.id);
    }
  }
}

/**
 * What a merge changed, kept (id = the source) so `unmergeCustomer` can undo it: the source
 * as it was, the target's contact fields before, and the timeline entries and orders moved.
 * Personal data, like the customer documents: erasure deletes it.
 */
export type MergeRecord = {
  readonly sourceId: string;
  readonly targetId: string;
  readonly mergedAt: string;
  readonly source: CustomerDoc;
  readonly targetBefore: Pick<CustomerDoc, "name" | "emails" | "phones" | "addresses" | "tags" | "groups" | "consent" | "createdAt">;
  readonly timeline: readonly string[];
  readonly orders: readonly string[];
};

/**
 * Merges customer `sourceId` into `targetId`: contacts, addresses, tags, groups and the
 * consent history move to the target, and so do the timeline and the order history; the
 * source id then resolves to the target through the alias table (so do ids merged into
 * the source before). A merge record keeps what moved, so `unmergeCustomer` can split the
 * two again. Emits `CustomerMerged`.
 *
 * @example
 * ```ts
 * await runtime.execute(mergeCustomers, { sourceId: "cus_2", targetId: "cus_1" });
 * ```
 */
export const mergeCustomers = defineLibraryCommand({
  name: "crm.mergeCustomers",
  input: mergeCustomersSchema,
  async handle(ctx, input) {
    const source = await activeCustomer(ctx.tx, input.sourceId);
    const target = await activeCustomer(ctx.tx, input.targetId);
    const s = source.doc;
    const t = target.doc;
    if (s.customerId === t.customerId) throw new StorekeepError("INVALID_TRANSITION", `${input.sourceId} and ${input.targetId} are already the same customer.`, { sourceId: input.sourceId, targetId: input.targetId });
    const merged: CustomerDoc = {
      ...t,
      name: t.name ?? s.name,
      emails: union(t.emails, s.emails, (e) => e.normalised),
      phones: union(t.phones, s.phones, (p) => p.e164),
      addresses: union(t.addresses, s.addresses, (a) => JSON.stringify(a)),
      tags: union(t.tags, s.tags, (x) => x),
      groups: union(t.groups, s.groups, (x) => x),
      consent: [...t.consent, ...s.consent].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0)),
      createdAt: t.createdAt < s.createdAt ? t.createdAt : s.createdAt,
    };
    const emptied: CustomerDoc = { ...s, status: "merged", mergedInto: t.customerId, name: null, emails: [], phones: [], addresses: [], tags: [], groups: [], consent: [] };
    await ctx.tx.documents.put(CUSTOMERS, t.customerId, merged as never, target.version);
    await ctx.tx.documents.put(CUSTOMERS, s.customerId, emptied as never, source.version);
    await writeContactKeys(ctx.tx, s.customerId, contactKeys(s), []);
    await writeContactKeys(ctx.tx, t.customerId, contactKeys(t), contactKeys(merged));
    await ctx.tx.documents.put(ALIASES, s.customerId, { customerId: t.customerId }, 0);
    const timeline = await movePointers(ctx.tx, TIMELINE, s.customerId, t.customerId);
    const orders = await movePointers(ctx.tx, ORDERS, s.customerId, t.customerId);
    const record: MergeRecord = {
      sourceId: s.customerId,
      targetId: t.customerId,
      mergedAt: ctx.now.toISOString(),
      source: s,
      targetBefore: { name: t.name, emails: t.emails, phones: t.phones, addresses: t.addresses, tags: t.tags, groups: t.groups, consent: t.consent, createdAt: t.createdAt },
      timeline,
      orders,
    };
    const prior = await ctx.tx.documents.get(MERGES, s.customerId);
    await ctx.tx.documents.put(MERGES, s.customerId, record as never, prior?.version ?? 0);
    const seg = await ctx.tx.documents.get(SEGMENTS, s.customerId);
    if (seg) await ctx.tx.documents.delete(SEGMENTS, s.customerId, seg.version);
    return {
      result: { sourceId: s.customerId, targetId: t.customerId, timelineEntries: timeline.length, orders: orders.length },
      events: [{ type: "CustomerMerged", aggregateType: "customer", aggregateId: t.customerId, effectiveDate: ctx.today, payload: { sourceId: s.customerId, targetId: t.customerId } }],
    };
  },
});
