import { Decimal, canonicalDecimal } from "../kernel/decimal.js";
import { StorekeepError } from "../kernel/errors.js";
import { idSchema } from "../kernel/ids.js";
import { strictInput } from "../kernel/strict-input.js";
import type { Transaction } from "../ports/storage.js";
import type { CommandContext } from "../runner/command.js";
import { defineLibraryCommand } from "../runner/library.js";
import { decimalText } from "./inputs.js";
import type { SalesSettings } from "./options.js";
import { functionalRate } from "./rate.js";
import { amountOf, convertMinor, minorOf } from "./amounts.js";
import { ORDERS, type OrderDoc, qty } from "./order.js";

/*
 * Credit limits for customers who buy on account: an order placed with payment terms may not
 * take the customer's exposure beyond its limit — its receivables (every open invoice less the
 * credits on account, in the functional currency, as finance holds them) and what its orders on
 * account will still bill (placed or on hold, not invoiced yet, less what was paid ahead on
 * them). The limit's row is locked while an order checks it, so two orders placed at once cannot
 * both pass on the same headroom.
 */

export const CREDIT_LIMITS = "sales.credit-limits";

/**
 * A customer's credit limit as stored (functional currency).
 *
 * @example
 * ```ts
 * const limit: CreditLimit = { customerId: "c1", limit: "5000" };
 * ```
 */
export interface CreditLimit {
  readonly customerId: string;
  readonly limit: string;
  /** The orders the last check followed (internal bookkeeping of the check; absent before the first). */
  readonly tracked?: { readonly since: string; readonly orderIds: readonly string[] };
}

/**
 * What a customer owes against its limit (functional currency): `receivables` its open invoices
 * less credits on account, `uninvoiced` what its orders on account (with payment terms, placed
 * or on hold) will still bill less what was paid ahead on them, `open` the two together, and
 * `available` what an order on account may still add (null: no limit).
 *
 * @example
 * ```ts
 * const status: CreditStatus = await sk.sales.creditStatus("c1");
 * status.available; // "381"
 * ```
 */
export interface CreditStatus {
  readonly customerId: string;
  readonly currency: string;
  readonly limit: string | null;
  readonly receivables: string;
  readonly uninvoiced: string;
  readonly open: string;
  readonly available: string | null;
}

/**
 * Sets (or with `limit: null` removes) a customer's credit limit, in the functional currency.
 * Orders placed on account (with payment terms) are then refused when they would take the
 * customer's receivables beyond it.
 *
 * @example
 * ```ts
 * await sk.sales.setCreditLimit({ customerId: "c1", limit: "5000" });
 * ```
 */
export const setCreditLimit = defineLibraryCommand({
  name: "sales.setCreditLimit",
  input: strictInput({ customerId: idSchema<string>(), limit: decimalText("nonnegative").nullable() }),
  async handle(ctx, input): Promise<{ result: { customerId: string; limit: string | null } }> {
    const existing = await ctx.tx.documents.getForUpdate<never>(CREDIT_LIMITS, input.customerId);
    if (input.limit === null) {
      if (existing !== undefined) await ctx.tx.documents.delete(CREDIT_LIMITS, input.customerId, existing.version);
      return { result: { customerId: input.customerId, limit: null } };
    }
    const tracked = (existing?.data as CreditLimit | undefined)?.tracked;
    const doc: CreditLimit = { customerId: input.customerId, limit: canonicalDecimal(new Decimal(input.limit)), ...(tracked === undefined ? {} : { tracked }) };
    await ctx.tx.documents.put(CREDIT_LIMITS, input.customerId, doc as never, existing?.version ?? 0);
    return { result: { customerId: doc.customerId, limit: doc.limit } };
  },
});

/** The customer's receivables in the functional currency (open invoices less credits), or "0" without finance. */
async function receivablesOf(tx: Transaction, settings: SalesSettings, customerId: string): Promise<Decimal> {
  return new Decimal(settings.seams.partyReceivables === undefined ? "0" : await settings.seams.partyReceivables(tx, customerId));
}

/** The rate from a currency to the functional currency (for what orders in it will bill). */
export type FunctionalRateOf = (currency: string) => Promise<string>;

const ON_ACCOUNT_STATES: ReadonlySet<string> = new Set(["placed", "on-hold"]);
const PAGE = 500;

/**
 * What one order on account will still bill, in its currency's minor units: the gross of each
 * line's units not invoiced yet (its share of the line's gross, rounded half up) and the shipping
 * charge until invoiced, less what was paid ahead on the order (its prepayments); never below
 * zero. Nothing for an order without payment terms, or not placed or on hold.
 *
 * @example
 * ```ts
 * uninvoicedMinor(order); // 11900n: a placed on-shipment order of 119.00 on account, nothing shipped or paid
 * ```
 */
