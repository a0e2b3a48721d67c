import { handOver } from "../kernel/hand-over.js";
import { NUMBER_SERIES } from "./numbering/number-series.js";
import { Decimal } from "../kernel/decimal.js";
import { addDays } from "../kernel/local-date.js";
import type { BalanceDelta, JsonObject, LogAppend, StoreRegistry, Transaction } from "../ports/storage.js";
import { insertDocuments } from "../runner/batch-documents.js";
import type { JournalEntry } from "./journal-entry.js";
import { PERIOD_LOCKS_COLLECTION, firstOfNextMonth, periodOf } from "./periods.js";
import { type PostingLine, internedBalanceKey, unitsToDecimal } from "./posting-kernel.js";

/*
 * How the ledger lies in the store.
 *
 * - `finance.entries`: one immutable document per entry (index `byDate` on the effective
 *   date, for exports); `finance.entry-keys`: entry key → entry id (idempotency);
 *   `finance.reversals`: original entry id → reversal entry id (a create-only document,
 *   so an entry is never reversed twice).
 * - `finance.lines`: every line, stream = account code, sort key
 *   `date|entryId|lineNo` — an account's lines in a period are one range read.
 * - Balances, key `account|currency`, fields debit/credit (functional), amount
 *   (transaction currency, signed), closing (functional, signed, year-end closing lines
 *   only), in two families: `finance.balances` bucketed by month (`YYYY-MM`) and
 *   `finance.daily-balances` bucketed by day. A balance for any date range reads whole
 *   months from the first and the partial months at its ends from the second, so a report
 *   reads at most one row per key and family, however many entries were posted.
 *   Posting only adds deltas: a hot account never serialises its writers.
 */

/**
 * The collection and family names of the finance module.
 *
 * @example
 * ```ts
 * FINANCE_STORE.entries; // "finance.entries"
 * ```
 */
export const FINANCE_STORE = Object.freeze({
  entries: "finance.entries",
  entryKeys: "finance.entry-keys",
  reversals: "finance.reversals",
  accounts: "finance.accounts",
  closings: "finance.closings",
  revaluations: "finance.revaluations",
  locks: PERIOD_LOCKS_COLLECTION,
  lines: "finance.lines",
  openItems: "finance.open-items",
  prepayments: "finance.prepayments",
  chain: "finance.chain",
  monthlyBalances: "finance.balances",
  dailyBalances: "finance.daily-balances",
  taxRecords: "finance.tax-records",
  writeOffs: "finance.write-offs",
  dunning: "finance.dunning",
  dunningNotices: "finance.dunning-notices",
  dunningRuns: "finance.dunning-runs",
});

const BALANCE_FIELDS = ["debit", "credit", "amount", "closing"] as const;

/**
 * What the finance module stores, for the adapter's `migrate()`.
 *
 * @example
 * ```ts
 * await store.migrate({ collections: [], logs: [], balances: [], counters: [], ...financeRegistry() });
 * ```
 */
export function financeRegistry(): Partial<StoreRegistry> {
  return {
    collections: [
      { name: FINANCE_STORE.entries, indexes: { byDate: { fields: ["date"] }, bySequence: { fields: ["sequence"] } } },
      { name: FINANCE_STORE.chain },
      { name: FINANCE_STORE.entryKeys },
      { name: FINANCE_STORE.reversals },
      { name: FINANCE_STORE.accounts, indexes: { byCode: { fields: ["code"] } } },
      { name: FINANCE_STORE.closings },
      { name: FINANCE_STORE.revaluations },
      { name: FINANCE_STORE.prepayments },
      { name: FINANCE_STORE.locks },
      { name: FINANCE_STORE.openItems, indexes: { byParty: { fields: ["ledger", "party", "date"] } } },
      { name: FINANCE_STORE.writeOffs },
      { name: FINANCE_STORE.dunning },
      { name: FINANCE_STORE.dunningNotices, indexes: { byParty: { fields: ["party", "asOf"] } } },
      { name: FINANCE_STORE.dunningRuns },
      { name: NUMBER_SERIES },
    ],
    logs: [
      { name: FINANCE_STORE.lines, sortKey: "effectiveDate|entryId|lineNo (stream: account code)" },
      { name: FINANCE_STORE.taxRecords, sortKey: "effectiveDate|eventId|n (stream: \"all\")" },
    ],
    balances: [
      { name: FINANCE_STORE.monthlyBalances, fields: BALANCE_FIELDS, bucket: "period YYYY-MM" },
      { name: FINANCE_STORE.dailyBalances, fields: BALANCE_FIELDS, bucket: "day YYYY-MM-DD" },
    ],
    counters: [],
  };
}

