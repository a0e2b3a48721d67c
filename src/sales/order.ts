import { StorekeepError } from "../kernel/errors.js";
import type { Transaction } from "../ports/storage.js";
import { QUANTITY_SCALE, formatScaled, parseScaled } from "./amounts.js";
import type { AppliedTaxCode, LineDiscount, OrderDiscount, PricedLine, PricedTax } from "./price-order.js";
import type { OrderState, PaymentState, ReturnState, ShipmentState } from "./state-machines.js";
import type { AdvanceTax } from "./advance-tax.js";
import { handOver } from "../kernel/hand-over.js";

/** Collections (names are part of the stored format). */
export const ORDERS = "sales.orders";
export const PAYMENTS = "sales.payments";
export const SHIPMENTS = "sales.shipments";
export const RETURNS = "sales.returns";
export const COUPONS = "sales.coupons";
export const PAYOUTS = "sales.payouts";
export const ORDER_VERSIONS = "sales.order-versions";

/** The quantity buckets of a line (decimal strings). */
export const BUCKETS = ["ordered", "reserved", "shipped", "delivered", "returnRequested", "returned", "restocked", "writtenOff", "invoiced", "credited"] as const;
/** One quantity bucket. */
export type Bucket = (typeof BUCKETS)[number];

/**
 * A line of a stored order: its price figures and its quantity buckets.
 *
 * @example
 * ```ts
 * order.lines[0].buckets.shipped; // "2"
 * ```
 */
export interface OrderLine extends PricedLine {
  /** The list (compare-at) price of one unit, when the order gave one. */
  readonly listPrice?: string;
  readonly buckets: Readonly<Record<Bucket, string>>;
  /** Where the units still to ship are held, when the sourcing policy placed the line anywhere but wholly at the order's warehouse (absent: the order's warehouse). */
  readonly sources?: readonly { readonly warehouseId: string; readonly quantity: string }[];
}

/** A running balance in the transaction currency and its booked functional value (decimal strings). */
export interface BookedBalance {
  readonly amount: string;
  readonly functional: string;
}

/** One entry of an order's history. */
export interface OrderHistoryEntry {
  readonly at: string;
  readonly action: string;
  readonly state: OrderState;
  readonly reference: string | null;
}

/**
 * The stored order.
 *
 * @example
 * ```ts
 * const order: OrderDoc = (await sk.sales.order("ord_1"))!.order;
 * ```
 */
