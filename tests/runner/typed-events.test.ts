/**
 * `sk.recordEvents` is typed per catalog event (a wrong field is a compile error: the
 * `@ts-expect-error` lines below fail `npm run typecheck` if they stop being errors), and a
 * document in the functional currency may leave out its functional-currency fields.
 */
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { createStorekeep, defineEvent, eventCatalog, isStorekeepError, memoryStore, type RecordEventInput } from "../../src/index.js";
import { ManualClock, sequentialIds } from "../../src/testing/index.js";

function shop() {
  return createStorekeep({ store: memoryStore(), clock: new ManualClock("2026-11-27T09:00:00Z"), ids: sequentialIds(), config: { functionalCurrency: "EUR", timeZone: "Europe/Berlin" } });
}

const eur = (amount: string) => ({ amount, currency: "EUR" });

describe("typed recordEvents", () => {
  it("rejects wrong fields at compile time (type tests) and at run time", async () => {
    const sk = shop();
    const placed = (payload: unknown) => sk.recordEvents([{ type: "OrderPlaced", aggregateType: "order", aggregateId: "o1", effectiveDate: "2026-11-27", payload: payload as never }]);
    const good: RecordEventInput = {
      type: "OrderPlaced",
      aggregateType: "order",
      aggregateId: "o1",
      effectiveDate: "2026-11-27",
      payload: { orderId: "o1", warehouseId: "wh", currency: "EUR", lines: [{ lineId: "l1", sku: "MUG", quantity: "1", unitPrice: eur("5") }], total: eur("5") },
    };
    const misspelt: RecordEventInput = {
      type: "OrderPlaced",
      aggregateType: "order",
      aggregateId: "o1",
      effectiveDate: "2026-11-27",
      // @ts-expect-error `quantty` is not a field of an OrderPlaced line
      payload: { orderId: "o1", warehouseId: "wh", currency: "EUR", lines: [{ lineId: "l1", sku: "MUG", quantty: "1", unitPrice: eur("5") }], total: eur("5") },
    };
    const wrongType: RecordEventInput = {
      type: "PaymentCaptured",
      aggregateType: "order",
      aggregateId: "o1",
      effectiveDate: "2026-11-27",
      // @ts-expect-error `amount` is money ({ amount, currency }), not a string
      payload: { paymentId: "p1", orderId: "o1", invoiced: false, currency: "EUR", amount: "5" },
    };
    // @ts-expect-error no such event type
    const unknownType: RecordEventInput = { type: "OrderPlacd", aggregateType: "order", aggregateId: "o1", effectiveDate: "2026-11-27", payload: {} };
    await expect(sk.recordEvents([good])).resolves.toEqual({ recorded: 1 });
    for (const bad of [misspelt, wrongType, unknownType]) await expect(sk.recordEvents([bad])).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
    await expect(placed({})).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
  });

  it("a single-currency shop leaves out functionalCurrency, rate, functionalAmount and functional: storekeep fills them in and posts", async () => {
    const sk = shop();
    await sk.recordEvents([
      { type: "PaymentCaptured", aggregateType: "order", aggregateId: "o1", effectiveDate: "2026-11-27", payload: { paymentId: "p1", orderId: "o1", invoiced: false, currency: "EUR", amount: eur("119") } },
      {
        type: "OrderInvoiced",
        aggregateType: "order",
        aggregateId: "o1",
        effectiveDate: "2026-11-27",
        payload: { invoiceId: "i1", orderId: "o1", currency: "EUR", net: eur("100"), shipping: eur("0"), tax: eur("19"), gross: eur("119"), prepaymentApplied: eur("119") },
      },
    ]);
    const [captured, invoiced] = await sk.events.read(null);
    expect(captured?.payload).toMatchObject({ functionalCurrency: "EUR", rate: "1", functionalAmount: { amount: "119", currency: "EUR" } });
    expect(invoiced?.payload).toMatchObject({ functionalCurrency: "EUR", rate: "1", functional: { net: eur("100"), tax: eur("19"), gross: eur("119"), prepaymentApplied: eur("119") } });
    const tb = await sk.finance.trialBalance({ asOf: "2026-11-30" });
    const row = (account: string) => tb.rows.find((r) => r.account === account);
    expect(row("1150")).toMatchObject({ debit: "119" }); // the provider owes the capture
    expect(row("4100")).toMatchObject({ credit: "100" });
    expect(row("2300")).toMatchObject({ credit: "19" });
  });

  it("a filled-in event and the same event written out in full are one event under one key (a replay, not a mismatch)", async () => {
    const sk = shop();
    const short = { paymentId: "p1", orderId: "o1", invoiced: false, currency: "EUR", amount: eur("10") } as const;
    await sk.recordEvents([{ type: "PaymentCaptured", aggregateType: "order", aggregateId: "o1", effectiveDate: "2026-11-27", payload: short }], { idempotencyKey: "k" });
    const full = { ...short, functionalCurrency: "EUR", rate: "1", functionalAmount: eur("10.00") };
    await expect(sk.recordEvents([{ type: "PaymentCaptured", aggregateType: "order", aggregateId: "o1", effectiveDate: "2026-11-27", payload: full }], { idempotencyKey: "k" })).resolves.toEqual({ recorded: 1 });
    expect(await sk.events.read(null)).toHaveLength(1);
  });

  it("a foreign-currency document without its functional side is VALIDATION_FAILED naming the fields to add", async () => {
    const sk = shop();
    const error = await sk
      .recordEvents([{ type: "PaymentCaptured", aggregateType: "order", aggregateId: "o1", effectiveDate: "2026-11-27", payload: { paymentId: "p1", orderId: "o1", invoiced: false, currency: "USD", amount: { amount: "10", currency: "USD" } } }])
      .catch((e: unknown) => e);
    expect(isStorekeepError(error) && error.code).toBe("VALIDATION_FAILED");
    expect((error as Error).message).toContain("A document in USD when the books are kept in EUR needs its functional side: add functionalCurrency, rate, functionalAmount.");
    expect(await sk.events.read(null)).toHaveLength(0);
  });

  it("a host's extended catalog types its own events too", async () => {
    const catalog = eventCatalog.extend({ "acme.GiftWrapped": defineEvent({ schema: z.object({ orderId: z.string(), paper: z.enum(["red", "gold"]) }) }) });
    const sk = createStorekeep({ events: catalog, clock: new ManualClock("2026-11-27T09:00:00Z"), config: { functionalCurrency: "EUR", timeZone: "Europe/Berlin" } });
    await sk.recordEvents([{ type: "acme.GiftWrapped", aggregateType: "order", aggregateId: "o1", effectiveDate: "2026-11-27", payload: { orderId: "o1", paper: "gold" } }]);
    // @ts-expect-error "blue" is not a paper of acme.GiftWrapped
    const blue = sk.recordEvents([{ type: "acme.GiftWrapped", aggregateType: "order", aggregateId: "o2", effectiveDate: "2026-11-27", payload: { orderId: "o2", paper: "blue" } }]);
    await expect(blue).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
    expect((await sk.events.read(null)).map((e) => e.type)).toEqual(["acme.GiftWrapped"]);
  });
});
