import { PGlite } from "@electric-sql/pglite";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postgresStore } from "../../src/adapters/postgres/index.js";
import { GENESIS_HASH, type JournalEntry, entryHash } from "../../src/finance/index.js";
import type { JsonObject, Store } from "../../src/ports/storage.js";
import { chainTextOf } from "../../src/finance/journal-chain.js";
import { canonicalJson } from "../../src/runner/hash.js";
import { type Books, eur, makeBooks } from "./helpers.js";

/*
 * The tamper-evident journal (issue 9): each entry carries the hash of the previous one;
 * verifyJournal finds an edited, a deleted and a reordered entry after the stored rows are
 * changed behind the library's back — through the store's own documents API on the
 * in-memory store, and with SQL on PostgreSQL (PGlite).
 */

const deposit = (date: string, amount: string) => ({ date, lines: [{ account: "1100", debit: amount }, { account: "3100", credit: amount }] });

async function fiveEntries(books: Books): Promise<JournalEntry[]> {
  const out: JournalEntry[] = [];
  for (let i = 1; i <= 4; i++) out.push(await books.finance.postEntry(deposit(`2026-01-${String(10 + i)}`, String(i * 100))));
  await books.sk.recordEvents([
    {
      type: "StockIssued", aggregateType: "sku", aggregateId: "MUG", effectiveDate: "2026-01-09",
      payload: { movementId: "mv_1", sku: "MUG", warehouseId: "wh", locationId: "wh/A1", quantity: "1", cost: eur("2"), counterAccountRole: "cogs", effectiveAt: "2026-01-09T10:00:00.000Z", source: { type: "shipment", id: "shp_1" } },
    },
  ]);
  return [...out, (await books.finance.journal()).find((e) => e.source.kind === "event")!];
}

interface Tamper {
  edit(entry: JournalEntry, change: Partial<JournalEntry>): Promise<void>;
  remove(entry: JournalEntry): Promise<void>;
}

function viaDocuments(store: Store): Tamper {
  return {
    edit: (entry, change) =>
      store.transaction(async (tx) => {
        const doc = await tx.documents.get("finance.entries", entry.entryId);
        await tx.documents.put("finance.entries", entry.entryId, { ...(doc!.data as object), ...change } as JsonObject, doc!.version);
      }),
    remove: (entry) =>
      store.transaction(async (tx) => {
        const doc = await tx.documents.get("finance.entries", entry.entryId);
        await tx.documents.delete("finance.entries", entry.entryId, doc!.version);
      }),
  };
}

function checks(make: () => Promise<{ books: Books; tamper: Tamper }>) {
  it("an untouched journal verifies: sequence 1..n, each entry linked to the one before, rule postings included", async () => {
    const { books } = await make();
    const entries = await fiveEntries(books);
    expect(entries.map((e) => e.sequence)).toEqual(["000000000001", "000000000002", "000000000003", "000000000004", "000000000005"]);
    expect(entries[0]!.previousHash).toBe(GENESIS_HASH);
    for (let i = 1; i < entries.length; i++) expect(entries[i]!.previousHash).toBe(entries[i - 1]!.hash);
    for (const e of entries) expect(entryHash(e)).toBe(e.hash);
    const result = await books.finance.verifyJournal({ lines: true });
    expect(result).toMatchObject({ ok: true, entries: 5, headSequence: "000000000005", headHash: entries[4]!.hash, unchained: 0, problems: [] });
  });

  it("finds an edited entry (an amount changed)", async () => {
    const { books, tamper } = await make();
    const entries = await fiveEntries(books);
    const target = entries[1]!;
    await tamper.edit(target, { lines: target.lines.map((l) => ({ ...l, amount: l.amount.replace("200", "20"), functional: l.functional.replace("200", "20") })) });
    const result = await books.finance.verifyJournal();
    expect(result.ok).toBe(false);
    expect(result.problems.map((p) => [p.kind, p.entryId])).toEqual([["edited", target.entryId]]);
  });

  it("finds a deleted entry, in the middle and at the end", async () => {
    const { books, tamper } = await make();
    const entries = await fiveEntries(books);
    await tamper.remove(entries[2]!);
    const middle = await books.finance.verifyJournal();
    expect(middle.problems.map((p) => [p.kind, p.sequence])).toEqual([["missing", "000000000003"]]);
    await tamper.remove(entries[4]!);
    const end = await books.finance.verifyJournal();
    expect(end.problems.map((p) => [p.kind, p.sequence])).toEqual([["missing", "000000000003"], ["missing", "000000000005"]]);
  });

  it("finds reordered entries (two entries' places swapped)", async () => {
    const { books, tamper } = await make();
    const entries = await fiveEntries(books);
    const [a, b] = [entries[1]!, entries[3]!];
    await tamper.edit(a, { sequence: b.sequence, previousHash: b.previousHash });
    await tamper.edit(b, { sequence: a.sequence, previousHash: a.previousHash });
    const result = await books.finance.verifyJournal();
    expect(result.ok).toBe(false);
    expect(result.problems.filter((p) => p.kind === "edited").map((p) => p.entryId).sort()).toEqual([a.entryId, b.entryId].sort());
    // Re-hashing the swapped entries does not help: the links no longer match.
    await tamper.edit(a, { hash: entryHash({ ...a, sequence: b.sequence, previousHash: b.previousHash }) });
    await tamper.edit(b, { hash: entryHash({ ...b, sequence: a.sequence, previousHash: a.previousHash }) });
    const rehashed = await books.finance.verifyJournal();
    expect(rehashed.problems.some((p) => p.kind === "broken-link")).toBe(true);
  });
}