export interface OrderDoc {
  readonly orderId: string;
  readonly customerId: string;
  readonly currency: string;
  readonly functionalCurrency: string;
  readonly warehouseId: string;
  /** The sales channel the order came through (absent: the shop's default). */
  readonly channel?: string;
  readonly state: OrderState;
  /** Why a cancelled order was cancelled (`cancelled`, `expired`, or the shop's own reason such as `unavailable`), else null. */
  readonly cancellationReason: string | null;
  readonly placedAt: string;
  readonly placedOn: string;
  /** When the unpaid order expires ("" once paid, cancelled or never). */
  readonly expiresAt: string;
  readonly invoicing: "on-order" | "on-shipment";
  readonly reserveAt: "placement" | "payment" | "none";
  readonly reserved: boolean;
  readonly paymentTermsDays: number;
  readonly couponCode: string | null;
  readonly shipTo: { readonly country: string; readonly region?: string } | null;
  readonly lines: readonly OrderLine[];
  readonly shipping: { readonly amount: string; readonly net: string; readonly tax: string; readonly gross: string; readonly taxCategory: string; readonly taxes: readonly PricedTax[]; readonly invoiced: boolean; readonly credited: boolean };
  readonly totals: { readonly lineDiscount: string; readonly orderDiscount: string; readonly net: string; readonly shippingNet: string; readonly tax: string; readonly gross: string };
  readonly discounts: readonly { readonly kind: string; readonly label: string | null; readonly amount: string }[];
  readonly codes: readonly AppliedTaxCode[];
  /**
   * Money: `refundedOnEdit` is the part of `refunded` that reduced what is paid toward the
   * order's current total — at an edit, every refund the order had until then (an order with a
   * return cannot be edited, so none of them settled a return) plus the surplus the edit paid
   * back (absent before any edit). `refundedPrepaid` is what was paid back out of
   * prepayments since the last edit (before invoicing, without a return: the money is owed
   * again); absent before any such refund. `authorized` is what the order's authorizations
   * hold (a rest voided or failed no longer counts); `capturedOnAuthorizations` the part of
   * `captured` taken against them (absent on orders stored before it was kept: see
   * `authorizationRest`). `movedAway` is what finance had allocated of the order's credits (a
   * credit note's, an over-payment's) to other orders' documents when a capture last needed it
   * (`finance.allocate`): money paid on this order that pays another, so the order may be paid
   * again by that much beyond its total; absent until then. The figures read finance's open
   * items for it, not this snapshot (it only bounds what was captured).
   */
  readonly paid: { readonly authorized: string; readonly captured: string; readonly refunded: string; readonly refundedOnEdit?: string; readonly refundedPrepaid?: string; readonly capturedOnAuthorizations?: string; readonly movedAway?: string };
  /** The order's version: 1 when placed, +1 per edit (absent on orders stored before edits existed: 1). */
  readonly version?: number;
  /** The pricing rules an edit re-prices with (absent on orders stored before edits existed). */
  readonly pricing?: OrderPricingRules;
  /** Captured before invoicing, not yet applied to an invoice (customer prepayments). */
  readonly prepayment: BookedBalance;
  /** With `tax.taxOnAdvances`: the output tax taken on those prepayments and not yet released, per code. */
  readonly advanceTax?: readonly AdvanceTax[];
  /** What the customer owes on invoices (negative: the shop owes a credit). */
  readonly receivable: BookedBalance;
  /** The rate of the first invoice of this version (a credit of invoices stored before they kept their own rate mirrors it). */
  readonly invoiceRate: string | null;
  readonly invoices: readonly InvoiceRecord[];
  /** The credit notes, oldest first; `invoiceId` is the invoice each mirrors (absent on credit notes stored before). */
  readonly creditNotes: readonly { readonly creditNoteId: string; readonly number: string; readonly gross: string; readonly reason: string; readonly invoiceId?: string }[];
  readonly shipments: readonly string[];
  readonly returns: readonly string[];
  readonly payments: readonly string[];
  readonly history: readonly OrderHistoryEntry[];
}

/**
 * An invoice of an order. Since credit notes mirror the invoice they credit, it keeps what it
 * billed: its `rate` to the functional currency, each line's `quantity` and how much of it
 * credit notes `credited` since, and whether it billed the shipping charge (`shipping`:
 * `billed`, then `credited`). Invoices stored before kept none of these (absent): what they
 * billed is credited as one at the order's `invoiceRate`.
 *
 * @example
 * ```ts
 * const invoice: InvoiceRecord = { invoiceId: "INV2026-000002", number: "INV2026-000002", gross: "23.8", dueDate: "2026-03-24", rate: "0.95", lines: [{ lineId: "b", quantity: "1", credited: "0" }], shipping: "none" };
 * ```
 */
export interface InvoiceRecord {
  readonly invoiceId: string;
  readonly number: string;
  readonly gross: string;
  readonly dueDate: string;
  readonly rate?: string;
  readonly lines?: readonly { readonly lineId: string; readonly quantity: string; readonly credited: string }[];
  readonly shipping?: "none" | "billed" | "credited";
}

/**
 * The rules an order was priced with, kept so an edit re-prices it the same way: the order
 * discounts (a coupon's included), each line's own discount, and the buyer tax was
 * calculated for.
 *
 * @example
 * ```ts
 * const rules: OrderPricingRules = { discounts: [{ kind: "percent", percent: "5" }], lineDiscounts: {}, buyer: { country: "DE" } };
 * ```
 */
export interface OrderPricingRules {
  readonly discounts: readonly OrderDiscount[];
  readonly lineDiscounts: Readonly<Record<string, LineDiscount>>;
  readonly buyer: { readonly country: string; readonly region?: string | undefined; readonly vatId?: string | undefined } | null;
}

/**
 * A superseded version of an order, kept when an edit replaces it.
 *
 * @example
 * ```ts
 * const v: OrderVersionDoc = (await sk.sales.orderVersions("ord_1"))[0]!;
 * v.order.totals.gross; // the total before the edit
 * ```
 */
export interface OrderVersionDoc {
  readonly orderId: string;
  readonly version: number;
  /** When the next version replaced it. */
  readonly supersededAt: string;
  readonly order: OrderDoc;
}

