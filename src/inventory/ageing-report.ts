import { minorUnits } from "../kernel/currencies.js";
import type { CurrencyCode } from "../kernel/currencies.js";
import { Decimal, canonicalDecimal } from "../kernel/decimal.js";
import { type LocalDate, addDays, startOfLocalDate } from "../kernel/local-date.js";
import type { JsonObject, LogEntry, Transaction } from "../ports/storage.js";
import { logPages, readLogs } from "../runner/batch-logs.js";
import { COST_STATES, type CostStateDoc, QUANTITIES, VALUES } from "./ledger-records.js";
import { MOVEMENTS, type MovementRecord, effectOf } from "./movement.js";
import { AGEING_BUCKETS, DEFAULT_MOVEMENT_THRESHOLDS, type InboundLayer, type MovementThresholds, ageOnHand, classifyMovement } from "./stock-ageing.js";
import { QUANTITY_DECIMALS, formatScaled, parseScaled } from "./valuation-kernel.js";

/*
 * The ageing and slow-moving reports: on hand and value per SKU as of a date come from the
 * bucketed balances; each SKU's movements are read backwards from that date only as far as
 * needed (until the inbound layers cover what is on hand, or to the start of the window).
 */

/**
 * One SKU's stock by age as of a date: quantity and value per bucket of
 * {@link AGEING_BUCKETS} (values split by quantity, losing no minor unit), and the part no
 * inbound layer covers.
 *
 * @example
 * ```ts
 * const row: AgeingRow = { sku: "MUG", onHand: "30", value: "75", buckets: [{ label: "0-30", quantity: "10", value: "25" }], unaged: "0" };
 * ```
 */
export interface AgeingRow extends JsonObject {
  readonly sku: string;
  readonly onHand: string;
  readonly value: string;
  readonly buckets: readonly { readonly label: string; readonly quantity: string; readonly value: string }[];
  readonly unaged: string;
}

/**
 * The ageing report: rows per SKU with stock, and the value per bucket over all SKUs.
 *
 * @example
 * ```ts
 * const report: AgeingReport = { asOf: "2026-03-31", currency: "EUR", rows: [], totals: [{ label: "0-30", value: "0" }] };
 * ```
 */
export interface AgeingReport extends JsonObject {
  readonly asOf: string;
  readonly currency: string;
  readonly rows: readonly AgeingRow[];
  readonly totals: readonly { readonly label: string; readonly value: string }[];
}

/** Quantity and value per SKU as of the end of `asOf` (SKUs with stock on hand only). */
async function stockAsOf(tx: Transaction, asOf: string, sku: string | undefined): Promise<Map<string, { onHand: Decimal; value: Decimal }>> {
  const buckets = { buckets: { to: asOf } };
  const quantities = await tx.balances.sumByKey(QUANTITIES, { ...(sku === undefined ? {} : { keyPrefix: `${sku}|` }), ...buckets });
  const out = new Map<string, { onHand: Decimal; value: Decimal }>();
  for (const [key, amounts] of quantities) {
    const s = key.slice(0, key.indexOf("|"));
    if (sku !== undefined && s !== sku) continue;
    const row = out.get(s) ?? { onHand: new Decimal(0), value: new Decimal(0) };
    row.onHand = row.onHand.plus(amounts["quantity"] ?? 0);
    out.set(s, row);
  }
  for (const [s, row] of out) if (!row.onHand.gt(0)) out.delete(s);
  if (out.size === 0) return out;
  const values = await tx.balances.sumByKey(VALUES, { keys: [...out.keys()], ...buckets });
  for (const [s, amounts] of values) {
    const row = out.get(s);
    if (row !== undefined) row.value = amounts["value"] ?? new Decimal(0);
  }
  return out;
}

/** Movements per page when a report reads a SKU's history backwards. */
const BACKWARDS_PAGE = 256;
/** SKUs whose first pages one multi-stream read takes. */
const SKUS_PER_READ = 200;

/**
 * A SKU's movements up to the end of `asOf`, newest first, page by page, while `more` says so
 * (`first`: its first page, read already with {@link firstPagesBackwards}).
 */
async function readBackwards(tx: Transaction, sku: string, endExclusive: string, more: (m: MovementRecord) => boolean, first?: readonly LogEntry<MovementRecord>[]): Promise<void> {
  for await (const page of logPages<MovementRecord>(tx, MOVEMENTS, sku, { lt: endExclusive, order: "desc", limit: BACKWARDS_PAGE }, first)) {
    for (const entry of page) if (!more(entry.data)) return;
  }
}

