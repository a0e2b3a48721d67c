import type { z } from "zod";
import { StorekeepError, isStorekeepError, parseWith } from "../errors.js";
import { type EventEnvelope, type EventJsonObject, MAX_SCHEMA_VERSION, eventEnvelopeSchema, eventTypeSchema } from "./envelope.js";

/**
 * Maps an event's payload from schema version `from` to `from + 1`. A field that changes
 * meaning is a new schema version; events stored at an older version are upcast on read,
 * one step at a time, and then validated by the current schema. When `schema` is given
 * the old payload is validated by it first and `upcast` receives its output.
 *
 * @example
 * ```ts
 * // v1 carried `amount` as a number of cents; v2 carries MoneyJson.
 * const v1ToV2 = defineUpcaster({
 *   from: 1,
 *   upcast: (p) => ({ ...p, amount: { amount: String(Number(p["cents"]) / 100), currency: "EUR" } }),
 * });
 * ```
 */
export interface Upcaster<TIn = EventJsonObject> {
  /** The version this upcaster reads; it returns the payload at `from + 1`. */
  readonly from: number;
  /** Validates the version-`from` payload before `upcast` (optional). */
  readonly schema?: z.ZodType<TIn>;
  /**
   * A pure function from the old payload to the next version's payload. `envelope` is the
   * event being read (with `schemaVersion` and `payload` at the version being upcast), or
   * `undefined` when a bare payload is parsed with `parsePayload`.
   */
  readonly upcast: (payload: TIn, envelope: EventEnvelope | undefined) => EventJsonObject;
}

/**
 * Declares an {@link Upcaster} with its input typed by `schema` when one is given.
 *
 * @example
 * ```ts
 * const up = defineUpcaster({ from: 1, upcast: (p) => ({ ...p, reason: p["reason"] ?? "other" }) });
 * ```
 */
export function defineUpcaster<TIn = EventJsonObject>(upcaster: Upcaster<TIn>): Upcaster {
  return upcaster as unknown as Upcaster;
}

/**
 * One event type of a catalog: its current schema version, the schema of its current
 * payload, and the upcasters that bring every older version up to date
 * (`upcasters[i].from === i + 1`).
 *
 * @example
 * ```ts
 * const giftWrapped: EventDefinition = defineEvent({ schema: z.object({ orderId: z.string() }) });
 * ```
 */
export interface EventDefinition<S extends z.ZodType = z.ZodType> {
  readonly schemaVersion: number;
  readonly schema: S;
  readonly upcasters: readonly Upcaster[];
}

/**
 * Declares an event type: version 1 with no upcasters by default.
 *
 * @example
 * ```ts
 * const giftWrapped = defineEvent({ schema: z.object({ orderId: z.string(), paper: z.enum(["red", "gold"]) }) });
 * ```
 */
export function defineEvent<S extends z.ZodType>(definition: { readonly schema: S; readonly schemaVersion?: number; readonly upcasters?: readonly Upcaster[] }): EventDefinition<S> {
  return { schema: definition.schema, schemaVersion: definition.schemaVersion ?? 1, upcasters: definition.upcasters ?? [] };
}

/**
 * A map from event type to its definition.
 *
 * @example
 * ```ts
 * const mine: EventDefinitions = { "acme.GiftWrapped": giftWrapped };
 * ```
 */
export type EventDefinitions = { readonly [type: string]: EventDefinition };

/**
 * The event type names of a catalog's definitions.
 *
 * @example
 * ```ts
 * type T = CatalogEventType<typeof eventDefinitions>; // "OrderPlaced" | ...
 * ```
 */
export type CatalogEventType<D extends EventDefinitions> = keyof D & string;

/**
 * The parsed payload of event type `T` in a catalog.
 *
 * @example
 * ```ts
 * type P = CatalogPayload<typeof eventDefinitions, "StockIssued">;
 * ```
 */
export type CatalogPayload<D extends EventDefinitions, T extends CatalogEventType<D>> = z.output<D[T]["schema"]>;

/**
 * The payload of event type `T` as an emitter may write it (before normalisation).
 *
 * @example
 * ```ts
 * type In = CatalogPayloadInput<typeof eventDefinitions, "StockIssued">;
 * ```
 */
export type CatalogPayloadInput<D extends EventDefinitions, T extends CatalogEventType<D>> = z.input<D[T]["schema"]>;

/**
 * The discriminated union (on `type`) of a catalog's envelopes.
 *
 * @example
 * ```ts
 * function handle(e: CatalogEvent<typeof eventDefinitions>) { if (e.type === "StockIssued") e.payload.cost; }
 * ```
 */
export type CatalogEvent<D extends EventDefinitions> = { [T in CatalogEventType<D>]: EventEnvelope<T, CatalogPayload<D, T>> }[CatalogEventType<D>];

/**
 * The envelope fields an emitter supplies to {@link EventCatalog.makeEvent}; `type`,
 * `schemaVersion` and `payload` come from the catalog.
 *
 * @example
 * ```ts
 * const meta: EventMeta = { id: "evt_1", aggregateType: "order", aggregateId: "ord_1", aggregateVersion: 1,
 *   effectiveDate: "2026-11-27", occurredAt: "2026-11-27T10:00:00.000Z", causationId: null, correlationId: "cmd_1" };
 * ```
 */
