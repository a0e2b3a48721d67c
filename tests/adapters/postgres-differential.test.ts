import { PGlite } from "@electric-sql/pglite";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { memoryStore } from "../../src/adapters/memory/index.js";
import { postgresStore } from "../../src/adapters/postgres/index.js";
import { Decimal, canonicalDecimal } from "../../src/kernel/decimal.js";
import { isInvariantError, isStorekeepError } from "../../src/kernel/errors.js";
import type { Store, StoreRegistry, Transaction } from "../../src/ports/storage.js";

/*
 * Differential test: random sequences of operations run on the in-memory store (the
 * reference) and on the PostgreSQL store over PGlite give the same answers, the same error
 * codes and the same rollbacks. Strings come from an alphabet with case, accents,
 * digits, punctuation and an astral character (but no U+E000–U+FFFF character, whose
 * order against astral characters differs by design: see docs/adapters.md).
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
  collections: [{ name: "diff.items", indexes: { byGroup: { fields: ["group", "rank"] }, byRank: { fields: ["rank"] } } }],
  logs: [{ name: "diff.log", sortKey: "k" }],
  balances: [{ name: "diff.bal", fields: ["debit", "credit"], bucket: "YYYY-MM" }],
  counters: [{ name: "diff.stock", fields: ["onHand", "reserved"], guards: { available: { terms: { onHand: 1, reserved: -1 }, floor: 0 } } }],
};

const text = fc.constantFrom("a", "b", "B", "ab", "é", "e", "10", "9", "~", "-", " ", "😀", "a😀", "Z", "");
/** Ids, streams and keys: few, so operations keep meeting the same ones. */
const nonEmpty = fc.constantFrom("a", "ab", "B", "é", "😀", "10");
const month = fc.integer({ min: 1, max: 4 }).map((m) => `2026-0${m}`);
const amount = fc.integer({ min: -500, max: 500 }).map((n) => new Decimal(n).dividedBy(100));
const range = fc.record({ gt: fc.option(text, { nil: undefined }), lte: fc.option(text, { nil: undefined }) });
const bucketRange = fc.record({ from: fc.option(month, { nil: undefined }), to: fc.option(month, { nil: undefined }) });

type Op =
  | { kind: "put"; id: string; group: string | number; rank: string; version: "current" | "stale" | "zero" }
  | { kind: "delete"; id: string; version: "current" | "stale" }
  | { kind: "find"; index: "byGroup" | "byRank"; equals: string[]; range: { gt?: string | undefined; lte?: string | undefined } | undefined; limit: number; order: "asc" | "desc" }
  | { kind: "append"; entries: { stream: string; sortKey: string }[] }
  | { kind: "read"; stream: string; range: { gt?: string | undefined; lte?: string | undefined }; limit: number | undefined; order: "asc" | "desc" }
  | { kind: "streams"; after: string | undefined; limit: number | undefined }
  | { kind: "add"; key: string; bucket: string; debit: Decimal; credit: Decimal }
  | { kind: "sums"; key: string; prefix: string; buckets: { from?: string | undefined; to?: string | undefined } }
  | { kind: "apply"; changes: { key: string; onHand: Decimal; reserved: Decimal; enforce: boolean }[] }
  | { kind: "event"; id: string };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant("put" as const), id: nonEmpty, group: fc.oneof(text, fc.constant(7)), rank: text, version: fc.constantFrom("current" as const, "stale" as const, "zero" as const) }),
  fc.record({ kind: fc.constant("delete" as const), id: nonEmpty, version: fc.constantFrom("current" as const, "stale" as const) }),
  fc
    .record({ index: fc.constantFrom("byGroup" as const, "byRank" as const), equals: fc.array(text, { maxLength: 1 }), range: fc.option(range, { nil: undefined }), limit: fc.integer({ min: 0, max: 6 }), order: fc.constantFrom("asc" as const, "desc" as const) })
    .map((q) => ({ kind: "find" as const, ...q, equals: q.index === "byRank" ? [] : q.equals })),
  fc.record({ kind: fc.constant("append" as const), entries: fc.array(fc.record({ stream: nonEmpty, sortKey: text }), { minLength: 1, maxLength: 3 }) }),
  fc.record({ kind: fc.constant("read" as const), stream: nonEmpty, range, limit: fc.option(fc.integer({ min: 0, max: 4 }), { nil: undefined }), order: fc.constantFrom("asc" as const, "desc" as const) }),
  fc.record({ kind: fc.constant("streams" as const), after: fc.option(text, { nil: undefined }), limit: fc.option(fc.integer({ min: 0, max: 4 }), { nil: undefined }) }),
  fc.record({ kind: fc.constant("add" as const), key: nonEmpty, bucket: month, debit: amount, credit: amount }),
  fc.record({ kind: fc.constant("sums" as const), key: nonEmpty, prefix: fc.constantFrom("", "a", "1", "é", "%"), buckets: bucketRange }),
  fc.record({
    kind: fc.constant("apply" as const),
    changes: fc.array(fc.record({ key: nonEmpty, onHand: amount, reserved: amount, enforce: fc.boolean() }), { minLength: 1, maxLength: 3 }),
  }),
  fc.record({ kind: fc.constant("event" as const), id: nonEmpty }),
);

const plain = (r: Record<string, Decimal>): Record<string, string> => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, canonicalDecimal(v)]));

