import { z } from "zod";
import { defineLibraryCommand } from "../runner/library.js";
import { Decimal, canonicalDecimal } from "../kernel/decimal.js";
import { StorekeepError } from "../kernel/errors.js";
import { type LocalDate, addDays, localDateSchema } from "../kernel/local-date.js";
import { positiveAmountSchemaOf } from "./schemas.js";
import { rateSchema } from "../kernel/bounds.js";
import { roundMinor, toFunctional } from "./amounts.js";
import { claimDocument, priorResult, rateFor, saveOrder } from "./order-store.js";
import { type SupplierBill, billOpen, loadBill } from "./bill.js";
import { lockDocuments } from "../runner/batch-documents.js";
import { BILLS, CLAIMS, ORDERS, type PaymentTerms, idSchema, requireSupplier } from "./supplier.js";
import type { Transaction } from "../ports/storage.js";
import { strictInput } from "../kernel/strict-input.js";
import { settingsOf } from "./options.js";
import { type DiscountOnAhead, type DiscountOnLandedCost, type DiscountOnStock, aheadKey, discountOnStock, returnedSinceOf } from "./discount-on-stock.js";
import type { PurchaseOrder } from "./purchase-order.js";

/**
 * The error for a debit note (a return to the supplier) named as a bill to pay: it is a
 * credit on the payables, applied with finance's allocate, not paid. Undefined when `id` is
 * no return either.
 */
async function debitNoteError(tx: Transaction, id: string, supplierId: string, date: string): Promise<StorekeepError | undefined> {
  const claim = await tx.documents.get<{ result: { net?: string } }>(CLAIMS, `return:${id}`);
  if (claim === undefined) return undefined;
  if (claim.data.result.net === undefined || new Decimal(claim.data.result.net).isZero()) {
    return new StorekeepError("VALIDATION_FAILED", `${id} is a return to the supplier of goods not yet billed: it made no debit note, so there is nothing to pay or allocate for it. Leave it out of billIds.`, {
      issues: [{ path: "billIds", message: "a return, not a bill", code: "custom" }],
      documentId: id,
      documentType: "supplier-return",
    });
  }
  return new StorekeepError(
    "VALIDATION_FAILED",
    `${id} is a debit note (a return to the supplier), not a bill: it is a credit on ${supplierId}'s payables, not something to pay. Leave it out of billIds and apply it to the bills with sk.finance.allocate({ ledger: "payables", creditId: "${id}", documentIds: [<bill ids>], date: "${date}" }), then pay what is still open.`,
    { issues: [{ path: "billIds", message: "a debit note, not a bill", code: "custom" }], documentId: id, documentType: "debit-note" },
  );
}

/**
 * The early-payment discount a bill offers on `date`: its open amount times the terms'
 * discount ratio, rounded to the minor unit, when `date` is within `discountDays` of the
 * bill's date; with the part of it that is tax (in the bill's tax-to-gross proportion).
 *
 * @example
 * ```ts
 * earlyPaymentDiscount({ date: "2026-03-01", gross: "119", tax: "19" }, new Decimal("119"), { netDays: 30, discountDays: 10, discountPercent: "0.02" }, "2026-03-08", "EUR");
 * // { amount: 2.38, tax: 0.38 }
 * ```
 */
export function earlyPaymentDiscount(bill: Pick<SupplierBill, "date" | "gross" | "tax">, open: Decimal, terms: PaymentTerms, date: string, currency: string): { amount: Decimal; tax: Decimal } {
  const until = discountUntil(bill, terms);
  if (until === null || terms.discountPercent === null || open.lte(0) || date > until) return { amount: new Decimal(0), tax: new Decimal(0) };
  return withTaxPart(bill, roundMinor(open.times(terms.discountPercent), currency), currency);
}

/**
 * The last day a bill earns its early-payment discount (its date plus `discountDays`), or null
 * when the terms offer none.
 *
 * @example
 * ```ts
 * discountUntil({ date: "2026-03-01" }, { netDays: 30, discountDays: 10, discountPercent: "0.02" }); // "2026-03-11"
 * ```
 */
export function discountUntil(bill: Pick<SupplierBill, "date">, terms: PaymentTerms): LocalDate | null {
  return terms.discountDays === null || terms.discountPercent === null ? null : addDays(bill.date as LocalDate, terms.discountDays);
}

/** A discount with its tax part, in the bill's tax-to-gross proportion. */
function withTaxPart(bill: Pick<SupplierBill, "gross" | "tax">, amount: Decimal, currency: string): { amount: Decimal; tax: Decimal } {
  const gross = new Decimal(bill.gross);
  const tax = gross.isZero() ? new Decimal(0) : roundMinor(amount.times(bill.tax).dividedBy(gross), currency);
  return { amount, tax };
}

