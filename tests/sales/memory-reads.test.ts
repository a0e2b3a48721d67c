import { describe, expect, it } from "vitest";
import { memoryStore } from "../../src/adapters/memory/index.js";
import type { DocumentStore, Store, Transaction } from "../../src/ports/storage.js";
import { defineTaxCodes } from "../../src/finance/tax/tax-codes.js";
import { createStorekeep } from "../../src/storekeep.js";
import { ManualClock, sequentialIds } from "../../src/testing/index.js";

/*
 * On the memory store (or any adapter without the PostgreSQL adapter's per-transaction
 * document cache) every read is work the command does again: an order's commands read each
 * document once per command — the period-lock document once however many entries a shipment
 * posts, the lines' products, locations, holds and cost states in one read each, not once
 * per line. Reads per command are the same for a 12-line order as for a 2-line one.
 */

const vat = defineTaxCodes([{ code: "DE-STD", jurisdiction: { country: "DE" }, category: "standard", kind: "standard", rates: [{ rate: "0.19", validFrom: "2007-01-01" }] }]);
const SKUS = Array.from({ length: 12 }, (_, i) => `SKU${String(i).padStart(2, "0")}`);
const READS = ["get", "getForUpdate", "getForShare", "getMany", "getManyForUpdate", "find"] as const;

/** A memory store counting document reads ("method collection") while `counting` is on. */
function countingStore(): { store: Store; reads: Map<string, number>; counting: { on: boolean } } {
  const inner = memoryStore();
  const reads = new Map<string, number>();
  const counting = { on: false };
  const wrap = (documents: DocumentStore): DocumentStore => {
    const out: Record<string, unknown> = {};
    for (const method of ["get", "getForUpdate", "getForShare", "getMany", "getManyForUpdate", "put", "insertMany", "delete", "find"] as const) {
      const fn = documents[method] as ((...args: unknown[]) => unknown) | undefined;
      if (fn === undefined) continue;
      out[method] = (...args: unknown[]) => {
        if (counting.on && (READS as readonly string[]).includes(method)) reads.set(`${method} ${String(args[0])}`, (reads.get(`${method} ${String(args[0])}`) ?? 0) + 1);
        return fn.apply(documents, args);
      };
    }
    return out as unknown as DocumentStore;
  };
  const store: Store = {
    name: inner.name,
    capabilities: inner.capabilities,
    migrate: (registry) => inner.migrate(registry),
    readEvents: (cursor, limit) => inner.readEvents(cursor, limit),
    transaction: (work) => inner.transaction((tx) => work({ ...tx, documents: wrap(tx.documents) } as Transaction)),
  };
  return { store, reads, counting };
}

async function readsPerCommand(lines: number): Promise<Record<string, Record<string, number>>> {
  const { store, reads, counting } = countingStore();
  const sk = createStorekeep({ store, clock: new ManualClock("2026-03-02T10:00:00.000Z"), ids: sequentialIds(), config: { functionalCurrency: "EUR", timeZone: "UTC" }, sales: { tax: { codes: vat, seller: { country: "DE" } } } });
  await sk.inventory.defineWarehouse({ warehouseId: "wh" });
  for (const [i, sku] of SKUS.entries()) {
    await sk.inventory.defineProduct({ sku, costingMethod: i % 2 === 0 ? "fifo" : "moving-average" });
    await sk.inventory.receive({ sku, warehouseId: "wh", quantity: "1000", unitCost: "2.50" });
  }
  const out: Record<string, Record<string, number>> = {};
  const counted = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
    reads.clear();
    counting.on = true;
    try {
      return await work();
    } finally {
      counting.on = false;
      out[name] = Object.fromEntries([...reads].sort(([a], [b]) => (a < b ? -1 : 1)));
    }
  };
  const placed = await counted("place", () =>
    sk.sales.placeOrder({ orderId: "o1", currency: "EUR", warehouseId: "wh", lines: SKUS.slice(0, lines).map((sku, i) => ({ sku, quantity: 1 + (i % 3), unitPrice: `${9 + i}.95` })), discounts: [{ kind: "percent", percent: "5" }], shipping: { amount: "4.90" }, shipTo: { country: "DE" } }),
  );
  await counted("capture", () => sk.sales.capturePayment({ orderId: "o1", paymentId: "ch1", amount: placed.total }));
  await counted("ship", () => sk.sales.shipOrder({ orderId: "o1", shipmentId: "s1" }));
  await counted("payout", () => sk.sales.settlePayout({ payoutId: "po1", currency: "EUR", gross: placed.total, fees: "0.35", paymentIds: ["ch1"] }));
  const view = await sk.sales.order("o1");
  expect(view?.statuses).toMatchObject({ payment: "paid", fulfilment: "shipped" });
  return out;
}

describe("an order's commands read each document once per command on the memory store", () => {
  it("placing, capturing, shipping and paying out a 12-line order reads as many documents as a 2-line order, and the period locks once per command", async () => {
    const two = await readsPerCommand(2);
    const twelve = await readsPerCommand(12);
    expect(twelve).toEqual(two);
    for (const [command, reads] of Object.entries(twelve)) {
      expect({ command, periodLocks: reads["getForShare finance.period-locks"] ?? 0 }).toEqual({ command, periodLocks: 1 });
    }
    // The shipment locks its holds and cost states in one read each, and reads its products once.
    expect(twelve["ship"]).toMatchObject({ "getManyForUpdate inventory.reservations": 1, "getManyForUpdate inventory.cost-states": 1 });
    expect(twelve["ship"]?.["getForUpdate inventory.reservations"]).toBeUndefined();
    expect(twelve["ship"]?.["getForUpdate inventory.cost-states"]).toBeUndefined();
    expect(twelve["ship"]?.["get inventory.products"]).toBeUndefined();
  }, 60_000);
});
