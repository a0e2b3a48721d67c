/**
 * Suppliers and their price lists: documents, input schemas and purchasing's collections.
 */
import { z } from "zod";
import { nonNegativeAmountSchema, positiveQuantitySchema, ratioSchema } from "../kernel/bounds.js";
import { currencySchema } from "../kernel/money-schema.js";
import { localDateSchema } from "../kernel/local-date.js";
import { StorekeepError } from "../kernel/errors.js";
import type { Transaction } from "../ports/storage.js";
import { Decimal, canonicalDecimal } from "../kernel/decimal.js";
import { strictInput } from "../kernel/strict-input.js";
import { type BankAccount, bankAccountSchema } from "./bank-account.js";

/** Collections (names are part of the stored format). */
export const SUPPLIERS = "purchasing.suppliers";
export const SUPPLIER_ITEMS = "purchasing.supplier-items";
export const ORDERS = "purchasing.orders";
export const INCOMING = "purchasing.incoming";
export const RECEIPTS = "purchasing.receipts";
export const BILLS = "purchasing.bills";
export const CLAIMS = "purchasing.documents";

/** An id: 1–200 characters, no `|` or NUL (ids are joined with `|` in keys). */
export const idSchema = z.string().min(1).max(200).regex(/^[^|\u0000]+$/, "may not contain | or NUL");
const days = z.number().int().min(0).max(3650);
const decimalText = <S extends z.ZodType>(schema: S) => schema.transform((d) => canonicalDecimal(d as never));

/**
 * When a supplier's bills fall due, and the early-payment discount it offers.
 * `discountOnPartPayments: true` (kept only when set) grants the discount on a part payment
 * within the window too, pro rata: paying `x` settles `x / (1 − discountPercent)` of the bill.
 *
 * @example
 * ```ts
 * const terms: PaymentTerms = { netDays: 30, discountDays: 10, discountPercent: "0.02" }; // 2% (a ratio)
 * const proRata: PaymentTerms = { ...terms, discountOnPartPayments: true };
 * ```
 */
export type PaymentTerms = { readonly netDays: number; readonly discountDays: number | null; readonly discountPercent: string | null; readonly discountOnPartPayments?: true };

/**
 * A supplier as stored. `taxParty` is the supplier as seller for `calculateTax`;
 * `taxTreatment: "none"` leaves its documents untaxed.
 *
 * @example
 * ```ts
 * const s: Supplier = await sk.purchasing.supplier("sup_1");
 * ```
 */
export type Supplier = {
  readonly supplierId: string;
  readonly name: string | null;
  readonly currency: string;
  readonly paymentTerms: PaymentTerms;
  readonly taxTreatment: "standard" | "none";
  readonly taxParty: { readonly country: string; readonly region?: string; readonly vatId?: string } | null;
  /** The lead time the supplier states, in days from sending the order. */
  readonly leadTimeDays: number;
  /** The account the shop pays the supplier to (SEPA credit transfers); absent when not given. */
  readonly bank?: BankAccount;
};

export const defineSupplierSchema = strictInput({
  supplierId: idSchema,
  name: z.string().min(1).max(400).optional(),
  currency: currencySchema,
  paymentTerms: strictInput({ netDays: days, discountDays: days.optional(), discountPercent: decimalText(ratioSchema).optional(), discountOnPartPayments: z.boolean().optional() })
    .refine((t) => (t.discountDays === undefined) === (t.discountPercent === undefined), { message: "give discountDays and discountPercent together" })
    .refine((t) => t.discountOnPartPayments !== true || t.discountPercent !== undefined, { message: "discountOnPartPayments needs an early-payment discount: give discountDays and discountPercent", path: ["discountOnPartPayments"] })
    // A ratio below 1 ("0.02" for 2%): "2" would take twice the bill off and no payment could settle it.
    .refine((t) => t.discountPercent === undefined || new Decimal(t.discountPercent).lt(1), { message: "discountPercent is a ratio below 1: 0.02 for 2%", path: ["discountPercent"] })
    .optional(),
  taxTreatment: z.enum(["standard", "none"]).optional(),
  taxParty: strictInput({ country: z.string().length(2), region: z.string().min(1).max(10).optional(), vatId: z.string().min(1).max(64).optional() }).optional(),
  leadTimeDays: days,
  /** The supplier's bank account (IBAN checked; BIC optional inside SEPA; the account holder when not the supplier's name; its postal address, needed to pay an account outside the EEA). */
  bank: bankAccountSchema.optional(),
});

