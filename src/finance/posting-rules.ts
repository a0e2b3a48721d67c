import type { AccountRole } from "../kernel/events/account-roles.js";
import type { EventPayload, EventType } from "../kernel/events/definitions.js";
import { StorekeepError } from "../kernel/errors.js";
import type { MoneyJson } from "../kernel/money.js";
import { type CurrencyCode, minorUnits } from "../kernel/currencies.js";
import { billLineDifferences } from "../kernel/events/purchasing.js";
import { type CashAccountRule, cashAccount } from "./cash-accounts.js";
import type { AccountMap } from "./chart.js";
import { type EntryDomain, domainOfEvent } from "./periods.js";
import { type PostingLine, toUnits, unitsToString } from "./posting-kernel.js";

/*
 * The posting rules: one pure function per event type of DESIGN.md's posting table, from
 * the amounts its payload carries to journal lines, through the shop's account map.
 * Finance never reads another module's state: where a split needs one (what is on hand,
 * what a layer cost), the emitting module put it in the event.
 */

/**
 * A line a rule produces: a kernel line plus the rate it was converted at (foreign
 * currency only).
 *
 * @example
 * ```ts
 * const line: RuleLine = { account: "1150", currency: "USD", amount: 110_000000n, functional: 100_000000n, rate: "0.909" };
 * ```
 */
export interface RuleLine extends PostingLine {
  readonly rate?: string;
}

/**
 * The journal entry a rule asks for: its business date, lock domain, memo and lines.
 *
 * @example
 * ```ts
 * const entry: RuleEntry = { date: "2026-11-27", domain: "stock", memo: "StockIssued mv_2 (shipment shp_1)", lines };
 * ```
 */
export interface RuleEntry {
  readonly date: string;
  readonly domain: EntryDomain;
  readonly memo: string;
  readonly lines: readonly RuleLine[];
}

/**
 * What a rule sees of an event: its type, business date, id and validated payload.
 *
 * @example
 * ```ts
 * const event: RuleEvent<"StockIssued"> = { id: "evt_1", type: "StockIssued", effectiveDate: "2026-11-27", payload };
 * ```
 */
export interface RuleEvent<T extends EventType = EventType> {
  readonly id: string;
  readonly type: T;
  readonly effectiveDate: string;
  readonly payload: EventPayload<T>;
}

/**
 * What a rule needs besides the event: the account map and the functional currency.
 *
 * @example
 * ```ts
 * const context: RuleContext = { accountMap: DEFAULT_ACCOUNT_MAP, functionalCurrency: "EUR" };
 * ```
 */
export interface RuleContext {
  readonly accountMap: AccountMap;
  readonly functionalCurrency: string;
  /** More bank and payment-provider accounts (per provider and/or currency). */
  readonly cashAccounts?: readonly CashAccountRule[];
}

/** The context with `bank` and `psp-clearing` resolved for a provider and currency. */
function forCash(context: RuleContext, provider: string | undefined, currency: string): RuleContext {
  if (context.cashAccounts === undefined || context.cashAccounts.length === 0) return context;
  const bank = cashAccount(context.accountMap, context.cashAccounts, "bank", provider, currency);
  const psp = cashAccount(context.accountMap, context.cashAccounts, "psp-clearing", provider, currency);
  if (bank === context.accountMap.bank && psp === context.accountMap["psp-clearing"]) return context;
  return { ...context, accountMap: { ...context.accountMap, bank, "psp-clearing": psp } };
}

/**
 * A posting rule: a pure function from an event to the entries it posts (none for an
 * event that moves no value).
 *
 * @example
 * ```ts
 * const rule: PostingRule<"StockIssued"> = (event, context) => postingRules.StockIssued(event, context);
 * ```
 */
export type PostingRule<T extends EventType = EventType> = (event: RuleEvent<T>, context: RuleContext) => readonly RuleEntry[];

/**
 * Posting rules by event type.
 *
 * @example
 * ```ts
 * const rules: Partial<PostingRules> = { PayoutSettled: myPayoutRule };
 * ```
 */
export type PostingRules = { readonly [T in EventType]: PostingRule<T> };

/** Builds lines, skipping lines that are zero in both amounts. */
class Lines {
  readonly out: RuleLine[] = [];
  constructor(private readonly context: RuleContext) {}

