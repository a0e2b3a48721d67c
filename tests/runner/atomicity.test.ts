import { describe, expect, it } from "vitest";
import { memoryStore } from "../../src/adapters/memory/index.js";
import { eventExamples } from "../../src/kernel/index.js";
import { createStorekeep } from "../../src/storekeep.js";
import { ManualClock, failingStore, sequentialIds, snapshotStore } from "../../src/testing/index.js";

// A command whose reactions write through every primitive: the event is recorded, finance
// posts it (entry document, lines log, balance deltas), the outbox and the idempotency claim.
const invoice = [
  { type: "OrderInvoiced", aggregateType: "order", aggregateId: "ord_1", effectiveDate: "2026-11-27", payload: eventExamples.OrderInvoiced },
] as const;

async function seeded() {
  const inner = memoryStore();
  const sk = createStorekeep({ store: inner, clock: new ManualClock(new Date("2026-11-27T09:00:00Z")), ids: sequentialIds() });
  // Some history first, so "exactly as it was" is not just "empty".
  await sk.recordEvents([{ ...invoice[0], aggregateId: "ord_0", payload: { ...invoice[0].payload, invoiceId: "inv_0", orderId: "ord_0" } }], { idempotencyKey: "seed" });
  return inner;
}

describe("atomicity under injected store failures", () => {
  it("for every k, a command failing at its k-th write leaves the store exactly as it was", async () => {
    // Count the writes of one successful run first.
    const probeInner = await seeded();
    const probe = failingStore(probeInner, { failAtWrite: Number.MAX_SAFE_INTEGER });
    const probeSk = createStorekeep({ store: probe, clock: new ManualClock(new Date("2026-11-27T10:00:00Z")), ids: sequentialIds({ start: 1000 }) });
    await probeSk.recordEvents([...invoice], { idempotencyKey: "k" });
    const totalWrites = probe.writes;
    expect(totalWrites).toBeGreaterThanOrEqual(5);

    for (let k = 1; k <= totalWrites; k++) {
      const inner = await seeded();
      const before = await snapshotStore(inner);
      const store = failingStore(inner, { failAtWrite: k });
      const sk = createStorekeep({ store, clock: new ManualClock(new Date("2026-11-27T10:00:00Z")), ids: sequentialIds({ start: 1000 }) });
      await expect(sk.recordEvents([...invoice], { idempotencyKey: "k" })).rejects.toMatchObject({ code: "STORE_FAILURE" });
      expect(store.failedAt).toBeDefined();
      expect(await snapshotStore(inner)).toEqual(before);
      // The failed command left no claim: the same key succeeds afterwards, once.
      const retry = createStorekeep({ store: inner, clock: new ManualClock(new Date("2026-11-27T10:00:00Z")), ids: sequentialIds({ start: 2000 }) });
      await expect(retry.recordEvents([...invoice], { idempotencyKey: "k" })).resolves.toEqual({ recorded: 1 });
    }
  });
});
