/*
 * Values handed over to the store. A store that keeps values in memory copies what it is
 * given, so that the caller's later changes cannot reach stored state. Library code that
 * builds a value for the store alone — every object in it made right there, from strings,
 * numbers and other values it built, none kept or changed afterwards — hands it over
 * instead: such a store may then freeze it where it is rather than copy it. A store that
 * serialises (PostgreSQL) ignores the mark.
 *
 * Only whole values built at the call site are handed over: never one holding an object a
 * caller (host code, a host callback, an input) still references. The test suite would
 * not see that mistake until the caller changed the object (it then throws a TypeError).
 */

/*
 * The values handed over and not yet taken, newest last. A value is handed over right before
 * the write that takes it, so a few slots suffice; one pushed out of them (or never written)
 * is merely copied. A ring of identities costs less than a WeakSet's add and lookup.
 */
const SLOTS = 64;
const handed: (object | undefined)[] = new Array(SLOTS).fill(undefined);
let next = 0;
let live = 0;

/**
 * Marks a value built for the store alone (see above); returns it.
 *
 * @example
 * ```ts
 * await tx.documents.put("finance.entries", entry.entryId, handOver({ ...entry }), 0);
 * ```
 */
export function handOver<T extends object>(value: T): T {
  if (handed[next] === undefined) live++;
  handed[next] = value;
  next = (next + 1) % SLOTS;
  return value;
}

/**
 * Takes a value handed over with {@link handOver}: true (once) when it was, false otherwise.
 *
 * @example
 * ```ts
 * const value = handOver({ a: 1 });
 * takeHandedOver(value); // true
 * takeHandedOver(value); // false: taken
 * ```
 */
export function takeHandedOver(value: object): boolean {
  if (live === 0) return false;
  for (let k = 1; k <= SLOTS; k++) {
    const slot = (next - k + SLOTS) % SLOTS;
    if (handed[slot] === value) {
      handed[slot] = undefined;
      live--;
      return true;
    }
  }
  return false;
}
