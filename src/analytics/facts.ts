import { Decimal } from "../kernel/decimal.js";
import type { CurrencyCode } from "../kernel/currencies.js";
import { type LocalDate, daysBetween } from "../kernel/local-date.js";
import type { BalanceDelta, JsonObject, OutboxEvent, Transaction } from "../ports/storage.js";
import type { RateProvider } from "../ports/rates.js";

/*
 * The analytics projection: daily sums ("facts") per dimension, kept by an after-commit
 * consumer of the outbox. One balance family, bucket = business day, key = a dimension:
 * `all`, `sku:<sku>`, `channel:<channel>`, `warehouse:<warehouseId>`. A KPI over a year is
 * one SUM per key over 365 buckets in the store, never a read of every order.
 *
 * Two small collections hold what a later event needs from an earlier one: the order
 * (placed date, channel, customer, line prices, units still to ship) and the customer (its
 * orders and the two earliest, for new vs returning and repeat rate, and whom CRM merged it
 * with: customers merged into one another count as one).
 */

/**
 * The collection and family names of the analytics module.
 *
 * @example
 * ```ts
 * ANALYTICS_STORE.facts; // "analytics.facts"
 * ```
 */
export const ANALYTICS_STORE = Object.freeze({
  facts: "analytics.facts",
  orders: "analytics.orders",
  customers: "analytics.customers",
  checkpoints: "analytics.checkpoints",
  ruleRuns: "analytics.rule-runs",
  customerFacts: "analytics.customer-facts",
  shipments: "analytics.shipments",
  returns: "analytics.returns",
});

/**
 * The fields of the per-customer facts family (`analytics.customer-facts`, key = the
 * customer id on the order, bucket = day): what a breakdown by customer segment sums. The
 * meanings are those of {@link FACT_FIELDS}; `cogs` here is the cost of the customer's
 * shipments less their restocked returns.
 *
 * @example
 * ```ts
 * CUSTOMER_FACT_FIELDS.includes("shippedValue"); // true
 * ```
 */
export const CUSTOMER_FACT_FIELDS = ["gmv", "listValue", "orders", "units", "filledUnits", "shippedUnits", "shippedValue", "returnedUnits", "refunds", "refundCount", "cogs"] as const;

/**
 * Every field of the facts family; money fields are in the functional currency.
 *
 * - `gmv`: Σ quantity × unit price less the line's discounts of placed order lines (at the
 *   order date's rate); `listValue`: the same at list price (lines without a list price count
 *   at their price).
 * - `orders`, `units`: placed orders and ordered units.
 *
 *   An order edit (`OrderEdited`) restates the order's `gmv`, `listValue` and `units` on the
 *   order's own date (the day it was placed), at that day's rate, by each line's difference:
 *   a day's figures are those of the orders placed that day as they stand now, so GMV, units,
 *   AOV, units per order, the discount rate and fill rate keep describing the same orders
 *   (the orders count never changes; an order's count per SKU follows the SKUs it holds).
 *   A report of a past range therefore changes after an edit, as fill rate does after a
 *   shipment; the edit's money on its own day is its invoice, credit note and refund.
 * - `filledUnits`: units shipped of the orders placed that day (dated at the order's day,
 *   capped at what each line ordered) — the numerator of fill rate.
 * - `shipments`, `onTimeShipments`, `shippedUnits`, `shippedValue` (shipped units at their
 *   order line's price), dated at dispatch.
 * - `returnedUnits` (ReturnReceived), `refunds` and `refundCount` (RefundIssued,
 *   functional; an edit's surplus refund is not one: the edit lowered the sale instead),
 *   `invoicedGross` and `invoices` (OrderInvoiced, functional gross; an edit's correction
 *   credit note takes the invoice it replaces out of `invoicedGross` on its day, the
 *   re-issued invoice counting instead; `invoices` counts every invoice issued).
 * - `cogs`: stock issued for sales at cost, minus restocked customer returns, plus
 *   revaluations posted to COGS (per SKU; the shop-wide figure reads the COGS account).
 * - `receivedUnits`: units received from suppliers or as opening stock.
 * - `inboundUnits`: every unit that came into stock as a layer of its own day, as the stock
 *   ledger's ageing counts them: receipts, opening stock, customer returns put back, count
 *   gains and other positive adjustments (for ageing).
 * - `newCustomers` and `ordersNew` on the date of a customer's earliest order,
 *   `repeatCustomers` on the date of its second, `ordersReturning` (every other order of a
 *   known customer), `ordersGuest`. Customers CRM merged (`CustomerMerged`, chains followed)
 *   count as one customer until split again (`CustomerUnmerged`): a merge or unmerge restates
 *   the days of the orders concerned, and an order under a merged id counts for the customer
 *   the id resolves to (and stays with it after an unmerge, as in CRM).
 * - `unconverted`: orders whose currency had no rate on their date (their GMV is left out).
 *
 * @example
 * ```ts
 * FACT_FIELDS.includes("gmv"); // true
 * ```
 */
