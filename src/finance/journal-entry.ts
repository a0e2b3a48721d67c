import { z } from "zod";
import { BOUNDS, nonNegativeAmountSchema, rateSchema } from "../kernel/bounds.js";
import { isCurrencyCode, minorUnits } from "../kernel/currencies.js";
import { Decimal, type RoundingMode, canonicalDecimal, roundingOf } from "../kernel/decimal.js";
import { StorekeepError } from "../kernel/errors.js";
import { localDateSchema } from "../kernel/local-date.js";
import type { JsonObject } from "../ports/storage.js";
import { ACCOUNT_CODE, accountCodeSchema } from "./accounts.js";
import { fastNonNegativeAmount, isCalendarDate, isPlainWith, withFastParse } from "../kernel/fast-parse.js";
import { type EntryDomain, entryDomainSchema } from "./periods.js";
import { type PostingLine, decimalToUnits, toUnits, unitsToString } from "./posting-kernel.js";
import { strictInput } from "../kernel/strict-input.js";

/*
 * Journal entries: the input a caller gives, the stored (immutable) form, and the
 * conversion of input lines into kernel lines.
 */

const currencySchema = z.string().refine(isCurrencyCode, { message: "must be an ISO 4217 currency code such as \"EUR\"" });

/**
 * One line of a journal entry as a caller writes it: `debit` or `credit` (exactly one) in
 * the line's transaction `currency` (default: the functional currency). A line in another
 * currency gives its `rate` (functional = amount × rate, rounded to the minor unit), its
 * `functional` amount, or both; with neither, the rate provider's rate for the entry date
 * is used. A realised-exchange or rounding line gives `functional` only with `debit`/`credit`
 * "0" on a foreign-currency account.
 *
 * @example
 * ```ts
 * const line: JournalLineInput = { account: "1100", debit: "110.00", currency: "USD", rate: "0.9" };
 * ```
 */
export interface JournalLineInput {
  readonly account: string;
  readonly debit?: string | number;
  readonly credit?: string | number;
  readonly currency?: string;
  readonly rate?: string | number;
  readonly functional?: string | number;
  readonly memo?: string;
}

/**
 * The boundary schema of a journal line.
 *
 * @example
 * ```ts
 * journalLineSchema.parse({ account: "4100", credit: "100" });
 * ```
 */
export const journalLineSchema = strictInput({
  account: accountCodeSchema,
  debit: nonNegativeAmountSchema.optional(),
  credit: nonNegativeAmountSchema.optional(),
  currency: currencySchema.optional(),
  rate: rateSchema.optional(),
  functional: nonNegativeAmountSchema.optional(),
  memo: z.string().max(500).optional(),
})
  .superRefine((line, ctx) => {
    if ((line.debit === undefined) === (line.credit === undefined)) {
      ctx.addIssue({ code: "custom", path: ["debit"], message: "give exactly one of debit or credit" });
    }
  });

/**
 * A journal entry as a caller posts it. `key` makes posting idempotent: the same key with
 * the same entry returns the first entry; with another entry it fails with
 * `IDEMPOTENCY_MISMATCH`. `domain` says which period lock applies (default `general`,
 * refused when any domain is locked for the date).
 *
 * @example
 * ```ts
 * const entry: JournalEntryInput = {
 *   date: "2026-03-02", memo: "Owner's deposit", key: "deposit-1",
 *   lines: [{ account: "1100", debit: "5000" }, { account: "3100", credit: "5000" }],
 * };
 * ```
 */
export interface JournalEntryInput {
  readonly date: string;
  readonly lines: readonly JournalLineInput[];
  readonly memo?: string;
  readonly key?: string;
  readonly domain?: EntryDomain;
}

/**
 * The boundary schema of a journal entry (2 to `BOUNDS.lines` lines).
 *
 * @example
 * ```ts
 * journalEntrySchema.parse({ date: "2026-03-02", lines: [{ account: "1100", debit: "1" }, { account: "3100", credit: "1" }] });
 * ```
 */
export const journalEntrySchema = withFastParse(
  strictInput({
    date: localDateSchema,
    lines: z.array(journalLineSchema).min(2).max(BOUNDS.lines),
    memo: z.string().max(500).optional(),
    key: z.string().min(1).max(200).optional(),
    domain: entryDomainSchema.optional(),
  }),
  fastJournalEntry,
);

const ENTRY_KEYS: ReadonlySet<string> = new Set(["date", "lines", "memo", "key", "domain"]);
const LINE_KEYS: ReadonlySet<string> = new Set(["account", "debit", "credit", "memo"]);
const DOMAINS: ReadonlySet<unknown> = new Set(entryDomainSchema.options);

/**
 * The fast path of {@link journalEntrySchema} (src/kernel/fast-parse.ts): an entry of
 * functional-currency lines with string amounts, read without zod; anything else (another
 * currency, a rate, a number, a missing or extra field, an error) is left to the schema.
 */
