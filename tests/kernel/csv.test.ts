import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseCsv } from "../../src/kernel/index.js";

const quote = (field: string) => (/[",\r\n]/.test(field) ? `"${field.replace(/"/g, '""')}"` : field);

describe("parseCsv", () => {
  it("reads quoted fields with commas, quotes and line breaks, and CRLF records", () => {
    expect(parseCsv('a,b\r\n"x, y","say ""hi"""\n"two\nlines",\n')).toEqual([
      ["a", "b"],
      ["x, y", 'say "hi"'],
      ["two\nlines", ""],
    ]);
  });

  it("round-trips any table of fields written with RFC 4180 quoting", () => {
    fc.assert(
      fc.property(fc.array(fc.array(fc.string({ unit: "binary" }), { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 8 }), (table) => {
        // A record of one empty field is indistinguishable from a blank line; quote it.
        const text = table.map((record) => (record.length === 1 && record[0] === "" ? '""' : record.map(quote).join(","))).join("\n");
        expect(parseCsv(text)).toEqual(table);
      }),
      { numRuns: 1000 },
    );
  });
});