export interface EventMeta {
  readonly id: string;
  readonly aggregateType: string;
  readonly aggregateId: string;
  readonly aggregateVersion: number;
  readonly effectiveDate: string;
  readonly occurredAt: string;
  readonly causationId: string | null;
  readonly correlationId: string;
  readonly idempotencyKey?: string;
}

/**
 * A set of event types with their schemas and upcasters, and the functions that read and
 * write their envelopes. Build one with {@link createEventCatalog}; storekeep's own is
 * `eventCatalog`, which a host extends with its own events through `extend`.
 *
 * @example
 * ```ts
 * const catalog = eventCatalog.extend({ "acme.GiftWrapped": defineEvent({ schema: z.object({ orderId: z.string() }) }) });
 * catalog.parse(json).type; // "OrderPlaced" | ... | "acme.GiftWrapped"
 * ```
 */
export interface EventCatalog<D extends EventDefinitions> {
  /** Event type → definition (current `schemaVersion`, `schema`, `upcasters`). */
  readonly events: D;
  /** Every event type of the catalog, sorted. */
  readonly types: readonly CatalogEventType<D>[];
  /** True when `type` names an event of this catalog. */
  isEventType(type: unknown): type is CatalogEventType<D>;
  /**
   * Validates an envelope read from anywhere (the outbox, a queue), upcasts an older
   * payload to the current schema version and validates it. Throws `VALIDATION_FAILED`
   * (never anything else) for bad input, an unknown type, or a version newer than the
   * catalog knows. The result is at the current `schemaVersion` with decimals in canonical
   * form; fields the schemas do not know (a newer emitter's additions, an outbox
   * `position`) are dropped, so keep the raw event's `position` yourself.
   */
  parse(json: unknown): CatalogEvent<D>;
  /** Validates (and upcasts from `schemaVersion`, default current) one payload. */
  parsePayload<T extends CatalogEventType<D>>(type: T, payload: unknown, schemaVersion?: number): CatalogPayload<D, T>;
  /** Builds a validated envelope at the current schema version (payload normalised). */
  makeEvent<T extends CatalogEventType<D>>(type: T, payload: CatalogPayloadInput<D, T>, meta: EventMeta): EventEnvelope<T, CatalogPayload<D, T>>;
  /** A new catalog with more event types (a type already present is refused). */
  extend<E extends EventDefinitions>(more: E): EventCatalog<D & E>;
}

function configError(message: string, details: Record<string, unknown>): StorekeepError {
  return new StorekeepError("VALIDATION_FAILED", `Invalid event catalog: ${message}`, details);
}

function checkDefinitions(definitions: EventDefinitions): void {
  for (const [type, definition] of Object.entries(definitions)) {
    if (!eventTypeSchema.safeParse(type).success) throw configError(`"${type}" is not an event type name; use PascalCase like "GiftWrapped", optionally namespaced "acme.GiftWrapped".`, { type });
    const version = definition.schemaVersion;
    if (!Number.isInteger(version) || version < 1 || version > MAX_SCHEMA_VERSION) {
      throw configError(`${type}.schemaVersion must be an integer from 1 to ${MAX_SCHEMA_VERSION}.`, { type, schemaVersion: version });
    }
    if (definition.upcasters.length !== version - 1) {
      throw configError(`${type} is at version ${version} and needs ${version - 1} upcasters (from 1 to ${version - 1}), not ${definition.upcasters.length}.`, { type, schemaVersion: version });
    }
    definition.upcasters.forEach((upcaster, index) => {
      if (upcaster.from !== index + 1) {
        throw configError(`${type}.upcasters[${index}] must upcast from version ${index + 1}, not ${upcaster.from}; list them in order.`, { type, index, from: upcaster.from });
      }
    });
  }
}