  /** A line in the functional currency (amount = functional). Sign: +1 debit, -1 credit. */
  functional(role: AccountRole, money: MoneyJson, sign: 1 | -1): this {
    if (money.currency !== this.context.functionalCurrency) {
      throw new StorekeepError("VALIDATION_FAILED", `An event amount is in ${money.currency} but the books are kept in ${this.context.functionalCurrency}; functional amounts must be in the functional currency.`, {
        issues: [{ path: "payload", message: `expected ${this.context.functionalCurrency}`, code: "custom" }],
      });
    }
    const units = toUnits(money.amount) * BigInt(sign);
    if (units !== 0n) this.out.push({ account: this.context.accountMap[role], currency: money.currency, amount: units, functional: units });
    return this;
  }

  /** A line with a transaction amount and its functional value; `extra` adjusts the functional side. */
  pair(role: AccountRole, transaction: MoneyJson, functional: MoneyJson, rate: string, sign: 1 | -1, extraFunctional = 0n): this {
    if (functional.currency !== this.context.functionalCurrency) return this.functional(role, functional, sign);
    if (transaction.currency === this.context.functionalCurrency) {
      const units = (toUnits(functional.amount) + extraFunctional) * BigInt(sign);
      if (units !== 0n) this.out.push({ account: this.context.accountMap[role], currency: transaction.currency, amount: units, functional: units });
      return this;
    }
    const amount = toUnits(transaction.amount) * BigInt(sign);
    const value = (toUnits(functional.amount) + extraFunctional) * BigInt(sign);
    if (amount !== 0n || value !== 0n) this.out.push({ account: this.context.accountMap[role], currency: transaction.currency, amount, functional: value, rate });
    return this;
  }

  /** A signed functional amount (debit positive). */
  signed(role: AccountRole, money: MoneyJson): this {
    return this.functional(role, money, 1);
  }
}

function entries(event: RuleEvent, memo: string, lines: readonly RuleLine[], date = event.effectiveDate): RuleEntry[] {
  // An event whose amounts are all zero posts nothing (a free sample, a zero-cost issue).
  if (lines.length < 2) return [];
  return [{ date, domain: domainOfEvent(event.type), memo, lines }];
}

/** A reverse-charged purchase's tax, owed by the shop: Dr `input-tax` / Cr `output-tax` (sign −1 reverses it). */
function selfAssess(l: Lines, taxLines: readonly { readonly selfAssessed?: boolean; readonly functional: { readonly tax: MoneyJson } }[] | undefined, sign: 1 | -1): void {
  for (const line of taxLines ?? []) {
    if (line.selfAssessed === true) l.functional("input-tax", line.functional.tax, sign).functional("output-tax", line.functional.tax, sign === 1 ? -1 : 1);
  }
}

/**
 * Output tax due on a customer advance: Dr `advance-tax` / Cr `output-tax` when the advance
 * is taken (sign 1); released (sign −1) when an invoice applies the advance or it is refunded.
 */
function advanceTax(l: Lines, taxLines: readonly { readonly functional: { readonly tax: MoneyJson } }[] | undefined, sign: 1 | -1): void {
  for (const line of taxLines ?? []) l.functional("advance-tax", line.functional.tax, sign).functional("output-tax", line.functional.tax, sign === 1 ? -1 : 1);
}

function none(): RuleEntry[] {
  return [];
}

const negate = (money: MoneyJson): MoneyJson => ({ amount: money.amount.startsWith("-") ? money.amount.slice(1) : money.amount === "0" ? "0" : `-${money.amount}`, currency: money.currency });

/**
 * The default posting rules, one per event type (DESIGN.md's posting table). Events that
 * move no value (OrderPlaced, OrderEdited, PaymentAuthorized, ShipmentDispatched, ReturnReceived,
 * GoodsReceived, StockReserved, ReservationReleased) post nothing: the stock events
 * inventory emits for them do.
 *
 * @example
 * ```ts
 * const [entry] = postingRules.StockIssued(event, { accountMap: DEFAULT_ACCOUNT_MAP, functionalCurrency: "EUR" });
 * entry.lines; // Dr 5100 COGS / Cr 1300 Inventory
 * ```
 */
