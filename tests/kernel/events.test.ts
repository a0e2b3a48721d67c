import fc from "fast-check";
import { match } from "ts-pattern";
import { describe, expect, expectTypeOf, it } from "vitest";
import { z } from "zod";
import {
  ACCOUNT_ROLES,
  type AnyEvent,
  BOUNDS,
  Decimal,
  EVENT_TYPES,
  type EventPayload,
  type EventType,
  INVENTORY_EVENT_TYPES,
  type MoneyJson,
  PURCHASING_EVENT_TYPES,
  SALES_EVENT_TYPES,
  StorekeepError,
  accountRoleSchema,
  createEventCatalog,
  defineEvent,
  defineUpcaster,
  eventCatalog,
  eventDefinitions,
  eventEnvelopeSchema,
  eventExamples,
  isEventType,
  isStorekeepError,
  makeEvent,
  moneyJson,
  parseEvent,
  parseWith,
  postedAmountJson,
} from "../../src/kernel/index.js";
import type { OutboxEvent } from "../../src/ports/storage.js";
import { boundedDecimalText } from "./arbitraries.js";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const clone = <T>(x: T): T => structuredClone(x);

const meta = {
  id: "evt_1",
  aggregateType: "order",
  aggregateId: "ord_1",
  aggregateVersion: 1,
  effectiveDate: "2026-11-27",
  occurredAt: "2026-11-27T10:00:00.000Z",
  causationId: null,
  correlationId: "cmd_1",
} as const;

function envelope(type: string, payload: unknown, schemaVersion = 1): Record<string, unknown> {
  return { ...meta, type, schemaVersion, payload };
}

/** Asserts `fn` throws a VALIDATION_FAILED StorekeepError and returns its issue paths. */
function rejects(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    expect(isStorekeepError(error)).toBe(true);
    const e = error as StorekeepError;
    expect(e.code).toBe("VALIDATION_FAILED");
    return ((e.details.issues as { path: string }[] | undefined) ?? []).map((i) => i.path);
  }
  throw new Error("expected VALIDATION_FAILED, but the input was accepted");
}

/** Every path in a JSON value whose value satisfies `test`. */
function pathsWhere(value: Json, test: (value: Json, key: string | number | undefined) => boolean, key?: string | number, path: (string | number)[] = []): (string | number)[][] {
  const here = test(value, key) ? [path] : [];
  if (Array.isArray(value)) return [...here, ...value.flatMap((item, index) => pathsWhere(item, test, index, [...path, index]))];
  if (value !== null && typeof value === "object") return [...here, ...Object.entries(value).flatMap(([k, v]) => pathsWhere(v, test, k, [...path, k]))];
  return here;
}

const isMoneyJson = (value: Json): boolean => value !== null && typeof value === "object" && !Array.isArray(value) && Object.keys(value).sort().join() === "amount,currency";

function setAt(value: Json, path: readonly (string | number)[], next: Json | undefined): Json {
  const copy = clone(value);
  let cursor: Json = copy;
  for (const segment of path.slice(0, -1)) cursor = (cursor as Record<string | number, Json>)[segment] as Json;
  const last = path[path.length - 1] as string | number;
  if (next === undefined) delete (cursor as Record<string | number, Json>)[last];
  else (cursor as Record<string | number, Json>)[last] = next;
  return copy;
}

const examples = eventExamples as unknown as Record<EventType, Json>;

describe("the catalog", () => {
  it("names every event DESIGN.md names, once, split between sales, purchasing and inventory", () => {
    const named = [
      "OrderPlaced", "OrderEdited", "OrderReservationRequested", "OrderCancelled", "PaymentAuthorized", "PaymentCaptured", "ShipmentDispatched", "OrderInvoiced", "RefundIssued", "CreditNoteIssued", "ReturnReceived", "PayoutSettled",
      "GoodsReceived", "SupplierBillRecorded", "SupplierPaid", "SupplierReturned", "LandedCostRecorded",
      "StockReceived", "StockIssued", "StockTransferred", "StockAdjusted", "StockRevalued", "StockReserved", "ReservationReleased",
    ];
    expect([...EVENT_TYPES]).toEqual([...named].sort());
    expect([...SALES_EVENT_TYPES, ...PURCHASING_EVENT_TYPES, ...INVENTORY_EVENT_TYPES].sort()).toEqual([...named].sort());
    for (const type of EVENT_TYPES) {
      expect(eventCatalog.events[type].schemaVersion).toBe(1);
      expect(eventCatalog.events[type].upcasters).toEqual([]);
      expect(isEventType(type)).toBe(true);
    }
    expect(isEventType("OrderShipped")).toBe(false);
    expect(isEventType("toString")).toBe(false);
    expect(isEventType(42)).toBe(false);
  });

  it.each([...EVENT_TYPES])("%s: accepts its example, in an envelope too, and normalises decimals", (type) => {
    const payload = eventCatalog.parsePayload(type, examples[type]);
    expect(payload).toBeTypeOf("object");
    const event = parseEvent(envelope(type, examples[type]));
    expect(event.type).toBe(type);
    expect(event.payload).toEqual(payload);
    // Normalised output is a fixed point: parsing it again changes nothing.
    expect(eventCatalog.parsePayload(type, JSON.parse(JSON.stringify(payload)))).toEqual(payload);
    // Every amount that comes out is canonical.
    for (const path of pathsWhere(payload as unknown as Json, isMoneyJson)) {
      let money: Json = payload as unknown as Json;
      for (const segment of path) money = (money as Record<string | number, Json>)[segment] as Json;
      const amount = (money as { amount: string }).amount;
      expect(amount).toBe(new Decimal(amount).isZero() ? "0" : new Decimal(amount).toFixed());
    }
  });

  it("normalises a decimal written with trailing zeros to its canonical string", () => {
    const payload = eventCatalog.parsePayload("OrderPlaced", eventExamples.OrderPlaced);
    expect(payload.total).toEqual({ amount: "34.9", currency: "EUR" });
    expect(payload.lines[1]?.unitPrice).toEqual({ amount: "15", currency: "EUR" });
  });

  it("parses an envelope into the discriminated union, matched exhaustively", () => {
    const event = parseEvent(envelope("StockIssued", eventExamples.StockIssued));
    const description = match(event as AnyEvent)
      .with({ type: "StockIssued" }, (e) => `${e.payload.counterAccountRole} ${e.payload.cost.amount}`)
      .otherwise((e) => e.type);
    expect(description).toBe("cogs 4.6");
  });
});

