import { ORDER_CUSTOMERS } from "./lot-reports.js";
import { Decimal, canonicalDecimal } from "../kernel/decimal.js";
import { StorekeepError } from "../kernel/errors.js";
import { type EventType, eventCatalog } from "../kernel/events/definitions.js";
import { billLineDifferences } from "../kernel/events/purchasing.js";
import { minorUnits } from "../kernel/currencies.js";
import type { OutboxEvent, StoredDocument } from "../ports/storage.js";
import { type CommandContext, type NewEvent, type Reaction, nowIsoOf } from "../runner/command.js";
import { effectiveInstant } from "./effective.js";
import { type MovementDraft, type MovementIndexDoc } from "./ledger-records.js";
import { recordMovements } from "./record-movements.js";
import { resolveLocation } from "./location.js";
import { MOVEMENT_INDEX, type MovementRecord, VALUATIONS, movementPosition } from "./movement.js";
import { type ValuationEntry, valuationHistoryOf, valuationHistoryReads } from "./valuation-log.js";
import { readLogs } from "../runner/batch-logs.js";
import { minorOf } from "./amounts.js";
import { movementAt, movementsAt, readMovement } from "./read-movement.js";
import { returnValue } from "./return-value.js";
import { revaluationDraft } from "./revaluation-draft.js";
import type { InventorySettings } from "./options.js";
import { type Product, requireProduct, requireProducts } from "./product.js";
import { planRemoval, resolvedLocations } from "./removal.js";
import { type ReserveInput, reserveLines } from "./reserve.js";
import { releaseOrderHolds, releaseOrderHoldsQueued } from "./release-order.js";
import { orderHolds } from "./reservation-holds.js";
import { orderDocumentsBySku } from "./order-documents.js";
import { QUANTITY_DECIMALS, formatScaled, parseScaled } from "./valuation-kernel.js";

/*
 * Inventory's reactions to document events: they run inside the command that recorded the
 * document (atomic with it), move or value stock, and emit the stock-value events finance
 * posts. An event dated today takes effect at its instant; one dated earlier at the start
 * of its day in the shop's time zone (a back-dated document re-derives its SKUs).
 */

/** The event's parsed payload: as the runner parsed it when it validates with the catalog, else parsed here. */
function payloadOf<T extends EventType>(ctx: CommandContext, type: T, event: OutboxEvent): ReturnType<typeof eventCatalog.parsePayload<T>> {
  return ctx.eventsParsed === true ? (event.payload as unknown as ReturnType<typeof eventCatalog.parsePayload<T>>) : eventCatalog.parsePayload(type, event.payload, event.schemaVersion);
}

function when(ctx: CommandContext, event: OutboxEvent): string {
  return effectiveInstant(ctx, event.effectiveDate === ctx.today ? { effectiveAt: event.occurredAt <= ctx.now.toISOString() ? event.occurredAt : ctx.now.toISOString() } : { effectiveDate: event.effectiveDate });
}

/**
 * When a bill's price difference or a landed cost revalues stock: at the document's date, or
 * now when it is dated ahead (suppliers date invoices ahead; no goods move, and stock is not
 * valued in the future, so the change applies from when storekeep learns of it).
 */
function revaluedWhen(ctx: CommandContext, event: OutboxEvent): string {
  return event.effectiveDate > ctx.today ? nowIsoOf(ctx) : when(ctx, event);
}

/**
 * A receipt's movements: its index documents in one read, the movements from the ledger at
 * the positions they name in one more, kept in `seen` by receipt for the event's other lines
 * (a 12-line bill of one receipt reads it once, not once per line).
 */
async function receiptMovements(ctx: CommandContext, receiptId: string, seen?: Map<string, MovementRecord[]>): Promise<MovementRecord[]> {
  const had = seen?.get(receiptId);
  if (had !== undefined) return had;
  const found = await ctx.tx.documents.find<MovementIndexDoc>(MOVEMENT_INDEX, { index: "bySource", equals: ["receipt", receiptId], limit: 1000 });
  const indexed = found.filter((d) => d.data.kind === "receipt").map((d) => d.data);
  const read = await movementsAt(ctx.tx, indexed);
  const out = indexed.map((d, i) => {
    const movement = read[i];
    if (movement === undefined) throw new StorekeepError("NOT_FOUND", `Movement "${d.movementId}" is indexed but not in the ledger.`, { movementId: d.movementId });
    return movement;
  });
  seen?.set(receiptId, out);
  return out;
}

