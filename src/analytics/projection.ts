import type { JsonObject, OutboxEvent, Transaction } from "../ports/storage.js";
import { holdCreates } from "../runner/page-creates.js";
import { lockDocuments } from "../runner/batch-documents.js";
import type { Runtime } from "../runner/runner.js";
import { syncInPages } from "../runner/paged-sync.js";
import { StorekeepError } from "../kernel/errors.js";
import { ANALYTICS_STORE, type FactOptions, applyFactEvent } from "./facts.js";

const CHECKPOINT = "facts";

/**
 * What one sync of the projection did.
 *
 * @example
 * ```ts
 * const r: SyncResult = { processed: 120, position: "00000120" };
 * ```
 */
export interface SyncResult {
  readonly processed: number;
  readonly position: string | null;
}

/**
 * Feeds the analytics projection from the outbox, exactly once: each page of events and
 * the checkpoint after it are written in one transaction, so a crash replays nothing twice
 * and two syncs at once never double a sum (the checkpoint row is locked; the loser
 * re-reads from where the winner stopped). `onProgress` hears each page (done so far; total
 * is unknown until the outbox is drained, so it is `null`).
 *
 * @example
 * ```ts
 * await syncFacts(runtime, { functionalCurrency: "EUR", rates, onTimeDays: 2 });
 * ```
 */
export async function syncFacts(
  runtime: Runtime,
  options: FactOptions,
  limits: { readonly maxEvents?: number; readonly pageSize?: number; readonly onProgress?: (p: { done: number; total: number | null }) => void } = {},
): Promise<SyncResult> {
  return syncInPages(runtime, {
    collection: ANALYTICS_STORE.checkpoints,
    id: CHECKPOINT,
    pageSize: limits.pageSize ?? 500,
    ...(limits.maxEvents === undefined ? {} : { maxEvents: limits.maxEvents }),
    async apply(tx, page) {
      // The page's new projection documents are written together at its end.
      const held = holdCreates(tx, await readPageAhead(tx, page));
      for (const event of page) await applyFactEvent(held.tx, event, options);
      await held.flush();
    },
    ...(limits.onProgress === undefined ? {} : { onProgress: (done: number) => limits.onProgress!({ done, total: null }) }),
  });
}

/**
 * Reads ahead the projection's documents a page of events will look up — its orders, the
 * shipments and returns its stock movements name, and the customers of its new orders, merges
 * and unmerges (locked: the page updates them) — one call per collection. Customers merged
 * into another bring the customer they count under, and an unmerge's target the others merged
 * into it: one more call per level of merges, none on a page whose customers were never
 * merged. On a SQL store the per-event reads after it are then answered from what the
 * transaction keeps, and the customers' updates go in one statement, so a sync makes a few
 * round trips per page rather than several per order or merge.
 * Returns the ids each collection does not hold (the page creates them; see {@link holdCreates}).
 */