function fastJournalEntry(input: unknown): unknown {
  if (!isPlainWith(input, ENTRY_KEYS)) return undefined;
  const { date, lines, memo, key, domain } = input;
  if (!isCalendarDate(date) || !Array.isArray(lines) || lines.length < 2 || lines.length > BOUNDS.lines) return undefined;
  const out: { date: string; lines: unknown[]; memo?: string; key?: string; domain?: string } = { date, lines: new Array(lines.length) };
  for (let i = 0; i < lines.length; i++) {
    const line: unknown = lines[i];
    if (!isPlainWith(line, LINE_KEYS)) return undefined;
    const { account, debit, credit, memo: lineMemo } = line;
    if (typeof account !== "string" || !ACCOUNT_CODE.test(account)) return undefined;
    const parsed: { account: string; debit?: Decimal; credit?: Decimal; memo?: string } = { account };
    if ("debit" in line) {
      if ("credit" in line) return undefined;
      const amount = fastNonNegativeAmount(debit);
      if (amount === undefined) return undefined;
      parsed.debit = amount;
    } else {
      const amount = fastNonNegativeAmount(credit);
      if (amount === undefined) return undefined;
      parsed.credit = amount;
    }
    if ("memo" in line) {
      if (typeof lineMemo !== "string" || lineMemo.length > 500) return undefined;
      parsed.memo = lineMemo;
    }
    out.lines[i] = parsed;
  }
  if ("memo" in input) {
    if (typeof memo !== "string" || memo.length > 500) return undefined;
    out.memo = memo;
  }
  if ("key" in input) {
    if (typeof key !== "string" || key.length < 1 || key.length > 200) return undefined;
    out.key = key;
  }
  if ("domain" in input) {
    if (!DOMAINS.has(domain)) return undefined;
    out.domain = domain as string;
  }
  return out;
}

/**
 * A parsed journal entry input (amounts as Decimals).
 *
 * @example
 * ```ts
 * const parsed: ParsedJournalEntry = journalEntrySchema.parse(input);
 * ```
 */
export type ParsedJournalEntry = z.output<typeof journalEntrySchema>;
/**
 * A parsed journal line input (amounts as Decimals).
 *
 * @example
 * ```ts
 * const line: ParsedJournalLine = journalLineSchema.parse({ account: "1100", debit: "5" });
 * ```
 */
export type ParsedJournalLine = z.output<typeof journalLineSchema>;

/**
 * Where an entry came from: the event a posting rule posted, or the command a person ran.
 *
 * @example
 * ```ts
 * const source: EntrySource = { kind: "event", eventId: "evt_1", eventType: "StockIssued", aggregateType: "sku", aggregateId: "MUG" };
 * ```
 */
export type EntrySource =
  | { readonly kind: "event"; readonly eventId: string; readonly eventType: string; readonly aggregateType: string; readonly aggregateId: string }
  | { readonly kind: "command"; readonly commandId: string; readonly commandName: string };

/**
 * What kind of entry: a standard posting, a reversal, an opening balance, a year-end close.
 *
 * @example
 * ```ts
 * const kind: EntryKind = "closing";
 * ```
 */
export type EntryKind = "standard" | "reversal" | "opening" | "closing";

/**
 * A stored journal line: decimal strings, debit positive. `rate` is null for a line in the
 * functional currency.
 *
 * @example
 * ```ts
 * const line: JournalLine = { account: "1100", currency: "USD", amount: "110", functional: "100", rate: "0.909090909091" };
 * ```
 */
export interface JournalLine {
  readonly account: string;
  readonly currency: string;
  readonly amount: string;
  readonly functional: string;
  readonly rate: string | null;
  readonly memo?: string;
}

/**
 * A posted journal entry: immutable. `date` is the effective (business) date,
 * `recordedAt` the instant it was recorded.
 *
 * @example
 * ```ts
 * const entry = await sk.finance.entry("je_1");
 * entry?.lines.length;
 * ```
 */
export interface JournalEntry {
  readonly entryId: string;
  readonly key: string | null;
  readonly date: string;
  readonly recordedAt: string;
  readonly domain: EntryDomain;
  readonly kind: EntryKind;
  readonly memo: string | null;
  readonly source: EntrySource;
  readonly reversalOf: string | null;
  readonly functionalCurrency: string;
  readonly lines: readonly JournalLine[];
  /** The entry's place in the ledger's chain (zero-padded, from `000000000001`). */
  readonly sequence: string;
  /** The hash of the entry before it in the chain (the genesis hash for the first). */
  readonly previousHash: string;
  /** SHA-256 of `previousHash` and this entry's content: see `verifyJournal`. */
  readonly hash: string;
}

