/*
 * Which payload field names the business document an event records. A document takes
 * effect once: the runner claims `type:documentId` in the event's transaction, so the same
 * document recorded again is a replay (same content) or DUPLICATE_DOCUMENT (other content),
 * whatever the idempotency key.
 */

/**
 * The document id field of each document event of the catalog. Inventory's own stock events
 * are not listed: their movement ids are minted by storekeep, never by the host.
 *
 * @example
 * ```ts
 * DOCUMENT_ID_FIELDS.ShipmentDispatched; // "shipmentId"
 * ```
 */
export const DOCUMENT_ID_FIELDS: Readonly<Record<string, string>> = Object.freeze({
  OrderPlaced: "orderId",
  PaymentAuthorized: "paymentId",
  PaymentCaptured: "paymentId",
  ShipmentDispatched: "shipmentId",
  OrderInvoiced: "invoiceId",
  RefundIssued: "refundId",
  CreditNoteIssued: "creditNoteId",
  ReturnReceived: "returnId",
  PayoutSettled: "payoutId",
  GoodsReceived: "receiptId",
  SupplierBillRecorded: "billId",
  SupplierPaid: "paymentId",
  SupplierReturned: "returnId",
  LandedCostRecorded: "landedCostId",
});

/**
 * The document id an event records, or undefined for an event that is not a document.
 *
 * @example
 * ```ts
 * documentIdOf("OrderInvoiced", { invoiceId: "inv_1" }); // "inv_1"
 * ```
 */
export function documentIdOf(type: string, payload: unknown): string | undefined {
  const field = Object.hasOwn(DOCUMENT_ID_FIELDS, type) ? DOCUMENT_ID_FIELDS[type] : undefined;
  if (field === undefined || typeof payload !== "object" || payload === null) return undefined;
  const id = (payload as Record<string, unknown>)[field];
  return typeof id === "string" ? id : undefined;
}