describe("amounts, currencies and quantities in every payload", () => {
  const OPTIONAL_MONEY = new Set(["exchangeDifference", "unitCost", "counterValue", "listPrice"]);
  const moneyCases = EVENT_TYPES.flatMap((type) => pathsWhere(examples[type], isMoneyJson).map((path) => [type, path.join(".")] as const));

  it("the examples hold amounts for every type that is posted", () => {
    expect(moneyCases.length).toBeGreaterThan(60);
  });

  it.each(moneyCases)("%s %s: a missing amount, a bad currency or an exponent is refused", (type, pathText) => {
    const path = pathText.split(".").map((s) => (/^\d+$/.test(s) ? Number(s) : s));
    const example = examples[type];
    const noAmount = rejects(() => eventCatalog.parsePayload(type, setAt(example, [...path, "amount"], undefined)));
    expect(noAmount).toContain(`${pathText.replace(/\.(\d+)/g, "[$1]")}.amount`);
    rejects(() => eventCatalog.parsePayload(type, setAt(example, [...path, "currency"], "XXX")));
    rejects(() => eventCatalog.parsePayload(type, setAt(example, [...path, "currency"], "eur")));
    rejects(() => eventCatalog.parsePayload(type, setAt(example, [...path, "amount"], "1e3")));
    rejects(() => eventCatalog.parsePayload(type, setAt(example, [...path, "amount"], 1e21)));
    rejects(() => eventCatalog.parsePayload(type, setAt(example, [...path, "amount"], Number.NaN)));
    // One input rule everywhere: a safe number is read through its shortest form and stored as a string.
    const original = [...path, "amount"].reduce<unknown>((node, key) => (node as Record<string | number, unknown>)[key], example) as string;
    const fromNumber = eventCatalog.parsePayload(type, setAt(example, [...path, "amount"], Number(original)));
    expect(fromNumber).toEqual(eventCatalog.parsePayload(type, example));
    rejects(() => eventCatalog.parsePayload(type, setAt(example, [...path, "amount"], "1234567890123456")));
    if (OPTIONAL_MONEY.has(String(path[path.length - 1]))) {
      expect(() => eventCatalog.parsePayload(type, setAt(example, path, undefined))).not.toThrow();
    } else {
      rejects(() => eventCatalog.parsePayload(type, setAt(example, path, undefined)));
    }
  });

  const quantityCases = EVENT_TYPES.flatMap((type) => pathsWhere(examples[type], (_, key) => key === "quantity").map((path) => [type, path.join(".")] as const));

  it.each(quantityCases)("%s %s: a negative or zero quantity is refused (except a stock adjustment's negative one)", (type, pathText) => {
    const path = pathText.split(".").map((s) => (/^\d+$/.test(s) ? Number(s) : s));
    const example = examples[type];
    rejects(() => eventCatalog.parsePayload(type, setAt(example, path, "0")));
    rejects(() => eventCatalog.parsePayload(type, setAt(example, path, 1e21)));
    rejects(() => eventCatalog.parsePayload(type, setAt(example, path, 0)));
    rejects(() => eventCatalog.parsePayload(type, setAt(example, path, "1.0000001")));
    if (type === "StockAdjusted") {
      expect(eventCatalog.parsePayload(type, setAt(example, path, "-3")).quantity).toBe("-3");
    } else {
      rejects(() => eventCatalog.parsePayload(type, setAt(example, path, "-1")));
    }
  });

  it("invariant: any bounded decimal, however written, comes out canonical with the same value, and parsing again changes nothing", () => {
    const padded = (text: string, zeros: number) => (text.includes(".") ? text + "0".repeat(zeros) : zeros > 0 ? `${text}.${"0".repeat(zeros)}` : text);
    fc.assert(
      fc.property(boundedDecimalText(BOUNDS.quantity, false), boundedDecimalText({ integerDigits: 15, fractionDigits: 2 }, true), fc.nat(3), (quantity, value, zeros) => {
        if (quantity.units === 0n || value.units === 0n) return;
        const sign = value.units < 0n ? "-" : "";
        const payload = {
          ...eventExamples.StockAdjusted,
          quantity: padded(`${sign}${quantity.text}`, zeros),
          value: { amount: padded(value.text, zeros), currency: "EUR" },
        };
        const parsed = eventCatalog.parsePayload("StockAdjusted", payload);
        expect(new Decimal(parsed.quantity).eq(`${sign}${quantity.text}`)).toBe(true);
        expect(parsed.value.amount).toBe(value.text);
        expect(eventCatalog.parsePayload("StockAdjusted", parsed)).toEqual(parsed);
      }),
    );
  });

  it("a posted amount must be whole minor units; a unit price may carry 6 decimals", () => {
    rejects(() => parseWith(postedAmountJson, { amount: "19.999", currency: "EUR" }));
    rejects(() => parseWith(postedAmountJson, { amount: "1.5", currency: "JPY" }));
    expect(parseWith(postedAmountJson, { amount: "1.005", currency: "KWD" })).toEqual({ amount: "1.005", currency: "KWD" });
    const order = eventCatalog.parsePayload("OrderPlaced", setAt(examples.OrderPlaced, ["lines", 0, "unitPrice", "amount"], "0.012500"));
    expect(order.lines[0]?.unitPrice.amount).toBe("0.0125");
    rejects(() => eventCatalog.parsePayload("OrderPlaced", setAt(examples.OrderPlaced, ["lines", 0, "unitPrice", "amount"], "-1")));
    rejects(() => eventCatalog.parsePayload("OrderPlaced", setAt(examples.OrderPlaced, ["total", "amount"], "34.901")));
  });

  it("moneyJson keeps JSON: a canonical string and the code, never a Money object", () => {
    const parsed = moneyJson.parse({ amount: "-0.00", currency: "EUR" });
    expect(parsed).toEqual({ amount: "0", currency: "EUR" });
    expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
  });

  it("an amount in the wrong currency for its document is refused with its path", () => {
    expect(rejects(() => eventCatalog.parsePayload("OrderPlaced", setAt(examples.OrderPlaced, ["lines", 1, "unitPrice", "currency"], "USD")))).toContain("lines[1].unitPrice.currency");
    expect(rejects(() => eventCatalog.parsePayload("OrderInvoiced", setAt(examples.OrderInvoiced, ["functional", "tax", "currency"], "USD")))).toContain("functional.tax.currency");
    expect(rejects(() => eventCatalog.parsePayload("GoodsReceived", setAt(examples.GoodsReceived, ["lines", 0, "receivedValue", "currency"], "USD")))).toContain("lines[0].receivedValue.currency");
    expect(rejects(() => eventCatalog.parsePayload("StockReceived", setAt(examples.StockReceived, ["counterValue", "currency"], "USD")))).toContain("counterValue.currency");
  });

  it("rates are positive canonical strings within the rate bounds", () => {
    const parsed = eventCatalog.parsePayload("GoodsReceived", setAt(examples.GoodsReceived, ["rate"], "0.920000000000"));
    expect(parsed.rate).toBe("0.92");
    rejects(() => eventCatalog.parsePayload("GoodsReceived", setAt(examples.GoodsReceived, ["rate"], "0")));
    rejects(() => eventCatalog.parsePayload("GoodsReceived", setAt(examples.GoodsReceived, ["rate"], "-1")));
    rejects(() => eventCatalog.parsePayload("GoodsReceived", setAt(examples.GoodsReceived, ["rate"], "0.0000000000001")));
    rejects(() => eventCatalog.parsePayload("GoodsReceived", setAt(examples.GoodsReceived, ["rate"], "1234567")));
  });

  it("lines are bounded: none and more than 1,000 are refused", () => {
    rejects(() => eventCatalog.parsePayload("OrderPlaced", setAt(examples.OrderPlaced, ["lines"], [])));
    const line = (i: number): Json => ({ lineId: `l${i}`, sku: "MUG", quantity: "1", unitPrice: { amount: "0", currency: "EUR" } });
    const many = Array.from({ length: 1001 }, (_, i) => line(i));
    rejects(() => eventCatalog.parsePayload("OrderPlaced", setAt(setAt(examples.OrderPlaced, ["lines"], many), ["total", "amount"], "0")));
    const ok = Array.from({ length: 1000 }, (_, i) => line(i));
    expect(eventCatalog.parsePayload("OrderPlaced", setAt(setAt(examples.OrderPlaced, ["lines"], ok), ["total", "amount"], "0")).lines).toHaveLength(1000);
  });

  it("a repeated line id is refused", () => {
    rejects(() => eventCatalog.parsePayload("OrderPlaced", setAt(examples.OrderPlaced, ["lines", 1, "lineId"], "l1")));
  });

  it("instants must be UTC ISO strings with milliseconds, real ones", () => {
    for (const bad of ["2026-11-20T09:00:00Z", "2026-11-20T09:00:00.000+01:00", "2026-02-30T09:00:00.000Z", "2026-11-20T25:00:00.000Z", "yesterday", 1_764_000_000_000]) {
      rejects(() => eventCatalog.parsePayload("StockReceived", setAt(examples.StockReceived, ["effectiveAt"], bad)));
    }
  });
});

