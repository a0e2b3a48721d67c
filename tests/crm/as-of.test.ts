import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { memoryStore } from "../../src/adapters/memory/index.js";
import { type Storekeep, createStorekeep } from "../../src/storekeep.js";
import type { JsonObject } from "../../src/ports/storage.js";
import { ManualClock, sequentialIds } from "../../src/testing/index.js";

const eur = (amount: string) => ({ amount, currency: "EUR" });
const fx = { currency: "EUR", functionalCurrency: "EUR", rate: "1" } as const;
const amounts = (gross: string) => ({ net: eur(gross), shipping: eur("0"), tax: eur("0"), gross: eur(gross) });

function shop(): Storekeep {
  const clock = new ManualClock("2026-04-01T10:00:00.000Z");
  return createStorekeep({ store: memoryStore(), clock, ids: sequentialIds(), config: { functionalCurrency: "EUR", timeZone: "UTC" } });
}

function placed(orderId: string, customerId: string, unitPrice: string, quantity: number, day: string) {
  const total = String(Number(unitPrice) * quantity);
  return { type: "OrderPlaced" as const, aggregateType: "order", aggregateId: orderId, effectiveDate: day, payload: { orderId, customerId, warehouseId: "wh", currency: "EUR", lines: [{ lineId: "l1", sku: "MUG", quantity: String(quantity), unitPrice: eur(unitPrice) }], total: eur(total) } };
}

function invoiced(orderId: string, customerId: string, gross: string, day: string) {
  return { type: "OrderInvoiced" as const, aggregateType: "order", aggregateId: orderId, effectiveDate: day, payload: { invoiceId: `inv_${orderId}`, orderId, customerId, ...fx, ...amounts(gross), prepaymentApplied: eur("0"), functional: { ...amounts(gross), prepaymentApplied: eur("0") } } };
}

function creditNote(orderId: string, creditNoteId: string, gross: string, reason: "return" | "cancellation", day: string) {
  return { type: "CreditNoteIssued" as const, aggregateType: "order", aggregateId: orderId, effectiveDate: day, payload: { creditNoteId, orderId, invoiceId: `inv_${orderId}`, reason, ...fx, ...amounts(gross), functional: amounts(gross) } };
}

/** The edit of a one-line order from `from` units to `to` units of `unitPrice`. */
function edited(orderId: string, customerId: string, unitPrice: string, from: number, to: number, version: number, placedOn: string, day: string) {
  const p = Number(unitPrice);
  const total = eur(String(p * to));
  return {
    type: "OrderEdited" as const,
    aggregateType: "order",
    aggregateId: orderId,
    effectiveDate: day,
    payload: {
      orderId,
      customerId,
      warehouseId: "wh",
      currency: "EUR",
      version,
      placedOn,
      lines: [{ lineId: "l1", sku: "MUG", quantity: String(to), unitPrice: eur(unitPrice), net: total }],
      changes: [{ lineId: "l1", sku: "MUG", unitPrice: eur(unitPrice), quantityChange: String(to - from), discountChange: eur("0"), netChange: eur(String(p * (to - from))) }],
      net: total,
      shipping: eur("0"),
      tax: eur("0"),
      total,
      previousTotal: eur(String(p * from)),
    },
  };
}

type AnyEvent = ReturnType<typeof placed> | ReturnType<typeof invoiced> | ReturnType<typeof creditNote> | ReturnType<typeof edited>;

const scores = async (sk: Storekeep, asOf: string) => (await sk.crm.segments(asOf)).map((s) => `${s.customerId}:${s.cell}:${s.segment}:${s.frequency}:${s.monetary}:${s.recencyDays}`).sort();

async function customers(sk: Storekeep, ids: readonly string[]): Promise<void> {
  for (const customerId of ids) await sk.crm.createCustomer({ customerId });
}

