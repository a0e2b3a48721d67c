import { describe, expect, it } from "vitest";
import { memoryStore } from "../../src/adapters/memory/index.js";
import { withArticle } from "../../src/kernel/article.js";
import { defineTaxCodes } from "../../src/finance/tax/tax-codes.js";
import { calculateTax } from "../../src/finance/tax/calculate-tax.js";
import { shop, stock, VAT } from "./setup.js";

/*
 * Messages built from a variable word read as English ("an authorization", not "a
 * authorization"), and a missing export or reverse-charge tax code says which code to add.
 * Found by exploratory use.
 */

describe("articles in messages", () => {
  it("withArticle takes 'an' before a vowel sound", () => {
    expect(["authorization", "capture", "refund", "failure", "exempt", "zero", "export", "order", "unpaid", "unit", "user", "one-off"].map((w) => withArticle(w))).toEqual([
      "an authorization",
      "a capture",
      "a refund",
      "a failure",
      "an exempt",
      "a zero",
      "an export",
      "an order",
      "an unpaid",
      "a unit",
      "a user",
      "a one-off",
    ]);
    expect(withArticle("authorization", true)).toBe("An authorization");
  });

  it("an authorization recorded again with another amount says 'An authorization' (was: 'A authorization')", async () => {
    const { sk } = shop(memoryStore());
    await stock(sk);
    await sk.sales.placeOrder({ orderId: "o1", currency: "EUR", warehouseId: "wh", lines: [{ sku: "MUG", quantity: 1, unitPrice: "10" }] });
    await sk.sales.authorizePayment({ orderId: "o1", paymentId: "pi1", amount: "11.90" });
    await expect(sk.sales.authorizePayment({ orderId: "o1", paymentId: "pi1", amount: "5.00" })).rejects.toMatchObject({
      code: "DUPLICATE_DOCUMENT",
      message: expect.stringMatching(/^An authorization pi1 was already recorded with other content \(amount: 11\.9, now 5\)/),
    });
    await sk.sales.capturePayment({ orderId: "o1", paymentId: "ch1", amount: "1.00" });
    await expect(sk.sales.capturePayment({ orderId: "o1", paymentId: "ch1", amount: "2.00" })).rejects.toMatchObject({ message: expect.stringMatching(/^A capture ch1 was already recorded/) });
  });

  it("an exempt code with a rate, and a boundary argument left out, read as English", () => {
    expect(() => defineTaxCodes([{ code: "DE-EX", jurisdiction: { country: "DE" }, category: "medical", kind: "exempt", rates: [{ rate: "0.1", validFrom: "2007-01-01" }] }])).toThrow(/an exempt code charges nothing/);
    const { sk } = shop(memoryStore());
    return expect(sk.sales.order(undefined as never)).rejects.toMatchObject({ code: "VALIDATION_FAILED", message: expect.stringContaining("must be a string, got undefined") });
  });
});

describe("a sale outside the tax union without an export code", () => {
  it("says it is an export, zero-rated with the seller's code, and which code to add (was: 'No zero tax code with category \"*\" in DE for a export; define one.')", async () => {
    const { sk } = shop(memoryStore());
    await stock(sk);
    const refused = await sk.sales.placeOrder({ currency: "EUR", warehouseId: "wh", shipTo: { country: "US" }, lines: [{ sku: "MUG", quantity: 1, unitPrice: "10" }] }).catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: "NOT_FOUND", details: { rule: "export", country: "DE", kind: "zero", category: "*", sellerCountry: "DE", buyerCountry: "US" } });
    const message = (refused as Error).message;
    expect(message).toContain("A sale from DE to US is an export (the buyer is outside the seller's tax union): it is zero-rated");
    expect(message).toContain('{ code: "DE-EXPORT", jurisdiction: { country: "DE" }, category: "*", kind: "zero", rates: [{ rate: "0", validFrom: "2007-01-01" }] }');
    expect(message).not.toMatch(/\ba export\b/);
    // The code it names works.
    const withExport = defineTaxCodes([...VAT.codes.map((c) => ({ code: c.code, jurisdiction: c.jurisdiction, category: c.category, kind: c.kind, rates: c.rates.map((r) => ({ rate: r.rate, validFrom: r.validFrom })) })), { code: "DE-EXPORT", jurisdiction: { country: "DE" }, category: "*", kind: "zero", rates: [{ rate: "0", validFrom: "2007-01-01" }] }]);
    const taxed = calculateTax([{ id: "1", category: "standard", amount: "10" }], { date: "2026-03-02", currency: "EUR", taxCodes: withExport, seller: { country: "DE" }, buyer: { country: "US" } });
    expect(taxed.tax).toBe("0");
  });

  it("a reverse-charged supply without its code says so, naming the buyer's VAT id and the code to add", () => {
    const refused = (() => {
      try {
        calculateTax([{ id: "1", category: "standard", amount: "10" }], { date: "2026-03-02", currency: "EUR", taxCodes: VAT, seller: { country: "DE" }, buyer: { country: "FR", vatId: "FR40303265045" } });
      } catch (e) {
        return e as Error;
      }
      return undefined;
    })();
    expect(refused?.message).toContain("A sale from DE to a business in FR (VAT id FR40303265045) is reverse-charged");
    expect(refused?.message).toContain('kind: "reverse-charge"');
  });
});
