import { describe, expect, it } from "vitest";
import { memoryRates, memoryStore } from "../../src/adapters/memory/index.js";
import { createStorekeep } from "../../src/storekeep.js";
import { ManualClock, sequentialIds } from "../../src/testing/index.js";

/**
 * A receipt dated before its order was sent (the goods came first, the order was keyed in
 * afterwards) is stock, but not a lead time: it is taken with a warning, left out of the
 * learned lead time and the scorecard's reliability, and replenishment falls back to the
 * stated lead time when fewer than two valid observations remain.
 */
async function supplierWithEarlyReceipts(sentLater: readonly string[], onTime: readonly { sent: string; received: string }[] = []) {
  const clock = new ManualClock("2026-04-10T09:00:00.000Z");
  const sk = createStorekeep({ store: memoryStore(), clock, ids: sequentialIds(), rates: memoryRates([]), config: { functionalCurrency: "EUR", timeZone: "UTC" }, purchasing: { approvalLimit: "1000000" } });
  await sk.inventory.defineWarehouse({ warehouseId: "wh" });
  await sk.inventory.defineProduct({ sku: "MUG", costingMethod: "fifo" });
  await sk.purchasing.defineSupplier({ supplierId: "s", currency: "EUR", leadTimeDays: 21, taxTreatment: "none" });
  await sk.purchasing.setSupplierItem({ supplierId: "s", sku: "MUG", prices: [{ unitPrice: "2" }] });
  const warnings: (readonly string[] | undefined)[] = [];
  let n = 0;
  for (const { sent, received } of onTime) {
    clock.set(`${sent}T09:00:00.000Z`);
    const po = await sk.purchasing.createOrder({ supplierId: "s", warehouseId: "wh", lines: [{ sku: "MUG", quantity: 10 }] });
    await sk.purchasing.sendOrder({ purchaseOrderId: po.purchaseOrderId });
    clock.set(`${received}T09:00:00.000Z`);
    const r = await sk.purchasing.receiveGoods({ receiptId: `ok${n++}`, purchaseOrderId: po.purchaseOrderId, lines: [{ lineId: "1", quantity: 10 }] });
    warnings.push((r as { warnings?: readonly string[] }).warnings);
  }
  clock.set("2026-04-10T09:00:00.000Z");
  for (const [i, date] of sentLater.entries()) {
    const po = await sk.purchasing.createOrder({ supplierId: "s", warehouseId: "wh", lines: [{ sku: "MUG", quantity: 10 }] });
    await sk.purchasing.sendOrder({ purchaseOrderId: po.purchaseOrderId });
    const r = await sk.purchasing.receiveGoods({ receiptId: `g${i}`, purchaseOrderId: po.purchaseOrderId, date, lines: [{ lineId: "1", quantity: 10 }] });
    warnings.push((r as { warnings?: readonly string[] }).warnings);
  }
  for (let i = 0; i < 5; i++) await sk.inventory.issue({ sku: "MUG", warehouseId: "wh", quantity: "3", effectiveDate: `2026-04-0${4 + i}` });
  return { sk, warnings };
}

describe("receipts dated before their order was sent", () => {
  it("are taken with a warning and left out of the learned lead time and the scorecard's reliability", async () => {
    const { sk, warnings } = await supplierWithEarlyReceipts(["2026-04-01", "2026-04-03"]);
    expect(warnings[0]?.[0]).toMatch(/^received on 2026-04-01, before the order was sent \(2026-04-10\).*left out of supplier s's learned lead time/);
    const lt = await sk.purchasing.leadTime("s");
    expect(lt).toMatchObject({ statedDays: 21, count: 0, meanDays: null, lastDays: [] });
    expect(lt.anomalies.map((a) => [a.receiptId, a.days])).toEqual([["g0", -9], ["g1", -7]]);
    expect(lt.anomalies[0]!.reason).toMatch(/9 days before the order was sent/);
    const card = await sk.purchasing.scorecard("s", "2026-04-10");
    expect(card.receipts).toBe(2);
    expect(card.leadTimeReliability).toBeNull();
    expect(card.leadTime.anomalies).toHaveLength(2);
    await sk.close();
  });

  it("replenishment uses the stated lead time, not a clamped day, and says why", async () => {
    const { sk } = await supplierWithEarlyReceipts(["2026-04-01", "2026-04-03"]);
    const r = await sk.replenishment.suggest({ asOf: "2026-04-10", periodDays: 1 });
    const s = r.suggestions.find((x) => x.sku === "MUG");
    expect(s).toBeDefined();
    expect(s!.explanation.inputs.leadTimeDays).toEqual({ mean: 21, sd: 0, source: "supplier" });
    expect(s!.explanation.notes?.join(" ")).toMatch(/2 receipts of supplier s dated before their orders were sent are left out of the learned lead time; 0 valid observations left, so the stated lead time of 21 days is used/);
    await sk.close();
  });

  it("valid receipts still teach the lead time; the early one is only left out", async () => {
    const { sk, warnings } = await supplierWithEarlyReceipts(["2026-04-01"], [
      { sent: "2026-02-02", received: "2026-02-20" },
      { sent: "2026-02-09", received: "2026-03-03" },
    ]);
    expect(warnings.slice(0, 2)).toEqual([undefined, undefined]);
    const lt = await sk.purchasing.leadTime("s", { asOf: "2026-04-10" });
    expect(lt).toMatchObject({ count: 2, meanDays: 20, lastDays: [18, 22] });
    expect(lt.anomalies.map((a) => a.receiptId)).toEqual(["g0"]);
    expect((await sk.purchasing.scorecard("s", "2026-04-10")).leadTimeReliability).toBe(1);
    const r = await sk.replenishment.suggest({ asOf: "2026-04-10", periodDays: 1 });
    const s = [...r.suggestions].find((x) => x.sku === "MUG");
    expect(s!.explanation.inputs.leadTimeDays).toMatchObject({ mean: 20, source: "observed" });
    expect(s!.explanation.notes).toEqual(["1 receipt of supplier s dated before its order was sent is left out of the learned lead time"]);
    await sk.close();
  });
});
