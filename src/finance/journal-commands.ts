import { z } from "zod";
import type { Decimal } from "../kernel/decimal.js";
import { StorekeepError } from "../kernel/errors.js";
import { localDateSchema } from "../kernel/local-date.js";
import type { JsonObject } from "../ports/storage.js";
import { type CommandContext, defineCommand } from "../runner/command.js";
import { checkFutureHorizon } from "../runner/config.js";
import { canonicalJson, sha256Hex } from "../runner/hash.js";
import { checkNewAccount, loadChart, resolveAccounts } from "./account-registry.js";
import { accountInputSchema } from "./accounts.js";
import {
  type EntryKind,
  type EntrySource,
  type JournalEntry,
  type ParsedJournalEntry,
  entryToJson,
  journalEntrySchema,
  kernelLinesOf,
  resolveLines,
  storedLinesOf,
} from "./journal-entry.js";
import { FINANCE_STORE, readBalances, splitBalanceKey, writeEntry } from "./ledger-store.js";
import {
  type EntryDomain,
  OPEN_PERIODS,
  PERIOD_LOCKS_COLLECTION,
  PERIOD_LOCKS_ID,
  POSTING_DOMAINS,
  type PeriodLockState,
  checkPeriodOpen,
  fiscalYear,
  periodRange,
  periodSchema,
  readPeriodLocks,
  readPeriodLocksForPosting,
  withHardLock,
  withSoftLock,
  withSoftUnlock,
} from "./periods.js";
import { checkEntryBalanced, toUnits, unitsToString } from "./posting-kernel.js";
import type { RuleLine } from "./posting-rules.js";
import type { FinanceSettings } from "./settings.js";

/*
 * The finance commands: posting, reversing, defining accounts, locking periods, closing
 * the year. Every posting path — these commands, the posting rules' reactions, opening
 * balances — goes through {@link postDraft}, which checks accounts, locks and balance.
 */

/**
 * An entry about to be posted.
 *
 * @example
 * ```ts
 * const draft: EntryDraft = { date: "2026-03-02", domain: "general", kind: "standard", memo: null, key: null, source, reversalOf: null, lines };
 * ```
 */
export interface EntryDraft {
  readonly date: string;
  readonly domain: EntryDomain;
  readonly kind: EntryKind;
  readonly memo: string | null;
  readonly key: string | null;
  readonly keyHash?: string;
  readonly source: EntrySource;
  readonly reversalOf: string | null;
  readonly lines: readonly (RuleLine & { readonly memo?: string })[];
}

/**
 * Posts a draft inside the command's transaction: accounts exist and take postings (in
 * their currency when restricted), the date is open for the domain (the tax lock too when
 * a tax account is touched; a year-end close respects only the hard lock), the entry
 * balances exactly; then the entry, its lines and balance deltas are written.
 *
 * @example
 * ```ts
 * const entry = await postDraft(ctx, settings, draft);
 * ```
 */
export async function postDraft(ctx: CommandContext, settings: FinanceSettings, input: EntryDraft): Promise<JournalEntry> {
  const functionalCurrency = ctx.config.functionalCurrency;
  // A line with a functional amount only (a realised exchange difference, a rounding line, a
  // close of a foreign-currency balance whose transaction amount is already zero) is a line
  // in the functional currency: that is how every commodity-based ledger reads it.
  const draft: EntryDraft = input.lines.some((l) => l.amount === 0n && l.currency !== functionalCurrency)
    ? { ...input, lines: input.lines.map((l) => (l.amount === 0n && l.currency !== functionalCurrency ? { account: l.account, currency: functionalCurrency, amount: l.functional, functional: l.functional, ...(l.memo === undefined ? {} : { memo: l.memo }) } : l)) }
    : input;
  const accounts = await resolveAccounts(ctx.tx, settings, draft.lines.map((l) => l.account));
  draft.lines.forEach((line, index) => {
    const account = accounts.get(line.account)!;
    if (account.header) {
      throw new StorekeepError("VALIDATION_FAILED", `Account ${account.code} (${account.name}) is a header account and takes no postings; post to one of its children.`, {
        issues: [{ path: `lines[${index}].account`, message: "header account", code: "custom" }],
      });
    }
    if (account.currency !== undefined && account.currency !== line.currency) {
      throw new StorekeepError("CURRENCY_MISMATCH", `Account ${account.code} (${account.name}) is kept in ${account.currency}; line ${index} is in ${line.currency}.`, { expected: account.currency, actual: line.currency, account: account.code });
    }
  });
  checkFutureHorizon(ctx.config, ctx.today, draft.date, "date");
  const locks = await readPeriodLocksForPosting(ctx.tx);
  if (draft.kind === "closing") checkPeriodOpen({ ...OPEN_PERIODS, hard: locks.hard }, "general", draft.date);
  else checkPeriodOpen(locks, draft.domain, draft.date, draft.lines.some((l) => settings.taxAccounts.has(l.account)));
  checkEntryBalanced(draft.lines, functionalCurrency);
  const entry: JournalEntry = {
    entryId: ctx.ids.next("je"),
    key: draft.key,
    date: draft.date,
    recordedAt: ctx.now.toISOString(),
    domain: draft.domain,
    kind: draft.kind,
    memo: draft.memo,
    source: draft.source,
    reversalOf: draft.reversalOf,
    functionalCurrency,
    lines: storedLinesOf(draft.lines, functionalCurrency),
  };
  await writeEntry(ctx.tx, entry, draft.lines, draft.keyHash);
  return entry;
}

