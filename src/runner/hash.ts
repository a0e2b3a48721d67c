import type { Digest } from "../ports/digest.js";
import { isDecimal } from "../kernel/decimal.js";
import { canonicalDecimal } from "../kernel/decimal.js";
import { isMoney } from "../kernel/money.js";
import { isQuantity } from "../kernel/quantity.js";

/**
 * The canonical JSON text of a parsed command input: object keys sorted, Decimals as
 * canonical strings, Money as `{amount,currency}`, Dates as ISO strings, `undefined` left out.
 * So `10` and `"10.00"` give the same text once parsed.
 *
 * @example
 * ```ts
 * canonicalJson({ b: 1, a: new Decimal("10.00") }); // '{"a":"10","b":1}'
 * ```
 */
export function canonicalJson(value: unknown): string {
  // Written directly (no intermediate sorted copy): the same text as
  // JSON.stringify of the canonical form.
  return writeCanonical(value) ?? (undefined as unknown as string);
}

/*
 * Object keys as JSON text followed by a colon, for the few hundred distinct keys commands,
 * events and entries use (bounded: 4,096 keys of up to 64 characters; others are quoted each time).
 */
const QUOTED_KEYS = new Map<string, string>();

function quotedKey(key: string): string {
  let quoted = QUOTED_KEYS.get(key);
  if (quoted === undefined) {
    quoted = `${JSON.stringify(key)}:`;
    if (QUOTED_KEYS.size < 4096 && key.length <= 64) QUOTED_KEYS.set(key, quoted);
  }
  return quoted;
}

/** The canonical JSON text of `value`, or undefined where JSON.stringify would leave it out. */
function writeCanonical(value: unknown): string | undefined {
  switch (typeof value) {
    case "string":
      return jsonString(value);
    case "boolean":
      return value ? "true" : "false";
    case "number":
      return Number.isFinite(value) ? JSON.stringify(value) : JSON.stringify(String(value));
    case "bigint":
      return `"${value.toString()}"`;
    case "undefined":
      return undefined;
    case "object": {
      if (value === null) return "null";
      if (Array.isArray(value)) {
        let out = "[";
        for (let i = 0; i < value.length; i++) {
          if (i > 0) out += ",";
          out += writeCanonical(value[i]) ?? "null";
        }
        return `${out}]`;
      }
      // Plain objects (nearly every value) skip the class checks.
      const proto: unknown = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) {
        if (isDecimal(value)) return JSON.stringify(canonicalDecimal(value));
        if (isMoney(value)) return JSON.stringify(value.toJSON());
        if (isQuantity(value)) return JSON.stringify(value.toJSON());
        if (value instanceof Date) return JSON.stringify(value.toISOString());
      }
      const keys = Object.keys(value);
      if (keys.length > 1) keys.sort();
      let out = "{";
      for (let i = 0; i < keys.length; i++) {
        const key = keys[i]!;
        // The canonical form was built by assignment, where a "__proto__" key set the
        // prototype and left the text: keep hashes as they were, leave it out.
        if (key === "__proto__") continue;
        const text = writeCanonical((value as Record<string, unknown>)[key]);
        if (text === undefined) continue;
        out += out.length === 1 ? quotedKey(key) + text : `,${quotedKey(key)}${text}`;
      }
      return `${out}}`;
    }
    default:
      return JSON.stringify(String(value));
  }
}

