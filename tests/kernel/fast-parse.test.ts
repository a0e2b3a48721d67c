import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { journalEntrySchema } from "../../src/finance/journal-entry.js";
import { Decimal } from "../../src/kernel/decimal.js";
import { parseWith } from "../../src/kernel/errors.js";
import { fastNonNegativeAmount, fastParseOf, isCalendarDate } from "../../src/kernel/fast-parse.js";
import { localDateSchema } from "../../src/kernel/local-date.js";
import { nonNegativeAmountSchema } from "../../src/kernel/bounds.js";
import { issueInputSchema } from "../../src/inventory/issue.js";

/** A parsed value as a comparable tree: key order kept, Decimals by their parts. */
function shape(value: unknown): unknown {
  if (value instanceof Decimal) return { decimal: value.toString(), d: (value as unknown as { d: number[] }).d, e: (value as unknown as { e: number }).e, s: (value as unknown as { s: number }).s };
  if (Array.isArray(value)) return value.map(shape);
  if (typeof value === "object" && value !== null) return Object.entries(value).map(([k, v]) => [k, shape(v)]);
  return value;
}

const amounts = fc.oneof(
  fc.constantFrom("0", "0.00", "12.50", "007", "1.1234567", "1.123456", "-1", "1e3", "", " 1", "1.", ".5", "999999999999999", "9999999999999999", "0.000001", "-0", "10.10"),
  fc.bigInt({ min: 0n, max: 10n ** 16n }).map(String),
  fc.tuple(fc.nat(99_999), fc.nat(9_999_999)).map(([i, f]) => `${i}.${f}`),
  fc.double({ noNaN: false }),
  fc.constant(undefined),
);
const dates = fc.oneof(
  fc.date({ min: new Date("0001-01-01T00:00:00Z"), max: new Date("9999-12-31T00:00:00Z"), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
  fc.constantFrom("2026-02-29", "2028-02-29", "1900-02-29", "2000-02-29", "2026-13-01", "2026-04-31", "0000-01-01", "2026-1-01", "x"),
);
const accounts = fc.oneof(fc.constantFrom("1100", "4000", "a.b_c-d", "-x", "", "x".repeat(33), "x".repeat(32)), fc.string({ maxLength: 6 }));
const lines = fc.record(
  { account: accounts, debit: amounts, credit: amounts, memo: fc.string({ maxLength: 3 }), currency: fc.constantFrom("EUR", "USD", "XXX"), extra: fc.nat() },
  { requiredKeys: [] },
);
const entries = fc.record(
  {
    date: dates,
    lines: fc.array(lines, { minLength: 0, maxLength: 5 }),
    memo: fc.oneof(fc.string({ maxLength: 3 }), fc.constant("m".repeat(501)), fc.constant(undefined)),
    key: fc.oneof(fc.string({ maxLength: 3 }), fc.constant("k".repeat(201))),
    domain: fc.constantFrom("sales", "general", "stock", "other"),
    extra: fc.nat(),
  },
  { requiredKeys: [] },
);

/** Entries that are mostly well-formed, so the fast path answers often. */
const goodAmounts = fc.oneof(fc.constantFrom("0", "0.00", "12.50", "10.10", "999999999999999.999999"), fc.tuple(fc.nat(99_999), fc.nat(999_999)).map(([i, f]) => `${i}.${f}`), fc.nat().map(String));
const goodLines = fc.oneof(
  fc.record({ account: fc.constantFrom("1100", "4000", "a.b_c-d"), debit: goodAmounts }),
  fc.record({ account: fc.constantFrom("1100", "4000"), credit: goodAmounts, memo: fc.string({ maxLength: 4 }) }, { requiredKeys: ["account", "credit"] }),
);
const goodEntries = fc.record(
  { date: dates, lines: fc.array(goodLines, { minLength: 2, maxLength: 4 }), memo: fc.string({ maxLength: 4 }), key: fc.string({ minLength: 1, maxLength: 4 }), domain: fc.constantFrom("sales", "general") },
  { requiredKeys: ["date", "lines"] },
);

describe("fast boundary parses", () => {
  const fastEntry = fastParseOf(journalEntrySchema)!;

  it("the journal-entry fast path, whenever it answers, gives exactly what the schema's parse gives", () => {
    let answered = 0;
    fc.assert(
      fc.property(fc.oneof(entries, goodEntries), (input) => {
        const fast = fastEntry(input);
        if (fast === undefined) return;
        answered++;
        const zod = journalEntrySchema.safeParse(input);
        expect(zod.success).toBe(true);
        expect(shape(fast)).toEqual(shape(zod.data));
      }),
      { numRuns: 3000 },
    );
    // Most of the well-formed half is read by the fast path: the comparison above was not vacuous.
    expect(answered).toBeGreaterThan(500);
  });

  it("the journal-entry fast path answers for a plain functional-currency entry (so it runs at all)", () => {
    const input = { date: "2026-03-02", memo: "m", key: "k1", domain: "sales", lines: [{ account: "1100", debit: "10.50" }, { account: "4000", credit: "10.5", memo: "x" }] };
    const fast = fastEntry(input);
    expect(fast).toBeDefined();
    expect(shape(parseWith(journalEntrySchema, input))).toEqual(shape(journalEntrySchema.parse(input)));
    // What it leaves to the schema still fails the schema's way.
    expect(fastEntry({ ...input, lines: [{ account: "1100", debit: "1", credit: "1" }, input.lines[1]] })).toBeUndefined();
    expect(() => parseWith(journalEntrySchema, { ...input, lines: [{ account: "1100", debit: "1", credit: "1" }, input.lines[1]] }, "entry")).toThrow(/exactly one of debit or credit/);
  });

  it("a fast amount equals the schema's amount whenever it answers", () => {
    fc.assert(
      fc.property(amounts, (input) => {
        const fast = fastNonNegativeAmount(input);
        if (fast === undefined) return;
        expect(shape(fast)).toEqual(shape(nonNegativeAmountSchema.parse(input)));
      }),
      { numRuns: 3000 },
    );
    expect(fastNonNegativeAmount("12.50")?.toString()).toBe("12.5");
  });

  it("a calendar date is accepted by the fast check exactly when the schema accepts it", () => {
    fc.assert(
      fc.property(fc.oneof(dates, fc.string({ maxLength: 10 })), (input) => {
        expect(isCalendarDate(input)).toBe(localDateSchema.safeParse(input).success);
      }),
      { numRuns: 3000 },
    );
  });

  it("the issue fast path, whenever it answers, gives exactly what the schema's parse gives (the default counter-role included)", () => {
    const fastIssue = fastParseOf(issueInputSchema)!;
    const ids = fc.oneof(fc.constantFrom("MUG", "wh", "a.b:c/d-e_f", "-x", "", "x".repeat(129), "x".repeat(128)), fc.string({ maxLength: 4 }));
    const quantities = fc.oneof(fc.constantFrom("1", "0", "-1", "1.5", "1.50", "01", "1e3", "0.000001", "0.0000001", "999999999999", "9999999999999"), fc.double(), fc.nat().map(String));
    const inputs = fc.record(
      { sku: ids, warehouseId: ids, quantity: quantities, counterRole: fc.constantFrom("cogs", "shrinkage", "nope"), orderId: ids, reservationId: ids, locationId: ids, lot: ids, reference: ids, unit: fc.constant("carton"), effectiveDate: fc.constant("2026-01-01") },
      { requiredKeys: [] },
    );
    const plain = fc.record({ sku: fc.constantFrom("MUG", "A1"), warehouseId: fc.constant("wh"), quantity: fc.nat({ max: 999 }).map((n) => String(n + 1)), orderId: fc.constant("o1") }, { requiredKeys: ["sku", "warehouseId", "quantity"] });
    let answered = 0;
    fc.assert(
      fc.property(fc.oneof(inputs, plain), (input) => {
        const fast = fastIssue(input);
        if (fast === undefined) return;
        answered++;
        const zod = issueInputSchema.safeParse(input);
        expect(zod.success).toBe(true);
        expect(shape(fast)).toEqual(shape(zod.data));
      }),
      { numRuns: 3000 },
    );
    expect(answered).toBeGreaterThan(500);
  });
});