export const FACT_FIELDS = [
  "gmv",
  "listValue",
  "orders",
  "units",
  "filledUnits",
  "shipments",
  "onTimeShipments",
  "shippedUnits",
  "shippedValue",
  "returnedUnits",
  "refunds",
  "refundCount",
  "invoicedGross",
  "invoices",
  "cogs",
  "receivedUnits",
  "inboundUnits",
  "newCustomers",
  "repeatCustomers",
  "ordersNew",
  "ordersReturning",
  "ordersGuest",
  "unconverted",
] as const;

/**
 * One field of the facts family.
 *
 * @example
 * ```ts
 * const f: FactField = "gmv";
 * ```
 */
export type FactField = (typeof FACT_FIELDS)[number];

/**
 * Sums of facts for one dimension over a range (missing fields are zero).
 *
 * @example
 * ```ts
 * const sums: FactSums = { gmv: new Decimal("120.50"), orders: new Decimal(3) };
 * ```
 */
export type FactSums = Partial<Record<FactField, Decimal>>;

/** The order as analytics remembers it. */
export interface AnalyticsOrderDoc extends JsonObject {
  readonly orderId: string;
  readonly placedOn: string;
  readonly channel: string;
  readonly warehouseId: string;
  readonly customerId: string | null;
  /**
   * Functional price per unit of each line, and units not yet counted as filled; `value` and
   * `list` are the line's GMV and list value as counted (absent on lines projected before
   * order edits were read).
   */
  readonly lines: readonly { readonly lineId: string; readonly sku: string; readonly ordered: string; readonly open: string; readonly unitPrice: string; readonly value?: string; readonly list?: string }[];
  /** The order version the figures are at (absent: 1, as placed); an `OrderEdited` at or below it is not applied again. */
  readonly version?: number;
  /** Refunds of an edit's surplus (`OrderEdited.refundId`): not counted as refunds. */
  readonly editRefunds?: readonly string[];
  /** The rate the order's money was converted at (its placement date's), `null` when there was none; absent on orders projected before edits were. */
  readonly rate?: string | null;
}

/** An order as it counts in its customer's new / returning / repeat figures: its day and the dimension keys of its counts. */
interface CountedOrder extends JsonObject {
  readonly on: string;
  readonly keys: readonly string[];
}

/** A customer's orders (or a customer's with those of the customers merged into it): how many, and the two earliest (by day; on a tie, the one counted first). */
interface CustomerSpan extends JsonObject {
  readonly orders: number;
  readonly first?: CountedOrder;
  readonly second?: CountedOrder;
}

/**
 * A customer as analytics remembers it (id = the customer id on the orders). `orders`,
 * `first` and `second` are the orders counted for this id itself: placed under it, or under
 * an id merged into it (directly or down a chain) while merged. `mergedInto`: the customer
 * it is merged into (`CustomerMerged`, until `CustomerUnmerged`); `merged`: the customers
 * merged into it, and `group` its orders with theirs (absent: no one is merged into it). A
 * customer projected before merges were read has `firstOrderOn` only.
 */
interface CustomerDoc extends JsonObject {
  readonly orders: number;
  readonly firstOrderOn?: string;
  readonly first?: CountedOrder;
  readonly second?: CountedOrder;
  readonly mergedInto?: string;
  readonly merged?: readonly string[];
  readonly group?: CustomerSpan;
  /** The merge and unmerge events (ids) applied with this customer as their source: read again, they change nothing. */
  readonly links?: readonly string[];
}

/** Options of the projection. */
export interface FactOptions {
  readonly functionalCurrency: CurrencyCode;
  readonly rates: RateProvider;
  /** A shipment dispatched within this many days of the order's date is on time. */
  readonly onTimeDays: number;
}

const ONE = new Decimal(1);

/** Collects deltas per (key, bucket). */
class DeltaSet {
  private readonly cells = new Map<string, { key: string; bucket: string; amounts: Map<string, Decimal> }>();

  add(keys: readonly string[], bucket: string, amounts: FactSums): void {
    for (const key of keys) {
      const id = `${key}\u0001${bucket}`;
      let cell = this.cells.get(id);
      if (!cell) this.cells.set(id, (cell = { key, bucket, amounts: new Map() }));
      for (const [field, value] of Object.entries(amounts) as [string, Decimal][]) {
        if (value.isZero()) continue;
        cell.amounts.set(field, (cell.amounts.get(field) ?? new Decimal(0)).plus(value));
      }
    }
  }

  deltas(): BalanceDelta[] {
    const out: BalanceDelta[] = [];
    for (const c of this.cells.values()) {
      // A restatement may take back what it adds in the same cell (a first order's returning count): nothing to write.
      const amounts = [...c.amounts].filter(([, v]) => !v.isZero());
      if (amounts.length > 0) out.push({ key: c.key, bucket: c.bucket, amounts: Object.fromEntries(amounts) });
    }
    return out;
  }
}

