import { z } from "zod";
import { StorekeepError } from "../kernel/errors.js";
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
      return { result: entryToJson(entry) };
    },
  });
}
