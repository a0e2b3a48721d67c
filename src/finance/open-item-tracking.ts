import { type CurrencyCode, minorUnits } from "../kernel/currencies.js";
import type { EventPayload, EventType } from "../kernel/events/definitions.js";
import { StorekeepError } from "../kernel/errors.js";
import type { JsonObject, Transaction } from "../ports/storage.js";
import { type OpenItem, type OpenItemLedger, type OpenItemTaxLine, relievedValue, settleItem } from "./open-items.js";
import { toUnits, unitsToString } from "./posting-kernel.js";
import { FINANCE_STORE } from "./ledger-store.js";
import { lockDocuments } from "../runner/batch-documents.js";

/*
 * Keeping the subledgers: each sales or purchasing document event opens, settles or
 * credits open items inside the posting's transaction, and a settlement's realised
 * exchange difference is computed from the items' booked values, then handed to the
 * posting rule as the payload's `exchangeDifference` (functional, positive = loss).
 */

/**
 * The collection of open items (id `ledger:documentId`, index `byParty` on ledger, party,
 * date).
 *
 * @example
 * ```ts
 * OPEN_ITEMS_COLLECTION; // "finance.open-items"
 * ```
 */
export const OPEN_ITEMS_COLLECTION = FINANCE_STORE.openItems;

/**
 * The id of a document's open item.
 *
 * @example
 * ```ts
 * openItemId("receivables", "inv_1"); // "receivables:inv_1"
 * ```
 */
export function openItemId(ledger: OpenItemLedger, documentId: string): string {
  return `${ledger}:${documentId}`;
}

/** Kernel units of one minor unit of `currency`. @internal */
export function quantumOf(currency: string): bigint {
  return 10n ** BigInt(6 - minorUnits(currency as CurrencyCode));
}

/**
 * A positive decimal string the caller gave in `currency`, in kernel units, refused
 * (`VALIDATION_FAILED` on `path`) when it has more decimals than the currency allows.
 * @internal
 */
export function minorUnitsAmount(text: string, currency: string, path: string): bigint {
  const digits = minorUnits(currency as CurrencyCode);
  if ((text.split(".")[1] ?? "").replace(/0+$/, "").length > digits) {
    throw new StorekeepError("VALIDATION_FAILED", `${path} ${text} has more decimals than ${currency} allows (${digits}).`, { issues: [{ path, message: `at most ${digits} decimals`, code: "custom" }] });
  }
  return toUnits(text);
}

export async function getItem(tx: Transaction, ledger: OpenItemLedger, documentId: string | undefined): Promise<{ item: OpenItem; version: number } | undefined> {
  if (documentId === undefined) return undefined;
  const doc = await tx.documents.getForUpdate(OPEN_ITEMS_COLLECTION, openItemId(ledger, documentId));
  return doc === undefined ? undefined : { item: doc.data as unknown as OpenItem, version: doc.version };
}

/**
 * The receivables open items of these documents (invoices, credit notes) that finance tracks,
 * in the order given; documents without one are left out. A plain read, for queries: the
 * facade hands it to sales as its `openItems` seam, so sales never reads finance's store.
 *
 * @example
 * ```ts
 * const items = await receivableItems(tx, ["inv_1", "cn_1"]);
 * ```
 */
export async function receivableItems(tx: Transaction, documentIds: readonly string[]): Promise<readonly OpenItem[]> {
  if (documentIds.length === 0) return [];
  // One read for all of them (a page of orders asks once), answered in the order given.
  const found = new Map((await tx.documents.getMany(OPEN_ITEMS_COLLECTION, documentIds.map((id) => openItemId("receivables", id)))).map((d) => [d.id, d.data as unknown as OpenItem]));
  const items: OpenItem[] = [];
  for (const id of documentIds) {
    const item = found.get(openItemId("receivables", id));
    if (item !== undefined) items.push(item);
  }
  return items;
}

/**
 * The invoice's output tax as its open item keeps it (see `OpenItem.tax`): its gross and, per
 * charged tax code, the functional base and tax (a self-assessed line is the buyer's tax, not
 * the shop's); one untagged line for an invoice recorded without tax lines; no lines for an
 * invoice without tax.
 */
function invoiceTax(p: Payload<"OrderInvoiced">): { tax: NonNullable<OpenItem["tax"]> } {
  const lines: OpenItemTaxLine[] = [];
  if (p.taxLines !== undefined) {
    for (const l of p.taxLines) {
      if (l.selfAssessed === true) continue;
      lines.push({ code: l.code, kind: l.kind, country: l.jurisdiction.country, region: l.jurisdiction.region ?? null, rate: l.rate, base: l.functional.base.amount, tax: l.functional.tax.amount });
    }
  } else if (toUnits(p.functional.tax.amount) !== 0n) {
    const base = toUnits(p.functional.net.amount) + toUnits(p.functional.shipping.amount);
    lines.push({ code: null, kind: null, country: null, region: null, rate: null, base: unitsToString(base), tax: p.functional.tax.amount });
  }
  // Kept on every invoice, lines or none, so a write-off can tell a tax-free invoice from one tracked before it was kept.
  return { tax: { gross: p.gross.amount, lines: lines.filter((l) => toUnits(l.tax) !== 0n || toUnits(l.base) !== 0n) } };
}

/** Opens an item for a document (nothing when its amount and value are both zero). */
export async function openItem(tx: Transaction, item: Omit<OpenItem, "itemId" | "openAmount" | "openFunctional" | "settlements">): Promise<void> {
  if (item.amount === "0" && item.functional === "0") return;
  const full: OpenItem = { ...item, itemId: openItemId(item.ledger, item.documentId), openAmount: item.amount, openFunctional: item.functional, settlements: [] };
  await tx.documents.put(OPEN_ITEMS_COLLECTION, full.itemId, full as unknown as JsonObject, 0);
}

/**
 * Settles an open credit note against an open invoice of the same party and currency: both
 * are relieved by what they share (at most `limit`), at their booked values. Skipped when
 * those values differ (an exchange difference to realise: `sk.finance.allocate` does that)
 * or either is closed — unless `realise`, when the invoice is settled by what the credit is
 * worth and the difference is returned (functional, the control account's direction:
 * positive = a loss) for the caller to post. `kind` names the settlement on both items.
 */
