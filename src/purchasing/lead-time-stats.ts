/**
 * Lead time statistics of observed lead times (days), in float64 (statistics, not money).
 *
 * @example
 * ```ts
 * leadTimeStats([7, 9, 8], 2); // { count: 3, meanDays: 8, sdDays: 1, minDays: 7, maxDays: 9, lastDays: [9, 8] }
 * ```
 */
export function leadTimeStats(days: readonly number[], last: number): { count: number; meanDays: number | null; sdDays: number | null; minDays: number | null; maxDays: number | null; lastDays: number[] } {
  const n = days.length;
  if (n === 0) return { count: 0, meanDays: null, sdDays: null, minDays: null, maxDays: null, lastDays: [] };
  const mean = days.reduce((a, b) => a + b, 0) / n;
  const variance = n < 2 ? 0 : days.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1);
  return { count: n, meanDays: mean, sdDays: Math.sqrt(variance), minDays: Math.min(...days), maxDays: Math.max(...days), lastDays: days.slice(Math.max(0, n - last)) };
}

/**
 * Whether an observed lead time keeps the stated one: within one day or 20% of it,
 * whichever is larger.
 *
 * @example
 * ```ts
 * withinStatedLeadTime(16, 14); // true (tolerance 2.8 days)
 * ```
 */
export function withinStatedLeadTime(actualDays: number, statedDays: number): boolean {
  return Math.abs(actualDays - statedDays) <= Math.max(1, 0.2 * statedDays);
}
