import { TZDate } from "@date-fns/tz";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { localDateFormatter } from "../../src/kernel/index.js";

const zones = ["UTC", "Europe/Berlin", "America/New_York", "Pacific/Auckland", "Asia/Kolkata", "Pacific/Chatham", "America/St_Johns", "Pacific/Kiritimati"];

describe("localDateFormatter", () => {
  it("the cached formatter gives the same business date as a TZDate for every instant and zone", () => {
    const formatters = new Map(zones.map((z) => [z, localDateFormatter(z)]));
    fc.assert(
      fc.property(fc.date({ min: new Date("1900-01-01T00:00:00Z"), max: new Date("2200-12-31T23:59:59Z"), noInvalidDate: true }), fc.constantFrom(...zones), (instant, zone) => {
        const zoned = new TZDate(instant.getTime(), zone);
        const expected = `${String(zoned.getFullYear()).padStart(4, "0")}-${String(zoned.getMonth() + 1).padStart(2, "0")}-${String(zoned.getDate()).padStart(2, "0")}`;
        expect(formatters.get(zone)!(instant)).toBe(expected);
      }),
      { numRuns: 2000 },
    );
  });

  it("refuses an unknown zone once, up front", () => {
    expect(() => localDateFormatter("Mars/Olympus")).toThrow(expect.objectContaining({ code: "VALIDATION_FAILED" }));
  });
});
