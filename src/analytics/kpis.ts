import { Decimal } from "../kernel/decimal.js";
import type { FactField, FactSums } from "./facts.js";

/*
 * The KPI catalogue: every KPI's name, unit, what it needs and its definition (the same
 * words as docs/analytics.md), and pure functions from sums to figures.
 */

/**
 * How a KPI's value reads: money (functional currency, minor units), a count, a ratio (0..1,
 * four decimals), days (one decimal) or units (stock quantity).
 *
 * @example
 * ```ts
 * const u: KpiUnit = "ratio";
 * ```
 */
export type KpiUnit = "money" | "count" | "ratio" | "days" | "units";

/**
 * One entry of the catalogue.
 *
 * @example
 * ```ts
 * const d: KpiDefinition = { name: "aov", label: "Average order value", unit: "money", group: "sales", needs: ["OrderPlaced"], definition: "GMV / orders" };
 * ```
 */
export interface KpiDefinition {
  readonly name: KpiName;
  readonly label: string;
  readonly unit: KpiUnit;
  readonly group: "sales" | "stock" | "fulfilment" | "cash" | "customers";
  /** The events or ledgers the KPI is computed from. */
  readonly needs: readonly string[];
  readonly definition: string;
}

const def = (name: KpiName, label: string, unit: KpiUnit, group: KpiDefinition["group"], needs: string[], definition: string): KpiDefinition => ({ name, label, unit, group, needs, definition });

/**
 * Every KPI name of the catalogue.
 *
 * @example
 * ```ts
 * KPI_NAMES.includes("gmroi"); // true
 * ```
 */
export const KPI_NAMES = [
  "gmv",
  "net-revenue",
  "orders",
  "aov",
  "units-per-order",
  "gross-margin",
  "gross-margin-pct",
  "return-rate",
  "refund-rate",
  "discount-rate",
  "stock-value",
  "stock-turn",
  "days-of-inventory",
  "gmroi",
  "sell-through",
  "stock-out-rate",
  "dead-stock-value",
  "dead-stock-skus",
  "fill-rate",
  "on-time-shipment",
  "dso",
  "dpo",
  "cash-conversion-cycle",
  "cash-position",
  "new-customers",
  "returning-customer-orders",
  "returning-share",
  "repeat-rate",
] as const;

/**
 * A KPI's name.
 *
 * @example
 * ```ts
 * const n: KpiName = "fill-rate";
 * ```
 */
export type KpiName = (typeof KPI_NAMES)[number];

/**
 * The catalogue, in display order.
 *
 * @example
 * ```ts
 * KPI_CATALOGUE.find((k) => k.name === "dso")?.definition;
 * ```
 */
