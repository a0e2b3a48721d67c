import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { memoryRates, memoryStore } from "../../src/adapters/memory/index.js";
import { Decimal } from "../../src/kernel/decimal.js";
import { isStorekeepError } from "../../src/kernel/errors.js";
import { defineTaxCodes } from "../../src/finance/tax/tax-codes.js";
import { type Storekeep, createStorekeep } from "../../src/storekeep.js";
import { placeOrderInputArbitrary } from "../../src/testing/arbitraries.js";
import { ManualClock, sequentialIds } from "../../src/testing/index.js";

const vat = defineTaxCodes([
  { code: "DE-STD", jurisdiction: { country: "DE" }, category: "standard", kind: "standard", rates: [{ rate: "0.19", validFrom: "2007-01-01" }] },
  { code: "DE-EXPORT", jurisdiction: { country: "DE" }, category: "*", kind: "zero", rates: [{ rate: "0", validFrom: "2007-01-01" }] },
]);
const SKUS = ["MUG", "TEE", "CAP"];
let sk: Storekeep;

beforeAll(async () => {
  const rates = memoryRates([
    { base: "USD", quote: "EUR", date: "2026-01-01", rate: "0.9137" },
    { base: "JPY", quote: "EUR", date: "2026-01-01", rate: "0.006173" },
    { base: "KWD", quote: "EUR", date: "2026-01-01", rate: "2.9871" },
  ]);
  sk = createStorekeep({ store: memoryStore(), clock: new ManualClock("2026-03-02T10:00:00.000Z"), ids: sequentialIds(), rates, config: { functionalCurrency: "EUR", timeZone: "UTC" }, sales: { tax: { codes: vat, seller: { country: "DE" } } } });
  await sk.inventory.defineWarehouse({ warehouseId: "wh" });
  for (const sku of SKUS) {
    await sk.inventory.defineProduct({ sku, costingMethod: "fifo" });
    await sk.inventory.receive({ sku, warehouseId: "wh", quantity: "1000000", unitCost: "3.5" });
  }
});
afterAll(() => sk.close());

const sum = (values: readonly string[]) => values.reduce((a, v) => a.plus(v), new Decimal(0));

describe("placeOrderInputArbitrary, as a tester uses it", () => {
  it("property: every drawn order is accepted, and its lines, discounts, shipping, tax and total reconcile to the minor unit", async () => {
    const seen = { lineDiscounts: 0, orderDiscounts: 0, threshold: 0, shipping: 0, currencies: new Set<string>() };
    await fc.assert(
      fc.asyncProperty(placeOrderInputArbitrary({ skus: SKUS, warehouseId: "wh", currencies: ["EUR", "USD", "JPY", "KWD"], countries: ["DE", "US"], customerIds: ["c1"] }), async (input) => {
        const placed = await sk.sales.placeOrder(input);
        const { order } = (await sk.sales.order(placed.orderId))!;
        seen.currencies.add(order.currency);
        if (input.lines.some((l) => l.discount !== undefined)) seen.lineDiscounts++;
        if ((input.discounts ?? []).length > 0) seen.orderDiscounts++;
        if ((input.discounts ?? []).some((d) => d.kind === "threshold")) seen.threshold++;
        if (input.shipping !== undefined) seen.shipping++;
        for (const [i, line] of order.lines.entries()) {
          // Each line: quantity × price, less its discounts, is the net; net and tax make the gross.
          expect(line.amount).toBe(new Decimal(input.lines[i]!.quantity).times(input.lines[i]!.unitPrice).toFixed());
          expect(new Decimal(line.amount).minus(line.lineDiscount).minus(line.orderDiscount).toFixed()).toBe(line.net);
          expect(new Decimal(line.net).plus(line.tax).toFixed()).toBe(line.gross);
          expect(new Decimal(line.orderDiscount).gte(0) && new Decimal(line.net).gte(0)).toBe(true);
        }
        // The order discounts applied are spread over the lines without losing a minor unit.
        expect(sum(order.lines.map((l) => l.orderDiscount)).toFixed()).toBe(sum(order.discounts.map((d) => d.amount)).toFixed());
        expect(sum(order.lines.map((l) => l.orderDiscount)).lte(sum(order.lines.map((l) => new Decimal(l.amount).minus(l.lineDiscount).toFixed())))).toBe(true);
        const shippingGross = order.shipping === null ? "0" : order.shipping.gross;
        const shippingTax = order.shipping === null ? "0" : order.shipping.tax;
        expect(sum([...order.lines.map((l) => l.gross), shippingGross]).toFixed()).toBe(order.totals.gross);
        expect(sum([...order.lines.map((l) => l.tax), shippingTax]).toFixed()).toBe(order.totals.tax);
        expect(placed.total).toBe(order.totals.gross);
      }),
      { numRuns: 150, seed: 7 },
    );
    // It draws what it promises.
    expect(seen.currencies.size).toBe(4);
    expect(Math.min(seen.lineDiscounts, seen.orderDiscounts, seen.threshold, seen.shipping)).toBeGreaterThan(0);
    const tb = await sk.finance.trialBalance({ asOf: "2026-12-31" });
    expect(tb.totals.debit).toBe(tb.totals.credit);
  });

  it("draws prices in the currency's minor unit and shrinks a failure to one line of one unit", () => {
    fc.assert(
      fc.property(placeOrderInputArbitrary({ skus: ["MUG"], warehouseId: "wh", currencies: ["JPY"] }), (input) => {
        for (const line of input.lines) expect(String(line.unitPrice)).toMatch(/^\d+$/);
      }),
      { numRuns: 100 },
    );
    const failure = fc.check(fc.property(placeOrderInputArbitrary({ skus: ["MUG", "TEE"], warehouseId: "wh" }), (input) => new Decimal(input.lines[0]!.unitPrice).lt(100)), { seed: 3 });
    expect(failure.failed).toBe(true);
    const shrunk = failure.counterexample![0];
    expect(shrunk.lines).toHaveLength(1);
    expect(shrunk.lines[0]).toEqual({ sku: "MUG", quantity: "1", unitPrice: "100" });
    expect(shrunk.discounts).toBeUndefined();
  });

  it("refuses options it cannot draw from, naming them", () => {
    const code = (f: () => unknown) => {
      try {
        f();
        return "none";
      } catch (e) {
        return isStorekeepError(e) ? `${e.code}: ${e.message}` : String(e);
      }
    };
    expect(code(() => placeOrderInputArbitrary({ skus: [], warehouseId: "wh" }))).toMatch(/^VALIDATION_FAILED: .*skus/);
    expect(code(() => placeOrderInputArbitrary({ skus: ["MUG"], warehouseId: "wh", currencies: ["XYZ"] }))).toMatch(/^UNKNOWN_CURRENCY: .*XYZ/);
    expect(code(() => placeOrderInputArbitrary({ skus: ["MUG"], warehouseId: "wh", maxLines: 0 }))).toMatch(/^VALIDATION_FAILED: .*maxLines/);
  });
});
