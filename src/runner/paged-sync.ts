import type { JsonObject, PositionedEvent, Transaction } from "../ports/storage.js";
import type { Runtime } from "./runner.js";

/**
 * How a read model follows the outbox a page at a time (see {@link syncInPages}).
 *
 * @example
 * ```ts
 * const how: PagedSync = { collection: "analytics.checkpoints", id: "facts", pageSize: 500, apply: async (tx, page) => {} };
 * ```
 */
export interface PagedSync {
  /** Where the checkpoint (`{ position }`) is kept. */
  readonly collection: string;
  readonly id: string;
  readonly pageSize: number;
  readonly maxEvents?: number;
  /** Applies a page of events inside the page's transaction. */
  apply(tx: Transaction, page: readonly PositionedEvent[]): Promise<void>;
  /** Hears the events processed so far after each page. */
  onProgress?(processed: number): void;
  /**
   * A page whose transaction failed (nothing of it was kept): what was done instead, from the
   * checkpoint before it. Without it the failure is thrown.
   */
  onPageFailed?(page: readonly PositionedEvent[], error: unknown): Promise<{ readonly processed: number; readonly position: string | null }>;
}

/**
 * Follows the outbox a page at a time: each page's events and the checkpoint after them are
 * written in one transaction, so every event counts exactly once, even after a crash or with
 * two syncs at once (the checkpoint row is locked; the loser carries on from where the winner
 * stopped).
 *
 * @example
 * ```ts
 * const { processed } = await syncInPages(runtime, { collection: "analytics.checkpoints", id: "facts", pageSize: 500, apply });
 * ```
 */
export async function syncInPages(runtime: Runtime, how: PagedSync): Promise<{ processed: number; position: string | null }> {
  await runtime.ready();
  const maxEvents = how.maxEvents ?? Number.MAX_SAFE_INTEGER;
  let processed = 0;
  let position = (await runtime.read((tx) => tx.documents.get<{ position: string | null }>(how.collection, how.id)))?.data.position ?? null;
  while (processed < maxEvents) {
    const page = await runtime.store.readEvents(position, Math.min(how.pageSize, maxEvents - processed));
    if (page.length === 0) break;
    const from = position;
    let outcome: { raced: boolean; position: string | null };
    try {
      outcome = await runtime.read(async (tx) => {
        const doc = await tx.documents.getForUpdate<{ position: string | null }>(how.collection, how.id);
        const current = doc?.data.position ?? null;
        if (current !== from) return { raced: true, position: current };
        await how.apply(tx, page);
        const last = page[page.length - 1]!.position;
        await tx.documents.put(how.collection, how.id, { position: last } as JsonObject, doc?.version ?? 0);
        return { raced: false, position: last };
      });
    } catch (error) {
      if (how.onPageFailed === undefined) throw error;
      const instead = await how.onPageFailed(page, error);
      processed += instead.processed;
      position = instead.position;
      how.onProgress?.(processed);
      continue;
    }
    position = outcome.position;
    if (!outcome.raced) {
      processed += page.length;
      how.onProgress?.(processed);
    }
  }
  return { processed, position };
}