/** What JSON.stringify escapes in a string: quotes, backslashes, control characters, surrogates (lone ones are escaped). */
const ESCAPED = /["\\\u0000-\u001f\ud800-\udfff]/;

/**
 * A string as JSON text: the text `JSON.stringify` gives, without calling it for the usual
 * string that needs no escaping.
 *
 * @example
 * ```ts
 * jsonString('a"b'); // '"a\\"b"'
 * ```
 */
export function jsonString(text: string): string {
  return ESCAPED.test(text) ? JSON.stringify(text) : `"${text}"`;
}

/**
 * SHA-256 of a string (UTF-8), as lowercase hex. Pure JavaScript so the core needs no
 * `node:crypto`; used for idempotency hashes, not for secrets.
 *
 * @example
 * ```ts
 * sha256Hex("abc"); // "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
 * ```
 */
export function sha256Hex(text: string): string {
  // UTF-8 takes at most 3 bytes per UTF-16 code unit; the buffer is reused between calls.
  const need = text.length * 3 + 72;
  if (buffer.length < need) buffer = new Uint8Array(Math.max(need, buffer.length * 2));
  const buf = buffer;
  const n = encodeUtf8(text, buf);
  const total = ((n + 9 + 63) >> 6) << 6;
  buf[n] = 0x80;
  buf.fill(0, n + 1, total);
  const bitsHigh = Math.floor(n / 0x20000000); // (n * 8) / 2^32
  const bitsLow = (n * 8) >>> 0;
  buf[total - 8] = bitsHigh >>> 24;
  buf[total - 7] = bitsHigh >>> 16;
  buf[total - 6] = bitsHigh >>> 8;
  buf[total - 5] = bitsHigh;
  buf[total - 4] = bitsLow >>> 24;
  buf[total - 3] = bitsLow >>> 16;
  buf[total - 2] = bitsLow >>> 8;
  buf[total - 1] = bitsLow;
  let h0 = H0[0]!;
  let h1 = H0[1]!;
  let h2 = H0[2]!;
  let h3 = H0[3]!;
  let h4 = H0[4]!;
  let h5 = H0[5]!;
  let h6 = H0[6]!;
  let h7 = H0[7]!;
  const w = W;
  for (let offset = 0; offset < total; offset += 64) {
    for (let i = 0; i < 16; i++) {
      const j = offset + i * 4;
      w[i] = (buf[j]! << 24) | (buf[j + 1]! << 16) | (buf[j + 2]! << 8) | buf[j + 3]!;
    }
    for (let i = 16; i < 64; i++) {
      const x = w[i - 15]!;
      const y = w[i - 2]!;
      const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
      const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
      w[i] = (w[i - 16]! + s0 + w[i - 7]! + s1) | 0;
    }
    let a = h0;
    let b = h1;
    let c = h2;
    let d = h3;
    let e = h4;
    let f = h5;
    let g = h6;
    let h = h7;
    for (let i = 0; i < 64; i++) {
      const s1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
      const ch = (e & f) ^ (~e & g);
      const t1 = (h + s1 + ch + K[i]! + w[i]!) | 0;
      const s0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
      const maj = (a & b) ^ (a & c) ^ (b & c);
      const t2 = (s0 + maj) | 0;
      h = g;
      g = f;
      f = e;
      e = (d + t1) | 0;
      d = c;
      c = b;
      b = a;
      a = (t1 + t2) | 0;
    }
    h0 = (h0 + a) | 0;
    h1 = (h1 + b) | 0;
    h2 = (h2 + c) | 0;
    h3 = (h3 + d) | 0;
    h4 = (h4 + e) | 0;
    h5 = (h5 + f) | 0;
    h6 = (h6 + g) | 0;
    h7 = (h7 + h) | 0;
  }
  return hex32(h0) + hex32(h1) + hex32(h2) + hex32(h3) + hex32(h4) + hex32(h5) + hex32(h6) + hex32(h7);
}

/**
 * The core's own {@link Digest}: `sha256Hex` in pure JavaScript, for runtimes with no
 * native SHA-256 (browsers, edge runtimes) and contexts built by hand.
 *
 * @example
 * ```ts
 * createRuntime({ ...ports, digest: jsDigest });
 * ```
 */
export const jsDigest: Digest = Object.freeze({ sha256Hex: (text: string): string => sha256Hex(text) });

/** Writes `text` as UTF-8 into `out` (large enough), a lone surrogate as U+FFFD; returns the length. */
function encodeUtf8(text: string, out: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i);
    if (c < 0x80) {
      out[n++] = c;
      continue;
    }
    if (c < 0x800) {
      out[n++] = 0xc0 | (c >> 6);
      out[n++] = 0x80 | (c & 63);
      continue;
    }
    if (c >= 0xd800 && c <= 0xdfff) {
      const next = i + 1 < text.length ? text.charCodeAt(i + 1) : 0;
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        const cp = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
        i++;
        out[n++] = 0xf0 | (cp >> 18);
        out[n++] = 0x80 | ((cp >> 12) & 63);
        out[n++] = 0x80 | ((cp >> 6) & 63);
        out[n++] = 0x80 | (cp & 63);
        continue;
      }
      c = 0xfffd;
    }
    out[n++] = 0xe0 | (c >> 12);
    out[n++] = 0x80 | ((c >> 6) & 63);
    out[n++] = 0x80 | (c & 63);
  }
  return n;
}

function hex32(x: number): string {
  return HEX[(x >>> 24) & 255]! + HEX[(x >>> 16) & 255]! + HEX[(x >>> 8) & 255]! + HEX[x & 255]!;
}

let buffer = new Uint8Array(1024);
const W = new Int32Array(64);
const HEX: readonly string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));
const H0 = new Int32Array([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);
const K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
  0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
  0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);
