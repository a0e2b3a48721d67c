import { Decimal, canonicalDecimal } from "../kernel/decimal.js";
import { minorUnits } from "../kernel/currencies.js";
import { StorekeepError, invariant, isStorekeepError } from "../kernel/errors.js";
import { localDateFormatter } from "../kernel/local-date.js";
import type { StockSource } from "../kernel/events/inventory.js";
import type { CounterChange, JsonObject, LogAppend, Transaction, BalanceDelta } from "../ports/storage.js";
import type { CommandContext, NewEvent } from "../runner/command.js";
import { type CostStateJson, costStateFromJson, costStateToJson } from "./cost-state.js";
import { inTransitLocation } from "./location.js";
import {
  MOVEMENTS,
  MOVEMENT_INDEX,
  type MovementKind,
  type MovementRecord,
  SNAPSHOTS,
  VALUATIONS,
  effectOf,
  generationKey,
  movementPosition,
  valuationInputOf,
} from "./movement.js";
import type { InventorySettings } from "./options.js";
import { type Product, requireProduct } from "./product.js";
import { rederive } from "./rederive.js";
import { type MovementValuation, type ValuationInput, kernelFor, valueMovement } from "./valuation.js";
import {
  type CostState,
  QUANTITY_DECIMALS,
  type RoundingCode,
  currentCost,
  emptyCostState,
  formatScaled,
  onHandOf,
  parseScaled,
  roundingCode,
  unitCostRatio,
} from "./valuation-kernel.js";

/*
 * The stock ledger's write path. One function records movements for any number of SKUs
 * inside the command's transaction: per SKU (in SKU order, so two commands never
 * deadlock) it locks the cost state with getForUpdate, values the movements — directly
 * when they come after everything recorded, by re-derivation from a checkpoint when one is
 * back-dated — appends the movements and their valuations, moves the bucketed balances
 * and the guarded availability counter, and returns the stock-value events.
 */

/** Collection of per-SKU cost states. @example `COST_STATES === "inventory.cost-states"` */
export const COST_STATES = "inventory.cost-states";
/** Balance family of quantities per `sku|location|lot` and day. @example `QUANTITIES === "inventory.quantities"` */
export const QUANTITIES = "inventory.quantities";
/** Balance family of stock value per SKU and day (`value`: all stock, `inTransit`: the part in transit). @example `VALUES === "inventory.values"` */
export const VALUES = "inventory.values";
/** Counter family of availability per `sku|warehouse`. @example `AVAILABILITY === "inventory.availability"` */
export const AVAILABILITY = "inventory.availability";

/**
 * The stored cost state of a SKU.
 *
 * @example
 * ```ts
 * const doc = await tx.documents.getForUpdate<CostStateDoc>(COST_STATES, "MUG");
 * ```
 */
export interface CostStateDoc extends JsonObject {
  readonly sku: string;
  readonly state: CostStateJson;
  /** The position of the last movement (the highest sort key). */
  readonly lastPosition: string;
  readonly movements: number;
  readonly sinceSnapshot: number;
}

/**
 * A checkpoint of a SKU's cost state after the movement at `position`.
 *
 * @example
 * ```ts
 * const s: SnapshotEntry = { movementId: "mv_9", position: "2026-01-02T00:00:00.000Z|mv_9", state };
 * ```
 */
export interface SnapshotEntry extends JsonObject {
  readonly movementId: string;
  readonly position: string;
  readonly state: CostStateJson;
}

/**
 * A movement valuation as stored: flat strings (one frozen object a row keeps appending
 * 50,000 re-valued movements cheap). Amounts are minor units, quantities 10⁻⁶ units, as
 * integer strings. `postings` is `role=amount;…`, `consumed` `layer,qty,value;…`,
 * `trueUps` `movementId,role,qty,amount;…`, `split` `onHand,sold`. Read it with
 * {@link decodeValuation}.
 *
 * @example
 * ```ts
 * const v: ValuationEntry = { movementId: "mv_2", postings: "inventory=-500;cogs=500", amount: "500", stockValue: null, variance: "0", split: null, consumed: "mv_1,2000000,500", trueUps: "", generation: 3, cause: "recorded" };
 * ```
 */
export interface ValuationEntry extends JsonObject {
  readonly movementId: string;
  readonly postings: string;
  readonly amount: string;
  readonly stockValue: string | null;
  readonly variance: string;
  readonly split: string | null;
  readonly consumed: string | null;
  readonly trueUps: string;
  readonly generation: number;
  /** `recorded` when first valued; `backdated:<movementId>` when a back-dated movement changed it. */
  readonly cause: string;
}

/**
 * A stored valuation, decoded.
 *
 * @example
 * ```ts
 * decodeValuation(entry).consumed; // [["mv_1", "2000000", "500"]]
 * ```
 */
export interface DecodedValuation {
  readonly postings: Readonly<Record<string, string>>;
  readonly amount: string;
  readonly stockValue: string | null;
  readonly split: readonly [string, string] | null;
  readonly consumed: readonly (readonly [string, string, string])[] | null;
  readonly trueUps: readonly (readonly [string, string, string, string])[];
  readonly generation: number;
  readonly cause: string;
}

function rows<T extends readonly string[]>(text: string): T[] {
  return text === "" ? [] : text.split(";").map((row) => row.split(",") as unknown as T);
}

/**
 * Decodes a stored valuation entry.
 *
 * @example
 * ```ts
 * decodeValuation(entry).postings; // { inventory: "-500", cogs: "500" }
 * ```
 */
