import { z } from "zod";
import { StorekeepError } from "../kernel/errors.js";
import type { Transaction } from "../ports/storage.js";
import { OPEN_ITEMS_COLLECTION, openItemId, undoWriteOff } from "./open-item-tracking.js";
import type { OpenItem, OpenItemLedger } from "./open-items.js";
import { toUnits } from "./posting-kernel.js";
import { writeOffEvent } from "./write-off.js";
import { appendReliefRecords } from "./tax/tax-records.js";
import { localDateSchema } from "../kernel/local-date.js";
import { defineLibraryCommand } from "../runner/library.js";
import { type JournalEntry, entryToJson, kernelLinesOf } from "./journal-entry.js";
import { FINANCE_STORE, flushPostings } from "./ledger-store.js";
import type { FinanceSettings } from "./settings.js";
import { commandSource, postDraft } from "./post-draft.js";
import { checkReversible } from "./entry-controls.js";
import { strictInput } from "../kernel/strict-input.js";

const reverseSchema = strictInput({
  entryId: z.string().min(1).max(200),
  date: localDateSchema.optional(),
  memo: z.string().max(500).optional(),
});


/**
 * Reverses a posted entry once (not a year-end close), dated `date` or today.
 *
 * @example
 * ```ts
 * const reverseEntry = reverseEntryCommand(resolveFinanceOptions());
 * await runtime.execute(reverseEntry, { entryId: "je_1" });
 * ```
 */
export function reverseEntryCommand(settings: FinanceSettings) {
  return defineLibraryCommand({
    name: "finance.reverseEntry",
    input: reverseSchema,
    async handle(ctx, input) {
      await flushPostings(ctx.tx);
      const doc = await ctx.tx.documents.get(FINANCE_STORE.entries, input.entryId);
      if (doc === undefined) throw new StorekeepError("NOT_FOUND", `No journal entry ${input.entryId}; check the id.`, { entryId: input.entryId });
      const original = doc.data as unknown as JournalEntry;
      checkReversible(original);
      const done = await ctx.tx.documents.get<{ reversalEntryId: string }>(FINANCE_STORE.reversals, original.entryId);
      if (done !== undefined) {
        throw new StorekeepError("ALREADY_REVERSED", `Entry ${original.entryId} was already reversed by ${done.data.reversalEntryId}; an entry is reversed once.`, { entryId: original.entryId, reversalEntryId: done.data.reversalEntryId });
      }
      const writeOff = await subledgerOf(ctx.tx, original);
      const lines = kernelLinesOf(original.lines).map((line, i) => {
        const rate = original.lines[i]!.rate;
        return { account: line.account, currency: line.currency, amount: -line.amount, functional: -line.functional, ...(rate === null ? {} : { rate }) };
      });
      const entry = await postDraft(ctx, settings, {
        date: input.date ?? ctx.today,
        domain: original.domain,
        kind: "reversal",
        memo: input.memo ?? `Reversal of ${original.entryId}${original.memo === null ? "" : `: ${original.memo}`}`,
        key: null,
        source: commandSource(ctx),
        reversalOf: original.entryId,
        lines,
      });
      await ctx.tx.documents.put(FINANCE_STORE.reversals, original.entryId, { reversalEntryId: entry.entryId }, 0);
      if (writeOff !== undefined) {
        // The write-off's item reopens, and the output tax it relieved is owed again from the reversal's date.
        const relief = await undoWriteOff(ctx.tx, ctx.config.functionalCurrency, writeOff, entry.date, entry.entryId);
        await appendReliefRecords(ctx.tx, settings, { date: entry.date, eventId: entry.entryId, sign: 1 }, relief.map((l) => ({ ...l, documentId: writeOff.documentId })));
        // Announced, as the write-off was: what it wrote off is open again, on the side it was.
        const item = (await ctx.tx.documents.get(OPEN_ITEMS_COLLECTION, openItemId(writeOff.ledger, writeOff.documentId)))!.data as unknown as OpenItem;
        const settlement = item.settlements.find((x) => x.kind === "write-off" && x.documentId === writeOff.writeOffId)!;
        const reason = writeOff.reason ?? (settlement.account !== undefined && settlement.account === settings.writeOffs.badDebtAccount ? "bad-debt" : "small-difference");
        const amount = toUnits(settlement.amount);
        const side = (writeOff.ledger === "receivables") === amount > 0n ? "document" : "credit";
        const event = writeOffEvent("OpenItemWriteOffUndone", { writeOffId: writeOff.writeOffId, entryId: entry.entryId, ledger: writeOff.ledger, reason, item, amount: amount < 0n ? -amount : amount, side, date: entry.date });
        return { result: entryToJson(entry), events: [event] };
      }
      return { result: entryToJson(entry) };
    },
  });
}

/**
 * The open item a command's entry moved, when reversing the entry alone would part the
 * subledger from its control account: a write-off's (undone with it); an allocation's exchange
 * difference is refused (it belongs to the settlement it realised), and so is a write-off
 * recorded before write-offs kept their entry.
 */
async function subledgerOf(tx: Transaction, entry: JournalEntry): Promise<{ ledger: OpenItemLedger; documentId: string; writeOffId: string; reason?: "bad-debt" | "small-difference" } | undefined> {
  if (entry.source.kind !== "command") return undefined;
  const name = entry.source.commandName;
  if (name === "finance.allocate") {
    throw new StorekeepError("INVALID_TRANSITION", `Entry ${entry.entryId} is the exchange difference an allocation realised when it settled open items; reversing it alone would leave the subledger apart from its control account. The allocation stands.`, { entryId: entry.entryId, commandName: name });
  }
  if (name !== "finance.writeOff") return undefined;
  const found = await tx.documents.get<{ ledger: OpenItemLedger; documentId: string; writeOffId: string; reason?: "bad-debt" | "small-difference" }>(FINANCE_STORE.writeOffs, entry.entryId);
  if (found === undefined) {
    throw new StorekeepError("INVALID_TRANSITION", `Entry ${entry.entryId} is a write-off recorded before a write-off's entry could be reversed with it; reversing the entry alone would leave the open item written off. Record the recovery as a payment instead.`, { entryId: entry.entryId, commandName: name });
  }
  return found.data;
}
