import fc from "fast-check";
import { minorUnits } from "../../kernel/currencies.js";
import { addDays, type LocalDate } from "../../kernel/local-date.js";
import { documentIdOf } from "../../kernel/events/documents.js";
import type { Account, Chart } from "../../finance/accounts.js";
import type { JournalEntryInput, JournalLineInput } from "../../finance/journal-entry.js";
import { StorekeepError } from "../../kernel/errors.js";
import type { RecordEventInput } from "../../kernel/events/record-input.js";

/** The day count of a date range, refusing one that runs backwards or is not made of dates. */
function rangeDays(fn: string, from: string, to: string): number {
  const start = Date.parse(`${from}T00:00:00Z`);
  const end = Date.parse(`${to}T00:00:00Z`);
  if (!Number.isFinite(start) || !Number.isFinite(end) || !/^\d{4}-\d{2}-\d{2}$/.test(from) || !/^\d{4}-\d{2}-\d{2}$/.test(to)) {
    throw new StorekeepError("VALIDATION_FAILED", `${fn}: from and to must be dates (YYYY-MM-DD); got ${from} and ${to}.`);
  }
  if (end < start) throw new StorekeepError("VALIDATION_FAILED", `${fn}: from ${from} is after to ${to}; swap them.`);
  return Math.round((end - start) / 86_400_000);
}

/*
 * fast-check arbitraries for the ledger: balanced journal entries over a chart, and
 * sequences of catalog events that post, valid by construction.
 */

/**
 * Options of {@link balancedEntryArbitrary}.
 *
 * @example
 * ```ts
 * const options: BalancedEntryOptions = { accounts: ["1100", "3100", "4100"], functionalCurrency: "EUR", foreignCurrencies: ["USD"] };
 * ```
 */
export interface BalancedEntryOptions {
  /** Codes of accounts that take postings. */
  readonly accounts: readonly string[];
  readonly functionalCurrency: string;
  /** Currencies foreign lines may use (none: single-currency entries). */
  readonly foreignCurrencies?: readonly string[];
  /**
   * First and last effective date (default 2026-01-01..2026-12-31). Keep `to` on or before
   * the shop clock's today (a `ManualClock` after it), or dated entries may be refused.
   */
  readonly from?: string;
  readonly to?: string;
  /** Most lines per entry (default 4, at least 2). */
  readonly maxLines?: number;
  /** Largest amount in minor units (default 10,000,000). */
  readonly maxMinor?: number;
}

function minorToText(units: number, places: number): string {
  const negative = units < 0;
  const digits = String(Math.abs(units)).padStart(places + 1, "0");
  const text = places === 0 ? digits : `${digits.slice(0, digits.length - places)}.${digits.slice(digits.length - places)}`;
  return negative ? `-${text}` : text;
}

function side(units: number, places: number): { debit: string } | { credit: string } {
  return units >= 0 ? { debit: minorToText(units, places) } : { credit: minorToText(-units, places) };
}

/**
 * Usable (non-header) account codes of a chart. These include control accounts (receivables
 * 1200, payables 2100, inventory 1300, …), which `postEntry` refuses (`CONTROL_ACCOUNT`)
 * unless finance allows manual entries to them (`finance: { allowManualEntries: true }` or a
 * list of codes): filter them out, or allow them, for manual-entry properties.
 *
 * @example
 * ```ts
 * postableAccounts(defaultChart()).includes("1100"); // true
 * ```
 */
export function postableAccounts(chart: Chart): string[] {
  return chart.accounts.filter((a: Account) => !a.header && a.currency === undefined).map((a) => a.code);
}

/**
 * Balanced journal entries (inputs for `postEntry`): 2 to `maxLines` lines with non-zero
 * amounts that balance exactly in the functional currency; a foreign line gives its
 * transaction amount and functional value (a total cost).
 *
 * @example
 * ```ts
 * fc.assert(fc.asyncProperty(balancedEntryArbitrary({ accounts: ["1100", "3100"], functionalCurrency: "EUR" }), async (entry) => {
 *   await sk.finance.postEntry(entry);
 * }));
 * ```
 */
