import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { memoryStore } from "../../src/adapters/memory/index.js";
import { isStorekeepError } from "../../src/kernel/errors.js";
import { createStorekeep } from "../../src/storekeep.js";
import { arbitraries } from "../../src/testing/arbitraries.js";
import { balancedEntryArbitrary, postingEventsArbitrary, type RecordableEvent } from "../../src/testing/finance/arbitraries.js";
import { ManualClock } from "../../src/testing/index.js";

describe("finance arbitraries, as a tester uses them", () => {
  it("property: every postingEventsArbitrary sequence records event by event through the public createStorekeep (all modules), and the books balance", async () => {
    let bills = 0;
    await fc.assert(
      fc.asyncProperty(postingEventsArbitrary({ functionalCurrency: "EUR", from: "2026-01-01", to: "2026-03-31" }, { maxLength: 15 }), async (events) => {
        const sk = createStorekeep({ store: memoryStore(), clock: new ManualClock("2026-04-01T00:00:00.000Z"), config: { functionalCurrency: "EUR", timeZone: "Europe/Berlin" } });
        try {
          // Typed as recordEvents takes them: no cast.
          const typed: readonly RecordableEvent[] = events;
          for (const e of typed) await sk.recordEvents([e]);
          bills += events.filter((e) => e.type === "SupplierBillRecorded").length;
          const tb = await sk.finance.trialBalance({ asOf: "2026-12-31" });
          expect(tb.totals.debit).toBe(tb.totals.credit);
        } finally {
          await sk.close();
        }
      }),
      { numRuns: 40, seed: 42 },
    );
    // Supplier bills are among what it draws (at the received value: see billPriceDifferences).
    expect(bills).toBeGreaterThan(0);
  }, 120_000);

  it("billPriceDifferences draws bills that differ from the received value (for finance-only books); by default none do", () => {
    const differing = (billPriceDifferences: boolean) =>
      fc
        .sample(postingEventsArbitrary({ functionalCurrency: "EUR", billPriceDifferences }, { maxLength: 30 }), { numRuns: 40, seed: 7 })
        .flat()
        .filter((e) => e.type === "SupplierBillRecorded" && e.payload.lines.some((l) => l.billedValue.amount !== l.receivedValue.amount)).length;
    expect(differing(false)).toBe(0);
    expect(differing(true)).toBeGreaterThan(0);
  });

  it("a range that runs backwards, a date that is not one, and an empty account list are refused saying what to fix", () => {
    const refusal = (make: () => unknown): string => {
      try {
        make();
      } catch (error) {
        return isStorekeepError(error) ? `${error.code}: ${error.message}` : `other: ${String(error)}`;
      }
      return "accepted";
    };
    expect(refusal(() => postingEventsArbitrary({ functionalCurrency: "EUR", from: "2026-05-01", to: "2026-04-01" }))).toMatch(/^VALIDATION_FAILED: .*from 2026-05-01 is after to 2026-04-01/);
    expect(refusal(() => balancedEntryArbitrary({ accounts: ["1100"], functionalCurrency: "EUR", from: "2026-13-45" }))).toMatch(/^VALIDATION_FAILED: .*must be dates/);
    expect(refusal(() => balancedEntryArbitrary({ accounts: [], functionalCurrency: "EUR" }))).toMatch(/^VALIDATION_FAILED: .*accounts is empty/);
  });

  it("a failing amount shrinks to a small counterexample, also when a bound was drawn (property: amount ≤ 1000 reports about 1001, never the bound)", () => {
    for (let seed = 1; seed <= 60; seed++) {
      for (const arb of [arbitraries.amountString(), arbitraries.money({ currency: "EUR" }).map((m) => m.amount.toString())]) {
        const result = fc.check(fc.property(arb, (s) => Number(s) <= 1000), { seed });
        expect(result.failed).toBe(true);
        expect({ seed, counterexample: Number(result.counterexample![0]) < 1002 }).toEqual({ seed, counterexample: true });
      }
    }
  });
});
