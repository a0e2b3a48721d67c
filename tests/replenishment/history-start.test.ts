import { describe, expect, it } from "vitest";
import { autoForecast } from "../../src/replenishment/forecast/index.js";
import { meanForecast } from "../../src/replenishment/forecast/baseline.js";
import { type ReplenishmentSources, suggestFromStore } from "../../src/replenishment/store-suggestions.js";
import { addDays, type LocalDate } from "../../src/kernel/local-date.js";
import type { Transaction } from "../../src/ports/storage.js";

/**
 * Where a SKU's demand history starts: at its first sale (stock received months before is
 * not zero demand), with a part first period scaled or left out; and what is forecast from
 * a history of three periods or fewer (the mean, as R's forecast() does).
 */
const ASOF = "2026-06-01" as LocalDate; // a Monday

/** Sources over plain data: one SKU at acme in one warehouse with the given stock movements. */
function sourcesOf(movements: readonly { date: string; sold: number }[], onHand: number): ReplenishmentSources {
  return {
    suppliersOf: async () => new Map([["SKU", ["acme"]]]),
    termsOf: async (_tx, supplierId) => ({ supplierId, currency: "EUR", priceBreaks: [{ minQuantity: 0, unitPrice: "2" }], minimumOrderQuantity: undefined, packMultiple: undefined, statedLeadTimeDays: 14, observedLeadTimesDays: [] }),
    stockOf: async () => ({ onHand, reserved: 0 }),
    activityOf: async (_tx, _sku, from, to) => movements.filter((m) => m.date >= from && m.date < to).map((m) => ({ warehouseId: "wh", date: m.date as LocalDate, sold: m.sold })),
    incomingOf: async () => [],
  };
}

const explain = async (sources: ReplenishmentSources) => {
  const r = await suggestFromStore({} as Transaction, sources, { asOf: ASOF }, ASOF);
  const s = r.suggestions[0];
  expect(s).toBeDefined();
  return s!.explanation;
};

describe("autoForecast on three periods or fewer", () => {
  it("property: the forecast is the mean of the periods, whatever they are (R's forecast() below 4 observations)", () => {
    for (const y of [[30, 40], [2, 50], [7, 49, 49], [0, 0, 5], [5, 0, 0], [1]]) {
      const f = autoForecast(y, { h: 3, levels: [] });
      expect(f.mean).toEqual(meanForecast(y, { h: 3, levels: [] }).mean);
    }
  });

  it("says why: two periods give no smoothing parameter to fit", () => {
    const f = autoForecast([2, 50], { h: 1, levels: [] });
    expect(f.mean[0]).toBe(26);
    expect(f.reason).toBe("erratic demand (ADI 1.00, CV² 0.85) but only 2 periods: the mean of the periods, as R's forecast() does below 4 observations (too few to fit a smoothing parameter)");
  });
});

describe("sk.replenishment's demand history starts at the first sale", () => {
  it("a product launched on the last day of a period: that one day is not read as a week of low demand", async () => {
    // Launched Sunday 2026-05-24 (the last day of the week from Monday 05-18), 7 a day since.
    const days = Array.from({ length: 8 }, (_, i) => addDays("2026-05-24" as LocalDate, i));
    const e = await explain(sourcesOf([{ date: "2026-05-24", sold: 0 }, ...days.map((date) => ({ date, sold: 7 }))], 44));
    expect(e.forecast.perPeriod[0]).toBeCloseTo(49, 9);
    expect(e.inputs.historyPeriods).toBe(1);
    expect(e.notes).toEqual(["first movement on 2026-05-24: the period from 2026-05-18 holds only 1 of its 7 days since then, so it (7 sold) is left out rather than read as a whole period of low demand"]);
    // 44 on hand at 7 a day: the shelf is empty during the seventh day.
    expect(e.projectedStockoutDate).toBe("2026-06-08");
  });

  it("a first period with most of its days since the first sale is scaled to a whole period", async () => {
    // First sale Wednesday 2026-05-13: 5 of the 7 days of the week from 05-11, 7 a day since.
    const days = Array.from({ length: 19 }, (_, i) => addDays("2026-05-13" as LocalDate, i));
    const e = await explain(sourcesOf(days.map((date) => ({ date, sold: 7 })), 44));
    expect(e.inputs.historyPeriods).toBe(3);
    expect(e.forecast.perPeriod[0]).toBeCloseTo(49, 9);
    expect(e.notes?.[0]).toMatch(/^first movement on 2026-05-13: the period from 2026-05-11 holds 5 of its 7 days since then, so its 35 sold are scaled to a whole period \(49\)/);
    // Scaled, the first week reads as the whole weeks after it.
    expect(e.method.reason).toMatch(/^constant demand \(49 in each of the 3 periods\)/);
  });

  it("stock received a year before the first sale: the ramp since is smooth demand near its recent rate, not intermittent", async () => {
    // Received 2025-06-02; sold 5, 10, ..., 40 in the last 8 weeks (on the Saturday of each week).
    const sales = Array.from({ length: 8 }, (_, i) => ({ date: addDays(ASOF, -7 * (8 - i) + 5), sold: 5 * (i + 1) }));
    const e = await explain(sourcesOf([{ date: "2025-06-02", sold: 0 }, ...sales], 10));
    // The first sale's week is whole: the product was on the shelf all of it.
    expect(e.inputs.historyPeriods).toBe(8);
    expect(e.notes).toBeUndefined();
    expect(e.method.classification.demandClass).toBe("smooth");
    expect(e.forecast.perPeriod[0]).toBeGreaterThan(30);
    // 10 on hand at the current rate lasts two days, not months.
    expect(e.projectedStockoutDate! <= "2026-06-03").toBe(true);
  });

  it("a SKU that never sold before the window (lastSaleBefore answers undefined) is still read from its first sale; one that did is read whole", async () => {
    const sales = Array.from({ length: 8 }, (_, i) => ({ date: addDays(ASOF, -7 * (8 - i) + 5), sold: 5 * (i + 1) }));
    const asked: string[] = [];
    const never = await explain({ ...sourcesOf([{ date: "2025-06-02", sold: 0 }, ...sales], 10), lastSaleBefore: async (_tx, sku, warehouseId, before) => (asked.push(`${sku}@${warehouseId}<${before}`), undefined) });
    expect(never.inputs.historyPeriods).toBe(8);
    expect(asked).toEqual(["SKU@wh<2025-06-02"]);
    const sold = await explain({ ...sourcesOf([{ date: "2025-06-02", sold: 0 }, ...sales], 10), lastSaleBefore: async () => "2025-05-30" as LocalDate });
    expect(sold.inputs.historyPeriods).toBe(52);
    expect(sold.notes).toEqual(["last sold on 2025-05-30, before the window: its first 44 periods without sales (from 2025-06-02) are read as zero demand, not as weeks before a launch"]);
  });

  it("a SKU that never sold in the window keeps its history from the first movement: no demand", async () => {
    const r = await suggestFromStore({} as Transaction, sourcesOf([{ date: "2026-03-02", sold: 0 }], 5), { asOf: ASOF }, ASOF);
    expect(r.noOrder[0]?.reason).toMatch(/position 5/);
    expect(r.suggestions).toEqual([]);
  });
});
