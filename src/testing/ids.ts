import type { IdGenerator } from "../ports/ids.js";

/**
 * Options of {@link sequentialIds}.
 *
 * @example
 * ```ts
 * sequentialIds({ width: 4, start: 10 }).next("ord"); // "ord_0010"
 * ```
 */
export interface SequentialIdsOptions {
  /** Digits of the zero-padded counter (default 6; longer numbers are not cut). */
  readonly width?: number;
  /** The first number of every prefix (default 1). */
  readonly start?: number;
}

/**
 * Deterministic ids for tests: `prefix_000001`, `prefix_000002`, ... with one counter per
 * prefix, so a test can name the ids a command will create. Unlike `timeOrderedIds` they
 * carry no time.
 *
 * @example
 * ```ts
 * const ids = sequentialIds();
 * ids.next("ord"); // "ord_000001"
 * ids.next("ord"); // "ord_000002"
 * ids.next("evt"); // "evt_000001"
 * ```
 */
export function sequentialIds(options: SequentialIdsOptions = {}): IdGenerator {
  const width = options.width ?? 6;
  const start = options.start ?? 1;
  // One mutable counter per prefix (a lookup, no write-back into the map per id), and the
  // prefix with its underscore made once.
  const counters = new Map<string, { head: string; n: number }>();
  const zeros = "0".repeat(width);
  return {
    next(prefix: string): string {
      let counter = counters.get(prefix);
      if (counter === undefined) {
        counter = { head: `${prefix}_`, n: start };
        counters.set(prefix, counter);
      }
      const digits = String(counter.n++);
      return digits.length >= width ? counter.head + digits : counter.head + zeros.slice(digits.length) + digits;
    },
  };
}
