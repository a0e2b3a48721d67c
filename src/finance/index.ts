import { StorekeepError, parseWith } from "../kernel/errors.js";
import { type DunningNotice, type DunningRun, dunningNoticesOf, dunningNoticesSchema } from "./dunning.js";
import { hardenApi } from "../kernel/boundary.js";
import { FINANCE_SHAPES } from "./api-shapes.js";
import type { Json } from "../ports/storage.js";
import type { ExecuteOptions, ModuleDefinition } from "../runner/command.js";
import type { Runtime } from "../runner/runner.js";
import { loadChart } from "./account-registry.js";
import type { Account, AccountInput } from "./accounts.js";
import { type ExportOptions, entriesInRange, exportCsv, exportHledger } from "./export.js";
import { financeCommands } from "./commands.js";
import type { JournalEntry, JournalEntryInput } from "./journal-entry.js";
import { FINANCE_STORE, financeRegistry } from "./ledger-store.js";
import { type OpeningBalancesInput, openingBalancesCommand } from "./opening-balances.js";
import { type EntryDomain, type PeriodLockState, type PostingDomain, financePeriodLocks, isPeriodOpen, readPeriodLocks } from "./periods.js";
import { financeReactions } from "./reactions.js";
import type { AgingOptions, AgingTable } from "./aging.js";
import { type JournalVerification, verifyJournal } from "./journal-chain.js";
import type { OpenItem, OpenItemLedger } from "./open-items.js";
import { type StatementOfAccount, type SubledgerCheck, agingReport, auditSubledgers, parseOpenItemOptions, readOpenItems, statementOfAccount } from "./open-item-reports.js";
import {
  type BalanceSheet,
  type Comparison,
  type GeneralLedger,
  type IncomeStatement,
  type ReportOptions,
  type TrialBalance,
  balanceSheet,
  generalLedger,
  incomeStatement,
  trialBalance,
} from "./reports.js";
import { type FinanceOptions, resolveFinanceOptions } from "./settings.js";
import { type TaxReport, taxRecordsReaction, taxReport } from "./tax/index.js";
import type { Revaluation } from "./revalue.js";
import type { WriteOff, WriteOffInput } from "./write-off.js";
import type { Allocation, AllocationInput } from "./allocate-credit.js";
import { type CashFlowOptions, type CashFlowStatement, cashFlowStatement } from "./cash-flow.js";

export * from "./accounts.js";
export * from "./chart.js";
export * from "./journal-entry.js";
export * from "./posting-kernel.js";
export * from "./posting-rules.js";
export * from "./periods.js";
export * from "./reports.js";
export * from "./export.js";
export * from "./settings.js";
export * from "./tax/index.js";
export * from "./cash-flow.js";
export { type Revaluation, type RevaluationRow, revalueCommand } from "./revalue.js";
export { type WriteOff, type WriteOffInput, writeOffCommand } from "./write-off.js";
export { type Allocation, type AllocationInput, allocateCreditCommand } from "./allocate-credit.js";
export { creditAllocatedSchema, dunningNoticeIssuedSchema, financeEventDefinitions, openItemWriteOffUndoneSchema, openItemWrittenOffSchema } from "./events.js";
export { DEFAULT_DUNNING_LEVELS, dunningInterest, nextDunningLevel, resolveDunning } from "./dunning.js";
export type { DunningInterest, DunningItem, DunningLevel, DunningNotice, DunningOptions, DunningRun, DunningSettings } from "./dunning.js";
export * from "./cash-accounts.js";
export * from "./conversion-rounding.js";
export * from "./entry-controls.js";
export * from "./open-items.js";
export * from "./aging.js";
export * from "./journal-chain.js";
export * from "./numbering/index.js";
export { OPEN_ITEMS_COLLECTION, openItemId, trackOpenItems } from "./open-item-tracking.js";
export { type AccountStatementLine, type StatementOfAccount, type SubledgerCheck, agingReport, auditSubledgers, readOpenItems, statementOfAccount, OPEN_ITEM_SCHEMAS, parseOpenItemOptions } from "./open-item-reports.js";
export { FINANCE_STORE, financeRegistry, readBalances, lineSortKey, splitBalanceKey } from "./ledger-store.js";
export type { BalanceTotals, LedgerLine } from "./ledger-store.js";
export { parseTrialBalanceCsv, openingBalancesCommand } from "./opening-balances.js";
export type { OpeningBalanceRow, OpeningBalancesInput } from "./opening-balances.js";
export { financeCommands } from "./commands.js";
export { postDraft } from "./post-draft.js";
export type { EntryDraft } from "./post-draft.js";
export { financeReactions } from "./reactions.js";
export { loadChart, resolveAccounts } from "./account-registry.js";

