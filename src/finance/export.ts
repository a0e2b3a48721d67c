import { parseWith } from "../kernel/errors.js";
import { strictInput } from "../kernel/strict-input.js";
import { localDateSchema } from "../kernel/local-date.js";
import type { Transaction } from "../ports/storage.js";
import { loadChart } from "./account-registry.js";
import type { Account, AccountType, Chart } from "./accounts.js";
import type { JournalEntry } from "./journal-entry.js";
import { FINANCE_STORE, flushPostings } from "./ledger-store.js";

/*
 * Exports of the journal: hledger's journal format (so hledger can check our books) and
 * CSV. Both walk the entries in effective-date order through the `byDate` index.
 */

const HLEDGER_ROOT: Record<AccountType, string> = { asset: "assets", liability: "liabilities", equity: "equity", revenue: "revenues", expense: "expenses" };
const HLEDGER_TYPE: Record<AccountType, string> = { asset: "A", liability: "L", equity: "E", revenue: "R", expense: "X" };

/**
 * The hledger account name of an account: its type's root, then its ancestors' codes,
 * then its own code (`assets:1000:1100`).
 *
 * @example
 * ```ts
 * hledgerAccountName(defaultChart(), "1100"); // "assets:1000:1100"
 * ```
 */
export function hledgerAccountName(chart: Chart, code: string): string {
  const path: string[] = [];
  let account: Account | undefined = chart.byCode.get(code);
  const type = account?.type ?? "asset";
  while (account !== undefined) {
    path.unshift(account.code);
    account = account.parent === undefined ? undefined : chart.byCode.get(account.parent);
  }
  if (path.length === 0) path.push(code);
  return `${HLEDGER_ROOT[type]}:${path.join(":")}`;
}

/**
 * Export options: the effective dates to include (default: everything).
 *
 * @example
 * ```ts
 * const options: ExportOptions = { from: "2026-01-01", to: "2026-12-31" };
 * ```
 */
export interface ExportOptions {
  readonly from?: string;
  readonly to?: string;
}

const exportSchema = strictInput({ from: localDateSchema.optional(), to: localDateSchema.optional() });

/**
 * Every entry in range, in effective-date order (then entry id), page by page.
 *
 * @example
 * ```ts
 * for await (const entry of entriesInRange(tx, {})) console.log(entry.entryId);
 * ```
 */
export async function* entriesInRange(tx: Transaction, options: ExportOptions): AsyncGenerator<JournalEntry> {
  const parsed = parseWith(exportSchema, options, "export range");
  await flushPostings(tx);
  const range = { ...(parsed.from === undefined ? {} : { gte: parsed.from }), ...(parsed.to === undefined ? {} : { lte: parsed.to }) };
  let after: { values: string[]; id: string } | undefined;
  for (;;) {
    const page = await tx.documents.find(FINANCE_STORE.entries, { index: "byDate", range, limit: 1000, ...(after === undefined ? {} : { after }) });
    for (const doc of page) yield doc.data as unknown as JournalEntry;
    if (page.length < 1000) return;
    const last = page[page.length - 1]!;
    after = { values: [(last.data as unknown as JournalEntry).date], id: last.id };
  }
}

function clean(text: string): string {
  return text.replace(/[\r\n;|]+/g, " ").replace(/\s+/g, " ").trim();
}

function abs(text: string): string {
  return text.startsWith("-") ? text.slice(1) : text;
}

/**
 * The journal in hledger's format: account directives with their types, then one
 * transaction per entry. Lines in a foreign currency carry their functional value as a
 * total cost (`-110 USD @@ 100 EUR`), so hledger balances every transaction at cost
 * exactly and `hledger bal -B` gives the functional balances.
 *
 * @example
 * ```ts
 * const text = await runtime.read((tx) => exportHledger(tx, settings, {}));
 * ```
 */
export async function exportHledger(tx: Transaction, settings: Parameters<typeof loadChart>[1], options: ExportOptions = {}): Promise<string> {
  const chart = await loadChart(tx, settings);
  const out: string[] = [];
  out.push("; storekeep journal export");
  for (const account of chart.accounts) {
    out.push(`account ${hledgerAccountName(chart, account.code)}  ; type: ${HLEDGER_TYPE[account.type]}, name: ${clean(account.name)}`);
  }
  out.push("");
  for await (const entry of entriesInRange(tx, options)) {
    const source = entry.source.kind === "event" ? `${entry.source.eventType} ${entry.source.eventId}` : `${entry.source.commandName} ${entry.source.commandId}`;
    out.push(`${entry.date} * ${clean(entry.memo ?? entry.kind)}  ; entry:${entry.entryId}, kind:${entry.kind}, source:${clean(source)}`);
    for (const line of entry.lines) {
      const name = hledgerAccountName(chart, line.account);
      const functional = entry.functionalCurrency;
      if (line.currency === functional || line.amount === "0") {
        out.push(`    ${name}  ${line.functional} ${functional}`);
      } else {
        // A total cost carries the sign of the amount; a value of the other sign (a
        // foreign balance closed at a net value of the opposite sign) is a negative cost.
        const sameSign = line.functional === "0" || line.amount.startsWith("-") === line.functional.startsWith("-");
        out.push(`    ${name}  ${line.amount} ${line.currency} @@ ${sameSign ? abs(line.functional) : `-${abs(line.functional)}`} ${functional}`);
      }
    }
    out.push("");
  }
  return out.join("\n");
}

function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/**
 * The journal as CSV, one row per line: entry id, date, kind, memo, account, account
 * name, currency, amount (signed, debit positive), rate, functional amount, functional
 * currency, debit, credit (functional), source.
 *
 * @example
 * ```ts
 * const csv = await runtime.read((tx) => exportCsv(tx, settings, { from: "2026-01-01" }));
 * ```
 */
export async function exportCsv(tx: Transaction, settings: Parameters<typeof loadChart>[1], options: ExportOptions = {}): Promise<string> {
  const chart = await loadChart(tx, settings);
  const rows: string[] = ["entry_id,date,kind,memo,account,account_name,currency,amount,rate,functional_amount,functional_currency,debit,credit,source"];
  for await (const entry of entriesInRange(tx, options)) {
    const source = entry.source.kind === "event" ? `${entry.source.eventType}:${entry.source.eventId}` : `${entry.source.commandName}:${entry.source.commandId}`;
    for (const line of entry.lines) {
      const negative = line.functional.startsWith("-");
      rows.push(
        [
          entry.entryId,
          entry.date,
          entry.kind,
          line.memo ?? entry.memo ?? "",
          line.account,
          chart.byCode.get(line.account)?.name ?? "",
          line.currency,
          line.amount,
          line.rate ?? "",
          line.functional,
          entry.functionalCurrency,
          negative ? "0" : line.functional,
          negative ? abs(line.functional) : "0",
          source,
        ]
          .map(csvField)
          .join(","),
      );
    }
  }
  return `${rows.join("\n")}\n`;
}