/**
 * A payment document: an authorization, a capture, a refund, or a failed attempt.
 *
 * @example
 * ```ts
 * const p: PaymentDoc = { key: "capture:ch_1", kind: "capture", paymentId: "ch_1", orderId: "ord_1", state: "captured", amount: "10", captured: "10", refunded: "0", functionalAmount: "10", provider: null, authorizationId: null, fingerprint: "..." };
 * ```
 */
export interface PaymentDoc {
  readonly key: string;
  readonly kind: "authorization" | "capture" | "refund" | "failure";
  readonly paymentId: string;
  readonly orderId: string;
  readonly state: PaymentState | "recorded";
  readonly amount: string;
  readonly captured: string;
  readonly refunded: string;
  readonly functionalAmount: string;
  readonly provider: string | null;
  readonly authorizationId: string | null;
  /** The canonical content of the first recording: a webhook delivered again with it is a replay. */
  readonly fingerprint: string;
  readonly result: Readonly<Record<string, string | number | boolean | null>>;
  /** The payout that paid this capture (or netted this refund) out to the bank, once one did. */
  readonly payoutId?: string | null;
  /** The order's currency, the currency of `amount` (captures and refunds recorded since it was kept; else read from the order). */
  readonly currency?: string;
  /**
   * How an authorization's uncaptured rest ended, once it did: `voidPayment`'s outcome and
   * result (replayed to a repeat of it), and `cancelled` when the order's cancellation voided
   * it (the host voids it at the provider). Absent on authorizations voided before it was kept.
   */
  readonly voided?: { readonly outcome: "void" | "fail"; readonly result: { readonly paymentId: string; readonly state: PaymentState }; readonly cancelled?: boolean };
}

/**
 * What the order's authorizations still have to capture (scaled by 10^6): what they hold less
 * what was captured against them. A capture under another payment id that names no
 * authorization does not use one up. (Orders stored before captures against authorizations
 * were counted apart read every capture as taken against them, as before.)
 *
 * @example
 * ```ts
 * authorizationRest(order) > 0n; // an authorization is left to capture
 * ```
 */
export function authorizationRest(order: Pick<OrderDoc, "paid">): bigint {
  const s6 = (s: string) => parseScaled(s, 6);
  const authorized = s6(order.paid.authorized);
  const taken = order.paid.capturedOnAuthorizations === undefined ? s6(order.paid.captured) : s6(order.paid.capturedOnAuthorizations);
  return authorized > taken ? authorized - taken : 0n;
}

/**
 * Whether an unpaid order's expiry applies to it: nothing captured but what was paid back (a
 * prepayment refunded, an edit's surplus) and no authorization with anything left to capture.
 *
 * @example
 * ```ts
 * nothingPaid(order); // true right after placement
 * ```
 */
export function nothingPaid(order: OrderDoc): boolean {
  const s6 = (s: string) => parseScaled(s, 6);
  const captured = s6(order.paid.captured);
  return captured - s6(order.paid.refundedPrepaid ?? "0") - s6(order.paid.refundedOnEdit ?? "0") <= 0n && authorizationRest(order) === 0n;
}

/**
 * A shipment document.
 *
 * @example
 * ```ts
 * const s: ShipmentDoc = { shipmentId: "shp_1", orderId: "ord_1", state: "shipped", lines: [{ lineId: "1", quantity: "2" }], shippedAt: "...", deliveredAt: null };
 * ```
 */
export interface ShipmentDoc {
  readonly shipmentId: string;
  readonly orderId: string;
  readonly state: ShipmentState;
  readonly lines: readonly { readonly lineId: string; readonly quantity: string }[];
  readonly shippedAt: string;
  readonly deliveredAt: string | null;
  /** The canonical content of its lines, as `shipOrder` resolved them: a repeat with the same content replays `result` (absent on shipments recorded before replays were kept). */
  readonly fingerprint?: string;
  /** What `shipOrder` returned, replayed to a repeat of it (absent on shipments recorded before replays were kept). */
  readonly result?: { readonly shipmentId: string; readonly invoiceId: string | null };
  /** What `deliverShipment` returned, replayed to a repeated delivery (absent before delivery, and on shipments delivered before replays were kept). */
  readonly delivered?: { readonly shipmentId: string; readonly orderId: string; readonly orderState: OrderState };
}

/**
 * A return document.
 *
 * @example
 * ```ts
 * const r: ReturnDoc = { returnId: "ret_1", orderId: "ord_1", state: "requested", lines: [{ lineId: "1", quantity: "1", disposition: null }], requestedAt: "...", creditNoteId: null, refunded: "0" };
 * ```
 */
