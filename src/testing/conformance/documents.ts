import type { IndexQuery, JsonObject, Store, StoredDocument, StringRange, Transaction } from "../../ports/storage.js";
import { StorekeepError } from "../../kernel/errors.js";
import { insertDocuments, lockDocuments } from "../../runner/batch-documents.js";
import { byCodeUnit, gate, pause, rejection, retrying, settle, within } from "./helpers.js";
import { CELLS, ITEMS } from "./registry.js";
import type { ConformanceExpect, KitGroup } from "./types.js";

interface Item extends JsonObject {
  readonly group?: string;
  readonly rank?: string | number;
  readonly label?: string;
}

/** Ranks chosen to expose anything but binary (UTF-16 code unit) order; see docs/adapters.md. */
const RANKS = ["", "0", "10", "9", "A", "B", "Z", "_", "a", "a b", "ab", "b", "z", "~", "ä", "é", "€", "中", "😀", "2026-03-01T00:00:00.000Z", "2026-03-01T00:00:00Z"];

async function seedItems(store: Store): Promise<{ id: string; group: string; rank: string }[]> {
  const docs: { id: string; group: string; rank: string }[] = [];
  RANKS.forEach((rank, i) => {
    // Two documents share each rank in g1 so ties are broken by id; g2 gets every third.
    docs.push({ id: `i${String(i).padStart(2, "0")}a`, group: "g1", rank });
    docs.push({ id: `i${String(i).padStart(2, "0")}b`, group: "g1", rank });
    if (i % 3 === 0) docs.push({ id: `j${String(i).padStart(2, "0")}`, group: "g2", rank });
  });
  // Insert in an order unrelated to the index order.
  const shuffled = docs.map((d, i) => ({ d, k: (i * 7919) % docs.length })).sort((x, y) => x.k - y.k).map((x) => x.d);
  await store.transaction(async (tx) => {
    for (const d of shuffled) await tx.documents.put(ITEMS, d.id, { group: d.group, rank: d.rank, label: `label of ${d.id}` }, 0);
    // Left out of both indexes: no group / a rank that is not a string.
    await tx.documents.put(ITEMS, "x-no-group", { rank: "m" }, 0);
    await tx.documents.put(ITEMS, "x-number-rank", { group: "g1", rank: 5 }, 0);
  });
  return docs;
}

function inRange(v: string, r: StringRange | undefined): boolean {
  if (!r) return true;
  return (r.gt === undefined || v > r.gt) && (r.gte === undefined || v >= r.gte) && (r.lt === undefined || v < r.lt) && (r.lte === undefined || v <= r.lte);
}

function expectedIds(docs: readonly { id: string; group: string; rank: string }[], group: string | undefined, range: StringRange | undefined, desc: boolean): string[] {
  const selected = docs.filter((d) => (group === undefined || d.group === group) && inRange(group === undefined ? d.group : d.rank, range));
  selected.sort((a, b) => byCodeUnit(a.group, b.group) || byCodeUnit(a.rank, b.rank) || byCodeUnit(a.id, b.id));
  const ids = selected.map((d) => d.id);
  return desc ? ids.reverse() : ids;
}

async function findIds(store: Store, query: IndexQuery): Promise<string[]> {
  const found = await store.transaction((tx) => tx.documents.find<Item>(ITEMS, query));
  return found.map((d) => d.id);
}

async function pageAll(store: Store, expect: ConformanceExpect, query: IndexQuery, fields: readonly string[], pageSize: number): Promise<string[]> {
  const ids: string[] = [];
  let after: IndexQuery["after"];
  for (let pages = 0; pages < 1000; pages++) {
    const page = await store.transaction((tx) => tx.documents.find<Item>(ITEMS, { ...query, limit: pageSize, ...(after ? { after } : {}) }));
    expect(page.length <= pageSize).toBe(true);
    for (const d of page) ids.push(d.id);
    if (page.length < pageSize) return ids;
    const last = page[page.length - 1]!;
    after = { values: fields.map((f) => String(last.data[f])), id: last.id };
  }
  throw new Error("paging did not end after 1000 pages");
}

