/*
 * What replenishment reads from inventory and purchasing, wired by the facade
 * (replenishment imports neither module).
 */
import { type LocalDate, startOfLocalDate } from "./kernel/local-date.js";
import type { LogEntry, Transaction } from "./ports/storage.js";
import { MOVEMENTS, type MovementRecord } from "./inventory/movement.js";
import { availabilityFrom, expiredHolds, readAvailability, scopeOf } from "./inventory/reservations.js";
import { AVAILABILITY } from "./inventory/ledger-records.js";
import { logPages, readLogs } from "./runner/batch-logs.js";
import { findAll } from "./purchasing/reports.js";
import type { IncomingRow } from "./purchasing/order-store.js";
import { priceFor } from "./purchasing/pricing.js";
import { leadTimeOf } from "./purchasing/supplier-performance.js";
import { INCOMING, SUPPLIERS, SUPPLIER_ITEMS, type Supplier, type SupplierItem } from "./purchasing/supplier.js";
import type { ReplenishmentSources, StoredSupplierTerms } from "./replenishment/store-suggestions.js";
import { Decimal } from "./kernel/decimal.js";

const PAGE = 5000;
/** Movements a page when reading backwards for the latest sale (usually in the first few). */
const BACKWARDS_PAGE = 200;
/** Up to this many SKUs named, their suppliers are read SKU by SKU; more, with one read of all. */
const SKUS_READ_ONE_BY_ONE = 8;

type Activity = { warehouseId: string; date: LocalDate; sold: number };
type Incoming = { warehouseId: string; reference: string; quantity: number; expectedDate: LocalDate };

/** What a suggestion run read ahead (see `readAhead`). */
interface ReadAhead {
  readonly activity: Map<string, Activity[]>;
  incoming: Map<string, { data: IncomingRow }[]> | undefined;
  /** Units still kept by expired, unreleased holds, by reservation scope. */
  expired: Map<string, Decimal> | undefined;
  readonly stock: Map<string, Record<string, Decimal>>;
  readonly leadTimes: Map<string, Awaited<ReturnType<typeof leadTimeOf>>>;
  /** The first backward page of movements before a window's start, by `sku|start`, for SKUs first selling after it. */
  readonly before: Map<string, readonly LogEntry<MovementRecord>[]>;
}

/**
 * The reads `sk.replenishment` needs: supplier items, prices and learned lead times from
 * purchasing; availability and the movement log from inventory.
 *
 * @example
 * ```ts
 * const sources = replenishmentSources("Europe/Berlin", () => clock.now().toISOString());
 * ```
 */