describe("the exchange block: finance never multiplies by a rate", () => {
  it("a document in the functional currency must have rate 1 and equal functional amounts", () => {
    expect(rejects(() => eventCatalog.parsePayload("OrderInvoiced", setAt(examples.OrderInvoiced, ["rate"], "1.1")))).toContain("rate");
    expect(rejects(() => eventCatalog.parsePayload("OrderInvoiced", setAt(setAt(examples.OrderInvoiced, ["functional", "net", "amount"], "99"), ["functional", "gross", "amount"], "123.95")))).toContain("functional.net");
    expect(rejects(() => eventCatalog.parsePayload("GoodsReceived", setAt(setAt(examples.GoodsReceived, ["currency"], "EUR"), ["lines", 0, "unitPrice", "currency"], "EUR")))).toContain("rate");
  });

  it("a foreign-currency document may convert at any rate: the emitter's functional amounts stand", () => {
    const captured = eventCatalog.parsePayload("PaymentCaptured", eventExamples.PaymentCaptured);
    expect(captured.functionalAmount).toEqual({ amount: "92", currency: "EUR" });
  });

  it("totals must add up, in the transaction and in the functional currency", () => {
    expect(rejects(() => eventCatalog.parsePayload("OrderInvoiced", setAt(examples.OrderInvoiced, ["gross", "amount"], "124.96")))).toContain("gross");
    expect(rejects(() => eventCatalog.parsePayload("CreditNoteIssued", setAt(examples.CreditNoteIssued, ["functional", "gross", "amount"], "12")))).toContain("functional.gross");
    expect(rejects(() => eventCatalog.parsePayload("PayoutSettled", setAt(examples.PayoutSettled, ["net", "amount"], "98.36")))).toContain("gross");
    expect(rejects(() => eventCatalog.parsePayload("SupplierReturned", setAt(examples.SupplierReturned, ["tax", "amount"], "4.95")))).toContain("gross");
    expect(rejects(() => eventCatalog.parsePayload("SupplierBillRecorded", setAt(examples.SupplierBillRecorded, ["lines", 0, "billedValue", "amount"], "241.81")))).toContain("functional.net");
    expect(rejects(() => eventCatalog.parsePayload("LandedCostRecorded", setAt(examples.LandedCostRecorded, ["allocations", 1, "value", "amount"], "9.99")))).toContain("functional.net");
    expect(rejects(() => eventCatalog.parsePayload("OrderInvoiced", setAt(examples.OrderInvoiced, ["prepaymentApplied", "amount"], "125")))).toContain("prepaymentApplied");
  });

  it("an exchange difference is refused where none can arise", () => {
    const eurPaid = { ...eventExamples.SupplierPaid, currency: "EUR", rate: "1", amount: { amount: "244.4", currency: "EUR" } };
    expect(rejects(() => eventCatalog.parsePayload("SupplierPaid", eurPaid))).toContain("exchangeDifference");
    rejects(() => eventCatalog.parsePayload("PaymentCaptured", { ...eventExamples.PaymentCaptured, exchangeDifference: { amount: "1", currency: "EUR" } }));
    expect(eventCatalog.parsePayload("PaymentCaptured", { ...eventExamples.PaymentCaptured, invoiced: true, exchangeDifference: { amount: "1", currency: "EUR" } }).exchangeDifference).toEqual({ amount: "1", currency: "EUR" });
    rejects(() => eventCatalog.parsePayload("SupplierPaid", { ...eventExamples.SupplierPaid, exchangeDifference: { amount: "2.6", currency: "USD" } }));
  });

  it("landed-cost allocations must name receipts of the event", () => {
    expect(rejects(() => eventCatalog.parsePayload("LandedCostRecorded", setAt(examples.LandedCostRecorded, ["allocations", 1, "receiptId"], "grn_9")))).toContain("allocations[1].receiptId");
  });
});

