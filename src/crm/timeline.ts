/**
 * The after-commit consumer that feeds customer timelines and CRM's order projection
 * from the outbox. Each event is applied in one transaction whose entry id is derived
 * from the event id, so a redelivered event (a crash before the checkpoint moved) is
 * recognised and skipped: nothing lost, nothing doubled.
 */
import { Decimal } from "../kernel/decimal.js";
import type { JsonObject, PositionedEvent, Transaction } from "../ports/storage.js";
import { ALIASES, CUSTOMERS, ORDERS, TIMELINE, type TimelineEntry, resolveCustomerId } from "./customer.js";
import { lockDocuments } from "../runner/batch-documents.js";

/** CRM's order projection: what RFM, cohorts and campaign attribution read. */
export type CrmOrderDoc = {
  readonly orderId: string;
  readonly customerId: string;
  /** The order's effective date (YYYY-MM-DD). */
  readonly placedOn: string;
  readonly placedAt: string;
  readonly currency: string;
  /** The order's gross total, as placed or as its latest edit left it. */
  readonly total: string;
  /** The order version `total` is at (absent: 1, as placed); an older edit read later does not set it back. */
  readonly version?: number;
  /**
   * Credit notes for returns and cancellations, in `currency`: all of them, whatever their date.
   * (On documents stored before `payments` was kept, also the prepayments paid back.)
   */
  readonly credited: string;
  /** Ids of the documents already subtracted (so a redelivery does not subtract twice); `allocation:<event id>` for an allocation counted. */
  readonly creditedBy: readonly string[];
  /**
   * Each total the order had, with the business date it took effect (the placement, then each
   * edit), so a report as of a date counts the total of that date. Absent on documents stored
   * before it was kept: `total` counts from placement.
   */
  readonly totals?: readonly CrmOrderTotal[];
  /**
   * Each amount added to `credited`, with its business date, so a report as of a date subtracts
   * only what was credited by then. Absent on documents stored before it was kept: `credited`
   * counts from placement.
   */
  readonly credits?: readonly CrmOrderCredit[];
  /**
   * The business date the order was cancelled (`OrderCancelled`), absent while it stands. A
   * cancelled order is no purchase from that date on, whether or not a credit note said so: an
   * order cancelled before it was invoiced (invoicing on shipment, an unpaid order expiring)
   * has none.
   */
  readonly cancelledOn?: string;
  /**
   * The money the customer paid on the order and got back, with its business date: each capture
   * (`PaymentCaptured`, positive), each refund of any kind (`RefundIssued`, negative) and each
   * credit finance's `allocate` moved to another order's documents (negative) or from another
   * order onto this one's (`CreditAllocated`, positive), in `currency`. Absent on documents
   * stored before it was kept: their prepayments paid back are in `credited`, counted off in
   * full, as they were.
   */
  readonly payments?: readonly CrmOrderCredit[];
  /**
   * Prepayments paid back (a refund before invoicing, or the prepayment part of a split refund;
   * not an edit's own surplus refund, which its new total holds), with their business date. They
   * count off the order only while the customer still owes them: see {@link orderNetAsOf}.
   */
  readonly paidBack?: readonly CrmOrderCredit[];
};

/** An order's total from a business date on (`version` 1: as placed). */
export type CrmOrderTotal = { readonly on: string; readonly version: number; readonly total: string };

/** An amount credited on an order on a business date. */
export type CrmOrderCredit = { readonly on: string; readonly amount: string };

/** The dated totals of an order; a document stored before they were kept gets its total from placement (as it counted then). */
function datedTotals(order: CrmOrderDoc): readonly CrmOrderTotal[] {
  return order.totals ?? [{ on: order.placedOn, version: order.version ?? 1, total: order.total }];
}

/** The dated credits of an order; a document stored before they were kept gets its credited amount from placement (as it counted then). */
function datedCredits(order: CrmOrderDoc): readonly CrmOrderCredit[] {
  return order.credits ?? (new Decimal(order.credited).isZero() ? [] : [{ on: order.placedOn, amount: order.credited }]);
}