async function settleCreditNote(tx: Transaction, functionalCurrency: string, creditNoteId: string, invoiceId: string, date: string, options: { realise?: boolean; kind?: "credit" | "allocation" | "payment"; limit?: bigint; settled?: string[] } = {}): Promise<bigint> {
  const credit = await getItem(tx, "receivables", creditNoteId);
  const invoice = await getItem(tx, "receivables", invoiceId);
  if (credit === undefined || invoice === undefined) return 0n;
  if (credit.item.party !== invoice.item.party || credit.item.currency !== invoice.item.currency || invoice.item.date > date || credit.item.date > date) return 0n;
  const creditOpen = toUnits(credit.item.openAmount);
  const invoiceOpen = toUnits(invoice.item.openAmount);
  if (creditOpen >= 0n || invoiceOpen <= 0n) return 0n;
  let part = -creditOpen < invoiceOpen ? -creditOpen : invoiceOpen;
  if (options.limit !== undefined && options.limit < part) part = options.limit;
  if (part <= 0n) return 0n;
  const quantum = quantumOf(functionalCurrency);
  const creditValue = relievedValue(creditOpen, toUnits(credit.item.openFunctional), -part, quantum);
  const invoiceValue = relievedValue(invoiceOpen, toUnits(invoice.item.openFunctional), part, quantum);
  if (creditValue !== -invoiceValue && options.realise !== true) return 0n;
  const kind = options.kind ?? "credit";
  // The invoice is settled by what the credit is worth (its booked value): booked − settled on
  // the invoice is the exchange difference the caller posts.
  const c = settleItem(credit.item, { date, documentId: invoiceId, kind, amount: -part, settledValue: creditValue, quantum }, toUnits, unitsToString);
  const i = settleItem(invoice.item, { date, documentId: creditNoteId, kind, amount: part, settledValue: -creditValue, quantum }, toUnits, unitsToString);
  await tx.documents.put(OPEN_ITEMS_COLLECTION, c.item.itemId, c.item as unknown as JsonObject, credit.version);
  await tx.documents.put(OPEN_ITEMS_COLLECTION, i.item.itemId, i.item as unknown as JsonObject, invoice.version);
  options.settled?.push(creditNoteId);
  return invoiceValue + creditValue;
}

/**
 * The credits a sales invoice takes, in the same transaction: what is left of the correction
 * credit note it replaces (an order edit), then what is open of the order's earlier correction
 * credit notes it names in `appliesCredits` (an edit that refunded a surplus before the rest of
 * the order shipped: the later shipment's invoice takes that credit, recorded as an
 * `allocation` on both items, as `sk.finance.allocate` would), then what is open of the
 * captures it names in `appliesPayments` (money captured beyond the invoices of a partly
 * shipped order, an over-payment on the capture's item), recorded the same way. Each is applied at the credit's
 * booked value even when the two are booked at different rates (the credit note at the old
 * invoice's, the invoice at its own). Returns, in the functional currency and in the
 * receivables control account's direction (positive: the control account goes down by it),
 * `difference` — the replaced credit note's, an exchange difference for the caller to post
 * (positive: a loss) — and `advance` — the credits held for goods still to ship (an edit's
 * correction or a return's credit, an over-payment): that money is an advance for the goods
 * this invoice bills, so under IFRIC 22 the difference is not an exchange result but measures
 * the covered part of the revenue at the advance's booked value (the caller lowers the
 * invoice's functional net and gross by it); 0 when nothing was left to apply or the values
 * agreed — and the ids of the credits it applied.
 *
 * @example
 * ```ts
 * const { difference, advance } = await realiseReplacedCredit(tx, "EUR", payload, "2026-03-10"); // 0n, 720000n: revenue 0.72 EUR lower
 * ```
 */
export async function realiseReplacedCredit(tx: Transaction, functionalCurrency: string, payload: AppliedCredits, date: string): Promise<{ difference: bigint; advance: bigint; applied: string[] }> {
  let difference = 0n;
  let advance = 0n;
  const applied: string[] = [];
  if (payload.replaces !== undefined) difference += await settleCreditNote(tx, functionalCurrency, payload.replaces, payload.invoiceId, date, { realise: true, settled: applied });
  for (const creditId of appliedCredits(payload)) {
    advance += await settleCreditNote(tx, functionalCurrency, creditId, payload.invoiceId, date, { realise: true, kind: "allocation", settled: applied });
  }
  return { difference, advance, applied };
}

/** What an `OrderInvoiced` names for finance to apply to it: the credit note it replaces, earlier credit notes, captures with money beyond the invoices. */
export interface AppliedCredits {
  readonly invoiceId: string;
  readonly replaces?: string | undefined;
  readonly appliesCredits?: readonly string[] | undefined;
  readonly appliesPayments?: readonly string[] | undefined;
}

/**
 * The credits an invoice applies after the one it replaces, in order: the credit notes it names,
 * then the captures (an over-payment's item is the capture's id), each once.
 *
 * @example
 * ```ts
 * appliedCredits({ invoiceId: "inv_3", appliesCredits: ["cn_1"], appliesPayments: ["ch_1"] }); // ["cn_1", "ch_1"]
 * ```
 */
export function appliedCredits(payload: AppliedCredits): string[] {
  return [...new Set([...(payload.appliesCredits ?? []), ...(payload.appliesPayments ?? [])])].filter((id) => id !== payload.replaces);
}

/**
 * What a write-back did: per written-off part reopened, the account it was written off to, the
 * amount (item currency) and booked value written back, the invoice, and the output tax a
 * relieved bad debt charges again (`recharge`, per code, functional); and the exchange
 * difference of settling the reopened parts.
 *
 * @example
 * ```ts
 * const back: WrittenBack = { lines: [], difference: 0n };
 * ```
 */
export interface WrittenBack {
  lines: { account: string | undefined; currency: string; amount: bigint; value: bigint; invoiceId: string; recharge: OpenItemTaxLine[] }[];
  difference: bigint;
}

