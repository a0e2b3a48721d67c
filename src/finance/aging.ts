import { StorekeepError } from "../kernel/errors.js";
import { type LocalDate, daysBetween } from "../kernel/local-date.js";
import { type OpenItem, type OpenItemLedger, openAsOf } from "./open-items.js";
import { toUnits, unitsToString } from "./posting-kernel.js";

/*
 * Aging: what was open on a date, by how many days past its due date, in buckets.
 */

/**
 * Aging options: the date, and the buckets' upper bounds in days past due (default
 * `[30, 60, 90]`: current, 1–30, 31–60, 61–90, over 90).
 *
 * @example
 * ```ts
 * const options: AgingOptions = { ledger: "receivables", asOf: "2026-03-31", buckets: [15, 30, 60] };
 * ```
 */
export interface AgingOptions {
  readonly ledger: OpenItemLedger;
  readonly asOf: string;
  readonly buckets?: readonly number[];
  /** Only this customer or supplier. */
  readonly party?: string;
}

/**
 * One row of an aging table: a party and a currency, the open transaction amount per
 * bucket, the same at booked functional value, and the totals.
 *
 * @example
 * ```ts
 * const row: AgingRow = { party: "cus_1", currency: "EUR", amounts: ["100", "0", "0", "0", "0"], functional: ["100", "0", "0", "0", "0"], total: "100", totalFunctional: "100", items: 1 };
 * ```
 */
export interface AgingRow {
  readonly party: string;
  readonly currency: string;
  readonly amounts: readonly string[];
  readonly functional: readonly string[];
  readonly total: string;
  readonly totalFunctional: string;
  readonly items: number;
}

/**
 * An aging table: bucket labels, rows by party and currency (sorted), and functional totals
 * per bucket. Receivables are positive when customers owe the shop; payables positive
 * when the shop owes suppliers.
 *
 * @example
 * ```ts
 * const table: AgingTable = await sk.finance.aging({ ledger: "receivables", asOf: "2026-03-31" });
 * table.labels; // ["current", "1-30", "31-60", "61-90", "over 90"]
 * ```
 */
export interface AgingTable {
  readonly ledger: OpenItemLedger;
  readonly asOf: string;
  readonly labels: readonly string[];
  readonly rows: readonly AgingRow[];
  readonly totals: readonly string[];
  readonly total: string;
}

/**
 * Checks aging buckets: whole numbers of days, increasing, at least 1 (`VALIDATION_FAILED`).
 *
 * @example
 * ```ts
 * agingLabels([30, 60, 90]); // ["current", "1-30", "31-60", "61-90", "over 90"]
 * ```
 */
export function agingLabels(buckets: readonly number[]): string[] {
  let previous = 0;
  for (const [index, bound] of buckets.entries()) {
    if (!Number.isInteger(bound) || bound <= previous || bound > 36_500) {
      throw new StorekeepError("VALIDATION_FAILED", `Aging buckets must be increasing whole numbers of days past due, from 1 (got ${JSON.stringify(buckets)}).`, {
        issues: [{ path: `buckets[${index}]`, message: "an increasing whole number of days from 1", code: "custom" }],
      });
    }
    previous = bound;
  }
  const labels = ["current"];
  let from = 1;
  for (const bound of buckets) {
    labels.push(`${from}-${bound}`);
    from = bound + 1;
  }
  labels.push(`over ${buckets.length === 0 ? 0 : buckets[buckets.length - 1]!}`);
  return labels;
}

/**
 * The aging table of `items` as of a date (pure): each item's open amount as of that date
 * (settlements dated later do not count) in the bucket of its days past due.
 *
 * @example
 * ```ts
 * const table = agingOf(items, { ledger: "receivables", asOf: "2026-03-31" });
 * ```
 */
export function agingOf(items: Iterable<OpenItem>, options: AgingOptions): AgingTable {
  const bounds = options.buckets ?? [30, 60, 90];
  const labels = agingLabels(bounds);
  const sign = options.ledger === "receivables" ? 1n : -1n;
  const width = labels.length;
  const rows = new Map<string, { party: string; currency: string; amounts: bigint[]; functional: bigint[]; items: number }>();
  for (const item of items) {
    if (item.ledger !== options.ledger || (options.party !== undefined && item.party !== options.party)) continue;
    const open = item.date <= options.asOf && item.settlements.length === 0 ? { amount: toUnits(item.amount), functional: toUnits(item.functional) } : openAsOf(item, options.asOf, toUnits);
    if (open === null || (open.amount === 0n && open.functional === 0n)) continue;
    const overdue = daysBetween(item.dueDate as LocalDate, options.asOf as LocalDate);
    let bucket = 0;
    if (overdue > 0) {
      bucket = bounds.length + 1;
      for (let i = 0; i < bounds.length; i++) {
        if (overdue <= bounds[i]!) {
          bucket = i + 1;
          break;
        }
      }
    }
    const key = `${item.party}|${item.currency}`;
    let row = rows.get(key);
    if (row === undefined) {
      row = { party: item.party, currency: item.currency, amounts: new Array<bigint>(width).fill(0n), functional: new Array<bigint>(width).fill(0n), items: 0 };
      rows.set(key, row);
    }
    row.amounts[bucket]! += open.amount * sign;
    row.functional[bucket]! += open.functional * sign;
    row.items++;
  }
  const totals = new Array<bigint>(width).fill(0n);
  const out: AgingRow[] = [];
  for (const row of [...rows.values()].sort((a, b) => (a.party < b.party ? -1 : a.party > b.party ? 1 : a.currency < b.currency ? -1 : a.currency > b.currency ? 1 : 0))) {
    let total = 0n;
    let totalFunctional = 0n;
    for (let i = 0; i < width; i++) {
      total += row.amounts[i]!;
      totalFunctional += row.functional[i]!;
      totals[i]! += row.functional[i]!;
    }
    out.push({ party: row.party, currency: row.currency, amounts: row.amounts.map(unitsToString), functional: row.functional.map(unitsToString), total: unitsToString(total), totalFunctional: unitsToString(totalFunctional), items: row.items });
  }
  return { ledger: options.ledger, asOf: options.asOf, labels, rows: out, totals: totals.map(unitsToString), total: unitsToString(totals.reduce((a, b) => a + b, 0n)) };
}
