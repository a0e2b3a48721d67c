import { PGlite } from "@electric-sql/pglite";
import { afterAll, describe, expect, it } from "vitest";
import { memoryStore } from "../../src/adapters/memory/index.js";
import { postgresStore } from "../../src/adapters/postgres/index.js";
import type { Store, StoreRegistry } from "../../src/ports/storage.js";
import { holdCreates } from "../../src/runner/page-creates.js";

/*
 * A sync page's creates of ids it read as absent wait in the page and go to the store together
 * when it ends. Within the page they read as written (get, getMany, getManyForUpdate), take
 * updates and deletes with version checks, refuse a second create; an index read of their
 * collection writes them first; an id not known absent is written at once, as before.
 */

const registry: StoreRegistry = {
  collections: [{ name: "p.docs", indexes: { byKind: { fields: ["kind"] } } }, { name: "p.other" }],
  logs: [],
  balances: [],
  counters: [],
};

const dbs: PGlite[] = [];
afterAll(async () => {
  for (const db of dbs) await db.close();
});

const stores: [string, () => Promise<Store>][] = [
  ["memory", async () => memoryStore()],
  [
    "PGlite",
    async () => {
      const db = new PGlite();
      dbs.push(db);
      return postgresStore({ client: db, schema: "page_creates" });
    },
  ],
];

describe.each(stores)("holdCreates on the %s store", (_name, make) => {
  it("holds creates of absent ids until flush, answers reads of them, and writes them all at the end", async () => {
    const store = await make();
    await store.migrate(registry);
    await store.transaction(async (tx) => {
      await tx.documents.put("p.docs", "old", { kind: "a", n: 0 }, 0);
    });
    await store.transaction(async (tx) => {
      const page = holdCreates(tx, new Map([["p.docs", new Set(["a1", "a2", "a3"])]]));
      const d = page.tx.documents;
      expect(await d.put("p.docs", "a1", { kind: "a", n: 1 }, 0)).toBe(1);
      expect(await d.put("p.docs", "a2", { kind: "b", n: 2 }, 0)).toBe(1);
      // Not yet in the store; read as written through the page.
      expect(await tx.documents.get("p.docs", "a1")).toBeUndefined();
      expect((await d.get("p.docs", "a1"))?.data).toEqual({ kind: "a", n: 1 });
      expect((await d.getForUpdate("p.docs", "a2"))?.version).toBe(1);
      expect((await d.getMany("p.docs", ["a2", "old", "zz", "a1"])).map((x) => x.id)).toEqual(["a2", "old", "a1"]);
      expect((await d.getManyForUpdate!("p.docs", ["a2", "old", "a1"])).map((x) => x.id)).toEqual(["a1", "a2", "old"]);
      // Updates and deletes check the version they were read at.
      expect(await d.put("p.docs", "a1", { kind: "a", n: 10 }, 1)).toBe(2);
      await expect(d.put("p.docs", "a1", { kind: "a", n: 11 }, 1)).rejects.toMatchObject({ code: "CONCURRENCY_CONFLICT" });
      await expect(d.put("p.docs", "a2", { kind: "b" }, 0)).rejects.toMatchObject({ code: "CONCURRENCY_CONFLICT" });
      await expect(d.insertMany!("p.docs", [{ id: "a2", data: {} }])).rejects.toMatchObject({ code: "CONCURRENCY_CONFLICT" });
      await expect(d.delete("p.docs", "a2", 2)).rejects.toMatchObject({ code: "CONCURRENCY_CONFLICT" });
      await d.delete("p.docs", "a2", 1);
      expect(await d.get("p.docs", "a2")).toBeUndefined();
      // An id not known absent goes to the store at once (and conflicts there as before).
      await d.put("p.other", "x", { n: 1 }, 0);
      expect(await tx.documents.get("p.other", "x")).toBeDefined();
      await expect(d.put("p.docs", "old", { kind: "a" }, 0)).rejects.toMatchObject({ code: "CONCURRENCY_CONFLICT" });
      // An index read of the collection writes what waits first.
      expect((await d.find("p.docs", { index: "byKind", equals: ["a"] })).map((x) => [x.id, x.data["n"]])).toEqual([
        ["a1", 10],
        ["old", 0],
      ]);
      expect(await tx.documents.get("p.docs", "a1")).toBeDefined();
      expect(await d.put("p.docs", "a3", { kind: "c", n: 3 }, 0)).toBe(1);
      await page.flush();
      expect((await tx.documents.get("p.docs", "a3"))?.data).toEqual({ kind: "c", n: 3 });
    });
    const after = await store.transaction((tx) => tx.documents.getMany("p.docs", ["a1", "a2", "a3", "old"]));
    expect(after.map((x) => [x.id, x.data["n"]])).toEqual([
      ["a1", 10],
      ["a3", 3],
      ["old", 0],
    ]);
  });

  it("a page that fails keeps none of what it held", async () => {
    const store = await make();
    await store.migrate(registry);
    await expect(
      store.transaction(async (tx) => {
        const page = holdCreates(tx, new Map([["p.docs", new Set(["b1"])]]));
        await page.tx.documents.put("p.docs", "b1", { kind: "a" }, 0);
        await page.flush();
        throw new Error("the page failed");
      }),
    ).rejects.toThrow("the page failed");
    expect(await store.transaction((tx) => tx.documents.get("p.docs", "b1"))).toBeUndefined();
  });
});
