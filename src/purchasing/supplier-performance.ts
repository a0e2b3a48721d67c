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
 * receipt, their mean and spread (sample standard deviation), and the last n. A receipt
 * dated before its order was sent (the goods came first, the order was keyed in afterwards)
 * is not a lead time: it is left out of the figures and listed in `anomalies` with why.
 *
 * @example
 * ```ts
 * const lt: LeadTimeStats = await sk.purchasing.leadTime("sup_1", { last: 5 });
 * lt.meanDays; // 12.5
 * lt.anomalies; // [] unless a receipt is dated before its order was sent
 * ```
 */
export type LeadTimeStats = {
  readonly supplierId: string;
  readonly statedDays: number;
  readonly count: number;
  readonly meanDays: number | null;
  readonly sdDays: number | null;
  readonly minDays: number | null;
  readonly maxDays: number | null;
  readonly lastDays: readonly number[];
  /** Receipts left out of the figures, oldest first: dated before their order was sent. */
  readonly anomalies: readonly LeadTimeAnomaly[];
};

/**
 * A receipt left out of a supplier's learned lead time, with why.
 *
 * @example
 * ```ts
 * const a: LeadTimeAnomaly = { receiptId: "grn_1", purchaseOrderId: "po_1", sentDate: "2026-04-10", receiptDate: "2026-04-01", days: -9, reason: "received 9 days before the order was sent" };
 * ```
 */
export type LeadTimeAnomaly = { readonly receiptId: string; readonly purchaseOrderId: string; readonly sentDate: string; readonly receiptDate: string; readonly days: number; readonly reason: string };

/** Each receipt's lead time in days, split into the usable ones and the anomalies. */
function leadTimesOf(receipts: readonly ReceiptRecord[]): { days: number[]; anomalies: LeadTimeAnomaly[] } {
  const days: number[] = [];
  const anomalies: LeadTimeAnomaly[] = [];
  for (const r of receipts) {
    const d = daysBetween(r.sentDate as LocalDate, r.date as LocalDate);
    if (d >= 0) days.push(d);
    else anomalies.push({ receiptId: r.receiptId, purchaseOrderId: r.purchaseOrderId, sentDate: r.sentDate, receiptDate: r.date, days: d, reason: `received ${-d} day${d === -1 ? "" : "s"} before the order was sent (${r.sentDate}): not a lead time` });
  }
  return { days, anomalies };
}

/**
 * A supplier's performance as of a date. Rates are fractions in [0, 1] (null without data):
 * `onTimeRate` receipt lines that arrived by their expected date; `fillRate` of the order
 * lines due by then, the share of their quantity received by then; `leadTimeReliability`
 * receipts whose lead time kept the stated one (within a day or 20%), of the receipts with a
 * lead time (not those dated before their order was sent); `priceVariance` billed
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
  const { days, anomalies } = leadTimesOf(receipts);
  return { supplierId, statedDays: supplier.leadTimeDays, ...leadTimeStats(days, Math.max(1, Math.min(1000, Math.floor(query.last ?? 10)))), anomalies };
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
  const { days, anomalies } = leadTimesOf(receipts);
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
    leadTime: { supplierId, statedDays: supplier.leadTimeDays, ...leadTimeStats(days, 10), anomalies },
  };
}
