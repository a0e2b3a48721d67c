import { minorUnits } from "../kernel/currencies.js";
import { localDateFormatter } from "../kernel/local-date.js";
import { noPeriodLocks } from "../ports/period-locks.js";
import type { BalanceDelta, StoredDocument } from "../ports/storage.js";
import { lockDocuments } from "../runner/batch-documents.js";
import { readLogs } from "../runner/batch-logs.js";
import { type CommandContext, type NewEvent, nowIsoOf } from "../runner/command.js";
import { COST_STATES, type CostStateDoc, type MovementDraft, QUANTITIES, type RecordedMovement, VALUES } from "./ledger-records.js";
import { MOVEMENTS, type MovementRecord, movementPosition } from "./movement.js";
import { backdateEvents, movementEvents, postingsJson } from "./movement-events.js";
import type { InventorySettings } from "./options.js";
import { type Product, requireProducts } from "./product.js";
import { flushLogs, newLogBatch, recordSku } from "./record-sku.js";
import { checkTracking, recordLots } from "./lots.js";
import { checkLotHolds } from "./lot-holds.js";
import { checkLocationHistory } from "./location-history.js";
import { checkSerialHistory } from "./serial-history.js";
import { keepReceiptCosts } from "./receipt-cost.js";
import { type CounterChanges, applyCounters, checkLocations, collectBalances, collectCounters, toDecimal } from "./stock-balances.js";
import { formatScaled, roundingCode } from "./valuation-kernel.js";
import { closeHolds, lockedExpiredIn } from "./reservation-holds.js";
import { Decimal } from "../kernel/decimal.js";

const ZERO = new Decimal(0);

/*
 * The stock ledger's write path. One function records movements for any number of SKUs
 * inside the command's transaction: per SKU (in SKU order, so two commands never
 * deadlock) it locks the cost state with getForUpdate, values the movements — directly
 * when they come after everything recorded, by re-derivation from a checkpoint when one is
 * back-dated — appends the movements and their valuations, moves the bucketed balances
 * and the guarded availability counter, and returns the stock-value events.
 */

/**
 * The result of recording movements: each movement and the events to emit.
 *
 * @example
 * ```ts
 * const { movements, events } = await recordMovements(ctx, settings, drafts);
 * ```
 */
export interface RecordOutcome {
  readonly movements: RecordedMovement[];
  readonly events: NewEvent[];
}

/**
 * Records movements (any SKUs) in the command's transaction; see the module comment.
 *
 * @example
 * ```ts
 * const { movements, events } = await recordMovements(ctx, settings, [draft]);
 * return { result: movements, events };
 * ```
 */
