import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  StorekeepError,
  addDays,
  compareLocalDates,
  daysBetween,
  isLocalDate,
  localDate,
  localDateOf,
  startOfLocalDate,
  utcDateOf,
} from "../../src/kernel/index.js";

const at = (iso: string) => new Date(iso);
const zones = ["Europe/Berlin", "America/New_York", "Pacific/Auckland", "America/Sao_Paulo", "Asia/Kolkata", "UTC"] as const;

describe("LocalDate from instants, across DST and midnight", () => {
  it.each([
    // Europe/Berlin: CET (+1) until 2026-03-29 01:00Z, CEST (+2) until 2026-10-25 01:00Z.
    ["Europe/Berlin", "2026-03-28T22:59:59.999Z", "2026-03-28"],
    ["Europe/Berlin", "2026-03-28T23:00:00.000Z", "2026-03-29"],
    ["Europe/Berlin", "2026-03-29T21:59:59.999Z", "2026-03-29"],
    ["Europe/Berlin", "2026-03-29T22:00:00.000Z", "2026-03-30"],
    ["Europe/Berlin", "2026-10-24T21:59:59.999Z", "2026-10-24"],
    ["Europe/Berlin", "2026-10-24T22:00:00.000Z", "2026-10-25"],
    ["Europe/Berlin", "2026-10-25T22:59:59.999Z", "2026-10-25"],
    ["Europe/Berlin", "2026-10-25T23:00:00.000Z", "2026-10-26"],
    ["Europe/Berlin", "2026-03-31T22:30:00.000Z", "2026-04-01"],
    // America/New_York: EST (-5) until 2026-03-08 07:00Z, EDT (-4) until 2026-11-01 06:00Z.
    ["America/New_York", "2026-03-08T04:59:59.999Z", "2026-03-07"],
    ["America/New_York", "2026-03-08T05:00:00.000Z", "2026-03-08"],
    ["America/New_York", "2026-03-09T03:59:59.999Z", "2026-03-08"],
    ["America/New_York", "2026-03-09T04:00:00.000Z", "2026-03-09"],
    ["America/New_York", "2026-11-01T05:30:00.000Z", "2026-11-01"],
    ["America/New_York", "2026-11-02T04:59:59.999Z", "2026-11-01"],
    ["America/New_York", "2026-11-02T05:00:00.000Z", "2026-11-02"],
    ["America/New_York", "2027-01-01T04:59:59.999Z", "2026-12-31"],
    // Pacific/Auckland: NZDT (+13) until 2026-04-05 (03:00 -> 02:00), NZST (+12) until 2026-09-27 (02:00 -> 03:00).
    ["Pacific/Auckland", "2025-12-31T10:59:59.999Z", "2025-12-31"],
    ["Pacific/Auckland", "2025-12-31T11:00:00.000Z", "2026-01-01"],
    ["Pacific/Auckland", "2026-04-04T10:59:59.999Z", "2026-04-04"],
    ["Pacific/Auckland", "2026-04-04T11:00:00.000Z", "2026-04-05"],
    ["Pacific/Auckland", "2026-04-05T11:59:59.999Z", "2026-04-05"],
    ["Pacific/Auckland", "2026-04-05T12:00:00.000Z", "2026-04-06"],
    ["Pacific/Auckland", "2026-09-26T11:59:59.999Z", "2026-09-26"],
    ["Pacific/Auckland", "2026-09-26T12:00:00.000Z", "2026-09-27"],
    ["Pacific/Auckland", "2026-09-27T10:59:59.999Z", "2026-09-27"],
    ["Pacific/Auckland", "2026-09-27T11:00:00.000Z", "2026-09-28"],
  ])("%s: %s is on %s", (zone, instant, expected) => {
    expect(localDateOf(at(instant), zone)).toBe(expected);
  });

  it.each([
    ["Europe/Berlin", "2026-03-29", "2026-03-28T23:00:00.000Z"],
    ["Europe/Berlin", "2026-03-30", "2026-03-29T22:00:00.000Z"],
    ["Europe/Berlin", "2026-10-25", "2026-10-24T22:00:00.000Z"],
    ["Europe/Berlin", "2026-10-26", "2026-10-25T23:00:00.000Z"],
    ["America/New_York", "2026-03-08", "2026-03-08T05:00:00.000Z"],
    ["America/New_York", "2026-03-09", "2026-03-09T04:00:00.000Z"],
    ["America/New_York", "2026-11-01", "2026-11-01T04:00:00.000Z"],
    ["America/New_York", "2026-11-02", "2026-11-02T05:00:00.000Z"],
    ["Pacific/Auckland", "2026-04-05", "2026-04-04T11:00:00.000Z"],
    ["Pacific/Auckland", "2026-04-06", "2026-04-05T12:00:00.000Z"],
    ["Pacific/Auckland", "2026-09-27", "2026-09-26T12:00:00.000Z"],
    ["Pacific/Auckland", "2026-09-28", "2026-09-27T11:00:00.000Z"],
    // Midnight did not exist in São Paulo on 2018-11-04 (00:00 -> 01:00): the day began at 01:00 local.
    ["America/Sao_Paulo", "2018-11-04", "2018-11-04T03:00:00.000Z"],
  ])("%s: %s starts at %s", (zone, date, instant) => {
    expect(startOfLocalDate(localDate(date), zone).toISOString()).toBe(instant);
  });

  it("an instant lies within the day it maps to: start(d) <= t < start(d + 1)", () => {
    fc.assert(
      fc.property(
        fc.date({ min: at("1990-01-01T00:00:00Z"), max: at("2060-12-31T00:00:00Z"), noInvalidDate: true }),
        fc.constantFrom(...zones),
        (instant, zone) => {
          const day = localDateOf(instant, zone);
          expect(startOfLocalDate(day, zone).getTime()).toBeLessThanOrEqual(instant.getTime());
          expect(startOfLocalDate(addDays(day, 1), zone).getTime()).toBeGreaterThan(instant.getTime());
          expect(localDateOf(startOfLocalDate(day, zone), zone)).toBe(day);
        },
      ),
      { numRuns: 500 },
    );
  });

  it("refuses an unknown time zone with VALIDATION_FAILED", () => {
    for (const zone of ["Mars/Olympus", "", "Europe/Berlinn"]) {
      expect(() => localDateOf(at("2026-01-01T00:00:00Z"), zone)).toThrow(StorekeepError);
      expect(() => startOfLocalDate(localDate("2026-01-01"), zone)).toThrow(/IANA/);
    }
  });

  it("utcDateOf reads the UTC calendar", () => {
    expect(utcDateOf(at("2026-01-01T23:59:59.999Z"))).toBe("2026-01-01");
    expect(utcDateOf(at("2026-01-02T00:00:00Z"))).toBe("2026-01-02");
  });
});

