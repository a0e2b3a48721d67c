import { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postgresStore } from "../../src/adapters/postgres/index.js";
import { eventExamples } from "../../src/kernel/events/examples.js";
import { DOCUMENT_ID_FIELDS } from "../../src/kernel/events/documents.js";
import { isStorekeepError } from "../../src/kernel/errors.js";
import { recordEvents } from "../../src/runner/record-events.js";
import { type Books, eur, makeBooks, tbBalance } from "../finance/helpers.js";

/*
 * A document takes effect once: the same document id recorded again is a replay when its
 * content is the same, DUPLICATE_DOCUMENT otherwise, whatever the idempotency key; on the
 * memory store and PGlite, and under concurrency (a create-only claim row per document).
 */

let db: PGlite;
let schemas = 0;
beforeAll(async () => {
  db = new PGlite();
  await db.waitReady;
}, 60_000);
afterAll(async () => {
  await db.close();
});

const adapters: [string, () => Books][] = [
  ["memory", () => makeBooks({ start: "2026-12-01T10:00:00.000Z" })],
  ["postgres", () => makeBooks({ start: "2026-12-01T10:00:00.000Z", store: postgresStore({ client: db, schema: `document_claims_${++schemas}` }) })],
];

const examples = eventExamples as unknown as Record<string, Record<string, unknown>>;

function event(type: string, payload: Record<string, unknown>) {
  return { type, aggregateType: "doc", aggregateId: "a1", effectiveDate: "2026-11-27", payload };
}

async function record(books: Books, events: ReturnType<typeof event>[], key?: string) {
  return books.sk.runtime.execute(recordEvents, { events }, key === undefined ? {} : { idempotencyKey: key });
}

async function caught(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  return undefined;
}

async function eventsOfType(books: Books, type: string): Promise<number> {
  return (await books.sk.store.readEvents(null, 10_000)).filter((e) => e.type === type).length;
}

describe.each(adapters)("document claims (%s)", (_name, make) => {
  it("the same invoice recorded under three idempotency keys is booked once (revenue not tripled); the replays return normally", async () => {
    const books = make();
    await books.sk.ready();
    const invoice = event("OrderInvoiced", examples.OrderInvoiced!);
    for (const key of ["webhook-1", "webhook-2", "webhook-3"]) await record(books, [invoice], key);
    await record(books, [invoice]);
    const tb = await books.finance.trialBalance({ asOf: "2026-11-30" });
    expect(tbBalance(tb, "4000")).toBe("-105");
    expect(await eventsOfType(books, "OrderInvoiced")).toBe(1);
  });

  it("the same document id with other content is DUPLICATE_DOCUMENT naming the document, and changes nothing", async () => {
    const books = make();
    await books.sk.ready();
    await record(books, [event("ShipmentDispatched", examples.ShipmentDispatched!)], "k1");
    const other = { ...examples.ShipmentDispatched!, lines: [{ lineId: "l1", sku: "MUG-RED", quantity: "3", locationId: "wh_main/A1" }] };
    const error = await caught(record(books, [event("ShipmentDispatched", other)], "k2"));
    expect(isStorekeepError(error) && error.code).toBe("DUPLICATE_DOCUMENT");
    expect((error as Error).message).toMatch(/ShipmentDispatched shp_1 was already recorded with other content/);
    expect((error as { details: Record<string, unknown> }).details).toMatchObject({ eventType: "ShipmentDispatched", documentId: "shp_1", field: "shipmentId" });
    const bigger = { ...examples.OrderInvoiced!, net: eur("200"), gross: eur("224.95"), prepaymentApplied: eur("224.95"), functional: { ...(examples.OrderInvoiced!.functional as object), net: eur("200"), gross: eur("224.95"), prepaymentApplied: eur("224.95") } };
    await record(books, [event("OrderInvoiced", examples.OrderInvoiced!)]);
    expect(isStorekeepError(await caught(record(books, [event("OrderInvoiced", bigger)])))).toBe(true);
    expect(tbBalance(await books.finance.trialBalance({ asOf: "2026-11-30" }), "4000")).toBe("-105");
    expect(await eventsOfType(books, "ShipmentDispatched")).toBe(1);
  });

  it("every document event of the catalog is claimed: each example recorded twice under two keys appears once", async () => {
    const books = make();
    await books.sk.ready();
    const types = Object.keys(DOCUMENT_ID_FIELDS);
    expect(types).toEqual(expect.arrayContaining(["ShipmentDispatched", "GoodsReceived", "ReturnReceived", "SupplierReturned", "SupplierBillRecorded", "LandedCostRecorded", "PaymentCaptured", "RefundIssued", "PayoutSettled", "CreditNoteIssued", "OrderInvoiced"]));
    for (const type of types) {
      await record(books, [event(type, examples[type]!)], `${type}-a`);
      await record(books, [event(type, examples[type]!)], `${type}-b`);
      expect(await eventsOfType(books, type), type).toBe(1);
    }
  });

  it("within one batch the second copy of a document is dropped as a replay", async () => {
    const books = make();
    await books.sk.ready();
    const invoice = event("OrderInvoiced", examples.OrderInvoiced!);
    await record(books, [invoice, invoice]);
    expect(tbBalance(await books.finance.trialBalance({ asOf: "2026-11-30" }), "4000")).toBe("-105");
  });

  it("holds under concurrency: 12 racing recordings of one invoice under 12 keys book it once", async () => {
    const books = make();
    await books.sk.ready();
    const invoice = event("OrderInvoiced", examples.OrderInvoiced!);
    const results = await Promise.allSettled(Array.from({ length: 12 }, (_, i) => record(books, [invoice], `race-${i}`)));
    expect(results.filter((r) => r.status === "rejected").map((r) => String((r as PromiseRejectedResult).reason))).toEqual([]);
    expect(tbBalance(await books.finance.trialBalance({ asOf: "2026-11-30" }), "4000")).toBe("-105");
    expect(await eventsOfType(books, "OrderInvoiced")).toBe(1);
  });
});
