import { z } from "zod";
import { defineCommand } from "../runner/command.js";
import { Decimal, canonicalDecimal } from "../kernel/decimal.js";
import { StorekeepError } from "../kernel/errors.js";
import { localDateSchema } from "../kernel/local-date.js";
import { positiveAmountSchemaOf } from "./schemas.js";
import { rateSchema } from "../kernel/bounds.js";
import { toFunctional } from "./amounts.js";
import { claimDocument, priorResult, rateFor } from "./order-store.js";
import { type SupplierBill, loadBill } from "./bill.js";
import { BILLS, idSchema, requireSupplier } from "./supplier.js";

/**
 * Pays a supplier's posted bills (one or several, in the order given; the last one may be
 * paid in part). Finance settles the payables open items and computes the realised exchange
 * difference of a foreign-currency payment from what the bills were booked at.
 *
 * @example
 * ```ts
 * await runtime.execute(paySupplier, { paymentId: "sp_1", supplierId: "sup_1", billIds: ["bill_1", "bill_2"], amount: "500" });
 * ```
 */
export const paySupplier = defineCommand({
  name: "purchasing.paySupplier",
  input: z.strictObject({
    paymentId: idSchema,
    supplierId: idSchema,
    billIds: z.array(idSchema).min(1).max(1000),
    /** Default: everything still open on the bills. */
    amount: positiveAmountSchemaOf().optional(),
    date: localDateSchema.optional(),
    rate: rateSchema.transform((d) => canonicalDecimal(d)).optional(),
    /** The bank the money left from (finance's `cashAccounts` pick its account). */
    bank: idSchema.optional(),
  }),
  async handle(ctx, input) {
    const prior = await priorResult(ctx.tx, "payment", input.paymentId, input);
    if (prior !== undefined) return { result: prior as never };
    await requireSupplier(ctx.tx, input.supplierId);
    const date = input.date ?? ctx.today;
    await ctx.periodLocks?.assertOpen(ctx.tx, "purchases", date);
    if (new Set(input.billIds).size !== input.billIds.length) throw new StorekeepError("VALIDATION_FAILED", "A bill appears twice in billIds; name each bill once.", { issues: [{ path: "billIds", message: "duplicate", code: "custom" }] });
    const bills: { bill: SupplierBill; version: number }[] = [];
    for (const billId of input.billIds) {
      const loaded = await loadBill(ctx.tx, billId);
      const b = loaded.bill;
      if (b.supplierId !== input.supplierId) throw new StorekeepError("VALIDATION_FAILED", `Bill ${billId} is from ${b.supplierId}, not ${input.supplierId}; pay each supplier's bills separately.`, { issues: [{ path: "billIds", message: "other supplier", code: "custom" }] });
      if (b.status !== "posted") throw new StorekeepError("INVALID_TRANSITION", `Bill ${billId} is held (${b.reasons.map((r) => r.kind).join(", ")}); approve or correct it before paying.`, { billId, status: b.status, allowed: ["approveBill", "correctBill"] });
      if (bills.length > 0 && b.currency !== bills[0]!.bill.currency) throw new StorekeepError("CURRENCY_MISMATCH", `Bills ${bills[0]!.bill.billId} (${bills[0]!.bill.currency}) and ${billId} (${b.currency}) are in different currencies; pay them separately.`, { billIds: input.billIds });
      bills.push(loaded);
    }
    const currency = bills[0]!.bill.currency;
    const open = bills.map(({ bill }) => new Decimal(bill.gross).minus(bill.paid));
    const totalOpen = open.reduce((a, b) => a.plus(b), new Decimal(0));
    const amount = input.amount ?? totalOpen;
    if (amount.gt(totalOpen) || amount.lte(0)) {
      throw new StorekeepError("VALIDATION_FAILED", `Payment ${input.paymentId} of ${amount.toString()} ${currency} ${amount.lte(0) ? "is nothing" : `exceeds the ${totalOpen.toString()} ${currency} still open on its bills`}; pay at most what is open.`, { issues: [{ path: "amount", message: "more than open", code: "custom" }], open: canonicalDecimal(totalOpen) });
    }
    let left = amount;
    const settled = [];
    for (const [i, { bill, version }] of bills.entries()) {
      const pay = Decimal.min(left, open[i]!);
      left = left.minus(pay);
      if (pay.isZero()) continue;
      const paid = new Decimal(bill.paid).plus(pay);
      await ctx.tx.documents.put(BILLS, bill.billId, { ...bill, paid: canonicalDecimal(paid) } as never, version);
      settled.push({ billId: bill.billId, paid: canonicalDecimal(pay), open: canonicalDecimal(new Decimal(bill.gross).minus(paid)) });
    }
    const functional = ctx.config.functionalCurrency;
    const rate = await rateFor(ctx, currency, date, input.rate);
    const functionalAmount = currency === functional ? amount : toFunctional(amount, new Decimal(rate), functional);
    const result = { paymentId: input.paymentId, currency, amount: canonicalDecimal(amount), rate, functionalAmount: canonicalDecimal(functionalAmount), bills: settled };
    await claimDocument(ctx.tx, "payment", input.paymentId, input, result);
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
            amount: { amount: canonicalDecimal(amount), currency },
            functionalAmount: { amount: canonicalDecimal(functionalAmount), currency: functional },
          },
        },
      ],
    };
  },
});
