import { z } from "zod";
import { StorekeepError } from "../kernel/errors.js";
import { type LocalDate, addDays, localDateSchema } from "../kernel/local-date.js";
import type { PeriodLocks } from "../ports/period-locks.js";
import type { JsonObject, Transaction } from "../ports/storage.js";

/*
 * Fiscal years, accounting periods (calendar months) and period locks.
 *
 * Locks are lock dates: a domain locked through D refuses every posting dated on or before
 * D. Locking a period therefore locks every earlier period too, as accountants close them
 * in order. Soft locks are per domain and can be moved back; the hard lock applies to
 * every domain and only ever moves forward.
 */

/**
 * The domains a posting belongs to, each with its own soft lock.
 *
 * @example
 * ```ts
 * POSTING_DOMAINS.includes("stock"); // true
 * ```
 */
export const POSTING_DOMAINS = ["sales", "purchases", "stock", "tax"] as const;

/**
 * A lockable domain.
 *
 * @example
 * ```ts
 * const domain: PostingDomain = "stock";
 * ```
 */
export type PostingDomain = (typeof POSTING_DOMAINS)[number];

/**
 * The domain of an entry: a lockable domain, or `general` (manual entries, opening
 * balances, year-end close) which is refused when ANY domain is locked for its date.
 *
 * @example
 * ```ts
 * const domain: EntryDomain = "general";
 * ```
 */
export type EntryDomain = PostingDomain | "general";

/**
 * The boundary schema of an {@link EntryDomain}.
 *
 * @example
 * ```ts
 * entryDomainSchema.parse("sales");
 * ```
 */
export const entryDomainSchema = z.enum(["sales", "purchases", "stock", "tax", "general"]);

/**
 * The collection holding the lock state: one document, id {@link PERIOD_LOCKS_ID}, data
 * {@link PeriodLockState}. Other modules read it through {@link assertPeriodOpen}.
 *
 * @example
 * ```ts
 * await tx.documents.get(PERIOD_LOCKS_COLLECTION, PERIOD_LOCKS_ID);
 * ```
 */
export const PERIOD_LOCKS_COLLECTION = "finance.period-locks";

/**
 * The id of the lock-state document.
 *
 * @example
 * ```ts
 * PERIOD_LOCKS_ID; // "locks"
 * ```
 */
export const PERIOD_LOCKS_ID = "locks";

/**
 * Lock dates: each soft lock per domain, and the hard lock (null: not locked). A date is
 * locked for a domain when it is on or before that domain's soft lock or the hard lock.
 *
 * @example
 * ```ts
 * const state: PeriodLockState = { soft: { sales: "2026-03-31", purchases: null, stock: null, tax: null }, hard: null };
 * ```
 */
export interface PeriodLockState {
  readonly soft: Readonly<Record<PostingDomain, string | null>>;
  readonly hard: string | null;
}

/**
 * The state with nothing locked.
 *
 * @example
 * ```ts
 * isPeriodOpen(OPEN_PERIODS, "sales", "2026-01-01"); // true
 * ```
 */
export const OPEN_PERIODS: PeriodLockState = Object.freeze({ soft: Object.freeze({ sales: null, purchases: null, stock: null, tax: null }), hard: null });

function later(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return a > b ? a : b;
}

/**
 * The last locked date for a domain (null: nothing locked). `general` takes the latest
 * lock of every domain; `alsoTax` adds the tax lock (an entry touching a tax account).
 *
 * @example
 * ```ts
 * lockedThrough(state, "sales"); // "2026-03-31"
 * ```
 */
export function lockedThrough(state: PeriodLockState, domain: EntryDomain, alsoTax = false): string | null {
  let through = state.hard;
  if (domain === "general") {
    for (const d of POSTING_DOMAINS) through = later(through, state.soft[d]);
    return through;
  }
  through = later(through, state.soft[domain]);
  if (alsoTax) through = later(through, state.soft.tax);
  return through;
}

/**
 * True when a posting of `domain` may be dated `date`.
 *
 * @example
 * ```ts
 * isPeriodOpen(state, "stock", "2026-04-01"); // true
 * ```
 */
export function isPeriodOpen(state: PeriodLockState, domain: EntryDomain, date: string, alsoTax = false): boolean {
  const through = lockedThrough(state, domain, alsoTax);
  return through === null || date > through;
}

/**
 * Throws `PERIOD_LOCKED` when `date` is locked for `domain` (pure form of
 * {@link assertPeriodOpen}).
 *
 * @example
 * ```ts
 * checkPeriodOpen(state, "sales", "2026-03-15"); // throws PERIOD_LOCKED
 * ```
 */