export function balancedEntryArbitrary(options: BalancedEntryOptions): fc.Arbitrary<JournalEntryInput> {
  const from = (options.from ?? "2026-01-01") as LocalDate;
  const to = (options.to ?? "2026-12-31") as LocalDate;
  const days = rangeDays("balancedEntryArbitrary", from, to);
  if (options.accounts.length === 0) throw new StorekeepError("VALIDATION_FAILED", "balancedEntryArbitrary: accounts is empty; pass the codes of at least one account that takes postings (see postableAccounts).");
  const maxLines = Math.max(2, options.maxLines ?? 4);
  const maxMinor = options.maxMinor ?? 10_000_000;
  const places = minorUnits(options.functionalCurrency);
  const foreign = options.foreignCurrencies ?? [];
  const line = fc.record({
    account: fc.constantFrom(...options.accounts),
    functional: fc.integer({ min: -maxMinor, max: maxMinor }).filter((n) => n !== 0),
    currency: foreign.length === 0 ? fc.constant(undefined) : fc.option(fc.constantFrom(...foreign), { nil: undefined, freq: 2 }),
    // transaction amount as a factor of the functional (per mille), so signs agree
    factor: fc.integer({ min: 200, max: 5000 }),
  });
  return fc
    .record({
      day: fc.integer({ min: 0, max: days }),
      lines: fc.array(line, { minLength: 1, maxLength: maxLines - 1 }),
      last: fc.constantFrom(...options.accounts),
    })
    .filter(({ lines }) => lines.reduce((s, l) => s + l.functional, 0) !== 0)
    .map(({ day, lines, last }): JournalEntryInput => {
      const sum = lines.reduce((s, l) => s + l.functional, 0);
      const out: JournalLineInput[] = lines.map((l) => {
        if (l.currency === undefined) return { account: l.account, ...side(l.functional, places) };
        const txPlaces = minorUnits(l.currency);
        const txUnits = Math.trunc((l.functional * l.factor) / 1000 / 10 ** (places - txPlaces)) || Math.sign(l.functional);
        const fn = side(l.functional, places);
        return { account: l.account, ...side(txUnits, txPlaces), currency: l.currency, functional: "debit" in fn ? fn.debit : fn.credit };
      });
      out.push({ account: last, ...side(-sum, places) });
      return { date: addDays(from, day), lines: out };
    });
}

const eur = (amount: string, currency: string) => ({ amount, currency });

/**
 * Options of {@link postingEventArbitrary}.
 *
 * @example
 * ```ts
 * const options: PostingEventOptions = { functionalCurrency: "EUR", from: "2026-01-01", to: "2026-03-31" };
 * ```
 */
export interface PostingEventOptions {
  readonly functionalCurrency: string;
  /**
   * First and last effective date (default 2026-01-01..2026-12-31). Stock cannot move in the
   * future: keep `to` on or before the shop clock's today (give the shop a `ManualClock`
   * after it), or stock events and bills dated later are refused.
   */
  readonly from?: string;
  readonly to?: string;
  /**
   * Draw supplier bills that differ from what was received (a price difference, split
   * between stock and COGS). Only for books without the inventory module (a finance-only
   * runtime): with it, such a bill must name a receipt inventory recorded
   * (`sk.inventory.receive` or `sk.purchasing.receive`), which no event here can be, so the
   * default (false) bills at the received value.
   */
  readonly billPriceDifferences?: boolean;
}

/**
 * A catalog event as `recordEvents` takes it (the typed {@link RecordEventInput}), so
 * generated events pass to `sk.recordEvents` without a cast.
 *
 * @example
 * ```ts
 * const record = (sk: Storekeep, events: readonly RecordableEvent[]) => sk.recordEvents(events);
 * ```
 */
export type RecordableEvent = RecordEventInput;