describe("tamper-evident journal, in-memory store", () => {
  checks(async () => {
    const books = makeBooks({ finance: { allowManualEntries: true } });
    return { books, tamper: viaDocuments(books.sk.store) };
  });
});

describe("tamper-evident journal, PostgreSQL (PGlite), rows changed with SQL", () => {
  let db: PGlite;
  let schemas = 0;
  beforeAll(async () => {
    db = new PGlite();
    await db.waitReady;
  }, 60_000);
  afterAll(async () => {
    await db.close();
  });

  checks(async () => {
    schemas += 1;
    const schema = `chain_${schemas}`;
    const books = makeBooks({ store: postgresStore({ client: db, schema }), finance: { allowManualEntries: true } });
    const table = `"${schema}".documents`;
    const tamper: Tamper = {
      async edit(entry, change) {
        const { rows } = await db.query<{ data: string }>(`SELECT data::text AS data FROM ${table} WHERE collection = 'finance.entries' AND id = $1`, [entry.entryId]);
        const data = { ...JSON.parse(rows[0]!.data), ...change };
        await db.query(`UPDATE ${table} SET data = $2::json WHERE collection = 'finance.entries' AND id = $1`, [entry.entryId, JSON.stringify(data)]);
      },
      async remove(entry) {
        await db.query(`DELETE FROM ${table} WHERE collection = 'finance.entries' AND id = $1`, [entry.entryId]);
      },
    };
    return { books, tamper };
  });

  it("with lines: true, a line changed in the lines log (SQL on log_entries) is found", async () => {
    schemas += 1;
    const schema = `chain_${schemas}`;
    const books = makeBooks({ store: postgresStore({ client: db, schema }), finance: { allowManualEntries: true } });
    const entries = await fiveEntries(books);
    expect((await books.finance.verifyJournal({ lines: true })).ok).toBe(true);
    const target = entries[0]!;
    const table = `"${schema}".log_entries`;
    const { rows } = await db.query<{ sort_key: string; data: string }>(`SELECT sort_key, data::text AS data FROM ${table} WHERE family = 'finance.lines' AND stream = '1100' AND data::text LIKE $1`, [`%${target.entryId}%`]);
    const data = { ...JSON.parse(rows[0]!.data), amount: "1", functional: "1" };
    await db.query(`UPDATE ${table} SET data = $2::json WHERE family = 'finance.lines' AND stream = '1100' AND sort_key = $1`, [rows[0]!.sort_key, JSON.stringify(data)]);
    const result = await books.finance.verifyJournal({ lines: true });
    expect(result.problems.map((p) => [p.kind, p.entryId])).toEqual([["lines", target.entryId]]);
    // Without lines: true only the entries are checked.
    expect((await books.finance.verifyJournal()).ok).toBe(true);
  });
});

describe("the chain's entry text", () => {
  const text = fc.string({ unit: "binary", maxLength: 12 });
  const nullable = fc.option(text, { nil: null });
  const line = fc.record(
    { account: text, currency: text, amount: text, functional: text, rate: nullable, memo: text },
    { requiredKeys: ["account", "currency", "amount", "functional", "rate"] },
  );
  const source = fc.oneof(
    fc.record({ kind: fc.constant("command" as const), commandId: text, commandName: text }),
    fc.record({ kind: fc.constant("event" as const), eventId: text, eventType: text, aggregateType: text, aggregateId: text }),
  );
  const entry = fc.record({
    entryId: text, key: nullable, date: text, recordedAt: text, domain: fc.constantFrom("general", "sales", "stock"), kind: fc.constantFrom("standard", "reversal"),
    memo: nullable, source, reversalOf: nullable, functionalCurrency: text, lines: fc.array(line, { maxLength: 5 }), sequence: text, previousHash: text, hash: text,
  });

  it("is canonicalJson of every field but the hash, for any entry posting builds (the fast writer never differs)", () => {
    fc.assert(
      fc.property(entry, (e) => {
        const { hash: _hash, ...content } = e;
        expect(chainTextOf(e as unknown as JournalEntry)).toBe(canonicalJson(content));
      }),
      { numRuns: 500 },
    );
  });

  it("falls back to canonicalJson for a line with a field posting does not write", () => {
    const e = { entryId: "je_1", key: null, date: "2026-01-01", recordedAt: "x", domain: "general", kind: "standard", memo: null, source: { kind: "command", commandId: "c", commandName: "n" }, reversalOf: null, functionalCurrency: "EUR", lines: [{ account: "1", currency: "EUR", amount: "1", functional: "1", rate: null, extra: 5 }], sequence: "1", previousHash: "p", hash: "h" };
    const { hash: _hash, ...content } = e;
    expect(chainTextOf(e as unknown as JournalEntry)).toBe(canonicalJson(content));
  });
});
