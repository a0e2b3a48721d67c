/*
 * What replenishment reads from inventory and purchasing, wired by the facade
 * (replenishment imports neither module).
 */
import { type LocalDate, startOfLocalDate } from "./kernel/local-date.js";
import type { Transaction } from "./ports/storage.js";
import { MOVEMENTS, type MovementRecord } from "./inventory/movement.js";
import { readAvailability } from "./inventory/reservations.js";
import { findAll } from "./purchasing/reports.js";
import type { IncomingRow } from "./purchasing/order-store.js";
import { priceFor } from "./purchasing/pricing.js";
import { leadTimeOf } from "./purchasing/supplier-performance.js";
import { INCOMING, SUPPLIERS, SUPPLIER_ITEMS, type Supplier, type SupplierItem } from "./purchasing/supplier.js";
import type { ReplenishmentSources, StoredSupplierTerms } from "./replenishment/store-suggestions.js";
import { Decimal } from "./kernel/decimal.js";

const PAGE = 5000;

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
  return {
    async suppliersOf(tx, skus) {
      const out = new Map<string, string[]>();
      const rows = skus === undefined ? await findAll<SupplierItem>(tx, SUPPLIER_ITEMS, "bySkuSupplier", []) : (await Promise.all(skus.map((sku) => findAll<SupplierItem>(tx, SUPPLIER_ITEMS, "bySkuSupplier", [sku])))).flat();
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
      const learned = await leadTimeOf(tx, supplierId, { last: 20, asOf });
      return {
        supplierId,
        currency: supplier.currency,
        priceBreaks,
        minimumOrderQuantity: item.minimumOrderQuantity === null ? undefined : Number(item.minimumOrderQuantity),
        packMultiple: item.packMultiple === null ? undefined : Number(item.packMultiple),
        statedLeadTimeDays: item.leadTimeDays ?? supplier.leadTimeDays,
        observedLeadTimesDays: learned.lastDays,
      };
    },
    async stockOf(tx, sku, warehouseId) {
      const a = await readAvailability(tx, sku, warehouseId, nowIso());
      return { onHand: Number(a.onHand), reserved: Number(a.reserved) };
    },
    async activityOf(tx, sku, from, to) {
      const out: { warehouseId: string; date: LocalDate; sold: number }[] = [];
      const lt = startOfLocalDate(to, timeZone).toISOString();
      let after: string | undefined;
      for (;;) {
        const range = after === undefined ? { gte: startOfLocalDate(from, timeZone).toISOString(), lt } : { gt: after, lt };
        const page = await tx.logs.read<MovementRecord>(MOVEMENTS, sku, { ...range, limit: PAGE });
        for (const { data: m } of page) {
          if (m.kind === "revaluation") continue;
          const sold = m.kind === "sale-issue" ? -Number(m.quantity) : 0;
          out.push({ warehouseId: m.warehouseId, date: m.effectiveDate as LocalDate, sold });
          if (m.kind === "transfer" && m.to !== null) out.push({ warehouseId: m.to.warehouseId, date: m.effectiveDate as LocalDate, sold: 0 });
        }
        if (page.length < PAGE) return out;
        after = page[page.length - 1]!.sortKey;
      }
    },
    async incomingOf(tx, sku) {
      const rows = await findAll<IncomingRow>(tx, INCOMING, "bySku", [sku]);
      return rows.map(({ data }) => ({ warehouseId: data.warehouseId, reference: `${data.purchaseOrderId}/${data.lineId}`, quantity: Number(data.quantity), expectedDate: data.expectedDate as LocalDate }));
    },
  };
}
