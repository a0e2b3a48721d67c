import { z } from "zod";
import type { CurrencyCode } from "../kernel/currencies.js";
import { minorUnits } from "../kernel/currencies.js";
import { Decimal } from "../kernel/decimal.js";
import { StorekeepError } from "../kernel/errors.js";
import { addDays, localDateSchema, type LocalDate } from "../kernel/local-date.js";
import type { JsonObject } from "../ports/storage.js";
import { defineLibraryCommand } from "../runner/library.js";
import { cashAccountCodes } from "./cash-accounts.js";
import { FINANCE_STORE, readBalances, splitBalanceKey } from "./ledger-store.js";
import { readOpenItems } from "./open-item-reports.js";
import { openAsOf } from "./open-items.js";
import { commandSource, postDraft } from "./post-draft.js";
import { checkPeriodOpen, readPeriodLocks } from "./periods.js";
import { toUnits, unitsToString } from "./posting-kernel.js";
import type { RuleLine } from "./posting-rules.js";
import type { FinanceSettings } from "./settings.js";

/*
 * Unrealised exchange differences at a period end (IAS 21.23): open foreign receivables
 * and payables and foreign balances of cash accounts are restated at the closing rate
 * against the exchange gain/loss account, and the entry is reversed the next day. The open
 * items keep their booked values, so a later settlement realises its difference from the
 * booked value as before: each revaluation is undone before anything else can count it,
 * and a second run for the same date is a replay, not a second posting.
 */

/**
 * What a revaluation restated: one row per account and currency, with the foreign amount
 * open, its booked functional value, the closing rate and the difference posted.
 *
 * @example
 * ```ts
 * const row: RevaluationRow = { account: "1200", ledger: "receivables", currency: "USD", amount: "110", booked: "101.2", rate: "0.95", revalued: "104.5", difference: "3.3" };
 * ```
 */
export interface RevaluationRow {
  readonly account: string;
  readonly ledger: "receivables" | "payables" | "cash";
  readonly currency: string;
  readonly amount: string;
  readonly booked: string;
  readonly rate: string;
  readonly revalued: string;
  readonly difference: string;
}

/**
 * The result of `sk.finance.revalue`: the entry on `date`, its reversal the next day, the
 * rows, and the net gain (positive) or loss. `replayed` is true when the date had been
 * revalued before (nothing new was posted).
 *
 * @example
 * ```ts
 * const r = await sk.finance.revalue({ date: "2026-03-31" });
 * r.netGain; // "3.3"
 * ```
 */
export interface Revaluation {
  readonly date: string;
  readonly reversalDate: string;
  readonly entryId: string | null;
  readonly reversalEntryId: string | null;
  readonly rows: readonly RevaluationRow[];
  readonly netGain: string;
  readonly replayed: boolean;
}

const revalueSchema = z.object({ date: localDateSchema }).strict();

/**
 * Revalues open foreign items and foreign cash balances at the rate on `date`, posts the
 * difference against `exchange-gain-loss`, and reverses it on the next day.
 *
 * @example
 * ```ts
 * const revalue = revalueCommand(resolveFinanceOptions());
 * await runtime.execute(revalue, { date: "2026-03-31" });
 * ```
 */