/**
 * The entry posted under an entry key, or undefined. A key used for different content is
 * `IDEMPOTENCY_MISMATCH`.
 *
 * @example
 * ```ts
 * const earlier = await entryByKey(ctx, "deposit-1", hash);
 * ```
 */
export async function entryByKey(ctx: CommandContext, key: string, hash: string): Promise<JournalEntry | undefined> {
  const doc = await ctx.tx.documents.get<{ entryId: string; hash: string | null }>(FINANCE_STORE.entryKeys, key);
  if (doc === undefined) return undefined;
  if (doc.data.hash !== hash) {
    throw new StorekeepError("IDEMPOTENCY_MISMATCH", `The entry key "${key}" was already used for a different entry (${doc.data.entryId}); use a new key for a new entry.`, { key, entryId: doc.data.entryId });
  }
  const entry = await ctx.tx.documents.get(FINANCE_STORE.entries, doc.data.entryId);
  return entry?.data as unknown as JournalEntry;
}

function commandSource(ctx: CommandContext): EntrySource {
  return { kind: "command", commandId: ctx.commandId, commandName: ctx.commandName };
}

async function ratesFor(ctx: CommandContext, parsed: ParsedJournalEntry): Promise<Map<string, Decimal>> {
  const rates = new Map<string, Decimal>();
  for (const line of parsed.lines) {
    const currency = line.currency ?? ctx.config.functionalCurrency;
    if (currency === ctx.config.functionalCurrency || line.rate !== undefined || line.functional !== undefined || rates.has(currency)) continue;
    const rate = await ctx.rates.rate(currency, ctx.config.functionalCurrency, parsed.date);
    if (rate !== undefined) rates.set(currency, rate);
  }
  return rates;
}

const reverseSchema = z.object({
  entryId: z.string().min(1).max(200),
  date: localDateSchema.optional(),
  memo: z.string().max(500).optional(),
});

const lockSchema = z
  .object({
    through: localDateSchema.optional(),
    period: periodSchema.optional(),
    domains: z.array(z.enum(POSTING_DOMAINS)).min(1).max(4).optional(),
  })
  .refine((x) => (x.through === undefined) !== (x.period === undefined), { message: "give exactly one of through (a date) or period (YYYY-MM)", path: ["through"] });

const unlockSchema = z.object({
  domain: z.enum(POSTING_DOMAINS),
  through: localDateSchema.nullable().optional(),
});

const closeYearSchema = z.object({ year: z.number().int().min(1).max(9998) });

function lockDate(input: { through?: string | undefined; period?: string | undefined }): string {
  return input.through ?? periodRange(input.period!).end;
}

async function writeLocks(ctx: CommandContext, next: (state: PeriodLockState) => PeriodLockState): Promise<PeriodLockState> {
  const doc = await ctx.tx.documents.getForUpdate(PERIOD_LOCKS_COLLECTION, PERIOD_LOCKS_ID);
  const state = await readPeriodLocks(ctx.tx);
  const updated = next(state);
  await ctx.tx.documents.put(PERIOD_LOCKS_COLLECTION, PERIOD_LOCKS_ID, updated as unknown as JsonObject, doc?.version ?? 0);
  return updated;
}

/**
 * The finance commands bound to resolved settings.
 *
 * @example
 * ```ts
 * const commands = financeCommands(resolveFinanceOptions());
 * await runtime.execute(commands.postEntry, entry, { idempotencyKey: "je-1" });
 * ```
 */
