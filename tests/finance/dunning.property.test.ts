import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { memoryStore } from "../../src/adapters/memory/index.js";
import { dunningInterest, nextDunningLevel, resolveDunning } from "../../src/finance/dunning.js";
import { toUnits } from "../../src/finance/posting-kernel.js";
import { type LocalDate, daysBetween } from "../../src/kernel/local-date.js";
import { Decimal } from "../../src/kernel/decimal.js";
import { createStorekeep } from "../../src/storekeep.js";
import { ManualClock, sequentialIds } from "../../src/testing/index.js";
import { VAT } from "../sales/setup.js";

const DUNNING = { levels: [{ afterDays: 3 }, { afterDays: 8, fee: "2.5" }, { afterDays: 15, fee: "5" }], feeAccount: "6900", interest: { annualRate: "0.5", account: "6900" }, repeatLastEveryDays: 5 };
const INTEREST = { annualRate: "0.5", dayCount: 365 as const, account: "6900" };
const units = toUnits;
const daysFrom = (from: string, to: string) => daysBetween(from as LocalDate, to as LocalDate);
const LEVELS = resolveDunning({ levels: DUNNING.levels.map((l) => ({ afterDays: l.afterDays })) }).levels;

type Action = { kind: "order"; customer: number; terms: number; units: number } | { kind: "pay"; pick: number } | { kind: "part"; pick: number; tenths: number } | { kind: "days"; days: number } | { kind: "dun"; fresh: boolean } | { kind: "credit"; customer: number } | { kind: "refund"; pick: number } | { kind: "use"; pick: number };

// Payments are rarer than the rest, so that some invoices stay unpaid long enough to reach the last level and be reminded again.
const action: fc.Arbitrary<Action> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant("order" as const), customer: fc.integer({ min: 0, max: 2 }), terms: fc.integer({ min: 1, max: 10 }), units: fc.integer({ min: 1, max: 3 }) }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant("pay" as const), pick: fc.nat() }), weight: 1 },
  // A part payment: interest runs on what is left from the day after it.
  { arbitrary: fc.record({ kind: fc.constant("part" as const), pick: fc.nat(), tenths: fc.integer({ min: 1, max: 9 }) }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant("days" as const), days: fc.integer({ min: 1, max: 6 }) }), weight: 3 },
  { arbitrary: fc.record({ kind: fc.constant("dun" as const), fresh: fc.boolean() }), weight: 3 },
  // A credit on account: an order paid and then cancelled (its credit note owed back), which covers overdue invoices.
  { arbitrary: fc.record({ kind: fc.constant("credit" as const), customer: fc.integer({ min: 0, max: 2 }) }), weight: 1 },
  // A credit leaves the account: paid back to the customer, or allocated to an invoice of theirs (it covered interest while it was there).
  { arbitrary: fc.record({ kind: fc.constant("refund" as const), pick: fc.nat() }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant("use" as const), pick: fc.nat() }), weight: 1 },
);

