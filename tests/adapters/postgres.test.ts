import { PGlite } from "@electric-sql/pglite";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Decimal } from "../../src/kernel/decimal.js";
import { isInvariantError, isStorekeepError } from "../../src/kernel/errors.js";
import type { StoreRegistry } from "../../src/ports/storage.js";
import { type PostgresStore, postgresStore } from "../../src/adapters/postgres/index.js";

/*
 * Focused tests of the PostgreSQL adapter on embedded PostgreSQL (PGlite): what the
 * conformance kit cannot see from outside (schema, indexes, SQL types, roll-up) and the
 * PostgreSQL-specific edges (collation, hostile strings, numeric exactness).
 * One PGlite per file (cold start 7-10 s), one schema per test.
 */

let db: PGlite;
let schemas = 0;

beforeAll(async () => {
  db = new PGlite();
  await db.waitReady;
}, 60_000);

afterAll(async () => {
  await db.close();
});

const registry: StoreRegistry = {
  collections: [{ name: "sales.orders", indexes: { byCustomer: { fields: ["customerId", "placedAt"] } } }, { name: "notes" }],
  logs: [{ name: "inventory.movements", sortKey: "effectiveAt|movementId" }],
  balances: [{ name: "finance.balances", fields: ["debit", "credit"], bucket: "period YYYY-MM" }],
  counters: [{ name: "inventory.availability", fields: ["onHand", "reserved"], guards: { available: { terms: { onHand: 1, reserved: -1 }, floor: 0 } } }],
};

async function fresh(options: { schema?: string; rollup?: false } = {}): Promise<PostgresStore> {
  schemas += 1;
  const store = postgresStore({ client: db, schema: options.schema ?? `pg_test_${schemas}`, rollup: options.rollup ?? false });
  await store.migrate(registry);
  return store;
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (isStorekeepError(error)) return error.code;
    if (isInvariantError(error)) return "INVARIANT";
    throw error;
  }
  return "resolved";
}

const D = (text: string): Decimal => new Decimal(text);

