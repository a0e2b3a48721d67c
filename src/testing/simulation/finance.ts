import { Decimal } from "../../kernel/decimal.js";
import { isStorekeepError } from "../../kernel/errors.js";
import { dunningInterest, nextDunningLevel, resolveDunning } from "../../finance/dunning.js";
import { type LocalDate, addDays, daysBetween } from "../../kernel/local-date.js";
import { toUnits } from "../../finance/posting-kernel.js";
import { quantumOf } from "../../finance/open-item-tracking.js";
import type { OpenItem } from "../../finance/open-items.js";
import { assertTrialBalanceSumsToZero, ledgerInvariantViolations } from "../finance/invariants.js";
import type { ModulePart, ShopContext, SimStep } from "./context.js";


/*
 * Finance's part of the whole-shop simulation: manual journal entries (some back-dated),
 * period locks and month closes. Invariants: the trial balance sums to zero; the full
 * ledger check (every entry balances, balances = lines, the accounting equation) at full
 * checks; the receivables and payables subledgers (open items) equal their control
 * accounts; the GRNI and customer-prepayment control accounts equal what purchasing's
 * receipts and sales' orders say is open (`controls`, given by those parts).
 */

/** A control account and what its subledger says its balance (debit − credit, functional) must be. */
export interface ControlCheck {
  readonly name: string;
  readonly account: string;
  /** Debit − credit as a decimal string. */
  expected(): Promise<string>;
}

/** Customers on account are reminded 2, 5 and 9 days after the due date, the later two for a fee (credited to 6900): a run of a few weeks reaches every level. */
export const SIM_DUNNING = { levels: [{ afterDays: 2 }, { afterDays: 5, fee: "2.5" }, { afterDays: 9, fee: "5" }], feeAccount: "6900", interest: { annualRate: "0.12", account: "6900" }, repeatLastEveryDays: 3 } as const;
const SIM_DUNNING_LEVELS = resolveDunning({ levels: SIM_DUNNING.levels.map((l) => ({ afterDays: l.afterDays })) }).levels;
const SIM_INTEREST = { annualRate: SIM_DUNNING.interest.annualRate, dayCount: 365, account: SIM_DUNNING.interest.account } as const;