/** The sum of the dated amounts on or before `asOf`. */
function sumAsOf(amounts: readonly CrmOrderCredit[] | undefined, asOf: string): Decimal {
  let sum = new Decimal(0);
  for (const a of amounts ?? []) if (a.on <= asOf) sum = sum.plus(a.amount);
  return sum;
}

/**
 * What an order counts for on `asOf` (YYYY-MM-DD), everything as it stood on that date (edits,
 * credit notes, payments and refunds dated later do not count):
 *
 * - its total (the latest version dated on or before the date) less its credit notes for returns
 *   and cancellations;
 * - less the prepayments paid back, but only as much of them as the customer still owes: at most
 *   that net total less what the customer has paid and kept (captured less refunded, with the
 *   credit `allocate` moved onto the order from another, less what it moved away). A
 *   prepayment paid back is money the order is owed again; an edit that then removes those goods
 *   (its new total holds them) or the money paid again ends it, so a refund and an edit never
 *   take the same money off twice, and an order nothing is owed on counts what was paid and kept;
 * - nothing once it was cancelled on or before the date.
 *
 * @example
 * ```ts
 * // 47.60 captured, 23.80 paid back out of prepayments, then the order edited down to 23.80: 23.80.
 * orderNetAsOf({ ...order, totals: [{ on: "2026-03-02", version: 1, total: "47.6" }, { on: "2026-03-10", version: 2, total: "23.8" }], payments: [{ on: "2026-03-02", amount: "47.6" }, { on: "2026-03-10", amount: "-23.8" }], paidBack: [{ on: "2026-03-10", amount: "23.8" }] }, "2026-03-31"); // 23.8
 * ```
 */
export function orderNetAsOf(order: CrmOrderDoc, asOf: string): Decimal {
  if (order.cancelledOn !== undefined && order.cancelledOn <= asOf) return new Decimal(0);
  let total: CrmOrderTotal | undefined;
  for (const t of datedTotals(order)) if (t.on <= asOf && (total === undefined || t.version > total.version)) total = t;
  let net = new Decimal(total?.total ?? order.total);
  for (const c of datedCredits(order)) if (c.on <= asOf) net = net.minus(c.amount);
  const paidBack = sumAsOf(order.paidBack, asOf);
  if (paidBack.gt(0)) {
    // Owed again: what the order (net of its credit notes) asks beyond what the customer has paid and kept.
    const owed = Decimal.max(net.minus(sumAsOf(order.payments, asOf)), 0);
    net = net.minus(Decimal.min(paidBack, owed));
  }
  return net;
}

const KINDS: Readonly<Record<string, string>> = {
  OrderPlaced: "order",
  OrderEdited: "order-edit",
  PaymentCaptured: "payment",
  OrderInvoiced: "invoice",
  ShipmentDispatched: "shipment",
  RefundIssued: "refund",
  CreditNoteIssued: "credit-note",
  ReturnReceived: "return",
};

/**
 * `OrderCancelled`: the order is marked cancelled on the event's date (no timeline entry;
 * marking it again changes nothing, so a redelivery is harmless).
 */
async function orderCancelled(tx: Transaction, event: PositionedEvent): Promise<boolean> {
  const p = event.payload as Record<string, unknown>;
  if (typeof p["orderId"] !== "string") return false;
  const order = await tx.documents.get<CrmOrderDoc>(ORDERS, p["orderId"]);
  if (!order || order.data.cancelledOn !== undefined) return false; // an order CRM never saw placed by a known customer, or marked already
  await tx.documents.put(ORDERS, p["orderId"], { ...order.data, cancelledOn: event.effectiveDate } as unknown as JsonObject, order.version);
  return true;
}

/**
 * What a `CreditAllocated` on receivables moves between sales orders, per order: a credit of
 * one order (a credit note, an over-payment) that pays another order's document leaves the first
 * (negative) and is paid on the second (positive), as a refund on the first and a capture on the
 * second would be. A document of the credit's own order, or a side whose order finance does not
 * know (an item tracked before orders were kept on open items), moves nothing.
 *
 * @example
 * ```ts
 * allocationMoves({ ledger: "receivables", credit: { orderId: "ord_1" }, documents: [{ orderId: "ord_2", amount: { amount: "11.9" } }] });
 * // Map { "ord_2" => 11.9, "ord_1" => -11.9 }
 * ```
 */