export function revalueCommand(settings: FinanceSettings) {
  return defineLibraryCommand({
    name: "finance.revalue",
    input: revalueSchema,
    async handle(ctx, input) {
      const done = await ctx.tx.documents.getForUpdate(FINANCE_STORE.revaluations, input.date);
      if (done !== undefined) return { result: { ...(done.data as unknown as Revaluation), replayed: true } as unknown as JsonObject };
      // A locked date is refused before anything is read or recorded, whether or not there is anything to revalue.
      checkPeriodOpen(await readPeriodLocks(ctx.tx), "general", input.date);
      const functional = ctx.config.functionalCurrency;
      const rates = new Map<string, Decimal>();
      const rateOf = async (currency: string): Promise<Decimal> => {
        let rate = rates.get(currency);
        if (rate === undefined) {
          rate = await ctx.rates.rate(currency as CurrencyCode, functional as CurrencyCode, input.date as LocalDate);
          if (rate === undefined) {
            throw new StorekeepError("VALIDATION_FAILED", `No ${currency}→${functional} rate is known on or before ${input.date}; add one to the rate provider before revaluing.`, {
              issues: [{ path: "date", message: `no ${currency} rate`, code: "custom" }],
            });
          }
          rates.set(currency, rate);
        }
        return rate;
      };
      // Σ per account and currency: foreign amount and booked functional value (kernel units).
      const totals = new Map<string, { account: string; ledger: RevaluationRow["ledger"]; currency: string; amount: bigint; booked: bigint }>();
      const add = (account: string, ledger: RevaluationRow["ledger"], currency: string, amount: bigint, booked: bigint): void => {
        const key = `${account}|${currency}`;
        const t = totals.get(key) ?? { account, ledger, currency, amount: 0n, booked: 0n };
        t.amount += amount;
        t.booked += booked;
        totals.set(key, t);
      };
      for (const ledger of ["receivables", "payables"] as const) {
        for await (const item of readOpenItems(ctx.tx, ledger)) {
          if (item.currency === functional) continue;
          const open = openAsOf(item, input.date, toUnits);
          if (open === null || open.amount === 0n) continue;
          add(settings.accountMap[ledger], ledger, item.currency, open.amount, open.functional);
        }
      }
      const cash = new Set(cashAccountCodes(settings.accountMap, settings.cashAccounts));
      for (const [key, row] of await readBalances(ctx.tx, { to: input.date })) {
        const { account, currency } = splitBalanceKey(key);
        if (!cash.has(account) || currency === functional) continue;
        const amount = toUnits(row.amount.toFixed());
        if (amount === 0n) continue;
        add(account, "cash", currency, amount, toUnits(row.debit.minus(row.credit).toFixed()));
      }
      const rows: RevaluationRow[] = [];
      const lines: (RuleLine & { memo?: string })[] = [];
      let difference = 0n;
      for (const t of [...totals.values()].sort((a, b) => (a.account + a.currency < b.account + b.currency ? -1 : 1))) {
        if (t.amount === 0n) continue;
        const rate = await rateOf(t.currency);
        const revalued = toUnits(new Decimal(unitsToString(t.amount)).times(rate).toDecimalPlaces(minorUnits(functional as CurrencyCode), Decimal.ROUND_HALF_UP).toFixed());
        const diff = revalued - t.booked;
        rows.push({ account: t.account, ledger: t.ledger, currency: t.currency, amount: unitsToString(t.amount), booked: unitsToString(t.booked), rate: rate.toFixed(), revalued: unitsToString(revalued), difference: unitsToString(diff) });
        if (diff === 0n) continue;
        // A functional-only line on the foreign account: its foreign amount does not move.
        lines.push({ account: t.account, currency: t.currency, amount: 0n, functional: diff, memo: `Unrealised ${t.currency} difference at ${rate.toFixed()}` });
        difference += diff;
      }
      const reversalDate = addDays(input.date as LocalDate, 1);
      let entryId: string | null = null;
      let reversalEntryId: string | null = null;
      if (lines.length > 0) {
        const fx = settings.accountMap["exchange-gain-loss"];
        // Differences may cancel out (a gain on receivables equal to a loss on payables): then no gain/loss line.
        if (difference !== 0n) lines.push({ account: fx, currency: functional, amount: -difference, functional: -difference });
        const entry = await postDraft(ctx, settings, { date: input.date, domain: "general", kind: "standard", memo: `Unrealised exchange differences as of ${input.date}`, key: null, source: commandSource(ctx), reversalOf: null, lines });
        const reversal = await postDraft(ctx, settings, {
          date: reversalDate,
          domain: "general",
          kind: "reversal",
          memo: `Reversal of the unrealised exchange differences as of ${input.date}`,
          key: null,
          source: commandSource(ctx),
          reversalOf: entry.entryId,
          lines: lines.map((l) => ({ ...l, amount: -l.amount, functional: -l.functional })),
        });
        await ctx.tx.documents.put(FINANCE_STORE.reversals, entry.entryId, { reversalEntryId: reversal.entryId }, 0);
        entryId = entry.entryId;
        reversalEntryId = reversal.entryId;
      }
      const result: Revaluation = { date: input.date, reversalDate, entryId, reversalEntryId, rows, netGain: unitsToString(difference), replayed: false };
      await ctx.tx.documents.put(FINANCE_STORE.revaluations, input.date, result as unknown as JsonObject, 0);
      return { result: result as unknown as JsonObject };
    },
  });
}
