import { Decimal } from "../kernel/decimal.js";
import { type LocalDate, addDays, daysBetween } from "../kernel/local-date.js";
import type { Transaction } from "../ports/storage.js";
import { type AgeingBucket, ageStock, ageingLabels } from "./ageing.js";
import { ANALYTICS_STORE, CUSTOMER_FACT_FIELDS, type FactSums } from "./facts.js";
import { type BreakdownRow, type KpiInputs, type KpiName, type KpiValues, KPI_CATALOGUE, type LedgerFigures, type StockFigures, breakdownRows, computeKpis } from "./kpis.js";
import { type KpiComparison, type DateRange, type Grain, comparedRange, daysIn, splitRange } from "./periods.js";
import type { AnalyticsSources } from "./sources.js";

/**
 * The dimensions a KPI report can break down by.
 *
 * @example
 * ```ts
 * const d: Dimension = "channel";
 * ```
 */
export type Dimension = "sku" | "category" | "warehouse" | "channel" | "segment";

/**
 * What `sk.analytics.kpis` reads: a range, and optionally a series grain, comparisons and
 * breakdowns.
 *
 * @example
 * ```ts
 * const q: KpiQuery = { from: "2026-01-01", to: "2026-12-31", grain: "month", compare: ["previous-year"], breakdowns: ["sku", "channel"] };
 * ```
 */
export interface KpiQuery extends DateRange {
  readonly grain?: Grain;
  readonly compare?: readonly KpiComparison[];
  readonly breakdowns?: readonly Dimension[];
}

/**
 * One point of a KPI series.
 *
 * @example
 * ```ts
 * const p: SeriesPoint = { label: "2026-03", from: "2026-03-01", to: "2026-03-31", kpis: { gmv: "1200.00" } };
 * ```
 */
export interface SeriesPoint extends DateRange {
  readonly label: string;
  readonly kpis: KpiValues;
}

/**
 * A comparison's figures and each KPI's change (this − that, in the KPI's unit; null when
 * either side is null).
 *
 * @example
 * ```ts
 * const c: ComparisonResult = { comparison: "previous-year", from: "2025-01-01", to: "2025-12-31", kpis: { gmv: "900.00" }, change: { gmv: "300.00" } };
 * ```
 */
export interface ComparisonResult extends DateRange {
  readonly comparison: KpiComparison;
  readonly kpis: KpiValues;
  readonly change: KpiValues;
}

/**
 * The KPI catalogue's figures for a range, with its series, comparisons, breakdowns and the
 * inventory ageing at the end of the range.
 *
 * @example
 * ```ts
 * const report: KpiReport = await sk.analytics.kpis({ from: "2026-01-01", to: "2026-01-31" });
 * report.kpis["net-revenue"]; // "10450.00"
 * ```
 */
export interface KpiReport extends DateRange {
  readonly currency: string;
  readonly kpis: KpiValues;
  readonly series?: { readonly grain: Grain; readonly points: readonly SeriesPoint[] };
  readonly comparisons: readonly ComparisonResult[];
  readonly breakdowns: Partial<Record<Dimension, readonly BreakdownRow[]>>;
  readonly ageing: readonly AgeingBucket[];
}

/**
 * Settings the read side needs.
 *
 * @example
 * ```ts
 * const s: ReportSettings = { currency: "EUR", moneyDigits: 2, deadStockDays: 90, ageingDays: [30, 60, 90, 180], categories: {} };
 * ```
 */
export interface ReportSettings {
  readonly currency: string;
  readonly moneyDigits: number;
  readonly deadStockDays: number;
  readonly ageingDays: readonly number[];
  readonly categories: Readonly<Record<string, string>>;
}

const ZERO = new Decimal(0);

function sums(row: Record<string, Decimal> | undefined): FactSums {
  return (row ?? {}) as FactSums;
}