function allocationMoves(payload: unknown): Map<string, Decimal> {
  const moves = new Map<string, Decimal>();
  const p = payload as { ledger?: unknown; credit?: { orderId?: unknown }; documents?: readonly { orderId?: unknown; amount?: { amount?: unknown } }[] };
  const from = p.credit?.orderId;
  if (p.ledger !== "receivables" || typeof from !== "string") return moves;
  for (const d of p.documents ?? []) {
    if (typeof d.orderId !== "string" || d.orderId === from || typeof d.amount?.amount !== "string") continue;
    const amount = new Decimal(d.amount.amount);
    moves.set(d.orderId, (moves.get(d.orderId) ?? new Decimal(0)).plus(amount));
    moves.set(from, (moves.get(from) ?? new Decimal(0)).minus(amount));
  }
  return moves;
}

/**
 * `CreditAllocated` (finance's `allocate`): money paid on one order now pays another. Each order
 * it moves gets the move among its payments, dated on the allocation's date — what the customer
 * has paid and kept on it (see {@link orderNetAsOf}) — once (the allocation is marked counted on
 * it, so a redelivery adds nothing). No timeline entry: the money did not change hands. An order
 * CRM holds no document of, or one stored before payments were kept, is left as it is.
 */
async function creditAllocated(tx: Transaction, event: PositionedEvent): Promise<boolean> {
  const p = event.payload as { currency?: unknown };
  // By the event's id: a host may give two allocations the same allocationId.
  const marker = `allocation:${event.id}`;
  let wrote = false;
  for (const [orderId, amount] of allocationMoves(event.payload)) {
    if (amount.isZero()) continue;
    const order = await tx.documents.get<CrmOrderDoc>(ORDERS, orderId);
    if (!order || order.data.payments === undefined || order.data.currency !== p.currency || order.data.creditedBy.includes(marker)) continue;
    const data: CrmOrderDoc = { ...order.data, payments: [...order.data.payments, { on: event.effectiveDate, amount: amount.toString() }], creditedBy: [...order.data.creditedBy, marker] };
    await tx.documents.put(ORDERS, orderId, data as unknown as JsonObject, order.version);
    wrote = true;
  }
  return wrote;
}

/** The event types the timeline consumer reads. */
export const TIMELINE_EVENT_TYPES: readonly string[] = Object.keys(KINDS);

function money(x: unknown): { amount: string; currency: string } | null {
  if (x && typeof x === "object" && typeof (x as Record<string, unknown>)["amount"] === "string" && typeof (x as Record<string, unknown>)["currency"] === "string") {
    const m = x as { amount: string; currency: string };
    return { amount: m.amount, currency: m.currency };
  }
  return null;
}

/**
 * `DunningNoticeIssued` (finance's dunning): a `reminder` on the customer's timeline — the
 * notice's level as subject, what is overdue as amount, the invoices in the body. Applied once
 * per event (the entry id is the event's).
 */
async function dunningNotice(tx: Transaction, event: PositionedEvent, entries?: { id: string; data: JsonObject }[]): Promise<boolean> {
  const entryId = `ev:${event.id}`;
  if (await tx.documents.get(TIMELINE, entryId)) return false;
  const p = event.payload as { party?: unknown; level?: unknown; overdue?: unknown; items?: readonly { documentId?: unknown; daysOverdue?: unknown }[] };
  if (typeof p.party !== "string") return false;
  const customerId = await resolveCustomerId(tx, p.party);
  // An erased customer's timeline keeps only ids, kinds, instants and amounts, also for what arrives after the erasure.
  const erased = (await tx.documents.get<{ status: string }>(CUSTOMERS, customerId))?.data.status === "erased";
  const entry: TimelineEntry = {
    entryId,
    customerId,
    at: event.occurredAt,
    kind: "reminder",
    source: "event",
    eventType: event.type,
    orderId: null,
    amount: money(p.overdue),
    channel: null,
    campaignId: null,
    subject: erased ? null : `Payment reminder, level ${String(p.level)}`,
    body: erased ? null : (p.items ?? []).map((i) => `${String(i.documentId)}: ${String(i.daysOverdue)} days overdue`).join("\n"),
    redacted: erased,
  };
  if (entries !== undefined) entries.push({ id: entryId, data: entry as unknown as JsonObject });
  else await tx.documents.put(TIMELINE, entryId, entry as unknown as JsonObject, 0);
  return true;
}