export function decodeValuation(entry: ValuationEntry): DecodedValuation {
  return {
    postings: decodePostings(entry.postings),
    amount: entry.amount,
    stockValue: entry.stockValue,
    split: entry.split === null ? null : (entry.split.split(",") as unknown as [string, string]),
    consumed: entry.consumed === null ? null : rows<[string, string, string]>(entry.consumed),
    trueUps: rows<[string, string, string, string]>(entry.trueUps),
    generation: entry.generation,
    cause: entry.cause,
  };
}

/**
 * Decodes `role=amount;…` postings.
 *
 * @example
 * ```ts
 * decodePostings("inventory=-500;cogs=500"); // { inventory: "-500", cogs: "500" }
 * ```
 */
export function decodePostings(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (text === "") return out;
  for (const part of text.split(";")) {
    const eq = part.indexOf("=");
    out[part.slice(0, eq)] = part.slice(eq + 1);
  }
  return out;
}

/**
 * Re-valued movements of one back-dating are stored in chunks: one `inventory.valuations`
 * entry per UTC hour of their positions (and at most {@link CHUNK_LINES} movements),
 * keyed `${hour}#${generation}.${part}` — so 50,000 re-valued movements cost a few dozen
 * appends instead of 50,000, and a movement's valuations are still found with two range
 * reads (its own entries at `position#…` and the chunks of its hour). Each line is one
 * movement: the fields of a {@link ValuationEntry} separated by tabs (`~` for null).
 *
 * @example
 * ```ts
 * const c: ValuationChunk = { movementId: "", generation: 4, cause: "backdated:mv_9", chunk: "mv_2\tinventory=-510;cogs=510\t510\t~\t0\t~\tmv_1,2000000,510\t" };
 * ```
 */
export interface ValuationChunk extends JsonObject {
  readonly movementId: "";
  readonly generation: number;
  readonly cause: string;
  readonly chunk: string;
}

/** At most this many movements per chunk entry. @example `CHUNK_LINES === 2048` */
export const CHUNK_LINES = 2048;

/**
 * The bucket chunked valuations of a position are filed under: its UTC hour
 * (`2026-03-01T10`). `#` sorts below `:`, so `${bucket}#…` sorts before every position of
 * that hour and never inside a movement's own `position#…` range.
 *
 * @example
 * ```ts
 * valuationBucket("2026-03-01T10:00:00.000Z|mv_1"); // "2026-03-01T10"
 * ```
 */
export function valuationBucket(position: string): string {
  return position.slice(0, 13);
}

function isChunk(data: ValuationEntry | ValuationChunk): data is ValuationChunk {
  return typeof (data as { chunk?: unknown }).chunk === "string";
}

const UNSAFE = /[\t\n]/;

/** One chunk line, or undefined when a field holds a tab or a newline (then it gets its own entry). */
function chunkLine(e: ValuationEntry): string | undefined {
  const line = `${e.movementId}\t${e.postings}\t${e.amount}\t${e.stockValue ?? "~"}\t${e.variance}\t${e.split ?? "~"}\t${e.consumed ?? "~"}\t${e.trueUps}`;
  if (UNSAFE.test(e.movementId) || UNSAFE.test(e.postings) || (e.consumed !== null && UNSAFE.test(e.consumed)) || UNSAFE.test(e.trueUps)) return undefined;
  return line;
}

function fromChunkLine(line: string, generation: number, cause: string): ValuationEntry {
  const f = line.split("\t");
  const orNull = (x: string): string | null => (x === "~" ? null : x);
  return { movementId: f[0]!, postings: f[1]!, amount: f[2]!, stockValue: orNull(f[3]!), variance: f[4]!, split: orNull(f[5]!), consumed: orNull(f[6]!), trueUps: f[7]!, generation, cause };
}

/** The chunk entries of re-valued movements (see {@link ValuationChunk}) and the entries of those that cannot be chunked. */
function chunkAppends(sku: string, changed: readonly { readonly position: string; readonly entry: ValuationEntry }[], generation: number, cause: string): LogAppend[] {
  const out: LogAppend[] = [];
  const gen = String(generation).padStart(12, "0");
  let bucket = "";
  let lines: string[] = [];
  let part = 0;
  const flush = (): void => {
    if (lines.length === 0) return;
    const data: ValuationChunk = { movementId: "", generation, cause, chunk: lines.join("\n") };
    out.push({ stream: sku, sortKey: `${bucket}#${gen}.${String(part).padStart(6, "0")}`, data });
    lines = [];
    part++;
  };
  for (const c of changed) {
    const b = valuationBucket(c.position);
    if (b !== bucket) {
      flush();
      bucket = b;
      part = 0;
    } else if (lines.length >= CHUNK_LINES) flush();
    const line = chunkLine(c.entry);
    if (line === undefined) out.push({ stream: sku, sortKey: generationKey(c.position, generation), data: c.entry });
    else lines.push(line);
  }
  flush();
  return out;
}

/**
 * Every valuation a movement had, oldest generation first (its own entries and the chunks
 * of back-datings that re-valued it).
 *
 * @example
 * ```ts
 * const all = await valuationHistory(tx, "MUG", "2026-03-01T10:00:00.000Z|mv_1", "mv_1");
 * all.at(-1)?.amount; // what is booked now
 * ```
 */
export async function valuationHistory(tx: Transaction, sku: string, position: string, movementId: string): Promise<ValuationEntry[]> {
  const own = await tx.logs.read<ValuationEntry | ValuationChunk>(VALUATIONS, sku, { gte: `${position}#`, lt: `${position}$` });
  const bucket = valuationBucket(position);
  const chunks = await tx.logs.read<ValuationEntry | ValuationChunk>(VALUATIONS, sku, { gte: `${bucket}#`, lt: `${bucket}$` });
  const out: ValuationEntry[] = [];
  for (const e of own) if (!isChunk(e.data) && e.data.movementId === movementId) out.push(e.data);
  const prefix = `${movementId}\t`;
  for (const e of chunks) {
    if (!isChunk(e.data)) continue;
    const text = e.data.chunk;
    const at = text.startsWith(prefix) ? 0 : text.indexOf(`\n${prefix}`);
    if (at < 0) continue;
    const start = at === 0 ? 0 : at + 1;
    const end = text.indexOf("\n", start);
    out.push(fromChunkLine(text.slice(start, end < 0 ? text.length : end), e.data.generation, e.data.cause));
  }
  return out.sort((a, b) => a.generation - b.generation);
}