/**
 * A credit note of invoices finance wrote off (part of): what the credit leaves beyond what is
 * still owed on them is not a credit to the customer — the sale it credits is gone, so the
 * write-off was too much — but a write-back. The written-off part (oldest invoice and
 * write-off first, at most that credit) reopens its invoice at the value it was written off
 * at (settlement `write-back`, negative), which the credit note then settles (`credit`), and
 * the caller posts Dr receivables / Cr the write-off's account for each returned line; in a
 * foreign currency any difference between the credit's and the write-off's booked values is
 * returned as `difference` (as {@link realiseReplacedCredit}). A credit note whose invoices
 * carry no write-off, or whose credit does not exceed what is still owed, changes nothing.
 *
 * @example
 * ```ts
 * const back = await writeBackOnCredit(tx, "EUR", payload, "2026-04-02"); // { lines: [{ account: "6300", currency: "EUR", amount: 23800000n, value: 23800000n }], difference: 0n }
 * ```
 */
export async function writeBackOnCredit(
  tx: Transaction,
  functionalCurrency: string,
  payload: { readonly creditNoteId: string; readonly invoiceId?: string | undefined; readonly invoiceIds?: readonly string[] | undefined },
  date: string,
): Promise<WrittenBack> {
  return writeBack(tx, functionalCurrency, payload.creditNoteId, payload.invoiceIds ?? (payload.invoiceId === undefined ? [] : [payload.invoiceId]), date, "credit");
}

/**
 * A late payment of a debt finance wrote off (a capture recorded with its amount after a
 * bad-debt write-off): sales counts the written-off part as still owed and the capture as
 * paying the order's invoices, so what the capture leaves beyond what is still open on them
 * is not an over-payment to hold for the customer but a recovery of the bad debt. As for a
 * credit note ({@link writeBackOnCredit}), the written-off part (oldest invoice and write-off
 * first, at most what the capture leaves) reopens its invoice at the value it was written off
 * at (settlement `write-back`) and the capture pays it (settlement `payment`); the caller posts
 * Dr receivables / Cr the write-off's account, and a difference of booked values as an
 * exchange difference. Only what is left after that stays a credit (money for goods still to
 * ship, which a later invoice takes through `appliesPayments`). A capture before invoicing, or
 * of invoices without a write-off, changes nothing.
 *
 * @example
 * ```ts
 * const back = await writeBackOnPayment(tx, "EUR", { paymentId: "ch_2", invoiced: true, invoiceIds: ["inv_1"] }, "2026-04-02"); // { lines: [{ account: "6300", currency: "EUR", amount: 8730000n, value: 8730000n }], difference: 0n }
 * ```
 */
export async function writeBackOnPayment(
  tx: Transaction,
  functionalCurrency: string,
  payload: { readonly paymentId: string; readonly invoiced: boolean; readonly invoiceId?: string | undefined; readonly invoiceIds?: readonly string[] | undefined },
  date: string,
): Promise<WrittenBack> {
  if (!payload.invoiced) return { lines: [], difference: 0n };
  return writeBack(tx, functionalCurrency, payload.paymentId, payload.invoiceIds ?? (payload.invoiceId === undefined ? [] : [payload.invoiceId]), date, "payment");
}

/** Writes back what a credit item (a credit note, a capture's credit) leaves beyond what is still owed on `ids`, settling each reopened part with it (`kind`). */
async function writeBack(
  tx: Transaction,
  functionalCurrency: string,
  creditId: string,
  ids: readonly string[],
  date: string,
  kind: "credit" | "payment",
): Promise<WrittenBack> {
  const out: WrittenBack = { lines: [], difference: 0n };
  const credit = await getItem(tx, "receivables", creditId);
  if (credit === undefined || toUnits(credit.item.openAmount) >= 0n) return out;
  const invoices: OpenItem[] = [];
  for (const id of new Set(ids)) {
    const found = await getItem(tx, "receivables", id);
    if (found === undefined || found.item.party !== credit.item.party || found.item.currency !== credit.item.currency || found.item.date > date) continue;
    invoices.push(found.item);
  }
  const owed = invoices.reduce((sum, i) => (toUnits(i.openAmount) > 0n ? sum + toUnits(i.openAmount) : sum), 0n);
  let room = -toUnits(credit.item.openAmount) - owed;
  const quantum = quantumOf(functionalCurrency);
  for (const invoice of invoices) {
    if (room <= 0n) break;
    for (const w of writtenOffNotBack(invoice, quantum)) {
      if (room <= 0n) break;
      const part = w.amount < room ? w.amount : room;
      const value = relievedValue(w.amount, w.value, part, quantum);
      // A write-off that relieved output tax charges that much of it again.
      const recharge = w.recharge(part);
      const negated = negatedTax(recharge);
      // Reopen the invoice by what is written back, at the value it was written off at.
      const current = (await getItem(tx, "receivables", invoice.documentId))!;
      const reopened: OpenItem = {
        ...current.item,
        openAmount: unitsToString(toUnits(current.item.openAmount) + part),
        openFunctional: unitsToString(toUnits(current.item.openFunctional) + value),
        settlements: [
          ...current.item.settlements,
          { date, documentId: creditId, kind: "write-back", amount: unitsToString(-part), booked: unitsToString(-value), settled: unitsToString(-value), ...(w.account === undefined ? {} : { account: w.account }), ...(negated.length === 0 ? {} : { taxRelief: negated }) },
        ],
      };
      await tx.documents.put(OPEN_ITEMS_COLLECTION, reopened.itemId, reopened as unknown as JsonObject, current.version);
      out.lines.push({ account: w.account, currency: invoice.currency, amount: part, value, invoiceId: invoice.documentId, recharge });
      // The credit note (the capture) pays what was reopened, and no more of the invoice.
      out.difference += await settleCreditNote(tx, functionalCurrency, creditId, invoice.documentId, date, { realise: true, limit: part, kind });
      room -= part;
    }
  }
  return out;
}

/** A write-off (its settlement's `documentId`) not wholly written back: what is left of it, and whether none of it was. */
interface WrittenOffPart {
  readonly writeOffId: string;
  readonly whole: boolean;
  readonly amount: bigint;
  readonly value: bigint;
  readonly account: string | undefined;
  readonly recharge: (part: bigint) => OpenItemTaxLine[];
}

