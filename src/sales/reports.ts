import { z } from "zod";
import { StorekeepError, parseWith } from "../kernel/errors.js";
import { ID_PATTERN, idSchema } from "../kernel/ids.js";
import { instantString } from "../kernel/events/fields.js";
import type { Transaction } from "../ports/storage.js";
import { amountOf, formatScaled, minorOf, parseScaled } from "./amounts.js";
import { type FulfilmentStatus, ORDERS, ORDER_VERSIONS, type OrderDoc, type OrderVersionDoc, type PaymentStatus, type ReturnStatus, allocatedOf, capturesOf, deriveStatuses, owedOnOrder, qty, qtyText, refundDueOn, writtenOffOf } from "./order.js";
import type { OpenItemView, SalesSeams } from "./options.js";
import { ORDER_TRANSITIONS, type OrderState } from "./state-machines.js";
import { type LocalDate, addDays, isLocalDate, startOfLocalDate } from "../kernel/local-date.js";
import { strictInput } from "../kernel/strict-input.js";

/**
 * An order as a shop backend shows it: the stored order, derived statuses and what is
 * left to ship, invoice and refund.
 *
 * @example
 * ```ts
 * const view = await sk.sales.order("ord_1");
 * view?.statuses.payment; // "paid"
 * ```
 */
export interface OrderView {
  readonly order: OrderDoc;
  readonly statuses: { readonly order: OrderState; readonly payment: PaymentStatus; readonly fulfilment: FulfilmentStatus; readonly returns: ReturnStatus };
  readonly leftToShip: readonly { readonly lineId: string; readonly sku: string; readonly quantity: string }[];
  readonly leftToInvoice: readonly { readonly lineId: string; readonly sku: string; readonly quantity: string }[];
  /** Captured and not yet refunded (the most any refund could ever pay back). */
  readonly leftToRefund: string;
  /**
   * Owed back to the customer now, what `refundPayment` accepts: on an invoiced order what
   * credit notes (a return, a cancellation, an edit's correction) credited and was not yet
   * paid back, within `leftToRefund` — but not the part that pays for goods still to ship (an
   * on-shipment edit's correction credit before the rest ships); on a cancelled order never
   * invoiced, its prepayments. An invoiced on-shipment order's prepayment for goods not shipped
   * yet (`order.prepayment`) is not in it: `refundPayment` pays it back on top when asked (a
   * refund of more than both is refused), and a refund needing both settles this first.
   */
  readonly refundDue: string;
  /** What finance wrote off of what the customer owed on the order's invoices (bad debt, small differences; `sk.finance.writeOff`); a credit written off on a credit note lowers `refundDue` instead. */
  readonly writtenOff: string;
  /**
   * What the customer still owes (never below 0): the total less what returns credited, less
   * captures net of refunds, less what finance wrote off (net of what a credit note wrote back).
   */
  readonly leftToPay: string;
}

/**
 * The view of one order (undefined when unknown); `openItems` reads finance's open items of
 * its invoices and credit notes for what was written off (without it: nothing).
 *
 * @example
 * ```ts
 * const view = await runtime.read((tx) => orderView(tx, "ord_1"));
 * ```
 */
