import { InvariantError } from "../../kernel/errors.js";
import type { LogEntry, LogRead, LogSpec } from "../../ports/storage.js";
import { SortedList, compareStrings } from "./sorted-list.js";

/** A log family: its streams, each a list of entries sorted by sort key. */
export interface LogFamilyState {
  readonly name: string;
  readonly streams: Map<string, SortedList<LogEntry>>;
  readonly names: SortedList<string>;
  /** The last sequence handed out. */
  seq: number;
}

function compareEntries(a: LogEntry, b: LogEntry): number {
  return compareStrings(a.sortKey, b.sortKey);
}

/** A new, empty log family. */
export function createLogFamily(spec: LogSpec): LogFamilyState {
  return { name: spec.name, streams: new Map(), names: new SortedList(compareStrings), seq: 0 };
}

/** True when `stream` already holds an entry with `sortKey`. */
export function hasEntry(state: LogFamilyState, stream: string, sortKey: string): boolean {
  const list = state.streams.get(stream);
  if (!list) return false;
  const last = list.last();
  if (last !== undefined && last.sortKey < sortKey) return false;
  return list.get({ stream, sortKey, seq: 0, data: {} }) !== undefined;
}

/** Inserts an entry (its sort key must be new in its stream). */
export function insertEntry(state: LogFamilyState, entry: LogEntry): void {
  let list = state.streams.get(entry.stream);
  if (!list) {
    list = new SortedList(compareEntries);
    state.streams.set(entry.stream, list);
    state.names.insert(entry.stream);
  }
  if (!list.insert(entry)) throw new InvariantError(`log ${state.name}: duplicate sort key ${entry.sortKey} in stream ${entry.stream}`);
}

/** Removes an entry (the undo of {@link insertEntry}), and its stream once empty. */
export function removeEntry(state: LogFamilyState, entry: LogEntry): void {
  const list = state.streams.get(entry.stream);
  if (!list || !list.delete(entry)) throw new InvariantError(`log ${state.name}: undo of an entry that is not there`);
  if (list.size === 0) {
    state.streams.delete(entry.stream);
    state.names.delete(entry.stream);
  }
}

/** Entries of one stream in sort-key order within the range. */
export function readEntries(state: LogFamilyState, stream: string, range: LogRead | undefined): LogEntry[] {
  const list = state.streams.get(stream);
  if (!list) return [];
  const limit = range?.limit ?? Number.MAX_SAFE_INTEGER;
  if (!Number.isInteger(limit) || limit < 0) throw new InvariantError(`log read limit must be a non-negative integer, got ${String(range?.limit)}`);
  const gt = range?.gt;
  const gte = range?.gte;
  const lt = range?.lt;
  const lte = range?.lte;
  const start = gt === undefined && gte === undefined ? { chunk: 0, offset: 0 } : list.seek((e) => (gt === undefined || e.sortKey > gt) && (gte === undefined || e.sortKey >= gte));
  const stop = lt === undefined && lte === undefined ? list.end() : list.seek((e) => (lt !== undefined && e.sortKey >= lt) || (lte !== undefined && e.sortKey > lte));
  return list.slice(start, stop, range?.order === "desc", limit);
}

/** The family's streams, sorted, after `after`. */
export function listStreams(state: LogFamilyState, after: string | undefined, limit: number | undefined): string[] {
  const max = limit ?? Number.MAX_SAFE_INTEGER;
  if (!Number.isInteger(max) || max < 0) throw new InvariantError(`streams limit must be a non-negative integer, got ${String(limit)}`);
  const start = after === undefined ? { chunk: 0, offset: 0 } : state.names.seek((s) => s > after);
  return state.names.slice(start, state.names.end(), false, max);
}
