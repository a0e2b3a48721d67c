import { describe, expect, it } from "vitest";
import { rootNames, snapshotNames } from "./public-api.js";

describe("the root entry holds the public API only", () => {
  it("exports exactly the reviewed names (npm run api:snapshot after a deliberate change)", () => {
    const names = rootNames();
    const snapshot = snapshotNames();
    const added = names.filter((n) => !snapshot.includes(n));
    const removed = snapshot.filter((n) => !names.includes(n));
    expect({ added, removed }, "the root entry's names changed: check each is public API (TSDoc with an example), then run npm run api:snapshot").toEqual({ added: [], removed: [] });
  });

  it("exports no test-only kernels, store internals or low-level helpers", () => {
    const internal = rootNames().filter((n) =>
      /ForTests$|_(REGISTRY|STORE|COLLECTION|CLAIMS|SCHEMAS|ID)$/.test(n) ||
      ["sha256Hex", "roundDiv", "canonicalJson", "eventDefinitions", "decodePostings", "applyToBook", "resolveConfig"].includes(n),
    );
    expect(internal).toEqual([]);
  });
});
