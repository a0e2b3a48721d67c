import { describe, expect, it } from "vitest";
import { memoryRates, memoryStore } from "../../src/adapters/memory/index.js";
import { financeModule } from "../../src/finance/index.js";
import { createInventoryApi, inventoryModule } from "../../src/inventory/index.js";
import { StorekeepError, isStorekeepError } from "../../src/kernel/errors.js";
import type { PeriodLockDomain, PeriodLocks } from "../../src/ports/index.js";
import { createRuntime, resolveConfig } from "../../src/runner/index.js";
import { createStorekeep } from "../../src/storekeep.js";
import { ManualClock, sequentialIds } from "../../src/testing/index.js";
import { validateEvent } from "./setup.js";

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (error) {
    if (isStorekeepError(error)) return error.code;
    throw error;
  }
  return "ok";
}

/** A host's own lock keeper: stock locked through a date it holds. */
function hostLocks(asked: { domain: PeriodLockDomain; date: string }[], through: string): PeriodLocks {
  return {
    async assertOpen(_tx, domain, date) {
      asked.push({ domain, date });
      if (date <= through) throw new StorekeepError("PERIOD_LOCKED", `${date} is locked for ${domain} (host locks through ${through}).`, { domain, date });
    },
  };
}

describe("the period-lock seam", () => {
  it("inventory refuses a movement into a period locked by whichever module keeps the locks (a host module, no finance)", async () => {
    const asked: { domain: PeriodLockDomain; date: string }[] = [];
    const runtime = createRuntime({
      store: memoryStore(),
      clock: new ManualClock("2026-03-31T12:00:00.000Z"),
      ids: sequentialIds(),
      rates: memoryRates([]),
      config: resolveConfig({ functionalCurrency: "EUR" }),
      modules: [inventoryModule(), { name: "host-books", registry: {}, periodLocks: hostLocks(asked, "2026-02-28") }],
      validateEvent,
    });
    const inventory = createInventoryApi(runtime);
    await inventory.defineWarehouse({ warehouseId: "wh" });
    await inventory.defineProduct({ sku: "A", costingMethod: "fifo" });
    expect(await code(inventory.receive({ sku: "A", warehouseId: "wh", quantity: "1", unitCost: "1", effectiveDate: "2026-02-28" }))).toBe("PERIOD_LOCKED");
    expect(await code(inventory.receive({ sku: "A", warehouseId: "wh", quantity: "1", unitCost: "1", effectiveDate: "2026-03-01" }))).toBe("ok");
    expect(asked).toEqual([
      { domain: "stock", date: "2026-02-28" },
      { domain: "stock", date: "2026-03-01" },
    ]);
  });

  it("the facade wires finance's locks: a stock lock in finance refuses a back-dated receipt", async () => {
    const sk = createStorekeep({ clock: new ManualClock("2026-03-31T12:00:00.000Z"), ids: sequentialIds(), config: { functionalCurrency: "EUR" } });
    await sk.inventory.defineWarehouse({ warehouseId: "wh" });
    await sk.inventory.defineProduct({ sku: "A", costingMethod: "fifo" });
    await sk.finance.lockPeriod({ through: "2026-02-28", domains: ["stock"] });
    expect(await code(sk.inventory.receive({ sku: "A", warehouseId: "wh", quantity: "1", unitCost: "1", effectiveDate: "2026-02-28" }))).toBe("PERIOD_LOCKED");
    expect(await code(sk.inventory.receive({ sku: "A", warehouseId: "wh", quantity: "1", unitCost: "1", effectiveDate: "2026-03-01" }))).toBe("ok");
  });

  it("two modules keeping period locks are refused (ALREADY_EXISTS) unless createRuntime chooses one", () => {
    const base = { store: memoryStore(), clock: new ManualClock("2026-03-31T12:00:00.000Z"), ids: sequentialIds(), rates: memoryRates([]), config: resolveConfig({ functionalCurrency: "EUR" }), validateEvent };
    const modules = [inventoryModule(), financeModule(), { name: "host-books", registry: {}, periodLocks: hostLocks([], "2026-01-01") }];
    expect(() => createRuntime({ ...base, modules })).toThrow(expect.objectContaining({ code: "ALREADY_EXISTS" }));
    expect(() => createRuntime({ ...base, modules, periodLocks: hostLocks([], "2026-01-01") })).not.toThrow();
  });
});