export interface ReturnDoc {
  readonly returnId: string;
  readonly orderId: string;
  readonly state: ReturnState;
  readonly lines: readonly { readonly lineId: string; readonly quantity: string; readonly disposition: "restock" | "write-off" | null }[];
  readonly requestedAt: string;
  /** Its credit note — the first, when the goods came from several invoices and each got its own (all in `creditNoteIds`). */
  readonly creditNoteId: string | null;
  /** Every credit note receiving it issued, one per invoice the goods were billed on, oldest first — kept when there were several (else `creditNoteId` is the only one). */
  readonly creditNoteIds?: readonly string[];
  readonly refunded: string;
  /** The content `receiveReturn` received it with (its dispositions), to tell a replay from other content. */
  readonly receivedWith?: string;
}

/**
 * A coupon: its discount and usage limit.
 *
 * @example
 * ```ts
 * const c: CouponDoc = { code: "WELCOME10", discount: { kind: "percent", percent: "10" }, usageLimit: 100, used: 3 };
 * ```
 */
export interface CouponDoc {
  readonly code: string;
  readonly discount: OrderDiscount;
  readonly usageLimit: number | null;
  readonly used: number;
}

/**
 * The key a coupon is stored and found under: its code in upper case, so codes are
 * case-insensitive ("summer10" finds "SUMMER10"); the document keeps the code as defined.
 *
 * @example
 * ```ts
 * couponKey("Summer10"); // "SUMMER10"
 * ```
 */
export function couponKey(code: string): string {
  return code.toUpperCase();
}

/**
 * A coupon by its code in any case, locked (for the order that takes or gives back a use,
 * and for defining a code): under its upper-case key, else (a coupon defined before codes
 * were case-insensitive) under the code exactly as given.
 *
 * @example
 * ```ts
 * const coupon = await couponForUpdate(tx, "summer10");
 * ```
 */
export async function couponForUpdate(tx: Transaction, code: string): Promise<{ readonly key: string; readonly data: CouponDoc; readonly version: number } | undefined> {
  for (const key of couponKey(code) === code ? [code] : [couponKey(code), code]) {
    const doc = await tx.documents.getForUpdate(COUPONS, key);
    if (doc !== undefined) return { key, data: doc.data as unknown as CouponDoc, version: doc.version };
  }
  return undefined;
}

/**
 * What was captured toward the order's current total: captured less what was paid back up to
 * the last edit (`paid.refundedOnEdit`) and out of prepayments since (`paid.refundedPrepaid`).
 *
 * @example
 * ```ts
 * netCaptured(order); // "80" after capturing 100 and an edit that refunded 20
 * ```
 */
export function netCaptured(order: OrderDoc): string {
  return formatScaled(parseScaled(order.paid.captured, 6) - parseScaled(order.paid.refundedOnEdit ?? "0", 6) - parseScaled(order.paid.refundedPrepaid ?? "0", 6), 6);
}

/**
 * What credit notes credited against the order's current total: its returns' (and
 * allowances'). An edit's correction credit is not counted (the new version's invoice
 * replaces what it credited, and the total is the new version's), nor a cancellation's (a
 * cancelled order owes nothing).
 *
 * @example
 * ```ts
 * creditedAgainstTotal(order); // "11.9" after one mug of 11.90 came back
 * ```
 */
export function creditedAgainstTotal(order: OrderDoc): string {
  let total = 0n;
  for (const n of order.creditNotes) if (n.reason !== "correction" && n.reason !== "cancellation") total += parseScaled(n.gross, 6);
  return formatScaled(total, 6);
}

/**
 * What the customer owes on an order that is not cancelled, before finance's write-offs,
 * signed: the current total less what returns credited, less what was captured net of every
 * refund. Negative: money the customer has with the shop beyond what the order costs, which
 * is what may be paid back. It equals the order's receivable less its prepayments plus the
 * part of the total not yet invoiced, so money that pays for goods still to ship (a
 * prepayment, an edit's correction credit, a capture beyond the invoices) is not owed back.
 *
 * @example
 * ```ts
 * owedOnOrder(order); // "1.9": 23.80 invoiced, 10.00 paid, a mug of 11.90 returned
 * ```
 */
