import { describe, expect, it } from "vitest";
import { z } from "zod";
import { memoryStore } from "../../src/adapters/memory/index.js";
import { FINANCE_STORE, postDraft, readBalances, resolveFinanceOptions } from "../../src/finance/index.js";
import { canonicalDecimal } from "../../src/kernel/decimal.js";
import type { Store, Transaction } from "../../src/ports/storage.js";
import { defineCommand } from "../../src/runner/command.js";
import { toUnits } from "../../src/finance/posting-kernel.js";
import { eur, makeBooks, tbBalance } from "./helpers.js";

/*
 * A command's postings are written as one batch before it commits (ledger-store's
 * PendingPostings): every entry keeps its own document, sequence, hash and lines, but the
 * lines log, the balances and the chain head are written once per command. These tests
 * count the writes, check the books and the chain, and check that a read inside the same
 * command sees what it posted.
 */

/** A memory store that counts writes per family inside transactions. */
function countingStore(): { store: Store; writes: Map<string, number>; reset(): void } {
  const inner = memoryStore();
  const writes = new Map<string, number>();
  const count = (what: string) => writes.set(what, (writes.get(what) ?? 0) + 1);
  const store: Store = {
    name: inner.name,
    capabilities: inner.capabilities,
    migrate: (registry) => inner.migrate(registry),
    readEvents: (cursor, limit) => inner.readEvents(cursor, limit),
    transaction: (work) =>
      inner.transaction((tx) =>
        work({
          ...tx,
          documents: { ...tx.documents, put: (c, id, data, v) => (count(`put ${c}`), tx.documents.put(c, id, data, v)), insertMany: (c, docs) => (count(`insertMany ${c}`), tx.documents.insertMany!(c, docs)), get: tx.documents.get.bind(tx.documents), getForUpdate: tx.documents.getForUpdate.bind(tx.documents), getMany: tx.documents.getMany.bind(tx.documents), find: tx.documents.find.bind(tx.documents), delete: tx.documents.delete.bind(tx.documents), ...(tx.documents.getForShare === undefined ? {} : { getForShare: tx.documents.getForShare.bind(tx.documents) }) },
          logs: { ...tx.logs, append: (f, entries) => (count(`append ${f}`), tx.logs.append(f, entries)), read: tx.logs.read.bind(tx.logs), streams: tx.logs.streams.bind(tx.logs) },
          balances: { ...tx.balances, add: (f, deltas) => (count(`add ${f}`), tx.balances.add(f, deltas)), sum: tx.balances.sum.bind(tx.balances), sumByKey: tx.balances.sumByKey.bind(tx.balances), buckets: tx.balances.buckets.bind(tx.balances) },
        } as Transaction),
      ),
  };
  return { store, writes, reset: () => writes.clear() };
}

const issued = (n: number, cost: string) => ({
  type: "StockIssued",
  aggregateType: "sku",
  aggregateId: `SKU${n}`,
  effectiveDate: "2026-01-15",
  payload: { movementId: `mv_${n}`, sku: `SKU${n}`, warehouseId: "wh", locationId: "wh", quantity: "1", cost: eur(cost), counterAccountRole: "cogs", effectiveAt: "2026-01-15T10:00:00.000Z", source: { type: "shipment", id: "shp_1", lineId: String(n) } },
});

