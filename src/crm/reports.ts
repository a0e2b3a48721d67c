/**
 * CRM reads: a customer, duplicates, the timeline paged by time, RFM segments and
 * lifetime value from CRM's order projection, cohorts.
 */
import { Decimal } from "../kernel/decimal.js";
import { type LocalDate, daysBetween } from "../kernel/local-date.js";
import type { Transaction } from "../ports/storage.js";
import type { RateProvider } from "../ports/rates.js";
import { StorekeepError } from "../kernel/errors.js";
import { type CurrencyCode, minorUnits } from "../kernel/currencies.js";
import { bgNbdConditionalExpectedPurchases, bgNbdProbabilityAlive, customerLifetimeValue, fitBgNbd, fitGammaGamma, gammaGammaExpectedSpend, type BgNbdParams, type GammaGammaParams } from "./bg-nbd.js";
import { type CohortReport, cohortAnalysis } from "./cohorts.js";
import { CUSTOMERS, type CustomerDoc, ORDERS, TIMELINE, type TimelineEntry, contactKeys, duplicatesOf, resolveCustomerId } from "./customer.js";
import { type RfmGrid, type RfmScore, rfmScores } from "./rfm.js";
import { type CrmOrderDoc, orderNetAsOf } from "./timeline.js";

/** Every CRM order placed on or before `asOf`, paged through the byPlaced index. */
export async function ordersUpTo(tx: Transaction, asOf: string): Promise<CrmOrderDoc[]> {
  const out: CrmOrderDoc[] = [];
  let after: { values: string[]; id: string } | undefined;
  for (;;) {
    const page = await tx.documents.find<CrmOrderDoc>(ORDERS, { index: "byPlaced", range: { lte: `${asOf}\uffff` }, limit: 5000, ...(after ? { after } : {}) });
    for (const d of page) out.push(d.data);
    if (page.length < 5000) return out;
    const last = page[page.length - 1]!;
    after = { values: [last.data.placedOn, last.data.orderId], id: last.id };
  }
}

/** A counted purchase: an order with a positive amount net of returns and cancellations. */
interface Purchase {
  readonly customerId: string;
  readonly orderId: string;
  readonly placedOn: string;
  readonly currency: string;
  readonly net: Decimal;
}

/** The orders placed by `asOf` that count as purchases on that date: edits and credits dated later are not counted. `net` is in the order's currency. */
function countedPurchases(orders: readonly CrmOrderDoc[], asOf: string): Purchase[] {
  const out: Purchase[] = [];
  for (const o of orders) {
    const net = orderNetAsOf(o, asOf);
    if (net.gt(0)) out.push({ customerId: o.customerId, orderId: o.orderId, placedOn: o.placedOn, currency: o.currency, net });
  }
  return out;
}

/**
 * How CRM turns an order's amount into the functional currency: the rates and the currency
 * of the books (the runtime's).
 *
 * @example
 * ```ts
 * const money: CrmMoney = { rates: runtime.rates, functionalCurrency: runtime.config.functionalCurrency };
 * ```
 */
export interface CrmMoney {
  readonly rates: RateProvider;
  readonly functionalCurrency: string;
}

/**
 * The counted purchases with `net` in the functional currency, each order at the rate of its
 * placement date (as analytics converts GMV), rounded to the functional currency's minor
 * unit (half to even), so a shop selling in several currencies sums like with like. An order whose currency has no rate on that date is refused with
 * `NOT_FOUND`, naming the rate to add: leaving it out would drop a customer's purchase
 * silently.
 */