export async function recordMovements(ctx: CommandContext, settings: InventorySettings, drafts: readonly MovementDraft[]): Promise<RecordOutcome> {
  const bySku = new Map<string, MovementDraft[]>();
  for (const d of drafts) {
    const list = bySku.get(d.sku) ?? [];
    list.push(d);
    bySku.set(d.sku, list);
  }
  const currency = ctx.config.functionalCurrency;
  const digits = minorUnits(currency);
  const rounding = roundingCode(ctx.config.rounding);
  const movements: RecordedMovement[] = [];
  const events: NewEvent[] = [];
  const counterChanges: CounterChanges = new Map();
  const quantityDeltas: BalanceDelta[] = [];
  const valueDeltas: BalanceDelta[] = [];

  // The earliest date written must be open (locks run through a date).
  let earliest: string | undefined;
  const records = new Map<string, MovementRecord[]>();
  const dateOf = localDateFormatter(ctx.config.timeZone);
  const skus = [...bySku.keys()].sort();
  const products: ReadonlyMap<string, Product> = await requireProducts(ctx.tx, skus);
  for (const sku of skus) {
    const product = products.get(sku)!;
    const list: MovementRecord[] = [];
    for (const d of bySku.get(sku)!) {
      const record = toRecord(ctx, d, product, dateOf);
      list.push(record);
      if (earliest === undefined || record.effectiveDate < earliest) earliest = record.effectiveDate;
    }
    records.set(sku, list);
  }
  if (earliest !== undefined) await settings.periodGuard(ctx.tx, earliest, ctx.periodLocks ?? noPeriodLocks);

  // Every SKU's cost state is locked at once, in SKU order (recordSku's own lock then finds
  // it held): one statement on a SQL store instead of one per SKU.
  const lockedStates = new Map<string, StoredDocument<CostStateDoc>>();
  if (skus.length > 1) for (const d of await lockDocuments<CostStateDoc>(ctx.tx, COST_STATES, skus)) lockedStates.set(d.id, d);
  // Moving-average revaluations in arrival order count the units received since their
  // receipt: with the SKUs locked, every such SKU's movements since then in one read.
  const since = skus.length > 1 ? arrivalReads(skus, records, products) : [];
  const pages = since.length === 0 ? [] : await readLogs<MovementRecord>(ctx.tx, MOVEMENTS, since.map(([stream, from]) => ({ stream, range: { gt: from } })));
  const sinceReceipts = new Map(since.map(([sku, from], i) => [sku, { from, known: pages[i]! }]));
  // Every SKU's movements, valuations and checkpoints are appended together after the loop.
  const logs = newLogBatch();
  for (const sku of skus) {
    const product = products.get(sku)!;
    const skuDrafts = bySku.get(sku)!;
    const skuRecords = records.get(sku)!;
    // A SKU locked above without a cost state yet (its first movement) is passed as null.
    const state = skus.length > 1 ? (lockedStates.get(sku) ?? null) : undefined;
    const outcome = await recordSku(ctx, settings, product, skuRecords, rounding, logs, sinceReceipts.get(sku), state);
    if (outcome.backdated) {
      // The location history check reads the SKU's movements: what is gathered goes in first.
      await flushLogs(ctx.tx, logs);
      await checkLocationHistory(ctx.tx, product, skuRecords, skuRecords.every((r) => r.effectiveAt >= nowIsoOf(ctx)));
      await checkSerialHistory(ctx.tx, product, skuRecords);
    }
    for (const [i, record] of skuRecords.entries()) {
      const draft = skuDrafts[i]!;
      const valuation = outcome.valuations.get(record.movementId)!;
      movements.push({
        movementId: record.movementId,
        sku,
        kind: record.kind,
        effectiveAt: record.effectiveAt,
        effectiveDate: record.effectiveDate,
        quantity: record.kind === "transfer" || record.kind === "revaluation" ? record.moved : record.quantity,
        amount: formatScaled(record.kind === "transfer" ? BigInt(record.valueMinor ?? "0") : valuation.amount, digits),
        postings: postingsJson(valuation.postings, digits),
        backdated: outcome.backdated,
      });
      events.push(...movementEvents(record, valuation, currency, digits));
      collectCounters(counterChanges, record, draft, product);
      collectBalances(quantityDeltas, valueDeltas, record, valuation, digits);
    }
    if (outcome.differences.size > 0) {
      events.push(...backdateEvents(sku, outcome.backdatedBy!, outcome.differences, currency, digits));
      for (const [date, roles] of outcome.differences) {
        const inventory = roles.get("inventory");
        if (inventory !== undefined) valueDeltas.push({ key: sku, bucket: date, amounts: { value: toDecimal(inventory, digits) } });
      }
    }
  }
  await flushLogs(ctx.tx, logs);
  // With every SKU's cost state locked: no receipt's cost may go negative (one read, one write for all).
  if (drafts.some((d) => d.revalues !== undefined)) await keepReceiptCosts(ctx.tx, skus.flatMap((sku) => bySku.get(sku)!), skus.flatMap((sku) => records.get(sku)!), digits);
  // Lots matter only when a movement names one or a product is tracked: otherwise the three
  // lot steps have nothing to do, and are not awaited (each await costs a microtask turn).
  const lotted = lotsInvolved(drafts, products);
  if (lotted) await checkTracking(ctx.tx, quantityDeltas, products, drafts, await recordLots(ctx.tx, drafts), (at) => dateOf(new Date(at)));
  await checkLocations(ctx.tx, quantityDeltas, products);
  if (lotted) await checkLotHolds(ctx.tx, drafts, products, nowIsoOf(ctx));
  if (quantityDeltas.length > 0) await ctx.tx.balances.add(QUANTITIES, quantityDeltas);
  if (valueDeltas.length > 0) await ctx.tx.balances.add(VALUES, valueDeltas);
  // An expired hold stops counting before a movement that needs units available (as
  // `availability` shows them, and as `reserve` releases it first): released now, in the scopes
  // where such a movement lowers on hand, so an issue, transfer or shipment of an unreserved
  // order is not refused for a hold nobody keeps any more.
  const guarded = [...counterChanges.entries()].filter(([, c]) => c.enforce.has("available") && (c.deltas.get("onHand") ?? ZERO).isNegative()).map(([key]) => key).sort();
  if (guarded.length > 0) {
    const expired = await lockedExpiredIn(ctx.tx, guarded, nowIsoOf(ctx));
    if (expired.length > 0) {
      const closed = await closeHolds(ctx, expired, "expired", "expired");
      for (const [key, quantity] of closed.changes) {
        const change = counterChanges.get(key);
        if (change !== undefined) change.deltas.set("reserved", (change.deltas.get("reserved") ?? ZERO).minus(quantity));
      }
      events.push(...closed.events);
    }
  }
  await applyCounters(ctx.tx, counterChanges);
  return { movements, events };
}

