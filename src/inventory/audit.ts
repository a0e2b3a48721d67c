import { type CurrencyCode, minorUnits } from "../kernel/currencies.js";
import { invariant } from "../kernel/errors.js";
import { Decimal, canonicalDecimal } from "../kernel/decimal.js";
import { addDays, startOfLocalDate } from "../kernel/local-date.js";
import type { LocalDate } from "../kernel/local-date.js";
import type { RoundingMode } from "../kernel/decimal.js";
import type { JsonObject, Transaction } from "../ports/storage.js";
import { readLogs } from "../runner/batch-logs.js";
import { costStateFromJson } from "./cost-state.js";
import { AVAILABILITY, COST_STATES, type CostStateDoc, QUANTITIES, VALUES } from "./ledger-records.js";
import { inTransitLocation } from "./location.js";
import { MOVEMENTS, type MovementRecord, valuationInputOf } from "./movement.js";
import { withArrivals } from "./arrival-order.js";
import type { InventorySettings } from "./options.js";
import { PRODUCTS, type Product } from "./product.js";
import { type ValuationInput, kernelFor } from "./valuation.js";
import { batchAmount, setBatchMovement, valuationBatch, valueBatch } from "./valuation-batch.js";
import { type CostState, type RoundingCode, type ValuationKernel, emptyCostState, formatScaled, roundingCode, unitCostRatio, valueOf } from "./valuation-kernel.js";

/**
 * Reads the balance of the Inventory account (functional currency) as of the end of a date
 * (undefined: now). Finance provides it when registered; `audit` compares it with the
 * stock value less stock in transit.
 *
 * @example
 * ```ts
 * const reader: InventoryAccountReader = async (tx, asOf) => "1234.5";
 * ```
 */
export type InventoryAccountReader = (tx: Transaction, asOf: string | undefined) => Promise<string | Decimal>;

/**
 * One difference found by the audit, named with its cause.
 *
 * @example
 * ```ts
 * const d: AuditDifference = { sku: "MUG", check: "value", expected: "30", actual: "29.99", cause: "..." };
 * ```
 */
export interface AuditDifference extends JsonObject {
  readonly sku: string | null;
  readonly check: "quantity" | "availability" | "value" | "cost-state" | "inventory-account";
  readonly expected: string;
  readonly actual: string;
  readonly where: string | null;
  readonly cause: string;
}

/**
 * The audit's report.
 *
 * @example
 * ```ts
 * const report = await auditInventory(tx, settings, "EUR", "half-even", "UTC", {});
 * if (!report.ok) console.table(report.differences);
 * ```
 */
export interface AuditReport extends JsonObject {
  readonly asOf: string | null;
  readonly ok: boolean;
  readonly skus: number;
  readonly movements: number;
  /** Stock value (sum of remaining layers) over all SKUs, and the part on the Inventory account. */
  readonly stockValue: string;
  readonly inventoryAccount: string | null;
  readonly differences: readonly AuditDifference[];
}

/**
 * Checks, per SKU and as of a date: on hand = sum of movements (per location and lot, and
 * per warehouse against the availability counter when auditing now); stock value = sum
 * of the remaining layers re-derived from the movements = the value balances; the cost
 * state = the layers; and, with a reader, the Inventory account = stock value − in transit.
 * Reads every movement of the SKUs it audits: a batch job, not a request.
 *
 * @example
 * ```ts
 * const report = await auditInventory(tx, settings, "EUR", "half-even", "Europe/Berlin", { asOf: "2026-03-31" });
 * ```
 */
