import { StorekeepError } from "../kernel/errors.js";
import { type LocalDate, addDays, daysBetween, isLocalDate } from "../kernel/local-date.js";

/**
 * A closed range of business dates (both ends inclusive).
 *
 * @example
 * ```ts
 * const q1: DateRange = { from: "2026-01-01", to: "2026-03-31" };
 * ```
 */
export interface DateRange {
  readonly from: string;
  readonly to: string;
}

/**
 * The grain of a KPI series.
 *
 * @example
 * ```ts
 * const g: Grain = "week"; // ISO weeks, Monday to Sunday
 * ```
 */
export type Grain = "day" | "week" | "month";

/**
 * A comparison: the range of the same length just before, or the same dates a year earlier.
 *
 * @example
 * ```ts
 * const c: KpiComparison = "previous-year";
 * ```
 */
export type KpiComparison = "previous-period" | "previous-year";

/**
 * Checks a date range (`VALIDATION_FAILED` naming what to fix).
 *
 * @example
 * ```ts
 * checkRange({ from: "2026-01-01", to: "2026-01-31" }, "kpis");
 * ```
 */
export function checkRange(range: unknown, where: string): DateRange {
  const r = range as Partial<DateRange> | null;
  if (r === null || typeof r !== "object" || !isLocalDate(r.from) || !isLocalDate(r.to)) {
    throw new StorekeepError("VALIDATION_FAILED", `${where} needs a range { from, to } of dates (YYYY-MM-DD).`, { issues: [{ path: "range", message: "{ from, to } dates", code: "custom" }] });
  }
  if (r.from > r.to) {
    throw new StorekeepError("VALIDATION_FAILED", `${where}: range.from (${r.from}) is after range.to (${r.to}); swap them.`, { issues: [{ path: "range.from", message: "after to", code: "custom" }] });
  }
  if (daysBetween(r.from as LocalDate, r.to as LocalDate) > 3_660) {
    throw new StorekeepError("VALIDATION_FAILED", `${where}: a range may span at most ten years; split it.`, { issues: [{ path: "range", message: "at most 3,661 days", code: "custom" }] });
  }
  return { from: r.from, to: r.to };
}

/**
 * The number of days in a range (both ends counted).
 *
 * @example
 * ```ts
 * daysIn({ from: "2026-01-01", to: "2026-01-31" }); // 31
 * ```
 */
export function daysIn(range: DateRange): number {
  return daysBetween(range.from as LocalDate, range.to as LocalDate) + 1;
}

/** The same day one year earlier (29 February becomes 28 February). */
function yearEarlier(date: string): string {
  const year = Number(date.slice(0, 4)) - 1;
  const md = date.slice(5);
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return `${String(year).padStart(4, "0")}-${md === "02-29" && !leap ? "02-28" : md}`;
}

/**
 * The range a comparison compares with.
 *
 * @example
 * ```ts
 * comparedRange({ from: "2026-02-01", to: "2026-02-28" }, "previous-period"); // { from: "2026-01-04", to: "2026-01-31" }
 * comparedRange({ from: "2026-02-01", to: "2026-02-28" }, "previous-year"); // { from: "2025-02-01", to: "2025-02-28" }
 * ```
 */
export function comparedRange(range: DateRange, comparison: KpiComparison): DateRange {
  if (comparison === "previous-year") return { from: yearEarlier(range.from), to: yearEarlier(range.to) };
  const days = daysIn(range);
  return { from: addDays(range.from as LocalDate, -days), to: addDays(range.from as LocalDate, -1) };
}

/**
 * Splits a range into grain buckets, clipped to the range: days, ISO weeks (Monday to
 * Sunday) or calendar months. Each bucket is labelled by its first day in the grain
 * (`2026-03-02` for a week, `2026-03` for a month).
 *
 * @example
 * ```ts
 * splitRange({ from: "2026-01-15", to: "2026-03-10" }, "month").map((b) => b.label); // ["2026-01", "2026-02", "2026-03"]
 * ```
 */
export function splitRange(range: DateRange, grain: Grain): { label: string; range: DateRange }[] {
  const out: { label: string; range: DateRange }[] = [];
  let start = range.from as LocalDate;
  while (start <= range.to) {
    let end: LocalDate;
    let label: string;
    if (grain === "day") {
      end = start;
      label = start;
    } else if (grain === "week") {
      const weekday = (new Date(`${start}T00:00:00Z`).getUTCDay() + 6) % 7; // Monday = 0
      const monday = addDays(start, -weekday);
      end = addDays(monday, 6);
      label = monday;
    } else {
      const [y, m] = [Number(start.slice(0, 4)), Number(start.slice(5, 7))];
      const next = m === 12 ? `${String(y + 1).padStart(4, "0")}-01-01` : `${start.slice(0, 4)}-${String(m + 1).padStart(2, "0")}-01`;
      end = addDays(next as LocalDate, -1);
      label = start.slice(0, 7);
    }
    const clipped = end > range.to ? (range.to as LocalDate) : end;
    out.push({ label, range: { from: start, to: clipped } });
    start = addDays(clipped, 1);
  }
  return out;
}
