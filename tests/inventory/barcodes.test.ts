import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DEFAULT_IN_STORE_LAYOUTS, expandUpcE, gs1CheckDigit, gs1ElementString, parseBarcode } from "../../src/inventory/barcodes.js";
import { isStorekeepError } from "../../src/kernel/errors.js";

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (e) {
    if (isStorekeepError(e) && e.code === "VALIDATION_FAILED") return e.message;
    throw e;
  }
  return "accepted";
}

const digits = (n: number) => fc.array(fc.integer({ min: 0, max: 9 }), { minLength: n, maxLength: n }).map((d) => d.join(""));
const withCheck = (body: string) => `${body}${gs1CheckDigit(body)}`;

describe("GTINs", () => {
  it("reads known codes of every length to one GTIN-14", () => {
    expect(parseBarcode("4006381333931")).toEqual({ kind: "ean-13", raw: "4006381333931", gtin: "04006381333931" });
    expect(parseBarcode("96385074")).toMatchObject({ kind: "ean-8", gtin: "00000096385074" });
    expect(parseBarcode("036000291452")).toMatchObject({ kind: "upc-a", gtin: "00036000291452" });
    expect(parseBarcode("10012345678902")).toMatchObject({ kind: "gtin-14", gtin: "10012345678902" });
    expect(expandUpcE("04252614")).toBe("042100005264");
    expect(parseBarcode("04252614", { symbology: "upc-e" })).toMatchObject({ kind: "upc-e", upcA: "042100005264", gtin: "00042100005264" });
    // UPC-E expansion for every last-digit pattern (GS1 General Specifications, table 5.2.2.4.1).
    expect(expandUpcE("01234505").slice(1, 11)).toBe("1200000345");
    expect(expandUpcE("01234531").slice(1, 11)).toBe("1230000045");
    expect(expandUpcE("01234542").slice(1, 11)).toBe("1234000005");
    expect(expandUpcE("01234556").slice(1, 11)).toBe("1234500005");
  });

  it("says which digit is wrong", () => {
    expect(refusal(() => parseBarcode("4006381333932"))).toMatch(/EAN-13 check digit \(digit 13\) is 2, but the other digits give 1/);
    expect(refusal(() => parseBarcode("12345"))).toMatch(/has 5 digits; a GTIN has 8, 12, 13 or 14/);
    expect(refusal(() => parseBarcode("40063813339A1"))).toMatch(/neither all digits/);
    expect(refusal(() => parseBarcode(""))).toMatch(/empty/);
  });

  it("property: every generated valid GTIN parses back to its GTIN-14", () => {
    fc.assert(
      fc.property(fc.constantFrom(7, 11, 12, 13).chain(digits), (body) => {
        const code = withCheck(body);
        expect(parseBarcode(code).gtin).toBe(code.padStart(14, "0"));
      }),
    );
  });

  it("property: every single-digit change of a code with a check digit is caught (EAN-8, UPC-A, EAN-13, GTIN-14, SSCC)", () => {
    fc.assert(
      fc.property(fc.constantFrom(7, 11, 12, 13, 17), digits(17), fc.nat(), fc.integer({ min: 1, max: 9 }), (bodyLength, pool, at, delta) => {
        const code = withCheck(pool.slice(0, bodyLength));
        const i = at % code.length;
        const changed = `${code.slice(0, i)}${(Number(code[i]) + delta) % 10}${code.slice(i + 1)}`;
        const scan = code.length === 18 ? `]C100${changed}` : changed;
        expect(refusal(() => parseBarcode(scan))).toMatch(/check digit/);
      }),
    );
  });

  it("property: a single-digit change of a UPC-E code is almost always caught (its check digit covers the expanded UPC-A; about 1% of changes to the pattern digit move zeros into another valid code)", () => {
    let caught = 0;
    let total = 0;
    fc.assert(
      fc.property(fc.constantFrom("0", "1"), digits(6), fc.integer({ min: 1, max: 7 }), fc.integer({ min: 1, max: 9 }), (ns, six, at, delta) => {
        const upcA = expandUpcE(`${ns}${six}0`).slice(0, 11);
        const code = `${ns}${six}${gs1CheckDigit(upcA)}`;
        expect(parseBarcode(code, { symbology: "upc-e" }).upcA).toBe(`${upcA}${gs1CheckDigit(upcA)}`);
        const changed = `${code.slice(0, at)}${(Number(code[at]) + delta) % 10}${code.slice(at + 1)}`;
        total++;
        if (refusal(() => parseBarcode(changed, { symbology: "upc-e" })) !== "accepted") caught++;
      }),
    );
    // Most changes are caught; the ones that are not re-arrange the zeros of the expansion.
    expect(caught / total).toBeGreaterThan(0.8);
  });
});

