import { addDays } from "../kernel/local-date.js";
import type { LocalDate } from "../kernel/local-date.js";
import type { NewEvent } from "../runner/command.js";
import { releaseAdvanceTax } from "./advance-tax.js";
import { amountOf, convertMinor, minorOf, moneyOf, shareOf } from "./amounts.js";
import { type InvoiceRecord, type OrderDoc, type OrderLine, bump, capturesOf, qty, qtyText } from "./order.js";

/*
 * The invoice and credit-note figures of part of an order. A line's share for quantities
 * is cumulative (`share(upTo) − share(before)`), so every partial document sums back to
 * the order's figures to the minor unit and a credit note of what an invoice billed
 * mirrors it exactly.
 */

interface Figures {
  net: bigint;
  shipping: bigint;
  tax: bigint;
  codes: Map<string, { base: bigint; tax: bigint }>;
}

function addLine(f: Figures, line: OrderLine, before: bigint, after: bigint, currency: string): void {
  const ordered = qty(line.buckets.ordered);
  const part = (total: string) => {
    const units = minorOf(total, currency);
    return shareOf(units, after, ordered) - shareOf(units, before, ordered);
  };
  f.net += part(line.net);
  f.tax += part(line.tax);
  for (const t of line.taxes) {
    const c = f.codes.get(t.code) ?? { base: 0n, tax: 0n };
    c.base += part(t.base);
    c.tax += part(t.amount);
    f.codes.set(t.code, c);
  }
}

function addShipping(f: Figures, order: OrderDoc): void {
  const c = order.currency;
  f.shipping += minorOf(order.shipping.net, c);
  f.tax += minorOf(order.shipping.tax, c);
  for (const t of order.shipping.taxes) {
    const code = f.codes.get(t.code) ?? { base: 0n, tax: 0n };
    code.base += minorOf(t.base, c);
    code.tax += minorOf(t.amount, c);
    f.codes.set(t.code, code);
  }
}

/** Transaction and functional figures of a document, in event form. */
function documentAmounts(order: OrderDoc, f: Figures, rate: string) {
  const c = order.currency;
  const fc = order.functionalCurrency;
  const conv = (u: bigint) => convertMinor(u, c, fc, rate);
  const taxLines = [...f.codes.entries()]
    .filter(([, v]) => v.base !== 0n || v.tax !== 0n)
    .map(([code, v]) => {
      const applied = order.codes.find((k) => k.code === code);
      return {
        code,
        jurisdiction: applied?.jurisdiction ?? { country: order.shipTo?.country ?? "ZZ" },
        kind: applied?.kind ?? "standard",
        rate: applied?.rate ?? "0",
        base: moneyOf(v.base, c),
        tax: moneyOf(v.tax, c),
        functional: { base: moneyOf(conv(v.base), fc), tax: moneyOf(conv(v.tax), fc) },
        fTax: conv(v.tax),
      };
    });
  const codedTax = taxLines.reduce((a, l) => a + minorOf(l.tax.amount, c), 0n);
  const fNet = conv(f.net);
  const fShipping = conv(f.shipping);
  // Functional tax is the sum of the codes' functional tax, so tax lines reconcile.
  const fTax = codedTax === f.tax && taxLines.length > 0 ? taxLines.reduce((a, l) => a + l.fTax, 0n) : conv(f.tax);
  const gross = f.net + f.shipping + f.tax;
  const fGross = fNet + fShipping + fTax;
  return {
    gross,
    fGross,
    payload: {
      currency: c,
      functionalCurrency: fc,
      rate,
      net: moneyOf(f.net, c),
      shipping: moneyOf(f.shipping, c),
      tax: moneyOf(f.tax, c),
      gross: moneyOf(gross, c),
    },
    functional: { net: moneyOf(fNet, fc), shipping: moneyOf(fShipping, fc), tax: moneyOf(fTax, fc), gross: moneyOf(fGross, fc) },
    taxLines: codedTax === f.tax ? taxLines.map(({ fTax: _ignored, ...rest }) => rest) : [],
  };
}

/**
 * Builds an invoice for quantities of lines (and the shipping charge once), applying
 * unapplied prepayments, and returns the updated order and the `OrderInvoiced` event.
 */
