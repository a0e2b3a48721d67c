import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Decimal } from "../../src/kernel/decimal.js";
import { readBalances } from "../../src/finance/ledger-store.js";
import { decimalToUnits, toUnits, unitsToString } from "../../src/finance/posting-kernel.js";
import type { Transaction } from "../../src/ports/storage.js";
import { makeBooks } from "./helpers.js";

/** The same transaction, its balances without running totals (readers take the month + day path). */
function withoutRunningTotals(tx: Transaction): Transaction {
  return { ...tx, balances: { ...tx.balances, runningTotals: false } };
}

const day = fc.integer({ min: 0, max: 150 }).map((n) => new Date(Date.UTC(2026, 0, 1) + n * 86_400_000).toISOString().slice(0, 10));
const amount = fc.integer({ min: 1, max: 10_000_000 }).map((cents) => (cents / 100).toFixed(2));
const entry = fc.record({ date: day, amount, debit: fc.constantFrom("1100", "5100", "6100"), credit: fc.constantFrom("3100", "4100", "4200") });
const range = fc.oneof(
  day.map((to) => ({ to })),
  fc.tuple(day, day).map(([a, b]) => (a <= b ? { from: a, to: b } : { from: b, to: a })),
);

describe("balances read from running totals", () => {
  it("property: readBalances over the daily running totals equals the months-plus-days roll-up, for any entries and any range", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(entry, { minLength: 1, maxLength: 25 }), fc.array(range, { minLength: 1, maxLength: 6 }), async (entries, ranges) => {
        const { finance, sk } = makeBooks({ start: "2026-06-30T10:00:00.000Z" });
        for (const e of entries) await finance.postEntry({ date: e.date, lines: [{ account: e.debit, debit: e.amount }, { account: e.credit, credit: e.amount }] });
        await sk.store.transaction(async (tx) => {
          expect(tx.balances.runningTotals).toBe(true);
          for (const r of ranges) {
            const fast = await readBalances(tx, r);
            const rolled = await readBalances(withoutRunningTotals(tx), r);
            const text = (m: typeof fast) => [...m].map(([k, t]) => [k, t.debit.toFixed(), t.credit.toFixed(), t.amount.toFixed(), t.closing.toFixed()]).sort();
            expect(text(fast)).toEqual(text(rolled));
          }
        });
      }),
      { numRuns: 40 },
    );
  });
});

describe("decimalToUnits", () => {
  it("property: equals parsing the decimal's fixed text for any decimal of at most 6 decimals, and refuses a 7th", () => {
    fc.assert(
      fc.property(fc.oneof(fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }), fc.bigInt({ min: -(10n ** 15n), max: 10n ** 15n }), fc.integer({ min: -1_000_000, max: 1_000_000 }).map(BigInt)), fc.integer({ min: 0, max: 6 }), fc.integer({ min: -20, max: 20 }), (coefficient, decimals, power) => {
        const value = new Decimal(coefficient.toString()).div(new Decimal(10).pow(decimals));
        expect(decimalToUnits(value)).toBe(toUnits(value.toFixed()));
        const scaled = value.times(new Decimal(10).pow(power));
        if (scaled.decimalPlaces() <= 6) expect(decimalToUnits(scaled)).toBe(toUnits(scaled.toFixed()));
        else expect(() => decimalToUnits(scaled)).toThrow(/more than 6 decimals/);
      }),
      { numRuns: 2000 },
    );
    expect(decimalToUnits(new Decimal("-0"))).toBe(0n);
    expect(decimalToUnits(new Decimal("0.000001"))).toBe(1n);
    expect(() => decimalToUnits(new Decimal("0.0000001"))).toThrow(/more than 6 decimals/);
    expect(decimalToUnits(new Decimal("1e20"))).toBe(10n ** 26n);
  });
});

describe("unitsToString", () => {
  it("property: the canonical decimal text of units / 10^6 (Decimal's own toFixed: no trailing zeros, \"0\" for zero), and toUnits reads it back", () => {
    fc.assert(
      fc.property(fc.oneof(fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }), fc.integer({ min: -10_000_000, max: 10_000_000 }).map(BigInt), fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n }).map((n) => n * 1_000_000n)), (units) => {
        const text = unitsToString(units);
        expect(text).toBe(new Decimal(units.toString()).div(1_000_000).toFixed());
        expect(toUnits(text)).toBe(units);
      }),
      { numRuns: 3000 },
    );
    expect([0n, 1n, -1n, 10n ** 6n, -(12_340_000n), 100_000n].map(unitsToString)).toEqual(["0", "0.000001", "-0.000001", "1", "-12.34", "0.1"]);
  });
});
