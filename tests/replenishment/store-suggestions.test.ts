import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Storekeep } from "../../src/storekeep.js";
import { KINDS, codeOf, pgliteHolder, shop } from "../purchasing/helpers.js";
import { replenishmentSources } from "../../src/replenishment-sources.js";
import { type ReplenishmentSources, suggestFromStore } from "../../src/replenishment/store-suggestions.js";
import type { LocalDate } from "../../src/kernel/local-date.js";
import type { Transaction } from "../../src/ports/storage.js";

const pg = pgliteHolder();
beforeAll(() => pg.start(), 60_000);
afterAll(() => pg.stop());

const mondays = (from: string, count: number): string[] => Array.from({ length: count }, (_, i) => new Date(Date.parse(`${from}T00:00:00Z`) + i * 7 * 86_400_000).toISOString().slice(0, 10));

/** MUG: 12 weeks of 30 a week since December; NEW: launched three weeks ago, 20 a week; GIFT: no supplier. Today is Monday 2026-03-02. */
async function setUp(sk: Storekeep): Promise<void> {
  await sk.inventory.defineWarehouse({ warehouseId: "wh" });
  await sk.inventory.defineProduct({ sku: "MUG", costingMethod: "fifo", allowBackorders: true });
  for (const sku of ["NEW", "GIFT"]) await sk.inventory.defineProduct({ sku, costingMethod: "fifo" });
  await sk.purchasing.defineSupplier({ supplierId: "acme", currency: "EUR", leadTimeDays: 14, paymentTerms: { netDays: 30 }, taxTreatment: "none" });
  await sk.purchasing.setSupplierItem({ supplierId: "acme", sku: "MUG", minimumOrderQuantity: 24, packMultiple: 12, prices: [{ unitPrice: "2.10" }, { minQuantity: 144, unitPrice: "1.90" }] });
  await sk.purchasing.setSupplierItem({ supplierId: "acme", sku: "NEW", packMultiple: 10, prices: [{ unitPrice: "5" }] });
  await sk.inventory.receive({ sku: "MUG", warehouseId: "wh", quantity: "400", unitCost: "2", effectiveDate: "2025-12-01" });
  for (const day of mondays("2025-12-08", 12)) await sk.inventory.issue({ sku: "MUG", warehouseId: "wh", quantity: "30", effectiveDate: day });
  await sk.inventory.receive({ sku: "NEW", warehouseId: "wh", quantity: "70", unitCost: "4", effectiveDate: "2026-02-09" });
  for (const day of mondays("2026-02-09", 3)) await sk.inventory.issue({ sku: "NEW", warehouseId: "wh", quantity: "20", effectiveDate: day });
  await sk.inventory.receive({ sku: "GIFT", warehouseId: "wh", quantity: "5", unitCost: "1", effectiveDate: "2026-01-05" });
  await sk.inventory.reserve({ lines: [{ sku: "MUG", warehouseId: "wh", quantity: "6" }], kind: "hard" });
}