export async function orderView(tx: Transaction, orderId: string, openItems?: OpenItemsReader): Promise<OrderView | undefined> {
  const stored = await tx.documents.get<OrderDoc & { [k: string]: never }>(ORDERS, orderId);
  if (stored === undefined) return undefined;
  const order = stored.data as OrderDoc;
  const c = order.currency;
  const cancelled = order.state === "cancelled";
  const { debt: relieved, credit: creditWrittenOff, writtenOff, paidByCredits, movedAway } = await financeWriteOffs(tx, order, openItems);
  // What the customer still owes: the total less returns' credits, captures net of refunds, write-offs net of write-backs, and other orders' credits finance let pay it;
  // what this order's credits paid of other orders is no longer paid toward it.
  const owedOn = minorOf(owedOnOrder(order), c) + minorOf(movedAway, c);
  const left = owedOn - minorOf(relieved, c);
  const kept = minorOf(order.paid.captured, c) - minorOf(order.paid.refunded, c) - minorOf(movedAway, c);
  const refundable = kept > 0n ? kept : 0n;
  // As refundPayment decides: what credit notes and over-payments left unpaid, not the part that pays for goods still to ship.
  const refundDue = minorOf(refundDueOn(order, creditWrittenOff, { movedAway, paidByCredits }).due, c);
  return {
    order,
    statuses: deriveStatuses(order, writtenOff, paidByCredits, movedAway),
    leftToShip: cancelled ? [] : order.lines.map((l) => ({ lineId: l.lineId, sku: l.sku, quantity: qtyText(qty(l.buckets.ordered) - qty(l.buckets.shipped)) })).filter((l) => l.quantity !== "0"),
    leftToInvoice: cancelled ? [] : order.lines.map((l) => ({ lineId: l.lineId, sku: l.sku, quantity: qtyText(qty(l.buckets.ordered) - qty(l.buckets.invoiced)) })).filter((l) => l.quantity !== "0"),
    leftToRefund: amountOf(refundable, c),
    refundDue: amountOf(refundDue, c),
    writtenOff: amountOf(minorOf(writtenOff, c), c),
    leftToPay: cancelled || left < 0n ? "0" : amountOf(left, c),
  };
}

/**
 * Reads finance's open items of documents (the `openItems` seam the facade wires); sales
 * knows nothing of finance's store.
 */
type OpenItemsReader = NonNullable<SalesSeams["openItems"]>;

/**
 * The ids of an order's documents finance keeps open items of: its invoices and credit notes, and
 * its captures (money captured beyond the invoices stays on the capture's item, an over-payment).
 */
function documentIdsOf(order: OrderDoc): string[] {
  return [...order.invoices.map((i) => i.invoiceId), ...order.creditNotes.map((n) => n.creditNoteId), ...capturesOf(order)];
}

/**
 * What finance relieved on the open items of an order's invoices, credit notes and captures beyond
 * what sales did: owed by the customer (`debt`) and owed to them (`credit`) — written off, or moved
 * to or from another order's documents by `finance.allocate` (a credit of one order, a credit note
 * or an over-payment, paying another's invoice is money paid on the first paying the second) —
 * and, of the debt, what was written off (`writtenOff`) and what other orders' credits paid
 * (`paidByCredits`), of the credit what paid other orders' documents (`movedAway`); no reader or none tracked: "0".
 *
 * @example
 * ```ts
 * const f = await financeWriteOffs(tx, order, seams.openItems);
 * f.movedAway; // "23.8": the order's over-payment paid another order's invoice
 * ```
 */
export async function financeWriteOffs(tx: Transaction, order: OrderDoc, openItems: OpenItemsReader | undefined): Promise<FinanceReliefs> {
  if (openItems === undefined) return NO_RELIEFS;
  const ids = documentIdsOf(order);
  if (ids.length === 0) return NO_RELIEFS;
  return reliefsOf(order, await openItems(tx, ids));
}

/**
 * The credit finance holds for an order beyond sales' own receivable, in minor units of the
 * order's currency: what other orders' credits paid of its invoices less what its own credits
 * paid of other orders' documents (`finance.allocate`; see {@link financeWriteOffs}). An
 * invoice made while it is positive takes the order's open credits, as it does when sales'
 * receivable is below zero. 0 before the order's first invoice (nothing of it can have been
 * allocated then, and nothing is read) or without an open-items reader.
 *
 * @example
 * ```ts
 * await creditHeldInFinance(tx, order, seams.openItems); // 2380n: another order's 23.80 paid this order's first invoice
 * ```
 */
export async function creditHeldInFinance(tx: Transaction, order: OrderDoc, openItems: OpenItemsReader | undefined): Promise<bigint> {
  if (order.invoices.length === 0 || openItems === undefined) return 0n;
  const f = await financeWriteOffs(tx, order, openItems);
  return minorOf(f.paidByCredits, order.currency) - minorOf(f.movedAway, order.currency);
}