/**
 * One price of a supplier's price list: from `minQuantity` on (a quantity break), in
 * `currency`, valid between two dates (inclusive; open-ended when left out).
 *
 * @example
 * ```ts
 * const p: SupplierPrice = { minQuantity: "100", unitPrice: "2.4", currency: "EUR", validFrom: "2026-01-01", validTo: null };
 * ```
 */
export type SupplierPrice = { readonly minQuantity: string; readonly unitPrice: string; readonly currency: string; readonly validFrom: string | null; readonly validTo: string | null };

/**
 * What a supplier sells of one SKU: its price list, minimum order quantity, pack multiple
 * and (optionally) a lead time of its own.
 *
 * @example
 * ```ts
 * const item: SupplierItem = { supplierId: "sup_1", sku: "MUG", supplierSku: null, minimumOrderQuantity: "50", packMultiple: "10", leadTimeDays: null, prices: [] };
 * ```
 */
export type SupplierItem = {
  readonly supplierId: string;
  readonly sku: string;
  readonly supplierSku: string | null;
  readonly minimumOrderQuantity: string | null;
  readonly packMultiple: string | null;
  readonly leadTimeDays: number | null;
  readonly prices: readonly SupplierPrice[];
};

export const setSupplierItemSchema = strictInput({
  supplierId: idSchema,
  sku: idSchema,
  supplierSku: z.string().min(1).max(200).optional(),
  minimumOrderQuantity: decimalText(positiveQuantitySchema).optional(),
  packMultiple: decimalText(positiveQuantitySchema).optional(),
  leadTimeDays: days.optional(),
  prices: z
    .array(
      strictInput({
        minQuantity: decimalText(positiveQuantitySchema).optional(),
        unitPrice: decimalText(nonNegativeAmountSchema),
        currency: currencySchema.optional(),
        validFrom: localDateSchema.optional(),
        validTo: localDateSchema.optional(),
      }),
    )
    .max(200),
});

/** The supplier, or NOT_FOUND saying how to define it. */
export async function requireSupplier(tx: Transaction, supplierId: string): Promise<Supplier> {
  const doc = await tx.documents.get<Supplier>(SUPPLIERS, supplierId);
  if (!doc) throw new StorekeepError("NOT_FOUND", `Supplier ${supplierId} does not exist; define it with purchasing.defineSupplier first.`, { supplierId });
  return doc.data;
}

/** The supplier's item for a SKU, if it has a price list or terms for it. */
export async function supplierItem(tx: Transaction, supplierId: string, sku: string): Promise<SupplierItem | undefined> {
  return (await tx.documents.get<SupplierItem>(SUPPLIER_ITEMS, `${supplierId}|${sku}`))?.data;
}

/**
 * The supplier's items of several SKUs in one read, by SKU (SKUs without one left out).
 *
 * @example
 * ```ts
 * const items = await supplierItems(tx, "acme", ["MUG", "TEE"]);
 * ```
 */
export async function supplierItems(tx: Transaction, supplierId: string, skus: readonly string[]): Promise<Map<string, SupplierItem>> {
  const prefix = `${supplierId}|`;
  const docs = await tx.documents.getMany<SupplierItem>(SUPPLIER_ITEMS, [...new Set(skus)].map((sku) => `${prefix}${sku}`));
  return new Map(docs.map((d) => [d.id.slice(prefix.length), d.data]));
}
