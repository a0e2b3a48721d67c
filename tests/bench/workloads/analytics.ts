import { applyFactEvent } from "../../../src/analytics/facts.js";
import { Decimal } from "../../../src/kernel/decimal.js";
import { addDays, type LocalDate } from "../../../src/kernel/local-date.js";
import type { BalanceDelta, OutboxEvent } from "../../../src/ports/storage.js";
import { type Storekeep, createStorekeep } from "../../../src/storekeep.js";
import { ManualClock } from "../../../src/testing/clock.js";
import { sequentialIds } from "../../../src/testing/ids.js";
import type { BenchWorkload } from "../harness.js";

/*
 * analytics.kpis-1y: the whole KPI catalogue for a year of a shop with 100,000 orders and
 * 1,000 SKUs — `sk.analytics.kpis` with a monthly series, both comparisons and every
 * breakdown — through the facade and the memory store (value: catalogues/s; the ms are
 * subjectMsMedian). The year is built untimed: the analytics projection by applying the
 * year's events (orders, shipments, stock issues, receipts, returns) with applyFactEvent,
 * the books' and the stock ledger's balance families by adding the same year's daily sums.
 *
 * Baseline: the same figures computed by scanning plain arrays of the year's documents and
 * lines in float64 (orders and their lines, shipments, stock movements, journal lines),
 * for the same 15 ranges (the year, 12 months, 2 comparisons), as a report that reads every
 * line would.
 */

const ORDERS = 100_000;
const SKUS = 1_000;
const DAYS = 365;
const YEAR_START = "2026-01-01" as LocalDate;

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Line {
  sku: number;
  qty: number;
  price: number; // cents
}
interface Order {
  day: number;
  customer: number;
  lines: Line[];
  shippedDay: number; // -1: not shipped
  returned: boolean;
}
interface Movement {
  day: number;
  sku: number;
  qty: number;
  value: number; // cents
  kind: "receipt" | "issue" | "return";
}
interface JournalLine {
  day: number;
  account: string;
  debit: number;
  credit: number;
}
interface Year {
  orders: Order[];
  movements: Movement[];
  journal: JournalLine[];
  price: number[];
}

function buildYear(): Year {
  const u = rng(20261204);
  const price = Array.from({ length: SKUS }, () => 500 + Math.floor(u() * 9_500));
  const orders: Order[] = [];
  for (let i = 0; i < ORDERS; i++) {
    const day = Math.floor((i * DAYS) / ORDERS);
    const n = 1 + Math.floor(u() * 3);
    const lines: Line[] = [];
    for (let l = 0; l < n; l++) {
      const sku = Math.floor(Math.pow(u(), 2) * SKUS);
      lines.push({ sku, qty: 1 + Math.floor(u() * 3), price: price[sku]! });
    }
    const shippedDay = u() < 0.97 ? Math.min(DAYS - 1, day + Math.floor(u() * 4)) : -1;
    orders.push({ day, customer: Math.floor(u() * 30_000), lines, shippedDay, returned: shippedDay >= 0 && u() < 0.02 });
  }
  const movements: Movement[] = [];
  const journal: JournalLine[] = [];
  // Monthly receipts of every SKU (cost = half the price), then issues and returns at cost.
  for (let m = 0; m < 12; m++) {
    const day = Math.floor((m * DAYS) / 12);
    for (let sku = 0; sku < SKUS; sku++) {
      const qty = 30 + Math.floor(u() * 60);
      const value = qty * Math.floor(price[sku]! / 2);
      movements.push({ day, sku, qty, value, kind: "receipt" });
      journal.push({ day, account: "1300", debit: value, credit: 0 }, { day, account: "2150", debit: 0, credit: value });
    }
  }
  for (const o of orders) {
    if (o.shippedDay < 0) continue;
    let net = 0;
    for (const l of o.lines) {
      const cost = l.qty * Math.floor(l.price / 2);
      movements.push({ day: o.shippedDay, sku: l.sku, qty: -l.qty, value: -cost, kind: "issue" });
      journal.push({ day: o.shippedDay, account: "5100", debit: cost, credit: 0 }, { day: o.shippedDay, account: "1300", debit: 0, credit: cost });
      net += l.qty * l.price;
    }
    journal.push({ day: o.shippedDay, account: "1200", debit: net, credit: 0 }, { day: o.shippedDay, account: "4100", debit: 0, credit: net });
    journal.push({ day: Math.min(DAYS - 1, o.shippedDay + 3), account: "1100", debit: net, credit: 0 }, { day: Math.min(DAYS - 1, o.shippedDay + 3), account: "1200", debit: 0, credit: net });
    if (o.returned) {
      const l = o.lines[0]!;
      const day = Math.min(DAYS - 1, o.shippedDay + 5);
      const cost = l.qty * Math.floor(l.price / 2);
      movements.push({ day, sku: l.sku, qty: l.qty, value: cost, kind: "return" });
      journal.push({ day, account: "1300", debit: cost, credit: 0 }, { day, account: "5100", debit: 0, credit: cost });
      journal.push({ day, account: "4300", debit: l.qty * l.price, credit: 0 }, { day, account: "1200", debit: 0, credit: l.qty * l.price });
    }
  }
  return { orders, movements, journal, price };
}