export const postingRules: PostingRules = {
  OrderPlaced: none,
  // An edit's money moves are the correction credit note, the new invoice and the surplus
  // refund it emits beside OrderEdited (CreditNoteIssued, OrderInvoiced, RefundIssued).
  OrderEdited: none,
  OrderReservationRequested: none,
  OrderCancelled: none,
  PaymentAuthorized: none,
  ShipmentDispatched: none,
  ReturnReceived: none,
  GoodsReceived: none,
  StockReserved: none,
  ReservationReleased: none,

  PaymentCaptured(event, context) {
    const p = event.payload;
    const l = new Lines(forCash(context, p.provider, p.currency));
    if (!p.invoiced) {
      l.pair("psp-clearing", p.amount, p.functionalAmount, p.rate, 1).pair("customer-prepayments", p.amount, p.functionalAmount, p.rate, -1);
      advanceTax(l, p.advanceTaxLines, 1);
      return entries(event, `Payment ${p.paymentId} captured for order ${p.orderId} before invoicing`, l.out);
    }
    const difference = p.exchangeDifference === undefined ? 0n : toUnits(p.exchangeDifference.amount);
    l.pair("psp-clearing", p.amount, p.functionalAmount, p.rate, 1);
    if (p.exchangeDifference !== undefined) l.signed("exchange-gain-loss", p.exchangeDifference);
    l.pair("receivables", p.amount, p.functionalAmount, p.rate, -1, difference);
    return entries(event, `Payment ${p.paymentId} captured for order ${p.orderId}${p.invoiceId === undefined ? "" : ` (invoice ${p.invoiceId})`}`, l.out);
  },

  OrderInvoiced(event, context) {
    const p = event.payload;
    const f = p.functional;
    const l = new Lines(context)
      .pair("receivables", p.gross, f.gross, p.rate, 1)
      .pair("sales-revenue", p.net, f.net, p.rate, -1)
      .pair("shipping-revenue", p.shipping, f.shipping, p.rate, -1)
      .pair("output-tax", p.tax, f.tax, p.rate, -1)
      .pair("customer-prepayments", p.prepaymentApplied, f.prepaymentApplied, p.rate, 1)
      .pair("receivables", p.prepaymentApplied, f.prepaymentApplied, p.rate, -1);
    advanceTax(l, p.advanceTaxReleased, -1);
    return entries(event, `Invoice ${p.invoiceId} for order ${p.orderId}`, l.out);
  },

  PayoutSettled(event, context) {
    const p = event.payload;
    const f = p.functional;
    if (p.settled !== undefined) {
      // Converted by the provider: the bank and fees in the payout's currency, the clearing
      // account of the captures' currency relieved at their booked value.
      const s = p.settled;
      const l = new Lines(forCash(context, p.provider, p.currency)).pair("bank", p.net, f.net, p.rate, 1).pair("payment-fees", p.fees, f.fees, p.rate, 1);
      if (p.exchangeDifference !== undefined) l.signed("exchange-gain-loss", p.exchangeDifference);
      const clearing = new Lines(forCash(context, p.provider, s.currency)).pair("psp-clearing", s.gross, s.functional, s.rate, -1);
      return entries(event, `Payout ${p.payoutId} settled (${s.gross.amount} ${s.currency} converted)`, [...l.out, ...clearing.out]);
    }
    const difference = p.exchangeDifference === undefined ? 0n : toUnits(p.exchangeDifference.amount);
    const l = new Lines(forCash(context, p.provider, p.currency)).pair("bank", p.net, f.net, p.rate, 1).pair("payment-fees", p.fees, f.fees, p.rate, 1);
    if (p.exchangeDifference !== undefined) l.signed("exchange-gain-loss", p.exchangeDifference);
    l.pair("psp-clearing", p.gross, f.gross, p.rate, -1, difference);
    return entries(event, `Payout ${p.payoutId} settled`, l.out);
  },

  RefundIssued(event, context) {
    const p = event.payload;
    const l = new Lines(forCash(context, p.provider, p.currency));
    if (!p.invoiced) {
      // A refunded advance leaves prepayments at its booked value (finance computes the difference).
      const advanceDifference = p.exchangeDifference === undefined ? 0n : toUnits(p.exchangeDifference.amount);
      l.pair("customer-prepayments", p.amount, p.functionalAmount, p.rate, 1, -advanceDifference);
      if (p.exchangeDifference !== undefined) l.signed("exchange-gain-loss", p.exchangeDifference);
      l.pair("psp-clearing", p.amount, p.functionalAmount, p.rate, -1);
      advanceTax(l, p.advanceTaxReleased, -1);
      return entries(event, `Refund ${p.refundId} for order ${p.orderId} out of prepayments`, l.out);
    }
    const difference = p.exchangeDifference === undefined ? 0n : toUnits(p.exchangeDifference.amount);
    // A refund split between the credit and prepayments: the prepayment part as a refund out of
    // prepayments (at its booked value), the rest settles the credit.
    const part = p.fromPrepayments;
    let credit = { amount: p.amount, functional: p.functionalAmount };
    if (part !== undefined) {
      const partDifference = part.exchangeDifference === undefined ? 0n : toUnits(part.exchangeDifference.amount);
      l.pair("customer-prepayments", part.amount, part.functionalAmount, p.rate, 1, -partDifference);
      if (part.exchangeDifference !== undefined) l.signed("exchange-gain-loss", part.exchangeDifference);
      const less = (whole: MoneyJson, some: MoneyJson): MoneyJson => ({ amount: unitsToString(toUnits(whole.amount) - toUnits(some.amount)), currency: whole.currency });
      credit = { amount: less(p.amount, part.amount), functional: less(p.functionalAmount, part.functionalAmount) };
    }
    l.pair("receivables", credit.amount, credit.functional, p.rate, 1, -difference);
    if (p.exchangeDifference !== undefined) l.signed("exchange-gain-loss", p.exchangeDifference);
    l.pair("psp-clearing", p.amount, p.functionalAmount, p.rate, -1);
    if (part !== undefined) advanceTax(l, p.advanceTaxReleased, -1);
    const split = part === undefined ? "" : `, ${part.amount.amount} out of prepayments`;
    return entries(event, `Refund ${p.refundId} for order ${p.orderId}${p.creditNoteId === undefined ? "" : ` (credit note ${p.creditNoteId})`}${split}`, l.out);
  },

  CreditNoteIssued(event, context) {
    const p = event.payload;
    const f = p.functional;
    // Goods that came back (a return) and a price allowance are sales returns; a cancellation or
    // an edit's correction undoes the sale it credits, so it mirrors the invoice on sales revenue.
    const goods = p.reason === "cancellation" || p.reason === "correction" ? "sales-revenue" : "sales-returns";
    const l = new Lines(context)
      .pair(goods, p.net, f.net, p.rate, 1)
      .pair("shipping-revenue", p.shipping, f.shipping, p.rate, 1)
      .pair("output-tax", p.tax, f.tax, p.rate, 1)
      .pair("receivables", p.gross, f.gross, p.rate, -1);
    return entries(event, `Credit note ${p.creditNoteId} (${p.reason}) for order ${p.orderId}`, l.out);
  },

  SupplierBillRecorded(event, context) {
    const p = event.payload;
    const f = p.functional;
    const fc = context.functionalCurrency;
    let received = 0n;
    let price = 0n;
    let exchange = 0n;
    const digits = minorUnits(fc as CurrencyCode);
    for (const line of p.lines) {
      received += toUnits(line.receivedValue.amount);
      // IAS 21: with the received price known, a pure rate change is an exchange difference.
      const split = billLineDifferences(line, p.rate, digits);
      price += toUnits(split.price);
      exchange += toUnits(split.exchange);
    }
    const l = new Lines(context)
      .functional("grni", { amount: unitsToString(received), currency: fc }, 1)
      .functional("purchase-price-difference", { amount: unitsToString(price), currency: fc }, 1)
      .functional("exchange-gain-loss", { amount: unitsToString(exchange), currency: fc }, 1)
      .pair("input-tax", p.tax, f.tax, p.rate, 1)
      .pair("payables", p.gross, f.gross, p.rate, -1);
    selfAssess(l, p.taxLines, 1);
    return entries(event, `Supplier bill ${p.billId} from ${p.supplierId}`, l.out);
  },

  SupplierPaid(event, context) {
    const p = event.payload;
    const difference = p.exchangeDifference === undefined ? 0n : toUnits(p.exchangeDifference.amount);
    const d = p.discount;
    // The payables relieved: the money plus the discount taken.
    const relieved = d === undefined ? p.amount : { amount: unitsToString(toUnits(p.amount.amount) + toUnits(d.amount.amount)), currency: p.amount.currency };
    const relievedValue = d === undefined ? p.functionalAmount : { amount: unitsToString(toUnits(p.functionalAmount.amount) + toUnits(d.functionalAmount.amount)), currency: p.functionalAmount.currency };
    const l = new Lines(forCash(context, p.bank, p.currency)).pair("payables", relieved, relievedValue, p.rate, 1, -difference);
    if (p.exchangeDifference !== undefined) l.signed("exchange-gain-loss", p.exchangeDifference);
    l.pair("bank", p.amount, p.functionalAmount, p.rate, -1);
    if (d !== undefined) {
      const net = { amount: unitsToString(toUnits(d.amount.amount) - toUnits(d.tax.amount)), currency: d.amount.currency };
      const netValue = { amount: unitsToString(toUnits(d.functionalAmount.amount) - toUnits(d.functionalTax.amount)), currency: d.functionalAmount.currency };
      // The parts put on the cost of goods (`cashDiscounts: "stock"`) go where a bill's price
      // difference (or a landed cost) goes; inventory's revaluation of the receipts clears them.
      let stock = 0n;
      let stockValue = 0n;
      for (const part of d.onStock ?? []) {
        stock += toUnits(part.amount.amount);
        stockValue += toUnits(part.value.amount);
      }
      let landed = 0n;
      let landedValue = 0n;
      for (const part of d.onLandedCost ?? []) {
        landed += toUnits(part.amount.amount);
        landedValue += toUnits(part.value.amount);
      }
      // Goods billed ahead and still awaited: GRNI holds their billed value until they come in (at a value lowered by this part).
      let ahead = 0n;
      let aheadValue = 0n;
      for (const part of d.onAhead ?? []) {
        ahead += toUnits(part.amount.amount);
        aheadValue += toUnits(part.value.amount);
      }
      const kept = { amount: unitsToString(toUnits(net.amount) - stock - landed - ahead), currency: net.currency };
      const keptValue = { amount: unitsToString(toUnits(netValue.amount) - stockValue - landedValue - aheadValue), currency: netValue.currency };
      l.pair("purchase-discounts", kept, keptValue, p.rate, -1);
      if (stock !== 0n || stockValue !== 0n) l.pair("purchase-price-difference", { amount: unitsToString(stock), currency: net.currency }, { amount: unitsToString(stockValue), currency: netValue.currency }, p.rate, -1);
      if (landed !== 0n || landedValue !== 0n) l.pair("landed-cost-clearing", { amount: unitsToString(landed), currency: net.currency }, { amount: unitsToString(landedValue), currency: netValue.currency }, p.rate, -1);
      if (ahead !== 0n || aheadValue !== 0n) l.pair("grni", { amount: unitsToString(ahead), currency: net.currency }, { amount: unitsToString(aheadValue), currency: netValue.currency }, p.rate, -1);
      l.pair("input-tax", d.tax, d.functionalTax, p.rate, -1);
    }
    return entries(event, `Payment ${p.paymentId} to supplier ${p.supplierId}`, l.out);
  },

  SupplierReturned(event, context) {
    const p = event.payload;
    const f = p.functional;
    const l = new Lines(context)
      .pair("payables", p.gross, f.gross, p.rate, 1)
      .pair("input-tax", p.tax, f.tax, p.rate, -1)
      .pair("purchase-price-difference", p.net, f.net, p.rate, -1);
    selfAssess(l, p.taxLines, -1);
    // Goods returned before they were billed: GRNI reverses (inventory's issue credits stock).
    if (p.grniValue !== undefined) l.functional("grni", p.grniValue, 1).functional("purchase-price-difference", p.grniValue, -1);
    return entries(event, `${toUnits(p.gross.amount) === 0n ? "Return" : "Debit note"} ${p.returnId} to supplier ${p.supplierId}`, l.out);
  },

  LandedCostRecorded(event, context) {
    const p = event.payload;
    const f = p.functional;
    const l = new Lines(context)
      .pair("landed-cost-clearing", p.net, f.net, p.rate, 1)
      .pair("input-tax", p.tax, f.tax, p.rate, 1)
      .pair("payables", p.gross, f.gross, p.rate, -1);
    selfAssess(l, p.taxLines, 1);
    return entries(event, `Landed cost ${p.landedCostId} (${p.costType ?? p.basis}) from ${p.supplierId}`, l.out);
  },

  StockReceived(event, context) {
    const p = event.payload;
    const counter = p.counterValue ?? p.value;
    const l = new Lines(context).functional("inventory", p.value, 1).functional(p.counterAccountRole, counter, -1);
    const variance = toUnits(counter.amount) - toUnits(p.value.amount);
    if (variance !== 0n) l.functional("purchase-price-variance", { amount: unitsToString(variance), currency: p.value.currency }, 1);
    return entries(event, `${p.quantity} ${p.sku} received (${p.source.type} ${p.source.id}) movement ${p.movementId}`, l.out);
  },

  StockIssued(event, context) {
    const p = event.payload;
    const l = new Lines(context).functional(p.counterAccountRole, p.cost, 1).functional("inventory", p.cost, -1);
    return entries(event, `${p.quantity} ${p.sku} issued (${p.source.type} ${p.source.id}) movement ${p.movementId}`, l.out);
  },

  StockTransferred(event, context) {
    const p = event.payload;
    if (p.stage === "direct") return [];
    const sign = p.stage === "dispatched" ? 1 : -1;
    const l = new Lines(context).functional("inventory-in-transit", p.value, sign).functional("inventory", p.value, sign === 1 ? -1 : 1);
    return entries(event, `${p.quantity} ${p.sku} transfer ${p.transferId ?? p.movementId} ${p.stage}`, l.out);
  },

  StockAdjusted(event, context) {
    const p = event.payload;
    const l = new Lines(context).signed("inventory", p.value).signed(p.counterAccountRole, negate(p.value));
    return entries(event, `${p.quantity} ${p.sku} adjusted (${p.reason}, ${p.source.type} ${p.source.id}) movement ${p.movementId}`, l.out);
  },

  StockRevalued(event, context) {
    const p = event.payload;
    const byDate = new Map<string, Lines>();
    for (const posting of p.postings) {
      const date = posting.date ?? event.effectiveDate;
      let lines = byDate.get(date);
      if (lines === undefined) {
        lines = new Lines(context);
        byDate.set(date, lines);
      }
      lines.signed(posting.role, posting.amount);
    }
    const out: RuleEntry[] = [];
    for (const [date, lines] of [...byDate].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      out.push(...entries(event, `${p.sku} revalued (${p.reason}, ${p.source.type} ${p.source.id}) ${p.revaluationId}`, lines.out, date));
    }
    return out;
  },
};

/**
 * The rule for an event type: the shop's override, else the default.
 *
 * @example
 * ```ts
 * const rule = ruleFor("StockIssued", {});
 * ```
 */
export function ruleFor<T extends EventType>(type: T, overrides: Partial<PostingRules>): PostingRule<T> {
  return (overrides[type] ?? postingRules[type]) as PostingRule<T>;
}

/**
 * Every catalog event type (each has a rule; some post nothing).
 *
 * @example
 * ```ts
 * POSTED_EVENT_TYPES.includes("StockIssued"); // true
 * ```
 */
export const POSTED_EVENT_TYPES: readonly EventType[] = Object.freeze(Object.keys(postingRules) as EventType[]);

/**
 * The event types finance must react to: those whose default rule can post, plus any the
 * shop overrides. Events that move no value (a reservation, an order placed) are left out,
 * so they cost finance nothing.
 *
 * @example
 * ```ts
 * reactedEventTypes({}).includes("StockReserved"); // false
 * ```
 */
export function reactedEventTypes(overrides: Partial<PostingRules>): EventType[] {
  return POSTED_EVENT_TYPES.filter((type) => postingRules[type] !== none || overrides[type] !== undefined);
}
