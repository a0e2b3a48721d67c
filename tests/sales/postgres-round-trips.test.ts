import type { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postgresStore } from "../../src/adapters/postgres/index.js";
import { type PerCommand, countingPGlite } from "../adapters/counting-pglite.js";
import { defineTaxCodes } from "../../src/finance/tax/tax-codes.js";
import { type Storekeep, createStorekeep } from "../../src/storekeep.js";
import { ManualClock, sequentialIds } from "../../src/testing/index.js";

/*
 * On PostgreSQL every statement is a round trip: the statements an order's commands run must
 * not grow with its lines (the holds, movements, journal entries, cost-state locks, counter
 * changes and stock checks of a 12-line order go in the same statements as a 2-line order's).
 * Receiving a customer return reads its lines' issues and their valuations from the ledger in
 * one multi-stream read each (`logs.readMany`), so it is flat too.
 */

const vat = defineTaxCodes([{ code: "DE-STD", jurisdiction: { country: "DE" }, category: "standard", kind: "standard", rates: [{ rate: "0.19", validFrom: "2007-01-01" }] }]);
const SKUS = Array.from({ length: 12 }, (_, i) => `SKU${String(i).padStart(2, "0")}`);

let db: PGlite;
let sk: Storekeep;
let statements: () => number;
let perCommand: () => PerCommand;

beforeAll(async () => {
  ({ db, statements, perCommand } = await countingPGlite());
  sk = createStorekeep({
    store: postgresStore({ client: db, schema: "round_trips" }),
    clock: new ManualClock("2026-03-02T10:00:00.000Z"),
    ids: sequentialIds(),
    config: { functionalCurrency: "EUR", timeZone: "UTC" },
    sales: { tax: { codes: vat, seller: { country: "DE" } } },
  });
  await sk.inventory.defineWarehouse({ warehouseId: "wh" });
  for (const [i, sku] of SKUS.entries()) {
    await sk.inventory.defineProduct({ sku, costingMethod: i % 2 === 0 ? "fifo" : "moving-average" });
    await sk.inventory.receive({ sku, warehouseId: "wh", quantity: "1000", unitCost: "2.50" });
  }
}, 60_000);

afterAll(async () => {
  await db.close();
});

async function lifecycle(orderId: string, lines: number): Promise<Record<string, number>> {
  const { counts, counted } = perCommand();
  const order = (id: string) => ({ orderId: id, currency: "EUR", warehouseId: "wh", lines: SKUS.slice(0, lines).map((sku, i) => ({ sku, quantity: 2 + (i % 3), unitPrice: `${9 + i}.95` })), discounts: [{ kind: "percent" as const, percent: "5" }], shipping: { amount: "4.90" }, shipTo: { country: "DE" } });
  await sk.sales.placeOrder(order(`${orderId}_cancelled`));
  await counted("cancel", () => sk.sales.cancelOrder({ orderId: `${orderId}_cancelled` }));
  await counted("place", () => sk.sales.placeOrder(order(orderId)));
  // One unit less of every line: a new version, re-priced, re-reserved and re-invoiced.
  const edited = await counted("edit", () => sk.sales.editOrder({ orderId, changes: SKUS.slice(0, lines).map((_, i) => ({ lineId: String(i + 1), quantity: String(1 + (i % 3)) })) }));
  await counted("capture", () => sk.sales.capturePayment({ orderId, paymentId: `ch_${orderId}`, amount: edited.total }));
  await counted("ship", () => sk.sales.shipOrder({ orderId, shipmentId: `shp_${orderId}` }));
  await counted("payout", () => sk.sales.settlePayout({ payoutId: `po_${orderId}`, currency: "EUR", gross: edited.total, fees: "0.35", paymentIds: [`ch_${orderId}`] }));
  return counts;
}

/** A return of one unit of every line of a shipped order, received (every third line written off): its statements. */
async function returned(orderId: string, lines: number): Promise<number> {
  await sk.sales.requestReturn({ orderId, returnId: `ret_${orderId}`, lines: SKUS.slice(0, lines).map((_, i) => ({ lineId: String(i + 1), quantity: "1" })) });
  const before = statements();
  await sk.sales.receiveReturn({ returnId: `ret_${orderId}`, dispositions: SKUS.slice(0, lines).map((_, i) => ({ lineId: String(i + 1), disposition: i % 3 === 0 ? ("write-off" as const) : ("restock" as const) })) });
  return statements() - before;
}

describe("an order's statements on PostgreSQL do not grow with its lines", () => {
  it("cancelling, placing, editing, capturing, shipping and paying out a 12-line order runs as many statements as a 2-line order", async () => {
    await lifecycle("warm", 12);
    const two = await lifecycle("o2", 2);
    const twelve = await lifecycle("o12", 12);
    expect(twelve).toEqual(two);
    // And the 12-line order did what it says: every line shipped, the order paid.
    const view = await sk.sales.order("o12");
    expect(view?.statuses).toMatchObject({ payment: "paid", fulfilment: "shipped" });
    expect(view?.order.lines.map((l) => l.buckets.shipped)).toEqual(SKUS.map((_, i) => String(1 + (i % 3))));
  }, 60_000);

  it("receiving a 12-line return runs as many statements as a 2-line return, each line back at the cost it left with", async () => {
    // Stock bought dearer since the orders shipped: a return valued at today's cost would show it.
    for (const sku of SKUS) await sk.inventory.receive({ sku, warehouseId: "wh", quantity: "100", unitCost: "4.00" });
    await returned("warm", 12);
    const two = await returned("o2", 2);
    const twelve = await returned("o12", 12);
    expect(twelve).toBe(two);
    const view = await sk.sales.order("o12");
    expect(view?.order.lines.map((l) => l.buckets.returned)).toEqual(SKUS.map(() => "1"));
    for (const sku of SKUS) {
      const back = (await sk.inventory.history({ sku })).filter((h) => h.kind === "customer-return" && (h.source as { id?: string }).id === "ret_o12");
      expect({ sku, amounts: back.map((h) => h.amount) }).toEqual({ sku, amounts: ["2.5"] });
    }
  }, 60_000);
});
