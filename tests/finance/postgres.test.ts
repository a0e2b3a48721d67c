import { PGlite } from "@electric-sql/pglite";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postgresStore } from "../../src/adapters/postgres/index.js";
import { defaultChart } from "../../src/finance/chart.js";
import { balancedEntryArbitrary, postableAccounts, postingEventsArbitrary } from "../../src/testing/finance/arbitraries.js";
import { ledgerInvariantViolations } from "../../src/testing/finance/invariants.js";
import { type Books, makeBooks } from "./helpers.js";

/*
 * The ledger on embedded PostgreSQL (PGlite): the same entries and events posted to the
 * in-memory store and to PostgreSQL give the same journal, reports and exports, exactly.
 * One PGlite per file (cold start 7-10 s), one schema per books.
 */

let db: PGlite;
let schemas = 0;

beforeAll(async () => {
  db = new PGlite();
  await db.waitReady;
}, 60_000);

afterAll(async () => {
  await db.close();
});

function pgBooks(): Books {
  schemas += 1;
  return makeBooks({ store: postgresStore({ client: db, schema: `finance_test_${schemas}` }), finance: { allowManualEntries: true } });
}

async function reports(books: Books) {
  const f = books.finance;
  return {
    journal: await f.journal(),
    tbAsOf: await f.trialBalance({ asOf: "2026-03-17", compare: ["previous-period", "previous-year"] }),
    tbPeriod: await f.trialBalance({ from: "2026-02-03", to: "2026-05-31" }),
    bs: await f.balanceSheet({ asOf: "2026-06-30", compare: ["previous-year"] }),
    is: await f.incomeStatement({ from: "2026-01-01", to: "2026-06-30", compare: ["previous-period"] }),
    gl: await f.generalLedger({ account: "1100", from: "2026-02-01", to: "2026-04-30" }),
    hledger: await f.exportHledger(),
    csv: await f.exportCsv(),
    locks: await f.periodLocks(),
  };
}

const entries = fc.array(
  balancedEntryArbitrary({ accounts: postableAccounts(defaultChart()), functionalCurrency: "EUR", foreignCurrencies: ["USD", "JPY"], from: "2026-01-01", to: "2026-06-30" }),
  { minLength: 1, maxLength: 8 },
);
const events = postingEventsArbitrary({ functionalCurrency: "EUR", from: "2026-01-01", to: "2026-06-30", billPriceDifferences: true }, { maxLength: 6 });

describe("the ledger on PostgreSQL (PGlite)", () => {
  it("posts, reverses, locks and closes with the same results as the in-memory store", async () => {
    await fc.assert(
      fc.asyncProperty(entries, events, fc.integer({ min: 0, max: 7 }), async (inputs, recorded, reverseIndex) => {
        const memory = makeBooks({ finance: { allowManualEntries: true } });
        const pg = pgBooks();
        for (const books of [memory, pg]) {
          const posted = [];
          for (const input of inputs) posted.push(await books.finance.postEntry(input));
          for (const event of recorded) await books.sk.recordEvents([event as never]);
          const target = posted[reverseIndex % posted.length]!;
          await books.finance.reverseEntry({ entryId: target.entryId, date: "2026-06-30" });
          await expect(books.finance.reverseEntry({ entryId: target.entryId, date: "2026-06-30" })).rejects.toMatchObject({ code: "ALREADY_REVERSED" });
          await books.finance.closeYear({ year: 2025 });
          await books.finance.lockPeriod({ period: "2026-01", domains: ["sales"] });
        }
        expect(await reports(pg)).toEqual(await reports(memory));
        expect(await ledgerInvariantViolations(pg.finance, ["2026-01-31", "2026-03-17", "2026-06-30"])).toEqual([]);
      }),
      { numRuns: 6 },
    );
  }, 240_000);

  it("refuses a posting into a locked period and an unbalanced entry, leaving nothing behind", async () => {
    const pg = pgBooks();
    await pg.finance.postEntry({ date: "2026-01-10", lines: [{ account: "1100", debit: "100" }, { account: "3100", credit: "100" }] });
    await pg.finance.closePeriod("2026-01");
    await expect(pg.finance.postEntry({ date: "2026-01-20", lines: [{ account: "1100", debit: "1" }, { account: "3100", credit: "1" }] })).rejects.toMatchObject({ code: "PERIOD_LOCKED" });
    await expect(pg.finance.postEntry({ date: "2026-02-20", lines: [{ account: "1100", debit: "1" }, { account: "3100", credit: "2" }] })).rejects.toMatchObject({ code: "UNBALANCED_ENTRY" });
    expect(await pg.finance.journal()).toHaveLength(1);
    const tb = await pg.finance.trialBalance({ asOf: "2026-12-31" });
    expect(tb.totals).toEqual({ debit: "100", credit: "100" });
  }, 60_000);
});
