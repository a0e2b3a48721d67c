import type { JsonObject, StoredDocument, Transaction } from "../ports/storage.js";

/*
 * Batched document calls for commands that write or lock a document per line: the store's
 * one-statement form when it has one (`insertMany`, `getManyForUpdate`), else a loop over
 * the one-document calls with the same effect. On a SQL store a 10-line shipment then makes
 * one round trip where it made ten.
 */

function byId(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Writes new documents (version 1 each), all or nothing: a taken id is
 * `CONCURRENCY_CONFLICT` (the command fails whole, so a loop's partial writes are undone
 * with it).
 *
 * @example
 * ```ts
 * await insertDocuments(ctx.tx, "inventory.reservations", holds.map((h) => ({ id: h.reservationId, data: h })));
 * ```
 */
export async function insertDocuments(tx: Transaction, collection: string, documents: readonly { readonly id: string; readonly data: JsonObject }[]): Promise<void> {
  if (documents.length === 0) return;
  if (documents.length > 1 && tx.documents.insertMany !== undefined) {
    await tx.documents.insertMany(collection, documents);
    return;
  }
  for (const doc of documents) await tx.documents.put(collection, doc.id, doc.data, 0);
}

/**
 * The documents of `ids` locked for update, in ascending id order (the locks taken in that
 * order, so concurrent commands never deadlock); missing ones are left out.
 *
 * @example
 * ```ts
 * const states = await lockDocuments(ctx.tx, "inventory.cost-states", skus);
 * ```
 */
export async function lockDocuments<T extends JsonObject = JsonObject>(tx: Transaction, collection: string, ids: readonly string[]): Promise<StoredDocument<T>[]> {
  const sorted = [...new Set(ids)].sort(byId);
  if (sorted.length > 1 && tx.documents.getManyForUpdate !== undefined) return tx.documents.getManyForUpdate<T>(collection, sorted);
  const out: StoredDocument<T>[] = [];
  for (const id of sorted) {
    const doc = await tx.documents.getForUpdate<T>(collection, id);
    if (doc !== undefined) out.push(doc);
  }
  return out;
}
