import { describe, expect, it } from "vitest";
import { createStorekeep } from "../../src/index.js";
import { ManualClock, sequentialIds } from "../../src/testing/index.js";
import { sharedPglite, storeOf } from "../sales/setup.js";

/*
 * A customer return received through sales names no lot: inventory brings a lot- or
 * serial-tracked product back into the lots the order's shipments took. An order can hold
 * two lines of one tracked SKU (an edit adds one); a return of both lines at once took the
 * same serial for each line (the second line did not see what the first took back), and the
 * ledger refused the whole return: "Serial SN2 of PEN would be on hand 2 times". Found by the
 * whole-shop simulator (seeds 1670 and 1803). Each line now takes serials still out with the
 * customer, its own shipments' first (their lots, at their issue cost).
 */

const db = sharedPglite();

describe.each(["memory", "pglite"] as const)("tracked returns over two lines of one SKU (%s)", (kind) => {
  it("two lines of one serial-tracked SKU returned together each come back into serials still out, the line's own first: every serial on hand once, value and audit as before the sale", async () => {
    const sk = createStorekeep({ store: storeOf(kind, db), clock: new ManualClock("2026-01-05T09:00:00.000Z"), ids: sequentialIds(), config: { functionalCurrency: "EUR" } });
    await sk.inventory.defineWarehouse({ warehouseId: "wh" });
    await sk.inventory.defineProduct({ sku: "PEN", costingMethod: "moving-average", tracking: "serial" });
    await sk.inventory.defineProduct({ sku: "MILK", costingMethod: "fifo", tracking: "lot" });
    for (const [serial, cost] of [["SN1", "5"], ["SN2", "6"], ["SN3", "7"]] as const) await sk.inventory.receive({ sku: "PEN", warehouseId: "wh", quantity: "1", unitCost: cost, lot: serial });
    await sk.inventory.receive({ sku: "MILK", warehouseId: "wh", quantity: "2", unitCost: "1", lot: "L1", expiry: "2026-02-01" });
    await sk.inventory.receive({ sku: "MILK", warehouseId: "wh", quantity: "2", unitCost: "2", lot: "L2", expiry: "2026-03-01" });
    const before = await sk.inventory.onHand({});
    const value = (await sk.inventory.valuation()).map((r) => [r.sku, r.value]);
    await sk.sales.placeOrder({
      orderId: "o1",
      currency: "EUR",
      warehouseId: "wh",
      lines: [
        { sku: "PEN", quantity: "1", unitPrice: "9" },
        { sku: "PEN", quantity: "2", unitPrice: "9" },
        { sku: "MILK", quantity: "1", unitPrice: "4" },
        { sku: "MILK", quantity: "3", unitPrice: "4" },
      ],
    });
    await sk.sales.shipOrder({ orderId: "o1", shipmentId: "s1", lines: [{ lineId: "1", quantity: "1" }, { lineId: "3", quantity: "1" }] });
    await sk.sales.shipOrder({ orderId: "o1", shipmentId: "s2", lines: [{ lineId: "2", quantity: "2" }, { lineId: "4", quantity: "3" }] });
    const lotsOf = async (kind: string) =>
      (await sk.inventory.history({ sku: "PEN" }))
        .concat(await sk.inventory.history({ sku: "MILK" }))
        .filter((m) => m.kind === kind)
        .map((m) => [(m.source as { lineId?: string }).lineId, m.lot, m.quantity.replace("-", "")])
        .sort((a, b) => `${a[0]}|${a[1]}`.localeCompare(`${b[0]}|${b[1]}`));
    const shipped = await lotsOf("sale-issue");
    expect(shipped.filter((s) => s[0] === "1" || s[0] === "2").length).toBe(3);
    expect((await sk.inventory.onHand({ sku: "PEN" })).length).toBe(0);
    // Both lines of each SKU in one return: line 1's serial and line 2's two, not one serial twice.
    await sk.sales.requestReturn({ orderId: "o1", returnId: "r1", lines: [{ lineId: "1", quantity: "1" }, { lineId: "2", quantity: "2" }, { lineId: "3", quantity: "1" }, { lineId: "4", quantity: "3" }] });
    await sk.sales.receiveReturn({ returnId: "r1" });
    expect(await sk.inventory.onHand({})).toEqual(before);
    expect((await sk.inventory.valuation()).map((r) => [r.sku, r.value])).toEqual(value);
    // Each line's units came back into the lots its own shipment took.
    expect(await lotsOf("customer-return")).toEqual(shipped);
    const audit = await sk.inventory.audit();
    expect(audit.differences).toEqual([]);
    expect(audit.ok).toBe(true);
  });
});
