import { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { memoryStore } from "../../src/adapters/memory/index.js";
import { postgresStore } from "../../src/adapters/postgres/index.js";
import { raiseStockAlerts, slotOf } from "../../src/analytics/index.js";
import type { AutomationRule, RuleProgress, RuleRun } from "../../src/analytics/index.js";
import { type Storekeep, createStorekeep } from "../../src/storekeep.js";
import type { Store } from "../../src/ports/storage.js";
import { ManualClock, sequentialIds } from "../../src/testing/index.js";
import { buildShop } from "./shop.js";

let db: PGlite;
let schemas = 0;

beforeAll(async () => {
  db = new PGlite();
  await db.waitReady;
}, 60_000);

afterAll(async () => {
  await db.close();
});

describe("rule slots", () => {
  it("put an instant in its slot by schedule, in the shop's time zone for business days", () => {
    expect(slotOf("daily", new Date("2026-03-02T23:30:00Z"), "Europe/Berlin")).toBe("2026-03-03");
    expect(slotOf("weekly", new Date("2026-03-04T10:00:00Z"), "UTC")).toBe("week of 2026-03-02");
    expect(slotOf("month-end", new Date("2026-01-01T06:00:00Z"), "UTC")).toBe("2025-12");
    expect(slotOf("hourly", new Date("2026-03-02T10:59:59Z"), "UTC")).toBe("2026-03-02T10Z");
    expect(slotOf({ everyMinutes: 15 }, new Date("2026-03-02T10:07:00Z"), "UTC")).toBe("2026-03-02T10:00Z");
  });
});

for (const kind of ["memory", "pglite"] as const) {
  describe(`scheduled rules driven by a manual clock (${kind})`, () => {
    let sk: Storekeep;
    let clock: ManualClock;
    const calls = { daily: [] as string[], cancel: 0, monthEnd: [] as string[], replenishment: [] as string[], flaky: 0 };
    const progress: RuleProgress[] = [];
    const ticks: RuleRun[][] = [];

    beforeAll(async () => {
      clock = new ManualClock("2026-03-31T20:00:00.000Z");
      const store: Store = kind === "memory" ? memoryStore() : postgresStore({ client: db, schema: `automation_${++schemas}` });
      const flaky: AutomationRule = {
        name: "acme.flaky",
        schedule: "daily",
        async run() {
          calls.flaky++;
          if (calls.flaky === 1) throw new Error("the mail server was down");
          return { sent: true };
        },
      };
      sk = createStorekeep({
        store,
        clock,
        ids: sequentialIds(),
        config: { functionalCurrency: "EUR", timeZone: "UTC" },
        analytics: {
          automation: {
            lowStock: { skus: { TEE: 18 } },
            hooks: {
              cancelUnpaidOrders: async () => void calls.cancel++,
              dailyReplenishment: async (ctx) => void calls.replenishment.push(ctx.slot),
              monthEndFxRevaluation: async (ctx) => {
                calls.monthEnd.push(ctx.slot);
                return { revalued: ctx.slot };
              },
            },
            rules: [{ name: "acme.daily-digest", schedule: "daily", run: async (ctx) => void calls.daily.push(ctx.today) }, flaky],
          },
        },
      });
      await buildShop(sk);
      // Drive March from its first hour, every six hours, then the first tick of April.
      for (let t = Date.parse("2026-03-01T00:00:00Z"); t <= Date.parse("2026-04-01T00:00:00Z"); t += 6 * 3_600_000) {
        clock.set(t);
        if (t === Date.parse("2026-03-05T00:00:00Z")) {
          await sk.inventory.reserve({ kind: "soft", lines: [{ sku: "HAT", warehouseId: "wh", quantity: "2" }], expiresAt: "2026-03-05T01:00:00.000Z" });
        }
        const tick = await sk.analytics.runRules({ onProgress: (p) => progress.push(p) });
        ticks.push([...tick.runs]);
      }
    }, 300_000);

    const runsOf = (rule: string) => ticks.flat().filter((r) => r.rule === rule && r.status === "ran");

    it("runs each rule once per slot over a month: daily 32 times, hourly at every tick, month-end once per ended month", () => {
      expect(ticks.length).toBe(31 * 4 + 1);
      expect(calls.daily.length).toBe(32);
      expect(new Set(calls.daily).size).toBe(32);
      expect(calls.cancel).toBe(125);
      expect(calls.replenishment.length).toBe(32);
      expect(calls.monthEnd).toEqual(["2026-02", "2026-03"]);
      expect(runsOf("finance.month-end-fx-revaluation").map((r) => r.result)).toEqual([{ revalued: "2026-02" }, { revalued: "2026-03" }]);
    });

    it("a failing rule is reported and retried at the next tick, the others still run", () => {
      const flaky = ticks.flat().filter((r) => r.rule === "acme.flaky");
      expect(flaky[0]).toMatchObject({ status: "failed", slot: "2026-03-01", error: { message: "the mail server was down" } });
      expect(flaky[1]).toMatchObject({ status: "ran", slot: "2026-03-01" });
      expect(flaky.filter((r) => r.status === "ran").length).toBe(32);
    });

    it("expires soft holds once they are past their expiry", () => {
      const expired = runsOf("inventory.expire-holds").filter((r) => (r.result as { expired: number }).expired > 0);
      expect(expired.map((r) => [r.slot, r.result])).toEqual([["2026-03-05T06:00Z", { expired: 1, more: false }]]);
    });

    it("raises low-stock alerts once a day while a SKU is low, and dead-stock alerts once a week", async () => {
      const alerts = (await sk.events.read(null, 10_000)).filter((e) => e.type === "StockAlertRaised").map((e) => e.payload as { kind: string; sku: string; asOf: string; slot: string });
      const low = alerts.filter((a) => a.kind === "low-stock");
      // TEE drops to 16 on 10 March (threshold 18): 22 days of March and 1 April.
      expect(low.length).toBe(23);
      expect(low.every((a) => a.sku === "TEE")).toBe(true);
      expect(low[0]).toMatchObject({ asOf: "2026-03-10", slot: "2026-03-10" });
      const dead = alerts.filter((a) => a.kind === "dead-stock");
      // First tick (week of 23 Feb): nothing had shipped for 90 days; then only the hats, every week.
      expect(dead.map((a) => `${a.slot} ${a.sku}`)).toEqual([
        "week of 2026-02-23 HAT",
        "week of 2026-02-23 MUG",
        "week of 2026-02-23 TEE",
        "week of 2026-03-02 HAT",
        "week of 2026-03-09 HAT",
        "week of 2026-03-16 HAT",
        "week of 2026-03-23 HAT",
        "week of 2026-03-30 HAT",
      ]);
    });

    it("a second tick in the same slot does nothing", async () => {
      const before = (await sk.events.read(null, 10_000)).length;
      const again = await sk.analytics.runRules();
      expect(again.runs.every((r) => r.status === "skipped")).toBe(true);
      expect((await sk.events.read(null, 10_000)).length).toBe(before);
    });

    it("reports progress as done out of total rules", () => {
      const rules = ticks[0]!.length;
      const firstTick = progress.filter((p) => p.within === undefined).slice(0, rules);
      expect(firstTick.map((p) => p.done)).toEqual(Array.from({ length: rules }, (_, i) => i + 1));
      expect(firstTick.every((p) => p.total === rules)).toBe(true);
    });
  });
}

describe("month-end FX revaluation wired to finance", () => {
  it("a stock-alert slot whose alerts were raised by a run that failed to record itself is not raised again, and the rule does not fail forever when the stock has moved since (found by the simulator)", async () => {
    const clock = new ManualClock("2026-03-02T06:00:00.000Z");
    const sk = createStorekeep({ clock, ids: sequentialIds(), config: { functionalCurrency: "EUR", timeZone: "UTC" }, analytics: { automation: { lowStock: { default: 3 }, deadStockAlerts: false, expireHoldsEveryMinutes: 0 } } });
    await sk.inventory.defineWarehouse({ warehouseId: "wh" });
    await sk.inventory.defineProduct({ sku: "MUG", costingMethod: "fifo" });
    await sk.inventory.receive({ sku: "MUG", warehouseId: "wh", quantity: "2", unitCost: "3" });
    // The slot's alerts as an earlier run raised them (its record of the run then failed to commit)…
    await sk.run(raiseStockAlerts, { alerts: [{ kind: "low-stock", sku: "MUG", onHand: "2", threshold: "3", value: "6.00", asOf: "2026-03-02", rule: "inventory.low-stock-alerts", slot: "2026-03-02" }] }, { idempotencyKey: "rule:inventory.low-stock-alerts:2026-03-02" });
    // …and the stock moved before the next tick in the same slot.
    await sk.inventory.issue({ sku: "MUG", warehouseId: "wh", quantity: "1" });
    const tick = await sk.analytics.runRules();
    expect(tick.runs).toMatchObject([{ rule: "inventory.low-stock-alerts", slot: "2026-03-02", status: "ran" }]);
    const alerts = (await sk.events.read(null, 1000)).filter((e) => e.type === "StockAlertRaised");
    expect(alerts).toHaveLength(1);
    expect((await sk.analytics.runRules()).runs[0]!.status).toBe("skipped");
  });

  it("a slot an earlier run raised alerts for, re-run once no SKU is low any more, says it raised them earlier rather than 'no alerts' (found by the simulator, seed 208)", async () => {
    const clock = new ManualClock("2026-03-02T06:00:00.000Z");
    const sk = createStorekeep({ clock, ids: sequentialIds(), config: { functionalCurrency: "EUR", timeZone: "UTC" }, analytics: { automation: { lowStock: { default: 3 }, deadStockAlerts: false, expireHoldsEveryMinutes: 0 } } });
    await sk.inventory.defineWarehouse({ warehouseId: "wh" });
    await sk.inventory.defineProduct({ sku: "MUG", costingMethod: "fifo" });
    await sk.inventory.receive({ sku: "MUG", warehouseId: "wh", quantity: "2", unitCost: "3" });
    // An earlier run raised MUG at 2 (its record of the run then failed to commit); a receipt since lifts it above 3.
    await sk.run(raiseStockAlerts, { alerts: [{ kind: "low-stock", sku: "MUG", onHand: "2", threshold: "3", value: "6.00", asOf: "2026-03-02", rule: "inventory.low-stock-alerts", slot: "2026-03-02" }] }, { idempotencyKey: "rule:inventory.low-stock-alerts:2026-03-02" });
    await sk.inventory.receive({ sku: "MUG", warehouseId: "wh", quantity: "5", unitCost: "3" });
    const tick = await sk.analytics.runRules();
    expect(tick.runs).toMatchObject([{ rule: "inventory.low-stock-alerts", slot: "2026-03-02", status: "ran", result: { alerts: 0, raisedEarlier: true } }]);
    // A slot with nothing low records that it raised none: a later run of it replays that.
    clock.advance(86_400_000);
    expect((await sk.analytics.runRules()).runs[0]).toMatchObject({ slot: "2026-03-03", status: "ran", result: { alerts: 0 } });
    expect((await sk.events.read(null, 1000)).filter((e) => e.type === "StockAlertRaised")).toHaveLength(1);
  });

  it("with fxRevaluation on, revalues at the last day of each month once it has ended, once per month", async () => {
    const clock = new ManualClock("2026-04-01T06:00:00.000Z");
    const sk = createStorekeep({ clock, ids: sequentialIds(), config: { functionalCurrency: "EUR", timeZone: "UTC" }, analytics: { automation: { fxRevaluation: true, lowStock: false, deadStockAlerts: false, expireHoldsEveryMinutes: 0 } } });
    expect(await sk.analytics.rules()).toEqual([{ name: "finance.month-end-fx-revaluation", schedule: "month-end" }]);
    const first = await sk.analytics.runRules();
    expect(first.runs).toMatchObject([{ rule: "finance.month-end-fx-revaluation", slot: "2026-03", status: "ran", result: { date: "2026-03-31", rows: 0, replayed: false } }]);
    clock.set("2026-04-20T06:00:00.000Z");
    expect((await sk.analytics.runRules()).runs[0]!.status).toBe("skipped");
    clock.set("2027-01-01T06:00:00.000Z");
    expect((await sk.analytics.runRules()).runs[0]).toMatchObject({ slot: "2026-12", status: "ran", result: { date: "2026-12-31" } });
  });
});