async function countedPurchasesInFunctional(orders: readonly CrmOrderDoc[], asOf: string, money: CrmMoney): Promise<Purchase[]> {
  const rates = new Map<string, Decimal>();
  const out: Purchase[] = [];
  for (const p of countedPurchases(orders, asOf)) {
    if (p.currency === money.functionalCurrency || p.currency === "") {
      out.push(p);
      continue;
    }
    const key = `${p.currency}|${p.placedOn}`;
    let rate = rates.get(key);
    if (rate === undefined) {
      rate = await money.rates.rate(p.currency, money.functionalCurrency, p.placedOn as LocalDate);
      if (rate === undefined) {
        throw new StorekeepError("NOT_FOUND", `No exchange rate from ${p.currency} to ${money.functionalCurrency} on or before ${p.placedOn} (order ${p.orderId}): CRM counts each order in the functional currency at the rate of its placement date; add the rate to the RateProvider.`, {
          from: p.currency,
          to: money.functionalCurrency,
          date: p.placedOn,
          orderId: p.orderId,
        });
      }
      rates.set(key, rate);
    }
    // Rounded to the functional currency's minor unit (half to even), as the books would hold the amount.
    out.push({ ...p, currency: money.functionalCurrency, net: p.net.times(rate).toDecimalPlaces(minorUnits(money.functionalCurrency as CurrencyCode), Decimal.ROUND_HALF_EVEN) });
  }
  return out;
}

/**
 * Every merged customer id with the active customer it resolves to now (chains of merges
 * followed), read through the customers' status index. A consumer keyed by the customer id an
 * order was placed with (analytics' per-customer facts) maps a merged id to the customer CRM
 * scores it under: a merge moves the source's orders to the target.
 *
 * @example
 * ```ts
 * const targets = await runtime.read((tx) => mergedCustomerTargets(tx)); // Map { "cus_old" => "cus_new" }
 * ```
 */
export async function mergedCustomerTargets(tx: Transaction): Promise<Map<string, string>> {
  const direct = new Map<string, string>();
  let after: { values: string[]; id: string } | undefined;
  for (;;) {
    const page = await tx.documents.find<CustomerDoc>(CUSTOMERS, { index: "byStatus", equals: ["merged"], limit: 5000, ...(after ? { after } : {}) });
    for (const d of page) if (d.data.mergedInto !== null) direct.set(d.id, d.data.mergedInto);
    if (page.length < 5000) break;
    const last = page[page.length - 1]!;
    after = { values: ["merged", last.data.customerId], id: last.id };
  }
  const out = new Map<string, string>();
  for (const [source, target] of direct) {
    let current = target;
    for (let hop = 0; hop < 100 && direct.has(current); hop++) current = direct.get(current)!;
    out.set(source, current);
  }
  return out;
}

/** RFM scores of every customer with a counted purchase as of `asOf`. */
export async function segmentsAsOf(tx: Transaction, asOf: LocalDate, money: CrmMoney, grid?: RfmGrid): Promise<RfmScore[]> {
  const purchases = await countedPurchasesInFunctional(await ordersUpTo(tx, asOf), asOf, money);
  const by = new Map<string, { f: number; m: Decimal; last: string }>();
  for (const p of purchases) {
    const c = by.get(p.customerId);
    if (c) {
      c.f++;
      c.m = c.m.plus(p.net);
      if (p.placedOn > c.last) c.last = p.placedOn;
    } else by.set(p.customerId, { f: 1, m: p.net, last: p.placedOn });
  }
  const inputs = [...by.entries()].map(([customerId, c]) => ({ customerId, recencyDays: daysBetween(c.last as LocalDate, asOf), frequency: c.f, monetary: c.m.toNumber() }));
  return rfmScores(inputs, grid ? { grid } : {});
}

/** Cohorts from CRM's counted purchases. */
export async function cohortsAsOf(tx: Transaction, asOf: LocalDate): Promise<CohortReport> {
  return cohortAnalysis(countedPurchases(await ordersUpTo(tx, asOf), asOf).map((p) => ({ customerId: p.customerId, purchaseId: p.orderId, date: p.placedOn as LocalDate })));
}

/**
 * One customer's lifetime value as of a date.
 *
 * @example
 * ```ts
 * import type { CustomerValue } from "storekeep";
 * const line = (v: CustomerValue) => `${v.customerId}: P(alive) ${v.probabilityAlive.toFixed(2)}, CLV ${v.clv.toFixed(2)}`;
 * ```
 */
