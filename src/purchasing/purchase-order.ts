/**
 * The purchase order document, its per-line quantity buckets and its input schemas.
 */
import { z } from "zod";
import { nonNegativeAmountSchema, positiveQuantitySchema } from "../kernel/bounds.js";
import { canonicalDecimal } from "../kernel/decimal.js";
import { StorekeepError } from "../kernel/errors.js";
import { localDateSchema } from "../kernel/local-date.js";
import type { Transaction } from "../ports/storage.js";
import { ORDERS, idSchema } from "./supplier.js";
import type { PurchaseOrderStatus } from "./transitions.js";
import { strictInput } from "../kernel/strict-input.js";

/**
 * What one receipt brought of an order line: GRNI holds `value` (functional) for it until
 * bills clear it; `billedQuantity` and `clearedValue` say how much a bill has matched, or a
 * return to the supplier before any bill took back (GRNI reversed).
 *
 * @example
 * ```ts
 * const s: ReceiptSlice = { receiptId: "grn_1", date: "2026-03-10", quantity: "60", value: "150", billedQuantity: "0", clearedValue: "0" };
 * ```
 */
export type ReceiptSlice = {
  readonly receiptId: string;
  readonly date: string;
  readonly quantity: string;
  readonly value: string;
  readonly billedQuantity: string;
  readonly clearedValue: string;
  /** The order's unit price the receipt was valued at (transaction currency); absent on slices stored before it (the line's price then). */
  readonly unitPrice?: string;
  /** Units of this receipt sent back to the supplier before they were billed (absent: none). */
  readonly returnedQuantity?: string;
  /** Units of this receipt that bills posted before it arrived had billed (absent: none, or stored before it). */
  readonly billedAhead?: string;
  /**
   * Of `billedAhead`, how many each bill posted ahead had billed (the line's bills ahead are
   * taken first in, first out). Absent when none, or when the line's bills ahead were not told
   * apart (stored before it): then `billedAhead` alone.
   */
  readonly billedAheadBy?: readonly { readonly billId: string; readonly quantity: string }[];
  /** The lot the receipt line brought in (absent: none, or stored before it): a return naming the lot takes these units. */
  readonly lot?: string;
  /**
   * Billed units of this receipt sent back against a debit note that named its lot (absent:
   * none). A debit note naming no lot is laid on the line's receipts first in, first out.
   */
  readonly returnedBilled?: string;
  /**
   * Net billed for this receipt's units by bills posted after it came in (transaction
   * currency), and the net of the debit notes of a named lot laid on it (`returnedNet`): a
   * debit note for a named lot is priced at what its receipts were billed. Absent on a receipt
   * billed before they were kept (a debit note of its lot then takes the line's average).
   */
  readonly billedNet?: string;
  readonly returnedNet?: string;
};

/**
 * An order line with its buckets: `received`, `billed`, `returned` (to the supplier).
 * `ahead` is what bills posted before the goods arrived (quantity, functional value): the
 * next receipts take it first, so GRNI reverses on receipt.
 *
 * @example
 * ```ts
 * const line: PurchaseOrderLine = order.lines[0]!;
 * line.received; // "60"
 * ```
 */
export type PurchaseOrderLine = {
  readonly lineId: string;
  readonly sku: string;
  readonly quantity: string;
  readonly unitPrice: string;
  readonly taxCategory: string;
  readonly net: string;
  readonly tax: string;
  readonly gross: string;
  readonly expectedDate: string;
  readonly received: string;
  readonly billed: string;
  readonly returned: string;
  /** Received units returned to the supplier before they were billed (GRNI reversed; no later bill is expected for them). Absent on lines stored before it: 0. */
  readonly returnedUnbilled?: string;
  /** Net billed so far (transaction currency), for the price of a return. */
  readonly billedNet: string;
  /** Net of the debit notes of returns so far (transaction currency). */
  readonly returnedNet: string;
  readonly lastBillId: string | null;
  readonly receipts: readonly ReceiptSlice[];
  readonly ahead: {
    readonly quantity: string;
    readonly value: string;
    /**
     * Each bill posted ahead of the goods, oldest first: the units it billed ahead (`billed`)
     * and how many of them are still awaited (`awaited`; receipts take the oldest bill's
     * first). Absent when no bill went ahead since the line last awaited none, or on a line
     * stored before it.
     */
    readonly bills?: readonly { readonly billId: string; readonly billed: string; readonly awaited: string }[];
  };
};

