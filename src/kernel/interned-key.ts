/*
 * Composite keys (`first|second`: an account and a currency, a SKU and a warehouse), one
 * string instance per pair: a hash map keyed by it hashes each key once, and documents, index
 * entries and counter keys that hold it compare by identity — a fresh concatenation is a new
 * string to flatten, hash and compare character by character every time. A cache, bounded
 * (cleared when full): a key made anew is equal, only slower to look up.
 */

const KEYS = new Map<string, Map<string, string>>();
const KEYS_MAX = 100_000;

/**
 * `${first}|${second}`, the same string instance for the same pair.
 *
 * @example
 * ```ts
 * internedKey("1100", "EUR"); // "1100|EUR"
 * internedKey("1100", "EUR") === internedKey("1100", "EUR"); // true, one instance
 * ```
 */
export function internedKey(first: string, second: string): string {
  let byFirst = KEYS.get(second);
  if (byFirst === undefined) {
    if (KEYS.size >= KEYS_MAX) KEYS.clear();
    byFirst = new Map();
    KEYS.set(second, byFirst);
  }
  let key = byFirst.get(first);
  if (key === undefined) {
    if (byFirst.size >= KEYS_MAX) byFirst.clear();
    key = `${first}|${second}`;
    byFirst.set(first, key);
  }
  return key;
}
