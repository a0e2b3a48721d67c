import { z } from "zod";
import type { CatalogEventType, CatalogPayloadInput, EventCatalog, EventDefinitions } from "./catalog.js";
import type { eventDefinitions } from "./definitions.js";

/** The payload fields that carry a document's functional-currency side. */
const FUNCTIONAL_FIELDS = ["functionalCurrency", "rate", "functionalAmount", "functional"] as const;
type FunctionalField = (typeof FUNCTIONAL_FIELDS)[number];

/**
 * A payload type with its functional-currency fields (`functionalCurrency`, `rate`,
 * `functionalAmount`, `functional`) optional: storekeep fills them in for a document in the
 * functional currency.
 *
 * @example
 * ```ts
 * const p: FunctionalOptional<{ currency: string; rate: string; amount: string }> = { currency: "EUR", amount: "1" };
 * ```
 */
export type FunctionalOptional<P> = P extends object ? Omit<P, FunctionalField & keyof P> & Partial<Pick<P, FunctionalField & keyof P>> : P;

/**
 * One event as a host records it with `sk.recordEvents`: a union discriminated by `type` over
 * the catalog's events, so a misspelt or missing payload field is a compile error. A document
 * in the functional currency may leave out its functional-currency fields.
 *
 * @example
 * ```ts
 * const e: RecordEventInput = {
 *   type: "PaymentCaptured", aggregateType: "order", aggregateId: "ord_1", effectiveDate: "2026-11-27",
 *   payload: { paymentId: "pay_1", orderId: "ord_1", invoiced: false, currency: "EUR", amount: { amount: "34.90", currency: "EUR" } },
 * };
 * ```
 */
export type RecordEventInput<D extends EventDefinitions = typeof eventDefinitions> = {
  [T in CatalogEventType<D>]: {
    readonly type: T;
    readonly schemaVersion?: number;
    readonly aggregateType: string;
    readonly aggregateId: string;
    readonly aggregateVersion?: number;
    readonly effectiveDate: string;
    readonly payload: FunctionalOptional<CatalogPayloadInput<D, T>>;
  };
}[CatalogEventType<D>];

interface FunctionalShape {
  readonly fields: ReadonlySet<string>;
  /** The keys of the `functional` object, when the event has one. */
  readonly functionalKeys: readonly string[];
}

const shapes = new WeakMap<object, Map<string, FunctionalShape>>();

function shapeOf(catalog: EventCatalog<EventDefinitions>, type: string): FunctionalShape {
  let byType = shapes.get(catalog);
  if (!byType) {
    byType = new Map();
    shapes.set(catalog, byType);
  }
  let shape = byType.get(type);
  if (!shape) {
    const definition = catalog.events[type];
    type Props = { properties?: Record<string, { properties?: Record<string, unknown> }> };
    let json: Props = {};
    try {
      json = (definition ? z.toJSONSchema(definition.schema, { io: "input", unrepresentable: "any" }) : {}) as Props;
    } catch {
      json = {};
    }
    shape = { fields: new Set(Object.keys(json.properties ?? {})), functionalKeys: Object.keys(json.properties?.["functional"]?.properties ?? {}) };
    byType.set(type, shape);
  }
  return shape;
}

/**
 * Fills in the functional-currency fields of a document in the functional currency (rate
 * "1", the functional amounts equal to the document's) where the host left them out. A
 * payload in another currency, or one that gives the fields, is returned unchanged (the
 * catalog then validates it).
 *
 * @example
 * ```ts
 * fillFunctionalFields(eventCatalog, "PaymentCaptured", { currency: "EUR", amount: { amount: "5", currency: "EUR" } }, "EUR");
 * // adds functionalCurrency "EUR", rate "1", functionalAmount { amount: "5", currency: "EUR" }
 * ```
 */
export function fillFunctionalFields(catalog: EventCatalog<EventDefinitions>, type: string, payload: unknown, functionalCurrency: string): unknown {
  if (payload === null || typeof payload !== "object" || Array.isArray(payload)) return payload;
  const fields = payload as Record<string, unknown>;
  if (fields["currency"] !== functionalCurrency) return payload;
  const shape = shapeOf(catalog, type);
  if (!FUNCTIONAL_FIELDS.some((f) => shape.fields.has(f) && fields[f] === undefined)) return payload;
  const out: Record<string, unknown> = { ...fields };
  if (shape.fields.has("functionalCurrency") && out["functionalCurrency"] === undefined) out["functionalCurrency"] = functionalCurrency;
  if (shape.fields.has("rate") && out["rate"] === undefined) out["rate"] = "1";
  if (shape.fields.has("functionalAmount") && out["functionalAmount"] === undefined && out["amount"] !== undefined) out["functionalAmount"] = out["amount"];
  if (shape.fields.has("functional") && out["functional"] === undefined) {
    const functional: Record<string, unknown> = {};
    for (const key of shape.functionalKeys) if (out[key] !== undefined) functional[key] = out[key];
    out["functional"] = functional;
  }
  return out;
}

/**
 * The functional-currency fields an event type has that `payload` leaves out (for a message
 * that says what to add to a foreign-currency document).
 *
 * @example
 * ```ts
 * missingFunctionalFields(eventCatalog, "PaymentCaptured", { currency: "USD" }); // ["functionalCurrency", "rate", "functionalAmount"]
 * ```
 */
export function missingFunctionalFields(catalog: EventCatalog<EventDefinitions>, type: string, payload: unknown): string[] {
  if (payload === null || typeof payload !== "object") return [];
  const shape = shapeOf(catalog, type);
  return FUNCTIONAL_FIELDS.filter((f) => shape.fields.has(f) && (payload as Record<string, unknown>)[f] === undefined);
}
