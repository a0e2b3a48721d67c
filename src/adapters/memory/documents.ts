import { InvariantError, StorekeepError } from "../../kernel/errors.js";
import type { CollectionSpec, IndexQuery, JsonObject, StoredDocument } from "../../ports/storage.js";
import { type Position, SortedList, compareStrings } from "./sorted-list.js";

/** The most documents one `find` returns. */
export const FIND_LIMIT_MAX = 10_000;

/** One entry of a secondary index: the document's index values, then its id. */
interface IndexEntry {
  readonly values: readonly string[];
  readonly id: string;
}

interface IndexState {
  readonly fields: readonly string[];
  readonly entries: SortedList<IndexEntry>;
}

/** A collection's documents (stored frozen) and its indexes. */
export interface CollectionState {
  readonly name: string;
  readonly docs: Map<string, StoredDocument>;
  readonly indexes: Map<string, IndexState>;
}

function compareEntries(a: IndexEntry, b: IndexEntry): number {
  const n = a.values.length;
  for (let i = 0; i < n; i++) {
    const x = a.values[i]!;
    const y = b.values[i]!;
    if (x !== y) return x < y ? -1 : 1;
  }
  return compareStrings(a.id, b.id);
}

/** The index values of a document, or `undefined` when a field is missing or not a string. */
function indexValues(fields: readonly string[], data: JsonObject): string[] | undefined {
  const values: string[] = new Array(fields.length);
  for (let i = 0; i < fields.length; i++) {
    const value = data[fields[i]!];
    if (typeof value !== "string") return undefined;
    values[i] = value;
  }
  return values;
}

/** A new, empty collection for `spec`. */
export function createCollection(spec: CollectionSpec): CollectionState {
  const state: CollectionState = { name: spec.name, docs: new Map(), indexes: new Map() };
  extendCollection(state, spec);
  return state;
}

/** Adds the indexes `spec` declares that the collection lacks, built from its documents. */
export function extendCollection(state: CollectionState, spec: CollectionSpec): void {
  for (const [name, index] of Object.entries(spec.indexes ?? {})) {
    const existing = state.indexes.get(name);
    if (existing) {
      if (existing.fields.join("\u0000") !== index.fields.join("\u0000")) {
        throw new InvariantError(`index ${spec.name}.${name} was declared on [${existing.fields.join(", ")}] and again on [${index.fields.join(", ")}]; give the new one another name`);
      }
      continue;
    }
    if (index.fields.length === 0) throw new InvariantError(`index ${spec.name}.${name} declares no fields`);
    const entries = new SortedList<IndexEntry>(compareEntries);
    for (const doc of state.docs.values()) {
      const values = indexValues(index.fields, doc.data);
      if (values) entries.insert({ values, id: doc.id });
    }
    state.indexes.set(name, { fields: [...index.fields], entries });
  }
}

/** Replaces (or removes, with `undefined`) a document and keeps every index current. */
export function writeDocument(state: CollectionState, id: string, next: StoredDocument | undefined): StoredDocument | undefined {
  const previous = state.docs.get(id);
  for (const index of state.indexes.values()) {
    const before = previous && indexValues(index.fields, previous.data);
    const after = next && indexValues(index.fields, next.data);
    if (before && after && sameValues(before, after)) continue;
    if (before) index.entries.delete({ values: before, id });
    if (after) index.entries.insert({ values: after, id });
  }
  if (next) state.docs.set(id, next);
  else state.docs.delete(id);
  return previous;
}

function sameValues(a: readonly string[], b: readonly string[]): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function comparePrefix(values: readonly string[], equals: readonly string[]): number {
  for (let i = 0; i < equals.length; i++) {
    const x = values[i]!;
    const y = equals[i]!;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/** Documents through a declared index, as {@link IndexQuery} describes. */
export function findDocuments(state: CollectionState, query: IndexQuery): StoredDocument[] {
  const index = state.indexes.get(query.index);
  if (!index) {
    throw new StorekeepError("NOT_FOUND", `Index "${query.index}" is not declared on collection "${state.name}": declare it in the registry passed to store.migrate().`, {
      collection: state.name,
      index: query.index,
    });
  }
  const equals = query.equals ?? [];
  const k = equals.length;
  const fields = index.fields;
  if (k > fields.length) throw new InvariantError(`find on ${state.name}.${query.index}: ${k} equality values for ${fields.length} fields`);
  const range = query.range;
  if (range && k >= fields.length) throw new InvariantError(`find on ${state.name}.${query.index}: a range needs a field after the ${k} equality values`);
  const limit = Math.min(query.limit ?? FIND_LIMIT_MAX, FIND_LIMIT_MAX);
  if (!Number.isInteger(limit) || limit < 0) throw new InvariantError(`find limit must be a non-negative integer, got ${String(query.limit)}`);
  const entries = index.entries;

  // Start: the first entry not below the equality prefix and the range's lower bound.
  const gt = range?.gt;
  const gte = range?.gte;
  const lt = range?.lt;
  const lte = range?.lte;
  let start = entries.seek((e) => {
    const c = comparePrefix(e.values, equals);
    if (c !== 0) return c > 0;
    if (k === fields.length) return true;
    const v = e.values[k]!;
    return (gt === undefined || v > gt) && (gte === undefined || v >= gte);
  });
  // Stop: the first entry above the prefix or the range's upper bound.
  let stop = entries.seek((e) => {
    const c = comparePrefix(e.values, equals);
    if (c !== 0) return c > 0;
    if (k === fields.length) return false;
    const v = e.values[k]!;
    return (lt !== undefined && v >= lt) || (lte !== undefined && v > lte);
  });
  const descending = query.order === "desc";
  const after = query.after;
  if (after) {
    if (after.values.length !== fields.length) {
      throw new InvariantError(`find on ${state.name}.${query.index}: "after" needs all ${fields.length} index values of the last document, got ${after.values.length}`);
    }
    const probe: IndexEntry = { values: after.values, id: after.id };
    if (!descending) start = later(start, entries.seek((e) => compareEntries(e, probe) > 0));
    else stop = earlier(stop, entries.seek((e) => compareEntries(e, probe) >= 0));
  }
  const found = entries.slice(start, stop, descending, limit);
  const out: StoredDocument[] = new Array(found.length);
  for (let i = 0; i < found.length; i++) out[i] = state.docs.get(found[i]!.id)!;
  return out;
}

function later(a: Position, b: Position): Position {
  return a.chunk > b.chunk || (a.chunk === b.chunk && a.offset >= b.offset) ? a : b;
}

function earlier(a: Position, b: Position): Position {
  return a.chunk < b.chunk || (a.chunk === b.chunk && a.offset <= b.offset) ? a : b;
}
