import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { extendChart, defaultChart } from "../../src/finance/index.js";
import { makeBooks } from "./helpers.js";

/*
 * The cash flow statement on a hand-built quarter whose answer is worked out by hand, and
 * as a property: whatever is posted, both methods explain exactly the change in cash.
 */

const chart = extendChart(defaultChart(), [
  { code: "1500", name: "Equipment", type: "asset", parent: "1000" },
  { code: "2500", name: "Bank loan", type: "liability", parent: "2000" },
  { code: "6200", name: "Rent", type: "expense", parent: "6000" },
]);

function books() {
  return makeBooks({ finance: { chart, allowManualEntries: true } });
}

const dr = (account: string, amount: string) => ({ account, debit: amount });
const cr = (account: string, amount: string) => ({ account, credit: amount });

/** A quarter: capital in, a loan, equipment, stock on credit, a sale with VAT, a capture, a payout with a fee, a supplier payment, rent. */
async function quarter() {
  const b = books();
  const post = (date: string, ...lines: { account: string; debit?: string; credit?: string }[]) => b.finance.postEntry({ date, lines });
  await post("2025-12-31", dr("1100", "500"), cr("3100", "500")); // before the period: opening cash 500
  await post("2026-01-02", dr("1100", "1000"), cr("3100", "1000")); // share capital paid in
  await post("2026-01-03", dr("1100", "2000"), cr("2500", "2000")); // a bank loan
  await post("2026-01-04", dr("1500", "1200"), cr("1100", "1200")); // equipment bought for cash
  await post("2026-01-05", dr("1300", "400"), cr("2100", "400")); // stock on credit
  await post("2026-02-01", dr("1200", "238"), cr("4100", "200"), cr("2300", "38")); // invoice 200 + 19% VAT
  await post("2026-02-01", dr("5100", "120"), cr("1300", "120")); // its cost
  await post("2026-02-03", dr("1150", "238"), cr("1200", "238")); // captured by the provider
  await post("2026-02-10", dr("1100", "231"), dr("6100", "7"), cr("1150", "238")); // payout less a 7 fee
  await post("2026-03-01", dr("2100", "300"), cr("1100", "300")); // supplier paid in part
  await post("2026-03-15", dr("6200", "150"), cr("1100", "150")); // rent
  await post("2026-04-02", dr("6200", "150"), cr("1100", "150")); // after the period
  return b;
}

