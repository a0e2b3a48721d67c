import { type LocalDate, addDays, daysBetween } from "../kernel/local-date.js";

/*
 * Cycle counting, pure: ABC classes by value (a Pareto split: the few SKUs that hold most
 * of the value are A), a count frequency per class, and which SKUs are due to be counted
 * on a day given when each was last counted. Values are statistics here (float64).
 */

/**
 * An ABC class.
 *
 * @example
 * ```ts
 * const c: AbcClass = "A";
 * ```
 */
export type AbcClass = "A" | "B" | "C";

/**
 * Where the classes split, as shares of the total value: a SKU whose value starts before
 * `a` of the cumulated total (largest first) is A, before `b` is B, else C.
 *
 * @example
 * ```ts
 * const cuts: AbcCuts = { a: 0.8, b: 0.95 };
 * ```
 */
export interface AbcCuts {
  readonly a: number;
  readonly b: number;
}

/**
 * The usual split: A up to 80% of the value, B up to 95%, C the rest.
 *
 * @example
 * ```ts
 * DEFAULT_ABC_CUTS.a; // 0.8
 * ```
 */
export const DEFAULT_ABC_CUTS: AbcCuts = Object.freeze({ a: 0.8, b: 0.95 });

/**
 * How often each class is counted, in days.
 *
 * @example
 * ```ts
 * const f: CountFrequencies = { A: 30, B: 90, C: 180 };
 * ```
 */
export type CountFrequencies = Readonly<Record<AbcClass, number>>;

/**
 * Default frequencies: A monthly, B quarterly, C twice a year.
 *
 * @example
 * ```ts
 * DEFAULT_COUNT_FREQUENCIES.B; // 90
 * ```
 */
export const DEFAULT_COUNT_FREQUENCIES: CountFrequencies = Object.freeze({ A: 30, B: 90, C: 180 });

/**
 * ABC classes by value: SKUs sorted by value (largest first, ties by SKU); a SKU is A when
 * the value before it is under `cuts.a` of the total, B under `cuts.b`, else C. The largest
 * SKU is always A; SKUs without value are C.
 *
 * @example
 * ```ts
 * abcClasses([{ sku: "TV", value: 800 }, { sku: "MUG", value: 150 }, { sku: "PEN", value: 50 }]);
 * // Map { "TV" => "A", "MUG" => "B", "PEN" => "C" }
 * ```
 */
export function abcClasses(items: readonly { readonly sku: string; readonly value: number }[], cuts: AbcCuts = DEFAULT_ABC_CUTS): Map<string, AbcClass> {
  const sorted = [...items].sort((x, y) => y.value - x.value || (x.sku < y.sku ? -1 : x.sku > y.sku ? 1 : 0));
  const total = sorted.reduce((s, i) => s + Math.max(i.value, 0), 0);
  const out = new Map<string, AbcClass>();
  let before = 0;
  for (const item of sorted) {
    const share = total > 0 ? before / total : 1;
    out.set(item.sku, item.value <= 0 ? "C" : share < cuts.a ? "A" : share < cuts.b ? "B" : "C");
    before += Math.max(item.value, 0);
  }
  return out;
}

/**
 * A SKU due for a cycle count.
 *
 * @example
 * ```ts
 * const d: CycleCountDue = { sku: "TV", abcClass: "A", lastCounted: "2026-02-01", dueDate: "2026-03-03", overdueDays: 28 };
 * ```
 */
export interface CycleCountDue {
  readonly sku: string;
  readonly abcClass: AbcClass;
  readonly lastCounted: string | null;
  /** The day it fell due (null: never counted, due now). */
  readonly dueDate: string | null;
  readonly overdueDays: number | null;
}

/**
 * What is due to be counted on `today`: every SKU never counted or last counted at least
 * its class's frequency ago, A first, then the most overdue.
 *
 * @example
 * ```ts
 * cycleCountsDue(new Map([["TV", "A"]]), new Map([["TV", "2026-02-01"]]), "2026-03-31");
 * // [{ sku: "TV", abcClass: "A", lastCounted: "2026-02-01", dueDate: "2026-03-03", overdueDays: 28 }]
 * ```
 */
export function cycleCountsDue(classes: ReadonlyMap<string, AbcClass>, lastCounted: ReadonlyMap<string, string>, today: string, frequencies: CountFrequencies = DEFAULT_COUNT_FREQUENCIES): CycleCountDue[] {
  const due: CycleCountDue[] = [];
  for (const [sku, abcClass] of classes) {
    const last = lastCounted.get(sku) ?? null;
    if (last === null) {
      due.push({ sku, abcClass, lastCounted: null, dueDate: null, overdueDays: null });
      continue;
    }
    const dueDate = addDays(last as LocalDate, frequencies[abcClass]);
    if (dueDate <= today) {
      const overdueDays = daysBetween(dueDate, today as LocalDate);
      due.push({ sku, abcClass, lastCounted: last, dueDate, overdueDays });
    }
  }
  return due.sort((x, y) => (x.abcClass !== y.abcClass ? (x.abcClass < y.abcClass ? -1 : 1) : (y.overdueDays ?? Number.MAX_SAFE_INTEGER) - (x.overdueDays ?? Number.MAX_SAFE_INTEGER) || (x.sku < y.sku ? -1 : 1)));
}