/**
 * The valuation booked now for each movement with a position in `[first, last]`.
 *
 * @example
 * ```ts
 * const latest = await latestValuations(tx, "MUG", firstPosition, lastPosition);
 * latest.get("mv_1")?.amount;
 * ```
 */
export async function latestValuations(tx: Transaction, sku: string, first: string, last: string): Promise<Map<string, ValuationEntry>> {
  const entries = await tx.logs.read<ValuationEntry | ValuationChunk>(VALUATIONS, sku, { gte: `${valuationBucket(first)}#`, lt: `${last}$` });
  const latest = new Map<string, ValuationEntry>();
  const keep = (v: ValuationEntry): void => {
    const had = latest.get(v.movementId);
    if (had === undefined || had.generation < v.generation) latest.set(v.movementId, v);
  };
  for (const e of entries) {
    if (!isChunk(e.data)) keep(e.data);
    else for (const line of e.data.chunk.split("\n")) keep(fromChunkLine(line, e.data.generation, e.data.cause));
  }
  return latest;
}

function encodePostings(postings: Readonly<Record<string, bigint>>): string {
  let out = "";
  for (const role in postings) out += `${out === "" ? "" : ";"}${role}=${postings[role]!.toString()}`;
  return out;
}

/**
 * A movement to record, before it has an id and a valuation.
 *
 * @example
 * ```ts
 * const draft: MovementDraft = { sku: "MUG", kind: "receipt", effectiveAt: now.toISOString(), quantity: "10", warehouseId: "wh", locationId: "wh", counterRole: "grni", source: { type: "receipt", id: "grn_1" }, valueMinor: 2500n };
 * ```
 */
export interface MovementDraft {
  readonly sku: string;
  readonly kind: MovementKind;
  readonly effectiveAt: string;
  /** Signed change to on hand (canonical decimal); "0" for transfers and revaluations. */
  readonly quantity: string;
  readonly moved?: string;
  readonly warehouseId: string;
  readonly locationId: string;
  readonly lot?: string | undefined;
  readonly to?: { readonly warehouseId: string; readonly locationId: string };
  readonly stage?: "direct" | "dispatched" | "arrived";
  readonly transferId?: string;
  readonly counterRole: string;
  readonly source: StockSource;
  readonly orderId?: string | undefined;
  readonly valueMinor?: bigint | undefined;
  readonly costOf?: string | undefined;
  readonly revalues?: { readonly movementId: string; readonly receiptQty: bigint; readonly amount: bigint; readonly againstRole: string };
  readonly reason?: string;
  /** Reserved units this issue fulfils (they stop being reserved). */
  readonly reservedRelease?: string;
  /** Use this id instead of a new one. */
  readonly movementId?: string;
}

/**
 * A recorded movement and what it was valued at.
 *
 * @example
 * ```ts
 * const r: RecordedMovement = { movementId: "mv_1", sku: "MUG", kind: "receipt", effectiveAt: "...", effectiveDate: "2026-01-01", quantity: "10", amount: "25", postings: { inventory: "25", grni: "-25" }, backdated: false };
 * ```
 */
export interface RecordedMovement extends JsonObject {
  readonly movementId: string;
  readonly sku: string;
  readonly kind: MovementKind;
  readonly effectiveAt: string;
  readonly effectiveDate: string;
  readonly quantity: string;
  /** Cost of an issue, value of a receipt, amount of a revaluation (functional currency). */
  readonly amount: string;
  readonly postings: Readonly<Record<string, string>>;
  readonly backdated: boolean;
}

/**
 * The result of recording movements: each movement and the events to emit.
 *
 * @example
 * ```ts
 * const { movements, events } = await recordMovements(ctx, settings, drafts);
 * ```
 */
export interface RecordOutcome {
  readonly movements: RecordedMovement[];
  readonly events: NewEvent[];
}

function toDecimal(scaled: bigint, decimals: number): Decimal {
  return new Decimal(formatScaled(scaled, decimals));
}

/**
 * Records movements (any SKUs) in the command's transaction; see the module comment.
 *
 * @example
 * ```ts
 * const { movements, events } = await recordMovements(ctx, settings, [draft]);
 * return { result: movements, events };
 * ```
 */
