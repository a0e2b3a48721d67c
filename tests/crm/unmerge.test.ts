import { PGlite } from "@electric-sql/pglite";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { memoryStore } from "../../src/adapters/memory/index.js";
import { postgresStore } from "../../src/adapters/postgres/index.js";
import { isStorekeepError } from "../../src/kernel/errors.js";
import type { Store } from "../../src/ports/storage.js";
import { type Storekeep, createStorekeep } from "../../src/storekeep.js";
import { ManualClock, sequentialIds } from "../../src/testing/index.js";

let db: PGlite;
let schemas = 0;
beforeAll(async () => {
  db = new PGlite();
  await db.waitReady;
}, 60_000);
afterAll(async () => {
  await db.close();
});

function storeOf(kind: "memory" | "pglite"): Store {
  schemas += 1;
  return kind === "memory" ? memoryStore() : postgresStore({ client: db, schema: `crm_unmerge_${schemas}` });
}

function shopOn(store: Store): { sk: Storekeep; clock: ManualClock } {
  const clock = new ManualClock("2026-03-02T10:00:00.000Z");
  return { sk: createStorekeep({ store, clock, ids: sequentialIds(), config: { functionalCurrency: "EUR", timeZone: "UTC" } }), clock };
}

async function order(sk: Storekeep, orderId: string, customerId: string): Promise<void> {
  await sk.recordEvents([{ type: "OrderPlaced", aggregateType: "order", aggregateId: orderId, effectiveDate: "2026-03-02", payload: { orderId, customerId, warehouseId: "wh", currency: "EUR", lines: [{ lineId: "l1", sku: "MUG", quantity: "1", unitPrice: { amount: "5.00", currency: "EUR" } }], total: { amount: "5.00", currency: "EUR" } } }]);
}

/** What a customer is, as a user sees it: contacts, tags, consent, and the timeline's entries. */
async function snapshot(sk: Storekeep, customerId: string) {
  const view = (await sk.crm.customer(customerId))!;
  const timeline = (await sk.crm.timeline(view.customerId, { limit: 1000 })).entries.map((e) => `${e.kind}:${e.orderId ?? e.entryId}`).sort();
  return { customerId: view.customerId, name: view.name, emails: view.emails, phones: view.phones, tags: view.tags, groups: view.groups, consent: view.consent, timeline };
}