export function uninvoicedMinor(order: OrderDoc): bigint {
  if (order.paymentTermsDays <= 0 || !ON_ACCOUNT_STATES.has(order.state)) return 0n;
  let left = 0n;
  for (const line of order.lines) {
    const ordered = qty(line.buckets.ordered);
    const rest = ordered - qty(line.buckets.invoiced);
    if (ordered <= 0n || rest <= 0n) continue;
    const gross = minorOf(line.gross, order.currency);
    left += (2n * gross * rest + ordered) / (2n * ordered);
  }
  if (!order.shipping.invoiced) left += minorOf(order.shipping.gross, order.currency);
  left -= minorOf(order.prepayment.amount, order.currency);
  return left > 0n ? left : 0n;
}

/**
 * Whether an order has shipped and invoiced everything it ordered (its shipping too): it bills
 * nothing more — credit notes and refunds move receivables, not what is left to invoice — unless
 * an edit adds to it, and an edit that adds is checked and followed again. So credit checks stop
 * following it even if its deliveries are never recorded (it then stays `placed`).
 */
function billedInFull(order: OrderDoc): boolean {
  // (An edit may add to such an order while it is placed: the edit's check follows it again.)
  for (const line of order.lines) {
    const ordered = qty(line.buckets.ordered);
    if (qty(line.buckets.shipped) < ordered || qty(line.buckets.invoiced) < ordered) return false;
  }
  return order.shipping.invoiced || minorOf(order.shipping.gross, order.currency) === 0n;
}

/**
 * The orders a credit check follows for a customer, kept on its limit: every order on account
 * (payment terms) not completed, cancelled or shipped and invoiced in full as of the last check,
 * and the instant from which orders placed since are read from the customer's index. Such an
 * order never counts again, so a check reads the customer's open orders and its newest, not its
 * history.
 */
interface Tracked {
  readonly since: string;
  readonly orderIds: readonly string[];
}

/** A margin on `since` for clocks that step back (each order read is counted once all the same). */
const SINCE_MARGIN_MS = 86_400_000;

/**
 * What the customer's orders on account will still bill (see {@link uninvoicedMinor}), functional,
 * read from the orders `tracked` and those placed since `tracked.since` (all of the customer's
 * orders without it), and the orders on account among them still to bill (`follow`: not completed,
 * cancelled, or shipped and invoiced in full).
 */
async function uninvoicedOf(tx: Transaction, functionalCurrency: string, rateOf: FunctionalRateOf, customerId: string, tracked: Tracked | undefined): Promise<{ uninvoiced: Decimal; follow: string[] }> {
  const orders = new Map<string, OrderDoc>();
  let after: { values: readonly string[]; id: string } | undefined;
  for (;;) {
    const page = await tx.documents.find<never>(ORDERS, { index: "byCustomer", equals: [customerId], ...(tracked === undefined ? {} : { range: { gte: tracked.since } }), limit: PAGE, ...(after ? { after } : {}) });
    for (const { id, data } of page) orders.set(id, data as unknown as OrderDoc);
    if (page.length < PAGE) break;
    const last = page[page.length - 1]!;
    after = { values: [customerId, (last.data as unknown as OrderDoc).placedAt], id: last.id };
  }
  const known = (tracked?.orderIds ?? []).filter((id) => !orders.has(id));
  if (known.length > 0) for (const { id, data } of await tx.documents.getMany<never>(ORDERS, known)) orders.set(id, data as unknown as OrderDoc);
  let total = 0n;
  const follow: string[] = [];
  // One rate per currency, however many orders are in it.
  const rates = new Map<string, string>();
  for (const [id, order] of [...orders].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (order.paymentTermsDays <= 0 || order.state === "completed" || order.state === "cancelled" || billedInFull(order)) continue;
    follow.push(id);
    const left = uninvoicedMinor(order);
    if (left === 0n) continue;
    const rate = rates.get(order.currency) ?? rates.set(order.currency, await rateOf(order.currency)).get(order.currency)!;
    total += convertMinor(left, order.currency, functionalCurrency, rate);
  }
  return { uninvoiced: new Decimal(amountOf(total, functionalCurrency)), follow };
}

/**
 * A customer's credit status (see {@link CreditStatus}).
 *
 * @example
 * ```ts
 * const status = await runtime.read((tx) => creditStatusOf(tx, settings, "EUR", async () => "1", "c1"));
 * ```
 */