describe("postgresStore on PGlite: the schema", () => {
  it("declares PGlite as a store that serialises transactions, and names itself", async () => {
    const store = await fresh();
    expect(store.name).toBe("postgres");
    expect(store.capabilities).toEqual({ concurrentTransactions: false, durable: false });
    expect(store.schema).toMatch(/^pg_test_/);
  });

  it("migrate is idempotent and records every family it built", async () => {
    const store = await fresh();
    await store.migrate(registry);
    await store.migrate(registry);
    const { rows } = await db.query<{ id: string }>(`SELECT id FROM "${store.schema}".migrations ORDER BY id`);
    expect(rows.map((r) => r.id)).toEqual([
      "balance:finance.balances",
      "base",
      "collection:notes",
      "collection:sales.orders",
      "counter:inventory.availability",
      "log:inventory.movements",
    ]);
  });

  it("uses numeric, date, timestamptz and json columns, never a float", async () => {
    const store = await fresh();
    const { rows } = await db.query<{ table_name: string; column_name: string; data_type: string }>(
      "SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_schema = $1 ORDER BY table_name, column_name",
      [store.schema],
    );
    const types = new Set(rows.map((r) => r.data_type));
    expect(types.has("double precision")).toBe(false);
    expect(types.has("real")).toBe(false);
    const typeOf = (table: string, column: string): string | undefined => rows.find((r) => r.table_name === table && r.column_name === column)?.data_type;
    expect(typeOf("balance_deltas", "amounts")).toBe("ARRAY");
    expect(typeOf("outbox", "occurred_at")).toBe("timestamp with time zone");
    expect(typeOf("outbox", "effective_date")).toBe("date");
    expect(typeOf("idempotency", "expires_at")).toBe("timestamp with time zone");
    expect(typeOf("documents", "data")).toBe("json");
    const arrays = await db.query<{ udt_name: string }>(
      "SELECT DISTINCT udt_name FROM information_schema.columns WHERE table_schema = $1 AND data_type = 'ARRAY'",
      [store.schema],
    );
    expect(arrays.rows.map((r) => r.udt_name)).toEqual(["_numeric"]);
  });

  it("reads a declared index in order through its own expression index", async () => {
    const store = await fresh();
    await store.transaction(async (tx) => {
      for (let i = 0; i < 200; i++) await tx.documents.put("sales.orders", `o${i}`, { customerId: `c${i % 7}`, placedAt: `2026-01-${String((i % 28) + 1).padStart(2, "0")}` }, 0);
    });
    await db.query(`SET enable_seqscan = off`);
    const { rows } = await db.query<{ "QUERY PLAN": string }>(
      `EXPLAIN SELECT id FROM "${store.schema}".documents WHERE collection = 'sales.orders' AND json_typeof(data->'customerId') = 'string' AND json_typeof(data->'placedAt') = 'string' AND (data->>'customerId') COLLATE "C" = 'c1' ORDER BY (data->>'customerId') COLLATE "C", (data->>'placedAt') COLLATE "C", id LIMIT 10`,
    );
    await db.query(`RESET enable_seqscan`);
    const plan = rows.map((r) => r["QUERY PLAN"]).join("\n");
    expect(plan).toMatch(/Index Scan using "?dx_[0-9a-f]{16}"?/);
    expect(plan).not.toMatch(/Sort/);
    const found = await store.transaction((tx) => tx.documents.find("sales.orders", { index: "byCustomer", equals: ["c1"], range: { gte: "2026-01-10" } }));
    const placed = found.map((d) => `${String(d.data["placedAt"])}|${d.id}`);
    expect(placed).toEqual([...placed].sort());
    expect(found.every((d) => d.data["customerId"] === "c1" && String(d.data["placedAt"]) >= "2026-01-10")).toBe(true);
    expect(found.length).toBeGreaterThan(0);
  });

  it("grows with a larger registry: new fields keep old rows' positions, new indexes are built", async () => {
    const store = await fresh();
    await store.transaction((tx) => tx.counters.apply("inventory.availability", [{ key: "SKU-1", deltas: { onHand: D("5"), reserved: D("2") } }]));
    await store.transaction((tx) => tx.documents.put("sales.orders", "o1", { customerId: "c1", placedAt: "2026-01-01", channel: "web" }, 0));
    const grown: StoreRegistry = {
      ...registry,
      collections: [{ name: "sales.orders", indexes: { byCustomer: { fields: ["customerId", "placedAt"] }, byChannel: { fields: ["channel"] } } }, { name: "notes" }],
      counters: [{ name: "inventory.availability", fields: ["inbound", "reserved", "onHand"], guards: { available: { terms: { onHand: 1, reserved: -1 }, floor: 0 } } }],
    };
    await store.migrate(grown);
    const values = await store.transaction((tx) => tx.counters.get("inventory.availability", "SKU-1"));
    expect(Object.fromEntries(Object.entries(values).map(([k, v]) => [k, v.toString()]))).toEqual({ onHand: "5", reserved: "2", inbound: "0" });
    const again = await store.transaction((tx) => tx.counters.apply("inventory.availability", [{ key: "SKU-1", deltas: { inbound: D("7") } }]));
    expect(again[0]?.["inbound"]?.toString()).toBe("7");
    expect(again[0]?.["onHand"]?.toString()).toBe("5");
    const byChannel = await store.transaction((tx) => tx.documents.find("sales.orders", { index: "byChannel", equals: ["web"] }));
    expect(byChannel.map((d) => d.id)).toEqual(["o1"]);
  });

  it("quotes a hostile schema name and keeps it apart from the others", async () => {
    const store = await fresh({ schema: `shop "x"; DROP SCHEMA public; --${schemas}` });
    await store.transaction((tx) => tx.documents.put("notes", "n1", { text: "hi" }, 0));
    const { rows } = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM information_schema.schemata WHERE schema_name = 'public'");
    expect(rows[0]?.n).toBe(1);
    expect((await store.transaction((tx) => tx.documents.get("notes", "n1")))?.data).toEqual({ text: "hi" });
    expect(await codeOf(Promise.resolve().then(() => postgresStore({ client: db, schema: "x".repeat(64) })))).toBe("VALIDATION_FAILED");
  });

  it("preparedStatements must be a boolean (VALIDATION_FAILED naming it); PGlite takes the option and works as without it", async () => {
    const error = await Promise.resolve()
      .then(() => postgresStore({ client: db, preparedStatements: "yes" as unknown as boolean }))
      .catch((e: unknown) => e);
    expect(isStorekeepError(error) && error.code === "VALIDATION_FAILED" && /preparedStatements must be a boolean/.test(error.message)).toBe(true);
    schemas += 1;
    const store = postgresStore({ client: db, schema: `pg_test_${schemas}`, rollup: false, preparedStatements: true });
    await store.migrate(registry);
    await store.transaction((tx) => tx.documents.put("notes", "p1", { text: "prepared" }, 0));
    expect((await store.transaction((tx) => tx.documents.get("notes", "p1")))?.data).toEqual({ text: "prepared" });
  });

  it("readMany sends one statement whose text depends on the shapes of the reads, not on how many there are (a prepared statement serves every size)", async () => {
    const texts: string[] = [];
    const counting = {
      ...db,
      waitReady: db.waitReady,
      transaction: (fn: (tx: { query: (text: string, values?: unknown[]) => Promise<unknown> }) => Promise<unknown>) =>
        db.transaction((tx) => fn({ ...tx, query: (text: string, values?: unknown[]) => (texts.push(text), tx.query(text, values as never)) } as never)),
    } as unknown as PGlite;
    schemas += 1;
    const store = postgresStore({ client: counting, schema: `pg_test_${schemas}`, rollup: false });
    await store.migrate(registry);
    await store.transaction((tx) => tx.logs.append("inventory.movements", Array.from({ length: 300 }, (_, i) => ({ stream: `S${i % 30}`, sortKey: `k${String(i).padStart(4, "0")}`, data: { i } }))));
    const run = async (count: number): Promise<string[]> => {
      texts.length = 0;
      const reads = Array.from({ length: count }, (_, i) => ({ stream: `S${i % 30}`, range: { gte: "k0100", lt: "k0200" } }));
      const out = await store.transaction((tx) => tx.logs.readMany!("inventory.movements", reads));
      // Entry k is in stream S(k mod 30): read i sees the k in [100, 200) of its stream.
      const expected = reads.map((_, i) => Array.from({ length: 100 }, (_, k) => k + 100).filter((k) => k % 30 === i % 30).map((k) => `k${String(k).padStart(4, "0")}`));
      expect(out.map((l) => l.map((e) => e.sortKey))).toEqual(expected);
      return texts.filter((t) => t.includes("log_entries"));
    };
    const three = await run(3);
    const many = await run(300);
    expect(three).toHaveLength(1);
    expect(many).toEqual(three);
  });

  it("refuses a family nobody declared with NOT_FOUND, even on a fresh store over a migrated schema", async () => {
    const store = await fresh();
    const other = postgresStore({ client: db, schema: store.schema, rollup: false });
    expect(await codeOf(other.transaction((tx) => tx.documents.get("sales.orderz", "x")))).toBe("NOT_FOUND");
    // The recorded spec is loaded lazily: the second store never ran migrate().
    await other.transaction((tx) => tx.counters.apply("inventory.availability", [{ key: "k", deltas: { onHand: D("1") } }]));
    const seen = await store.transaction((tx) => tx.counters.get("inventory.availability", "k"));
    expect(seen["onHand"]?.toString()).toBe("1");
  });
});

