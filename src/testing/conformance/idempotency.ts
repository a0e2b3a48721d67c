import type { IdempotencyClaim, Store } from "../../ports/storage.js";
import { gate, pause, rejection, within } from "./helpers.js";
import { CELLS } from "./registry.js";
import type { KitGroup } from "./types.js";

const LATER = "2099-01-01T00:00:00.000Z";

/** Claims `key` in a transaction that then rolls back, so the probe leaves nothing behind. */
async function claimAndRollBack(store: Store, key: string, hash: string): Promise<IdempotencyClaim> {
  let claim: IdempotencyClaim | undefined;
  const probe = new Error("probe only");
  try {
    await store.transaction(async (tx) => {
      claim = await tx.idempotency.claim(key, hash, LATER);
      throw probe;
    });
  } catch (error) {
    if (error !== probe) throw error;
  }
  return claim!;
}

/** Idempotency claims: claimed, replay, mismatch, rollback, concurrent duplicates, purge. */
export const idempotencyTests: KitGroup = {
  name: "idempotency",
  tests: [
    {
      name: "a first claim is claimed; after completion the same key and hash replays the result, another hash is a mismatch naming the first",
      async run({ store, expect }) {
        const result = { orderId: "ord_1", total: "12.34", lines: [1, 2], note: "ünïcødé \"quoted\"" };
        const first = await store.transaction(async (tx) => {
          const claim = await tx.idempotency.claim("checkout-42", "hash-a", LATER);
          await tx.documents.put(CELLS, "effect", { n: 1 }, 0);
          await tx.idempotency.complete("checkout-42", result);
          return claim;
        });
        expect(first).toEqual({ status: "claimed" });
        expect(await store.transaction((tx) => tx.idempotency.claim("checkout-42", "hash-a", LATER))).toEqual({ status: "replay", result });
        expect(await store.transaction((tx) => tx.idempotency.claim("checkout-42", "hash-b", LATER))).toEqual({ status: "mismatch", hash: "hash-a" });
        expect(await store.transaction((tx) => tx.idempotency.claim("checkout-43", "hash-a", LATER))).toEqual({ status: "claimed" });
      },
    },
    {
      name: "results of every JSON shape replay exactly (null, numbers, strings, arrays)",
      async run({ store, expect }) {
        const results = [null, 0, -1.5, "text", true, [], [null, { a: [] }], {}];
        for (let i = 0; i < results.length; i++) {
          await store.transaction(async (tx) => {
            await tx.idempotency.claim(`shape-${i}`, "h", LATER);
            await tx.idempotency.complete(`shape-${i}`, results[i]!);
          });
          expect(await store.transaction((tx) => tx.idempotency.claim(`shape-${i}`, "h", LATER))).toEqual({ status: "replay", result: results[i] });
        }
      },
    },
    {
      name: "a transaction that fails leaves no claim, so the command can be retried",
      async run({ store, expect }) {
        await rejection(
          expect,
          store.transaction(async (tx) => {
            expect(await tx.idempotency.claim("retry-me", "h1", LATER)).toEqual({ status: "claimed" });
            await tx.idempotency.complete("retry-me", { done: true });
            throw new Error("handler failed");
          }),
        );
        expect(await store.transaction((tx) => tx.idempotency.claim("retry-me", "h2", LATER))).toEqual({ status: "claimed" });
      },
    },
    {
      name: "a concurrent duplicate waits for the first transaction, then replays its result",
      async run({ store, expect }) {
        const claimed = gate();
        const first = store.transaction(async (tx) => {
          const claim = await tx.idempotency.claim("dup", "h", LATER);
          claimed.open();
          await pause(50);
          await tx.documents.put(CELLS, "dup-effect", { by: "first" }, 0);
          await tx.idempotency.complete("dup", { by: "first" });
          return claim;
        });
        await within(claimed.promise, 10_000, "the first claim");
        const second = store.transaction(async (tx) => {
          const claim = await tx.idempotency.claim("dup", "h", LATER);
          if (claim.status === "claimed") await tx.documents.put(CELLS, "dup-effect", { by: "second" }, 0);
          return claim;
        });
        expect(await first).toEqual({ status: "claimed" });
        expect(await second).toEqual({ status: "replay", result: { by: "first" } });
        expect((await store.transaction((tx) => tx.documents.get(CELLS, "dup-effect")))?.data).toEqual({ by: "first" });
      },
    },
    {
      name: "a concurrent duplicate of a transaction that fails claims the key itself",
      async run({ store, expect }) {
        const claimed = gate();
        const first = store.transaction(async (tx) => {
          await tx.idempotency.claim("dup-fail", "h", LATER);
          claimed.open();
          await pause(50);
          throw new Error("first fails");
        });
        await within(claimed.promise, 10_000, "the first claim");
        const second = store.transaction(async (tx) => {
          const claim = await tx.idempotency.claim("dup-fail", "h", LATER);
          await tx.idempotency.complete("dup-fail", { by: "second" });
          return claim;
        });
        await rejection(expect, first);
        expect(await second).toEqual({ status: "claimed" });
        expect(await claimAndRollBack(store, "dup-fail", "h")).toEqual({ status: "replay", result: { by: "second" } });
      },
    },
    {
      name: "purgeIdempotency deletes records that expired before the instant and returns how many",
      requires: ["purgeIdempotency"],
      async run({ store, expect }) {
        await store.transaction(async (tx) => {
          await tx.idempotency.claim("old", "h", "2026-01-01T00:00:00.000Z");
          await tx.idempotency.complete("old", 1);
          await tx.idempotency.claim("older", "h", "2025-06-01T12:30:00.000Z");
          await tx.idempotency.complete("older", 2);
          await tx.idempotency.claim("new", "h", "2026-12-31T23:59:59.999Z");
          await tx.idempotency.complete("new", 3);
        });
        expect(await store.purgeIdempotency!("2026-06-01T00:00:00.000Z")).toBe(2);
        expect(await store.purgeIdempotency!("2026-06-01T00:00:00.000Z")).toBe(0);
        expect(await claimAndRollBack(store, "old", "h")).toEqual({ status: "claimed" });
        expect(await claimAndRollBack(store, "older", "other")).toEqual({ status: "claimed" });
        expect(await claimAndRollBack(store, "new", "h")).toEqual({ status: "replay", result: 3 });
      },
    },
  ],
};
