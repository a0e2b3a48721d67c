import { describe, expect, it } from "vitest";
import { memoryRates, memoryStore } from "../../src/adapters/memory/index.js";
import { type Storekeep, createStorekeep } from "../../src/storekeep.js";
import { ManualClock, sequentialIds } from "../../src/testing/index.js";

/*
 * CRM's RFM monetary value, the purchases customer value fits and the segments a refresh
 * stores are in the functional currency: each order counts at the rate of its placement date
 * (as analytics converts GMV). Before, an order's amount counted in its own currency, so a
 * EUR shop's 150 USD order weighed as much as 150 EUR in the monetary ranking.
 */

const RATES = [
  { base: "USD", quote: "EUR", date: "2026-03-01", rate: "0.5" },
  { base: "USD", quote: "EUR", date: "2026-03-15", rate: "0.6" },
  { base: "GBP", quote: "EUR", date: "2026-03-01", rate: "1.2" },
];

function shop(): Storekeep {
  const clock = new ManualClock("2026-04-01T10:00:00.000Z");
  return createStorekeep({ store: memoryStore(), clock, ids: sequentialIds(), rates: memoryRates(RATES), config: { functionalCurrency: "EUR", timeZone: "UTC" } });
}

const m = (amount: string, currency: string) => ({ amount, currency });
function placed(orderId: string, customerId: string, total: string, currency: string, day: string) {
  return { type: "OrderPlaced" as const, aggregateType: "order", aggregateId: orderId, effectiveDate: day, payload: { orderId, customerId, warehouseId: "wh", currency, lines: [{ lineId: "l1", sku: "MUG", quantity: "1", unitPrice: m(total, currency) }], total: m(total, currency) } };
}
function returned(orderId: string, gross: string, currency: string, rate: string, day: string) {
  const doc = (g: string, c: string) => ({ net: m(g, c), shipping: m("0", c), tax: m("0", c), gross: m(g, c) });
  const functional = String(Number(gross) * Number(rate));
  return { type: "CreditNoteIssued" as const, aggregateType: "order", aggregateId: orderId, effectiveDate: day, payload: { creditNoteId: `cn_${orderId}`, orderId, invoiceId: `inv_${orderId}`, reason: "return" as const, currency, functionalCurrency: "EUR", rate, ...doc(gross, currency), functional: doc(functional, "EUR") } };
}

describe("CRM figures in the functional currency", () => {
  it("RFM monetary converts each order at its placement date's rate (net of its credit notes), and the stored segments rank by it", async () => {
    const sk = shop();
    await sk.recordEvents([
      placed("o_eur", "cus_eur", "100", "EUR", "2026-03-02"),
      // 150 USD at 0.50 = 75 EUR; 50 USD returned on the 20th (the rate then 0.60): the order nets 100 USD, 50 EUR at its own date's rate.
      placed("o_usd", "cus_usd", "150", "USD", "2026-03-02"),
      returned("o_usd", "50", "USD", "0.5", "2026-03-20"),
      // 70 GBP at 1.20 = 84 EUR.
      placed("o_gbp", "cus_gbp", "70", "GBP", "2026-03-16"),
      // 33.33 USD at 0.60 = 19.998, counted as 20.00: the functional currency's minor unit, as the books would hold it.
      placed("o_odd", "cus_odd", "33.33", "USD", "2026-03-16"),
    ]);
    await sk.crm.syncTimeline();
    const scores = await sk.crm.segments("2026-03-31");
    const byId = new Map(scores.map((s) => [s.customerId, s]));
    expect(byId.get("cus_eur")!.monetary).toBe(100);
    expect(byId.get("cus_usd")!.monetary).toBe(50);
    expect(byId.get("cus_gbp")!.monetary).toBe(84);
    expect(byId.get("cus_odd")!.monetary).toBe(20);
    // Ranked on euros: EUR 100 > GBP 84 > USD 50 (in their own currencies USD 100 would tie EUR 100 and beat GBP 70).
    expect(byId.get("cus_eur")!.m).toBeGreaterThan(byId.get("cus_gbp")!.m);
    expect(byId.get("cus_gbp")!.m).toBeGreaterThan(byId.get("cus_usd")!.m);
    // The command path (refreshSegments, as the automation runs it) reads the same figures.
    await sk.crm.refreshSegments({ asOf: "2026-03-31" });
    expect((await sk.crm.segments("2026-03-31")).map((s) => [s.customerId, s.monetary])).toEqual(scores.map((s) => [s.customerId, s.monetary]));
  });

  it("customer value fits spend in the functional currency: two customers buying the same in EUR and in USD at 0.5 differ by the rate", async () => {
    const sk = shop();
    await sk.recordEvents([
      placed("e1", "cus_eur", "40", "EUR", "2026-03-02"),
      placed("e2", "cus_eur", "40", "EUR", "2026-03-09"),
      placed("e3", "cus_eur", "40", "EUR", "2026-03-12"),
      placed("u1", "cus_usd", "80", "USD", "2026-03-02"),
      placed("u2", "cus_usd", "80", "USD", "2026-03-09"),
      placed("u3", "cus_usd", "80", "USD", "2026-03-12"),
    ]);
    await sk.crm.syncTimeline();
    // 80 USD at 0.50 is 40 EUR: the same purchases in the functional currency, so the same expected spend.
    const report = await sk.crm.customerValue("2026-03-31", { penalizer: 0.01 });
    const [a, b] = ["cus_eur", "cus_usd"].map((id) => report.customers.find((c) => c.customerId === id)!);
    expect(a!.expectedSpend).toBeCloseTo(b!.expectedSpend, 9);
    expect(a!.clv).toBeCloseTo(b!.clv, 9);
  });

  it("an order whose currency has no rate on its date is refused with NOT_FOUND naming the rate to add, not left out", async () => {
    const sk = shop();
    await sk.recordEvents([placed("o_chf", "cus_chf", "10", "CHF", "2026-03-02")]);
    await sk.crm.syncTimeline();
    await expect(sk.crm.segments("2026-03-31")).rejects.toMatchObject({ code: "NOT_FOUND", details: { from: "CHF", to: "EUR", date: "2026-03-02", orderId: "o_chf" } });
  });
});
