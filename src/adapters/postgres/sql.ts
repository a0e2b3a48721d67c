import { StorekeepError } from "../../kernel/errors.js";

/*
 * SQL text helpers. Values always travel as parameters; only names that come from the
 * registry (schema, collection names in partial-index predicates, document field names in
 * index expressions) are spliced into SQL, and always through these quoting functions.
 */

const MAX_IDENTIFIER_BYTES = 63;

/**
 * A double-quoted SQL identifier. Refuses names PostgreSQL would truncate or cannot hold.
 *
 * @example
 * ```ts
 * quoteIdentifier('shop "A"'); // "\"shop \"\"A\"\"\""
 * ```
 */
export function quoteIdentifier(name: string): string {
  if (name.length === 0 || name.includes("\u0000") || new TextEncoder().encode(name).length > MAX_IDENTIFIER_BYTES) {
    throw new StorekeepError("VALIDATION_FAILED", `"${name}" cannot be a PostgreSQL identifier: use 1 to ${MAX_IDENTIFIER_BYTES} bytes and no U+0000.`, {
      issues: [{ path: "schema", message: "not a valid identifier", code: "custom" }],
    });
  }
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * A single-quoted SQL string literal (standard_conforming_strings, the default since 9.1:
 * backslashes are literal, quotes are doubled). Used only for registry names in DDL and in
 * the matching query predicates, never for user data.
 *
 * @example
 * ```ts
 * quoteLiteral("it's"); // "'it''s'"
 * ```
 */
export function quoteLiteral(value: string): string {
  if (value.includes("\u0000")) throw new StorekeepError("VALIDATION_FAILED", "A registry name contains U+0000; remove it.", {});
  // E'' would interpret backslashes; a plain literal with doubled quotes never does.
  return `'${value.replace(/'/g, "''")}'`;
}

/**
 * A short stable hash (FNV-1a, 2 × 32 bits, hex) for index names derived from registry names.
 *
 * @example
 * ```ts
 * shortHash("sales.orders|byCustomer|customerId,placedAt"); // "9a1c...": 16 hex digits
 * ```
 */
export function shortHash(text: string): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193) >>> 0;
    h2 = Math.imul(h2 ^ c, 0x5bd1e995) >>> 0;
    h2 ^= h2 >>> 15;
  }
  return h1.toString(16).padStart(8, "0") + h2.toString(16).padStart(8, "0");
}

const hasWellFormed = typeof (String.prototype as { isWellFormed?: unknown }).isWellFormed === "function";

/**
 * True when PostgreSQL `text` can hold `value` verbatim: no U+0000, no lone surrogate.
 *
 * @example
 * ```ts
 * isStorableText("a\u0000b"); // false
 * ```
 */
export function isStorableText(value: string): boolean {
  if (value.includes("\u0000")) return false;
  if (hasWellFormed) return (value as string & { isWellFormed(): boolean }).isWellFormed();
  return !/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(value);
}

/**
 * Checks a key, id, stream, sort key or bucket before it goes into a `text` column.
 *
 * @example
 * ```ts
 * checkText(id, "document id");
 * ```
 */
export function checkText(value: string, what: string): string {
  if (typeof value !== "string" || !isStorableText(value)) {
    throw new StorekeepError("VALIDATION_FAILED", `${what} contains U+0000 or a lone surrogate, which PostgreSQL cannot store; remove it.`, {
      issues: [{ path: what, message: "contains U+0000 or a lone surrogate", code: "custom" }],
    });
  }
  return value;
}

/**
 * A PostgreSQL array literal of numerics from canonical decimal strings (`{1.5,-2,0}`).
 *
 * @example
 * ```ts
 * numericArrayLiteral(["1.5", "0"]); // "{1.5,0}"
 * ```
 */
export function numericArrayLiteral(values: readonly string[]): string {
  return `{${values.join(",")}}`;
}

/**
 * Escapes `%`, `_` and `\` so that `value` matches itself literally in `LIKE`.
 *
 * @example
 * ```ts
 * likePrefix("10_%"); // "10\\_\\%%"
 * ```
 */
export function likePrefix(value: string): string {
  return `${value.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
