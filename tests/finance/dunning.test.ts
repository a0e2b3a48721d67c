import { describe, expect, it } from "vitest";
import { DEFAULT_DUNNING_LEVELS, type ItemHistory, dunningInterest, interestUnitDays, nextDunningLevel, resolveDunning } from "../../src/finance/dunning.js";
import { extendChart } from "../../src/finance/accounts.js";
import { defaultChart } from "../../src/finance/chart.js";
import { isStorekeepError } from "../../src/kernel/errors.js";
import type { Storekeep } from "../../src/storekeep.js";
import { balance, booksAgree, sharedPglite, shop, stock, storeOf } from "../sales/setup.js";
import { ManualClock, sequentialIds } from "../../src/testing/index.js";
import { createStorekeep } from "../../src/storekeep.js";
import { USD_RATES, VAT } from "../sales/setup.js";
import { memoryRates } from "../../src/adapters/memory/index.js";
import type { DunningOptions } from "../../src/finance/dunning.js";

/** The sales test shop (EUR, German VAT, the manual clock) with the given dunning options. */
function shopWith(kind: "memory" | "pglite", dunning: DunningOptions) {
  const clock = new ManualClock("2026-03-02T10:00:00.000Z");
  const sk = createStorekeep({ store: storeOf(kind, db), clock, ids: sequentialIds(), config: { functionalCurrency: "EUR", timeZone: "UTC" }, sales: { tax: { codes: VAT, seller: { country: "DE" } } }, finance: { dunning } });
  return { sk, clock };
}

const db = sharedPglite();

/** The sales test shop charging 9.12% default interest to 4910 (Interest income, added to the chart). */
function interestShop(kind: "memory" | "pglite") {
  const clock = new ManualClock("2026-03-02T10:00:00.000Z");
  const chart = extendChart(defaultChart(), [{ code: "4910", name: "Interest income", type: "revenue", parent: "4000" }]);
  const sk = createStorekeep({ store: storeOf(kind, db), clock, ids: sequentialIds(), config: { functionalCurrency: "EUR", timeZone: "UTC" }, sales: { tax: { codes: VAT, seller: { country: "DE" } } }, finance: { chart, dunning: { interest: { annualRate: "0.0912", account: "4910" } } } });
  return { sk, clock };
}

/** An order of one MUG at 100 + 19% = 119 for `customerId`, invoiced on order, due 14 days later (16 March). */
const order = (sk: Storekeep, orderId: string, customerId: string) =>
  sk.sales.placeOrder({ orderId, customerId, currency: "EUR", warehouseId: "wh", lines: [{ sku: "MUG", quantity: 1, unitPrice: "100" }], shipTo: { country: "DE" }, paymentTermsDays: 14 });

async function codeOf(work: () => Promise<unknown>): Promise<string> {
  try {
    await work();
    return "none";
  } catch (e) {
    return isStorekeepError(e) ? e.code : String(e);
  }
}

