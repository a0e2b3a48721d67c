import { Decimal } from "../../kernel/decimal.js";
import { InvariantError, StorekeepError } from "../../kernel/errors.js";
import type { BalanceQuery, BalanceSpec, BucketRange } from "../../ports/storage.js";
import { SortedList, compareStrings, lowerBound } from "./sorted-list.js";

const ZERO = new Decimal(0);

/**
 * One key's buckets in order, with one sum per field for each, and running totals
 * (`cumulative[i]` = buckets 0..i), so a sum over any bucket range is one subtraction
 * however many buckets the key has. Postings land in the latest bucket almost always, so
 * keeping the running totals current costs one addition; a back-dated one updates the
 * running totals of the buckets after it.
 *
 * `asOf[i]` is `cumulative[i]` as the frozen record a read returns, made at the first read
 * and dropped when `cumulative[i]` changes: a sum from the first bucket (a balance as of a
 * date, what reports ask for) hands out that record, so reading 1,000 keys as of a date
 * builds nothing per key and does no Decimal arithmetic.
 */
export interface KeyBuckets {
  readonly buckets: string[];
  readonly sums: (readonly Decimal[])[];
  readonly cumulative: (readonly Decimal[])[];
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
}

/** A new, empty balance family. */
export function createBalanceFamily(spec: BalanceSpec): BalanceFamilyState {
  const state: BalanceFamilyState = { name: spec.name, fields: [], fieldIndex: new Map(), keys: new Map(), sortedKeys: new SortedList(compareStrings), bucketNames: new Map() };
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
 * Adds `amounts` (indexed by field position) to one key and bucket; returns the undo.
 */
export function addToBucket(state: BalanceFamilyState, key: string, bucket: string, amounts: readonly (Decimal | undefined)[]): () => void {
  let row = state.keys.get(key);
  let createdKey = false;
  if (!row) {
    row = { buckets: [], sums: [], cumulative: [], asOf: [] };
    state.keys.set(key, row);
    state.sortedKeys.insert(key);
    createdKey = true;
  }
  const { buckets, sums, cumulative, asOf } = row;
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
  const previous = created ? undefined : sums[i]!;
  const next: Decimal[] = new Array(width);
  for (let f = 0; f < width; f++) {
    const before = previous?.[f] ?? ZERO;
    const delta = amounts[f];
    next[f] = delta === undefined ? before : before.plus(delta);
  }
  // Running totals: the new bucket's is its predecessor's plus its own sums; later ones move by the delta.
  const previousCumulative = cumulative.slice(i);
  if (created) {
    const before = i > 0 ? cumulative[i - 1]! : undefined;
    const total: Decimal[] = new Array(width);
    for (let f = 0; f < width; f++) total[f] = before?.[f] === undefined ? next[f]! : before[f]!.plus(next[f]!);
    let name = state.bucketNames.get(bucket);
    if (name === undefined) {
      name = bucket;
      state.bucketNames.set(name, name);
    }
    buckets.splice(i, 0, name);
    sums.splice(i, 0, next);
    cumulative.splice(i, 0, total);
    asOf.splice(i, 0, undefined);
  } else {
    sums[i] = next;
    cumulative[i] = addAmounts(cumulative[i]!, amounts, width);
    asOf[i] = undefined;
  }
  for (let j = i + 1; j < cumulative.length; j++) {
    cumulative[j] = addAmounts(cumulative[j]!, amounts, width);
    asOf[j] = undefined;
  }
  const owner = row;
  return () => {
    const j = lowerBound(owner.buckets, bucket, compareBucket);
    if (owner.buckets[j] !== bucket) throw new InvariantError(`balance undo: bucket ${bucket} of ${key} is gone`);
    if (previous === undefined) {
      owner.buckets.splice(j, 1);
      owner.sums.splice(j, 1);
      owner.asOf.splice(j, 1);
    } else owner.sums[j] = previous;
    owner.cumulative.splice(j, owner.cumulative.length - j, ...previousCumulative);
    owner.asOf.fill(undefined, j);
    if (createdKey) {
      state.keys.delete(key);
      state.sortedKeys.delete(key);
    }
  };
}

function addAmounts(values: readonly Decimal[], amounts: readonly (Decimal | undefined)[], width: number): Decimal[] {
  const out: Decimal[] = new Array(width);
  for (let f = 0; f < width; f++) {
    const v = values[f] ?? ZERO;
    const d = amounts[f];
    out[f] = d === undefined || d.isZero() ? v : v.plus(d);
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
    const u = upper?.[f] ?? ZERO;
    const l = lower?.[f];
    out[fields[f]!] = l === undefined || l.isZero() ? u : u.minus(l);
  }
  return out;
}

/**
 * A running total as the frozen record reads hand out. Its decimals are copies made with
 * it: the running totals were built one posting at a time and lie all over the heap, the
 * copies lie next to their record, so a report reading 1,000 keys reads memory in order.
 */
function asOfRecord(state: BalanceFamilyState, values: readonly Decimal[]): Readonly<Record<string, Decimal>> {
  const out: Record<string, Decimal> = {};
  const fields = state.fields;
  for (let f = 0; f < fields.length; f++) {
    const v = values[f];
    out[fields[f]!] = v === undefined || v.isZero() ? ZERO : new Decimal(v);
  }
  return Object.freeze(out);
}

function bucketRecord(state: BalanceFamilyState, values: readonly Decimal[]): Record<string, Decimal> {
  const out: Record<string, Decimal> = {};
  const fields = state.fields;
  for (let f = 0; f < fields.length; f++) out[fields[f]!] = values[f] ?? ZERO;
  return out;
}

/** Sum of every field for one key over a bucket range (zeros when nothing was added). */
export function sumKey(state: BalanceFamilyState, key: string, range: BucketRange | undefined): Readonly<Record<string, Decimal>> {
  const row = state.keys.get(key);
  if (!row) return sumSpan(state, { buckets: [], sums: [], cumulative: [], asOf: [] }, 0, 0);
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
  for (let b = lo; b < hi; b++) out.push({ bucket: row.buckets[b]!, amounts: bucketRecord(state, row.sums[b]!) });
  return out;
}