export function financeCommands(settings: FinanceSettings) {
  const postEntry = defineCommand({
    name: "finance.postEntry",
    input: journalEntrySchema,
    async handle(ctx, input) {
      const hash = input.key === undefined ? undefined : sha256Hex(canonicalJson(input));
      if (input.key !== undefined) {
        const earlier = await entryByKey(ctx, input.key, hash!);
        if (earlier !== undefined) return { result: earlier as unknown as JsonObject };
      }
      const { kernel, stored } = resolveLines(input.lines, ctx.config.functionalCurrency, ctx.config.rounding, await ratesFor(ctx, input));
      const lines = kernel.map((line, i) => ({ ...line, ...(stored[i]!.rate === null ? {} : { rate: stored[i]!.rate! }), ...(stored[i]!.memo === undefined ? {} : { memo: stored[i]!.memo! }) }));
      const entry = await postDraft(ctx, settings, {
        date: input.date,
        domain: input.domain ?? "general",
        kind: "standard",
        memo: input.memo ?? null,
        key: input.key ?? null,
        ...(hash === undefined ? {} : { keyHash: hash }),
        source: commandSource(ctx),
        reversalOf: null,
        lines,
      });
      return { result: entryToJson(entry) };
    },
  });

  const reverseEntry = defineCommand({
    name: "finance.reverseEntry",
    input: reverseSchema,
    async handle(ctx, input) {
      const doc = await ctx.tx.documents.get(FINANCE_STORE.entries, input.entryId);
      if (doc === undefined) throw new StorekeepError("NOT_FOUND", `No journal entry ${input.entryId}; check the id.`, { entryId: input.entryId });
      const original = doc.data as unknown as JournalEntry;
      if (original.kind === "closing") {
        throw new StorekeepError("INVALID_TRANSITION", `Entry ${original.entryId} is a year-end close; post a correcting entry and close the year again instead of reversing it.`, { entryId: original.entryId });
      }
      const done = await ctx.tx.documents.get<{ reversalEntryId: string }>(FINANCE_STORE.reversals, original.entryId);
      if (done !== undefined) {
        throw new StorekeepError("ALREADY_REVERSED", `Entry ${original.entryId} was already reversed by ${done.data.reversalEntryId}; an entry is reversed once.`, { entryId: original.entryId, reversalEntryId: done.data.reversalEntryId });
      }
      const lines = kernelLinesOf(original.lines).map((line, i) => {
        const rate = original.lines[i]!.rate;
        return { account: line.account, currency: line.currency, amount: -line.amount, functional: -line.functional, ...(rate === null ? {} : { rate }) };
      });
      const entry = await postDraft(ctx, settings, {
        date: input.date ?? ctx.today,
        domain: original.domain,
        kind: "reversal",
        memo: input.memo ?? `Reversal of ${original.entryId}${original.memo === null ? "" : `: ${original.memo}`}`,
        key: null,
        source: commandSource(ctx),
        reversalOf: original.entryId,
        lines,
      });
      await ctx.tx.documents.put(FINANCE_STORE.reversals, original.entryId, { reversalEntryId: entry.entryId }, 0);
      return { result: entryToJson(entry) };
    },
  });

  const defineAccount = defineCommand({
    name: "finance.defineAccount",
    input: accountInputSchema,
    async handle(ctx, input) {
      const account = await checkNewAccount(ctx.tx, settings, input as never);
      await ctx.tx.documents.put(FINANCE_STORE.accounts, account.code, account as unknown as JsonObject, 0);
      return { result: account as unknown as JsonObject };
    },
  });

  const lockPeriod = defineCommand({
    name: "finance.lockPeriod",
    input: lockSchema,
    async handle(ctx, input) {
      const through = lockDate(input);
      const state = await writeLocks(ctx, (s) => withSoftLock(s, input.domains ?? POSTING_DOMAINS, through));
      return { result: state as unknown as JsonObject };
    },
  });

  const unlockPeriod = defineCommand({
    name: "finance.unlockPeriod",
    input: unlockSchema,
    async handle(ctx, input) {
      const state = await writeLocks(ctx, (s) => {
        const target = input.through ?? null;
        if (s.hard !== null && (target === null || target < s.hard)) {
          throw new StorekeepError("INVALID_TRANSITION", `The books are hard-locked through ${s.hard}; a hard lock cannot be lifted, so ${input.domain} can only be unlocked back to ${s.hard}.`, { domain: input.domain, hard: s.hard });
        }
        return withSoftUnlock(s, input.domain, target);
      });
      return { result: state as unknown as JsonObject };
    },
  });

  const hardLock = defineCommand({
    name: "finance.hardLock",
    input: lockSchema,
    async handle(ctx, input) {
      const through = lockDate(input);
      const state = await writeLocks(ctx, (s) => withHardLock(withSoftLock(s, POSTING_DOMAINS, through), through));
      return { result: state as unknown as JsonObject };
    },
  });

  const closeYear = defineCommand({
    name: "finance.closeYear",
    input: closeYearSchema,
    async handle(ctx, input) {
      const year = fiscalYear(input.year, settings.fiscalYearStartMonth);
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

  return { postEntry, reverseEntry, defineAccount, lockPeriod, unlockPeriod, hardLock, closeYear };
}
