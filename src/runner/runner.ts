import { handOver } from "../kernel/hand-over.js";
import type { z } from "zod";
import { InvariantError, StorekeepError, isStorekeepError, parseWith } from "../kernel/errors.js";
import { type StandardSchemaV1, validateStandard } from "../kernel/standard-schema.js";
import { localDateFormatter } from "../kernel/local-date.js";
import type { Clock } from "../ports/clock.js";
import type { IdGenerator } from "../ports/ids.js";
import { type PeriodLocks, noPeriodLocks } from "../ports/period-locks.js";
import type { RateProvider } from "../ports/rates.js";
import type { Json, OutboxEvent, Store, StoreRegistry, Transaction } from "../ports/storage.js";
import type { CommandContext, CommandDefinition, ExecuteOptions, ModuleDefinition, NewEvent, Reaction } from "./command.js";
import { type StorekeepConfig, checkFutureHorizon } from "./config.js";
import { checkingLibraryEvents, isLibraryEmitter } from "./library.js";
import { canonicalJson, jsDigest } from "./hash.js";
import type { Digest } from "../ports/digest.js";
import { DOCUMENT_ID_FIELDS, type EventCatalog, type EventDefinitions, documentIdOf, eventCatalog } from "../kernel/events/index.js";

/**
 * Turns an emitted event into its stored form, validating the payload (may upcast/normalise).
 *
 * @example
 * ```ts
 * const validateEvent: EventValidator = (e) => (eventCatalog.isEventType(e.type) ? eventCatalog.parse(e) : e);
 * ```
 */
export type EventValidator = (event: OutboxEvent) => OutboxEvent;

/**
 * Validates events of a catalog's types (upcasting and normalising their payloads); events of
 * other types (a host module's own) pass as they are.
 *
 * @example
 * ```ts
 * createRuntime({ ...options, validateEvent: catalogEventValidator(eventCatalog.extend(hostEvents)) });
 * ```
 */
export function catalogEventValidator(catalog: EventCatalog<EventDefinitions>): EventValidator {
  const validate: EventValidator = (event) => (catalog.isEventType(event.type) ? (catalog.parse(event) as unknown as OutboxEvent) : event);
  return Object.assign(validate, { [PARSES_CATALOG]: true });
}

/** Marks validators that parse every catalog event (so reactions need not parse again). */
const PARSES_CATALOG = Symbol("storekeep.parsesCatalog");

/**
 * What the runner needs.
 *
 * @example
 * ```ts
 * const runtime = createRuntime({ store, clock, ids, rates, config, modules: [inventoryModule] });
 * ```
 */
export interface RuntimeOptions {
  readonly store: Store;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly rates: RateProvider;
  readonly config: StorekeepConfig;
  readonly modules: readonly ModuleDefinition[];
  /** How emitted events are validated. Default: `catalogEventValidator` over storekeep's catalog. */
  readonly validateEvent?: EventValidator;
  readonly moduleOptions?: Readonly<Record<string, unknown>>;
  /** The period-lock seam. Default: the one a module declares (finance), else {@link noPeriodLocks}. */
  readonly periodLocks?: PeriodLocks;
  /** How commands hash (journal chain, idempotency and document claims). Default: {@link jsDigest}; `createStorekeep` passes the runtime's native one. */
  readonly digest?: Digest;
}

/**
 * The command runner and the read path that module namespaces are built on.
 *
 * @example
 * ```ts
 * const result = await runtime.execute(receiveCommand, input, { idempotencyKey: "r-1" });
 * const onHand = await runtime.read((tx) => tx.counters.get("inventory.availability", key));
 * ```
 */
export interface Runtime {
  readonly store: Store;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly rates: RateProvider;
  readonly config: StorekeepConfig;
  readonly registry: StoreRegistry;
  readonly moduleOptions: Readonly<Record<string, unknown>>;
  /** The hashing seam commands use (see {@link Digest}). */
  readonly digest: Digest;
  /** Migrates the store once (every command and read awaits it). */
  ready(): Promise<void>;
  /** Runs a command: parse, claim the key, handle, react, append events, commit; retries conflicts. */
  execute<S extends StandardSchemaV1, O extends Json>(command: CommandDefinition<S, O>, input: unknown, options?: ExecuteOptions): Promise<O>;
  /** Runs a read in a transaction of its own (reports, queries). Writes are not expected. */
  read<T>(work: (tx: Transaction) => Promise<T>): Promise<T>;
}