type Posting = { role: string; amount: Decimal };

/** The documented posting rules (DESIGN.md "Default postings"), as a test oracle: each is a pure function of the payload. */
const postingsOf = {
  OrderInvoiced: (p: EventPayload<"OrderInvoiced">): Posting[] => [
    { role: "receivables", amount: new Decimal(p.functional.gross.amount) },
    { role: "sales-revenue", amount: new Decimal(p.functional.net.amount).neg() },
    { role: "shipping-revenue", amount: new Decimal(p.functional.shipping.amount).neg() },
    { role: "output-tax", amount: new Decimal(p.functional.tax.amount).neg() },
    { role: "customer-prepayments", amount: new Decimal(p.functional.prepaymentApplied.amount) },
    { role: "receivables", amount: new Decimal(p.functional.prepaymentApplied.amount).neg() },
  ],
  SupplierBillRecorded: (p: EventPayload<"SupplierBillRecorded">): Posting[] => [
    ...p.lines.map((l) => ({ role: "grni", amount: new Decimal(l.receivedValue.amount) })),
    ...p.lines.map((l) => ({ role: "purchase-price-difference", amount: new Decimal(l.billedValue.amount).minus(l.receivedValue.amount) })),
    { role: "input-tax", amount: new Decimal(p.functional.tax.amount) },
    { role: "payables", amount: new Decimal(p.functional.gross.amount).neg() },
  ],
  PayoutSettled: (p: EventPayload<"PayoutSettled">): Posting[] => {
    const difference = new Decimal(p.exchangeDifference?.amount ?? "0");
    return [
      { role: "bank", amount: new Decimal(p.functional.net.amount) },
      { role: "payment-fees", amount: new Decimal(p.functional.fees.amount) },
      { role: "exchange-gain-loss", amount: difference },
      { role: "psp-clearing", amount: new Decimal(p.functional.gross.amount).plus(difference).neg() },
    ];
  },
  SupplierPaid: (p: EventPayload<"SupplierPaid">): Posting[] => {
    const difference = new Decimal(p.exchangeDifference?.amount ?? "0");
    return [
      { role: "payables", amount: new Decimal(p.functionalAmount.amount).minus(difference) },
      { role: "exchange-gain-loss", amount: difference },
      { role: "bank", amount: new Decimal(p.functionalAmount.amount).neg() },
    ];
  },
  StockReceived: (p: EventPayload<"StockReceived">): Posting[] => {
    const counter = new Decimal((p.counterValue ?? p.value).amount);
    return [
      { role: "inventory", amount: new Decimal(p.value.amount) },
      { role: "purchase-price-variance", amount: counter.minus(p.value.amount) },
      { role: p.counterAccountRole, amount: counter.neg() },
    ];
  },
  StockRevalued: (p: EventPayload<"StockRevalued">): Posting[] => p.postings.map((x) => ({ role: x.role, amount: new Decimal(x.amount.amount) })),
};

const balance = (postings: readonly Posting[]) => postings.reduce((sum, p) => sum.plus(p.amount), new Decimal(0));

const cents = (max = 10_000_000) => fc.integer({ min: 0, max }).map((n) => new Decimal(n).dividedBy(100).toFixed());
const eurJson = (amount: string): MoneyJson => ({ amount, currency: "EUR" });

