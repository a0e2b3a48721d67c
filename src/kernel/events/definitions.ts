import { createEventCatalog, defineEvent, type CatalogEvent, type CatalogPayload, type CatalogPayloadInput, type EventMeta } from "./catalog.js";
import type { EventEnvelope } from "./envelope.js";
import {
  reservationReleasedSchema,
  stockAdjustedSchema,
  stockIssuedSchema,
  stockReceivedSchema,
  stockReservedSchema,
  stockRevaluedSchema,
  stockTransferredSchema,
} from "./inventory.js";
import {
  goodsReceivedSchema,
  landedCostRecordedSchema,
  supplierBillRecordedSchema,
  supplierPaidSchema,
  supplierReturnedSchema,
} from "./purchasing.js";
import {
  creditNoteIssuedSchema,
  orderEditedSchema,
  orderInvoicedSchema,
  orderPlacedSchema,
  orderReservationRequestedSchema,
  orderCancelledSchema,
  paymentAuthorizedSchema,
  paymentCapturedSchema,
  payoutSettledSchema,
  refundIssuedSchema,
  returnReceivedSchema,
  shipmentDispatchedSchema,
} from "./sales.js";

/**
 * storekeep's event definitions: type → `{ schemaVersion, schema, upcasters }`. Every type
 * starts at version 1.
 *
 * @example
 * ```ts
 * eventDefinitions.StockIssued.schemaVersion; // 1
 * eventDefinitions.StockIssued.schema.parse(payload);
 * ```
 */
export const eventDefinitions = {
  // sales
  OrderPlaced: defineEvent({ schema: orderPlacedSchema }),
  OrderEdited: defineEvent({ schema: orderEditedSchema }),
  OrderReservationRequested: defineEvent({ schema: orderReservationRequestedSchema }),
  OrderCancelled: defineEvent({ schema: orderCancelledSchema }),
  PaymentAuthorized: defineEvent({ schema: paymentAuthorizedSchema }),
  PaymentCaptured: defineEvent({ schema: paymentCapturedSchema }),
  ShipmentDispatched: defineEvent({ schema: shipmentDispatchedSchema }),
  OrderInvoiced: defineEvent({ schema: orderInvoicedSchema }),
  RefundIssued: defineEvent({ schema: refundIssuedSchema }),
  CreditNoteIssued: defineEvent({ schema: creditNoteIssuedSchema }),
  ReturnReceived: defineEvent({ schema: returnReceivedSchema }),
  PayoutSettled: defineEvent({ schema: payoutSettledSchema }),
  // purchasing
  GoodsReceived: defineEvent({ schema: goodsReceivedSchema }),
  SupplierBillRecorded: defineEvent({ schema: supplierBillRecordedSchema }),
  SupplierPaid: defineEvent({ schema: supplierPaidSchema }),
  SupplierReturned: defineEvent({ schema: supplierReturnedSchema }),
  LandedCostRecorded: defineEvent({ schema: landedCostRecordedSchema }),
  // inventory
  StockReceived: defineEvent({ schema: stockReceivedSchema }),
  StockIssued: defineEvent({ schema: stockIssuedSchema }),
  StockTransferred: defineEvent({ schema: stockTransferredSchema }),
  StockAdjusted: defineEvent({ schema: stockAdjustedSchema }),
  StockRevalued: defineEvent({ schema: stockRevaluedSchema }),
  StockReserved: defineEvent({ schema: stockReservedSchema }),
  ReservationReleased: defineEvent({ schema: reservationReleasedSchema }),
} as const;

/**
 * The catalog of storekeep's events: `eventCatalog.events` maps each type to its
 * definition; `parse`, `parsePayload`, `makeEvent`, `isEventType`, `extend` work on it.
 *
 * @example
 * ```ts
 * const event = eventCatalog.parse(outboxEvent);
 * if (event.type === "StockIssued") post(event.payload.cost);
 * ```
 */
export const eventCatalog = createEventCatalog(eventDefinitions);

/**
 * The name of one of storekeep's event types.
 *
 * @example
 * ```ts
 * const t: EventType = "OrderInvoiced";
 * ```
 */
export type EventType = keyof typeof eventDefinitions;

/**
 * The parsed payload of one of storekeep's event types.
 *
 * @example
 * ```ts
 * function cogs(p: EventPayload<"StockIssued">) { return p.cost; }
 * ```
 */