export async function creditStatusOf(tx: Transaction, settings: SalesSettings, functionalCurrency: string, rateOf: FunctionalRateOf, customerId: string): Promise<CreditStatus> {
  const limit = (await tx.documents.get<never>(CREDIT_LIMITS, customerId))?.data as CreditLimit | undefined;
  const receivables = await receivablesOf(tx, settings, customerId);
  // Read from all of the customer's orders, not from what the checks follow: the status is the checks' witness.
  const { uninvoiced } = await uninvoicedOf(tx, functionalCurrency, rateOf, customerId, undefined);
  const open = receivables.plus(uninvoiced);
  return {
    customerId,
    currency: functionalCurrency,
    limit: limit?.limit ?? null,
    receivables: canonicalDecimal(receivables),
    uninvoiced: canonicalDecimal(uninvoiced),
    open: canonicalDecimal(open),
    available: limit === undefined ? null : canonicalDecimal(Decimal.max(0, new Decimal(limit.limit).minus(open))),
  };
}

/**
 * Refuses an order on account that would take its customer's exposure beyond the credit limit
 * (`VALIDATION_FAILED` with `reason: "credit-limit"`, the limit, what is open — receivables and
 * what the customer's orders on account will still bill — and what is available). `gross` is what
 * the order adds (an edit: what it raises the order by, with `orderId`, so the check follows the
 * edited order from then on; a draft counts for nothing until placed).
 * The limit's row stays locked until the order commits.
 * Nothing to check for a guest, an order paid up front (no payment terms) or a customer without
 * a limit.
 *
 * @example
 * ```ts
 * await checkCreditLimit(ctx, settings, { customerId: "c1", currency: "EUR", gross: "119", paymentTermsDays: 14 });
 * ```
 */
export async function checkCreditLimit(ctx: CommandContext, settings: SalesSettings, order: { readonly customerId: string; readonly currency: string; readonly gross: string; readonly paymentTermsDays: number; readonly orderId?: string }): Promise<void> {
  if (order.customerId === "" || order.paymentTermsDays <= 0) return;
  const doc = await ctx.tx.documents.getForUpdate<never>(CREDIT_LIMITS, order.customerId);
  if (doc === undefined) return;
  const stored = doc.data as CreditLimit;
  const limit = new Decimal(stored.limit);
  const fc = ctx.config.functionalCurrency;
  const exposure = await uninvoicedOf(ctx.tx, fc, (c) => functionalRate(ctx, c), order.customerId, stored.tracked);
  const open = (await receivablesOf(ctx.tx, settings, order.customerId)).plus(exposure.uninvoiced);
  // What the check followed, for the next one (the row is locked: no other check writes it meanwhile).
  const margin = new Date(ctx.now.getTime() - SINCE_MARGIN_MS).toISOString();
  // An edited order is followed from now on: what it adds is still to bill, whenever it was placed.
  const follow = order.orderId !== undefined && !exposure.follow.includes(order.orderId) ? [...exposure.follow, order.orderId].sort() : exposure.follow;
  const tracked: Tracked = { since: stored.tracked !== undefined && stored.tracked.since > margin ? stored.tracked.since : margin, orderIds: follow };
  await ctx.tx.documents.put(CREDIT_LIMITS, order.customerId, { ...stored, tracked } as never, doc.version);
  // At the day's rate, rounded to the functional currency's minor unit as the invoice will be.
  const functional = new Decimal(amountOf(convertMinor(minorOf(order.gross, order.currency), order.currency, fc, await functionalRate(ctx, order.currency)), fc));
  if (open.plus(functional).lte(limit)) return;
  const available = Decimal.max(0, limit.minus(open));
  throw new StorekeepError(
    "VALIDATION_FAILED",
    `Customer ${order.customerId} has a credit limit of ${canonicalDecimal(limit)} ${fc} and owes ${canonicalDecimal(open)} ${fc}; this order on account (${order.gross} ${order.currency}${order.currency === fc ? "" : ` = ${canonicalDecimal(functional)} ${fc}`}) would take it beyond, with ${canonicalDecimal(available)} ${fc} available. Take payment up front (no paymentTermsDays), wait for payments, or raise the limit (sales.setCreditLimit).`,
    { reason: "credit-limit", customerId: order.customerId, limit: canonicalDecimal(limit), open: canonicalDecimal(open), available: canonicalDecimal(available), issues: [{ path: "paymentTermsDays", message: "credit limit reached", code: "custom" }] },
  );
}
