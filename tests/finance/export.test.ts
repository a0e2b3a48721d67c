import { describe, expect, it } from "vitest";
import { defaultChart } from "../../src/finance/chart.js";
import { hledgerAccountName } from "../../src/finance/export.js";
import { makeBooks } from "./helpers.js";

describe("journal exports", () => {
  it("CSV: one row per line, debit positive, functional debit and credit columns, quoted memos, a date range", async () => {
    const { finance } = makeBooks();
    await finance.postEntry({ date: "2026-01-10", memo: 'Deposit, "cash"', lines: [{ account: "1100", debit: "110", currency: "USD", rate: "0.9" }, { account: "3100", credit: "99" }] });
    await finance.postEntry({ date: "2026-02-10", lines: [{ account: "6100", debit: "1.5" }, { account: "1100", credit: "1.5" }] });
    const csv = await finance.exportCsv();
    const rows = csv.trim().split("\n");
    expect(rows[0]).toBe("entry_id,date,kind,memo,account,account_name,currency,amount,rate,functional_amount,functional_currency,debit,credit,source");
    expect(rows[1]).toBe('je_000001,2026-01-10,standard,"Deposit, ""cash""",1100,Bank,USD,110,0.9,99,EUR,99,0,finance.postEntry:cmd_000001');
    expect(rows[2]).toBe('je_000001,2026-01-10,standard,"Deposit, ""cash""",3100,Share capital,EUR,-99,,-99,EUR,0,99,finance.postEntry:cmd_000001');
    expect(rows).toHaveLength(5);
    const february = (await finance.exportCsv({ from: "2026-02-01" })).trim().split("\n");
    expect(february).toHaveLength(3);
    expect(february[1]).toContain("2026-02-10");
  });

  it("hledger: typed account directives, hierarchical names, total costs for foreign lines, traceable comments", async () => {
    const { finance } = makeBooks();
    const entry = await finance.postEntry({ date: "2026-01-10", memo: "Deposit; with | odd chars", lines: [{ account: "1100", debit: "110", currency: "USD", rate: "0.9" }, { account: "3100", credit: "99" }] });
    const text = await finance.exportHledger();
    expect(hledgerAccountName(defaultChart(), "4300")).toBe("revenues:4000:4300");
    expect(text).toContain("account assets:1000:1100  ; type: A, name: Bank");
    expect(text).toContain("account revenues:4000:4300  ; type: R, name: Sales returns");
    expect(text).toContain(`2026-01-10 * Deposit with odd chars  ; entry:${entry.entryId}, kind:standard, source:finance.postEntry cmd_000001`);
    expect(text).toContain("    assets:1000:1100  110 USD @@ 99 EUR");
    expect(text).toContain("    equity:3000:3100  -99 EUR");
  });
});
