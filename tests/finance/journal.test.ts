import { describe, expect, it } from "vitest";
import { isStorekeepError } from "../../src/kernel/errors.js";
import { memoryRates } from "../../src/adapters/memory/index.js";
import { Decimal } from "../../src/kernel/decimal.js";
import { eur, makeBooks, tbBalance } from "./helpers.js";

const deposit = (date: string, amount = "100") => ({ date, lines: [{ account: "1100", debit: amount }, { account: "3100", credit: amount }] });

async function failure(promise: Promise<unknown>): Promise<{ code: string; details: Record<string, unknown>; message: string }> {
  try {
    await promise;
  } catch (e) {
    if (isStorekeepError(e)) return { code: e.code, details: e.details as Record<string, unknown>, message: e.message };
    throw e;
  }
  throw new Error("expected a StorekeepError");
}

describe("journal entries", () => {
  it("an unbalanced entry fails with UNBALANCED_ENTRY and the difference", async () => {
    const { finance } = makeBooks();
    const e = await failure(finance.postEntry({ date: "2026-01-10", lines: [{ account: "1100", debit: "100.01" }, { account: "3100", credit: "100" }] }));
    expect(e.code).toBe("UNBALANCED_ENTRY");
    expect(e.details).toMatchObject({ difference: "0.01", currency: "EUR" });
    expect(e.message).toContain("debits exceed credits by 0.01 EUR");
    expect(await finance.journal()).toEqual([]);
  });

  it("balances exactly in the functional currency with no tolerance, and a single foreign currency balances in it too", async () => {
    const { finance } = makeBooks();
    // USD lines converting to an exact EUR balance but unbalanced in USD.
    const e = await failure(
      finance.postEntry({ date: "2026-01-10", lines: [{ account: "1100", debit: "100", currency: "USD", functional: "90" }, { account: "4100", credit: "101", currency: "USD", functional: "90" }] }),
    );
    expect(e.code).toBe("UNBALANCED_ENTRY");
    expect(e.details).toMatchObject({ difference: "-1", currency: "USD", basis: "transaction" });
    // Multi-currency: balances in EUR.
    const ok = await finance.postEntry({ date: "2026-01-10", lines: [{ account: "1100", debit: "110", currency: "USD", rate: "0.9" }, { account: "3100", credit: "99" }] });
    expect(ok.lines[0]).toMatchObject({ currency: "USD", amount: "110", functional: "99", rate: "0.9" });
  });

  it("refuses lines zero in both amounts, too few or too many lines, amounts finer than the minor unit, and both debit and credit", async () => {
    const { finance } = makeBooks();
    expect((await failure(finance.postEntry({ date: "2026-01-10", lines: [{ account: "1100", debit: "0" }, { account: "3100", credit: "0" }] }))).code).toBe("VALIDATION_FAILED");
    expect((await failure(finance.postEntry({ date: "2026-01-10", lines: [{ account: "1100", debit: "1" }] }))).code).toBe("VALIDATION_FAILED");
    const many = Array.from({ length: 1001 }, (_, i) => ({ account: "1100", ...(i % 2 === 0 ? { debit: "1" } : { credit: "1" }) }));
    expect((await failure(finance.postEntry({ date: "2026-01-10", lines: many }))).code).toBe("VALIDATION_FAILED");
    expect((await failure(finance.postEntry({ date: "2026-01-10", lines: [{ account: "1100", debit: "1.001" }, { account: "3100", credit: "1.001" }] }))).code).toBe("VALIDATION_FAILED");
    expect((await failure(finance.postEntry({ date: "2026-01-10", lines: [{ account: "1100", debit: "1", credit: "1" }, { account: "3100", credit: "1" }] }))).code).toBe("VALIDATION_FAILED");
    // 1000 lines is the bound and fine.
    const bounded = Array.from({ length: 1000 }, (_, i) => ({ account: "1100", ...(i % 2 === 0 ? { debit: "1" } : { credit: "1" }) }));
    expect((await finance.postEntry({ date: "2026-01-10", lines: bounded })).lines).toHaveLength(1000);
  });

  it("unknown and header accounts are refused; account currencies are enforced", async () => {
    const { finance } = makeBooks();
    const unknown = await failure(finance.postEntry({ date: "2026-01-10", lines: [{ account: "9999", debit: "1" }, { account: "3100", credit: "1" }] }));
    expect(unknown).toMatchObject({ code: "NOT_FOUND", details: { accounts: ["9999"] } });
    expect((await failure(finance.postEntry({ date: "2026-01-10", lines: [{ account: "1000", debit: "1" }, { account: "3100", credit: "1" }] }))).code).toBe("VALIDATION_FAILED");
    await finance.defineAccount({ code: "1120", name: "Bank USD", type: "asset", parent: "1000", currency: "USD" });
    expect((await failure(finance.postEntry({ date: "2026-01-10", lines: [{ account: "1120", debit: "1" }, { account: "3100", credit: "1" }] }))).code).toBe("CURRENCY_MISMATCH");
    const usd = await finance.postEntry({ date: "2026-01-10", lines: [{ account: "1120", debit: "10", currency: "USD", rate: "0.9" }, { account: "3100", credit: "9" }] });
    expect(usd.lines[0]!.functional).toBe("9");
    expect((await finance.accounts()).map((a) => a.code)).toContain("1120");
    expect((await failure(finance.defineAccount({ code: "1120", name: "again", type: "asset" }))).code).toBe("ALREADY_EXISTS");
    expect((await failure(finance.defineAccount({ code: "1130", name: "bad parent", type: "asset", parent: "2000" }))).code).toBe("VALIDATION_FAILED");
  });

  it("uses the rate provider when a foreign line gives neither rate nor functional amount", async () => {
    const rates = memoryRates([{ base: "USD", quote: "EUR", date: "2026-01-01", rate: new Decimal("0.925") } as never]);
    const { finance } = makeBooks({ rates });
    const entry = await finance.postEntry({ date: "2026-01-10", lines: [{ account: "1100", debit: "100", currency: "USD" }, { account: "3100", credit: "92.5" }] });
    expect(entry.lines[0]).toMatchObject({ functional: "92.5", rate: "0.925" });
    const missing = await failure(finance.postEntry({ date: "2026-01-10", lines: [{ account: "1100", debit: "100", currency: "GBP" }, { account: "3100", credit: "92.5" }] }));
    expect(missing.code).toBe("VALIDATION_FAILED");
  });

  it("records the effective date, the recorded instant and the source on every entry", async () => {
    const { finance, clock } = makeBooks();
    clock.set("2026-02-03T08:30:00.000Z");
    const entry = await finance.postEntry({ ...deposit("2026-01-31"), memo: "Late deposit" });
    expect(entry).toMatchObject({ date: "2026-01-31", recordedAt: "2026-02-03T08:30:00.000Z", kind: "standard", memo: "Late deposit", source: { kind: "command", commandName: "finance.postEntry" } });
    expect(await finance.entry(entry.entryId)).toEqual(entry);
  });

  it("posting is idempotent by entry key; the same key for another entry is IDEMPOTENCY_MISMATCH", async () => {
    const { finance } = makeBooks();
    const first = await finance.postEntry({ ...deposit("2026-01-10"), key: "dep-1" });
    const again = await finance.postEntry({ ...deposit("2026-01-10"), key: "dep-1" });
    expect(again).toEqual(first);
    expect(await finance.journal()).toHaveLength(1);
    expect((await failure(finance.postEntry({ ...deposit("2026-01-10", "200"), key: "dep-1" }))).code).toBe("IDEMPOTENCY_MISMATCH");
    expect(tbBalance(await finance.trialBalance({ asOf: "2026-01-31" }), "1100")).toBe("100");
  });
});