export async function recordMovements(ctx: CommandContext, settings: InventorySettings, drafts: readonly MovementDraft[]): Promise<RecordOutcome> {
  const bySku = new Map<string, MovementDraft[]>();
  for (const d of drafts) {
    const list = bySku.get(d.sku) ?? [];
    list.push(d);
    bySku.set(d.sku, list);
  }
  const currency = ctx.config.functionalCurrency;
  const digits = minorUnits(currency);
  const rounding = roundingCode(ctx.config.rounding);
  const movements: RecordedMovement[] = [];
  const events: NewEvent[] = [];
  const counterChanges = new Map<string, { deltas: Map<string, Decimal>; enforce: Set<string>; sku: string; warehouseId: string }>();
  const quantityDeltas: BalanceDelta[] = [];
  const valueDeltas: BalanceDelta[] = [];

  // The earliest date written must be open (locks run through a date).
  let earliest: string | undefined;
  const records = new Map<string, MovementRecord[]>();
  const products = new Map<string, Product>();
  const dateOf = localDateFormatter(ctx.config.timeZone);
  for (const sku of [...bySku.keys()].sort()) {
    const product = await requireProduct(ctx.tx, sku);
    products.set(sku, product);
    const list: MovementRecord[] = [];
    for (const d of bySku.get(sku)!) {
      const record = toRecord(ctx, d, product, dateOf);
      list.push(record);
      if (earliest === undefined || record.effectiveDate < earliest) earliest = record.effectiveDate;
    }
    records.set(sku, list);
  }
  if (earliest !== undefined) await settings.periodGuard(ctx.tx, earliest);

  for (const sku of [...bySku.keys()].sort()) {
    const product = products.get(sku)!;
    const skuDrafts = bySku.get(sku)!;
    const skuRecords = records.get(sku)!;
    const outcome = await recordSku(ctx, settings, product, skuRecords, rounding);
    for (const [i, record] of skuRecords.entries()) {
      const draft = skuDrafts[i]!;
      const valuation = outcome.valuations.get(record.movementId)!;
      movements.push({
        movementId: record.movementId,
        sku,
        kind: record.kind,
        effectiveAt: record.effectiveAt,
        effectiveDate: record.effectiveDate,
        quantity: record.kind === "transfer" || record.kind === "revaluation" ? record.moved : record.quantity,
        amount: formatScaled(record.kind === "transfer" ? BigInt(record.valueMinor ?? "0") : valuation.amount, digits),
        postings: postingsJson(valuation.postings, digits),
        backdated: outcome.backdated,
      });
      events.push(...movementEvents(record, valuation, currency, digits));
      collectCounters(counterChanges, record, draft, product);
      collectBalances(quantityDeltas, valueDeltas, record, valuation, digits);
    }
    if (outcome.differences.size > 0) {
      events.push(...backdateEvents(sku, outcome.backdatedBy!, outcome.differences, currency, digits));
      for (const [date, roles] of outcome.differences) {
        const inventory = roles.get("inventory");
        if (inventory !== undefined) valueDeltas.push({ key: sku, bucket: date, amounts: { value: toDecimal(inventory, digits) } });
      }
    }
  }
  await checkLocations(ctx.tx, quantityDeltas, products);
  if (quantityDeltas.length > 0) await ctx.tx.balances.add(QUANTITIES, quantityDeltas);
  if (valueDeltas.length > 0) await ctx.tx.balances.add(VALUES, valueDeltas);
  await applyCounters(ctx.tx, counterChanges);
  return { movements, events };
}

/**
 * Refuses to take more from a location and lot than it holds now (the SKU's cost state is
 * locked, so no other command moves this SKU meanwhile). Products that allow negative
 * stock are not checked.
 */
async function checkLocations(tx: Transaction, deltas: readonly BalanceDelta[], products: ReadonlyMap<string, Product>): Promise<void> {
  const net = new Map<string, Decimal>();
  for (const d of deltas) net.set(d.key, (net.get(d.key) ?? new Decimal(0)).plus(d.amounts["quantity"] ?? 0));
  for (const [key, change] of net) {
    if (!change.isNegative()) continue;
    const [sku, locationId, lot] = key.split("|") as [string, string, string];
    if (products.get(sku)?.allowNegativeStock !== false) continue;
    const held = (await tx.balances.sum(QUANTITIES, key))["quantity"] ?? new Decimal(0);
    if (held.plus(change).isNegative()) {
      throw new StorekeepError(
        "INSUFFICIENT_STOCK",
        `Not enough ${sku} at location ${locationId}${lot === "" ? "" : ` (lot ${lot})`}: ${canonicalDecimal(held)} there, ${canonicalDecimal(change.negated())} needed. Take it from another location, or transfer stock there first.`,
        { sku, locationId, lot: lot === "" ? null : lot, onHand: canonicalDecimal(held), needed: canonicalDecimal(change.negated()) },
      );
    }
  }
}

function toRecord(ctx: CommandContext, d: MovementDraft, product: Product, dateOf: (instant: Date) => string): MovementRecord {
  const movementId = d.movementId ?? ctx.ids.next("mv");
  return {
    movementId,
    sku: d.sku,
    kind: d.kind,
    effectiveAt: d.effectiveAt,
    effectiveDate: dateOf(new Date(d.effectiveAt)),
    recordedAt: ctx.now.toISOString(),
    quantity: d.quantity,
    moved: d.moved ?? "0",
    warehouseId: d.warehouseId,
    locationId: d.locationId,
    lot: d.lot ?? null,
    to: d.to ?? null,
    stage: d.stage ?? null,
    transferId: d.transferId ?? null,
    counterRole: d.counterRole,
    source: { ...d.source } as MovementRecord["source"],
    orderId: d.orderId ?? null,
    valueMinor: d.valueMinor === undefined ? null : d.valueMinor.toString(),
    costOf: d.costOf ?? null,
    revalues: d.revalues === undefined ? null : { movementId: d.revalues.movementId, receiptQty: d.revalues.receiptQty.toString(), amount: d.revalues.amount.toString(), againstRole: d.revalues.againstRole },
    reason: d.reason ?? null,
    allowNegative: product.allowNegativeStock,
  };
}

interface SkuOutcome {
  readonly valuations: ReadonlyMap<string, MovementValuation>;
  readonly differences: ReadonlyMap<string, ReadonlyMap<string, bigint>>;
  readonly backdated: boolean;
  readonly backdatedBy?: string;
}

/** The fresh cost state of a product (standard cost from the product). */
function initialState(product: Product, digits: number): CostState {
  return emptyCostState(product.costingMethod, product.standardCost === null ? null : unitCostRatio(product.standardCost, digits));
}

