/*
 * Fast paths for the boundary schemas of the hottest commands. A zod parse of a journal
 * entry costs ~8 µs (most of it allocation: zod's per-node results and issue lists), more
 * than the posting's balance updates. A fast path is a hand-written reader of the same
 * schema for well-formed input: it returns exactly what the schema's parse would (the same
 * keys in the same order, equal values), or `undefined` for anything it is not sure of,
 * which then takes the schema's own parse — so every error, and every unusual but valid
 * input, is the schema's. A property test per fast path checks it against the schema.
 */

import { Decimal } from "./decimal.js";

/** A fast reader of a schema's input: the parsed value, or `undefined` to leave it to the schema. */
export type FastParse = (input: unknown) => unknown;

const FAST = new WeakMap<object, FastParse>();

/**
 * Registers a fast path for `schema` (see the module comment): `parseWith(schema, input)`
 * tries it first. Returns the schema.
 *
 * @example
 * ```ts
 * const codeSchema = withFastParse(z.string().regex(/^[A-Z]{3}$/), (x) => (typeof x === "string" && /^[A-Z]{3}$/.test(x) ? x : undefined));
 * ```
 */
export function withFastParse<S extends object>(schema: S, parse: FastParse): S {
  FAST.set(schema, parse);
  return schema;
}

/**
 * The fast path registered for `schema`, if any.
 *
 * @example
 * ```ts
 * const fast = fastParseOf(journalEntrySchema);
 * ```
 */
export function fastParseOf(schema: object): FastParse | undefined {
  return FAST.get(schema);
}

/** Digits 1–15 without a leading zero (or a lone 0), then at most 6 decimals. */
const PLAIN_AMOUNT = /^(?:0|[1-9]\d{0,14})(?:\.\d{1,6})?$/;

/**
 * A non-negative amount string as `nonNegativeAmountSchema` reads it (at most 15 integer
 * digits without leading zeros and 6 decimals), or `undefined` for anything else (a
 * number, a sign, an exponent, more digits: the schema decides).
 *
 * @example
 * ```ts
 * fastNonNegativeAmount("12.50"); // Decimal 12.5
 * fastNonNegativeAmount(12.5); // undefined
 * ```
 */
export function fastNonNegativeAmount(input: unknown): Decimal | undefined {
  if (typeof input !== "string" || input.length > 22 || !PLAIN_AMOUNT.test(input)) return undefined;
  return new Decimal(input);
}

const LOCAL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * True for a `YYYY-MM-DD` string naming a calendar day (years 1–9999), as `localDateSchema`
 * accepts.
 *
 * @example
 * ```ts
 * isCalendarDate("2028-02-29"); // true
 * isCalendarDate("2026-02-29"); // false
 * ```
 */
export function isCalendarDate(input: unknown): input is string {
  if (typeof input !== "string" || input.length !== 10) return false;
  const m = LOCAL_DATE.exec(input);
  if (m === null) return false;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (year < 1 || month < 1 || month > 12 || day < 1) return false;
  const leap = month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return day <= DAYS[month - 1]! + (leap ? 1 : 0);
}

/**
 * True for a plain object (prototype `Object.prototype` or null) whose own keys are all in
 * `allowed`: what a fast path reads without a getter, a class or an unknown key surprising it.
 *
 * @example
 * ```ts
 * isPlainWith({ a: 1 }, new Set(["a", "b"])); // true
 * ```
 */
export function isPlainWith(input: unknown, allowed: ReadonlySet<string>): input is Record<string, unknown> {
  if (typeof input !== "object" || input === null || Array.isArray(input)) return false;
  const proto: unknown = Object.getPrototypeOf(input);
  if (proto !== Object.prototype && proto !== null) return false;
  for (const key in input) if (!allowed.has(key)) return false;
  return true;
}
