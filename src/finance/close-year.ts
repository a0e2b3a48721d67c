import { z } from "zod";
import { defineLibraryCommand } from "../runner/library.js";
import { loadChart } from "./account-registry.js";
import { type JournalEntry } from "./journal-entry.js";
import { FINANCE_STORE, readBalances, splitBalanceKey } from "./ledger-store.js";
import { refuseFutureLock } from "./write-locks.js";
import { OPEN_PERIODS, POSTING_DOMAINS, checkPeriodOpen, fiscalYear, readPeriodLocks, withSoftLock } from "./periods.js";
import { toUnits, unitsToString } from "./posting-kernel.js";
import type { RuleLine } from "./posting-rules.js";
import type { FinanceSettings } from "./settings.js";
import { commandSource, postDraft } from "./post-draft.js";
import { writeLocks } from "./write-locks.js";
import { strictInput } from "../kernel/strict-input.js";

const closeYearSchema = strictInput({ year: z.number().int().min(1).max(9998) });


/**
 * Closes a fiscal year: revenue and expense into retained earnings, then soft-locks every domain through its end.
 *
 * @example
 * ```ts
 * const closeYear = closeYearCommand(resolveFinanceOptions());
 * await runtime.execute(closeYear, { year: 2026 });
 * ```
 */
export function closeYearCommand(settings: FinanceSettings) {
  return defineLibraryCommand({
    name: "finance.closeYear",
    input: closeYearSchema,
    async handle(ctx, input) {
      const year = fiscalYear(input.year, settings.fiscalYearStartMonth);
      refuseFutureLock(year.end, ctx.today, "year", `Fiscal year ${year.year} (${year.start} to ${year.end})`);
      // A close only respects the hard lock: soft locks are usually set before closing.
      checkPeriodOpen({ ...OPEN_PERIODS, hard: (await readPeriodLocks(ctx.tx)).hard }, "general", year.end);
      const balances = await readBalances(ctx.tx, { from: year.start, to: year.end });
      const chart = await loadChart(ctx.tx, settings);
      const lines: RuleLine[] = [];
      let result = 0n;
      for (const [key, totals] of [...balances].sort(([a], [b]) => (a < b ? -1 : 1))) {
        const { account, currency } = splitBalanceKey(key);
        const type = chart.byCode.get(account)?.type;
        if (type !== "revenue" && type !== "expense") continue;
        const functional = toUnits(totals.debit.minus(totals.credit).toFixed());
        const amount = toUnits(totals.amount.toFixed());
        if (functional === 0n && amount === 0n) continue;
        lines.push({ account, currency, amount: -amount, functional: -functional });
        result += functional;
      }
      const retained = settings.accountMap["retained-earnings"];
      if (result !== 0n) lines.push({ account: retained, currency: ctx.config.functionalCurrency, amount: result, functional: result });
      let entry: JournalEntry | null = null;
      if (lines.length >= 2) {
        entry = await postDraft(ctx, settings, {
          date: year.end,
          domain: "general",
          kind: "closing",
          memo: `Year-end close of fiscal year ${year.year} (${year.start} to ${year.end})`,
          key: null,
          source: commandSource(ctx),
          reversalOf: null,
          lines,
        });
        const closings = await ctx.tx.documents.get<{ entryIds: string[] }>(FINANCE_STORE.closings, String(year.year));
        await ctx.tx.documents.put(FINANCE_STORE.closings, String(year.year), { entryIds: [...(closings?.data.entryIds ?? []), entry.entryId] }, closings?.version ?? 0);
      }
      await writeLocks(ctx, (s) => withSoftLock(s, POSTING_DOMAINS, year.end));
      return {
        result: {
          year: year.year,
          start: year.start,
          end: year.end,
          entryId: entry?.entryId ?? null,
          netIncome: entry === null ? "0" : unitsToString(-result),
          retainedEarningsAccount: retained,
        },
      };
    },
  });
}