async function readPageAhead(tx: Transaction, page: readonly OutboxEvent[]): Promise<Map<string, Set<string>>> {
  const orders = new Set<string>();
  const shipments = new Set<string>();
  const returns = new Set<string>();
  const customers = new Set<string>();
  const unmergeTargets = new Set<string>();
  for (const event of page) {
    const p = event.payload as Record<string, unknown>;
    if (typeof p["orderId"] === "string") orders.add(p["orderId"]);
    if (event.type === "OrderPlaced" && typeof p["customerId"] === "string") customers.add(p["customerId"]);
    if (event.type === "CustomerMerged" || event.type === "CustomerUnmerged") {
      for (const id of [p["sourceId"], p["targetId"]]) if (typeof id === "string") customers.add(id);
      if (event.type === "CustomerUnmerged" && typeof p["targetId"] === "string") unmergeTargets.add(p["targetId"]);
    }
    const source = p["source"] as { type?: unknown; id?: unknown } | undefined;
    if (typeof source?.id === "string") {
      if (source.type === "shipment") shipments.add(source.id);
      else if (source.type === "customer-return") returns.add(source.id);
    }
  }
  const absent = new Map<string, Set<string>>();
  const missing = (collection: string, ids: Set<string>, found: readonly { id: string }[]) => {
    for (const doc of found) ids.delete(doc.id);
    if (ids.size > 0) absent.set(collection, ids);
  };
  if (orders.size > 0) missing(ANALYTICS_STORE.orders, orders, await tx.documents.getMany(ANALYTICS_STORE.orders, [...orders]));
  if (shipments.size > 0) missing(ANALYTICS_STORE.shipments, shipments, await tx.documents.getMany(ANALYTICS_STORE.shipments, [...shipments]));
  if (returns.size > 0) missing(ANALYTICS_STORE.returns, returns, await tx.documents.getMany(ANALYTICS_STORE.returns, [...returns]));
  if (customers.size > 0) {
    const seen = new Set(customers);
    let found = await lockDocuments<{ mergedInto?: string; merged?: string[] }>(tx, ANALYTICS_STORE.customers, [...customers]);
    missing(ANALYTICS_STORE.customers, customers, found);
    // The customers they name: the one each was merged into, an unmerge target's others merged into it; one statement per level of merges.
    for (let level = 0; level < 100; level++) {
      const next = new Set<string>();
      for (const doc of found) {
        const more = [doc.data.mergedInto, ...(unmergeTargets.has(doc.id) ? (doc.data.merged ?? []) : [])];
        for (const id of more) if (typeof id === "string" && !seen.has(id)) next.add(id);
      }
      if (next.size === 0) break;
      for (const id of next) seen.add(id);
      found = await lockDocuments(tx, ANALYTICS_STORE.customers, [...next]);
    }
  }
  return absent;
}

/**
 * What a rebuild of the projection did: the sums and documents it emptied, then the replay.
 *
 * @example
 * ```ts
 * const r: RebuildResult = { clearedKeys: 42, clearedDocuments: 17, processed: 120, position: "00000120" };
 * ```
 */
export interface RebuildResult {
  /** Keys of the facts and per-customer facts families whose daily sums were set back to zero. */
  readonly clearedKeys: number;
  /** Order, customer, shipment and return documents of the projection deleted. */
  readonly clearedDocuments: number;
  /** Events replayed from the start of the outbox. */
  readonly processed: number;
  readonly position: string | null;
}

/** The projection's documents an event may have written, by collection. */
function documentsOf(event: { readonly type: string; readonly payload: unknown }, into: Map<string, Set<string>>): void {
  const p = event.payload as Record<string, unknown>;
  const add = (collection: string, id: unknown) => {
    if (typeof id === "string") into.get(collection)!.add(id);
  };
  if (event.type === "OrderPlaced") {
    add(ANALYTICS_STORE.orders, p["orderId"]);
    add(ANALYTICS_STORE.customers, p["customerId"]);
  } else if (event.type === "ShipmentDispatched") {
    add(ANALYTICS_STORE.shipments, p["shipmentId"]);
  } else if (event.type === "ReturnReceived") {
    add(ANALYTICS_STORE.returns, p["returnId"]);
  } else if (event.type === "CustomerMerged" || event.type === "CustomerUnmerged") {
    // A merge into a customer no order names writes that customer too.
    add(ANALYTICS_STORE.customers, p["sourceId"]);
    add(ANALYTICS_STORE.customers, p["targetId"]);
  }
}

