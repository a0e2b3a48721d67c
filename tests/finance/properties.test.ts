import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { defaultChart } from "../../src/finance/chart.js";
import type { JournalEntryInput } from "../../src/finance/journal-entry.js";
import { type BalanceBook, type PostingLine, checkEntryBalanced, postToBook } from "../../src/finance/posting-kernel.js";
import { isStorekeepError } from "../../src/kernel/errors.js";
import {
  assertAccountingEquation,
  assertBalancesMatchLines,
  assertEntryBalances,
  assertTrialBalanceSumsToZero,
  ledgerInvariantViolations,
} from "../../src/testing/finance/invariants.js";
import { balancedEntryArbitrary, postableAccounts, postingEventsArbitrary } from "../../src/testing/finance/arbitraries.js";
import { makeBooks } from "./helpers.js";

const accounts = postableAccounts(defaultChart());
const entryArb = balancedEntryArbitrary({ accounts, functionalCurrency: "EUR", foreignCurrencies: ["USD", "JPY"], from: "2026-01-01", to: "2026-06-30" });
const entries = fc.array(entryArb, { minLength: 1, maxLength: 12 });
const dateArb = fc.integer({ min: 0, max: 180 }).map((d) => new Date(Date.UTC(2026, 0, 1 + d)).toISOString().slice(0, 10));
const RUNS = { numRuns: 25 };

async function postAll(inputs: readonly JournalEntryInput[]) {
  const books = makeBooks({ finance: { allowManualEntries: true } });
  for (const input of inputs) await books.finance.postEntry(input);
  return books;
}

function signature(tb: { rows: readonly { account: string; header: boolean; debit: string; credit: string; byCurrency: readonly { currency: string; amount: string }[] }[] }) {
  return tb.rows.filter((r) => !r.header && (r.debit !== "0" || r.credit !== "0" || r.byCurrency.length > 0)).map((r) => [r.account, r.debit, r.credit, r.byCurrency]);
}

