import { parseCsv } from "../kernel/csv.js";
import { z } from "zod";
import { BOUNDS, nonNegativeAmountSchema } from "../kernel/bounds.js";
import { isCurrencyCode } from "../kernel/currencies.js";
import { StorekeepError } from "../kernel/errors.js";
import { localDateSchema } from "../kernel/local-date.js";
import { defineLibraryCommand } from "../runner/library.js";
import { canonicalJson, sha256Hex } from "../runner/hash.js";
import { accountCodeSchema } from "./accounts.js";
import { entryByKey, postDraft } from "./post-draft.js";
import { type ParsedJournalLine, entryToJson, resolveLines } from "./journal-entry.js";
import { readBalances, splitBalanceKey } from "./ledger-store.js";
import { checkEntryBalanced, toUnits, unitsToString } from "./posting-kernel.js";
import type { FinanceSettings } from "./settings.js";
import { strictInput } from "../kernel/strict-input.js";

/*
 * Opening balances of a shop that moves to storekeep: its old books' trial balance,
 * imported as the opening entry. Stock comes first, through inventory (StockReceived with
 * source `opening`, which posts Dr Inventory / Cr Opening balance equity); the trial
 * balance's Inventory figure must then equal what that opening stock posted, and the
 * opening entry posts every other account against Opening balance equity — so the books
 * and the stock ledger agree from day one, and Opening balance equity ends at what the
 * trial balance itself puts there (usually zero).
 */

/**
 * One row of an opening trial balance: a functional `debit` or `credit` (exactly one),
 * and for an account kept in another currency its `currency` and transaction `amount`.
 *
 * @example
 * ```ts
 * const row: OpeningBalanceRow = { account: "1100", debit: "12000" };
 * ```
 */
export interface OpeningBalanceRow {
  readonly account: string;
  readonly debit?: string | number;
  readonly credit?: string | number;
  readonly currency?: string;
  readonly amount?: string | number;
}

const rowSchema = z
  .object({
    account: accountCodeSchema,
    debit: nonNegativeAmountSchema.optional(),
    credit: nonNegativeAmountSchema.optional(),
    currency: z.string().refine(isCurrencyCode, { message: "must be an ISO 4217 currency code" }).optional(),
    amount: nonNegativeAmountSchema.optional(),
  })
  .refine((r) => (r.debit === undefined) !== (r.credit === undefined), { message: "give exactly one of debit or credit", path: ["debit"] });

/**
 * The input of an opening-balance import: the opening date, and the trial balance as
 * rows or as CSV text (header `account,debit,credit[,currency,amount]`).
 *
 * @example
 * ```ts
 * const input: OpeningBalancesInput = { date: "2026-01-01", csv: "account,debit,credit\n1100,12000,\n3100,,12000\n" };
 * ```
 */
export interface OpeningBalancesInput {
  readonly date: string;
  readonly rows?: readonly OpeningBalanceRow[];
  readonly csv?: string;
  readonly key?: string;
}

const inputSchema = strictInput({
  date: localDateSchema,
  rows: z.array(z.record(z.string(), z.unknown())).min(1).max(BOUNDS.lines).optional(),
  csv: z.string().max(1_000_000).optional(),
  key: z.string().min(1).max(200).optional(),
})
  .refine((x) => (x.rows === undefined) !== (x.csv === undefined), { message: "give exactly one of rows or csv", path: ["rows"] });

/**
 * Parses trial-balance CSV: a header naming `account`, `debit`, `credit` and optionally
 * `currency` and `amount` (any order, case-insensitive), fields quoted with `"` when they
 * hold commas. Empty cells are left out.
 *
 * @example
 * ```ts
 * parseTrialBalanceCsv("account,debit,credit\n1100,100,\n3100,,100\n");
 * // [{ account: "1100", debit: "100" }, { account: "3100", credit: "100" }]
 * ```
 */
export function parseTrialBalanceCsv(text: string): OpeningBalanceRow[] {
  const records = parseCsv(text).filter((r) => r.some((cell) => cell.trim() !== ""));
  const header = records.shift()?.map((h) => h.trim().toLowerCase());
  if (header === undefined || !header.includes("account")) {
    throw new StorekeepError("VALIDATION_FAILED", "The trial balance CSV needs a header row naming account, debit, credit (and optionally currency, amount).", {
      issues: [{ path: "csv", message: "missing header", code: "custom" }],
    });
  }
  const known = ["account", "debit", "credit", "currency", "amount"];
  return records.map((record) => {
    const row: Record<string, string> = {};
    header.forEach((name, i) => {
      const value = (record[i] ?? "").trim();
      if (known.includes(name) && value !== "") row[name] = value;
    });
    return row as unknown as OpeningBalanceRow;
  });
}