export interface CustomerValue {
  readonly customerId: string;
  readonly purchases: number;
  readonly probabilityAlive: number;
  readonly expectedPurchases: number;
  readonly expectedSpend: number;
  readonly clv: number;
}

/**
 * The lifetime-value report: fitted parameters and customers by CLV, highest first.
 *
 * @example
 * ```ts
 * import type { CustomerValueReport } from "storekeep";
 * const top = (r: CustomerValueReport) => r.customers.slice(0, 5);
 * ```
 */
export interface CustomerValueReport {
  readonly asOf: string;
  readonly bgNbd: BgNbdParams;
  readonly gammaGamma: GammaGammaParams | null;
  /** The L2 penalty both fits used (0: plain maximum likelihood). */
  readonly penalizer: number;
  /**
   * Why the figures should not be trusted (empty when nothing is suspect): too few repeat
   * buyers, a fit that ran to a degenerate model, no spend model. See `BgNbdFit.warnings`.
   */
  readonly warnings: readonly string[];
  readonly customers: readonly CustomerValue[];
}

/** BG/NBD + Gamma-Gamma over CRM's counted purchases (time in weeks, one purchase per day). */
export async function customerValueAsOf(tx: Transaction, asOf: LocalDate, horizon: { weeks: number; discountRatePerWeek: number; penalizer?: number }, money: CrmMoney): Promise<CustomerValueReport> {
  const penalizer = horizon.penalizer ?? 0;
  const purchases = await countedPurchasesInFunctional(await ordersUpTo(tx, asOf), asOf, money);
  const by = new Map<string, Map<string, Decimal>>();
  for (const p of purchases) {
    let days = by.get(p.customerId);
    if (!days) by.set(p.customerId, (days = new Map()));
    days.set(p.placedOn, (days.get(p.placedOn) ?? new Decimal(0)).plus(p.net));
  }
  const rows = [...by.entries()].map(([customerId, days]) => {
    const sorted = [...days.keys()].sort();
    const first = sorted[0] as LocalDate;
    const last = sorted[sorted.length - 1] as LocalDate;
    const x = sorted.length - 1;
    let spend = new Decimal(0);
    for (const d of sorted.slice(1)) spend = spend.plus(days.get(d) as Decimal);
    return { customerId, fr: { x, tx: daysBetween(first, last) / 7, T: daysBetween(first, asOf) / 7 }, mean: x > 0 ? spend.div(x).toNumber() : 0 };
  });
  if (rows.length === 0) {
    return { asOf, bgNbd: { r: Number.NaN, alpha: Number.NaN, a: Number.NaN, b: Number.NaN }, gammaGamma: null, penalizer, warnings: ["No counted purchases up to this date: nothing to fit."], customers: [] };
  }
  const bgFit = fitBgNbd(rows.map((r) => r.fr), { penalizer });
  const bg = bgFit.params;
  const warnings = [...bgFit.warnings];
  let gg: GammaGammaParams | null = null;
  if (rows.some((r) => r.fr.x >= 1 && r.mean > 0)) {
    const ggFit = fitGammaGamma(rows.map((r) => ({ x: r.fr.x, mean: r.mean })), { penalizer });
    gg = ggFit.params;
    warnings.push(...ggFit.warnings);
  } else {
    warnings.push("Gamma-Gamma: no customer has bought again yet, so spend cannot be modelled; expected spend and CLV are 0.");
  }
  const customers = rows.map((r) => {
    const expectedPurchases = bgNbdConditionalExpectedPurchases(bg, r.fr, horizon.weeks);
    // With q ≤ 1 the population's mean spend is infinite: a customer with no repeat purchase
    // has no expected spend (the formula would turn negative), so no value is claimed for them.
    const spendModel = gg !== null && (r.fr.x > 0 || gg.q > 1) ? gg : null;
    const expectedSpend = spendModel ? gammaGammaExpectedSpend(spendModel, { x: r.fr.x, mean: r.mean }) : 0;
    const clv = spendModel ? customerLifetimeValue(bg, spendModel, r.fr, r.mean, { periods: horizon.weeks, periodLength: 1, discountRate: horizon.discountRatePerWeek }) : 0;
    return { customerId: r.customerId, purchases: r.fr.x + 1, probabilityAlive: bgNbdProbabilityAlive(bg, r.fr), expectedPurchases, expectedSpend, clv };
  });
  customers.sort((a, b) => b.clv - a.clv || (a.customerId < b.customerId ? -1 : 1));
  return { asOf, bgNbd: bg, gammaGamma: gg, penalizer, warnings, customers };
}

