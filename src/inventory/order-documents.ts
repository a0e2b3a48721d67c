import type { JsonObject, StoredDocument, Transaction } from "../ports/storage.js";

/** The most documents one read of an order takes; an order with more is read per SKU. */
const ORDER_PAGE = 10_000;

/**
 * An order's documents in a collection indexed `byOrder` (`orderId`, `sku`) — its holds, its
 * movement index — by SKU, from one index read for every line of a command instead of one per
 * line. Undefined when the order has more than one read takes: the caller then reads SKU by SKU.
 *
 * @example
 * ```ts
 * const bySku = await orderDocumentsBySku<Reservation>(ctx.tx, RESERVATIONS, "ord_1");
 * ```
 */
export async function orderDocumentsBySku<T extends JsonObject & { readonly sku: string }>(tx: Transaction, collection: string, orderId: string): Promise<Map<string, StoredDocument<T>[]> | undefined> {
  const all = await tx.documents.find<T>(collection, { index: "byOrder", equals: [orderId], limit: ORDER_PAGE });
  if (all.length >= ORDER_PAGE) return undefined;
  const bySku = new Map<string, StoredDocument<T>[]>();
  for (const d of all) {
    const list = bySku.get(d.data.sku);
    if (list === undefined) bySku.set(d.data.sku, [d]);
    else list.push(d);
  }
  return bySku;
}