/** What finance relieved of an order beyond sales (see {@link financeWriteOffs}), decimal strings in the order's currency. */
export interface FinanceReliefs {
  readonly debt: string;
  readonly credit: string;
  readonly writtenOff: string;
  readonly paidByCredits: string;
  readonly movedAway: string;
}

const NO_RELIEFS: FinanceReliefs = { debt: "0", credit: "0", writtenOff: "0", paidByCredits: "0", movedAway: "0" };

/** {@link financeWriteOffs} from the open items of the order's documents, read already. */
function reliefsOf(order: OrderDoc, items: readonly OpenItemView[]): FinanceReliefs {
  const { paidByCredits, movedAway } = allocatedOf(items, new Set(documentIdsOf(order)));
  const writtenOff = writtenOffOf(items, "debt");
  const plus = (a: string, b: string) => formatScaled(parseScaled(a, 6) + parseScaled(b, 6), 6);
  return { debt: plus(writtenOff, paidByCredits), credit: plus(writtenOffOf(items, "credit"), movedAway), writtenOff, paidByCredits, movedAway };
}

/**
 * What finance relieved of the credit an order holds (its credit notes', its captures'
 * over-payments) beyond sales, in the order's currency: `credit`, written off (a cent left on a
 * credit note) or allocated to other orders' documents, and of it `movedAway`, the allocated part
 * (money paid on this order that pays another now). None when the order was never invoiced, or has
 * neither credit notes nor captures (or no reader, or none tracked).
 *
 * @example
 * ```ts
 * const relief = await creditReliefInFinance(tx, order, seams.openItems); // { credit: 2380n, movedAway: 2380n, paidByCredits: 0n }: 23.80 EUR moved away
 * ```
 */
export async function creditReliefInFinance(tx: Transaction, order: OrderDoc, openItems: OpenItemsReader | undefined): Promise<CreditRelief> {
  // Never invoiced: no credit note, and captures sit in prepayments (no item of their own).
  if (order.invoices.length === 0 || (order.creditNotes.length === 0 && capturesOf(order).length === 0)) return NO_CREDIT_RELIEF;
  const f = await financeWriteOffs(tx, order, openItems);
  return { credit: minorOf(f.credit, order.currency), movedAway: minorOf(f.movedAway, order.currency), paidByCredits: minorOf(f.paidByCredits, order.currency) };
}

/**
 * What finance relieved of an order's credit (see `creditReliefInFinance`), in the order's minor
 * units, and what other orders' credits paid of its invoices (`paidByCredits`).
 */
export interface CreditRelief {
  readonly credit: bigint;
  readonly movedAway: bigint;
  readonly paidByCredits: bigint;
}

/** No credit relieved in finance. */
export const NO_CREDIT_RELIEF: CreditRelief = { credit: 0n, movedAway: 0n, paidByCredits: 0n };

/**
 * `refundDueOn` with what finance relieved of the order's credit and what other orders' credits
 * paid of it (refundPayment and an edit's surplus refund decide alike).
 *
 * @example
 * ```ts
 * refundDueWith(order, await creditReliefInFinance(tx, order, seams.openItems)).due;
 * ```
 */
export function refundDueWith(order: OrderDoc, relief: CreditRelief): ReturnType<typeof refundDueOn> {
  const c = order.currency;
  return refundDueOn(order, amountOf(relief.credit, c), { movedAway: amountOf(relief.movedAway, c), paidByCredits: amountOf(relief.paidByCredits, c) });
}

/**
 * A query over orders: by customer, by state, or all, within a date range of placement,
 * newest first, paged by `after` (the `next` of the previous page).
 *
 * @example
 * ```ts
 * const q: OrderQuery = { customerId: "cus_1", from: "2026-01-01", to: "2026-12-31", limit: 20 };
 * ```
 */
export interface OrderQuery {
  readonly customerId?: string;
  readonly state?: OrderState;
  /** Placed on or after this date (YYYY-MM-DD, the shop's business date in its time zone). */
  readonly from?: string;
  /** Placed on or before this date (YYYY-MM-DD, the shop's business date in its time zone). */
  readonly to?: string;
  readonly limit?: number;
  readonly after?: { readonly placedAt: string; readonly orderId: string };
}