describe("dunning levels", () => {
  it("raise an invoice one level at a time, once overdue long enough and long enough after its last reminder", () => {
    const levels = DEFAULT_DUNNING_LEVELS; // 7, 21, 35 days
    expect(nextDunningLevel(levels, { level: 0, lastNoticeOn: null }, 6, "2026-03-22")).toBe(0);
    expect(nextDunningLevel(levels, { level: 0, lastNoticeOn: null }, 7, "2026-03-23")).toBe(1);
    // Found only on day 40: the first reminder, not the third.
    expect(nextDunningLevel(levels, { level: 0, lastNoticeOn: null }, 40, "2026-04-25")).toBe(1);
    // 21 days overdue, but the first reminder went out 10 days ago (the levels are 14 days apart).
    expect(nextDunningLevel(levels, { level: 1, lastNoticeOn: "2026-03-27" }, 21, "2026-04-06")).toBe(1);
    expect(nextDunningLevel(levels, { level: 1, lastNoticeOn: "2026-03-23" }, 21, "2026-04-06")).toBe(2);
    expect(nextDunningLevel(levels, { level: 3, lastNoticeOn: "2026-04-20" }, 90, "2026-06-14")).toBe(3);
  });

  it("options: later level by level, whole days, fees with an account that takes them, known keys only", () => {
    const chart = defaultChart();
    expect(resolveDunning({ levels: [{ afterDays: 14 }, { afterDays: 28, fee: "5.00" }], feeAccount: "6900" }, chart)).toEqual({
      levels: [{ level: 1, afterDays: 14, fee: "0" }, { level: 2, afterDays: 28, fee: "5" }],
      feeAccount: "6900",
      interest: null,
      repeatLastEveryDays: null,
    });
    expect(resolveDunning({ interest: { annualRate: "0.0912", account: "6900" } }, chart).interest).toEqual({ annualRate: "0.0912", dayCount: 365, account: "6900" });
    const fails = (o: unknown, control: ReadonlySet<string> = new Set()) => {
      try {
        resolveDunning(o as never, chart, control);
        return "none";
      } catch (e) {
        return isStorekeepError(e) ? `${e.code}: ${e.message}` : String(e);
      }
    };
    expect(fails({ levels: [{ afterDays: 14 }, { afterDays: 14 }] })).toMatch(/^VALIDATION_FAILED: dunning.levels\[1\].afterDays must be later/);
    expect(fails({ levels: [{ afterDays: 0.5 }] })).toMatch(/^VALIDATION_FAILED: dunning.levels\[0\].afterDays/);
    expect(fails({ levels: [] })).toMatch(/^VALIDATION_FAILED/);
    expect(fails({ level: [{ afterDays: 7 }] })).toMatch(/^VALIDATION_FAILED: .*"level".*levels/);
    expect(fails({ levels: [{ afterDays: 7, fee: "5" }] })).toMatch(/^VALIDATION_FAILED: dunning.feeAccount must name/);
    expect(fails({ levels: [{ afterDays: 7, fee: "-5" }], feeAccount: "6900" })).toMatch(/^VALIDATION_FAILED: dunning.levels\[0\].fee/);
    expect(fails({ levels: [{ afterDays: 7, fee: "5" }], feeAccount: "9999" })).toMatch(/^VALIDATION_FAILED: dunning.feeAccount names 9999, which is not in the chart/);
    expect(fails({ levels: [{ afterDays: 7, fee: "5" }], feeAccount: "1200" }, new Set(["1200"]))).toMatch(/a control account/);
    expect(fails({ interest: { annualRate: "9.12", account: "6900" } })).toMatch(/^VALIDATION_FAILED: dunning.interest.annualRate must be a ratio .*"0.0912" for 9.12%/);
    expect(fails({ interest: { annualRate: "0.0912", account: "6900", dayCount: 366 } })).toMatch(/^VALIDATION_FAILED: dunning.interest.dayCount/);
    expect(fails({ interest: { annualRate: "0.0912", account: "9999" } })).toMatch(/^VALIDATION_FAILED: dunning.interest.account names 9999/);
    expect(fails({ interest: { annualRate: "0.0912", account: "6900", rate: "0.1" } })).toMatch(/^VALIDATION_FAILED: .*"rate"/);
    expect(fails({ repeatLastEveryDays: 0 })).toMatch(/^VALIDATION_FAILED: dunning.repeatLastEveryDays/);
  });

  it("default interest: open × annual rate × days / day count, half up to the minor unit", () => {
    const interest = { annualRate: "0.0912", dayCount: 365 as const, account: "6900" };
    const q = 10_000n; // the posting kernel's units per cent (6 decimals, EUR's quantum)
    const units = (x: string) => BigInt(Math.round(Number(x) * 1_000_000));
    expect(dunningInterest(units("119"), interest, 7, q)).toBe(units("0.21")); // 0.208...
    expect(dunningInterest(units("119"), interest, 14, q)).toBe(units("0.42")); // 0.416...
    expect(dunningInterest(units("1000"), { ...interest, dayCount: 360 }, 30, q)).toBe(units("7.6"));
    expect(dunningInterest(units("119"), interest, 0, q)).toBe(0n);
    expect(dunningInterest(units("-10"), interest, 30, q)).toBe(0n);
  });

  it("unit-days: each day's balance, a settlement counting until its day, later ones not yet made, credits taken off each day", () => {
    const units = (x: string) => BigInt(Math.round(Number(x) * 1_000_000));
    const item = { date: "2026-02-01", openAmount: "10", settlements: [{ date: "2026-03-01", amount: "9" }, { date: "2026-03-11", amount: "60" }, { date: "2026-03-20", amount: "30" }] };
    const one = (from: string, asOf: string, credits: ItemHistory[] = []) => interestUnitDays([{ item, from }], credits, asOf)[0];
    // From 03-01 to 03-16: 10 days at 100 (03-02 to 03-11), 5 at 40; the 30 paid on 03-20 not yet; the 9 before is in.
    expect(one("2026-03-01", "2026-03-16")).toBe(units("1200"));
    // Credits of 50 on account since before the period cover 50 of every day: 10 × 50 + 5 × 0.
    expect(one("2026-03-01", "2026-03-16", [{ date: "2026-02-20", openAmount: "-50", settlements: [] }])).toBe(units("500"));
    // Through 03-25: 03-17 to 03-20 at 40, then 10 left for 5 days.
    expect(one("2026-03-16", "2026-03-25")).toBe(units("210"));
    expect(one("2026-03-16", "2026-03-16")).toBe(0n);
    expect(interestUnitDays([{ item: { date: "2026-03-01", openAmount: "119", settlements: [] }, from: "2026-03-16" }], [], "2026-03-23")).toEqual([units("833")]);
  });

  it("unit-days: a credit on account covers from the day after it arose, not the days before", () => {
    const units = (x: string) => BigInt(Math.round(Number(x) * 1_000_000));
    const item = { date: "2026-02-01", openAmount: "100", settlements: [] };
    const credit = (date: string, amount: string): ItemHistory => ({ date, openAmount: `-${amount}`, settlements: [] });
    const one = (credits: ItemHistory[], it: ItemHistory = item) => interestUnitDays([{ item: it, from: "2026-03-01" }], credits, "2026-03-16")[0];
    // 100 open from 03-01 to 03-16; a credit of 30 arose on 02-20 (before the period) and one of 50 on 03-11:
    // 03-02..03-11 at 70 (10 days), 03-12..03-16 at 20 (5 days) = 800.
    expect(one([credit("2026-02-20", "30"), credit("2026-03-11", "50")])).toBe(units("800"));
    // The same credits taken off every day (an older rule) would give 15 × 20 = 300.
    expect(one([credit("2026-02-20", "80")])).toBe(units("300"));
    // A credit dated on or after the last day covers nothing yet.
    expect(one([credit("2026-03-16", "50")])).toBe(units("1500"));
    // Together with a part payment: 40 paid on 03-06, a credit of 60 on 03-11: 5 × 100 + 5 × 60 + 5 × 0.
    expect(one([credit("2026-03-11", "60")], { date: "2026-02-01", openAmount: "60", settlements: [{ date: "2026-03-06", amount: "40" }] })).toBe(units("800"));
  });

  it("unit-days: a credit since refunded or used on another invoice covered the days it was on account, at what was open of it each day", () => {
    const units = (x: string) => BigInt(Math.round(Number(x) * 1_000_000));
    const item = { date: "2026-02-01", openAmount: "100", settlements: [] };
    const one = (credits: ItemHistory[]) => interestUnitDays([{ item, from: "2026-03-01" }], credits, "2026-03-16")[0];
    // A credit of 50 that arose on 03-05 and was refunded on 03-11 (nothing open of it now): 03-02..03-05 at 100
    // (4 days), 03-06..03-11 at 50 (6 days, the refund's day still covered), 03-12..03-16 at 100 (5 days) = 1,200.
    // Counted at what is open of it now, it covered nothing: 1,500.
    expect(one([{ date: "2026-03-05", openAmount: "0", settlements: [{ date: "2026-03-11", amount: "-50" }] }])).toBe(units("1200"));
    // A credit of 80 from 02-20, 30 of it refunded on 03-06 and 50 used on another invoice on 03-11:
    // 5 days at 20, 5 at 50, 5 at 100 = 850.
    expect(one([{ date: "2026-02-20", openAmount: "0", settlements: [{ date: "2026-03-06", amount: "-30" }, { date: "2026-03-11", amount: "-50" }] }])).toBe(units("850"));
    // Settled before the period: it covers none of it.
    expect(one([{ date: "2026-02-10", openAmount: "0", settlements: [{ date: "2026-02-20", amount: "-50" }] }])).toBe(units("1500"));
  });

  it("unit-days: each day's credits cover that day's balances oldest invoice first; an invoice owes nothing before its date", () => {
    const units = (x: string) => BigInt(Math.round(Number(x) * 1_000_000));
    // A (100, part paid 60 on 03-06) and B (50, invoiced 03-08), a credit of 70 on account since 02-20, from 03-01 to 03-11.
    const a = { item: { date: "2026-02-01", openAmount: "40", settlements: [{ date: "2026-03-06", amount: "60" }] }, from: "2026-03-01" };
    const b = { item: { date: "2026-03-08", openAmount: "50", settlements: [] }, from: "2026-03-01" };
    const [da, db] = interestUnitDays([a, b], [{ date: "2026-02-20", openAmount: "-70", settlements: [] }], "2026-03-11");
    // A: 03-02..03-06 at 100 − 70 = 30 (5 days), then 40 all covered: 150. B: nothing before 03-08; 03-08..03-11 at 50 − 30 = 20 (4 days): 80.
    expect(da).toBe(units("150"));
    expect(db).toBe(units("80"));
  });
});

