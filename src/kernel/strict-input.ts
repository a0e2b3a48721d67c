import { z } from "zod";
import { StorekeepError } from "./errors.js";

/*
 * Command inputs that refuse keys they do not know. A key the schema does not read is a
 * mistake the caller cannot see (`effective_date` for `effectiveDate` leaves an entry
 * undated, `warehouse` for `warehouseId` fails elsewhere), so it is VALIDATION_FAILED naming
 * the key and, where one is near, the key it resembles.
 */

const normalised = (key: string): string => key.toLowerCase().replace(/[_\-\s]/g, "");

/** Edit distance (insertions, deletions, substitutions, two neighbours swapped: `form` for `from`), capped: keys are short. */
function distance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 3;
  let before: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const row = [i];
    for (let j = 1; j <= b.length; j += 1) {
      let d = Math.min(previous[j]! + 1, row[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, before[j - 2]! + 1);
      row.push(d);
    }
    before = previous;
    previous = row;
  }
  return previous[b.length]!;
}

/** True when `short`'s letters appear in `long` in order, starting with its first (`qty` in `quantity`). */
function abbreviates(short: string, long: string): boolean {
  if (short.length < 2 || short.length >= long.length || short[0] !== long[0]) return false;
  let at = 0;
  for (const c of long) if (c === short[at]) at += 1;
  return at >= short.length;
}

/**
 * The known key an unknown one most likely meant, or undefined: the same key in another
 * case or spelling (`effective_date` → `effectiveDate`), the key with its `Id` left out
 * (`warehouse` → `warehouseId`), a typo of one or two letters or two letters swapped
 * (`quantiy` → `quantity`, `grian` → `grain`), or
 * an abbreviation (`qty` → `quantity`), in that order.
 *
 * @example
 * ```ts
 * suggestKey("effective_date", ["effectiveAt", "effectiveDate"]); // "effectiveDate"
 * suggestKey("warehouse", ["sku", "warehouseId"]); // "warehouseId"
 * suggestKey("colour", ["sku", "quantity"]); // undefined
 * ```
 */
export function suggestKey(key: string, known: readonly string[]): string | undefined {
  const k = normalised(key);
  if (k === "") return undefined;
  const forms = known.map((name) => ({ name, n: normalised(name) }));
  return (
    forms.find((f) => f.n === k)?.name ??
    forms.find((f) => f.n === `${k}id` || f.n === `${k}s` || `${f.n}s` === k)?.name ??
    (k.length >= 4 ? forms.find((f) => distance(k, f.n) <= (k.length >= 7 ? 2 : 1))?.name : undefined) ??
    forms.find((f) => abbreviates(k, f.n))?.name
  );
}

/**
 * What to say about keys a schema does not know: each key, and what it resembles or,
 * when nothing is near, the keys it knows.
 *
 * @example
 * ```ts
 * unknownKeysMessage(["effective_date"], ["sku", "effectiveDate"]); // 'unknown key "effective_date" (did you mean "effectiveDate"?)'
 * ```
 */
export function unknownKeysMessage(keys: readonly string[], known: readonly string[]): string {
  const parts = keys.map((key) => {
    const near = suggestKey(key, known);
    return near === undefined ? `unknown key ${JSON.stringify(key)}` : `unknown key ${JSON.stringify(key)} (did you mean ${JSON.stringify(near)}?)`;
  });
  const anyNear = keys.some((key) => suggestKey(key, known) !== undefined);
  return anyNear && keys.length === 1 ? parts[0]! : `${parts.join("; ")} (known keys: ${known.join(", ")})`;
}

/**
 * `z.strictObject(shape)` whose unknown keys are refused with {@link unknownKeysMessage}
 * (through `parseWith`, VALIDATION_FAILED with the key in the issue's path). For command
 * inputs and their nested objects; never for event payloads or stored documents, which
 * must keep reading fields a later version adds.
 *
 * @example
 * ```ts
 * const scrapSchema = strictInput({ sku: skuSchema, quantity: positiveQuantityString });
 * parseWith(scrapSchema, { sku: "MUG", qty: "1" }, "inventory.scrap");
 * // VALIDATION_FAILED: Invalid inventory.scrap: unknown key "qty" (did you mean "quantity"?). Fix these fields and retry.
 * ```
 */
export function strictInput<T extends z.core.$ZodLooseShape>(shape: T) {
  const known = Object.keys(shape);
  return z.strictObject(shape, { error: (issue) => (issue.code === "unrecognized_keys" ? unknownKeysMessage(issue.keys, known) : undefined) });
}

/**
 * Refuses the keys of a query or report object (read by hand, not through a schema) that are
 * not in `known`, as {@link strictInput} does for commands: `VALIDATION_FAILED` naming each
 * key and, where one is near, the key it resembles. A value that is not a plain object is
 * left to the caller's own checks.
 *
 * @example
 * ```ts
 * refuseUnknownKeys({ sku: "MUG", warehouse: "wh" }, ["sku", "asOf"], "inventory.onHand query");
 * // VALIDATION_FAILED: Invalid inventory.onHand query: unknown key "warehouse" (known keys: sku, asOf). Fix these fields and retry.
 * ```
 */
export function refuseUnknownKeys(value: unknown, known: readonly string[], subject: string): void {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return;
  const unknown = Object.keys(value).filter((key) => !known.includes(key));
  if (unknown.length === 0) return;
  const message = unknownKeysMessage(unknown, known);
  throw new StorekeepError("VALIDATION_FAILED", `Invalid ${subject}: ${message}. Fix these fields and retry.`, {
    issues: unknown.map((key) => ({ path: key, message, code: "unrecognized_keys" })),
  });
}
