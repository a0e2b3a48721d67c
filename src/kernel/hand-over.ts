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

const HANDED = new WeakSet<object>();

/**
 * Marks a value built for the store alone (see above); returns it.
 *
 * @example
 * ```ts
 * await tx.documents.put("finance.entries", entry.entryId, handOver({ ...entry }), 0);
 * ```
 */
export function handOver<T extends object>(value: T): T {
  HANDED.add(value);
  return value;
}

/**
 * Whether a value was handed over with {@link handOver}.
 *
 * @example
 * ```ts
 * isHandedOver(handOver({ a: 1 })); // true
 * ```
 */
export function isHandedOver(value: object): boolean {
  return HANDED.has(value);
}