/** Tax lines with base and tax negated (a write-back records the relief it charges again as negative). */
function negatedTax(lines: readonly OpenItemTaxLine[]): OpenItemTaxLine[] {
  return lines.map((l) => ({ ...l, base: unitsToString(-toUnits(l.base)), tax: unitsToString(-toUnits(l.tax)) }));
}

/**
 * An item's write-offs less what was written back since (oldest write-offs written back first),
 * each with its account and, for a write-off that relieved output tax, what writing back `part`
 * more of it charges again ({@link rechargedTax}).
 */
function writtenOffNotBack(item: OpenItem, quantum: bigint): WrittenOffPart[] {
  let back = 0n;
  // A write-off undone whole (its entry reversed) is out of the reckoning, and so is its undoing.
  const reversed = new Set<string>();
  for (const s of item.settlements) {
    if (s.kind !== "write-back") continue;
    if (s.reverses !== undefined) reversed.add(s.reverses);
    else back -= toUnits(s.amount);
  }
  const left: WrittenOffPart[] = [];
  for (const s of item.settlements) {
    const amount = toUnits(s.amount);
    if (s.kind !== "write-off" || amount <= 0n || reversed.has(s.documentId)) continue;
    const value = toUnits(s.booked);
    const taken = back < amount ? back : amount;
    back -= taken;
    if (taken === amount) continue;
    const relief = s.taxRelief;
    left.push({ writeOffId: s.documentId, whole: taken === 0n, amount: amount - taken, value: value - relievedValue(amount, value, taken, quantum), account: s.account, recharge: (part) => (relief === undefined ? [] : rechargedTax(relief, amount, taken, part, quantum)) });
  }
  return left;
}

/**
 * The output tax charged again when `part` more of a write-off of `written` that relieved
 * `relief` is written back, `taken` of it written back before: per code, the relief's share of
 * everything written back so far less its share of what was before (each rounded to the
 * quantum), so the write-backs of a whole write-off charge again exactly what it relieved.
 *
 * @example
 * ```ts
 * rechargedTax([{ code: "DE-STD", kind: "standard", country: "DE", region: null, rate: "0.19", base: "100", tax: "19" }], 119000000n, 0n, 119000000n, 10000n); // base 100, tax 19
 * ```
 */
export function rechargedTax(relief: readonly OpenItemTaxLine[], written: bigint, taken: bigint, part: bigint, quantum: bigint): OpenItemTaxLine[] {
  const share = (total: string, amount: bigint) => relievedValue(written, toUnits(total), amount, quantum);
  const out: OpenItemTaxLine[] = [];
  for (const line of relief) {
    const base = share(line.base, taken + part) - share(line.base, taken);
    const tax = share(line.tax, taken + part) - share(line.tax, taken);
    if (base !== 0n || tax !== 0n) out.push({ ...line, base: unitsToString(base), tax: unitsToString(tax) });
  }
  return out;
}

/**
 * The output tax a bad-debt write-off of `amount` (the item's currency) relieves: per tax code
 * of the invoice, its tax and base × amount / the invoice's gross, rounded to the quantum half
 * away from zero, and never more than is left of that code's tax after earlier reliefs (net of
 * what write-backs charged again). Empty when the item keeps no tax.
 *
 * @example
 * ```ts
 * badDebtTaxRelief(item, 69000000n, 10000n); // [{ code: "DE-STD", ..., base: "57.98", tax: "11.02" }] for 69.00 of a 119.00 invoice
 * ```
 */
export function badDebtTaxRelief(item: OpenItem, amount: bigint, quantum: bigint): OpenItemTaxLine[] {
  if (item.tax === undefined) return [];
  const gross = toUnits(item.tax.gross);
  if (gross <= 0n) return [];
  const key = (l: OpenItemTaxLine) => `${l.code}|${l.kind}|${l.country}|${l.region}|${l.rate}`;
  const relieved = new Map<string, { base: bigint; tax: bigint }>();
  for (const s of item.settlements) {
    for (const l of s.taxRelief ?? []) {
      const sum = relieved.get(key(l)) ?? { base: 0n, tax: 0n };
      relieved.set(key(l), { base: sum.base + toUnits(l.base), tax: sum.tax + toUnits(l.tax) });
    }
  }
  const out: OpenItemTaxLine[] = [];
  for (const line of item.tax.lines) {
    const before = relieved.get(key(line)) ?? { base: 0n, tax: 0n };
    const capped = (total: bigint, done: bigint) => {
      const share = relievedValue(gross, total, amount, quantum);
      const room = total - done;
      // Toward zero by at most the room left (the same sign as the total).
      return total >= 0n ? (share > room ? room : share) : (share < room ? room : share);
    };
    const base = capped(toUnits(line.base), before.base);
    const tax = capped(toUnits(line.tax), before.tax);
    if (base !== 0n || tax !== 0n) out.push({ ...line, base: unitsToString(base), tax: unitsToString(tax) });
  }
  return out;
}

/** Splits `total` over `parts` proportionally (the last part takes the remainder), rounded to `quantum`. */
function splitValue(total: bigint, amount: bigint, parts: readonly bigint[], quantum: bigint): bigint[] {
  const out: bigint[] = [];
  let left = total;
  let amountLeft = amount;
  for (const part of parts) {
    if (part === amountLeft) {
      out.push(left);
      left = 0n;
      amountLeft = 0n;
      continue;
    }
    const share = amountLeft === 0n ? 0n : ((left * part * 2n) / (amountLeft * quantum) + 1n) / 2n * quantum;
    out.push(share);
    left -= share;
    amountLeft -= part;
  }
  return out;
}

/** A settlement request: money (or a credit) of one currency relieving target items in order. @internal */
export interface Settling {
  readonly ledger: OpenItemLedger;
  readonly date: string;
  readonly documentId: string;
  readonly kind: "payment" | "refund" | "allocation";
  readonly currency: string;
  /** The settling money in the items' direction (negative settles a positive item). */
  readonly amount: bigint;
  readonly value: bigint;
  readonly targets: readonly string[];
}

