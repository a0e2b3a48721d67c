import { describe, expect, it } from "vitest";
import { parseTrialBalanceCsv } from "../../src/finance/opening-balances.js";
import { isStorekeepError } from "../../src/kernel/errors.js";
import { eur, makeBooks, tbBalance } from "./helpers.js";

const tbCsv = `account,debit,credit
1100,12000.00,
1300,230.00,
2100,,1500.50
3100,,10000
3200,,729.50
`;

async function openingStock(books: ReturnType<typeof makeBooks>, value: string) {
  await books.sk.recordEvents([
    {
      type: "StockReceived", aggregateType: "sku", aggregateId: "MUG", effectiveDate: "2025-12-31",
      payload: { movementId: "mv_0", sku: "MUG", warehouseId: "wh", locationId: "wh/A1", quantity: "100", value: eur(value), counterAccountRole: "opening-balance-equity", effectiveAt: "2025-12-31T09:00:00.000Z", source: { type: "opening", id: "import_1" } },
    },
  ]);
}

describe("opening balances", () => {
  it("parses trial-balance CSV with quoted fields and any column order", () => {
    expect(parseTrialBalanceCsv('Credit,Account,Debit\r\n,1100,"1,0"\n5,"3100",\n')).toEqual([{ account: "1100", debit: "1,0" }, { account: "3100", credit: "5" }]);
    expect(() => parseTrialBalanceCsv("a,b\n1,2\n")).toThrow(/header/);
  });

  it("imports a trial balance that agrees with the opening stock on Inventory; Opening balance equity ends at zero", async () => {
    const books = makeBooks();
    await openingStock(books, "230");
    const entry = await books.finance.importOpeningBalances({ date: "2025-12-31", csv: tbCsv });
    expect(entry.kind).toBe("opening");
    expect(entry.inventoryAgreed).toBe("230");
    expect(entry.lines.map((l) => [l.account, l.functional])).toEqual([
      ["1100", "12000"],
      ["2100", "-1500.5"],
      ["3100", "-10000"],
      ["3200", "-729.5"],
      ["3300", "230"],
    ]);
    const tb = await books.finance.trialBalance({ asOf: "2025-12-31" });
    expect(tbBalance(tb, "1300")).toBe("230");
    expect(tbBalance(tb, "3300")).toBe("0");
    expect(tbBalance(tb, "1100")).toBe("12000");
    expect(tb.totals).toEqual({ debit: "12230", credit: "12230" });
    // Idempotent: the same import again returns the same entry; a different one is refused.
    expect((await books.finance.importOpeningBalances({ date: "2025-12-31", csv: tbCsv })).entryId).toBe(entry.entryId);
    await expect(books.finance.importOpeningBalances({ date: "2025-12-31", csv: tbCsv.replace("12000.00", "12001.00").replace("10000", "10001") })).rejects.toMatchObject({ code: "IDEMPOTENCY_MISMATCH" });
  });

  it("refuses a trial balance whose Inventory differs from the opening stock, saying by how much", async () => {
    const books = makeBooks();
    await openingStock(books, "200");
    try {
      await books.finance.importOpeningBalances({ date: "2025-12-31", csv: tbCsv });
      throw new Error("expected a refusal");
    } catch (e) {
      expect(isStorekeepError(e) && e.code).toBe("VALIDATION_FAILED");
      expect(isStorekeepError(e) && e.details).toMatchObject({ account: "1300", trialBalance: "230", posted: "200", difference: "30" });
      expect((e as Error).message).toMatch(/Import the opening stock through inventory first/);
    }
    expect(await books.finance.journal()).toHaveLength(1); // only the opening stock
  });

  it("refuses an unbalanced trial balance and takes rows with foreign currencies", async () => {
    const books = makeBooks();
    await expect(books.finance.importOpeningBalances({ date: "2025-12-31", rows: [{ account: "1100", debit: "10" }, { account: "3100", credit: "9" }] })).rejects.toMatchObject({ code: "UNBALANCED_ENTRY" });
    const entry = await books.finance.importOpeningBalances({
      date: "2025-12-31",
      rows: [{ account: "1100", debit: "92", currency: "USD", amount: "100" }, { account: "1100", debit: "8" }, { account: "3100", credit: "100" }],
    });
    expect(entry.lines[0]).toMatchObject({ currency: "USD", amount: "100", functional: "92" });
  });
});
