import type { Clock } from "./clock.js";

/**
 * Generates unique ids. Ids from {@link timeOrderedIds} sort by creation time.
 *
 * @example
 * ```ts
 * const ids: IdGenerator = { next: (prefix) => `${prefix}_${crypto.randomUUID()}` };
 * ```
 */
export interface IdGenerator {
  /** A new unique id, starting with `prefix` and `_`. */
  next(prefix: string): string;
}

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/**
 * Time-ordered ids (ULID-like: 10 characters of milliseconds, then a per-millisecond
 * counter and random characters), so ids created later sort later.
 * Randomness comes from `random` (default: `crypto.getRandomValues` when present).
 *
 * @example
 * ```ts
 * const ids = timeOrderedIds(systemClock);
 * ids.next("ord"); // "ord_01JD...."
 * ```
 */
export function timeOrderedIds(clock: Clock, random: () => number = defaultRandom()): IdGenerator {
  let lastTime = -1;
  let counter = 0;
  // The time part only changes once per millisecond: encode it then, not per id.
  let head = "";
  return {
    next(prefix: string): string {
      const time = clock.now().getTime();
      if (time === lastTime) counter++;
      else if (time > lastTime) {
        lastTime = time;
        counter = 0;
        head = encode(lastTime, 10);
      } else counter++; // the clock went back: stay on the last instant, keep counting
      if (head === "") head = encode(lastTime, 10);
      let tail = "";
      for (let i = 0; i < 10; i++) tail += CROCKFORD[Math.floor(random() * 32) % 32];
      return `${prefix}_${head}${encode(counter, 6)}${tail}`;
    },
  };
}

/** `digits` Crockford base-32 characters of a non-negative integer (most significant first). */
function encode(value: number, digits: number): string {
  let v = value;
  let out = "";
  for (let i = 0; i < digits; i++) {
    out = CROCKFORD[v % 32] + out;
    v = Math.floor(v / 32);
  }
  return out;
}

/** How many random values one call of `crypto.getRandomValues` fills (an id takes ten). */
const RANDOM_BUFFER = 1024;

function defaultRandom(): () => number {
  const c = (globalThis as { crypto?: { getRandomValues?: (a: Uint32Array) => Uint32Array } }).crypto;
  if (c?.getRandomValues) {
    // Buffered: one system call per ~100 ids instead of ten per id.
    const buffer = new Uint32Array(RANDOM_BUFFER);
    let next = RANDOM_BUFFER;
    return () => {
      if (next === RANDOM_BUFFER) {
        c.getRandomValues!(buffer);
        next = 0;
      }
      return buffer[next++]! / 2 ** 32;
    };
  }
  // Fallback: a xorshift seeded by nothing secret; ids stay unique through time and counter.
  let state = 0x9e3779b9;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
}