for (const kind of ["memory", "pglite"] as const) {
  describe(`CRM unmerge (${kind})`, () => {
    it("splits a merged customer off with its own contacts, consent, timeline, orders and id; duplicate detection finds each again", async () => {
      const { sk, clock } = shopOn(storeOf(kind));
      await sk.crm.createCustomer({ customerId: "ann", name: "Ann", emails: ["ann@example.com"], tags: ["vip"], phones: ["+44 20 7946 0000"] });
      await sk.crm.createCustomer({ customerId: "ann2", emails: ["Ann.Other@example.com"], tags: ["vip", "wholesale"], groups: ["b2b"] });
      await sk.crm.recordConsent({ customerId: "ann2", channel: "email", granted: true, source: "checkbox" });
      await order(sk, "o1", "ann");
      await order(sk, "o2", "ann2");
      clock.advance(1000);
      await sk.crm.addInteraction({ customerId: "ann2", kind: "note", body: "called" });
      await sk.crm.syncTimeline();
      const before = { ann: await snapshot(sk, "ann"), ann2: await snapshot(sk, "ann2") };

      const merged = await sk.crm.mergeCustomers({ sourceId: "ann2", targetId: "ann" });
      expect(merged).toMatchObject({ timelineEntries: 2, orders: 1 });
      expect((await sk.crm.customer("ann2"))!.customerId).toBe("ann");
      expect((await sk.crm.customer("ann"))!.emails).toEqual(expect.arrayContaining(["ann@example.com", "Ann.Other@example.com"]));

      const split = await sk.crm.unmergeCustomer({ sourceId: "ann2" });
      expect(split).toEqual({ sourceId: "ann2", targetId: "ann", timelineEntries: 2, orders: 1 });
      expect(await snapshot(sk, "ann")).toEqual(before.ann);
      expect(await snapshot(sk, "ann2")).toEqual(before.ann2);
      // Contact keys are back: a new customer with ann2's e-mail is reported as a duplicate of ann2, not ann.
      const dup = await sk.crm.createCustomer({ customerId: "ann3", emails: ["ann.other@EXAMPLE.com"] });
      expect(dup.duplicates).toEqual(["ann2"]);
      // Undoing twice: nothing left to undo.
      const again = await sk.crm.unmergeCustomer({ sourceId: "ann2" }).catch((e: unknown) => e);
      expect(isStorekeepError(again) && again.code).toBe("NOT_FOUND");
      await sk.close();
    }, 60_000);

    it("a consent decision recorded on the merged customer stays with the target when the source is split off, even one alike in channel, decision, instant and source to one of the source's: a withdrawal is never lost, so consent is never assumed", async () => {
      const { sk } = shopOn(storeOf(kind));
      await sk.crm.createCustomer({ customerId: "ann", emails: ["ann@example.com"] });
      await sk.crm.createCustomer({ customerId: "ann2", emails: ["ann.other@example.com"] });
      await sk.crm.recordConsent({ customerId: "ann", channel: "sms", granted: true, source: "checkout checkbox", at: "2026-03-01T08:00:00.000Z" });
      // The e-mail provider's unsubscribe webhook, for each address, with the provider's timestamp.
      const unsubscribe = { channel: "sms", granted: false, source: "unsubscribe link", at: "2026-03-02T09:00:00.000Z" };
      await sk.crm.recordConsent({ customerId: "ann2", ...unsubscribe });
      await sk.crm.mergeCustomers({ sourceId: "ann2", targetId: "ann" });
      await sk.crm.recordConsent({ customerId: "ann", ...unsubscribe });
      expect((await sk.crm.customer("ann"))!.consent["sms"]?.granted).toBe(false);

      await sk.crm.unmergeCustomer({ sourceId: "ann2" });
      // Before: both withdrawals left ann (they looked alike), and ann's grant of 1 March was its consent again.
      const ann = (await sk.crm.customer("ann"))!;
      expect(ann.consent["sms"]).toEqual({ granted: false, at: unsubscribe.at, source: "unsubscribe link" });
      expect(ann.consentHistory.map((c) => c.granted)).toEqual([true, false]);
      // ann2 keeps its own withdrawal, and the one recorded while they were one goes back with it too.
      const ann2 = (await sk.crm.customer("ann2"))!;
      expect(ann2.consentHistory).toEqual([unsubscribe, unsubscribe]);
      await sk.close();
    }, 60_000);

    it("a withdrawal recorded through the source's id while merged goes back with the source when it is split off: its older grant is not its consent again", async () => {
      const { sk } = shopOn(storeOf(kind));
      await sk.crm.createCustomer({ customerId: "bob", emails: ["bob@example.com"] });
      await sk.crm.createCustomer({ customerId: "bob2", emails: ["bob.shop@example.com"] });
      await sk.crm.recordConsent({ customerId: "bob2", channel: "email", granted: true, source: "checkout checkbox", at: "2026-03-01T08:00:00.000Z" });
      await sk.crm.mergeCustomers({ sourceId: "bob2", targetId: "bob" });
      // bob2's unsubscribe link, clicked while merged: recorded on the merged customer.
      await sk.crm.recordConsent({ customerId: "bob2", channel: "email", granted: false, source: "unsubscribe link", at: "2026-03-05T10:00:00.000Z" });
      await sk.crm.unmergeCustomer({ sourceId: "bob2" });
      // Before: bob2 came back with its grant of 1 March as its consent, and a campaign would e-mail it.
      expect((await sk.crm.customer("bob2"))!.consent["email"]).toEqual({ granted: false, at: "2026-03-05T10:00:00.000Z", source: "unsubscribe link" });
      // The target keeps the withdrawal too (it may have been bob's).
      expect((await sk.crm.customer("bob"))!.consent["email"]?.granted).toBe(false);
      await sk.close();
    }, 60_000);

    it("a grant recorded on the merged customer at the instant of one of the source's (another source) stays with the target; the source's own grant leaves with it (the whole-shop simulator's seed 218)", async () => {
      const { sk } = shopOn(storeOf(kind));
      await sk.crm.createCustomer({ customerId: "c1", emails: ["c1@example.com"] });
      await sk.crm.createCustomer({ customerId: "c2", emails: ["c2@example.com"] });
      const at = "2026-03-02T09:00:00.000Z";
      await sk.crm.recordConsent({ customerId: "c2", channel: "sms", granted: true, source: "checkout checkbox", at });
      await sk.crm.mergeCustomers({ sourceId: "c2", targetId: "c1" });
      await sk.crm.recordConsent({ customerId: "c1", channel: "sms", granted: true, source: "newsletter form", at });
      await sk.crm.unmergeCustomer({ sourceId: "c2" });
      expect((await sk.crm.customer("c1"))!.consentHistory).toEqual([{ channel: "sms", granted: true, at, source: "newsletter form" }]);
      expect((await sk.crm.customer("c2"))!.consentHistory).toEqual([{ channel: "sms", granted: true, at, source: "checkout checkbox" }]);
      await sk.close();
    }, 60_000);

    it("a target merged on since must be split first; erasing the survivor deletes the merge records with their personal data", async () => {
      const { sk } = shopOn(storeOf(kind));
      for (const id of ["a", "b", "c"]) await sk.crm.createCustomer({ customerId: id, emails: [`${id}@example.com`] });
      await sk.crm.mergeCustomers({ sourceId: "a", targetId: "b" });
      await sk.crm.mergeCustomers({ sourceId: "b", targetId: "c" });
      const blocked = await sk.crm.unmergeCustomer({ sourceId: "a" }).catch((e: unknown) => e);
      expect(isStorekeepError(blocked) && blocked.code).toBe("INVALID_TRANSITION");
      expect(String((blocked as Error).message)).toContain("split b off first");
      await sk.crm.unmergeCustomer({ sourceId: "b" });
      expect((await sk.crm.customer("a"))!.customerId).toBe("b");
      await sk.crm.unmergeCustomer({ sourceId: "a" });
      expect((await sk.crm.customer("a"))!.emails).toEqual(["a@example.com"]);
      expect((await sk.crm.customer("b"))!.emails).toEqual(["b@example.com"]);

      await sk.crm.mergeCustomers({ sourceId: "a", targetId: "b" });
      await sk.crm.mergeCustomers({ sourceId: "b", targetId: "c" });
      await sk.crm.eraseCustomer({ customerId: "c" });
      const gone = await sk.crm.unmergeCustomer({ sourceId: "b" }).catch((e: unknown) => e);
      expect(isStorekeepError(gone) && gone.code).toBe("NOT_FOUND");
      const records = await sk.runtime.read(async (tx) => [await tx.documents.get("crm.merges", "a"), await tx.documents.get("crm.merges", "b")]);
      expect(records).toEqual([undefined, undefined]);
      await sk.close();
    }, 60_000);
  });
}

