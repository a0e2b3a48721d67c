import { z } from "zod";
import { StorekeepError } from "../kernel/errors.js";
import { type LocalDate, addDays, daysBetween, localDateSchema } from "../kernel/local-date.js";
import { refuseUnknownKeys, strictInput } from "../kernel/strict-input.js";
import type { JsonObject, Transaction } from "../ports/storage.js";
import type { CommandContext, NewEvent } from "../runner/command.js";
import { Decimal } from "../kernel/decimal.js";
import { openItem, quantumOf } from "./open-item-tracking.js";
import { commandSource, postDraft } from "./post-draft.js";
import { defineLibraryCommand } from "../runner/library.js";
import { lockDocuments } from "../runner/batch-documents.js";
import { FINANCE_STORE } from "./ledger-store.js";
import { readOpenItems } from "./open-item-reports.js";
import type { OpenItem } from "./open-items.js";
import { toUnits, unitsToString } from "./posting-kernel.js";
import type { FinanceSettings } from "./settings.js";
import { requireRate } from "../ports/rates.js";

/*
 * Dunning: payment reminders for overdue invoices, escalating level by level. A run on a
 * date finds every receivable invoice past its due date, raises each one level when it has
 * been overdue long enough for the next level and long enough since its last reminder, and
 * issues one notice per customer and currency that lists everything overdue. The notices are
 * kept and announced (`DunningNoticeIssued`) for the shop to send; nothing is posted.
 */

/**
 * One dunning level: a reminder once an invoice is `afterDays` past its due date.
 *
 * @example
 * ```ts
 * const levels: DunningLevel[] = [{ level: 1, afterDays: 7, fee: "0" }, { level: 2, afterDays: 21, fee: "5" }, { level: 3, afterDays: 35, fee: "10" }];
 * ```
 */
export interface DunningLevel {
  readonly level: number;
  readonly afterDays: number;
  /** The fee a reminder of this level charges, in the functional currency ("0": none). */
  readonly fee: string;
}

/** The default levels: a reminder a week after the due date, a second two weeks later, a final one two weeks after that. */
export const DEFAULT_DUNNING_LEVELS: readonly DunningLevel[] = Object.freeze([
  Object.freeze({ level: 1, afterDays: 7, fee: "0" }),
  Object.freeze({ level: 2, afterDays: 21, fee: "0" }),
  Object.freeze({ level: 3, afterDays: 35, fee: "0" }),
]);

/**
 * Dunning as finance's settings hold it: the levels, and the account the fees are credited to
 * (null when no level charges one).
 *
 * @example
 * ```ts
 * const dunning: DunningSettings = { levels: DEFAULT_DUNNING_LEVELS, feeAccount: null };
 * ```
 */
export interface DunningSettings {
  readonly levels: readonly DunningLevel[];
  readonly feeAccount: string | null;
  /** Default interest on overdue invoices, charged by the notices (null: none). */
  readonly interest: DunningInterest | null;
  /** Days after which an invoice at the last level is reminded again at that level (null: the last level goes out once). */
  readonly repeatLastEveryDays: number | null;
}

/**
 * Default interest on overdue invoices: `annualRate` a ratio ("0.0912" for 9.12% a year),
 * counted over `dayCount` days a year (365 or 360), credited to `account`.
 *
 * @example
 * ```ts
 * const interest: DunningInterest = { annualRate: "0.0912", dayCount: 365, account: "4910" };
 * ```
 */
export interface DunningInterest {
  readonly annualRate: string;
  readonly dayCount: 360 | 365;
  readonly account: string;
}

/** The finance option `dunning` (see `FinanceOptions.dunning`). */
export interface DunningOptions {
  readonly levels?: readonly { readonly afterDays: number; readonly fee?: string }[];
  readonly feeAccount?: string;
  /** Default interest the notices charge on what is overdue (see {@link DunningInterest}; `dayCount` defaults to 365). */
  readonly interest?: { readonly annualRate: string; readonly account: string; readonly dayCount?: 360 | 365 };
  /** Remind an invoice at the last level again every so many days (its fee and the interest since charged again); default: once. */
  readonly repeatLastEveryDays?: number;
}