export const KPI_CATALOGUE: readonly KpiDefinition[] = Object.freeze([
  def("gmv", "GMV", "money", "sales", ["OrderPlaced", "OrderEdited"], "Σ quantity × unit price less the line's discounts (when the event carries them) of the order lines placed in the range, converted at the order date's rate; an edit restates its order on the order's date; a cancelled order still counts (gross bookings)."),
  def("net-revenue", "Net revenue", "money", "sales", ["finance: sales-revenue, shipping-revenue, sales-returns"], "Sales and shipping revenue minus sales returns booked in the range (the income statement's revenue net of returns)."),
  def("orders", "Orders", "count", "sales", ["OrderPlaced"], "Orders placed in the range, cancelled ones included."),
  def("aov", "Average order value", "money", "sales", ["OrderPlaced", "OrderEdited"], "GMV / orders."),
  def("units-per-order", "Units per order", "ratio", "sales", ["OrderPlaced", "OrderEdited"], "Units ordered / orders."),
  def("gross-margin", "Gross margin", "money", "sales", ["finance: revenue roles, cogs"], "Net revenue − cost of goods sold (the COGS account's net debit in the range; not the income statement's Cost of sales total, which adds price differences, shrinkage and write-offs such as damaged returns)."),
  def("gross-margin-pct", "Gross margin %", "ratio", "sales", ["finance: revenue roles, cogs"], "Gross margin / net revenue."),
  def("return-rate", "Return rate", "ratio", "sales", ["ReturnReceived", "ShipmentDispatched"], "Units returned / units shipped in the range."),
  def("refund-rate", "Refund rate", "ratio", "sales", ["RefundIssued", "OrderInvoiced", "CreditNoteIssued (correction)", "OrderEdited"], "Refunded amount / invoiced gross in the range (functional); an edit's correction credit note takes the invoice it replaces out of the invoiced gross (the re-issued invoice counts instead) and its surplus refund is no refund (the edit lowered the sale)."),
  def("discount-rate", "Discount rate", "ratio", "sales", ["OrderPlaced and OrderEdited lines' listPrice or discount (Sales)"], "(list value − GMV) / list value; a line's list value is quantity × its list price, else quantity × its price before discounts, so a shop whose events carry neither list prices nor discounts reads 0."),
  def("stock-value", "Stock value", "money", "stock", ["finance: inventory"], "The Inventory account's balance at the end of the range (= Σ per-SKU stock value)."),
  def("stock-turn", "Stock turn", "ratio", "stock", ["finance: cogs, inventory"], "COGS / average stock value (mean of the value the day before the range and at its end)."),
  def("days-of-inventory", "Days of inventory", "days", "stock", ["finance: cogs, inventory"], "Average stock value / COGS × days in the range."),
  def("gmroi", "GMROI", "ratio", "stock", ["finance: revenue roles, cogs, inventory"], "Gross margin / average stock value."),
  def("sell-through", "Sell-through", "ratio", "stock", ["ShipmentDispatched", "inventory quantities"], "Units shipped / (units shipped + units on hand at the end)."),
  def("stock-out-rate", "Stock-out rate", "ratio", "stock", ["inventory quantities"], "SKUs with nothing on hand at the end / SKUs that ever had stock."),
  def("dead-stock-value", "Dead stock", "money", "stock", ["ShipmentDispatched", "inventory values"], "Value of SKUs on hand at the end with no unit shipped in the dead-stock window (default 90 days) up to the end."),
  def("dead-stock-skus", "Dead stock SKUs", "count", "stock", ["ShipmentDispatched", "inventory quantities"], "The number of SKUs in dead stock."),
  def("fill-rate", "Fill rate", "ratio", "fulfilment", ["OrderPlaced", "OrderEdited", "ShipmentDispatched"], "Of the units ordered in the range, the share shipped so far (each line capped at what it ordered); a cancelled order's units stay ordered and never ship."),
  def("on-time-shipment", "On-time shipment", "ratio", "fulfilment", ["OrderPlaced", "ShipmentDispatched"], "Shipments dispatched in the range within the on-time window (default 2 days) of their order's date / shipments."),
  def("dso", "DSO", "days", "cash", ["finance: receivables", "OrderInvoiced"], "Receivables at the end / invoiced gross in the range (credit sales: the invoices, an edit's replaced invoice taken out) × days."),
  def("dpo", "DPO", "days", "cash", ["finance: payables"], "Payables at the end / payables credited (billed) in the range × days."),
  def("cash-conversion-cycle", "Cash conversion cycle", "days", "cash", ["finance: inventory, cogs, receivables, payables"], "Days of inventory + DSO − DPO."),
  def("cash-position", "Cash position", "money", "cash", ["finance: bank, psp-clearing, cash accounts"], "Bank, payment-provider clearing and cash accounts at the end of the range."),
  def("new-customers", "New customers", "count", "customers", ["OrderPlaced with customerId", "CustomerMerged", "CustomerUnmerged"], "Customers whose first order (by order date) was placed in the range; customers CRM merged into one another are one customer, new on the date of their earliest order."),
  def("returning-customer-orders", "Orders from returning customers", "count", "customers", ["OrderPlaced with customerId", "CustomerMerged", "CustomerUnmerged"], "Orders in the range from customers who had ordered before (every order of a known customer but its first; merged customers as one, so a merged customer's later first order is returning)."),
  def("returning-share", "Returning share", "ratio", "customers", ["OrderPlaced with customerId", "CustomerMerged", "CustomerUnmerged"], "Orders from returning customers / orders from known customers."),
  def("repeat-rate", "Repeat rate", "ratio", "customers", ["OrderPlaced with customerId", "CustomerMerged", "CustomerUnmerged"], "Customers with two or more orders / customers with one or more, as of the end of the range (a customer counts as repeat from the date of its second order; merged customers as one)."),
]);