/** The books' figures for a range (a handful of balance sums). */
async function ledgerFigures(tx: Transaction, sources: AnalyticsSources, range: DateRange): Promise<LedgerFigures> {
  const turnover = await sources.accountTotals(tx, ["sales-revenue", "shipping-revenue", "sales-returns", "cogs", "receivables", "payables"], range);
  const closing = await sources.accountTotals(tx, ["inventory", "receivables", "payables"], { to: range.to });
  const opening = await sources.accountTotals(tx, ["inventory"], { to: addDays(range.from as LocalDate, -1) });
  // Profit-and-loss figures leave out year-end closing lines.
  const net = (t: { debit: Decimal; credit: Decimal; closing: Decimal } | undefined): Decimal => (t === undefined ? ZERO : t.debit.minus(t.credit).minus(t.closing));
  return {
    revenue: net(turnover["sales-revenue"]).plus(net(turnover["shipping-revenue"])).negated(),
    returns: net(turnover["sales-returns"]),
    cogs: net(turnover["cogs"]),
    inventoryOpening: net(opening["inventory"]),
    inventoryClosing: net(closing["inventory"]),
    receivables: net(closing["receivables"]),
    receivablesDebits: turnover["receivables"]?.debit ?? ZERO,
    payables: net(closing["payables"]).negated(),
    payablesCredits: turnover["payables"]?.credit ?? ZERO,
    cash: await sources.cashPosition(tx, range.to),
  };
}

/** Per-SKU fact sums over a range (keys without the `sku:` prefix). */
async function skuFacts(tx: Transaction, range: { from?: string; to: string }): Promise<Map<string, FactSums>> {
  const rows = await tx.balances.sumByKey(ANALYTICS_STORE.facts, { keyPrefix: "sku:", buckets: range });
  const out = new Map<string, FactSums>();
  for (const [key, row] of rows) out.set(key.slice(4), sums(row));
  return out;
}

/**
 * Units shipped per SKU in the dead-stock window ending `to`. A series carries the window from
 * point to point: the days the window gained are added and the days it lost taken away (two
 * reads of the SKUs that shipped on those days) instead of every SKU's window read again.
 */
async function shippedInWindow(tx: Transaction, to: string, days: number, carry?: SeriesCarry): Promise<Map<string, Decimal>> {
  const from = addDays(to as LocalDate, -(days - 1));
  const previous = carry?.window;
  let window: Map<string, Decimal>;
  if (previous !== undefined && previous.end < to && daysBetween(previous.end as LocalDate, to as LocalDate) < days) {
    window = new Map(previous.shipped);
    for (const [sku, f] of await skuFacts(tx, { from: addDays(previous.end as LocalDate, 1), to })) window.set(sku, (window.get(sku) ?? ZERO).plus(f.shippedUnits ?? ZERO));
    const lostFrom = addDays(previous.end as LocalDate, -(days - 1));
    for (const [sku, f] of await skuFacts(tx, { from: lostFrom, to: addDays(from, -1) })) window.set(sku, (window.get(sku) ?? ZERO).minus(f.shippedUnits ?? ZERO));
  } else {
    window = new Map([...(await skuFacts(tx, { from, to }))].map(([sku, f]) => [sku, f.shippedUnits ?? ZERO]));
  }
  if (carry !== undefined) carry.window = { end: to, shipped: window };
  return window;
}

/** What a series carries from one point to the next (each point's range starts the day after the last one's ends). */
interface SeriesCarry {
  stock?: { readonly end: string; readonly bySku: Map<string, { quantity: Decimal; value: Decimal }> };
  window?: { readonly end: string; readonly shipped: Map<string, Decimal> };
  toDate?: { readonly end: string; readonly sums: FactSums };
}

/**
 * Quantity and value per SKU at the end of `to`. A series whose sources say what changed
 * carries the stock from point to point (only the SKUs that moved are read) instead of every
 * SKU at every point.
 */
async function stockAt(tx: Transaction, sources: AnalyticsSources, to: string, carry?: SeriesCarry): Promise<Map<string, { quantity: Decimal; value: Decimal }>> {
  const previous = carry?.stock;
  const changes = sources.stockChangesBySku;
  const stock = previous !== undefined && changes !== undefined && previous.end < to ? carried(previous.bySku, await changes(tx, previous.end, to)) : await sources.stockBySku(tx, to);
  if (carry !== undefined && changes !== undefined) carry.stock = { end: to, bySku: stock };
  return stock;
}