describe("cash flow statement", () => {
  it("explains the quarter's change in cash by the indirect and the direct method, worked out by hand", async () => {
    const b = await quarter();
    const cf = await b.finance.cashFlow({ from: "2026-01-01", to: "2026-03-31", investing: ["1500"], financing: ["2500"] });
    // Cash (bank 1100 + provider clearing 1150): 500 at the start; +1000 +2000 -1200 +238 -7 -300 -150 = +1581.
    expect(cf).toMatchObject({ cashAccounts: ["1100", "1150"], openingCash: "500", closingCash: "2081", netChange: "1581", ties: true });
    // Net income: revenue 200 - COGS 120 - fee 7 - rent 150 = -77.
    expect(cf.indirect.netIncome).toBe("-77");
    expect(cf.indirect.operating.lines).toEqual([
      { label: "Net income", accounts: [], amount: "-77" },
      { label: "Change in Inventory", accounts: ["1300"], amount: "-280" },
      { label: "Change in Payables", accounts: ["2100"], amount: "100" },
      { label: "Change in Output tax", accounts: ["2300"], amount: "38" },
    ]);
    expect(cf.indirect.operating.total).toBe("-219");
    expect(cf.indirect.investing).toEqual({ lines: [{ label: "Change in Equipment", accounts: ["1500"], amount: "-1200" }], total: "-1200" });
    expect(cf.indirect.financing).toEqual({
      lines: [
        { label: "Change in Bank loan", accounts: ["2500"], amount: "2000" },
        { label: "Change in Share capital", accounts: ["3100"], amount: "1000" },
      ],
      total: "3000",
    });
    expect(cf.direct.operating.lines).toEqual([
      { label: "Cash from customers", accounts: ["1200"], amount: "238" },
      { label: "Cash paid to suppliers", accounts: ["2100"], amount: "-300" },
      { label: "Payment fees", accounts: ["6100"], amount: "-7" },
      { label: "Other: Rent", accounts: ["6200"], amount: "-150" },
    ]);
    expect(cf.direct.operating.total).toBe("-219");
    expect(cf.direct.investing.total).toBe("-1200");
    expect(cf.direct.financing.lines.map((l) => [l.label, l.amount])).toEqual([["Bank loan", "2000"], ["Share capital", "1000"]]);
    expect([cf.indirect.netChange, cf.direct.netChange]).toEqual(["1581", "1581"]);
  });

  it("without options equity is financing and everything else operating; cashAccounts replaces the cash set", async () => {
    const b = await quarter();
    const cf = await b.finance.cashFlow({ from: "2026-01-01", to: "2026-03-31" });
    expect(cf.ties).toBe(true);
    expect(cf.indirect.investing.lines).toEqual([]);
    expect(cf.indirect.financing.total).toBe("1000");
    expect(cf.indirect.operating.total).toBe("581"); // -219 - 1200 + 2000
    const bankOnly = await b.finance.cashFlow({ from: "2026-02-01", to: "2026-02-28", cashAccounts: ["1100"] });
    // Only the payout reached the bank in February; the provider's clearing account is now a working-capital account.
    expect(bankOnly).toMatchObject({ netChange: "231", ties: true });
    expect(bankOnly.direct.operating.lines).toEqual([
      { label: "Cash from customers", accounts: ["1150"], amount: "238" },
      { label: "Payment fees", accounts: ["6100"], amount: "-7" },
    ]);
  });

  it("refuses options naming accounts that are not posting accounts of the chart", async () => {
    const b = await quarter();
    await expect(b.finance.cashFlow({ from: "2026-01-01", to: "2026-03-31", investing: ["9999"] })).rejects.toMatchObject({ code: "VALIDATION_FAILED", message: expect.stringContaining("9999") });
    await expect(b.finance.cashFlow({ from: "2026-01-01", to: "2026-03-31", cashAccounts: ["1000"] })).rejects.toMatchObject({ code: "VALIDATION_FAILED", message: expect.stringContaining("header") });
    await expect(b.finance.cashFlow({ from: "2026-03-31", to: "2026-01-01" })).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
  });

  it("year-end closing entries are not cash flows: net income over a closed year is the year's result", async () => {
    const b = await quarter();
    b.clock.set("2027-01-04T09:00:00.000Z"); // a year is closed once it has ended
    await b.finance.closeYear({ year: 2026 });
    const cf = await b.finance.cashFlow({ from: "2026-01-01", to: "2026-12-31" });
    expect(cf.ties).toBe(true);
    expect(cf.indirect.netIncome).toBe("-227"); // -77 and April's rent
    expect(cf.indirect.operating.lines.some((l) => l.accounts.includes("3200"))).toBe(false);
  });

  const accounts = ["1100", "1150", "1200", "1300", "1500", "2100", "2300", "2500", "3100", "4100", "5100", "6100", "6200"];
  it("property: for any postings and any period, the indirect and the direct method both equal the change in cash", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({ day: fc.integer({ min: 1, max: 90 }), from: fc.constantFrom(...accounts), to: fc.constantFrom(...accounts), cents: fc.integer({ min: 1, max: 1_000_000 }) }),
          { minLength: 1, maxLength: 25 },
        ),
        fc.integer({ min: 1, max: 90 }),
        fc.integer({ min: 0, max: 60 }),
        async (postings, start, length) => {
          const b = books();
          for (const p of postings) {
            if (p.from === p.to) continue;
            const amount = (p.cents / 100).toFixed(2);
            await b.finance.postEntry({ date: dayOf(p.day), lines: [dr(p.from, amount), cr(p.to, amount)] });
          }
          const from = dayOf(start);
          const to = dayOf(Math.min(90, start + length));
          const cf = await b.finance.cashFlow({ from, to, investing: ["1500"], financing: ["2500"] });
          const tbEnd = await b.finance.trialBalance({ asOf: to });
          const cashAt = (tb: typeof tbEnd) => tb.rows.filter((r) => r.account === "1100" || r.account === "1150").reduce((s, r) => s + Math.round(Number(r.debit) * 100) - Math.round(Number(r.credit) * 100), 0);
          expect(Math.round(Number(cf.closingCash) * 100)).toBe(cashAt(tbEnd));
          expect(cf.ties).toBe(true);
          expect(cf.indirect.netChange).toBe(cf.netChange);
          expect(cf.direct.netChange).toBe(cf.netChange);
        },
      ),
      { numRuns: 40 },
    );
  });
});

function dayOf(n: number): string {
  const d = new Date(Date.UTC(2026, 0, n));
  return d.toISOString().slice(0, 10);
}