describe("CRM reports as of a date", () => {
  it("are what a shop that saw only the events dated on or before the date reports: later edits and credit notes change nothing", async () => {
    const day = (d: number) => `2026-03-${String(d).padStart(2, "0")}`;
    const orderArb = fc.record({
      customer: fc.constantFrom("c1", "c2", "c3", "c4"),
      placedDay: fc.integer({ min: 1, max: 20 }),
      unitPrice: fc.integer({ min: 5, max: 50 }).map(String),
      quantity: fc.integer({ min: 1, max: 3 }),
      edit: fc.option(fc.record({ after: fc.integer({ min: 0, max: 10 }), quantity: fc.integer({ min: 1, max: 3 }) }), { nil: undefined }),
      credit: fc.option(fc.record({ after: fc.integer({ min: 0, max: 10 }), share: fc.constantFrom(0.5, 1), reason: fc.constantFrom("return" as const, "cancellation" as const) }), { nil: undefined }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(orderArb, { minLength: 1, maxLength: 6 }), fc.integer({ min: 1, max: 31 }), async (orders, asOfDay) => {
        const events: AnyEvent[] = [];
        orders.forEach((o, i) => {
          const orderId = `o${i}`;
          const placedOn = day(o.placedDay);
          const gross = String(Number(o.unitPrice) * o.quantity);
          events.push(placed(orderId, o.customer, o.unitPrice, o.quantity, placedOn), invoiced(orderId, o.customer, gross, placedOn));
          if (o.edit && o.edit.quantity !== o.quantity) events.push(edited(orderId, o.customer, o.unitPrice, o.quantity, o.edit.quantity, 2, placedOn, day(o.placedDay + o.edit.after)));
          if (o.credit) events.push(creditNote(orderId, `cn_${orderId}`, String(Number(gross) * o.credit.share), o.credit.reason, day(o.placedDay + o.credit.after)));
        });
        const asOf = day(asOfDay);
        const everything = shop();
        const upToDate = shop();
        await customers(everything, ["c1", "c2", "c3", "c4"]);
        await customers(upToDate, ["c1", "c2", "c3", "c4"]);
        await everything.recordEvents(events);
        await everything.crm.syncTimeline();
        const known = events.filter((e) => e.effectiveDate <= asOf);
        if (known.length > 0) await upToDate.recordEvents(known);
        await upToDate.crm.syncTimeline();
        expect(await scores(everything, asOf)).toEqual(await scores(upToDate, asOf));
        expect(await everything.crm.cohorts(asOf)).toEqual(await upToDate.crm.cohorts(asOf));
        await everything.close();
        await upToDate.close();
      }),
      { numRuns: 25 },
    );
  }, 120_000);

  it("a return dated after the analysis date leaves segments and cohorts as they were; one dated on or before it counts", async () => {
    const sk = shop();
    await customers(sk, ["c1", "c2"]);
    await sk.recordEvents([placed("o1", "c1", "100", 1, "2026-03-01"), invoiced("o1", "c1", "100", "2026-03-01"), placed("o2", "c2", "50", 1, "2026-03-02")]);
    await sk.crm.syncTimeline();
    const before = await scores(sk, "2026-03-10");
    const cohortsBefore = await sk.crm.cohorts("2026-03-10");
    expect(before).toEqual(["c1:33:need-attention:1:100:9", "c2:55:champions:1:50:8"]);
    expect(cohortsBefore.customers).toBe(2);

    await sk.recordEvents([creditNote("o1", "cn1", "100", "return", "2026-03-25")]);
    await sk.crm.syncTimeline();
    expect(await scores(sk, "2026-03-10")).toEqual(before);
    expect(await sk.crm.cohorts("2026-03-10")).toEqual(cohortsBefore);
    // From the return's own date on, o1 is no purchase.
    expect((await sk.crm.segments("2026-03-25")).map((s) => s.customerId)).toEqual(["c2"]);
    expect((await sk.crm.cohorts("2026-03-25")).customers).toBe(1);
    expect((await sk.crm.segments("2026-03-24")).map((s) => s.customerId)).toEqual(["c1", "c2"]);
    await sk.close();
  });

  it("an edit counts from its own date: before it the order counts at its earlier total", async () => {
    const sk = shop();
    await customers(sk, ["c1"]);
    await sk.recordEvents([placed("o1", "c1", "10", 3, "2026-03-01"), invoiced("o1", "c1", "30", "2026-03-01")]);
    await sk.recordEvents([edited("o1", "c1", "10", 3, 1, 2, "2026-03-01", "2026-03-20"), creditNote("o1", "cn1", "5", "return", "2026-03-05")]);
    await sk.crm.syncTimeline();
    expect((await sk.crm.segments("2026-03-04"))[0]?.monetary).toBe(30);
    expect((await sk.crm.segments("2026-03-05"))[0]?.monetary).toBe(25); // the return on 03-05 counts on its date
    expect((await sk.crm.segments("2026-03-19"))[0]?.monetary).toBe(25);
    expect((await sk.crm.segments("2026-03-20"))[0]?.monetary).toBe(5); // 10 as edited, less the return
    // An older version read after a newer one changes nothing.
    await sk.recordEvents([edited("o1", "c1", "10", 3, 2, 2, "2026-03-01", "2026-03-10")]);
    await sk.crm.syncTimeline();
    expect((await sk.crm.segments("2026-03-20"))[0]?.monetary).toBe(5);
    await sk.close();
  });

  it("reads order documents stored before dated totals and credits were kept as it read them then", async () => {
    const sk = shop();
    await customers(sk, ["c1", "c2"]);
    await sk.recordEvents([placed("o1", "c1", "100", 1, "2026-03-01"), placed("o2", "c2", "50", 1, "2026-03-02")]);
    await sk.crm.syncTimeline();
    // o1 as an earlier release stored it: edited to 80 (version 2), 30 credited, no dated history.
    await sk.runtime.read(async (tx) => {
      const doc = await tx.documents.getForUpdate<JsonObject>("crm.orders", "o1");
      const { totals: _totals, credits: _credits, ...old } = doc!.data;
      await tx.documents.put("crm.orders", "o1", { ...old, total: "80", version: 2, credited: "30", creditedBy: ["cn_old"] }, doc!.version);
    });
    expect((await sk.crm.segments("2026-03-10")).find((s) => s.customerId === "c1")?.monetary).toBe(50);
    // A credit recorded after the upgrade is dated; what was credited before still counts from placement.
    await sk.recordEvents([creditNote("o1", "cn2", "20", "cancellation", "2026-03-25")]);
    await sk.crm.syncTimeline();
    expect((await sk.crm.segments("2026-03-10")).find((s) => s.customerId === "c1")?.monetary).toBe(50);
    expect((await sk.crm.segments("2026-03-25")).find((s) => s.customerId === "c1")?.monetary).toBe(30);
    // So does an edit: before it, the total the old document held.
    await sk.recordEvents([edited("o1", "c1", "100", 1, 2, 3, "2026-03-01", "2026-03-28")]);
    await sk.crm.syncTimeline();
    expect((await sk.crm.segments("2026-03-27")).find((s) => s.customerId === "c1")?.monetary).toBe(30);
    expect((await sk.crm.segments("2026-03-28")).find((s) => s.customerId === "c1")?.monetary).toBe(150);
    await sk.close();
  });
});