type Money = { amount: string; currency: string };
const str = (p: Record<string, unknown>, k: string): string | undefined => (typeof p[k] === "string" ? (p[k] as string) : undefined);
const money = (v: unknown): Money | undefined =>
  v !== null && typeof v === "object" && typeof (v as Money).amount === "string" && typeof (v as Money).currency === "string" ? (v as Money) : undefined;
const dec = (v: unknown): Decimal => new Decimal(typeof v === "number" || typeof v === "string" ? v : 0);

/**
 * The warehouse and channel row of COGS from revaluations of sold stock (no shipment named):
 * not an id (ids start with a letter or digit), so no real warehouse or channel takes it.
 */
export const REVALUATIONS = "(revaluations)";

/** `keys` and the channel of `order` when it is known (COGS of a shipment or a return). */
function withChannel(keys: string[], order: { channel: string } | undefined): string[] {
  return order === undefined ? keys : [...keys, `channel:${order.channel}`];
}

/** The dimension keys an order's facts go to. */
function orderKeys(order: { channel: string; warehouseId: string }): string[] {
  return ["all", `channel:${order.channel}`, `warehouse:${order.warehouseId}`];
}

/**
 * Applies one committed event to the projection inside `tx` and says whether it changed
 * anything. Events analytics does not read are ignored.
 *
 * @example
 * ```ts
 * await runtime.read((tx) => applyFactEvent(tx, event, { functionalCurrency: "EUR", rates, onTimeDays: 2 }));
 * ```
 */
export async function applyFactEvent(tx: Transaction, event: OutboxEvent, options: FactOptions): Promise<boolean> {
  const set = new DeltaSet();
  // Per-customer facts (key = the order's customer id), for the breakdown by segment.
  const customers = new DeltaSet();
  const p = event.payload as Record<string, unknown>;
  const day = event.effectiveDate;
  let linked = false;
  const forCustomer = (order: AnalyticsOrderDoc | undefined, bucket: string, amounts: FactSums): void => {
    if (order?.customerId) customers.add([order.customerId], bucket, amounts);
  };
  switch (event.type) {
    case "OrderPlaced":
      await orderPlaced(tx, p, day, set, customers, options);
      break;
    case "OrderEdited":
      await orderEdited(tx, p, set, customers, options);
      break;
    case "ShipmentDispatched":
      await shipmentDispatched(tx, p, day, set, customers, options);
      break;
    case "ReturnReceived": {
      const order = await orderOf(tx, p);
      const keysBase = order ? orderKeys(order) : ["all", `warehouse:${str(p, "warehouseId") ?? ""}`];
      for (const line of (p["lines"] as { sku: string; quantity: string }[]) ?? []) {
        set.add([...keysBase, `sku:${line.sku}`], day, { returnedUnits: dec(line.quantity) });
        forCustomer(order, day, { returnedUnits: dec(line.quantity) });
      }
      // Which order a return belongs to, for the cost of its restocked units.
      const returnId = str(p, "returnId");
      if (order && returnId !== undefined && !(await tx.documents.get(ANALYTICS_STORE.returns, returnId))) await tx.documents.put(ANALYTICS_STORE.returns, returnId, { orderId: order.orderId }, 0);
      break;
    }
    case "RefundIssued": {
      const order = await orderOf(tx, p);
      // An edit's surplus refund lowers the sale (the edit restated it), it pays back no goods: not a refund here.
      if (order?.editRefunds?.includes(str(p, "refundId") ?? "") === true) break;
      const amount = money(p["functionalAmount"]);
      set.add(order ? orderKeys(order) : ["all"], day, { refunds: dec(amount?.amount), refundCount: ONE });
      forCustomer(order, day, { refunds: dec(amount?.amount), refundCount: ONE });
      break;
    }
    case "OrderInvoiced": {
      const order = await orderOf(tx, p);
      const functional = p["functional"] as { gross?: Money } | undefined;
      set.add(order ? orderKeys(order) : ["all"], day, { invoicedGross: dec(functional?.gross?.amount), invoices: ONE });
      break;
    }
    case "CreditNoteIssued": {
      // A correction credit note (an edit) withdraws the invoice it replaces: the re-issued invoice counts instead.
      if (p["reason"] !== "correction") break;
      const order = await orderOf(tx, p);
      const functional = p["functional"] as { gross?: Money } | undefined;
      set.add(order ? orderKeys(order) : ["all"], day, { invoicedGross: dec(functional?.gross?.amount).negated() });
      break;
    }
    case "StockIssued": {
      if (p["counterAccountRole"] !== "cogs") break;
      const value = dec((money(p["cost"]) ?? money(p["value"]))?.amount);
      // At the SKU, the warehouse it left and the channel of the order it shipped for.
      const order = await orderOfSource(tx, p, "shipment", ANALYTICS_STORE.shipments);
      set.add(withChannel(["all", `sku:${str(p, "sku")}`, `warehouse:${str(p, "warehouseId")}`], order), day, { cogs: value });
      forCustomer(order, day, { cogs: value });
      break;
    }
    case "StockReceived": {
      const source = (p["source"] as { type?: string } | undefined)?.type;
      const sku = str(p, "sku");
      const keys = ["all", `sku:${sku}`, `warehouse:${str(p, "warehouseId")}`];
      set.add(keys, day, { inboundUnits: dec(p["quantity"]) });
      if (source === "customer-return" && p["counterAccountRole"] === "cogs") {
        // What the return took off COGS: the counter-account's amount (counterValue when the
        // stock came back at another value — a standard cost —, the difference a variance).
        const restocked = dec((money(p["counterValue"]) ?? money(p["value"]) ?? money(p["cost"]))?.amount).negated();
        const order = await orderOfSource(tx, p, "customer-return", ANALYTICS_STORE.returns);
        set.add(withChannel(keys, order), day, { cogs: restocked });
        forCustomer(order, day, { cogs: restocked });
      } else if (source === "receipt" || source === "opening") {
        set.add(keys, day, { receivedUnits: dec(p["quantity"]) });
      }
      break;
    }
    case "StockAdjusted": {
      // A count gain or another positive adjustment is an inbound layer of its day (the stock ledger's ageing counts it so).
      const quantity = dec(p["quantity"]);
      if (quantity.gt(0)) set.add(["all", `sku:${str(p, "sku")}`, `warehouse:${str(p, "warehouseId")}`], day, { inboundUnits: quantity });
      break;
    }
    case "StockRevalued": {
      for (const posting of (p["postings"] as { role: string; amount: Money; date?: string }[]) ?? []) {
        if (posting.role !== "cogs") continue;
        // Sold stock revalued (a later price difference, a landed cost, a back-dated movement) names
        // no shipment: its COGS counts in the row `revaluations` of the warehouse and channel
        // breakdowns, so their rows still add up to the shop's.
        set.add(["all", `sku:${str(p, "sku")}`, `warehouse:${REVALUATIONS}`, `channel:${REVALUATIONS}`], posting.date ?? day, { cogs: dec(posting.amount.amount) });
      }
      break;
    }
    case "CustomerMerged":
      linked = await customerMerged(tx, event, set);
      break;
    case "CustomerUnmerged":
      linked = await customerUnmerged(tx, event, set);
      break;
    default:
      return false;
  }
  const deltas = set.deltas();
  if (deltas.length > 0) await tx.balances.add(ANALYTICS_STORE.facts, deltas);
  const perCustomer = customers.deltas();
  if (perCustomer.length > 0) await tx.balances.add(ANALYTICS_STORE.customerFacts, perCustomer);
  return deltas.length > 0 || perCustomer.length > 0 || linked;
}