/**
 * The finance option `dunning` checked: 1 to 10 levels of whole days, each later than the one
 * before, each with an optional fee (a non-negative decimal in the functional currency); when a
 * level charges a fee, `feeAccount` names the account of the chart that takes it (other
 * operating income, say) — a posting account that is no control account. `VALIDATION_FAILED`
 * naming the field otherwise.
 *
 * @example
 * ```ts
 * resolveDunning({ levels: [{ afterDays: 14 }, { afterDays: 28, fee: "5" }], feeAccount: "4900" }, chart, control);
 * ```
 */
export function resolveDunning(options: DunningOptions = {}, chart?: { readonly byCode: ReadonlyMap<string, { readonly header?: boolean }> }, controlAccounts: ReadonlySet<string> = new Set()): DunningSettings {
  refuseUnknownKeys(options, ["levels", "feeAccount", "interest", "repeatLastEveryDays"], "finance option dunning");
  const bad = (path: string, message: string): never => {
    throw new StorekeepError("VALIDATION_FAILED", `${path} ${message}.`, { issues: [{ path, message, code: "custom" }] });
  };
  let levels = DEFAULT_DUNNING_LEVELS;
  if (options.levels !== undefined) {
    if (!Array.isArray(options.levels) || options.levels.length < 1 || options.levels.length > 10) bad("dunning.levels", "must list 1 to 10 levels ({ afterDays, fee? })");
    levels = Object.freeze(
      options.levels.map((l, i) => {
        refuseUnknownKeys(l, ["afterDays", "fee"], `finance option dunning.levels[${i}]`);
        if (!Number.isInteger(l.afterDays) || l.afterDays < 1 || l.afterDays > 3650) bad(`dunning.levels[${i}].afterDays`, `must be a whole number of days from 1 to 3650, got ${String(l.afterDays)}`);
        if (i > 0 && l.afterDays <= options.levels![i - 1]!.afterDays) bad(`dunning.levels[${i}].afterDays`, `must be later than the level before (${options.levels![i - 1]!.afterDays} days)`);
        if (l.fee !== undefined && (typeof l.fee !== "string" || !/^\d{1,12}(\.\d{1,4})?$/.test(l.fee))) bad(`dunning.levels[${i}].fee`, `must be a non-negative decimal string such as "5.00", got ${JSON.stringify(l.fee)}`);
        return Object.freeze({ level: i + 1, afterDays: l.afterDays, fee: l.fee === undefined ? "0" : new Decimal(l.fee).toFixed() });
      }),
    );
  }
  const postingAccount = (path: string, code: string): string => {
    const account = chart?.byCode.get(code);
    if (account === undefined || account.header === true || controlAccounts.has(code)) bad(path, `names ${code}, which is ${account === undefined ? "not in the chart" : account.header === true ? "a header account" : "a control account"}; name a posting account such as other operating income`);
    return code;
  };
  let interest: DunningInterest | null = null;
  if (options.interest !== undefined) {
    const i = options.interest;
    if (typeof i !== "object" || i === null) bad("dunning.interest", "must be { annualRate, account, dayCount? }");
    refuseUnknownKeys(i, ["annualRate", "account", "dayCount"], "finance option dunning.interest");
    if (typeof i.annualRate !== "string" || !/^\d{1,2}(\.\d{1,8})?$/.test(i.annualRate) || new Decimal(i.annualRate).lte(0) || new Decimal(i.annualRate).gt(1)) {
      bad("dunning.interest.annualRate", `must be a ratio above 0 and at most 1 ("0.0912" for 9.12% a year), got ${JSON.stringify(i.annualRate)}`);
    }
    const dayCount = i.dayCount ?? 365;
    if (dayCount !== 360 && dayCount !== 365) bad("dunning.interest.dayCount", `must be 365 or 360, got ${JSON.stringify(i.dayCount)}`);
    if (typeof i.account !== "string") bad("dunning.interest.account", "must name the account the interest is credited to");
    interest = Object.freeze({ annualRate: new Decimal(i.annualRate).toFixed(), dayCount, account: postingAccount("dunning.interest.account", i.account) });
  }
  const repeat = options.repeatLastEveryDays ?? null;
  if (repeat !== null && (!Number.isInteger(repeat) || repeat < 1 || repeat > 3650)) bad("dunning.repeatLastEveryDays", `must be a whole number of days from 1 to 3650, got ${String(repeat)}`);
  const charges = levels.some((l) => l.fee !== "0");
  if (options.feeAccount === undefined) {
    if (charges) bad("dunning.feeAccount", "must name the account the dunning fees are credited to (a level charges a fee)");
    return Object.freeze({ levels, feeAccount: null, interest, repeatLastEveryDays: repeat });
  }
  return Object.freeze({ levels, feeAccount: postingAccount("dunning.feeAccount", options.feeAccount), interest, repeatLastEveryDays: repeat });
}