/** Runs one operation in `tx` and returns a comparable answer. */
async function perform(tx: Transaction, o: Op): Promise<unknown> {
  switch (o.kind) {
    case "put": {
      const current = await tx.documents.get("diff.items", o.id);
      const version = o.version === "zero" ? 0 : o.version === "current" ? (current?.version ?? 0) : (current?.version ?? 0) + 1;
      return tx.documents.put("diff.items", o.id, { group: o.group, rank: o.rank }, version);
    }
    case "delete": {
      const current = await tx.documents.get("diff.items", o.id);
      await tx.documents.delete("diff.items", o.id, o.version === "current" ? (current?.version ?? 0) : (current?.version ?? 0) + 1);
      return "deleted";
    }
    case "find": {
      const q = { index: o.index, equals: o.equals, limit: o.limit, order: o.order, ...(o.range === undefined ? {} : { range: clean(o.range) }) };
      const found = await tx.documents.find("diff.items", q);
      return found.map((d) => [d.id, d.version, d.data]);
    }
    case "append":
      await tx.logs.append("diff.log", o.entries.map((e) => ({ ...e, data: { s: e.sortKey } })));
      return "appended";
    case "read": {
      const entries = await tx.logs.read("diff.log", o.stream, { ...clean(o.range), order: o.order, ...(o.limit === undefined ? {} : { limit: o.limit }) });
      return entries.map((e) => [e.stream, e.sortKey, e.data]);
    }
    case "streams":
      return tx.logs.streams("diff.log", { ...(o.after === undefined ? {} : { after: o.after }), ...(o.limit === undefined ? {} : { limit: o.limit }) });
    case "add":
      await tx.balances.add("diff.bal", [{ key: o.key, bucket: o.bucket, amounts: { debit: o.debit, credit: o.credit } }]);
      return "added";
    case "sums": {
      const buckets = clean(o.buckets);
      return {
        sum: plain(await tx.balances.sum("diff.bal", o.key, buckets)),
        byKey: [...(await tx.balances.sumByKey("diff.bal", { keyPrefix: o.prefix, buckets }))].map(([k, v]) => [k, plain(v)]),
        buckets: (await tx.balances.buckets("diff.bal", o.key, buckets)).map((b) => [b.bucket, plain(b.amounts)]),
      };
    }
    case "apply": {
      const results = await tx.counters.apply(
        "diff.stock",
        o.changes.map((c) => ({ key: c.key, deltas: { onHand: c.onHand, reserved: c.reserved }, ...(c.enforce ? { enforce: ["available"] } : {}) })),
      );
      const after = await tx.counters.getMany("diff.stock", o.changes.map((c) => c.key));
      return { results: results.map(plain), after: [...after].map(([k, v]) => [k, plain(v)]) };
    }
    case "event":
      await tx.events.append([
        { id: o.id, type: "T", schemaVersion: 1, aggregateType: "a", aggregateId: o.id, aggregateVersion: 1, effectiveDate: "2026-01-01", occurredAt: "2026-01-01T00:00:00.000Z", causationId: null, correlationId: "c", payload: { id: o.id } },
      ]);
      return "event";
  }
}

/** Drops undefined properties (the contract's optional fields are exact). */
function clean<T extends object>(value: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as { [K in keyof T]?: Exclude<T[K], undefined> };
}

/** The outcome of one transaction: its answer or its error code; `fail` throws after the work. */
async function outcome(store: Store, ops: readonly Op[], fail: boolean): Promise<unknown> {
  try {
    return await store.transaction(async (tx) => {
      const answers: unknown[] = [];
      for (const o of ops) {
        try {
          answers.push(await perform(tx, o));
        } catch (error) {
          if (isStorekeepError(error)) answers.push(`error ${error.code}`);
          else if (isInvariantError(error)) answers.push("invariant");
          else throw error;
        }
      }
      if (fail) throw new Error("rolled back on purpose");
      return answers;
    });
  } catch (error) {
    return `failed: ${(error as Error).message}`;
  }
}

describe("postgresStore on PGlite behaves like the in-memory store", () => {
  it("property: every random sequence of transactions gives the same answers, errors and rollbacks on both stores", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.record({ ops: fc.array(op, { minLength: 1, maxLength: 6 }), fail: fc.integer({ min: 0, max: 3 }).map((n) => n === 0) }), { minLength: 1, maxLength: 12 }), async (transactions) => {
        schemas += 1;
        const reference = memoryStore();
        const subject = postgresStore({ client: db, schema: `diff_${schemas}`, rollup: { everyDeltas: 3, batch: 2 } });
        await reference.migrate(registry);
        await subject.migrate(registry);
        for (const t of transactions) {
          expect(await outcome(subject, t.ops, t.fail)).toEqual(await outcome(reference, t.ops, t.fail));
        }
        await subject.close();
        const final: Op[] = [
          { kind: "find", index: "byRank", equals: [], range: undefined, limit: 100, order: "asc" },
          { kind: "streams", after: undefined, limit: undefined },
        ];
        expect(await outcome(subject, final, false)).toEqual(await outcome(reference, final, false));
        expect((await subject.readEvents(null, 1000)).map((e) => e.id)).toEqual((await reference.readEvents(null, 1000)).map((e) => e.id));
      }),
      { numRuns: 60 },
    );
  });
});