/**
 * The finance module: what it stores and its posting reaction. Give the same options to
 * {@link createFinanceApi}.
 *
 * @example
 * ```ts
 * const options: FinanceOptions = { accountMap: { "payment-fees": "6100" } };
 * const sk = createStorekeep({ modules: [financeModule(options)] });
 * const finance = createFinanceApi(sk.runtime, options);
 * ```
 */
export function financeModule(options: FinanceOptions = {}): ModuleDefinition {
  const settings = resolveFinanceOptions(options);
  return { name: "finance", registry: financeRegistry(), reactions: [...financeReactions(settings), taxRecordsReaction(settings)], periodLocks: financePeriodLocks };
}

/**
 * The result of a year-end close.
 *
 * @example
 * ```ts
 * const closed: YearEndClose = await sk.finance.closeYear({ year: 2026 });
 * ```
 */
export interface YearEndClose {
  readonly year: number;
  readonly start: string;
  readonly end: string;
  readonly entryId: string | null;
  readonly netIncome: string;
  readonly retainedEarningsAccount: string;
}

/**
 * The finance namespace (`sk.finance`): post and reverse entries, define accounts, lock
 * and close periods, import opening balances, read reports, export the journal.
 *
 * @example
 * ```ts
 * const finance = createFinanceApi(runtime);
 * await finance.postEntry({ date: "2026-03-02", lines: [{ account: "1100", debit: "5000" }, { account: "3100", credit: "5000" }] });
 * const tb = await finance.trialBalance({ asOf: "2026-03-31" });
 * ```
 */