export type EventPayload<T extends EventType> = CatalogPayload<typeof eventDefinitions, T>;

/**
 * The payload of one of storekeep's event types as an emitter may write it.
 *
 * @example
 * ```ts
 * const input: EventPayloadInput<"ReservationReleased"> = { reservationId: "res_1", sku: "MUG", warehouseId: "wh", quantity: "1", reason: "expired" };
 * ```
 */
export type EventPayloadInput<T extends EventType> = CatalogPayloadInput<typeof eventDefinitions, T>;

/**
 * Any of storekeep's events: a union of envelopes discriminated by `type`.
 *
 * @example
 * ```ts
 * function describe(e: AnyEvent): string { return e.type === "OrderPlaced" ? e.payload.orderId : e.type; }
 * ```
 */
export type AnyEvent = CatalogEvent<typeof eventDefinitions>;

/**
 * The envelope of one event type.
 *
 * @example
 * ```ts
 * function onIssue(e: EventOf<"StockIssued">) { return e.payload.counterAccountRole; }
 * ```
 */
export type EventOf<T extends EventType> = EventEnvelope<T, EventPayload<T>>;

/**
 * Every storekeep event type, sorted.
 *
 * @example
 * ```ts
 * EVENT_TYPES.length; // 21
 * ```
 */
export const EVENT_TYPES: readonly EventType[] = eventCatalog.types;

/**
 * The events the sales module emits.
 *
 * @example
 * ```ts
 * SALES_EVENT_TYPES.includes("OrderInvoiced"); // true
 * ```
 */
export const SALES_EVENT_TYPES = Object.freeze([
  "OrderPlaced",
  "OrderEdited",
  "OrderReservationRequested",
  "OrderCancelled",
  "PaymentAuthorized",
  "PaymentCaptured",
  "ShipmentDispatched",
  "OrderInvoiced",
  "RefundIssued",
  "CreditNoteIssued",
  "ReturnReceived",
  "PayoutSettled",
] as const satisfies readonly EventType[]);

/**
 * The events the purchasing module emits.
 *
 * @example
 * ```ts
 * PURCHASING_EVENT_TYPES.includes("GoodsReceived"); // true
 * ```
 */
export const PURCHASING_EVENT_TYPES = Object.freeze([
  "GoodsReceived",
  "SupplierBillRecorded",
  "SupplierPaid",
  "SupplierReturned",
  "LandedCostRecorded",
] as const satisfies readonly EventType[]);

/**
 * The events the inventory module emits (it alone emits stock-value events).
 *
 * @example
 * ```ts
 * INVENTORY_EVENT_TYPES.includes("StockRevalued"); // true
 * ```
 */
export const INVENTORY_EVENT_TYPES = Object.freeze([
  "StockReceived",
  "StockIssued",
  "StockTransferred",
  "StockAdjusted",
  "StockRevalued",
  "StockReserved",
  "ReservationReleased",
] as const satisfies readonly EventType[]);

/**
 * Parses any of storekeep's events (see {@link EventCatalog.parse}): validates the
 * envelope, upcasts an older payload, validates the payload. `VALIDATION_FAILED` otherwise.
 *
 * @example
 * ```ts
 * for (const raw of await store.readEvents(cursor, 100)) {
 *   const event = parseEvent(raw);
 * }
 * ```
 */
export function parseEvent(json: unknown): AnyEvent {
  return eventCatalog.parse(json);
}

/**
 * True when `type` is one of storekeep's event types.
 *
 * @example
 * ```ts
 * isEventType("StockIssued"); // true
 * ```
 */
export function isEventType(type: unknown): type is EventType {
  return eventCatalog.isEventType(type);
}

/**
 * Builds a validated envelope of one of storekeep's events at its current version.
 *
 * @example
 * ```ts
 * const event = makeEvent("ReservationReleased", { reservationId: "res_1", sku: "MUG", warehouseId: "wh", quantity: "1", reason: "expired" },
 *   { id: "evt_9", aggregateType: "reservation", aggregateId: "res_1", aggregateVersion: 3, effectiveDate: "2026-11-27",
 *     occurredAt: "2026-11-27T10:15:00.000Z", causationId: null, correlationId: "cmd_7" });
 * ```
 */
export function makeEvent<T extends EventType>(type: T, payload: EventPayloadInput<T>, meta: EventMeta): EventOf<T> {
  return eventCatalog.makeEvent(type, payload, meta);
}