/**
 * The first backward page of each SKU, read together (one multi-stream read per
 * {@link SKUS_PER_READ} SKUs), handed to `each` in order: a report over many SKUs makes a
 * round trip per 200 SKUs, not one per SKU, where one page covers what it needs.
 */
async function eachWithFirstPage(tx: Transaction, skus: readonly string[], endExclusive: string, each: (sku: string, first: readonly LogEntry<MovementRecord>[]) => Promise<void>): Promise<void> {
  for (let from = 0; from < skus.length; from += SKUS_PER_READ) {
    const chunk = skus.slice(from, from + SKUS_PER_READ);
    const pages = await readLogs<MovementRecord>(tx, MOVEMENTS, chunk.map((sku) => ({ stream: sku, range: { lt: endExclusive, order: "desc", limit: BACKWARDS_PAGE } })));
    for (let i = 0; i < chunk.length; i++) await each(chunk[i]!, pages[i]!);
  }
}

/** Splits `total` minor units in proportion to `weights` (scaled quantities), largest remainder first. */
function splitValue(total: bigint, weights: readonly bigint[]): bigint[] {
  const sum = weights.reduce((a, b) => a + b, 0n);
  if (sum === 0n) return weights.map(() => 0n);
  const sign = total < 0n ? -1n : 1n;
  const abs = total * sign;
  const shares = weights.map((w) => (abs * w) / sum);
  let left = abs - shares.reduce((a, b) => a + b, 0n);
  const order = weights.map((w, i) => ({ i, rem: (abs * w) % sum })).sort((a, b) => (b.rem > a.rem ? 1 : b.rem < a.rem ? -1 : a.i - b.i));
  for (const { i } of order) {
    if (left === 0n) break;
    shares[i]! += 1n;
    left -= 1n;
  }
  return shares.map((s) => s * sign);
}

/**
 * Stock by age as of the end of `asOf` (the shop's time zone), per SKU with stock on hand.
 *
 * @example
 * ```ts
 * const report = await ageingReport(tx, "EUR", "Europe/Berlin", { asOf: "2026-03-31" });
 * ```
 */
export async function ageingReport(tx: Transaction, currency: CurrencyCode, timeZone: string, query: { readonly asOf: string; readonly sku?: string | undefined }): Promise<AgeingReport> {
  const digits = minorUnits(currency);
  const end = startOfLocalDate(addDays(query.asOf as LocalDate, 1), timeZone).toISOString();
  const stock = await stockAsOf(tx, query.asOf, query.sku);
  const rows: AgeingRow[] = [];
  const totals = AGEING_BUCKETS.map(() => 0n);
  await eachWithFirstPage(tx, [...stock.keys()].sort(), end, async (sku, first) => {
    const { onHand, value } = stock.get(sku)!;
    const layers: InboundLayer[] = [];
    let covered = new Decimal(0);
    await readBackwards(tx, sku, end, (m) => {
      if (effectOf(m) === "in") {
        const q = new Decimal(m.quantity).abs();
        layers.push({ date: m.effectiveDate, quantity: canonicalDecimal(q) });
        covered = covered.plus(q);
      }
      return covered.lt(onHand);
    }, first);
    const aged = ageOnHand(onHand, layers, query.asOf);
    const weights = [...aged.quantities, aged.unaged].map((q) => parseScaled(q, QUANTITY_DECIMALS));
    const valueMinor = parseScaled(canonicalDecimal(value), digits);
    const values = splitValue(valueMinor, weights);
    AGEING_BUCKETS.forEach((_, i) => (totals[i]! += values[i]!));
    rows.push({
      sku,
      onHand: canonicalDecimal(onHand),
      value: canonicalDecimal(value),
      buckets: AGEING_BUCKETS.map((b, i) => ({ label: b.label, quantity: aged.quantities[i]!, value: formatScaled(values[i]!, digits) })),
      unaged: aged.unaged,
    });
  });
  return { asOf: query.asOf, currency, rows, totals: AGEING_BUCKETS.map((b, i) => ({ label: b.label, value: formatScaled(totals[i]!, digits) })) };
}