/**
 * A receivables item as default interest reads its history: the day it arose, what is open of
 * it now and its settlements (same sign as the open amount; a write-back's is negative).
 *
 * @example
 * ```ts
 * const item: ItemHistory = { date: "2026-02-15", openAmount: "40", settlements: [{ date: "2026-03-11", amount: "60" }] };
 * ```
 */
export interface ItemHistory {
  readonly date: string;
  readonly openAmount: string;
  readonly settlements: readonly { readonly date: string; readonly amount: string }[];
}

/**
 * What each invoice owed day by day from its `from` to `asOf` (exclusive of `from`), after the
 * customer's credits, as the sum of each day's rest in the posting kernel's units (unit-days).
 * On each day:
 * - an item's balance is what is open of it now plus what was settled on that day or later: a
 *   day bears interest on what was open during it, before a payment dated that day (the day
 *   money arrives still counts), and settlements dated after `asOf` are not yet made;
 * - an invoice owes nothing before its own date;
 * - a credit (an item whose balance that day is below zero) counts from the day after it arose
 *   (the day it arose still bears interest, as the day a payment arrives does), at what was open
 *   of it that day: a credit since refunded or used on another invoice covered the days it was
 *   on account;
 * - the day's credits cover the invoices' balances of that day, oldest invoice first (in the
 *   order given).
 *
 * @example
 * ```ts
 * // 100 open from 03-01 to 03-16, a credit of 50 that arose on 03-05 and was refunded on 03-11:
 * // 4 days at 100, 6 at 50 (the refund's day still covered), 5 at 100 → 1,200 unit-days (in units).
 * interestUnitDays(
 *   [{ item: { date: "2026-02-15", openAmount: "100", settlements: [] }, from: "2026-03-01" }],
 *   [{ date: "2026-03-05", openAmount: "0", settlements: [{ date: "2026-03-11", amount: "-50" }] }],
 *   "2026-03-16",
 * ); // [1_200_000000n]
 * ```
 */
export function interestUnitDays(invoices: readonly { readonly item: ItemHistory; readonly from: string }[], credits: readonly ItemHistory[], asOf: string): bigint[] {
  const out = invoices.map(() => 0n);
  if (invoices.length === 0) return out;
  const start = invoices.reduce((m, i) => (i.from < m ? i.from : m), invoices[0]!.from);
  if (asOf <= start) return out;
  const history = (item: ItemHistory) => ({ date: item.date, open: toUnits(item.openAmount), settlements: item.settlements.map((s) => ({ date: s.date, amount: toUnits(s.amount) })) });
  const balanceOn = (item: ReturnType<typeof history>, day: string): bigint => {
    let balance = item.open;
    for (const s of item.settlements) if (s.date >= day) balance += s.amount;
    return balance;
  };
  const owed = invoices.map((i) => ({ ...history(i.item), from: i.from }));
  // A credit open now, or one settled within the period (it may have been on account then).
  const onAccount = credits.map(history).filter((c) => c.open < 0n || c.settlements.some((s) => s.date > start));
  // The days after which a balance, a credit or an invoice's charging may change.
  const breaks = new Set<string>([start]);
  const mark = (date: string) => {
    if (date > start && date < asOf) breaks.add(date);
  };
  for (const i of owed) {
    mark(i.from);
    mark(addDays(i.date as LocalDate, -1));
    for (const s of i.settlements) mark(s.date);
  }
  for (const c of onAccount) {
    mark(c.date);
    for (const s of c.settlements) mark(s.date);
  }
  const sorted = [...breaks].sort();
  for (let k = 0; k < sorted.length; k++) {
    // Days after `after` through `through` are alike: read them on the first.
    const after = sorted[k]!;
    const through = sorted[k + 1] ?? asOf;
    const day = addDays(after as LocalDate, 1);
    const days = BigInt(daysBetween(after as LocalDate, through as LocalDate));
    let left = 0n;
    for (const c of onAccount) {
      if (c.date >= day) continue;
      const balance = balanceOn(c, day);
      if (balance < 0n) left -= balance;
    }
    for (let i = 0; i < owed.length; i++) {
      const invoice = owed[i]!;
      let balance = invoice.date <= day ? balanceOn(invoice, day) : 0n;
      if (balance < 0n) balance = 0n;
      const cover = balance < left ? balance : left;
      left -= cover;
      if (after >= invoice.from) out[i]! += (balance - cover) * days;
    }
  }
  return out;
}

