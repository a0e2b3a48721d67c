import { z } from "zod";
import { withArticle } from "../kernel/article.js";
import { StorekeepError } from "../kernel/errors.js";
import { localDateSchema } from "../kernel/local-date.js";
import type { JsonObject } from "../ports/storage.js";
import type { NewEvent } from "../runner/command.js";
import { defineLibraryCommand } from "../runner/library.js";
import { OPEN_ITEMS_COLLECTION, badDebtTaxRelief, minorUnitsAmount, openItemId, quantumOf } from "./open-item-tracking.js";
import { appendReliefRecords } from "./tax/tax-records.js";
import { type OpenItem, type OpenItemTaxLine, settleItem } from "./open-items.js";
import { FINANCE_STORE } from "./ledger-store.js";
import { commandSource, postDraft } from "./post-draft.js";
import { toUnits, unitsToString } from "./posting-kernel.js";
import type { FinanceSettings } from "./settings.js";

/*
 * Write-offs of open items: a small difference left by a payment (within the configured
 * tolerance, either direction, to the small-difference account), or a receivable that will
 * not be paid (bad debt). The item is relieved at its booked value, so a write-off never
 * carries an exchange difference; the control account and the subledger move together.
 * A bad debt may take back the output tax it contains (VAT relief on bad debts): the
 * invoice's tax per code × the part written off / its gross goes to output tax instead of the
 * bad-debt account, and the tax report counts it in the write-off's period; writing the debt
 * back (a late payment, a credit note) charges that tax again (see open-item-tracking).
 */

/**
 * The result of `sk.finance.writeOff`: the write-off document, the entry, what was
 * written off in the item's currency and its booked functional value, and the item after.
 *
 * @example
 * ```ts
 * const w = await sk.finance.writeOff({ ledger: "receivables", documentId: "inv_1", reason: "small-difference", date: "2026-03-31" });
 * w.functional; // "0.03"
 * ```
 */
export interface WriteOff {
  readonly writeOffId: string;
  readonly entryId: string;
  readonly reason: "small-difference" | "bad-debt";
  readonly amount: string;
  readonly currency: string;
  readonly functional: string;
  readonly account: string;
  readonly item: OpenItem;
  /** The output tax taken back (`taxRelief`), per tax code, functional; empty when none. */
  readonly taxRelief: readonly OpenItemTaxLine[];
  /** Their tax in all (functional; "0" when none): `functional` less this went to `account`. */
  readonly taxRelieved: string;
}

/**
 * Input of `sk.finance.writeOff`: the item (ledger and document id), why, when, and
 * optionally how much of its open amount (in the item's currency; default all of it).
 *
 * @example
 * ```ts
 * const input: WriteOffInput = { ledger: "receivables", documentId: "inv_1", reason: "small-difference", date: "2026-03-31" };
 * ```
 */
export interface WriteOffInput {
  readonly ledger: "receivables" | "payables";
  readonly documentId: string;
  readonly reason: "small-difference" | "bad-debt";
  readonly date: string;
  readonly amount?: string;
  readonly writeOffId?: string;
  readonly memo?: string;
  /**
   * A bad debt: take back the output tax the written-off part contains (default: finance
   * option `writeOffs.badDebtTaxRelief`, itself false by default). Only an invoice carries
   * tax; a small difference never does.
   */
  readonly taxRelief?: boolean;
}

const writeOffSchema = z
  .object({
    ledger: z.enum(["receivables", "payables"]),
    documentId: z.string().min(1).max(200),
    reason: z.enum(["small-difference", "bad-debt"]),
    date: localDateSchema,
    /** Part of the open amount, in the item's currency (default: all of it). */
    amount: z.string().regex(/^\d{1,15}(\.\d{1,6})?$/, "a positive decimal string").optional(),
    writeOffId: z.string().min(1).max(200).optional(),
    memo: z.string().max(500).optional(),
    taxRelief: z.boolean().optional(),
  })
  .strict();

/**
 * Writes off (part of) an open item: posts the booked value against the small-difference
 * or bad-debt account and records the settlement on the item.
 *
 * @example
 * ```ts
 * const writeOff = writeOffCommand(resolveFinanceOptions());
 * await runtime.execute(writeOff, { ledger: "receivables", documentId: "inv_1", reason: "bad-debt", date: "2026-06-30" });
 * ```
 */