/**
 * A customer as CRM shows it: the document (an old id resolves to the customer it was
 * merged into), the latest consent per channel and the customers sharing a contact.
 *
 * @example
 * ```ts
 * import type { CustomerView } from "storekeep";
 * const emailOk = (c: CustomerView) => c.consent["email"]?.granted === true;
 * ```
 */
export interface CustomerView {
  readonly customerId: string;
  readonly status: "active" | "merged" | "erased";
  readonly name: string | null;
  readonly emails: readonly string[];
  readonly phones: readonly string[];
  readonly addresses: CustomerDoc["addresses"];
  readonly tags: readonly string[];
  readonly groups: readonly string[];
  readonly consent: Readonly<Record<string, { readonly granted: boolean; readonly at: string; readonly source: string }>>;
  readonly consentHistory: readonly { readonly channel: string; readonly granted: boolean; readonly at: string; readonly source: string }[];
  readonly duplicates: readonly string[];
}

export async function customerView(tx: Transaction, id: string): Promise<CustomerView | undefined> {
  const customerId = await resolveCustomerId(tx, id);
  const stored = await tx.documents.get<CustomerDoc>(CUSTOMERS, customerId);
  if (!stored) return undefined;
  const d = stored.data;
  const consent: Record<string, { granted: boolean; at: string; source: string }> = {};
  for (const r of d.consent) {
    const prev = consent[r.channel];
    if (!prev || r.at >= prev.at) consent[r.channel] = { granted: r.granted, at: r.at, source: r.source };
  }
  return {
    customerId,
    status: d.status,
    name: d.name,
    emails: d.emails.map((e) => e.address),
    phones: d.phones.map((p) => p.e164),
    addresses: d.addresses,
    tags: d.tags,
    groups: d.groups,
    consent,
    consentHistory: d.consent.map((r) => ({ channel: r.channel, granted: r.granted, at: r.at, source: r.source })),
    duplicates: await duplicatesOf(tx, customerId, contactKeys(d)),
  };
}

/**
 * A page of a customer's timeline, newest first; pass `next` as `before` for the next page.
 *
 * @example
 * ```ts
 * import type { TimelinePage } from "storekeep";
 * const kinds = (p: TimelinePage) => p.entries.map((e) => e.kind);
 * ```
 */
export interface TimelinePage {
  readonly customerId: string;
  readonly entries: readonly TimelineEntry[];
  readonly next: { readonly at: string; readonly entryId: string } | null;
}

export async function timelinePage(tx: Transaction, id: string, query: { before?: { at: string; entryId: string }; from?: string; to?: string; limit?: number }): Promise<TimelinePage> {
  const customerId = await resolveCustomerId(tx, id);
  const limit = query.limit ?? 50;
  const range = { ...(query.from ? { gte: query.from } : {}), ...(query.to ? { lt: query.to } : {}) };
  const page = await tx.documents.find<TimelineEntry>(TIMELINE, {
    index: "byCustomer",
    equals: [customerId],
    ...(Object.keys(range).length > 0 ? { range } : {}),
    order: "desc",
    limit: limit + 1,
    ...(query.before ? { after: { values: [customerId, query.before.at], id: query.before.entryId } } : {}),
  });
  const entries = page.slice(0, limit).map((d) => d.data);
  const last = entries[entries.length - 1];
  return { customerId, entries, next: page.length > limit && last ? { at: last.at, entryId: last.entryId } : null };
}