/*
 * Customers, merges and unmerges. The facts hold, for every customer analytics counts as one
 * (a customer and those merged into it), `newCustomers` and `ordersNew` on the day of its
 * earliest order and `repeatCustomers` on the day of its second, at the dimension keys those
 * orders counted at; every other order of a known customer is `ordersReturning` on its own
 * day. A new order, a merge or an unmerge takes back the counts of the customers it changes
 * (`countSpan(…, -1)`) and counts them as they are after it (`countSpan(…, 1)`): the per-day
 * sums stay those of the customers as they stand, whatever order the events came in.
 */

const NO_ORDERS: CustomerSpan = { orders: 0 };

/** The span of `orders` orders whose earliest are among `counted` (the first two by day; the earlier listed wins a tie). */
function spanOf(orders: number, counted: readonly (CountedOrder | undefined)[]): CustomerSpan {
  const [first, second] = counted.filter((c): c is CountedOrder => c !== undefined).sort((a, b) => (a.on < b.on ? -1 : a.on > b.on ? 1 : 0));
  return { orders, ...(first === undefined ? {} : { first }), ...(second === undefined ? {} : { second }) };
}

/** Spans together (a customer and those merged into it). */
function combine(...spans: readonly CustomerSpan[]): CustomerSpan {
  return spanOf(
    spans.reduce((n, s) => n + s.orders, 0),
    spans.flatMap((s) => [s.first, s.second]),
  );
}

/**
 * The orders counted for a customer's id itself. A customer projected before merges were
 * read kept its first order's day only (not its keys, nor its second order): those count at
 * `all` on that day, and `rebuildFacts` restates them exactly.
 */
