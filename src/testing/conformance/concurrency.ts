import { Decimal, canonicalDecimal } from "../../kernel/decimal.js";
import { plain, settle, within } from "./helpers.js";
import { LEDGER, STOCK } from "./registry.js";
import type { KitGroup } from "./types.js";

/*
 * Tests that only a store with truly concurrent transactions can pass (a real SQL server):
 * writers that the contract says never serialise must all be past their write, with their
 * transaction still open, at the same moment. A store that queued them behind a lock
 * would never get them all to the barrier, and the test fails by timeout, not by a clock
 * measurement.
 */

/** A barrier for `parties` callers: each `arrive()` resolves once all have arrived. */
function barrier(parties: number): { arrive(): Promise<void>; readonly all: Promise<void> } {
  let count = 0;
  let open!: () => void;
  const all = new Promise<void>((resolve) => {
    open = resolve;
  });
  return {
    all,
    arrive() {
      count += 1;
      if (count === parties) open();
      return all;
    },
  };
}

/** Non-blocking writers of a concurrent store. */
export const concurrencyTests: KitGroup = {
  name: "concurrency",
  tests: [
    {
      name: "writers adding to one hot balance key never wait for each other: all are past their write, transactions open, at once",
      requires: ["concurrentTransactions"],
      async run({ store, expect, contention }) {
        const gate = barrier(contention);
        const outcomes = await settle(
          Array.from({ length: contention }, (_, i) =>
            store.transaction(async (tx) => {
              await tx.balances.add(LEDGER, [{ key: "hot", bucket: "2026-11", amounts: { debit: new Decimal("0.01"), credit: new Decimal(i) } }]);
              await within(gate.arrive(), 20_000, `all ${contention} writers to be past their write at once (a writer is queueing behind another's lock)`);
            }),
          ),
        );
        expect(outcomes.codes).toEqual([]);
        const sum = await store.transaction((tx) => tx.balances.sum(LEDGER, "hot"));
        expect(plain(expect, sum)).toEqual({
          credit: canonicalDecimal(new Decimal((contention * (contention - 1)) / 2)),
          debit: canonicalDecimal(new Decimal("0.01").times(contention)),
        });
      },
    },
    {
      name: "counter changes on different keys never wait for each other: all are past their apply, transactions open, at once",
      requires: ["concurrentTransactions"],
      async run({ store, expect, contention }) {
        const gate = barrier(contention);
        const outcomes = await settle(
          Array.from({ length: contention }, (_, i) =>
            store.transaction(async (tx) => {
              await tx.counters.apply(STOCK, [{ key: `sku-${String(i).padStart(3, "0")}`, deltas: { onHand: new Decimal(i + 1) } }]);
              await within(gate.arrive(), 20_000, `all ${contention} counter writers to be past their apply at once (rows of other keys are locked)`);
            }),
          ),
        );
        expect(outcomes.codes).toEqual([]);
        const keys = Array.from({ length: contention }, (_, i) => `sku-${String(i).padStart(3, "0")}`);
        const rows = await store.transaction((tx) => tx.counters.getMany(STOCK, keys));
        expect(keys.map((k) => plain(expect, rows.get(k) ?? {}).onHand)).toEqual(keys.map((_, i) => String(i + 1)));
      },
    },
  ],
};