function valuationEntry(movementId: string, v: MovementValuation, generation: number, cause: string): ValuationEntry {
  return {
    movementId,
    postings: encodePostings(v.postings),
    amount: v.amount.toString(),
    stockValue: v.stockValue === undefined ? null : v.stockValue.toString(),
    variance: v.variance.toString(),
    split: v.split === undefined ? null : `${v.split.onHand},${v.split.sold}`,
    consumed: v.consumed === null ? null : v.consumed.map((c) => `${c.layer},${c.qty},${c.value}`).join(";"),
    trueUps: v.trueUps.map((t) => `${t.movementId},${t.counterRole},${t.qty},${t.amount}`).join(";"),
    generation,
    cause,
  };
}

/**
 * A movement's index document: where it is (SKU, position) and what caused it (for
 * `explain`, returns at the cost an issue left with, and bills naming their receipt).
 *
 * @example
 * ```ts
 * const doc = await tx.documents.get<MovementIndexDoc>(MOVEMENT_INDEX, "mv_1");
 * ```
 */
export interface MovementIndexDoc extends JsonObject {
  readonly movementId: string;
  readonly sku: string;
  readonly position: string;
  readonly kind: string;
  readonly orderId: string;
  readonly sourceType: string;
  readonly sourceId: string;
  readonly sourceLineId: string;
}

/** The current cost and quantity of an issue (for a return, in a window that starts after it). */
async function currentIssueCost(tx: Transaction, movementId: string): Promise<{ cost: bigint; qty: bigint }> {
  const index = await tx.documents.get<MovementIndexDoc>(MOVEMENT_INDEX, movementId);
  invariant(index !== undefined, `movement ${movementId} is not indexed`);
  const { sku, position } = index.data;
  const [movement] = await tx.logs.read<MovementRecord>(MOVEMENTS, sku, { gte: position, lte: position });
  const latest = (await valuationHistory(tx, sku, position, movementId)).at(-1);
  invariant(movement !== undefined && latest !== undefined, `movement ${movementId} has no valuation`);
  const q = parseScaled(movement.data.quantity, QUANTITY_DECIMALS);
  return { cost: BigInt(latest.amount), qty: q < 0n ? -q : q };
}

/**
 * True when a movement that would go negative is "later" than the new ones only because of
 * a race, not because the host back-dated anything: the new movements are dated at their
 * command's own instant (a command that waited for the SKU's lock took its instant and id
 * before one that committed first), or the movement driven negative has the same effective
 * instant (ties are ordered by id, and ids are taken before the lock). Then the new
 * movement lost the race for the stock: `INSUFFICIENT_STOCK`, not `NEGATIVE_HISTORY`.
 */
function racedFor(ctx: CommandContext, sorted: readonly MovementRecord[], stored: readonly { readonly data: MovementRecord }[], negativeId: string): boolean {
  const now = ctx.now.toISOString();
  if (sorted.every((r) => r.effectiveAt >= now)) return true;
  const negative = stored.find((e) => e.data.movementId === negativeId)?.data;
  return negative !== undefined && sorted.some((r) => r.effectiveAt === negative.effectiveAt);
}

