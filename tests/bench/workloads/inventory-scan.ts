import { DEFAULT_IN_STORE_LAYOUTS, gs1CheckDigit, gs1ElementString, parseBarcode } from "../../../src/inventory/barcodes.js";
import type { BenchWorkload } from "../harness.js";

/*
 * inventory.scan-1m: parsing 1M mixed barcodes as a warehouse scanner emits them (EAN-13,
 * UPC-A, EAN-8, GS1-128 labels with GTIN, expiry, lot and serial, weight-embedded in-store
 * codes), every check digit verified, dates and weights decoded — beside a plain parser
 * that does the same work with string slicing and number arithmetic and no error messages.
 */

const CODES = 1_000_000;
const GS = "\u001d";

function lcg(seed: number): (max: number) => number {
  let s = seed;
  return (max) => {
    s = (s * 1_103_515_245 + 12_345) % 2_147_483_648;
    return s % max;
  };
}

function digits(next: (max: number) => number, n: number): string {
  let out = "";
  for (let i = 0; i < n; i++) out += String(next(10));
  return out;
}

const withCheck = (d: string): string => d + String(gs1CheckDigit(d));

/** 1M codes: 40% EAN-13, 10% UPC-A, 10% EAN-8, 30% GS1-128, 10% in-store weight codes. */
function prepareCodes(): string[] {
  const next = lcg(20_261_204);
  const codes: string[] = [];
  for (let i = 0; i < CODES; i++) {
    const kind = next(10);
    if (kind < 4) codes.push(withCheck(`4${digits(next, 11)}`));
    else if (kind < 5) codes.push(withCheck(`0${digits(next, 10)}`));
    else if (kind < 6) codes.push(withCheck(`5${digits(next, 6)}`));
    else if (kind < 9) {
      const yy = String(26 + next(5));
      const mm = String(1 + next(12)).padStart(2, "0");
      const dd = String(next(29)).padStart(2, "0");
      codes.push(gs1ElementString([{ ai: "01", value: withCheck(`0${digits(next, 12)}`) }, { ai: "17", value: `${yy}${mm}${dd}` }, { ai: "10", value: `L${digits(next, 5)}` }, { ai: "21", value: `S${digits(next, 8)}` }]));
    } else codes.push(withCheck(`23${digits(next, 5)}${digits(next, 5)}`));
  }
  return codes;
}

/** The baseline's check digit: weights 3, 1, 3… from the right, on char codes. */
function check(code: string, length: number): boolean {
  let sum = 0;
  for (let i = length - 2, w = 3; i >= 0; i--, w = 4 - w) sum += (code.charCodeAt(i) - 48) * w;
  return (10 - (sum % 10)) % 10 === code.charCodeAt(length - 1) - 48;
}

function lastDay(year: number, month: number): number {
  return month === 2 ? (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28) : month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** A plain parser: the same checks and decoding, no validation messages, no Decimal. */
function plainParse(code: string): { gtin?: string; expiry?: string; lot?: string; serial?: string; weight?: number; item?: string } {
  if (code.charCodeAt(0) === 93) {
    const out: { gtin?: string; expiry?: string; lot?: string; serial?: string } = {};
    let i = 3;
    while (i < code.length) {
      const ai = code.slice(i, i + 2);
      i += 2;
      if (ai === "01") {
        const gtin = code.slice(i, i + 14);
        if (!check(gtin, 14)) throw new Error("check digit");
        out.gtin = gtin;
        i += 14;
      } else if (ai === "17") {
        const year = 2000 + Number(code.slice(i, i + 2));
        const month = Number(code.slice(i + 2, i + 4));
        let day = Number(code.slice(i + 4, i + 6));
        const last = lastDay(year, month);
        if (day === 0) day = last;
        if (month < 1 || month > 12 || day > last) throw new Error("date");
        out.expiry = `${year}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
        i += 6;
      } else {
        const end = code.indexOf(GS, i);
        const value = end === -1 ? code.slice(i) : code.slice(i, end);
        if (ai === "10") out.lot = value;
        else if (ai === "21") out.serial = value;
        else throw new Error("AI");
        i = end === -1 ? code.length : end + 1;
      }
    }
    return out;
  }
  if (!check(code, code.length)) throw new Error("check digit");
  if (code.length === 13 && code.charCodeAt(0) === 50 && code.charCodeAt(1) >= 51) return { item: code.slice(2, 7), weight: Number(code.slice(7, 12)) / 1000 };
  return { gtin: code.padStart(14, "0") };
}

const options = { today: "2026-12-04", inStore: DEFAULT_IN_STORE_LAYOUTS };

export const workloads: BenchWorkload<never>[] = [
  {
    name: "inventory.scan-1m",
    unit: "codes/s",
    ops: CODES,
    rounds: 3,
    prepare: prepareCodes,
    subject(codes: string[]) {
      let found = 0;
      for (const code of codes) if (parseBarcode(code, options).gtin !== undefined) found++;
      return found;
    },
    baseline(codes: string[]) {
      let found = 0;
      for (const code of codes) if (plainParse(code).gtin !== undefined) found++;
      return found;
    },
  } as BenchWorkload<string[]>,
] as unknown as BenchWorkload<never>[];