const dayOf = (d: number): string => addDays(YEAR_START, d);
const eur = (cents: number) => ({ amount: (cents / 100).toFixed(2), currency: "EUR" });
const sku = (n: number) => `SKU-${String(n).padStart(4, "0")}`;

function event(n: number, type: string, day: number, payload: Record<string, unknown>): OutboxEvent {
  return { id: `ev_${n}`, type, schemaVersion: 1, aggregateType: "x", aggregateId: "x", aggregateVersion: 1, effectiveDate: dayOf(day), occurredAt: `${dayOf(day)}T12:00:00.000Z`, causationId: null, correlationId: "c", payload: payload as OutboxEvent["payload"] };
}

async function buildShop(year: Year): Promise<Storekeep> {
  const sk = createStorekeep({ clock: new ManualClock("2027-01-10T12:00:00.000Z"), ids: sequentialIds(), config: { functionalCurrency: "EUR", timeZone: "UTC" } });
  await sk.ready();
  const options = { functionalCurrency: "EUR" as const, rates: sk.runtime.rates, onTimeDays: 2 };
  // The projection: the year's events in day order, 2,000 to a transaction.
  const events: OutboxEvent[] = [];
  let n = 0;
  year.orders.forEach((o, i) => {
    const lines = o.lines.map((l, k) => ({ lineId: `l${k}`, sku: sku(l.sku), quantity: String(l.qty), unitPrice: eur(l.price) }));
    events.push(event(n++, "OrderPlaced", o.day, { orderId: `ord_${i}`, customerId: `cus_${o.customer}`, warehouseId: "wh", currency: "EUR", lines, total: eur(0) }));
    if (o.shippedDay >= 0) events.push(event(n++, "ShipmentDispatched", o.shippedDay, { shipmentId: `shp_${i}`, orderId: `ord_${i}`, warehouseId: "wh", lines: lines.map((l) => ({ lineId: l.lineId, sku: l.sku, quantity: l.quantity })) }));
    if (o.returned) events.push(event(n++, "ReturnReceived", Math.min(DAYS - 1, o.shippedDay + 5), { returnId: `ret_${i}`, orderId: `ord_${i}`, warehouseId: "wh", lines: [{ sku: lines[0]!.sku, quantity: lines[0]!.quantity, disposition: "restock" }] }));
  });
  for (const m of year.movements) {
    if (m.kind === "receipt") events.push(event(n++, "StockReceived", m.day, { sku: sku(m.sku), warehouseId: "wh", quantity: String(m.qty), value: eur(m.value), counterAccountRole: "grni", source: { type: "receipt", id: "r" } }));
    else if (m.kind === "issue") events.push(event(n++, "StockIssued", m.day, { sku: sku(m.sku), warehouseId: "wh", quantity: String(-m.qty), cost: eur(-m.value), counterAccountRole: "cogs", source: { type: "shipment", id: "s" } }));
    else events.push(event(n++, "StockReceived", m.day, { sku: sku(m.sku), warehouseId: "wh", quantity: String(m.qty), value: eur(m.value), counterAccountRole: "cogs", source: { type: "customer-return", id: "r" } }));
  }
  events.sort((a, b) => (a.effectiveDate < b.effectiveDate ? -1 : a.effectiveDate > b.effectiveDate ? 1 : 0));
  for (let i = 0; i < events.length; i += 2_000) {
    await sk.store.transaction(async (tx) => {
      for (const e of events.slice(i, i + 2_000)) await applyFactEvent(tx, e, options);
    });
  }
  // The books and the stock ledger: the year's daily sums in their balance families.
  const finance: Map<string, { debit: number; credit: number }> = new Map();
  for (const j of year.journal) {
    const key = `${j.account}|EUR|${j.day}`;
    const c = finance.get(key) ?? { debit: 0, credit: 0 };
    c.debit += j.debit;
    c.credit += j.credit;
    finance.set(key, c);
  }
  const daily: BalanceDelta[] = [];
  const monthly: BalanceDelta[] = [];
  for (const [key, c] of finance) {
    const [account, currency, day] = key.split("|") as [string, string, string];
    const amounts = { debit: new Decimal(c.debit).div(100), credit: new Decimal(c.credit).div(100), amount: new Decimal(c.debit - c.credit).div(100) };
    daily.push({ key: `${account}|${currency}`, bucket: dayOf(Number(day)), amounts });
    monthly.push({ key: `${account}|${currency}`, bucket: dayOf(Number(day)).slice(0, 7), amounts });
  }
  const quantities: BalanceDelta[] = [];
  const values: BalanceDelta[] = [];
  for (const m of year.movements) {
    quantities.push({ key: `${sku(m.sku)}|wh/A|`, bucket: dayOf(m.day), amounts: { quantity: new Decimal(m.qty) } });
    values.push({ key: sku(m.sku), bucket: dayOf(m.day), amounts: { value: new Decimal(m.value).div(100) } });
  }
  await sk.store.transaction(async (tx) => {
    await tx.balances.add("finance.daily-balances", daily);
    await tx.balances.add("finance.balances", monthly);
    await tx.balances.add("inventory.quantities", quantities);
    await tx.balances.add("inventory.values", values);
  });
  return sk;
}