/**
 * A stored line as read from the lines log.
 *
 * @example
 * ```ts
 * const line: LedgerLine = { entryId: "je_1", lineNo: 0, date: "2026-03-02", account: "1100", currency: "EUR", amount: "5", functional: "5", rate: null, memo: null, kind: "standard" };
 * ```
 */
export interface LedgerLine {
  readonly entryId: string;
  readonly lineNo: number;
  readonly date: string;
  readonly account: string;
  readonly currency: string;
  readonly amount: string;
  readonly functional: string;
  readonly rate: string | null;
  readonly memo: string | null;
  readonly kind: string;
}

/**
 * The sort key of a line in its account's stream.
 *
 * @example
 * ```ts
 * lineSortKey("2026-03-02", "je_1", 0); // "2026-03-02|je_1|0000"
 * ```
 */
export function lineSortKey(date: string, entryId: string, lineNo: number): string {
  return `${date}|${entryId}|${String(lineNo).padStart(4, "0")}`;
}

/**
 * What a command's postings still have to write before it commits: every entry's lines,
 * the balance deltas summed per key and bucket, and the chain head. A command that posts
 * ten entries (a shipment's COGS, one per movement) then appends the lines once, adds each
 * balance once per family, inserts the entry documents in one call and writes the head once,
 * instead of ten times each. Entry keys are written at once, as before.
 */
export interface PendingPostings {
  /** The entry documents, inserted in one call (one statement on a SQL store). */
  readonly entries: { id: string; data: JsonObject }[];
  readonly lines: LogAppend[];
  /** `day\0key` → sums in kernel units (debit, credit, amount, closing) and whether a closing line was among them; the months are summed from them when written. */
  readonly daily: Map<string, BalanceCell>;
  /** The chain head as the postings left it; `version` is the stored head's (0: none yet). */
  head: { sequence: number; hash: string; version: number } | undefined;
  /** True when `head` moved since it was read. */
  headMoved: boolean;
}

interface BalanceCell {
  readonly key: string;
  readonly bucket: string;
  debit: bigint;
  credit: bigint;
  amount: bigint;
  closing: bigint;
  hasClosing: boolean;
}

const PENDING = new WeakMap<Transaction, PendingPostings>();

/**
 * The batch a command's postings gather into, opened (and its write registered to run
 * before the command commits) at the first posting. Undefined when the context cannot run
 * work before its commit (a context built by hand): then each posting writes at once.
 *
 * @example
 * ```ts
 * const batch = postingBatch(ctx);
 * ```
 */
export function postingBatch(ctx: { readonly tx: Transaction; readonly beforeCommit?: ((key: object, work: () => Promise<void>, abandon?: () => void) => void) | undefined }): PendingPostings | undefined {
  if (ctx.beforeCommit === undefined) return undefined;
  let pending = PENDING.get(ctx.tx);
  if (pending === undefined) {
    const batch: PendingPostings = { entries: [], lines: [], daily: new Map(), head: undefined, headMoved: false };
    const tx = ctx.tx;
    PENDING.set(tx, batch);
    // A command that fails drops what it gathered (a store may reuse the tx object for the retry).
    ctx.beforeCommit(batch, () => flushPostings(tx), () => {
      if (PENDING.get(tx) === batch) PENDING.delete(tx);
    });
    pending = batch;
  }
  return pending;
}

/**
 * Writes what the command's postings gathered (see {@link PendingPostings}). Everything
 * that reads the entries, the lines, the balances or the chain head inside a transaction
 * calls it first, so it reads what the transaction posted.
 *
 * @example
 * ```ts
 * await flushPostings(tx);
 * const balances = await readBalances(tx, { to: "2026-03-31" });
 * ```
 */
export async function flushPostings(tx: Transaction): Promise<void> {
  const pending = PENDING.get(tx);
  if (pending === undefined) return;
  PENDING.delete(tx);
  if (pending.entries.length > 0) await insertDocuments(tx, FINANCE_STORE.entries, pending.entries);
  if (pending.lines.length > 0) await tx.logs.append(FINANCE_STORE.lines, pending.lines);
  if (pending.daily.size > 0) await writeBalances(tx, pending.daily);
  const head = pending.head;
  if (head !== undefined && pending.headMoved) await tx.documents.put(FINANCE_STORE.chain, CHAIN_HEAD_ID, handOver({ sequence: head.sequence, hash: head.hash }), head.version);
}

/** The id of the chain head document in `finance.chain`. @example `CHAIN_HEAD_ID === "head"` */
export const CHAIN_HEAD_ID = "head";

/**
 * Adds the day cells to the daily family and their sums per month to the monthly one. A
 * month a key moved on one day only (every entry of a command is dated alike, as a rule)
 * shares that day's Decimals: they are immutable, and built once.
 */