export function invoiceOrderPart(
  order: OrderDoc,
  quantities: ReadonlyMap<string, bigint>,
  options: { invoiceId: string; number: string; rate: string; today: LocalDate; includeShipping: boolean; creditFirst?: boolean; heldCredit?: bigint },
): { order: OrderDoc; event: NewEvent } {
  const f: Figures = { net: 0n, shipping: 0n, tax: 0n, codes: new Map() };
  const lines = order.lines.map((line) => {
    const q = quantities.get(line.lineId) ?? 0n;
    if (q === 0n) return line;
    const before = qty(line.buckets.invoiced);
    addLine(f, line, before, before + q, order.currency);
    return bump(line, "invoiced", q);
  });
  if (options.includeShipping) addShipping(f, order);
  const d = documentAmounts(order, f, options.rate);
  const c = order.currency;
  const fc = order.functionalCurrency;
  // A credit the order holds for goods still to ship (the receivable below zero: an edit's
  // correction credit notes' rest, a return's credit on goods already paid for, money captured
  // beyond the invoices) pays this invoice: finance allocates what is open of each credit note,
  // then of each capture, to it. Unapplied prepayments pay it first, or (`creditFirst`: an edit
  // whose surplus refund must come out of prepayments) what the credit leaves. `heldCredit` is
  // what finance holds beyond sales' receivable (creditHeldInFinance: another order's credit
  // paid an invoice of this one): the order's own credits then pay this invoice in finance, and
  // sales' figures stay as they are (its views net that credit already).
  const inCredit = minorOf(order.receivable.amount, c) - (options.heldCredit ?? 0n) < 0n;
  const credits = inCredit ? order.creditNotes.filter((n) => n.reason === "correction" || n.reason === "return").map((n) => n.creditNoteId) : [];
  const payments = inCredit ? capturesOf(order) : [];
  const creditHeld = options.creditFirst === true && credits.length + payments.length > 0 ? -minorOf(order.receivable.amount, c) : 0n;
  const leftByCredit = creditHeld < d.gross ? d.gross - creditHeld : 0n;
  const prepaid = minorOf(order.prepayment.amount, c);
  const prepaidF = minorOf(order.prepayment.functional, fc);
  const applied = prepaid < leftByCredit ? prepaid : leftByCredit;
  const appliedF = shareOf(prepaidF, applied, prepaid);
  const dueDate = addDays(options.today, order.paymentTermsDays);
  const released = releaseAdvanceTax(order, applied, prepaid);
  const event: NewEvent = {
    type: "OrderInvoiced",
    aggregateType: "order",
    aggregateId: order.orderId,
    effectiveDate: options.today,
    payload: {
      invoiceId: options.invoiceId,
      orderId: order.orderId,
      ...(order.customerId === "" ? {} : { customerId: order.customerId }),
      dueDate,
      ...d.payload,
      prepaymentApplied: moneyOf(applied, c),
      functional: { ...d.functional, prepaymentApplied: moneyOf(appliedF, fc) },
      ...(d.taxLines.length > 0 ? { taxLines: d.taxLines } : {}),
      ...(released.lines.length > 0 ? { advanceTaxReleased: released.lines } : {}),
      ...(credits.length > 0 ? { appliesCredits: credits } : {}),
      ...(payments.length > 0 ? { appliesPayments: payments } : {}),
    },
  };
  // IFRIC 22: the applied advance keeps its booked value on the revenue side (finance shifts revenue by it);
  // the receivable is what is left of the invoice's own functional value, as finance's open item holds it.
  const open = d.gross - applied;
  const openF = d.fGross - appliedAtInvoiceValue(d.gross, d.fGross, applied);
  // A credit the invoice takes pays it at the credit's booked value: finance realises the difference
  // to the invoice's booked share at once, so the receivable keeps no functional residue of it.
  const credit = -minorOf(order.receivable.amount, c);
  const creditF = -minorOf(order.receivable.functional, fc);
  const taken = credits.length + payments.length > 0 && credit > 0n && open > 0n ? (credit < open ? credit : open) : 0n;
  const realised = taken === 0n ? 0n : shareOf(openF, taken, open) - shareOf(creditF, taken, credit);
  const updated: OrderDoc = {
    ...released.order,
    lines,
    shipping: options.includeShipping ? { ...order.shipping, invoiced: true } : order.shipping,
    prepayment: { amount: amountOf(prepaid - applied, c), functional: amountOf(prepaidF - appliedF, fc) },
    receivable: { amount: amountOf(minorOf(order.receivable.amount, c) + open, c), functional: amountOf(minorOf(order.receivable.functional, fc) + openF - realised, fc) },
    invoiceRate: order.invoiceRate ?? options.rate,
    invoices: [...order.invoices, invoiceRecord(order, options, amountOf(d.gross, c), dueDate, quantities)],
  };
  return { order: updated, event };
}

/**
 * The functional value, at an invoice's rate, of the part `applied` of its gross that a
 * prepayment pays: its share of the invoice's own functional gross (the sum of its converted
 * net, shipping and tax), half-up, all of it when the prepayment pays the whole invoice. Not the
 * applied amount converted whole: that can differ from the invoice's value by a cent (the parts
 * are rounded one by one) and would leave a receivable of nothing in the invoice's currency
 * worth a cent in the functional one. Finance measures the prepaid part the same way.
 *
 * @example
 * ```ts
 * // 10.32 USD invoiced at 0.92: net 8.67 → 7.98, tax 1.65 → 1.52, so 9.50 EUR (10.32 × 0.92 = 9.49)
 * appliedAtInvoiceValue(1032n, 950n, 1032n); // 950n: the receivable left is 0 USD and 0 EUR
 * ```
 */