describe("a command's postings are written as one batch", () => {
  it("three entries from one command: the entry documents (one insert), the chain head, the lines log and each balance family are written once; each entry is chained and verifies", async () => {
    const counting = countingStore();
    const books = makeBooks({ store: counting.store });
    await books.sk.ready();
    counting.reset();
    await books.sk.recordEvents([issued(1, "2.10"), issued(2, "3.20"), issued(3, "4.30")]);
    expect(counting.writes.get(`put ${FINANCE_STORE.entries}`)).toBeUndefined();
    expect(counting.writes.get(`insertMany ${FINANCE_STORE.entries}`)).toBe(1);
    expect(counting.writes.get(`put ${FINANCE_STORE.chain}`)).toBe(1);
    expect(counting.writes.get(`append ${FINANCE_STORE.lines}`)).toBe(1);
    expect(counting.writes.get(`add ${FINANCE_STORE.dailyBalances}`)).toBe(1);
    expect(counting.writes.get(`add ${FINANCE_STORE.monthlyBalances}`)).toBe(1);
    const journal = await books.finance.journal();
    expect(journal.map((e) => e.sequence)).toEqual(["000000000001", "000000000002", "000000000003"]);
    for (let i = 1; i < journal.length; i++) expect(journal[i]!.previousHash).toBe(journal[i - 1]!.hash);
    const verified = await books.finance.verifyJournal({ lines: true });
    expect(verified.ok).toBe(true);
    expect(verified.headSequence).toBe("000000000003");
    const tb = await books.finance.trialBalance({ asOf: "2026-01-31" });
    expect(tbBalance(tb, "5100")).toBe("9.6");
    expect(tbBalance(tb, "1300")).toBe("-9.6");
  });

  it("the next command chains on from the batch's head (sequence and hash carry over)", async () => {
    const books = makeBooks();
    await books.sk.recordEvents([issued(1, "1"), issued(2, "2")]);
    await books.finance.postEntry({ date: "2026-01-15", lines: [{ account: "1100", debit: "5" }, { account: "3100", credit: "5" }] });
    await books.sk.recordEvents([issued(3, "3")]);
    const journal = await books.finance.journal();
    expect(journal.map((e) => e.sequence)).toEqual(["000000000001", "000000000002", "000000000003", "000000000004"]);
    expect((await books.finance.verifyJournal({ lines: true })).ok).toBe(true);
  });

  it("a read inside the command that posted sees its postings (the batch is written before the read)", async () => {
    const books = makeBooks();
    const settings = resolveFinanceOptions();
    const source = { kind: "command" as const, commandId: "cmd_test", commandName: "test.postAndRead" };
    const postAndRead = defineCommand({
      name: "test.postAndRead",
      input: z.object({}),
      async handle(ctx) {
        for (const amount of [toUnits("1"), toUnits("2.5")]) {
          await postDraft(ctx, settings, { date: "2026-01-15", domain: "general", kind: "standard", memo: null, key: null, source, reversalOf: null, lines: [{ account: "1100", currency: "EUR", amount, functional: amount }, { account: "3100", currency: "EUR", amount: -amount, functional: -amount }] });
        }
        const balances = await readBalances(ctx.tx, { to: "2026-01-31" }, { keys: ["1100|EUR"] });
        const lines = await ctx.tx.logs.read(FINANCE_STORE.lines, "1100");
        return { result: { debit: canonicalDecimal(balances.get("1100|EUR")!.debit), lines: lines.length } };
      },
    });
    const out = await books.sk.runtime.execute(postAndRead, {});
    expect(out).toEqual({ debit: "3.5", lines: 2 });
  });

  it("a command that fails after posting leaves nothing behind for the next one, even on a store that hands every transaction the same tx object", async () => {
    const inner = memoryStore();
    // One Transaction object for every transaction, delegating to the current one.
    const shared = {} as Transaction;
    const store: Store = {
      name: inner.name,
      capabilities: inner.capabilities,
      migrate: (registry) => inner.migrate(registry),
      readEvents: (cursor, limit) => inner.readEvents(cursor, limit),
      transaction: (work) => inner.transaction((tx) => work(Object.assign(shared, tx))),
    };
    const books = makeBooks({ store });
    const settings = resolveFinanceOptions();
    const source = { kind: "command" as const, commandId: "cmd_test", commandName: "test.postThenFail" };
    const postThenFail = defineCommand({
      name: "test.postThenFail",
      input: z.object({}),
      async handle(ctx) {
        await postDraft(ctx, settings, { date: "2026-01-15", domain: "general", kind: "standard", memo: "rolled back", key: null, source, reversalOf: null, lines: [{ account: "1100", currency: "EUR", amount: toUnits("7"), functional: toUnits("7") }, { account: "3100", currency: "EUR", amount: toUnits("-7"), functional: toUnits("-7") }] });
        throw new Error("the command fails after posting");
      },
    });
    await expect(books.sk.runtime.execute(postThenFail, {})).rejects.toThrow("the command fails after posting");
    await books.finance.postEntry({ date: "2026-01-15", lines: [{ account: "1100", debit: "5" }, { account: "3100", credit: "5" }] });
    const journal = await books.finance.journal();
    expect(journal.map((e) => [e.sequence, e.memo])).toEqual([["000000000001", null]]);
    expect((await books.finance.verifyJournal({ lines: true })).ok).toBe(true);
    expect(tbBalance(await books.finance.trialBalance({ asOf: "2026-01-31" }), "1100")).toBe("5");
  });
});
