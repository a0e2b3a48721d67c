import { Decimal } from "../../kernel/decimal.js";
import { rejection } from "./helpers.js";
import { CELLS, ENTRIES, ITEMS, LEDGER, STOCK, conformanceRegistry, grownRegistry } from "./registry.js";
import type { KitGroup } from "./types.js";

/** migrate(), declared names, capabilities and durability. */
export const registryTests: KitGroup = {
  name: "registry and migrate",
  tests: [
    {
      name: "migrate is idempotent and a larger registry keeps the data; a new index covers documents written before it",
      async run({ store, expect }) {
        await store.transaction(async (tx) => {
          await tx.documents.put(ITEMS, "kept", { group: "m", rank: "1", color: "red" }, 0);
          await tx.logs.append(ENTRIES, [{ stream: "m", sortKey: "1", data: {} }]);
          await tx.balances.add(LEDGER, [{ key: "m", bucket: "2026-01", amounts: { debit: new Decimal(1) } }]);
          await tx.counters.apply(STOCK, [{ key: "m", deltas: { onHand: new Decimal(1) } }]);
        });
        await store.migrate(conformanceRegistry);
        await store.migrate(grownRegistry);
        await store.migrate(grownRegistry);
        await store.transaction(async (tx) => {
          expect((await tx.documents.get(ITEMS, "kept"))?.version).toBe(1);
          expect((await tx.documents.find(ITEMS, { index: "byColor", equals: ["red"] })).map((d) => d.id)).toEqual(["kept"]);
          expect((await tx.logs.read(ENTRIES, "m")).length).toBe(1);
          expect((await tx.balances.sum(LEDGER, "m")).debit?.toFixed()).toBe("1");
          expect((await tx.counters.get(STOCK, "m")).onHand?.toFixed()).toBe("1");
          await tx.documents.put("kit.more", "new", { tag: "t" }, 0);
          await tx.logs.append("kit.more_entries", [{ stream: "s", sortKey: "1", data: {} }]);
        });
        expect((await store.transaction((tx) => tx.documents.find("kit.more", { index: "byTag", equals: ["t"] }))).map((d) => d.id)).toEqual(["new"]);
      },
    },
    {
      name: "an undeclared collection, index, log family, balance family, counter family, balance field, counter field or guard is refused",
      async run({ store, expect }) {
        const refused = ["NOT_FOUND", "INVARIANT"];
        await rejection(expect, store.transaction((tx) => tx.documents.put("kit.undeclared", "x", {}, 0)), refused);
        await rejection(expect, store.transaction((tx) => tx.documents.get("kit.undeclared", "x")), refused);
        await rejection(expect, store.transaction((tx) => tx.documents.find(ITEMS, { index: "noSuchIndex" })), refused);
        await rejection(expect, store.transaction((tx) => tx.logs.append("kit.undeclared", [{ stream: "s", sortKey: "1", data: {} }])), refused);
        await rejection(expect, store.transaction((tx) => tx.balances.add("kit.undeclared", [{ key: "k", bucket: "b", amounts: {} }])), refused);
        await rejection(expect, store.transaction((tx) => tx.counters.apply("kit.undeclared", [{ key: "k", deltas: {} }])), refused);
        await rejection(expect, store.transaction((tx) => tx.counters.apply(STOCK, [{ key: "k", deltas: { noSuchField: new Decimal(1) } }])), refused);
        await rejection(expect, store.transaction((tx) => tx.counters.apply(STOCK, [{ key: "k", deltas: {}, enforce: ["noSuchGuard"] }])), refused);
        await rejection(expect, store.transaction((tx) => tx.balances.add(LEDGER, [{ key: "k", bucket: "2026-01", amounts: { noSuchField: new Decimal(1) } }])), refused);
        expect(await store.transaction((tx) => tx.documents.get(CELLS, "x"))).toBeUndefined();
        // A refused field leaves nothing behind (not even the declared fields' zero row).
        expect((await store.transaction((tx) => tx.balances.sumByKey(LEDGER, { keys: ["k"] }))).size).toBe(0);
      },
    },
    {
      name: "the capabilities declared to the kit are the store's own",
      async run({ store, expect, options }) {
        const declared = { concurrentTransactions: false, durable: false, purgeIdempotency: false, ...options.capabilities };
        expect({
          concurrentTransactions: store.capabilities.concurrentTransactions,
          durable: store.capabilities.durable,
          purgeIdempotency: typeof store.purgeIdempotency === "function",
        }).toEqual(declared);
        expect(typeof store.name).toBe("string");
        expect(store.name.length).toBeGreaterThan(0);
      },
    },
    {
      name: "a durable store keeps committed data, and drops rolled-back data, across a reopen",
      requires: ["durable"],
      async run({ store, expect, options }) {
        await store.transaction(async (tx) => {
          await tx.documents.put(CELLS, "durable", { text: "kept" }, 0);
          await tx.counters.apply(STOCK, [{ key: "durable", deltas: { onHand: new Decimal("1.5") } }]);
        });
        await rejection(
          expect,
          store.transaction(async (tx) => {
            await tx.documents.put(CELLS, "not-durable", {}, 0);
            throw new Error("roll back");
          }),
        );
        const reopened = await options.reopen!(store);
        try {
          await reopened.migrate(conformanceRegistry);
          const doc = await reopened.transaction((tx) => tx.documents.get(CELLS, "durable"));
          expect(doc?.data).toEqual({ text: "kept" });
          expect(await reopened.transaction((tx) => tx.documents.get(CELLS, "not-durable"))).toBeUndefined();
          expect((await reopened.transaction((tx) => tx.counters.get(STOCK, "durable"))).onHand?.toFixed()).toBe("1.5");
        } finally {
          if (reopened !== store) {
            if (options.teardown) await options.teardown(reopened);
            else await reopened.close?.();
          }
        }
      },
    },
  ],
};