const RANGES: readonly StringRange[] = [
  {},
  { gte: "a" },
  { gt: "a" },
  { lt: "a" },
  { lte: "a" },
  { gte: "A", lt: "a" },
  { gt: "0", lte: "z" },
  { gte: "ä", lte: "😀" },
  { gte: "2026-03-01", lt: "2026-03-02" },
  { gt: "~~", lt: "~" },
];

/** Versioned documents: get, put, versions, conflicts, delete, getMany, the batch calls, find. */
export const documentTests: KitGroup = {
  name: "documents",
  tests: [
    {
      name: "a missing document is undefined; put at version 0 creates version 1 and get returns it",
      async run({ store, expect }) {
        expect(await store.transaction((tx) => tx.documents.get(ITEMS, "a"))).toBeUndefined();
        expect(await store.transaction((tx) => tx.documents.getForUpdate(ITEMS, "a"))).toBeUndefined();
        const version = await store.transaction((tx) => tx.documents.put(ITEMS, "a", { group: "g", rank: "1", nested: { list: [1, "two", null, true] } }, 0));
        expect(version).toBe(1);
        const doc = await store.transaction((tx) => tx.documents.get(ITEMS, "a"));
        expect(doc).toEqual({ id: "a", version: 1, data: { group: "g", rank: "1", nested: { list: [1, "two", null, true] } } });
        const locked = await store.transaction((tx) => tx.documents.getForUpdate(ITEMS, "a"));
        expect(locked).toEqual(doc);
      },
    },
    {
      name: "each put raises the version by one; a stale, future or wrong-zero version is CONCURRENCY_CONFLICT and changes nothing",
      async run({ store, expect }) {
        await store.transaction((tx) => tx.documents.put(CELLS, "c", { n: 0 }, 0));
        for (let v = 1; v <= 3; v++) expect(await store.transaction((tx) => tx.documents.put(CELLS, "c", { n: v }, v))).toBe(v + 1);
        await rejection(expect, store.transaction((tx) => tx.documents.put(CELLS, "c", { n: 99 }, 2)), "CONCURRENCY_CONFLICT");
        await rejection(expect, store.transaction((tx) => tx.documents.put(CELLS, "c", { n: 99 }, 9)), "CONCURRENCY_CONFLICT");
        await rejection(expect, store.transaction((tx) => tx.documents.put(CELLS, "c", { n: 99 }, 0)), "CONCURRENCY_CONFLICT");
        await rejection(expect, store.transaction((tx) => tx.documents.put(CELLS, "missing", { n: 1 }, 1)), "CONCURRENCY_CONFLICT");
        expect(await store.transaction((tx) => tx.documents.get(CELLS, "c"))).toEqual({ id: "c", version: 4, data: { n: 3 } });
        expect(await store.transaction((tx) => tx.documents.get(CELLS, "missing"))).toBeUndefined();
      },
    },
    {
      name: "a transaction sees its own writes; a put with a version read before another transaction committed conflicts",
      async run({ store, expect }) {
        await store.transaction(async (tx) => {
          await tx.documents.put(ITEMS, "own", { group: "own", rank: "1" }, 0);
          expect((await tx.documents.get(ITEMS, "own"))?.version).toBe(1);
          expect(await tx.documents.put(ITEMS, "own", { group: "own", rank: "2" }, 1)).toBe(2);
          const found = await tx.documents.find(ITEMS, { index: "byGroup", equals: ["own"] });
          expect(found.map((d) => [d.id, d.version, d.data.rank])).toEqual([["own", 2, "2"]]);
        });
        const read = await store.transaction((tx) => tx.documents.get(ITEMS, "own"));
        await store.transaction((tx) => tx.documents.put(ITEMS, "own", { group: "own", rank: "3" }, read!.version));
        const error = await rejection(expect, store.transaction((tx) => tx.documents.put(ITEMS, "own", { group: "own", rank: "stale" }, read!.version)), "CONCURRENCY_CONFLICT");
        expect(typeof (error as Error).message).toBe("string");
        expect((await store.transaction((tx) => tx.documents.get(ITEMS, "own")))?.data).toEqual({ group: "own", rank: "3" });
      },
    },
    {
      name: "delete at the expected version removes the document from reads and indexes; a stale delete conflicts; the id can be created again",
      async run({ store, expect }) {
        await store.transaction(async (tx) => {
          await tx.documents.put(ITEMS, "d", { group: "del", rank: "1" }, 0);
          await tx.documents.put(ITEMS, "d", { group: "del", rank: "2" }, 1);
        });
        await rejection(expect, store.transaction((tx) => tx.documents.delete(ITEMS, "d", 1)), "CONCURRENCY_CONFLICT");
        expect((await store.transaction((tx) => tx.documents.get(ITEMS, "d")))?.version).toBe(2);
        await store.transaction((tx) => tx.documents.delete(ITEMS, "d", 2));
        expect(await store.transaction((tx) => tx.documents.get(ITEMS, "d"))).toBeUndefined();
        expect(await findIds(store, { index: "byGroup", equals: ["del"] })).toEqual([]);
        await rejection(expect, store.transaction((tx) => tx.documents.delete(ITEMS, "d", 2)), "CONCURRENCY_CONFLICT");
        expect(await store.transaction((tx) => tx.documents.put(ITEMS, "d", { group: "del", rank: "3" }, 0))).toBe(1);
        expect(await findIds(store, { index: "byGroup", equals: ["del"] })).toEqual(["d"]);
      },
    },
    {
      name: "documents locked and deleted in one transaction are gone for its later reads, finds and index reads; the same ids can be created again in it (put and insertMany); a stale delete of a locked document conflicts",
      async run({ store, expect }) {
        await store.transaction(async (tx) => {
          for (const id of ["x1", "x2", "x3", "x4"]) await tx.documents.put(ITEMS, id, { group: "locked-del", rank: id }, 0);
        });
        await store.transaction(async (tx) => {
          const held = await lockDocuments(tx, ITEMS, ["x1", "x2", "x3", "x4"]);
          expect(held.map((d) => d.id)).toEqual(["x1", "x2", "x3", "x4"]);
          await rejection(expect, tx.documents.delete(ITEMS, "x1", 2), "CONCURRENCY_CONFLICT");
          for (const d of held) await tx.documents.delete(ITEMS, d.id, d.version);
          expect(await tx.documents.get(ITEMS, "x2")).toBeUndefined();
          expect(await tx.documents.getMany(ITEMS, ["x1", "x2", "x3"])).toEqual([]);
          expect((await tx.documents.find(ITEMS, { index: "byGroup", equals: ["locked-del"] })).map((d) => d.id)).toEqual([]);
          await rejection(expect, tx.documents.delete(ITEMS, "x2", 1), "CONCURRENCY_CONFLICT");
          expect(await tx.documents.put(ITEMS, "x3", { group: "locked-del", rank: "again" }, 0)).toBe(1);
          await insertDocuments(tx, ITEMS, [{ id: "x4", data: { group: "locked-del", rank: "again" } }, { id: "x5", data: { group: "locked-del", rank: "new" } }]);
        });
        expect(await findIds(store, { index: "byGroup", equals: ["locked-del"] })).toEqual(["x3", "x4", "x5"]);
        expect((await store.transaction((tx) => tx.documents.get(ITEMS, "x3")))?.version).toBe(1);
        expect(await store.transaction((tx) => tx.documents.get(ITEMS, "x1"))).toBeUndefined();
        // A failed transaction's deletes leave everything as it was.
        await rejection(
          expect,
          store.transaction(async (tx) => {
            const [x5] = await lockDocuments(tx, ITEMS, ["x5"]);
            await tx.documents.delete(ITEMS, "x5", x5!.version);
            throw new StorekeepError("VALIDATION_FAILED", "abandoned on purpose", { issues: [] });
          }),
          "VALIDATION_FAILED",
        );
        expect(await findIds(store, { index: "byGroup", equals: ["locked-del"] })).toEqual(["x3", "x4", "x5"]);
      },
    },
    {
      name: "getMany returns the documents that exist and leaves out the missing ones",
      async run({ store, expect }) {
        await store.transaction(async (tx) => {
          for (const id of ["m1", "m2", "m3"]) await tx.documents.put(CELLS, id, { id }, 0);
        });
        const docs = await store.transaction((tx) => tx.documents.getMany(CELLS, ["m3", "nope", "m1"]));
        expect(docs.map((d) => d.id).sort(byCodeUnit)).toEqual(["m1", "m3"]);
        expect(docs.find((d) => d.id === "m3")).toEqual({ id: "m3", version: 1, data: { id: "m3" } });
        expect(await store.transaction((tx) => tx.documents.getMany(CELLS, []))).toEqual([]);
      },
    },
    {
      name: "insertMany (or the put loop that stands in for it) writes every document at version 1; a taken or repeated id is CONCURRENCY_CONFLICT, writes none of the batch, and the transaction stays usable",
      async run({ store, expect }) {
        await store.transaction((tx) => insertDocuments(tx, ITEMS, [{ id: "b2", data: { group: "batch", rank: "2" } }, { id: "b1", data: { group: "batch", rank: "1" } }]));
        const written = await store.transaction((tx) => tx.documents.getMany<Item>(ITEMS, ["b1", "b2"]));
        expect(written.map((d) => [d.id, d.version, d.data.rank]).sort()).toEqual([["b1", 1, "1"], ["b2", 1, "2"]]);
        expect(await findIds(store, { index: "byGroup", equals: ["batch"] })).toEqual(["b1", "b2"]);
        // A batch naming a taken id fails whole; the adapter's own insertMany keeps the transaction usable.
        await rejection(expect, store.transaction((tx) => insertDocuments(tx, ITEMS, [{ id: "b3", data: { group: "batch", rank: "3" } }, { id: "b1", data: { group: "batch", rank: "x" } }])), "CONCURRENCY_CONFLICT");
        await rejection(expect, store.transaction((tx) => insertDocuments(tx, ITEMS, [{ id: "b4", data: { group: "batch", rank: "4" } }, { id: "b4", data: { group: "batch", rank: "4" } }])), "CONCURRENCY_CONFLICT");
        expect(await findIds(store, { index: "byGroup", equals: ["batch"] })).toEqual(["b1", "b2"]);
        const insertMany = await store.transaction(async (tx) => tx.documents.insertMany !== undefined);
        if (insertMany) {
          await store.transaction(async (tx) => {
            await rejection(expect, tx.documents.insertMany!(ITEMS, [{ id: "b5", data: { group: "batch", rank: "5" } }, { id: "b2", data: { group: "batch", rank: "x" } }]), "CONCURRENCY_CONFLICT");
            expect(await tx.documents.get(ITEMS, "b5")).toBeUndefined();
            await tx.documents.insertMany!(ITEMS, [{ id: "b6", data: { group: "batch", rank: "6" } }]);
          });
          expect(await findIds(store, { index: "byGroup", equals: ["batch"] })).toEqual(["b1", "b2", "b6"]);
        }
      },
    },
    {
      name: "getManyForUpdate (or the getForUpdate loop that stands in for it) returns the documents in ascending code-unit id order and leaves out missing ones; each can be written at the version read",
      async run({ store, expect }) {
        const ids = ["é", "b", "Z", "a", "😀", "€"];
        await store.transaction(async (tx) => {
          for (const id of ids) await tx.documents.put(CELLS, id, { id }, 0);
        });
        const locked = await store.transaction(async (tx) => {
          const docs = await lockDocuments<{ id: string }>(tx, CELLS, [...ids, "missing", "a"]);
          for (const d of docs) await tx.documents.put(CELLS, d.id, { id: d.id, n: 1 }, d.version);
          return docs;
        });
        expect(locked.map((d) => d.id)).toEqual([...ids].sort(byCodeUnit));
        expect((await store.transaction((tx) => tx.documents.getMany<{ n?: number }>(CELLS, ids))).every((d) => d.version === 2 && d.data.n === 1)).toBe(true);
      },
    },
    {
      name: "stored data cannot be changed through the object that was written or through a value read back",
      async run({ store, expect }) {
        const input = { group: "mut", rank: "1", list: [1, 2], inner: { a: "x" } };
        await store.transaction((tx) => tx.documents.put(ITEMS, "mut", input, 0));
        input.list.push(3);
        input.inner.a = "changed";
        input.rank = "9";
        const read = await store.transaction((tx) => tx.documents.get(ITEMS, "mut"));
        try {
          ((read!.data as Record<string, unknown>).inner as Record<string, unknown>).a = "changed again";
          ((read!.data as Record<string, unknown>).list as unknown[]).push(4);
        } catch {
          // A frozen value refuses the change, which is as good as ignoring it.
        }
        const again = await store.transaction((tx) => tx.documents.get(ITEMS, "mut"));
        expect(again?.data).toEqual({ group: "mut", rank: "1", list: [1, 2], inner: { a: "x" } });
        expect(await findIds(store, { index: "byGroup", equals: ["mut"], range: { gte: "1", lte: "1" } })).toEqual(["mut"]);
      },
    },
    {
      name: "find by equality on a prefix returns documents in index order (next field, then id), ascending and descending",
      async run({ store, expect }) {
        const docs = await seedItems(store);
        for (const group of ["g1", "g2"]) {
          expect(await findIds(store, { index: "byGroup", equals: [group] })).toEqual(expectedIds(docs, group, undefined, false));
          expect(await findIds(store, { index: "byGroup", equals: [group], order: "desc" })).toEqual(expectedIds(docs, group, undefined, true));
        }
        expect(await findIds(store, { index: "byGroup", equals: ["none"] })).toEqual([]);
        // No equality: the whole index in (group, rank, id) order; documents without the fields are left out.
        const all = await findIds(store, { index: "byGroup" });
        expect(all).toEqual(expectedIds(docs, undefined, undefined, false));
        // Equality on every field.
        expect(await findIds(store, { index: "byGroup", equals: ["g1", "a"] })).toEqual(["i08a", "i08b"]);
        // A single-field index.
        const byRank = await findIds(store, { index: "byRank", equals: ["m"] });
        expect(byRank).toEqual(["x-no-group"]);
      },
    },
    {
      name: "find with a range (gt, gte, lt, lte) on the field after the equality prefix, in binary string order",
      async run({ store, expect }) {
        const docs = await seedItems(store);
        for (const range of RANGES) {
          for (const desc of [false, true]) {
            const ids = await findIds(store, { index: "byGroup", equals: ["g1"], range, ...(desc ? { order: "desc" as const } : {}) });
            expect({ range, desc, ids }).toEqual({ range, desc, ids: expectedIds(docs, "g1", range, desc) });
          }
        }
        // A range on the first field when nothing is fixed.
        expect(await findIds(store, { index: "byGroup", range: { gt: "g1" } })).toEqual(expectedIds(docs, undefined, { gt: "g1" }, false));
        // limit keeps the first documents in the requested order.
        expect(await findIds(store, { index: "byGroup", equals: ["g1"], range: { gte: "a" }, limit: 3 })).toEqual(expectedIds(docs, "g1", { gte: "a" }, false).slice(0, 3));
        expect(await findIds(store, { index: "byGroup", equals: ["g1"], range: { gte: "a" }, limit: 3, order: "desc" })).toEqual(expectedIds(docs, "g1", { gte: "a" }, true).slice(0, 3));
        expect(await findIds(store, { index: "byGroup", equals: ["g1"], limit: 0 })).toEqual([]);
      },
    },
    {
      name: "paging with after (index values and id of the last document) visits every document exactly once, ascending and descending, across ties",
      async run({ store, expect }) {
        const docs = await seedItems(store);
        for (const size of [1, 2, 5]) {
          expect(await pageAll(store, expect, { index: "byGroup", equals: ["g1"] }, ["group", "rank"], size)).toEqual(expectedIds(docs, "g1", undefined, false));
          expect(await pageAll(store, expect, { index: "byGroup", equals: ["g1"], order: "desc" }, ["group", "rank"], size)).toEqual(expectedIds(docs, "g1", undefined, true));
          expect(await pageAll(store, expect, { index: "byGroup", equals: ["g1"], range: { gt: "A", lte: "é" } }, ["group", "rank"], size)).toEqual(expectedIds(docs, "g1", { gt: "A", lte: "é" }, false));
        }
        expect(await pageAll(store, expect, { index: "byGroup" }, ["group", "rank"], 4)).toEqual(expectedIds(docs, undefined, undefined, false));
      },
    },
    {
      name: "paging resumes after the position given, even when its document was deleted since (or never existed): the next page starts after those index values and id, not at the start",
      async run({ store, expect }) {
        await store.transaction(async (tx) => {
          for (let i = 1; i <= 6; i++) await tx.documents.put(ITEMS, `p${i}`, { group: "paged", rank: `r${i}` }, 0);
        });
        const first = await store.transaction((tx) => tx.documents.find(ITEMS, { index: "byGroup", equals: ["paged"], limit: 2 }));
        expect(first.map((d) => d.id)).toEqual(["p1", "p2"]);
        await store.transaction(async (tx) => tx.documents.delete(ITEMS, "p2", 1));
        const next = await store.transaction((tx) => tx.documents.find(ITEMS, { index: "byGroup", equals: ["paged"], limit: 2, after: { values: ["paged", "r2"], id: "p2" } }));
        expect(next.map((d) => d.id)).toEqual(["p3", "p4"]);
        // A position between two documents (no document ever had it).
        const between = await store.transaction((tx) => tx.documents.find(ITEMS, { index: "byGroup", equals: ["paged"], after: { values: ["paged", "r4~"], id: "zz" } }));
        expect(between.map((d) => d.id)).toEqual(["p5", "p6"]);
        const before = await store.transaction((tx) => tx.documents.find(ITEMS, { index: "byGroup", equals: ["paged"], order: "desc", after: { values: ["paged", "r4~"], id: "zz" } }));
        expect(before.map((d) => d.id)).toEqual(["p4", "p3", "p1"]);
      },
    },
    {
      name: "find follows updates: a document whose indexed field changes moves in the index",
      async run({ store, expect }) {
        await store.transaction(async (tx) => {
          await tx.documents.put(ITEMS, "r1", { group: "res", rank: "2026-11-27T10:15:00.000Z" }, 0);
          await tx.documents.put(ITEMS, "r2", { group: "res", rank: "2026-11-27T10:05:00.000Z" }, 0);
          await tx.documents.put(ITEMS, "r3", { group: "res", rank: "2026-11-27T10:10:00.000Z" }, 0);
        });
        const expired = { index: "byGroup", equals: ["res"], range: { lt: "2026-11-27T10:12:00.000Z" } };
        expect(await findIds(store, expired)).toEqual(["r2", "r3"]);
        await store.transaction(async (tx) => {
          await tx.documents.put(ITEMS, "r2", { group: "released", rank: "2026-11-27T10:05:00.000Z" }, 1);
          await tx.documents.put(ITEMS, "r1", { group: "res", rank: "2026-11-27T10:01:00.000Z" }, 1);
          await tx.documents.put(ITEMS, "r3", { group: "res" }, 1);
        });
        expect(await findIds(store, expired)).toEqual(["r1"]);
        expect(await findIds(store, { index: "byGroup", equals: ["released"] })).toEqual(["r2"]);
      },
    },
    {
      name: "read-then-act race: concurrent transactions that read a document and write it back lose no update (conflicts are retried)",
      async run({ store, expect, contention }) {
        await store.transaction((tx) => tx.documents.put(CELLS, "race", { n: 0, writers: [] }, 0));
        const outcomes = await settle(
          Array.from({ length: contention }, (_, i) =>
            retrying(
              store,
              async (tx) => {
                const doc = await tx.documents.get<{ n: number; writers: string[] }>(CELLS, "race");
                await pause(i % 3);
                await tx.documents.put(CELLS, "race", { n: doc!.data.n + 1, writers: [...doc!.data.writers, `w${i}`] }, doc!.version);
              },
              contention * 4,
            ),
          ),
        );
        expect(outcomes.codes).toEqual([]);
        const doc = await store.transaction((tx) => tx.documents.get<{ n: number; writers: string[] }>(CELLS, "race"));
        expect(doc!.data.n).toBe(contention);
        expect(doc!.version).toBe(contention + 1);
        expect([...doc!.data.writers].sort()).toEqual(Array.from({ length: contention }, (_, i) => `w${i}`).sort());
      },
    },
    {
      name: "getForUpdate serialises read-modify-write: concurrent transactions never conflict and lose no update",
      async run({ store, expect, contention }) {
        await store.transaction((tx) => tx.documents.put(CELLS, "locked", { n: 0 }, 0));
        const outcomes = await settle(
          Array.from({ length: contention }, (_, i) =>
            store.transaction(async (tx) => {
              const doc = await tx.documents.getForUpdate<{ n: number }>(CELLS, "locked");
              await pause(i % 3);
              return tx.documents.put(CELLS, "locked", { n: doc!.data.n + 1 }, doc!.version);
            }),
          ),
        );
        expect(outcomes.codes).toEqual([]);
        expect([...outcomes.values].sort((a, b) => a - b)).toEqual(Array.from({ length: contention }, (_, i) => i + 2));
        expect((await store.transaction((tx) => tx.documents.get<{ n: number }>(CELLS, "locked")))!.data.n).toBe(contention);
      },
    },
    {
      name: "getForUpdate waits while another running transaction holds the document, then sees its write",
      requires: ["concurrentTransactions"],
      async run({ store, expect }) {
        await readerWaitsForWriter(store, expect, "held", (tx) => tx.documents.getForUpdate(CELLS, "held"));
      },
    },
    {
      name: "getForShare (when the store has it) returns what get returns, undefined when missing, and sees the transaction's own writes",
      async run({ store, expect }) {
        await store.transaction((tx) => tx.documents.put(CELLS, "shared", { n: 1 }, 0));
        await store.transaction(async (tx) => {
          const share = tx.documents.getForShare?.bind(tx.documents);
          if (share === undefined) {
            // Optional: callers fall back to getForUpdate, which the other tests cover.
            expect(tx.documents.getForShare).toBeUndefined();
            return;
          }
          const read = await share(CELLS, "shared");
          expect({ version: read?.version, data: read?.data }).toEqual({ version: 1, data: { n: 1 } });
          expect(await share(CELLS, "no-such-document")).toBeUndefined();
          // Two sharers in one transaction, then its own write, then a share read of it.
          expect((await share(CELLS, "shared"))?.version).toBe(1);
          await tx.documents.put(CELLS, "shared", { n: 2 }, 1);
          const again = await share(CELLS, "shared");
          expect({ version: again?.version, data: again?.data }).toEqual({ version: 2, data: { n: 2 } });
        });
      },
    },
    {
      name: "getForShare waits while another running transaction holds the document for update, then sees its write; sharers do not wait for each other",
      requires: ["concurrentTransactions"],
      async run({ store, expect }) {
        if ((await store.transaction(async (tx) => tx.documents.getForShare === undefined)) === true) return;
        await readerWaitsForWriter(store, expect, "held-shared", (tx) => tx.documents.getForShare!(CELLS, "held-shared"));
        // Two sharers hold the document at once: the second does not wait for the first to end.
        const firstHolds = gate();
        const firstRelease = gate();
        const first = store.transaction(async (tx) => {
          await tx.documents.getForShare!(CELLS, "held-shared");
          firstHolds.open();
          await firstRelease.promise;
        });
        await within(firstHolds.promise, 10_000, "the first sharer to take its share lock");
        const second = await within(store.transaction((tx) => tx.documents.getForShare!(CELLS, "held-shared")), 10_000, "a second sharer to read while the first holds its share lock");
        expect(second?.version).toBe(2);
        firstRelease.open();
        await first;
      },
    },
    {
      name: "getManyForUpdate locks in id order: transactions locking the same documents listed in opposite orders serialise, never deadlock, and lose no update",
      requires: ["concurrentTransactions"],
      async run({ store, expect, contention }) {
        const ids = ["k1", "k2", "k3"];
        await store.transaction(async (tx) => {
          for (const id of ids) await tx.documents.put(CELLS, id, { n: 0 }, 0);
        });
        const outcomes = await settle(
          Array.from({ length: contention }, (_, i) =>
            store.transaction(async (tx) => {
              const docs = await lockDocuments<{ n: number }>(tx, CELLS, i % 2 === 0 ? ids : [...ids].reverse());
              await pause(i % 3);
              for (const d of docs) await tx.documents.put(CELLS, d.id, { n: d.data.n + 1 }, d.version);
            }),
          ),
        );
        expect(outcomes.codes).toEqual([]);
        const after = await store.transaction((tx) => tx.documents.getMany<{ n: number }>(CELLS, ids));
        expect(after.map((d) => d.data.n)).toEqual([contention, contention, contention]);
      },
    },
    {
      name: "transactions on different documents run at the same time",
      requires: ["concurrentTransactions"],
      async run({ store, expect }) {
        const aWrote = gate();
        const bWrote = gate();
        const a = store.transaction(async (tx) => {
          await tx.documents.put(CELLS, "left", { side: "a" }, 0);
          aWrote.open();
          await within(bWrote.promise, 10_000, "transaction B to write while A is open");
        });
        const b = store.transaction(async (tx) => {
          await tx.documents.put(CELLS, "right", { side: "b" }, 0);
          bWrote.open();
          await within(aWrote.promise, 10_000, "transaction A to write while B is open");
        });
        await Promise.all([a, b]);
        const docs = await store.transaction((tx) => tx.documents.getMany(CELLS, ["left", "right"]));
        expect(docs.length).toBe(2);
      },
    },
  ],
};

