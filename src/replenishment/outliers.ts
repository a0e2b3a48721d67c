/*
 * One-off demand spikes (a wholesale order, a bulk buy keyed in by mistake) are cut before
 * forecasting, in suggestions and in the simulated policy alike. The bound is median +
 * 5·MAD·1.4826 of the non-zero periods (3 × their median when the MAD is 0), read from the
 * history itself; with fewer than 3 non-zero periods nothing is cut. A single wholesale order
 * of 74,000 units must not set the reorder point of a 20-a-week item.
 */

function median(sorted: readonly number[]): number {
  const m = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[m] as number) : ((sorted[m - 1] as number) + (sorted[m] as number)) / 2;
}

/**
 * The bound {@link capOutliers} cuts a history to: median + 5·MAD·1.4826 of its non-zero
 * values (3 × their median when the MAD is 0); `undefined` when fewer than 3 values are
 * non-zero (too little to tell a spike from the usual).
 *
 * @example
 * ```ts
 * outlierCap([10, 12, 9, 11, 5000, 10]); // 17.9... (median 10.5 + 5 × 1 × 1.4826)
 * outlierCap([0, 0, 40]); // undefined
 * ```
 */
export function outlierCap(history: readonly number[]): number | undefined {
  const nz = history.filter((v) => v > 0).sort((a, b) => a - b);
  if (nz.length < 3) return undefined;
  const med = median(nz);
  const mad = median(nz.map((v) => Math.abs(v - med)).sort((a, b) => a - b)) * 1.4826;
  return mad > 0 ? med + 5 * mad : 3 * med;
}

/**
 * Caps one-off spikes before forecasting: non-zero values above median + 5·MAD·1.4826 of
 * the non-zero values (3 × median when MAD is 0) are cut to that bound (see
 * {@link outlierCap}), runs of them too. Suggestions (`outliers: "cap"`, the default) and the
 * simulated forecast-driven policy forecast from this.
 *
 * @example
 * ```ts
 * capOutliers([10, 12, 9, 11, 5000, 10]); // [10, 12, 9, 11, 17.9..., 10]
 * ```
 */
export function capOutliers(history: readonly number[]): number[] {
  const cap = outlierCap(history);
  return cap === undefined ? [...history] : history.map((v) => Math.min(v, cap));
}

/**
 * The history with its isolated one-off spikes cut to {@link outlierCap}: a period above the
 * cap whose neighbours are at or below it (a period at either end has one neighbour). A run
 * of two or more periods above the cap (a ramp, a new level) is kept; the latest period, when
 * above the cap alone, is cut until the next period shows whether it started a run.
 * Suggestions and the simulated forecast-driven policy score their lead-time forecast errors
 * on this (their forecasts see {@link capOutliers}' history): one wholesale week must not
 * set the spread of every lead time it falls in, while a ramp's weeks are errors the plan
 * must answer.
 *
 * @example
 * ```ts
 * capIsolatedSpikes([10, 12, 9, 5000, 11, 10]); // [10, 12, 9, 17.9..., 11, 10]
 * capIsolatedSpikes([10, 12, 9, 11, 300, 320, 310]); // unchanged: a new level, not a spike
 * ```
 */
export function capIsolatedSpikes(history: readonly number[]): number[] {
  const cap = outlierCap(history);
  if (cap === undefined) return [...history];
  const above = (t: number) => t >= 0 && t < history.length && (history[t] as number) > cap;
  return history.map((v, t) => (above(t) && !above(t - 1) && !above(t + 1) ? cap : v));
}
