import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KINDS, codeOf, pgliteHolder, shop } from "./helpers.js";

const pg = pgliteHolder();
beforeAll(() => pg.start(), 60_000);
afterAll(() => pg.stop());

describe.each(KINDS)("purchase order numbers on %s", (kind) => {
  it("are gapless per year from finance's numbering: a failed order takes its number back", async () => {
    const { sk } = shop(kind, pg.get, pg.schema);
    await sk.inventory.defineWarehouse({ warehouseId: "wh" });
    for (const sku of ["MUG", "CUP"]) await sk.inventory.defineProduct({ sku, costingMethod: "fifo" });
    await sk.purchasing.defineSupplier({ supplierId: "s", currency: "EUR", leadTimeDays: 3, taxTreatment: "none" });
    await sk.purchasing.setSupplierItem({ supplierId: "s", sku: "MUG", prices: [{ unitPrice: "2" }] });
    const a = await sk.purchasing.createOrder({ supplierId: "s", warehouseId: "wh", lines: [{ sku: "MUG", quantity: 10 }] });
    expect(a.number).toBe("PO2026-000001");
    // No price for CUP: the command fails after drawing its number, and the number goes back.
    expect(await codeOf(() => sk.purchasing.createOrder({ supplierId: "s", warehouseId: "wh", lines: [{ sku: "CUP", quantity: 1 }] }))).toBe("NOT_FOUND");
    const b = await sk.purchasing.createOrder({ supplierId: "s", warehouseId: "wh", lines: [{ sku: "MUG", quantity: 5 }] });
    expect(b.number).toBe("PO2026-000002");
    const drafted = await sk.purchasing.draftOrdersFromSuggestions({ proposals: [{ supplier: "s", warehouse: "wh", lines: [{ sku: "MUG", quantity: 3 }] }] });
    expect(drafted.orders[0]!.number).toBe("PO2026-000003");
    expect((await sk.purchasing.order(drafted.orders[0]!.purchaseOrderId))!.number).toBe("PO2026-000003");
    // Each year starts again at 1; the number stays with the order through its changes.
    const next = await sk.purchasing.createOrder({ supplierId: "s", warehouseId: "wh", orderDate: "2027-01-04", lines: [{ sku: "MUG", quantity: 1 }] });
    expect(next.number).toBe("PO2027-000001");
    await sk.purchasing.changeOrder({ purchaseOrderId: a.purchaseOrderId, lines: [{ sku: "MUG", quantity: 12 }] });
    expect((await sk.purchasing.order(a.purchaseOrderId))!.number).toBe("PO2026-000001");
    const numbers = (await sk.purchasing.orders()).map((o) => o.number).sort();
    expect(numbers).toEqual(["PO2026-000001", "PO2026-000002", "PO2026-000003", "PO2027-000001"]);
    await sk.close();
  });

  it("take the shop's prefix", async () => {
    const { sk } = shop(kind, pg.get, pg.schema, { numberPrefix: "BUY" });
    await sk.inventory.defineWarehouse({ warehouseId: "wh" });
    await sk.inventory.defineProduct({ sku: "MUG", costingMethod: "fifo" });
    await sk.purchasing.defineSupplier({ supplierId: "s", currency: "EUR", leadTimeDays: 3, taxTreatment: "none" });
    const a = await sk.purchasing.createOrder({ supplierId: "s", warehouseId: "wh", lines: [{ sku: "MUG", quantity: 10, unitPrice: "1" }] });
    expect(a.number).toBe("BUY2026-000001");
    await sk.close();
  });
});