/**
 * A page of orders.
 *
 * @example
 * ```ts
 * const page: OrderPage = await sk.sales.orders({ state: "placed" });
 * ```
 */
export interface OrderPage {
  readonly orders: readonly { readonly orderId: string; readonly customerId: string; readonly state: OrderState; readonly placedAt: string; readonly total: string; readonly currency: string; readonly statuses: ReturnType<typeof deriveStatuses> }[];
  readonly next: { readonly placedAt: string; readonly orderId: string } | null;
}

const ORDER_QUERY_FIELDS = ["customerId", "state", "from", "to", "limit", "after"] as const;
const ORDER_STATES = Object.keys(ORDER_TRANSITIONS) as [OrderState, ...OrderState[]];
const queryDate = z
  .string({ error: 'must be a date YYYY-MM-DD, such as "2026-03-04"' })
  .refine(isLocalDate, { error: (issue) => `"${String(issue.input)}" must be a date YYYY-MM-DD, such as "2026-03-04"` });

/**
 * The orders query's fields and their types (the customer id may be "" for guest orders); an
 * unknown field is refused too, as for the commands.
 *
 * @example
 * ```ts
 * orderQuerySchema.parse({ customerId: "cus_1", from: "2026-03-01", limit: 20 });
 * ```
 */
export const orderQuerySchema = strictInput({
  customerId: z
    .string({ error: "must be a customer id, a string" })
    .refine((s) => s === "" || ID_PATTERN.test(s), { error: "must be a customer id: 1-128 letters, digits or ._:/- starting with a letter or digit" })
    .optional(),
  state: z.enum(ORDER_STATES, { error: (issue) => `${JSON.stringify(issue.input) ?? String(issue.input)} is not an order state; use one of ${ORDER_STATES.join(", ")} (payment, fulfilment and return statuses are derived: filter the page by statuses)` }).optional(),
  from: queryDate.optional(),
  to: queryDate.optional(),
  limit: z.number({ error: "must be a whole number from 1 to 1000" }).int({ error: "must be a whole number from 1 to 1000" }).min(1, { error: "must be 1 to 1000" }).max(1000, { error: "must be 1 to 1000" }).optional(),
  after: z
    .strictObject(
      { placedAt: instantString, orderId: idSchema<string>() },
      { error: (issue) => (issue.code === "unrecognized_keys" ? undefined : "must be the next of the previous page: { placedAt, orderId }") },
    )
    .optional(),
});

/**
 * The query checked at the boundary, so every store answers a wrong type the same way: an
 * unknown filter (with a hint for `status`), then the fields' types (`VALIDATION_FAILED`
 * naming each bad field), then the combinations.
 */
function parseOrderQuery(raw: unknown): OrderQuery {
  if (typeof raw === "object" && raw !== null && !Array.isArray(raw)) {
    for (const key of Object.keys(raw)) {
      if (!(ORDER_QUERY_FIELDS as readonly string[]).includes(key)) {
        const hint = key === "status" ? ' (the order\'s state is "state"; payment, fulfilment and return statuses are derived, on each row\'s statuses)' : "";
        throw new StorekeepError("VALIDATION_FAILED", `orders: unknown filter "${key}"${hint}; use ${ORDER_QUERY_FIELDS.join(", ")}.`, { issues: [{ path: key, message: `one of ${ORDER_QUERY_FIELDS.join(", ")}`, code: "unrecognized_keys" }] });
      }
    }
  }
  const query = parseWith(orderQuerySchema, raw, "orders query") as OrderQuery;
  if (query.customerId !== undefined && query.state !== undefined) throw new StorekeepError("VALIDATION_FAILED", "orders: filter by customer or by state, not both.", { issues: [{ path: "state", message: "one filter", code: "custom" }] });
  return query;
}

