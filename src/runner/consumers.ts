import { hardenApi } from "../kernel/boundary.js";
import { CONSUMER_SHAPES, EVENTS_SHAPES } from "./api-shapes.js";
import { StorekeepError } from "../kernel/errors.js";
import type { PositionedEvent } from "../ports/storage.js";
import type { Runtime } from "./runner.js";

/**
 * An after-commit consumer: CRM timelines, analytics projections, the host's webhooks.
 * Delivery is at least once; a consumer must tolerate seeing an event again.
 *
 * @example
 * ```ts
 * sk.events.consumer("webhooks", async (event) => { await postWebhook(event); });
 * ```
 */
export type EventHandler = (event: PositionedEvent) => Promise<void> | void;

/**
 * What one consumer run did.
 *
 * @example
 * ```ts
 * const { processed, error } = await consumer.runOnce();
 * ```
 */
export interface ConsumerRun {
  readonly name: string;
  readonly processed: number;
  /** The position the durable checkpoint now holds (`null`: nothing processed yet). */
  readonly position: string | null;
  /** The failure that stopped the run; the checkpoint stays before the failing event. */
  readonly error?: unknown;
}

/**
 * A named consumer with a durable checkpoint in the store.
 *
 * @example
 * ```ts
 * const c = sk.events.consumer("crm", handle);
 * await c.runOnce();
 * ```
 */
export interface Consumer {
  readonly name: string;
  /** Processes committed events after the checkpoint, up to `maxEvents`; never throws for a handler failure. */
  runOnce(maxEvents?: number): Promise<ConsumerRun>;
  /** The checkpoint position (`null` before the first event). */
  position(): Promise<string | null>;
}

/**
 * The after-commit side of the outbox: read events since a cursor, run named consumers.
 *
 * @example
 * ```ts
 * const page = await sk.events.read(null, 100);
 * ```
 */
export interface EventsApi {
  /** Committed events after `cursor` (null: from the start), in the store's global order. */
  read(cursor: string | null, limit?: number): Promise<PositionedEvent[]>;
  /** Registers (or returns) a named consumer. */
  consumer(name: string, handler: EventHandler, options?: { batchSize?: number }): Consumer;
  /** Runs every registered consumer once; failures are reported, never thrown. */
  runConsumers(maxEvents?: number): Promise<ConsumerRun[]>;
}

/** The collection of the consumers' durable checkpoints (`{ position }` by consumer name). */
export const CHECKPOINTS = "storekeep.checkpoints";

/**
 * Builds the events API on a runtime.
 *
 * @example
 * ```ts
 * const events = createEventsApi(runtime);
 * ```
 */
export function createEventsApi(runtime: Runtime): EventsApi {
  const consumers = new Map<string, Consumer>();

  async function read(cursor: string | null, limit = 100): Promise<PositionedEvent[]> {
    if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) {
      throw new StorekeepError("VALIDATION_FAILED", "limit must be an integer from 1 to 10,000.", { issues: [{ path: "limit", message: "1..10000", code: "custom" }] });
    }
    await runtime.ready();
    return runtime.store.readEvents(cursor, limit);
  }

  function consumer(name: string, handler: EventHandler, options: { batchSize?: number } = {}): Consumer {
    if (!/^[A-Za-z0-9._:-]{1,100}$/.test(name)) {
      throw new StorekeepError("VALIDATION_FAILED", `Consumer name "${name.slice(0, 40)}" must be 1-100 letters, digits or ._:-`, { issues: [{ path: "name", message: "bad name", code: "custom" }] });
    }
    const existing = consumers.get(name);
    if (existing) return existing;
    const batchSize = options.batchSize ?? 100;

    const position = async (): Promise<string | null> => {
      const doc = await runtime.read((tx) => tx.documents.get<{ position: string | null }>(CHECKPOINTS, name));
      return doc?.data.position ?? null;
    };
    const save = async (value: string): Promise<void> => {
      await runtime.read(async (tx) => {
        const doc = await tx.documents.getForUpdate(CHECKPOINTS, name);
        await tx.documents.put(CHECKPOINTS, name, { position: value }, doc?.version ?? 0);
      });
    };

    const created: Consumer = {
      name,
      position,
      async runOnce(maxEvents = 10_000) {
        let cursor = await position();
        let processed = 0;
        while (processed < maxEvents) {
          const page = await read(cursor, Math.min(batchSize, maxEvents - processed));
          if (page.length === 0) break;
          for (const event of page) {
            try {
              await handler(event);
            } catch (error) {
              if (cursor !== null) await save(cursor);
              return { name, processed, position: cursor, error };
            }
            cursor = event.position;
            processed++;
          }
          if (cursor !== null) await save(cursor);
        }
        return { name, processed, position: cursor };
      },
    };
    consumers.set(name, created);
    return created;
  }

  const api: EventsApi = {
    read,
    consumer: (name, handler, consumerOptions) => hardenApi(consumer(name, handler, consumerOptions), "consumer", CONSUMER_SHAPES),
    async runConsumers(maxEvents) {
      const runs: ConsumerRun[] = [];
      for (const c of consumers.values()) runs.push(await c.runOnce(maxEvents));
      return runs;
    },
  };
  return hardenApi(api, "events", EVENTS_SHAPES);
}