describe("reversals", () => {
  it("reverse on a chosen date, restore every balance, and never twice", async () => {
    const { finance } = makeBooks();
    const entry = await finance.postEntry({ date: "2026-01-10", lines: [{ account: "1100", debit: "110", currency: "USD", rate: "0.9" }, { account: "3100", credit: "99" }] });
    const reversal = await finance.reverseEntry({ entryId: entry.entryId, date: "2026-02-01" });
    expect(reversal).toMatchObject({ kind: "reversal", reversalOf: entry.entryId, date: "2026-02-01" });
    expect(reversal.lines.map((l) => [l.account, l.currency, l.amount, l.functional])).toEqual([["1100", "USD", "-110", "-99"], ["3100", "EUR", "99", "99"]]);
    expect(tbBalance(await finance.trialBalance({ asOf: "2026-01-31" }), "1100")).toBe("99");
    const after = await finance.trialBalance({ asOf: "2026-02-28" });
    expect(after.rows.filter((r) => !r.header).every((r) => r.debit === "0" && r.credit === "0" && r.byCurrency.length === 0)).toBe(true);
    const twice = await failure(finance.reverseEntry({ entryId: entry.entryId, date: "2026-02-02" }));
    expect(twice).toMatchObject({ code: "ALREADY_REVERSED", details: { reversalEntryId: reversal.entryId } });
    expect((await failure(finance.reverseEntry({ entryId: "je_nope" }))).code).toBe("NOT_FOUND");
  });
});