/**
 * A change of state, as recorded on the order.
 *
 * @example
 * ```ts
 * const h: PurchaseOrderHistoryEntry = { at: "2026-03-02T10:00:00.000Z", action: "approve", from: "draft", to: "approved", by: "ann" };
 * ```
 */
export type PurchaseOrderHistoryEntry = { readonly at: string; readonly action: string; readonly from: PurchaseOrderStatus | null; readonly to: PurchaseOrderStatus; readonly by: string | null };

/**
 * A purchase order as stored (and returned by `sk.purchasing.order`).
 *
 * @example
 * ```ts
 * const po: PurchaseOrder = (await sk.purchasing.order("po_1"))!;
 * po.status; // "approved"
 * ```
 */
export type PurchaseOrder = {
  readonly purchaseOrderId: string;
  /** The gapless number from finance's numbering (`PO2026-000001`), drawn when the order is created; null without numbering (and on orders stored before it). */
  readonly number?: string | null;
  readonly supplierId: string;
  readonly warehouseId: string;
  readonly currency: string;
  readonly status: PurchaseOrderStatus;
  readonly orderDate: string;
  readonly sentDate: string | null;
  readonly expectedDate: string;
  readonly revision: number;
  /** Whether the order's functional net exceeds the approval limit, and who approved which revision. */
  readonly approval: { readonly required: boolean; readonly approvedBy: string | null; readonly approvedAt: string | null; readonly revision: number | null };
  readonly lines: readonly PurchaseOrderLine[];
  readonly net: string;
  readonly tax: string;
  readonly gross: string;
  /** The net in the functional currency at the order date's rate (for the approval limit). */
  readonly functionalNet: string | null;
  readonly history: readonly PurchaseOrderHistoryEntry[];
};

const decimalText = <S extends z.ZodType>(schema: S) => schema.transform((d) => canonicalDecimal(d as never));

export const orderLineInputSchema = strictInput({
  lineId: idSchema.optional(),
  sku: idSchema,
  quantity: decimalText(positiveQuantitySchema),
  /** Leave out to price from the supplier's price list (the break that applies). */
  unitPrice: decimalText(nonNegativeAmountSchema).optional(),
  taxCategory: z.string().min(1).max(100).optional(),
  /** Leave out for the order date plus the lead time. */
  expectedDate: localDateSchema.optional(),
});

export const createOrderSchema = strictInput({
  purchaseOrderId: idSchema.optional(),
  supplierId: idSchema,
  warehouseId: idSchema,
  orderDate: localDateSchema.optional(),
  lines: z.array(orderLineInputSchema).min(1).max(1000),
});

export const changeOrderSchema = strictInput({
  purchaseOrderId: idSchema,
  warehouseId: idSchema.optional(),
  lines: z.array(orderLineInputSchema).min(1).max(1000),
});

/** The order locked for update, or NOT_FOUND. */
export async function loadOrder(tx: Transaction, purchaseOrderId: string): Promise<{ order: PurchaseOrder; version: number }> {
  const doc = await tx.documents.getForUpdate<PurchaseOrder>(ORDERS, purchaseOrderId);
  if (!doc) throw new StorekeepError("NOT_FOUND", `Purchase order ${purchaseOrderId} does not exist; create it with purchasing.createOrder.`, { purchaseOrderId });
  return { order: doc.data, version: doc.version };
}