/**
 * What one return event reads of its order, kept across its lines: the order's movement index
 * (one read for every SKU; `null` until read) and the movements read from the ledger, by id.
 */
interface OrderReads {
  readonly orderId: string;
  bySku: Map<string, StoredDocument<MovementIndexDoc>[]> | undefined | null;
  readonly movements: Map<string, MovementRecord>;
  /** The sale issues' valuation histories, by movement id. */
  readonly valuations: Map<string, ValuationEntry[]>;
}

/**
 * Reads ahead what a return's lines will look up, in three reads whatever the number of lines:
 * the order's movement index, the sale issues and returns of the lines' SKUs from the ledger
 * (one `readLogs`), and the sale issues' valuation histories (one more) when a line is valued
 * at the cost it left with. An order too large for one index read is left to the per-line reads.
 */
async function readReturnAhead(ctx: CommandContext, reads: OrderReads, skus: readonly string[], valued: boolean): Promise<void> {
  if (reads.bySku === null) reads.bySku = await orderDocumentsBySku<MovementIndexDoc>(ctx.tx, MOVEMENT_INDEX, reads.orderId);
  if (reads.bySku === undefined) return;
  const indexed: MovementIndexDoc[] = [];
  for (const sku of skus) for (const d of reads.bySku.get(sku) ?? []) if ((d.data.kind === "sale-issue" || d.data.kind === "customer-return") && !reads.movements.has(d.data.movementId)) indexed.push(d.data);
  if (indexed.length === 0) return;
  const found = await movementsAt(ctx.tx, indexed);
  const issues: MovementRecord[] = [];
  indexed.forEach((d, i) => {
    const movement = found[i];
    if (movement === undefined) return; // reported by the per-line read, as before
    reads.movements.set(d.movementId, movement);
    if (movement.kind === "sale-issue") issues.push(movement);
  });
  if (!valued || issues.length === 0) return;
  const histories = await readLogs(ctx.tx, VALUATIONS, issues.flatMap((m) => valuationHistoryReads(m.sku, movementPosition(m.effectiveAt, m.movementId))));
  issues.forEach((m, i) => reads.valuations.set(m.movementId, valuationHistoryOf(histories[2 * i]!, histories[2 * i + 1]!, m.movementId)));
}

/** An order's sale issues and customer returns of a SKU, the latest first. */
async function orderIssuesAndReturns(ctx: CommandContext, orderId: string, sku: string, reads?: OrderReads): Promise<MovementRecord[]> {
  let found: readonly StoredDocument<MovementIndexDoc>[] | undefined;
  if (reads !== undefined && reads.orderId === orderId) {
    if (reads.bySku === null) reads.bySku = await orderDocumentsBySku<MovementIndexDoc>(ctx.tx, MOVEMENT_INDEX, orderId);
    if (reads.bySku !== undefined) found = reads.bySku.get(sku) ?? [];
  }
  found ??= await ctx.tx.documents.find<MovementIndexDoc>(MOVEMENT_INDEX, { index: "byOrder", equals: [orderId, sku], limit: 1000 });
  const out: MovementRecord[] = [];
  for (const d of [...found].sort((a, b) => (a.data.position < b.data.position ? 1 : a.data.position > b.data.position ? -1 : 0))) {
    if (d.data.kind !== "sale-issue" && d.data.kind !== "customer-return") continue;
    let movement = reads?.movements.get(d.data.movementId);
    if (movement === undefined) {
      // The index document is at hand: the movement is read from the ledger by its position.
      movement = await movementAt(ctx.tx, d.data);
      reads?.movements.set(d.data.movementId, movement);
    }
    out.push(movement);
  }
  return out;
}

/**
 * The lots a customer return of a lot- or serial-tracked product that names none comes back
 * into: those the order's shipments of the SKU took and neither its earlier returns nor this
 * return's earlier lines (`pendingLots`, by lot) have brought back — the returned line's own
 * shipments first, then the order's other shipments of the SKU, the latest first within each —
 * each part valued at the unit cost of the issue it came from. (Two lines of one serial-tracked
 * SKU returned together each take serials still out: the second no longer takes the serial
 * the first brought back, which the ledger refused as on hand twice.)
 * An untracked product comes back the same way through the order's issues (latest first,
 * after what earlier returns brought back), so units that left at different costs — two
 * warehouses, two FIFO layers — return at each one's own. A return the order's shipments do
 * not cover keeps one part without a lot, as before.
 */
