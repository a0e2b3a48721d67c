import { describe, expect, it } from "vitest";
import { Decimal } from "../../src/kernel/decimal.js";
import { StorekeepError } from "../../src/kernel/errors.js";
import { recordEvents } from "../../src/runner/index.js";
import { type Harness, caught, harness } from "./setup.js";

/*
 * A customer return that names its order or issue cannot bring back more than left: what
 * the issue (or the order's issues of the SKU) took, less what already came back against
 * it. Before, `returnFromCustomer` accepted any quantity, booking COGS credits for units
 * that never left (found by exploratory use, session 18).
 */


async function shop(): Promise<Harness> {
  const h = await harness({ start: "2026-03-10T10:00:00.000Z", config: { timeZone: "UTC" } });
  await h.inventory.defineWarehouse({ warehouseId: "wh" });
  await h.inventory.defineProduct({ sku: "MUG", costingMethod: "fifo" });
  await h.inventory.receive({ sku: "MUG", warehouseId: "wh", quantity: "10", unitCost: "4", effectiveDate: "2026-03-01" });
  return h;
}

async function onHand(h: Harness): Promise<string> {
  return (await h.inventory.onHand({ sku: "MUG" })).reduce((sum, r) => sum.plus(r.quantity), new Decimal(0)).toString();
}

/** The COGS the stock-value events booked: issues debit it, returns credit it. */
async function cogs(h: Harness): Promise<string> {
  let total = new Decimal(0);
  for (const e of [...(await h.events("StockIssued")), ...(await h.events("StockReceived"))]) {
    const p = e.payload as { counterAccountRole: string; cost?: { amount: string }; value?: { amount: string } };
    if (p.counterAccountRole !== "cogs") continue;
    total = e.type === "StockIssued" ? total.plus(p.cost!.amount) : total.minus(p.value!.amount);
  }
  return total.toString();
}

