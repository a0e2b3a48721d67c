import fc from "fast-check";
import { minorUnits } from "../../kernel/currencies.js";
import { addDays, type LocalDate } from "../../kernel/local-date.js";
import { documentIdOf } from "../../kernel/events/documents.js";
import type { Account, Chart } from "../../finance/accounts.js";
import type { JournalEntryInput, JournalLineInput } from "../../finance/journal-entry.js";

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
  /** First and last effective date (default 2026-01-01..2026-12-31). */
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
 * Usable (non-header) account codes of a chart.
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
  const days = Math.max(0, Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000));
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
  readonly from?: string;
  readonly to?: string;
}

/**
 * A catalog event as `recordEvents` takes it.
 *
 * @example
 * ```ts
 * const e: RecordableEvent = { type: "StockIssued", aggregateType: "sku", aggregateId: "MUG", effectiveDate: "2026-01-02", payload: {} };
 * ```
 */
export interface RecordableEvent {
  readonly type: string;
  readonly aggregateType: string;
  readonly aggregateId: string;
  readonly effectiveDate: string;
  readonly payload: Record<string, unknown>;
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
  const c = options.functionalCurrency;
  const places = minorUnits(c);
  const from = (options.from ?? "2026-01-01") as LocalDate;
  const to = options.to ?? "2026-12-31";
  const days = Math.max(0, Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000));
  const amount = fc.integer({ min: 1, max: 1_000_000 }).map((n) => minorToText(n, places));
  const id = fc.integer({ min: 1, max: 1_000_000 }).map((n) => String(n));
  const sku = fc.constantFrom("MUG", "BOWL", "PLATE");
  const date = fc.integer({ min: 0, max: days }).map((d) => addDays(from, d));
  const money = (a: string) => eur(a, c);
  const stock = (type: string, payload: (d: string, n: string, s: string) => Record<string, unknown>) =>
    fc.tuple(date, id, sku).map(([d, n, s]): RecordableEvent => ({ type, aggregateType: "sku", aggregateId: s, effectiveDate: d, payload: payload(d, n, s) }));
  const at = (d: string) => `${d}T12:00:00.000Z`;
  return fc.oneof(
    fc.tuple(amount).chain(([v]) =>
      stock("StockReceived", (d, n, s) => ({ movementId: `mv_r${n}`, sku: s, warehouseId: "wh", locationId: "wh/A1", quantity: "1", value: money(v), counterAccountRole: "grni", effectiveAt: at(d), source: { type: "receipt", id: `grn_${n}` } })),
    ),
    fc.tuple(amount).chain(([v]) =>
      stock("StockIssued", (d, n, s) => ({ movementId: `mv_i${n}`, sku: s, warehouseId: "wh", locationId: "wh/A1", quantity: "1", cost: money(v), counterAccountRole: "cogs", effectiveAt: at(d), source: { type: "shipment", id: `shp_${n}` } })),
    ),
    fc.tuple(amount, fc.boolean()).chain(([v, gain]) =>
      stock("StockAdjusted", (d, n, s) => ({ movementId: `mv_a${n}`, sku: s, warehouseId: "wh", locationId: "wh/A1", quantity: gain ? "1" : "-1", value: money(gain ? v : `-${v}`), reason: "count", counterAccountRole: "shrinkage", effectiveAt: at(d), source: { type: "adjustment", id: `cnt_${n}` } })),
    ),
    fc.tuple(date, id, amount).map(([d, n, v]): RecordableEvent => ({
      type: "PaymentCaptured", aggregateType: "order", aggregateId: `ord_${n}`, effectiveDate: d,
      payload: { paymentId: `pay_${n}`, orderId: `ord_${n}`, invoiced: false, currency: c, functionalCurrency: c, rate: "1", amount: money(v), functionalAmount: money(v) },
    })),
    fc.tuple(date, id, fc.integer({ min: 1, max: 100_000 }), fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 0, max: 20_000 }), fc.integer({ min: 0, max: 100 })).map(([d, n, net, ship, tax, prepaidPct]): RecordableEvent => {
      const gross = net + ship + tax;
      const prepaid = Math.floor((gross * prepaidPct) / 100);
      const t = (x: number) => money(minorToText(x, places));
      const amounts = { net: t(net), shipping: t(ship), tax: t(tax), gross: t(gross), prepaymentApplied: t(prepaid) };
      return { type: "OrderInvoiced", aggregateType: "order", aggregateId: `ord_${n}`, effectiveDate: d, payload: { invoiceId: `inv_${n}`, orderId: `ord_${n}`, currency: c, functionalCurrency: c, rate: "1", ...amounts, functional: amounts } };
    }),
    fc.tuple(date, id, fc.integer({ min: 1, max: 100_000 }), fc.integer({ min: 0, max: 1000 })).map(([d, n, gross, fee]): RecordableEvent => {
      const t = (x: number) => money(minorToText(x, places));
      const amounts = { gross: t(gross), fees: t(fee), net: t(gross - fee) };
      return { type: "PayoutSettled", aggregateType: "payout", aggregateId: `po_${n}`, effectiveDate: d, payload: { payoutId: `po_${n}`, currency: c, functionalCurrency: c, rate: "1", ...amounts, functional: amounts } };
    }),
    fc.tuple(date, id, fc.integer({ min: 1, max: 100_000 }), fc.integer({ min: -500, max: 500 }), fc.integer({ min: 0, max: 20_000 })).map(([d, n, received, diff, tax]): RecordableEvent => {
      const billed = Math.max(0, received + diff);
      const t = (x: number) => money(minorToText(x, places));
      return {
        type: "SupplierBillRecorded", aggregateType: "bill", aggregateId: `bill_${n}`, effectiveDate: d,
        payload: {
          billId: `bill_${n}`, supplierId: "sup_1", currency: c, functionalCurrency: c, rate: "1",
          lines: [{ sku: "MUG", quantity: "1", unitPrice: t(billed), receivedValue: t(received), billedValue: t(billed) }],
          net: t(billed), tax: t(tax), gross: t(billed + tax), functional: { net: t(billed), tax: t(tax), gross: t(billed + tax) },
        },
      };
    }),
    fc.tuple(date, id, amount).map(([d, n, v]): RecordableEvent => ({
      type: "SupplierPaid", aggregateType: "payment", aggregateId: `sp_${n}`, effectiveDate: d,
      payload: { paymentId: `sp_${n}`, supplierId: "sup_1", billIds: [`bill_${n}`], currency: c, functionalCurrency: c, rate: "1", amount: money(v), functionalAmount: money(v) },
    })),
  );
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
