import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pgliteHolder, shop } from "./helpers.js";

const pg = pgliteHolder();
beforeAll(() => pg.start(), 60_000);
afterAll(() => pg.stop());

describe("receiving against an order not yet sent", () => {
  it("says to send it first (and, for a draft, that an order above the approval limit is approved before), beside the allowed actions", async () => {
    const { sk } = shop("memory", pg.get, pg.schema, { approvalLimit: "10" });
    await sk.inventory.defineWarehouse({ warehouseId: "wh" });
    await sk.inventory.defineProduct({ sku: "MUG", costingMethod: "fifo" });
    await sk.purchasing.defineSupplier({ supplierId: "sup", currency: "EUR", leadTimeDays: 3 });
    await sk.purchasing.createOrder({ purchaseOrderId: "po", supplierId: "sup", warehouseId: "wh", lines: [{ sku: "MUG", quantity: 100, unitPrice: "2" }] });
    const draft = await sk.purchasing.receiveGoods({ receiptId: "g", purchaseOrderId: "po", lines: [{ lineId: "1", quantity: 1 }] }).catch((e: unknown) => e);
    expect(draft).toMatchObject({ code: "INVALID_TRANSITION", details: { status: "draft", action: "receive" } });
    expect((draft as Error).message).toBe(
      "Purchase order po is draft: it cannot receive; allowed: change, approve, send, cancel. Send it to the supplier first (purchasing.sendOrder; an order above the approval limit needs purchasing.approveOrder before).",
    );
    await sk.purchasing.approveOrder({ purchaseOrderId: "po", approver: "ann" });
    const approved = await sk.purchasing.recordBill({ billId: "b", purchaseOrderId: "po", lines: [{ lineId: "1", quantity: 1, unitPrice: "2" }] }).catch((e: unknown) => e);
    expect((approved as Error).message).toBe("Purchase order po is approved: it cannot bill; allowed: change, send, cancel. Send it to the supplier first (purchasing.sendOrder).");
    await sk.close();
  });
});
