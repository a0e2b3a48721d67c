import { Decimal } from "../../kernel/decimal.js";
import { InvariantError, StorekeepError } from "../../kernel/errors.js";
import type { BalanceQuery, BalanceSpec, BucketRange } from "../../ports/storage.js";
import { decimalOfScaled, pow10, scaledOf } from "../../kernel/scaled.js";
import { SortedList, compareStrings, lowerBound } from "./sorted-list.js";

/**
 * One key's buckets in order, with running totals per field (`cumulative[i]` = the sum of
 * buckets 0..i; a bucket's own sum is `cumulative[i] − cumulative[i − 1]`), so a sum over
 * any bucket range is one subtraction however many buckets the key has. Postings land in the latest bucket almost always, so
 * keeping the running totals current costs one addition; a back-dated one updates the
 * running totals of the buckets after it. Sums are bigint counts of 10^-scale units (the
 * family's `scale`): adding is a bigint addition, not a Decimal one.
 *
 * `asOf[i]` is `cumulative[i]` as the frozen record of Decimals a read returns, made at the
 * first read and dropped when `cumulative[i]` changes: a sum from the first bucket (a
 * balance as of a date, what reports ask for) hands out that record, so reading 1,000 keys
 * as of a date builds nothing per key.
 */
export interface KeyBuckets {
  readonly buckets: string[];
  readonly cumulative: bigint[][];
  readonly asOf: (Readonly<Record<string, Decimal>> | undefined)[];
}

/** A balance family: per key, sorted buckets of per-field sums. */
export interface BalanceFamilyState {
  readonly name: string;
  readonly fields: string[];
  readonly fieldIndex: Map<string, number>;
  readonly keys: Map<string, KeyBuckets>;
  readonly sortedKeys: SortedList<string>;
  /**
   * One string per bucket name for the whole family: every key's bucket list holds the same
   * few hundred strings, which stay in cache, instead of a copy per key that a binary search
   * over 1,000 keys would fetch from all over the heap.
   */
  readonly bucketNames: Map<string, string>;
  /** Decimals of every sum: raised (and every sum rescaled) when a delta has more. */
  scale: number;
}

/** A new, empty balance family. */
export function createBalanceFamily(spec: BalanceSpec): BalanceFamilyState {
  const state: BalanceFamilyState = { name: spec.name, fields: [], fieldIndex: new Map(), keys: new Map(), sortedKeys: new SortedList(compareStrings), bucketNames: new Map(), scale: 0 };
  extendBalanceFamily(state, spec);
  return state;
}

/** Adds fields the spec declares that the family lacks (existing sums read as zero). */
export function extendBalanceFamily(state: BalanceFamilyState, spec: BalanceSpec): void {
  let extended = false;
  for (const field of spec.fields) {
    if (state.fieldIndex.has(field)) continue;
    state.fieldIndex.set(field, state.fields.length);
    state.fields.push(field);
    extended = true;
  }
  // Records made before lack the new fields: drop them (the next read makes them anew).
  if (extended) for (const row of state.keys.values()) row.asOf.fill(undefined);
}

/** The field's position, or NOT_FOUND. */
export function balanceField(state: BalanceFamilyState, field: string): number {
  const i = state.fieldIndex.get(field);
  if (i === undefined) {
    throw new StorekeepError("NOT_FOUND", `Balance family "${state.name}" has no field "${field}" (fields: ${state.fields.join(", ")}): declare it in the registry.`, {
      family: state.name,
      field,
    });
  }
  return i;
}

function compareBucket(a: string, b: string): number {
  return compareStrings(a, b);
}

/**
 * The deltas of one add as units of the family's scale, raising the scale first (every sum
 * rescaled, exactly) when a delta has more decimals. Fields left out are undefined.
 */
export function scaledAmounts(state: BalanceFamilyState, amounts: readonly (Decimal | undefined)[]): (bigint | undefined)[] {
  const out: (bigint | undefined)[] = new Array(amounts.length);
  for (let f = 0; f < amounts.length; f++) {
    const amount = amounts[f];
    if (amount === undefined) continue;
    let units = scaledOf(amount, state.scale);
    if (units === undefined) {
      raiseScale(state, amount.decimalPlaces());
      // Earlier fields of this delta were scaled at the old scale.
      return scaledAmounts(state, amounts);
    }
    out[f] = units;
  }
  return out;
}

/** Raises a family's scale: every sum and running total multiplied by the same power of ten. */
function raiseScale(state: BalanceFamilyState, scale: number): void {
  if (scale <= state.scale) return;
  const factor = pow10(scale - state.scale);
  for (const row of state.keys.values()) {
    for (let b = 0; b < row.cumulative.length; b++) row.cumulative[b] = row.cumulative[b]!.map((v) => v * factor);
    // The Decimal records stay right (the values did not change), keep them.
  }
  state.scale = scale;
}

