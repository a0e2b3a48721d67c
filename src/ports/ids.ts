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
  return {
    next(prefix: string): string {
      const time = clock.now().getTime();
      if (time === lastTime) counter++;
      else {
        lastTime = Math.max(time, lastTime);
        counter = 0;
      }
      let t = lastTime;
      let head = "";
      for (let i = 0; i < 10; i++) {
        head = CROCKFORD[t % 32] + head;
        t = Math.floor(t / 32);
      }
      let c = counter;
      let mid = "";
      for (let i = 0; i < 6; i++) {
        mid = CROCKFORD[c % 32] + mid;
        c = Math.floor(c / 32);
      }
      let tail = "";
      for (let i = 0; i < 10; i++) tail += CROCKFORD[Math.floor(random() * 32) % 32];
      return `${prefix}_${head}${mid}${tail}`;
    },
  };
}

function defaultRandom(): () => number {
  const c = (globalThis as { crypto?: { getRandomValues?: (a: Uint32Array) => Uint32Array } }).crypto;
  if (c?.getRandomValues) {
    const buffer = new Uint32Array(1);
    return () => c.getRandomValues!(buffer)[0]! / 2 ** 32;
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
