/*
 * Purchasing's reads: suppliers, price lists, orders, bills, and the incoming quantities of
 * open orders per SKU and warehouse with their expected dates.
 */
import { Decimal, canonicalDecimal } from "../kernel/decimal.js";
import type { Transaction } from "../ports/storage.js";
import type { SupplierBill } from "./bill.js";
import type { IncomingRow } from "./order-store.js";
import type { PurchaseOrder } from "./purchase-order.js";
import { BILLS, INCOMING, ORDERS, SUPPLIERS, SUPPLIER_ITEMS, type Supplier, type SupplierItem } from "./supplier.js";

/**
 * Incoming quantities of one SKU in one warehouse: the total and each open line.
 *
 * @example
 * ```ts
 * const [mug] = await sk.purchasing.incoming({ sku: "MUG" });
 * mug.quantity; // "40"
 * ```
 */
export type IncomingSummary = { readonly sku: string; readonly warehouseId: string; readonly quantity: string; readonly nextExpectedDate: string; readonly lines: readonly IncomingRow[] };

const PAGE = 1000;

/** The fields of each index purchasing declares (for paging). */
export const INDEX_FIELDS: Readonly<Record<string, readonly string[]>> = {
  bySku: ["sku", "warehouseId", "expectedDate"],
  byExpected: ["expectedDate"],
  byOrder: ["purchaseOrderId"],
  bySupplier: ["supplierId", "status"],
  byStatus: ["status", "purchaseOrderId"],
  byOrderDate: ["supplierId", "orderDate"],
  byReceiptDate: ["supplierId", "date"],
  bySkuSupplier: ["sku", "supplierId"],
  byBillStatus: ["status", "billId"],
};

/** Every document of an index query, page by page. */
export async function findAll<T>(tx: Transaction, collection: string, index: string, equals: readonly string[]): Promise<{ id: string; data: T }[]> {
  const out: { id: string; data: T }[] = [];
  const fields = INDEX_FIELDS[index] ?? [];
  let after: { values: readonly string[]; id: string } | undefined;
  for (;;) {
    const page = await tx.documents.find<never>(collection, { index, equals, limit: PAGE, ...(after ? { after } : {}) });
    for (const d of page) out.push({ id: d.id, data: d.data as T });
    if (page.length < PAGE) return out;
    const last = page[page.length - 1]!;
    after = { values: fields.map((f) => String((last.data as Record<string, unknown>)[f] ?? "")), id: last.id };
  }
}

/** Incoming quantities per SKU and warehouse (optionally one SKU or warehouse), with expected dates. */
export async function incomingReport(tx: Transaction, query: { sku?: string; warehouseId?: string }): Promise<IncomingSummary[]> {
  const rows = query.sku !== undefined ? await findAll<IncomingRow>(tx, INCOMING, "bySku", query.warehouseId !== undefined ? [query.sku, query.warehouseId] : [query.sku]) : await findAll<IncomingRow>(tx, INCOMING, "byExpected", []);
  const groups = new Map<string, IncomingRow[]>();
  for (const { data } of rows) {
    if (query.warehouseId !== undefined && data.warehouseId !== query.warehouseId) continue;
    const key = `${data.sku}|${data.warehouseId}`;
    (groups.get(key) ?? groups.set(key, []).get(key)!).push(data);
  }
  return [...groups.values()]
    .map((lines) => {
      lines.sort((a, b) => (a.expectedDate === b.expectedDate ? (a.purchaseOrderId < b.purchaseOrderId ? -1 : 1) : a.expectedDate < b.expectedDate ? -1 : 1));
      const total = lines.reduce((s, l) => s.plus(l.quantity), new Decimal(0));
      return { sku: lines[0]!.sku, warehouseId: lines[0]!.warehouseId, quantity: canonicalDecimal(total), nextExpectedDate: lines[0]!.expectedDate, lines };
    })
    .sort((a, b) => (a.sku === b.sku ? (a.warehouseId < b.warehouseId ? -1 : 1) : a.sku < b.sku ? -1 : 1));
}

/** One document by id. */
export async function documentOf<T>(tx: Transaction, collection: string, id: string): Promise<T | undefined> {
  return (await tx.documents.get<never>(collection, id))?.data as T | undefined;
}

/** A supplier's orders (newest first), optionally in one state. */
export async function ordersOf(tx: Transaction, query: { supplierId?: string; status?: string }): Promise<PurchaseOrder[]> {
  const found = query.supplierId !== undefined ? await findAll<PurchaseOrder>(tx, ORDERS, "byOrderDate", [query.supplierId]) : query.status !== undefined ? await findAll<PurchaseOrder>(tx, ORDERS, "byStatus", [query.status]) : await findAll<PurchaseOrder>(tx, ORDERS, "byStatus", []);
  return found.map((d) => d.data).filter((o) => query.status === undefined || o.status === query.status).sort((a, b) => (a.orderDate === b.orderDate ? (a.purchaseOrderId < b.purchaseOrderId ? 1 : -1) : a.orderDate < b.orderDate ? 1 : -1));
}

/** A supplier's bills, optionally in one state. */
export async function billsOf(tx: Transaction, query: { supplierId: string; status?: "held" | "posted" | "rejected" }): Promise<SupplierBill[]> {
  return (await findAll<SupplierBill>(tx, BILLS, "bySupplier", query.status ? [query.supplierId, query.status] : [query.supplierId])).map((d) => d.data);
}

/** Every held bill. */
export async function heldBills(tx: Transaction): Promise<SupplierBill[]> {
  return (await findAll<SupplierBill>(tx, BILLS, "byBillStatus", ["held"])).map((d) => d.data);
}

export { SUPPLIERS, SUPPLIER_ITEMS, BILLS, ORDERS };
export type { Supplier, SupplierItem };