/**
 * Everything the catalogue is computed from, for one range.
 *
 * @example
 * ```ts
 * const inputs: KpiInputs = { days: 31, facts: {}, factsToDate: {}, ledger: emptyLedger, stock: emptyStock };
 * ```
 */
export interface KpiInputs {
  readonly days: number;
  /** Facts of the whole shop (`all`) over the range. */
  readonly facts: FactSums;
  /** Facts of the whole shop from the beginning to the end of the range. */
  readonly factsToDate: FactSums;
  readonly ledger: LedgerFigures;
  readonly stock: StockFigures;
}

/**
 * Figures read from the books (functional currency; turnover in the range, balances at
 * its ends).
 *
 * @example
 * ```ts
 * const l: LedgerFigures = { revenue: d, returns: d, cogs: d, inventoryOpening: d, inventoryClosing: d, receivables: d, receivablesDebits: d, payables: d, payablesCredits: d, cash: d };
 * ```
 */
export interface LedgerFigures {
  /** Sales and shipping revenue (net credit). */
  readonly revenue: Decimal;
  /** Sales returns (net debit). */
  readonly returns: Decimal;
  /** Cost of goods sold (net debit). */
  readonly cogs: Decimal;
  /** Inventory the day before the range. */
  readonly inventoryOpening: Decimal;
  /** Inventory at the end of the range. */
  readonly inventoryClosing: Decimal;
  readonly receivables: Decimal;
  readonly receivablesDebits: Decimal;
  /** Payables (credit balance). */
  readonly payables: Decimal;
  readonly payablesCredits: Decimal;
  readonly cash: Decimal;
}

/**
 * Figures read from the stock ledger at the end of the range.
 *
 * @example
 * ```ts
 * const s: StockFigures = { skus: 10, outOfStock: 1, onHandUnits: new Decimal(120), deadValue: new Decimal(0), deadSkus: 0 };
 * ```
 */
export interface StockFigures {
  readonly skus: number;
  readonly outOfStock: number;
  readonly onHandUnits: Decimal;
  readonly deadValue: Decimal;
  readonly deadSkus: number;
}

/**
 * A KPI's figure as a decimal string (money rounded to the currency's minor unit, ratios to
 * four decimals, days to one), or null when it is undefined (a ratio over zero).
 *
 * @example
 * ```ts
 * const v: KpiValues = { gmv: "1200.00", "fill-rate": "0.9750", dso: null };
 * ```
 */
export type KpiValues = Partial<Record<KpiName, string | null>>;

const ZERO = new Decimal(0);
const f = (sums: FactSums, field: FactField): Decimal => sums[field] ?? ZERO;

/**
 * Rounds a figure by its unit: money to the minor unit, ratios to four decimals, days to
 * one (half to even); null stays null.
 *
 * @example
 * ```ts
 * formatKpi(new Decimal("0.12345"), "ratio", 2); // "0.1234"
 * ```
 */
export function formatKpi(value: Decimal | null, unit: KpiUnit, moneyDigits: number): string | null {
  if (value === null) return null;
  switch (unit) {
    case "money":
      return value.toFixed(moneyDigits, Decimal.ROUND_HALF_EVEN);
    case "ratio":
      return value.toFixed(4, Decimal.ROUND_HALF_EVEN);
    case "days":
      return value.toFixed(1, Decimal.ROUND_HALF_EVEN);
    default:
      return value.toFixed();
  }
}

/**
 * a / b, or null when b is zero.
 *
 * @example
 * ```ts
 * ratio(new Decimal(1), new Decimal(0)); // null
 * ```
 */
export function ratio(a: Decimal, b: Decimal): Decimal | null {
  return b.isZero() ? null : a.div(b);
}

const UNIT_OF = new Map(KPI_CATALOGUE.map((k) => [k.name, k.unit]));

/**
 * Computes the whole catalogue from its inputs (a pure function).
 *
 * @example
 * ```ts
 * computeKpis(inputs, 2).gmv; // "1200.00"
 * ```
 */
