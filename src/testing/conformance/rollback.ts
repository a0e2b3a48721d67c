import { Decimal } from "../../kernel/decimal.js";
import type { Store } from "../../ports/storage.js";
import { plain, rejection, visible } from "./helpers.js";
import { kitEvent } from "./outbox.js";
import { CELLS, ENTRIES, ITEMS, LEDGER, STOCK } from "./registry.js";
import type { ConformanceExpect, KitGroup } from "./types.js";

const LATER = "2099-01-01T00:00:00.000Z";

/** Everything the kit can observe of the state the rollback tests build, as plain data. */
async function observe(store: Store, expect: ConformanceExpect): Promise<unknown> {
  const state = await store.transaction(async (tx) => ({
    docs: await tx.documents.getMany(ITEMS, ["keep", "new", "gone"]),
    found: (await tx.documents.find(ITEMS, { index: "byGroup", equals: ["rb"] })).map((d) => [d.id, d.version]),
    streams: await tx.logs.streams(ENTRIES),
    log: (await tx.logs.read(ENTRIES, "rb")).map((e) => [e.sortKey, e.seq, e.data]),
    newStream: await tx.logs.read(ENTRIES, "rb-new"),
    sum: plain(expect, await tx.balances.sum(LEDGER, "rb")),
    sumNew: plain(expect, await tx.balances.sum(LEDGER, "rb-new")),
    buckets: (await tx.balances.buckets(LEDGER, "rb")).map((b) => [b.bucket, plain(expect, b.amounts)]),
    keys: [...(await tx.balances.sumByKey(LEDGER)).keys()],
    counter: plain(expect, await tx.counters.get(STOCK, "rb")),
    counterNew: plain(expect, await tx.counters.get(STOCK, "rb-new")),
  }));
  const events = (await store.readEvents(null, 100)).map((e) => e.id);
  return { ...state, docs: [...state.docs].sort((a, b) => (a.id < b.id ? -1 : 1)), events };
}

async function seed(store: Store): Promise<void> {
  await store.transaction(async (tx) => {
    await tx.documents.put(ITEMS, "keep", { group: "rb", rank: "1" }, 0);
    await tx.documents.put(ITEMS, "gone", { group: "rb", rank: "2" }, 0);
    await tx.logs.append(ENTRIES, [{ stream: "rb", sortKey: "2026-01-02", data: { n: 1 } }]);
    await tx.balances.add(LEDGER, [{ key: "rb", bucket: "2026-01", amounts: { debit: new Decimal(10) } }]);
    await tx.counters.apply(STOCK, [{ key: "rb", deltas: { onHand: new Decimal(5) } }]);
    await tx.events.append([kitEvent("seeded")]);
    await tx.idempotency.claim("rb-done", "h", LATER);
    await tx.idempotency.complete("rb-done", { ok: true });
  });
  // Readable before the first observation (a store may show a committed event a little later).
  await visible(store, ["seeded"]);
}