/** Finance's commands and invariants for the simulator. */
export function financePart(shop: ShopContext, controls: readonly ControlCheck[], options: { readonly accounts?: boolean } = {}): ModulePart {
  const { sk, random } = shop;
  let lockedThrough = "";
  const writeOffs: string[] = [];
  const closedYears: number[] = [];
  /** Each dunned invoice's level and last reminder, as the runs reported them. */
  const dunned = new Map<string, { level: number; lastNoticeOn: string | null }>();
  // The day each invoice was last charged interest to (--accounts).
  const interestThrough = new Map<string, string>();

  const steps = (): SimStep[] => [
    {
      name: "finance.postEntry",
      weight: 1.5,
      run: () => {
        const amount = shop.money();
        return sk.finance.postEntry({ date: random.chance(0.2) ? shop.daysAgo(random.int(1, 12)) : shop.today(), domain: "general", lines: [{ account: "6100", debit: amount }, { account: "1100", credit: amount }] } as never);
      },
    },
    {
      name: "finance.lockPeriod",
      weight: 0.3,
      run: async () => {
        const through = shop.daysAgo(random.int(8, 20));
        if (through <= lockedThrough) return "skip";
        await sk.finance.lockPeriod({ through });
        lockedThrough = through;
        return undefined;
      },
    },
    {
      name: "finance.closePeriod",
      weight: 0.2,
      run: async () => {
        // Close a month that has ended (a no-op draw when it is closed already or still running).
        const period = shop.daysAgo(random.int(3, 45)).slice(0, 7);
        const lastDay = new Date(Date.UTC(Number(period.slice(0, 4)), Number(period.slice(5, 7)), 0)).toISOString().slice(0, 10);
        if (lastDay <= lockedThrough || lastDay >= shop.today()) return "skip";
        await sk.finance.closePeriod(period);
        lockedThrough = lastDay;
        return undefined;
      },
    },
    {
      name: "finance.closeYear",
      weight: shop.today() >= "2026-01-02" && !closedYears.includes(2025) ? 0.5 : 0,
      run: async () => {
        const result = await sk.finance.closeYear({ year: 2025 });
        closedYears.push(2025);
        if (lockedThrough < "2025-12-31") lockedThrough = "2025-12-31";
        return result;
      },
    },
    {
      name: "finance.revalue",
      weight: 0.3,
      // Unrealised exchange differences on open foreign items as of today (reversed the next day).
      run: () => sk.finance.revalue({ date: shop.today() }),
    },
    {
      name: "finance.writeOff",
      weight: 0.3,
      run: async () => {
        // A customer who will not pay: (part of) an open invoice written off as a bad debt.
        const open = (await sk.finance.openItems({ ledger: "receivables", openOnly: true })).filter((i) => i.documentType === "invoice" && new Decimal(i.openAmount).gt("0.01"));
        if (open.length === 0) return "skip";
        const item = random.pick(open);
        const amount = random.chance(0.5) ? undefined : new Decimal(item.openAmount).dividedBy(2).toDecimalPlaces(2).toFixed(2);
        // Half of them take back the output tax they contain (VAT relief on bad debts).
        const taxRelief = random.chance(0.5);
        const result = await sk.finance.writeOff({ ledger: "receivables", documentId: item.documentId, reason: "bad-debt", date: shop.today(), ...(amount === undefined ? {} : { amount }), ...(taxRelief ? { taxRelief } : {}) });
        writeOffs.push(result.entryId);
        return result;
      },
    },
    {
      name: "finance.reverseEntry (write-off)",
      weight: writeOffs.length > 0 ? 0.15 : 0,
      // A write-off a late payment or a credit note recovered in part since is not undone whole.
      refuses: (error) => isStorekeepError(error) && error.code === "INVALID_TRANSITION" && /recovered since/.test(error.message),
      run: async () => {
        // A write-off made by mistake: reversing its entry undoes it (the debt is owed again, its relief too).
        const entryId = random.pick(writeOffs);
        writeOffs.splice(writeOffs.indexOf(entryId), 1);
        return sk.finance.reverseEntry({ entryId });
      },
    },
    // Customers on account (options.accounts): dunning runs.
    ...(options.accounts === true
      ? [
          {
            name: "finance.runDunning",
            weight: 0.2,
            run: async () => {
              // A dunning run today (the day's default id half the time: run again, it answers as before).
              const asOf = shop.today();
              const result = await sk.finance.runDunning({ asOf, ...(random.chance(0.5) ? { runId: shop.id("dun") } : {}) });
              const alone = !shop.concurrent();
              const all = alone ? await sk.finance.openItems({ ledger: "receivables" }) : [];
              const open = new Map(all.filter((i) => i.openAmount !== "0" || i.openFunctional !== "0").map((i) => [i.documentId, i]));
              for (const notice of result.notices) {
                if (alone && new Decimal(notice.credits).gte(notice.overdue)) throw new Error(`dunning notice ${notice.noticeId}: credits ${notice.credits} cover the ${notice.overdue} overdue, yet a notice went out`);
                if (!notice.items.some((i) => i.raised || i.repeated === true)) throw new Error(`dunning notice ${notice.noticeId} raised no invoice and reminded none again`);
                if (notice.level !== Math.max(...notice.items.map((i) => i.level))) throw new Error(`dunning notice ${notice.noticeId} is at level ${notice.level}, its invoices at ${notice.items.map((i) => i.level).join(", ")}`);
                // The customer's credits on account now (alone).
                const history = all.filter((i) => i.party === notice.party && i.currency === notice.currency && i.date <= asOf);
                const credits = history.filter((i) => toUnits(i.openAmount) < 0n).reduce((t, i) => t - toUnits(i.openAmount), 0n);
                if (alone && credits !== toUnits(notice.credits)) throw new Error(`dunning notice ${notice.noticeId} counts ${notice.credits} credits; the ledger has ${credits} units`);
                // Alone and fresh, day by day: the credits on account that day — each from the day after it arose, at what was
                // open of it that day (open now plus what was settled on that day or later) — cover that day's balances of the
                // listed invoices (none before its date), oldest first (the notice's order); interest is on what they leave.
                const fresh = alone && result.runId !== `dun_${asOf}`;
                const balanceOn = (i: OpenItem, day: string) => i.settlements.filter((x) => x.date >= day).reduce((t, x) => t + toUnits(x.amount), toUnits(i.openAmount));
                const listed = fresh
                  ? notice.items.map((i) => {
                      const through = interestThrough.get(i.documentId);
                      return { item: open.get(i.documentId), from: through !== undefined && through > i.dueDate ? through : i.dueDate };
                    })
                  : [];
                const others = history.filter((i) => !notice.items.some((l) => l.documentId === i.documentId));
                const unitDays = listed.map(() => 0n);
                if (listed.length > 0 && listed.every((l) => l.item !== undefined)) {
                  const first = listed.reduce((m, l) => (l.from < m ? l.from : m), listed[0]!.from);
                  for (let d = 1; d <= daysBetween(first as LocalDate, asOf as LocalDate); d++) {
                    const day = addDays(first as LocalDate, d);
                    let left = 0n;
                    for (const c of others) {
                      const balance = c.date < day ? balanceOn(c, day) : 0n;
                      if (balance >= 0n) continue;
                      left -= balance;
                      shop.tally("finance.dunning-days-credit");
                      // A credit on account that day that has left it since (paid back, or used on another invoice).
                      if (balance !== toUnits(c.openAmount)) shop.tally("finance.dunning-days-credit-since-used");
                    }
                    listed.forEach((l, k) => {
                      const owed = l.item!.date <= day ? balanceOn(l.item!, day) : 0n;
                      const cover = owed < left ? (owed > 0n ? owed : 0n) : left;
                      left -= cover;
                      if (day > l.from && owed - cover > 0n) unitDays[k]! += owed - cover;
                    });
                  }
                }
                for (const item of notice.items) {
                  const before = dunned.get(item.documentId) ?? { level: 0, lastNoticeOn: null };
                  // Alone and on a fresh run, a raised invoice went up exactly one level, as the default levels (7, 21, 35 days) allow.
                  if (alone && result.runId !== `dun_${asOf}` && item.raised) {
                    const expected = nextDunningLevel(SIM_DUNNING_LEVELS, before, item.daysOverdue, asOf);
                    if (item.level !== before.level + 1 || expected !== item.level) throw new Error(`dunning raised ${item.documentId} from level ${before.level} to ${item.level} (${item.daysOverdue} days overdue, last reminder ${before.lastNoticeOn ?? "none"})`);
                  }
                  if (alone && result.runId !== `dun_${asOf}`) {
                    const now = open.get(item.documentId);
                    if (now === undefined || now.openAmount !== item.open || now.dueDate >= asOf) throw new Error(`dunning listed ${item.documentId} with ${item.open} open, due ${item.dueDate}; the ledger has it ${now === undefined ? "closed" : `with ${now.openAmount} open, due ${now.dueDate}`}`);
                  }
                  // Alone and fresh, an invoice reminded again is at the last level, its last reminder at least the repeat interval ago.
                  if (alone && result.runId !== `dun_${asOf}` && item.repeated === true && (before.level !== SIM_DUNNING_LEVELS.length || before.lastNoticeOn === null || daysBetween(before.lastNoticeOn as LocalDate, asOf as LocalDate) < SIM_DUNNING.repeatLastEveryDays)) {
                    throw new Error(`dunning reminded ${item.documentId} again at level ${item.level} (it was at ${before.level}, last reminded ${before.lastNoticeOn ?? "never"})`);
                  }
                  if ((item.raised && item.level > before.level) || item.repeated === true) dunned.set(item.documentId, { level: item.level, lastNoticeOn: notice.asOf });
                  if (fresh) {
                    const k = notice.items.indexOf(item);
                    const { from } = listed[k]!;
                    const days = daysBetween(from as LocalDate, asOf as LocalDate);
                    const expected = dunningInterest(unitDays[k]!, SIM_INTEREST, 1, quantumOf(notice.currency));
                    const got = item.interest === undefined ? 0n : toUnits(item.interest.amount);
                    if (got !== expected || (item.interest !== undefined && (item.interest.from !== from || item.interest.days !== days))) {
                      throw new Error(`dunning charged ${item.documentId} interest ${JSON.stringify(item.interest ?? null)}; ${item.open} open from ${from} for ${days} days is ${new Decimal(expected.toString()).dividedBy(1_000_000).toFixed()}`);
                    }
                  }
                  interestThrough.set(item.documentId, notice.asOf);
                }
                const sum = notice.items.reduce((t, i) => t.plus(i.interest?.amount ?? 0), new Decimal(0));
                if (!sum.eq(notice.interest)) throw new Error(`dunning notice ${notice.noticeId} charged ${notice.interest} interest, its invoices ${sum.toFixed()}`);
              }
              return result;
            },
          }
        ]
      : []),
  ];

  const invariants = async (full: boolean): Promise<string[]> => {
    const violations: string[] = [];
    const date = shop.today();
    const tb = await sk.finance.trialBalance({ asOf: date });
    try {
      assertTrialBalanceSumsToZero(tb);
    } catch (error) {
      violations.push(`books: ${(error as Error).message}`);
    }
    if (full) violations.push(...(await ledgerInvariantViolations(sk.finance, [date])).map((v) => `ledger: ${v}`));
    if (full) {
      // A closed year leaves no revenue or expense balance at its end.
      for (const year of closedYears) {
        const end = await sk.finance.trialBalance({ asOf: `${year}-12-31` });
        const accounts = new Map((await sk.finance.accounts()).map((a) => [a.code, a.type]));
        for (const row of end.rows) {
          const type = accounts.get(row.account);
          if ((type === "revenue" || type === "expense") && !new Decimal(row.debit).eq(row.credit)) violations.push(`year ${year} closed, but ${type} account ${row.account} is ${new Decimal(row.debit).minus(row.credit).toFixed()} at its end`);
        }
      }
    }
    if (full || shop.step() % 5 === 0) {
      for (const c of await sk.finance.auditSubledgers({ asOf: date })) {
        if (!c.ok) violations.push(`subledger ${c.ledger} ${c.subledger} differs from control account ${c.account} ${c.control} by ${c.difference}`);
      }
      for (const control of controls) {
        const row = tb.rows.find((r) => r.account === control.account);
        const actual = row === undefined ? new Decimal(0) : new Decimal(row.debit).minus(row.credit);
        const expected = new Decimal(await control.expected());
        if (!actual.eq(expected)) violations.push(`${control.name}: control account ${control.account} is ${actual.toFixed()}, the subledger says ${expected.toFixed()}`);
      }
    }
    return violations;
  };

  return { name: "finance", steps, invariants };
}