/**
 * The default interest on one overdue amount from `from` to `to` (exclusive of `from`): open ×
 * annual rate × days / day count, rounded half up to the currency's minor unit (`quantum`, in
 * the posting kernel's units). Zero for no days.
 *
 * @example
 * ```ts
 * dunningInterest(toUnits("1000"), { annualRate: "0.0912", dayCount: 365, account: "4910" }, 30, quantumOf("EUR")); // 7.50 in units
 * ```
 */
export function dunningInterest(open: bigint, interest: DunningInterest, days: number, quantum: bigint): bigint {
  if (open <= 0n || days <= 0) return 0n;
  return roundToQuantum(new Decimal(open.toString()).times(interest.annualRate).times(days).dividedBy(interest.dayCount), quantum);
}

/**
 * One invoice on a notice: its open amount, how long it is overdue and its level after the run
 * (`raised`: this run raised it).
 *
 * @example
 * ```ts
 * const item: DunningItem = { documentId: "INV2026-000001", orderId: "ord_1", dueDate: "2026-03-02", open: "119", daysOverdue: 8, level: 1, raised: true };
 * ```
 */
export interface DunningItem {
  readonly documentId: string;
  readonly orderId?: string;
  readonly dueDate: string;
  readonly open: string;
  readonly daysOverdue: number;
  readonly level: number;
  readonly raised: boolean;
  /** Present when this run reminded it again at the last level (`repeatLastEveryDays`). */
  readonly repeated?: true;
  /** Default interest charged on it by this notice (on each day's balance), and the days it covers (since its due date or the last interest charged). Absent: none. */
  readonly interest?: { readonly amount: string; readonly from: string; readonly days: number };
}

/**
 * A payment reminder to one customer in one currency: its level (the highest of its items),
 * every overdue invoice, the total overdue and the credits the customer has on account (money
 * paid but not yet allocated, credit notes) in that currency.
 *
 * @example
 * ```ts
 * const { notices } = await sk.finance.runDunning({ asOf: "2026-03-31" });
 * notices[0]?.level; // 1
 * ```
 */
export interface DunningNotice {
  readonly noticeId: string;
  readonly runId: string;
  readonly asOf: string;
  readonly party: string;
  readonly currency: string;
  readonly level: number;
  readonly overdue: string;
  readonly credits: string;
  /** The fee this notice charged ("0": none), in its currency: the fee of the highest level it raised an invoice to, at the day's rate when the notice is in another currency than the books. */
  readonly fee: string;
  /** The fee's receivable (an open item of type `dunning-fee`), when it charged one. */
  readonly feeDocumentId?: string;
  /** The default interest this notice charged ("0": none), in its currency. */
  readonly interest: string;
  /** The interest's receivable (an open item of type `dunning-interest`), when it charged any. */
  readonly interestDocumentId?: string;
  readonly items: readonly DunningItem[];
}

/**
 * The result of `sk.finance.runDunning`: the notices issued, and the customers whose overdue
 * invoices their credits on account cover (`covered`: allocate the credits instead of dunning).
 *
 * @example
 * ```ts
 * const run: DunningRun = await sk.finance.runDunning({ asOf: "2026-03-31" });
 * ```
 */
export interface DunningRun {
  readonly runId: string;
  readonly asOf: string;
  readonly notices: readonly DunningNotice[];
  readonly covered: readonly { readonly party: string; readonly currency: string; readonly overdue: string; readonly credits: string }[];
}