async function returnedLots(ctx: CommandContext, orderId: string, sku: string, quantity: string, lineId: string | undefined, pending: Map<string, bigint>, pendingLots: Map<string, bigint>, reads?: OrderReads): Promise<{ lot: string | undefined; quantity: string; issueId: string | undefined }[]> {
  const whole = [{ lot: undefined, quantity, issueId: undefined }];
  if (((await requireProduct(ctx.tx, sku)).tracking ?? "none") === "none") return untrackedReturnParts(ctx, orderId, sku, quantity, lineId, pending, reads);
  const issues: MovementRecord[] = [];
  const back = new Map<string, bigint>();
  for (const m of await orderIssuesAndReturns(ctx, orderId, sku, reads)) {
    if (m.lot === null) continue;
    if (m.kind === "sale-issue") issues.push(m);
    else back.set(m.lot, (back.get(m.lot) ?? 0n) + parseScaled(m.quantity, QUANTITY_DECIMALS));
  }
  // What each lot still has out with the customer: shipped less returned, less what this return's earlier lines take back.
  const out = new Map<string, bigint>();
  for (const m of issues) out.set(m.lot!, (out.get(m.lot!) ?? 0n) + parseScaled(m.quantity.replace("-", ""), QUANTITY_DECIMALS));
  for (const [lot, q] of back) out.set(lot, (out.get(lot) ?? 0n) - q);
  for (const [lot, q] of out) out.set(lot, q - (pendingLots.get(`${sku}|${lot}`) ?? 0n));
  // The returned line's own shipments first (its lots, its costs), then the order's other shipments of the SKU.
  const own = lineId === undefined ? [] : issues.filter((m) => m.source.lineId === lineId);
  const ordered = [...own, ...issues.filter((m) => !own.includes(m))];
  let left = parseScaled(quantity, QUANTITY_DECIMALS);
  const parts: { lot: string | undefined; quantity: string; issueId: string | undefined }[] = [];
  // Each lot's open units come back through its latest issues first, each part at that issue's unit cost.
  for (const m of ordered) {
    if (left === 0n) break;
    const open = out.get(m.lot!) ?? 0n;
    const take = [left, open, parseScaled(m.quantity.replace("-", ""), QUANTITY_DECIMALS)].reduce((a, b) => (a < b ? a : b));
    if (take <= 0n) continue;
    parts.push({ lot: m.lot!, quantity: formatQuantity(take), issueId: m.movementId });
    out.set(m.lot!, open - take);
    left -= take;
  }
  if (left > 0n) return whole;
  for (const part of parts) pendingLots.set(`${sku}|${part.lot!}`, (pendingLots.get(`${sku}|${part.lot!}`) ?? 0n) + parseScaled(part.quantity, QUANTITY_DECIMALS));
  return parts;
}

/**
 * The parts of an untracked product's return over the order's issues of the SKU — of the
 * returned order line when its shipments name it — latest first, skipping what earlier
 * returns of that line took back (`pending`: what this event's earlier lines took, by SKU and
 * line; lines naming no shipped line count per SKU).
 */
async function untrackedReturnParts(ctx: CommandContext, orderId: string, sku: string, quantity: string, lineId: string | undefined, pending: Map<string, bigint>, reads?: OrderReads): Promise<{ lot: string | undefined; quantity: string; issueId: string | undefined }[]> {
  const whole = [{ lot: undefined, quantity, issueId: undefined }];
  const all = await orderIssuesAndReturns(ctx, orderId, sku, reads);
  const ofLine = lineId !== undefined && all.some((m) => m.kind === "sale-issue" && m.source.lineId === lineId);
  const mine = ofLine ? all.filter((m) => m.source.lineId === lineId) : all;
  // By SKU too: lines that name no line of the order's shipments share only their own SKU's issues.
  const key = ofLine ? `${sku}|${lineId!}` : `${sku}|`;
  const issues = mine.filter((m) => m.kind === "sale-issue");
  let back = pending.get(key) ?? 0n;
  for (const m of mine) if (m.kind === "customer-return") back += parseScaled(m.quantity, QUANTITY_DECIMALS);
  pending.set(key, (pending.get(key) ?? 0n) + parseScaled(quantity, QUANTITY_DECIMALS));
  if (issues.length === 0) return whole;
  let left = parseScaled(quantity, QUANTITY_DECIMALS);
  const parts: { lot: string | undefined; quantity: string; issueId: string | undefined }[] = [];
  for (const m of issues) {
    if (left === 0n) break;
    let open = parseScaled(m.quantity.replace("-", ""), QUANTITY_DECIMALS);
    const skipped = back < open ? back : open;
    back -= skipped;
    open -= skipped;
    const take = left < open ? left : open;
    if (take <= 0n) continue;
    parts.push({ lot: undefined, quantity: formatQuantity(take), issueId: m.movementId });
    left -= take;
  }
  return left > 0n ? whole : parts;
}