describe("LocalDate calendar", () => {
  it.each(["2026-02-30", "2026-02-29", "2100-02-29", "2026-13-01", "2026-00-10", "2026-04-31", "2026-01-00", "2026-1-01", "26-01-01", "0000-01-01", "2026-01-01T00:00:00Z", " 2026-01-01", "2026/01/01", "", "２０２６-01-01"])(
    "rejects %j with VALIDATION_FAILED",
    (text) => {
      expect(isLocalDate(text)).toBe(false);
      let error: unknown;
      try {
        localDate(text);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(StorekeepError);
      expect((error as StorekeepError).code).toBe("VALIDATION_FAILED");
      expect((error as StorekeepError).message).toContain("YYYY-MM-DD");
    },
  );

  it.each(["2024-02-29", "2000-02-29", "0001-01-01", "0004-02-29", "9999-12-31", "2026-12-31"])("accepts %s", (text) => {
    expect(localDate(text)).toBe(text);
    expect(isLocalDate(text)).toBe(true);
  });

  it("adding days and counting them agree: daysBetween(d, addDays(d, n)) = n", () => {
    const day = fc.date({ min: at("0010-01-01T00:00:00Z"), max: at("9990-12-31T00:00:00Z"), noInvalidDate: true }).map(utcDateOf);
    fc.assert(
      fc.property(day, fc.integer({ min: -3000, max: 3000 }), (d, n) => {
        const later = addDays(d, n);
        expect(isLocalDate(later)).toBe(true);
        expect(daysBetween(d, later)).toBe(n);
        expect(compareLocalDates(later, d)).toBe(Math.sign(n));
        expect(addDays(later, -n)).toBe(d);
      }),
      { numRuns: 500 },
    );
  });

  it("walks over month, leap-day and early-year boundaries", () => {
    expect(addDays(localDate("2026-02-28"), 1)).toBe("2026-03-01");
    expect(addDays(localDate("2024-02-28"), 1)).toBe("2024-02-29");
    expect(addDays(localDate("2026-12-31"), 1)).toBe("2027-01-01");
    expect(addDays(localDate("0050-01-01"), 1)).toBe("0050-01-02");
    expect(addDays(localDate("0099-12-31"), 1)).toBe("0100-01-01");
    expect(daysBetween(localDate("2026-01-01"), localDate("2026-03-01"))).toBe(59);
    expect(compareLocalDates(localDate("2026-01-01"), localDate("2026-01-01"))).toBe(0);
  });
});