export interface FinanceApi {
  /** Posts a balanced journal entry (idempotent by `key`). */
  postEntry(entry: JournalEntryInput, options?: ExecuteOptions): Promise<JournalEntry>;
  /** Reverses an entry on `date` (default today); an entry is reversed once. A write-off's entry reversed undoes the write-off on its open item (its VAT relief owed again). */
  reverseEntry(input: { entryId: string; date?: string; memo?: string }, options?: ExecuteOptions): Promise<JournalEntry>;
  /** Adds an account to the chart at run time. */
  defineAccount(account: AccountInput, options?: ExecuteOptions): Promise<Account>;
  /** Every account: the configured chart and the accounts defined at run time. */
  accounts(): Promise<readonly Account[]>;
  /** One entry by id. */
  entry(entryId: string): Promise<JournalEntry | undefined>;
  /** Soft-locks domains (default all) through a date or the end of a period. */
  lockPeriod(input: { through?: string; period?: string; domains?: readonly PostingDomain[] }, options?: ExecuteOptions): Promise<PeriodLockState>;
  /** Soft-locks every domain through the end of a period (`YYYY-MM`). */
  closePeriod(period: string, options?: ExecuteOptions): Promise<PeriodLockState>;
  /** Moves a domain's soft lock back to `through` (null: fully open); a hard lock stays. */
  unlock(input: { domain: PostingDomain; through?: string | null }, options?: ExecuteOptions): Promise<PeriodLockState>;
  /** Hard-locks the books through a date or period; never lifted. */
  hardLock(input: { through?: string; period?: string }, options?: ExecuteOptions): Promise<PeriodLockState>;
  /** The lock state. */
  periodLocks(): Promise<PeriodLockState>;
  /** True when a posting of `domain` may be dated `date`. */
  isPeriodOpen(domain: EntryDomain, date: string): Promise<boolean>;
  /** Closes a fiscal year: its result to retained earnings, every domain soft-locked through its end. */
  closeYear(input: { year: number }, options?: ExecuteOptions): Promise<YearEndClose>;
  /** Unrealised exchange differences of open foreign items and foreign cash at the rate on `date`, reversed the next day; a second run for a date is a replay. @example `await sk.finance.revalue({ date: "2026-03-31" })` */
  revalue(input: { date: string }, options?: ExecuteOptions): Promise<Revaluation>;
  /** Writes off (part of) an open item: a small difference within `writeOffs.tolerance`, or a customer's bad debt — with `taxRelief`, taking back the output tax it contains (VAT relief on bad debts). @example `await sk.finance.writeOff({ ledger: "receivables", documentId: "inv_1", reason: "bad-debt", date: "2026-06-30", taxRelief: true })` */
  writeOff(input: WriteOffInput, options?: ExecuteOptions): Promise<WriteOff>;
  /** Applies an open credit (over-payment, credit note, supplier advance) to open documents of the same party and currency, realising any exchange difference; emits `CreditAllocated` (the credit, what each document took, and on receivables the sales order of each). @example `await sk.finance.allocate({ ledger: "receivables", creditId: "pay_1", documentIds: ["inv_1"], date: "2026-03-31" })` */
  allocate(input: AllocationInput, options?: ExecuteOptions): Promise<Allocation>;
  /** Imports an opening trial balance (rows or CSV), agreeing with opening stock on Inventory. */
  /** Payment reminders for overdue invoices: raises each invoice one level when it is overdue long enough (finance option `dunning.levels`, default 7, 21 and 35 days) and issues one notice per customer and currency listing everything overdue (`DunningNoticeIssued`); customers whose credits on account cover what is overdue are listed apart. Idempotent under `runId` (default `dun_<asOf>`). @example `const run = await sk.finance.runDunning({ asOf: "2026-03-31" })` */
  runDunning(input: { asOf: string; runId?: string }, options?: ExecuteOptions): Promise<DunningRun>;
  /** The dunning notices issued (to one customer with `party`), oldest first, optionally from and to a date. @example `await sk.finance.dunningNotices({ party: "cus_1" })` */
  dunningNotices(query?: { party?: string; from?: string; to?: string }): Promise<DunningNotice[]>;
  importOpeningBalances(input: OpeningBalancesInput, options?: ExecuteOptions): Promise<JournalEntry & { inventoryAgreed: string }>;
  /** A trial balance as of a date or for a period, with optional comparison columns. */
  trialBalance(options: ReportOptions): Promise<TrialBalance>;
  /** A balance sheet as of a date. */
  balanceSheet(options: { asOf: string; compare?: readonly Comparison[]; includeZero?: boolean }): Promise<BalanceSheet>;
  /** An income statement for a period. */
  incomeStatement(options: { from: string; to: string; compare?: readonly Comparison[]; includeZero?: boolean }): Promise<IncomeStatement>;
  /** One account's lines with a running balance. */
  generalLedger(options: { account: string; from: string; to: string; limit?: number }): Promise<GeneralLedger>;
  /** The entries in effective-date order (at most `limit`, default 10,000). */
  journal(options?: ExportOptions & { limit?: number }): Promise<JournalEntry[]>;
  /** The VAT return figures for a period: tax per jurisdiction, code, rate and direction, reconciled to the tax accounts. */
  taxReport(options: { from: string; to: string }): Promise<TaxReport>;
  /** The cash flow statement for a period, indirect and direct, tied to the change in cash. @example `await sk.finance.cashFlow({ from: "2026-01-01", to: "2026-03-31" })` */
  cashFlow(options: CashFlowOptions): Promise<CashFlowStatement>;
  /** The journal in hledger's format. */
  exportHledger(options?: ExportOptions): Promise<string>;
  /** The journal as CSV, one row per line. */
  exportCsv(options?: ExportOptions): Promise<string>;
  /** Open items of the receivables or payables subledger (one party's; `openOnly`: with something open). */
  openItems(options: { ledger: OpenItemLedger; party?: string; openOnly?: boolean }): Promise<OpenItem[]>;
  /** Aging of a subledger as of any date, in configurable buckets of days past due. */
  aging(options: AgingOptions): Promise<AgingTable>;
  /** A statement of account: one party's documents and settlements in one currency. */
  statement(options: { ledger: OpenItemLedger; party: string; currency: string; from: string; to: string }): Promise<StatementOfAccount>;
  /** Each subledger against its control account as of a date. */
  auditSubledgers(options: { asOf: string }): Promise<SubledgerCheck[]>;
  /** Verifies the journal's hash chain: finds edited, deleted or reordered entries (`lines: true`: the lines log too). */
  verifyJournal(options?: { lines?: boolean; onProgress?: (progress: { done: number; total: number }) => void }): Promise<JournalVerification>;
}

/**
 * Builds the finance namespace over a runtime that includes {@link financeModule} with the
 * same options.
 *
 * @example
 * ```ts
 * const sk = createStorekeep({ modules: [financeModule()] });
 * const finance = createFinanceApi(sk.runtime);
 * const bs = await finance.balanceSheet({ asOf: "2026-12-31" });
 * ```
 */