async function stockFigures(tx: Transaction, stock: Map<string, { quantity: Decimal; value: Decimal }>, to: string, settings: ReportSettings, carry?: SeriesCarry): Promise<StockFigures> {
  const shipped = await shippedInWindow(tx, to, settings.deadStockDays, carry);
  let outOfStock = 0;
  let onHand = ZERO;
  let deadValue = ZERO;
  let deadSkus = 0;
  for (const [sku, s] of stock) {
    if (s.quantity.lte(0)) {
      outOfStock++;
      continue;
    }
    onHand = onHand.plus(s.quantity);
    if ((shipped.get(sku) ?? ZERO).isZero()) {
      deadSkus++;
      deadValue = deadValue.plus(s.value);
    }
  }
  return { skus: stock.size, outOfStock, onHandUnits: onHand, deadValue, deadSkus };
}

/** The catalogue for one range, and the raw reads the breakdowns reuse. */
async function snapshot(tx: Transaction, sources: AnalyticsSources, range: DateRange, settings: ReportSettings, everyKey = false, carry?: SeriesCarry) {
  // Every dimension's sums only when breakdowns need them; a series point reads `all`.
  const all = await tx.balances.sumByKey(ANALYTICS_STORE.facts, { buckets: { from: range.from, to: range.to }, ...(everyKey ? {} : { keys: ["all"] }) });
  // Since the beginning: a series point adds its own range to the previous point's.
  const toDate = carry?.toDate !== undefined && carry.toDate.end === addDays(range.from as LocalDate, -1) ? addSums(carry.toDate.sums, sums(all.get("all"))) : sums(await tx.balances.sum(ANALYTICS_STORE.facts, "all", { to: range.to }));
  if (carry !== undefined) carry.toDate = { end: range.to, sums: toDate };
  const stock = await stockAt(tx, sources, range.to, carry);
  const inputs: KpiInputs = {
    days: daysIn(range),
    facts: sums(all.get("all")),
    factsToDate: toDate,
    ledger: await ledgerFigures(tx, sources, range),
    stock: await stockFigures(tx, stock, range.to, settings, carry),
  };
  return { kpis: computeKpis(inputs, settings.moneyDigits), facts: all, stock };
}

/** Stock per SKU moved on by a change (SKUs new in the change join; the earlier map is left as it was). */
function carried(stock: ReadonlyMap<string, { quantity: Decimal; value: Decimal }>, changes: ReadonlyMap<string, { readonly quantity: Decimal; readonly value: Decimal }>): Map<string, { quantity: Decimal; value: Decimal }> {
  const out = new Map(stock);
  for (const [sku, c] of changes) {
    const s = out.get(sku);
    out.set(sku, s === undefined ? { quantity: c.quantity, value: c.value } : { quantity: s.quantity.plus(c.quantity), value: s.value.plus(c.value) });
  }
  return out;
}

const places = (text: string): number => (text.includes(".") ? text.length - text.indexOf(".") - 1 : 0);

/** Change of each KPI between two sets of figures. */
function change(now: KpiValues, then: KpiValues): KpiValues {
  const out: KpiValues = {};
  for (const { name } of KPI_CATALOGUE) {
    const a = now[name];
    const b = then[name];
    out[name as KpiName] = a === null || a === undefined || b === null || b === undefined ? null : new Decimal(a).minus(b).toFixed(Math.max(places(a), places(b)));
  }
  return out;
}

/**
 * Inventory ageing at a date: each SKU's stock aged by FIFO over its receipts (see
 * {@link ageStock}), summed over SKUs; the buckets' values sum to the stock value.
 *
 * @example
 * ```ts
 * const buckets = await inventoryAgeing(tx, sources, "2026-12-31", settings);
 * ```
 */
