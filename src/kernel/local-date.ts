import { z } from "zod";
import { TZDate } from "@date-fns/tz";
import { StorekeepError, parseWith } from "./errors.js";

/**
 * A business date `YYYY-MM-DD` (no time, no zone): the day an entry is effective in the
 * shop's calendar. Compare with `<`/`>` as strings: the format sorts chronologically.
 *
 * @example
 * ```ts
 * const d: LocalDate = localDate("2026-03-31");
 * ```
 */
export type LocalDate = string & { readonly __brand: "LocalDate" };

const LOCAL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function isValidLocalDate(text: string): boolean {
  const m = LOCAL_DATE.exec(text);
  if (!m) return false;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (year < 1 || month < 1 || month > 12 || day < 1) return false;
  return day <= daysInMonth(year, month);
}

function daysInMonth(year: number, month: number): number {
  return new Date(utcMs(year, month, 0)).getUTCDate();
}

/**
 * The boundary schema of a business date.
 *
 * @example
 * ```ts
 * localDateSchema.parse("2026-02-28");
 * ```
 */
export const localDateSchema = z
  .string()
  .refine(isValidLocalDate, { message: "must be a calendar date written YYYY-MM-DD" })
  .transform((s) => s as LocalDate);

/**
 * Validates a business date (`VALIDATION_FAILED` otherwise).
 *
 * @example
 * ```ts
 * localDate("2026-11-27");
 * ```
 */
export function localDate(text: string): LocalDate {
  return parseWith(localDateSchema, text, "date");
}

/**
 * True for a valid `YYYY-MM-DD` calendar date.
 *
 * @example
 * ```ts
 * isLocalDate("2026-02-30"); // false
 * ```
 */
export function isLocalDate(x: unknown): x is LocalDate {
  return typeof x === "string" && isValidLocalDate(x);
}

/**
 * The business date of an instant in a time zone (IANA name, e.g. `"Europe/Berlin"`).
 *
 * @example
 * ```ts
 * localDateOf(new Date("2026-03-31T22:30:00Z"), "Europe/Berlin"); // "2026-04-01"
 * ```
 */
export function localDateOf(instant: Date, timeZone: string): LocalDate {
  return localDateFormatter(timeZone)(instant);
}

const recentFormatters = new Map<string, (instant: Date) => LocalDate>();

/**
 * A function giving the business date of an instant in one time zone. The zone is checked
 * once and its formatter reused, so hot paths (every command, every movement) pay for
 * neither again.
 *
 * @example
 * ```ts
 * const dateInBerlin = localDateFormatter("Europe/Berlin");
 * dateInBerlin(new Date("2026-03-31T22:30:00Z")); // "2026-04-01"
 * ```
 */
export function localDateFormatter(timeZone: string): (instant: Date) => LocalDate {
  const known = recentFormatters.get(timeZone);
  if (known !== undefined) return known;
  const created = createFormatter(timeZone);
  // A memo of a pure function, bounded: shops use one zone or a handful.
  if (recentFormatters.size >= 32) recentFormatters.clear();
  recentFormatters.set(timeZone, created);
  return created;
}

function createFormatter(timeZone: string): (instant: Date) => LocalDate {
  assertTimeZone(timeZone);
  if (timeZone === "UTC" || timeZone === "Etc/UTC") return utcDateOf;
  const format = new Intl.DateTimeFormat("en-US", { timeZone, year: "numeric", month: "2-digit", day: "2-digit", calendar: "gregory", numberingSystem: "latn" });
  // Every zone offset is a whole number of seconds, so instants in one second share a date:
  // remember the last second asked (a run of commands asks for the same one many times).
  let lastSecond = Number.NaN;
  let lastDate = "" as LocalDate;
  return (instant) => {
    const second = Math.floor(instant.getTime() / 1000);
    if (second === lastSecond) return lastDate;
    let year = 0;
    let month = 0;
    let day = 0;
    for (const part of format.formatToParts(instant)) {
      if (part.type === "year") year = Number(part.value);
      else if (part.type === "month") month = Number(part.value);
      else if (part.type === "day") day = Number(part.value);
    }
    const date = formatParts(year, month, day);
    if (Number.isFinite(second)) {
      lastSecond = second;
      lastDate = date;
    }
    return date;
  };
}

/**
 * The instant a business date starts in a time zone (its local midnight).
 *
 * @example
 * ```ts
 * startOfLocalDate(localDate("2026-04-01"), "Europe/Berlin").toISOString(); // "2026-03-31T22:00:00.000Z"
 * ```
 */
export function startOfLocalDate(date: LocalDate, timeZone: string): Date {
  localDateFormatter(timeZone); // checks the zone once (memoised)
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  // TZDate, like Date, reads a year below 100 as 1900 + year (and its setters drift by the
  // seconds of a local mean time offset): take the same day 400 years later — the Gregorian
  // calendar repeats every 146,097 days, and every zone keeps its local mean time offset
  // until the 19th century — and step back by exactly that.
  if (y < 100) return new Date(new TZDate(y + 400, m - 1, d, 0, 0, 0, 0, timeZone).getTime() - GREGORIAN_CYCLE_MS);
  return new Date(new TZDate(y, m - 1, d, 0, 0, 0, 0, timeZone).getTime());
}

/** 400 Gregorian years, in milliseconds: 146,097 days. */
const GREGORIAN_CYCLE_MS = 146_097 * 86_400_000;

/**
 * A date `days` later (or earlier when negative).
 *
 * @example
 * ```ts
 * addDays(localDate("2026-02-28"), 1); // "2026-03-01"
 * ```
 */
export function addDays(date: LocalDate, days: number): LocalDate {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  const t = new Date(utcMs(y, m - 1, d + days));
  return formatParts(t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate());
}

/**
 * Whole days from `from` to `to` (negative when `to` is earlier).
 *
 * @example
 * ```ts
 * daysBetween(localDate("2026-01-01"), localDate("2026-03-01")); // 59
 * ```
 */
export function daysBetween(from: LocalDate, to: LocalDate): number {
  return Math.round((utcDay(to) - utcDay(from)) / 86_400_000);
}

/**
 * -1, 0 or 1 by calendar order.
 *
 * @example
 * ```ts
 * compareLocalDates(localDate("2026-01-01"), localDate("2026-01-02")); // -1
 * ```
 */
export function compareLocalDates(a: LocalDate, b: LocalDate): -1 | 0 | 1 {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The business date of a UTC instant (the date in UTC).
 *
 * @example
 * ```ts
 * utcDateOf(new Date("2026-01-01T23:00:00Z")); // "2026-01-01"
 * ```
 */
export function utcDateOf(instant: Date): LocalDate {
  return formatParts(instant.getUTCFullYear(), instant.getUTCMonth() + 1, instant.getUTCDate());
}

function utcDay(date: LocalDate): number {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  return utcMs(y, m - 1, d);
}

/** Date.UTC without its 0–99 → 1900–1999 year mapping. */
function utcMs(year: number, monthIndex: number, day: number): number {
  const t = new Date(0);
  t.setUTCFullYear(year, monthIndex, day);
  return t.getTime();
}

function formatParts(year: number, month: number, day: number): LocalDate {
  return `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}` as LocalDate;
}

function assertTimeZone(timeZone: string): void {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone });
  } catch {
    throw new StorekeepError("VALIDATION_FAILED", `Unknown time zone "${timeZone}": use an IANA name such as "Europe/Berlin".`, {
      issues: [{ path: "timeZone", message: "unknown time zone", code: "custom" }],
    });
  }
}
