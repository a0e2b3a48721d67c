import type { Decimal } from "../kernel/decimal.js";
import { StorekeepError } from "../kernel/errors.js";
import { type CommandContext, nowIsoOf } from "../runner/command.js";
import { checkFutureHorizon } from "../runner/config.js";
import { resolveAccounts } from "./account-registry.js";
import { type EntryKind, type EntrySource, type JournalEntry, type ParsedJournalEntry, storedLinesOf } from "./journal-entry.js";
import { chainEntry } from "./journal-chain.js";
import { FINANCE_STORE, flushPostings, postingBatch, writeEntry } from "./ledger-store.js";
import { type EntryDomain, OPEN_PERIODS, checkPeriodOpen, readPeriodLocksForPosting } from "./periods.js";
import { checkEntryBalanced } from "./posting-kernel.js";
import type { RuleLine } from "./posting-rules.js";
import type { FinanceSettings } from "./settings.js";

/*
 * The one posting path: the finance commands, the posting rules' reactions and opening
 * balances all post through {@link postDraft}, which checks accounts, locks and balance.
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
  // A command's postings gather their lines, balance deltas and chain head into one batch written before it commits.
  const batch = postingBatch(ctx);
  const entry: JournalEntry = await chainEntry(ctx.tx, {
    entryId: ctx.ids.next("je"),
    key: draft.key,
    date: draft.date,
    recordedAt: nowIsoOf(ctx),
    domain: draft.domain,
    kind: draft.kind,
    memo: draft.memo,
    source: draft.source,
    reversalOf: draft.reversalOf,
    functionalCurrency,
    lines: storedLinesOf(draft.lines, functionalCurrency),
  }, ctx.digest, batch);
  await writeEntry(ctx.tx, entry, draft.lines, draft.keyHash, batch);
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
  await flushPostings(ctx.tx);
  const entry = await ctx.tx.documents.get(FINANCE_STORE.entries, doc.data.entryId);
  return entry?.data as unknown as JournalEntry;
}

/** The source of an entry a command posts directly. */
export function commandSource(ctx: CommandContext): EntrySource {
  return { kind: "command", commandId: ctx.commandId, commandName: ctx.commandName };
}

/** Rates for the foreign-currency lines of an entry that give neither a rate nor a functional amount. */
export async function ratesFor(ctx: CommandContext, parsed: ParsedJournalEntry): Promise<Map<string, Decimal>> {
  const rates = new Map<string, Decimal>();
  for (const line of parsed.lines) {
    const currency = line.currency ?? ctx.config.functionalCurrency;
    if (currency === ctx.config.functionalCurrency || line.rate !== undefined || line.functional !== undefined || rates.has(currency)) continue;
    const rate = await ctx.rates.rate(currency, ctx.config.functionalCurrency, parsed.date);
    if (rate !== undefined) rates.set(currency, rate);
  }
  return rates;
}

