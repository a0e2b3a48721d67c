import type { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postgresStore } from "../../src/adapters/postgres/index.js";
import { type PerCommand, countingPGlite } from "../adapters/counting-pglite.js";
import { type Storekeep, createStorekeep } from "../../src/storekeep.js";
import { ManualClock, sequentialIds } from "../../src/testing/index.js";

/*
 * On PostgreSQL every statement is a round trip: creating, approving and sending a purchase
 * order, receiving, billing and paying it run as many statements for 12 lines as for 2
 * (supplier items read in one call, the incoming rows locked together, inserted in one call,
 * updated in one statement, and those a receipt completes deleted in one statement); approving
 * a bill above the order price reads the receipt's movements once for all its lines, and a
 * supplier return and a landed cost read their products once.
 */

const SKUS = Array.from({ length: 12 }, (_, i) => `SKU${String(i).padStart(2, "0")}`);

let db: PGlite;
let sk: Storekeep;
let perCommand: () => PerCommand;

beforeAll(async () => {
  ({ db, perCommand } = await countingPGlite());
  sk = createStorekeep({ store: postgresStore({ client: db, schema: "po_round_trips" }), clock: new ManualClock("2026-03-02T10:00:00.000Z"), ids: sequentialIds(), config: { functionalCurrency: "EUR", timeZone: "UTC" } });
  await sk.inventory.defineWarehouse({ warehouseId: "wh" });
  await sk.purchasing.defineSupplier({ supplierId: "acme", currency: "EUR", leadTimeDays: 14, taxTreatment: "none" });
  for (const [i, sku] of SKUS.entries()) {
    await sk.inventory.defineProduct({ sku, costingMethod: i % 2 === 0 ? "fifo" : "moving-average" });
    await sk.purchasing.setSupplierItem({ supplierId: "acme", sku, prices: [{ unitPrice: "2.00" }] });
  }
}, 60_000);

afterAll(async () => {
  await db.close();
});

async function purchase(tag: string, lines: number, billedPrice = "2"): Promise<Record<string, number>> {
  const { counts, counted } = perCommand();
  const { purchaseOrderId } = await counted("create", () => sk.purchasing.createOrder({ supplierId: "acme", warehouseId: "wh", lines: SKUS.slice(0, lines).map((sku) => ({ sku, quantity: 10 })) }));
  await counted("approve", () => sk.purchasing.approveOrder({ purchaseOrderId, approver: "ann" }));
  await counted("send", () => sk.purchasing.sendOrder({ purchaseOrderId }));
  await counted("receive", () => sk.purchasing.receiveGoods({ receiptId: `grn_${tag}`, purchaseOrderId, lines: SKUS.slice(0, lines).map((_, i) => ({ lineId: String(i + 1), quantity: 10 })) }));
  await counted("bill", () => sk.purchasing.recordBill({ billId: `bill_${tag}`, purchaseOrderId, lines: SKUS.slice(0, lines).map((_, i) => ({ lineId: String(i + 1), quantity: 10, unitPrice: billedPrice })) }));
  // A bill above the order price is held for approval; approving it revalues each line's receipt.
  if (billedPrice !== "2") await counted("approve bill", () => sk.purchasing.approveBill({ billId: `bill_${tag}`, approver: "ann" }));
  await counted("return to supplier", () => sk.purchasing.returnToSupplier({ returnId: `sr_${tag}`, purchaseOrderId, lines: SKUS.slice(0, lines).map((_, i) => ({ lineId: String(i + 1), quantity: 1 })) }));
  await counted("landed cost", () => sk.purchasing.recordLandedCost({ landedCostId: `lc_${tag}`, supplierId: "acme", net: "12.00", receiptIds: [`grn_${tag}`], basis: "quantity" }));
  await counted("pay", () => sk.purchasing.paySupplier({ paymentId: `pay_${tag}`, supplierId: "acme", billIds: [`bill_${tag}`] }));
  return counts;
}

describe("a purchase order's statements on PostgreSQL do not grow with its lines", () => {
  it("creating, approving, sending, receiving, billing, returning to the supplier, recording a landed cost and paying a 12-line purchase order runs as many statements as a 2-line one", async () => {
    await purchase("warm", 12);
    const two = await purchase("two", 2);
    const twelve = await purchase("twelve", 12);
    expect(twelve).toEqual(two);
    // Two 12-line orders received 10 of SKU11 each, one unit of each went back.
    expect((await sk.inventory.availability("SKU11", "wh")).onHand).toBe("18");
  }, 60_000);

  it("paying 12 bills in one payment runs as many statements as paying 2 (the bills and their open items locked together), and settles every bill", async () => {
    const billsOf = async (tag: string, count: number): Promise<string[]> => {
      const ids: string[] = [];
      for (let i = 0; i < count; i++) {
        const { purchaseOrderId } = await sk.purchasing.createOrder({ supplierId: "acme", warehouseId: "wh", lines: [{ sku: SKUS[i]!, quantity: 10 }] });
        await sk.purchasing.approveOrder({ purchaseOrderId, approver: "ann" });
        await sk.purchasing.sendOrder({ purchaseOrderId });
        await sk.purchasing.receiveGoods({ receiptId: `grn_${tag}_${i}`, purchaseOrderId, lines: [{ lineId: "1", quantity: 10 }] });
        await sk.purchasing.recordBill({ billId: `bill_${tag}_${i}`, purchaseOrderId, lines: [{ lineId: "1", quantity: 10, unitPrice: "2" }] });
        ids.push(`bill_${tag}_${i}`);
      }
      return ids;
    };
    const { counts, counted } = perCommand();
    const warm = await billsOf("pw", 12);
    await sk.purchasing.paySupplier({ paymentId: "pay_pw", supplierId: "acme", billIds: warm });
    const two = await billsOf("p2", 2);
    await counted("two", () => sk.purchasing.paySupplier({ paymentId: "pay_p2", supplierId: "acme", billIds: two }));
    const twelve = await billsOf("p12", 12);
    const paid = await counted("twelve", () => sk.purchasing.paySupplier({ paymentId: "pay_p12", supplierId: "acme", billIds: [...twelve].reverse() }));
    expect(counts["twelve"]).toBe(counts["two"]);
    expect(paid.bills.map((b) => [b.billId, b.open])).toEqual([...twelve].reverse().map((id) => [id, "0"]));
  }, 60_000);

  it("approving a 12-line bill above the order price runs as many statements as a 2-line one, each line's receipt revalued by its own difference", async () => {
    await purchase("warm-diff", 12, "2.10");
    const two = await purchase("two-diff", 2, "2.10");
    const twelve = await purchase("twelve-diff", 12, "2.10");
    expect(twelve).toEqual(two);
    expect(twelve["approve bill"]).toBeGreaterThan(0);
    // 10 units billed 0.10 above the order price: each receipt of the 12-line order gains 1.00.
    for (const sku of SKUS) {
      const revalued = (await sk.inventory.history({ sku })).filter((h) => h.kind === "revaluation" && (h.source as { id?: string }).id === "bill_twelve-diff");
      expect({ sku, amounts: revalued.map((h) => h.amount) }).toEqual({ sku, amounts: ["1"] });
    }
  }, 60_000);
});
