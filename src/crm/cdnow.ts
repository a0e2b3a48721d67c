/**
 * Reading the CDNOW format (the BG/NBD paper's data set) into calibration summaries:
 * whitespace columns `master id, [sample id,] date YYYYMMDD, CDs, dollars`. Pure parsing:
 * the caller reads the file.
 */
import { StorekeepError } from "../kernel/errors.js";
import type { FrequencyRecency } from "./bg-nbd.js";

/**
 * One CDNOW transaction: customer id, day number since 1970-01-01 (UTC), CDs, dollars.
 *
 * @example
 * ```ts
 * import type { CdnowTransaction } from "storekeep";
 * const t: CdnowTransaction = { customerId: "00004", day: 9862, units: 2, dollars: 29.33 };
 * ```
 */
export interface CdnowTransaction {
  readonly customerId: string;
  readonly day: number;
  readonly units: number;
  readonly dollars: number;
}

/**
 * Parses CDNOW text (sample or master layout).
 *
 * @example
 * ```ts
 * import { parseCdnow } from "storekeep";
 * console.log(parseCdnow(" 00004 0001 19970101  2   29.33\n")[0]?.dollars); // 29.33
 * ```
 */
export function parseCdnow(text: string): CdnowTransaction[] {
  const out: CdnowTransaction[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const cells = (lines[i] as string).trim().split(/\s+/);
    if (cells.length === 1 && cells[0] === "") continue;
    if (cells.length !== 4 && cells.length !== 5) throw new StorekeepError("VALIDATION_FAILED", `CDNOW line ${i + 1} has ${cells.length} columns; expected 4 or 5.`, { line: i + 1 });
    const date = cells[cells.length - 3] as string;
    if (!/^\d{8}$/.test(date)) throw new StorekeepError("VALIDATION_FAILED", `CDNOW line ${i + 1} has date "${date}"; expected YYYYMMDD.`, { line: i + 1 });
    const day = Date.UTC(Number(date.slice(0, 4)), Number(date.slice(4, 6)) - 1, Number(date.slice(6, 8))) / 86_400_000;
    out.push({ customerId: cells[0] as string, day, units: Number(cells[cells.length - 2]), dollars: Number(cells[cells.length - 1]) });
  }
  return out;
}

/**
 * A CDNOW customer's calibration summary (weeks), mean repeat spend and holdout count.
 *
 * @example
 * ```ts
 * import { cdnowSummaries, parseCdnow } from "storekeep";
 * const [c] = cdnowSummaries(parseCdnow(" 00004 0001 19970101  2   29.33\n"), { calibrationWeeks: 39, holdoutWeeks: 39 });
 * console.log(c?.calibration); // { x: 0, tx: 0, T: 38.857… }
 * ```
 */
export interface CdnowSummary {
  readonly customerId: string;
  readonly calibration: FrequencyRecency;
  readonly repeatMeanSpend: number;
  readonly holdoutPurchases: number;
}

/**
 * Builds per-customer summaries: the calibration period starts on the earliest day in
 * the data and lasts `calibrationWeeks` weeks; time in weeks; same-day transactions of a
 * customer count once (their dollars add up); `x` counts repeat purchase days.
 *
 * @example
 * ```ts
 * import { cdnowSummaries, parseCdnow } from "storekeep";
 * const s = cdnowSummaries(parseCdnow(" 1 19970101 1 10\n 1 19970108 1 20\n"), { calibrationWeeks: 39, holdoutWeeks: 39 });
 * console.log(s[0]?.calibration.x, s[0]?.calibration.tx); // 1 1
 * ```
 */
export function cdnowSummaries(transactions: readonly CdnowTransaction[], options: { readonly calibrationWeeks: number; readonly holdoutWeeks: number }): CdnowSummary[] {
  if (transactions.length === 0) return [];
  let start = Number.POSITIVE_INFINITY;
  for (const t of transactions) start = Math.min(start, t.day);
  const calEnd = start + options.calibrationWeeks * 7; // first day after calibration
  const holdEnd = calEnd + options.holdoutWeeks * 7;
  const byCustomer = new Map<string, Map<number, number>>();
  for (const t of transactions) {
    let days = byCustomer.get(t.customerId);
    if (!days) byCustomer.set(t.customerId, (days = new Map()));
    days.set(t.day, (days.get(t.day) ?? 0) + t.dollars);
  }
  const out: CdnowSummary[] = [];
  for (const [customerId, days] of byCustomer) {
    const sorted = [...days.keys()].sort((a, b) => a - b);
    const first = sorted[0] as number;
    const cal = sorted.filter((d) => d < calEnd);
    const hold = sorted.filter((d) => d >= calEnd && d < holdEnd);
    const x = Math.max(0, cal.length - 1);
    const last = cal[cal.length - 1] ?? first;
    let spend = 0;
    for (const d of cal.slice(1)) spend += days.get(d) as number;
    out.push({ customerId, calibration: { x, tx: (last - first) / 7, T: (calEnd - 1 - first) / 7 }, repeatMeanSpend: x > 0 ? spend / x : 0, holdoutPurchases: hold.length });
  }
  return out;
}