/**
 * Orders by customer, by state or all, within a placement date range (business dates in
 * `timeZone`, the shop's), newest first (`openItems` as for {@link orderView}).
 *
 * @example
 * ```ts
 * const page = await runtime.read((tx) => findOrders(tx, { customerId: "cus_1" }));
 * ```
 */
export async function findOrders(tx: Transaction, raw: OrderQuery, openItems?: OpenItemsReader, timeZone = "UTC"): Promise<OrderPage> {
  const query = parseOrderQuery(raw);
  const limit = query.limit ?? 50;
  // Placement dates are the shop's business dates (its time zone): a day is its local midnight to the next.
  const range = {
    ...(query.from === undefined ? {} : { gte: startOfLocalDate(query.from as LocalDate, timeZone).toISOString() }),
    ...(query.to === undefined ? {} : { lt: startOfLocalDate(addDays(query.to as LocalDate, 1), timeZone).toISOString() }),
  };
  const index = query.customerId !== undefined ? "byCustomer" : query.state !== undefined ? "byState" : "byPlaced";
  const equals = query.customerId !== undefined ? [query.customerId] : query.state !== undefined ? [query.state] : [];
  const after = query.after === undefined ? undefined : { values: [...equals, query.after.placedAt], id: query.after.orderId };
  const found = await tx.documents.find<OrderDoc & { [k: string]: never }>(ORDERS, { index, equals, range, limit: limit + 1, order: "desc", ...(after === undefined ? {} : { after }) });
  const orders = found.slice(0, limit).map((d) => d.data as OrderDoc);
  // The open items of every order's invoices and credit notes in one read, not one per order
  // (when the reader names each item's document; else per order).
  const documentIds = orders.flatMap(documentIdsOf);
  const items = openItems === undefined || documentIds.length === 0 ? [] : await openItems(tx, documentIds);
  const itemsOf = items.every((item) => item.documentId !== undefined) ? new Map(items.map((item) => [item.documentId!, item])) : undefined;
  const page = [];
  for (const o of orders) {
    const f = itemsOf === undefined ? await financeWriteOffs(tx, o, openItems) : reliefsOf(o, documentIdsOf(o).flatMap((id) => (itemsOf.has(id) ? [itemsOf.get(id)!] : [])));
    page.push({ orderId: o.orderId, customerId: o.customerId, state: o.state, placedAt: o.placedAt, total: o.totals.gross, currency: o.currency, statuses: deriveStatuses(o, f.writtenOff, f.paidByCredits, f.movedAway) });
  }
  const last = page[page.length - 1];
  return { orders: page, next: found.length > limit && last !== undefined ? { placedAt: last.placedAt, orderId: last.orderId } : null };
}

/**
 * Every version of an order, oldest first: the superseded ones an edit kept, then the
 * current one (its `supersededAt` is null). Empty when the order is unknown.
 *
 * @example
 * ```ts
 * const versions = await runtime.read((tx) => orderVersions(tx, "ord_1"));
 * versions.map((v) => v.order.totals.gross); // ["47.6", "59.5"]
 * ```
 */
export async function orderVersions(tx: Transaction, orderId: string): Promise<{ readonly version: number; readonly supersededAt: string | null; readonly order: OrderDoc }[]> {
  const current = await tx.documents.get<OrderDoc & { [k: string]: never }>(ORDERS, orderId);
  if (current === undefined) return [];
  const order = current.data as OrderDoc;
  const out: { version: number; supersededAt: string | null; order: OrderDoc }[] = [];
  for (let v = 1; v < (order.version ?? 1); v++) {
    const stored = await tx.documents.get<OrderVersionDoc & { [k: string]: never }>(ORDER_VERSIONS, versionKey(orderId, v));
    if (stored !== undefined) out.push({ version: v, supersededAt: (stored.data as OrderVersionDoc).supersededAt, order: (stored.data as OrderVersionDoc).order });
  }
  out.push({ version: order.version ?? 1, supersededAt: null, order });
  return out;
}

/** The key of a superseded order version. */
export function versionKey(orderId: string, version: number): string {
  return `${orderId}@${version}`;
}
