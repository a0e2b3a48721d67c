/*
 * The payment proposal: which posted bills to pay by a payment run's date, and for how much —
 * overdue bills, bills falling due, and bills whose early-payment discount would be lost
 * before the next run — grouped per supplier and currency as `paySupplier` takes them.
 */
import { z } from "zod";
import { Decimal, canonicalDecimal } from "../kernel/decimal.js";
import { parseWith } from "../kernel/errors.js";
import { type LocalDate, addDays, daysBetween, localDateSchema } from "../kernel/local-date.js";
import { strictInput } from "../kernel/strict-input.js";
import type { Transaction } from "../ports/storage.js";
import { type SupplierBill, billOpen } from "./bill.js";
import { discountUntil, earlyPaymentDiscount } from "./pay-supplier.js";
import { findAll } from "./reports.js";
import { BILLS, SUPPLIERS, type Supplier, idSchema } from "./supplier.js";

/**
 * The query of `sk.purchasing.billsToPay`: the run's date (`asOf`), the date of the next run
 * (`through`, default a week later), optionally one supplier or currency.
 *
 * @example
 * ```ts
 * const query: BillsToPayQuery = { asOf: "2026-03-10", through: "2026-03-17" };
 * ```
 */
export interface BillsToPayQuery {
  readonly asOf: string;
  readonly through?: string;
  readonly supplierId?: string;
  readonly currency?: string;
}

export const billsToPaySchema = strictInput({
  asOf: localDateSchema,
  through: localDateSchema.optional(),
  supplierId: idSchema.optional(),
  currency: z.string().length(3).optional(),
}).refine((q) => q.through === undefined || q.through >= q.asOf, { message: "through must not be before asOf", path: ["through"] });

/**
 * One bill of the proposal. `payBy` is the last day of its early-payment discount while that
 * is still to be had, otherwise its due date; `pay` is what settles it when paid on `asOf`
 * (its open amount less the discount); `overdueDays` counts from the due date (0 when not yet
 * due).
 *
 * @example
 * ```ts
 * const row: BillToPay = { billId: "b_1", kind: "bill", supplierId: "sup", supplierReference: null, currency: "EUR", date: "2026-03-02", dueDate: "2026-04-01", gross: "119", open: "119", discount: { amount: "2.38", until: "2026-03-12" }, payBy: "2026-03-12", pay: "116.62", overdueDays: 0 };
 * ```
 */
export interface BillToPay {
  readonly billId: string;
  readonly kind: "bill" | "landed-cost";
  readonly supplierId: string;
  readonly supplierReference: string | null;
  readonly currency: string;
  readonly date: string;
  readonly dueDate: string;
  readonly gross: string;
  readonly open: string;
  readonly discount: { readonly amount: string; readonly until: string } | null;
  readonly payBy: string;
  readonly pay: string;
  readonly overdueDays: number;
}

/**
 * The payment proposal of a run on `asOf`: every posted bill with something open whose
 * `payBy` falls on or before `through` (the next run), soonest first; per supplier and
 * currency, the bills to name in one `paySupplier` and what it pays; totals per currency.
 * Held bills due by `through` are listed apart (`held`): they block nothing but need an
 * approval, a correction or a rejection before they can be paid.
 *
 * @example
 * ```ts
 * const run = await sk.purchasing.billsToPay({ asOf: "2026-03-10" });
 * for (const p of run.payments) await sk.purchasing.paySupplier({ paymentId: `run_${p.supplierId}`, supplierId: p.supplierId, billIds: p.billIds, date: run.asOf });
 * ```
 */
export interface BillsToPay {
  readonly asOf: string;
  readonly through: string;
  readonly bills: readonly BillToPay[];
  /**
   * Per supplier and currency: the bills for one `paySupplier`, what it pays and the discount it
   * takes, and the supplier's open credits in that currency (debit notes, advances) that finance
   * holds — apply them with `sk.finance.allocate` before paying, and pay less.
   */
  readonly payments: readonly {
    readonly supplierId: string;
    readonly currency: string;
    readonly billIds: readonly string[];
    readonly pay: string;
    readonly discount: string;
    readonly credits: readonly PayableCredit[];
  }[];
  readonly totals: readonly { readonly currency: string; readonly bills: number; readonly open: string; readonly pay: string; readonly discount: string }[];
  readonly held: readonly { readonly billId: string; readonly supplierId: string; readonly currency: string; readonly gross: string; readonly dueDate: string; readonly reasons: readonly string[] }[];
}

/**
 * An open credit on a supplier's account (a debit note, an advance), as finance holds it.
 *
 * @example
 * ```ts
 * const credit: PayableCredit = { documentId: "rts_1", documentType: "debit-note", currency: "EUR", open: "23.8" };
 * ```
 */
export interface PayableCredit {
  readonly documentId: string;
  readonly documentType: string;
  readonly currency: string;
  readonly open: string;
}