export function checkPeriodOpen(state: PeriodLockState, domain: EntryDomain, date: string, alsoTax = false): void {
  const through = lockedThrough(state, domain, alsoTax);
  if (through !== null && date <= through) {
    const hard = state.hard !== null && date <= state.hard;
    // A hard lock covers every domain, the posting's own included.
    const locked: EntryDomain = hard ? domain : (lockingDomain(state, domain, date, alsoTax) ?? domain);
    throw new StorekeepError(
      "PERIOD_LOCKED",
      hard
        ? `${date} is in a hard-locked period (through ${state.hard}); nothing can be dated there. Date it after ${state.hard}.`
        : `${date} is in a period locked for ${locked === "general" ? "postings" : locked} (through ${locked === "general" ? through : (state.soft[locked] ?? through)})${locked === domain ? "" : ` and this ${domain === "general" ? "general entry" : `${domain} posting`} ${domain === "general" ? "respects every domain's lock" : "touches a tax account"}`}; date it after ${through} or unlock ${locked} first.`,
      // The lock that refused, as the message names it (the hard lock, or the domain's soft lock).
      { domain: locked, postingDomain: domain, date, lockedThrough: hard ? state.hard! : locked === "general" ? through : (state.soft[locked] ?? through), hard },
    );
  }
}

/**
 * The domain whose soft lock covers `date` for a posting of `domain` (the posting's own
 * domain first, then tax for an entry touching a tax account; for `general`, the domain
 * with the latest lock). Undefined when no soft lock covers it.
 *
 * @example
 * ```ts
 * lockingDomain({ soft: { sales: null, purchases: null, stock: null, tax: "2026-03-31" }, hard: null }, "sales", "2026-03-15", true); // "tax"
 * ```
 */
export function lockingDomain(state: PeriodLockState, domain: EntryDomain, date: string, alsoTax = false): PostingDomain | undefined {
  const covers = (d: PostingDomain): boolean => state.soft[d] !== null && date <= state.soft[d]!;
  if (domain !== "general") {
    if (covers(domain)) return domain;
    return alsoTax && covers("tax") ? "tax" : undefined;
  }
  let best: PostingDomain | undefined;
  for (const d of POSTING_DOMAINS) if (covers(d) && (best === undefined || state.soft[d]! > state.soft[best]!)) best = d;
  return best;
}

/**
 * Reads the lock state inside a transaction (open when never locked).
 *
 * @example
 * ```ts
 * const state = await readPeriodLocks(tx);
 * ```
 */
export async function readPeriodLocks(tx: Transaction): Promise<PeriodLockState> {
  const doc = await tx.documents.get(PERIOD_LOCKS_COLLECTION, PERIOD_LOCKS_ID);
  if (doc === undefined) return OPEN_PERIODS;
  return lockStateOf(doc.data);
}

/*
 * The lock state of a stored lock document, remembered per document object: stored data is
 * immutable and a new lock writes a new object, so two commands reading the same locks (a
 * stock issue and the posting it causes) share one state instead of merging it twice.
 */
const lockStates = new WeakMap<object, PeriodLockState>();

function lockStateOf(stored: object): PeriodLockState {
  const known = lockStates.get(stored);
  if (known !== undefined) return known;
  const data = stored as unknown as { soft: Record<PostingDomain, string | null>; hard: string | null };
  const state: PeriodLockState = Object.freeze({ soft: Object.freeze({ ...OPEN_PERIODS.soft, ...data.soft }), hard: data.hard });
  // Only a frozen document cannot change after it was read (a store that hands out copies
  // gives a new object each read, which is merely not found here next time).
  if (Object.isFrozen(stored)) lockStates.set(stored, state);
  return state;
}

/**
 * Refuses, with `PERIOD_LOCKED`, a movement or posting of `domain` dated into a locked
 * period. The inventory module calls it before accepting a back-dated movement, inside
 * the command's transaction.
 *
 * @example
 * ```ts
 * await assertPeriodOpen(ctx.tx, "stock", movement.effectiveDate);
 * ```
 */
export async function assertPeriodOpen(tx: Transaction, domain: EntryDomain, date: string): Promise<void> {
  checkPeriodOpen(await readPeriodLocksForPosting(tx), domain, date);
}

/**
 * Finance's side of the period-lock seam ({@link PeriodLocks}): {@link assertPeriodOpen}
 * over the lock document. `financeModule()` declares it, so every module's commands see
 * finance's locks as `ctx.periodLocks` without importing finance.
 *
 * @example
 * ```ts
 * await financePeriodLocks.assertOpen(tx, "stock", "2026-03-15");
 * ```
 */