async function recordSku(ctx: CommandContext, settings: InventorySettings, product: Product, records: MovementRecord[], rounding: RoundingCode): Promise<SkuOutcome> {
  const tx = ctx.tx;
  const sku = product.sku;
  const digits = minorUnits(ctx.config.functionalCurrency);
  const kernel = kernelFor(product.costingMethod, settings.kernels);
  const doc = await tx.documents.getForUpdate<CostStateDoc>(COST_STATES, sku);
  const version = doc?.version ?? 0;
  const generation = version + 1;
  const lastPosition = doc?.data.lastPosition ?? "";
  const sorted = [...records].sort((a, b) => cmp(movementPosition(a.effectiveAt, a.movementId), movementPosition(b.effectiveAt, b.movementId)));
  const firstPosition = movementPosition(sorted[0]!.effectiveAt, sorted[0]!.movementId);
  const valuationAppends: LogAppend[] = [];
  const snapshotAppends: LogAppend[] = [];
  let state: CostState;
  let valuations: Map<string, MovementValuation>;
  let differences: ReadonlyMap<string, ReadonlyMap<string, bigint>> = new Map();
  let sinceSnapshot = doc?.data.sinceSnapshot ?? 0;
  const backdated = firstPosition < lastPosition;

  if (!backdated) {
    state = doc === undefined ? initialState(product, digits) : costStateFromJson(doc.data.state);
    valuations = new Map();
    for (const record of sorted) {
      const input = valuationInputOf(record);
      if (record.kind === "transfer" && record.valueMinor === null) {
        (record as { valueMinor: string | null }).valueMinor = currentCost(state, parseScaled(record.moved, QUANTITY_DECIMALS), rounding).toString();
      }
      if (input.effect === "out" && !input.allowNegative && onHandOf(state) < input.qty) {
        throw new StorekeepError(
          "INSUFFICIENT_STOCK",
          `Not enough ${sku} on hand on ${record.effectiveDate}: ${formatScaled(onHandOf(state), QUANTITY_DECIMALS)} on hand, ${formatScaled(input.qty, QUANTITY_DECIMALS)} needed. Receive stock first, or allow negative stock for this product.`,
          { sku, date: record.effectiveDate, onHand: formatScaled(onHandOf(state), QUANTITY_DECIMALS), needed: formatScaled(input.qty, QUANTITY_DECIMALS) },
        );
      }
      const v = valueMovement(kernel, state, input, rounding, () => undefined, true);
      valuations.set(record.movementId, v);
      const position = movementPosition(record.effectiveAt, record.movementId);
      valuationAppends.push({ stream: sku, sortKey: generationKey(position, generation), data: valuationEntry(record.movementId, v, generation, "recorded") });
      sinceSnapshot++;
      // A snapshot costs O(layers): at most one every `layers` movements keeps their total size proportional to the movements.
      if (sinceSnapshot >= Math.max(settings.snapshotEvery, state.layers.length - state.head + state.deficits.length)) {
        snapshotAppends.push({ stream: sku, sortKey: generationKey(position, generation), data: { movementId: record.movementId, position, state: costStateToJson(state) } });
        sinceSnapshot = 0;
      }
    }
  } else {
    // Re-derivation: the checkpoint before the first new movement, then everything after it.
    const [snapshot] = await tx.logs.read<SnapshotEntry>(SNAPSHOTS, sku, { lt: firstPosition, order: "desc", limit: 1 });
    const start = snapshot === undefined ? initialState(product, digits) : costStateFromJson(snapshot.data.state);
    const range = snapshot === undefined ? {} : { gt: snapshot.data.position };
    const stored = await tx.logs.read<MovementRecord>(MOVEMENTS, sku, range);
    // What is booked now for each later movement is what replaying them from the same
    // checkpoint without the new movements gives (valuation is a deterministic function of
    // the recorded movements), so this reads nothing more than the movements themselves;
    // `rederive` values both in one pass.
    for (const record of sorted) {
      if (record.kind === "transfer" && record.valueMinor === null) {
        const current = doc === undefined ? initialState(product, digits) : costStateFromJson(doc.data.state);
        (record as { valueMinor: string | null }).valueMinor = currentCost(current, parseScaled(record.moved, QUANTITY_DECIMALS), rounding).toString();
      }
    }
    const newInputs = sorted.map((r) => valuationInputOf(r));
    // Returns in the window at the cost of an issue before it: that issue's current cost.
    const windowReferenced: string[] = [];
    for (const e of stored) if (e.data.costOf !== null) windowReferenced.push(e.data.costOf);
    const outside = new Set(windowReferenced);
    for (const m of newInputs) if (m.costOf !== undefined) outside.add(m.costOf.movementId);
    const outsideCosts = new Map<string, { cost: bigint; qty: bigint }>();
    if (outside.size > 0) {
      for (const e of stored) outside.delete(e.data.movementId);
      for (const m of newInputs) outside.delete(m.id);
      for (const id of [...outside].sort()) outsideCosts.set(id, await currentIssueCost(tx, id));
    }
    const staleSnapshots = await tx.logs.read<SnapshotEntry>(SNAPSHOTS, sku, { gt: firstPosition });
    const rewrite = new Set(staleSnapshots.map((s) => s.data.movementId));
    const result = rederive(start, stored, newInputs, { kernel, rounding, checkpointAfter: rewrite, checkpointEvery: settings.snapshotEvery, outsideCosts, referenced: windowReferenced }, (e) => valuationInputOf(e.data, e.sortKey));
    if ("negative" in result) {
      const n = result.negative;
      const isNew = newInputs.some((m) => m.id === n.movementId);
      if (!isNew && racedFor(ctx, sorted, stored, n.movementId)) {
        throw new StorekeepError(
          "INSUFFICIENT_STOCK",
          `Not enough ${sku} on hand on ${n.date}: movements recorded at the same time took it (movement ${n.movementId} needs ${formatScaled(n.needed, QUANTITY_DECIMALS)} with ${formatScaled(n.onHand, QUANTITY_DECIMALS)} on hand once this one is in place). Receive stock first, or take less.`,
          { sku, date: n.date, movementId: n.movementId, onHand: formatScaled(n.onHand, QUANTITY_DECIMALS), needed: formatScaled(n.needed, QUANTITY_DECIMALS), concurrent: true },
        );
      }
      throw new StorekeepError(
        isNew ? "INSUFFICIENT_STOCK" : "NEGATIVE_HISTORY",
        isNew
          ? `Not enough ${sku} on hand on ${n.date}: ${formatScaled(n.onHand, QUANTITY_DECIMALS)} on hand then, ${formatScaled(n.needed, QUANTITY_DECIMALS)} needed. Date the movement later or receive stock before it.`
          : `Recording this would drive ${sku}'s history negative on ${n.date} (movement ${n.movementId} issues ${formatScaled(n.needed, QUANTITY_DECIMALS)} with ${formatScaled(n.onHand, QUANTITY_DECIMALS)} on hand). Date it later, or record the missing receipt first.`,
        { sku, date: n.date, movementId: n.movementId, onHand: formatScaled(n.onHand, QUANTITY_DECIMALS), needed: formatScaled(n.needed, QUANTITY_DECIMALS) },
      );
    }
    const firstNewId = sorted[0]!.movementId;
    for (const date of result.differences.keys()) invariant(date >= sorted[0]!.effectiveDate, "a re-derivation difference is dated before the back-dated movement");
    state = result.state;
    valuations = new Map();
    differences = result.differences;
    const cause = `backdated:${firstNewId}`;
    const revalued: { position: string; entry: ValuationEntry }[] = [];
    for (const c of result.changed) {
      if (c.isNew) {
        valuations.set(c.id, c.valuation);
        valuationAppends.push({ stream: sku, sortKey: generationKey(c.position, generation), data: valuationEntry(c.id, c.valuation, generation, "recorded") });
      } else {
        revalued.push({ position: c.position, entry: valuationEntry(c.id, c.valuation, generation, cause) });
      }
    }
    for (const a of chunkAppends(sku, revalued, generation, cause)) valuationAppends.push(a);
    for (const checkpoint of result.checkpoints) {
      if (checkpoint.position < firstPosition) continue;
      snapshotAppends.push({ stream: sku, sortKey: generationKey(checkpoint.position, generation), data: { movementId: checkpoint.id, position: checkpoint.position, state: checkpoint.state } });
    }
    sinceSnapshot = (doc?.data.sinceSnapshot ?? 0) + sorted.length;
  }

  const newLast = sorted.reduce((max, r) => {
    const p = movementPosition(r.effectiveAt, r.movementId);
    return p > max ? p : max;
  }, lastPosition);
  await tx.logs.append(MOVEMENTS, sorted.map((r) => ({ stream: sku, sortKey: movementPosition(r.effectiveAt, r.movementId), data: r })));
  await tx.logs.append(VALUATIONS, valuationAppends);
  if (snapshotAppends.length > 0) await tx.logs.append(SNAPSHOTS, snapshotAppends);
  for (const r of sorted) {
    const index: MovementIndexDoc = {
      movementId: r.movementId,
      sku,
      position: movementPosition(r.effectiveAt, r.movementId),
      kind: r.kind,
      orderId: r.orderId ?? "",
      sourceType: r.source.type,
      sourceId: r.source.id,
      sourceLineId: r.source.lineId ?? "",
    };
    await tx.documents.put(MOVEMENT_INDEX, r.movementId, index, 0);
  }
  const next: CostStateDoc = { sku, state: costStateToJson(state), lastPosition: newLast, movements: (doc?.data.movements ?? 0) + sorted.length, sinceSnapshot };
  await tx.documents.put(COST_STATES, sku, next, version);
  const out: SkuOutcome = { valuations, differences, backdated, ...(backdated ? { backdatedBy: sorted[0]!.movementId } : {}) };
  return out;
}

