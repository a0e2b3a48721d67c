import { z } from "zod";
import { parseWith } from "../kernel/errors.js";
import { strictInput } from "../kernel/strict-input.js";
import { localDateSchema } from "../kernel/local-date.js";
import type { Transaction } from "../ports/storage.js";
import { type AgingOptions, type AgingTable, agingOf } from "./aging.js";
import { FINANCE_STORE, readBalances, splitBalanceKey } from "./ledger-store.js";
import { type OpenItem, type OpenItemLedger, openAsOf } from "./open-items.js";
import { toUnits, unitsToString } from "./posting-kernel.js";
import type { Revaluation } from "./revalue.js";
import type { FinanceSettings } from "./settings.js";

/*
 * Reads of the subledgers: open items, aging, statements of account, and the check that
 * each subledger equals its control account.
 */

/**
 * Every open item of a ledger (one party's when given), oldest first per party; `open`
 * only: those with something open.
 *
 * @example
 * ```ts
 * for await (const item of readOpenItems(tx, "receivables", { party: "cus_1" })) console.log(item.documentId);
 * ```
 */
export async function* readOpenItems(tx: Transaction, ledger: OpenItemLedger, options: { readonly party?: string } = {}): AsyncGenerator<OpenItem> {
  let after: { values: string[]; id: string } | undefined;
  const equals = options.party === undefined ? [ledger] : [ledger, options.party];
  for (;;) {
    const page = await tx.documents.find(FINANCE_STORE.openItems, { index: "byParty", equals, limit: 1000, ...(after === undefined ? {} : { after }) });
    for (const doc of page) yield doc.data as unknown as OpenItem;
    if (page.length < 1000) break;
    const last = page[page.length - 1]!.data as unknown as OpenItem;
    after = { values: [last.ledger, last.party, last.date], id: last.itemId };
  }
}

/**
 * The aging table of a ledger as of a date (see `agingOf`).
 *
 * @example
 * ```ts
 * const table = await agingReport(tx, { ledger: "receivables", asOf: "2026-03-31", buckets: [30, 60, 90] });
 * ```
 */
export async function agingReport(tx: Transaction, options: AgingOptions): Promise<AgingTable> {
  const items: OpenItem[] = [];
  for await (const item of readOpenItems(tx, options.ledger, options.party === undefined ? {} : { party: options.party })) items.push(item);
  return agingOf(items, options);
}

/**
 * One line of a statement of account: a document (invoice, credit note, bill, payment)
 * or a settlement, with the running balance in the statement's currency.
 *
 * @example
 * ```ts
 * const line: AccountStatementLine = { date: "2026-03-02", documentId: "inv_1", documentType: "invoice", reference: "inv_1", amount: "119", balance: "119" };
 * ```
 */
export interface AccountStatementLine {
  readonly date: string;
  readonly documentId: string;
  readonly documentType: string;
  /** The item the line belongs to (for a settlement: the item it settled). */
  readonly reference: string;
  readonly amount: string;
  readonly balance: string;
}

/**
 * A statement of account: a party's documents and settlements in one currency from
 * `from` to `to`, the balance brought forward and the closing balance (positive: the
 * customer owes the shop, or the shop owes the supplier).
 *
 * @example
 * ```ts
 * const s: StatementOfAccount = await sk.finance.statement({ ledger: "receivables", party: "cus_1", currency: "EUR", from: "2026-03-01", to: "2026-03-31" });
 * ```
 */
export interface StatementOfAccount {
  readonly ledger: OpenItemLedger;
  readonly party: string;
  readonly currency: string;
  readonly from: string;
  readonly to: string;
  readonly opening: string;
  readonly lines: readonly AccountStatementLine[];
  readonly closing: string;
}

/**
 * A statement of account for one party and currency.
 *
 * @example
 * ```ts
 * const statement = await statementOfAccount(tx, { ledger: "receivables", party: "cus_1", currency: "EUR", from: "2026-03-01", to: "2026-03-31" });
 * ```
 */
export async function statementOfAccount(tx: Transaction, options: { readonly ledger: OpenItemLedger; readonly party: string; readonly currency: string; readonly from: string; readonly to: string }): Promise<StatementOfAccount> {
  const sign = options.ledger === "receivables" ? 1n : -1n;
  const moves: { date: string; documentId: string; documentType: string; reference: string; amount: bigint }[] = [];
  for await (const item of readOpenItems(tx, options.ledger, { party: options.party })) {
    if (item.currency !== options.currency) continue;
    moves.push({ date: item.date, documentId: item.documentId, documentType: item.documentType, reference: item.documentId, amount: toUnits(item.amount) * sign });
    for (const s of item.settlements) moves.push({ date: s.date, documentId: s.documentId, documentType: s.kind, reference: item.documentId, amount: -toUnits(s.amount) * sign });
  }
  // Within a day in the order a shop's documents follow each other (an invoice, the money paid
  // on it, a credit note, a write-off, money paid back), then by document id: items carry dates,
  // not times, and the ids' order (CN… before INV…) put a credit before the invoice it credits.
  moves.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : sameDayRank(a.documentType) - sameDayRank(b.documentType) || (a.documentId < b.documentId ? -1 : a.documentId > b.documentId ? 1 : 0)));
  let balance = 0n;
  const lines: AccountStatementLine[] = [];
  for (const m of moves) {
    if (m.date > options.to) break;
    balance += m.amount;
    if (m.date < options.from) continue;
    lines.push({ date: m.date, documentId: m.documentId, documentType: m.documentType, reference: m.reference, amount: unitsToString(m.amount), balance: unitsToString(balance) });
  }
  const opening = balance - lines.reduce((sum, l) => sum + toUnits(l.amount), 0n);
  return { ...options, opening: unitsToString(opening), lines, closing: unitsToString(balance) };
}

