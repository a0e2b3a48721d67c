import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type TaxContext, type TaxLineInput, calculateTax, defineTaxCodes, placeOfSupply } from "../../../src/finance/tax/index.js";
import { allocateByRemainder, roundDivide } from "../../../src/finance/tax/tax-arithmetic.js";
import { Decimal } from "../../../src/kernel/decimal.js";
import { isStorekeepError } from "../../../src/kernel/errors.js";
import { DE, taxCodes } from "./fixtures.js";

const base: TaxContext = { date: "2026-03-01", currency: "EUR", taxCodes, seller: DE, buyer: DE };

function sum(values: readonly string[]): string {
  return values.reduce((acc, v) => acc.plus(v), new Decimal(0)).toFixed();
}

function code(e: unknown): string | undefined {
  return isStorekeepError(e) ? e.code : undefined;
}

describe("calculateTax: properties", () => {
  const lineArb = fc.record({
    category: fc.constantFrom("standard", "food", "insurance"),
    quantity: fc.integer({ min: -3, max: 50 }).filter((q) => q !== 0),
    cents: fc.integer({ min: 1, max: 500_000 }),
  });
  const docArb = fc.record({
    lines: fc.array(lineArb, { minLength: 1, maxLength: 30 }),
    inclusive: fc.boolean(),
    rounding: fc.constantFrom("line" as const, "document" as const),
    mode: fc.constantFrom("half-up" as const, "half-even" as const, "down" as const),
  });
  const toLines = (lines: { category: string; quantity: number; cents: number }[]): TaxLineInput[] =>
    lines.map((l, i) => ({ id: String(i), category: l.category, quantity: l.quantity, unitPrice: (l.cents / 100).toFixed(2) }));

  it("the lines sum to the totals and net + tax = gross on every line and on the document", () => {
    fc.assert(
      fc.property(docArb, ({ lines, inclusive, rounding, mode }) => {
        const r = calculateTax(toLines(lines), { ...base, pricesIncludeTax: inclusive, rounding, roundingMode: mode });
        expect(sum(r.lines.map((l) => l.net))).toBe(new Decimal(r.net).toFixed());
        expect(sum(r.lines.map((l) => l.tax))).toBe(new Decimal(r.tax).toFixed());
        expect(sum(r.lines.map((l) => l.gross))).toBe(new Decimal(r.gross).toFixed());
        expect(sum(r.codes.map((c) => c.tax))).toBe(new Decimal(r.tax).toFixed());
        expect(sum(r.codes.map((c) => c.base))).toBe(new Decimal(r.net).toFixed());
        for (const l of r.lines) expect(new Decimal(l.net).plus(l.tax).toFixed()).toBe(new Decimal(l.gross).toFixed());
      }),
      { numRuns: 200 },
    );
  });

  it("no minor unit is lost: inclusive lines keep their gross, exclusive lines their net, every amount is whole cents", () => {
    fc.assert(
      fc.property(docArb, ({ lines, inclusive, rounding, mode }) => {
        const input = toLines(lines);
        const r = calculateTax(input, { ...base, pricesIncludeTax: inclusive, rounding, roundingMode: mode });
        r.lines.forEach((l, i) => {
          const amount = new Decimal(input[i]!.quantity as number).times(input[i]!.unitPrice as string).toFixed();
          expect(new Decimal(inclusive ? l.gross : l.net).toFixed()).toBe(amount);
          for (const v of [l.net, l.tax, l.gross]) expect(new Decimal(v).decimalPlaces()).toBeLessThanOrEqual(2);
        });
      }),
      { numRuns: 200 },
    );
  });

  it("each line's tax is within one minor unit of the exact tax, and per-document tax is the rounded exact total", () => {
    fc.assert(
      fc.property(docArb, ({ lines, inclusive, rounding }) => {
        const r = calculateTax(toLines(lines), { ...base, pricesIncludeTax: inclusive, rounding });
        const rates: Record<string, string> = { standard: "0.19", food: "0.07", insurance: "0" };
        let exactTotal = new Decimal(0);
        r.lines.forEach((l, i) => {
          const rate = new Decimal(rates[lines[i]!.category]!);
          const amount = new Decimal(lines[i]!.quantity).times(lines[i]!.cents).dividedBy(100);
          const exact = inclusive ? amount.times(rate).dividedBy(rate.plus(1)) : amount.times(rate);
          exactTotal = exactTotal.plus(exact);
          expect(new Decimal(l.tax).minus(exact).abs().lte("0.01")).toBe(true);
        });
        if (rounding === "document") {
          for (const c of r.codes) {
            const exact = r.lines
              .map((l, i) => ({ l, i }))
              .filter(({ l }) => l.taxes[0]!.code === c.code)
              .reduce((acc, { i }) => {
                const rate = new Decimal(rates[lines[i]!.category]!);
                const amount = new Decimal(lines[i]!.quantity).times(lines[i]!.cents).dividedBy(100);
                return acc.plus(inclusive ? amount.times(rate).dividedBy(rate.plus(1)) : amount.times(rate));
              }, new Decimal(0));
            expect(new Decimal(c.tax).toFixed()).toBe(exact.toDecimalPlaces(2, Decimal.ROUND_HALF_UP).toFixed());
          }
        }
      }),
      { numRuns: 150 },
    );
  });

  it("a credit note (all quantities negated) mirrors its invoice exactly", () => {
    fc.assert(
      fc.property(docArb, ({ lines, inclusive, rounding }) => {
        const invoice = calculateTax(toLines(lines), { ...base, pricesIncludeTax: inclusive, rounding });
        const credit = calculateTax(toLines(lines.map((l) => ({ ...l, quantity: -l.quantity }))), { ...base, pricesIncludeTax: inclusive, rounding });
        expect(new Decimal(credit.tax).negated().toFixed()).toBe(new Decimal(invoice.tax).toFixed());
        expect(credit.lines.map((l) => new Decimal(l.tax).negated().toFixed())).toEqual(invoice.lines.map((l) => new Decimal(l.tax).toFixed()));
      }),
      { numRuns: 100 },
    );
  });

  it("roundDivide agrees with decimal.js for every mode; allocateByRemainder always sums to the total", () => {
    const modes = ["half-up", "half-even", "half-down", "up", "down", "ceil", "floor"] as const;
    const dj = { "half-up": Decimal.ROUND_HALF_UP, "half-even": Decimal.ROUND_HALF_EVEN, "half-down": Decimal.ROUND_HALF_DOWN, up: Decimal.ROUND_UP, down: Decimal.ROUND_DOWN, ceil: Decimal.ROUND_CEIL, floor: Decimal.ROUND_FLOOR };
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n }), fc.bigInt({ min: 1n, max: 10n ** 6n }), fc.constantFrom(...modes), (n, d, mode) => {
        const expected = new Decimal(n.toString()).dividedBy(d.toString()).toDecimalPlaces(0, dj[mode]).toFixed();
        expect(roundDivide(n, d, mode).toString()).toBe(expected);
      }),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(fc.array(fc.record({ n: fc.bigInt({ min: -(10n ** 9n), max: 10n ** 9n }), d: fc.bigInt({ min: 1n, max: 1000n }) }), { minLength: 1, maxLength: 20 }), (shares) => {
        const exact = shares.reduce((acc, s) => acc.plus(new Decimal(s.n.toString()).dividedBy(s.d.toString())), new Decimal(0));
        const total = BigInt(exact.toDecimalPlaces(0, Decimal.ROUND_HALF_UP).toFixed());
        const parts = allocateByRemainder(total, shares);
        expect(parts.reduce((a, b) => a + b, 0n)).toBe(total);
      }),
      { numRuns: 300 },
    );
  });
});