/** `values` kept at scale `from`, at the family's scale now (an undo may run after a raise). */
function atScale(state: BalanceFamilyState, values: bigint[], from: number): bigint[] {
  if (from === state.scale) return values;
  const factor = pow10(state.scale - from);
  return values.map((v) => v * factor);
}

/** The running totals an append to the end of a key's buckets replaces: none. */
const NO_ROWS: readonly bigint[][] = [];

/**
 * Adds `amounts` (units of the family's scale, indexed by field position; see
 * {@link scaledAmounts}) to one key and bucket; returns the undo.
 */
export function addToBucket(state: BalanceFamilyState, key: string, bucket: string, amounts: readonly (bigint | undefined)[]): () => void {
  let row = state.keys.get(key);
  let createdKey = false;
  if (!row) {
    row = { buckets: [], cumulative: [], asOf: [] };
    state.keys.set(key, row);
    state.sortedKeys.insert(key);
    createdKey = true;
  }
  const { buckets, cumulative, asOf } = row;
  const n = buckets.length;
  const width = state.fields.length;
  let i: number;
  let created: boolean;
  if (n === 0 || buckets[n - 1]! < bucket) {
    i = n;
    created = true;
  } else {
    i = lowerBound(buckets, bucket, compareBucket);
    created = buckets[i] !== bucket;
  }
  // Running totals: a new bucket's is its predecessor's plus the delta; it and later ones move by the delta.
  const previousCumulative = i === n ? NO_ROWS : cumulative.slice(i);
  if (created) {
    const before = i > 0 ? cumulative[i - 1]! : undefined;
    const total: bigint[] = new Array(width);
    for (let f = 0; f < width; f++) {
      const delta = amounts[f] ?? 0n;
      const prior = before === undefined ? 0n : (before[f] ?? 0n);
      // An unchanged field keeps its predecessor's bigint (a line moves debit or credit, not both).
      total[f] = delta === 0n ? prior : prior === 0n ? delta : prior + delta;
    }
    let name = state.bucketNames.get(bucket);
    if (name === undefined) {
      name = bucket;
      state.bucketNames.set(name, name);
    }
    if (i === n) {
      // The common case (a posting in the latest bucket of its key): an append, not a splice.
      buckets.push(name);
      cumulative.push(total);
      asOf.push(undefined);
    } else {
      buckets.splice(i, 0, name);
      cumulative.splice(i, 0, total);
      asOf.splice(i, 0, undefined);
    }
  } else {
    cumulative[i] = addAmounts(cumulative[i]!, amounts, width);
    asOf[i] = undefined;
  }
  for (let j = i + 1; j < cumulative.length; j++) {
    cumulative[j] = addAmounts(cumulative[j]!, amounts, width);
    asOf[j] = undefined;
  }
  const owner = row;
  const scale = state.scale;
  return () => {
    const j = lowerBound(owner.buckets, bucket, compareBucket);
    if (owner.buckets[j] !== bucket) throw new InvariantError(`balance undo: bucket ${bucket} of ${key} is gone`);
    if (created) {
      owner.buckets.splice(j, 1);
      owner.asOf.splice(j, 1);
    }
    owner.cumulative.splice(j, owner.cumulative.length - j, ...previousCumulative.map((values) => atScale(state, values, scale)));
    owner.asOf.fill(undefined, j);
    if (createdKey) {
      state.keys.delete(key);
      state.sortedKeys.delete(key);
    }
  };
}

function addAmounts(values: readonly bigint[], amounts: readonly (bigint | undefined)[], width: number): bigint[] {
  const out: bigint[] = new Array(width);
  for (let f = 0; f < width; f++) {
    const v = values[f] ?? 0n;
    const d = amounts[f];
    out[f] = d === undefined || d === 0n ? v : v + d;
  }
  return out;
}

/** Orders a bucket before `to` when it is at or before it: `lowerBound` with it finds the first bucket after `to`. */
const atOrBefore = (bucket: string, to: string): number => (bucket <= to ? -1 : 1);

function bucketSpan(row: KeyBuckets, range: BucketRange | undefined): [number, number] {
  const buckets = row.buckets;
  const from = range?.from;
  const to = range?.to;
  const lo = from === undefined ? 0 : lowerBound(buckets, from, compareBucket);
  const hi = to === undefined ? buckets.length : lowerBound(buckets, to, atOrBefore);
  return [lo, hi];
}

/**
 * Sums over buckets lo..hi-1 from the running totals: one subtraction per field, or none
 * from the first bucket, where the running total is the sum (its frozen record, made once).
 */
