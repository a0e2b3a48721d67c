import type { JsonObject } from "../ports/storage.js";
import type { Runtime } from "../runner/runner.js";
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
  await runtime.ready();
  const maxEvents = limits.maxEvents ?? Number.MAX_SAFE_INTEGER;
  const pageSize = limits.pageSize ?? 500;
  let processed = 0;
  let position = (await runtime.read((tx) => tx.documents.get<{ position: string | null }>(ANALYTICS_STORE.checkpoints, CHECKPOINT)))?.data.position ?? null;
  while (processed < maxEvents) {
    const page = await runtime.store.readEvents(position, Math.min(pageSize, maxEvents - processed));
    if (page.length === 0) break;
    const from = position;
    const outcome = await runtime.read(async (tx) => {
      const doc = await tx.documents.getForUpdate<{ position: string | null }>(ANALYTICS_STORE.checkpoints, CHECKPOINT);
      const current = doc?.data.position ?? null;
      if (current !== from) return { raced: true as const, position: current };
      for (const event of page) await applyFactEvent(tx, event, options);
      const last = page[page.length - 1]!.position;
      await tx.documents.put(ANALYTICS_STORE.checkpoints, CHECKPOINT, { position: last } as JsonObject, doc?.version ?? 0);
      return { raced: false as const, position: last };
    });
    position = outcome.position;
    if (!outcome.raced) {
      processed += page.length;
      limits.onProgress?.({ done: processed, total: null });
    }
  }
  return { processed, position };
}