/** An invoice's dunning state: its level, the date of its last reminder, and the day interest was last worked out to (charged, or covered by credits). */
interface ItemDunning {
  readonly itemId: string;
  readonly level: number;
  readonly lastNoticeOn: string;
  readonly noticeIds: readonly string[];
  readonly interestThrough?: string;
}

const runSchema = strictInput({ asOf: localDateSchema, runId: z.string().min(1).max(200).regex(/^[^|\u0000]+$/, "may not contain | or NUL").optional() });

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The level an invoice reaches in a run on `asOf`: one above its current level when it is
 * overdue at least that level's days and, after a first reminder, at least the days between
 * the two levels have passed since it; otherwise its current level. Never beyond the last.
 *
 * @example
 * ```ts
 * nextDunningLevel(DEFAULT_DUNNING_LEVELS, { level: 1, lastNoticeOn: "2026-03-09" }, 22, "2026-03-23"); // 2
 * ```
 */
export function nextDunningLevel(levels: readonly DunningLevel[], current: { readonly level: number; readonly lastNoticeOn: string | null }, daysOverdue: number, asOf: string): number {
  const next = levels[current.level];
  if (next === undefined || daysOverdue < next.afterDays) return current.level;
  if (current.level > 0 && current.lastNoticeOn !== null && daysBetween(current.lastNoticeOn as LocalDate, asOf as LocalDate) < next.afterDays - levels[current.level - 1]!.afterDays) return current.level;
  return current.level + 1;
}

/**
 * The dunning run (`sk.finance.runDunning`): see the module comment. Idempotent under its
 * `runId` (default `dun_<asOf>`): the same run again returns what it issued; the id with
 * another date is `DUPLICATE_DOCUMENT`. A date after today is `VALIDATION_FAILED`.
 *
 * @example
 * ```ts
 * const runDunning = runDunningCommand(resolveFinanceOptions());
 * await runtime.execute(runDunning, { asOf: "2026-03-31" });
 * ```
 */