export function appliedAtInvoiceValue(gross: bigint, functionalGross: bigint, applied: bigint): bigint {
  if (applied <= 0n || gross <= 0n) return 0n;
  return shareOf(functionalGross, applied, gross);
}

/** What an invoice billed, kept on its record so a credit note can mirror it: its rate, each line's quantity, the shipping charge. */
function invoiceRecord(order: OrderDoc, options: { invoiceId: string; number: string; rate: string; includeShipping: boolean }, gross: string, dueDate: string, quantities: ReadonlyMap<string, bigint>): InvoiceRecord {
  const lines = order.lines.filter((l) => (quantities.get(l.lineId) ?? 0n) > 0n).map((l) => ({ lineId: l.lineId, quantity: qtyText(quantities.get(l.lineId)!), credited: "0" }));
  return { invoiceId: options.invoiceId, number: options.number, gross, dueDate, rate: options.rate, lines, shipping: options.includeShipping ? "billed" : "none" };
}

/**
 * One invoice's part of a credit: the quantities of its lines (and its shipping charge) that a
 * credit note credits, at the invoice's rate. `invoiceId` null is the part of invoices stored
 * before invoices kept what they billed: credited as before, at the order's `invoiceRate`.
 */
export interface CreditPart {
  readonly invoiceId: string | null;
  readonly rate: string;
  readonly quantities: ReadonlyMap<string, bigint>;
  readonly shipping: boolean;
}

/**
 * Splits a credit of quantities of lines (and the shipping charge) over the invoices that billed
 * them, oldest first, so each credit note mirrors one invoice: a line's units are credited in the
 * order they were invoiced (its cumulative shares then match the invoice's to the minor unit).
 * What invoices stored before kept no record of comes first, as one part at the order's
 * `invoiceRate` (the first invoice's): what the line has invoiced and not credited beyond what
 * the recorded invoices hold open.
 *
 * @example
 * ```ts
 * creditParts(order, new Map([["b", 1_000_000n]]), false); // [{ invoiceId: "INV2026-000002", rate: "0.95", quantities: Map { "b" => 1000000n }, shipping: false }]
 * ```
 */
export function creditParts(order: OrderDoc, quantities: ReadonlyMap<string, bigint>, includeShipping: boolean): CreditPart[] {
  const recorded = order.invoices.filter((i) => i.lines !== undefined);
  const legacy = new Map<string, bigint>();
  const byInvoice = recorded.map(() => new Map<string, bigint>());
  for (const [lineId, wanted] of quantities) {
    if (wanted <= 0n) continue;
    const line = order.lines.find((l) => l.lineId === lineId);
    const open = line === undefined ? 0n : qty(line.buckets.invoiced) - qty(line.buckets.credited);
    const openOn = recorded.map((i) => {
      const billed = i.lines!.find((l) => l.lineId === lineId);
      return billed === undefined ? 0n : qty(billed.quantity) - qty(billed.credited);
    });
    const unrecorded = open - openOn.reduce((a, q) => a + q, 0n);
    let left = wanted;
    if (unrecorded > 0n) {
      const take = left < unrecorded ? left : unrecorded;
      legacy.set(lineId, take);
      left -= take;
    }
    for (const [index, q] of openOn.entries()) {
      if (left === 0n) break;
      if (q <= 0n) continue;
      const take = left < q ? left : q;
      byInvoice[index]!.set(lineId, take);
      left -= take;
    }
    // Callers credit at most what is invoiced and not credited; anything else is the old way's to credit.
    if (left > 0n) legacy.set(lineId, (legacy.get(lineId) ?? 0n) + left);
  }
  const shippingOn = includeShipping ? recorded.findIndex((i) => i.shipping === "billed") : -1;
  const parts: CreditPart[] = [];
  if (legacy.size > 0 || (includeShipping && shippingOn < 0)) parts.push({ invoiceId: null, rate: order.invoiceRate ?? "1", quantities: legacy, shipping: includeShipping && shippingOn < 0 });
  for (const [index, invoice] of recorded.entries()) {
    const part = byInvoice[index]!;
    if (part.size === 0 && index !== shippingOn) continue;
    parts.push({ invoiceId: invoice.invoiceId, rate: invoice.rate ?? order.invoiceRate ?? "1", quantities: part, shipping: index === shippingOn });
  }
  return parts;
}