/**
 * Settles the targets in order with the money (same currency, dated on or before it; others
 * are left alone), returns the realised difference (Σ booked − settled, in the control account's
 * direction: positive = loss on receivables relieved, or on payables paid) and what was
 * left over in transaction and functional units.
 */
export async function settle(tx: Transaction, functionalCurrency: string, s: Settling): Promise<{ difference: bigint; restAmount: bigint; restValue: bigint; party: string | undefined }> {
  const plan = await planSettlement(tx, functionalCurrency, s);
  for (const f of plan.found) await tx.documents.put(OPEN_ITEMS_COLLECTION, f.item.itemId, f.item as unknown as JsonObject, f.version);
  return { difference: plan.difference, restAmount: plan.restAmount, restValue: plan.restValue, party: plan.party };
}

/**
 * What {@link settle} would do, without writing: the targets' items as they would be after
 * it (locked), the realised difference, and what would be left over.
 */
async function planSettlement(tx: Transaction, functionalCurrency: string, s: Settling): Promise<{ found: { item: OpenItem; version: number }[]; difference: bigint; restAmount: bigint; restValue: bigint; party: string | undefined }> {
  const quantum = quantumOf(functionalCurrency);
  const found: { item: OpenItem; version: number; part: bigint }[] = [];
  let remaining = s.amount < 0n ? -s.amount : s.amount;
  let party: string | undefined;
  // The targets' items locked together, in id order (one statement on a SQL store).
  if (s.targets.length > 1) await lockDocuments(tx, OPEN_ITEMS_COLLECTION, s.targets.map((target) => openItemId(s.ledger, target)));
  for (const target of s.targets) {
    if (remaining === 0n) break;
    const got = await getItem(tx, s.ledger, target);
    // An item dated after the money cannot be settled by it on that date (the subledger would
    // show the item settled before it existed): the money stays a credit until it is allocated.
    if (got === undefined || got.item.currency !== s.currency || got.item.date > s.date) continue;
    party ??= got.item.party;
    const open = toUnits(got.item.openAmount);
    // Money settles an item of the opposite direction (a payment credits an invoice).
    if (open === 0n || (open > 0n) === (s.amount > 0n)) continue;
    const magnitude = open < 0n ? -open : open;
    const part = magnitude < remaining ? magnitude : remaining;
    found.push({ ...got, part });
    remaining -= part;
  }
  const magnitudeAll = s.amount < 0n ? -s.amount : s.amount;
  const valueAll = s.value < 0n ? -s.value : s.value;
  const values = splitValue(valueAll, magnitudeAll, [...found.map((f) => f.part), remaining], quantum);
  let difference = 0n;
  const settled: { item: OpenItem; version: number }[] = [];
  for (const [index, f] of found.entries()) {
    const open = toUnits(f.item.openAmount);
    const sign = open < 0n ? -1n : 1n;
    const { item, booked } = settleItem(f.item, { date: s.date, documentId: s.documentId, kind: s.kind, amount: f.part * sign, settledValue: values[index]! * sign, quantum }, toUnits, unitsToString);
    settled.push({ item, version: f.version });
    // Both carry the item's sign: an invoice relieved at 100 by money worth 99 is a loss of
    // 1; a bill (−230) paid with money worth 232.50 (−232.5) a loss of 2.50; a credit
    // (−100) refunded with money worth 99 (−99) a gain of 1.
    difference += booked - values[index]! * sign;
  }
  const signOut = s.amount < 0n ? -1n : 1n;
  return { found: settled, difference, restAmount: remaining * signOut, restValue: values[values.length - 1]! * signOut, party };
}

/**
 * The exchange difference finance realises when sales money settles an order's receivables
 * items in a foreign currency, as the reactions settle them: a capture (`kind: "payment"`)
 * relieves the invoices it names, oldest first; a refund (`kind: "refund"`) the credit notes
 * and over-payments it names, in that order. Σ booked − settled over the items relieved, in
 * the functional currency (positive: a loss), as a decimal string; undefined when the money
 * settles none of them (finance tracks none, or none is open). Reads and locks the items,
 * writes nothing. The facade hands it to sales as its `receivableDifference` seam, so the
 * event carries the difference finance posts.
 *
 * @example
 * ```ts
 * await receivableDifference(tx, "EUR", { kind: "payment", targets: ["INV2026-000001", "INV2026-000002"], currency: "USD", amount: "119", functionalAmount: "113.05", date: "2026-03-08" }); // "-5.95"
 * ```
 */
export async function receivableDifference(
  tx: Transaction,
  functionalCurrency: string,
  input: { readonly kind: "payment" | "refund"; readonly targets: readonly string[]; readonly currency: string; readonly amount: string; readonly functionalAmount: string; readonly date: string },
): Promise<string | undefined> {
  const sign = input.kind === "payment" ? -1n : 1n;
  const amount = toUnits(input.amount) * sign;
  const targets = [...new Set(input.targets)];
  const plan = await planSettlement(tx, functionalCurrency, { ledger: "receivables", date: input.date, documentId: "", kind: input.kind, currency: input.currency, amount, value: toUnits(input.functionalAmount) * sign, targets });
  return plan.restAmount === amount ? undefined : unitsToString(plan.difference);
}

type Payload<T extends EventType> = EventPayload<T>;

/**
 * A correction (order edit), cancellation or return credit note settles what is still open of
 * the order's invoices (the customer does not owe for goods that came back); the rest stays a
 * credit to refund or allocate. An allowance stays a credit item of its own, which its refund
 * settles. In a foreign currency the two may be booked at different values (an invoice that
 * applied an advance at its own rate under IFRIC 22, a credit note at another rate): the
 * invoice is settled by what the credit is worth, as `sk.finance.allocate` would settle it,
 * and the difference is returned (functional, positive = a loss) for the caller to post as an
 * exchange difference.
 *
 * @example
 * ```ts
 * const difference = await settleCreditedInvoices(tx, "EUR", payload, "2026-03-02");
 * ```
 */
