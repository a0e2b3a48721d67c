import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { memoryStore } from "../../src/adapters/memory/index.js";
import { runStoreConformance } from "../../src/testing/index.js";

runStoreConformance({
  name: "memory",
  make: () => memoryStore(),
  capabilities: { concurrentTransactions: false, durable: false, purgeIdempotency: true },
  test: { describe, it, expect, beforeAll, afterAll },
});
