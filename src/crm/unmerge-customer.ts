import { z } from "zod";
import { StorekeepError } from "../kernel/errors.js";
import type { Transaction } from "../ports/storage.js";
import { defineLibraryCommand } from "../runner/library.js";
import { ALIASES, CUSTOMERS, type CustomerDoc, MERGES, ORDERS, TIMELINE, contactKeys, writeContactKeys } from "./customer.js";
import type { MergeRecord } from "./merge-customers.js";
import { strictInput } from "../kernel/strict-input.js";

export const unmergeCustomerSchema = strictInput({ sourceId: z.string().min(1).max(200) });

/** `items` without those that came from the source (in `source`, not in `before`). */
function without<T>(items: readonly T[], source: readonly T[], before: readonly T[], key: (x: T) => string): T[] {
  const kept = new Set(before.map(key));
  const came = new Set(source.map(key).filter((k) => !kept.has(k)));
  return items.filter((x) => !came.has(key(x)));
}

/** Points the documents a merge moved back to the source, where they still point to the target. */
async function moveBack(tx: Transaction, collection: string, ids: readonly string[], from: string, to: string): Promise<number> {
  let moved = 0;
  for (const id of ids) {
    const d = await tx.documents.getForUpdate(collection, id);
    if (d === undefined || d.data["customerId"] !== from) continue;
    await tx.documents.put(collection, id, { ...d.data, customerId: to }, d.version);
    moved++;
  }
  return moved;
}

/**
 * Splits a merged customer off again (a merge made by mistake): the source comes back as it
 * was when merged, with its own contacts, addresses, tags, groups and consent (the target
 * loses those that came from the source only), its contact keys (duplicate detection finds
 * it again), the timeline entries and orders the merge moved, and its own id (the alias is
 * removed; ids merged into the source before resolve to it again). Entries recorded for
 * the source's id after the merge went to the target and stay there, and so do consent
 * decisions recorded on the merged customer, even one alike in every field to one of the
 * source's (decisions are told apart by the id of the command that recorded them): a
 * withdrawal is never lost, so consent is never assumed. A withdrawal recorded while they were
 * one also goes back with the source (it may have been the source's). A target that was
 * merged on since must be split first (`INVALID_TRANSITION` says which); an erased target
 * kept no merge record (`NOT_FOUND`). Segments are recomputed at the next `refreshSegments`.
 * Emits `CustomerUnmerged`.
 *
 * @example
 * ```ts
 * await sk.crm.mergeCustomers({ sourceId: "cus_2", targetId: "cus_1" });
 * await sk.crm.unmergeCustomer({ sourceId: "cus_2" }); // cus_2 is itself again
 * ```
 */
export const unmergeCustomer = defineLibraryCommand({
  name: "crm.unmergeCustomer",
  input: unmergeCustomerSchema,
  async handle(ctx, input) {
    const stored = await ctx.tx.documents.getForUpdate<MergeRecord & { [k: string]: never }>(MERGES, input.sourceId);
    if (stored === undefined) {
      throw new StorekeepError("NOT_FOUND", `Customer ${input.sourceId} is not merged into another (never merged, already split off, or its merge was erased); there is nothing to undo.`, { sourceId: input.sourceId });
    }
    const record = stored.data as MergeRecord;
    const target = await ctx.tx.documents.getForUpdate<CustomerDoc>(CUSTOMERS, record.targetId);
    const source = await ctx.tx.documents.getForUpdate<CustomerDoc>(CUSTOMERS, record.sourceId);
    if (target === undefined || source === undefined) throw new StorekeepError("NOT_FOUND", `The customers of the merge of ${record.sourceId} into ${record.targetId} no longer exist.`, { sourceId: record.sourceId, targetId: record.targetId });
    if (target.data.status === "merged") {
      throw new StorekeepError("INVALID_TRANSITION", `Customer ${record.targetId} (which ${record.sourceId} was merged into) was since merged into ${target.data.mergedInto}: split ${record.targetId} off first.`, { sourceId: record.sourceId, targetId: record.targetId, mergedInto: target.data.mergedInto, allowed: ["unmergeCustomer " + record.targetId] });
    }
    if (target.data.status === "erased") throw new StorekeepError("INVALID_TRANSITION", `Customer ${record.targetId} was erased; a merge into it cannot be undone.`, { sourceId: record.sourceId, targetId: record.targetId });
    const t = target.data;
    const s = record.source;
    const b = record.targetBefore;
    const address = (a: unknown) => JSON.stringify(a);
    const split: CustomerDoc = {
      ...t,
      name: b.name === null && t.name === s.name ? null : t.name,
      emails: without(t.emails, s.emails, b.emails, (e) => e.normalised),
      phones: without(t.phones, s.phones, b.phones, (p) => p.e164),
      addresses: without(t.addresses, s.addresses, b.addresses, address),
      tags: without(t.tags, s.tags, b.tags, (x) => x),
      groups: without(t.groups, s.groups, b.groups, (x) => x),
      // By the recording command's id: a decision recorded on the merged customer stays with the target even when it is
      // alike in channel, decision, instant and source to one of the source's (a withdrawal is never lost, consent never assumed).
      consent: without(t.consent, s.consent, b.consent, (r) => r.id ?? address(r)),
      createdAt: b.createdAt,
    };
    // A withdrawal recorded while they were one (through either id) may have been the source's:
    // it goes back with the source too, so no older grant of the source's is its consent again.
    const before = new Set([...s.consent, ...b.consent].map((r) => r.id ?? address(r)));
    // Decisions another customer merged into the target brought with it were not recorded while merged.
    for (let after: { values: string[]; id: string } | undefined; ; ) {
      const page = await ctx.tx.documents.find<MergeRecord & { [k: string]: never }>(MERGES, { index: "byTarget", equals: [t.customerId], limit: 500, ...(after === undefined ? {} : { after }) });
      for (const d of page) if (d.id !== s.customerId) for (const r of (d.data as MergeRecord).source.consent) before.add(r.id ?? address(r));
      if (page.length < 500) break;
      after = { values: [t.customerId, page[page.length - 1]!.id], id: page[page.length - 1]!.id };
    }
    const withdrawn = t.consent.filter((r) => !r.granted && !before.has(r.id ?? address(r)));
    const back: CustomerDoc = withdrawn.length === 0 ? s : { ...s, consent: [...s.consent, ...withdrawn] };
    await ctx.tx.documents.put(CUSTOMERS, t.customerId, split as never, target.version);
    await ctx.tx.documents.put(CUSTOMERS, s.customerId, back as never, source.version);
    await writeContactKeys(ctx.tx, t.customerId, contactKeys(t), contactKeys(split));
    await writeContactKeys(ctx.tx, s.customerId, [], contactKeys(s));
    const alias = await ctx.tx.documents.get(ALIASES, s.customerId);
    if (alias !== undefined) await ctx.tx.documents.delete(ALIASES, s.customerId, alias.version);
    const timeline = await moveBack(ctx.tx, TIMELINE, record.timeline, t.customerId, s.customerId);
    const orders = await moveBack(ctx.tx, ORDERS, record.orders, t.customerId, s.customerId);
    await ctx.tx.documents.delete(MERGES, s.customerId, stored.version);
    return {
      result: { sourceId: s.customerId, targetId: t.customerId, timelineEntries: timeline, orders },
      events: [{ type: "CustomerUnmerged", aggregateType: "customer", aggregateId: s.customerId, effectiveDate: ctx.today, payload: { sourceId: s.customerId, targetId: t.customerId } }],
    };
  },
});