export async function settleCreditedInvoices(tx: Transaction, functionalCurrency: string, p: Payload<"CreditNoteIssued">, date: string): Promise<bigint> {
  if (p.reason !== "correction" && p.reason !== "cancellation" && p.reason !== "return") return 0n;
  let difference = 0n;
  // Every invoice of the order (an order edited before it is cancelled has its new invoice open, not the first).
  for (const invoiceId of new Set(p.invoiceIds ?? (p.invoiceId === undefined ? [] : [p.invoiceId]))) difference += await settleCreditNote(tx, functionalCurrency, p.creditNoteId, invoiceId, date, { realise: true });
  return difference;
}

/**
 * Updates the subledgers for one event inside its transaction and returns the payload the
 * posting rule should see: settlements of known items carry the exchange difference
 * finance computed (the host's value is used only when no tracked item is settled).
 *
 * @example
 * ```ts
 * const payload = await trackOpenItems(ctx.tx, "EUR", { type, effectiveDate, payload });
 * ```
 */
export async function trackOpenItems<T extends EventType>(tx: Transaction, functionalCurrency: string, event: { readonly type: T; readonly effectiveDate: string; readonly payload: Payload<T> }): Promise<Payload<T>> {
  const date = event.effectiveDate;
  switch (event.type) {
    case "OrderInvoiced": {
      const p = event.payload as Payload<"OrderInvoiced">;
      const applied = await applyPrepayment(tx, functionalCurrency, p);
      await openItem(tx, {
        ledger: "receivables", party: p.customerId ?? `order:${p.orderId}`, documentId: p.invoiceId, documentType: "invoice", orderId: p.orderId, date, dueDate: p.dueDate ?? date, currency: p.currency,
        amount: unitsToString(toUnits(p.gross.amount) - toUnits(p.prepaymentApplied.amount)),
        functional: unitsToString(toUnits(p.functional.gross.amount) - (applied?.atInvoiceRate ?? toUnits(p.functional.prepaymentApplied.amount))),
        ...invoiceTax(p),
      });
      // An order edit: what is left open of the credit note the invoice replaces pays it.
      if (p.replaces !== undefined) await settleCreditNote(tx, functionalCurrency, p.replaces, p.invoiceId, date);
      if (applied === undefined) return event.payload;
      // IFRIC 22: the prepaid part of the revenue is measured at the advance's rate (its
      // booked value), the rest at the invoice's rate; the receivable keeps the invoice rate.
      const shift = applied.booked - applied.atInvoiceRate;
      const f = p.functional;
      const money = (units: bigint) => ({ amount: unitsToString(units), currency: functionalCurrency });
      return {
        ...p,
        functional: { ...f, net: money(toUnits(f.net.amount) + shift), gross: money(toUnits(f.gross.amount) + shift), prepaymentApplied: money(applied.booked) },
      } as Payload<T>;
    }
    case "CreditNoteIssued": {
      const p = event.payload as Payload<"CreditNoteIssued">;
      const invoice = await getItem(tx, "receivables", p.invoiceId);
      await openItem(tx, {
        ledger: "receivables", party: p.customerId ?? invoice?.item.party ?? `order:${p.orderId}`, documentId: p.creditNoteId, documentType: "credit-note", orderId: p.orderId, date, dueDate: date, currency: p.currency,
        amount: unitsToString(-toUnits(p.gross.amount)), functional: unitsToString(-toUnits(p.functional.gross.amount)),
      });
      // The order's invoices it settles: settleCreditedInvoices, called next by the reaction.
      return event.payload;
    }
    case "PaymentCaptured": {
      const p = event.payload as Payload<"PaymentCaptured">;
      if (!p.invoiced) {
        await trackPrepayment(tx, p.orderId, p.currency, toUnits(p.amount.amount), toUnits(p.functionalAmount.amount), functionalCurrency);
        return event.payload;
      }
      const amount = toUnits(p.amount.amount);
      const value = toUnits(p.functionalAmount.amount);
      // Every invoice of the order oldest first (when the capture names them), else the one it names.
      const targets = p.invoiceIds ?? (p.invoiceId === undefined ? [] : [p.invoiceId]);
      const r = await settle(tx, functionalCurrency, { ledger: "receivables", date, documentId: p.paymentId, kind: "payment", currency: p.currency, amount: -amount, value: -value, targets });
      const settledAny = r.restAmount !== -amount;
      const hostDifference = !settledAny && p.exchangeDifference !== undefined ? toUnits(p.exchangeDifference.amount) : 0n;
      // What is not settled stays on the customer's account as a credit (an over-payment).
      await openItem(tx, {
        ledger: "receivables", party: p.customerId ?? r.party ?? `order:${p.orderId}`, documentId: p.paymentId, documentType: "payment", orderId: p.orderId, date, dueDate: date, currency: p.currency,
        amount: unitsToString(r.restAmount), functional: unitsToString(r.restValue - hostDifference),
      });
      return withDifference(p, settledAny ? r.difference : undefined, p.currency, functionalCurrency) as Payload<T>;
    }
    case "RefundIssued": {
      const p = event.payload as Payload<"RefundIssued">;
      if (!p.invoiced) {
        // A refunded advance is relieved at its booked value; the rest is an exchange difference.
        const booked = await trackPrepayment(tx, p.orderId, p.currency, -toUnits(p.amount.amount), -toUnits(p.functionalAmount.amount), functionalCurrency);
        return (booked === undefined ? event.payload : withDifference(p, toUnits(p.functionalAmount.amount) - booked, p.currency, functionalCurrency)) as Payload<T>;
      }
      // A refund split between the credit and prepayments: the prepayment part relieves the
      // advance as a refund out of prepayments does (its difference on fromPrepayments), the rest settles the credit.
      const part = p.fromPrepayments;
      let partRelieved: Payload<"RefundIssued">["fromPrepayments"] = part;
      if (part !== undefined) {
        const booked = await trackPrepayment(tx, p.orderId, p.currency, -toUnits(part.amount.amount), -toUnits(part.functionalAmount.amount), functionalCurrency);
        if (booked !== undefined) partRelieved = withDifference(part, toUnits(part.functionalAmount.amount) - booked, p.currency, functionalCurrency);
      }
      const amount = toUnits(p.amount.amount) - (part === undefined ? 0n : toUnits(part.amount.amount));
      const value = toUnits(p.functionalAmount.amount) - (part === undefined ? 0n : toUnits(part.functionalAmount.amount));
      // The credit note named first, then the order's other credit notes, then the capture refunded and the order's captures (an over-payment).
      const targets = [...new Set([p.creditNoteId, ...(p.creditNoteIds ?? []), p.paymentId, ...(p.paymentIds ?? [])].filter((x): x is string => x !== undefined))];
      const r = await settle(tx, functionalCurrency, { ledger: "receivables", date, documentId: p.refundId, kind: "refund", currency: p.currency, amount, value, targets });
      const settledAny = r.restAmount !== amount;
      const hostDifference = !settledAny && p.exchangeDifference !== undefined ? toUnits(p.exchangeDifference.amount) : 0n;
      await openItem(tx, {
        ledger: "receivables", party: p.customerId ?? r.party ?? `order:${p.orderId}`, documentId: p.refundId, documentType: "refund", orderId: p.orderId, date, dueDate: date, currency: p.currency,
        amount: unitsToString(r.restAmount), functional: unitsToString(r.restValue - hostDifference),
      });
      const settled = withDifference(p, settledAny ? r.difference : undefined, p.currency, functionalCurrency);
      return (partRelieved === part ? settled : { ...settled, fromPrepayments: partRelieved }) as Payload<T>;
    }
    case "SupplierBillRecorded": {
      const p = event.payload as Payload<"SupplierBillRecorded">;
      await openItem(tx, {
        ledger: "payables", party: p.supplierId, documentId: p.billId, documentType: "bill", date, dueDate: p.dueDate ?? date, currency: p.currency,
        amount: unitsToString(-toUnits(p.gross.amount)), functional: unitsToString(-toUnits(p.functional.gross.amount)),
      });
      return event.payload;
    }
    case "LandedCostRecorded": {
      const p = event.payload as Payload<"LandedCostRecorded">;
      await openItem(tx, {
        ledger: "payables", party: p.supplierId, documentId: p.landedCostId, documentType: "landed-cost", date, dueDate: date, currency: p.currency,
        amount: unitsToString(-toUnits(p.gross.amount)), functional: unitsToString(-toUnits(p.functional.gross.amount)),
      });
      return event.payload;
    }
    case "SupplierReturned": {
      const p = event.payload as Payload<"SupplierReturned">;
      await openItem(tx, {
        ledger: "payables", party: p.supplierId, documentId: p.returnId, documentType: "debit-note", date, dueDate: date, currency: p.currency,
        amount: p.gross.amount, functional: p.functional.gross.amount,
      });
      return event.payload;
    }
    case "SupplierPaid": {
      const p = event.payload as Payload<"SupplierPaid">;
      // An early-payment discount settles the bills together with the money.
      const amount = toUnits(p.amount.amount) + (p.discount === undefined ? 0n : toUnits(p.discount.amount.amount));
      const value = toUnits(p.functionalAmount.amount) + (p.discount === undefined ? 0n : toUnits(p.discount.functionalAmount.amount));
      const r = await settle(tx, functionalCurrency, { ledger: "payables", date, documentId: p.paymentId, kind: "payment", currency: p.currency, amount, value, targets: p.billIds });
      const settledAny = r.restAmount !== amount;
      const hostDifference = !settledAny && p.exchangeDifference !== undefined ? toUnits(p.exchangeDifference.amount) : 0n;
      // Paid beyond the bills: an advance to the supplier, kept on its account.
      await openItem(tx, {
        ledger: "payables", party: p.supplierId, documentId: p.paymentId, documentType: "advance", date, dueDate: date, currency: p.currency,
        amount: unitsToString(r.restAmount), functional: unitsToString(r.restValue - hostDifference),
      });
      return withDifference(p, settledAny ? r.difference : undefined, p.currency, functionalCurrency) as Payload<T>;
    }
    default:
      return event.payload;
  }
}

