
/**
 * Demand pattern by Syntetos–Boylan–Croston: ADI (average inter-demand interval) against
 * 1.32 and CV² (squared coefficient of variation of the non-zero sizes) against 0.49.
 */
export type DemandClass = "smooth" | "erratic" | "intermittent" | "lumpy" | "no-demand";

/**
 * A demand classification with the figures behind it.
 *
 * @example
 * ```ts
 * const c: DemandClassification = classifyDemand([0, 4, 0, 0, 5, 0, 0, 6]);
 * ```
 */
export interface DemandClassification {
  readonly demandClass: DemandClass;
  /** Average inter-demand interval in periods (periods / demand occurrences). */
  readonly adi: number;
  /** Squared coefficient of variation of non-zero demand sizes (population variance). */
  readonly cv2: number;
  readonly nonZeroPeriods: number;
  readonly periods: number;
}

/** ADI threshold between regular and intermittent demand. */
export const ADI_THRESHOLD = 1.32;
/** CV² threshold between steady and variable demand sizes. */
export const CV2_THRESHOLD = 0.49;

/**
 * Classifies a demand history: smooth (ADI < 1.32, CV² < 0.49), erratic (ADI < 1.32,
 * CV² ≥ 0.49), intermittent (ADI ≥ 1.32, CV² < 0.49), lumpy (ADI ≥ 1.32, CV² ≥ 0.49).
 * ADI is the mean of the inter-demand intervals (the first counted from the series start).
 *
 * @example
 * ```ts
 * classifyDemand([5, 6, 5, 7, 6]).demandClass; // "smooth"
 * classifyDemand([0, 0, 1, 0, 0, 9, 0, 0, 2]).demandClass; // "lumpy"
 * ```
 */
export function classifyDemand(y: readonly number[]): DemandClassification {
  // One pass, no allocation: the intervals sum to the index of the last demand, and the
  // sizes' variance comes from sums shifted by the first size (stable: no cancellation of
  // two large sums when the sizes sit far from zero).
  let count = 0;
  let last = 0;
  let shift = 0;
  let sum = 0;
  let sumSq = 0;
  for (let t = 0; t < y.length; t++) {
    const v = y[t] as number;
    if (v !== 0) {
      if (count === 0) shift = v;
      const d = v - shift;
      count++;
      sum += d;
      sumSq += d * d;
      last = t + 1;
    }
  }
  if (count === 0) return { demandClass: "no-demand", adi: Number.POSITIVE_INFINITY, cv2: 0, nonZeroPeriods: 0, periods: y.length };
  const adi = last / count;
  const meanShifted = sum / count;
  const mean = shift + meanShifted;
  const variance = Math.max(0, sumSq / count - meanShifted * meanShifted);
  const cv2 = mean !== 0 ? variance / (mean * mean) : 0;
  const regular = adi < ADI_THRESHOLD;
  const steady = cv2 < CV2_THRESHOLD;
  const demandClass: DemandClass = regular ? (steady ? "smooth" : "erratic") : steady ? "intermittent" : "lumpy";
  return { demandClass, adi, cv2, nonZeroPeriods: count, periods: y.length };
}