describe.each(KINDS)("sk.replenishment on %s", (kind) => {
  it("suggests from the stored sales, stock, reservations and open orders, and explains it", async () => {
    const { sk } = shop(kind, pg.get, pg.schema, { approvalLimit: "100000" });
    await setUp(sk);
    await sk.purchasing.createOrder({ purchaseOrderId: "po_open", supplierId: "acme", warehouseId: "wh", lines: [{ sku: "MUG", quantity: 24 }] });
    await sk.purchasing.sendOrder({ purchaseOrderId: "po_open" });
    const r = await sk.replenishment.suggest({ asOf: "2026-03-02" });
    expect(r.asOf).toBe("2026-03-02");
    const mug = r.suggestions.find((s) => s.sku === "MUG");
    expect(mug).toBeDefined();
    const inputs = mug!.explanation.inputs;
    expect(inputs).toMatchObject({ onHand: 40, reserved: 6, backordered: 0, onOrder: 24, inventoryPosition: 58, periodDays: 7 });
    // History from the week of the first sale (2025-12-08; the stock came a week before) to last week: 12 weeks of 30.
    expect(inputs.historyPeriods).toBe(12);
    expect(inputs.leadTimeDays).toEqual({ mean: 14, sd: 0, source: "supplier" });
    expect(mug!.explanation.forecast.perPeriod[0]).toBeGreaterThan(25);
    expect(mug!.quantity % 12).toBe(0);
    expect(mug!.quantity).toBeGreaterThanOrEqual(24);
    expect(mug!.currency).toBe("EUR");
    // The new product is read from its launch, not averaged with 49 empty weeks.
    const fresh = [...r.suggestions, ...r.noOrder].find((s) => s.sku === "NEW");
    expect(fresh).toBeDefined();
    const freshSuggestion = r.suggestions.find((s) => s.sku === "NEW");
    expect(freshSuggestion?.explanation.inputs.historyPeriods).toBe(3);
    expect(freshSuggestion!.explanation.forecast.perPeriod[0]).toBeCloseTo(20, 0);
    expect(r.purchaseOrders).toHaveLength(1);
    expect(r.purchaseOrders[0]!.lines.map((l) => l.sku)).toEqual(["MUG", "NEW"]);
    // A SKU without supplier terms is named, with what to do.
    const gift = await sk.replenishment.suggest({ asOf: "2026-03-02", skus: ["GIFT"] });
    expect(gift.suggestions).toEqual([]);
    expect(gift.skipped[0]!.reason).toMatch(/setSupplierItem/);
    expect(await codeOf(() => sk.replenishment.suggest({ asOf: "2026-02-30" }))).toBe("VALIDATION_FAILED");
    await sk.close();
  });

  it("a SKU that sold before the window and not in its first weeks: those weeks are zero demand, not weeks before a launch", async () => {
    const { sk } = shop(kind, pg.get, pg.schema, { approvalLimit: "100000" });
    await sk.inventory.defineWarehouse({ warehouseId: "wh" });
    await sk.inventory.defineWarehouse({ warehouseId: "wh2" });
    await sk.inventory.defineProduct({ sku: "OLD", costingMethod: "fifo" });
    await sk.purchasing.defineSupplier({ supplierId: "acme", currency: "EUR", leadTimeDays: 14, paymentTerms: { netDays: 30 }, taxTreatment: "none" });
    await sk.purchasing.setSupplierItem({ supplierId: "acme", sku: "OLD", prices: [{ unitPrice: "2" }] });
    // 170 at wh, 90 at wh2: 10 left at each.
    for (const [wh, quantity] of [["wh", "170"], ["wh2", "90"]] as const) await sk.inventory.receive({ sku: "OLD", warehouseId: wh, quantity, unitCost: "2", effectiveDate: "2025-11-24" });
    // At wh: 20 a week through December, nothing in the window's first four weeks, 20 a week since.
    for (const day of mondays("2025-12-01", 4)) await sk.inventory.issue({ sku: "OLD", warehouseId: "wh", quantity: "20", effectiveDate: day });
    // At wh2 the same sales in the window, but none before it: read from its first sale, as before.
    for (const wh of ["wh", "wh2"]) for (const day of mondays("2026-02-02", 4)) await sk.inventory.issue({ sku: "OLD", warehouseId: wh, quantity: "20", effectiveDate: day });
    const r = await sk.replenishment.suggest({ asOf: "2026-03-02", historyPeriods: 8 });
    const at = (wh: string) => r.suggestions.find((s) => s.sku === "OLD" && s.warehouse === wh);
    const old = at("wh")!.explanation;
    expect(old.inputs.historyPeriods).toBe(8);
    expect(old.notes).toEqual(["last sold on 2025-12-22, before the window: its first 4 periods without sales (from 2026-01-05) are read as zero demand, not as weeks before a launch"]);
    // Half the window at 20 a week: the forecast is well below the recent rate.
    expect(old.forecast.perPeriod[0]).toBeLessThan(20);
    const fresh = at("wh2")!.explanation;
    expect(fresh.inputs.historyPeriods).toBe(4);
    expect(fresh.forecast.perPeriod[0]).toBeCloseTo(20, 9);
    await sk.close();
  });

  it("one wholesale week among ordinary ones is cut before planning and named in the explanation; outliers: \"keep\" plans on it", async () => {
    const { sk } = shop(kind, pg.get, pg.schema, { approvalLimit: "100000" });
    await sk.inventory.defineWarehouse({ warehouseId: "wh" });
    await sk.inventory.defineProduct({ sku: "JAR", costingMethod: "fifo" });
    await sk.purchasing.defineSupplier({ supplierId: "acme", currency: "EUR", leadTimeDays: 14, paymentTerms: { netDays: 30 }, taxTreatment: "none" });
    await sk.purchasing.setSupplierItem({ supplierId: "acme", sku: "JAR", prices: [{ unitPrice: "2" }] });
    await sk.inventory.receive({ sku: "JAR", warehouseId: "wh", quantity: "3320", unitCost: "2", effectiveDate: "2025-11-03" });
    // 20 a week for 16 weeks, except 3,000 in the week of 2026-01-05 (period 9 of 16); 20 left.
    for (const [i, day] of mondays("2025-11-10", 16).entries()) await sk.inventory.issue({ sku: "JAR", warehouseId: "wh", quantity: i === 8 ? "3000" : "20", effectiveDate: day });
    const r = await sk.replenishment.suggest({ asOf: "2026-03-02", historyPeriods: 16 });
    const jar = [...r.suggestions, ...r.noOrder].find((s) => s.sku === "JAR");
    const e = r.suggestions.find((s) => s.sku === "JAR")?.explanation;
    expect(jar).toBeDefined();
    expect(e).toBeDefined();
    expect(e!.inputs.historyPeriods).toBe(16);
    // Every other week is exactly 20 (MAD 0): the bound is 3 × 20.
    expect(e!.forecast.cappedOutliers).toEqual({ cap: 60, periods: [8], isolated: [8] });
    expect(e!.notes).toContain("demand above 60 (median + 5·MAD of the non-zero periods) cut to it before forecasting in period 9 (3000) of 16; each alone, so cut from the demand the forecast's errors are scored on too; outliers: \"keep\" plans on them");
    expect(e!.forecast.perPeriod[0]).toBeLessThan(25);
    expect(e!.formula.reorderPoint).toBeLessThan(100);
    const kept = (await sk.replenishment.suggest({ asOf: "2026-03-02", historyPeriods: 16, outliers: "keep" })).suggestions.find((s) => s.sku === "JAR")!.explanation;
    expect(kept.forecast.cappedOutliers).toBeUndefined();
    expect(kept.formula.reorderPoint).toBeGreaterThan(500);
    expect(await codeOf(() => sk.replenishment.suggest({ asOf: "2026-03-02", outliers: "trim" as "keep" }))).toBe("VALIDATION_FAILED");
    await sk.close();
  });

  it("a steady seller (exactly 3 a week for 12 weeks) is planned beside an ordinary one, by suggest and by draftOrders", async () => {
    const { sk } = shop(kind, pg.get, pg.schema, { approvalLimit: "100000" });
    await sk.inventory.defineWarehouse({ warehouseId: "wh" });
    const normal = [3, 5, 2, 6, 4, 3, 7, 2, 5, 4, 6, 3];
    await sk.purchasing.defineSupplier({ supplierId: "acme", currency: "EUR", leadTimeDays: 14, paymentTerms: { netDays: 30 }, taxTreatment: "none" });
    for (const sku of ["STEADY", "NORMAL"]) {
      await sk.inventory.defineProduct({ sku, costingMethod: "fifo" });
      await sk.purchasing.setSupplierItem({ supplierId: "acme", sku, prices: [{ unitPrice: "2.5" }] });
      await sk.inventory.receive({ sku, warehouseId: "wh", quantity: sku === "STEADY" ? "38" : "52", unitCost: "2.5", effectiveDate: "2025-12-08" });
    }
    for (const [w, day] of mondays("2025-12-08", 12).entries()) {
      await sk.inventory.issue({ sku: "STEADY", warehouseId: "wh", quantity: "3", effectiveDate: day });
      await sk.inventory.issue({ sku: "NORMAL", warehouseId: "wh", quantity: String(normal[w]), effectiveDate: day });
    }
    const r = await sk.replenishment.suggest({ asOf: "2026-03-02" });
    expect(r.skipped).toEqual([]);
    const steady = r.suggestions.find((s) => s.sku === "STEADY");
    // h = 14 days / 7 + 1 periods; 7 rolling origins (after 4 to 10 weeks), all exact: fewer than 8, so the one-step σ·√L = 0 is planned.
    expect(steady?.explanation.forecast).toEqual({ perPeriod: [3, 3, 3], sdPerPeriod: 0, leadTimeError: { method: "one-step", periods: 2, origins: 7, bias: 0, sd: 0 } });
    expect(steady?.explanation.method.reason).toMatch(/^constant demand \(3 in each of the 12 periods\)/);
    expect(r.suggestions.map((s) => s.sku).sort()).toEqual(["NORMAL", "STEADY"]);
    const { orders } = await sk.replenishment.draftOrders({ asOf: "2026-03-02" });
    expect(orders.map((o) => o.lines.map((l) => l.sku).sort())).toEqual([["NORMAL", "STEADY"]]);
    await sk.close();
  });

  it("reading ahead for a batch of SKUs gives the same suggestions as reading each SKU alone (two warehouses, a transfer, an expired hold not yet released, an open order, more SKUs than one batch)", async () => {
    const { sk, clock } = shop(kind, pg.get, pg.schema, { approvalLimit: "100000" });
    await setUp(sk);
    await sk.inventory.defineWarehouse({ warehouseId: "wh2" });
    await sk.inventory.transfer({ sku: "MUG", from: { warehouseId: "wh" }, to: { warehouseId: "wh2" }, quantity: "10", effectiveDate: "2026-02-16" });
    await sk.inventory.reserve({ lines: [{ sku: "NEW", warehouseId: "wh", quantity: "3" }], expiresAt: "2026-03-02T10:30:00.000Z" });
    await sk.purchasing.createOrder({ purchaseOrderId: "po_open", supplierId: "acme", warehouseId: "wh2", lines: [{ sku: "MUG", quantity: 24 }] });
    await sk.purchasing.sendOrder({ purchaseOrderId: "po_open" });
    // 210 more SKUs, so the run reads ahead in two batches.
    for (let i = 0; i < 210; i++) {
      const sku = `X${String(i).padStart(3, "0")}`;
      await sk.inventory.defineProduct({ sku, costingMethod: "fifo" });
      await sk.purchasing.setSupplierItem({ supplierId: "acme", sku, prices: [{ unitPrice: "1" }] });
      if (i % 7 === 0) await sk.inventory.receive({ sku, warehouseId: i % 2 === 0 ? "wh" : "wh2", quantity: "5", unitCost: "1", effectiveDate: "2026-02-02" });
    }
    clock.advance(3_600_000); // the hold on NEW has expired; nothing released it
    const sources = replenishmentSources("UTC", () => clock.now().toISOString());
    const { readAhead: _ahead, ...alone } = sources;
    expect(_ahead).toBeDefined();
    const input = { asOf: "2026-03-02" };
    const withAhead = await sk.runtime.read((tx) => suggestFromStore(tx, sources, input, "2026-03-02" as never));
    const perSku = await sk.runtime.read((tx) => suggestFromStore(tx, alone, input, "2026-03-02" as never));
    expect(withAhead).toEqual(perSku);
    const pairs = new Set([...withAhead.suggestions, ...withAhead.noOrder].map((s) => `${s.sku}@${s.warehouse}`));
    expect(["MUG@wh", "MUG@wh2", "NEW@wh"].every((p) => pairs.has(p))).toBe(true);
    // Of the 210 more, the 30 with stock (one in seven) are planned where they are.
    expect([...pairs].filter((p) => p.startsWith("X")).length).toBe(30);
    const newAtWh = withAhead.suggestions.find((s) => s.sku === "NEW" && s.warehouse === "wh");
    if (newAtWh !== undefined) expect(newAtWh.explanation.inputs.reserved).toBe(0);
    await sk.close();
  }, 120_000);

  it("drafts one order per supplier and warehouse: twice is once, a changed input updates the draft", async () => {
    const { sk } = shop(kind, pg.get, pg.schema, { approvalLimit: "100000" });
    await setUp(sk);
    const first = await sk.replenishment.draftOrders({ asOf: "2026-03-02" });
    expect(first.orders).toHaveLength(1);
    const order = first.orders[0]!;
    expect(order.outcome).toBe("created");
    const stored = (await sk.purchasing.order(order.purchaseOrderId))!;
    expect(stored.status).toBe("draft");
    expect(stored.lines.map((l) => [l.sku, Number(l.quantity)])).toEqual(first.suggestions.purchaseOrders[0]!.lines.map((l) => [l.sku, l.quantity]));
    // Same day, same data: nothing new.
    const again = await sk.replenishment.draftOrders({ asOf: "2026-03-02" });
    expect(again.orders.map((o) => [o.purchaseOrderId, o.outcome])).toEqual([[order.purchaseOrderId, "unchanged"]]);
    expect(await sk.purchasing.orders({ status: "draft" })).toHaveLength(1);
    expect((await sk.purchasing.order(order.purchaseOrderId))!.revision).toBe(1);
    // A new reservation raises the need: the same draft takes it.
    await sk.inventory.reserve({ lines: [{ sku: "MUG", warehouseId: "wh", quantity: "50" }], kind: "hard" });
    const changed = await sk.replenishment.draftOrders({ asOf: "2026-03-02" });
    expect(changed.orders.map((o) => [o.purchaseOrderId, o.outcome])).toEqual([[order.purchaseOrderId, "updated"]]);
    // 40 on hand, 56 reserved: 16 are backorders, and the explanation says so.
    expect(changed.suggestions.suggestions.find((s) => s.sku === "MUG")!.explanation.inputs).toMatchObject({ onHand: 40, reserved: 40, backordered: 16, inventoryPosition: -16 });
    const updated = (await sk.purchasing.order(order.purchaseOrderId))!;
    expect(updated.revision).toBe(2);
    const mugBefore = Number(stored.lines.find((l) => l.sku === "MUG")!.quantity);
    const mugAfter = Number(updated.lines.find((l) => l.sku === "MUG")!.quantity);
    expect(mugAfter).toBeGreaterThan(mugBefore);
    expect(await sk.purchasing.orders({ status: "draft" })).toHaveLength(1);
    // Once sent, the order is on order: the next run counts it and leaves it alone.
    await sk.purchasing.sendOrder({ purchaseOrderId: order.purchaseOrderId });
    const next = await sk.replenishment.draftOrders({ asOf: "2026-03-02" });
    const mug = next.suggestions.suggestions.find((s) => s.sku === "MUG") ?? next.suggestions.noOrder.find((s) => s.sku === "MUG");
    expect(mug).toBeDefined();
    const sent = (await sk.purchasing.order(order.purchaseOrderId))!;
    expect(sent.status).toBe("sent");
    expect(sent.revision).toBe(2);
    for (const o of next.orders) expect(o.purchaseOrderId).not.toBe(order.purchaseOrderId);
    await sk.close();
  });
});