describe("postgresStore on PGlite: values round-trip verbatim", () => {
  const hostile = [
    "'; DROP TABLE documents; --",
    'quote " double',
    "back\\slash \\u0000 literal",
    "ünïcödé ✓ 日本語 😀 𝄞",
    "emoji family 👨‍👩‍👧",
    "$1 ::text",
    "x".repeat(10_000),
  ];

  it("hostile strings in ids, keys, sort keys and JSON come back exactly", async () => {
    const store = await fresh();
    await store.transaction(async (tx) => {
      for (const [i, s] of hostile.entries()) {
        await tx.documents.put("notes", s, { text: s, [s]: [s, { nested: s }] }, 0);
        await tx.logs.append("inventory.movements", [{ stream: s, sortKey: `${s}|${i}`, data: { s } }]);
        await tx.balances.add("finance.balances", [{ key: s, bucket: "2026-01", amounts: { debit: D("1") } }]);
        await tx.counters.apply("inventory.availability", [{ key: s, deltas: { onHand: D("1") } }]);
      }
    });
    await store.transaction(async (tx) => {
      for (const [i, s] of hostile.entries()) {
        expect((await tx.documents.get("notes", s))?.data).toEqual({ text: s, [s]: [s, { nested: s }] });
        expect(await tx.logs.read("inventory.movements", s)).toEqual([{ stream: s, sortKey: `${s}|${i}`, seq: expect.any(Number), data: { s } }]);
        expect((await tx.balances.sum("finance.balances", s))["debit"]?.toString()).toBe("1");
        expect((await tx.counters.get("inventory.availability", s))["onHand"]?.toString()).toBe("1");
      }
      expect(await tx.logs.streams("inventory.movements")).toEqual([...hostile].sort());
    });
  });

  it("JSON keeps its key order and every number JavaScript can write", async () => {
    const store = await fresh();
    const data = { z: 1, a: "1.10", m: [3, 2.5, -0.000001, 1e21, 123456789012345], "": null, nested: { b: true, a: false } };
    await store.transaction((tx) => tx.documents.put("notes", "n", data, 0));
    const back = await store.transaction((tx) => tx.documents.get("notes", "n"));
    expect(JSON.stringify(back?.data)).toBe(JSON.stringify(data));
  });

  it("refuses U+0000 and lone surrogates with VALIDATION_FAILED, before anything is written", async () => {
    const store = await fresh();
    expect(await codeOf(store.transaction((tx) => tx.documents.put("notes", "a\u0000b", {}, 0)))).toBe("VALIDATION_FAILED");
    expect(await codeOf(store.transaction((tx) => tx.documents.put("notes", "n", { t: "\ud800" }, 0)))).toBe("VALIDATION_FAILED");
    expect(await codeOf(store.transaction((tx) => tx.logs.append("inventory.movements", [{ stream: "s", sortKey: "\udc00", data: {} }])))).toBe("VALIDATION_FAILED");
    expect(await store.transaction((tx) => tx.documents.get("notes", "n"))).toBeUndefined();
  });

  it("property: decimals within bounds come back exactly and sum exactly in SQL", async () => {
    const store = await fresh();
    let round = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.bigInt({ min: -(10n ** 21n) + 1n, max: 10n ** 21n - 1n }), fc.integer({ min: 0, max: 6 })), { minLength: 1, maxLength: 12 }),
        async (items) => {
          round += 1;
          const key = `k${round}`;
          const amounts = items.map(([units, scale]) => new Decimal(units.toString()).dividedBy(new Decimal(10).pow(scale)));
          await store.transaction((tx) => tx.balances.add("finance.balances", amounts.map((a, i) => ({ key, bucket: `2026-${String((i % 12) + 1).padStart(2, "0")}`, amounts: { credit: a } }))));
          const expected = amounts.reduce((s, a) => s.plus(a), new Decimal(0));
          const sum = await store.transaction((tx) => tx.balances.sum("finance.balances", key));
          expect(sum["credit"]?.equals(expected)).toBe(true);
          expect(sum["debit"]?.isZero()).toBe(true);
          const counted = await store.transaction((tx) => tx.counters.apply("inventory.availability", amounts.map((a) => ({ key, deltas: { onHand: a } }))));
          expect(counted.at(-1)?.["onHand"]?.equals(expected)).toBe(true);
        },
      ),
      { numRuns: 25 },
    );
  });

  it("orders keys, sort keys and index values by UTF-16 code unit for BMP text, as JavaScript does", async () => {
    const store = await fresh();
    const keys = ["B", "a", "A", "é", "e", "Z", "z", "10", "9", "-", "_", " ", "ß", "ä", "~", "\u00a0"];
    await store.transaction((tx) => tx.logs.append("inventory.movements", keys.map((k) => ({ stream: "s", sortKey: k, data: {} }))));
    const read = await store.transaction((tx) => tx.logs.read("inventory.movements", "s"));
    expect(read.map((e) => e.sortKey)).toEqual([...keys].sort());
  });
});