/** All or nothing: a throw inside a transaction leaves no trace of any primitive. */
export const rollbackTests: KitGroup = {
  name: "rollback",
  tests: [
    {
      name: "a throw inside a transaction rethrows the same error and leaves no trace in documents, indexes, logs, balances, counters, outbox or claims",
      async run({ store, expect }) {
        await seed(store);
        const before = await observe(store, expect);
        const boom = new Error("boom");
        const error = await rejection(
          expect,
          store.transaction(async (tx) => {
            await tx.documents.put(ITEMS, "keep", { group: "rb", rank: "9" }, 1);
            await tx.documents.put(ITEMS, "new", { group: "rb", rank: "0" }, 0);
            await tx.documents.delete(ITEMS, "gone", 1);
            await tx.logs.append(ENTRIES, [
              { stream: "rb", sortKey: "2026-01-01", data: { n: 0 } },
              { stream: "rb-new", sortKey: "2026-01-03", data: {} },
            ]);
            await tx.balances.add(LEDGER, [
              { key: "rb", bucket: "2025-12", amounts: { credit: new Decimal(3) } },
              { key: "rb", bucket: "2026-01", amounts: { debit: new Decimal(1) } },
              { key: "rb-new", bucket: "2026-01", amounts: { debit: new Decimal(1) } },
            ]);
            await tx.counters.apply(STOCK, [
              { key: "rb", deltas: { reserved: new Decimal(2) }, enforce: ["available"] },
              { key: "rb-new", deltas: { onHand: new Decimal(1) } },
            ]);
            await tx.events.append([kitEvent("never")]);
            await tx.idempotency.claim("rb-new", "h", LATER);
            await tx.idempotency.complete("rb-new", { ok: true });
            throw boom;
          }),
        );
        expect(error).toBe(boom);
        expect(await observe(store, expect)).toEqual(before);
        expect(await store.transaction((tx) => tx.idempotency.claim("rb-new", "other", LATER))).toEqual({ status: "claimed" });
        expect(await store.transaction((tx) => tx.idempotency.claim("rb-done", "h", LATER))).toEqual({ status: "replay", result: { ok: true } });
      },
    },
    {
      name: "a store error inside a transaction rolls it back when the work lets it propagate",
      async run({ store, expect }) {
        await seed(store);
        const before = await observe(store, expect);
        await rejection(
          expect,
          store.transaction(async (tx) => {
            await tx.documents.put(ITEMS, "new", { group: "rb", rank: "0" }, 0);
            await tx.counters.apply(STOCK, [{ key: "rb", deltas: { reserved: new Decimal(6) }, enforce: ["available"] }]);
          }),
          "GUARD_VIOLATED",
        );
        await rejection(
          expect,
          store.transaction(async (tx) => {
            await tx.events.append([kitEvent("never")]);
            await tx.documents.put(ITEMS, "keep", { group: "rb", rank: "stale" }, 7);
          }),
          "CONCURRENCY_CONFLICT",
        );
        expect(await observe(store, expect)).toEqual(before);
      },
    },
    {
      name: "a write that fails (conflict, duplicate sort key, guard) has no effect of its own, and the transaction stays usable",
      async run({ store, expect }) {
        await seed(store);
        await store.transaction(async (tx) => {
          await tx.documents.put(CELLS, "before", {}, 0);
          await rejection(expect, tx.documents.put(ITEMS, "keep", { group: "rb", rank: "x" }, 5), "CONCURRENCY_CONFLICT");
          await rejection(expect, tx.documents.put(ITEMS, "keep", { group: "rb", rank: "x" }, 0), "CONCURRENCY_CONFLICT");
          await rejection(
            expect,
            tx.logs.append(ENTRIES, [
              { stream: "rb", sortKey: "2026-01-05", data: {} },
              { stream: "rb", sortKey: "2026-01-02", data: {} },
            ]),
            "ALREADY_EXISTS",
          );
          await rejection(
            expect,
            tx.counters.apply(STOCK, [
              { key: "rb-other", deltas: { onHand: new Decimal(1) } },
              { key: "rb", deltas: { reserved: new Decimal(6) }, enforce: ["available"] },
            ]),
            "GUARD_VIOLATED",
          );
          await tx.documents.put(CELLS, "after", {}, 0);
        });
        const docs = await store.transaction((tx) => tx.documents.getMany(CELLS, ["before", "after"]));
        expect(docs.length).toBe(2);
        expect((await store.transaction((tx) => tx.documents.get(ITEMS, "keep")))?.data).toEqual({ group: "rb", rank: "1" });
        expect((await store.transaction((tx) => tx.logs.read(ENTRIES, "rb"))).map((e) => e.sortKey)).toEqual(["2026-01-02"]);
        expect(plain(expect, await store.transaction((tx) => tx.counters.get(STOCK, "rb-other")))).toEqual({ onHand: "0", reserved: "0" });
        expect(plain(expect, await store.transaction((tx) => tx.counters.get(STOCK, "rb")))).toEqual({ onHand: "5", reserved: "0" });
      },
    },
  ],
};
