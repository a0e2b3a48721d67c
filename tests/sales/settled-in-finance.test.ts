import { describe, expect, it } from "vitest";
import { memoryStore } from "../../src/adapters/memory/index.js";
import type { Storekeep } from "../../src/storekeep.js";
import { shop } from "./setup.js";

async function stock(sk: Storekeep): Promise<void> {
  await sk.inventory.defineWarehouse({ warehouseId: "wh" });
  await sk.inventory.defineProduct({ sku: "MUG", costingMethod: "fifo" });
  await sk.inventory.receive({ sku: "MUG", warehouseId: "wh", quantity: "10", unitCost: "3" });
}

describe("an order settled in finance", () => {
  it("a bad debt written off in finance shows on the order view: nothing left to pay, status written-off", async () => {
    const { sk } = shop(memoryStore());
    await stock(sk);
    await sk.sales.placeOrder({ orderId: "ord_1", customerId: "cus_1", currency: "EUR", warehouseId: "wh", lines: [{ sku: "MUG", quantity: 2, unitPrice: "10.00" }] });
    await sk.sales.capturePayment({ orderId: "ord_1", paymentId: "ch_1", amount: "5.00" });
    await sk.sales.shipOrder({ orderId: "ord_1", shipmentId: "shp_1" });
    const before = (await sk.sales.order("ord_1"))!;
    expect(before.statuses.payment).toBe("partially-paid");
    expect(before.leftToPay).toBe("18.8");
    expect(before.writtenOff).toBe("0");
    const invoiceId = before.order.invoices[0]!.invoiceId;
    const w = await sk.finance.writeOff({ ledger: "receivables", documentId: invoiceId, reason: "bad-debt", date: "2026-03-31" });
    expect(w.amount).toBe("18.8");
    const after = (await sk.sales.order("ord_1"))!;
    expect(after.leftToPay).toBe("0");
    expect(after.writtenOff).toBe("18.8");
    expect(after.statuses.payment).toBe("written-off");
    expect(after.order.lines[0]!.buckets).toEqual(before.order.lines[0]!.buckets);
    expect((await sk.sales.orders({ customerId: "cus_1" })).orders[0]!.statuses.payment).toBe("written-off");
  });
});
