import type { StandardSchemaV1 } from "../kernel/standard-schema.js";
import type { LocalDate } from "../kernel/local-date.js";
import type { Clock } from "../ports/clock.js";
import type { IdGenerator } from "../ports/ids.js";
import type { PeriodLocks } from "../ports/period-locks.js";
import type { Digest } from "../ports/digest.js";
import type { RateProvider } from "../ports/rates.js";
import type { Json, JsonObject, OutboxEvent, StoreRegistry, Transaction } from "../ports/storage.js";
import type { StorekeepConfig } from "./config.js";
import type { ModuleSimulation } from "./simulation.js";

/**
 * An event a handler or reaction emits; the runner completes the envelope (id, instant,
 * causation, correlation) and validates the payload against the event catalog.
 *
 * @example
 * ```ts
 * const e: NewEvent = { type: "StockIssued", aggregateType: "sku", aggregateId: "MUG", effectiveDate: today, payload: { ... } };
 * ```
 */
export interface NewEvent {
  readonly type: string;
  readonly schemaVersion?: number;
  readonly aggregateType: string;
  readonly aggregateId: string;
  readonly aggregateVersion?: number;
  readonly effectiveDate: LocalDate | string;
  readonly payload: JsonObject;
}

/**
 * What a command handler and its reactions see: the transaction, the command's instant
 * (the clock is read once per attempt), ids, rates, the configuration.
 *
 * @example
 * ```ts
 * async handle(ctx, input) { const doc = await ctx.tx.documents.get("c", input.id); ... }
 * ```
 */
export interface CommandContext {
  readonly tx: Transaction;
  /** The command's instant, read once from the clock. */
  readonly now: Date;
  /** `now` as an ISO string (the runner sets it once; use `nowIsoOf` to read it). */
  readonly nowIso?: string;
  /** The business date of `now` in the shop's time zone. */
  readonly today: LocalDate;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly rates: RateProvider;
  readonly config: StorekeepConfig;
  /** The command's own id (the causation of the events it emits). */
  readonly commandId: string;
  /** Shared by every event the command causes, reactions included. */
  readonly correlationId: string;
  /** The command's name. */
  readonly commandName: string;
  /** Module options by module name, as given to `createStorekeep`. */
  readonly options: Readonly<Record<string, unknown>>;
  /**
   * The period-lock seam (see {@link PeriodLocks}): the locks of the module that keeps the
   * books, or none. The runner always sets it; a context built by hand may leave it out
   * (then nothing is locked).
   */
  readonly periodLocks?: PeriodLocks;
  /**
   * The hashing seam (see {@link Digest}): the journal chain and claims hash through it. The
   * runner always sets it; a context built by hand may leave it out (then the core's
   * pure-JavaScript SHA-256 is used, with the same digests).
   */
  readonly digest?: Digest;
  /**
   * True when the runner parsed every catalog event it accepted (its validator is
   * `catalogEventValidator`), so a reaction may use `event.payload` as the catalog's parsed
   * payload without parsing it again.
   */
  readonly eventsParsed?: boolean;
  /**
   * Registers work to run once before the command's transaction commits, after every
   * reaction (a second registration under the same `key` is ignored): a module's deferred
   * writes, such as the journal lines and balance deltas of a command's postings. When the
   * command fails instead (it throws, or its transaction conflicts and the runner retries it),
   * `abandon` runs, so nothing gathered for it outlives it — a store may hand the next
   * transaction the same `tx` object. The runner always sets it; a context built by hand may
   * leave it out (then modules write at once).
   */
  readonly beforeCommit?: (key: object, work: () => Promise<void>, abandon?: () => void) => void;
}

/**
 * What a handler returns: a JSON result and the events it emits.
 *
 * @example
 * ```ts
 * return { result: { orderId }, events: [placed] };
 * ```
 */
export interface CommandOutcome<O extends Json = Json> {
  readonly result: O;
  readonly events?: readonly NewEvent[];
}

/**
 * A command: a name, an input schema and a handler. Handlers are thin: read through the
 * transaction, call pure functions, write through the transaction, return events.
 *
 * @example
 * ```ts
 * const ping = defineCommand({ name: "demo.ping", input: z.object({ n: z.number() }), async handle(ctx, input) { return { result: input.n }; } });
 * ```
 */
export interface CommandDefinition<S extends StandardSchemaV1 = StandardSchemaV1, O extends Json = Json> {
  readonly name: string;
  /** The input schema: a zod 4 schema, or any Standard Schema (zod 3.24+, valibot, arktype, ...). */
  readonly input: S;
  handle(ctx: CommandContext, input: StandardSchemaV1.InferOutput<S>): Promise<CommandOutcome<O>>;
}

/**
 * Identity helper that infers a command's input and result types.
 *
 * @example
 * ```ts
 * export const receive = defineCommand({ name: "inventory.receive", input: receiveSchema, handle: receiveHandler });
 * ```
 */
export function defineCommand<S extends StandardSchemaV1, O extends Json>(definition: CommandDefinition<S, O>): CommandDefinition<S, O> {
  return definition;
}

/**
 * A reaction runs inside the command's transaction for each event of the listed types, in
 * registration order, and may emit events of its own (bounded depth).
 *
 * @example
 * ```ts
 * const postIssue: Reaction = { name: "finance.post", on: ["StockIssued"], async handle(ctx, event) { ...; return []; } };
 * ```
 */
export interface Reaction {
  readonly name: string;
  readonly on: readonly string[];
  handle(ctx: CommandContext, event: OutboxEvent): Promise<readonly NewEvent[] | void>;
}

/**
 * A module: its name, what it stores, and its reactions.
 *
 * @example
 * ```ts
 * const inventoryModule: ModuleDefinition = { name: "inventory", registry: { collections: [...], logs: [...] }, reactions: [...] };
 * ```
 */
export interface ModuleDefinition {
  readonly name: string;
  readonly registry: Partial<StoreRegistry>;
  readonly reactions?: readonly Reaction[];
  /**
   * The period locks this module keeps, offered to every other module through
   * `ctx.periodLocks` (the finance module declares its own; at most one module may).
   */
  readonly periodLocks?: PeriodLocks;
  /** Random commands and invariants for the whole-shop simulator (`simulateShop`). */
  readonly simulation?: ModuleSimulation;
}

/**
 * Options of one command execution.
 *
 * @example
 * ```ts
 * await runtime.execute(receive, input, { idempotencyKey: "receipt-42" });
 * ```
 */
export interface ExecuteOptions {
  /** Same key and same canonical input: the first result again, no second effect. */
  readonly idempotencyKey?: string;
  /** Correlates this command with an outside request. */
  readonly correlationId?: string;
}

/**
 * The command's instant as an ISO string: the runner's, formatted once per command, or
 * formatted here for a context built by hand.
 *
 * @example
 * ```ts
 * const recordedAt = nowIsoOf(ctx); // "2026-11-27T10:00:00.000Z"
 * ```
 */
export function nowIsoOf(ctx: Pick<CommandContext, "now" | "nowIso">): string {
  return ctx.nowIso ?? ctx.now.toISOString();
}