export async function inventoryAgeing(tx: Transaction, sources: AnalyticsSources, asOf: string, settings: ReportSettings, stockAtDate?: Map<string, { quantity: Decimal; value: Decimal }>): Promise<AgeingBucket[]> {
  const labels = ageingLabels(settings.ageingDays);
  const stock = stockAtDate ?? (await sources.stockBySku(tx, asOf));
  const windows: Map<string, FactSums>[] = [];
  for (const bucket of labels.slice(0, -1)) {
    windows.push(await skuFacts(tx, { from: addDays(asOf as LocalDate, -bucket.maxDays!), to: addDays(asOf as LocalDate, -bucket.minDays) }));
  }
  const quantities = labels.map(() => ZERO);
  const values = labels.map(() => ZERO);
  for (const [sku, s] of stock) {
    const aged = ageStock(s.quantity, s.value, windows.map((w) => w.get(sku)?.inboundUnits ?? ZERO), settings.moneyDigits);
    for (let i = 0; i < labels.length; i++) {
      quantities[i] = quantities[i]!.plus(aged.quantities[i]!);
      values[i] = values[i]!.plus(aged.values[i]!);
    }
  }
  return labels.map((l, i) => ({ ...l, quantity: quantities[i]!.toFixed(), value: values[i]!.toFixed(settings.moneyDigits) }));
}

/** Breakdown rows by GMV, highest first (ties by key). */
const byGmv = (a: BreakdownRow, b: BreakdownRow) => new Decimal(b.gmv).cmp(a.gmv) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

/** Field-wise sum of two fact sums. */
function addSums(into: FactSums, from: FactSums): FactSums {
  const out: Record<string, Decimal> = { ...(into as Record<string, Decimal>) };
  for (const [k, v] of Object.entries(from) as [string, Decimal][]) out[k] = (out[k] ?? ZERO).plus(v);
  return out as FactSums;
}

function breakdowns(dimensions: readonly Dimension[], facts: Map<string, Record<string, Decimal>>, stock: Map<string, { quantity: Decimal; value: Decimal }>, settings: ReportSettings, warehouseStock?: Map<string, { readonly quantity: Decimal; readonly value: Decimal }>): Partial<Record<Dimension, BreakdownRow[]>> {
  const out: Partial<Record<Dimension, BreakdownRow[]>> = {};
  for (const dimension of dimensions) {
    if (dimension === "warehouse" && warehouseStock !== undefined) {
      // Every warehouse with sales or stock: its facts and its share of the stock value at the end of the range.
      const keys = new Set<string>([...warehouseStock.keys()]);
      for (const key of facts.keys()) if (key.startsWith("warehouse:")) keys.add(key.slice("warehouse:".length));
      out.warehouse = breakdownRows([...keys].map((key) => ({ key, facts: sums(facts.get(`warehouse:${key}`)), stock: warehouseStock.get(key) ?? { quantity: ZERO, value: ZERO } })), settings.moneyDigits).sort(byGmv);
      continue;
    }
    if (dimension === "channel" || dimension === "warehouse") {
      const entries: { key: string; facts: FactSums }[] = [];
      for (const [key, row] of facts) if (key.startsWith(`${dimension}:`)) entries.push({ key: key.slice(dimension.length + 1), facts: sums(row) });
      out[dimension] = breakdownRows(entries, settings.moneyDigits).sort(byGmv);
      continue;
    }
    const skus = new Set<string>([...stock.keys()]);
    for (const key of facts.keys()) if (key.startsWith("sku:")) skus.add(key.slice(4));
    if (dimension === "sku") {
      out.sku = breakdownRows([...skus].map((sku) => ({ key: sku, facts: sums(facts.get(`sku:${sku}`)), stock: stock.get(sku) ?? { quantity: ZERO, value: ZERO } })), settings.moneyDigits).sort(byGmv);
    } else {
      const groups = new Map<string, { facts: FactSums; quantity: Decimal; value: Decimal }>();
      for (const sku of skus) {
        const category = settings.categories[sku] ?? "uncategorised";
        const g = groups.get(category) ?? { facts: {}, quantity: ZERO, value: ZERO };
        const s = stock.get(sku);
        groups.set(category, { facts: addSums(g.facts, sums(facts.get(`sku:${sku}`))), quantity: g.quantity.plus(s?.quantity ?? ZERO), value: g.value.plus(s?.value ?? ZERO) });
      }
      out.category = breakdownRows([...groups].map(([key, g]) => ({ key, facts: g.facts, stock: { quantity: g.quantity, value: g.value } })), settings.moneyDigits).sort(byGmv);
    }
  }
  return out;
}

