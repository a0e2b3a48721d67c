import { describe, expect, it } from "vitest";
import { memoryStore } from "../../src/adapters/memory/index.js";
import { countingStore } from "../../src/testing/index.js";
import { findOrders } from "../../src/sales/reports.js";
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

  it("a page of orders reads every order's open items in one call and gives each order the statuses its own view gives (one of three written off)", async () => {
    const store = countingStore(memoryStore());
    const { sk } = shop(store);
    await stock(sk);
    for (const id of ["ord_a", "ord_b", "ord_c"]) {
      await sk.sales.placeOrder({ orderId: id, customerId: "cus_1", currency: "EUR", warehouseId: "wh", lines: [{ sku: "MUG", quantity: 1, unitPrice: "10.00" }] });
      await sk.sales.capturePayment({ orderId: id, paymentId: `ch_${id}`, amount: id === "ord_b" ? "5.00" : "11.90" });
      await sk.sales.shipOrder({ orderId: id, shipmentId: `shp_${id}` });
    }
    await sk.finance.writeOff({ ledger: "receivables", documentId: (await sk.sales.order("ord_b"))!.order.invoices[0]!.invoiceId, reason: "bad-debt", date: "2026-03-31" });
    store.reset();
    const page = await sk.sales.orders({ customerId: "cus_1" });
    // One index read of the orders, one read of their invoices' and captures' open items (a capture's holds what it paid beyond the invoices).
    expect(store.snapshot().methods).toEqual({ "documents.find": 1, "documents.getMany": 1 });
    expect(store.snapshot().touched.documents["finance.open-items"]).toHaveLength(6);
    expect(Object.fromEntries(page.orders.map((o) => [o.orderId, o.statuses.payment]))).toEqual({ ord_a: "paid", ord_b: "written-off", ord_c: "paid" });
    for (const o of page.orders) expect(o.statuses).toEqual((await sk.sales.order(o.orderId))!.statuses);
    // A host's reader that does not name each item's document is asked per order instead.
    const written = (await sk.sales.order("ord_b"))!.order.invoices[0]!.invoiceId;
    const asked: string[][] = [];
    const anonymous = async (_tx: unknown, ids: readonly string[]) => (asked.push([...ids]), ids.map((id) => ({ settlements: id === written ? [{ kind: "write-off", amount: "6.9" }] : [] })));
    const hostPage = await sk.runtime.read((tx) => findOrders(tx, { customerId: "cus_1" }, anonymous));
    expect(Object.fromEntries(hostPage.orders.map((o) => [o.orderId, o.statuses.payment]))).toEqual({ ord_a: "paid", ord_b: "written-off", ord_c: "paid" });
    expect(asked).toHaveLength(4);
  });

  async function openItems(sk: Storekeep): Promise<[string, string, string][]> {
    return (await sk.finance.openItems({ ledger: "receivables", party: "cus_1", openOnly: true })).map((i) => [i.documentId, i.documentType, i.openAmount]);
  }

  it("an edit of an unpaid order: the credit note settles the old invoice, only the new invoice is open (aging, statement and subledger agree)", async () => {
    const { sk } = shop(memoryStore());
    await stock(sk);
    await sk.sales.placeOrder({ orderId: "ord_1", customerId: "cus_1", currency: "EUR", warehouseId: "wh", lines: [{ sku: "MUG", quantity: 2, unitPrice: "10.00" }] });
    expect(await openItems(sk)).toEqual([["INV2026-000001", "invoice", "23.8"]]);
    const edited = await sk.sales.editOrder({ orderId: "ord_1", add: [{ sku: "MUG", quantity: 1, unitPrice: "10" }] });
    expect(edited).toMatchObject({ creditNoteId: "CN2026-000001", invoiceId: "INV2026-000002", total: "35.7" });
    expect(await openItems(sk)).toEqual([["INV2026-000002", "invoice", "35.7"]]);
    const aging = await sk.finance.aging({ ledger: "receivables", asOf: "2026-03-31", buckets: [30, 60, 90] });
    expect(aging.rows.map((r) => [r.party, r.total, r.items])).toEqual([["cus_1", "35.7", 1]]);
    const statement = await sk.finance.statement({ ledger: "receivables", party: "cus_1", currency: "EUR", from: "2026-01-01", to: "2026-12-31" });
    expect(statement.closing).toBe("35.7");
    expect((await sk.finance.auditSubledgers({ asOf: "2026-12-31" })).every((c) => c.difference === "0")).toBe(true);
    await sk.sales.capturePayment({ orderId: "ord_1", paymentId: "ch_1" });
    expect(await openItems(sk)).toEqual([]);
  });

  it("an edit of a paid order: the credit note pays the new invoice, which stays open for the balance due only", async () => {
    const { sk } = shop(memoryStore());
    await stock(sk);
    await sk.sales.placeOrder({ orderId: "ord_1", customerId: "cus_1", currency: "EUR", warehouseId: "wh", lines: [{ sku: "MUG", quantity: 2, unitPrice: "10.00" }] });
    await sk.sales.capturePayment({ orderId: "ord_1", paymentId: "ch_1" });
    expect(await openItems(sk)).toEqual([]);
    const edited = await sk.sales.editOrder({ orderId: "ord_1", add: [{ sku: "MUG", quantity: 1, unitPrice: "10" }] });
    expect(edited).toMatchObject({ balanceDue: "11.9", invoiceId: "INV2026-000002" });
    expect(await openItems(sk)).toEqual([["INV2026-000002", "invoice", "11.9"]]);
    const aging = await sk.finance.aging({ ledger: "receivables", asOf: "2026-03-31", buckets: [30, 60, 90] });
    expect(aging.total).toBe("11.9");
    expect((await sk.finance.auditSubledgers({ asOf: "2026-12-31" })).every((c) => c.difference === "0")).toBe(true);
    await sk.sales.capturePayment({ orderId: "ord_1", paymentId: "ch_2" });
    expect(await openItems(sk)).toEqual([]);
  });

  it("a cancelled unpaid order: its cancellation credit note settles the invoice, nothing stays open", async () => {
    const { sk } = shop(memoryStore());
    await stock(sk);
    await sk.sales.placeOrder({ orderId: "ord_1", customerId: "cus_1", currency: "EUR", warehouseId: "wh", lines: [{ sku: "MUG", quantity: 2, unitPrice: "10.00" }] });
    expect(await openItems(sk)).toEqual([["INV2026-000001", "invoice", "23.8"]]);
    await sk.sales.cancelOrder({ orderId: "ord_1" });
    expect(await openItems(sk)).toEqual([]);
    expect((await sk.finance.auditSubledgers({ asOf: "2026-12-31" })).every((c) => c.difference === "0")).toBe(true);
  });
});
