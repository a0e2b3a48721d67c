import { createHash } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Decimal, canonicalDecimal, isDecimal } from "../../src/kernel/decimal.js";
import { canonicalJson, sha256Hex } from "../../src/runner/hash.js";

/** The definition canonicalJson is written against: sort keys, then JSON.stringify. */
function reference(value: unknown): string {
  const canonicalize = (v: unknown): unknown => {
    if (v === null || typeof v === "string" || typeof v === "boolean") return v;
    if (typeof v === "number") return Number.isFinite(v) ? v : String(v);
    if (typeof v === "bigint") return v.toString();
    if (v === undefined) return undefined;
    if (isDecimal(v)) return canonicalDecimal(v);
    if (v instanceof Date) return v.toISOString();
    if (Array.isArray(v)) return v.map((x) => (x === undefined ? null : canonicalize(x)));
    if (typeof v === "object") {
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(v).sort()) {
        const x = canonicalize((v as Record<string, unknown>)[key]);
        if (x !== undefined) out[key] = x;
      }
      return out;
    }
    return String(v);
  };
  return JSON.stringify(canonicalize(value));
}

const leaf = fc.oneof(
  fc.string({ unit: "binary" }),
  fc.double(),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.bigInt(),
  fc.integer({ min: -1e9, max: 1e9 }).map((n) => new Decimal(n).div(100)),
  fc.date({ noInvalidDate: true }),
);
const value = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: "small" }, leaf, fc.array(tie("node")), fc.dictionary(fc.string({ unit: "binary" }), tie("node"))),
})).node;

describe("canonicalJson", () => {
  it("is the JSON text of the key-sorted value, for any value (decimals, dates, bigints, undefined, any string)", () => {
    fc.assert(fc.property(value, (v) => {
        expect(canonicalJson(v)).toBe(reference(v));
      }), { numRuns: 300 });
  });

  it("gives one text for one decimal however it is written", () => {
    expect(canonicalJson({ b: 1, a: new Decimal("10.00") })).toBe('{"a":"10","b":1}');
  });
});

describe("sha256Hex", () => {
  it("equals node:crypto's SHA-256 of the UTF-8 text for any string (lone surrogates as U+FFFD, every padding length)", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 300 }), (text) => {
        expect(sha256Hex(text)).toBe(createHash("sha256").update(Buffer.from(new TextEncoder().encode(text))).digest("hex"));
      }),
      { numRuns: 500 },
    );
    for (let n = 0; n < 200; n++) {
      const text = "x".repeat(n);
      expect(sha256Hex(text)).toBe(createHash("sha256").update(text).digest("hex"));
    }
  });

  it("hashes a long text and a short one after it correctly (the reused buffer keeps no stale bytes)", () => {
    const long = "é".repeat(5000);
    expect(sha256Hex(long)).toBe(createHash("sha256").update(long).digest("hex"));
    expect(sha256Hex("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });
});