export function runDunningCommand(settings: FinanceSettings) {
  return defineLibraryCommand({
    name: "finance.runDunning",
    input: runSchema,
    async handle(ctx, input) {
      const runId = input.runId ?? `dun_${input.asOf}`;
      const prior = await ctx.tx.documents.getForUpdate<never>(FINANCE_STORE.dunningRuns, runId) as { data: { asOf: string; result: DunningRun } } | undefined;
      if (prior !== undefined) {
        if (prior.data.asOf !== input.asOf) throw new StorekeepError("DUPLICATE_DOCUMENT", `Dunning run ${runId} ran on ${prior.data.asOf}, not ${input.asOf}; give this run another runId.`, { runId, asOf: prior.data.asOf });
        return { result: prior.data.result as unknown as JsonObject };
      }
      if (input.asOf > ctx.today) throw new StorekeepError("VALIDATION_FAILED", `A dunning run on ${input.asOf} is in the future (today is ${ctx.today}); run it on or before today.`, { issues: [{ path: "asOf", message: "on or before today", code: "custom" }] });
      const levels = settings.dunning.levels;
      const fc = ctx.config.functionalCurrency;
      // Per customer and currency: the invoices past their due date, and the credits on account.
      const groups = new Map<string, { party: string; currency: string; overdue: OpenItem[]; credits: bigint; creditHistory: OpenItem[] }>();
      const groupOf = (item: OpenItem) => {
        const key = `${item.party}|${item.currency}`;
        return groups.get(key) ?? groups.set(key, { party: item.party, currency: item.currency, overdue: [], credits: 0n, creditHistory: [] }).get(key)!;
      };
      for await (const item of readOpenItems(ctx.tx, "receivables")) {
        const open = toUnits(item.openAmount);
        if (item.date > input.asOf) continue;
        if (open < 0n) {
          // The credits on account now, their sum; and their history (interest is covered from the day after each arose).
          const group = groupOf(item);
          group.credits -= open;
          group.creditHistory.push(item);
        } else if (open > 0n && item.documentType === "invoice" && item.dueDate < input.asOf) groupOf(item).overdue.push(item);
        // A credit since refunded or used elsewhere covered interest while it was on account.
        else if (settings.dunning.interest !== null && toUnits(item.amount) < 0n && item.settlements.length > 0) groupOf(item).creditHistory.push(item);
      }
      const openItemOf = new Map([...groups.values()].flatMap((g) => g.overdue.map((i) => [i.itemId, i] as const)));
      const states = new Map<string, { doc: ItemDunning; version: number }>();
      const overdueIds = [...groups.values()].flatMap((g) => g.overdue.map((i) => i.itemId));
      for (const d of await lockDocuments(ctx.tx, FINANCE_STORE.dunning, overdueIds)) states.set(d.id, { doc: d.data as unknown as ItemDunning, version: d.version });
      const notices: DunningNotice[] = [];
      const covered: DunningRun["covered"][number][] = [];
      for (const g of [...groups.values()].sort((a, b) => byText(a.party, b.party) || byText(a.currency, b.currency))) {
        if (g.overdue.length === 0) continue;
        const overdue = g.overdue.reduce((s, i) => s + toUnits(i.openAmount), 0n);
        if (g.credits >= overdue) {
          covered.push({ party: g.party, currency: g.currency, overdue: unitsToString(overdue), credits: unitsToString(g.credits) });
          continue;
        }
        const items = g.overdue
          .sort((a, b) => byText(a.dueDate, b.dueDate) || byText(a.documentId, b.documentId))
          .map((item): DunningItem & { itemId: string } => {
            const state = states.get(item.itemId)?.doc;
            const daysOverdue = daysBetween(item.dueDate as LocalDate, input.asOf);
            const level = nextDunningLevel(levels, { level: state?.level ?? 0, lastNoticeOn: state?.lastNoticeOn ?? null }, daysOverdue, input.asOf);
            const raised = level > (state?.level ?? 0);
            // At the last level, reminded again once the repeat interval has passed since its last reminder.
            const repeat = settings.dunning.repeatLastEveryDays;
            const repeated = !raised && repeat !== null && state !== undefined && state.level === levels.length && daysBetween(state.lastNoticeOn as LocalDate, input.asOf) >= repeat;
            return { itemId: item.itemId, documentId: item.documentId, ...(item.orderId === undefined ? {} : { orderId: item.orderId }), dueDate: item.dueDate, open: item.openAmount, daysOverdue, level, raised, ...(repeated ? { repeated: true as const } : {}) };
          });
        // A notice goes out only when one of its invoices reaches a new level (or is reminded again at the last); it lists all of them.
        const reminded = (i: DunningItem) => i.raised || i.repeated === true;
        if (!items.some(reminded)) continue;
        const noticeId = `${runId}|${g.party}|${g.currency}`;
        // Default interest: on each listed invoice's balance day by day (in the notice's currency), since its due date or the day interest was last charged to.
        const interest = settings.dunning.interest;
        const quantum = quantumOf(g.currency);
        const charged = new Map<string, { amount: bigint; from: string; days: number }>();
        if (interest !== null) {
          // Each day the customer's credits on account (from the day after each arose, at what was
          // open of it that day) cover that day's balances of the invoices, oldest first: no
          // interest on what they cover. A part payment bears interest until its day.
          const periods = items.map((item) => {
            const through = states.get(item.itemId)?.doc.interestThrough;
            return { item: openItemOf.get(item.itemId)!, from: through !== undefined && through > item.dueDate ? through : item.dueDate };
          });
          const unitDays = interestUnitDays(periods, g.creditHistory, input.asOf);
          items.forEach((item, i) => {
            const { from } = periods[i]!;
            const amount = dunningInterest(unitDays[i]!, interest, 1, quantum);
            if (amount > 0n) charged.set(item.itemId, { amount, from, days: daysBetween(from as LocalDate, input.asOf) });
          });
        }
        // With interest, every listed invoice is settled for interest through today (what credits covered, or a rest below a cent, is not charged later).
        for (const item of items.filter((i) => reminded(i) || interest !== null)) {
          const state = states.get(item.itemId);
          const doc: ItemDunning = {
            itemId: item.itemId,
            level: item.level,
            // (An invoice below the first level listed with interest keeps level 0: its date is not read until it has a level.)
            lastNoticeOn: reminded(item) || state === undefined ? input.asOf : state.doc.lastNoticeOn,
            noticeIds: [...(state?.doc.noticeIds ?? []), noticeId],
            ...(interest !== null ? { interestThrough: input.asOf } : state?.doc.interestThrough === undefined ? {} : { interestThrough: state.doc.interestThrough }),
          };
          await ctx.tx.documents.put(FINANCE_STORE.dunning, item.itemId, doc as unknown as JsonObject, state?.version ?? 0);
        }
        // The fee of the highest level this notice raised (or reminded again) an invoice to (in the notice's currency at the day's rate).
        const raisedTo = Math.max(...items.filter(reminded).map((i) => i.level));
        const levelFee = levels[raisedTo - 1]!.fee;
        const interestTotal = [...charged.values()].reduce((sum, c) => sum + c.amount, 0n);
        const rate = (levelFee !== "0" || interestTotal > 0n) && g.currency !== fc ? await requireRate(ctx.rates, g.currency, fc, input.asOf, "a dunning notice's fee or interest") : null;
        const fee = levelFee === "0" ? 0n : feeIn(ctx, levelFee, raisedTo, g.currency, rate);
        const charge = async (kind: "fee" | "interest", units: bigint): Promise<string | undefined> => {
          if (units === 0n) return undefined;
          const documentId = `${noticeId}|${kind}`;
          await chargeOnNotice(ctx, settings, { kind, noticeId, documentId, party: g.party, currency: g.currency, units, functional: rate === null ? units : convertUnits(units, rate, quantumOf(fc)), rate, asOf: input.asOf, level: raisedTo });
          return documentId;
        };
        const feeDocumentId = await charge("fee", fee);
        const interestDocumentId = await charge("interest", interestTotal);
        const notice: DunningNotice = {
          noticeId,
          runId,
          asOf: input.asOf,
          party: g.party,
          currency: g.currency,
          level: Math.max(...items.map((i) => i.level)),
          overdue: unitsToString(overdue),
          credits: unitsToString(g.credits),
          fee: unitsToString(fee),
          ...(feeDocumentId === undefined ? {} : { feeDocumentId }),
          interest: unitsToString(interestTotal),
          ...(interestDocumentId === undefined ? {} : { interestDocumentId }),
          items: items.map(({ itemId, ...rest }) => {
            const c = charged.get(itemId);
            return c === undefined ? rest : { ...rest, interest: { amount: unitsToString(c.amount), from: c.from, days: c.days } };
          }),
        };
        await ctx.tx.documents.put(FINANCE_STORE.dunningNotices, noticeId, notice as unknown as JsonObject, 0);
        notices.push(notice);
      }
      const result: DunningRun = { runId, asOf: input.asOf, notices, covered };
      await ctx.tx.documents.put(FINANCE_STORE.dunningRuns, runId, { asOf: input.asOf, result } as unknown as JsonObject, 0);
      const money = (amount: string, currency: string) => ({ amount, currency });
      const events: NewEvent[] = notices.map((n) => ({
        type: "DunningNoticeIssued",
        aggregateType: "dunning-notice",
        aggregateId: n.noticeId,
        effectiveDate: n.asOf,
        payload: {
          noticeId: n.noticeId,
          runId: n.runId,
          party: n.party,
          currency: n.currency,
          level: n.level,
          overdue: money(n.overdue, n.currency),
          credits: money(n.credits, n.currency),
          ...(n.fee === "0" ? {} : { fee: money(n.fee, n.currency) }),
          ...(n.interest === "0" ? {} : { interest: money(n.interest, n.currency) }),
          items: n.items.map((i) => ({ documentId: i.documentId, ...(i.orderId === undefined ? {} : { orderId: i.orderId }), dueDate: i.dueDate, open: money(i.open, n.currency), daysOverdue: i.daysOverdue, level: i.level })),
        },
      }));
      return { result: result as unknown as JsonObject, events };
    },
  });
}