describe("posting is a pure function of the payload (property)", () => {
  it("every example of a posted type balances under the documented rules", () => {
    expect(balance(postingsOf.OrderInvoiced(eventCatalog.parsePayload("OrderInvoiced", eventExamples.OrderInvoiced))).isZero()).toBe(true);
    expect(balance(postingsOf.SupplierBillRecorded(eventCatalog.parsePayload("SupplierBillRecorded", eventExamples.SupplierBillRecorded))).isZero()).toBe(true);
    expect(balance(postingsOf.PayoutSettled(eventCatalog.parsePayload("PayoutSettled", eventExamples.PayoutSettled))).isZero()).toBe(true);
    expect(balance(postingsOf.SupplierPaid(eventCatalog.parsePayload("SupplierPaid", eventExamples.SupplierPaid))).isZero()).toBe(true);
    expect(balance(postingsOf.StockReceived(eventCatalog.parsePayload("StockReceived", eventExamples.StockReceived))).isZero()).toBe(true);
    expect(balance(postingsOf.StockRevalued(eventCatalog.parsePayload("StockRevalued", eventExamples.StockRevalued))).isZero()).toBe(true);
  });

  it("invariant: any OrderInvoiced the schema accepts posts a balanced entry; one it refuses does not add up", () => {
    fc.assert(
      fc.property(cents(), cents(), cents(), fc.integer({ min: -2, max: 2 }), fc.double({ min: 0, max: 1, noNaN: true }), (net, shipping, tax, skew, share) => {
        const gross = new Decimal(net).plus(shipping).plus(tax).plus(new Decimal(skew).dividedBy(100));
        if (gross.isNegative()) return;
        const prepayment = gross.times(Math.round(share * 100)).dividedBy(100).toDecimalPlaces(2, Decimal.ROUND_DOWN).toFixed();
        const amounts = { net: eurJson(net), shipping: eurJson(shipping), tax: eurJson(tax), gross: eurJson(gross.toFixed()), prepaymentApplied: eurJson(prepayment) };
        const payload = { invoiceId: "inv_1", orderId: "ord_1", currency: "EUR", functionalCurrency: "EUR", rate: "1", ...amounts, functional: amounts };
        const parsed = eventCatalog.parsePayload.bind(eventCatalog);
        if (skew === 0) {
          expect(balance(postingsOf.OrderInvoiced(parsed("OrderInvoiced", payload))).isZero()).toBe(true);
        } else {
          rejects(() => parsed("OrderInvoiced", payload));
        }
      }),
    );
  });

  it("invariant: any SupplierBillRecorded the schema accepts posts a balanced entry (GRNI + PPD + input tax = payables)", () => {
    const line = fc.record({ received: cents(), billed: cents() });
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 8 }), cents(), (lines, tax) => {
        const net = lines.reduce((sum, l) => sum.plus(l.billed), new Decimal(0)).toFixed();
        const gross = new Decimal(net).plus(tax).toFixed();
        const payload = {
          billId: "bill_1", supplierId: "sup_1", currency: "EUR", functionalCurrency: "EUR", rate: "1",
          lines: lines.map((l, i) => ({ receiptId: `grn_${i}`, sku: "MUG", quantity: "1", unitPrice: eurJson(l.billed), receivedValue: eurJson(l.received), billedValue: eurJson(l.billed) })),
          net: eurJson(net), tax: eurJson(tax), gross: eurJson(gross),
          functional: { net: eurJson(net), tax: eurJson(tax), gross: eurJson(gross) },
        };
        const postings = postingsOf.SupplierBillRecorded(eventCatalog.parsePayload("SupplierBillRecorded", payload));
        expect(balance(postings).isZero()).toBe(true);
      }),
    );
  });

  it("invariant: SupplierPaid and PayoutSettled with any exchange difference balance (positive = loss)", () => {
    fc.assert(
      fc.property(cents(), cents(), fc.integer({ min: -100_000, max: 100_000 }), (amount, fees, differenceCents) => {
        if (new Decimal(amount).isZero()) return;
        const difference = eurJson(new Decimal(differenceCents).dividedBy(100).toFixed());
        const paid = eventCatalog.parsePayload("SupplierPaid", { ...eventExamples.SupplierPaid, functionalAmount: eurJson(amount), exchangeDifference: difference });
        const postings = postingsOf.SupplierPaid(paid);
        expect(balance(postings).isZero()).toBe(true);
        // A loss (positive difference) is a debit to exchange gain/loss.
        expect(postings.find((p) => p.role === "exchange-gain-loss")?.amount.toFixed()).toBe(difference.amount);
        const gross = new Decimal(amount).plus(fees).toFixed();
        const usdAmounts = { gross: { amount: gross, currency: "USD" }, fees: { amount: fees, currency: "USD" }, net: { amount: amount, currency: "USD" } };
        const payout = eventCatalog.parsePayload("PayoutSettled", {
          payoutId: "out_1", currency: "USD", functionalCurrency: "EUR", rate: "1",
          ...usdAmounts, functional: { gross: eurJson(gross), fees: eurJson(fees), net: eurJson(amount) }, exchangeDifference: difference,
        });
        expect(balance(postingsOf.PayoutSettled(payout)).isZero()).toBe(true);
      }),
    );
  });

  it("invariant: StockReceived at standard cost balances with the variance to purchase-price-variance", () => {
    fc.assert(
      fc.property(cents(), fc.option(cents(), { nil: undefined }), (value, counter) => {
        const payload = { ...eventExamples.StockReceived, value: eurJson(value), ...(counter === undefined ? { counterValue: undefined } : { counterValue: eurJson(counter) }) };
        if (counter === undefined) delete (payload as { counterValue?: unknown }).counterValue;
        const postings = postingsOf.StockReceived(eventCatalog.parsePayload("StockReceived", payload));
        expect(balance(postings).isZero()).toBe(true);
        if (counter === undefined) expect(postings[1]?.amount.isZero()).toBe(true);
      }),
    );
  });
});

