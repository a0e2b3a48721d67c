import { StorekeepError } from "../kernel/errors.js";
import type { DocumentStore, IndexQuery, JsonObject, StoredDocument, Transaction } from "../ports/storage.js";
import { insertDocuments } from "./batch-documents.js";

/*
 * A page of a read model's sync creates documents its later events read back (an order's
 * projection, which the order's shipment then updates). Each create alone is a round trip on
 * a SQL store. Where the page read ahead which ids are absent, and nothing but the page's
 * transaction writes them (the sync holds its checkpoint locked), those creates can wait in
 * the page: reads of them are answered here, and they go to the store together when the
 * page ends, in one insert per collection.
 */

interface Held {
  data: JsonObject;
  version: number;
}

/**
 * The page's transaction with creates of ids known to be absent held back, and `flush` to
 * write them (one insert per collection; call it before the page's transaction ends). A
 * create of another id, and every other call, goes to the store as before; an index read
 * (`find`) of a collection with held creates writes them first.
 *
 * @example
 * ```ts
 * const page = holdCreates(tx, new Map([["analytics.orders", new Set(["ord_1"])]]));
 * await page.tx.documents.put("analytics.orders", "ord_1", { placedOn: "2026-03-02" }, 0); // held
 * await page.flush(); // one insert
 * ```
 */
export function holdCreates(tx: Transaction, absent: ReadonlyMap<string, ReadonlySet<string>>): { tx: Transaction; flush(): Promise<void> } {
  const held = new Map<string, Map<string, Held>>();
  const known = new Map<string, Set<string>>([...absent].map(([collection, ids]) => [collection, new Set(ids)]));
  const base = tx.documents;
  const heldOf = (collection: string, id: string): Held | undefined => held.get(collection)?.get(id);
  const asStored = <T extends JsonObject>(id: string, h: Held): StoredDocument<T> => ({ id, version: h.version, data: h.data as T });
  const conflict = (collection: string, id: string, expected: number, actual: number) =>
    new StorekeepError("CONCURRENCY_CONFLICT", `Document ${collection}/${id} is at version ${actual === 0 ? "none (missing)" : actual}, not ${expected}: it changed since it was read; read it again and retry.`, {
      collection,
      id,
      expectedVersion: expected,
      actualVersion: actual,
    });

  async function flushCollection(collection: string): Promise<void> {
    const docs = held.get(collection);
    if (docs === undefined || docs.size === 0) return;
    held.delete(collection);
    await insertDocuments(tx, collection, [...docs].map(([id, h]) => ({ id, data: h.data })));
  }

  async function many<T extends JsonObject>(collection: string, ids: readonly string[], read: (rest: string[]) => Promise<StoredDocument<T>[]>, sorted: boolean): Promise<StoredDocument<T>[]> {
    const docs = held.get(collection);
    if (docs === undefined || docs.size === 0) return read([...ids]);
    const rest = ids.filter((id) => !docs.has(id));
    const found = new Map((await read(rest)).map((d) => [d.id, d]));
    const unique = [...new Set(ids)];
    if (sorted) unique.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const out: StoredDocument<T>[] = [];
    for (const id of unique) {
      const h = docs.get(id);
      const doc = h === undefined ? found.get(id) : asStored<T>(id, h);
      if (doc !== undefined) out.push(doc);
    }
    return out;
  }

  const documents: DocumentStore = {
    get: async <T extends JsonObject>(collection: string, id: string) => {
      const h = heldOf(collection, id);
      return h === undefined ? base.get<T>(collection, id) : asStored<T>(id, h);
    },
    getForUpdate: async <T extends JsonObject>(collection: string, id: string) => {
      const h = heldOf(collection, id);
      return h === undefined ? base.getForUpdate<T>(collection, id) : asStored<T>(id, h);
    },
    ...(base.getForShare === undefined
      ? {}
      : {
          getForShare: async <T extends JsonObject>(collection: string, id: string) => {
            const h = heldOf(collection, id);
            return h === undefined ? base.getForShare!<T>(collection, id) : asStored<T>(id, h);
          },
        }),
    getMany: <T extends JsonObject>(collection: string, ids: readonly string[]) => many<T>(collection, ids, (rest) => base.getMany<T>(collection, rest), false),
    ...(base.getManyForUpdate === undefined ? {} : { getManyForUpdate: <T extends JsonObject>(collection: string, ids: readonly string[]) => many<T>(collection, ids, (rest) => base.getManyForUpdate!<T>(collection, rest), true) }),
    async put(collection, id, data, expectedVersion) {
      const h = heldOf(collection, id);
      if (h !== undefined) {
        if (expectedVersion !== h.version) throw conflict(collection, id, expectedVersion, h.version);
        h.data = data;
        h.version++;
        return h.version;
      }
      const ids = known.get(collection);
      if (expectedVersion === 0 && ids?.has(id) === true) {
        ids.delete(id);
        let docs = held.get(collection);
        if (docs === undefined) held.set(collection, (docs = new Map()));
        docs.set(id, { data, version: 1 });
        return 1;
      }
      return base.put(collection, id, data, expectedVersion);
    },
    ...(base.insertMany === undefined
      ? {}
      : {
          async insertMany(collection: string, docs: readonly { readonly id: string; readonly data: JsonObject }[]) {
            for (const d of docs) {
              const h = heldOf(collection, d.id);
              if (h !== undefined) throw conflict(collection, d.id, 0, h.version);
            }
            await base.insertMany!(collection, docs);
          },
        }),
    async delete(collection, id, expectedVersion) {
      const h = heldOf(collection, id);
      if (h === undefined) return base.delete(collection, id, expectedVersion);
      if (expectedVersion !== h.version) throw conflict(collection, id, expectedVersion, h.version);
      held.get(collection)!.delete(id);
      known.get(collection)?.add(id);
    },
    async find<T extends JsonObject>(collection: string, query: IndexQuery): Promise<StoredDocument<T>[]> {
      await flushCollection(collection);
      return base.find<T>(collection, query);
    },
  };
  const page: Transaction = Object.create(tx, { documents: { value: documents, enumerable: true } }) as Transaction;
  return {
    tx: page,
    async flush() {
      for (const collection of [...held.keys()]) await flushCollection(collection);
    },
  };
}