describe("calculateTax: worked examples", () => {
  it("3 × 9.99 incl. 19% keeps the shelf gross 29.97 (one line: 25.18 net + 4.79 tax)", () => {
    const r = calculateTax([{ id: "1", category: "standard", quantity: 3, unitPrice: "9.99" }], { ...base, pricesIncludeTax: true });
    expect([r.net, r.tax, r.gross]).toEqual(["25.18", "4.79", "29.97"]);
    expect(r.codes).toEqual([{ code: "DE-STD", kind: "standard", jurisdiction: { country: "DE" }, rate: "0.19", base: "25.18", tax: "4.79", selfAssessed: false }]);
  });

  it("three separate 9.99 lines incl. 19%: per line 1.60 each (4.80), per document 4.79 spread as 1.60/1.60/1.59; gross 29.97 either way", () => {
    const lines = ["a", "b", "c"].map((id) => ({ id, category: "standard", amount: "9.99" }));
    const perLine = calculateTax(lines, { ...base, pricesIncludeTax: true });
    expect(perLine.lines.map((l) => [l.net, l.tax])).toEqual([["8.39", "1.6"], ["8.39", "1.6"], ["8.39", "1.6"]]);
    expect([perLine.net, perLine.tax, perLine.gross]).toEqual(["25.17", "4.8", "29.97"]);
    const perDocument = calculateTax(lines, { ...base, pricesIncludeTax: true, rounding: "document" });
    expect(perDocument.lines.map((l) => l.tax)).toEqual(["1.6", "1.6", "1.59"]);
    expect([perDocument.net, perDocument.tax, perDocument.gross]).toEqual(["25.18", "4.79", "29.97"]);
  });

  it("exclusive prices, two rates: 100 standard + 10 food = 19 + 0.70 tax, gross 129.70", () => {
    const r = calculateTax(
      [
        { id: "1", category: "standard", amount: "100" },
        { id: "2", category: "food", amount: "10" },
      ],
      base,
    );
    expect([r.net, r.tax, r.gross]).toEqual(["110", "19.7", "129.7"]);
    expect(r.codes.map((c) => [c.code, c.base, c.tax])).toEqual([
      ["DE-STD", "100", "19"],
      ["DE-RED", "10", "0.7"],
    ]);
  });

  it("per-line vs per-document rounding, exclusive: 10 × 0.05 at 19% is 10 × 0.01 = 0.10 per line, 0.095 → 0.10 per document; 3 × 0.15 is 0.09 vs 0.09", () => {
    const lines = Array.from({ length: 10 }, (_, i) => ({ id: String(i), category: "standard", amount: "0.05" }));
    expect(calculateTax(lines, base).tax).toBe("0.1");
    expect(calculateTax(lines, { ...base, rounding: "document" }).tax).toBe("0.1");
    const small = Array.from({ length: 4 }, (_, i) => ({ id: String(i), category: "standard", amount: "0.02" }));
    // 0.0038 each: 0.00 per line, 0.0152 → 0.02 per document
    expect(calculateTax(small, base).tax).toBe("0");
    expect(calculateTax(small, { ...base, rounding: "document" }).tax).toBe("0.02");
  });

  it("the rate valid on the date applies: Germany's 16% from July to December 2020", () => {
    const line = [{ id: "1", category: "standard", amount: "100" }];
    expect(calculateTax(line, { ...base, date: "2020-06-30" }).tax).toBe("19");
    expect(calculateTax(line, { ...base, date: "2020-07-01" }).tax).toBe("16");
    expect(calculateTax(line, { ...base, date: "2020-12-31" }).tax).toBe("16");
    expect(calculateTax(line, { ...base, date: "2021-01-01" }).tax).toBe("19");
  });

  it("zero-rated and exempt lines carry no tax and are reported under their own codes", () => {
    const r = calculateTax(
      [
        { id: "1", category: "solar", amount: "5000" },
        { id: "2", category: "insurance", amount: "120" },
      ],
      base,
    );
    expect(r.tax).toBe("0");
    expect(r.codes.map((c) => [c.code, c.kind, c.base, c.tax])).toEqual([
      ["DE-ZERO", "zero", "5000", "0"],
      ["DE-EX", "exempt", "120", "0"],
    ]);
  });

  it("Quebec: GST 5% and QST 9.975% both on the net (100 → 5 + 9.98 = 114.98); the pre-2013 compound QST taxed net + GST", () => {
    const qc = { ...base, currency: "CAD", seller: { country: "CA", region: "QC" }, buyer: { country: "CA", region: "QC" } };
    const r = calculateTax([{ id: "1", category: "standard", amount: "100" }], qc);
    expect(r.lines[0]!.taxes.map((t) => [t.code, t.base, t.amount])).toEqual([
      ["CA-GST", "100", "5"],
      ["CA-QC-QST", "100", "9.98"],
    ]);
    expect(r.gross).toBe("114.98");
    const legacy = calculateTax([{ id: "1", category: "legacy", amount: "100" }], qc);
    // QST 8.5% of 105 = 8.925 → 8.93
    expect(legacy.lines[0]!.taxes.map((t) => [t.code, t.base, t.amount])).toEqual([
      ["CA-GST-LEGACY", "100", "5"],
      ["CA-QC-QST-1995", "105", "8.93"],
    ]);
    const inclusive = calculateTax([{ id: "1", category: "legacy", amount: "113.93" }], { ...qc, pricesIncludeTax: true });
    expect([inclusive.net, inclusive.tax, inclusive.gross]).toEqual(["100", "13.93", "113.93"]);
  });

  it("cross-border B2C inside the EU: origin VAT below the OSS threshold, destination VAT above it or when opted in", () => {
    const line = [{ id: "1", category: "standard", amount: "100" }];
    const toFrance = { ...base, buyer: { country: "FR" } };
    const below = calculateTax(line, { ...toFrance, distanceSales: { currentYear: "9000", previousYear: "4000" } });
    expect(below.placeOfSupply).toEqual({ rule: "distance-origin", jurisdiction: { country: "DE" } });
    expect(below.codes.map((c) => [c.code, c.tax])).toEqual([["DE-STD", "19"]]);
    const above = calculateTax(line, { ...toFrance, distanceSales: { currentYear: "10000.01", previousYear: "4000" } });
    expect(above.placeOfSupply).toEqual({ rule: "distance-destination", jurisdiction: { country: "FR" } });
    expect(above.codes.map((c) => [c.code, c.tax])).toEqual([["FR-STD", "20"]]);
    expect(calculateTax(line, { ...toFrance, distanceSales: { currentYear: "0", previousYear: "12000" } }).codes[0]!.code).toBe("FR-STD");
    expect(calculateTax(line, { ...toFrance, distanceSales: { currentYear: "0", previousYear: "0", optIn: true } }).codes[0]!.code).toBe("FR-STD");
    expect(calculateTax([{ id: "1", category: "food", amount: "100" }], { ...toFrance, distanceSales: { currentYear: "20000", previousYear: "0" } }).tax).toBe("5.5");
  });

  it("B2B with a VAT id across an EU border: the sale is tax-free under the seller's reverse-charge code; the purchase is self-assessed by the buyer", () => {
    const sale = calculateTax([{ id: "1", category: "standard", amount: "1000" }], { ...base, buyer: { country: "FR", vatId: "FR40303265045" } });
    expect(sale.placeOfSupply.rule).toBe("reverse-charge");
    expect([sale.net, sale.tax, sale.gross]).toEqual(["1000", "0", "1000"]);
    expect(sale.codes).toEqual([{ code: "DE-RC", kind: "reverse-charge", jurisdiction: { country: "DE" }, rate: "0", base: "1000", tax: "0", selfAssessed: false }]);
    const purchase = calculateTax([{ id: "1", category: "standard", amount: "1000" }], {
      ...base,
      direction: "purchase",
      seller: { country: "AT", vatId: "ATU12345678" },
      buyer: { country: "DE", vatId: "DE123456789" },
    });
    expect([purchase.net, purchase.tax, purchase.gross, purchase.selfAssessedTax]).toEqual(["1000", "0", "1000", "190"]);
    expect(purchase.codes[0]).toMatchObject({ code: "DE-RC", rate: "0.19", tax: "190", selfAssessed: true });
  });

  it("exports outside the union are zero-rated under the seller's export code; imports carry no tax on the bill", () => {
    const exp = calculateTax([{ id: "1", category: "standard", amount: "80" }], { ...base, buyer: { country: "CH" } });
    expect(exp.placeOfSupply.rule).toBe("export");
    expect(exp.codes.map((c) => [c.code, c.tax])).toEqual([["DE-EXP", "0"]]);
    const imp = calculateTax([{ id: "1", category: "standard", amount: "80" }], { ...base, direction: "purchase", seller: { country: "CH" }, buyer: DE });
    expect(imp.placeOfSupply.rule).toBe("import");
    expect([imp.tax, imp.codes.length, imp.lines[0]!.taxes.length]).toEqual(["0", 0, 0]);
  });

  it("VAT on an advance payment is charged by default and left out when the jurisdiction does not require it", () => {
    const line = [{ id: "1", category: "standard", amount: "119" }];
    const taxed = calculateTax(line, { ...base, pricesIncludeTax: true, advancePayment: true });
    expect([taxed.net, taxed.tax]).toEqual(["100", "19"]);
    const untaxed = calculateTax(line, { ...base, pricesIncludeTax: true, advancePayment: true, vatOnAdvances: false });
    expect(untaxed.placeOfSupply.rule).toBe("advance-untaxed");
    expect([untaxed.net, untaxed.tax, untaxed.gross]).toEqual(["119", "0", "119"]);
  });

  it("currencies with no or three minor units round to them (JPY 1,000 × 10% = 100; BHD 1.234 × 10% = 0.123)", () => {
    const jp = defineTaxCodes([{ code: "JP", jurisdiction: { country: "JP" }, category: "standard", kind: "standard", rates: [{ rate: "0.1", validFrom: "2019-10-01" }] }]);
    const r = calculateTax([{ id: "1", category: "standard", quantity: 3, unitPrice: "333" }], { date: "2026-01-01", currency: "JPY", taxCodes: jp, seller: { country: "JP" }, buyer: { country: "JP" }, pricesIncludeTax: true });
    expect([r.net, r.tax, r.gross]).toEqual(["908", "91", "999"]);
    const bh = calculateTax([{ id: "1", category: "standard", amount: "1.234" }], { date: "2026-01-01", currency: "BHD", taxCodes: jp, seller: { country: "JP" }, buyer: { country: "JP" } });
    expect(bh.tax).toBe("0.123");
  });

  it("placeOfSupply: domestic sales use the buyer's region", () => {
    expect(placeOfSupply({ direction: "sale", seller: { country: "CA", region: "ON" }, buyer: { country: "CA", region: "QC" } })).toEqual({ rule: "domestic", jurisdiction: { country: "CA", region: "QC" } });
  });
});

