import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { memoryStore } from "../../src/adapters/memory/index.js";
import { createStorekeep } from "../../src/storekeep.js";
import { ManualClock, sequentialIds } from "../../src/testing/index.js";

const eur = (amount: string) => ({ amount, currency: "EUR" });

describe("CRM erasure (memory store)", () => {
  it("property: erasing any customer leaves the trial balance, segments, cohorts and timeline shapes unchanged", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.nat(2), fc.integer({ min: 1, max: 9999 }), fc.boolean()), { minLength: 1, maxLength: 6 }), fc.nat(2), async (orders, erased) => {
        const clock = new ManualClock("2026-03-02T10:00:00.000Z");
        const sk = createStorekeep({ store: memoryStore(), clock, ids: sequentialIds(), config: { functionalCurrency: "EUR", timeZone: "UTC" } });
        for (let i = 0; i < 3; i++) {
          await sk.crm.createCustomer({ customerId: `c${i}`, name: `Person ${i}`, emails: [`p${i}@example.com`] });
          await sk.crm.addInteraction({ customerId: `c${i}`, kind: "message", subject: `hi p${i}@example.com` });
        }
        for (const [k, [who, cents, invoice]] of orders.entries()) {
          const amount = (cents / 100).toFixed(2);
          const orderId = `o${k}`;
          clock.advance(3_600_000);
          await sk.recordEvents([{ type: "OrderPlaced", aggregateType: "order", aggregateId: orderId, effectiveDate: "2026-03-02", payload: { orderId, customerId: `c${who}`, warehouseId: "wh", currency: "EUR", lines: [{ lineId: "l1", sku: "MUG", quantity: "1", unitPrice: eur(amount) }], total: eur(amount) } }]);
          if (invoice) {
            await sk.recordEvents([{ type: "OrderInvoiced", aggregateType: "order", aggregateId: orderId, effectiveDate: "2026-03-02", payload: { invoiceId: `inv_${orderId}`, orderId, currency: "EUR", functionalCurrency: "EUR", rate: "1", net: eur(amount), shipping: eur("0"), tax: eur("0"), gross: eur(amount), prepaymentApplied: eur("0"), functional: { net: eur(amount), shipping: eur("0"), tax: eur("0"), gross: eur(amount), prepaymentApplied: eur("0") } } }]);
          }
        }
        await sk.crm.syncTimeline();
        const snapshot = async () => ({
          tb: await sk.finance.trialBalance({ asOf: "2026-03-31" }),
          segments: await sk.crm.segments("2026-03-10"),
          cohorts: await sk.crm.cohorts("2026-03-10"),
          timelines: await Promise.all([0, 1, 2].map(async (i) => (await sk.crm.timeline(`c${i}`)).entries.map((e) => [e.entryId, e.kind, e.at, e.amount, e.orderId]))),
        });
        const before = await snapshot();
        await sk.crm.eraseCustomer({ customerId: `c${erased}` });
        expect(await snapshot()).toEqual(before);
        const view = await sk.crm.customer(`c${erased}`);
        expect(view).toMatchObject({ status: "erased", name: null, emails: [] });
        const entries = (await sk.crm.timeline(`c${erased}`)).entries;
        expect(entries.every((e) => e.subject === null && e.body === null)).toBe(true);
        await sk.close();
      }),
      { numRuns: 25 },
    );
  });
});