/** Per moving-average SKU with a revaluation in arrival order among `records`: its earliest receipt's position. */
function arrivalReads(skus: readonly string[], records: ReadonlyMap<string, readonly MovementRecord[]>, products: ReadonlyMap<string, Product>): [string, string][] {
  const out: [string, string][] = [];
  for (const sku of skus) {
    if (products.get(sku)!.costingMethod !== "moving-average") continue;
    let earliest: string | undefined;
    for (const r of records.get(sku)!) {
      const rv = r.revalues;
      if (rv === null || rv.receiptAt === undefined) continue;
      const p = movementPosition(rv.receiptAt, rv.movementId);
      if (earliest === undefined || p < earliest) earliest = p;
    }
    if (earliest !== undefined) out.push([sku, earliest]);
  }
  return out;
}

/** Whether any draft names a lot or moves a lot- or serial-tracked product. */
function lotsInvolved(drafts: readonly MovementDraft[], products: ReadonlyMap<string, Product>): boolean {
  for (const d of drafts) {
    if (d.lot !== undefined && d.lot !== null) return true;
    if ((products.get(d.sku)?.tracking ?? "none") !== "none") return true;
  }
  return false;
}

function toRecord(ctx: CommandContext, d: MovementDraft, product: Product, dateOf: (instant: Date) => string): MovementRecord {
  const movementId = d.movementId ?? ctx.ids.next("mv");
  return {
    movementId,
    sku: d.sku,
    kind: d.kind,
    effectiveAt: d.effectiveAt,
    effectiveDate: d.effectiveAt === ctx.nowIso ? ctx.today : dateOf(new Date(d.effectiveAt)),
    recordedAt: nowIsoOf(ctx),
    quantity: d.quantity,
    moved: d.moved ?? "0",
    warehouseId: d.warehouseId,
    locationId: d.locationId,
    lot: d.lot ?? null,
    to: d.to ?? null,
    stage: d.stage ?? null,
    transferId: d.transferId ?? null,
    counterRole: d.counterRole,
    source: { ...d.source } as MovementRecord["source"],
    orderId: d.orderId ?? null,
    valueMinor: d.valueMinor === undefined ? null : d.valueMinor.toString(),
    costOf: d.costOf ?? null,
    revalues: d.revalues === undefined ? null : { movementId: d.revalues.movementId, receiptQty: d.revalues.receiptQty.toString(), amount: d.revalues.amount.toString(), againstRole: d.revalues.againstRole, ...(d.revalues.returnedQty === undefined ? {} : { returnedQty: d.revalues.returnedQty.toString() }), ...(d.revalues.receiptAt === undefined ? {} : { receiptAt: d.revalues.receiptAt }) },
    reason: d.reason ?? null,
    allowNegative: product.allowNegativeStock,
    ...(d.standard === undefined ? {} : { standard: [d.standard.value.toString(), d.standard.qty.toString()] as const }),
  };
}