describe("postgresStore on PGlite: transactions and primitives", () => {
  it("a throw rolls back every primitive, the outbox and the idempotency claim", async () => {
    const store = await fresh();
    const boom = new Error("boom");
    await expect(
      store.transaction(async (tx) => {
        await tx.documents.put("notes", "n", { a: 1 }, 0);
        await tx.logs.append("inventory.movements", [{ stream: "s", sortKey: "1", data: {} }]);
        await tx.balances.add("finance.balances", [{ key: "k", bucket: "2026-01", amounts: { debit: D("3") } }]);
        await tx.counters.apply("inventory.availability", [{ key: "k", deltas: { onHand: D("3") } }]);
        await tx.events.append([event("e1")]);
        await tx.idempotency.claim("key", "hash", "2030-01-01T00:00:00.000Z");
        throw boom;
      }),
    ).rejects.toBe(boom);
    for (const table of ["documents", "log_entries", "balance_deltas", "counters", "outbox", "idempotency"]) {
      const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${store.schema}".${table}`);
      expect({ table, n: rows[0]?.n }).toEqual({ table, n: 0 });
    }
  });

  it("a transaction object used after its end throws an InvariantError", async () => {
    const store = await fresh();
    let kept: Parameters<Parameters<PostgresStore["transaction"]>[0]>[0] | undefined;
    await store.transaction(async (tx) => {
      kept = tx;
    });
    expect(await codeOf(kept!.documents.get("notes", "x"))).toBe("INVARIANT");
  });

  it("a version conflict and a duplicate sort key leave the transaction usable, and the failed append leaves no row", async () => {
    const store = await fresh();
    await store.transaction((tx) => tx.documents.put("notes", "n", { v: 1 }, 0));
    await store.transaction(async (tx) => {
      expect(await codeOf(tx.documents.put("notes", "n", { v: 2 }, 0))).toBe("CONCURRENCY_CONFLICT");
      expect(await codeOf(tx.documents.put("notes", "n", { v: 2 }, 7))).toBe("CONCURRENCY_CONFLICT");
      await tx.logs.append("inventory.movements", [{ stream: "s", sortKey: "1", data: {} }]);
      expect(await codeOf(tx.logs.append("inventory.movements", [{ stream: "s", sortKey: "0", data: {} }, { stream: "s", sortKey: "1", data: {} }]))).toBe("ALREADY_EXISTS");
      expect(await codeOf(tx.logs.append("inventory.movements", [{ stream: "t", sortKey: "0", data: {} }, { stream: "t", sortKey: "0", data: {} }]))).toBe("ALREADY_EXISTS");
      expect((await tx.logs.read("inventory.movements", "s")).map((e) => e.sortKey)).toEqual(["1"]);
      expect(await tx.logs.read("inventory.movements", "t")).toEqual([]);
      expect(await tx.documents.put("notes", "n", { v: 2 }, 1)).toBe(2);
    });
  });

  it("a document is read from the server once per transaction, and updates of a held document go in one statement at the end", async () => {
    const store = await fresh();
    await store.transaction(async (tx) => {
      await tx.documents.put("notes", "a", { v: 0 }, 0);
      await tx.documents.put("sales.orders", "o1", { customerId: "c1", placedAt: "2026-01-01", total: 0 }, 0);
    });
    // Count the statements PGlite runs inside transactions.
    const statements: string[] = [];
    const original = db.transaction.bind(db);
    (db as { transaction: unknown }).transaction = (fn: (tx: { query: (text: string, values?: unknown[]) => Promise<unknown> }) => Promise<unknown>) =>
      original(async (tx) => {
        const query = tx.query.bind(tx);
        return fn({ ...tx, query: (text: string, values?: unknown[]) => (statements.push(text.replace(/\s+/g, " ").slice(0, 60)), query(text, values as never)) } as never);
      });
    try {
      await store.transaction(async (tx) => {
        for (let i = 0; i < 5; i++) expect((await tx.documents.get("notes", "a"))?.data).toEqual({ v: 0 });
        const locked = await tx.documents.getForUpdate("notes", "a");
        let version = locked!.version;
        for (let i = 1; i <= 5; i++) version = await tx.documents.put("notes", "a", { v: i }, version);
        expect(version).toBe(6);
        // Reads see the held document's last write; a stale version is refused on the spot.
        expect(await tx.documents.get("notes", "a")).toMatchObject({ version: 6, data: { v: 5 } });
        expect(await codeOf(tx.documents.put("notes", "a", { v: 9 }, 5))).toBe("CONCURRENCY_CONFLICT");
        // An index read of a collection with held updates sees them: they are sent first.
        const order = await tx.documents.getForUpdate<{ customerId: string; placedAt: string; total: number }>("sales.orders", "o1");
        await tx.documents.put("sales.orders", "o1", { ...order!.data, total: 7 }, order!.version);
        expect((await tx.documents.find("sales.orders", { index: "byCustomer", equals: ["c1"] })).map((d) => d.data)).toEqual([{ customerId: "c1", placedAt: "2026-01-01", total: 7 }]);
        // Balance deltas wait too: a read of their family sends them first.
        for (let i = 1; i <= 3; i++) await tx.balances.add("finance.balances", [{ key: "1100", bucket: "2026-01", amounts: { debit: D(String(i)) } }]);
        expect((await tx.balances.sum("finance.balances", "1100")).debit?.toString()).toBe("6");
        for (let i = 1; i <= 4; i++) await tx.balances.add("finance.balances", [{ key: "4100", bucket: "2026-01", amounts: { credit: D(String(i)) } }]);
      });
    } finally {
      (db as { transaction: unknown }).transaction = original;
    }
    const selects = statements.filter((t) => t.startsWith("SELECT id, version, data"));
    const updates = statements.filter((t) => t.startsWith("UPDATE") && t.includes("documents"));
    // Three adds sent before the sum, four at the end.
    expect(statements.filter((t) => t.startsWith("INSERT") && t.includes("balance_deltas"))).toHaveLength(2);
    // get (once), getForUpdate (again, with the lock), the order's getForUpdate, the index read.
    expect(selects).toHaveLength(4);
    // The order's update before the index read; the note's five updates as one at the end.
    expect(updates).toHaveLength(2);
    await store.transaction(async (tx) => {
      expect(await tx.documents.get("notes", "a")).toMatchObject({ version: 6, data: { v: 5 } });
      expect(await tx.documents.get("sales.orders", "o1")).toMatchObject({ version: 2, data: { total: 7 } });
      expect((await tx.balances.sum("finance.balances", "4100")).credit?.toString()).toBe("10");
    });
  });

  it("held updates and waiting balance deltas of a transaction that fails are not written", async () => {
    const store = await fresh();
    await store.transaction((tx) => tx.documents.put("notes", "b", { v: 0 }, 0));
    await expect(
      store.transaction(async (tx) => {
        const doc = await tx.documents.getForUpdate("notes", "b");
        await tx.documents.put("notes", "b", { v: 1 }, doc!.version);
        await tx.balances.add("finance.balances", [{ key: "1100", bucket: "2026-01", amounts: { debit: D("5") } }]);
        throw new Error("the command failed");
      }),
    ).rejects.toThrow("the command failed");
    await store.transaction(async (tx) => expect(await tx.documents.get("notes", "b")).toMatchObject({ version: 1, data: { v: 0 } }));
    await store.transaction(async (tx) => expect((await tx.balances.sum("finance.balances", "1100")).debit?.toString()).toBe("0"));
  });

  it("a guard violation undoes the changes the same apply() already made", async () => {
    const store = await fresh();
    await store.transaction((tx) => tx.counters.apply("inventory.availability", [{ key: "A", deltas: { onHand: D("2") } }, { key: "B", deltas: { onHand: D("1") } }]));
    await store.transaction(async (tx) => {
      const error = await tx.counters
        .apply("inventory.availability", [
          { key: "B", deltas: { reserved: D("2") }, enforce: ["available"] },
          { key: "A", deltas: { reserved: D("2") }, enforce: ["available"] },
        ])
        .catch((e: unknown) => e);
      expect(isStorekeepError(error) && error.code).toBe("GUARD_VIOLATED");
      expect(isStorekeepError(error) && error.details).toEqual({ family: "inventory.availability", key: "B", guard: "available", value: "-1", floor: "0" });
      const rows = await tx.counters.getMany("inventory.availability", ["A", "B"]);
      expect([...rows].map(([k, v]) => [k, v["onHand"]?.toString(), v["reserved"]?.toString()])).toEqual([
        ["A", "2", "0"],
        ["B", "1", "0"],
      ]);
    });
  });

  it("the roll-up folds deltas into snapshots without changing any sum", async () => {
    const store = await fresh();
    for (let i = 0; i < 30; i++) {
      await store.transaction((tx) =>
        tx.balances.add("finance.balances", [
          { key: `acct-${i % 3}`, bucket: `2026-0${(i % 4) + 1}`, amounts: { debit: D(`${i}.01`) } },
          { key: `acct-${i % 3}`, bucket: `2026-0${(i % 4) + 1}`, amounts: { credit: D("0.5") } },
        ]),
      );
    }
    const snapshot = async (): Promise<string> =>
      store.transaction(async (tx) =>
        JSON.stringify({
          byKey: [...(await tx.balances.sumByKey("finance.balances", { buckets: { to: "2026-03" } }))],
          buckets: await tx.balances.buckets("finance.balances", "acct-1"),
          sum: await tx.balances.sum("finance.balances", "acct-2", { from: "2026-02", to: "2026-03" }),
        }),
      );
    const before = await snapshot();
    expect(await store.rollupBalances({ batch: 7 })).toBe(60);
    const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${store.schema}".balance_deltas`);
    expect(rows[0]?.n).toBe(0);
    expect(await snapshot()).toBe(before);
    await store.transaction((tx) => tx.balances.add("finance.balances", [{ key: "acct-1", bucket: "2026-01", amounts: { debit: D("1") } }]));
    expect(await store.rollupBalances()).toBe(1);
    const sum = await store.transaction((tx) => tx.balances.sum("finance.balances", "acct-1", { to: "2026-01" }));
    // acct-1, bucket 2026-01: the i with i % 3 = 1 and i % 4 = 0, plus the 1 added after the roll-up.
    let expected = D("1");
    for (let i = 0; i < 30; i++) if (i % 3 === 1 && i % 4 === 0) expected = expected.plus(D(`${i}.01`));
    expect(sum["debit"]?.toString()).toBe(expected.toString());
  });

  it("the background roll-up runs after enough deltas and close() waits for it", async () => {
    schemas += 1;
    const store = postgresStore({ client: db, schema: `pg_test_${schemas}`, rollup: { everyDeltas: 10, batch: 4 } });
    await store.migrate(registry);
    for (let i = 0; i < 12; i++) await store.transaction((tx) => tx.balances.add("finance.balances", [{ key: "k", bucket: "2026-01", amounts: { debit: D("1") } }]));
    await store.close();
    const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${store.schema}".balance_deltas`);
    expect(rows[0]?.n).toBeLessThan(12);
    expect((await store.transaction((tx) => tx.balances.sum("finance.balances", "k")))["debit"]?.toString()).toBe("12");
  });

  it("sumByKey with a key prefix treats % and _ literally", async () => {
    const store = await fresh();
    await store.transaction((tx) =>
      tx.balances.add(
        "finance.balances",
        ["1_0", "1x0", "1%", "10", "2"].map((key) => ({ key, bucket: "2026-01", amounts: { debit: D("1") } })),
      ),
    );
    const keys = async (prefix: string): Promise<string[]> => [...(await store.transaction((tx) => tx.balances.sumByKey("finance.balances", { keyPrefix: prefix }))).keys()];
    expect(await keys("1_")).toEqual(["1_0"]);
    expect(await keys("1%")).toEqual(["1%"]);
    expect(await keys("1")).toEqual(["1%", "10", "1_0", "1x0"]);
  });

  it("outbox positions are opaque, ordered and resumable; a foreign cursor is refused", async () => {
    const store = await fresh();
    await store.transaction((tx) => tx.events.append([event("e1"), event("e2")]));
    await store.transaction((tx) => tx.events.append([event("e3")]));
    const all = await store.readEvents(null, 10);
    expect(all.map((e) => e.id)).toEqual(["e1", "e2", "e3"]);
    expect(all[0]).toEqual({ ...event("e1"), position: all[0]?.position });
    const rest = await store.readEvents(all[0]!.position, 10);
    expect(rest.map((e) => e.id)).toEqual(["e2", "e3"]);
    expect(await codeOf(store.readEvents("12; DROP TABLE outbox", 10))).toBe("VALIDATION_FAILED");
  });

  it("idempotency: replay, mismatch, purge by expiry", async () => {
    const store = await fresh();
    await store.transaction(async (tx) => {
      expect(await tx.idempotency.claim("k1", "h", "2026-01-01T00:00:00.000Z")).toEqual({ status: "claimed" });
      await tx.idempotency.complete("k1", { orderId: "o1", total: "1.10" });
      expect(await tx.idempotency.claim("k2", "h", "2027-01-01T00:00:00.000Z")).toEqual({ status: "claimed" });
    });
    await store.transaction(async (tx) => {
      expect(await tx.idempotency.claim("k1", "h", "2026-01-01T00:00:00.000Z")).toEqual({ status: "replay", result: { orderId: "o1", total: "1.10" } });
      expect(await tx.idempotency.claim("k1", "other", "2026-01-01T00:00:00.000Z")).toEqual({ status: "mismatch", hash: "h" });
      expect(await codeOf(tx.idempotency.complete("k1", null))).toBe("INVARIANT");
    });
    expect(await store.purgeIdempotency("2026-06-01T00:00:00.000Z")).toBe(1);
    expect(await store.transaction((tx) => tx.idempotency.claim("k1", "new", "2028-01-01T00:00:00.000Z"))).toEqual({ status: "claimed" });
  });
});