export const financePeriodLocks: PeriodLocks = Object.freeze({
  assertOpen: (tx: Transaction, domain: EntryDomain, date: string): Promise<void> => assertPeriodOpen(tx, domain, date),
});

/**
 * Reads the lock state for a posting or movement that must not land in a locked period:
 * the lock document is share-locked until the transaction ends, so a concurrent
 * `lockPeriod`/`hardLock` (which takes it for update) waits for this transaction to commit,
 * and this transaction waits for a lock that is being written, then sees it. When no lock
 * was ever set, the open state is written first, so that there is a row to lock (two
 * first postings conflict once, and the runner retries the loser).
 *
 * @example
 * ```ts
 * checkPeriodOpen(await readPeriodLocksForPosting(ctx.tx), "sales", "2026-03-15");
 * ```
 */
export async function readPeriodLocksForPosting(tx: Transaction): Promise<PeriodLockState> {
  // Read once per transaction: the row stays share-locked until it ends, so no other
  // transaction can change it, and this one changes it only through writeLocks (which
  // forgets the remembered state). A shipment's postings and movements read it once, not
  // once per posting (a statement each on a SQL store).
  const known = postingLocks.get(tx);
  if (known !== undefined) return known;
  const documents = tx.documents;
  const doc = documents.getForShare !== undefined ? await documents.getForShare(PERIOD_LOCKS_COLLECTION, PERIOD_LOCKS_ID) : await documents.getForUpdate(PERIOD_LOCKS_COLLECTION, PERIOD_LOCKS_ID);
  let state: PeriodLockState;
  if (doc === undefined) {
    await documents.put(PERIOD_LOCKS_COLLECTION, PERIOD_LOCKS_ID, OPEN_PERIODS as unknown as JsonObject, 0);
    state = OPEN_PERIODS;
  } else state = lockStateOf(doc.data);
  postingLocks.set(tx, state);
  return state;
}

/** The lock state each transaction read for posting (see {@link readPeriodLocksForPosting}). */
const postingLocks = new WeakMap<Transaction, PeriodLockState>();

/**
 * Forgets the lock state `tx` read for posting: called when the transaction writes the lock
 * document, so its later postings read the new state.
 *
 * @example
 * ```ts
 * await tx.documents.put(PERIOD_LOCKS_COLLECTION, PERIOD_LOCKS_ID, next, version);
 * forgetPostingLocks(tx);
 * ```
 */
export function forgetPostingLocks(tx: Transaction): void {
  postingLocks.delete(tx);
}

/**
 * Soft-locks `domains` through `date` (a lock never moves back through this function).
 *
 * @example
 * ```ts
 * withSoftLock(OPEN_PERIODS, ["sales", "stock"], "2026-03-31").soft.sales; // "2026-03-31"
 * ```
 */
export function withSoftLock(state: PeriodLockState, domains: readonly PostingDomain[], date: string): PeriodLockState {
  const soft = { ...state.soft };
  for (const d of domains) soft[d] = later(soft[d], date);
  return { soft, hard: state.hard };
}

/**
 * Moves a domain's soft lock back to `date` (null: fully open). The hard lock stays.
 *
 * @example
 * ```ts
 * withSoftUnlock(state, "sales", null).soft.sales; // null
 * ```
 */
export function withSoftUnlock(state: PeriodLockState, domain: PostingDomain, date: string | null): PeriodLockState {
  const current = state.soft[domain];
  if (current === null || (date !== null && date >= current)) return state;
  return { soft: { ...state.soft, [domain]: date }, hard: state.hard };
}

/**
 * Hard-locks every domain through `date`. Refuses (`INVALID_TRANSITION`) to move the hard
 * lock back: a hard lock cannot be lifted.
 *
 * @example
 * ```ts
 * withHardLock(OPEN_PERIODS, "2025-12-31").hard; // "2025-12-31"
 * ```
 */
export function withHardLock(state: PeriodLockState, date: string): PeriodLockState {
  if (state.hard !== null && date < state.hard) {
    throw new StorekeepError("INVALID_TRANSITION", `The books are hard-locked through ${state.hard}; a hard lock cannot be lifted or moved back to ${date}.`, { hard: state.hard, requested: date });
  }
  return { soft: state.soft, hard: date };
}

// ---------------------------------------------------------------------------------------
// Periods and fiscal years
// ---------------------------------------------------------------------------------------