function ownSpan(doc: CustomerDoc | undefined): CustomerSpan {
  if (doc === undefined || doc.orders === 0) return NO_ORDERS;
  const older = doc.firstOrderOn === undefined ? undefined : { on: doc.firstOrderOn, keys: ["all"] };
  return spanOf(doc.orders, [doc.first ?? older, doc.second ?? (doc.orders >= 2 ? older : undefined)]);
}

/** A customer's orders with those of the customers merged into it. */
function groupSpan(doc: CustomerDoc | undefined): CustomerSpan {
  return doc?.group ?? ownSpan(doc);
}

/** Adds (`sign` 1) or takes back (-1) what one customer's span counts: new on its first order's day, repeat on its second's. */
function countSpan(set: DeltaSet, span: CustomerSpan, sign: 1 | -1): void {
  const one = sign === 1 ? ONE : ONE.negated();
  if (span.first !== undefined) set.add(span.first.keys, span.first.on, { newCustomers: one, ordersNew: one, ordersReturning: one.negated() });
  if (span.second !== undefined) set.add(span.second.keys, span.second.on, { repeatCustomers: one });
}

/** The customer an id counts under now: itself, or the customer it was merged into (merges chain). */
async function countedUnder(tx: Transaction, customerId: string): Promise<{ id: string; stored: { data: CustomerDoc; version: number } | undefined }> {
  let id = customerId;
  let stored = await tx.documents.get<CustomerDoc>(ANALYTICS_STORE.customers, id);
  for (let hop = 0; hop < 100 && stored?.data.mergedInto !== undefined; hop++) {
    id = stored.data.mergedInto;
    stored = await tx.documents.get<CustomerDoc>(ANALYTICS_STORE.customers, id);
  }
  return { id, stored };
}

/** The customer document with its own orders and group as given (fields left out when empty). */
function withSpans(doc: CustomerDoc, own: CustomerSpan, group: CustomerSpan | undefined): CustomerDoc {
  const { first: _f, second: _s, group: _g, firstOrderOn: _o, ...rest } = doc;
  return {
    ...rest,
    orders: own.orders,
    ...(own.first === undefined ? {} : { firstOrderOn: own.first.on, first: own.first }),
    ...(own.second === undefined ? {} : { second: own.second }),
    ...(group === undefined ? {} : { group }),
  };
}

/**
 * An order of a known customer: it counts for the customer its id counts under now (an id
 * merged into another counts for that one, and the order stays with it when they are split
 * again, as CRM keeps it), whose new and repeat counts are restated when the order is its
 * earliest or second-earliest.
 */
async function countCustomerOrder(tx: Transaction, customerId: string, order: CountedOrder, set: DeltaSet): Promise<void> {
  const { id, stored } = await countedUnder(tx, customerId);
  const doc = stored?.data;
  const one = spanOf(1, [order]);
  const own = combine(ownSpan(doc), one);
  const group = doc?.group === undefined ? undefined : combine(doc.group, one);
  countSpan(set, groupSpan(doc), -1);
  countSpan(set, group ?? own, 1);
  await tx.documents.put(ANALYTICS_STORE.customers, id, withSpans(doc ?? { orders: 0 }, own, group), stored?.version ?? 0);
}

/**
 * `CustomerMerged`: the source (with whoever was merged into it) counts as one customer with
 * the target from now on. Both are customers of their own (CRM merges the customers ids
 * resolve to); an event read again, or one that names a customer already merged, changes
 * nothing.
 */
async function customerMerged(tx: Transaction, event: OutboxEvent, set: DeltaSet): Promise<boolean> {
  const p = event.payload as Record<string, unknown>;
  const sourceId = str(p, "sourceId");
  const targetId = str(p, "targetId");
  if (sourceId === undefined || targetId === undefined || sourceId === targetId) return false;
  const source = await tx.documents.get<CustomerDoc>(ANALYTICS_STORE.customers, sourceId);
  const target = await tx.documents.get<CustomerDoc>(ANALYTICS_STORE.customers, targetId);
  if (source?.data.links?.includes(event.id) === true) return false;
  if (source?.data.mergedInto !== undefined || target?.data.mergedInto !== undefined) return false;
  const s = groupSpan(source?.data);
  const t = groupSpan(target?.data);
  const group = combine(t, s);
  countSpan(set, t, -1);
  countSpan(set, s, -1);
  countSpan(set, group, 1);
  const targetDoc = target?.data ?? { orders: 0 };
  await tx.documents.put(ANALYTICS_STORE.customers, targetId, { ...withSpans(targetDoc, ownSpan(targetDoc), group), merged: [...(targetDoc.merged ?? []), sourceId] }, target?.version ?? 0);
  const sourceDoc = source?.data ?? { orders: 0 };
  await tx.documents.put(ANALYTICS_STORE.customers, sourceId, { ...sourceDoc, mergedInto: targetId, links: [...(sourceDoc.links ?? []), event.id] }, source?.version ?? 0);
  return true;
}

