import type { JsonObject } from "../ports/storage.js";
import { type CostState, type CostingMethod, type Layer, type Ratio, isPoolMethod, liveLayers } from "./valuation-kernel.js";

/*
 * The JSON form of a SKU's cost state: the `inventory.cost-states` document (read with
 * getForUpdate) and the checkpoints in `inventory.snapshots`. Scaled integers are kept as
 * integer strings (quantities in 10⁻⁶ units, values in minor units) so nothing is rounded
 * on the way through the store.
 */

/**
 * The stored cost state of one SKU.
 *
 * @example
 * ```ts
 * const json: CostStateJson = { method: "fifo", layers: [["10000000", "2500", "mv_1"]], deficits: [], lastUnit: ["2500", "10000000"], standard: null };
 * ```
 */
export interface CostStateJson extends JsonObject {
  readonly method: CostingMethod;
  /**
   * [scaled quantity, minor value, movement id] per layer, oldest first; or the same packed
   * in one string (`qty\tvalue\tid` lines joined by `\n`), which is how they are written
   * when no id holds a tab or a newline — one string instead of thousands of small arrays
   * keeps checkpoints of long FIFO histories cheap to store.
   */
  readonly layers: readonly (readonly [string, string, string])[] | string;
  /**
   * The packed layers after the first, when `layers` is the first one's line alone (a FIFO
   * queue is written so): an issue changes only the first layer, and the text of the rest is
   * the very string written before, not a new one of thousands of characters joined at every
   * movement. Absent: `layers` holds them all.
   */
  readonly rest?: string;
  /** [scaled quantity, minor value, movement id, counter role] per negative-stock issue. */
  readonly deficits: readonly (readonly [string, string, string, string])[];
  readonly lastUnit: readonly [string, string] | null;
  readonly standard: readonly [string, string] | null;
}

const UNSAFE = /[\t\n]/;

const ratioJson = (r: Ratio | null): readonly [string, string] | null => (r === null ? null : [r.value.toString(), r.qty.toString()]);
const ratioOf = (r: readonly [string, string] | null): Ratio | null => (r === null ? null : { value: BigInt(r[0]), qty: BigInt(r[1]) });

/**
 * The JSON form of a working cost state (empty layers dropped).
 *
 * @example
 * ```ts
 * costStateToJson(emptyCostState("fifo")).layers; // ""
 * ```
 */
export function costStateToJson(state: CostState): CostStateJson {
  let layers: (readonly [string, string, string])[] | string | undefined;
  let rest: string | undefined;
  if (isPoolMethod(state.method)) {
    // A pool (moving average, standard) is written as one layer named "pool", as it always was.
    layers = packLayers(liveLayers(state), 0);
  } else {
    // FIFO: the head layer is the one an issue changes; the layers after it are packed once
    // and reused while they stay the same (see `packTail`).
    const all = state.layers;
    const head = state.head;
    if (head >= all.length) layers = "";
    else {
      const first = all[head]!;
      const headLine = first.qty === 0n && first.value === 0n ? "" : UNSAFE.test(first.movementId) ? undefined : `${first.qty}\t${first.value}\t${first.movementId}`;
      const tail = headLine === undefined ? undefined : packTail(all, head + 1);
      if (headLine !== undefined && tail !== undefined) {
        if (headLine === "" || tail === "") layers = headLine === "" ? tail : headLine;
        else {
          layers = headLine;
          rest = tail;
        }
      }
    }
  }
  if (layers === undefined) {
    // An id holding a tab or a newline: the layers as arrays.
    const live = isPoolMethod(state.method) ? liveLayers(state) : state.layers;
    const start = isPoolMethod(state.method) ? 0 : state.head;
    layers = [];
    for (let i = start; i < live.length; i++) {
      const l = live[i]!;
      if (l.qty === 0n && l.value === 0n) continue;
      layers.push([l.qty.toString(), l.value.toString(), l.movementId]);
    }
  }
  const json: { -readonly [K in keyof CostStateJson]: CostStateJson[K] } = {
    method: state.method,
    layers,
    deficits: state.deficits.map((d) => [d.qty.toString(), d.value.toString(), d.movementId, d.counterRole] as const),
    lastUnit: ratioJson(state.lastUnit),
    standard: ratioJson(state.standard),
  };
  if (rest !== undefined) json.rest = rest;
  return json;
}