describe("StockRevalued", () => {
  const nonZeroCents = fc.integer({ min: -10_000_000, max: 10_000_000 }).filter((n) => n !== 0);
  const roles = fc.constantFrom(...ACCOUNT_ROLES);

  it("invariant: postings that sum to zero are accepted; moving one cent anywhere is refused", () => {
    fc.assert(
      fc.property(fc.array(fc.record({ role: roles, cents: nonZeroCents }), { minLength: 1, maxLength: 12 }), fc.nat(), fc.constantFrom(1, -1), (lines, pick, skew) => {
        const total = lines.reduce((sum, l) => sum + l.cents, 0);
        if (total === 0) return;
        const all = [...lines, { role: "inventory" as const, cents: -total }];
        const toPayload = (items: readonly { role: string; cents: number }[]) => ({
          revaluationId: "rv_1", sku: "MUG", reason: "landed-cost", source: { type: "landed-cost", id: "lc_1" },
          postings: items.map((l) => ({ role: l.role, amount: eurJson(new Decimal(l.cents).dividedBy(100).toFixed()) })),
        });
        const parsed = eventCatalog.parsePayload("StockRevalued", toPayload(all));
        expect(balance(postingsOf.StockRevalued(parsed)).isZero()).toBe(true);
        const index = pick % all.length;
        const skewed = all.map((l, i) => (i === index ? { ...l, cents: l.cents + skew } : l));
        if (skewed.some((l) => l.cents === 0)) return;
        expect(rejects(() => eventCatalog.parsePayload("StockRevalued", toPayload(skewed)))).toContain("postings");
      }),
    );
  });

  it("postings of each date must balance on their own (a back-dated revaluation books one entry per day)", () => {
    const dated = {
      ...eventExamples.StockRevalued,
      reason: "backdated",
      source: { type: "backdate", id: "mv_9" },
      postings: [
        { role: "inventory", amount: eurJson("1.5"), date: "2026-11-02" },
        { role: "cogs", amount: eurJson("-1.5"), date: "2026-11-02", movementId: "mv_3" },
        { role: "inventory", amount: eurJson("-0.4"), date: "2026-11-05" },
        { role: "shrinkage", amount: eurJson("0.4"), date: "2026-11-05", movementId: "mv_4" },
      ],
    };
    expect(eventCatalog.parsePayload("StockRevalued", dated).postings).toHaveLength(4);
    const crossed = setAt(dated as unknown as Json, ["postings", 3, "date"], "2026-11-02");
    const issues = rejects(() => eventCatalog.parsePayload("StockRevalued", crossed));
    expect(issues).toContain("postings");
  });

  it("refuses zero postings, a single posting, mixed currencies and unknown roles", () => {
    rejects(() => eventCatalog.parsePayload("StockRevalued", setAt(examples.StockRevalued, ["postings", 0, "amount", "amount"], "0")));
    rejects(() => eventCatalog.parsePayload("StockRevalued", { ...eventExamples.StockRevalued, postings: [eventExamples.StockRevalued.postings[0]] }));
    rejects(() => eventCatalog.parsePayload("StockRevalued", setAt(examples.StockRevalued, ["postings", 1, "amount", "currency"], "USD")));
    rejects(() => eventCatalog.parsePayload("StockRevalued", setAt(examples.StockRevalued, ["postings", 1, "role"], "Cost of goods sold")));
  });
});

describe("stock-value events", () => {
  it("a stock adjustment's value has the sign of its quantity or is zero", () => {
    rejects(() => eventCatalog.parsePayload("StockAdjusted", setAt(examples.StockAdjusted, ["value", "amount"], "2.3")));
    expect(eventCatalog.parsePayload("StockAdjusted", setAt(examples.StockAdjusted, ["value", "amount"], "0")).value.amount).toBe("0");
    const gain = setAt(setAt(examples.StockAdjusted, ["quantity"], "2"), ["value", "amount"], "4.6");
    expect(eventCatalog.parsePayload("StockAdjusted", gain).value.amount).toBe("4.6");
  });

  it("a transfer must go somewhere else; its stage is one of direct, dispatched, arrived", () => {
    rejects(() => eventCatalog.parsePayload("StockTransferred", setAt(examples.StockTransferred, ["to"], { warehouseId: "wh_main", locationId: "wh_main/A1" })));
    rejects(() => eventCatalog.parsePayload("StockTransferred", setAt(examples.StockTransferred, ["stage"], "lost")));
  });

  it("counter-account roles are a closed set shared with finance", () => {
    expect(accountRoleSchema.safeParse("grni").success).toBe(true);
    rejects(() => eventCatalog.parsePayload("StockIssued", setAt(examples.StockIssued, ["counterAccountRole"], "bank")));
    rejects(() => eventCatalog.parsePayload("StockIssued", setAt(examples.StockIssued, ["source", "type"], "gift")));
    expect(new Set(ACCOUNT_ROLES).size).toBe(ACCOUNT_ROLES.length);
  });
});