export function owedOnOrder(order: OrderDoc): string {
  const s = (t: string) => parseScaled(t, 6);
  return formatScaled(s(order.totals.gross) - s(creditedAgainstTotal(order)) - (s(order.paid.captured) - s(order.paid.refunded)), 6);
}

/**
 * The provider ids of an order's captures, oldest first (a capture on an invoiced order leaves
 * what exceeded the receivable open on its own item in finance; one taken before invoicing has none).
 *
 * @example
 * ```ts
 * capturesOf(order); // ["ch_1", "ch_2"]
 * ```
 */
export function capturesOf(order: OrderDoc): string[] {
  return order.payments.filter((key) => key.startsWith("capture:")).map((key) => key.slice("capture:".length));
}

/**
 * What may be paid back on an order now, for `refundDue` and `refundPayment` alike (decimal
 * strings): `due`, within captured less refunded — on a cancelled order what its credit notes
 * credited (its prepayments when it was never invoiced); on an invoiced order what its credit
 * notes left unpaid, but only as far as the customer has paid more than the order costs
 * (`owedOnOrder` below zero). `heldForGoods` is the part of that credit that pays for goods still
 * to ship (an on-shipment edit's correction credit, a capture beyond the invoices): it is not due
 * while they may ship; an edit that removes them refunds it, a cancellation makes it due.
 * `creditWrittenOff` is what finance relieved of the order's credit (credit notes, over-payments on
 * its captures) beyond sales: written off (owed to nobody) or allocated to other orders' documents.
 * `allocated` is what `finance.allocate` moved (see `allocatedOf`): `movedAway`, the part of that
 * relief that pays other orders' documents — money paid on this order that pays another now, so
 * neither paid beyond what this order costs nor refundable here — and `paidByCredits`, what other
 * orders' credits paid of this order's invoices (paid, as a capture is: the order holds that much
 * more credit than its receivable says, refundable within what was captured on it).
 *
 * @example
 * ```ts
 * refundDueOn(order, "0"); // { due: "0", credit: "11.9", heldForGoods: "11.9" } before the edited order's rest ships
 * refundDueOn(overPaid, "23.8", { movedAway: "23.8", paidByCredits: "0" }); // { due: "0", ... }: its 23.80 over-payment paid another order's invoice
 * ```
 */
export function refundDueOn(order: OrderDoc, creditWrittenOff: string, allocated: { readonly movedAway: string; readonly paidByCredits: string } = { movedAway: "0", paidByCredits: "0" }): { due: string; credit: string; heldForGoods: string } {
  const s = (t: string) => parseScaled(t, 6);
  const movedAway = s(allocated.movedAway);
  const paidByCredits = s(allocated.paidByCredits);
  const refundable = s(order.paid.captured) - s(order.paid.refunded) - movedAway;
  const invoiced = order.invoices.length > 0;
  const cancelled = order.state === "cancelled";
  const credit = (invoiced ? -s(order.receivable.amount) + paidByCredits : cancelled ? s(order.prepayment.amount) : 0n) - s(creditWrittenOff);
  let owed = credit;
  let held = 0n;
  if (invoiced && !cancelled) {
    const over = -s(owedOnOrder(order)) - movedAway + paidByCredits;
    if (over < credit) {
      held = credit - (over > 0n ? over : 0n);
      owed = over;
    }
  }
  const due = owed <= 0n ? 0n : owed < refundable ? owed : refundable;
  return { due: formatScaled(due, 6), credit: formatScaled(credit > 0n ? credit : 0n, 6), heldForGoods: formatScaled(held > 0n && credit > 0n ? held : 0n, 6) };
}

/** Quantity string → millionths. */
export function qty(text: string): bigint {
  return parseScaled(text, QUANTITY_SCALE);
}

/** Millionths → quantity string. */
export function qtyText(units: bigint): string {
  return formatScaled(units, QUANTITY_SCALE);
}

/** The order, locked for update, or NOT_FOUND. */
export async function loadOrder(tx: Transaction, orderId: string): Promise<{ order: OrderDoc; version: number }> {
  const stored = await tx.documents.getForUpdate<OrderDoc & { [k: string]: never }>(ORDERS, orderId);
  if (stored === undefined) throw new StorekeepError("NOT_FOUND", `Order ${orderId} does not exist; place it with sales.placeOrder first.`, { orderId });
  return { order: stored.data as OrderDoc, version: stored.version };
}