async function writeBalances(tx: Transaction, daily: ReadonlyMap<string, BalanceCell>): Promise<void> {
  const days: BalanceDelta[] = [];
  const months = new Map<string, { cell: BalanceCell; amounts: Record<string, Decimal> | undefined }>();
  for (const cell of daily.values()) {
    const amounts = amountsOf(cell);
    days.push({ key: cell.key, bucket: cell.bucket, amounts });
    const month = periodOf(cell.bucket);
    const id = `${month}\u0000${cell.key}`;
    const m = months.get(id);
    if (m === undefined) months.set(id, { cell: { ...cell, bucket: month }, amounts });
    else {
      addCells(m.cell, cell);
      m.amounts = undefined;
    }
  }
  const perMonth: BalanceDelta[] = [];
  for (const { cell, amounts } of months.values()) perMonth.push({ key: cell.key, bucket: cell.bucket, amounts: amounts ?? amountsOf(cell) });
  await tx.balances.add(FINANCE_STORE.dailyBalances, days);
  await tx.balances.add(FINANCE_STORE.monthlyBalances, perMonth);
}

function addCells(into: BalanceCell, cell: BalanceCell): void {
  into.debit += cell.debit;
  into.credit += cell.credit;
  into.amount += cell.amount;
  into.closing += cell.closing;
  into.hasClosing ||= cell.hasClosing;
}

function amountsOf(cell: BalanceCell): Record<string, Decimal> {
  const debit = unitsToDecimal(cell.debit);
  const credit = unitsToDecimal(cell.credit);
  // A line in one direction moves `amount` by its debit: the same Decimal when it is the debit.
  const amount = cell.amount === cell.debit ? debit : unitsToDecimal(cell.amount);
  const fields: Record<string, Decimal> = { debit, credit, amount };
  if (cell.hasClosing) fields["closing"] = unitsToDecimal(cell.closing);
  return fields;
}

/**
 * Writes a validated entry: its document, its key, its lines and its balance deltas —
 * the document, lines and deltas into `batch` when given (written by {@link flushPostings}
 * before the command commits; the key at once). Nothing is read: a create-only put fails with `CONCURRENCY_CONFLICT` if
 * the id or key is taken.
 *
 * @example
 * ```ts
 * await writeEntry(tx, entry, kernelLines);
 * ```
 */
export async function writeEntry(tx: Transaction, entry: JournalEntry, kernel: readonly PostingLine[], keyHash?: string, batch?: PendingPostings): Promise<void> {
  // The entry is plain JSON already (strings, nulls, arrays, objects; no undefined fields),
  // built by postDraft and chainEntry for the store: handed over, not copied.
  if (batch !== undefined) batch.entries.push({ id: entry.entryId, data: handOver(entry) as unknown as JsonObject });
  else await tx.documents.put(FINANCE_STORE.entries, entry.entryId, handOver(entry) as unknown as JsonObject, 0);
  if (entry.key !== null) await tx.documents.put(FINANCE_STORE.entryKeys, entry.key, { entryId: entry.entryId, hash: keyHash ?? null }, 0);
  const lines: LogAppend[] = entry.lines.map((line, lineNo) => ({
    stream: line.account,
    sortKey: lineSortKey(entry.date, entry.entryId, lineNo),
    data: handOver({
      entryId: entry.entryId,
      lineNo,
      date: entry.date,
      account: line.account,
      currency: line.currency,
      amount: line.amount,
      functional: line.functional,
      rate: line.rate,
      memo: line.memo ?? entry.memo,
      kind: entry.kind,
    }),
  }));
  const closing = entry.kind === "closing";
  const day = entry.date;
  const daily = batch?.daily ?? new Map<string, BalanceCell>();
  for (const line of kernel) addToCell(daily, internedBalanceKey(line.account, line.currency), day, line.functional, line.amount, closing);
  if (batch !== undefined) {
    for (const l of lines) batch.lines.push(l);
    return;
  }
  await tx.logs.append(FINANCE_STORE.lines, lines);
  await writeBalances(tx, daily);
}

function addToCell(cells: Map<string, BalanceCell>, key: string, bucket: string, functional: bigint, amount: bigint, closing: boolean): void {
  const id = `${bucket}\u0000${key}`;
  let cell = cells.get(id);
  if (cell === undefined) {
    cell = { key, bucket, debit: 0n, credit: 0n, amount: 0n, closing: 0n, hasClosing: false };
    cells.set(id, cell);
  }
  if (functional >= 0n) cell.debit += functional;
  else cell.credit -= functional;
  cell.amount += amount;
  if (closing) {
    cell.closing += functional;
    cell.hasClosing = true;
  }
}

/**
 * A balance read from the store: functional debits, credits, the signed transaction
 * amount, and the year-end closing part of the functional net.
 *
 * @example
 * ```ts
 * const t: BalanceTotals = { debit: new Decimal(5), credit: new Decimal(0), amount: new Decimal(5), closing: new Decimal(0) };
 * ```
 */
