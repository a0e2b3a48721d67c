import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Decimal } from "../../src/kernel/decimal.js";
import { addDays, type LocalDate } from "../../src/kernel/local-date.js";
import { ageStock, ageingLabels, comparedRange, daysIn, splitRange } from "../../src/analytics/index.js";

const day = fc.integer({ min: 0, max: 3_000 }).map((n) => addDays("2020-01-01" as LocalDate, n));

describe("analytics pure functions", () => {
  it("property: ageing buckets add up to the stock's quantity and value exactly, whatever the receipts", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 0, max: 10_000_000 }), fc.array(fc.integer({ min: 0, max: 5_000 }), { minLength: 0, maxLength: 6 }), (qty, cents, received) => {
        const value = new Decimal(cents).div(100);
        const aged = ageStock(new Decimal(qty), value, received.map((r) => new Decimal(r)), 2);
        expect(aged.quantities.reduce((s, q) => s.plus(q), new Decimal(0)).toFixed()).toBe(String(qty));
        expect(aged.values.reduce((s, v) => s.plus(v), new Decimal(0)).eq(value)).toBe(true);
        for (const q of aged.quantities) expect(q.gte(0)).toBe(true);
      }),
    );
  });

  it("property: a grain split covers the range day by day, without gaps or overlaps, for every grain", () => {
    fc.assert(
      fc.property(day, fc.integer({ min: 0, max: 400 }), fc.constantFrom("day" as const, "week" as const, "month" as const), (from, length, grain) => {
        const range = { from, to: addDays(from, length) };
        const buckets = splitRange(range, grain);
        expect(buckets[0]!.range.from).toBe(range.from);
        expect(buckets.at(-1)!.range.to).toBe(range.to);
        for (let i = 1; i < buckets.length; i++) expect(buckets[i]!.range.from).toBe(addDays(buckets[i - 1]!.range.to as LocalDate, 1));
        expect(buckets.reduce((s, b) => s + daysIn(b.range), 0)).toBe(length + 1);
      }),
    );
  });

  it("property: the previous period is as long as the range and ends the day before it", () => {
    fc.assert(
      fc.property(day, fc.integer({ min: 0, max: 400 }), (from, length) => {
        const range = { from, to: addDays(from, length) };
        const previous = comparedRange(range, "previous-period");
        expect(daysIn(previous)).toBe(daysIn(range));
        expect(addDays(previous.to as LocalDate, 1)).toBe(range.from);
      }),
    );
  });

  it("the same period last year maps 29 February to 28 February", () => {
    expect(comparedRange({ from: "2028-02-01", to: "2028-02-29" }, "previous-year")).toEqual({ from: "2027-02-01", to: "2027-02-28" });
    expect(ageingLabels([30, 60]).map((l) => l.label)).toEqual(["0-30", "31-60", "61+"]);
  });
});
