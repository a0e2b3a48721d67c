import { Decimal } from "../../kernel/decimal.js";
import { isStorekeepError } from "../../kernel/errors.js";
import type { Store } from "../../ports/storage.js";
import { pause, plain, rejection, settle } from "./helpers.js";
import { LIMITS, STOCK } from "./registry.js";
import type { ConformanceExpect, KitGroup } from "./types.js";

async function row(store: Store, expect: ConformanceExpect, key: string): Promise<Record<string, string>> {
  return plain(expect, await store.transaction((tx) => tx.counters.get(STOCK, key)));
}

function d(text: string | number): Decimal {
  return new Decimal(text);
}

/** Guarded counters: floors, only-when-lowering, atomic multi-key changes, contention. */
export const counterTests: KitGroup = {
  name: "guarded counters",
  tests: [
    {
      name: "a missing row reads as zeros; apply returns each change's new values in order, cumulative for a repeated key",
      async run({ store, expect }) {
        expect(await row(store, expect, "SKU-1|wh")).toEqual({ onHand: "0", reserved: "0" });
        const results = await store.transaction((tx) =>
          tx.counters.apply(STOCK, [
            { key: "SKU-1|wh", deltas: { onHand: d(5) } },
            { key: "SKU-2|wh", deltas: { onHand: d("2.5"), reserved: d(1) } },
            { key: "SKU-1|wh", deltas: { reserved: d(2) }, enforce: ["available"] },
          ]),
        );
        expect(results.map((r) => plain(expect, r))).toEqual([
          { onHand: "5", reserved: "0" },
          { onHand: "2.5", reserved: "1" },
          { onHand: "5", reserved: "2" },
        ]);
        const many = await store.transaction((tx) => tx.counters.getMany(STOCK, ["SKU-2|wh", "none", "SKU-1|wh"]));
        expect([...many.keys()].sort()).toEqual(["SKU-1|wh", "SKU-2|wh", "none"]);
        expect(plain(expect, many.get("SKU-1|wh")!)).toEqual({ onHand: "5", reserved: "2" });
        expect(plain(expect, many.get("none")!)).toEqual({ onHand: "0", reserved: "0" });
      },
    },
    {
      name: "a change that would take an enforced guard below its floor is GUARD_VIOLATED with details, and changes nothing",
      async run({ store, expect }) {
        await store.transaction((tx) => tx.counters.apply(STOCK, [{ key: "k", deltas: { onHand: d(3) } }]));
        const error = await rejection(expect, store.transaction((tx) => tx.counters.apply(STOCK, [{ key: "k", deltas: { reserved: d(4) }, enforce: ["available"] }])), "GUARD_VIOLATED");
        expect(isStorekeepError(error) ? { ...error.details } : undefined).toEqual({ family: STOCK, key: "k", guard: "available", value: "-1", floor: "0" });
        expect(await row(store, expect, "k")).toEqual({ onHand: "3", reserved: "0" });
        // Exactly reaching the floor is allowed.
        await store.transaction((tx) => tx.counters.apply(STOCK, [{ key: "k", deltas: { reserved: d(3) }, enforce: ["available"] }]));
        expect(await row(store, expect, "k")).toEqual({ onHand: "3", reserved: "3" });
        // A guard that is not enforced is not checked.
        await store.transaction((tx) => tx.counters.apply(STOCK, [{ key: "k", deltas: { reserved: d("0.5") }, enforce: ["onHand"] }]));
        expect(await row(store, expect, "k")).toEqual({ onHand: "3", reserved: "3.5" });
      },
    },
    {
      name: "a guard is checked only when the change lowers it: a receipt into a row below its floor succeeds",
      async run({ store, expect }) {
        await store.transaction((tx) => tx.counters.apply(STOCK, [{ key: "back", deltas: { reserved: d(5) } }]));
        expect(await row(store, expect, "back")).toEqual({ onHand: "0", reserved: "5" });
        await store.transaction((tx) => tx.counters.apply(STOCK, [{ key: "back", deltas: { onHand: d(2) }, enforce: ["available", "onHand"] }]));
        expect(await row(store, expect, "back")).toEqual({ onHand: "2", reserved: "5" });
        await rejection(expect, store.transaction((tx) => tx.counters.apply(STOCK, [{ key: "back", deltas: { reserved: d("0.000001") }, enforce: ["available"] }])), "GUARD_VIOLATED");
        // A change that leaves the guard where it is passes too.
        await store.transaction((tx) => tx.counters.apply(STOCK, [{ key: "back", deltas: { onHand: d(1), reserved: d(1) }, enforce: ["available"] }]));
        expect(await row(store, expect, "back")).toEqual({ onHand: "3", reserved: "6" });
      },
    },
    {
      name: "a floor other than zero is honoured exactly",
      async run({ store, expect }) {
        await store.transaction((tx) => tx.counters.apply(LIMITS, [{ key: "l", deltas: { value: d(-10) }, enforce: ["min"] }]));
        const error = await rejection(expect, store.transaction((tx) => tx.counters.apply(LIMITS, [{ key: "l", deltas: { value: d("-0.5") }, enforce: ["min"] }])), "GUARD_VIOLATED");
        expect(isStorekeepError(error) ? { ...error.details } : undefined).toEqual({ family: LIMITS, key: "l", guard: "min", value: "-10.5", floor: "-10" });
        expect(plain(expect, await store.transaction((tx) => tx.counters.get(LIMITS, "l")))).toEqual({ value: "-10" });
      },
    },
    {
      name: "one apply over several keys is atomic: a violation on one key leaves every key unchanged and the transaction usable",
      async run({ store, expect }) {
        await store.transaction((tx) =>
          tx.counters.apply(STOCK, [
            { key: "a", deltas: { onHand: d(1) } },
            { key: "b", deltas: { onHand: d(1) } },
          ]),
        );
        await store.transaction(async (tx) => {
          await rejection(
            expect,
            tx.counters.apply(STOCK, [
              { key: "a", deltas: { reserved: d(1) }, enforce: ["available"] },
              { key: "c", deltas: { onHand: d(7) } },
              { key: "b", deltas: { reserved: d(2) }, enforce: ["available"] },
            ]),
            "GUARD_VIOLATED",
          );
          expect(plain(expect, await tx.counters.get(STOCK, "a"))).toEqual({ onHand: "1", reserved: "0" });
          expect(plain(expect, await tx.counters.get(STOCK, "c"))).toEqual({ onHand: "0", reserved: "0" });
          await tx.counters.apply(STOCK, [{ key: "b", deltas: { reserved: d(1) }, enforce: ["available"] }]);
        });
        expect(await row(store, expect, "a")).toEqual({ onHand: "1", reserved: "0" });
        expect(await row(store, expect, "b")).toEqual({ onHand: "1", reserved: "1" });
        expect(await row(store, expect, "c")).toEqual({ onHand: "0", reserved: "0" });
      },
    },
    {
      name: "under contention, concurrent reservations of the last units never oversell",
      async run({ store, expect, contention }) {
        const units = Math.max(1, Math.floor(contention / 2) - 1);
        await store.transaction((tx) => tx.counters.apply(STOCK, [{ key: "last", deltas: { onHand: d(units) } }]));
        const outcomes = await settle(
          Array.from({ length: contention }, (_, i) =>
            store.transaction(async (tx) => {
              await pause(i % 3);
              return tx.counters.apply(STOCK, [{ key: "last", deltas: { reserved: d(1) }, enforce: ["available"] }]);
            }),
          ),
        );
        expect(outcomes.values.length).toBe(units);
        expect(outcomes.codes).toEqual(Array.from({ length: contention - units }, () => "GUARD_VIOLATED"));
        expect(await row(store, expect, "last")).toEqual({ onHand: String(units), reserved: String(units) });
      },
    },
    {
      name: "under contention, concurrent increments lose no update",
      async run({ store, expect, contention }) {
        const outcomes = await settle(
          Array.from({ length: contention }, (_, i) =>
            store.transaction(async (tx) => {
              await pause(i % 3);
              await tx.counters.apply(STOCK, [{ key: "inc", deltas: { onHand: d("0.1") } }]);
            }),
          ),
        );
        expect(outcomes.codes).toEqual([]);
        expect(await row(store, expect, "inc")).toEqual({ onHand: new Decimal("0.1").times(contention).toFixed(), reserved: "0" });
      },
    },
    {
      name: "one apply listing keys in opposite orders in concurrent transactions never deadlocks (rows are locked in key order)",
      async run({ store, expect, contention }) {
        const outcomes = await settle(
          Array.from({ length: contention }, (_, i) =>
            store.transaction(async (tx) => {
              await pause(i % 3);
              const keys = i % 2 === 0 ? ["p", "q", "r"] : ["r", "q", "p"];
              await tx.counters.apply(STOCK, keys.map((key) => ({ key, deltas: { onHand: d(1) } })));
              await pause(i % 2);
            }),
          ),
        );
        expect(outcomes.codes).toEqual([]);
        for (const key of ["p", "q", "r"]) expect(await row(store, expect, key)).toEqual({ onHand: String(contention), reserved: "0" });
      },
    },
    {
      name: "separate applies in opposite orders never hang: at worst one side fails with CONCURRENCY_CONFLICT and nothing is lost",
      async run({ store, expect, contention }) {
        const outcomes = await settle(
          Array.from({ length: contention }, (_, i) =>
            store.transaction(async (tx) => {
              const keys = i % 2 === 0 ? ["x", "y"] : ["y", "x"];
              await tx.counters.apply(STOCK, [{ key: keys[0]!, deltas: { onHand: d(1) } }]);
              await pause(i % 3);
              await tx.counters.apply(STOCK, [{ key: keys[1]!, deltas: { onHand: d(1) } }]);
            }),
          ),
        );
        // A SQL store may break a lock cycle by failing one side (the runner retries CONCURRENCY_CONFLICT).
        expect(outcomes.codes.filter((c) => c !== "CONCURRENCY_CONFLICT")).toEqual([]);
        const done = outcomes.values.length;
        expect(done).toBeGreaterThan(0);
        expect(await row(store, expect, "x")).toEqual({ onHand: String(done), reserved: "0" });
        expect(await row(store, expect, "y")).toEqual({ onHand: String(done), reserved: "0" });
      },
    },
  ],
};