/** Merges two lists sorted by position (the recorded movements and the few new ones). */
function mergeByPosition(a: readonly ValuationInput[], b: readonly ValuationInput[]): ValuationInput[] {
  const out: ValuationInput[] = new Array<ValuationInput>(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) out[k++] = a[i]!.position < b[j]!.position ? a[i++]! : b[j++]!;
  while (i < a.length) out[k++] = a[i++]!;
  while (j < b.length) out[k++] = b[j++]!;
  return out;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function postingsJson(postings: Readonly<Record<string, bigint>>, digits: number): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [role, amount] of Object.entries(postings)) out[role] = formatScaled(amount, digits);
  return out;
}

function money(minor: bigint, currency: string, digits: number): { amount: string; currency: string } {
  return { amount: formatScaled(minor, digits), currency };
}

function place(record: MovementRecord): { warehouseId: string; locationId: string; lot?: string } {
  return { warehouseId: record.warehouseId, locationId: record.locationId, ...(record.lot === null ? {} : { lot: record.lot }) };
}

function movementEvents(record: MovementRecord, v: MovementValuation, currency: string, digits: number): NewEvent[] {
  const base = { aggregateType: "sku", aggregateId: record.sku, effectiveDate: record.effectiveDate };
  const quantity = record.quantity.startsWith("-") ? record.quantity.slice(1) : record.quantity;
  const common = { movementId: record.movementId, sku: record.sku, effectiveAt: record.effectiveAt, source: record.source };
  const events: NewEvent[] = [];
  const effect = effectOf(record);
  if (record.kind === "adjustment" || record.kind === "scrap") {
    const signed = effect === "in" ? v.amount : -v.amount;
    events.push({
      type: "StockAdjusted",
      ...base,
      payload: { ...common, ...place(record), quantity: record.quantity, value: money(signed, currency, digits), reason: record.reason ?? (record.kind === "scrap" ? "scrap" : "count"), counterAccountRole: record.counterRole },
    });
  } else if (effect === "in") {
    const stockValue = v.stockValue ?? v.amount;
    events.push({
      type: "StockReceived",
      ...base,
      payload: {
        ...common,
        ...place(record),
        quantity,
        value: money(stockValue, currency, digits),
        counterAccountRole: record.counterRole,
        ...(stockValue === v.amount ? {} : { counterValue: money(v.amount, currency, digits) }),
      },
    });
  } else if (effect === "out") {
    events.push({ type: "StockIssued", ...base, payload: { ...common, ...place(record), quantity, cost: money(v.amount, currency, digits), counterAccountRole: record.counterRole } });
  } else if (record.kind === "transfer") {
    const to = record.to!;
    events.push({
      type: "StockTransferred",
      ...base,
      payload: {
        ...common,
        ...(record.transferId === null ? {} : { transferId: record.transferId }),
        ...(record.lot === null ? {} : { lot: record.lot }),
        from: { warehouseId: record.warehouseId, locationId: record.locationId },
        to: { warehouseId: to.warehouseId, locationId: to.locationId },
        quantity: record.moved,
        value: money(BigInt(record.valueMinor ?? "0"), currency, digits),
        stage: record.stage ?? "direct",
      },
    });
  } else if (record.kind === "revaluation") {
    const postings = Object.entries(v.postings).sort(rolesFirst).map(([role, amount]) => ({ role, amount: money(amount, currency, digits) }));
    if (postings.length >= 2) {
      events.push({ type: "StockRevalued", ...base, payload: { revaluationId: record.movementId, sku: record.sku, reason: record.reason ?? "price-difference", source: record.source, postings } });
    }
  }
  if (v.trueUps.length > 0) {
    let total = 0n;
    const parts: { role: string; amount: { amount: string; currency: string }; movementId: string }[] = [];
    for (const t of v.trueUps) {
      total += t.amount;
      parts.push({ role: t.counterRole, amount: money(t.amount, currency, digits), movementId: t.movementId });
    }
    if (total !== 0n || parts.length > 1) {
      const postings = [...(total === 0n ? [] : [{ role: "inventory", amount: money(-total, currency, digits) }]), ...parts];
      events.push({ type: "StockRevalued", ...base, payload: { revaluationId: `${record.movementId}.true-up`, sku: record.sku, reason: "negative-stock-true-up", source: { type: "true-up", id: record.movementId }, postings } });
    }
  }
  return events;
}