describe("CRM merge then split (memory store)", () => {
  it("property: merging customers in any order and splitting them off in reverse order loses nothing — every customer, contact and timeline entry is as before", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 2, max: 5 }),
        fc.array(fc.tuple(fc.nat(4), fc.nat(4)), { maxLength: 6 }),
        fc.array(fc.tuple(fc.nat(4), fc.constantFrom("order", "note")), { maxLength: 8 }),
        async (n, merges, records) => {
          const { sk, clock } = shopOn(memoryStore());
          const ids = Array.from({ length: n }, (_, i) => `c${i}`);
          for (const [i, id] of ids.entries()) await sk.crm.createCustomer({ customerId: id, emails: [`${id}@example.com`, "shared@example.com"], tags: [`t${i % 2}`] });
          let k = 0;
          for (const [who, what] of records) {
            clock.advance(1000);
            if (what === "order") await order(sk, `o${k++}`, ids[who % n]!);
            else await sk.crm.addInteraction({ customerId: ids[who % n]!, kind: "note", body: "x" });
          }
          await sk.crm.syncTimeline();
          const before = await Promise.all(ids.map((id) => snapshot(sk, id)));
          const done: string[] = [];
          for (const [s, t] of merges) {
            const source = (await sk.crm.customer(ids[s % n]!))!.customerId;
            const target = (await sk.crm.customer(ids[t % n]!))!.customerId;
            if (source === target) continue;
            await sk.crm.mergeCustomers({ sourceId: source, targetId: target });
            done.push(source);
          }
          for (const source of done.reverse()) await sk.crm.unmergeCustomer({ sourceId: source });
          expect(await Promise.all(ids.map((id) => snapshot(sk, id)))).toEqual(before);
          await sk.close();
        },
      ),
      { numRuns: 25 },
    );
  }, 120_000);
});
