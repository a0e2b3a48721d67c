import { describe, expect, it } from "vitest";
import { DEFAULT_ACCOUNT_MAP } from "../../src/finance/chart.js";
import { type RuleEntry, type RuleEvent, postingRules } from "../../src/finance/posting-rules.js";
import { checkEntryBalanced, unitsToString } from "../../src/finance/posting-kernel.js";
import { eventCatalog, eventExamples, type EventType } from "../../src/kernel/events/index.js";

/* Each rule is a pure function of its payload: checked here without a store. */

const context = { accountMap: DEFAULT_ACCOUNT_MAP, functionalCurrency: "EUR" };
const eur = (amount: string) => ({ amount, currency: "EUR" });
const usd = (amount: string) => ({ amount, currency: "USD" });

function post<T extends EventType>(type: T, payload: unknown, effectiveDate = "2026-03-01"): RuleEntry[] {
  const parsed = eventCatalog.parsePayload(type, payload);
  return [...postingRules[type]({ id: "evt_1", type, effectiveDate, payload: parsed } as RuleEvent<T>, context as never)];
}

const lines = (entry: RuleEntry) => entry.lines.map((l) => [l.account, l.currency, unitsToString(l.amount), unitsToString(l.functional)]);

describe("posting rules (pure)", () => {
  it("every catalog example posts balanced entries in the functional currency, or nothing", () => {
    let posted = 0;
    for (const type of Object.keys(eventExamples) as EventType[]) {
      const example = eventExamples[type] as { functionalCurrency?: string };
      if (example.functionalCurrency !== undefined && example.functionalCurrency !== "EUR") continue;
      for (const entry of post(type, example)) {
        posted++;
        expect(() => checkEntryBalanced(entry.lines, "EUR"), type).not.toThrow();
        expect(entry.lines.every((l) => l.amount !== 0n || l.functional !== 0n), type).toBe(true);
      }
    }
    expect(posted).toBeGreaterThanOrEqual(12);
  });

  it("a foreign payout books the realised exchange difference on the clearing account's booked value", () => {
    const [entry] = post("PayoutSettled", {
      payoutId: "po_9", currency: "USD", functionalCurrency: "EUR", rate: "0.9",
      gross: usd("100"), fees: usd("3"), net: usd("97"), functional: { gross: eur("90"), fees: eur("2.7"), net: eur("87.3") }, exchangeDifference: eur("1.5"),
    });
    expect(lines(entry!)).toEqual([
      ["1100", "USD", "97", "87.3"],
      ["6100", "USD", "3", "2.7"],
      ["6800", "EUR", "1.5", "1.5"],
      ["1150", "USD", "-100", "-91.5"],
    ]);
    expect(entry!.lines[0]!.rate).toBe("0.9");
  });

  it("a foreign refund after invoicing debits the receivable at its booked value and the difference to exchange gain/loss", () => {
    const [entry] = post("RefundIssued", {
      refundId: "ref_9", orderId: "ord_9", invoiced: true, currency: "USD", functionalCurrency: "EUR", rate: "0.92",
      amount: usd("50"), functionalAmount: eur("46"), exchangeDifference: eur("-1"),
    });
    expect(lines(entry!)).toEqual([
      ["1200", "USD", "50", "47"],
      ["6800", "EUR", "-1", "-1"],
      ["1150", "USD", "-50", "-46"],
    ]);
  });

  it("a refund split between the credit and prepayments (fromPrepayments) debits prepayments with its part at the booked value, the receivable with the rest less the credit's difference, and releases the part's advance tax", () => {
    const advance = [{ code: "DE-STD", jurisdiction: { country: "DE" }, kind: "standard", rate: "0.19", base: usd("20"), tax: usd("3.8"), functional: { base: eur("18"), tax: eur("3.42") } }];
    // 35.70 USD: 11.90 settles a credit booked at 10.95 (11.31 at 0.95: a 0.36 loss), 23.80 out of prepayments booked at 21.42
    // (finance relieved it at 21.40: a 0.02 gain on that part).
    const [entry] = post("RefundIssued", {
      refundId: "ref_9", orderId: "ord_9", invoiced: true, currency: "USD", functionalCurrency: "EUR", rate: "0.95",
      amount: usd("35.7"), functionalAmount: eur("32.73"), exchangeDifference: eur("0.36"), advanceTaxReleased: advance,
      fromPrepayments: { amount: usd("23.8"), functionalAmount: eur("21.42") },
    });
    expect(lines(entry!)).toEqual([
      ["2200", "USD", "23.8", "21.42"],
      ["1200", "USD", "11.9", "10.95"],
      ["6800", "EUR", "0.36", "0.36"],
      ["1150", "USD", "-35.7", "-32.73"],
      ["1410", "EUR", "-3.42", "-3.42"],
      ["2300", "EUR", "3.42", "3.42"],
    ]);
    expect(entry!.memo).toBe("Refund ref_9 for order ord_9, 23.8 out of prepayments");
    // Finance's difference on the prepayment part (its booked value from its own tracking) moves to exchange gain/loss.
    const payload = eventCatalog.parsePayload("RefundIssued", { refundId: "ref_9", orderId: "ord_9", invoiced: true, currency: "USD", functionalCurrency: "EUR", rate: "0.95", amount: usd("35.7"), functionalAmount: eur("32.73"), fromPrepayments: { amount: usd("23.8"), functionalAmount: eur("21.42") } });
    const relieved = { ...payload, fromPrepayments: { ...payload.fromPrepayments!, exchangeDifference: eur("0.02") } };
    const [tracked] = postingRules.RefundIssued({ id: "evt_1", type: "RefundIssued", effectiveDate: "2026-03-10", payload: relieved } as RuleEvent<"RefundIssued">, context as never);
    expect(lines(tracked!)).toEqual([
      ["2200", "USD", "23.8", "21.4"],
      ["6800", "EUR", "0.02", "0.02"],
      ["1200", "USD", "11.9", "11.31"],
      ["1150", "USD", "-35.7", "-32.73"],
    ]);
    expect(() => checkEntryBalanced(tracked!.lines, "EUR")).not.toThrow();
  });

  it("RefundIssued's fromPrepayments: only on an invoiced refund, less than the refund, without an emitter's difference; a payload without it (stored before it existed) parses as before", () => {
    const base = { refundId: "ref_9", orderId: "ord_9", invoiced: true, currency: "EUR", functionalCurrency: "EUR", rate: "1", amount: eur("35.7"), functionalAmount: eur("35.7") };
    expect(eventCatalog.parsePayload("RefundIssued", base)).toEqual(base);
    expect(eventCatalog.parsePayload("RefundIssued", { ...base, fromPrepayments: { amount: eur("23.8"), functionalAmount: eur("23.8") } }).fromPrepayments).toEqual({ amount: eur("23.8"), functionalAmount: eur("23.8") });
    const refused = (payload: unknown) => expect(() => eventCatalog.parsePayload("RefundIssued", payload)).toThrow();
    refused({ ...base, invoiced: false, fromPrepayments: { amount: eur("23.8"), functionalAmount: eur("23.8") } });
    refused({ ...base, fromPrepayments: { amount: eur("35.7"), functionalAmount: eur("35.7") } });
    refused({ ...base, fromPrepayments: { amount: eur("23.8"), functionalAmount: eur("23.7") } });
    refused({ ...base, fromPrepayments: { amount: eur("23.8"), functionalAmount: eur("23.8"), exchangeDifference: eur("0.01") } });
    refused({ ...base, fromPrepayments: { amount: usd("23.8"), functionalAmount: eur("23.8") } });
  });

  it("a foreign invoice balances in both currencies; shipping and tax lines of zero are left out", () => {
    const [entry] = post("OrderInvoiced", {
      invoiceId: "inv_9", orderId: "ord_9", currency: "USD", functionalCurrency: "EUR", rate: "0.9",
      net: usd("100"), shipping: usd("0"), tax: usd("0"), gross: usd("100"), prepaymentApplied: usd("40"),
      functional: { net: eur("90"), shipping: eur("0"), tax: eur("0"), gross: eur("90"), prepaymentApplied: eur("36.4") },
    });
    expect(lines(entry!)).toEqual([
      ["1200", "USD", "100", "90"],
      ["4100", "USD", "-100", "-90"],
      ["2200", "USD", "40", "36.4"],
      ["1200", "USD", "-40", "-36.4"],
    ]);
    expect(() => checkEntryBalanced(entry!.lines, "EUR")).not.toThrow();
  });

  it("stock events in another currency than the books are refused", () => {
    expect(() =>
      post("StockIssued", {
        movementId: "mv_1", sku: "MUG", warehouseId: "wh", locationId: "wh/A1", quantity: "1", cost: usd("2"), counterAccountRole: "cogs",
        effectiveAt: "2026-03-01T10:00:00.000Z", source: { type: "shipment", id: "shp_1" },
      }),
    ).toThrow(/functional currency/);
  });

  it("a zero-cost issue posts nothing", () => {
    expect(
      post("StockIssued", {
        movementId: "mv_1", sku: "MUG", warehouseId: "wh", locationId: "wh/A1", quantity: "1", cost: eur("0"), counterAccountRole: "cogs",
        effectiveAt: "2026-03-01T10:00:00.000Z", source: { type: "shipment", id: "shp_1" },
      }),
    ).toEqual([]);
  });
});