/**
 * Merges the registries modules declare (names must be unique).
 *
 * @example
 * ```ts
 * mergeRegistries([inventoryModule.registry, financeModule.registry]);
 * ```
 */
export function mergeRegistries(parts: readonly Partial<StoreRegistry>[]): StoreRegistry {
  const out = { collections: [] as StoreRegistry["collections"][number][], logs: [] as StoreRegistry["logs"][number][], balances: [] as StoreRegistry["balances"][number][], counters: [] as StoreRegistry["counters"][number][] };
  for (const part of parts) {
    for (const key of ["collections", "logs", "balances", "counters"] as const) {
      for (const spec of part[key] ?? []) {
        const list = out[key] as { name: string }[];
        if (list.some((s) => s.name === spec.name)) throw new StorekeepError("ALREADY_EXISTS", `Two modules declare the ${key} family "${spec.name}"; give one of them another name.`, { family: spec.name });
        list.push(spec);
      }
    }
  }
  return out;
}

/** The runtime's document claims: one row per `type:documentId`, holding the content hash. */
export const DOCUMENT_CLAIMS = "storekeep.documents";

/**
 * Built-in collections of the runtime itself (consumer checkpoints).
 *
 * @example
 * ```ts
 * mergeRegistries([RUNTIME_REGISTRY, inventoryModule().registry]);
 * ```
 */
export const RUNTIME_REGISTRY: Partial<StoreRegistry> = {
  collections: [{ name: "storekeep.checkpoints" }, { name: DOCUMENT_CLAIMS }],
};

/**
 * Claims the document an event records (see `DOCUMENT_ID_FIELDS`) with a create-only row in
 * the event's transaction: `claimed` the first time, `replay` for the same content (the event
 * is then dropped, its reactions not run), DUPLICATE_DOCUMENT for other content. Of two racing
 * claims the second waits for the first's row (a SQL store) and then reads it, or conflicts
 * and the runner's retry sees the winner's.
 */
async function claimDocument(tx: Transaction, event: OutboxEvent, digest: Digest): Promise<"claimed" | "replay" | "none"> {
  const documentId = documentIdOf(event.type, event.payload);
  if (documentId === undefined) return "none";
  const id = `${event.type}:${documentId}`;
  const hash = digest.sha256Hex(`${event.type}\n${canonicalJson(event.payload)}`);
  // The claim is tried first (one round trip on a SQL store for the usual new document); a
  // taken id conflicts without changing anything, and the claim there decides.
  try {
    await tx.documents.put(DOCUMENT_CLAIMS, id, { hash, eventId: event.id, effectiveDate: event.effectiveDate }, 0);
    return "claimed";
  } catch (error) {
    if (!isStorekeepError(error) || error.code !== "CONCURRENCY_CONFLICT") throw error;
  }
  const existing = await tx.documents.get(DOCUMENT_CLAIMS, id);
  if (existing !== undefined) {
    if (existing.data.hash === hash) return "replay";
    const field = DOCUMENT_ID_FIELDS[event.type] as string;
    throw new StorekeepError(
      "DUPLICATE_DOCUMENT",
      `${event.type} ${documentId} was already recorded with other content; a document takes effect once. Record a correcting document (a credit note, a return) or use a new ${field}.`,
      { eventType: event.type, documentId, field, firstEventId: existing.data.eventId },
    );
  }
  // The claim vanished between the two calls (erased): the command's retry claims afresh.
  throw new StorekeepError("CONCURRENCY_CONFLICT", `The claim of ${event.type} ${documentId} changed while it was read; retry.`, { collection: DOCUMENT_CLAIMS, id });
}