/**
 * Reads ahead what a page of events will look up in {@link applyTimelineEvent} — its timeline
 * entries, its orders (locked: the page may update them) and its customers' aliases — one call
 * per collection. On a SQL store the per-event reads after it are answered from what the
 * transaction keeps, and the orders' updates go in one statement. Returns the order ids CRM
 * holds no document of (the page creates them: see `holdCreates`).
 *
 * @example
 * ```ts
 * const held = holdCreates(tx, await readTimelineAhead(tx, page));
 * for (const event of page) await applyTimelineEvent(held.tx, event);
 * await held.flush();
 * ```
 */
export async function readTimelineAhead(tx: Transaction, page: readonly PositionedEvent[]): Promise<Map<string, Set<string>>> {
  const entries: string[] = [];
  const orders = new Set<string>();
  const customers = new Set<string>();
  for (const event of page) {
    if (event.type === "OrderCancelled") {
      const p = event.payload as Record<string, unknown>;
      if (typeof p["orderId"] === "string") orders.add(p["orderId"]);
      continue;
    }
    if (event.type === "CreditAllocated") {
      for (const orderId of allocationMoves(event.payload).keys()) orders.add(orderId);
      continue;
    }
    if (!KINDS[event.type]) continue;
    entries.push(`ev:${event.id}`);
    const p = event.payload as Record<string, unknown>;
    if (typeof p["orderId"] === "string") orders.add(p["orderId"]);
    if (event.type === "OrderPlaced" && typeof p["customerId"] === "string") customers.add(p["customerId"]);
  }
  if (entries.length > 0) await tx.documents.getMany(TIMELINE, entries);
  if (customers.size > 0) await tx.documents.getMany(ALIASES, [...customers]);
  if (orders.size === 0) return new Map();
  for (const doc of await lockDocuments(tx, ORDERS, [...orders])) orders.delete(doc.id);
  return new Map([[ORDERS, orders]]);
}

/**
 * Applies one outbox event to CRM (in the given transaction). Returns whether it wrote.
 * `entries`: where the new timeline entry goes instead of a write of its own (the caller
 * inserts a page's entries together; nothing in the page reads them back).
 */