function formatQuantity(units: bigint): string {
  return canonicalDecimal(new Decimal(units.toString()).dividedBy(10 ** QUANTITY_DECIMALS));
}

/** Largest-remainder split of `total` minor units by integer weights (deterministic, loses nothing). */
function splitByWeights(total: bigint, weights: readonly bigint[]): bigint[] {
  const sum = weights.reduce((a, b) => a + b, 0n);
  if (sum === 0n) return weights.map(() => 0n);
  const shares = weights.map((w) => (total * w) / sum);
  const remainders = weights.map((w, i) => ({ i, r: total * w - shares[i]! * sum }));
  let left = total - shares.reduce((a, b) => a + b, 0n);
  remainders.sort((a, b) => (a.r === b.r ? a.i - b.i : a.r > b.r ? -1 : 1));
  for (let k = 0; left > 0n; k++, left--) shares[remainders[k % remainders.length]!.i]! += 1n;
  return shares;
}

/**
 * A standard-cost SKU sent back to the supplier leaves stock at standard, while the return
 * credits the purchase price difference with what it was bought at (the line's `value`): the
 * difference is the variance its receipt and bill booked for those units, reversed — Dr
 * `purchase-price-difference` / Cr `purchase-price-variance` — so that the purchase price
 * difference keeps nothing of a standard-cost SKU. Returns recorded before lines carried a
 * value leave it where it was.
 */
function standardReturnVariances(ctx: CommandContext, date: string, p: { readonly returnId: string; readonly lines: readonly { readonly lineId?: string | undefined; readonly sku: string; readonly value?: { readonly amount: string; readonly currency: string } | undefined }[] }, products: ReadonlyMap<string, Product>, issued: readonly NewEvent[]): NewEvent[] {
  const out: NewEvent[] = [];
  const digits = minorUnits(ctx.config.functionalCurrency);
  for (const [index, line] of p.lines.entries()) {
    if (line.value === undefined || products.get(line.sku)?.costingMethod !== "standard") continue;
    const lineId = line.lineId ?? String(index + 1);
    let cost = 0n;
    for (const e of issued) {
      const payload = e.payload as { sku?: string; source?: { type: string; id: string; lineId?: string }; cost?: { amount: string } };
      if (e.type !== "StockIssued" || payload.sku !== line.sku || payload.source?.type !== "supplier-return" || payload.source.id !== p.returnId || payload.source.lineId !== lineId) continue;
      cost += minorOf(ctx, payload.cost!.amount, "cost");
    }
    const variance = minorOf(ctx, line.value.amount, "lines.value") - cost;
    if (variance === 0n) continue;
    const amount = (units: bigint) => ({ amount: formatScaled(units, digits), currency: ctx.config.functionalCurrency });
    out.push({
      type: "StockRevalued",
      aggregateType: "sku",
      aggregateId: line.sku,
      effectiveDate: date,
      payload: {
        revaluationId: `${p.returnId}.${lineId}.variance`.replace(/[^A-Za-z0-9._:/-]/g, ""),
        sku: line.sku,
        reason: "price-difference",
        source: { type: "supplier-return", id: p.returnId, lineId },
        postings: [
          { role: "purchase-price-difference", amount: amount(variance) },
          { role: "purchase-price-variance", amount: amount(-variance) },
        ],
      },
    } as NewEvent);
  }
  return out;
}

/**
 * The reactions of the inventory module.
 *
 * @example
 * ```ts
 * const reactions = inventoryReactions(resolveInventoryOptions());
 * ```
 */
