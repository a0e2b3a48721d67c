import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { nativeDigest } from "../../src/adapters/native-digest.js";
import { entryHash } from "../../src/finance/journal-chain.js";
import type { JournalEntry } from "../../src/finance/journal-entry.js";
import type { Digest } from "../../src/ports/digest.js";
import { jsDigest } from "../../src/runner/hash.js";
import { createStorekeep } from "../../src/storekeep.js";

const native = nativeDigest();

describe("the digest seam", () => {
  it("finds Node's native SHA-256 here (the runtime the tests run on has one)", () => {
    expect(native).toBeDefined();
    expect(native!.sha256Hex("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });

  it("native and pure-JavaScript digests agree on every string, lone surrogates included", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 400 }), fc.string({ unit: fc.constantFrom("\ud800", "\udc00", "a", "é", "😀"), maxLength: 20 }), (text, odd) => {
        const s = text + odd;
        expect(native!.sha256Hex(s)).toBe(jsDigest.sha256Hex(s));
      }),
      { numRuns: 300 },
    );
  });

  it("is undefined where the runtime has no getBuiltinModule (browsers): the core's digest is used", () => {
    const proc = globalThis.process as { getBuiltinModule?: unknown };
    const saved = proc.getBuiltinModule;
    try {
      proc.getBuiltinModule = undefined;
      expect(nativeDigest()).toBeUndefined();
    } finally {
      proc.getBuiltinModule = saved;
    }
  });

  it("createStorekeep chains entries through the digest it is given, with the hashes the pure-JavaScript digest verifies", async () => {
    let calls = 0;
    const counting: Digest = { sha256Hex: (text) => (calls++, jsDigest.sha256Hex(text)) };
    const sk = createStorekeep({ digest: counting, config: { functionalCurrency: "EUR" } });
    await sk.finance.postEntry({ date: "2026-01-05", lines: [{ account: "1100", debit: "10" }, { account: "3100", credit: "10" }] });
    expect(calls).toBeGreaterThan(0);
    const docs = await sk.runtime.read((tx) => tx.documents.find("finance.entries", { index: "bySequence", limit: 10 }));
    const entry = docs[0]!.data as unknown as JournalEntry;
    expect(entryHash(entry, jsDigest)).toBe(entry.hash);
    expect((await sk.finance.verifyJournal()).ok).toBe(true);
  });

  it("a journal hashed natively verifies with the pure-JavaScript digest and the other way round", async () => {
    const a = createStorekeep({ config: { functionalCurrency: "EUR" } });
    const b = createStorekeep({ digest: jsDigest, config: { functionalCurrency: "EUR" } });
    for (const sk of [a, b]) {
      await sk.finance.postEntry({ date: "2026-01-05", memo: "Größe ✓", lines: [{ account: "1100", debit: "10.5" }, { account: "3100", credit: "10.5" }] });
    }
    const hashes = await Promise.all(
      [a, b].map(async (sk) => {
        const docs = await sk.runtime.read((tx) => tx.documents.find("finance.entries", { index: "bySequence", limit: 10 }));
        const entry = docs[0]!.data as unknown as JournalEntry;
        expect(entryHash(entry, native!)).toBe(entry.hash);
        expect(entryHash(entry, jsDigest)).toBe(entry.hash);
        return entry.hash;
      }),
    );
    expect(hashes[0]).toMatch(/^[0-9a-f]{64}$/);
  });

  it("refuses a digest option that is not an object", () => {
    expect(() => createStorekeep({ digest: "sha256" as never })).toThrow(/digest must be an object/);
  });
});
