/**
 * A sorted list of unique items kept in chunks of bounded size, so that an insert or a
 * delete in the middle moves at most a chunk's worth of items and a range read starts with
 * two binary searches. Appends past the last item (the usual case for logs ordered by
 * time) take the fast path.
 */

const CHUNK_MAX = 512;

/** A position in the list: chunk index and offset. */
export interface Position {
  readonly chunk: number;
  readonly offset: number;
}

/** Compares two strings by UTF-16 code unit. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The first index in `array` (sorted by `compare`) where `array[i] >= probe`. */
export function lowerBound<T, P>(array: readonly T[], probe: P, compare: (item: T, probe: P) => number): number {
  let lo = 0;
  let hi = array.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compare(array[mid]!, probe) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** A sorted list of unique items (unique by `compare`). */
export class SortedList<T> {
  private readonly chunks: T[][] = [];
  private count = 0;

  constructor(private readonly compare: (a: T, b: T) => number) {}

  /** How many items the list holds. */
  get size(): number {
    return this.count;
  }

  /** The last item, or `undefined`. */
  last(): T | undefined {
    const chunk = this.chunks[this.chunks.length - 1];
    return chunk === undefined ? undefined : chunk[chunk.length - 1];
  }

  /** Inserts `item`; returns false (and changes nothing) when an equal item exists. */
  insert(item: T): boolean {
    const chunks = this.chunks;
    if (chunks.length === 0) {
      chunks.push([item]);
      this.count++;
      return true;
    }
    const lastChunk = chunks[chunks.length - 1]!;
    const order = this.compare(item, lastChunk[lastChunk.length - 1]!);
    if (order > 0) {
      if (lastChunk.length >= CHUNK_MAX) chunks.push([item]);
      else lastChunk.push(item);
      this.count++;
      return true;
    }
    if (order === 0) return false;
    const c = this.chunkFor(item);
    const chunk = chunks[c]!;
    const i = lowerBound(chunk, item, this.compare);
    if (i < chunk.length && this.compare(chunk[i]!, item) === 0) return false;
    chunk.splice(i, 0, item);
    this.count++;
    if (chunk.length > CHUNK_MAX * 2) chunks.splice(c + 1, 0, chunk.splice(CHUNK_MAX));
    return true;
  }

  /** Removes the item equal to `item`; returns whether one was there. */
  delete(item: T): boolean {
    if (this.chunks.length === 0) return false;
    const c = this.chunkFor(item);
    const chunk = this.chunks[c]!;
    const i = lowerBound(chunk, item, this.compare);
    if (i >= chunk.length || this.compare(chunk[i]!, item) !== 0) return false;
    chunk.splice(i, 1);
    this.count--;
    if (chunk.length === 0) this.chunks.splice(c, 1);
    return true;
  }

  /** The stored item equal to `item`, or `undefined`. */
  get(item: T): T | undefined {
    if (this.chunks.length === 0) return undefined;
    const chunk = this.chunks[this.chunkFor(item)]!;
    const i = lowerBound(chunk, item, this.compare);
    const found = chunk[i];
    return found !== undefined && this.compare(found, item) === 0 ? found : undefined;
  }

  /**
   * The first position whose item satisfies `predicate`, which must be monotone over the
   * list (false for a prefix, true after). The end position when none does.
   */
  seek(predicate: (item: T) => boolean): Position {
    const chunks = this.chunks;
    let lo = 0;
    let hi = chunks.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const chunk = chunks[mid]!;
      if (predicate(chunk[chunk.length - 1]!)) hi = mid;
      else lo = mid + 1;
    }
    if (lo === chunks.length) return { chunk: lo, offset: 0 };
    const chunk = chunks[lo]!;
    let a = 0;
    let b = chunk.length - 1;
    while (a < b) {
      const mid = (a + b) >>> 1;
      if (predicate(chunk[mid]!)) b = mid;
      else a = mid + 1;
    }
    return { chunk: lo, offset: a };
  }

  /** The position before which every item is. */
  end(): Position {
    return { chunk: this.chunks.length, offset: 0 };
  }

  /**
   * Items from `start` (inclusive) to `stop` (exclusive), ascending or descending (then
   * from `stop` backwards to `start`), at most `limit`.
   */
  slice(start: Position, stop: Position, descending: boolean, limit: number): T[] {
    const out: T[] = [];
    if (limit <= 0 || !before(start, stop)) return out;
    const chunks = this.chunks;
    if (!descending) {
      let c = start.chunk;
      let i = start.offset;
      while (out.length < limit && (c < stop.chunk || (c === stop.chunk && i < stop.offset))) {
        const chunk = chunks[c]!;
        const chunkEnd = c === stop.chunk ? stop.offset : chunk.length;
        while (i < chunkEnd && out.length < limit) out.push(chunk[i++]!);
        c++;
        i = 0;
      }
      return out;
    }
    let c = stop.chunk;
    let i = stop.offset - 1;
    if (i < 0) {
      c--;
      i = (chunks[c]?.length ?? 0) - 1;
    }
    while (out.length < limit && c >= 0 && (c > start.chunk || (c === start.chunk && i >= start.offset))) {
      const chunk = chunks[c]!;
      const chunkStart = c === start.chunk ? start.offset : 0;
      while (i >= chunkStart && out.length < limit) out.push(chunk[i--]!);
      c--;
      i = (chunks[c]?.length ?? 0) - 1;
    }
    return out;
  }

  /** Every item in order. */
  toArray(): T[] {
    const out: T[] = [];
    for (const chunk of this.chunks) for (const item of chunk) out.push(item);
    return out;
  }

  private chunkFor(item: T): number {
    const chunks = this.chunks;
    let lo = 0;
    let hi = chunks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const chunk = chunks[mid]!;
      if (this.compare(chunk[chunk.length - 1]!, item) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

function before(a: Position, b: Position): boolean {
  return a.chunk < b.chunk || (a.chunk === b.chunk && a.offset < b.offset);
}