export async function applyTimelineEvent(tx: Transaction, event: PositionedEvent, entries?: { id: string; data: JsonObject }[]): Promise<boolean> {
  if (event.type === "OrderCancelled") return orderCancelled(tx, event);
  if (event.type === "CreditAllocated") return creditAllocated(tx, event);
  if (event.type === "DunningNoticeIssued") return dunningNotice(tx, event, entries);
  const kind = KINDS[event.type];
  if (!kind) return false;
  const entryId = `ev:${event.id}`;
  if (await tx.documents.get(TIMELINE, entryId)) return false; // already applied
  const p = event.payload as Record<string, unknown>;
  const orderId = typeof p["orderId"] === "string" ? (p["orderId"] as string) : null;
  if (orderId === null) return false;
  let customerId: string;
  let amount: { amount: string; currency: string } | null;
  if (event.type === "OrderPlaced") {
    if (typeof p["customerId"] !== "string") return false; // a guest order
    customerId = await resolveCustomerId(tx, p["customerId"] as string);
    amount = money(p["total"]);
    const existing = await tx.documents.get(ORDERS, orderId);
    if (!existing) {
      const order: CrmOrderDoc = {
        orderId,
        customerId,
        placedOn: event.effectiveDate,
        placedAt: event.occurredAt,
        currency: amount?.currency ?? "",
        total: amount?.amount ?? "0",
        credited: "0",
        creditedBy: [],
        totals: [{ on: event.effectiveDate, version: 1, total: amount?.amount ?? "0" }],
        credits: [],
        payments: [],
        paidBack: [],
      };
      await tx.documents.put(ORDERS, orderId, order as unknown as JsonObject, 0);
    }
  } else {
    const order = await tx.documents.get<CrmOrderDoc>(ORDERS, orderId);
    if (!order) return false; // an order CRM never saw placed by a known customer
    customerId = order.data.customerId;
    amount = event.type === "OrderInvoiced" || event.type === "CreditNoteIssued" ? money(p["gross"]) : event.type === "OrderEdited" ? money(p["total"]) : money(p["amount"]);
    // The order as this event leaves it, written once below if anything changed.
    let data: CrmOrderDoc = order.data;
    // An edit's new total is what the order now costs (RFM's monetary value, campaign attribution).
    // Its surplus refund is part of the new total, not money credited back: it is marked as counted.
    if (event.type === "OrderEdited" && amount && amount.currency === data.currency) {
      const refundId = typeof p["refundId"] === "string" ? [p["refundId"] as string] : [];
      const version = typeof p["version"] === "number" ? p["version"] : 0;
      const newer = version > (data.version ?? 1) ? { total: amount.amount, version } : {};
      // Every version is kept with its date, read in any order: a report as of a date takes the latest version dated by then.
      const totals = datedTotals(data);
      const dated = version > 0 && !totals.some((t) => t.version === version) ? [...totals, { on: event.effectiveDate, version, total: amount.amount }] : totals;
      data = { ...data, ...newer, totals: dated, creditedBy: [...data.creditedBy, ...refundId] };
    }
    // Money in and out, dated — every capture and every refund (an edit's too): what the customer has paid and kept.
    // A document stored before payments were kept has none; its prepayments paid back stay credits, counted as they were.
    const tracksPayments = data.payments !== undefined;
    if (tracksPayments && (event.type === "PaymentCaptured" || event.type === "RefundIssued") && amount && amount.currency === data.currency) {
      const signed = event.type === "RefundIssued" ? new Decimal(amount.amount).negated().toString() : amount.amount;
      data = { ...data, payments: [...(data.payments ?? []), { on: event.effectiveDate, amount: signed }] };
    }
    // A refund counts once by its own id (a split refund names the credit note it settles, counted already).
    const docId = String((event.type === "RefundIssued" ? p["refundId"] : p["creditNoteId"]) ?? p["refundId"] ?? event.id);
    // A refund split between a credit and prepayments pays back its prepayment part (its credit part settles a credit note counted already).
    const prepaidPart = event.type === "RefundIssued" && p["invoiced"] === true ? money((p["fromPrepayments"] as { amount?: unknown } | undefined)?.amount) : null;
    const paysBack = event.type === "RefundIssued" && (p["invoiced"] === false || prepaidPart !== null);
    const reduces = (event.type === "CreditNoteIssued" && (p["reason"] === "return" || p["reason"] === "cancellation")) || paysBack;
    const reduction = prepaidPart ?? amount;
    if (reduces && reduction && reduction.currency === data.currency && !data.creditedBy.includes(docId)) {
      const dated = { on: event.effectiveDate, amount: reduction.amount };
      // A prepayment paid back counts off only while the customer owes it again (orderNetAsOf); a credit note counts off whole.
      const change =
        paysBack && tracksPayments
          ? { paidBack: [...(data.paidBack ?? []), dated] }
          : { credited: new Decimal(data.credited).plus(reduction.amount).toString(), credits: [...datedCredits(data), dated] };
      data = { ...data, ...change, creditedBy: [...data.creditedBy, docId] };
    }
    if (data !== order.data) await tx.documents.put(ORDERS, orderId, data as unknown as JsonObject, order.version);
  }
  const entry: TimelineEntry = {
    entryId,
    customerId,
    at: event.occurredAt,
    kind,
    source: "event",
    eventType: event.type,
    orderId,
    amount,
    channel: null,
    campaignId: null,
    subject: null,
    body: null,
    redacted: false,
  };
  if (entries !== undefined) entries.push({ id: entryId, data: entry as unknown as JsonObject });
  else await tx.documents.put(TIMELINE, entryId, entry as unknown as JsonObject, 0);
  return true;
}