/** An event built here as plain data, typed as the catalog input it is (checked by the tests against the catalog's parse). */
function recordable(event: { type: string; aggregateType: string; aggregateId: string; effectiveDate: string; payload: Record<string, unknown> }): RecordableEvent {
  return event as unknown as RecordableEvent;
}

/**
 * One catalog event that posts (stock receipts, issues and adjustments, captures,
 * invoices, payouts, supplier bills and payments), in the functional currency, valid by
 * construction. For sequences use {@link postingEventsArbitrary}: a plain `fc.array` may
 * draw one document id twice with other content, which storekeep refuses
 * (`DUPLICATE_DOCUMENT`).
 *
 * @example
 * ```ts
 * fc.assert(fc.asyncProperty(fc.array(postingEventArbitrary({ functionalCurrency: "EUR" }), { maxLength: 20 }), async (events) => {
 *   for (const e of events) await sk.recordEvents([e]);
 * }));
 * ```
 */
export function postingEventArbitrary(options: PostingEventOptions): fc.Arbitrary<RecordableEvent> {
  return fc.oneof(...eventArbitraries(options));
}

/** The kinds of posting event, one arbitrary each. */
function eventArbitraries(options: PostingEventOptions): fc.Arbitrary<RecordableEvent>[] {
  const c = options.functionalCurrency;
  const places = minorUnits(c);
  const from = (options.from ?? "2026-01-01") as LocalDate;
  const days = rangeDays("postingEventArbitrary", from, options.to ?? "2026-12-31");
  const date = fc.integer({ min: 0, max: days }).map((d) => addDays(from, d));
  const id = fc.integer({ min: 1, max: 1_000_000 }).map((n) => String(n));
  const t = (x: number) => eur(minorToText(x, places), c);
  const amount = fc.integer({ min: 1, max: 1_000_000 }).map((n) => minorToText(n, places));
  const sku = fc.constantFrom("MUG", "BOWL", "PLATE");
  const money = (a: string) => eur(a, c);
  const at = (d: string) => `${d}T12:00:00.000Z`;
  const stock = (type: string, payload: (d: string, n: string, s: string) => Record<string, unknown>) =>
    fc.tuple(date, id, sku).map(([d, n, s]) => recordable({ type, aggregateType: "sku", aggregateId: s, effectiveDate: d, payload: payload(d, n, s) }));
  return [
    fc.tuple(amount).chain(([v]) =>
      stock("StockReceived", (d, n, s) => ({ movementId: `mv_r${n}`, sku: s, warehouseId: "wh", locationId: "wh/A1", quantity: "1", value: money(v), counterAccountRole: "grni", effectiveAt: at(d), source: { type: "receipt", id: `grn_${n}` } })),
    ),
    fc.tuple(amount).chain(([v]) =>
      stock("StockIssued", (d, n, s) => ({ movementId: `mv_i${n}`, sku: s, warehouseId: "wh", locationId: "wh/A1", quantity: "1", cost: money(v), counterAccountRole: "cogs", effectiveAt: at(d), source: { type: "shipment", id: `shp_${n}` } })),
    ),
    fc.tuple(amount, fc.boolean()).chain(([v, gain]) =>
      stock("StockAdjusted", (d, n, s) => ({ movementId: `mv_a${n}`, sku: s, warehouseId: "wh", locationId: "wh/A1", quantity: gain ? "1" : "-1", value: money(gain ? v : `-${v}`), reason: "count", counterAccountRole: "shrinkage", effectiveAt: at(d), source: { type: "adjustment", id: `cnt_${n}` } })),
    ),
    fc.tuple(date, id, amount).map(([d, n, v]) =>
      recordable({
        type: "PaymentCaptured", aggregateType: "order", aggregateId: `ord_${n}`, effectiveDate: d,
        payload: { paymentId: `pay_${n}`, orderId: `ord_${n}`, invoiced: false, currency: c, functionalCurrency: c, rate: "1", amount: money(v), functionalAmount: money(v) },
      }),
    ),
    fc.tuple(date, id, fc.integer({ min: 1, max: 100_000 }), fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 0, max: 20_000 }), fc.integer({ min: 0, max: 100 })).map(([d, n, net, ship, tax, prepaidPct]) => {
      const gross = net + ship + tax;
      const prepaid = Math.floor((gross * prepaidPct) / 100);
      const amounts = { net: t(net), shipping: t(ship), tax: t(tax), gross: t(gross), prepaymentApplied: t(prepaid) };
      return recordable({ type: "OrderInvoiced", aggregateType: "order", aggregateId: `ord_${n}`, effectiveDate: d, payload: { invoiceId: `inv_${n}`, orderId: `ord_${n}`, currency: c, functionalCurrency: c, rate: "1", ...amounts, functional: amounts } });
    }),
    fc.tuple(date, id, fc.integer({ min: 1, max: 100_000 }), fc.integer({ min: 0, max: 1000 })).map(([d, n, gross, fee]) => {
      const amounts = { gross: t(gross), fees: t(fee), net: t(gross - fee) };
      return recordable({ type: "PayoutSettled", aggregateType: "payout", aggregateId: `po_${n}`, effectiveDate: d, payload: { payoutId: `po_${n}`, currency: c, functionalCurrency: c, rate: "1", ...amounts, functional: amounts } });
    }),
    // At the received value unless price differences are asked for (see billPriceDifferences).
    fc.tuple(date, id, fc.integer({ min: 1, max: 100_000 }), options.billPriceDifferences === true ? fc.integer({ min: -500, max: 500 }) : fc.constant(0), fc.integer({ min: 0, max: 20_000 })).map(
      ([d, n, received, diff, tax]) => bill(`bill_${n}`, d, received, Math.max(0, received + diff), tax, c, t),
    ),
    fc.tuple(date, id, amount).map(([d, n, v]) =>
      recordable({
        type: "SupplierPaid", aggregateType: "payment", aggregateId: `sp_${n}`, effectiveDate: d,
        payload: { paymentId: `sp_${n}`, supplierId: "sup_1", billIds: [`bill_${n}`], currency: c, functionalCurrency: c, rate: "1", amount: money(v), functionalAmount: money(v) },
      }),
    ),
  ];
}