/**
 * Writes the order after checking its invariants. The order is handed over (`handOver`): an
 * order is built by sales alone — from parsed input, stored documents and computed values,
 * never holding an object a host still references — and is not changed after it is saved,
 * so an in-memory store freezes it where it is instead of copying it.
 */
export async function saveOrder(tx: Transaction, order: OrderDoc, version: number): Promise<void> {
  checkOrderInvariants(order);
  await tx.documents.put(ORDERS, order.orderId, handOver(order) as never, version);
}

/** Appends a history entry (bounded: the oldest entries beyond 500 are dropped). */
export function withHistory(order: OrderDoc, at: string, action: string, reference: string | null = null): OrderDoc {
  const history = [...order.history, { at, action, state: order.state, reference }];
  return { ...order, history: history.length > 500 ? history.slice(history.length - 500) : history };
}

/** A line with one bucket changed by `delta` millionths. */
export function bump(line: OrderLine, bucket: Bucket, delta: bigint): OrderLine {
  return { ...line, buckets: { ...line.buckets, [bucket]: qtyText(qty(line.buckets[bucket]) + delta) } };
}

/**
 * The order's invariants between buckets and amounts; an `InvariantError`-grade breach is
 * reported as INVALID_TRANSITION so the command that would cause it is refused whole.
 *
 * @example
 * ```ts
 * checkOrderInvariants(order); // throws when shipped > ordered, refunded > captured, ...
 * ```
 */
export function checkOrderInvariants(order: OrderDoc): void {
  const breaches: string[] = [];
  for (const line of order.lines) {
    // Each bucket read once into a plain record (no per-line Map or entries array).
    const bk = line.buckets;
    const b: Record<Bucket, bigint> = {
      ordered: qty(bk.ordered),
      reserved: qty(bk.reserved),
      shipped: qty(bk.shipped),
      delivered: qty(bk.delivered),
      returnRequested: qty(bk.returnRequested),
      returned: qty(bk.returned),
      restocked: qty(bk.restocked),
      writtenOff: qty(bk.writtenOff),
      invoiced: qty(bk.invoiced),
      credited: qty(bk.credited),
    };
    for (const k of BUCKETS) if (b[k] < 0n) breaches.push(`line ${line.lineId}: ${k} is negative`);
    if (b.reserved > b.ordered) breaches.push(`line ${line.lineId}: reserved ${line.buckets.reserved} > ordered ${line.buckets.ordered}`);
    if (b.shipped > b.ordered) breaches.push(`line ${line.lineId}: shipped ${line.buckets.shipped} > ordered ${line.buckets.ordered}`);
    if (b.delivered > b.shipped) breaches.push(`line ${line.lineId}: delivered ${line.buckets.delivered} > shipped ${line.buckets.shipped}`);
    if (b.returned + b.returnRequested > b.shipped) breaches.push(`line ${line.lineId}: returned and requested ${line.buckets.returned}+${line.buckets.returnRequested} > shipped ${line.buckets.shipped}`);
    if (b.restocked + b.writtenOff !== b.returned) breaches.push(`line ${line.lineId}: restocked + written off ≠ returned`);
    if (b.invoiced > b.ordered) breaches.push(`line ${line.lineId}: invoiced ${line.buckets.invoiced} > ordered ${line.buckets.ordered}`);
    if (b.credited > b.invoiced) breaches.push(`line ${line.lineId}: credited ${line.buckets.credited} > invoiced ${line.buckets.invoiced}`);
  }
  for (const invoice of order.invoices) {
    for (const l of invoice.lines ?? []) {
      if (qty(l.credited) < 0n || qty(l.credited) > qty(l.quantity)) breaches.push(`invoice ${invoice.invoiceId} line ${l.lineId}: credited ${l.credited} outside 0..${l.quantity}`);
    }
  }
  const scale = (s: string) => parseScaled(s, 6);
  const captured = scale(order.paid.captured);
  const refundedOnEdit = scale(order.paid.refundedOnEdit ?? "0");
  if (scale(order.paid.refunded) > captured) breaches.push(`refunded ${order.paid.refunded} > captured ${order.paid.captured}`);
  if (refundedOnEdit > scale(order.paid.refunded)) breaches.push(`refunded on edit ${order.paid.refundedOnEdit ?? "0"} > refunded ${order.paid.refunded}`);
  const refundedPrepaid = scale(order.paid.refundedPrepaid ?? "0");
  if (refundedOnEdit + refundedPrepaid > scale(order.paid.refunded)) breaches.push(`refunded on edit ${order.paid.refundedOnEdit ?? "0"} and out of prepayments ${order.paid.refundedPrepaid ?? "0"} > refunded ${order.paid.refunded}`);
  // Money finance moved to other orders' documents was paid again here: it does not count toward this order's total.
  const movedAway = scale(order.paid.movedAway ?? "0");
  if (captured - refundedOnEdit - refundedPrepaid - movedAway > scale(order.totals.gross)) breaches.push(`captured ${order.paid.captured} (less ${order.paid.refundedOnEdit ?? "0"} refunded on edit, ${order.paid.refundedPrepaid ?? "0"} out of prepayments${movedAway > 0n ? ` and ${order.paid.movedAway} paying other orders` : ""}) > order total ${order.totals.gross}`);
  if (scale(order.prepayment.amount) < 0n) breaches.push(`prepayment ${order.prepayment.amount} is negative`);
  if (breaches.length > 0) {
    throw new StorekeepError("INVALID_TRANSITION", `Order ${order.orderId} would break its invariants: ${breaches.join("; ")}.`, { orderId: order.orderId, breaches });
  }
}