describe("GS1 element strings", () => {
  it("reads GTIN, lot, expiry, serial, count, net weight and price, in every transport form", () => {
    const expected = { gtin: "09506000134352", expiry: "2027-03-31", lot: "LOT-7", serial: "SN99" };
    expect(parseBarcode("]C101095060001343521727033110LOT-7\u001d21SN99", { today: "2026-11-27" })).toMatchObject(expected);
    expect(parseBarcode("(01)09506000134352(17)270331(10)LOT-7(21)SN99", { today: "2026-11-27" })).toMatchObject(expected);
    expect(parseBarcode("]d201095060001343521727033110LOT-7\u001d21SN99", { today: "2026-11-27" })).toMatchObject(expected);
    const weighed = parseBarcode("(01)09506000134352(3103)001250(3922)1499(30)12");
    expect(weighed).toMatchObject({ netWeightKg: "1.25", price: "14.99", count: "12" });
    expect(parseBarcode("(01)09506000134352(3932)9781999")).toMatchObject({ price: "19.99", priceCurrency: "EUR" });
    // Day 00 is the last day of the month; the sliding century reads 99 as 1999 in 2026.
    expect(parseBarcode("(17)270200(15)990101", { today: "2026-11-27" })).toMatchObject({ expiry: "2027-02-28", bestBefore: "1999-01-01" });
  });

  it("says which AI is wrong", () => {
    expect(refusal(() => parseBarcode("(01)09506000134353"))).toMatch(/GTIN check digit \(digit 14\) is 3, but the other digits give 2/);
    expect(refusal(() => parseBarcode("(17)271301"))).toMatch(/AI \(17\) has month 13/);
    expect(refusal(() => parseBarcode("(17)270230"))).toMatch(/AI \(17\) has day 30, but 2027-02 has 28 days/);
    expect(refusal(() => parseBarcode("(99)ABC"))).toMatch(/\(99\) is not an application identifier/);
    expect(refusal(() => parseBarcode("(01)123"))).toMatch(/AI \(01\) GTIN needs 14 characters, got 3/);
    expect(refusal(() => parseBarcode("(10)ABCDEFGHIJKLMNOPQRSTU"))).toMatch(/AI \(10\) batch or lot needs 1 to 20 characters, got 21/);
    expect(refusal(() => parseBarcode("(01)09506000134352(01)09506000134352"))).toMatch(/appears twice/);
  });

  it("property: every generated element string parses back to its parts", () => {
    const lotChars = fc.constantFrom(..."ABCDEFGHJKLMNPQRSTUVWXYZ0123456789-/".split(""));
    const element = fc.record({
      gtin: digits(13).map(withCheck),
      lot: fc.array(lotChars, { minLength: 1, maxLength: 20 }).map((c) => c.join("")),
      serial: fc.array(lotChars, { minLength: 1, maxLength: 20 }).map((c) => c.join("")),
      expiry: fc.date({ min: new Date("2000-01-01T00:00:00Z"), max: new Date("2049-12-31T00:00:00Z"), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
      grams: fc.integer({ min: 1, max: 999_999 }),
    });
    fc.assert(
      fc.property(element, fc.boolean(), (e, humanReadable) => {
        const yymmdd = `${e.expiry.slice(2, 4)}${e.expiry.slice(5, 7)}${e.expiry.slice(8, 10)}`;
        const parts = [
          { ai: "01", value: e.gtin },
          { ai: "10", value: e.lot },
          { ai: "17", value: yymmdd },
          { ai: "3103", value: String(e.grams).padStart(6, "0") },
          { ai: "21", value: e.serial },
        ];
        const code = humanReadable ? parts.map((p) => `(${p.ai})${p.value}`).join("") : gs1ElementString(parts);
        const parsed = parseBarcode(code, { today: "2025-06-01" });
        expect(parsed).toMatchObject({ gtin: e.gtin, lot: e.lot, serial: e.serial, expiry: e.expiry });
        expect(parsed.netWeightKg).toBe(String(e.grams / 1000));
      }),
    );
  });
});

describe("in-store codes (prefix 2)", () => {
  it("reads an embedded price or weight with the shop's layout, and otherwise as a plain EAN-13", () => {
    const price = withCheck("201234500199");
    expect(parseBarcode(price, { inStore: DEFAULT_IN_STORE_LAYOUTS })).toMatchObject({ kind: "in-store", itemNumber: "12345", price: "1.99" });
    const weight = withCheck("281234501250");
    expect(parseBarcode(weight, { inStore: DEFAULT_IN_STORE_LAYOUTS })).toMatchObject({ kind: "in-store", itemNumber: "12345", netWeightKg: "1.25" });
    expect(parseBarcode(price)).toMatchObject({ kind: "ean-13" });
    // A layout with a price check digit catches a misread price.
    const layout = [{ prefix: "2", itemDigits: 6, value: "price" as const, decimals: 2, valueCheckDigit: true }];
    const good = withCheck(`2123456${gs1CheckDigit("1234")}1234`);
    expect(parseBarcode(good, { inStore: layout })).toMatchObject({ itemNumber: "123456", price: "12.34" });
    const bad = withCheck(`2123456${(gs1CheckDigit("1234") + 1) % 10}1234`);
    expect(refusal(() => parseBarcode(bad, { inStore: layout }))).toMatch(/price check digit/);
  });
});
