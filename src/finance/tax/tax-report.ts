import { Decimal, canonicalDecimal } from "../../kernel/decimal.js";
import { parseWith } from "../../kernel/errors.js";
import { localDateSchema } from "../../kernel/local-date.js";
import type { Transaction } from "../../ports/storage.js";
import { FINANCE_STORE, readBalances } from "../ledger-store.js";
import { TAX_RECORDS_STREAM, type TaxRecord } from "./tax-records.js";
import { strictInput } from "../../kernel/strict-input.js";

/**
 * One line of a VAT return: a code at a rate in a jurisdiction, output or input, with the
 * functional base and tax of the documents in the period (credit notes and supplier
 * returns net against them). `code` null gathers documents posted without `taxLines`.
 *
 * @example
 * ```ts
 * const row: TaxReportRow = { country: "DE", region: null, code: "DE-STD", kind: "standard", rate: "0.19",
 *   direction: "output", selfAssessed: false, base: "1000", tax: "190", documents: 3 };
 * ```
 */
export interface TaxReportRow {
  readonly country: string | null;
  readonly region: string | null;
  readonly code: string | null;
  readonly kind: string | null;
  readonly rate: string | null;
  readonly direction: "output" | "input";
  readonly selfAssessed: boolean;
  readonly base: string;
  readonly tax: string;
  readonly documents: number;
}

/**
 * One tax account's movement in the period beside what the documents say it should be
 * (both credit-positive: output tax minus input tax). A difference comes from manual
 * entries on the account, or from posting rules the host replaced.
 *
 * @example
 * ```ts
 * const r: TaxReconciliation = { account: "2200", fromDocuments: "190", ledger: "190", difference: "0" };
 * ```
 */
export interface TaxReconciliation {
  readonly account: string;
  readonly fromDocuments: string;
  readonly ledger: string;
  readonly difference: string;
}

/**
 * The figures of a VAT return for a period, in the functional currency: rows per
 * jurisdiction, code, rate and direction; output tax, input tax and the balance payable
 * (negative: a refund is due); and the reconciliation with the tax accounts.
 *
 * @example
 * ```ts
 * const report: TaxReport = await sk.finance.taxReport({ from: "2026-03-01", to: "2026-03-31" });
 * report.payable; // "142.5"
 * report.reconciles; // true
 * ```
 */
export interface TaxReport {
  readonly from: string;
  readonly to: string;
  readonly currency: string;
  readonly rows: readonly TaxReportRow[];
  readonly outputTax: string;
  readonly inputTax: string;
  readonly payable: string;
  readonly accounts: readonly TaxReconciliation[];
  readonly reconciles: boolean;
}

const rangeSchema = strictInput({ from: localDateSchema, to: localDateSchema })
  .refine((r) => r.from <= r.to, { message: "from must not be after to", path: ["from"] });

/** How many records one read fetches. */
const PAGE = 5000;

/**
 * Reads the tax records of a period and the tax accounts' movements, and builds the report.
 *
 * @example
 * ```ts
 * const report = await runtime.read((tx) => taxReport(tx, "EUR", { from: "2026-03-01", to: "2026-03-31" }));
 * ```
 */
export async function taxReport(tx: Transaction, functionalCurrency: string, options: { readonly from: string; readonly to: string }): Promise<TaxReport> {
  const { from, to } = parseWith(rangeSchema, options, "tax report range");
  const groups = new Map<string, { row: Omit<TaxReportRow, "base" | "tax" | "documents">; base: Decimal; tax: Decimal; documents: Set<string> }>();
  const perAccount = new Map<string, Decimal>();
  let output = new Decimal(0);
  let input = new Decimal(0);
  // Sort keys start with the date: [from, the day after to) is the period.
  const lt = `${to}|~`;
  let range: { gte?: string; gt?: string; lt: string; limit: number } = { gte: `${from}|`, lt, limit: PAGE };
  for (;;) {
    const page = await tx.logs.read(FINANCE_STORE.taxRecords, TAX_RECORDS_STREAM, range);
    for (const entry of page) {
      const r = entry.data as unknown as TaxRecord;
      const key = [r.country, r.region, r.code, r.rate, r.direction, r.selfAssessed, r.kind].join("|");
      let group = groups.get(key);
      if (!group) {
        group = {
          row: { country: r.country, region: r.region, code: r.code, kind: r.kind, rate: r.rate, direction: r.direction, selfAssessed: r.selfAssessed },
          base: new Decimal(0),
          tax: new Decimal(0),
          documents: new Set(),
        };
        groups.set(key, group);
      }
      group.base = group.base.plus(r.base);
      group.tax = group.tax.plus(r.tax);
      group.documents.add(r.eventId);
      const creditPositive = r.direction === "output" ? new Decimal(r.tax) : new Decimal(r.tax).negated();
      perAccount.set(r.account, (perAccount.get(r.account) ?? new Decimal(0)).plus(creditPositive));
      if (r.direction === "output") output = output.plus(r.tax);
      else input = input.plus(r.tax);
    }
    if (page.length < PAGE) break;
    range = { gt: (page[page.length - 1] as { sortKey: string }).sortKey, lt, limit: PAGE };
  }
  const rows: TaxReportRow[] = [...groups.values()]
    .map((g) => ({ ...g.row, base: canonicalDecimal(g.base), tax: canonicalDecimal(g.tax), documents: g.documents.size }))
    .sort((a, b) => compareRows(a, b));
  const accounts: TaxReconciliation[] = [];
  for (const [account, fromDocuments] of [...perAccount].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const balances = await readBalances(tx, { from, to }, { keyPrefix: `${account}|` });
    let ledger = new Decimal(0);
    for (const totals of balances.values()) ledger = ledger.plus(totals.credit).minus(totals.debit);
    accounts.push({ account, fromDocuments: canonicalDecimal(fromDocuments), ledger: canonicalDecimal(ledger), difference: canonicalDecimal(ledger.minus(fromDocuments)) });
  }
  return {
    from,
    to,
    currency: functionalCurrency,
    rows,
    outputTax: canonicalDecimal(output),
    inputTax: canonicalDecimal(input),
    payable: canonicalDecimal(output.minus(input)),
    accounts,
    reconciles: accounts.every((a) => a.difference === "0"),
  };
}

function compareRows(a: TaxReportRow, b: TaxReportRow): number {
  const fields = (r: TaxReportRow) => [r.country ?? "~", r.region ?? "", r.direction === "output" ? "0" : "1", r.code ?? "~", r.rate ?? "", r.selfAssessed ? "1" : "0"];
  const fa = fields(a);
  const fb = fields(b);
  for (let i = 0; i < fa.length; i++) {
    const x = fa[i] as string;
    const y = fb[i] as string;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}
