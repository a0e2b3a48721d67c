import { describe, expect, it } from "vitest";
import { CURRENCY_CODES, Money, StorekeepError, isCurrencyCode, minorUnits } from "../../src/kernel/index.js";

describe("ISO 4217 minor units", () => {
  it.each([
    ["JPY", 0],
    ["KRW", 0],
    ["ISK", 0],
    ["CLP", 0],
    ["EUR", 2],
    ["USD", 2],
    ["GBP", 2],
    ["CHF", 2],
    ["KWD", 3],
    ["BHD", 3],
    ["TND", 3],
    ["CLF", 4],
    ["UYW", 4],
  ])("%s has %i decimals", (code, digits) => {
    expect(minorUnits(code)).toBe(digits);
    expect(isCurrencyCode(code)).toBe(true);
  });

  it("holds the whole active table, sorted, without precious metals or test codes", () => {
    expect(CURRENCY_CODES.length).toBeGreaterThanOrEqual(160);
    expect([...CURRENCY_CODES].sort()).toEqual(CURRENCY_CODES);
    for (const code of CURRENCY_CODES) expect(code).toMatch(/^[A-Z]{3}$/);
    for (const code of ["XAU", "XAG", "XTS", "XXX", "XDR"]) expect(isCurrencyCode(code)).toBe(false);
  });

  it.each(["XYZ", "eur", "EURO", "", "€", "__proto__", "constructor", "toString"])("refuses %j with UNKNOWN_CURRENCY", (code) => {
    expect(isCurrencyCode(code)).toBe(false);
    let error: unknown;
    try {
      minorUnits(code);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StorekeepError);
    expect((error as StorekeepError).code).toBe("UNKNOWN_CURRENCY");
    expect((error as StorekeepError).message).toContain("ISO 4217");
    expect(() => Money.zero(code)).toThrow(StorekeepError);
  });

  it("refuses non-strings", () => {
    for (const code of [null, undefined, 978, {}]) expect(isCurrencyCode(code)).toBe(false);
  });
});