/** The order's derived payment status. */
export type PaymentStatus = "unpaid" | "authorized" | "partially-paid" | "paid" | "written-off" | "partially-refunded" | "refunded";
/** The order's derived fulfilment status. */
export type FulfilmentStatus = "unfulfilled" | "partially-shipped" | "shipped" | "partially-delivered" | "delivered";
/** The order's derived return status. */
export type ReturnStatus = "none" | "requested" | "partially-returned" | "returned";

/**
 * Statuses derived from amounts and buckets (never stored, so they cannot drift).
 * `writtenOff` is what finance wrote off on the order's invoices (see `writtenOffOf`): when it
 * covers all that was not captured, the payment status is "written-off". `paidByCredits` is what
 * other orders' credits paid of its invoices (`finance.allocate`): paid, as a capture is; `movedAway`
 * what its own credits (a credit note, an over-payment on a capture) paid of other orders'
 * documents: no longer paid toward it (see `allocatedOf`). What a return credited
 * is not owed: an order is paid once its captures reach its total less its returns' credits.
 *
 * @example
 * ```ts
 * deriveStatuses(order).payment; // "paid"
 * ```
 */
export function deriveStatuses(order: OrderDoc, writtenOff = "0", paidByCredits = "0", movedAway = "0"): { order: OrderState; payment: PaymentStatus; fulfilment: FulfilmentStatus; returns: ReturnStatus } {
  const s6 = (s: string) => parseScaled(s, 6);
  // Money paid back because an edit lowered the total, or out of a prepayment before invoicing
  // (owed again), is neither paid toward the order nor a refund of it: "paid" is leftToPay 0.
  // Authorized money counts while some of it is left to capture (what was captured used it up).
  // On a cancelled order nothing is owed again: a prepayment paid back there is a refund.
  const notPaid = s6(order.paid.refundedOnEdit ?? "0") + (order.state === "cancelled" ? 0n : s6(order.paid.refundedPrepaid ?? "0"));
  // Another order's credit that finance let pay this order's invoices (finance.allocate) is paid as a capture is;
  // this order's credit that pays another order's documents is paid there, not here.
  const captured = s6(order.paid.captured) - notPaid + s6(paidByCredits) - s6(movedAway);
  const refunded = s6(order.paid.refunded) - notPaid;
  // What the order costs now: its total less what returns credited (the customer pays for what they keep).
  const gross = s6(order.totals.gross) - s6(creditedAgainstTotal(order));
  // Written off in finance (a bad debt, a small difference): no longer owed, never paid.
  const relieved = s6(writtenOff);
  const payment: PaymentStatus =
    refunded > 0n
      ? refunded >= captured ? "refunded" : "partially-refunded"
      : relieved > 0n && captured < gross && captured + relieved >= gross
        ? "written-off"
        : captured === 0n && gross > 0n ? (authorizationRest(order) > 0n ? "authorized" : "unpaid") : captured >= gross ? "paid" : "partially-paid";
  let ordered = 0n;
  let shipped = 0n;
  let delivered = 0n;
  let returned = 0n;
  let requested = 0n;
  for (const line of order.lines) {
    ordered += qty(line.buckets.ordered);
    shipped += qty(line.buckets.shipped);
    delivered += qty(line.buckets.delivered);
    returned += qty(line.buckets.returned);
    requested += qty(line.buckets.returnRequested);
  }
  const fulfilment: FulfilmentStatus =
    shipped === 0n ? "unfulfilled" : shipped < ordered ? "partially-shipped" : delivered === 0n ? "shipped" : delivered < ordered ? "partially-delivered" : "delivered";
  const returns: ReturnStatus = requested > 0n ? "requested" : returned === 0n ? "none" : returned < shipped ? "partially-returned" : "returned";
  return { order: order.state, payment, fulfilment, returns };
}