function withDifference<P extends { readonly exchangeDifference?: { readonly amount: string; readonly currency: string } }>(payload: P, difference: bigint | undefined, currency: string, functionalCurrency: string): P {
  if (difference === undefined) return payload;
  const { exchangeDifference: _host, ...rest } = payload as P & { exchangeDifference?: unknown };
  if (difference === 0n || currency === functionalCurrency) return rest as P;
  return { ...rest, exchangeDifference: { amount: unitsToString(difference), currency: functionalCurrency } } as P;
}

/** What an order's customer has paid in advance, in its currency and at the value it was booked at. */
interface Prepayment {
  readonly orderId: string;
  readonly currency: string;
  readonly amount: string;
  readonly functional: string;
}

/** Adds an advance, or relieves a refunded one (returning the booked value relieved when the whole refund was tracked). */
async function trackPrepayment(tx: Transaction, orderId: string, currency: string, amount: bigint, functional: bigint, functionalCurrency: string): Promise<bigint | undefined> {
  if (currency === functionalCurrency) return undefined;
  const doc = await tx.documents.getForUpdate(FINANCE_STORE.prepayments, orderId);
  const before = doc?.data as unknown as Prepayment | undefined;
  if (before !== undefined && before.currency !== currency) return undefined;
  let relieved: bigint | undefined;
  let openAmount = toUnits(before?.amount ?? "0");
  let openFunctional = toUnits(before?.functional ?? "0");
  if (amount < 0n && openAmount > 0n) {
    // A refund relieves the advance at its booked share.
    const part = -amount < openAmount ? -amount : openAmount;
    const value = relievedValue(openAmount, openFunctional, part, quantumOf(functionalCurrency));
    if (part === -amount) relieved = value;
    openFunctional -= value;
    openAmount -= part;
  } else if (amount > 0n) {
    openAmount += amount;
    openFunctional += functional;
  }
  const next: Prepayment = { orderId, currency, amount: unitsToString(openAmount), functional: unitsToString(openFunctional) };
  await tx.documents.put(FINANCE_STORE.prepayments, orderId, next as unknown as JsonObject, doc?.version ?? 0);
  return relieved;
}