/**
 * Creates the runtime: the one command runner every module's commands go through.
 *
 * @example
 * ```ts
 * const runtime = createRuntime({ store: memoryStore(), clock: systemClock, ids, rates, config: resolveConfig(), modules: [] });
 * ```
 */
export function createRuntime(options: RuntimeOptions): Runtime {
  const { store, clock, ids, rates, config } = options;
  const registry = mergeRegistries([RUNTIME_REGISTRY, ...options.modules.map((m) => m.registry)]);
  const reactionsByType = new Map<string, Reaction[]>();
  for (const module of options.modules) {
    for (const reaction of module.reactions ?? []) {
      for (const type of reaction.on) {
        const list = reactionsByType.get(type) ?? [];
        list.push(reaction);
        reactionsByType.set(type, list);
      }
    }
  }
  const validateEvent = options.validateEvent ?? catalogEventValidator(eventCatalog as unknown as EventCatalog<EventDefinitions>);
  const eventsParsed = (validateEvent as { [PARSES_CATALOG]?: true })[PARSES_CATALOG] === true;
  const moduleOptions = options.moduleOptions ?? {};
  const periodLocks = options.periodLocks ?? modulePeriodLocks(options.modules);
  const digest = options.digest ?? jsDigest;
  const businessDateOf = localDateFormatter(config.timeZone);
  let migrated: Promise<void> | undefined;

  const ready = (): Promise<void> => {
    migrated ??= store.migrate(registry).catch((error: unknown) => {
      migrated = undefined;
      throw error;
    });
    return migrated;
  };

  async function attempt<S extends StandardSchemaV1, O extends Json>(command: CommandDefinition<S, O>, parsed: StandardSchemaV1.InferOutput<S>, hash: string | undefined, execOptions: ExecuteOptions): Promise<O> {
    return store.transaction(async (tx) => {
      const now = clock.now();
      const nowIso = now.toISOString();
      const commandId = ids.next("cmd");
      // Work registered through ctx.beforeCommit (made at the first registration).
      let finals: Map<object, { work: () => Promise<void>; abandon: (() => void) | undefined }> | undefined;
      const ctx: CommandContext = {
        tx,
        now,
        nowIso,
        today: businessDateOf(now),
        clock,
        ids,
        rates,
        config,
        commandId,
        correlationId: execOptions.correlationId ?? commandId,
        commandName: command.name,
        options: moduleOptions,
        periodLocks,
        digest,
        eventsParsed,
        beforeCommit(workKey, work, abandon) {
          finals ??= new Map();
          if (!finals.has(workKey)) finals.set(workKey, { work, abandon });
        },
      };
      try {
        const key = execOptions.idempotencyKey;
        if (key !== undefined && hash !== undefined) {
          const expiresAt = new Date(now.getTime() + config.idempotencyRetentionDays * 86_400_000).toISOString();
          const claim = await tx.idempotency.claim(key, hash, expiresAt);
          if (claim.status === "replay") return claim.result as O;
          if (claim.status === "mismatch") {
            throw new StorekeepError("IDEMPOTENCY_MISMATCH", `The idempotency key "${key}" was already used for another request (a different command, or ${command.name} with other input); use a new key for a new request.`, { idempotencyKey: key, command: command.name });
          }
        }
        const outcome = await command.handle(ctx, parsed);
        const events: OutboxEvent[] = [];
        const queue: { event: OutboxEvent; depth: number }[] = [];
        const accept = (emitted: readonly NewEvent[] | void, causationId: string, depth: number, library: boolean): void => {
          for (const e of emitted ?? []) {
            if (typeof e.effectiveDate === "string") checkFutureHorizon(config, ctx.today, e.effectiveDate, `${e.type}.effectiveDate`);
            const envelope: OutboxEvent = {
              id: ids.next("evt"),
              type: e.type,
              schemaVersion: e.schemaVersion ?? 1,
              aggregateType: e.aggregateType,
              aggregateId: e.aggregateId,
              aggregateVersion: e.aggregateVersion ?? 0,
              effectiveDate: e.effectiveDate,
              occurredAt: nowIso,
              causationId,
              correlationId: ctx.correlationId,
              ...(key === undefined ? {} : { idempotencyKey: key }),
              payload: e.payload,
            };
            // A library emitter's event is what the catalog's parse would make of it (checked in
            // the test suite): parsing it again was a sixth of a command's time.
            const stored = library && eventsParsed ? (checkingLibraryEvents() ? checkedLibraryEvent(validateEvent, envelope) : envelope) : validateEvent(envelope);
            // A library emitter built its payload for this event alone: the outbox may keep it
            // as it is (frozen) instead of copying it.
            if (library && eventsParsed && typeof stored.payload === "object" && stored.payload !== null) handOver(stored.payload);
            events.push(stored);
            queue.push({ event: stored, depth });
          }
        };
        accept(outcome.events, commandId, 0, isLibraryEmitter(command as CommandDefinition));
        // Breadth-first: reactions run in emission order, each inside this transaction.
        const replayed = new Set<string>();
        for (let i = 0; i < queue.length; i++) {
          const { event, depth } = queue[i]!;
          if ((await claimDocument(tx, event, digest)) === "replay") {
            replayed.add(event.id);
            continue;
          }
          const reactions = reactionsByType.get(event.type);
          if (!reactions) continue;
          if (depth >= config.maxReactionDepth) {
            throw new StorekeepError("INVALID_TRANSITION", `Reactions to ${event.type} went deeper than ${config.maxReactionDepth} levels; a reaction loop is likely.`, { eventType: event.type, depth });
          }
          if (events.length > 100_000) throw new StorekeepError("INVALID_TRANSITION", "One command emitted more than 100,000 events; split the work.", { events: events.length });
          for (const reaction of reactions) accept(await reaction.handle(ctx, event), event.id, depth + 1, isLibraryEmitter(reaction));
        }
        // Deferred writes (a module's batch) go in after every reaction, inside the transaction.
        if (finals !== undefined) for (const final of finals.values()) await final.work();
        const appended = replayed.size === 0 ? events : events.filter((e) => !replayed.has(e.id));
        if (appended.length > 0) await tx.events.append(appended);
        // A library command's result is plain JSON already (checked in the test suite): a copy
        // without the text round trip host results take.
        const result = (isLibraryEmitter(command as CommandDefinition) ? libraryResult(command.name, outcome.result) : toJson(outcome.result)) as O;
        if (key !== undefined) await tx.idempotency.complete(key, result);
        return result;
      } catch (error) {
        // Nothing a module gathered for this attempt outlives it (a retry starts afresh).
        if (finals !== undefined) for (const final of finals.values()) final.abandon?.();
        throw error;
      }
    });
  }

  return {
    store,
    clock,
    ids,
    rates,
    config,
    registry,
    moduleOptions,
    digest,
    ready,
    async execute(command, input, execOptions = {}) {
      // zod schemas (storekeep's own) parse synchronously; any other Standard Schema is awaited.
      const schema: StandardSchemaV1 = command.input;
      const parsed = isZodSchema(schema) ? parseWith(schema, input, command.name) : await validateStandard(schema, input, command.name);
      await ready();
      const key = execOptions.idempotencyKey;
      if (key !== undefined && (typeof key !== "string" || key.length === 0 || key.length > 200)) {
        throw new StorekeepError("VALIDATION_FAILED", "An idempotency key must be a string of 1 to 200 characters.", { issues: [{ path: "idempotencyKey", message: "1 to 200 characters", code: "custom" }] });
      }
      const hash = key === undefined ? undefined : digest.sha256Hex(`${command.name}\n${canonicalJson(parsed)}`);
      for (let tries = 0; ; tries++) {
        try {
          return await attempt(command, parsed, hash, execOptions);
        } catch (error) {
          if (isStorekeepError(error) && error.code === "CONCURRENCY_CONFLICT" && tries < config.maxRetries) continue;
          throw error;
        }
      }
    },
    async read(work) {
      await ready();
      return store.transaction(work);
    },
  };
}