export function replenishmentSources(timeZone: string, nowIso: () => string): ReplenishmentSources {
  /*
   * What readAhead read, per transaction (a suggestion run is one read transaction): each
   * SKU's activity for a window, the open purchase order lines and the expired holds of the
   * whole shop, availability rows, lead times per supplier. The per-SKU reads answer from it.
   */
  const kept = new WeakMap<Transaction, ReadAhead>();
  const keptOf = (tx: Transaction): ReadAhead => {
    let k = kept.get(tx);
    if (k === undefined) kept.set(tx, (k = { activity: new Map(), incoming: undefined, expired: undefined, stock: new Map(), leadTimes: new Map(), before: new Map() }));
    return k;
  };
  const readActivity = async (tx: Transaction, sku: string, from: LocalDate, to: LocalDate, first?: readonly LogEntry<MovementRecord>[]): Promise<Activity[]> => {
    const out: Activity[] = [];
    for await (const page of logPages<MovementRecord>(tx, MOVEMENTS, sku, windowOf(from, to), first)) {
      for (const { data: m } of page) {
        if (m.kind === "revaluation") continue;
        const sold = m.kind === "sale-issue" ? -Number(m.quantity) : 0;
        out.push({ warehouseId: m.warehouseId, date: m.effectiveDate as LocalDate, sold });
        if (m.kind === "transfer" && m.to !== null) out.push({ warehouseId: m.to.warehouseId, date: m.effectiveDate as LocalDate, sold: 0 });
      }
    }
    return out;
  };
  /** A SKU's movements effective before the shop's day `start`, latest first, a page at a time. */
  const backwardsFrom = (start: LocalDate) => ({ lt: startOfLocalDate(start, timeZone).toISOString(), order: "desc" as const, limit: BACKWARDS_PAGE });
  /** A SKU's movements effective in [from, to) of the shop's days, a page at a time. */
  const windowOf = (from: LocalDate, to: LocalDate) => ({ gte: startOfLocalDate(from, timeZone).toISOString(), lt: startOfLocalDate(to, timeZone).toISOString(), limit: PAGE });
  const incomingRows = (rows: readonly { data: IncomingRow }[]): Incoming[] =>
    rows.map(({ data }) => ({ warehouseId: data.warehouseId, reference: `${data.purchaseOrderId}/${data.lineId}`, quantity: Number(data.quantity), expectedDate: data.expectedDate as LocalDate }));
  return {
    async readAhead(tx, batch) {
      const k = keptOf(tx);
      // Supplier items in one read (termsOf then reads them from what the store keeps).
      await tx.documents.getMany(SUPPLIER_ITEMS, batch.skus.flatMap((sku) => (batch.suppliersOf.get(sku) ?? []).map((supplierId) => `${supplierId}|${sku}`)));
      const windowKey = `${batch.from}|${batch.to}`;
      const firsts = await readLogs<MovementRecord>(tx, MOVEMENTS, batch.skus.map((sku) => ({ stream: sku, range: windowOf(batch.from, batch.to) })));
      for (const [i, sku] of batch.skus.entries()) k.activity.set(`${sku}|${windowKey}`, await readActivity(tx, sku, batch.from, batch.to, firsts[i]));
      // SKUs whose first sale in the window comes after its first day may be asked whether they
      // sold before it (lastSaleBefore): the first backward page of each, in one read.
      const late = batch.skus.filter((sku) => {
        const activity = k.activity.get(`${sku}|${windowKey}`)!;
        return activity.some((a) => a.sold > 0) && !activity.some((a) => a.sold > 0 && a.date === batch.from);
      });
      if (late.length > 0) {
        const pages = await readLogs<MovementRecord>(tx, MOVEMENTS, late.map((sku) => ({ stream: sku, range: backwardsFrom(batch.from) })));
        for (const [i, sku] of late.entries()) k.before.set(`${sku}|${batch.from}`, pages[i]!);
      }
      // Every open purchase order line and every expired, unreleased hold of the shop, once.
      if (k.incoming === undefined) {
        k.incoming = new Map();
        for (const row of await findAll<IncomingRow>(tx, INCOMING, "bySku", [])) (k.incoming.get(row.data.sku) ?? k.incoming.set(row.data.sku, []).get(row.data.sku)!).push(row);
      }
      if (k.expired === undefined) {
        k.expired = new Map();
        for (const hold of await expiredHolds(tx, undefined, nowIso())) k.expired.set(hold.scope, (k.expired.get(hold.scope) ?? new Decimal(0)).plus(hold.remaining));
      }
      // The availability rows of every warehouse the batch's SKUs moved in or expect stock at.
      const scopes = batch.skus.flatMap((sku) => [...new Set([...k.activity.get(`${sku}|${windowKey}`)!.map((a) => a.warehouseId), ...(k.incoming!.get(sku) ?? []).map((r) => r.data.warehouseId)])].map((w) => scopeOf(sku, w)));
      if (scopes.length > 0) for (const [scope, row] of await tx.counters.getMany(AVAILABILITY, scopes)) k.stock.set(scope, row);
      for (const scope of scopes) if (!k.stock.has(scope)) k.stock.set(scope, {});
    },
    async suppliersOf(tx, skus) {
      const out = new Map<string, string[]>();
      // A short list is read SKU by SKU; a longer one with one paged read of every supplier
      // item, keeping the list's (a statement per SKU would cost more round trips).
      const wanted = skus === undefined ? undefined : new Set(skus);
      const rows =
        skus === undefined || skus.length > SKUS_READ_ONE_BY_ONE
          ? (await findAll<SupplierItem>(tx, SUPPLIER_ITEMS, "bySkuSupplier", [])).filter((row) => wanted === undefined || wanted.has(row.data.sku))
          : (await Promise.all(skus.map((sku) => findAll<SupplierItem>(tx, SUPPLIER_ITEMS, "bySkuSupplier", [sku])))).flat();
      for (const { data } of rows) (out.get(data.sku) ?? out.set(data.sku, []).get(data.sku)!).push(data.supplierId);
      for (const list of out.values()) list.sort();
      return out;
    },
    async termsOf(tx, supplierId, sku, asOf): Promise<StoredSupplierTerms | undefined> {
      const supplier = (await tx.documents.get<Supplier>(SUPPLIERS, supplierId))?.data;
      const item = (await tx.documents.get<SupplierItem>(SUPPLIER_ITEMS, `${supplierId}|${sku}`))?.data;
      if (supplier === undefined || item === undefined) return undefined;
      // The breaks valid on the day in the supplier's currency: each break's own price.
      const breaks = [...new Set(item.prices.map((p) => p.minQuantity))]
        .map((minQuantity) => ({ minQuantity, price: priceFor(item, new Decimal(minQuantity), asOf, supplier.currency) }))
        .filter((b) => b.price !== undefined && new Decimal(b.price.minQuantity).eq(b.minQuantity))
        .map((b) => ({ minQuantity: Number(b.minQuantity), unitPrice: b.price!.unitPrice }))
        .sort((a, b) => a.minQuantity - b.minQuantity);
      const lowest = breaks[0];
      // The suggestions price a quantity below the lowest break at the lowest break's price.
      const priceBreaks = lowest === undefined ? [] : [{ minQuantity: 0, unitPrice: lowest.unitPrice }, ...breaks.filter((b) => b.minQuantity > 0)];
      const leadTimes = keptOf(tx).leadTimes;
      const learned = leadTimes.get(`${supplierId}|${asOf}`) ?? (await leadTimeOf(tx, supplierId, { last: 20, asOf }));
      leadTimes.set(`${supplierId}|${asOf}`, learned);
      return {
        supplierId,
        currency: supplier.currency,
        priceBreaks,
        minimumOrderQuantity: item.minimumOrderQuantity === null ? undefined : Number(item.minimumOrderQuantity),
        packMultiple: item.packMultiple === null ? undefined : Number(item.packMultiple),
        statedLeadTimeDays: item.leadTimeDays ?? supplier.leadTimeDays,
        observedLeadTimesDays: learned.lastDays,
        leadTimeAnomalies: learned.anomalies.length,
      };
    },
    async stockOf(tx, sku, warehouseId) {
      const k = kept.get(tx);
      const scope = scopeOf(sku, warehouseId);
      const row = k?.stock.get(scope);
      const a = row !== undefined && k!.expired !== undefined ? availabilityFrom(sku, warehouseId, row, k!.expired.get(scope) ?? new Decimal(0)) : await readAvailability(tx, sku, warehouseId, nowIso());
      return { onHand: Number(a.onHand), reserved: Number(a.reserved) };
    },
    async activityOf(tx, sku, from, to) {
      return kept.get(tx)?.activity.get(`${sku}|${from}|${to}`) ?? readActivity(tx, sku, from, to);
    },
    async lastSaleBefore(tx, sku, warehouseId, before) {
      // Backwards from the window's start, up to the warehouse's latest sale (the first page read ahead).
      for await (const page of logPages<MovementRecord>(tx, MOVEMENTS, sku, backwardsFrom(before), kept.get(tx)?.before.get(`${sku}|${before}`))) {
        for (const { data: m } of page) if (m.kind === "sale-issue" && m.warehouseId === warehouseId) return m.effectiveDate as LocalDate;
      }
      return undefined;
    },
    async incomingOf(tx, sku) {
      const held = kept.get(tx)?.incoming;
      return incomingRows(held !== undefined ? (held.get(sku) ?? []) : await findAll<IncomingRow>(tx, INCOMING, "bySku", [sku]));
    },
  };
}