/**
 * Credits quantities of lines (and the shipping charge once) with one credit note per invoice
 * that billed them (see {@link creditParts}), each mirroring its invoice — its rate, its id, its
 * figures for what it credits — and numbered from `nextNumber` in order. Returns the updated
 * order, the `CreditNoteIssued` events and the credit notes' ids, oldest first.
 *
 * @example
 * ```ts
 * const { order: next, events, creditNoteIds } = await creditOrder(order, toCredit, { today, includeShipping: true, reason: "correction", nextNumber });
 * ```
 */
export async function creditOrder(
  order: OrderDoc,
  quantities: ReadonlyMap<string, bigint>,
  options: { today: LocalDate; includeShipping: boolean; reason: "return" | "cancellation" | "allowance" | "correction"; returnId?: string | undefined; nextNumber: () => Promise<string> },
): Promise<{ order: OrderDoc; events: NewEvent[]; creditNoteIds: string[] }> {
  let current = order;
  const events: NewEvent[] = [];
  const creditNoteIds: string[] = [];
  for (const part of creditParts(order, quantities, options.includeShipping)) {
    const number = await options.nextNumber();
    const credited = creditOrderPart(current, part, { creditNoteId: number, number, today: options.today, reason: options.reason, returnId: options.returnId });
    current = credited.order;
    events.push(credited.event);
    creditNoteIds.push(number);
  }
  return { order: current, events, creditNoteIds };
}

/**
 * Builds the credit note of one invoice's part (see {@link creditParts}) at that invoice's rate,
 * so it mirrors the invoice, and returns the updated order (the invoice's record counts what
 * was credited) and the `CreditNoteIssued` event. It names its invoice first among the
 * order's invoices it settles, then the others oldest first.
 */
export function creditOrderPart(
  order: OrderDoc,
  part: CreditPart,
  options: { creditNoteId: string; number: string; today: LocalDate; reason: "return" | "cancellation" | "allowance" | "correction"; returnId?: string | undefined },
): { order: OrderDoc; event: NewEvent; gross: bigint } {
  const f: Figures = { net: 0n, shipping: 0n, tax: 0n, codes: new Map() };
  const lines = order.lines.map((line) => {
    const q = part.quantities.get(line.lineId) ?? 0n;
    if (q === 0n) return line;
    const before = qty(line.buckets.credited);
    addLine(f, line, before, before + q, order.currency);
    return bump(line, "credited", q);
  });
  if (part.shipping) addShipping(f, order);
  const d = documentAmounts(order, f, part.rate);
  const c = order.currency;
  const fc = order.functionalCurrency;
  // Invoices stored before kept no record: such a part names the first invoice, as credit notes did.
  const invoiceId = part.invoiceId ?? order.invoices[0]?.invoiceId;
  const invoiceIds = order.invoices.map((i) => i.invoiceId);
  const settles = part.invoiceId === null ? invoiceIds : [part.invoiceId, ...invoiceIds.filter((id) => id !== part.invoiceId)];
  const event: NewEvent = {
    type: "CreditNoteIssued",
    aggregateType: "order",
    aggregateId: order.orderId,
    effectiveDate: options.today,
    payload: {
      creditNoteId: options.creditNoteId,
      orderId: order.orderId,
      ...(order.customerId === "" ? {} : { customerId: order.customerId }),
      ...(invoiceId === undefined ? {} : { invoiceId, invoiceIds: settles }),
      ...(options.returnId === undefined ? {} : { returnId: options.returnId }),
      reason: options.reason,
      ...d.payload,
      functional: d.functional,
      ...(d.taxLines.length > 0 ? { taxLines: d.taxLines } : {}),
    },
  };
  const invoices = part.invoiceId === null ? order.invoices : order.invoices.map((i) => (i.invoiceId === part.invoiceId ? creditedOn(i, part) : i));
  const updated: OrderDoc = {
    ...order,
    lines,
    shipping: part.shipping ? { ...order.shipping, credited: true } : order.shipping,
    receivable: { amount: amountOf(minorOf(order.receivable.amount, c) - d.gross, c), functional: amountOf(minorOf(order.receivable.functional, fc) - d.fGross, fc) },
    invoices,
    creditNotes: [...order.creditNotes, { creditNoteId: options.creditNoteId, number: options.number, gross: amountOf(d.gross, c), reason: options.reason, ...(invoiceId === undefined ? {} : { invoiceId }) }],
  };
  return { order: updated, event, gross: d.gross };
}

/** An invoice's record with a credit note's part of it counted as credited. */
function creditedOn(invoice: InvoiceRecord, part: CreditPart): InvoiceRecord {
  const lines = (invoice.lines ?? []).map((l) => {
    const q = part.quantities.get(l.lineId) ?? 0n;
    return q === 0n ? l : { ...l, credited: qtyText(qty(l.credited) + q) };
  });
  return { ...invoice, lines, ...(part.shipping ? { shipping: "credited" as const } : {}) };
}