export function writeOffCommand(settings: FinanceSettings) {
  return defineLibraryCommand({
    name: "finance.writeOff",
    input: writeOffSchema,
    async handle(ctx, input) {
      const doc = await ctx.tx.documents.getForUpdate(OPEN_ITEMS_COLLECTION, openItemId(input.ledger, input.documentId));
      if (doc === undefined) {
        throw new StorekeepError("NOT_FOUND", `No open item ${input.documentId} in ${input.ledger}; write off a document finance tracks (see openItems).`, { ledger: input.ledger, documentId: input.documentId });
      }
      const item = doc.data as unknown as OpenItem;
      const open = toUnits(item.openAmount);
      if (open === 0n) throw new StorekeepError("INVALID_TRANSITION", `${input.documentId} is settled in full; nothing is left to write off.`, { documentId: input.documentId });
      if (item.date > input.date) {
        throw new StorekeepError("VALIDATION_FAILED", `${input.documentId} is dated ${item.date}; a write-off cannot be dated before it (${input.date}).`, { issues: [{ path: "date", message: `on or after ${item.date}`, code: "custom" }] });
      }
      const sign = open < 0n ? -1n : 1n;
      let amount = open;
      if (input.amount !== undefined) {
        amount = minorUnitsAmount(input.amount, item.currency, "amount") * sign;
        if (amount === 0n) throw new StorekeepError("VALIDATION_FAILED", "amount must be greater than zero.", { issues: [{ path: "amount", message: "greater than zero", code: "custom" }] });
      }
      const isCustomerDebt = input.ledger === "receivables" && open > 0n;
      let account: string;
      if (input.reason === "bad-debt") {
        if (!isCustomerDebt) {
          throw new StorekeepError("INVALID_TRANSITION", `Only money a customer owes can be a bad debt; ${input.documentId} is ${input.ledger === "payables" ? "a payable" : "a credit to the customer"}. Use reason "small-difference" within the tolerance.`, { documentId: input.documentId, allowed: ["small-difference"] });
        }
        if (settings.writeOffs.badDebtAccount === null) {
          throw new StorekeepError("VALIDATION_FAILED", "The chart has no bad-debt account: set finance option writeOffs.badDebtAccount.", { issues: [{ path: "writeOffs.badDebtAccount", message: "required for bad-debt write-offs", code: "custom" }] });
        }
        account = settings.writeOffs.badDebtAccount;
      } else {
        account = settings.writeOffs.smallDifferenceAccount;
      }
      const quantum = quantumOf(ctx.config.functionalCurrency);
      const writeOffId = input.writeOffId ?? ctx.ids.next("wo");
      // Relieved at its booked value: the settlement is worth exactly what it relieves.
      const trial = settleItem(item, { date: input.date, documentId: writeOffId, kind: "write-off", amount, settledValue: 0n, quantum }, toUnits, unitsToString);
      const booked = trial.booked;
      const relief = taxReliefOf(settings, input, item, amount, quantum);
      if (input.reason === "small-difference") {
        const magnitude = booked < 0n ? -booked : booked;
        if (magnitude > toUnits(settings.writeOffs.tolerance)) {
          throw new StorekeepError(
            "VALIDATION_FAILED",
            `${unitsToString(magnitude)} ${ctx.config.functionalCurrency} is above the small-difference tolerance of ${settings.writeOffs.tolerance}; settle it, or write it off as a bad debt if a customer will not pay.`,
            { issues: [{ path: "amount", message: `at most ${settings.writeOffs.tolerance} ${ctx.config.functionalCurrency}`, code: "custom" }], tolerance: settings.writeOffs.tolerance },
          );
        }
      }
      const relieved = relief.reduce((sum, l) => sum + toUnits(l.tax), 0n);
      // The account is kept on the settlement: a credit note of the document later writes back to it (and charges the relief again).
      const { item: after } = settleItem(item, { date: input.date, documentId: writeOffId, kind: "write-off", amount, settledValue: booked, quantum, account, taxRelief: relief }, toUnits, unitsToString);
      await ctx.tx.documents.put(OPEN_ITEMS_COLLECTION, item.itemId, after as unknown as JsonObject, doc.version);
      const control = settings.accountMap[input.ledger];
      const memo = input.memo ?? `${input.reason === "bad-debt" ? "Bad debt" : "Small difference"} written off: ${input.documentId}`;
      const entry = await postDraft(ctx, settings, {
        date: input.date,
        domain: "general",
        kind: "standard",
        memo,
        key: null,
        source: commandSource(ctx),
        reversalOf: null,
        lines: [
          { account: control, currency: item.currency, amount: -amount, functional: -booked },
          ...(booked === relieved ? [] : [{ account, currency: ctx.config.functionalCurrency, amount: booked - relieved, functional: booked - relieved }]),
          ...(relieved === 0n ? [] : [{ account: settings.accountMap["output-tax"], currency: ctx.config.functionalCurrency, amount: relieved, functional: relieved }]),
        ],
      });
      await appendReliefRecords(ctx.tx, settings, { date: input.date, eventId: entry.entryId, sign: -1 }, relief.map((l) => ({ ...l, documentId: item.documentId })));
      // Which write-off the entry posted: reversing the entry (finance.reverseEntry) undoes it on the item too.
      await ctx.tx.documents.put(FINANCE_STORE.writeOffs, entry.entryId, { ledger: input.ledger, documentId: input.documentId, writeOffId, reason: input.reason }, 0);
      const result: WriteOff = {
        writeOffId,
        entryId: entry.entryId,
        reason: input.reason,
        amount: unitsToString(amount),
        currency: item.currency,
        functional: unitsToString(booked),
        account,
        item: after,
        taxRelief: relief,
        taxRelieved: unitsToString(relieved),
      };
      return { result: result as unknown as JsonObject, events: [writeOffEvent("OpenItemWrittenOff", { writeOffId, entryId: entry.entryId, ledger: input.ledger, reason: input.reason, item, amount: amount < 0n ? -amount : amount, side: (input.ledger === "receivables") === open > 0n ? "document" : "credit", date: input.date })] };
    },
  });
}