function isPlainObject(x: unknown): x is EventJsonObject {
  if (typeof x !== "object" || x === null || Array.isArray(x)) return false;
  const proto = Object.getPrototypeOf(x) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * Builds an {@link EventCatalog} from event definitions. Definitions are checked once
 * (type names, versions, one upcaster per older version, in order); a bad definition is
 * `VALIDATION_FAILED`.
 *
 * @example
 * ```ts
 * const catalog = createEventCatalog({
 *   GiftWrapped: defineEvent({
 *     schemaVersion: 2,
 *     schema: z.object({ orderId: z.string(), paper: z.enum(["red", "gold"]) }),
 *     upcasters: [defineUpcaster({ from: 1, upcast: (p) => ({ ...p, paper: "red" }) })],
 *   }),
 * });
 * catalog.parsePayload("GiftWrapped", { orderId: "ord_1" }, 1); // { orderId: "ord_1", paper: "red" }
 * ```
 */
export function createEventCatalog<D extends EventDefinitions>(definitions: D): EventCatalog<D> {
  checkDefinitions(definitions);
  const events = Object.freeze({ ...definitions }) as D;
  const types = Object.freeze(Object.keys(events).sort()) as readonly CatalogEventType<D>[];

  const has = (type: unknown): boolean => typeof type === "string" && Object.prototype.hasOwnProperty.call(events, type);
  const isEventType = (type: unknown): type is CatalogEventType<D> => has(type);

  const definitionOf = (type: string): EventDefinition => {
    if (!has(type)) {
      throw new StorekeepError("VALIDATION_FAILED", `Unknown event type "${type.slice(0, 80)}": it is not in this event catalog; extend the catalog with its definition.`, {
        issues: [{ path: "type", message: "unknown event type", code: "custom" }],
        type: type.slice(0, 80),
      });
    }
    return events[type] as EventDefinition;
  };

  const upcastPayload = (type: string, definition: EventDefinition, payload: unknown, fromVersion: number, envelope: EventEnvelope | undefined): unknown => {
    if (!Number.isInteger(fromVersion) || fromVersion < 1) {
      throw new StorekeepError("VALIDATION_FAILED", `Invalid ${type} schema version ${String(fromVersion)}: versions are integers from 1.`, { issues: [{ path: "schemaVersion", message: "invalid version", code: "custom" }] });
    }
    if (fromVersion > definition.schemaVersion) {
      throw new StorekeepError(
        "VALIDATION_FAILED",
        `${type} schema version ${fromVersion} is newer than this catalog knows (${definition.schemaVersion}): upgrade storekeep (or the catalog) before reading it.`,
        { issues: [{ path: "schemaVersion", message: "newer than the catalog", code: "custom" }], type, schemaVersion: fromVersion, known: definition.schemaVersion },
      );
    }
    let current = payload;
    for (let version = fromVersion; version < definition.schemaVersion; version++) {
      const upcaster = definition.upcasters[version - 1];
      if (upcaster === undefined) throw configError(`${type} has no upcaster from version ${version}.`, { type, version });
      const input = upcaster.schema === undefined ? current : parseWith(upcaster.schema, current, `${type} v${version} payload`);
      if (!isPlainObject(input)) throw new StorekeepError("VALIDATION_FAILED", `Invalid ${type} v${version} payload: it must be a JSON object.`, { issues: [{ path: "payload", message: "not an object", code: "invalid_type" }] });
      try {
        current = upcaster.upcast(input, envelope === undefined ? undefined : { ...envelope, schemaVersion: version, payload: input });
      } catch (cause) {
        if (isStorekeepError(cause)) throw cause;
        throw new StorekeepError("VALIDATION_FAILED", `Invalid ${type} v${version} payload: upcasting it to v${version + 1} failed (${String((cause as Error)?.message ?? cause).slice(0, 200)}).`, {
          issues: [{ path: "payload", message: "upcast failed", code: "custom" }],
          type,
          fromVersion: version,
        }, { cause });
      }
    }
    return current;
  };

  const parsePayload = <T extends CatalogEventType<D>>(type: T, payload: unknown, schemaVersion?: number, envelope?: EventEnvelope): CatalogPayload<D, T> => {
    const definition = definitionOf(type);
    const upcast = upcastPayload(type, definition, payload, schemaVersion ?? definition.schemaVersion, envelope);
    return parseWith(definition.schema, upcast, `${type} payload`) as CatalogPayload<D, T>;
  };

  const parse = (json: unknown): CatalogEvent<D> => {
    const envelope = parseWith(eventEnvelopeSchema, json, "event envelope") as unknown as EventEnvelope;
    const definition = definitionOf(envelope.type);
    const payload = parsePayload(envelope.type as CatalogEventType<D>, envelope.payload, envelope.schemaVersion, envelope);
    // The parsed envelope is a new object of zod's: set its fields rather than spread it
    // into another (a spread followed by more properties took V8's slow path).
    const out = envelope as { schemaVersion: number; payload: unknown };
    out.schemaVersion = definition.schemaVersion;
    out.payload = payload;
    return out as unknown as CatalogEvent<D>;
  };

  const makeEvent = <T extends CatalogEventType<D>>(type: T, payload: CatalogPayloadInput<D, T>, meta: EventMeta): EventEnvelope<T, CatalogPayload<D, T>> => {
    const definition = definitionOf(type);
    return parse({ ...meta, type, schemaVersion: definition.schemaVersion, payload }) as unknown as EventEnvelope<T, CatalogPayload<D, T>>;
  };

  const extend = <E extends EventDefinitions>(more: E): EventCatalog<D & E> => {
    for (const type of Object.keys(more)) {
      if (has(type)) throw configError(`event type "${type}" is already in the catalog; give your event its own (namespaced) name.`, { type });
    }
    return createEventCatalog({ ...events, ...more } as D & E);
  };

  return Object.freeze({
    events,
    types,
    isEventType,
    parse,
    parsePayload: (type, payload, schemaVersion) => parsePayload(type, payload, schemaVersion),
    makeEvent,
    extend,
  } satisfies EventCatalog<D>);
}