/**
 * A writer locks document `id` (at version 1, `{ n: 0 }`) with getForUpdate and holds it; a
 * second transaction's `read` of it must wait until the writer commits, then see its write
 * (version 2, `{ n: 1 }`).
 */
async function readerWaitsForWriter(store: Store, expect: ConformanceExpect, id: string, read: (tx: Transaction) => Promise<StoredDocument | undefined>): Promise<void> {
  await store.transaction((tx) => tx.documents.put(CELLS, id, { n: 0 }, 0));
  const locked = gate();
  const release = gate();
  const writer = store.transaction(async (tx) => {
    const doc = await tx.documents.getForUpdate<{ n: number }>(CELLS, id);
    locked.open();
    await release.promise;
    await tx.documents.put(CELLS, id, { n: doc!.data.n + 1 }, doc!.version);
  });
  await within(locked.promise, 10_000, "the writer to lock the document");
  let seen: StoredDocument | undefined;
  const started = gate();
  const reader = store.transaction(async (tx) => {
    started.open();
    seen = await read(tx);
  });
  await within(started.promise, 10_000, "a second transaction to start while the writer is open");
  await pause(100);
  expect(seen).toBeUndefined();
  release.open();
  await writer;
  await reader;
  expect({ version: seen?.version, data: seen?.data }).toEqual({ version: 2, data: { n: 1 } });
}