export function computeKpis(inputs: KpiInputs, moneyDigits: number): KpiValues {
  const { facts, ledger, stock, days } = inputs;
  const gmv = f(facts, "gmv");
  const orders = f(facts, "orders");
  const netRevenue = ledger.revenue.minus(ledger.returns);
  const margin = netRevenue.minus(ledger.cogs);
  const averageStock = ledger.inventoryOpening.plus(ledger.inventoryClosing).div(2);
  const listValue = f(facts, "listValue");
  const doi = ledger.cogs.isZero() ? null : averageStock.div(ledger.cogs).times(days);
  // Credit sales: the range's invoices (an edit's replaced invoice taken out), not every debit to
  // Receivables — a refund settling a credit note debits it too and made DSO read short.
  const dso = ratio(ledger.receivables, f(facts, "invoicedGross"))?.times(days) ?? null;
  const dpo = ratio(ledger.payables, ledger.payablesCredits)?.times(days) ?? null;
  const shipped = f(facts, "shippedUnits");
  const known = f(facts, "ordersNew").plus(f(facts, "ordersReturning"));
  const raw: Record<KpiName, Decimal | null> = {
    gmv,
    "net-revenue": netRevenue,
    orders,
    aov: ratio(gmv, orders),
    "units-per-order": ratio(f(facts, "units"), orders),
    "gross-margin": margin,
    "gross-margin-pct": ratio(margin, netRevenue),
    "return-rate": ratio(f(facts, "returnedUnits"), shipped),
    "refund-rate": ratio(f(facts, "refunds"), f(facts, "invoicedGross")),
    "discount-rate": ratio(listValue.minus(gmv), listValue),
    "stock-value": ledger.inventoryClosing,
    "stock-turn": ratio(ledger.cogs, averageStock),
    "days-of-inventory": doi,
    gmroi: ratio(margin, averageStock),
    "sell-through": ratio(shipped, shipped.plus(stock.onHandUnits)),
    "stock-out-rate": stock.skus === 0 ? null : new Decimal(stock.outOfStock).div(stock.skus),
    "dead-stock-value": stock.deadValue,
    "dead-stock-skus": new Decimal(stock.deadSkus),
    "fill-rate": ratio(f(facts, "filledUnits"), f(facts, "units")),
    "on-time-shipment": ratio(f(facts, "onTimeShipments"), f(facts, "shipments")),
    dso,
    dpo,
    "cash-conversion-cycle": doi === null || dso === null || dpo === null ? null : doi.plus(dso).minus(dpo),
    "cash-position": ledger.cash,
    "new-customers": f(facts, "newCustomers"),
    "returning-customer-orders": f(facts, "ordersReturning"),
    "returning-share": ratio(f(facts, "ordersReturning"), known),
    "repeat-rate": ratio(f(inputs.factsToDate, "repeatCustomers"), f(inputs.factsToDate, "newCustomers")),
  };
  const out: KpiValues = {};
  for (const name of KPI_NAMES) out[name] = formatKpi(raw[name], UNIT_OF.get(name)!, moneyDigits);
  return out;
}

/**
 * One row of a breakdown (by SKU, category, warehouse or channel): the KPIs that the
 * projection can split. SKU and category rows also carry stock at the end of the range.
 *
 * @example
 * ```ts
 * const row: BreakdownRow = { key: "MUG", gmv: "120.00", orders: "4", units: "6", shippedUnits: "6", shippedValue: "120.00", cogs: "48.00", grossMargin: "72.00", returnRate: "0.0000", fillRate: "1.0000", stockUnits: "10", stockValue: "80.00", sellThrough: "0.3750" };
 * ```
 */
export interface BreakdownRow {
  readonly key: string;
  readonly gmv: string;
  readonly orders: string;
  readonly units: string;
  readonly shippedUnits: string;
  /** Shipped units at their order line's price (revenue at order price, before returns). */
  readonly shippedValue: string;
  readonly cogs: string;
  /** shippedValue − cogs. */
  readonly grossMargin: string;
  readonly returnRate: string | null;
  readonly fillRate: string | null;
  readonly stockUnits?: string;
  readonly stockValue?: string;
  readonly sellThrough?: string | null;
}

