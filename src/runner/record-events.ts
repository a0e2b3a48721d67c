import { z } from "zod";
import { BOUNDS } from "../kernel/bounds.js";
import { localDateSchema } from "../kernel/local-date.js";
import type { JsonObject } from "../ports/storage.js";
import { defineCommand } from "./command.js";
import { defineLibraryCommand } from "./library.js";

const eventInputSchema = z.object({
  type: z.string().min(1).max(100),
  schemaVersion: z.number().int().min(1).optional(),
  aggregateType: z.string().min(1).max(100),
  aggregateId: z.string().min(1).max(200),
  aggregateVersion: z.number().int().min(0).optional(),
  effectiveDate: localDateSchema,
  payload: z.record(z.string(), z.unknown()),
});

/**
 * A command that records business events the host produced elsewhere (an order paid in
 * the shop front, a bill keyed in by hand), so that reactions — stock movements,
 * postings — run on them atomically, as if a storekeep module had emitted them. Each payload
 * is validated against the event catalog.
 *
 * @example
 * ```ts
 * await sk.run(recordEvents, { events: [{ type: "PaymentCaptured", aggregateType: "order", aggregateId: "ord_1", effectiveDate: "2026-11-27", payload }] }, { idempotencyKey: "psp-evt-991" });
 * ```
 */
export const recordEvents = defineCommand({
  name: "events.record",
  input: z.object({ events: z.array(eventInputSchema).min(1).max(BOUNDS.lines) }),
  async handle(_ctx, input) {
    return {
      result: { recorded: input.events.length },
      events: input.events.map((e) => ({
        type: e.type,
        aggregateType: e.aggregateType,
        aggregateId: e.aggregateId,
        effectiveDate: e.effectiveDate,
        payload: e.payload as JsonObject,
        ...(e.schemaVersion === undefined ? {} : { schemaVersion: e.schemaVersion }),
        ...(e.aggregateVersion === undefined ? {} : { aggregateVersion: e.aggregateVersion }),
      })),
    };
  },
});

/**
 * The same command for `sk.recordEvents`, which has parsed every payload with the runtime's
 * own catalog (normalised and upcast) before running it: the runner need not parse the
 * events it emits a second time. Its input and name are those of {@link recordEvents}, so
 * an idempotency key used with either means the same command. Not exported from the
 * package: `sk.run(recordEvents, ...)` parses each event as any host command's.
 *
 * @example
 * ```ts
 * await runtime.execute(recordParsedEvents, { events: normalised }, options);
 * ```
 */
export const recordParsedEvents = defineLibraryCommand({ ...recordEvents });