describe("calculateTax: refusals", () => {
  it("names a missing code, a date without a rate, and malformed lines", () => {
    const cases: [TaxLineInput[], Partial<TaxContext>, string, RegExp][] = [
      [[{ id: "1", category: "books", amount: "1" }], {}, "NOT_FOUND", /category "books" in DE/],
      [[{ id: "1", category: "solar", amount: "1" }], { date: "2022-12-31" }, "NOT_FOUND", /DE-ZERO has no rate valid on 2022-12-31/],
      [[{ id: "1", category: "standard", amount: "1.234" }], {}, "VALIDATION_FAILED", /3 decimals/],
      [[{ id: "1", category: "standard" }], {}, "VALIDATION_FAILED", /needs an amount/],
      [[{ id: "1", category: "standard", amount: "1", quantity: 1 }], {}, "VALIDATION_FAILED", /one or the other/],
      [[{ id: "1", category: "standard", quantity: 1, unitPrice: "-1" }], {}, "VALIDATION_FAILED", /must not be negative/],
      [[{ id: "1", category: "standard", amount: "1e3" }], {}, "VALIDATION_FAILED", /not a plain decimal/],
      [[{ id: "1", category: "standard", amount: "1" }, { id: "1", category: "standard", amount: "1" }], {}, "VALIDATION_FAILED", /used twice/],
      [[{ id: "1", category: "standard", amount: "1" }], { currency: "XYZ" }, "VALIDATION_FAILED", /currency/],
      [[{ id: "1", category: "standard", amount: "1" }], { buyer: { country: "de" } }, "VALIDATION_FAILED", /country/],
      [[{ id: "1", category: "standard", amount: "1" }], { buyer: { country: "IT", vatId: "IT1" } }, "NOT_FOUND", /No reverse-charge tax code|reverse-charge/],
    ];
    const noRc = defineTaxCodes([{ code: "IT-STD", jurisdiction: { country: "IT" }, category: "standard", kind: "standard", rates: [{ rate: "0.22", validFrom: "2013-10-01" }] }]);
    for (const [lines, ctx, expected, message] of cases) {
      const context = { ...base, ...ctx, ...(ctx.buyer?.vatId ? { taxCodes: noRc, seller: { country: "IT" }, buyer: { country: "DE", vatId: "DE1" } } : {}) };
      let error: unknown;
      try {
        calculateTax(lines, context);
      } catch (e) {
        error = e;
      }
      expect(code(error), String(message)).toBe(expected);
      expect((error as Error).message).toMatch(message);
    }
  });

  it("defineTaxCodes refuses duplicates, overlapping spans, 100% rates and kinds that contradict their rate", () => {
    const std = { jurisdiction: { country: "DE" }, category: "standard", kind: "standard" as const };
    const bad = [
      [{ code: "A", ...std, rates: [{ rate: "0.19", validFrom: "2020-01-01" }] }, { code: "A", ...std, rates: [{ rate: "0.19", validFrom: "2020-01-01" }] }],
      [{ code: "A", ...std, rates: [{ rate: "0.19", validFrom: "2020-01-01" }, { rate: "0.16", validFrom: "2020-07-01" }] }],
      [{ code: "A", ...std, rates: [{ rate: "0.19", validFrom: "2020-01-01", validTo: "2019-01-01" }] }],
      [{ code: "A", ...std, rates: [{ rate: "19", validFrom: "2020-01-01" }] }],
      [{ code: "A", ...std, rates: [{ rate: "0", validFrom: "2020-01-01" }] }],
      [{ code: "A", ...std, kind: "exempt" as const, rates: [{ rate: "0.1", validFrom: "2020-01-01" }] }],
      [{ code: "A", ...std, rates: [] }],
    ];
    for (const input of bad) expect(code((() => { try { defineTaxCodes(input); } catch (e) { return e; } })())).toBe("VALIDATION_FAILED");
  });
});

describe("finance.tax-10k-lines benchmark", () => {
  it("its plain bigint baseline computes the same lines and totals as calculateTax", async () => {
    const { kernelAgrees } = await import("../../bench/workloads/finance-tax.js");
    expect(kernelAgrees()).toBe(true);
  });
});
