import { describe, expect, it } from "vitest";
import { toCsv } from "../../src/analytics/index.js";

/*
 * CSV fields a spreadsheet would run as a formula are defused (a leading apostrophe, quoted),
 * numbers stay numbers, and RFC 4180 quoting holds for commas, quotes and line breaks.
 */
describe("toCsv", () => {
  it("defuses formula-like fields, keeps numbers as they are, and quotes per RFC 4180", () => {
    expect(toCsv([["=1+1", "+cmd", "@SUM(A1)", "-2+3+cmd|' /C calc'!A0", "\tx"]])).toBe(`"'=1+1","'+cmd","'@SUM(A1)","'-2+3+cmd|' /C calc'!A0","'\tx"\n`);
    expect(toCsv([["-12.5", "12.50", "-3", "0"]])).toBe("-12.5,12.50,-3,0\n");
    expect(toCsv([['a "b"', "c,d", "e\nf", null]])).toBe(`"a ""b""","c,d","e\nf",\n`);
  });
});