describe("periods and locks", () => {
  it("a soft lock refuses direct postings, posting rules and reversals dated into it, and can be lifted", async () => {
    const books = makeBooks();
    const { finance, sk } = books;
    const entry = await finance.postEntry(deposit("2026-01-10"));
    await finance.closePeriod("2026-01");
    expect(await finance.isPeriodOpen("sales", "2026-01-31")).toBe(false);
    expect(await finance.isPeriodOpen("sales", "2026-02-01")).toBe(true);
    // direct
    const direct = await failure(finance.postEntry(deposit("2026-01-20")));
    expect(direct).toMatchObject({ code: "PERIOD_LOCKED", details: { date: "2026-01-20", lockedThrough: "2026-01-31", hard: false } });
    // posting rule (the whole command fails: no event, no entry)
    const rule = await failure(
      sk.recordEvents([
        {
          type: "StockIssued", aggregateType: "sku", aggregateId: "MUG", effectiveDate: "2026-01-25",
          payload: { movementId: "mv_1", sku: "MUG", warehouseId: "wh", locationId: "wh/A1", quantity: "1", cost: eur("2"), counterAccountRole: "cogs", effectiveAt: "2026-01-25T10:00:00.000Z", source: { type: "shipment", id: "shp_1" } },
        },
      ]),
    );
    expect(rule.code).toBe("PERIOD_LOCKED");
    expect(await sk.store.readEvents(null, 100)).toEqual([]);
    // reversal dated into the locked period
    expect((await failure(finance.reverseEntry({ entryId: entry.entryId, date: "2026-01-31" }))).code).toBe("PERIOD_LOCKED");
    // reversal into an open period is fine
    await finance.reverseEntry({ entryId: entry.entryId, date: "2026-02-01" });
    // lift the sales lock only: stock stays locked, manual (general) postings stay locked
    await finance.unlock({ domain: "stock", through: null });
    expect(await finance.isPeriodOpen("stock", "2026-01-25")).toBe(true);
    expect(await finance.isPeriodOpen("sales", "2026-01-25")).toBe(false);
    expect((await failure(finance.postEntry(deposit("2026-01-20")))).code).toBe("PERIOD_LOCKED");
  });

  it("domain locks are independent; the tax lock also guards entries touching tax accounts", async () => {
    const { finance } = makeBooks({ finance: { allowManualEntries: ["1200", "2300"] } });
    await finance.lockPeriod({ period: "2026-03", domains: ["tax"] });
    expect(await finance.isPeriodOpen("sales", "2026-03-10")).toBe(true);
    const taxed = await failure(finance.postEntry({ date: "2026-03-10", domain: "sales", lines: [{ account: "1200", debit: "119" }, { account: "4100", credit: "100" }, { account: "2300", credit: "19" }] }));
    expect(taxed.code).toBe("PERIOD_LOCKED");
    await finance.postEntry({ date: "2026-03-10", domain: "sales", lines: [{ account: "1200", debit: "100" }, { account: "4100", credit: "100" }] });
  });

  it("a hard lock cannot be lifted or moved back, nor set on days still to come", async () => {
    const { finance, clock } = makeBooks();
    // On 15 January, January has not ended: a hard lock of it (or a year-end close of 2026) is refused.
    expect(await failure(finance.hardLock({ period: "2026-01" }))).toMatchObject({ code: "VALIDATION_FAILED", details: { through: "2026-01-31", today: "2026-01-15" } });
    expect((await failure(finance.hardLock({ through: "2040-12-31" }))).code).toBe("VALIDATION_FAILED");
    expect((await failure(finance.closeYear({ year: 2026 }))).code).toBe("VALIDATION_FAILED");
    expect((await finance.periodLocks()).hard).toBeNull();
    clock.set("2026-02-03T08:30:00.000Z");
    await finance.hardLock({ period: "2026-01" });
    expect((await failure(finance.unlock({ domain: "sales", through: null }))).code).toBe("INVALID_TRANSITION");
    expect((await failure(finance.hardLock({ through: "2025-12-31" }))).code).toBe("INVALID_TRANSITION");
    const refused = await failure(finance.postEntry(deposit("2026-01-31")));
    expect(refused).toMatchObject({ code: "PERIOD_LOCKED", details: { hard: true } });
    // A year-end close respects the hard lock too.
    expect((await failure(finance.closeYear({ year: 2025 }))).code).toBe("PERIOD_LOCKED");
    expect((await finance.periodLocks()).hard).toBe("2026-01-31");
  });
});