export async function auditInventory(
  tx: Transaction,
  settings: InventorySettings,
  currency: CurrencyCode,
  rounding: RoundingMode,
  timeZone: string,
  query: {
    readonly asOf?: string | undefined;
    readonly skus?: readonly string[] | undefined;
    readonly inventoryAccount?: InventoryAccountReader | undefined;
    /** Hears each SKU audited (`done` of `total` SKUs). */
    readonly onProgress?: ((progress: { done: number; total: number }) => void) | undefined;
  },
): Promise<AuditReport> {
  const digits = minorUnits(currency);
  const code = roundingCode(rounding);
  const differences: AuditDifference[] = [];
  const before = query.asOf === undefined ? undefined : startOfLocalDate(addDays(query.asOf as LocalDate, 1), timeZone).toISOString();
  const buckets = query.asOf === undefined ? {} : { buckets: { to: query.asOf } };
  let skus = query.skus;
  if (skus === undefined) {
    const all: string[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await tx.logs.streams(MOVEMENTS, { ...(after === undefined ? {} : { after }), limit: 1000 });
      all.push(...page);
      if (page.length < 1000) break;
      after = page[page.length - 1];
    }
    skus = all;
  }
  let movementsRead = 0;
  let stockValue = 0n;
  let accountValue = new Decimal(0);
  let done = 0;
  // A whole-shop audit reads every quantity balance in one call; an audit of named SKUs by prefix.
  const allQuantities = query.skus === undefined ? await tx.balances.sumByKey(QUANTITIES, buckets) : undefined;
  const quantityKeys = allQuantities === undefined ? undefined : keysBySku(allQuantities.keys());
  // SKUs are read AUDIT_CHUNK at a time: products, movements, values, cost states and
  // availability counters each in one call per chunk, so a shop of 10,000 SKUs makes a few
  // hundred round trips on a SQL store, not 60,000.
  for (let from = 0; from < skus.length; from += AUDIT_CHUNK) {
    const chunk = skus.slice(from, from + AUDIT_CHUNK);
    const products = new Map((await tx.documents.getMany<Product>(PRODUCTS, chunk)).map((d) => [d.id, d.data]));
    const audited = chunk.filter((sku) => products.has(sku));
    const histories = await readLogs<MovementRecord>(tx, MOVEMENTS, audited.map((sku) => ({ stream: sku, range: before === undefined ? {} : { lt: before } })));
    const values = audited.length === 0 ? new Map<string, Record<string, Decimal>>() : await tx.balances.sumByKey(VALUES, { keys: audited, ...buckets });
    const costStates = query.asOf === undefined ? new Map((await tx.documents.getMany<CostStateDoc>(COST_STATES, audited)).map((d) => [d.id, d.data])) : undefined;
    const perSku = audited.map((sku, i) => ({ sku, product: products.get(sku)!, ...sumMovements(sku, histories[i]!.map((e) => e.data)) }));
    const bySku = new Map(perSku.map((x) => [x.sku, x]));
    const counterKeys = query.asOf === undefined ? perSku.flatMap(({ sku, perWarehouse }) => [...perWarehouse.keys()].map((w) => `${sku}|${w}`)) : [];
    const counters = counterKeys.length === 0 ? new Map<string, Record<string, Decimal>>() : await tx.counters.getMany(AVAILABILITY, counterKeys);
    for (const sku of chunk) {
      if (done > 0) query.onProgress?.({ done, total: skus.length });
      done++;
      const one = bySku.get(sku);
      if (one === undefined) continue;
      const { product, records, expected, perWarehouse } = one;
      movementsRead += records.length;
      // 1. Quantity per location and lot = sum of movements.
      const balances = allQuantities ?? (await tx.balances.sumByKey(QUANTITIES, { keyPrefix: `${sku}|`, ...buckets }));
      const keys = new Set([...expected.keys()]);
      if (quantityKeys === undefined) {
        for (const k of balances.keys()) if (k.startsWith(`${sku}|`)) keys.add(k);
      } else {
        for (const k of quantityKeys.get(sku) ?? []) keys.add(k);
      }
      for (const key of keys) {
        const want = expected.get(key) ?? new Decimal(0);
        const got = balances.get(key)?.["quantity"] ?? new Decimal(0);
        if (!want.eq(got)) {
          differences.push({ sku, check: "quantity", expected: canonicalDecimal(want), actual: canonicalDecimal(got), where: key.split("|").slice(1).join("|"), cause: "the quantity balance differs from the sum of the movements at this location and lot (a movement whose balance delta was lost, or a balance written outside the ledger)" });
        }
      }
      if (query.asOf === undefined) {
        for (const [warehouseId, want] of perWarehouse) {
          const got = counters.get(`${sku}|${warehouseId}`)?.["onHand"] ?? new Decimal(0);
          if (!want.eq(got)) differences.push({ sku, check: "availability", expected: canonicalDecimal(want), actual: canonicalDecimal(got), where: warehouseId, cause: "the availability counter's on hand differs from the sum of the movements at this warehouse (a counter update lost or made outside the ledger)" });
        }
      }
      // 2. Stock value = sum of the remaining layers, re-derived from the movements.
      const start = emptyCostState(product.costingMethod, product.standardCost === null ? null : unitCostRatio(product.standardCost, digits));
      const replayed = replayAll(start, withArrivals(records.map((r) => ({ ...valuationInputOf(r), allowNegative: true }))), kernelFor(product.costingMethod, settings.kernels), code);
      const layersValue = valueOf(replayed);
      stockValue += layersValue;
      const value = values.get(sku);
      const booked = value?.["value"] ?? new Decimal(0);
      const inTransit = value?.["inTransit"] ?? new Decimal(0);
      accountValue = accountValue.plus(booked.minus(inTransit));
      const layers = new Decimal(formatScaled(layersValue, digits));
      if (!layers.eq(booked)) {
        differences.push({ sku, check: "value", expected: canonicalDecimal(layers), actual: canonicalDecimal(booked), where: null, cause: "the value balance (what was booked, by day) differs from the layers re-derived from the movements: a valuation difference that was not posted as StockRevalued" });
      }
      if (costStates !== undefined) {
        const doc = costStates.get(sku);
        const stateValue = doc === undefined ? 0n : valueOf(costStateFromJson(doc.state));
        if (stateValue !== layersValue) {
          differences.push({ sku, check: "cost-state", expected: formatScaled(layersValue, digits), actual: formatScaled(stateValue, digits), where: null, cause: "the stored cost state differs from the layers re-derived from the movements (a checkpoint or cost state written outside the ledger)" });
        }
      }
    }
  }
  if (skus.length > 0) query.onProgress?.({ done: skus.length, total: skus.length });
  let inventoryAccount: string | null = null;
  if (query.inventoryAccount !== undefined && query.skus === undefined) {
    const got = new Decimal((await query.inventoryAccount(tx, query.asOf)).toString());
    inventoryAccount = canonicalDecimal(got);
    if (!got.eq(accountValue)) {
      differences.push({ sku: null, check: "inventory-account", expected: canonicalDecimal(accountValue), actual: inventoryAccount, where: null, cause: "the Inventory account differs from the stock value less stock in transit: postings of stock-value events missing, or journal entries made to Inventory by hand" });
    }
  }
  return { asOf: query.asOf ?? null, ok: differences.length === 0, skus: skus.length, movements: movementsRead, stockValue: formatScaled(stockValue, digits), inventoryAccount, differences };
}