/** `units` × `rate`, rounded half up to `quantum` (kernel units). */
function convertUnits(units: bigint, rate: Decimal, quantum: bigint): bigint {
  return roundToQuantum(new Decimal(units.toString()).times(rate), quantum);
}

/** An exact amount in kernel units, rounded half up to `quantum`. */
function roundToQuantum(exact: Decimal, quantum: bigint): bigint {
  return BigInt(exact.dividedBy(quantum.toString()).toDecimalPlaces(0, Decimal.ROUND_HALF_UP).toFixed()) * quantum;
}

/**
 * A level's fee (functional currency) in the notice's currency: as it is in the functional
 * currency, or at the day's rate rounded half up to the notice currency's minor unit. The fee must
 * fit the functional currency's minor unit.
 */
function feeIn(ctx: CommandContext, fee: string, level: number, currency: string, rate: Decimal | null): bigint {
  const fc = ctx.config.functionalCurrency;
  const units = toUnits(fee);
  if (units % quantumOf(fc) !== 0n) {
    throw new StorekeepError("VALIDATION_FAILED", `The dunning fee of level ${level} (${fee}) has more decimals than ${fc} has; give it in whole minor units of ${fc} (finance option dunning.levels).`, { issues: [{ path: `dunning.levels[${level - 1}].fee`, message: `finer than ${fc}`, code: "custom" }] });
  }
  return rate === null ? units : convertUnits(units, new Decimal(1).dividedBy(rate), quantumOf(currency));
}