/** A one-line supplier bill for one MUG. */
function bill(billId: string, date: string, received: number, billed: number, tax: number, c: string, t: (x: number) => { amount: string; currency: string }): RecordableEvent {
  return recordable({
    type: "SupplierBillRecorded", aggregateType: "bill", aggregateId: billId, effectiveDate: date,
    payload: {
      billId, supplierId: "sup_1", currency: c, functionalCurrency: c, rate: "1",
      lines: [{ sku: "MUG", quantity: "1", unitPrice: t(billed), receivedValue: t(received), billedValue: t(billed) }],
      net: t(billed), tax: t(tax), gross: t(billed + tax), functional: { net: t(billed), tax: t(tax), gross: t(billed + tax) },
    },
  });
}

/**
 * A sequence of {@link postingEventArbitrary} events in which every document id occurs
 * once (a document recorded twice with other content is `DUPLICATE_DOCUMENT`).
 *
 * @example
 * ```ts
 * fc.assert(fc.asyncProperty(postingEventsArbitrary({ functionalCurrency: "EUR" }, { maxLength: 20 }), async (events) => {
 *   for (const e of events) await sk.recordEvents([e]);
 * }));
 * ```
 */
export function postingEventsArbitrary(options: PostingEventOptions, constraints: { readonly minLength?: number; readonly maxLength?: number } = {}): fc.Arbitrary<RecordableEvent[]> {
  return fc.uniqueArray(postingEventArbitrary(options), {
    ...(constraints.minLength === undefined ? {} : { minLength: constraints.minLength }),
    ...(constraints.maxLength === undefined ? {} : { maxLength: constraints.maxLength }),
    selector: (e) => `${e.type}:${documentIdOf(e.type, e.payload) ?? JSON.stringify(e.payload)}`,
  });
}
