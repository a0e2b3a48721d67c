/**
 * Supplier bills (and landed-cost bills) as purchasing keeps them: held with the reasons of
 * a failed match, or posted; what is paid of them.
 */
import { z } from "zod";
import { nonNegativeAmountSchema, positiveQuantitySchema, rateSchema } from "../kernel/bounds.js";
import { Decimal, canonicalDecimal } from "../kernel/decimal.js";
import { StorekeepError } from "../kernel/errors.js";
import { localDateSchema } from "../kernel/local-date.js";
import type { Transaction } from "../ports/storage.js";
import { BILLS, idSchema } from "./supplier.js";
import type { MatchReason } from "./three-way-match.js";
import { strictInput } from "../kernel/strict-input.js";

/**
 * A supplier bill as purchasing keeps it.
 *
 * @example
 * ```ts
 * const bill: SupplierBill = (await sk.purchasing.bill("bill_1"))!;
 * bill.status; // "held"
 * ```
 */
export type SupplierBill = {
  readonly billId: string;
  readonly kind: "bill" | "landed-cost";
  readonly supplierId: string;
  readonly purchaseOrderId: string | null;
  readonly supplierReference: string | null;
  /** `rejected`: a held bill the shop refused (`rejectBill`); nothing was posted for it. */
  readonly status: "held" | "posted" | "rejected";
  readonly reasons: readonly MatchReason[];
  readonly date: string;
  readonly dueDate: string;
  readonly currency: string;
  readonly rate: string | null;
  readonly lines: readonly { readonly lineId: string; readonly sku: string; readonly quantity: string; readonly unitPrice: string }[];
  readonly net: string;
  readonly tax: string;
  readonly gross: string;
  /** Paid so far (transaction currency). */
  readonly paid: string;
  /** Early-payment discounts taken on it. Absent: none. */
  readonly discount?: string;
  /**
   * Credits finance allocated to it (`sk.finance.allocate` on payables: a debit note, an advance,
   * an over-payment), in its currency. Absent: none.
   */
  readonly credited?: string;
  /**
   * What finance wrote off of it (`sk.finance.writeOff` on payables: a small difference), in its
   * currency. Absent: none. Its open amount is gross − paid − discount − credited − writtenOff.
   */
  readonly writtenOff?: string;
  /**
   * What a posted goods bill was for, line by line as `SupplierBillRecorded` carried it: the
   * receipt each part matched (null: billed before the goods arrived) and its billed value in
   * the functional currency. An early-payment discount taken under `cashDiscounts: "stock"` is
   * spread over it. Absent on landed-cost bills and on bills posted before storekeep kept it.
   */
  readonly stockBasis?: readonly BillStockBasis[];
  readonly approvedBy: string | null;
  /** Why a rejected bill was refused. */
  readonly rejectedFor?: string;
};

/**
 * One part of a posted bill: a bill line matched to one receipt (or billed ahead of the goods).
 *
 * @example
 * ```ts
 * const part: BillStockBasis = { lineId: "1.1", sku: "MUG", receiptId: "grn_1", receiptLineId: "1", value: "100" };
 * ```
 */
export type BillStockBasis = {
  /** The line id `SupplierBillRecorded` gave the part (`<order line>.<part>`). */
  readonly lineId: string;
  readonly sku: string;
  /** The receipt it matched; null for goods billed before they arrived. */
  readonly receiptId: string | null;
  readonly receiptLineId: string | null;
  /** The receipt's units still with the shop when billed, when fewer than it received. */
  readonly receiptQuantity?: string;
  /** The billed value, functional currency. */
  readonly value: string;
};

const decimalText = <S extends z.ZodType>(schema: S) => schema.transform((d) => canonicalDecimal(d as never));

/**
 * What is still open on a bill: its gross less what was paid, the early-payment discounts taken,
 * the credits finance allocated to it and what finance wrote off of it.
 *
 * @example
 * ```ts
 * billOpen({ gross: "119", paid: "49", discount: "1" }).toString(); // "69"
 * billOpen({ gross: "119", paid: "0", credited: "11.9" }).toString(); // "107.1"
 * ```
 */
export function billOpen(bill: Pick<SupplierBill, "gross" | "paid" | "discount" | "credited" | "writtenOff">): Decimal {
  return new Decimal(bill.gross).minus(bill.paid).minus(bill.discount ?? "0").minus(bill.credited ?? "0").minus(bill.writtenOff ?? "0");
}

export const billLinesSchema = z
  .array(strictInput({ lineId: idSchema, quantity: decimalText(positiveQuantitySchema), unitPrice: decimalText(nonNegativeAmountSchema) }))
  .min(1)
  .max(1000);

export const recordBillSchema = strictInput({
  billId: idSchema,
  purchaseOrderId: idSchema,
  /** The supplier's own invoice number. */
  supplierReference: z.string().min(1).max(200).optional(),
  date: localDateSchema.optional(),
  dueDate: localDateSchema.optional(),
  rate: decimalText(rateSchema).optional(),
  lines: billLinesSchema,
});

/** The bill locked for update, or NOT_FOUND. */
export async function loadBill(tx: Transaction, billId: string): Promise<{ bill: SupplierBill; version: number }> {
  const doc = await tx.documents.getForUpdate<SupplierBill>(BILLS, billId);
  if (!doc) throw new StorekeepError("NOT_FOUND", `Bill ${billId} does not exist; record it with purchasing.recordBill.`, { billId });
  return { bill: doc.data, version: doc.version };
}
