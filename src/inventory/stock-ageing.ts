import { Decimal, canonicalDecimal } from "../kernel/decimal.js";
import { type LocalDate, daysBetween } from "../kernel/local-date.js";

/*
 * Inventory ageing and slow-moving stock, pure. Stock on hand is taken to be the most
 * recent units that came in (the FIFO assumption: the oldest units left first), so the
 * age of what is on hand is found by walking the inbound layers (receipts, opening stock,
 * customer returns, units found by a count) from the newest back until they cover the
 * quantity on hand. Whatever no inbound layer covers (stock issued below zero and never
 * trued up, or history before the ledger) is reported as unaged.
 */

/**
 * The standard ageing buckets, by days since the layer came in: 0–30, 31–90, 91–180, > 180.
 *
 * @example
 * ```ts
 * AGEING_BUCKETS.map((b) => b.label); // ["0-30", "31-90", "91-180", ">180"]
 * ```
 */
export const AGEING_BUCKETS: readonly { readonly label: string; readonly maxDays: number | null }[] = Object.freeze([
  { label: "0-30", maxDays: 30 },
  { label: "31-90", maxDays: 90 },
  { label: "91-180", maxDays: 180 },
  { label: ">180", maxDays: null },
]);

/**
 * A unit count that came in on a date (a receipt layer).
 *
 * @example
 * ```ts
 * const layer: InboundLayer = { date: "2026-01-15", quantity: "24" };
 * ```
 */
export interface InboundLayer {
  readonly date: string;
  readonly quantity: string;
}

/**
 * The quantity on hand per ageing bucket as of `asOf` (quantities in {@link AGEING_BUCKETS}
 * order), from inbound layers given newest first; `unaged` is what no layer covers.
 *
 * @example
 * ```ts
 * ageOnHand("30", [{ date: "2026-03-20", quantity: "10" }, { date: "2025-12-01", quantity: "50" }], "2026-03-31");
 * // { quantities: ["10", "0", "20", "0"], unaged: "0" }
 * ```
 */
export function ageOnHand(onHand: Decimal | string, newestFirst: readonly InboundLayer[], asOf: string): { readonly quantities: string[]; readonly unaged: string } {
  const buckets = AGEING_BUCKETS.map(() => new Decimal(0));
  let left = new Decimal(onHand);
  for (const layer of newestFirst) {
    if (!left.gt(0)) break;
    const take = Decimal.min(left, new Decimal(layer.quantity));
    if (!take.gt(0)) continue;
    const age = daysBetween(layer.date as LocalDate, asOf as LocalDate);
    const index = AGEING_BUCKETS.findIndex((b) => b.maxDays === null || age <= b.maxDays);
    buckets[index] = buckets[index]!.plus(take);
    left = left.minus(take);
  }
  return { quantities: buckets.map(canonicalDecimal), unaged: canonicalDecimal(Decimal.max(left, 0)) };
}

/**
 * How a SKU moves. Its idle time runs from its last issue to a customer (or, when it never
 * went out, from the last time stock came in): `dead` when idle for more than
 * `deadAfterDays`; `slow` when what went out in the last `windowDays` covers the stock on
 * hand for more than `slowCoverDays` days, or nothing went out in the window and it has
 * been idle longer than the window; otherwise `active` (a product received last week that
 * has not sold yet is not slow yet).
 *
 * @example
 * ```ts
 * const t: MovementThresholds = { windowDays: 90, slowCoverDays: 180, deadAfterDays: 180 };
 * ```
 */
export interface MovementThresholds {
  readonly windowDays: number;
  readonly slowCoverDays: number;
  readonly deadAfterDays: number;
}

/**
 * Default thresholds: a 90-day window, slow beyond 180 days of cover, dead after 180 days idle.
 *
 * @example
 * ```ts
 * DEFAULT_MOVEMENT_THRESHOLDS.deadAfterDays; // 180
 * ```
 */
export const DEFAULT_MOVEMENT_THRESHOLDS: MovementThresholds = Object.freeze({ windowDays: 90, slowCoverDays: 180, deadAfterDays: 180 });

/**
 * Classifies a SKU with stock on hand (see {@link MovementThresholds}): its days of cover at
 * the window's rate of issue (null when nothing went out in the window) and its status.
 * Dates are null when older than what was read (treated as idle forever).
 *
 * @example
 * ```ts
 * classifyMovement({ onHand: "100", issuedInWindow: "10", lastIssueDate: "2026-03-01", lastReceiptDate: null, asOf: "2026-03-31" });
 * // { daysOfCover: 900, status: "slow" }
 * ```
 */
export function classifyMovement(
  input: { readonly onHand: string; readonly issuedInWindow: string; readonly lastIssueDate: string | null; readonly lastReceiptDate: string | null; readonly asOf: string },
  thresholds: MovementThresholds = DEFAULT_MOVEMENT_THRESHOLDS,
): { readonly daysOfCover: number | null; readonly status: "active" | "slow" | "dead" } {
  const issued = new Decimal(input.issuedInWindow);
  const daysOfCover = issued.gt(0) ? new Decimal(input.onHand).times(thresholds.windowDays).dividedBy(issued).toDecimalPlaces(1).toNumber() : null;
  const since = input.lastIssueDate ?? input.lastReceiptDate;
  const idle = since === null ? Number.POSITIVE_INFINITY : daysBetween(since as LocalDate, input.asOf as LocalDate);
  if (idle > thresholds.deadAfterDays) return { daysOfCover, status: "dead" };
  if (daysOfCover !== null ? daysOfCover > thresholds.slowCoverDays : idle > thresholds.windowDays) return { daysOfCover, status: "slow" };
  return { daysOfCover, status: "active" };
}