describe("ledger invariants (fast-check)", () => {
  it("every entry balances: posted entries balance exactly, and an entry off by one minor unit is refused with UNBALANCED_ENTRY", async () => {
    await fc.assert(
      fc.asyncProperty(entryArb, fc.integer({ min: -5, max: 5 }).filter((n) => n !== 0), async (input, off) => {
        const { finance } = makeBooks({ finance: { allowManualEntries: true } });
        assertEntryBalances(await finance.postEntry(input));
        const extra = off > 0 ? { debit: `0.0${off}` } : { credit: `0.0${-off}` };
        const broken = { ...input, lines: [...input.lines, { account: input.lines[0]!.account, ...extra }] };
        await expect(finance.postEntry(broken)).rejects.toSatisfy((e: unknown) => isStorekeepError(e) && e.code === "UNBALANCED_ENTRY" && e.details.difference === String(off / 100));
      }),
      RUNS,
    );
  });

  it("the trial balance sums to zero, as of any date and for any period", async () => {
    await fc.assert(
      fc.asyncProperty(entries, dateArb, dateArb, async (inputs, a, b) => {
        const { finance } = await postAll(inputs);
        assertTrialBalanceSumsToZero(await finance.trialBalance({ asOf: a }));
        const [from, to] = a <= b ? [a, b] : [b, a];
        assertTrialBalanceSumsToZero(await finance.trialBalance({ from, to }));
      }),
      RUNS,
    );
  });

  it("assets = liabilities + equity + current earnings at every date", async () => {
    await fc.assert(
      fc.asyncProperty(entries, fc.array(dateArb, { minLength: 1, maxLength: 4 }), fc.boolean(), async (inputs, dates, close) => {
        const { finance } = await postAll(inputs);
        if (close) await finance.closeYear({ year: 2025 });
        for (const asOf of dates) assertAccountingEquation(await finance.balanceSheet({ asOf }));
      }),
      RUNS,
    );
  });

  it("balances equal a recomputation from lines (as of a date and for a period, per currency)", async () => {
    await fc.assert(
      fc.asyncProperty(entries, dateArb, dateArb, async (inputs, a, b) => {
        const { finance } = await postAll(inputs);
        const journal = await finance.journal();
        const [from, to] = a <= b ? [a, b] : [b, a];
        assertBalancesMatchLines(await finance.trialBalance({ asOf: a }), journal);
        assertBalancesMatchLines(await finance.trialBalance({ from, to }), journal);
      }),
      RUNS,
    );
  });

  it("posting order changes no balance", async () => {
    await fc.assert(
      fc.asyncProperty(
        entries.chain((list) => fc.tuple(fc.constant(list), fc.shuffledSubarray(list, { minLength: list.length, maxLength: list.length }))),
        dateArb,
        async ([list, shuffled], asOf) => {
          const one = await postAll(list);
          const two = await postAll(shuffled);
          expect(signature(await two.finance.trialBalance({ asOf }))).toEqual(signature(await one.finance.trialBalance({ asOf })));
          expect(signature(await two.finance.trialBalance({ from: "2026-02-01", to: asOf < "2026-02-01" ? "2026-02-01" : asOf }))).toEqual(
            signature(await one.finance.trialBalance({ from: "2026-02-01", to: asOf < "2026-02-01" ? "2026-02-01" : asOf })),
          );
        },
      ),
      RUNS,
    );
  });

  it("a reversal restores every balance", async () => {
    await fc.assert(
      fc.asyncProperty(entries, fc.array(fc.boolean(), { minLength: 12, maxLength: 12 }), async (list, reverse) => {
        const all = makeBooks({ finance: { allowManualEntries: true } });
        const kept: JournalEntryInput[] = [];
        for (const [i, input] of list.entries()) {
          const entry = await all.finance.postEntry(input);
          if (reverse[i]) await all.finance.reverseEntry({ entryId: entry.entryId, date: "2026-07-01" });
          else kept.push(input);
        }
        const only = await postAll(kept);
        expect(signature(await all.finance.trialBalance({ asOf: "2026-07-01" }))).toEqual(signature(await only.finance.trialBalance({ asOf: "2026-07-01" })));
      }),
      RUNS,
    );
  });

  it("locked periods never change, whatever is posted or recorded afterwards", async () => {
    await fc.assert(
      fc.asyncProperty(entries, entries, postingEventsArbitrary({ functionalCurrency: "EUR", from: "2026-01-01", to: "2026-06-30", billPriceDifferences: true }, { maxLength: 8 }), dateArb, async (before, after, events, lockDate) => {
        const books = await postAll(before);
        await books.finance.lockPeriod({ through: lockDate });
        const snapshot = signature(await books.finance.trialBalance({ asOf: lockDate }));
        const journal = (await books.finance.journal({ to: lockDate })).length;
        for (const input of after) {
          try {
            await books.finance.postEntry(input);
            expect(input.date > lockDate).toBe(true);
          } catch (e) {
            expect(isStorekeepError(e) && e.code === "PERIOD_LOCKED").toBe(true);
            expect(input.date <= lockDate).toBe(true);
          }
        }
        for (const event of events) {
          try {
            await books.sk.recordEvents([event as never]);
          } catch (e) {
            expect(isStorekeepError(e) && e.code === "PERIOD_LOCKED").toBe(true);
          }
        }
        expect(signature(await books.finance.trialBalance({ asOf: lockDate }))).toEqual(snapshot);
        expect((await books.finance.journal({ to: lockDate })).length).toBe(journal);
      }),
      RUNS,
    );
  });

  it("posting is idempotent: the same entries posted again with their keys change nothing", async () => {
    await fc.assert(
      fc.asyncProperty(entries, async (list) => {
        const books = makeBooks({ finance: { allowManualEntries: true } });
        const keyed = list.map((input, i) => ({ ...input, key: `k-${i}` }));
        for (const input of keyed) await books.finance.postEntry(input);
        const tb = signature(await books.finance.trialBalance({ asOf: "2026-12-31" }));
        for (const input of [...keyed].reverse()) await books.finance.postEntry(input);
        expect(signature(await books.finance.trialBalance({ asOf: "2026-12-31" }))).toEqual(tb);
        expect(await books.finance.journal()).toHaveLength(list.length);
      }),
      RUNS,
    );
  });

  it("event sequences through the posting rules keep every invariant (entries balance, trial balance zero, equation, recomputation)", async () => {
    await fc.assert(
      fc.asyncProperty(postingEventsArbitrary({ functionalCurrency: "EUR", from: "2026-01-01", to: "2026-03-31", billPriceDifferences: true }, { minLength: 1, maxLength: 15 }), async (events) => {
        const books = makeBooks({ finance: { allowManualEntries: true } });
        for (const event of events) await books.sk.recordEvents([event as never]);
        expect(await ledgerInvariantViolations(books.finance, ["2026-01-15", "2026-02-28", "2026-03-31"])).toEqual([]);
      }),
      { numRuns: 15 },
    );
  });

  it("the pure kernel: every balanced entry passes, any imbalance fails, and book balances do not depend on order", () => {
    const line = fc.record({ account: fc.constantFrom("a", "b", "c"), functional: fc.bigInt({ min: -1_000_000_000_000n, max: 1_000_000_000_000n }).filter((n) => n !== 0n) });
    fc.assert(
      fc.property(fc.array(fc.array(line, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 20 }), fc.bigInt({ min: -3n, max: 3n }), (raw, off) => {
        const entries: PostingLine[][] = raw.map((ls) => {
          const sum = ls.reduce((s, l) => s + l.functional, 0n);
          const lines: PostingLine[] = ls.map((l) => ({ account: l.account, currency: "EUR", amount: l.functional, functional: l.functional }));
          lines.push({ account: "z", currency: "EUR", amount: -sum, functional: -sum });
          return lines.filter((l) => l.functional !== 0n);
        }).filter((ls) => ls.length >= 2);
        const forward: BalanceBook = new Map();
        const backward: BalanceBook = new Map();
        for (const e of entries) postToBook(forward, e, "EUR");
        for (const e of [...entries].reverse()) postToBook(backward, e, "EUR");
        expect([...backward].sort()).toEqual([...forward].sort());
        if (off !== 0n && entries[0] !== undefined) {
          const broken = [...entries[0], { account: "y", currency: "EUR", amount: off, functional: off }];
          expect(() => checkEntryBalanced(broken, "EUR")).toThrow(/does not balance/);
        }
      }),
      { numRuns: 200 },
    );
  });
});
