import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { memoryStore } from "../../src/adapters/memory/index.js";
import { createStorekeep } from "../../src/storekeep.js";
import { ManualClock, sequentialIds } from "../../src/testing/index.js";

describe("CRM merge (memory store)", () => {
  it("property: after any sequence of merges nothing is lost — every timeline entry and order stays, each with the customer its original owner's id resolves to", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 2, max: 5 }),
        fc.array(fc.tuple(fc.nat(4), fc.nat(4)), { maxLength: 6 }),
        fc.array(fc.tuple(fc.nat(4), fc.constantFrom("order", "note")), { maxLength: 8 }),
        async (n, merges, records) => {
          const clock = new ManualClock("2026-03-02T10:00:00.000Z");
          const sk = createStorekeep({ store: memoryStore(), clock, ids: sequentialIds(), config: { functionalCurrency: "EUR", timeZone: "UTC" } });
          const ids = Array.from({ length: n }, (_, i) => `c${i}`);
          for (const id of ids) await sk.crm.createCustomer({ customerId: id, emails: [`${id}@example.com`] });
          const owner = new Map<string, string>();
          let k = 0;
          for (const [who, kind] of records) {
            const customerId = ids[who % n]!;
            clock.advance(1000);
            if (kind === "order") {
              const orderId = `o${k++}`;
              await sk.recordEvents([{ type: "OrderPlaced", aggregateType: "order", aggregateId: orderId, effectiveDate: "2026-03-02", payload: { orderId, customerId, warehouseId: "wh", currency: "EUR", lines: [{ lineId: "l1", sku: "MUG", quantity: "1", unitPrice: { amount: "5.00", currency: "EUR" } }], total: { amount: "5.00", currency: "EUR" } } }]);
              owner.set(`ev-order:${orderId}`, customerId);
            } else {
              const { entryId } = await sk.crm.addInteraction({ customerId, kind: "note", body: "x" });
              owner.set(entryId, customerId);
            }
          }
          for (const [s, t] of merges) {
            const source = ids[s % n]!;
            const target = ids[t % n]!;
            const a = await sk.crm.customer(source);
            const b = await sk.crm.customer(target);
            if (a?.customerId === b?.customerId) continue;
            await sk.crm.mergeCustomers({ sourceId: source, targetId: target });
          }
          await sk.crm.syncTimeline();
          let seen = 0;
          for (const [key, original] of owner) {
            const survivor = (await sk.crm.customer(original))!.customerId;
            const entries = (await sk.crm.timeline(survivor, { limit: 1000 })).entries;
            const found = key.startsWith("ev-order:") ? entries.some((e) => e.orderId === key.slice("ev-order:".length)) : entries.some((e) => e.entryId === key);
            expect(found).toBe(true);
            seen++;
          }
          const survivors = new Set<string>();
          for (const id of ids) survivors.add((await sk.crm.customer(id))!.customerId);
          let total = 0;
          for (const s of survivors) total += (await sk.crm.timeline(s, { limit: 1000 })).entries.length;
          expect(total).toBe(seen); // nothing doubled
          for (const s of survivors) {
            const view = await sk.crm.customer(s);
            expect(view?.status).toBe("active");
          }
          // every e-mail survives with the customer its owner resolves to
          for (const id of ids) expect((await sk.crm.customer(id))!.emails).toContain(`${id}@example.com`);
          await sk.close();
        },
      ),
      { numRuns: 25 },
    );
  });
});
