import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type LocalDate, addDays, localDate, localDateOf, startOfLocalDate } from "../../src/kernel/index.js";

/*
 * A LocalDate is any calendar date from 0001-01-01 to 9999-12-31 (the schema's range), and
 * converting it to an instant keeps its year. Before, startOfLocalDate passed a year below
 * 100 to a Date-style constructor, which reads it as 1900 + year: "0026-03-01" started on
 * 1926-03-01 (found by exploratory use, session 18).
 */

const zones = ["UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata", "Pacific/Apia", "America/Sao_Paulo"] as const;
const year = (y: number) => String(y).padStart(4, "0");

describe("startOfLocalDate keeps every year", () => {
  it.each(zones)("years below 100 in %s: the instant starts that very day", (zone) => {
    // (From 0001-01-02: the instant before 0001-01-01 is in year 0, outside the range.)
    for (const text of ["0001-01-02", "0026-03-01", "0099-12-31", "0004-02-29"]) {
      const start = startOfLocalDate(localDate(text), zone);
      expect(localDateOf(start, zone)).toBe(text);
      expect(localDateOf(new Date(start.getTime() - 1), zone)).toBe(addDays(text as LocalDate, -1));
    }
    expect(startOfLocalDate(localDate("0026-03-01"), "UTC").toISOString()).toBe("0026-03-01T00:00:00.000Z");
  });

  it("property: for any date of the range and zone, the start of the day is in that day and the instant before is not", () => {
    const date = fc.record({ y: fc.integer({ min: 1, max: 9999 }), m: fc.integer({ min: 1, max: 12 }), d: fc.integer({ min: 1, max: 28 }) }).map(({ y, m, d }) => `${year(y)}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}` as LocalDate);
    fc.assert(
      fc.property(date, fc.constantFrom(...zones), (text, zone) => {
        const start = startOfLocalDate(text, zone);
        expect(localDateOf(start, zone)).toBe(text);
        if (text !== "0001-01-01") expect(localDateOf(new Date(start.getTime() - 1), zone) < text).toBe(true);
      }),
      { numRuns: 400, examples: [["0026-03-01" as LocalDate, "Europe/Berlin"], ["0099-12-28" as LocalDate, "UTC"]] },
    );
  });
});