/**
 * Rebuilds the analytics projection from the start of the outbox: empties it — every daily
 * sum of the facts and per-customer facts families set back to zero, the order, customer,
 * shipment and return documents deleted, the checkpoint set to the start — in one
 * transaction, then replays every event through {@link syncFacts}. The emptying is atomic
 * (all or nothing, under the checkpoint's lock, so a sync at the same time waits and then
 * starts again from the beginning); the replay is resumable: if it stops half-way, the next
 * sync (or report) carries on from its checkpoint, exactly once per event. `onProgress`
 * hears `{ done, total }` for each page replayed, `total` being the events in the outbox
 * when the rebuild started (more if events arrive meanwhile).
 *
 * Use it after a fix to how the projection reads events, or when the projection was
 * attached to a shop that already had history. The balance stores keep no deletion, so a
 * rebuilt key keeps zero rows; sums and reports are unaffected.
 *
 * @example
 * ```ts
 * await rebuildFacts(runtime, factOptions, { onProgress: ({ done, total }) => console.log(`${done}/${total}`) });
 * ```
 */
export async function rebuildFacts(
  runtime: Runtime,
  options: FactOptions,
  limits: { readonly pageSize?: number; readonly onProgress?: (p: { done: number; total: number }) => void } = {},
): Promise<RebuildResult> {
  await runtime.ready();
  const pageSize = limits.pageSize ?? 500;
  const documents = new Map<string, Set<string>>([ANALYTICS_STORE.orders, ANALYTICS_STORE.customers, ANALYTICS_STORE.shipments, ANALYTICS_STORE.returns].map((c) => [c, new Set<string>()]));
  const scanned = new Set<string>();
  let cursor: string | null = null;
  const scan = async (): Promise<void> => {
    for (;;) {
      const page = await runtime.store.readEvents(cursor, pageSize);
      if (page.length === 0) return;
      for (const event of page) {
        documentsOf(event, documents);
        scanned.add(event.position);
      }
      cursor = page[page.length - 1]!.position;
    }
  };
  await scan();
  let cleared: { keys: number; documents: number } | undefined;
  // The checkpoint may move past what was scanned while scanning (a sync at the same time): scan on and try again.
  for (let attempt = 0; cleared === undefined; attempt++) {
    if (attempt > 0) await scan();
    if (attempt > 20) throw new StorekeepError("CONCURRENCY_CONFLICT", "analytics.rebuild: the projection kept moving past the outbox read; try again when fewer syncs run at once.", {});
    cleared = await runtime.read(async (tx) => {
      const checkpoint = await tx.documents.getForUpdate<{ position: string | null }>(ANALYTICS_STORE.checkpoints, CHECKPOINT);
      const at = checkpoint?.data.position ?? null;
      if (at !== null && !scanned.has(at)) return undefined;
      let keys = 0;
      for (const family of [ANALYTICS_STORE.facts, ANALYTICS_STORE.customerFacts]) {
        for (const key of (await tx.balances.sumByKey(family)).keys()) {
          const deltas = [];
          for (const row of await tx.balances.buckets(family, key)) {
            const amounts = Object.fromEntries(Object.entries(row.amounts).filter(([, v]) => !v.isZero()).map(([f, v]) => [f, v.negated()]));
            if (Object.keys(amounts).length > 0) deltas.push({ key, bucket: row.bucket, amounts });
          }
          if (deltas.length > 0) {
            await tx.balances.add(family, deltas);
            keys++;
          }
        }
      }
      let deleted = 0;
      for (const [collection, ids] of documents) {
        for (const id of ids) {
          const doc = await tx.documents.getForUpdate(collection, id);
          if (doc === undefined) continue;
          await tx.documents.delete(collection, id, doc.version);
          deleted++;
        }
      }
      if (checkpoint !== undefined) await tx.documents.put(ANALYTICS_STORE.checkpoints, CHECKPOINT, { position: null } as JsonObject, checkpoint.version);
      return { keys, documents: deleted };
    });
  }
  const total = scanned.size;
  limits.onProgress?.({ done: 0, total });
  const replay = await syncFacts(runtime, options, {
    pageSize,
    ...(limits.onProgress === undefined ? {} : { onProgress: ({ done }: { done: number }) => limits.onProgress!({ done, total: Math.max(total, done) }) }),
  });
  return { clearedKeys: cleared.keys, clearedDocuments: cleared.documents, processed: replay.processed, position: replay.position };
}