function event(id: string) {
  return {
    id,
    type: "OrderPlaced",
    schemaVersion: 1,
    aggregateType: "order",
    aggregateId: "o1",
    aggregateVersion: 1,
    effectiveDate: "2026-11-27",
    occurredAt: "2026-11-27T10:00:00.000Z",
    causationId: null,
    correlationId: "cmd_1",
    payload: { total: "10.00", note: "'; DROP TABLE outbox; --" },
  };
}

describe("postgresStore on PGlite: registry changes", () => {
  it("an index redeclared under the same name with other fields is refused, as by the memory store, and nothing changes", async () => {
    const store = await fresh();
    const redefined: StoreRegistry = { ...registry, collections: [{ name: "sales.orders", indexes: { byCustomer: { fields: ["customerId"] } } }] };
    expect(await codeOf(store.migrate(redefined))).toBe("INVARIANT");
    const { rows } = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_indexes WHERE schemaname = $1 AND indexname LIKE 'dx_%'", [store.schema]);
    expect(rows[0]?.n).toBe(1);
    await store.transaction((tx) => tx.documents.put("sales.orders", "o1", { customerId: "c", placedAt: "2026-01-01" }, 0));
    expect((await store.transaction((tx) => tx.documents.find("sales.orders", { index: "byCustomer", equals: ["c", "2026-01-01"] }))).map((d) => d.id)).toEqual(["o1"]);
  });
});