/**
 * What finance wrote off on an order's invoices, credit notes and captures, in the order's
 * currency, from the write-off settlements of their open items: `debt` (what the customer owed and
 * will not pay: a bad debt, a small difference on an invoice — less what a later credit note
 * wrote back of it, settlements `write-back`) or `credit` (what the shop owed back and will
 * not pay: a small difference left on a credit note or an over-payment, as a positive amount).
 * Pure: the caller reads the items.
 *
 * @example
 * ```ts
 * writtenOffOf([{ settlements: [{ kind: "write-off", amount: "18.8" }] }]); // "18.8"
 * writtenOffOf([{ settlements: [{ kind: "write-off", amount: "-0.01" }] }], "credit"); // "0.01"
 * ```
 */
export function writtenOffOf(items: readonly { readonly settlements: readonly { readonly kind: string; readonly amount: string }[] }[], side: "debt" | "credit" = "debt"): string {
  let total = 0n;
  for (const item of items) {
    for (const s of item.settlements) {
      const amount = parseScaled(s.amount, 6);
      // A credit note of a written-off invoice writes back (negative) what it made no longer owed.
      if (s.kind === "write-back" && side === "debt") total += amount;
      if (s.kind !== "write-off") continue;
      if (side === "debt" && amount > 0n) total += amount;
      if (side === "credit" && amount < 0n) total -= amount;
    }
  }
  return formatScaled(total, 6);
}

/**
 * What `finance.allocate` moved between an order and other orders, in the order's currency, from
 * the allocation settlements on the open items of its documents (invoices, credit notes,
 * captures): `paidByCredits`, what other orders' credits paid of its invoices, and `movedAway`,
 * what its own credits — a return's credit note, an over-payment left on a capture — paid of
 * other orders' documents (money paid on this order that pays another now). An allocation
 * settled against one of the order's own documents (`own`: an invoice taking its order's earlier
 * credit note or over-payment, named by sales' event) is sales' own record; one `finance.allocate`
 * made between two of the order's own documents (its id on a credit and on an invoice of the
 * order) moves nothing out either: sales' receivable nets the two already. Pure: the caller
 * reads the items.
 *
 * @example
 * ```ts
 * allocatedOf([{ settlements: [{ kind: "allocation", documentId: "alloc_1", amount: "-23.8" }] }], new Set(["ch_1"]));
 * // { paidByCredits: "0", movedAway: "23.8" }: ch_1's over-payment paid another order's invoice
 * ```
 */
export function allocatedOf(
  items: readonly { readonly settlements: readonly { readonly kind: string; readonly amount: string; readonly documentId?: string }[] }[],
  own: ReadonlySet<string>,
): { paidByCredits: string; movedAway: string } {
  // Per allocation: what the order's invoices took (positive) and what its credits gave (negative).
  const byAllocation = new Map<string, { paid: bigint; gave: bigint }>();
  for (const item of items) {
    for (const s of item.settlements) {
      if (s.kind !== "allocation" || s.documentId === undefined || own.has(s.documentId)) continue;
      const amount = parseScaled(s.amount, 6);
      const seen = byAllocation.get(s.documentId) ?? { paid: 0n, gave: 0n };
      byAllocation.set(s.documentId, amount > 0n ? { ...seen, paid: seen.paid + amount } : { ...seen, gave: seen.gave - amount });
    }
  }
  let paidByCredits = 0n;
  let movedAway = 0n;
  for (const { paid, gave } of byAllocation.values()) {
    // The part one of the order's credits paid of one of its own invoices stays within the order.
    const within = paid < gave ? paid : gave;
    paidByCredits += paid - within;
    movedAway += gave - within;
  }
  return { paidByCredits: formatScaled(paidByCredits, 6), movedAway: formatScaled(movedAway, 6) };
}
