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
  const counters = new Map<string, number>();
  return {
    next(prefix: string): string {
      const n = counters.get(prefix) ?? start;
      counters.set(prefix, n + 1);
      return `${prefix}_${String(n).padStart(width, "0")}`;
    },
  };
}