describe("the envelope", () => {
  it("is structurally the outbox event of the storage contract", () => {
    const event = makeEvent("ReservationReleased", eventExamples.ReservationReleased, { ...meta, idempotencyKey: "checkout-42" });
    const outbox: OutboxEvent = event;
    expect(JSON.parse(JSON.stringify(outbox))).toEqual(outbox);
    // Compile-time: every event of the union is an OutboxEvent.
    const toOutbox = (e: AnyEvent): OutboxEvent => e;
    expect(toOutbox(parseEvent(envelope("StockIssued", eventExamples.StockIssued))).type).toBe("StockIssued");
    expectTypeOf<EventPayload<"StockIssued">["cost"]>().toEqualTypeOf<MoneyJson>();
    expectTypeOf<EventPayload<"StockRevalued">["postings"][number]["role"]>().toEqualTypeOf<(typeof ACCOUNT_ROLES)[number]>();
  });

  it("refuses a missing field, a bad date or instant, a non-object payload, an unknown type", () => {
    const good = envelope("StockIssued", eventExamples.StockIssued);
    for (const key of ["id", "type", "schemaVersion", "aggregateType", "aggregateId", "aggregateVersion", "effectiveDate", "occurredAt", "causationId", "correlationId", "payload"]) {
      const copy = { ...good };
      delete copy[key];
      expect(rejects(() => parseEvent(copy))).toContain(key);
    }
    expect(rejects(() => parseEvent({ ...good, effectiveDate: "2026-02-30" }))).toContain("effectiveDate");
    expect(rejects(() => parseEvent({ ...good, occurredAt: "2026-11-27 10:00" }))).toContain("occurredAt");
    expect(rejects(() => parseEvent({ ...good, payload: [] }))).toContain("payload");
    expect(rejects(() => parseEvent({ ...good, schemaVersion: 1.5 }))).toContain("schemaVersion");
    expect(rejects(() => parseEvent({ ...good, type: "OrderShipped" }))).toContain("type");
    expect(rejects(() => parseEvent({ ...good, idempotencyKey: undefined }))).toContain("idempotencyKey");
    expect(parseEvent({ ...good, causationId: "evt_0" }).causationId).toBe("evt_0");
  });

  it("refuses a payload version newer than the catalog knows", () => {
    const issues = rejects(() => parseEvent(envelope("StockIssued", eventExamples.StockIssued, 2)));
    expect(issues).toContain("schemaVersion");
  });

  it("makeEvent stamps the current version and validates the payload", () => {
    const event = makeEvent("StockIssued", eventExamples.StockIssued, meta);
    expect(event.schemaVersion).toBe(1);
    expect(event.payload.cost).toEqual({ amount: "4.6", currency: "EUR" });
    rejects(() => makeEvent("StockIssued", { ...eventExamples.StockIssued, quantity: "-2" }, meta));
    rejects(() => makeEvent("StockIssued", eventExamples.StockIssued, { ...meta, occurredAt: "now" }));
  });

  it("invariant: parseEvent of anything throws nothing but VALIDATION_FAILED", () => {
    fc.assert(
      fc.property(fc.anything({ withBigInt: true, withDate: true, withMap: true, withSet: true, withTypedArray: true, withSparseArray: true, withNullPrototype: true }), (input) => {
        try {
          parseEvent(input);
        } catch (error) {
          expect(isStorekeepError(error) && error.code === "VALIDATION_FAILED").toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });

  it("invariant: an example payload with any field replaced by any value parses or throws VALIDATION_FAILED", () => {
    const cases = EVENT_TYPES.flatMap((type) => pathsWhere(examples[type], () => true).filter((p) => p.length > 0).map((path) => ({ type, path })));
    fc.assert(
      fc.property(fc.constantFrom(...cases), fc.anything(), ({ type, path }, value) => {
        try {
          const payload = setAt(examples[type], path, value as Json);
          parseEvent(envelope(type, payload));
        } catch (error) {
          expect(isStorekeepError(error) && error.code === "VALIDATION_FAILED").toBe(true);
        }
      }),
      { numRuns: 1000 },
    );
  });
});

describe("schema versions and upcasting", () => {
  // v1: { orderId, cents: number }; v2: { orderId, amount: MoneyJson }; v3: adds `paper`, defaulting old events to "red".
  const v1 = z.object({ orderId: z.string(), cents: z.number().int() });
  const v2ToV3 = defineUpcaster({ from: 2, upcast: (payload) => ({ ...payload, paper: "red" }) });
  const v1ToV2 = defineUpcaster({
    from: 1,
    schema: v1,
    upcast: (payload) => ({ orderId: payload.orderId, amount: { amount: new Decimal(payload.cents).dividedBy(100).toFixed(), currency: "EUR" } }),
  });
  const giftWrapped = defineEvent({
    schemaVersion: 3,
    schema: z.object({ orderId: z.string(), amount: moneyJson, paper: z.enum(["red", "gold"]) }),
    upcasters: [v1ToV2, v2ToV3],
  });
  const catalog = createEventCatalog({ "acme.GiftWrapped": giftWrapped });

  it("upcasts v1 → v2 → v3 on read and validates the result with the current schema", () => {
    const event = catalog.parse(envelope("acme.GiftWrapped", { orderId: "ord_1", cents: 250 }, 1));
    expect(event.schemaVersion).toBe(3);
    expect(event.payload).toEqual({ orderId: "ord_1", amount: { amount: "2.5", currency: "EUR" }, paper: "red" });
    expect(catalog.parse(envelope("acme.GiftWrapped", { orderId: "ord_1", amount: { amount: "1", currency: "EUR" } }, 2)).payload.paper).toBe("red");
    expect(catalog.parse(envelope("acme.GiftWrapped", { orderId: "ord_1", amount: { amount: "1", currency: "EUR" }, paper: "gold" }, 3)).payload.paper).toBe("gold");
  });

  it("invariant: a v1 event upcast on read equals the same event written at v3", () => {
    fc.assert(
      fc.property(fc.integer({ min: -1_000_000, max: 1_000_000 }), fc.stringMatching(/^[a-z][a-z0-9_]{0,20}$/), (cents, orderId) => {
        const old = catalog.parse(envelope("acme.GiftWrapped", { orderId, cents }, 1));
        const amount = new Decimal(cents).dividedBy(100).toFixed();
        const current = catalog.parse(envelope("acme.GiftWrapped", { orderId, amount: { amount, currency: "EUR" }, paper: "red" }, 3));
        expect(old).toEqual(current);
      }),
    );
  });

  it("an upcaster sees the envelope it upcasts (at the old version), or undefined for a bare payload", () => {
    const seen: unknown[] = [];
    const dated = createEventCatalog({
      Dated: defineEvent({
        schemaVersion: 2,
        schema: z.object({ x: z.string(), since: z.string() }),
        upcasters: [defineUpcaster({ from: 1, upcast: (p, e) => { seen.push(e?.schemaVersion); return { ...p, since: e?.effectiveDate ?? "unknown" }; } })],
      }),
    });
    expect(dated.parse(envelope("Dated", { x: "a" }, 1)).payload).toEqual({ x: "a", since: "2026-11-27" });
    expect(dated.parsePayload("Dated", { x: "a" }, 1)).toEqual({ x: "a", since: "unknown" });
    expect(seen).toEqual([1, undefined]);
  });

  it("an old payload that fails its own version's schema is VALIDATION_FAILED with the old version named", () => {
    try {
      catalog.parse(envelope("acme.GiftWrapped", { orderId: "ord_1", cents: "lots" }, 1));
      expect.unreachable();
    } catch (error) {
      expect(isStorekeepError(error) && error.code === "VALIDATION_FAILED").toBe(true);
      expect((error as Error).message).toContain("acme.GiftWrapped v1 payload");
    }
  });

  it("an upcaster that throws becomes VALIDATION_FAILED, never a raw error", () => {
    const broken = createEventCatalog({
      Broken: defineEvent({ schemaVersion: 2, schema: z.object({ x: z.string() }), upcasters: [defineUpcaster({ from: 1, upcast: (p) => ({ x: (p["nested"] as { deep: string }).deep }) })] }),
    });
    expect(rejects(() => broken.parse(envelope("Broken", {}, 1)))).toContain("payload");
  });

  it("refuses a definition whose upcasters do not cover every older version, in order", () => {
    rejects(() => createEventCatalog({ Gap: defineEvent({ schemaVersion: 3, schema: z.object({}), upcasters: [v1ToV2] }) }));
    rejects(() => createEventCatalog({ Swapped: defineEvent({ schemaVersion: 3, schema: z.object({}), upcasters: [v2ToV3, v1ToV2] }) }));
    rejects(() => createEventCatalog({ Zero: defineEvent({ schemaVersion: 0, schema: z.object({}) }) }));
    rejects(() => createEventCatalog({ "not a name": defineEvent({ schema: z.object({}) }) }));
  });

  it("a host extends storekeep's catalog with its own events and reads both", () => {
    const extended = eventCatalog.extend({ "acme.GiftWrapped": giftWrapped });
    expect(extended.types).toContain("acme.GiftWrapped");
    expect(extended.types).toContain("StockIssued");
    expect(extended.parse(envelope("StockIssued", eventExamples.StockIssued)).type).toBe("StockIssued");
    const gift = extended.parse(envelope("acme.GiftWrapped", { orderId: "ord_1", cents: 100 }, 1));
    expect(gift.type === "acme.GiftWrapped" && gift.payload.paper).toBe("red");
    rejects(() => eventCatalog.extend({ StockIssued: giftWrapped }));
    // storekeep's own catalog is untouched.
    expect(eventCatalog.isEventType("acme.GiftWrapped")).toBe(false);
  });

  it("storekeep's catalog: a stored v1 event still parses when its schema is at v1 (no upcast needed)", () => {
    expect(eventEnvelopeSchema.safeParse(envelope("StockIssued", eventExamples.StockIssued)).success).toBe(true);
    expect(eventDefinitions.StockIssued.schemaVersion).toBe(1);
  });
});

describe("no personal data", () => {
  const FORBIDDEN_WORDS = new Set(["name", "email", "mail", "address", "phone", "mobile", "street", "city", "zip", "postcode", "postal", "birth", "birthday", "iban", "card", "note", "notes", "message", "comment", "text", "ip", "contact"]);
  /** A key is personal when one of its camelCase words is; ids (`creditNoteId`, `billIds`) are references, not data. */
  const isPersonal = (key: string): boolean =>
    !/Ids?$/.test(key) && key.split(/(?=[A-Z])|[-_]/).some((word) => FORBIDDEN_WORDS.has(word.toLowerCase()));
  const FORBIDDEN = { test: isPersonal };

  function keysOf(schema: z.core.$ZodType, seen = new Set<unknown>()): string[] {
    if (seen.has(schema)) return [];
    seen.add(schema);
    const def = schema._zod.def as unknown as Record<string, unknown>;
    const children: z.core.$ZodType[] = [];
    let keys: string[] = [];
    if (def["type"] === "object") {
      const shape = def["shape"] as Record<string, z.core.$ZodType>;
      keys = Object.keys(shape);
      children.push(...Object.values(shape));
    }
    for (const field of ["in", "out", "innerType", "element", "valueType", "keyType"]) {
      const child = def[field];
      if (child !== undefined && typeof child === "object" && child !== null && "_zod" in child) children.push(child as z.core.$ZodType);
    }
    if (Array.isArray(def["options"])) children.push(...(def["options"] as z.core.$ZodType[]));
    return [...keys, ...children.flatMap((child) => keysOf(child, seen))];
  }

  it("no payload schema has a key for a name, an email, an address, a phone or free text", () => {
    const all = EVENT_TYPES.flatMap((type) => keysOf(eventDefinitions[type].schema).map((key) => `${type}.${key}`));
    // The walk reaches nested keys (lines, postings, functional amounts), so it could find a bad one.
    expect(all).toContain("OrderPlaced.unitPrice");
    expect(all).toContain("StockRevalued.role");
    expect(all.length).toBeGreaterThan(200);
    expect(all.filter((key) => FORBIDDEN.test(key.split(".")[1] ?? ""))).toEqual([]);
  });

  it("the walk would catch one (a schema with customerEmail fails the check)", () => {
    const leaky = z.object({ orderId: z.string(), lines: z.array(z.object({ sku: z.string(), customerEmail: z.string().exactOptional() })) });
    expect(keysOf(leaky).filter((key) => FORBIDDEN.test(key))).toEqual(["customerEmail"]);
    expect(["shippingAddress", "phone", "firstName", "note", "creditNoteId", "orderId", "paymentIds"].filter(isPersonal)).toEqual(["shippingAddress", "phone", "firstName", "note"]);
  });
});