/**
 * `CustomerUnmerged`: the source (with whoever was merged into it before) is a customer of
 * its own again, with the orders counted for it before the merge; the target keeps its own
 * (those placed under the source's id while merged included) and the other customers merged
 * into it. Only a source merged into that target is split, once.
 */
async function customerUnmerged(tx: Transaction, event: OutboxEvent, set: DeltaSet): Promise<boolean> {
  const p = event.payload as Record<string, unknown>;
  const sourceId = str(p, "sourceId");
  const targetId = str(p, "targetId");
  if (sourceId === undefined || targetId === undefined) return false;
  const source = await tx.documents.get<CustomerDoc>(ANALYTICS_STORE.customers, sourceId);
  const target = await tx.documents.get<CustomerDoc>(ANALYTICS_STORE.customers, targetId);
  if (source === undefined || target === undefined || source.data.mergedInto !== targetId || target.data.mergedInto !== undefined) return false;
  if (source.data.links?.includes(event.id) === true) return false;
  const rest = (target.data.merged ?? []).filter((id) => id !== sourceId);
  const others = rest.length === 0 ? [] : await tx.documents.getMany<CustomerDoc>(ANALYTICS_STORE.customers, rest);
  const group = rest.length === 0 ? undefined : combine(ownSpan(target.data), ...others.map((d) => groupSpan(d.data)));
  countSpan(set, groupSpan(target.data), -1);
  countSpan(set, group ?? ownSpan(target.data), 1);
  countSpan(set, groupSpan(source.data), 1);
  const { merged: _m, ...targetRest } = withSpans(target.data, ownSpan(target.data), group);
  await tx.documents.put(ANALYTICS_STORE.customers, targetId, rest.length === 0 ? targetRest : { ...targetRest, merged: rest }, target.version);
  const { mergedInto: _i, ...sourceRest } = source.data;
  await tx.documents.put(ANALYTICS_STORE.customers, sourceId, { ...sourceRest, links: [...(source.data.links ?? []), event.id] }, source.version);
  return true;
}

/** The order a stock movement's source document (a shipment, a customer return) belongs to, as analytics recorded it. */
async function orderOfSource(tx: Transaction, p: Record<string, unknown>, type: string, collection: string): Promise<AnalyticsOrderDoc | undefined> {
  const source = p["source"] as { type?: string; id?: string } | undefined;
  if (source?.type !== type || source.id === undefined) return undefined;
  const link = await tx.documents.get<{ orderId: string }>(collection, source.id);
  return link === undefined ? undefined : (await tx.documents.get<AnalyticsOrderDoc>(ANALYTICS_STORE.orders, link.data.orderId))?.data;
}

async function orderOf(tx: Transaction, p: Record<string, unknown>): Promise<AnalyticsOrderDoc | undefined> {
  const orderId = str(p, "orderId");
  return orderId === undefined ? undefined : (await tx.documents.get<AnalyticsOrderDoc>(ANALYTICS_STORE.orders, orderId))?.data;
}

async function orderPlaced(tx: Transaction, p: Record<string, unknown>, day: string, set: DeltaSet, customers: DeltaSet, options: FactOptions): Promise<void> {
  const orderId = str(p, "orderId")!;
  if (await tx.documents.get(ANALYTICS_STORE.orders, orderId)) return; // already projected
  const currency = str(p, "currency") ?? options.functionalCurrency;
  let rate: Decimal | undefined = ONE;
  if (currency !== options.functionalCurrency) rate = await options.rates.rate(currency as CurrencyCode, options.functionalCurrency, day as LocalDate);
  const channel = str(p, "channel") ?? "default";
  const warehouseId = str(p, "warehouseId") ?? "";
  const customerId = str(p, "customerId") ?? null;
  const order = { channel, warehouseId };
  const lines: AnalyticsOrderDoc["lines"][number][] = [];
  const skus = new Set<string>();
  for (const line of (p["lines"] as { lineId: string; sku: string; quantity: string; unitPrice: Money; listPrice?: Money; discount?: Money }[]) ?? []) {
    const quantity = dec(line.quantity);
    const unit = rate === undefined ? new Decimal(0) : dec(line.unitPrice.amount).times(rate);
    const before = quantity.times(unit);
    // The line sold for its price less its discounts; its list value is the list price, else the price before discounts.
    const value = line.discount !== undefined && rate !== undefined ? before.minus(dec(line.discount.amount).times(rate)) : before;
    const list = line.listPrice !== undefined && rate !== undefined ? quantity.times(dec(line.listPrice.amount)).times(rate) : before;
    const price = quantity.isZero() ? unit : value.dividedBy(quantity);
    // An order counts once for each SKU it holds, however many lines name it.
    set.add([`sku:${line.sku}`], day, { gmv: value, listValue: list, units: quantity, ...(skus.has(line.sku) ? {} : { orders: ONE }) });
    skus.add(line.sku);
    set.add(orderKeys(order), day, { gmv: value, listValue: list, units: quantity });
    if (customerId !== null) customers.add([customerId], day, { gmv: value, listValue: list, units: quantity });
    lines.push({ lineId: line.lineId, sku: line.sku, ordered: quantity.toString(), open: quantity.toString(), unitPrice: price.toString(), value: value.toFixed(), list: list.toFixed() });
  }
  const counts: FactSums = { orders: ONE, ...(rate === undefined ? { unconverted: ONE } : {}) };
  if (customerId === null) {
    counts.ordersGuest = ONE;
  } else {
    // Every known customer's order is returning, but the first of each customer (its new-customer count, restated below).
    counts.ordersReturning = ONE;
    await countCustomerOrder(tx, customerId, { on: day, keys: orderKeys(order) }, set);
  }
  set.add(orderKeys(order), day, counts);
  if (customerId !== null) customers.add([customerId], day, { orders: ONE });
  const doc: AnalyticsOrderDoc = { orderId, placedOn: day, channel, warehouseId, customerId, lines, version: 1, rate: rate === undefined ? null : rate.toFixed() };
  await tx.documents.put(ANALYTICS_STORE.orders, orderId, doc, 0);
}

