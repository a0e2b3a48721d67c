import type { JsonObject, LogAppend, LogEntry, LogReadRequest, Transaction } from "../ports/storage.js";
import { VALUATIONS, generationKey } from "./movement.js";
import type { MovementValuation } from "./valuation.js";

/*
 * The valuation log (`inventory.valuations`): how a movement valuation is stored (flat
 * strings, chunks of re-valued movements), encoded and decoded, and read back.
 */

/**
 * A movement valuation as stored: flat strings (one frozen object a row keeps appending
 * 50,000 re-valued movements cheap). Amounts are minor units, quantities 10⁻⁶ units, as
 * integer strings. `postings` is `role=amount;…`, `consumed` `layer,qty,value;…`,
 * `trueUps` `movementId,role,qty,amount;…`, `split` `onHand,sold`. Read it with
 * `decodeValuation`.
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
export function chunkAppends(sku: string, changed: readonly { readonly position: string; readonly entry: ValuationEntry }[], generation: number, cause: string): LogAppend[] {
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
  const [ownRange, chunkRange] = valuationHistoryReads(sku, position);
  const own = await tx.logs.read<ValuationEntry | ValuationChunk>(VALUATIONS, sku, ownRange.range);
  const chunks = await tx.logs.read<ValuationEntry | ValuationChunk>(VALUATIONS, sku, chunkRange.range);
  return valuationHistoryOf(own, chunks, movementId);
}

/**
 * The two reads of the valuation log that {@link valuationHistory} makes for a movement: its
 * own entries, and the chunks of its position's bucket (for a caller that reads several
 * movements' histories in one `readLogs`).
 *
 * @example
 * ```ts
 * const [own, chunks] = await readLogs(tx, VALUATIONS, valuationHistoryReads("MUG", position));
 * ```
 */
export function valuationHistoryReads(sku: string, position: string): [LogReadRequest, LogReadRequest] {
  const bucket = valuationBucket(position);
  return [
    { stream: sku, range: { gte: `${position}#`, lt: `${position}$` } },
    { stream: sku, range: { gte: `${bucket}#`, lt: `${bucket}$` } },
  ];
}

/**
 * A movement's valuations, oldest generation first, from the two reads
 * {@link valuationHistoryReads} names.
 *
 * @example
 * ```ts
 * const history = valuationHistoryOf(own, chunks, "mv_1");
 * ```
 */
export function valuationHistoryOf(own: readonly LogEntry<JsonObject>[], chunks: readonly LogEntry<JsonObject>[], movementId: string): ValuationEntry[] {
  const out: ValuationEntry[] = [];
  for (const e of own as readonly LogEntry<ValuationEntry | ValuationChunk>[]) if (!isChunk(e.data) && e.data.movementId === movementId) out.push(e.data);
  const prefix = `${movementId}\t`;
  for (const e of chunks as readonly LogEntry<ValuationEntry | ValuationChunk>[]) {
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

export function valuationEntry(movementId: string, v: MovementValuation, generation: number, cause: string): ValuationEntry {
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
