import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { calculateTax } from "../../src/finance/tax/calculate-tax.js";
import { allocateByWeights, parseScaled } from "../../src/sales/amounts.js";
import { type OrderDiscount, priceOrder } from "../../src/sales/price-order.js";
import { VAT } from "./setup.js";

const cents = (s: string) => parseScaled(s, 2);

const line = fc.record({
  quantity: fc.integer({ min: 1, max: 50 }).map(String),
  unitPrice: fc.integer({ min: 0, max: 100_000 }).map((c) => (c / 100).toFixed(2)),
  percent: fc.option(fc.integer({ min: 0, max: 100 }).map(String), { nil: undefined }),
  category: fc.constantFrom("standard", "reduced"),
});
const discount: fc.Arbitrary<OrderDiscount> = fc.oneof(
  fc.integer({ min: 0, max: 50_000 }).map((c) => ({ kind: "fixed" as const, amount: (c / 100).toFixed(2) })),
  fc.integer({ min: 0, max: 100 }).map((p) => ({ kind: "percent" as const, percent: String(p) })),
  fc.tuple(fc.integer({ min: 1, max: 500 }), fc.integer({ min: 0, max: 100 })).map(([every, off]) => ({ kind: "threshold" as const, every: String(every), off: String(off) })),
);

describe("allocateByWeights", () => {
  it("property: the parts sum to the total exactly (no minor unit lost) and each is within one unit of its exact share", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n }), fc.array(fc.bigInt({ min: 0n, max: 10n ** 9n }), { minLength: 1, maxLength: 30 }), (total, weights) => {
        const parts = allocateByWeights(total, weights);
        expect(parts.reduce((a, b) => a + b, 0n)).toBe(total);
        const sum = weights.reduce((a, b) => a + b, 0n);
        if (sum > 0n) {
          parts.forEach((p, i) => {
            const exact = total * weights[i]!;
            const diff = p * sum - exact;
            expect(diff < 0n ? -diff : diff).toBeLessThanOrEqual(sum);
          });
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe("priceOrder", () => {
  it("property: lines, discounts, shipping, tax and totals reconcile to the minor unit, discounts allocated across lines lose nothing (net and gross prices)", () => {
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 12 }), fc.array(discount, { maxLength: 3 }), fc.integer({ min: 0, max: 2_000 }), fc.boolean(), (lines, discounts, shippingCents, inclusive) => {
        const priced = priceOrder({
          currency: "EUR",
          lines: lines.map((l, i) => ({ lineId: String(i + 1), sku: `S${i}`, quantity: l.quantity, unitPrice: l.unitPrice, taxCategory: l.category, ...(l.percent === undefined ? {} : { discount: { kind: "percent" as const, percent: l.percent } }) })),
          discounts,
          shipping: { amount: (shippingCents / 100).toFixed(2), taxCategory: "standard" },
          tax: (taxLines) => calculateTax(taxLines, { date: "2026-03-02", currency: "EUR", taxCodes: VAT, seller: { country: "DE" }, buyer: { country: "DE" }, pricesIncludeTax: inclusive }),
        });
        let basis = 0n;
        let net = 0n;
        let tax = 0n;
        let orderDiscount = 0n;
        for (const l of priced.lines) {
          const b = cents(l.amount) - cents(l.lineDiscount) - cents(l.orderDiscount);
          expect(b).toBeGreaterThanOrEqual(0n);
          expect(cents(l.net) + cents(l.tax)).toBe(cents(l.gross));
          // The price basis is the net or the gross, as the prices are.
          expect(inclusive ? cents(l.gross) : cents(l.net)).toBe(b);
          basis += b;
          net += cents(l.net);
          tax += cents(l.tax);
          orderDiscount += cents(l.orderDiscount);
        }
        expect(orderDiscount).toBe(cents(priced.orderDiscount));
        expect(priced.discounts.reduce((a, d) => a + cents(d.amount), 0n)).toBe(cents(priced.orderDiscount));
        expect(cents(priced.shipping.net) + cents(priced.shipping.tax)).toBe(cents(priced.shipping.gross));
        expect(net).toBe(cents(priced.net));
        expect(tax + cents(priced.shipping.tax)).toBe(cents(priced.tax));
        expect(cents(priced.net) + cents(priced.shippingNet) + cents(priced.tax)).toBe(cents(priced.gross));
        void basis;
      }),
      { numRuns: 300 },
    );
  });

  it("threshold discount: 50 off every 300 on a 650 basket is 100, allocated by line weight", () => {
    const priced = priceOrder({
      currency: "CNY",
      lines: [
        { lineId: "a", sku: "A", quantity: "1", unitPrice: "400", taxCategory: "standard" },
        { lineId: "b", sku: "B", quantity: "1", unitPrice: "250", taxCategory: "standard" },
      ],
      discounts: [{ kind: "threshold", every: "300", off: "50" }],
      shipping: null,
      tax: null,
    });
    expect(priced.orderDiscount).toBe("100");
    expect(priced.lines.map((l) => l.orderDiscount)).toEqual(["61.54", "38.46"]);
    expect(priced.gross).toBe("550");
  });

  it("a percentage then a fixed discount apply in order, each on what is left; a discount never exceeds the basket", () => {
    const priced = priceOrder({ currency: "JPY", lines: [{ lineId: "a", sku: "A", quantity: "3", unitPrice: "333", taxCategory: "standard" }], discounts: [{ kind: "percent", percent: "10" }, { kind: "fixed", amount: "5000" }], shipping: null, tax: null });
    expect(priced.discounts.map((d) => d.amount)).toEqual(["100", "899"]);
    expect(priced.gross).toBe("0");
  });

  it("refuses a line discount larger than the line and amounts finer than the currency", () => {
    expect(() => priceOrder({ currency: "EUR", lines: [{ lineId: "a", sku: "A", quantity: "1", unitPrice: "5", discount: { kind: "fixed", amount: "6" }, taxCategory: "standard" }], discounts: [], shipping: null, tax: null })).toThrow(/cannot exceed/);
    expect(() => priceOrder({ currency: "EUR", lines: [{ lineId: "a", sku: "A", quantity: "1", unitPrice: "5", taxCategory: "standard" }], discounts: [], shipping: { amount: "1.234", taxCategory: "standard" }, tax: null })).toThrow(/minor unit/);
  });
});