export function inventoryReactions(settings: InventorySettings): Reaction[] {
  const record = async (ctx: CommandContext, drafts: MovementDraft[], extra: NewEvent[] = []): Promise<NewEvent[]> => {
    if (drafts.length === 0) return extra;
    const out = await recordMovements(ctx, settings, drafts);
    return [...extra, ...out.events];
  };

  const goodsReceived: Reaction = {
    name: "inventory.onGoodsReceived",
    on: ["GoodsReceived"],
    async handle(ctx, event) {
      const p = payloadOf(ctx, "GoodsReceived", event);
      const at = when(ctx, event);
      const drafts: MovementDraft[] = [];
      for (const line of p.lines) {
        drafts.push({
          sku: line.sku,
          kind: "receipt",
          effectiveAt: at,
          quantity: line.quantity,
          warehouseId: p.warehouseId,
          locationId: await resolveLocation(ctx.tx, p.warehouseId, line.locationId),
          lot: line.lot,
          ...(line.expiry === undefined ? {} : { expiry: line.expiry }),
          counterRole: "grni",
          source: { type: "receipt", id: p.receiptId, lineId: line.lineId },
          valueMinor: minorOf(ctx, line.receivedValue.amount, "receivedValue"),
        });
      }
      return record(ctx, drafts);
    },
  };

  const shipmentDispatched: Reaction = {
    name: "inventory.onShipmentDispatched",
    on: ["ShipmentDispatched"],
    async handle(ctx, event) {
      const p = payloadOf(ctx, "ShipmentDispatched", event);
      const at = when(ctx, event);
      const drafts: MovementDraft[] = [];
      const extra: NewEvent[] = [];
      const holds = orderHolds(p.orderId);
      // The lines' products in one read, their locations resolved once.
      const products = await requireProducts(ctx.tx, [...new Set(p.lines.map((l) => l.sku))]);
      const resolved = resolvedLocations();
      for (const line of p.lines) {
        // A lot-tracked line without a lot takes lots by the removal strategy (one movement per location and lot).
        const warehouseId = line.warehouseId ?? p.warehouseId;
        const plan = await planRemoval(ctx, { sku: line.sku, warehouseId, locationId: line.locationId, lot: line.lot, quantity: line.quantity, effectiveAt: at, orderId: p.orderId, fulfil: true, holds, oldestFirst: settings.backorderAllocation === "oldest-first", product: products.get(line.sku), resolved });
        extra.push(...plan.events);
        for (const part of plan.parts) {
          drafts.push({
            sku: line.sku,
            kind: "sale-issue",
            effectiveAt: at,
            quantity: `-${part.quantity}`,
            warehouseId,
            locationId: part.locationId,
            lot: part.lot,
            counterRole: "cogs",
            source: { type: "shipment", id: p.shipmentId, lineId: line.lineId },
            orderId: p.orderId,
            reservedRelease: part.released,
          });
        }
      }
      return record(ctx, drafts, extra);
    },
  };

  const reservationRequested: Reaction = {
    name: "inventory.onOrderReservationRequested",
    on: ["OrderReservationRequested"],
    async handle(ctx, event) {
      const p = payloadOf(ctx, "OrderReservationRequested", event);
      // An edit replaces what the order holds: release first, so the units freed count for the new holds.
      // The new holds keep the order's place in the backorder queue (its earliest held hold's).
      const { events: released, queuedAt: rankAt } = p.replace === true ? await releaseOrderHoldsQueued(ctx, p.orderId, "released") : { events: [], queuedAt: undefined };
      if (p.lines.length === 0) return released;
      const out = await reserveLines(
        ctx,
        settings,
        {
          lines: p.lines.map((l) => ({ sku: l.sku, warehouseId: l.warehouseId ?? p.warehouseId, quantity: new Decimal(l.quantity), lineId: l.lineId })),
          kind: p.kind,
          ...(p.expiresAt === undefined ? {} : { expiresAt: p.expiresAt }),
          orderId: p.orderId,
        } as ReserveInput,
        rankAt,
      );
      return [...released, ...out.events];
    },
  };

  const orderCancelled: Reaction = {
    name: "inventory.onOrderCancelled",
    on: ["OrderCancelled"],
    async handle(ctx, event) {
      const p = payloadOf(ctx, "OrderCancelled", event);
      return releaseOrderHolds(ctx, p.orderId, p.reason);
    },
  };

  const returnReceived: Reaction = {
    name: "inventory.onReturnReceived",
    on: ["ReturnReceived"],
    async handle(ctx, event) {
      const p = payloadOf(ctx, "ReturnReceived", event);
      const at = when(ctx, event);
      const drafts: MovementDraft[] = [];
      const pending = new Map<string, bigint>();
      const pendingLots = new Map<string, bigint>();
      // The lines' products, and the order's movements, read once for every line.
      const skus = [...new Set(p.lines.map((l) => l.sku))];
      await requireProducts(ctx.tx, skus);
      const reads: OrderReads = { orderId: p.orderId, bySku: null, movements: new Map(), valuations: new Map() };
      if (p.lines.some((l) => l.lot === undefined || l.unitCost === undefined)) await readReturnAhead(ctx, reads, skus, p.lines.some((l) => l.unitCost === undefined));
      for (const [index, line] of p.lines.entries()) {
        const locationId = await resolveLocation(ctx.tx, p.warehouseId, line.locationId);
        const source = { type: "customer-return" as const, id: p.returnId, lineId: line.lineId ?? String(index + 1) };
        // A tracked product returned without a lot comes back into the lots the order's shipments took.
        const parts = line.lot === undefined ? await returnedLots(ctx, p.orderId, line.sku, line.quantity, line.lineId, pending, pendingLots, reads) : [{ lot: line.lot, quantity: line.quantity, issueId: undefined }];
        for (const part of parts) {
          const priced = await returnValue(ctx, line.sku, part.quantity, line.unitCost?.amount, part.issueId, p.orderId, reads.movements, reads.valuations);
          drafts.push({ sku: line.sku, kind: "customer-return", effectiveAt: at, quantity: part.quantity, warehouseId: p.warehouseId, locationId, lot: part.lot, counterRole: "cogs", source, orderId: p.orderId, ...priced });
          if (line.disposition === "write-off") {
            drafts.push({ sku: line.sku, kind: "adjustment", effectiveAt: at, quantity: `-${part.quantity}`, warehouseId: p.warehouseId, locationId, lot: part.lot, counterRole: "write-off", source, reason: "damaged-return" });
          }
        }
      }
      return record(ctx, drafts);
    },
  };

  const supplierReturned: Reaction = {
    name: "inventory.onSupplierReturned",
    on: ["SupplierReturned"],
    async handle(ctx, event) {
      const p = payloadOf(ctx, "SupplierReturned", event);
      const at = when(ctx, event);
      const drafts: MovementDraft[] = [];
      // The lines' products in one read (each line's removal plan then finds its product at hand).
      const products = await requireProducts(ctx.tx, [...new Set(p.lines.map((l) => l.sku))]);
      for (const [index, line] of p.lines.entries()) {
        const plan = await planRemoval(ctx, { sku: line.sku, warehouseId: p.warehouseId, locationId: line.locationId, lot: line.lot, quantity: line.quantity, effectiveAt: at, fulfil: false });
        for (const part of plan.parts) {
          drafts.push({
            sku: line.sku,
            kind: "supplier-return",
            effectiveAt: at,
            quantity: `-${part.quantity}`,
            warehouseId: p.warehouseId,
            locationId: part.locationId,
            lot: part.lot,
            counterRole: "purchase-price-difference",
            source: { type: "supplier-return", id: p.returnId, lineId: line.lineId ?? String(index + 1) },
          });
        }
      }
      const events = await record(ctx, drafts);
      return [...events, ...standardReturnVariances(ctx, event.effectiveDate, p, products, events)];
    },
  };

  const billRecorded: Reaction = {
    name: "inventory.onSupplierBillRecorded",
    on: ["SupplierBillRecorded"],
    async handle(ctx, event) {
      const p = payloadOf(ctx, "SupplierBillRecorded", event);
      const at = revaluedWhen(ctx, event);
      const drafts: MovementDraft[] = [];
      const receipts = new Map<string, MovementRecord[]>();
      for (const [index, line] of p.lines.entries()) {
        minorOf(ctx, line.billedValue.amount, "billedValue");
        minorOf(ctx, line.receivedValue.amount, "receivedValue");
        // Stock takes the price difference only: a pure rate change is finance's exchange difference (IAS 21).
        const amount = minorOf(ctx, billLineDifferences(line, p.rate, minorUnits(ctx.config.functionalCurrency)).price, "billedValue");
        if (amount === 0n) continue;
        const source = { type: "bill" as const, id: p.billId, lineId: line.lineId ?? String(index + 1) };
        let receipt: MovementRecord | undefined;
        if (line.receiptId !== undefined) {
          const candidates = (await receiptMovements(ctx, line.receiptId, receipts)).filter((m) => m.sku === line.sku);
          receipt = candidates.find((m) => line.receiptLineId !== undefined && m.source.lineId === line.receiptLineId) ?? candidates[0];
        }
        if (receipt === undefined) {
          throw new StorekeepError("NOT_FOUND", `Bill ${p.billId} line ${index + 1} differs from what was received for ${line.sku}, but names no receipt inventory recorded (receiptId ${line.receiptId ?? "missing"}); name the receipt so the difference can be split between stock on hand and COGS.`, {
            billId: p.billId,
            sku: line.sku,
            receiptId: line.receiptId ?? null,
          });
        }
        drafts.push(await revaluationDraft(ctx, receipt, amount, "price-difference", source, at, line.receiptQuantity === undefined ? undefined : parseScaled(line.receiptQuantity, QUANTITY_DECIMALS)));
      }
      return record(ctx, drafts);
    },
  };

  const landedCost: Reaction = {
    name: "inventory.onLandedCostRecorded",
    on: ["LandedCostRecorded"],
    async handle(ctx, event) {
      const p = payloadOf(ctx, "LandedCostRecorded", event);
      const at = revaluedWhen(ctx, event);
      const source = { type: "landed-cost" as const, id: p.landedCostId };
      const drafts: MovementDraft[] = [];
      // Units of each receipt line already sent back to the supplier, laid on the line's movements in order.
      const returnedLeft = new Map<string, bigint>();
      for (const r of p.returned ?? []) {
        const key = `${r.receiptId}|${r.receiptLineId ?? ""}|${r.sku}`;
        returnedLeft.set(key, (returnedLeft.get(key) ?? 0n) + parseScaled(r.quantity, QUANTITY_DECIMALS));
      }
      const returnedOf = (receiptId: string, m: MovementRecord): bigint | undefined => {
        const key = [`${receiptId}|${m.source.lineId ?? ""}|${m.sku}`, `${receiptId}||${m.sku}`].find((k) => (returnedLeft.get(k) ?? 0n) > 0n);
        if (key === undefined) return undefined;
        const left = returnedLeft.get(key)!;
        const q = parseScaled(m.quantity, QUANTITY_DECIMALS);
        const take = left < q ? left : q;
        returnedLeft.set(key, left - take);
        return take;
      };
      if (p.allocations !== undefined) {
        const receipts = new Map<string, MovementRecord[]>();
        for (const a of p.allocations) {
          const amount = minorOf(ctx, a.value.amount, "allocations.value");
          if (amount === 0n) continue;
          const candidates = (await receiptMovements(ctx, a.receiptId, receipts)).filter((m) => m.sku === a.sku);
          const receipt = candidates.find((m) => a.receiptLineId !== undefined && m.source.lineId === a.receiptLineId) ?? candidates[0];
          if (receipt === undefined) throw new StorekeepError("NOT_FOUND", `Landed cost ${p.landedCostId} allocates to ${a.sku} on receipt ${a.receiptId}, which inventory has not recorded.`, { receiptId: a.receiptId, sku: a.sku });
          drafts.push(await revaluationDraft(ctx, receipt, amount, "landed-cost", { ...source, lineId: receipt.movementId.replace(/[^A-Za-z0-9._:/-]/g, "") }, at, undefined, returnedOf(a.receiptId, receipt)));
        }
        return record(ctx, drafts);
      }
      const receipts: MovementRecord[] = [];
      const receiptIdOf: string[] = [];
      for (const id of p.receiptIds) {
        const found = await receiptMovements(ctx, id);
        if (found.length === 0) throw new StorekeepError("NOT_FOUND", `Landed cost ${p.landedCostId} names receipt ${id}, which inventory has not recorded.`, { receiptId: id });
        receipts.push(...found);
        for (let k = 0; k < found.length; k++) receiptIdOf.push(id);
      }
      const products = await requireProducts(ctx.tx, [...new Set(receipts.map((r) => r.sku))]);
      const weights = receipts.map((r) => {
        const q = parseScaled(r.quantity, QUANTITY_DECIMALS);
        if (p.basis === "quantity") return q;
        if (p.basis === "value") return BigInt(r.valueMinor ?? "0");
        const w = products.get(r.sku)!.weight;
        return w === null ? 0n : q * parseScaled(w, QUANTITY_DECIMALS);
      });
      if (weights.every((w) => w === 0n)) {
        throw new StorekeepError("VALIDATION_FAILED", `Landed cost ${p.landedCostId} is spread by ${p.basis}, but the receipts' ${p.basis === "weight" ? "products have no weight" : `${p.basis} is zero`}; define product weights or choose another basis.`, {
          issues: [{ path: "basis", message: `no ${p.basis} to spread by`, code: "custom" }],
        });
      }
      const shares = splitByWeights(minorOf(ctx, p.functional.net.amount, "functional.net"), weights);
      for (const [i, r] of receipts.entries()) {
        const returned = returnedOf(receiptIdOf[i]!, r);
        if (shares[i] === 0n) continue;
        drafts.push(await revaluationDraft(ctx, r, shares[i]!, "landed-cost", { ...source, lineId: r.movementId }, at, undefined, returned));
      }
      return record(ctx, drafts);
    },
  };

  // A cash discount put on the cost of goods (purchasing's `cashDiscounts: "stock"`): each
  // receipt the paid bills were for is revalued down by its part, like a lower billed price; a
  // landed-cost bill's, off the receipts the landed cost went onto.
  const supplierPaid: Reaction = {
    name: "inventory.onSupplierPaid",
    on: ["SupplierPaid"],
    async handle(ctx, event) {
      const p = payloadOf(ctx, "SupplierPaid", event);
      const parts = p.discount?.onStock ?? [];
      const landed = p.discount?.onLandedCost ?? [];
      if (parts.length === 0 && landed.length === 0) return [];
      const at = revaluedWhen(ctx, event);
      const drafts: MovementDraft[] = [];
      const receipts = new Map<string, MovementRecord[]>();
      // A freight bill's discount comes off the receipts its landed cost went onto, in the shares it went on.
      for (const part of landed) {
        const found = await ctx.tx.documents.find<MovementIndexDoc>(MOVEMENT_INDEX, { index: "bySource", equals: ["landed-cost", part.landedCostId], limit: 10_000 });
        const revaluations = (await movementsAt(ctx.tx, found.filter((d) => d.data.kind === "revaluation").map((d) => d.data))).filter((m): m is MovementRecord => m !== undefined && m.revalues !== null);
        const shares = splitByWeights(minorOf(ctx, part.value.amount, "discount.onLandedCost.value"), revaluations.map((m) => BigInt(m.revalues!.amount)));
        if (shares.every((share) => share === 0n)) {
          throw new StorekeepError("NOT_FOUND", `Payment ${p.paymentId} puts part of its discount on landed cost ${part.landedCostId}, which inventory has not spread onto any receipt.`, { paymentId: p.paymentId, landedCostId: part.landedCostId });
        }
        for (const [i, m] of revaluations.entries()) {
          if (shares[i] === 0n) continue;
          const r = m.revalues!;
          const receipt = await readMovement(ctx.tx, r.movementId);
          const source = { type: "supplier-payment" as const, id: p.paymentId, lineId: part.landedCostId };
          drafts.push(await revaluationDraft(ctx, receipt, -shares[i]!, "landed-cost", source, at, BigInt(r.receiptQty), r.returnedQty === undefined ? undefined : BigInt(r.returnedQty)));
        }
      }
      for (const part of parts) {
        const amount = minorOf(ctx, part.value.amount, "discount.onStock.value");
        const candidates = (await receiptMovements(ctx, part.receiptId, receipts)).filter((m) => m.sku === part.sku);
        const receipt = candidates.find((m) => part.receiptLineId !== undefined && m.source.lineId === part.receiptLineId) ?? candidates[0];
        if (receipt === undefined) {
          throw new StorekeepError("NOT_FOUND", `Payment ${p.paymentId} puts part of its discount on ${part.sku} of receipt ${part.receiptId}, which inventory has not recorded.`, { paymentId: p.paymentId, receiptId: part.receiptId, sku: part.sku });
        }
        // The payment is the document that lowered the cost: the revaluation names it and the bill's part.
        const source = { type: "supplier-payment" as const, id: p.paymentId, lineId: part.lineId };
        // Units sent back to the supplier since the bill keep their share in the purchase price difference.
        const returned = part.returnedQuantity === undefined ? undefined : parseScaled(part.returnedQuantity, QUANTITY_DECIMALS);
        drafts.push(await revaluationDraft(ctx, receipt, -amount, "price-difference", source, at, part.receiptQuantity === undefined ? undefined : parseScaled(part.receiptQuantity, QUANTITY_DECIMALS), returned));
      }
      return record(ctx, drafts);
    },
  };

  // Which customer an order is for, so a recall can say who received a lot.
  const orderPlaced: Reaction = {
    name: "inventory.onOrderPlaced",
    on: ["OrderPlaced"],
    async handle(ctx, event) {
      const p = payloadOf(ctx, "OrderPlaced", event);
      if (p.customerId === undefined) return [];
      const existing = await ctx.tx.documents.get(ORDER_CUSTOMERS, p.orderId);
      if (existing === undefined) await ctx.tx.documents.put(ORDER_CUSTOMERS, p.orderId, { orderId: p.orderId, customerId: p.customerId }, 0);
      return [];
    },
  };

  return [goodsReceived, shipmentDispatched, reservationRequested, orderCancelled, returnReceived, supplierReturned, billRecorded, landedCost, supplierPaid, orderPlaced];
}