function sumSpan(state: BalanceFamilyState, row: KeyBuckets, lo: number, hi: number): Readonly<Record<string, Decimal>> {
  if (lo === 0 && hi > 0) return row.asOf[hi - 1] ?? (row.asOf[hi - 1] = asOfRecord(state, row.cumulative[hi - 1]!));
  const fields = state.fields;
  const out: Record<string, Decimal> = {};
  const upper = hi > lo ? row.cumulative[hi - 1] : undefined;
  const lower = hi > lo && lo > 0 ? row.cumulative[lo - 1] : undefined;
  for (let f = 0; f < fields.length; f++) {
    const u = upper?.[f] ?? 0n;
    const l = lower?.[f] ?? 0n;
    out[fields[f]!] = decimalOfScaled(u - l, state.scale);
  }
  return out;
}

/** A running total as the frozen record of Decimals reads hand out. */
function asOfRecord(state: BalanceFamilyState, values: readonly bigint[]): Readonly<Record<string, Decimal>> {
  const out: Record<string, Decimal> = {};
  const fields = state.fields;
  for (let f = 0; f < fields.length; f++) out[fields[f]!] = decimalOfScaled(values[f] ?? 0n, state.scale);
  return Object.freeze(out);
}

function bucketRecord(state: BalanceFamilyState, values: readonly bigint[]): Record<string, Decimal> {
  const out: Record<string, Decimal> = {};
  const fields = state.fields;
  for (let f = 0; f < fields.length; f++) out[fields[f]!] = decimalOfScaled(values[f] ?? 0n, state.scale);
  return out;
}

/**
 * The sums of bucket `b` alone: its running total less its predecessor's.
 *
 * @example
 * ```ts
 * bucketSums(row, 0); // the first bucket's sums
 * ```
 */
export function bucketSums(row: KeyBuckets, b: number): bigint[] {
  const total = row.cumulative[b]!;
  const before = b > 0 ? row.cumulative[b - 1]! : undefined;
  return total.map((v, f) => (before === undefined ? v : v - (before[f] ?? 0n)));
}

/**
 * The sums of one bucket as Decimals in field order (the store's dump).
 *
 * @example
 * ```ts
 * bucketDecimals(state, bucketSums(row, 0));
 * ```
 */
export function bucketDecimals(state: BalanceFamilyState, values: readonly bigint[]): Decimal[] {
  return state.fields.map((_, f) => decimalOfScaled(values[f] ?? 0n, state.scale));
}

/** Sum of every field for one key over a bucket range (zeros when nothing was added). */
export function sumKey(state: BalanceFamilyState, key: string, range: BucketRange | undefined): Readonly<Record<string, Decimal>> {
  const row = state.keys.get(key);
  if (!row) return sumSpan(state, { buckets: [], cumulative: [], asOf: [] }, 0, 0);
  const [lo, hi] = bucketSpan(row, range);
  return sumSpan(state, row, lo, hi);
}

/** Sums for many keys; keys with no bucket in range are left out. In key order. */
export function sumByKey(state: BalanceFamilyState, query: BalanceQuery | undefined): Map<string, Readonly<Record<string, Decimal>>> {
  const out = new Map<string, Readonly<Record<string, Decimal>>>();
  const prefix = query?.keyPrefix;
  const range = query?.buckets;
  const visit = (key: string): void => {
    const row = state.keys.get(key);
    if (!row) return;
    const [lo, hi] = bucketSpan(row, range);
    if (lo < hi) out.set(key, sumSpan(state, row, lo, hi));
  };
  if (query?.keys) {
    const keys = [...new Set(query.keys)].sort(compareStrings);
    for (const key of keys) if (prefix === undefined || key.startsWith(prefix)) visit(key);
    return out;
  }
  const sorted = state.sortedKeys;
  const start = prefix === undefined ? { chunk: 0, offset: 0 } : sorted.seek((k) => k >= prefix);
  const stop = prefix === undefined ? sorted.end() : sorted.seek((k) => k > prefix && !k.startsWith(prefix));
  for (const key of sorted.slice(start, stop, false, Number.MAX_SAFE_INTEGER)) visit(key);
  return out;
}

/** Per-bucket totals for one key in bucket order. */
export function bucketsOf(state: BalanceFamilyState, key: string, range: BucketRange | undefined): { bucket: string; amounts: Record<string, Decimal> }[] {
  const row = state.keys.get(key);
  if (!row) return [];
  const [lo, hi] = bucketSpan(row, range);
  const out: { bucket: string; amounts: Record<string, Decimal> }[] = [];
  for (let b = lo; b < hi; b++) out.push({ bucket: row.buckets[b]!, amounts: bucketRecord(state, bucketSums(row, b)) });
  return out;
}