describe("returnFromCustomer takes back at most what left", () => {
  it("a return naming an order is limited to what the order issued of the SKU less what came back", async () => {
    const h = await shop();
    await h.inventory.issue({ sku: "MUG", warehouseId: "wh", quantity: "1", orderId: "ord_1", effectiveDate: "2026-03-02" });
    await h.inventory.returnFromCustomer({ sku: "MUG", warehouseId: "wh", quantity: "1", orderId: "ord_1" });

    const more = await caught(h.inventory.returnFromCustomer({ sku: "MUG", warehouseId: "wh", quantity: "5", orderId: "ord_1" }));
    expect(more.code).toBe("VALIDATION_FAILED");
    expect(more.message).toContain("Order ord_1");
    expect(more.message).toContain("issued 1 MUG");
    expect(more.details).toMatchObject({ orderId: "ord_1", sku: "MUG", issued: "1", returned: "1", returnable: "0", requested: "5" });
    expect(await onHand(h)).toBe("10");
    // COGS: 4.00 booked by the issue, 4.00 taken back by the one return; never below zero.
    expect(await cogs(h)).toBe("0");
  });

  it("a return spanning several shipments of one order is accepted up to the order's total", async () => {
    const h = await shop();
    await h.inventory.issue({ sku: "MUG", warehouseId: "wh", quantity: "2", orderId: "ord_2", effectiveDate: "2026-03-02" });
    await h.inventory.issue({ sku: "MUG", warehouseId: "wh", quantity: "1", orderId: "ord_2", effectiveDate: "2026-03-03" });
    // Three units back at once, more than the last shipment took: at that shipment's unit cost.
    const back = await h.inventory.returnFromCustomer({ sku: "MUG", warehouseId: "wh", quantity: "3", orderId: "ord_2" });
    expect(back.amount).toBe("12");
    const fourth = await caught(h.inventory.returnFromCustomer({ sku: "MUG", warehouseId: "wh", quantity: "1", orderId: "ord_2" }));
    expect(fourth.code).toBe("VALIDATION_FAILED");
    expect(fourth.details).toMatchObject({ issued: "3", returned: "3", returnable: "0" });
  });

  it("a return naming an issue movement is limited to that issue less what came back against it", async () => {
    const h = await shop();
    const sold = await h.inventory.issue({ sku: "MUG", warehouseId: "wh", quantity: "1", orderId: "ord_1", effectiveDate: "2026-03-02" });
    const tooMany = await caught(h.inventory.returnFromCustomer({ sku: "MUG", warehouseId: "wh", quantity: "5", issueMovementId: sold.movementId }));
    expect(tooMany.code).toBe("VALIDATION_FAILED");
    expect(tooMany.message).toContain(`Movement ${sold.movementId} issued 1 MUG`);
    expect(tooMany.details).toMatchObject({ issueMovementId: sold.movementId, issued: "1", returned: "0", returnable: "1", requested: "5" });
    await h.inventory.returnFromCustomer({ sku: "MUG", warehouseId: "wh", quantity: "1", issueMovementId: sold.movementId });
    expect((await caught(h.inventory.returnFromCustomer({ sku: "MUG", warehouseId: "wh", quantity: "1", issueMovementId: sold.movementId }))).details).toMatchObject({ returned: "1", returnable: "0" });

    // An issue of no order: what came back against it is kept with it.
    const counter = await h.inventory.issue({ sku: "MUG", warehouseId: "wh", quantity: "2", effectiveDate: "2026-03-03" });
    await h.inventory.returnFromCustomer({ sku: "MUG", warehouseId: "wh", quantity: "1.5", issueMovementId: counter.movementId });
    const over = await caught(h.inventory.returnFromCustomer({ sku: "MUG", warehouseId: "wh", quantity: "1", issueMovementId: counter.movementId }));
    expect(over.details).toMatchObject({ issued: "2", returned: "1.5", returnable: "0.5" });
    await h.inventory.returnFromCustomer({ sku: "MUG", warehouseId: "wh", quantity: "0.5", issueMovementId: counter.movementId });
    expect(await onHand(h)).toBe("10");
    expect(await cogs(h)).toBe("0");
  });

  it("a return naming an issue of an order counts against the order, and must not name another order", async () => {
    const h = await shop();
    const first = await h.inventory.issue({ sku: "MUG", warehouseId: "wh", quantity: "1", orderId: "ord_3", effectiveDate: "2026-03-02" });
    await h.inventory.issue({ sku: "MUG", warehouseId: "wh", quantity: "1", orderId: "ord_3", effectiveDate: "2026-03-03" });
    await h.inventory.returnFromCustomer({ sku: "MUG", warehouseId: "wh", quantity: "1", issueMovementId: first.movementId });
    const rest = await caught(h.inventory.returnFromCustomer({ sku: "MUG", warehouseId: "wh", quantity: "2", orderId: "ord_3" }));
    expect(rest.details).toMatchObject({ orderId: "ord_3", issued: "2", returned: "1", returnable: "1" });
    const mixed = await caught(h.inventory.returnFromCustomer({ sku: "MUG", warehouseId: "wh", quantity: "1", issueMovementId: first.movementId, orderId: "ord_other" }));
    expect(mixed.code).toBe("VALIDATION_FAILED");
    expect(mixed.message).toContain("order ord_3, not order ord_other");
    await h.inventory.returnFromCustomer({ sku: "MUG", warehouseId: "wh", quantity: "1", orderId: "ord_3" });
    expect(await onHand(h)).toBe("10");
  });

  it("returns received through sales count too", async () => {
    const h = await shop();
    await h.inventory.issue({ sku: "MUG", warehouseId: "wh", quantity: "2", orderId: "ord_4", effectiveDate: "2026-03-02" });
    await h.runtime.execute(recordEvents, {
      events: [{ type: "ReturnReceived", aggregateType: "return", aggregateId: "ret_1", effectiveDate: "2026-03-05", payload: { returnId: "ret_1", orderId: "ord_4", warehouseId: "wh", lines: [{ lineId: "l1", sku: "MUG", quantity: "1", disposition: "restock" }] } }],
    });
    const over = await caught(h.inventory.returnFromCustomer({ sku: "MUG", warehouseId: "wh", quantity: "2", orderId: "ord_4" }));
    expect(over.details).toMatchObject({ issued: "2", returned: "1", returnable: "1" });
  });

  it("an unknown order or issue is NOT_FOUND", async () => {
    const h = await shop();
    await h.inventory.issue({ sku: "MUG", warehouseId: "wh", quantity: "1", orderId: "ord_1", effectiveDate: "2026-03-02" });
    const never = await caught(h.inventory.returnFromCustomer({ sku: "MUG", warehouseId: "wh", quantity: "3", orderId: "ord_never" }));
    expect(never.code).toBe("NOT_FOUND");
    expect(never.message).toContain("ord_never");
    expect(never.details).toMatchObject({ orderId: "ord_never", sku: "MUG" });
    const unknown = await caught(h.inventory.returnFromCustomer({ sku: "MUG", warehouseId: "wh", quantity: "1", issueMovementId: "mv_nope" }));
    expect(unknown.code).toBe("NOT_FOUND");
    expect(await onHand(h)).toBe("9");
  });

  it("two returns racing for the last unit out: one is taken back, the other refused", async () => {
    const h = await shop();
    await h.inventory.issue({ sku: "MUG", warehouseId: "wh", quantity: "1", orderId: "ord_5", effectiveDate: "2026-03-02" });
    const results = await Promise.allSettled([1, 2].map((n) => h.inventory.returnFromCustomer({ sku: "MUG", warehouseId: "wh", quantity: "1", orderId: "ord_5", reference: `ret_${n}` })));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const refused = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect((refused.reason as StorekeepError).code).toBe("VALIDATION_FAILED");
    expect(await onHand(h)).toBe("10");
  });
});