/**
 * The opening-balance command bound to settings. Refuses with `VALIDATION_FAILED` when the
 * trial balance's Inventory differs from what opening stock posted (details: account,
 * trialBalance, posted, difference), and with `UNBALANCED_ENTRY` when the trial balance
 * does not balance. Idempotent by `key` (default `"opening-balances"`).
 *
 * @example
 * ```ts
 * await runtime.execute(openingBalancesCommand(settings), { date: "2026-01-01", rows });
 * ```
 */
export function openingBalancesCommand(settings: FinanceSettings) {
  return defineLibraryCommand({
    name: "finance.importOpeningBalances",
    input: inputSchema,
    async handle(ctx, input) {
      const key = input.key ?? "opening-balances";
      const raw = input.csv !== undefined ? parseTrialBalanceCsv(input.csv) : (input.rows as unknown as OpeningBalanceRow[]);
      const rows = raw.map((row, index) => {
        const parsed = rowSchema.safeParse(row);
        if (!parsed.success) {
          throw new StorekeepError("VALIDATION_FAILED", `Trial balance row ${index} (${String((row as { account?: unknown }).account ?? "?")}) is invalid: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}.`, {
            issues: parsed.error.issues.map((i) => ({ path: `rows[${index}].${i.path.join(".")}`, message: i.message, code: i.code })),
          });
        }
        return parsed.data;
      });
      const functionalCurrency = ctx.config.functionalCurrency;
      const hash = sha256Hex(canonicalJson({ date: input.date, rows }));
      const earlier = await entryByKey(ctx, key, hash);
      if (earlier !== undefined) return { result: entryToJson(earlier) };

      const lines: ParsedJournalLine[] = rows.map((row) => {
        const foreign = row.currency !== undefined && row.currency !== functionalCurrency;
        const side = row.debit !== undefined ? "debit" : "credit";
        const functional = (row.debit ?? row.credit)!;
        if (foreign && row.amount === undefined) {
          throw new StorekeepError("VALIDATION_FAILED", `Trial balance row for ${row.account} is in ${row.currency}: give its amount in ${row.currency} too.`, {
            issues: [{ path: "amount", message: "required for a foreign-currency row", code: "custom" }],
          });
        }
        return foreign ? { account: row.account, [side]: row.amount!, currency: row.currency!, functional } : { account: row.account, [side]: functional };
      }) as ParsedJournalLine[];
      const { kernel, stored } = resolveLines(lines, functionalCurrency, ctx.config.rounding, new Map());
      checkEntryBalanced(kernel, functionalCurrency);

      const inventory = settings.accountMap.inventory;
      let trialBalanceInventory = 0n;
      for (const line of kernel) if (line.account === inventory) trialBalanceInventory += line.functional;
      let posted = 0n;
      for (const [balanceKey, totals] of await readBalances(ctx.tx, { to: input.date }, { keyPrefix: `${inventory}|` })) {
        if (splitBalanceKey(balanceKey).account === inventory) posted += toUnits(totals.debit.minus(totals.credit).toFixed());
      }
      if (posted !== trialBalanceInventory) {
        const difference = trialBalanceInventory - posted;
        throw new StorekeepError(
          "VALIDATION_FAILED",
          `The trial balance puts ${unitsToString(trialBalanceInventory)} ${functionalCurrency} on Inventory (${inventory}) but opening stock posted ${unitsToString(posted)} as of ${input.date}. Import the opening stock through inventory first (StockReceived, source "opening"), or correct the trial balance, so the two agree.`,
          {
            issues: [{ path: "rows", message: "Inventory disagrees with opening stock", code: "custom" }],
            account: inventory,
            trialBalance: unitsToString(trialBalanceInventory),
            posted: unitsToString(posted),
            difference: unitsToString(difference),
          },
        );
      }
      const draftLines = kernel
        .map((line, i) => ({ ...line, ...(stored[i]!.rate === null ? {} : { rate: stored[i]!.rate! }) }))
        .filter((line) => line.account !== inventory);
      if (trialBalanceInventory !== 0n) {
        const obe = settings.accountMap["opening-balance-equity"];
        draftLines.push({ account: obe, currency: functionalCurrency, amount: trialBalanceInventory, functional: trialBalanceInventory });
      }
      const entry = await postDraft(ctx, settings, {
        date: input.date,
        domain: "general",
        kind: "opening",
        memo: `Opening balances as of ${input.date}`,
        key,
        keyHash: hash,
        source: { kind: "command", commandId: ctx.commandId, commandName: ctx.commandName },
        reversalOf: null,
        lines: draftLines,
      });
      return { result: { ...entryToJson(entry), inventoryAgreed: unitsToString(posted) } };
    },
  });
}