export interface BalanceTotals {
  readonly debit: Decimal;
  readonly credit: Decimal;
  readonly amount: Decimal;
  readonly closing: Decimal;
}

const ZERO = new Decimal(0);

function toTotals(row: Readonly<Record<string, Decimal>> | undefined): BalanceTotals {
  // A row that has all four (the family declares them; the memory store's rows do) already is one.
  if (row !== undefined && row.debit !== undefined && row.credit !== undefined && row.amount !== undefined && row.closing !== undefined) return row as unknown as BalanceTotals;
  return { debit: row?.debit ?? ZERO, credit: row?.credit ?? ZERO, amount: row?.amount ?? ZERO, closing: row?.closing ?? ZERO };
}

function addTotals(a: BalanceTotals, b: BalanceTotals): BalanceTotals {
  return { debit: a.debit.plus(b.debit), credit: a.credit.plus(b.credit), amount: a.amount.plus(b.amount), closing: a.closing.plus(b.closing) };
}

function isMonthEnd(date: string): boolean {
  return addDays(date as never, 1).endsWith("-01");
}

/**
 * Balances per `account|currency` key for the dates `from`..`to` (inclusive; `from`
 * omitted: since the beginning). Reads whole months from the monthly family and partial
 * months from the daily family: at most three sums per key, whatever the history. A store
 * that keeps running totals (`tx.balances.runningTotals`, the memory store) answers any
 * range of days in one sum, so then only the daily family is read.
 *
 * @example
 * ```ts
 * const asOf = await readBalances(tx, { to: "2026-03-15" });
 * const march = await readBalances(tx, { from: "2026-03-01", to: "2026-03-31" });
 * ```
 */
export async function readBalances(
  tx: Transaction,
  range: { readonly from?: string; readonly to: string },
  filter: { readonly keys?: readonly string[]; readonly keyPrefix?: string } = {},
): Promise<Map<string, BalanceTotals>> {
  await flushPostings(tx);
  const { from, to } = range;
  const out = new Map<string, BalanceTotals>();
  if (from !== undefined && from > to) return out;
  const query = (buckets: { from?: string; to?: string }) => ({
    buckets,
    ...(filter.keys === undefined ? {} : { keys: filter.keys }),
    ...(filter.keyPrefix === undefined ? {} : { keyPrefix: filter.keyPrefix }),
  });
  if (tx.balances.runningTotals === true) {
    // Any range of days is one subtraction of running totals: read the days alone.
    for (const [key, row] of await tx.balances.sumByKey(FINANCE_STORE.dailyBalances, query(from === undefined ? { to } : { from, to }))) out.set(key, toTotals(row));
    return out;
  }
  const merge = (rows: Map<string, Record<string, Decimal>>): void => {
    for (const [key, row] of rows) out.set(key, addTotals(out.get(key) ?? toTotals(undefined), toTotals(row)));
  };
  // Whole months covered: [firstFull, lastFull] by period.
  const fromIsMonthStart = from === undefined || from.endsWith("-01");
  const firstFull = from === undefined ? undefined : fromIsMonthStart ? periodOf(from) : periodOf(firstOfNextMonth(from));
  const lastFull = isMonthEnd(to) ? periodOf(to) : periodOf(addDays(`${periodOf(to)}-01` as never, -1));
  if (firstFull === undefined || firstFull <= lastFull) {
    merge(await tx.balances.sumByKey(FINANCE_STORE.monthlyBalances, query({ ...(firstFull === undefined ? {} : { from: firstFull }), to: lastFull })));
  }
  // Partial months at the ends, by day.
  const headEnd = from === undefined || fromIsMonthStart ? undefined : addDays(firstOfNextMonth(from), -1);
  if (from !== undefined && headEnd !== undefined) {
    merge(await tx.balances.sumByKey(FINANCE_STORE.dailyBalances, query({ from, to: headEnd < to ? headEnd : to })));
  }
  if (!isMonthEnd(to)) {
    const tailStart = `${periodOf(to)}-01`;
    const start = from !== undefined && from > tailStart ? from : tailStart;
    const alreadyRead = headEnd !== undefined && headEnd >= to;
    if (!alreadyRead) merge(await tx.balances.sumByKey(FINANCE_STORE.dailyBalances, query({ from: start, to })));
  }
  return out;
}

/**
 * Splits a balance key into account and currency.
 *
 * @example
 * ```ts
 * splitBalanceKey("1100|EUR"); // { account: "1100", currency: "EUR" }
 * ```
 */
export function splitBalanceKey(key: string): { account: string; currency: string } {
  const bar = key.lastIndexOf("|");
  return { account: key.slice(0, bar), currency: key.slice(bar + 1) };
}