describe("options", () => {
  it("a shop's rule override replaces the default rule for its event type", async () => {
    const { finance, sk } = makeBooks({
      finance: {
        rules: {
          StockIssued: (event, context) => [{ date: event.effectiveDate, domain: "stock", memo: "custom", lines: [
            { account: "5310", currency: "EUR", amount: 1_000_000n, functional: 1_000_000n },
            { account: context.accountMap.inventory, currency: "EUR", amount: -1_000_000n, functional: -1_000_000n },
          ] }],
        },
      },
    });
    await sk.recordEvents([
      {
        type: "StockIssued", aggregateType: "sku", aggregateId: "MUG", effectiveDate: "2026-02-01",
        payload: { movementId: "mv_1", sku: "MUG", warehouseId: "wh", locationId: "wh/A1", quantity: "1", cost: eur("2"), counterAccountRole: "cogs", effectiveAt: "2026-02-01T10:00:00.000Z", source: { type: "shipment", id: "shp_1" } },
      },
    ]);
    const [entry] = await finance.journal();
    expect(entry).toMatchObject({ memo: "custom", source: { kind: "event", eventType: "StockIssued" } });
    expect(entry!.lines.map((l) => [l.account, l.functional])).toEqual([["5310", "1"], ["1300", "-1"]]);
  });

  it("a fiscal year starting in April closes April to March", async () => {
    const { finance, clock } = makeBooks({ finance: { fiscalYearStartMonth: 4 } });
    clock.set("2026-04-02T08:00:00.000Z");
    await finance.postEntry({ date: "2026-03-31", lines: [{ account: "1100", debit: "10" }, { account: "4100", credit: "10" }] });
    await finance.postEntry({ date: "2026-04-01", lines: [{ account: "1100", debit: "5" }, { account: "4100", credit: "5" }] });
    const closed = await finance.closeYear({ year: 2025 });
    expect(closed).toMatchObject({ start: "2025-04-01", end: "2026-03-31", netIncome: "10" });
    expect(tbBalance(await finance.trialBalance({ asOf: "2026-04-30" }), "4100")).toBe("-5");
    expect(tbBalance(await finance.trialBalance({ asOf: "2026-04-30" }), "3200")).toBe("-10");
  });
});
