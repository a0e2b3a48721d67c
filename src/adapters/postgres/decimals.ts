import { Decimal, canonicalDecimal, isDecimal } from "../../kernel/decimal.js";
import { InvariantError, StorekeepError } from "../../kernel/errors.js";

/*
 * Decimal fields of balances and counters live in `numeric[]` columns, one position per
 * declared field (positions recorded by migrate()). Values cross the wire as canonical
 * decimal strings in both directions: never a float.
 */

/**
 * The canonical string of a Decimal for SQL (plain notation, no exponent).
 *
 * @example
 * ```ts
 * decimalText(new Decimal("1e-7")); // "0.0000001"
 * ```
 */
export function decimalText(input: Decimal, what: string): string {
  const value: unknown = input;
  if (!isDecimal(value)) throw new InvariantError(`${what} must be a Decimal, got ${typeof value === "object" ? JSON.stringify(value) : typeof value}`);
  if (!value.isFinite()) throw new InvariantError(`${what} must be finite, got ${value.toString()}`);
  return canonicalDecimal(value instanceof Decimal ? value : new Decimal((value as Decimal).toFixed()));
}

/**
 * The stored positions of `amounts` in a family's fields, as canonical strings ("0" for
 * fields the change leaves out). Unknown fields are refused.
 *
 * @example
 * ```ts
 * toVector(["debit", "credit"], { credit: new Decimal(5) }, "finance.balances", "Balance"); // ["0", "5"]
 * ```
 */
export function toVector(fields: readonly string[], amounts: Readonly<Record<string, Decimal>>, family: string, kind: "Balance" | "Counter"): string[] {
  const vector = fields.map(() => "0");
  for (const [field, value] of Object.entries(amounts)) {
    const position = fields.indexOf(field);
    if (position < 0) {
      throw new StorekeepError("NOT_FOUND", `${kind} family "${family}" has no field "${field}" (fields: ${fields.join(", ")}): declare it in the registry.`, { family, field });
    }
    vector[position] = decimalText(value, `${family}.${field}`);
  }
  return vector;
}

/**
 * A record of Decimals from SQL text values by field position (missing or NULL: zero).
 *
 * @example
 * ```ts
 * fromTexts(["debit", "credit"], ["10.00", null]); // { debit: 10, credit: 0 }
 * ```
 */
export function fromTexts(fields: readonly string[], texts: readonly (string | null | undefined)[]): Record<string, Decimal> {
  const out: Record<string, Decimal> = {};
  fields.forEach((field, i) => {
    const text = texts[i];
    out[field] = text === null || text === undefined ? new Decimal(0) : new Decimal(text);
  });
  return out;
}

/**
 * Parses PostgreSQL's text form of a `numeric[]` (`{1.5,0,NULL}`) into strings.
 *
 * @example
 * ```ts
 * parseNumericArray("{1.5,0}"); // ["1.5", "0"]
 * ```
 */
export function parseNumericArray(text: string | string[] | null): (string | null)[] {
  if (text === null) return [];
  if (Array.isArray(text)) return text;
  const inner = text.slice(1, -1);
  if (inner.length === 0) return [];
  return inner.split(",").map((item) => (item === "NULL" ? null : item));
}