/**
 * An accounting period: a calendar month `YYYY-MM`.
 *
 * @example
 * ```ts
 * periodSchema.parse("2026-03");
 * ```
 */
export const periodSchema = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, { message: "must be a period written YYYY-MM" });

/**
 * The period (`YYYY-MM`) of a date.
 *
 * @example
 * ```ts
 * periodOf("2026-03-31"); // "2026-03"
 * ```
 */
export function periodOf(date: string): string {
  return date.slice(0, 7);
}

/**
 * The first and last date of a period.
 *
 * @example
 * ```ts
 * periodRange("2028-02"); // { start: "2028-02-01", end: "2028-02-29" }
 * ```
 */
export function periodRange(period: string): { start: LocalDate; end: LocalDate } {
  const start = localDateSchema.parse(`${period}-01`);
  return { start, end: addDays(firstOfNextMonth(start), -1) };
}

/**
 * The first day of the month after `date`'s month.
 *
 * @example
 * ```ts
 * firstOfNextMonth("2026-12-15"); // "2027-01-01"
 * ```
 */
export function firstOfNextMonth(date: string): LocalDate {
  const year = Number(date.slice(0, 4));
  const month = Number(date.slice(5, 7));
  const y = month === 12 ? year + 1 : year;
  const m = month === 12 ? 1 : month + 1;
  return `${String(y).padStart(4, "0")}-${String(m).padStart(2, "0")}-01` as LocalDate;
}

/**
 * A date shifted by whole months, the day clamped to the target month's length.
 *
 * @example
 * ```ts
 * addMonths("2026-03-31", -1); // "2026-02-28"
 * ```
 */
export function addMonths(date: string, months: number): LocalDate {
  const year = Number(date.slice(0, 4));
  const month = Number(date.slice(5, 7)) - 1 + months;
  const y = year + Math.floor(month / 12);
  const m = ((month % 12) + 12) % 12 + 1;
  const first = `${String(y).padStart(4, "0")}-${String(m).padStart(2, "0")}`;
  const last = periodRange(first).end;
  const day = date.slice(8, 10);
  const candidate = `${first}-${day}`;
  return (candidate > last ? last : candidate) as LocalDate;
}

/**
 * A fiscal year: named by the calendar year it starts in.
 *
 * @example
 * ```ts
 * const fy: FiscalYear = { year: 2026, start: "2026-04-01", end: "2027-03-31" };
 * ```
 */
export interface FiscalYear {
  readonly year: number;
  readonly start: LocalDate;
  readonly end: LocalDate;
}

/**
 * The fiscal year starting in `year` for a fiscal year that starts in month `startMonth`.
 *
 * @example
 * ```ts
 * fiscalYear(2026, 4); // { year: 2026, start: "2026-04-01", end: "2027-03-31" }
 * ```
 */
export function fiscalYear(year: number, startMonth = 1): FiscalYear {
  const start = `${String(year).padStart(4, "0")}-${String(startMonth).padStart(2, "0")}-01` as LocalDate;
  return { year, start, end: addDays(addMonths(start, 12), -1) };
}

/**
 * The fiscal year containing `date`.
 *
 * @example
 * ```ts
 * fiscalYearOf("2026-02-10", 4).year; // 2025
 * ```
 */
export function fiscalYearOf(date: string, startMonth = 1): FiscalYear {
  const year = Number(date.slice(0, 4));
  const month = Number(date.slice(5, 7));
  return fiscalYear(month >= startMonth ? year : year - 1, startMonth);
}

/**
 * The twelve periods of a fiscal year.
 *
 * @example
 * ```ts
 * fiscalPeriods(fiscalYear(2026, 4))[0]; // "2026-04"
 * ```
 */
export function fiscalPeriods(year: FiscalYear): string[] {
  const out: string[] = [];
  for (let i = 0; i < 12; i++) out.push(periodOf(addMonths(year.start, i)));
  return out;
}

/**
 * Which domain an event's posting belongs to.
 *
 * @example
 * ```ts
 * domainOfEvent("StockIssued"); // "stock"
 * ```
 */
export function domainOfEvent(eventType: string): EntryDomain {
  if (eventType.startsWith("Stock")) return "stock";
  switch (eventType) {
    case "PaymentCaptured":
    case "OrderInvoiced":
    case "PayoutSettled":
    case "RefundIssued":
    case "CreditNoteIssued":
      return "sales";
    case "SupplierBillRecorded":
    case "SupplierPaid":
    case "SupplierReturned":
    case "LandedCostRecorded":
    case "GoodsReceived":
      return "purchases";
    default:
      return "general";
  }
}