describe.each(["memory", "pglite"] as const)("sk.finance.runDunning on %s", (kind) => {
  it("reminds customers of overdue invoices level by level, leaves out what is paid or covered by credits, and runs once per runId", async () => {
    const { sk, clock } = shop(storeOf(kind, db));
    await stock(sk);
    await order(sk, "o1", "c1");
    await order(sk, "o2", "c2");
    await order(sk, "o3", "c3");
    // c3 paid an order it then cancelled: the credit note's 119 is owed back, and covers o3.
    await order(sk, "o3b", "c3");
    await sk.sales.capturePayment({ orderId: "o3b", paymentId: "pay_3b" });
    await sk.sales.cancelOrder({ orderId: "o3b" });

    clock.set("2026-03-20T10:00:00.000Z");
    expect((await sk.finance.runDunning({ asOf: "2026-03-20" })).notices).toEqual([]); // 4 days overdue

    clock.set("2026-03-23T10:00:00.000Z");
    const first = await sk.finance.runDunning({ asOf: "2026-03-23" });
    expect(first.runId).toBe("dun_2026-03-23");
    expect(first.notices.map((n) => [n.party, n.level, n.overdue, n.items.map((i) => [i.documentId, i.daysOverdue, i.level, i.raised])])).toEqual([
      ["c1", 1, "119", [["INV2026-000001", 7, 1, true]]],
      ["c2", 1, "119", [["INV2026-000002", 7, 1, true]]],
    ]);
    expect(first.notices[0]).toMatchObject({ noticeId: "dun_2026-03-23|c1|EUR", currency: "EUR", credits: "0", items: [{ orderId: "o1", dueDate: "2026-03-16", open: "119" }] });
    expect(first.covered).toEqual([{ party: "c3", currency: "EUR", overdue: "119", credits: "119" }]);
    // The same run again answers as before and issues nothing new; its id on another day is refused.
    expect(await sk.finance.runDunning({ asOf: "2026-03-23" })).toEqual(first);
    expect(await codeOf(() => sk.finance.runDunning({ asOf: "2026-03-22", runId: "dun_2026-03-23" }))).toBe("DUPLICATE_DOCUMENT");
    // Another run the same day raises nothing (a reminder went out today).
    expect((await sk.finance.runDunning({ asOf: "2026-03-23", runId: "again" })).notices).toEqual([]);
    expect(await codeOf(() => sk.finance.runDunning({ asOf: "2026-03-24" }))).toBe("VALIDATION_FAILED"); // tomorrow

    clock.set("2026-03-31T10:00:00.000Z");
    expect((await sk.finance.runDunning({ asOf: "2026-03-30" })).notices).toEqual([]); // 14 days: level 2 needs 21
    await sk.sales.capturePayment({ orderId: "o2", paymentId: "pay_2" });
    clock.set("2026-04-20T10:00:00.000Z");
    const second = await sk.finance.runDunning({ asOf: "2026-04-06" });
    expect(second.notices.map((n) => [n.party, n.level])).toEqual([["c1", 2]]);
    const third = await sk.finance.runDunning({ asOf: "2026-04-20" });
    expect(third.notices.map((n) => [n.party, n.level, n.items[0]!.daysOverdue])).toEqual([["c1", 3, 35]]);
    clock.set("2026-05-20T10:00:00.000Z");
    expect((await sk.finance.runDunning({ asOf: "2026-05-20" })).notices).toEqual([]); // the last level was reached

    // A second invoice falling overdue later gets its own first reminder, on a notice that lists both.
    clock.set("2026-05-04T10:00:00.000Z");
    await order(sk, "o4", "c1");
    clock.set("2026-05-25T10:00:00.000Z");
    const fourth = await sk.finance.runDunning({ asOf: "2026-05-25" });
    expect(fourth.notices.map((n) => [n.party, n.level, n.overdue, n.items.map((i) => [i.documentId, i.level, i.raised])])).toEqual([["c1", 3, "238", [["INV2026-000001", 3, false], ["INV2026-000005", 1, true]]]]);

    expect((await sk.finance.dunningNotices({ party: "c1" })).map((n) => [n.asOf, n.level])).toEqual([["2026-03-23", 1], ["2026-04-06", 2], ["2026-04-20", 3], ["2026-05-25", 3]]);
    expect((await sk.finance.dunningNotices({ from: "2026-04-01", to: "2026-04-30" })).map((n) => n.noticeId)).toEqual(["dun_2026-04-06|c1|EUR", "dun_2026-04-20|c1|EUR"]);
    // Each notice is announced once for the shop to send.
    const events = (await sk.store.readEvents(null, 10_000)).filter((e) => e.type === "DunningNoticeIssued");
    expect(events.map((e) => (e.payload as { noticeId: string }).noticeId)).toEqual((await sk.finance.dunningNotices()).map((n) => n.noticeId));
    expect(events[0]!.payload).toMatchObject({ party: "c1", level: 1, overdue: { amount: "119", currency: "EUR" }, items: [{ documentId: "INV2026-000001", orderId: "o1", daysOverdue: 7, level: 1 }] });
    // CRM puts each reminder on the customer's timeline, once.
    await sk.crm.syncTimeline();
    await sk.crm.syncTimeline();
    const reminders = (await sk.crm.timeline("c1", { limit: 100 })).entries.filter((e) => e.kind === "reminder");
    expect(reminders.map((e) => [e.subject, e.amount])).toEqual([
      ["Payment reminder, level 3", { amount: "238", currency: "EUR" }],
      ["Payment reminder, level 3", { amount: "119", currency: "EUR" }],
      ["Payment reminder, level 2", { amount: "119", currency: "EUR" }],
      ["Payment reminder, level 1", { amount: "119", currency: "EUR" }],
    ]);
    expect(reminders[0]!.body).toBe("INV2026-000001: 70 days overdue\nINV2026-000005: 7 days overdue");
    // Nothing is posted: the books are as the orders left them.
    expect((await sk.finance.journal()).some((e) => e.memo?.includes("unning") === true)).toBe(false);
    await sk.close();
  });

  it("charges the fee of the level it raised to, on a receivable of its own, credited to the shop's fee account", async () => {
    const { sk, clock } = shopWith(kind, { levels: [{ afterDays: 7 }, { afterDays: 21, fee: "5" }], feeAccount: "6900" });
    await stock(sk);
    await order(sk, "o1", "c1");
    clock.set("2026-03-23T10:00:00.000Z");
    expect((await sk.finance.runDunning({ asOf: "2026-03-23" })).notices[0]).toMatchObject({ level: 1, fee: "0" });
    clock.set("2026-04-06T10:00:00.000Z");
    const [notice] = (await sk.finance.runDunning({ asOf: "2026-04-06" })).notices;
    expect(notice).toMatchObject({ level: 2, fee: "5", feeDocumentId: "dun_2026-04-06|c1|EUR|fee", overdue: "119" });
    const fee = (await sk.finance.openItems({ ledger: "receivables", party: "c1", openOnly: true })).find((i) => i.documentType === "dunning-fee");
    expect(fee).toMatchObject({ documentId: "dun_2026-04-06|c1|EUR|fee", openAmount: "5", dueDate: "2026-04-06" });
    expect(await balance(sk, "6900")).toBe("-5.00");
    expect(await balance(sk, "1200")).toBe("124.00");
    expect((await sk.store.readEvents(null, 10_000)).filter((e) => e.type === "DunningNoticeIssued").at(-1)!.payload).toMatchObject({ fee: { amount: "5", currency: "EUR" } });
    // A fee the shop gives up is written off like any debt; the books and the subledger agree throughout.
    await sk.finance.writeOff({ ledger: "receivables", documentId: "dun_2026-04-06|c1|EUR|fee", reason: "bad-debt", date: "2026-04-06" });
    await booksAgree(sk);
    // A fee is not itself dunned.
    clock.set("2026-05-20T10:00:00.000Z");
    expect((await sk.finance.runDunning({ asOf: "2026-05-20" })).notices).toEqual([]);
    await sk.close();
  });

  it("charges default interest on what is overdue since its due date or the last interest charged, on a receivable of its own, with every notice that goes out", async () => {
    const { sk, clock } = interestShop(kind);
    await stock(sk);
    await order(sk, "o1", "c1"); // 119, due 03-16
    clock.set("2026-03-20T10:00:00.000Z");
    await order(sk, "o2", "c1"); // 119, due 04-03
    clock.set("2026-03-23T10:00:00.000Z");
    // 7 days overdue: 119 × 9.12% × 7 / 365 = 0.208 → 0.21.
    const first = (await sk.finance.runDunning({ asOf: "2026-03-23" })).notices[0]!;
    expect(first).toMatchObject({ level: 1, interest: "0.21", interestDocumentId: "dun_2026-03-23|c1|EUR|interest" });
    expect(first.items).toEqual([expect.objectContaining({ documentId: expect.any(String), level: 1, interest: { amount: "0.21", from: "2026-03-16", days: 7 } })]);
    clock.set("2026-04-06T10:00:00.000Z");
    // o1: 14 more days (0.42); o2, 3 days overdue and below the first level, listed with its 3 days (0.09).
    const second = (await sk.finance.runDunning({ asOf: "2026-04-06" })).notices[0]!;
    expect(second.interest).toBe("0.51");
    expect(second.items.map((i) => [i.level, i.raised, i.interest])).toEqual([
      [2, true, { amount: "0.42", from: "2026-03-23", days: 14 }],
      [0, false, { amount: "0.09", from: "2026-04-03", days: 3 }],
    ]);
    // Half of o1 paid: the next interest is on what is open.
    await sk.sales.capturePayment({ orderId: "o1", paymentId: "pay_1", amount: "59" });
    clock.set("2026-04-20T10:00:00.000Z");
    const third = (await sk.finance.runDunning({ asOf: "2026-04-20" })).notices[0]!;
    // o1: 60 × 9.12% × 14 / 365 = 0.2099 → 0.21; o2: 119 for 14 days → 0.42.
    expect(third.items.map((i) => [i.level, i.interest])).toEqual([
      [3, { amount: "0.21", from: "2026-04-06", days: 14 }],
      [1, { amount: "0.42", from: "2026-04-06", days: 14 }],
    ]);
    expect(third.interest).toBe("0.63");
    expect(await balance(sk, "4910")).toBe("-1.35");
    const charged = (await sk.finance.openItems({ ledger: "receivables", party: "c1", openOnly: true })).filter((i) => i.documentType === "dunning-interest");
    expect(charged.map((i) => i.openAmount)).toEqual(["0.21", "0.51", "0.63"]);
    expect((await sk.store.readEvents(null, 10_000)).filter((e) => e.type === "DunningNoticeIssued").at(-1)!.payload).toMatchObject({ interest: { amount: "0.63", currency: "EUR" } });
    // The same run again charges nothing more; interest is not itself dunned or charged interest on.
    expect((await sk.finance.runDunning({ asOf: "2026-04-20" })).notices[0]!.interest).toBe("0.63");
    expect(await balance(sk, "4910")).toBe("-1.35");
    await booksAgree(sk);
    await sk.close();
  });

  it("interest runs on each day's balance: a part payment between two notices counts until its day, not back to the last notice", async () => {
    const { sk, clock } = interestShop(kind);
    await stock(sk);
    await order(sk, "o1", "c1"); // 119, due 03-16
    clock.set("2026-03-20T10:00:00.000Z");
    await sk.sales.capturePayment({ orderId: "o1", paymentId: "pay_1", amount: "39" });
    clock.set("2026-03-26T10:00:00.000Z");
    await sk.sales.capturePayment({ orderId: "o1", paymentId: "pay_2", amount: "20" });
    clock.set("2026-04-05T10:00:00.000Z");
    // 4 days at 119 (03-17 to 03-20, the day paid included), 6 at 80, 10 at 60: 1,556 × 9.12% / 365
    // = 0.389 → 0.39 (60 for all 20 days would be 0.30).
    const notice = (await sk.finance.runDunning({ asOf: "2026-04-05" })).notices[0]!;
    expect(notice.items).toEqual([expect.objectContaining({ open: "60", interest: { amount: "0.39", from: "2026-03-16", days: 20 } })]);
    expect(await balance(sk, "4910")).toBe("-0.39");
    await booksAgree(sk);
    await sk.close();
  });

  it("a notice in a foreign currency charges its fee at the day's rate and its interest in that currency, booked at the day's rate", async () => {
    const clock = new ManualClock("2026-03-02T10:00:00.000Z");
    const chart = extendChart(defaultChart(), [{ code: "4910", name: "Interest income", type: "revenue", parent: "4000" }]);
    const sk = createStorekeep({ store: storeOf(kind, db), clock, ids: sequentialIds(), rates: memoryRates(USD_RATES), config: { functionalCurrency: "EUR", timeZone: "UTC" }, sales: { tax: { codes: VAT, seller: { country: "DE" } } }, finance: { chart, dunning: { levels: [{ afterDays: 7, fee: "5" }], feeAccount: "6900", interest: { annualRate: "0.0912", account: "4910" } } } });
    await stock(sk);
    await sk.sales.placeOrder({ orderId: "o1", customerId: "c1", currency: "USD", warehouseId: "wh", lines: [{ sku: "MUG", quantity: 1, unitPrice: "100" }], shipTo: { country: "DE" }, paymentTermsDays: 14 });
    clock.set("2026-03-23T10:00:00.000Z");
    // 5 EUR at 0.95 is 5.26 USD (booked 5.00 EUR); 7 days on 119 USD is 0.21 USD (booked 0.20 EUR).
    const [notice] = (await sk.finance.runDunning({ asOf: "2026-03-23" })).notices;
    expect(notice).toMatchObject({ currency: "USD", fee: "5.26", interest: "0.21" });
    const items = (await sk.finance.openItems({ ledger: "receivables", party: "c1", openOnly: true })).filter((i) => i.documentType !== "invoice");
    expect(items.map((i) => [i.documentType, i.currency, i.openAmount, i.openFunctional])).toEqual([
      ["dunning-fee", "USD", "5.26", "5"],
      ["dunning-interest", "USD", "0.21", "0.2"],
    ]);
    expect(await balance(sk, "6900")).toBe("-5.00");
    expect(await balance(sk, "4910")).toBe("-0.20");
    expect((await sk.store.readEvents(null, 10_000)).filter((e) => e.type === "DunningNoticeIssued").at(-1)!.payload).toMatchObject({ fee: { amount: "5.26", currency: "USD" }, interest: { amount: "0.21", currency: "USD" } });
    await booksAgree(sk);
    await sk.close();
  });

  it("with repeatLastEveryDays, an invoice at the last level is reminded again at that level every so many days, its fee charged again", async () => {
    const { sk, clock } = shopWith(kind, { levels: [{ afterDays: 7 }, { afterDays: 21, fee: "5" }], feeAccount: "6900", repeatLastEveryDays: 14 });
    await stock(sk);
    await order(sk, "o1", "c1"); // due 03-16
    const run = async (date: string) => {
      clock.set(`${date}T10:00:00.000Z`);
      return (await sk.finance.runDunning({ asOf: date })).notices;
    };
    expect((await run("2026-03-23"))[0]).toMatchObject({ level: 1, fee: "0" });
    expect((await run("2026-04-06"))[0]).toMatchObject({ level: 2, fee: "5" });
    expect(await run("2026-04-13")).toEqual([]); // 7 days since: not yet
    const again = (await run("2026-04-20"))[0]!;
    expect(again).toMatchObject({ level: 2, fee: "5" });
    expect(again.items[0]).toMatchObject({ level: 2, raised: false, repeated: true });
    expect(await run("2026-04-27")).toEqual([]);
    expect((await run("2026-05-04"))[0]).toMatchObject({ level: 2, fee: "5" });
    expect(await balance(sk, "6900")).toBe("-15.00");
    await booksAgree(sk);
    // Without the option the last level goes out once (the earlier test's shop): here, paid, nothing is reminded.
    await sk.sales.capturePayment({ orderId: "o1", paymentId: "pay_1" });
    expect(await run("2026-05-18")).toEqual([]);
    await sk.close();
  });

  it("a reminder reaching CRM after its customer was erased keeps no subject or body", async () => {
    const { sk, clock } = shop(storeOf(kind, db));
    await stock(sk);
    await sk.crm.createCustomer({ customerId: "c1", name: "Ann Example" });
    await order(sk, "o1", "c1");
    await sk.crm.eraseCustomer({ customerId: "c1" });
    clock.set("2026-03-23T10:00:00.000Z");
    expect((await sk.finance.runDunning({ asOf: "2026-03-23" })).notices).toHaveLength(1);
    await sk.crm.syncTimeline();
    const [reminder] = (await sk.crm.timeline("c1", { limit: 100 })).entries.filter((e) => e.kind === "reminder");
    expect(reminder).toMatchObject({ subject: null, body: null, redacted: true, amount: { amount: "119", currency: "EUR" } });
    await sk.close();
  });

  it("refuses a query or an input key it does not read", async () => {
    const { sk } = shop(storeOf(kind, db));
    expect(await codeOf(() => sk.finance.runDunning({ asOf: "2026-03-02", level: 2 } as never))).toBe("VALIDATION_FAILED");
    expect(await codeOf(() => sk.finance.dunningNotices({ customer: "c1" } as never))).toBe("VALIDATION_FAILED");
    expect(await codeOf(() => sk.finance.runDunning({ asOf: "2026-3-2" }))).toBe("VALIDATION_FAILED");
    await sk.close();
  });
});
