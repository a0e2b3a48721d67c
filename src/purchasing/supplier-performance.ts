/*
 * What a supplier's history says: the lead time learned from its receipts and its
 * scorecard as of a date. Reads receipts, orders and bills of one supplier.
 */
import { Decimal } from "../kernel/decimal.js";
import { type LocalDate, daysBetween } from "../kernel/local-date.js";
import type { Transaction } from "../ports/storage.js";
import type { SupplierBill } from "./bill.js";
import { leadTimeStats, withinStatedLeadTime } from "./lead-time-stats.js";
import type { PurchaseOrder } from "./purchase-order.js";
import type { ReceiptRecord } from "./receive-goods.js";
import { findAll } from "./reports.js";
import { BILLS, ORDERS, RECEIPTS, SUPPLIERS, type Supplier } from "./supplier.js";
import { StorekeepError } from "../kernel/errors.js";

/**
 * The lead time learned from a supplier's receipts: days from sending the order to each
 * receipt, their mean and spread (sample standard deviation), and the last n.
 *
 * @example
 * ```ts
 * const lt: LeadTimeStats = await sk.purchasing.leadTime("sup_1", { last: 5 });
 * lt.meanDays; // 12.5
 * ```
 */
export type LeadTimeStats = { readonly supplierId: string; readonly statedDays: number; readonly count: number; readonly meanDays: number | null; readonly sdDays: number | null; readonly minDays: number | null; readonly maxDays: number | null; readonly lastDays: readonly number[] };

/**
 * A supplier's performance as of a date. Rates are fractions in [0, 1] (null without data):
 * `onTimeRate` receipt lines that arrived by their expected date; `fillRate` of the order
 * lines due by then, the share of their quantity received by then; `leadTimeReliability`
 * receipts whose lead time kept the stated one (within a day or 20%); `priceVariance` billed
 * minus ordered value over ordered value of the lines billed by then.
 *
 * @example
 * ```ts
 * const card: SupplierScorecard = await sk.purchasing.scorecard("sup_1", "2026-06-30");
 * ```
 */
export type SupplierScorecard = {
  readonly supplierId: string;
  readonly asOf: string;
  readonly receipts: number;
  readonly onTimeRate: number | null;
  readonly fillRate: number | null;
  readonly leadTimeReliability: number | null;
  readonly priceVariance: number | null;
  readonly leadTime: LeadTimeStats;
};

async function supplierOf(tx: Transaction, supplierId: string): Promise<Supplier> {
  const doc = await tx.documents.get<Supplier>(SUPPLIERS, supplierId);
  if (!doc) throw new StorekeepError("NOT_FOUND", `Supplier ${supplierId} does not exist.`, { supplierId });
  return doc.data;
}

async function receiptsOf(tx: Transaction, supplierId: string, asOf: string | undefined): Promise<ReceiptRecord[]> {
  const all = (await findAll<ReceiptRecord>(tx, RECEIPTS, "byReceiptDate", [supplierId])).map((d) => d.data);
  return all.filter((r) => asOf === undefined || r.date <= asOf).sort((a, b) => (a.date === b.date ? (a.receiptId < b.receiptId ? -1 : 1) : a.date < b.date ? -1 : 1));
}

/** The learned lead time of a supplier (see {@link LeadTimeStats}). */
export async function leadTimeOf(tx: Transaction, supplierId: string, query: { last?: number; asOf?: string }): Promise<LeadTimeStats> {
  const supplier = await supplierOf(tx, supplierId);
  const receipts = await receiptsOf(tx, supplierId, query.asOf);
  const days = receipts.map((r) => daysBetween(r.sentDate as LocalDate, r.date as LocalDate));
  return { supplierId, statedDays: supplier.leadTimeDays, ...leadTimeStats(days, Math.max(1, Math.min(1000, Math.floor(query.last ?? 10)))) };
}

/** A supplier's scorecard as of a date (see {@link SupplierScorecard}). */
export async function scorecardOf(tx: Transaction, supplierId: string, asOf: string): Promise<SupplierScorecard> {
  const supplier = await supplierOf(tx, supplierId);
  const receipts = await receiptsOf(tx, supplierId, asOf);
  let lines = 0;
  let onTime = 0;
  const receivedBy = new Map<string, Decimal>();
  for (const r of receipts) {
    for (const l of r.lines) {
      lines += 1;
      if (r.date <= l.expectedDate) onTime += 1;
      const key = `${r.purchaseOrderId}|${l.lineId}`;
      receivedBy.set(key, (receivedBy.get(key) ?? new Decimal(0)).plus(l.quantity));
    }
  }
  const days = receipts.map((r) => daysBetween(r.sentDate as LocalDate, r.date as LocalDate));
  const reliable = days.filter((d) => withinStatedLeadTime(d, supplier.leadTimeDays)).length;
  const orders = (await findAll<PurchaseOrder>(tx, ORDERS, "byOrderDate", [supplierId])).map((d) => d.data);
  let due = new Decimal(0);
  let filled = new Decimal(0);
  const priceOf = new Map<string, string>();
  for (const o of orders) {
    for (const l of o.lines) priceOf.set(`${o.purchaseOrderId}|${l.lineId}`, l.unitPrice);
    if (o.sentDate === null || o.sentDate > asOf || o.status === "cancelled") continue;
    for (const l of o.lines) {
      if (l.expectedDate > asOf) continue;
      due = due.plus(l.quantity);
      filled = filled.plus(Decimal.min(l.quantity, receivedBy.get(`${o.purchaseOrderId}|${l.lineId}`) ?? 0));
    }
  }
  const bills = (await findAll<SupplierBill>(tx, BILLS, "bySupplier", [supplierId, "posted"])).map((d) => d.data).filter((b) => b.kind === "bill" && b.date <= asOf);
  let orderedValue = new Decimal(0);
  let billedValue = new Decimal(0);
  for (const b of bills) {
    for (const l of b.lines) {
      const price = priceOf.get(`${b.purchaseOrderId}|${l.lineId}`);
      if (price === undefined) continue;
      orderedValue = orderedValue.plus(new Decimal(price).times(l.quantity));
      billedValue = billedValue.plus(new Decimal(l.unitPrice).times(l.quantity));
    }
  }
  return {
    supplierId,
    asOf,
    receipts: receipts.length,
    onTimeRate: lines === 0 ? null : onTime / lines,
    fillRate: due.isZero() ? null : filled.dividedBy(due).toNumber(),
    leadTimeReliability: days.length === 0 ? null : reliable / days.length,
    priceVariance: orderedValue.isZero() ? null : billedValue.minus(orderedValue).dividedBy(orderedValue).toNumber(),
    leadTime: { supplierId, statedDays: supplier.leadTimeDays, ...leadTimeStats(days, 10) },
  };
}