/**
 * An order edit: the order's figures restated on its own date (at that date's rate) from the
 * lines the edit left against the lines the projection holds — `gmv` (quantity × unit price
 * − discount), `listValue` and `units` per SKU —, its count per SKU following the SKUs it
 * holds (+1 for a SKU the edit added, −1 for one it removed), the orders count unchanged.
 * State against state, not the event's differences: an edit read after a later one of the
 * same order (PostgreSQL orders the outbox by transaction id, which two edits waiting on the
 * order's lock need not follow) is simply older than what is held and changes nothing. A
 * draft's edit, or an order analytics never saw placed, changes nothing either.
 */
async function orderEdited(tx: Transaction, p: Record<string, unknown>, set: DeltaSet, customers: DeltaSet, options: FactOptions): Promise<void> {
  if (p["draft"] === true) return;
  const orderId = str(p, "orderId")!;
  const stored = await tx.documents.get<AnalyticsOrderDoc>(ANALYTICS_STORE.orders, orderId);
  if (stored === undefined) return;
  const order = stored.data;
  const version = typeof p["version"] === "number" ? p["version"] : 0;
  const refundId = str(p, "refundId");
  // The surplus refund is the edit's whichever version the figures are at.
  const editRefunds = refundId === undefined || order.editRefunds?.includes(refundId) === true ? {} : { editRefunds: [...(order.editRefunds ?? []), refundId] };
  if (version <= (order.version ?? 1)) {
    if (Object.keys(editRefunds).length > 0) await tx.documents.put(ANALYTICS_STORE.orders, orderId, { ...order, ...editRefunds }, stored.version);
    return;
  }
  const day = order.placedOn;
  const currency = str(p, "currency") ?? options.functionalCurrency;
  let rate: Decimal | undefined = ONE;
  if (order.rate !== undefined) rate = order.rate === null ? undefined : new Decimal(order.rate);
  else if (currency !== options.functionalCurrency) rate = await options.rates.rate(currency as CurrencyCode, options.functionalCurrency, day as LocalDate);
  type EventLine = { lineId: string; sku: string; quantity: string; unitPrice: Money; listPrice?: Money; discount?: Money };
  const newLines = (p["lines"] as EventLine[]) ?? [];
  // A line's prices never change in an edit: the event names them for every line it keeps or removes.
  const prices = new Map<string, { unitPrice: Money; listPrice?: Money }>();
  for (const c of (p["changes"] as EventLine[]) ?? []) prices.set(c.lineId, c);
  for (const l of newLines) prices.set(l.lineId, l);
  const zero = new Decimal(0);
  const figures = new Map<string, { gmv: Decimal; listValue: Decimal; units: Decimal }>();
  const count = (sku: string, sign: 1 | -1, gmv: Decimal, listValue: Decimal, units: Decimal) => {
    const f = figures.get(sku) ?? { gmv: zero, listValue: zero, units: zero };
    figures.set(sku, sign === 1 ? { gmv: f.gmv.plus(gmv), listValue: f.listValue.plus(listValue), units: f.units.plus(units) } : { gmv: f.gmv.minus(gmv), listValue: f.listValue.minus(listValue), units: f.units.minus(units) });
  };
  // What the projection holds (a line projected before edits were read has no value of its own: its price × quantity).
  for (const l of order.lines) {
    const ordered = dec(l.ordered);
    const price = prices.get(l.lineId);
    const list = l.list !== undefined ? dec(l.list) : rate === undefined || price === undefined ? zero : ordered.times(dec((price.listPrice ?? price.unitPrice).amount)).times(rate);
    count(l.sku, -1, l.value !== undefined ? dec(l.value) : ordered.times(dec(l.unitPrice)), list, ordered);
  }
  // The lines as they stand now: a kept line keeps what was counted filled (never more open than it orders).
  const lines = newLines.map((line) => {
    const quantity = dec(line.quantity);
    const was = order.lines.find((l) => l.lineId === line.lineId);
    const filled = was === undefined ? zero : dec(was.ordered).minus(dec(was.open));
    const unit = rate === undefined ? zero : dec(line.unitPrice.amount).times(rate);
    const value = line.discount !== undefined && rate !== undefined ? quantity.times(unit).minus(dec(line.discount.amount).times(rate)) : quantity.times(unit);
    const list = line.listPrice !== undefined && rate !== undefined ? quantity.times(dec(line.listPrice.amount)).times(rate) : quantity.times(unit);
    count(line.sku, 1, value, list, quantity);
    return { lineId: line.lineId, sku: line.sku, ordered: quantity.toString(), open: Decimal.max(quantity.minus(filled), 0).toString(), unitPrice: value.dividedBy(quantity).toString(), value: value.toFixed(), list: list.toFixed() };
  });
  const keys = orderKeys(order);
  for (const [sku, f] of figures) {
    const amounts: FactSums = { gmv: f.gmv, listValue: f.listValue, units: f.units };
    set.add([...keys, `sku:${sku}`], day, amounts);
    if (order.customerId !== null) customers.add([order.customerId], day, amounts);
  }
  const before = new Set(order.lines.map((l) => l.sku));
  const after = new Set(newLines.map((l) => l.sku));
  for (const sku of after) if (!before.has(sku)) set.add([`sku:${sku}`], day, { orders: ONE });
  for (const sku of before) if (!after.has(sku)) set.add([`sku:${sku}`], day, { orders: ONE.negated() });
  await tx.documents.put(ANALYTICS_STORE.orders, orderId, { ...order, lines, version, ...editRefunds }, stored.version);
}