/**
 * The early-payment discount a part payment of `pay` earns on `date` under terms that grant
 * it pro rata (`discountOnPartPayments`): the payment settles `pay / (1 − discountPercent)`
 * of the bill, so the discount is `pay × discountPercent / (1 − discountPercent)`, rounded to
 * the minor unit and never more than the bill has open beyond the payment. Nothing outside
 * the window or under terms without it.
 *
 * @example
 * ```ts
 * partPaymentDiscount({ date: "2026-03-01", gross: "1190", tax: "190" }, new Decimal("1190"), new Decimal("490"), { netDays: 30, discountDays: 10, discountPercent: "0.02", discountOnPartPayments: true }, "2026-03-08", "EUR");
 * // { amount: 10, tax: 1.6 }
 * ```
 */
export function partPaymentDiscount(bill: Pick<SupplierBill, "date" | "gross" | "tax">, open: Decimal, pay: Decimal, terms: PaymentTerms, date: string, currency: string): { amount: Decimal; tax: Decimal } {
  const zero = { amount: new Decimal(0), tax: new Decimal(0) };
  const until = discountUntil(bill, terms);
  if (terms.discountOnPartPayments !== true || until === null || terms.discountPercent === null || pay.lte(0) || date > until) return zero;
  const ratio = new Decimal(terms.discountPercent);
  const amount = Decimal.min(roundMinor(pay.times(ratio).dividedBy(new Decimal(1).minus(ratio)), currency), open.minus(pay));
  return amount.lte(0) ? zero : withTaxPart(bill, amount, currency);
}

/**
 * Pays a supplier's posted bills (one or several, in the order given; the last one may be
 * paid in part). Within the supplier's discount window (terms like 2/10 net 30) a bill is
 * settled for its open amount less the early-payment discount, unless `takeDiscount: false`;
 * a part payment earns its share of the discount when the terms grant it pro rata
 * (`discountOnPartPayments`), and none otherwise;
 * the discount is booked as a lower purchase cost with its tax taken back — on the cost of the
 * goods billed under `cashDiscounts: "stock"`, the result's `discountOnStock` saying how much of
 * it (net of tax) went there. Finance settles
 * the payables open items and computes the realised exchange difference of a
 * foreign-currency payment from what the bills were booked at.
 *
 * @example
 * ```ts
 * await runtime.execute(paySupplier, { paymentId: "sp_1", supplierId: "sup_1", billIds: ["bill_1", "bill_2"], amount: "500" });
 * ```
 */