interface Ctx {
  year: Year;
  sk: Storekeep;
}

const QUERY = { from: "2026-01-01", to: "2026-12-31", grain: "month" as const, compare: ["previous-period" as const, "previous-year" as const], breakdowns: ["sku" as const, "category" as const, "warehouse" as const, "channel" as const] };

/** Month start days of 2026 (day numbers), and the 15 ranges the report covers. */
function ranges(): [number, number][] {
  const out: [number, number][] = [[0, DAYS - 1]];
  for (let m = 0; m < 12; m++) {
    const from = Math.round((Date.UTC(2026, m, 1) - Date.UTC(2026, 0, 1)) / 86_400_000);
    const to = Math.round((Date.UTC(2026, m + 1, 1) - Date.UTC(2026, 0, 1)) / 86_400_000) - 1;
    out.push([from, to]);
  }
  out.push([-DAYS, -1], [-DAYS, -1]);
  return out;
}

/** The baseline: every figure of every range by scanning the year's arrays (float64). */
function scanArrays(year: Year): number {
  let checksum = 0;
  const firstOrder = new Map<number, number>();
  for (const [from, to] of ranges()) {
    let gmv = 0;
    let orders = 0;
    let units = 0;
    let filled = 0;
    let shipments = 0;
    let onTime = 0;
    let shippedUnits = 0;
    let returned = 0;
    let newCustomers = 0;
    let returning = 0;
    const perSku = new Float64Array(SKUS * 3);
    firstOrder.clear();
    for (const o of year.orders) {
      if (!firstOrder.has(o.customer)) firstOrder.set(o.customer, o.day);
      if (o.day >= from && o.day <= to) {
        orders++;
        if (firstOrder.get(o.customer) === o.day) newCustomers++;
        else returning++;
        for (const l of o.lines) {
          gmv += l.qty * l.price;
          units += l.qty;
          perSku[l.sku * 3] = perSku[l.sku * 3]! + l.qty * l.price;
          if (o.shippedDay >= 0) filled += l.qty;
        }
      }
      if (o.shippedDay >= from && o.shippedDay <= to) {
        shipments++;
        if (o.shippedDay - o.day <= 2) onTime++;
        for (const l of o.lines) {
          shippedUnits += l.qty;
          perSku[l.sku * 3 + 1] = perSku[l.sku * 3 + 1]! + l.qty;
        }
      }
      if (o.returned && o.shippedDay + 5 >= from && o.shippedDay + 5 <= to) returned += o.lines[0]!.qty;
    }
    const accounts = new Map<string, number>();
    const closing = new Map<string, number>();
    for (const j of year.journal) {
      if (j.day >= from && j.day <= to) accounts.set(j.account, (accounts.get(j.account) ?? 0) + j.debit - j.credit);
      if (j.day <= to) closing.set(j.account, (closing.get(j.account) ?? 0) + j.debit - j.credit);
    }
    const onHand = new Float64Array(SKUS);
    const value = new Float64Array(SKUS);
    const recent = new Float64Array(SKUS);
    for (const m of year.movements) {
      if (m.day > to) continue;
      onHand[m.sku] = onHand[m.sku]! + m.qty;
      value[m.sku] = value[m.sku]! + m.value;
      if (m.kind === "receipt" && m.day > to - 30) recent[m.sku] = recent[m.sku]! + m.qty;
      if (m.kind === "issue" && m.day > to - 90) perSku[m.sku * 3 + 2] = perSku[m.sku * 3 + 2]! + 1;
    }
    let dead = 0;
    let aged = 0;
    for (let s = 0; s < SKUS; s++) {
      if (onHand[s]! > 0 && perSku[s * 3 + 2] === 0) dead += value[s]!;
      aged += Math.min(onHand[s]!, recent[s]!);
    }
    const revenue = -(accounts.get("4100") ?? 0) - (accounts.get("4300") ?? 0);
    const cogs = accounts.get("5100") ?? 0;
    checksum += gmv / Math.max(1, orders) + units + filled / Math.max(1, units) + onTime / Math.max(1, shipments) + returned / Math.max(1, shippedUnits);
    checksum += revenue - cogs + (closing.get("1300") ?? 0) + (closing.get("1200") ?? 0) + (closing.get("1100") ?? 0) + dead + aged + newCustomers + returning;
  }
  return checksum;
}

export const workloads: BenchWorkload[] = [
  {
    name: "analytics.kpis-1y",
    unit: "catalogues/s",
    ops: 1,
    rounds: 5,
    async prepare(): Promise<Ctx> {
      const year = buildYear();
      return { year, sk: await buildShop(year) };
    },
    async subject(c: Ctx) {
      const report = await c.sk.analytics.kpis(QUERY);
      return { extra: { gmv: report.kpis.gmv, orders: report.kpis.orders, skuRows: report.breakdowns.sku?.length ?? 0 } };
    },
    baseline(c: Ctx) {
      return scanArrays(c.year);
    },
  } as BenchWorkload<Ctx> as BenchWorkload,
];