/**
 * The rows of one breakdown, their money columns adding up to the shop's: each row's GMV,
 * shipped value and COGS is rounded to the minor unit so that the rows sum to the rounded sum
 * of their exact values (largest remainder: every row rounded down, the units left over to
 * the largest fractions, ties to the first row), and its gross margin is its shipped value
 * less its COGS. Rounding each row on its own could leave the rows a cent off the total when
 * amounts were converted from another currency.
 *
 * @example
 * ```ts
 * breakdownRows([{ key: "MUG", facts: mugSums }, { key: "TEE", facts: teeSums }], 2);
 * ```
 */
export function breakdownRows(entries: readonly { readonly key: string; readonly facts: FactSums; readonly stock?: { quantity: Decimal; value: Decimal } }[], moneyDigits: number): BreakdownRow[] {
  const rows = entries.map((e) => breakdownRow(e.key, e.facts, moneyDigits, e.stock));
  if (rows.length < 2) return rows;
  const gmv = addingUp(entries.map((e) => f(e.facts, "gmv")), moneyDigits);
  const shippedValue = addingUp(entries.map((e) => f(e.facts, "shippedValue")), moneyDigits);
  const cogs = addingUp(entries.map((e) => f(e.facts, "cogs")), moneyDigits);
  return rows.map((row, i) => ({ ...row, gmv: gmv[i]!, shippedValue: shippedValue[i]!, cogs: cogs[i]!, grossMargin: new Decimal(shippedValue[i]!).minus(cogs[i]!).toFixed(moneyDigits) }));
}

/** Values rounded to `digits` decimals so that they add up to their rounded (half-even) sum: largest remainder. */
function addingUp(values: readonly Decimal[], digits: number): string[] {
  const scale = new Decimal(10).pow(digits);
  const scaled = values.map((v) => v.times(scale));
  const floors = scaled.map((v) => v.floor());
  const total = scaled.reduce((a, b) => a.plus(b), new Decimal(0)).toDecimalPlaces(0, Decimal.ROUND_HALF_EVEN);
  let leftover = total.minus(floors.reduce((a, b) => a.plus(b), new Decimal(0))).toNumber();
  const order = scaled.map((v, i) => ({ i, fraction: v.minus(floors[i]!) })).sort((a, b) => b.fraction.comparedTo(a.fraction) || a.i - b.i);
  for (let k = 0; leftover > 0 && k < order.length; k++, leftover--) floors[order[k]!.i] = floors[order[k]!.i]!.plus(1);
  return floors.map((units) => units.dividedBy(scale).toFixed(digits));
}

/**
 * A breakdown row from a dimension's facts (and its stock, for SKUs and categories).
 *
 * @example
 * ```ts
 * breakdownRow("MUG", sums, 2, { quantity: new Decimal(10), value: new Decimal(80) });
 * ```
 */
export function breakdownRow(key: string, facts: FactSums, moneyDigits: number, stock?: { quantity: Decimal; value: Decimal }): BreakdownRow {
  const shippedValue = f(facts, "shippedValue");
  const cogs = f(facts, "cogs");
  const shipped = f(facts, "shippedUnits");
  const r = (x: Decimal | null) => formatKpi(x, "ratio", moneyDigits);
  const m = (x: Decimal) => x.toFixed(moneyDigits, Decimal.ROUND_HALF_EVEN);
  return {
    key,
    gmv: m(f(facts, "gmv")),
    orders: f(facts, "orders").toFixed(),
    units: f(facts, "units").toFixed(),
    shippedUnits: shipped.toFixed(),
    shippedValue: m(shippedValue),
    cogs: m(cogs),
    grossMargin: m(shippedValue.minus(cogs)),
    returnRate: r(ratio(f(facts, "returnedUnits"), shipped)),
    fillRate: r(ratio(f(facts, "filledUnits"), f(facts, "units"))),
    ...(stock === undefined ? {} : { stockUnits: stock.quantity.toFixed(), stockValue: m(stock.value), sellThrough: r(ratio(shipped, shipped.plus(stock.quantity))) }),
  };
}