/** Layers from `from` on packed as `qty\tvalue\tid` lines (empty ones left out); undefined when an id is unsafe. */
function packLayers(layers: readonly Layer[], from: number): string | undefined {
  let text = "";
  for (let i = from; i < layers.length; i++) {
    const l = layers[i]!;
    if (l.qty === 0n && l.value === 0n) continue;
    if (UNSAFE.test(l.movementId)) return undefined;
    text += `${text === "" ? "" : "\n"}${l.qty}\t${l.value}\t${l.movementId}`;
  }
  return text;
}

/**
 * The packed text of a FIFO state's layers after its head, as last written: the layers it
 * covers (`first` to `end`) with the figures they had, and where each one's line starts in
 * `text` (an empty layer: where the next line starts).
 */
interface PackedTail {
  readonly first: number;
  readonly end: number;
  readonly qty: readonly bigint[];
  readonly value: readonly bigint[];
  readonly ids: readonly string[];
  readonly offsets: readonly number[];
  readonly text: string;
}

/*
 * Per layers array (a SKU's working state), its packed tail. An issue changes only the head
 * layer, so the layers after it pack to the same text from one movement to the next; writing
 * that text again cost ~6 µs a movement for 50 layers (two bigints formatted and an id tested
 * per layer). The cache is checked against the layers' figures (any layer changed in place —
 * a revaluation — is packed anew) and extended when receipts append layers.
 */
const TAILS = new WeakMap<readonly Layer[], PackedTail>();

/** {@link packLayers} of `layers` from `from`, reusing and extending what was packed before. */
function packTail(layers: readonly Layer[], from: number): string | undefined {
  const cached = TAILS.get(layers);
  if (cached === undefined || from < cached.first || from > cached.end || cached.end > layers.length || !sameFigures(cached, layers, from)) {
    return remember(layers, from, 0, "", [], [], [], []);
  }
  const offset = from === cached.end ? cached.text.length : cached.offsets[from - cached.first]!;
  const kept = offset === 0 ? cached.text : cached.text.slice(offset);
  if (cached.end === layers.length) return kept;
  // Receipts appended layers: the kept text plus theirs, remembered from `from` on.
  const k = from - cached.first;
  return remember(layers, from, cached.end - from, kept, cached.qty.slice(k), cached.value.slice(k), cached.ids.slice(k), cached.offsets.slice(k).map((o) => o - offset));
}

function sameFigures(cached: PackedTail, layers: readonly Layer[], from: number): boolean {
  for (let i = from; i < cached.end; i++) {
    const l = layers[i]!;
    const k = i - cached.first;
    if (l.qty !== cached.qty[k] || l.value !== cached.value[k] || l.movementId !== cached.ids[k]) return false;
  }
  return true;
}

/** Packs layers `from + known` onwards after `text` (which holds the first `known`), remembers the whole and returns it. */
function remember(layers: readonly Layer[], from: number, known: number, text: string, qty: bigint[], value: bigint[], ids: string[], offsets: number[]): string | undefined {
  for (let i = from + known; i < layers.length; i++) {
    const l = layers[i]!;
    qty.push(l.qty);
    value.push(l.value);
    ids.push(l.movementId);
    if (l.qty === 0n && l.value === 0n) {
      offsets.push(text.length === 0 ? 0 : text.length + 1);
      continue;
    }
    if (UNSAFE.test(l.movementId)) return undefined;
    offsets.push(text.length === 0 ? 0 : text.length + 1);
    text += `${text === "" ? "" : "\n"}${l.qty}\t${l.value}\t${l.movementId}`;
  }
  TAILS.set(layers, { first: from, end: layers.length, qty, value, ids, offsets, text });
  return text;
}