/** The period locks one of the modules keeps (two modules may not both keep them). */
function modulePeriodLocks(modules: readonly ModuleDefinition[]): PeriodLocks {
  const keepers = modules.filter((m) => m.periodLocks !== undefined);
  if (keepers.length > 1) {
    throw new StorekeepError("ALREADY_EXISTS", `Modules ${keepers.map((m) => m.name).join(" and ")} both keep period locks; only one module may (pass createRuntime({ periodLocks }) to choose).`, { modules: keepers.map((m) => m.name) });
  }
  return keepers[0]?.periodLocks ?? noPeriodLocks;
}

/** The library event, after checking that the catalog's parse gives it back unchanged. */
function checkedLibraryEvent(validateEvent: EventValidator, envelope: OutboxEvent): OutboxEvent {
  const parsed = validateEvent(envelope);
  let same: boolean;
  try {
    same = canonicalJson(parsed) === canonicalJson(envelope);
  } catch {
    same = false;
  }
  if (!same) {
    throw new InvariantError(`a library emitter built a ${envelope.type} event that the catalog's parse changes; build its payload as the catalog's schema outputs it (canonical decimals, no extra keys). Built: ${safeJson(envelope.payload)}; parsed: ${safeJson(parsed.payload)}`);
  }
  return envelope;
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value).slice(0, 2000);
  } catch {
    return String(value);
  }
}