/**
 * Charges a notice's fee or default interest: Dr receivables (in the notice's currency, at the
 * day's rate) / Cr the fee or interest account (functional), and a receivable of its own for the
 * customer (`dunning-fee` or `dunning-interest`, due at once). The sales period must be open on
 * the run's date.
 */
async function chargeOnNotice(
  ctx: CommandContext,
  settings: FinanceSettings,
  c: { readonly kind: "fee" | "interest"; readonly noticeId: string; readonly documentId: string; readonly party: string; readonly currency: string; readonly units: bigint; readonly functional: bigint; readonly rate: Decimal | null; readonly asOf: string; readonly level: number },
): Promise<void> {
  const fc = ctx.config.functionalCurrency;
  await postDraft(ctx, settings, {
    date: c.asOf,
    domain: "sales",
    kind: "standard",
    memo: c.kind === "fee" ? `Dunning fee, level ${c.level}: ${c.noticeId}` : `Default interest: ${c.noticeId}`,
    key: null,
    source: commandSource(ctx),
    reversalOf: null,
    lines: [
      { account: settings.accountMap.receivables, currency: c.currency, amount: c.units, functional: c.functional, ...(c.rate === null ? {} : { rate: c.rate.toFixed() }) },
      { account: c.kind === "fee" ? settings.dunning.feeAccount! : settings.dunning.interest!.account, currency: fc, amount: -c.functional, functional: -c.functional },
    ],
  });
  await openItem(ctx.tx, { ledger: "receivables", party: c.party, documentId: c.documentId, documentType: c.kind === "fee" ? "dunning-fee" : "dunning-interest", date: c.asOf, dueDate: c.asOf, currency: c.currency, amount: unitsToString(c.units), functional: unitsToString(c.functional) });
}

/**
 * The notices issued to one customer (or to all), oldest first, optionally in a date range.
 *
 * @example
 * ```ts
 * const notices = await runtime.read((tx) => dunningNoticesOf(tx, { party: "cus_1" }));
 * ```
 */
export async function dunningNoticesOf(tx: Transaction, query: { readonly party?: string | undefined; readonly from?: string | undefined; readonly to?: string | undefined }): Promise<DunningNotice[]> {
  const out: DunningNotice[] = [];
  let after: { values: string[]; id: string } | undefined;
  const equals = query.party === undefined ? [] : [query.party];
  for (;;) {
    const page = await tx.documents.find<never>(FINANCE_STORE.dunningNotices, { index: "byParty", equals, limit: 1000, ...(after === undefined ? {} : { after }) });
    for (const d of page) {
      const notice = d.data as unknown as DunningNotice;
      if ((query.from === undefined || notice.asOf >= query.from) && (query.to === undefined || notice.asOf <= query.to)) out.push(notice);
    }
    if (page.length < 1000) break;
    const last = page[page.length - 1]!;
    const data = last.data as unknown as DunningNotice;
    after = { values: [data.party, data.asOf], id: last.id };
  }
  return out.sort((a, b) => byText(a.asOf, b.asOf) || byText(a.party, b.party) || byText(a.noticeId, b.noticeId));
}

/** The query of `sk.finance.dunningNotices`. */
export const dunningNoticesSchema = strictInput({ party: z.string().min(1).max(200).optional(), from: localDateSchema.optional(), to: localDateSchema.optional() });