/** SKUs an audit reads together (each call per chunk). */
const AUDIT_CHUNK = 100;

/** A SKU's expected quantity per `sku|location|lot` key and per warehouse, summed from its movements. */
function sumMovements(sku: string, records: readonly MovementRecord[]): { records: readonly MovementRecord[]; expected: Map<string, Decimal>; perWarehouse: Map<string, Decimal> } {
  const expected = new Map<string, Decimal>();
  const perWarehouse = new Map<string, Decimal>();
  const bump = (map: Map<string, Decimal>, key: string, q: Decimal): void => {
    map.set(key, (map.get(key) ?? new Decimal(0)).plus(q));
  };
  for (const m of records) {
    const lot = m.lot ?? "";
    if (m.kind === "transfer") {
      const moved = new Decimal(m.moved);
      const to = m.to!;
      const transit = inTransitLocation(to.warehouseId);
      bump(expected, `${sku}|${m.stage === "arrived" ? transit : m.locationId}|${lot}`, moved.negated());
      bump(expected, `${sku}|${m.stage === "dispatched" ? transit : to.locationId}|${lot}`, moved);
      if (m.stage !== "arrived") bump(perWarehouse, m.warehouseId, moved.negated());
      if (m.stage !== "dispatched") bump(perWarehouse, to.warehouseId, moved);
    } else if (m.quantity !== "0") {
      bump(expected, `${sku}|${m.locationId}|${lot}`, new Decimal(m.quantity));
      bump(perWarehouse, m.warehouseId, new Decimal(m.quantity));
    }
  }
  return { records, expected, perWarehouse };
}

/** Balance keys (`sku|location|lot`) grouped by their SKU. */
function keysBySku(keys: Iterable<string>): Map<string, string[]> {
  const grouped = new Map<string, string[]>();
  for (const key of keys) {
    const sku = key.slice(0, key.indexOf("|"));
    const list = grouped.get(sku);
    if (list === undefined) grouped.set(sku, [key]);
    else list.push(key);
  }
  return grouped;
}

/**
 * The state after valuing `inputs` (every movement of a SKU, in position order, negative
 * stock allowed) from `start`, which it updates: one valuation batch, returns at the cost
 * their issue booked earlier in it.
 */
function replayAll(start: CostState, inputs: readonly ValuationInput[], kernel: ValuationKernel, rounding: RoundingCode): CostState {
  const batch = valuationBatch(inputs.length);
  const referenced = new Set<string>();
  for (const m of inputs) if (m.costOf !== undefined) referenced.add(m.costOf.movementId);
  const indexOf = new Map<string, number>();
  inputs.forEach((m, i) => {
    setBatchMovement(batch, i, m);
    if (referenced.has(m.id)) indexOf.set(m.id, i);
  });
  batch.length = inputs.length;
  const lookup = (id: string) => {
    const k = indexOf.get(id);
    return k === undefined || k >= batch.at ? undefined : { cost: batchAmount(batch, k), qty: inputs[k]!.qty };
  };
  const refused = valueBatch(kernel, [start], batch, rounding, lookup);
  invariant(refused < 0, "a replay that allows negative stock refused an issue");
  return start;
}