/**
 * A copy of a library command's result: plain objects, arrays and primitives, as the JSON
 * round trip would give them (the test suite checks each result is plain JSON, which the
 * round trip would leave unchanged).
 */
function libraryResult(command: string, value: unknown): Json {
  if (value === undefined) return null;
  if (checkingLibraryEvents()) {
    const problem = notPlainJson(value, "result");
    if (problem !== undefined) throw new InvariantError(`library command ${command} returned a result that is not plain JSON (${problem}); return decimals as canonical strings and instants as ISO strings`);
  }
  return plainCopy(value);
}

/** A copy of a plain JSON value; undefined fields left out and undefined items null, as JSON.stringify does. */
function plainCopy(value: unknown): Json {
  if (typeof value !== "object" || value === null) return value as Json;
  if (Array.isArray(value)) {
    const out: Json[] = new Array(value.length);
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      out[i] = item === undefined ? null : plainCopy(item);
    }
    return out;
  }
  const out: Record<string, Json> = {};
  for (const key of Object.keys(value)) {
    const item: unknown = (value as Record<string, unknown>)[key];
    if (item === undefined) continue;
    // An own "__proto__" key stays an own property, as JSON.parse makes it.
    if (key === "__proto__") Object.defineProperty(out, key, { value: plainCopy(item), enumerable: true, writable: true, configurable: true });
    else out[key] = plainCopy(item);
  }
  return out;
}

/** Where a value is not plain JSON (undefined when it is). */
function notPlainJson(value: unknown, path: string): string | undefined {
  switch (typeof value) {
    case "string":
    case "boolean":
    case "undefined":
      return undefined;
    case "number":
      return Number.isFinite(value) && !Object.is(value, -0) ? undefined : `${path} is ${String(value)}`;
    case "object": {
      if (value === null) return undefined;
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) {
          const problem = notPlainJson(value[i], `${path}[${i}]`);
          if (problem !== undefined) return problem;
        }
        return undefined;
      }
      if (Object.getPrototypeOf(value) !== Object.prototype) return `${path} is an instance of ${(value as { constructor?: { name?: string } }).constructor?.name ?? "a class"}`;
      for (const key of Object.keys(value)) {
        const problem = notPlainJson((value as Record<string, unknown>)[key], `${path}.${key}`);
        if (problem !== undefined) return problem;
      }
      return undefined;
    }
    default:
      return `${path} is ${typeof value}`;
  }
}

function toJson(value: unknown): Json {
  if (value === undefined) return null;
  return JSON.parse(JSON.stringify(value)) as Json;
}

/** A zod schema parses synchronously through `parseWith`; anything else is a Standard Schema. */
function isZodSchema(schema: StandardSchemaV1): schema is StandardSchemaV1 & z.ZodType {
  return (schema as { _zod?: unknown })._zod !== undefined && schema["~standard"].vendor === "zod";
}