/**
 * One SKU's movement status: on hand and value, when it last went out to a customer, how
 * much went out in the window, its days of cover and whether it is active, slow or dead.
 *
 * @example
 * ```ts
 * const row: SlowMovingRow = { sku: "MUG", onHand: "100", value: "250", lastIssueDate: "2026-03-01", lastReceiptDate: "2025-10-01", issuedInWindow: "10", daysOfCover: 900, status: "slow" };
 * ```
 */
export interface SlowMovingRow extends JsonObject {
  readonly sku: string;
  readonly onHand: string;
  readonly value: string;
  readonly lastIssueDate: string | null;
  readonly lastReceiptDate: string | null;
  readonly issuedInWindow: string;
  readonly daysOfCover: number | null;
  readonly status: "active" | "slow" | "dead";
}

/**
 * Slow-moving and dead stock as of the end of `asOf`: every SKU with stock on hand,
 * classified by {@link classifyMovement} from its sale issues (reads back only to the start
 * of the longer of the window and the dead-stock horizon). A last receipt or issue before
 * that horizon comes from the latest dates the SKU's cost state keeps, when they are on or
 * before `asOf` (else null: a report as of a past date after which the SKU moved again).
 *
 * @example
 * ```ts
 * const rows = await slowMovingReport(tx, "Europe/Berlin", { asOf: "2026-03-31" });
 * rows.filter((r) => r.status === "dead");
 * ```
 */
export async function slowMovingReport(
  tx: Transaction,
  timeZone: string,
  query: { readonly asOf: string; readonly sku?: string | undefined; readonly thresholds?: Partial<MovementThresholds> | undefined },
): Promise<SlowMovingRow[]> {
  const thresholds = { ...DEFAULT_MOVEMENT_THRESHOLDS, ...query.thresholds };
  const end = startOfLocalDate(addDays(query.asOf as LocalDate, 1), timeZone).toISOString();
  const windowStart = addDays(query.asOf as LocalDate, -thresholds.windowDays + 1);
  const horizon = startOfLocalDate(addDays(query.asOf as LocalDate, -Math.max(thresholds.windowDays, thresholds.deadAfterDays)), timeZone).toISOString();
  const stock = await stockAsOf(tx, query.asOf, query.sku);
  const rows: SlowMovingRow[] = [];
  const skus = [...stock.keys()].sort();
  // The cost states (latest dates before the horizon) read ahead in one call per 1,000 SKUs.
  const kept = new Map<string, CostStateDoc>();
  for (let from = 0; from < skus.length; from += 1000) for (const d of await tx.documents.getMany<CostStateDoc>(COST_STATES, skus.slice(from, from + 1000))) kept.set(d.id, d.data);
  await eachWithFirstPage(tx, skus, end, async (sku, first) => {
    const { onHand, value } = stock.get(sku)!;
    let lastIssueDate: string | null = null;
    let lastReceiptDate: string | null = null;
    let issued = new Decimal(0);
    await readBackwards(tx, sku, end, (m) => {
      if (m.effectiveAt < horizon) return false;
      if (effectOf(m) === "in") lastReceiptDate ??= m.effectiveDate;
      if (m.kind === "sale-issue") {
        lastIssueDate ??= m.effectiveDate;
        if (m.effectiveDate >= windowStart) issued = issued.plus(new Decimal(m.quantity).abs());
      }
      return true;
    }, first);
    if (lastIssueDate === null || lastReceiptDate === null) {
      // Older than the horizon: the latest dates the SKU's cost state keeps, when they are on or before asOf.
      const state = kept.get(sku);
      if (lastReceiptDate === null && state?.lastInDate != null && state.lastInDate <= query.asOf) lastReceiptDate = state.lastInDate;
      if (lastIssueDate === null && state?.lastSaleDate != null && state.lastSaleDate <= query.asOf) lastIssueDate = state.lastSaleDate;
    }
    const issuedInWindow = canonicalDecimal(issued);
    const c = classifyMovement({ onHand: canonicalDecimal(onHand), issuedInWindow, lastIssueDate, lastReceiptDate, asOf: query.asOf }, thresholds);
    rows.push({ sku, onHand: canonicalDecimal(onHand), value: canonicalDecimal(value), lastIssueDate, lastReceiptDate, issuedInWindow, daysOfCover: c.daysOfCover, status: c.status });
  });
  return rows;
}