/**
 * The prepayment an invoice applies, when finance tracked it: its booked value (the
 * advance's rate) and its value at the invoice's rate — its share of the invoice's functional
 * gross, so an invoice the advance pays in full opens no receivable, not even a cent of
 * conversion rounding; the tracked advance is relieved.
 */
async function applyPrepayment(tx: Transaction, functionalCurrency: string, p: Payload<"OrderInvoiced">): Promise<{ booked: bigint; atInvoiceRate: bigint } | undefined> {
  const applied = toUnits(p.prepaymentApplied.amount);
  if (applied <= 0n || p.currency === functionalCurrency) return undefined;
  const doc = await tx.documents.getForUpdate(FINANCE_STORE.prepayments, p.orderId);
  const tracked = doc?.data as unknown as Prepayment | undefined;
  if (tracked === undefined || tracked.currency !== p.currency || toUnits(tracked.amount) < applied) return undefined;
  const quantum = quantumOf(functionalCurrency);
  const booked = relievedValue(toUnits(tracked.amount), toUnits(tracked.functional), applied, quantum);
  // The applied part at the invoice's rate is its share of the invoice's own functional gross (the
  // sum of its converted parts), all of it when the prepayment pays the whole invoice: converting
  // the applied amount whole could differ by a cent and leave a receivable of 0 in the invoice's
  // currency that keeps a cent in the functional one, which no payment would ever settle.
  const gross = toUnits(p.gross.amount);
  const atInvoiceRate = gross <= 0n ? 0n : relievedValue(gross, toUnits(p.functional.gross.amount), applied, quantum);
  const next: Prepayment = { ...tracked, amount: unitsToString(toUnits(tracked.amount) - applied), functional: unitsToString(toUnits(tracked.functional) - booked) };
  await tx.documents.put(FINANCE_STORE.prepayments, p.orderId, next as unknown as JsonObject, doc!.version);
  return { booked, atInvoiceRate };
}

/**
 * Undoes a whole write-off whose journal entry is being reversed — a customer's bad debt or small
 * difference, a supplier bill's small difference, a credit's small rest: the item reopens by what
 * it wrote off, at the value it was written off at (settlement `write-back` naming it in
 * `reverses`), and the output tax it relieved is returned to be charged again. Refused when any
 * of a customer's written-off debt was written back already (a late payment or a credit note
 * recovered part of it: reversing the whole entry would count that part twice), and when it was
 * undone before.
 *
 * @example
 * ```ts
 * const relief = await undoWriteOff(tx, "EUR", { ledger: "receivables", documentId: "INV2026-000001", writeOffId: "wo_1" }, "2026-07-01", "je_9");
 * ```
 */
export async function undoWriteOff(
  tx: Transaction,
  functionalCurrency: string,
  ref: { readonly ledger: OpenItemLedger; readonly documentId: string; readonly writeOffId: string },
  date: string,
  entryId: string,
): Promise<OpenItemTaxLine[]> {
  const doc = await tx.documents.getForUpdate(OPEN_ITEMS_COLLECTION, openItemId(ref.ledger, ref.documentId));
  const item = doc?.data as unknown as OpenItem | undefined;
  const writeOff = item?.settlements.find((s) => s.kind === "write-off" && s.documentId === ref.writeOffId);
  if (doc === undefined || item === undefined || writeOff === undefined) {
    throw new StorekeepError("NOT_FOUND", `Write-off ${ref.writeOffId} of ${ref.documentId} is not on its open item; it cannot be undone.`, { writeOffId: ref.writeOffId, documentId: ref.documentId });
  }
  const amount = toUnits(writeOff.amount);
  if (amount === 0n) throw new StorekeepError("INVALID_TRANSITION", `Write-off ${ref.writeOffId} of ${ref.documentId} wrote off nothing; there is nothing to undo.`, { writeOffId: ref.writeOffId });
  if (item.settlements.some((s) => s.kind === "write-back" && s.reverses === ref.writeOffId)) {
    throw new StorekeepError("INVALID_TRANSITION", `Write-off ${ref.writeOffId} of ${ref.documentId} was undone already.`, { writeOffId: ref.writeOffId });
  }
  // Write-backs (a late payment, a credit note) reopen only a customer's written-off debt, oldest
  // write-off first: none of this one may have been taken. A supplier's bill, a debit note or a
  // customer's credit written off has no write-backs; its write-off is undone as it was.
  if (ref.ledger === "receivables" && amount > 0n && writtenOffNotBack(item, quantumOf(functionalCurrency)).find((w) => w.writeOffId === ref.writeOffId)?.whole !== true) {
    throw new StorekeepError(
      "INVALID_TRANSITION",
      `Part of write-off ${ref.writeOffId} of ${ref.documentId} was recovered since (a late payment or a credit note wrote it back), so reversing its whole entry would count that part twice. Leave it, or write off again what the reversal should not restore.`,
      { writeOffId: ref.writeOffId, documentId: ref.documentId },
    );
  }
  if (date < writeOff.date) {
    throw new StorekeepError("VALIDATION_FAILED", `Write-off ${ref.writeOffId} is dated ${writeOff.date}; its reversal cannot be dated before it (${date}).`, { issues: [{ path: "date", message: `on or after ${writeOff.date}`, code: "custom" }] });
  }
  const relief = writeOff.taxRelief ?? [];
  const negated = negatedTax(relief);
  const booked = toUnits(writeOff.booked);
  const reopened: OpenItem = {
    ...item,
    openAmount: unitsToString(toUnits(item.openAmount) + amount),
    openFunctional: unitsToString(toUnits(item.openFunctional) + booked),
    settlements: [
      ...item.settlements,
      { date, documentId: entryId, kind: "write-back", amount: unitsToString(-amount), booked: unitsToString(-booked), settled: unitsToString(-booked), ...(writeOff.account === undefined ? {} : { account: writeOff.account }), ...(negated.length === 0 ? {} : { taxRelief: negated }), reverses: ref.writeOffId },
    ],
  };
  await tx.documents.put(OPEN_ITEMS_COLLECTION, reopened.itemId, reopened as unknown as JsonObject, doc.version);
  return [...relief];
}
