import type { LogAppend, LogRead, LogReadRequest, Store } from "../../ports/storage.js";
import { readLogs } from "../../runner/batch-logs.js";
import { byCodeUnit, rejection } from "./helpers.js";
import { ENTRIES } from "./registry.js";
import type { KitGroup } from "./types.js";

/** Sort keys as a stock ledger builds them: effective instant, then movement id. */
function key(day: number, id: number): string {
  return `2026-03-${String(day).padStart(2, "0")}T10:00:00.000Z|mv_${String(id).padStart(4, "0")}`;
}

async function read(store: Store, stream: string, range?: LogRead): Promise<string[]> {
  const entries = await store.transaction((tx) => tx.logs.read(ENTRIES, stream, range));
  return entries.map((e) => e.sortKey);
}

function model(keys: readonly string[], range: LogRead): string[] {
  const selected = keys
    .filter((k) => (range.gt === undefined || k > range.gt) && (range.gte === undefined || k >= range.gte) && (range.lt === undefined || k < range.lt) && (range.lte === undefined || k <= range.lte))
    .sort(byCodeUnit);
  if (range.order === "desc") selected.reverse();
  return range.limit === undefined ? selected : selected.slice(0, range.limit);
}

/** Append-only logs: sort-key order whatever the append order, ranges, duplicates, streams. */
export const logTests: KitGroup = {
  name: "logs",
  tests: [
    {
      name: "read returns a stream's entries in sort-key order whatever order they were appended in; seq ascends in append order",
      async run({ store, expect }) {
        const order = [7, 3, 9, 1, 5, 2, 8, 4, 6, 10, 12, 11];
        // Appended in several transactions and batches, back-dated entries among them.
        await store.transaction((tx) => tx.logs.append(ENTRIES, order.slice(0, 4).map((d) => ({ stream: "SKU-1", sortKey: key(d, d), data: { day: d } }))));
        await store.transaction((tx) => tx.logs.append(ENTRIES, order.slice(4, 9).map((d) => ({ stream: "SKU-1", sortKey: key(d, d), data: { day: d } }))));
        for (const d of order.slice(9)) await store.transaction((tx) => tx.logs.append(ENTRIES, [{ stream: "SKU-1", sortKey: key(d, d), data: { day: d } }]));
        const entries = await store.transaction((tx) => tx.logs.read<{ day: number }>(ENTRIES, "SKU-1"));
        expect(entries.map((e) => e.data.day)).toEqual([...order].sort((a, b) => a - b));
        expect(entries.every((e) => e.stream === "SKU-1" && e.sortKey === key(e.data.day, e.data.day))).toBe(true);
        const byAppend = order.map((d) => entries.find((e) => e.data.day === d)!.seq);
        for (let i = 1; i < byAppend.length; i++) expect(byAppend[i]!).toBeGreaterThan(byAppend[i - 1]!);
        expect(await read(store, "SKU-1", { order: "desc" })).toEqual(entries.map((e) => e.sortKey).reverse());
        expect(await read(store, "unknown stream")).toEqual([]);
      },
    },
    {
      name: "read by sort-key range (gt, gte, lt, lte), with limit and descending order, matches a model",
      async run({ store, expect }) {
        const keys: string[] = [];
        for (let i = 0; i < 40; i++) keys.push(key(1 + ((i * 17) % 28), i));
        await store.transaction((tx) => tx.logs.append(ENTRIES, keys.map((k) => ({ stream: "acct 1200", sortKey: k, data: {} }))));
        const ranges: LogRead[] = [
          {},
          { gt: key(10, 0) },
          { gte: key(10, 0).slice(0, 10) },
          { gte: "2026-03-05", lt: "2026-03-12" },
          { gt: "2026-03-05", lte: "2026-03-12T10:00:00.000Z|mv_9999" },
          { lt: "2026-03-03" },
          { gte: "2026-04" },
          { gte: "2026-03-05", lt: "2026-03-12", limit: 3 },
          { gte: "2026-03-05", lt: "2026-03-12", limit: 3, order: "desc" },
          { order: "desc", limit: 1 },
          { limit: 0 },
        ];
        for (const range of ranges) expect({ range, keys: await read(store, "acct 1200", range) }).toEqual({ range, keys: model(keys, range) });
      },
    },
    {
      name: "readMany (or the read loop that stands in for it) answers each read of several streams and ranges, in the order given, exactly as read does, entries written earlier in the transaction included",
      async run({ store, expect }) {
        const keys: string[] = [];
        for (let i = 0; i < 30; i++) keys.push(key(1 + ((i * 11) % 28), i));
        await store.transaction((tx) => tx.logs.append(ENTRIES, keys.map((k, i) => ({ stream: i % 2 === 0 ? "many A" : "many B", sortKey: k, data: { i } }))));
        const ranges: LogRead[] = [{}, { gte: "2026-03-05", lt: "2026-03-12" }, { gt: keys[4]!, limit: 2 }, { order: "desc", limit: 3 }, { lte: "2026-03-02" }, { limit: 0 }, { gte: keys[6]!, lte: keys[6]! }, { gt: keys[2]!, gte: keys[8]!, lt: "2026-03-20", order: "desc" }];
        const reads: LogReadRequest[] = [...ranges.flatMap((range) => [{ stream: "many B", range }, { stream: "many A", range }]), { stream: "many none" }, { stream: "many A" }];
        await store.transaction(async (tx) => {
          await tx.logs.append(ENTRIES, [{ stream: "many A", sortKey: key(29, 99), data: { i: 99 } }]);
          const together = await readLogs(tx, ENTRIES, reads);
          const alone: unknown[] = [];
          for (const r of reads) alone.push(await tx.logs.read(ENTRIES, r.stream, r.range));
          expect(together).toEqual(alone);
          expect(together.at(-1)!.at(-1)!.data).toEqual({ i: 99 });
          expect(together.at(-2)).toEqual([]);
          const streamA = keys.filter((_, i) => i % 2 === 0);
          ranges.forEach((range, r) => expect(together[2 * r + 1]!.map((e) => e.sortKey)).toEqual(model([...streamA, key(29, 99)], range)));
          if (tx.logs.readMany !== undefined) expect(await tx.logs.readMany(ENTRIES, [])).toEqual([]);
        });
      },
    },
    {
      name: "a sort key that already exists in its stream is ALREADY_EXISTS, within a batch or across transactions, and appends nothing of its batch",
      async run({ store, expect }) {
        await store.transaction((tx) => tx.logs.append(ENTRIES, [{ stream: "s", sortKey: "k1", data: { v: 1 } }]));
        await rejection(expect, store.transaction((tx) => tx.logs.append(ENTRIES, [{ stream: "s", sortKey: "k0", data: {} }, { stream: "s", sortKey: "k1", data: { v: 2 } }])), "ALREADY_EXISTS");
        await rejection(
          expect,
          store.transaction((tx) => tx.logs.append(ENTRIES, [{ stream: "s", sortKey: "k2", data: {} }, { stream: "s", sortKey: "k2", data: {} }])),
          "ALREADY_EXISTS",
        );
        expect(await read(store, "s")).toEqual(["k1"]);
        const entries = await store.transaction((tx) => tx.logs.read(ENTRIES, "s"));
        expect(entries[0]!.data).toEqual({ v: 1 });
        // The same sort key in another stream is fine.
        await store.transaction((tx) => tx.logs.append(ENTRIES, [{ stream: "t", sortKey: "k1", data: {} }]));
        expect(await read(store, "t")).toEqual(["k1"]);
      },
    },
    {
      name: "streams lists a family's streams in binary order, paged with after and limit",
      async run({ store, expect }) {
        const names = ["SKU-2", "SKU-10", "sku-1", "1200", "1200|EUR", "Ä", "a b", "ab", "😀"];
        const entries: LogAppend[] = names.map((stream) => ({ stream, sortKey: "1", data: {} }));
        await store.transaction((tx) => tx.logs.append(ENTRIES, entries));
        const sorted = [...names].sort(byCodeUnit);
        expect(await store.transaction((tx) => tx.logs.streams(ENTRIES))).toEqual(sorted);
        const paged: string[] = [];
        let after: string | undefined;
        for (let i = 0; i < 20; i++) {
          const page: string[] = await store.transaction((tx) => tx.logs.streams(ENTRIES, { ...(after === undefined ? {} : { after }), limit: 2 }));
          paged.push(...page);
          if (page.length < 2) break;
          after = page[page.length - 1];
        }
        expect(paged).toEqual(sorted);
        expect(await store.transaction((tx) => tx.logs.streams(ENTRIES, { after: "SKU-10" }))).toEqual(sorted.filter((s) => s > "SKU-10"));
      },
    },
    {
      name: "a transaction reads its own appends",
      async run({ store, expect }) {
        await store.transaction(async (tx) => {
          await tx.logs.append(ENTRIES, [{ stream: "own", sortKey: "b", data: {} }]);
          await tx.logs.append(ENTRIES, [{ stream: "own", sortKey: "a", data: {} }]);
          expect((await tx.logs.read(ENTRIES, "own")).map((e) => e.sortKey)).toEqual(["a", "b"]);
          expect(await tx.logs.streams(ENTRIES)).toEqual(["own"]);
        });
      },
    },
  ],
};