export const paySupplier = defineLibraryCommand({
  name: "purchasing.paySupplier",
  input: strictInput({
    paymentId: idSchema,
    supplierId: idSchema,
    billIds: z.array(idSchema).min(1).max(1000),
    /** Default: everything still open on the bills (less the discounts taken). */
    amount: positiveAmountSchemaOf().optional(),
    date: localDateSchema.optional(),
    rate: rateSchema.transform((d) => canonicalDecimal(d)).optional(),
    /** The bank the money left from (finance's `cashAccounts` pick its account). */
    bank: idSchema.optional(),
    /** Take the early-payment discount of bills paid within their window (default true). */
    takeDiscount: z.boolean().optional(),
  }),
  async handle(ctx, input) {
    const prior = await priorResult(ctx.tx, "payment", input.paymentId, input);
    if (prior !== undefined) return { result: prior as never };
    const supplier = await requireSupplier(ctx.tx, input.supplierId);
    const date = input.date ?? ctx.today;
    await ctx.periodLocks?.assertOpen(ctx.tx, "purchases", date);
    if (new Set(input.billIds).size !== input.billIds.length) throw new StorekeepError("VALIDATION_FAILED", "A bill appears twice in billIds; name each bill once.", { issues: [{ path: "billIds", message: "duplicate", code: "custom" }] });
    const bills: { bill: SupplierBill; version: number }[] = [];
    // Locked together, in id order (one statement on a SQL store); each is then at hand.
    await lockDocuments(ctx.tx, BILLS, input.billIds);
    for (const billId of input.billIds) {
      const loaded = await loadBill(ctx.tx, billId).catch(async (e: unknown) => {
        throw (await debitNoteError(ctx.tx, billId, input.supplierId, date)) ?? e;
      });
      const b = loaded.bill;
      if (b.supplierId !== input.supplierId) throw new StorekeepError("VALIDATION_FAILED", `Bill ${billId} is from ${b.supplierId}, not ${input.supplierId}; pay each supplier's bills separately.`, { issues: [{ path: "billIds", message: "other supplier", code: "custom" }] });
      if (b.status === "rejected") throw new StorekeepError("INVALID_TRANSITION", `Bill ${billId} was rejected (${b.rejectedFor ?? "no reason given"}); nothing is owed on it.`, { billId, status: b.status, allowed: [] });
      if (b.status !== "posted") throw new StorekeepError("INVALID_TRANSITION", `Bill ${billId} is held (${b.reasons.map((r) => r.kind).join(", ")}); approve or correct it before paying.`, { billId, status: b.status, allowed: ["approveBill", "correctBill", "rejectBill"] });
      if (bills.length > 0 && b.currency !== bills[0]!.bill.currency) throw new StorekeepError("CURRENCY_MISMATCH", `Bills ${bills[0]!.bill.billId} (${bills[0]!.bill.currency}) and ${billId} (${b.currency}) are in different currencies; pay them separately.`, { billIds: input.billIds });
      bills.push(loaded);
    }
    const currency = bills[0]!.bill.currency;
    const open = bills.map(({ bill }) => billOpen(bill));
    // A landed-cost bill takes the supplier's terms too: it is a payable like any bill.
    const discounts = bills.map(({ bill }, i) => (input.takeDiscount === false ? { amount: new Decimal(0), tax: new Decimal(0) } : earlyPaymentDiscount(bill, open[i]!, supplier.paymentTerms, date, currency)));
    const due = open.map((o, i) => o.minus(discounts[i]!.amount));
    const totalDue = due.reduce((a, b) => a.plus(b), new Decimal(0));
    const amount = input.amount ?? totalDue;
    if (amount.gt(totalDue) || amount.lte(0)) {
      const discounted = discounts.some((d) => d.amount.gt(0));
      throw new StorekeepError(
        "VALIDATION_FAILED",
        `Payment ${input.paymentId} of ${amount.toString()} ${currency} ${amount.lte(0) ? "is nothing" : `exceeds the ${totalDue.toString()} ${currency} still open on its bills${discounted ? " after the early-payment discount (pass takeDiscount: false to pay them in full)" : ""}`}; pay at most what is open.`,
        { issues: [{ path: "amount", message: "more than open", code: "custom" }], open: canonicalDecimal(totalDue) },
      );
    }
    let left = amount;
    let discountTotal = new Decimal(0);
    let discountTax = new Decimal(0);
    const settled = [];
    const taken: { bill: SupplierBill; net: Decimal }[] = [];
    for (const [i, { bill, version }] of bills.entries()) {
      if (left.isZero()) break;
      // The discount is earned by settling the bill: a part payment pays without it, unless
      // the terms grant it pro rata.
      const full = left.gte(due[i]!);
      const pay = full ? due[i]! : left;
      const discount = full ? discounts[i]! : input.takeDiscount === false ? { amount: new Decimal(0), tax: new Decimal(0) } : partPaymentDiscount(bill, open[i]!, pay, supplier.paymentTerms, date, currency);
      left = left.minus(pay);
      const paid = new Decimal(bill.paid).plus(pay);
      const discounted = new Decimal(bill.discount ?? "0").plus(discount.amount);
      await ctx.tx.documents.put(BILLS, bill.billId, { ...bill, paid: canonicalDecimal(paid), ...(discounted.gt(0) ? { discount: canonicalDecimal(discounted) } : {}) } as never, version);
      if (discount.amount.gt(0)) taken.push({ bill, net: discount.amount.minus(discount.tax) });
      discountTotal = discountTotal.plus(discount.amount);
      discountTax = discountTax.plus(discount.tax);
      settled.push({ billId: bill.billId, paid: canonicalDecimal(pay), discount: canonicalDecimal(discount.amount), open: canonicalDecimal(open[i]!.minus(pay).minus(discount.amount)) });
    }
    const functional = ctx.config.functionalCurrency;
    const rate = await rateFor(ctx, currency, date, input.rate);
    const fx = (a: Decimal) => (currency === functional ? a : toFunctional(a, new Decimal(rate), functional));
    const functionalAmount = fx(amount);
    // Under `cashDiscounts: "stock"` the discount lowers the cost of the goods billed (inventory reacts).
    // Goods billed ahead and still awaited take their share onto the value they will come in at.
    let onStock: DiscountOnStock[] = [];
    let onLandedCost: DiscountOnLandedCost[] = [];
    let onAhead: DiscountOnAhead[] = [];
    if (settingsOf(ctx).cashDiscounts === "stock" && taken.length > 0) {
      const orders = await ordersOf(ctx.tx, taken);
      const ahead = new Map<string, Decimal>();
      for (const { order } of orders.values()) for (const l of order.lines) ahead.set(aheadKey(order.purchaseOrderId, l.lineId), new Decimal(l.ahead.value));
      const lineOf = (purchaseOrderId: string, orderLineId: string) => orders.get(purchaseOrderId)?.order.lines.find((l) => l.lineId === orderLineId);
      // The receipts that took units a bill billed ahead, by how many of its units each took (receipts that did not tell bills apart: by all they took ahead).
      const receiptsAhead = (purchaseOrderId: string, orderLineId: string, billId: string) => {
        const receipts = lineOf(purchaseOrderId, orderLineId)?.receipts ?? [];
        // A bill whose units receipts recorded is found on those alone; one billed before they did,
        // on the receipts that took units ahead without saying whose (they took that bill's, and those billed beside it).
        const told = receipts.some((r) => r.billedAheadBy?.some((b) => b.billId === billId) === true);
        return receipts.flatMap((r) => {
          const units = told ? r.billedAheadBy?.find((b) => b.billId === billId)?.quantity : r.billedAheadBy === undefined ? r.billedAhead : undefined;
          return units === undefined ? [] : [{ receiptId: r.receiptId, billedAhead: units }];
        });
      };
      // The share of a bill's units billed ahead still awaited (0 to 1), when the line tells its bills apart (none awaited: none of anyone's).
      const awaitedOf = (purchaseOrderId: string, orderLineId: string, billId: string) => {
        const line = lineOf(purchaseOrderId, orderLineId);
        if (line === undefined) return undefined;
        if (new Decimal(line.ahead.quantity).isZero()) return new Decimal(0);
        if (line.ahead.bills === undefined) return undefined;
        const mine = line.ahead.bills.find((b) => b.billId === billId);
        return mine === undefined ? new Decimal(0) : new Decimal(mine.awaited).dividedBy(mine.billed);
      };
      ({ onStock, onLandedCost, onAhead } = discountOnStock(taken, fx(discountTotal).minus(fx(discountTax)), currency, functional, returnedSinceOf(new Map([...orders].map(([id, o]) => [id, o.order]))), ahead, receiptsAhead, awaitedOf));
      for (const [id, { order, version }] of orders) {
        if (!onAhead.some((part) => part.purchaseOrderId === id)) continue;
        const lines = order.lines.map((l) => {
          const value = ahead.get(aheadKey(id, l.lineId))!;
          return value.eq(l.ahead.value) ? l : { ...l, ahead: { ...l.ahead, value: canonicalDecimal(value) } };
        });
        await saveOrder(ctx.tx, { ...order, lines }, version);
      }
    }
    const onStockTotal = [...onStock, ...onLandedCost, ...onAhead].reduce((a, part) => a.plus(part.amount.amount), new Decimal(0));
    const result = { paymentId: input.paymentId, currency, amount: canonicalDecimal(amount), discount: canonicalDecimal(discountTotal), ...(onStockTotal.gt(0) ? { discountOnStock: canonicalDecimal(onStockTotal) } : {}), rate, functionalAmount: canonicalDecimal(functionalAmount), bills: settled };
    await claimDocument(ctx.tx, "payment", input.paymentId, input, result);
    const m = (a: Decimal, c: string) => ({ amount: canonicalDecimal(a), currency: c });
    return {
      result,
      events: [
        {
          type: "SupplierPaid",
          aggregateType: "supplier",
          aggregateId: input.supplierId,
          effectiveDate: date,
          payload: {
            paymentId: input.paymentId,
            supplierId: input.supplierId,
            billIds: input.billIds,
            ...(input.bank ? { bank: input.bank } : {}),
            currency,
            functionalCurrency: functional,
            rate,
            amount: m(amount, currency),
            functionalAmount: m(functionalAmount, functional),
            ...(discountTotal.gt(0) ? { discount: { amount: m(discountTotal, currency), tax: m(discountTax, currency), functionalAmount: m(fx(discountTotal), functional), functionalTax: m(fx(discountTax), functional), ...(onStock.length > 0 ? { onStock } : {}), ...(onLandedCost.length > 0 ? { onLandedCost } : {}), ...(onAhead.length > 0 ? { onAhead } : {}) } } : {}),
          },
        },
      ],
    };
  },
});

/**
 * The purchase orders of the goods bills a discount was taken on, locked: what was sent back since
 * is read off them, and the value of goods billed ahead is lowered on them.
 */
async function ordersOf(tx: Transaction, taken: readonly { readonly bill: SupplierBill }[]): Promise<Map<string, { order: PurchaseOrder; version: number }>> {
  const ids = taken.flatMap(({ bill }) => (bill.purchaseOrderId === null || bill.kind === "landed-cost" || (bill.stockBasis ?? []).length === 0 ? [] : [bill.purchaseOrderId]));
  // Locked together in id order (as the bills were), so two payments never wait on each other crosswise.
  const docs = await lockDocuments<PurchaseOrder>(tx, ORDERS, ids);
  return new Map(docs.map((d) => [d.id, { order: d.data, version: d.version }]));
}