/**
 * One subledger against its control account as of a date (functional): the sum of the
 * open items and the control account's balance (debit positive), and whether they agree.
 *
 * @example
 * ```ts
 * const check: SubledgerCheck = { ledger: "receivables", account: "1200", asOf: "2026-03-31", subledger: "119", control: "119", revaluation: "0", difference: "0", ok: true };
 * ```
 */
export interface SubledgerCheck {
  readonly ledger: OpenItemLedger;
  readonly account: string;
  readonly asOf: string;
  readonly subledger: string;
  readonly control: string;
  /** The unrealised exchange difference posted to the control account on `asOf` by `revalue` (reversed the next day). */
  readonly revaluation: string;
  readonly difference: string;
  readonly ok: boolean;
}

/**
 * Checks that each subledger equals its control account as of a date: the open items'
 * booked functional values against the balance of the account mapped to `receivables`
 * (`payables`). A difference means something posted to the control account without a
 * document (a manual entry allowed by `allowManualEntries`, opening balances) or a
 * document that bypassed finance.
 *
 * @example
 * ```ts
 * const checks = await auditSubledgers(tx, settings, "2026-03-31");
 * checks.every((c) => c.ok);
 * ```
 */
export async function auditSubledgers(tx: Transaction, settings: FinanceSettings, asOf: string): Promise<SubledgerCheck[]> {
  const out: SubledgerCheck[] = [];
  const revaluations = (await tx.documents.get(FINANCE_STORE.revaluations, asOf))?.data as unknown as Revaluation | undefined;
  for (const ledger of ["receivables", "payables"] as const) {
    const account = settings.accountMap[ledger];
    let subledger = 0n;
    for await (const item of readOpenItems(tx, ledger)) {
      const open = openAsOf(item, asOf, toUnits);
      if (open !== null) subledger += open.functional;
    }
    let control = 0n;
    for (const [key, totals] of await readBalances(tx, { to: asOf }, { keyPrefix: `${account}|` })) {
      if (splitBalanceKey(key).account !== account) continue;
      control += toUnits(totals.debit.minus(totals.credit).toFixed());
    }
    const revaluation = (revaluations?.rows ?? []).filter((r) => r.ledger === ledger).reduce((sum, r) => sum + toUnits(r.difference), 0n);
    const difference = subledger + revaluation - control;
    out.push({ ledger, account, asOf, subledger: unitsToString(subledger), control: unitsToString(control), revaluation: unitsToString(revaluation), difference: unitsToString(difference), ok: difference === 0n });
  }
  return out;
}

const ledgerSchema = z.enum(["receivables", "payables"]);

/**
 * The boundary schemas of the open-item reads.
 *
 * @example
 * ```ts
 * OPEN_ITEM_SCHEMAS.aging.parse({ ledger: "receivables", asOf: "2026-03-31" });
 * ```
 */
export const OPEN_ITEM_SCHEMAS = Object.freeze({
  openItems: strictInput({ ledger: ledgerSchema, party: z.string().min(1).max(200).optional(), openOnly: z.boolean().optional() }),
  aging: strictInput({ ledger: ledgerSchema, asOf: localDateSchema, buckets: z.array(z.number().int().min(1).max(36_500)).max(20).optional(), party: z.string().min(1).max(200).optional() }),
  statement: strictInput({ ledger: ledgerSchema, party: z.string().min(1).max(200), currency: z.string().length(3), from: localDateSchema, to: localDateSchema }).refine((x) => x.from <= x.to, { message: "from must not be after to", path: ["from"] }),
  audit: strictInput({ asOf: localDateSchema }),
});

/**
 * Parses a read's options (`VALIDATION_FAILED` naming the field).
 *
 * @example
 * ```ts
 * const options = parseOpenItemOptions("aging", { ledger: "receivables", asOf: "2026-03-31" });
 * ```
 */
export function parseOpenItemOptions<K extends keyof typeof OPEN_ITEM_SCHEMAS>(kind: K, input: unknown): z.output<(typeof OPEN_ITEM_SCHEMAS)[K]> {
  return parseWith(OPEN_ITEM_SCHEMAS[kind], input, `${kind} options`) as z.output<(typeof OPEN_ITEM_SCHEMAS)[K]>;
}

/** A statement line's place among the lines of its day (see `statementOfAccount`). */
function sameDayRank(type: string): number {
  switch (type) {
    case "invoice":
    case "bill":
    case "landed-cost":
      return 0;
    case "advance":
    case "payment":
      return 1;
    case "credit-note":
    case "debit-note":
    case "allocation":
    case "credit":
      return 2;
    case "write-off":
    case "write-back":
      return 3;
    default:
      return 4;
  }
}