describe("suggestFromStore with a host's own sources", () => {
  /** Sources over plain data: every SKU at acme, one warehouse, the given weekly sales before 2026-03-02. */
  const sourcesOf = (sales: Record<string, readonly number[]>): ReplenishmentSources => ({
    suppliersOf: async () => new Map(Object.keys(sales).map((sku) => [sku, ["acme"]])),
    termsOf: async (_tx, supplierId) => ({ supplierId, currency: "EUR", priceBreaks: [{ minQuantity: 0, unitPrice: "2" }], minimumOrderQuantity: undefined, packMultiple: undefined, statedLeadTimeDays: 14, observedLeadTimesDays: [] }),
    stockOf: async () => ({ onHand: 1, reserved: 0 }),
    activityOf: async (_tx, sku) => {
      const weeks = sales[sku] ?? [];
      return weeks.map((sold, w) => ({ warehouseId: "wh", date: new Date(Date.parse("2026-03-02T00:00:00Z") - (weeks.length - w) * 7 * 86_400_000).toISOString().slice(0, 10) as LocalDate, sold }));
    },
    incomingOf: async () => [],
  });

  it("a SKU whose history cannot be forecast is skipped with why, and the others are planned", async () => {
    const sources = sourcesOf({
      HUGE: [0, 1e306, 1, 1e306, 1, 1e306, 1, 1e306, 1, 1e306, 1, 1e306],
      NORMAL: [3, 5, 2, 6, 4, 3, 7, 2, 5, 4, 6, 3],
      STEADY: new Array<number>(12).fill(3),
    });
    const r = await suggestFromStore({} as Transaction, sources, { asOf: "2026-03-02" }, "2026-03-02" as LocalDate);
    expect(r.suggestions.map((s) => s.sku).sort()).toEqual(["NORMAL", "STEADY"]);
    expect(r.skipped).toHaveLength(1);
    expect(r.skipped[0]!.sku).toBe("HUGE");
    expect(r.skipped[0]!.reason).toMatch(/^SKU HUGE in warehouse wh: its demand history cannot be forecast/);
  });
});
