import { z } from "zod";
import { type LocalDate, localDateSchema } from "../local-date.js";
import { instantString } from "./fields.js";

/**
 * A JSON value as events carry it (the kernel's twin of the storage contract's `Json`).
 *
 * @example
 * ```ts
 * const v: EventJson = { amount: "1.5", currency: "EUR" };
 * ```
 */
export type EventJson = null | boolean | number | string | readonly EventJson[] | { readonly [key: string]: EventJson };

/**
 * A JSON object: the shape of every event payload.
 *
 * @example
 * ```ts
 * const payload: EventJsonObject = { orderId: "ord_1" };
 * ```
 */
export type EventJsonObject = { readonly [key: string]: EventJson };

/**
 * The envelope every event travels in: what happened (`type`, `payload` at
 * `schemaVersion`), to which aggregate (`aggregateType`, `aggregateId`, the aggregate's
 * version after the change), when (`effectiveDate`, the business date it counts for;
 * `occurredAt`, the instant it was recorded, ISO-8601 UTC), and why (`causationId`: the
 * event that caused it, `null` for a command's own events; `correlationId`: the command
 * that started the chain; `idempotencyKey` of that command when it had one).
 *
 * JSON-safe (strings, numbers, booleans only) and structurally identical to the storage
 * contract's `OutboxEvent`, so an envelope is appended to the outbox as it is.
 *
 * @example
 * ```ts
 * const event: EventEnvelope<"ReservationReleased"> = {
 *   id: "evt_1", type: "ReservationReleased", schemaVersion: 1,
 *   aggregateType: "reservation", aggregateId: "res_1", aggregateVersion: 2,
 *   effectiveDate: "2026-11-27" as LocalDate, occurredAt: "2026-11-27T10:15:00.000Z",
 *   causationId: null, correlationId: "cmd_1",
 *   payload: { reservationId: "res_1", sku: "MUG-RED", warehouseId: "wh_main", quantity: "2", reason: "expired" },
 * };
 * ```
 */
export interface EventEnvelope<TType extends string = string, TPayload = EventJsonObject> {
  readonly id: string;
  readonly type: TType;
  readonly schemaVersion: number;
  readonly aggregateType: string;
  readonly aggregateId: string;
  readonly aggregateVersion: number;
  readonly effectiveDate: LocalDate;
  readonly occurredAt: string;
  readonly causationId: string | null;
  readonly correlationId: string;
  readonly idempotencyKey?: string;
  readonly payload: TPayload;
}

/**
 * The most schema versions an event type may have.
 *
 * @example
 * ```ts
 * MAX_SCHEMA_VERSION; // 1000
 * ```
 */
export const MAX_SCHEMA_VERSION = 1000;

const EVENT_TYPE = /^(?:[a-z][a-z0-9-]{0,31}[.:])?[A-Z][A-Za-z0-9]{0,63}$/;

/**
 * An event type name: PascalCase (`"OrderPlaced"`), optionally namespaced for a host's own
 * events (`"acme.GiftWrapped"`, `"acme:GiftWrapped"`).
 *
 * @example
 * ```ts
 * eventTypeSchema.parse("StockIssued");
 * ```
 */
export const eventTypeSchema = z.string().regex(EVENT_TYPE, { message: "must be an event type name like \"OrderPlaced\" or \"acme.GiftWrapped\"" });

const envelopeText = (what: string) => z.string().min(1, { message: `${what} must not be empty` }).max(256, { message: `${what} allows at most 256 characters` });

/**
 * The schema of an envelope; the payload is checked only to be a JSON object here (its
 * own schema, after upcasting, is the catalog's business).
 *
 * @example
 * ```ts
 * eventEnvelopeSchema.parse({ id: "evt_1", type: "OrderPlaced", schemaVersion: 1, aggregateType: "order",
 *   aggregateId: "ord_1", aggregateVersion: 1, effectiveDate: "2026-11-27", occurredAt: "2026-11-27T10:00:00.000Z",
 *   causationId: null, correlationId: "cmd_1", payload: {} });
 * ```
 */
export const eventEnvelopeSchema = z.object({
  id: envelopeText("id"),
  type: eventTypeSchema,
  schemaVersion: z.number().int().min(1).max(MAX_SCHEMA_VERSION),
  aggregateType: envelopeText("aggregateType"),
  aggregateId: envelopeText("aggregateId"),
  aggregateVersion: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  effectiveDate: localDateSchema,
  occurredAt: instantString,
  causationId: envelopeText("causationId").nullable(),
  correlationId: envelopeText("correlationId"),
  idempotencyKey: envelopeText("idempotencyKey").exactOptional(),
  payload: z.record(z.string(), z.unknown()),
});
