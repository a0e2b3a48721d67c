/**
 * Monthly acquisition cohorts: each customer belongs to the month of its first purchase;
 * the retention matrix gives, per cohort and month offset k, the share of the cohort's
 * customers who purchased in month cohort + k (k = 0 is 1 by construction); the
 * repeat-purchase rate is the share of customers with two or more distinct purchases.
 */
import type { LocalDate } from "../kernel/local-date.js";

/**
 * One purchase for cohort analysis (an order or invoice id, its customer and day).
 *
 * @example
 * ```ts
 * import { localDate, type CohortPurchase } from "storekeep";
 * const p: CohortPurchase = { customerId: "c1", purchaseId: "o-1", date: localDate("2024-02-03") };
 * ```
 */
export interface CohortPurchase {
  readonly customerId: string;
  readonly purchaseId: string;
  readonly date: LocalDate;
}

/**
 * One acquisition cohort: its month (`YYYY-MM`), size, retention row (shares, from
 * month offset 0 to the last month in the data), active customer counts behind each
 * share, and its repeat-purchase rate.
 *
 * @example
 * ```ts
 * import type { Cohort } from "storekeep";
 * const show = (c: Cohort) => `${c.month}: ${c.customers} customers, ${(c.repeatPurchaseRate * 100).toFixed(1)}% repeat`;
 * ```
 */
export interface Cohort {
  readonly month: string;
  readonly customers: number;
  readonly active: readonly number[];
  readonly retention: readonly number[];
  readonly repeatPurchaseRate: number;
}

/**
 * The cohort report: cohorts in month order and the overall repeat-purchase rate.
 *
 * @example
 * ```ts
 * import { cohortAnalysis, type CohortReport } from "storekeep";
 * const report: CohortReport = cohortAnalysis([]);
 * ```
 */
export interface CohortReport {
  readonly cohorts: readonly Cohort[];
  readonly customers: number;
  readonly repeatPurchaseRate: number;
}

function monthIndex(date: string): number {
  return Number(date.slice(0, 4)) * 12 + Number(date.slice(5, 7)) - 1;
}

function monthName(index: number): string {
  const y = Math.floor(index / 12);
  const m = (index % 12) + 1;
  return `${String(y).padStart(4, "0")}-${String(m).padStart(2, "0")}`;
}

/**
 * Builds monthly acquisition cohorts with the retention matrix and repeat-purchase rates.
 * Several lines of one purchase (same `purchaseId`) count once.
 *
 * @example
 * ```ts
 * import { cohortAnalysis, localDate } from "storekeep";
 * const r = cohortAnalysis([
 *   { customerId: "a", purchaseId: "1", date: localDate("2024-01-05") },
 *   { customerId: "a", purchaseId: "2", date: localDate("2024-03-01") },
 *   { customerId: "b", purchaseId: "3", date: localDate("2024-01-20") },
 * ]);
 * console.log(r.cohorts[0]?.retention); // [1, 0, 0.5]
 * ```
 */
export function cohortAnalysis(purchases: Iterable<CohortPurchase>): CohortReport {
  const byCustomer = new Map<string, { first: number; months: Set<number>; purchases: Set<string> }>();
  let last = Number.NEGATIVE_INFINITY;
  for (const p of purchases) {
    const m = monthIndex(p.date);
    if (m > last) last = m;
    const c = byCustomer.get(p.customerId);
    if (c) {
      if (m < c.first) c.first = m;
      c.months.add(m);
      c.purchases.add(p.purchaseId);
    } else {
      byCustomer.set(p.customerId, { first: m, months: new Set([m]), purchases: new Set([p.purchaseId]) });
    }
  }
  const cohorts = new Map<number, { customers: number; active: number[]; repeaters: number }>();
  let repeaters = 0;
  for (const c of byCustomer.values()) {
    let co = cohorts.get(c.first);
    if (!co) cohorts.set(c.first, (co = { customers: 0, active: new Array<number>(last - c.first + 1).fill(0), repeaters: 0 }));
    co.customers++;
    for (const m of c.months) co.active[m - c.first]!++;
    if (c.purchases.size >= 2) {
      co.repeaters++;
      repeaters++;
    }
  }
  const out: Cohort[] = [...cohorts.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([m, co]) => ({ month: monthName(m), customers: co.customers, active: co.active, retention: co.active.map((a) => a / co.customers), repeatPurchaseRate: co.repeaters / co.customers }));
  return { cohorts: out, customers: byCustomer.size, repeatPurchaseRate: byCustomer.size === 0 ? 0 : repeaters / byCustomer.size };
}