function rolesFirst([a]: [string, bigint], [b]: [string, bigint]): number {
  if (a === b) return 0;
  if (a === "inventory") return -1;
  if (b === "inventory") return 1;
  return cmp(a, b);
}

/** Differences of a re-derivation as StockRevalued events, whole dates per event (at most 1,000 postings each). */
function backdateEvents(sku: string, movementId: string, differences: ReadonlyMap<string, ReadonlyMap<string, bigint>>, currency: string, digits: number): NewEvent[] {
  const events: NewEvent[] = [];
  let postings: { role: string; amount: { amount: string; currency: string }; date: string }[] = [];
  let firstDate: string | undefined;
  const flush = (): void => {
    if (postings.length === 0) return;
    events.push({
      type: "StockRevalued",
      aggregateType: "sku",
      aggregateId: sku,
      effectiveDate: firstDate!,
      payload: { revaluationId: `${movementId}.backdate.${events.length + 1}`, sku, reason: "backdated", source: { type: "backdate", id: movementId }, postings },
    });
    postings = [];
    firstDate = undefined;
  };
  for (const date of [...differences.keys()].sort()) {
    const roles = [...differences.get(date)!.entries()].sort(rolesFirst);
    if (postings.length + roles.length > 1000) flush();
    firstDate ??= date;
    for (const [role, amount] of roles) postings.push({ role, amount: money(amount, currency, digits), date });
  }
  flush();
  return events;
}

function counterKey(sku: string, warehouseId: string): string {
  return `${sku}|${warehouseId}`;
}

function collectCounters(changes: Map<string, { deltas: Map<string, Decimal>; enforce: Set<string>; sku: string; warehouseId: string }>, record: MovementRecord, draft: MovementDraft, product: Product): void {
  const add = (warehouseId: string, field: string, delta: Decimal, enforce?: string): void => {
    const key = counterKey(record.sku, warehouseId);
    const change = changes.get(key) ?? { deltas: new Map<string, Decimal>(), enforce: new Set<string>(), sku: record.sku, warehouseId };
    change.deltas.set(field, (change.deltas.get(field) ?? new Decimal(0)).plus(delta));
    if (enforce !== undefined && !product.allowNegativeStock) change.enforce.add(enforce);
    changes.set(key, change);
  };
  const quantity = new Decimal(record.quantity);
  if (record.kind === "transfer") {
    const moved = new Decimal(record.moved);
    const to = record.to!;
    if (record.stage !== "arrived") add(record.warehouseId, "onHand", moved.negated(), "available");
    if (record.stage !== "dispatched") add(to.warehouseId, "onHand", moved);
    return;
  }
  if (quantity.isZero()) return;
  if (quantity.isNegative()) {
    const release = draft.reservedRelease === undefined ? new Decimal(0) : new Decimal(draft.reservedRelease);
    add(record.warehouseId, "onHand", quantity, release.isZero() ? "available" : "onHand");
    if (!release.isZero()) add(record.warehouseId, "reserved", release.negated());
  } else {
    add(record.warehouseId, "onHand", quantity);
  }
}

function collectBalances(quantities: BalanceDelta[], values: BalanceDelta[], record: MovementRecord, v: MovementValuation, digits: number): void {
  const lot = record.lot ?? "";
  const bucket = record.effectiveDate;
  if (record.kind === "transfer") {
    const moved = new Decimal(record.moved);
    const to = record.to!;
    const value = toDecimal(BigInt(record.valueMinor ?? "0"), digits);
    const transit = inTransitLocation(to.warehouseId);
    const from = record.stage === "arrived" ? transit : record.locationId;
    const into = record.stage === "dispatched" ? transit : to.locationId;
    quantities.push({ key: `${record.sku}|${from}|${lot}`, bucket, amounts: { quantity: moved.negated() } });
    quantities.push({ key: `${record.sku}|${into}|${lot}`, bucket, amounts: { quantity: moved } });
    if (record.stage !== "direct" && record.stage !== null) {
      values.push({ key: record.sku, bucket, amounts: { inTransit: record.stage === "dispatched" ? value : value.negated() } });
    }
    return;
  }
  const quantity = new Decimal(record.quantity);
  if (!quantity.isZero()) quantities.push({ key: `${record.sku}|${record.locationId}|${lot}`, bucket, amounts: { quantity } });
  const inventory = v.postings["inventory"];
  if (inventory !== undefined) values.push({ key: record.sku, bucket, amounts: { value: toDecimal(inventory, digits) } });
}

async function applyCounters(tx: Transaction, changes: Map<string, { deltas: Map<string, Decimal>; enforce: Set<string>; sku: string; warehouseId: string }>): Promise<void> {
  if (changes.size === 0) return;
  const list: CounterChange[] = [...changes.entries()]
    .sort(([a], [b]) => cmp(a, b))
    .map(([key, c]) => ({ key, deltas: Object.fromEntries(c.deltas), enforce: [...c.enforce] }));
  try {
    await tx.counters.apply(AVAILABILITY, list);
  } catch (error) {
    if (isStorekeepError(error) && error.code === "GUARD_VIOLATED") {
      const key = String(error.details["key"] ?? "");
      const change = changes.get(key);
      const value = String(error.details["value"] ?? "");
      throw new StorekeepError(
        "INSUFFICIENT_STOCK",
        `Not enough ${change?.sku ?? key} available at warehouse ${change?.warehouseId ?? "?"}: this would leave ${value} ${error.details["guard"] === "onHand" ? "on hand" : "available (on hand less reserved)"}. Receive stock, release holds, or allow negative stock for this product.`,
        { sku: change?.sku, warehouseId: change?.warehouseId, guard: error.details["guard"], wouldBe: value },
        { cause: error },
      );
    }
    throw error;
  }
}