/**
 * A working cost state from its JSON form.
 *
 * @example
 * ```ts
 * const state = costStateFromJson(doc.data.state);
 * ```
 */
export function costStateFromJson(json: CostStateJson): CostState {
  let qty = 0n;
  let value = 0n;
  const unpack = (text: string) => (text === "" ? [] : text.split("\n").map((line) => line.split("\t") as unknown as [string, string, string]));
  const first: readonly (readonly [string, string, string])[] = typeof json.layers === "string" ? unpack(json.layers) : json.layers;
  const tuples = json.rest === undefined ? first : [...first, ...unpack(json.rest)];
  const layers = tuples.map(([q, v, movementId]) => {
    const layer = { qty: BigInt(q), value: BigInt(v), movementId };
    qty += layer.qty;
    value += layer.value;
    return layer;
  });
  let deficitQty = 0n;
  let deficitValue = 0n;
  const deficits = json.deficits.map(([q, v, movementId, counterRole]) => {
    const d = { qty: BigInt(q), value: BigInt(v), movementId, counterRole };
    deficitQty += d.qty;
    deficitValue += d.value;
    return d;
  });
  // A pool method's stored layer is its pool: the totals hold it, no layer object is kept.
  return { method: json.method, layers: isPoolMethod(json.method) ? [] : layers, head: 0, qty, value, deficits, deficitQty, deficitValue, lastUnit: ratioOf(json.lastUnit), standard: ratioOf(json.standard) };
}

/*
 * The cost states recording wrote last, kept parsed, so the next movement of the same SKU
 * does not parse its FIFO layers again. Entries are found by identity: a store that keeps
 * documents in memory hands back the very JSON object written, so the lookup costs neither a
 * parse nor hashing the layers text (a string of thousands of characters for a long FIFO
 * queue, new at every write); anything else (a SQL store's fresh parse, a copy) is parsed as
 * before. A state is handed out once (taken from the cache), since recording changes it in
 * place; the last WRITTEN_MAX written are kept.
 */
const written = new WeakMap<CostStateJson, CostState>();
const WRITTEN_MAX = 256;
const writtenOrder: (CostStateJson | undefined)[] = new Array(WRITTEN_MAX).fill(undefined);
let writtenNext = 0;

/** The state as a parse of its JSON would give it: consumed and empty layers dropped, head 0. */
function compacted(state: CostState): CostState {
  let clean = state.head === 0;
  for (let i = state.head; clean && i < state.layers.length; i++) {
    const l = state.layers[i]!;
    if (l.qty === 0n && l.value === 0n) clean = false;
  }
  if (!clean) {
    state.layers = state.layers.slice(state.head).filter((l) => l.qty !== 0n || l.value !== 0n);
    state.head = 0;
  }
  return state;
}

/**
 * The working cost state of a stored JSON form, for changing it: the state recording kept
 * when it wrote exactly this content ({@link keepCostState}), else a fresh parse.
 *
 * @example
 * ```ts
 * const state = takeCostState(doc.data.state);
 * ```
 */
export function takeCostState(json: CostStateJson): CostState {
  const kept = written.get(json);
  if (kept !== undefined) {
    written.delete(json);
    return compacted(kept);
  }
  return costStateFromJson(json);
}

/**
 * Remembers the state just written as `json` (neither may change afterwards).
 *
 * @example
 * ```ts
 * const json = costStateToJson(state);
 * keepCostState(json, state);
 * ```
 */
export function keepCostState(json: CostStateJson, state: CostState): void {
  const evicted = writtenOrder[writtenNext];
  if (evicted !== undefined) written.delete(evicted);
  writtenOrder[writtenNext] = json;
  writtenNext = (writtenNext + 1) % WRITTEN_MAX;
  written.set(json, state);
}