export function createFinanceApi(runtime: Runtime, options: FinanceOptions = {}): FinanceApi {
  const settings = resolveFinanceOptions(options);
  const commands = financeCommands(settings);
  const opening = openingBalancesCommand(settings);
  const currency = runtime.config.functionalCurrency;
  const run = async <T>(command: Parameters<Runtime["execute"]>[0], input: unknown, execOptions?: ExecuteOptions): Promise<T> =>
    (await runtime.execute(command, input, execOptions)) as Json as T;
  const api: FinanceApi = {
    postEntry: (entry, o) => run(commands.postEntry, entry, o),
    reverseEntry: (input, o) => run(commands.reverseEntry, input, o),
    defineAccount: (account, o) => run(commands.defineAccount, account, o),
    accounts: () => runtime.read(async (tx) => (await loadChart(tx, settings)).accounts),
    entry: (entryId) => runtime.read(async (tx) => (await tx.documents.get(FINANCE_STORE.entries, entryId))?.data as unknown as JournalEntry | undefined),
    lockPeriod: (input, o) => run(commands.lockPeriod, input, o),
    closePeriod: (period, o) => run(commands.lockPeriod, { period }, o),
    unlock: (input, o) => run(commands.unlockPeriod, input, o),
    hardLock: (input, o) => run(commands.hardLock, input, o),
    periodLocks: () => runtime.read((tx) => readPeriodLocks(tx)),
    isPeriodOpen: (domain, date) => runtime.read(async (tx) => isPeriodOpen(await readPeriodLocks(tx), domain, date)),
    closeYear: (input, o) => run(commands.closeYear, input, o),
    revalue: (input, o) => run(commands.revalue, input, o) as unknown as Promise<Revaluation>,
    writeOff: (input, o) => run(commands.writeOff, input, o) as unknown as Promise<WriteOff>,
    allocate: (input, o) => run(commands.allocate, input, o) as unknown as Promise<Allocation>,
    runDunning: (input, o) => run(commands.runDunning, input, o) as unknown as Promise<DunningRun>,
    dunningNotices: (q = {}) => runtime.read((tx) => dunningNoticesOf(tx, parseWith(dunningNoticesSchema, q, "finance.dunningNotices query"))),
    importOpeningBalances: (input, o) => run(opening, input, o),
    trialBalance: (o) => runtime.read((tx) => trialBalance(tx, settings, currency, o)),
    balanceSheet: (o) => runtime.read((tx) => balanceSheet(tx, settings, currency, o)),
    incomeStatement: (o) => runtime.read((tx) => incomeStatement(tx, settings, currency, o)),
    generalLedger: (o) => runtime.read((tx) => generalLedger(tx, settings, o)),
    journal: (o = {}) =>
      runtime.read(async (tx) => {
        const out: JournalEntry[] = [];
        const limit = o.limit ?? 10_000;
        const range = { ...(o.from === undefined ? {} : { from: o.from }), ...(o.to === undefined ? {} : { to: o.to }) };
        for await (const entry of entriesInRange(tx, range)) {
          if (out.length >= limit) break;
          out.push(entry);
        }
        return out;
      }),
    taxReport: (o) => runtime.read((tx) => taxReport(tx, currency, o)),
    cashFlow: (o) => runtime.read((tx) => cashFlowStatement(tx, settings, currency, o)),
    exportHledger: (o = {}) => runtime.read((tx) => exportHledger(tx, settings, o)),
    exportCsv: (o = {}) => runtime.read((tx) => exportCsv(tx, settings, o)),
    openItems: (o) =>
      runtime.read(async (tx) => {
        const parsed = parseOpenItemOptions("openItems", o);
        const out: OpenItem[] = [];
        for await (const item of readOpenItems(tx, parsed.ledger, parsed.party === undefined ? {} : { party: parsed.party })) {
          if (parsed.openOnly !== true || item.openAmount !== "0" || item.openFunctional !== "0") out.push(item);
        }
        return out;
      }),
    aging: (o) => runtime.read((tx) => agingReport(tx, parseOpenItemOptions("aging", o) as AgingOptions)),
    statement: (o) => runtime.read((tx) => statementOfAccount(tx, parseOpenItemOptions("statement", o))),
    auditSubledgers: (o) => runtime.read((tx) => auditSubledgers(tx, settings, parseOpenItemOptions("audit", o).asOf)),
    verifyJournal: async (o = {}) => {
      if (o.onProgress !== undefined && typeof o.onProgress !== "function") throw new StorekeepError("VALIDATION_FAILED", "verifyJournal onProgress must be a function.", { issues: [{ path: "onProgress", message: "must be a function", code: "custom" }] });
      return runtime.read((tx) => verifyJournal(tx, { lines: o.lines === true, onProgress: o.onProgress, digest: runtime.digest }));
    },
  };
  return hardenApi(api, "finance", FINANCE_SHAPES);
}