/**
 * Converts parsed input lines into kernel lines and stored lines. `rates` gives the rate
 * per foreign currency for lines with neither rate nor functional amount. Amounts must be
 * whole minor units of their currency (`VALIDATION_FAILED` otherwise).
 *
 * @example
 * ```ts
 * const { kernel, stored } = resolveLines(parsed.lines, "EUR", "half-even", new Map());
 * ```
 */
export function resolveLines(
  lines: readonly ParsedJournalLine[],
  functionalCurrency: string,
  rounding: RoundingMode,
  rates: ReadonlyMap<string, Decimal>,
): { kernel: PostingLine[]; stored: JournalLine[] } {
  const kernel: PostingLine[] = [];
  const stored: JournalLine[] = [];
  const issues: { path: string; message: string; code: string }[] = [];
  const functionalPlaces = minorUnits(functionalCurrency);
  lines.forEach((line, index) => {
    const currency = line.currency ?? functionalCurrency;
    const sign = line.debit !== undefined ? 1 : -1;
    const amount = (line.debit ?? line.credit) as Decimal;
    if (amount.decimalPlaces() > minorUnits(currency)) {
      issues.push({ path: `lines[${index}]`, message: `amount ${canonicalDecimal(amount)} has more decimals than ${currency} allows (${minorUnits(currency)}): round it`, code: "custom" });
      return;
    }
    let functional: Decimal;
    let rate: Decimal | null = null;
    if (currency === functionalCurrency) {
      if (line.functional !== undefined && !line.functional.eq(amount)) {
        issues.push({ path: `lines[${index}].functional`, message: `must equal the amount for a line in the functional currency ${functionalCurrency}`, code: "custom" });
        return;
      }
      functional = amount;
    } else if (line.functional !== undefined) {
      functional = line.functional;
      rate = line.rate ?? (amount.isZero() ? null : functional.dividedBy(amount).toDecimalPlaces(12, roundingOf(rounding)));
    } else {
      const r = line.rate ?? rates.get(currency);
      if (r === undefined) {
        issues.push({ path: `lines[${index}].rate`, message: `no rate from ${currency} to ${functionalCurrency}: give rate or functional`, code: "custom" });
        return;
      }
      rate = r;
      functional = amount.times(r).toDecimalPlaces(functionalPlaces, roundingOf(rounding));
    }
    if (functional.decimalPlaces() > functionalPlaces) {
      issues.push({ path: `lines[${index}].functional`, message: `has more decimals than ${functionalCurrency} allows (${functionalPlaces}): round it`, code: "custom" });
      return;
    }
    const amountUnits = decimalToUnits(amount) * BigInt(sign);
    const functionalUnits = decimalToUnits(functional) * BigInt(sign);
    kernel.push({ account: line.account, currency, amount: amountUnits, functional: functionalUnits });
    stored.push({
      account: line.account,
      currency,
      amount: unitsToString(amountUnits),
      functional: unitsToString(functionalUnits),
      rate: rate === null ? null : canonicalDecimal(rate),
      ...(line.memo === undefined ? {} : { memo: line.memo }),
    });
  });
  if (issues.length > 0) {
    throw new StorekeepError("VALIDATION_FAILED", `Invalid journal entry: ${issues.map((i) => `${i.path}: ${i.message}`).join("; ")}.`, { issues });
  }
  return { kernel, stored };
}

/**
 * Stored lines back in kernel form.
 *
 * @example
 * ```ts
 * const kernel = kernelLinesOf(entry.lines);
 * ```
 */
export function kernelLinesOf(lines: readonly JournalLine[]): PostingLine[] {
  return lines.map((l) => ({ account: l.account, currency: l.currency, amount: toUnits(l.amount), functional: toUnits(l.functional) }));
}

/**
 * Kernel lines as stored lines (rates: given per line, null when functional).
 *
 * @example
 * ```ts
 * storedLinesOf([{ account: "1100", currency: "EUR", amount: 1000000n, functional: 1000000n }], "EUR");
 * ```
 */
export function storedLinesOf(lines: readonly (PostingLine & { readonly rate?: string; readonly memo?: string })[], functionalCurrency: string): JournalLine[] {
  return lines.map((l) => ({
    account: l.account,
    currency: l.currency,
    amount: unitsToString(l.amount),
    functional: unitsToString(l.functional),
    rate: l.currency === functionalCurrency ? null : (l.rate ?? null),
    ...(l.memo === undefined ? {} : { memo: l.memo }),
  }));
}

/**
 * An entry as a JSON object for the document store.
 *
 * @example
 * ```ts
 * await tx.documents.put(ENTRIES, entry.entryId, entryToJson(entry), 0);
 * ```
 */
export function entryToJson(entry: JournalEntry): JsonObject {
  // A JournalEntry holds only JSON values (built by storedLinesOf and postDraft).
  return entry as unknown as JsonObject;
}