async function shipmentDispatched(tx: Transaction, p: Record<string, unknown>, day: string, set: DeltaSet, customers: DeltaSet, options: FactOptions): Promise<void> {
  const orderId = str(p, "orderId")!;
  const stored = await tx.documents.get<AnalyticsOrderDoc>(ANALYTICS_STORE.orders, orderId);
  const order = stored?.data;
  const customerId = order?.customerId ?? null;
  // Which order a shipment belongs to, for the cost its stock issues post.
  const shipmentId = str(p, "shipmentId");
  if (order && shipmentId !== undefined && !(await tx.documents.get(ANALYTICS_STORE.shipments, shipmentId))) await tx.documents.put(ANALYTICS_STORE.shipments, shipmentId, { orderId }, 0);
  // What ships counts at the warehouse it ships from — a line's own (a line split over
  // warehouses), else the shipment's — where its stock issue's COGS counts too; a shipment
  // counts once at each warehouse it ships from. Ordered units and the fill stay at the
  // order's warehouse, where the order counted them.
  const shipmentWarehouse = str(p, "warehouseId") ?? order?.warehouseId ?? "";
  const shipped = (p["lines"] as { lineId: string; sku: string; quantity: string; warehouseId?: string }[]) ?? [];
  const base = order ? ["all", `channel:${order.channel}`] : ["all"];
  const from = [...new Set(shipped.length === 0 ? [shipmentWarehouse] : shipped.map((line) => line.warehouseId ?? shipmentWarehouse))].map((w) => `warehouse:${w}`);
  const onTime = order !== undefined && daysBetween(order.placedOn as LocalDate, day as LocalDate) <= options.onTimeDays;
  set.add([...base, ...from], day, { shipments: ONE, onTimeShipments: onTime ? ONE : new Decimal(0) });
  const lines = order ? order.lines.map((l) => ({ ...l })) : [];
  for (const line of shipped) {
    const quantity = dec(line.quantity);
    const own = lines.find((l) => l.lineId === line.lineId && l.sku === line.sku) ?? lines.find((l) => l.sku === line.sku);
    const value = own ? quantity.times(dec(own.unitPrice)) : new Decimal(0);
    set.add([...base, `warehouse:${line.warehouseId ?? shipmentWarehouse}`, `sku:${line.sku}`], day, { shippedUnits: quantity, shippedValue: value });
    if (customerId !== null) customers.add([customerId], day, { shippedUnits: quantity, shippedValue: value });
    if (own && order) {
      const open = dec(own.open);
      const filled = Decimal.min(open, quantity);
      if (filled.gt(0)) {
        own.open = open.minus(filled).toString();
        set.add([...orderKeys(order), `sku:${line.sku}`], order.placedOn, { filledUnits: filled });
        if (customerId !== null) customers.add([customerId], order.placedOn, { filledUnits: filled });
      }
    }
  }
  if (stored && order) await tx.documents.put(ANALYTICS_STORE.orders, orderId, { ...order, lines }, stored.version);
}