/** Reads a supplier's open credits (finance's payables items with something owed to the shop); without it none are listed. */
export type PayableCreditsReader = (tx: Transaction, supplierId: string) => Promise<readonly PayableCredit[]>;

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Builds the payment proposal (see {@link BillsToPay}); the query is checked first
 * (`VALIDATION_FAILED` naming the field).
 *
 * @example
 * ```ts
 * const proposal = await runtime.read((tx) => billsToPayOf(tx, { asOf: "2026-03-10" }));
 * ```
 */
export async function billsToPayOf(tx: Transaction, query: unknown, creditsOf?: PayableCreditsReader): Promise<BillsToPay> {
  const q = parseWith(billsToPaySchema, query, "purchasing.billsToPay query");
  const through = q.through ?? addDays(q.asOf as LocalDate, 7);
  const found = (status: "posted" | "held") => (q.supplierId !== undefined ? findAll<SupplierBill>(tx, BILLS, "bySupplier", [q.supplierId, status]) : findAll<SupplierBill>(tx, BILLS, "byBillStatus", [status]));
  const suppliers = new Map<string, Supplier | undefined>();
  const supplierOf = async (id: string) => {
    if (!suppliers.has(id)) suppliers.set(id, (await tx.documents.get<Supplier>(SUPPLIERS, id))?.data);
    return suppliers.get(id);
  };
  const bills: BillToPay[] = [];
  for (const { data: bill } of await found("posted")) {
    if (q.currency !== undefined && bill.currency !== q.currency) continue;
    const open = billOpen(bill);
    if (open.lte(0)) continue;
    const terms = (await supplierOf(bill.supplierId))?.paymentTerms;
    const discount = terms === undefined ? null : earlyPaymentDiscount(bill, open, terms, q.asOf, bill.currency);
    const until = terms === undefined ? null : discountUntil(bill, terms);
    const discounted = discount !== null && discount.amount.gt(0) && until !== null;
    const payBy = discounted && until < bill.dueDate ? until : bill.dueDate;
    if (payBy > through) continue;
    const overdueDays = bill.dueDate < q.asOf ? daysBetween(bill.dueDate as LocalDate, q.asOf) : 0;
    bills.push({
      billId: bill.billId,
      kind: bill.kind,
      supplierId: bill.supplierId,
      supplierReference: bill.supplierReference,
      currency: bill.currency,
      date: bill.date,
      dueDate: bill.dueDate,
      gross: bill.gross,
      open: canonicalDecimal(open),
      discount: discounted ? { amount: canonicalDecimal(discount.amount), until } : null,
      payBy,
      pay: canonicalDecimal(discounted ? open.minus(discount.amount) : open),
      overdueDays,
    });
  }
  bills.sort((a, b) => byText(a.payBy, b.payBy) || byText(a.supplierId, b.supplierId) || byText(a.billId, b.billId));
  const payments = new Map<string, { supplierId: string; currency: string; billIds: string[]; pay: Decimal; discount: Decimal }>();
  const totals = new Map<string, { currency: string; bills: number; open: Decimal; pay: Decimal; discount: Decimal }>();
  for (const b of bills) {
    const key = `${b.supplierId}|${b.currency}`;
    const p = payments.get(key) ?? payments.set(key, { supplierId: b.supplierId, currency: b.currency, billIds: [], pay: new Decimal(0), discount: new Decimal(0) }).get(key)!;
    p.billIds.push(b.billId);
    p.pay = p.pay.plus(b.pay);
    p.discount = p.discount.plus(b.discount?.amount ?? 0);
    const t = totals.get(b.currency) ?? totals.set(b.currency, { currency: b.currency, bills: 0, open: new Decimal(0), pay: new Decimal(0), discount: new Decimal(0) }).get(b.currency)!;
    t.bills++;
    t.open = t.open.plus(b.open);
    t.pay = t.pay.plus(b.pay);
    t.discount = t.discount.plus(b.discount?.amount ?? 0);
  }
  const held = (await found("held"))
    .map((d) => d.data)
    .filter((b) => b.dueDate <= through && (q.currency === undefined || b.currency === q.currency))
    .map((b) => ({ billId: b.billId, supplierId: b.supplierId, currency: b.currency, gross: b.gross, dueDate: b.dueDate, reasons: [...new Set(b.reasons.map((r) => r.kind))] }))
    .sort((a, b) => byText(a.dueDate, b.dueDate) || byText(a.billId, b.billId));
  return {
    asOf: q.asOf,
    through,
    bills,
    payments: await Promise.all(
      [...payments.values()]
        .sort((a, b) => byText(a.supplierId, b.supplierId) || byText(a.currency, b.currency))
        .map(async (p) => ({
          supplierId: p.supplierId,
          currency: p.currency,
          billIds: p.billIds,
          pay: canonicalDecimal(p.pay),
          discount: canonicalDecimal(p.discount),
          credits: creditsOf === undefined ? [] : (await creditsOf(tx, p.supplierId)).filter((c) => c.currency === p.currency),
        })),
    ),
    totals: [...totals.values()].sort((a, b) => byText(a.currency, b.currency)).map((t) => ({ currency: t.currency, bills: t.bills, open: canonicalDecimal(t.open), pay: canonicalDecimal(t.pay), discount: canonicalDecimal(t.discount) })),
    held,
  };
}
