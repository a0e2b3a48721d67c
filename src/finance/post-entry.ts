import type { JsonObject } from "../ports/storage.js";
import { defineLibraryCommand } from "../runner/library.js";
import { canonicalJson, jsDigest } from "../runner/hash.js";
import { entryToJson, journalEntrySchema, resolveLines } from "./journal-entry.js";
import type { FinanceSettings } from "./settings.js";
import { type EntryDraft, commandSource, entryByKey, postDraft, ratesFor } from "./post-draft.js";
import { conversionRounding } from "./conversion-rounding.js";
import { checkManualEntry } from "./entry-controls.js";


/**
 * Posts a journal entry (balanced, in open periods, on postable accounts); an entry `key` makes a repeat return the first entry.
 *
 * @example
 * ```ts
 * const postEntry = postEntryCommand(resolveFinanceOptions());
 * await runtime.execute(postEntry, { date: "2026-03-02", lines: [{ account: "1000", debit: "10" }, { account: "4000", credit: "10" }] });
 * ```
 */
export function postEntryCommand(settings: FinanceSettings) {
  return defineLibraryCommand({
    name: "finance.postEntry",
    input: journalEntrySchema,
    async handle(ctx, input) {
      const hash = input.key === undefined ? undefined : (ctx.digest ?? jsDigest).sha256Hex(canonicalJson(input));
      if (input.key !== undefined) {
        const earlier = await entryByKey(ctx, input.key, hash!);
        if (earlier !== undefined) return { result: earlier as unknown as JsonObject };
      }
      checkManualEntry(settings, input.lines);
      const functionalCurrency = ctx.config.functionalCurrency;
      const { kernel, stored } = resolveLines(input.lines, functionalCurrency, ctx.config.rounding, await ratesFor(ctx, input));
      const lines: EntryDraft["lines"][number][] = kernel.map((line, i) => {
        // Field by field: a spread of the line followed by more fields took V8's slow path.
        const out: { account: string; currency: string; amount: bigint; functional: bigint; rate?: string; memo?: string } = { account: line.account, currency: line.currency, amount: line.amount, functional: line.functional };
        const { rate, memo } = stored[i]!;
        if (rate !== null) out.rate = rate;
        if (memo !== undefined) out.memo = memo;
        return out;
      });
      // Converting each foreign line at a rate and rounding it can leave an entry that
      // balances in its currency a cent off in the functional one: a rounding line takes it.
      const converted = input.lines.map((l) => (l.currency ?? functionalCurrency) !== functionalCurrency && l.functional === undefined);
      const rounding = conversionRounding(kernel, converted, functionalCurrency);
      if (rounding !== undefined && rounding !== 0n) {
        lines.push({ account: settings.accountMap["rounding-difference"], currency: functionalCurrency, amount: rounding, functional: rounding, memo: "Conversion rounding" });
      }
      const entry = await postDraft(ctx, settings, {
        date: input.date,
        domain: input.domain ?? "general",
        kind: "standard",
        memo: input.memo ?? null,
        key: input.key ?? null,
        ...(hash === undefined ? {} : { keyHash: hash }),
        source: commandSource(ctx),
        reversalOf: null,
        lines,
      });
      return { result: entryToJson(entry) };
    },
  });
}