/**
 * The event announcing a write-off (`OpenItemWrittenOff`) or its undoing (`OpenItemWriteOffUndone`),
 * for the modules that keep the document (see finance's events).
 */
export function writeOffEvent(
  type: "OpenItemWrittenOff" | "OpenItemWriteOffUndone",
  w: { readonly writeOffId: string; readonly entryId: string; readonly ledger: "receivables" | "payables"; readonly reason: "small-difference" | "bad-debt"; readonly item: OpenItem; readonly amount: bigint; readonly side: "document" | "credit"; readonly date: string },
): NewEvent {
  return {
    type,
    aggregateType: "open-item",
    aggregateId: w.item.itemId,
    effectiveDate: w.date,
    payload: {
      writeOffId: w.writeOffId,
      entryId: w.entryId,
      ledger: w.ledger,
      party: w.item.party,
      currency: w.item.currency,
      reason: w.reason,
      side: w.side,
      document: { documentId: w.item.documentId, documentType: w.item.documentType, ...(w.item.orderId === undefined ? {} : { orderId: w.item.orderId }) },
      amount: { amount: unitsToString(w.amount), currency: w.item.currency },
    },
  };
}

/**
 * The output tax a write-off takes back: for a bad debt of an invoice when `taxRelief` (or the
 * shop's `writeOffs.badDebtTaxRelief`) asks for it, else none. Asked explicitly where no tax can
 * be relieved — a small difference, a debt that is not an invoice, an invoice tracked before
 * invoices kept their tax — it is refused rather than written off without the relief.
 */
function taxReliefOf(settings: FinanceSettings, input: z.output<typeof writeOffSchema>, item: OpenItem, amount: bigint, quantum: bigint): OpenItemTaxLine[] {
  const explicit = input.taxRelief === true;
  if (!(input.taxRelief ?? settings.writeOffs.badDebtTaxRelief)) return [];
  if (input.reason !== "bad-debt") {
    if (!explicit) return [];
    throw new StorekeepError("VALIDATION_FAILED", "taxRelief applies to bad debts only: a small difference keeps the tax invoiced. Leave taxRelief out, or write the debt off with reason \"bad-debt\".", { issues: [{ path: "taxRelief", message: "bad debts only", code: "custom" }] });
  }
  if (item.documentType !== "invoice") {
    if (!explicit) return [];
    throw new StorekeepError("VALIDATION_FAILED", `${item.documentId} is ${withArticle(item.documentType)}, not an invoice: only an invoice's debt carries output tax to relieve. Write it off with taxRelief: false.`, { issues: [{ path: "taxRelief", message: "an invoice's debt only", code: "custom" }], documentId: item.documentId });
  }
  if (item.tax === undefined) {
    throw new StorekeepError(
      "VALIDATION_FAILED",
      `${item.documentId} was tracked before invoices kept their tax, so the tax its bad debt contains is not known here. Write it off with taxRelief: false and correct the output tax with a journal entry (finance.postEntry).`,
      { issues: [{ path: "taxRelief", message: "the invoice keeps no tax lines", code: "custom" }], documentId: item.documentId },
    );
  }
  return badDebtTaxRelief(item, amount, quantum);
}