/**
 * The breakdown by customer segment: the range's per-customer sums grouped by each
 * customer's segment (CRM's RFM segment at the end of the range; `unsegmented` for a customer
 * CRM does not score), and `guest` for orders without a customer (the shop's figures less
 * every customer's), so the rows add up to the shop's. Reads one sum per customer with
 * activity in the range, never an order.
 */
async function segmentBreakdown(tx: Transaction, range: DateRange, shop: FactSums, segmentOf: ReadonlyMap<string, string>, settings: ReportSettings): Promise<BreakdownRow[]> {
  const perCustomer = await tx.balances.sumByKey(ANALYTICS_STORE.customerFacts, { buckets: { from: range.from, to: range.to } });
  const groups = new Map<string, FactSums>();
  let customers: FactSums = {};
  for (const [customerId, row] of perCustomer) {
    const segment = segmentOf.get(customerId) ?? "unsegmented";
    groups.set(segment, addSums(groups.get(segment) ?? {}, sums(row)));
    customers = addSums(customers, sums(row));
  }
  const guest: Record<string, Decimal> = {};
  for (const field of CUSTOMER_FACT_FIELDS) {
    const rest = ((shop as Record<string, Decimal>)[field] ?? ZERO).minus((customers as Record<string, Decimal>)[field] ?? ZERO);
    if (!rest.isZero()) guest[field] = rest;
  }
  if (Object.keys(guest).length > 0) groups.set("guest", guest as FactSums);
  return breakdownRows([...groups].map(([key, facts]) => ({ key, facts })), settings.moneyDigits).sort(byGmv);
}

/**
 * The KPI report for a query: the catalogue over the range, its series by grain, its
 * comparisons and breakdowns, and inventory ageing at the end. Reads balance sums only.
 *
 * @example
 * ```ts
 * const report = await runtime.read((tx) => kpiReport(tx, sources, { from: "2026-01-01", to: "2026-12-31", grain: "month" }, settings));
 * ```
 */
export async function kpiReport(tx: Transaction, sources: AnalyticsSources, query: KpiQuery, settings: ReportSettings, segmentOf?: ReadonlyMap<string, string>): Promise<KpiReport> {
  const range = { from: query.from, to: query.to };
  const main = await snapshot(tx, sources, range, settings, (query.breakdowns ?? []).length > 0);
  let series: KpiReport["series"];
  if (query.grain !== undefined) {
    const points: SeriesPoint[] = [];
    // Each point carries the stock, the facts to date and the dead-stock window on from the
    // last one. A store that keeps running totals answers a sum over any range at the same
    // cost: there carrying only adds work, and each point is read as it is.
    const carry: SeriesCarry | undefined = tx.balances.runningTotals === true ? undefined : {};
    for (const bucket of splitRange(range, query.grain)) points.push({ label: bucket.label, ...bucket.range, kpis: (await snapshot(tx, sources, bucket.range, settings, false, carry)).kpis });
    series = { grain: query.grain, points };
  }
  const comparisons: ComparisonResult[] = [];
  for (const comparison of query.compare ?? []) {
    const other = comparedRange(range, comparison);
    const kpis = (await snapshot(tx, sources, other, settings)).kpis;
    comparisons.push({ comparison, ...other, kpis, change: change(main.kpis, kpis) });
  }
  const byDimension = breakdowns((query.breakdowns ?? []).filter((d) => d !== "segment"), main.facts, main.stock, settings, (query.breakdowns ?? []).includes("warehouse") && sources.stockByWarehouse !== undefined ? await sources.stockByWarehouse(tx, range.to) : undefined);
  if ((query.breakdowns ?? []).includes("segment")) byDimension.segment = await segmentBreakdown(tx, range, sums(main.facts.get("all")), segmentOf ?? new Map(), settings);
  return {
    ...range,
    currency: settings.currency,
    kpis: main.kpis,
    ...(series === undefined ? {} : { series }),
    comparisons,
    breakdowns: byDimension,
    ageing: await inventoryAgeing(tx, sources, range.to, settings, main.stock),
  };
}