describe("dunning over random days of orders, payments and runs", () => {
  it("property: an invoice goes up at most one level a run, only as the levels allow, never past the last; only open overdue invoices are listed; a fee is the level's; the last level repeats only after its interval; interest is charged on each day overdue once, on what was open that day (a part payment counts until its day) and not covered by the credits on account that day (those that had arisen by then, at what was open of them that day, a credit since refunded or used elsewhere too), oldest invoice first; the subledger equals the books", async () => {
    let notices = 0;
    let fees = 0;
    let recharged = 0;
    let repeats = 0;
    let lastLevel = 0;
    let coveredDays = 0;
    let partPaid = 0;
    let lateCredits = 0;
    let used = 0;
    let pastCredits = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(action, { minLength: 30, maxLength: 60 }), async (actions) => {
        const clock = new ManualClock("2026-03-02T10:00:00.000Z");
        const sk = createStorekeep({ store: memoryStore(), clock, ids: sequentialIds(), config: { functionalCurrency: "EUR", timeZone: "UTC" }, sales: { tax: { codes: VAT, seller: { country: "DE" } } }, finance: { dunning: DUNNING } });
        try {
          await sk.inventory.defineWarehouse({ warehouseId: "wh" });
          await sk.inventory.defineProduct({ sku: "MUG", costingMethod: "fifo" });
          await sk.inventory.receive({ sku: "MUG", warehouseId: "wh", quantity: "1000", unitCost: "3" });
          const orders: string[] = [];
          // Cancelled orders whose credit note may still be on account.
          const credits: string[] = [];
          const levels = new Map<string, { level: number; lastNoticeOn: string | null }>();
          const runs = new Map<string, unknown>();
          const interestThrough = new Map<string, string>();
          let n = 0;
          for (const a of actions) {
            const today = clock.now().toISOString().slice(0, 10);
            if (a.kind === "order") {
              const placed = await sk.sales.placeOrder({ orderId: `o${n++}`, customerId: `c${a.customer}`, currency: "EUR", warehouseId: "wh", lines: [{ sku: "MUG", quantity: a.units, unitPrice: "10" }], shipTo: { country: "DE" }, paymentTermsDays: a.terms });
              orders.push(placed.orderId);
            } else if (a.kind === "pay") {
              if (orders.length === 0) continue;
              const orderId = orders.splice(a.pick % orders.length, 1)[0]!;
              await sk.sales.capturePayment({ orderId, paymentId: `pay_${orderId}` });
            } else if (a.kind === "part") {
              if (orders.length === 0) continue;
              const orderId = orders[a.pick % orders.length]!;
              const invoice = (await sk.finance.openItems({ ledger: "receivables", openOnly: true })).find((i) => i.orderId === orderId && i.documentType === "invoice");
              if (invoice === undefined) continue;
              const amount = new Decimal(invoice.openAmount).times(a.tenths).dividedBy(10).toDecimalPlaces(2, Decimal.ROUND_DOWN);
              if (amount.lte(0)) continue;
              await sk.sales.capturePayment({ orderId, paymentId: `part_${n++}`, amount: amount.toFixed() });
            } else if (a.kind === "credit") {
              const orderId = `o${n++}`;
              await sk.sales.placeOrder({ orderId, customerId: `c${a.customer}`, currency: "EUR", warehouseId: "wh", lines: [{ sku: "MUG", quantity: 1, unitPrice: "10" }], shipTo: { country: "DE" } });
              await sk.sales.capturePayment({ orderId, paymentId: `pay_${orderId}` });
              await sk.sales.cancelOrder({ orderId });
              credits.push(orderId);
            } else if (a.kind === "refund" || a.kind === "use") {
              if (credits.length === 0) continue;
              const orderId = credits.splice(a.pick % credits.length, 1)[0]!;
              const credit = (await sk.finance.openItems({ ledger: "receivables", openOnly: true })).find((i) => i.orderId === orderId && i.documentType === "credit-note");
              if (credit === undefined) continue;
              if (a.kind === "refund") {
                await sk.sales.refundPayment({ orderId, refundId: `ref_${n++}`, amount: new Decimal(credit.openAmount).negated().toFixed() });
              } else {
                const invoice = (await sk.finance.openItems({ ledger: "receivables", party: credit.party, openOnly: true })).find((i) => i.documentType === "invoice" && units(i.openAmount) > 0n);
                if (invoice === undefined) continue;
                await sk.finance.allocate({ ledger: "receivables", creditId: credit.documentId, documentIds: [invoice.documentId], date: today });
                used++;
                // An invoice the credit paid whole has nothing left to capture.
                if (units(invoice.openAmount) <= -units(credit.openAmount) && orders.includes(invoice.orderId!)) orders.splice(orders.indexOf(invoice.orderId!), 1);
                // What is left of a credit larger than the invoice stays on account.
                if (-units(credit.openAmount) > units(invoice.openAmount)) credits.push(orderId);
              }
            } else if (a.kind === "days") {
              clock.advance(a.days * 86_400_000);
            } else {
              const all = await sk.finance.openItems({ ledger: "receivables" });
              const open = new Map(all.filter((i) => i.openAmount !== "0").map((i) => [i.documentId, i]));
              // Half the runs under an id of their own (another run the same day), half under the day's default.
              const run = await sk.finance.runDunning({ asOf: today, ...(a.fresh ? { runId: `run${n++}` } : {}) });
              // The day's second run under the default id answers as the first did: nothing new to check.
              if (runs.has(run.runId)) {
                expect(run).toEqual(runs.get(run.runId));
                continue;
              }
              runs.set(run.runId, run);
              for (const notice of run.notices) {
                notices++;
                const raisedTo = Math.max(...notice.items.filter((i) => i.raised || i.repeated === true).map((i) => i.level));
                expect(notice.fee).toBe(DUNNING.levels[raisedTo - 1]!.fee ?? "0");
                if (notice.fee !== "0") fees++;
                expect(notice.overdue).toBe(notice.items.reduce((s, i) => s.plus(i.open), new Decimal(0)).toFixed());
                expect(notice.interest).toBe(notice.items.reduce((s, i) => s.plus(i.interest?.amount ?? 0), new Decimal(0)).toFixed());
                // The customer's credits on account now.
                const history = all.filter((i) => i.party === notice.party && i.currency === notice.currency && i.date <= today);
                expect(history.filter((i) => units(i.openAmount) < 0n).reduce((t, i) => t - units(i.openAmount), 0n)).toBe(units(notice.credits));
                // Day by day, the credits on account that day — each from the day after it arose, at what was open of it that day
                // (what is open now and every settlement dated that day or later) — cover that day's balances of the listed
                // invoices (each owing nothing before its date), oldest first: the notice's order.
                const balanceOn = (i: (typeof all)[number], day: string) => i.settlements.filter((x) => x.date >= day).reduce((t, x) => t + units(x.amount), units(i.openAmount));
                const listed = notice.items.map((i) => ({ item: open.get(i.documentId)!, from: interestThrough.get(i.documentId) ?? i.dueDate }));
                const others = history.filter((i) => !notice.items.some((l) => l.documentId === i.documentId));
                const unitDays = listed.map(() => 0n);
                const first = listed.reduce((m, l) => (l.from < m ? l.from : m), listed[0]!.from);
                for (let d = 1; d <= daysFrom(first, today); d++) {
                  const day = new Date(Date.parse(`${first}T00:00:00Z`) + d * 86_400_000).toISOString().slice(0, 10);
                  let left = 0n;
                  for (const c of others) {
                    const balance = c.date < day ? balanceOn(c, day) : 0n;
                    if (balance >= 0n) continue;
                    left -= balance;
                    if (c.openAmount === "0") pastCredits++;
                    if (c.date >= first) lateCredits++;
                  }
                  listed.forEach((l, k) => {
                    const owed = l.item.date <= day ? balanceOn(l.item, day) : 0n;
                    const cover = owed < left ? (owed > 0n ? owed : 0n) : left;
                    left -= cover;
                    if (day > l.from && owed - cover > 0n) unitDays[k]! += owed - cover;
                    if (day > l.from && cover > 0n) coveredDays++;
                  });
                }
                for (const item of notice.items) {
                  const before = levels.get(item.documentId) ?? { level: 0, lastNoticeOn: null };
                  const item0 = open.get(item.documentId);
                  expect(item0?.documentType).toBe("invoice");
                  expect(item0?.openAmount).toBe(item.open);
                  expect(item.dueDate < today).toBe(true);
                  expect(item.level).toBe(item.raised ? before.level + 1 : before.level);
                  expect(item.level).toBe(nextDunningLevel(LEVELS, before, item.daysOverdue, today));
                  expect(item.level).toBeLessThanOrEqual(LEVELS.length);
                  // Reminded again only at the last level, its last reminder at least the repeat interval ago.
                  if (item.repeated === true) {
                    repeats++;
                    expect(item.raised).toBe(false);
                    expect(before.level).toBe(LEVELS.length);
                    expect(daysFrom(before.lastNoticeOn!, today)).toBeGreaterThanOrEqual(DUNNING.repeatLastEveryDays);
                  } else if (before.level === LEVELS.length && before.lastNoticeOn !== null) {
                    expect(daysFrom(before.lastNoticeOn, today), `${item.documentId} was due a repeat`).toBeLessThan(DUNNING.repeatLastEveryDays);
                  }
                  if (item.raised && item.level === LEVELS.length) lastLevel++;
                  if (item.raised || item.repeated === true) levels.set(item.documentId, { level: item.level, lastNoticeOn: today });
                  // Interest from the due date or the day it was last worked out to, never a day twice, on what the credits leave.
                  const k = notice.items.indexOf(item);
                  const from = listed[k]!.from;
                  const expected = dunningInterest(unitDays[k]!, INTEREST, 1, 10_000n);
                  if (listed[k]!.item.settlements.some((x) => x.date > from)) partPaid++;
                  expect(item.interest === undefined ? 0n : units(item.interest.amount)).toBe(expected);
                  if (item.interest !== undefined) {
                    expect(item.interest).toMatchObject({ from, days: daysFrom(from, today) });
                    if (from !== item.dueDate) recharged++;
                  }
                  interestThrough.set(item.documentId, today);
                }
              }
              // An overdue invoice left out of every notice could not go up a level, unless its customer's credits cover what is overdue (then it is listed under covered, and the credits cover it).
              const listed = new Set(run.notices.flatMap((x) => x.items.map((i) => i.documentId)));
              const coveredParties = new Set(run.covered.map((c) => c.party));
              for (const c of run.covered) expect(new Decimal(c.credits).gte(c.overdue)).toBe(true);
              for (const item of open.values()) {
                if (item.documentType !== "invoice" || item.dueDate >= today || listed.has(item.documentId) || coveredParties.has(item.party)) continue;
                const before = levels.get(item.documentId) ?? { level: 0, lastNoticeOn: null };
                const days = daysFrom(item.dueDate, today);
                expect(nextDunningLevel(LEVELS, before, days, today), `${item.documentId} was due to go up`).toBe(before.level);
              }
              const audit = await sk.finance.auditSubledgers({ asOf: "2026-12-31" });
              expect(audit.filter((c) => c.difference !== "0")).toEqual([]);
            }
          }
        } finally {
          await sk.close();
        }
      }),
      { numRuns: 60, seed: 2712 },
    );
    // The property drew what it is about.
    expect(notices).toBeGreaterThan(20);
    expect(fees).toBeGreaterThan(0);
    expect(recharged).toBeGreaterThan(0);
    expect(repeats).toBeGreaterThan(0);
    expect(lastLevel).toBeGreaterThan(0);
    expect(coveredDays).toBeGreaterThan(0);
    expect(partPaid).toBeGreaterThan(0);
    expect(lateCredits).toBeGreaterThan(0);
    expect(used).toBeGreaterThan(0);
    expect(pastCredits).toBeGreaterThan(0);
  }, 120_000);
});
